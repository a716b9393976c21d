// The bench compares decide() with a hand-written function for each of its policies; the
// comparison is only fair if both do the same work, so they must produce the same decisions,
// with either evaluator.

import { compilePolicy, type EvaluatorKind } from '../../compiler/compile';
import type { PendingDecision } from '../../compiler/decision';
import { createHandwrittenDecide, decisionDifference, stickyProbes } from '../../bench/handwritten';
import { createTerritoriesDecide } from '../../bench/handwritten-territories';
import { acmeSource, benchLeads, territoriesSource, type BenchLeads } from '../../bench/inputs';

const bench = benchLeads(2_000);
const { leads, options } = bench;

/** `count` dirtier leads, each at an instant from 1970 to 2100, to the millisecond (time-zone changes, leap days, day boundaries). */
function leadsOverACentury(count: number): BenchLeads {
  const dirty = benchLeads(count, 0.5);
  let seed = 12345;
  const at = dirty.leads.map(() => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return { now: Math.floor((seed / 2 ** 32) * 4_102_444_800_000) };
  });
  return { leads: dirty.leads, options: at };
}
const century = leadsOverACentury(1_000);

const POLICIES = [
  { policy: 'acme-inbound', source: acmeSource(), create: createHandwrittenDecide },
  { policy: 'territories', source: territoriesSource(), create: createTerritoriesDecide },
];
const EVALUATORS: EvaluatorKind[] = ['codegen', 'reference'];

describe.each(POLICIES.flatMap((p) => EVALUATORS.map((evaluator) => ({ ...p, evaluator }))))('$policy, $evaluator evaluator', ({ source, create, evaluator }) => {
  const policy = compilePolicy(source, { evaluator });
  const handwritten = create(policy);
  const probes = stickyProbes(policy.ir.pools);
  const differences = (set: BenchLeads) => {
    const found: string[] = [];
    for (let i = 0; i < set.leads.length; i++) {
      const d = decisionDifference(policy.decide(set.leads[i], set.options[i]), handwritten(set.leads[i], set.options[i]), probes);
      if (d !== null) found.push(`lead ${i} ${JSON.stringify(set.leads[i])} at ${new Date(set.options[i].now).toISOString()}: ${d}`);
    }
    return found.slice(0, 5);
  };

  test('the hand-written function decides 2,000 generated leads as the compiled policy does', () => {
    expect(differences(bench)).toEqual([]);
  });

  test('it agrees at instants spread over a century and on dirtier leads', () => {
    expect(differences(century)).toEqual([]);
  });
});

/** How often each kind of outcome occurs among decide()'s decisions of the generated leads. */
function outcomes(source: string, classify: (d: PendingDecision) => string[]): Map<string, number> {
  const policy = compilePolicy(source);
  const counts = new Map<string, number>();
  for (let i = 0; i < leads.length; i++) {
    for (const what of classify(policy.decide(leads[i], options[i]))) counts.set(what, (counts.get(what) ?? 0) + 1);
  }
  return counts;
}
const ruleOf = (d: PendingDecision) => `rule ${d.rule === null ? 'none' : d.rule.index}`;

test('the generated leads reach every acme rule, and the smb pool both open and closed', () => {
  const seen = outcomes(acmeSource(), (d) => [
    ruleOf(d),
    ...d.options.flatMap((o) => (o.kind === 'pool' && o.pool === 'smb.*' ? [o.members.length > 0 ? 'smb open' : 'smb closed'] : [])),
  ]);
  expect([...seen.keys()].sort()).toEqual(['rule 0', 'rule 1', 'rule 2', 'rule 3', 'rule 4', 'smb closed', 'smb open']);
});

test('they reach every territories rule, every pool, and an open opportunity both with and without an owner', () => {
  const seen = outcomes(territoriesSource(), (d) => [ruleOf(d), ...d.options.map((o) => (o.kind === 'pool' ? `pool ${o.pool}` : `${ruleOf(d)} ${o.kind}`))]);
  const policy = compilePolicy(territoriesSource());
  for (const rule of policy.ir.rules) expect(seen.has(`rule ${rule.index}`)).toBe(true);
  for (const pool of policy.ir.pools) expect(seen.has(`pool ${pool.name}`)).toBe(true);
  expect(seen.has('rule 1 person')).toBe(true);
  expect(seen.has('rule 1 unresolved')).toBe(true);
});

describe('decisionDifference', () => {
  const policy = compilePolicy(acmeSource());
  const handwritten = createHandwrittenDecide(policy);
  const probes = stickyProbes(policy.ir.pools);
  const pick = (predicate: (d: PendingDecision) => boolean) => {
    for (let i = 0; i < leads.length; i++) {
      const d = handwritten(leads[i], options[i]);
      if (predicate(d)) return { d, i };
    }
    throw new Error('no such lead');
  };

  test('finds a changed member deep in the plan', () => {
    const { d, i } = pick((x) => x.options[0]?.kind === 'pool' && x.options[0].members.length > 1);
    const changed = handwritten(leads[i], options[i]);
    const option = changed.options[0];
    if (option.kind !== 'pool') throw new Error('expected a pool option');
    changed.options[0] = { ...option, members: option.members.map((m, k) => (k === 1 ? { ...m, name: 'somebody else' } : m)) };
    expect(decisionDifference(d, changed, probes)).toMatch(/^options\[0\]\.members\[1\]\.name: /);
  });

  test('compares sticky lookups by their answers', () => {
    const { d, i } = pick((x) => x.sticky !== null);
    const changed = handwritten(leads[i], options[i]);
    const sticky = changed.sticky;
    if (sticky === null) throw new Error('expected a sticky lookup');
    changed.sticky = { ...sticky, member: () => 'never' };
    expect(decisionDifference(d, changed, probes)).toMatch(/^sticky\.answers\[0\]: /);
    expect(decisionDifference(d, handwritten(leads[i], options[i]), probes)).toBeNull();
  });
});
