// The v1 contract (LANGUAGE.md) end to end: every example compiles and behaves as written there,
// through the public path a user takes: compilePolicy -> decide -> assign.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compilePolicy, type EvaluatorKind } from '../compiler/compile';
import type { Decision } from '../compiler/decision';
import { PolicyError } from '../dsl/diagnostics';
import { assign, markAway, MemoryStore } from '../state';

const root = join(__dirname, '..');
const acme = readFileSync(join(root, 'examples/acme-inbound.route'), 'utf8');
const NOW = '2026-11-23T15:00:00Z'; // a Monday, 10:00 in New York

async function route(source: string, leads: unknown[], options: { now?: string; evaluator?: EvaluatorKind; store?: MemoryStore } = {}): Promise<Decision[]> {
  const policy = compilePolicy(source, { evaluator: options.evaluator });
  const store = options.store ?? new MemoryStore();
  const out: Decision[] = [];
  for (const lead of leads) out.push(await assign(policy.decide(lead, { now: options.now ?? NOW }), store));
  return out;
}

describe('the whole policy of LANGUAGE.md', () => {
  test('examples/acme-inbound.route is the contract text (docs/LANGUAGE.md)', () => {
    const contract = join(root, 'docs', 'LANGUAGE.md');
    const block = readFileSync(contract, 'utf8').match(/```\n(# Acme inbound routing[\s\S]*?)```/);
    expect(block?.[1]).toBe(acme);
  });

  test('compiles without errors or warnings', () => {
    const policy = compilePolicy(acme);
    expect(policy.name).toBe('acme-inbound');
    expect(policy.warnings).toEqual([]);
  });

  test.each<EvaluatorKind>(['codegen', 'reference'])('gives the decision of "The decision" (%s)', async (evaluator) => {
    const [d] = await route(acme, [{ email: 'kim@bigco.com', country: 'US', employees: 5000, type: 'demo' }], { evaluator });
    expect(Object.keys(d)).toEqual(['id', 'status', 'assignee', 'queue', 'pool', 'rule', 'path', 'candidates', 'sla', 'priority', 'tags', 'escalation', 'reason', 'policy', 'routed_at', 'warnings']);
    expect(d).toEqual({
      id: expect.stringMatching(/^r_[0-9a-z]+$/),
      status: 'assigned',
      assignee: 'alice',
      queue: null,
      pool: 'enterprise.na',
      rule: { index: 3, line: 44, source: 'when intent = high route by segment then geo then round_robin(pool) sla 5m priority high' },
      path: { segment: 'enterprise', geo: 'na' },
      candidates: ['bob', 'carol'],
      sla: { duration: '5m', business: false, due: '2026-11-23T15:05:00.000Z' },
      priority: 'high',
      tags: [],
      escalation: ['next', 'queue exceptions'],
      reason: null,
      policy: { name: 'acme-inbound', hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) },
      routed_at: '2026-11-23T15:00:00.000Z',
      warnings: [],
    });
  });

  test('existing customers go to their owner, with a 4h SLA', async () => {
    const [d] = await route(acme, [{ email: 'x@y.com', account: { status: 'Customer ', owner: 'olga' }, type: 'demo' }]);
    expect(d).toMatchObject({ status: 'assigned', assignee: 'olga', rule: { index: 0 }, sla: { duration: '4h', due: '2026-11-23T19:00:00.000Z' } });
  });

  test('a customer without an owner falls through to the next rule that holds', async () => {
    const [d] = await route(acme, [{ account: { status: 'customer', owner: '  ' }, type: 'support' }]);
    expect(d).toMatchObject({ status: 'queued', queue: 'support', assignee: null, rule: { index: 1 } });
  });

  test('payments leads rotate through payments_team, high priority, 10m SLA', async () => {
    const ds = await route(acme, [1, 2, 3].map((i) => ({ email: `p${i}@z.com`, product: 'Payments' })));
    expect(ds.map((d) => d.assignee)).toEqual(['ivy@acme.com', 'jon@acme.com', 'ivy@acme.com']);
    expect(ds[0]).toMatchObject({ pool: 'payments_team', priority: 'high', rule: { index: 2 }, sla: { duration: '10m' } });
  });

  test('when nobody in payments_team is available the `or` target takes the lead', async () => {
    const store = new MemoryStore();
    await markAway(store, 'ivy@acme.com', null);
    await markAway(store, 'jon@acme.com', null);
    const [d] = await route(acme, [{ email: 'p@z.com', product: 'payments' }], { store });
    expect(d).toMatchObject({ status: 'queued', queue: 'payments_overflow', assignee: null });
  });

  test('low intent goes by segment and geo, with the wildcard pool when no exact one exists', async () => {
    const ds = await route(acme, [
      { email: 'a@1.com', country: 'DE', employees: '1200', type: 'contact', source: 'webinar' },
      { email: 'b@2.com', country: 'JP', employees: 1500, type: 'contact' },
      { email: 'c@3.com', country: 'FR', employees: 300, type: 'content_download' },
    ]);
    expect(ds.map((d) => [d.pool, d.assignee, d.rule?.index])).toEqual([
      ['enterprise.emea', 'dieter', 4],
      ['enterprise.*', 'zoe', 4],
      ['midmarket.*', 'mia', 4],
    ]);
    expect(ds[0].path).toEqual({ segment: 'enterprise', geo: 'emea' });
    expect(ds[0].escalation).toEqual(['next', 'queue exceptions']);
  });

  test('smb leads outside the pool hours end in the fallback queue with a reason', async () => {
    // Saturday: smb.* works Mon-Fri 08:00-18:00 New York time.
    const [d] = await route(acme, [{ email: 's@small.com', employees: 12, country: 'US', type: 'contact' }], { now: '2026-11-28T15:00:00Z' });
    expect(d.status).toBe('exception');
    expect(d.queue).toBe('exceptions');
    expect(d.assignee).toBeNull();
    expect(d.reason).toMatch(/smb\.\*/);
    expect(d.reason).toMatch(/outside hours/);
  });

  test('sticky: a lead whose email was assigned before goes to the same person, before any rule', async () => {
    const ds = await route(acme, [
      { email: 'Repeat@Corp.com', employees: 5000, country: 'US', type: 'demo' },
      { email: 'other@corp.com', employees: 5000, country: 'US', type: 'demo' },
      { email: ' repeat@corp.com', employees: 5000, country: 'US', type: 'demo' },
    ]);
    expect(ds.map((d) => d.assignee)).toEqual(['alice', 'bob', 'alice']);
    expect(ds[2].rule).toBeNull();
  });

  test('every lead gets an outcome, whatever it holds', async () => {
    const hostile = [
      {},
      null,
      'not an object',
      [1, 2],
      JSON.parse('{"__proto__": {"type": "support"}, "constructor": "x", "email": ["a@b.com"]}'),
      { country: { nested: true }, employees: 'lots', type: ['demo', 'support'], email: 'x'.repeat(1_000_000) },
    ];
    const ds = await route(acme, hostile);
    for (const d of ds) expect(['assigned', 'queued', 'exception']).toContain(d.status);
    expect(({} as Record<string, unknown>).type).toBeUndefined();
    // `type` is a list: it holds `= support` because one element does.
    expect(ds[5]).toMatchObject({ status: 'queued', queue: 'support' });
  });
});

