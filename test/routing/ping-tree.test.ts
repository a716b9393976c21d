// The ping tree of LANGUAGE.md ("Buyers: the ping tree"): buyers ordered by bid (declared, or
// live at `bids.NAME` on the lead), a floor, shared sales (`multi_sell`), caps counting offers,
// sold caps counting accepted sales, the filter log (`skipped`) on every by_bid decision, unsold
// leads in the fallback queue, and the checker's care with `floor`, `multi_sell` and `sold_cap`.
// Both evaluators give the same decisions.

import { checkPolicySource, compilePolicy, type EvaluatorKind } from '../../compiler/compile';
import type { Decision } from '../../compiler/decision';
import { route } from '../../routing/route';
import { MemoryStore, recordOutcome } from '../../state';

const NOW = '2026-11-23T15:00:00Z'; // a Monday, 09:00 in Chicago

const POLICY = `policy "ping"
pool buyers = [
  acme_ins   bid 42 when state in [CA, TX] and credit_score >= 650,
  beta_leads bid 35 cap 2/day hours "Mon-Fri 08:00-20:00" tz "America/Chicago",
  gamma      bid 28,
  delta      bid 31
]
when vertical = auto_insurance route by_bid(buyers) floor 30 sla 30s
when vertical = shared route by_bid(buyers) multi_sell 2
fallback queue unsold
`;

const EVALUATORS: EvaluatorKind[] = ['codegen', 'reference'];

async function routeAll(evaluator: EvaluatorKind, leads: unknown[], source = POLICY): Promise<Decision[]> {
  const policy = compilePolicy(source, { evaluator });
  const store = new MemoryStore();
  const out: Decision[] = [];
  for (const lead of leads) out.push(await route(policy, lead, { store, now: NOW }));
  return out;
}

