// simulate's figures against test/analysis/simulate-fixture.ts, counted by hand from the lead
// comments there: 21 leads, all routed at a Monday 15:00 UTC.

import { Readable } from 'node:stream';
import { simulatePolicy, UNREADABLE_REASON, type SimulateFigures } from '../../analysis/simulate';
import { readLeads } from '../../cli/leads';
import { compilePolicy } from '../../compiler/compile';
import { LEADS, NOW, POLICY } from './simulate-fixture';

const BIG_GB = 'no one available in pool big.gb (cal: takes only leads where `type = demo`, dee: outside hours Sat-Sun 09:00-17:00 (UTC))';
const SMALL_CAPPED = 'no one available in pool small.* (dan: at cap 1/day, eve: at cap 1/day)';
const AT = '2026-11-23T15:00:00.000Z';

let figures: SimulateFigures;

beforeAll(async () => {
  figures = await simulatePolicy(compilePolicy(POLICY), readLeads(Readable.from([LEADS]), 'jsonl', 'leads.jsonl'), { now: NOW });
});

test('outcomes: 7 assigned (1-5, 9, 10), 5 queued (12, 13, 19-21), 9 exceptions', () => {
  expect(figures.leads).toBe(21);
  expect(figures.outcomes).toEqual({ assigned: 7, queued: 5, exception: 9 });
  expect(figures.no_rule).toBe(1); // line 18, unreadable
});

test('the filter analyzer: each rule reached, taken, and the condition that failed for the rest', () => {
  expect(figures.by_rule.map(({ index, reached, taken, failed }) => ({ index, reached, taken, failed }))).toEqual([
    // Every readable lead; 5 support leads taken.
    { index: 0, reached: 20, taken: 5, failed: [{ condition: 'type = support', leads: 15 }] },
    { index: 1, reached: 15, taken: 0, failed: [{ condition: 'employees >= 1000000', leads: 15 }] },
    // Taken: 1, 3, 5, 10. `type = demo` fails for US/GB non-demo leads 2, 4, 6, 7, 16, 17; the country for 8, 9, 11, 14, 15.
    {
      index: 2,
      reached: 15,
      taken: 4,
      failed: [
        { condition: 'type = demo', leads: 6 },
        { condition: 'country in [US, GB]', leads: 5 },
      ],
    },
    { index: 3, reached: 11, taken: 11, failed: [] },
  ]);
  expect(figures.by_rule[2]).toMatchObject({ line: 21, source: expect.stringMatching(/^when country in \[US, GB\] and type = demo/) });
});

test('leads by assignee, pool and queue; a pool nobody got leads from is there with 0', () => {
  expect(figures.by_assignee).toEqual({ ben: 3, ann: 1, cal: 1, dan: 1, eve: 1 });
  expect(figures.by_pool).toEqual({ 'big.us': 4, 'big.gb': 1, 'small.*': 2, spare: 0 });
  expect(figures.by_queue).toEqual({ support: 5 });
  // No rule routes by bid: no buyers.
  expect(figures.buyers).toEqual([]);
});

test('exceptions by reason, flagged above 5% (1 lead of 21 is 4.8%, 2 are 9.5%)', () => {
  expect(figures.exceptions).toEqual({
    [BIG_GB]: 3,
    [SMALL_CAPPED]: 2,
    'no pool matches size=big, country=(blank)': 2,
    'no pool matches size=big, country=DE': 1,
    [UNREADABLE_REASON]: 1,
  });
  expect(figures.flagged.map((f) => [f.reason, f.leads, f.examples])).toEqual([
    [BIG_GB, 3, [6, 7, 17]],
    [SMALL_CAPPED, 2, [11, 16]],
    ['no pool matches size=big, country=(blank)', 2, [14, 15]],
  ]);
  expect(figures.exception_rate).toBeCloseTo(9 / 21, 3);
  expect(figures.exception_flagged).toBe(true);
});

test('fairness: leads against what the weights ask for, and each skip with its reason and time', () => {
  const [bigUs, bigGb, small, spare] = figures.fairness;
  // ben weighs 3 of 4.
  expect(bigUs).toMatchObject({ pool: 'big.us', leads: 4, spread: 2, expected_spread: 2 });
  expect(bigUs.members.map((m) => [m.name, m.leads, m.expected])).toEqual([
    ['ann', 1, 1],
    ['ben', 3, 3],
  ]);
  // cal's filter left out 6, 7, 17 (not demo); dee is outside hours for all four big GB leads 5, 6, 7, 17.
  expect(bigGb).toMatchObject({ leads: 1, spread: 1, expected_spread: 0 });
  expect(bigGb.members.map((m) => [m.name, m.leads, m.skipped])).toEqual([
    ['cal', 1, { 'member filter': { leads: 3, first: AT, last: AT } }],
    ['dee', 0, { 'outside hours': { leads: 4, first: AT, last: AT } }],
  ]);
  // dan took 9 and was at cap for 10, 11, 16; eve took 10 and was at cap for 11, 16.
  expect(small.members.map((m) => [m.name, m.leads, m.skipped])).toEqual([
    ['dan', 1, { capped: { leads: 3, first: AT, last: AT } }],
    ['eve', 1, { capped: { leads: 2, first: AT, last: AT } }],
  ]);
  expect(spare).toMatchObject({ pool: 'spare', leads: 0, members: [{ name: 'fay', leads: 0, skipped: {} }] });
});

