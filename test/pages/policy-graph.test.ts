import { compilePolicy } from '../../compiler/compile';
import { escapeText, html, Html } from '../../pages/html';
import { barChart, funnel, weekHourGrid } from '../../pages/charts';
import { drawPolicy, policyGraph, policyPage } from '../../pages/policy-graph';
import { ACME, HOSTILE, HOSTILE_MARKUP } from './fixtures';

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('html', () => {
  test('escapes every value put into a template, in content and in attributes, and keeps Html as it is', () => {
    const name = `"><script>alert('x')</script>&`;
    const out = html`<p title="${name}">${name} ${new Html('<b>ok</b>')} ${[1200, null, false, 'a<b']}</p>`.markup;
    expect(out).toBe(`<p title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp; <b>ok</b> 1200a&lt;b</p>`);
    expect(escapeText('__proto__')).toBe('__proto__');
  });
});

describe('charts', () => {
  test('a bar chart draws one bar per item, its value on it, and the same figures as a table', () => {
    const out = barChart('Leads by rep', [{ label: 'ann', value: 12 }, { label: 'ben', value: 0 }, { label: '<script>', value: 3, warn: true }]).markup;
    expect(count(out, '<rect class="bar')).toBe(3);
    expect(count(out, 'class="bar warn"')).toBe(1);
    expect(out).toContain('<title>Leads by rep</title>');
    expect(out).toContain('<td>&lt;script&gt;</td><td class="n">3</td>');
    expect(out).not.toContain('<script');
    // The largest bar fills the room, the others in proportion: 12 → 470, 3 → a quarter of it.
    expect(out).toMatch(/width="470"[^>]*><\/rect><text[^>]*>12</);
    expect(out).toMatch(/width="118"[^>]*><\/rect><text[^>]*>3</);
  });

  test('a funnel draws one band per step and a week grid 7 × 24 cells, open hours outlined', () => {
    expect(count(funnel('Rules', [{ label: 'line 1', value: 10, note: 'took 4' }, { label: 'line 2', value: 6, note: 'took 6' }]).markup, '<rect class="step"')).toBe(2);
    const counts = Array.from({ length: 7 }, (_, d) => Array.from({ length: 24 }, (_, h) => (d === 0 && h === 9 ? 5 : 0)));
    const open = Array.from({ length: 7 }, (_, d) => Array.from({ length: 24 }, (_, h) => d < 5 && h >= 9 && h < 17));
    const grid = weekHourGrid('Arrivals', counts, open).markup;
    expect(count(grid, '<rect class="cell"')).toBe(168);
    expect(count(grid, 'stroke="#2f7d4f"')).toBe(5 * 8);
    expect(grid).toContain('<title>Mon 09:00 · 5 leads · open</title>');
  });
});

describe('the policy drawing', () => {
  test("draws the whole policy of LANGUAGE.md as its rules, targets, pools and ends, counted by hand", () => {
    const graph = policyGraph(ACME.ir);
    // 5 rules; targets: owner, queue support, round_robin(payments_team) and queue payments_overflow, two `by`;
    // 6 pools; ends: the account's owner, 12 members, queues support and payments_overflow, the fallback.
    expect(graph.layers.map((l) => l.length)).toEqual([5, 6, 6, 16]);
    // Edges: 6 rule → target; owner, queue, pool, queue, 5 + 5 pools from the two `by`; 12 pool → member.
    expect(graph.edges).toHaveLength(6 + 14 + 12);
    // Pools sit beside the targets that feed them; the fallback, fed by no edge, comes last.
    expect(graph.layers[2].map((n) => n.label)).toEqual(['pool payments_team', 'pool enterprise.na', 'pool enterprise.emea', 'pool enterprise.*', 'pool midmarket.*', 'pool smb.*']);
    expect(graph.layers[3].map((n) => n.id)).toEqual([
      'owner', 'rep:ivy@acme.com', 'rep:jon@acme.com', 'queue:support', 'rep:alice', 'rep:bob', 'rep:carol', 'rep:dieter', 'rep:emma',
      'queue:payments_overflow', 'rep:zoe', 'rep:mia', 'rep:noah', 'rep:frank', 'rep:gina', 'exception:exceptions',
    ]);
    const svg = drawPolicy(ACME.ir).markup;
    expect(count(svg, '<g class="node ')).toBe(33);
    expect(count(svg, '<path class="edge"')).toBe(32);
    expect(drawPolicy(ACME.ir).markup).toBe(svg);
  });

  test('puts the leads of each path on its edges and nodes', () => {
    const policy = compilePolicy(`policy "counts"
pool team = [ann, ben]
when tier = gold route rep zed
when tier = silver route round_robin(team) or queue overflow
else queue general
fallback queue exceptions
`);
    const graph = policyGraph(policy.ir, [
      { rule: 0, target: 0, pool: null, end: 'rep:zed', leads: 3 },
      { rule: 1, target: 0, pool: 'team', end: 'rep:ann', leads: 4 },
      { rule: 1, target: 0, pool: 'team', end: 'rep:ben', leads: 2 },
      { rule: 1, target: 1, pool: null, end: 'queue:overflow', leads: 1 },
      { rule: null, target: null, pool: null, end: 'exception:exceptions', leads: 2 },
    ]);
    const edges = Object.fromEntries(graph.edges.map((e) => [`${e.from} > ${e.to}`, e.leads]));
    expect(edges).toEqual({
      'rule:0 > target:0.0': 3, 'target:0.0 > rep:zed': 3,
      'rule:1 > target:1.0': 6, 'target:1.0 > pool:team': 6, 'pool:team > rep:ann': 4, 'pool:team > rep:ben': 2,
      'rule:1 > target:1.1': 1, 'target:1.1 > queue:overflow': 1,
      'rule:2 > target:2.0': 0, 'target:2.0 > queue:general': 0,
    });
    const nodes = Object.fromEntries(graph.layers.flat().map((n) => [n.id, n.leads]));
    expect(nodes).toMatchObject({ 'rule:1': 7, 'pool:team': 6, 'exception:exceptions': 2, 'queue:general': 0 });
  });

  test('hostile names reach the page only as escaped text', () => {
    const out = policyPage(HOSTILE.ir, HOSTILE.hash);
    for (const bad of HOSTILE_MARKUP) expect(out).not.toContain(bad);
    expect(out).toContain('pool __proto__');
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('a&quot;b&#39;c');
    expect(count(out, '<g class="node ')).toBe(2 + 2 + 1 + 5);
  });
});