describe.each(EVALUATORS)('ping tree with the %s evaluator', (evaluator) => {
  test('the highest eligible bidder first, the cascade by bid, every buyer passed over named with why', async () => {
    const [sold] = await routeAll(evaluator, [{ vertical: 'auto_insurance', state: 'CA', credit_score: 600 }]);
    expect(sold).toMatchObject({ status: 'assigned', assignee: 'beta_leads', pool: 'buyers', candidates: ['delta'], assignees: ['beta_leads'], sla: { duration: '30s' } });
    expect(sold.skipped).toEqual([
      { name: 'acme_ins', why: 'takes only leads where `state in [CA, TX] and credit_score >= 650`' },
      { name: 'gamma', why: 'bid 28 below floor 30' },
    ]);
    const [top] = await routeAll(evaluator, [{ vertical: 'auto_insurance', state: 'tx', credit_score: '700' }]);
    expect(top).toMatchObject({ assignee: 'acme_ins', candidates: ['beta_leads', 'delta'], skipped: [{ name: 'gamma', why: 'bid 28 below floor 30' }] });
  });

  test('a live bid at bids.NAME prices the buyer for this lead, against the floor too', async () => {
    const [decision] = await routeAll(evaluator, [{ vertical: 'auto_insurance', bids: { gamma: 50, delta: '29.5', beta_leads: 'n/a' } }]);
    // gamma's live 50 beats everyone; delta's live 29.5 is under the floor; beta's unreadable bid leaves its declared 35.
    expect(decision).toMatchObject({ assignee: 'gamma', candidates: ['beta_leads'] });
    expect(decision.skipped).toEqual([
      { name: 'acme_ins', why: 'takes only leads where `state in [CA, TX] and credit_score >= 650`' },
      { name: 'delta', why: 'bid 29.5 below floor 30' },
    ]);
  });

  test('multi_sell offers the lead to that many buyers at once, each offer counting toward the cap', async () => {
    const leads = [1, 2, 3].map(() => ({ vertical: 'shared' }));
    const [first, second, third] = await routeAll(evaluator, leads);
    expect(first).toMatchObject({ assignee: 'beta_leads', assignees: ['beta_leads', 'delta'], candidates: ['gamma'] });
    expect(second).toMatchObject({ assignees: ['beta_leads', 'delta'], candidates: ['gamma'] });
    // beta_leads has had its 2 offers today: the filter log says so, and the next two share the lead.
    expect(third).toMatchObject({ assignees: ['delta', 'gamma'], candidates: [] });
    expect(third.skipped).toContainEqual({ name: 'beta_leads', why: 'at cap 2/day' });
  });

  test('a lead nobody buys ends in the unsold queue with the filter log and a reason naming each buyer', async () => {
    const source = POLICY.replace('floor 30', 'floor 60');
    const [unsold] = await routeAll(evaluator, [{ vertical: 'auto_insurance', state: 'CA', credit_score: 700 }], source);
    expect(unsold).toMatchObject({ status: 'exception', queue: 'unsold', assignee: null });
    expect(unsold.skipped?.map((s) => s.name).sort()).toEqual(['acme_ins', 'beta_leads', 'delta', 'gamma']);
    expect(unsold.skipped).toContainEqual({ name: 'acme_ins', why: 'bid 42 below floor 60' });
    for (const name of ['acme_ins', 'beta_leads', 'gamma', 'delta']) expect(unsold.reason).toContain(name);
  });

  test('sold_cap: a buyer with that many accepted sales in its period is skipped with why; its zone is the pool\'s', async () => {
    const source = 'policy "p"\npool buyers = [acme bid 42 sold_cap 1/day, beta bid 30] tz "America/Chicago"\nelse by_bid(buyers)\nfallback queue unsold';
    const policy = compilePolicy(source, { evaluator });
    const option = policy.decide({}, { now: NOW }).options[0];
    expect(option.kind === 'pool' && option.members.map((m) => m.soldCap)).toEqual([{ count: 1, per: 'day', tz: 'America/Chicago' }, null]);
    const store = new MemoryStore();
    const first = await route(policy, { email: 'a@x.com' }, { store, now: NOW });
    expect(first.assignee).toBe('acme');
    await recordOutcome(store, { lead: first.id, event: 'accepted', at: Date.parse(NOW), value: 42 });
    const second = await route(policy, { email: 'b@x.com' }, { store, now: NOW });
    expect(second).toMatchObject({ assignee: 'beta', skipped: [{ name: 'acme', why: 'sold cap 1/day reached' }] });
    // 05:59 UTC the next day is still the same day in Chicago; 06:00 is the next.
    expect((await route(policy, { email: 'c@x.com' }, { store, now: '2026-11-24T05:59:00Z' })).assignee).toBe('beta');
    expect((await route(policy, { email: 'd@x.com' }, { store, now: '2026-11-24T06:00:00Z' })).assignee).toBe('acme');
  });

  test('decisions of other strategies carry no ping-tree fields', async () => {
    const [decision] = await routeAll(evaluator, [{}], 'policy "p"\npool team = [a, b]\nelse round_robin(team)\nfallback queue x');
    expect(decision.status).toBe('assigned');
    expect(decision).not.toHaveProperty('skipped');
    expect(decision).not.toHaveProperty('assignees');
  });
});