test('coverage: leads that fell to the wildcard pool or found no pool, and pools that got nothing', () => {
  expect(figures.coverage).toEqual({
    wildcard: [
      { pool: 'small.*', path: { size: 'small', country: 'FR' }, leads: 1 },
      { pool: 'small.*', path: { size: 'small', country: 'US' }, leads: 1 },
    ],
    fallback: [
      { path: { size: 'big', country: null }, leads: 2 },
      { path: { size: 'big', country: 'DE' }, leads: 1 },
    ],
    empty_pools: ['spare'],
  });
});

test('fields: blank and unreadable, with the typed-reading problems and the rule those leads went to', () => {
  expect(figures.fields).toEqual({
    country: { blank: 1, unreadable: 1, problems: [{ problem: 'unknown country', leads: 1, examples: ['line 15: "Narnia"'] }], to_rules: [{ rule: 3, leads: 2 }] },
    employees: { blank: 0, unreadable: 1, problems: [{ problem: 'not a number', leads: 1, examples: ['line 16: "lots"'] }], to_rules: [{ rule: 3, leads: 1 }] },
    type: { blank: 0, unreadable: 1, problems: [{ problem: 'not in list', leads: 1, examples: ['line 17: "webinar"'] }], to_rules: [{ rule: 3, leads: 1 }] },
  });
});

test('the SLA mix and arrivals per hour of the week against the pools\' hours', () => {
  // Rule 2's four at 5m high; rule 3's three assigned (2, 4, 9) at 1d; queues and exceptions have none.
  expect(figures.sla).toEqual([
    { sla: 'none', priority: 'normal', leads: 14 },
    { sla: '5m', priority: 'high', leads: 4 },
    { sla: '1d', priority: 'normal', leads: 3 },
  ]);
  expect(figures.arrivals.counts.flat().reduce((a, b) => a + b, 0)).toBe(21);
  expect(figures.arrivals.counts[0][15]).toBe(21);
  // Only dee has hours: Saturday and Sunday, 09:00 to 17:00.
  const open = (figures.arrivals.open ?? []).flatMap((row, d) => row.flatMap((o, h) => (o ? [`${d}:${h}`] : [])));
  expect(open).toEqual([5, 6].flatMap((d) => [9, 10, 11, 12, 13, 14, 15, 16].map((h) => `${d}:${h}`)));
  expect(figures.period).toEqual({ first: AT, last: AT });
});

test('paths for the policy drawing: rule, target, pool and end', () => {
  const leadsTo = (end: string) => figures.paths.filter((p) => p.end === end).reduce((a, p) => a + p.leads, 0);
  expect(leadsTo('rep:ben')).toBe(3);
  expect(leadsTo('queue:support')).toBe(5);
  expect(figures.paths).toContainEqual({ rule: 2, target: 0, pool: 'big.us', end: 'rep:ben', leads: 2 });
  expect(figures.paths).toContainEqual({ rule: 3, target: null, pool: null, end: 'exception:exceptions', leads: 8 });
  expect(figures.paths.reduce((a, p) => a + p.leads, 0)).toBe(21);
});

test('a lead that cannot be read is counted, with its line', () => {
  expect(figures.unreadable.leads).toBe(1);
  expect(figures.unreadable.first[0]).toMatch(/line 18/);
});

test('names from the leads stay plain data: an owner called __proto__ is a key like any other', async () => {
  const policy = compilePolicy('policy "p"\nwhen owner is not blank route owner(owner)\nfallback queue q\n');
  const leads = [{ owner: '__proto__' }, { owner: 'constructor' }, {}].map((lead, i) => ({ lead, where: `line ${i + 1}`, problem: null }));
  const f = await simulatePolicy(policy, [leads], { now: NOW });
  expect(Object.getPrototypeOf(f.by_assignee)).toBe(Object.prototype);
  expect(Object.entries(f.by_assignee)).toEqual([
    ['__proto__', 1],
    ['constructor', 1],
  ]);
  expect(f.exceptions).toEqual({ 'no rule matched': 1 });
  // Without a fields block, a path the policy reads is blank when the lead has nothing there.
  expect(f.fields.owner).toMatchObject({ blank: 1, unreadable: 0, to_rules: [{ rule: null, leads: 1 }] });
});

test('the filter analyzer: a test inside `not` fails its rule when it holds', async () => {
  const policy = compilePolicy('policy "neg"\nwhen not (type = demo or country = US) route queue other\nelse queue rest\nfallback queue exceptions\n');
  // demo, US, both, neither: the first three fall through, for the tests that held.
  const leads = [{ type: 'demo' }, { country: 'US' }, { type: 'demo', country: 'US' }, { type: 'support' }].map((l) => JSON.stringify(l)).join('\n');
  const negated = await simulatePolicy(policy, readLeads(Readable.from([leads]), 'jsonl', 'leads.jsonl'), { now: NOW });
  expect(negated.by_rule[0]).toMatchObject({
    reached: 4,
    taken: 1,
    failed: [
      { condition: 'type = demo', leads: 2 },
      { condition: 'country = US', leads: 1 },
    ],
  });
});
