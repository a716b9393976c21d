// The ping tree of LANGUAGE.md ("Buyers: the ping tree"): buyers ordered by bid (declared, or
// live at `bids.NAME` on the lead), a floor, shared sales (`multi_sell`), caps counting offers,
// the filter log (`skipped`) on every by_bid decision, unsold leads in the fallback queue, and
// the checker's care with `floor` and `multi_sell`. Both evaluators give the same decisions.

import { checkPolicySource, compilePolicy, type EvaluatorKind } from '../../compiler/compile';
import type { Decision } from '../../compiler/decision';
import { route } from '../../routing/route';
import { MemoryStore } from '../../state';

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

  test('multi_sell counts buyers and a floor is a price', () => {
    const found = codes('policy "p"\npool b = [x bid 20]\nwhen k = 1 route by_bid(b) multi_sell 0\nelse by_bid(b) floor -5 multi_sell 1.5\nfallback queue q');
    expect(found.map((d) => [d.code, d.line])).toEqual([
      ['invalid-multi-sell', 3],
      ['invalid-floor', 4],
      ['invalid-multi-sell', 4],
    ]);
  });
});