describe('the checker on ping-tree modifiers', () => {
  const codes = (source: string) => checkPolicySource(source).map((d) => ({ code: d.code, severity: d.severity, line: d.span.line, column: d.span.column, message: d.message, suggestion: d.suggestion }));

  test('multi_sell and floor outside by_bid are errors at their line:column that say what to write', () => {
    const found = codes('policy "p"\npool team = [a bid 3, b]\nwhen x = 1 route round_robin(team) multi_sell 2\nelse queue q floor 10\nfallback queue q');
    expect(found).toEqual([
      expect.objectContaining({ code: 'bid-modifier-without-by-bid', severity: 'error', line: 3, column: 36, suggestion: 'route the rule `by_bid(team)`, or remove `multi_sell`' }),
      expect.objectContaining({ code: 'bid-modifier-without-by-bid', severity: 'error', line: 4, column: 14, suggestion: 'route the rule `by_bid(buyers)`, or remove `floor`' }),
    ]);
  });

  test('a floor above every declared bid is a warning; a floor some bid reaches is not', () => {
    const source = (floor: number) => `policy "p"\npool b = [x bid 20, y bid 25]\nelse by_bid(b) floor ${floor}\nfallback queue unsold`;
    expect(codes(source(30))).toEqual([expect.objectContaining({ code: 'floor-above-bids', severity: 'warning', line: 3, column: 22 })]);
    expect(codes(source(30))[0].message).toContain('the highest is 25');
    expect(codes(source(25))).toEqual([]);
  });

  test('sold_cap counts sales: a whole number above 0 per hour, day, week or month, on a member, else an error at its line:column', () => {
    const found = codes('policy "p"\npool b = [x bid 20 sold_cap 0/day, y sold_cap 2.5/week, z sold_cap 3/mnth] sold_cap 4/day\nelse by_bid(b)\nfallback queue q');
    expect(found).toEqual([
      expect.objectContaining({ code: 'invalid-sold-cap', severity: 'error', line: 2, column: 29, message: 'a sold_cap counts sales: a whole number above 0, not `0`', suggestion: 'e.g. `sold_cap 40/day`' }),
      expect.objectContaining({ code: 'invalid-sold-cap', severity: 'error', line: 2, column: 47 }),
      expect.objectContaining({ code: 'unknown-sold-cap-period', severity: 'error', line: 2, column: 70, message: 'unknown sold_cap period `mnth`; periods are hour, day, week, month', suggestion: 'did you mean `month`?' }),
      expect.objectContaining({ code: 'misplaced-option', severity: 'error', line: 2, column: 76 }),
    ]);
    expect(codes('policy "p"\npool b = [x sold_cap 5/month]\nelse by_bid(b)\nfallback queue q')).toEqual([]);
    // `cap` keeps its periods: a month is a sold cap's only.
    expect(codes('policy "p"\npool b = [x cap 5/month]\nelse by_bid(b)\nfallback queue q')).toEqual([expect.objectContaining({ code: 'unknown-cap-period', line: 2, column: 19 })]);
  });

  test('sold_cap on a member of a pool no rule routes by_bid is a warning: no sale would count against it', () => {
    const source = (target: string) => `policy "p"\npool b = [x bid 20, y sold_cap 5/day]\npool c = [z]\nwhen k = 1 route ${target}\nelse round_robin(c)\nfallback queue q`;
    expect(codes(source('round_robin(b) or by_bid(c)'))).toEqual([
      expect.objectContaining({
        code: 'sold-cap-without-by-bid',
        severity: 'warning',
        line: 2,
        column: 23,
        suggestion: 'route the pool `by_bid(b)`, or write `cap` to count the leads given',
      }),
    ]);
    expect(codes(source('by_bid(b)'))).toEqual([]);
    // A by ... then by_bid(pool) may reach any pool.
    expect(codes(`policy "p"\ndimension d by k {\n  b when = 1\n  c otherwise\n}\npool b = [y sold_cap 5/day]\npool c = [z]\nelse by d then by_bid(pool)\nfallback queue q`)).toEqual([]);
  });

  test('multi_sell counts buyers and a floor is a price', () => {
    const found = codes('policy "p"\npool b = [x bid 20]\nwhen k = 1 route by_bid(b) multi_sell 0\nelse by_bid(b) floor -5 multi_sell 1.5\nfallback queue q');
    expect(found.map((d) => [d.code, d.line])).toEqual([
      ['invalid-multi-sell', 3],
      ['invalid-floor', 4],
      ['invalid-multi-sell', 4],
    ]);
  });
});