describe('the design card one-liner', () => {
  test('compiles with its dimensions and pools declared, `;` separating the rules', async () => {
    const source = [
      'dimension segment by employees { enterprise when >= 1000 smb otherwise }',
      'dimension geo by country { na when in [US, CA] emea otherwise }',
      'pool enterprise.na = [alice]',
      'pool *.* = [zoe]',
      'fallback queue exceptions',
      'when account.status = customer route owner; else by segment then geo then round_robin(pool)',
    ].join('\n');
    const ds = await route(source, [
      { account: { status: 'customer', owner: 'olga' } },
      { employees: 4000, country: 'ca' },
      { employees: 10, country: 'GB' },
    ]);
    expect(ds.map((d) => d.assignee)).toEqual(['olga', 'alice', 'zoe']);
  });

  test('the rules { } wrapper is optional', async () => {
    const source = 'pool team = [ana]\nrules {\n  when type = demo route round_robin(team)\n  else queue triage\n}\nfallback queue exceptions';
    const ds = await route(source, [{ type: 'DEMO' }, { type: 'other' }]);
    expect(ds.map((d) => d.assignee ?? d.queue)).toEqual(['ana', 'triage']);
  });
});

describe('policies as text never become code', () => {
  test.each<EvaluatorKind>(['codegen', 'reference'])('quotes, backslashes, ${...} and </script> are literal text (%s)', async (evaluator) => {
    const nasty = ['"); process.exit(1); ("', '\\', '${process.exit(1)}', '</script><script>alert(1)</script>', "'; throw 1; '"];
    const lines = nasty.map((s, i) => `when note = ${JSON.stringify(s)} route queue ${JSON.stringify(`q${i}${s}`)}`);
    const source = `${lines.join('\n')}\nelse queue other\nfallback queue exceptions`;
    const ds = await route(source, [...nasty.map((note) => ({ note })), { note: 'plain' }], { evaluator });
    expect(ds.map((d) => d.queue)).toEqual([...nasty.map((s, i) => `q${i}${s}`), 'other']);
  });
});

describe('regular expressions cannot hang the router', () => {
  test('a pattern with catastrophic backtracking runs in linear time on a hostile lead', async () => {
    const source = 'when name matches "^(a+)+$" route queue evil\nelse queue fine\nfallback queue exceptions';
    // A backtracking engine needs about 2^50000 steps here; RE2 scans the text once.
    const ds = await route(source, [{ name: `${'a'.repeat(50_000)}!` }, { name: 'aaaa' }]);
    expect(ds.map((d) => d.queue)).toEqual(['fine', 'evil']);
  });

  test('backreferences and lookaround are rejected at compile time', () => {
    expect(() => compilePolicy('when name matches "(a)\\\\1" route queue x\nfallback queue e')).toThrow(/RE2|backreference|linear/i);
    expect(() => compilePolicy('when name matches "a(?=b)" route queue x\nfallback queue e')).toThrow(/RE2|lookaround|linear/i);
  });
});

describe('compile errors', () => {
  test('an unknown pool is reported with line, column, caret and a suggestion', () => {
    const source = 'pool ent_na = [alice]\nwhen type = demo route round_robin(ent_n\u0430)\nfallback queue exceptions';
    let error: unknown;
    try {
      compilePolicy(source, { file: 'acme.route' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).message).toContain('acme.route:2:');
    expect((error as PolicyError).message).toContain('did you mean `ent_na`?');
    expect((error as PolicyError).message).toMatch(/\n\s+\^+/);
  });
});
