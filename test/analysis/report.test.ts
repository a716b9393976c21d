// The report's figures against a small ledger counted by hand: every expected number below was
// worked out on paper from the entries (the working is in the comments), not by the code.
import { reportFigures } from '../../analysis/report';
import { at, HOUR, ledger, MIN, period, pingLedger, pingPeriod } from './ledger-fixture';

const report = reportFigures([...ledger].reverse(), period);

const share = (count: number, of: number, percent: number | null) => ({ count, of, percent: percent === null ? null : expect.closeTo(percent, 2) });

test('the headline figures', () => {
  expect(report.period).toEqual({ since: '2026-11-01T00:00:00.000Z', until: '2026-11-10T09:00:00.000Z' });
  expect(report.leads).toBe(6);
  // Held by a person after 0 (L1, L2, L5, L6) and 30m (L3); L4 never. p90: rank 3.6 of 0..4 → 0 + 0.6 × 30m.
  expect(report.timeToAssignment).toEqual({ count: 5, median: 0, p90: 18 * MIN });
  // First touches 5m, 10m, 30m, 60m: median (10 + 30) / 2; p90 rank 2.7 → 30 + 0.7 × 30.
  expect(report.timeToFirstTouch).toEqual({ count: 4, median: 20 * MIN, p90: 51 * MIN });
  expect(report.assignedWithin5m).toEqual(share(4, 6, 66.67));
  // With an SLA: L1 yes, L2 no (touched late), L5 no (never, past due), L6 yes.
  expect(report.workedWithinSla).toEqual(share(2, 4, 50));
  expect(report.reassigned).toEqual(share(1, 6, 16.67));
  // L4 decided as an exception, L5 exhausted.
  expect(report.exceptions).toEqual(share(2, 6, 33.33));
});

test('queue aging now and over the period', () => {
  // At 10 Nov 09:00: exceptions holds L4 (since 2 Nov 09:30: 191.5h) and L5 (since 9 Nov 09:15: 23.75h);
  // triage holds L0 (since 30 Oct 10:00: 263h). p90 of the two: 23.75h + 0.9 × (191.5h − 23.75h).
  expect(report.queues.now).toEqual([
    { queue: 'exceptions', open: 2, waiting: { count: 2, median: 107.625 * HOUR, p90: 174.725 * HOUR }, oldest: 191.5 * HOUR },
    { queue: 'triage', open: 1, waiting: { count: 1, median: 263 * HOUR, p90: 263 * HOUR }, oldest: 263 * HOUR },
  ]);
  // Entered in the period: L4 and L5 (still there), L3 (taken after 30m); L0 entered before it.
  expect(report.queues.period).toEqual([
    { queue: 'exceptions', entered: 2, left: 0, wait: { count: 0, median: null, p90: null } },
    { queue: 'triage', entered: 1, left: 1, wait: { count: 1, median: 30 * MIN, p90: 30 * MIN } },
  ]);
});

test('per owner, rule and pool: leads, worked within SLA, meeting and opportunity rates', () => {
  // Owner: the last person who held the lead. ana: L1, L2 (reassigned to her), L5; bo: L6; cy: L3; nobody: L4.
  expect(report.byOwner).toEqual([
    { name: 'ana', leads: 3, workedWithinSla: share(1, 3, 33.33), meetingBooked: share(1, 3, 33.33), opportunity: share(1, 3, 33.33) },
    { name: 'bo', leads: 1, workedWithinSla: share(1, 1, 100), meetingBooked: share(1, 1, 100), opportunity: share(0, 1, 0) },
    { name: 'cy', leads: 1, workedWithinSla: share(0, 0, null), meetingBooked: share(0, 1, 0), opportunity: share(0, 1, 0) },
    { name: null, leads: 1, workedWithinSla: share(0, 0, null), meetingBooked: share(0, 1, 0), opportunity: share(0, 1, 0) },
  ]);
  expect(report.byRule).toEqual([
    { name: 'line 3: country is "US" -> pool inbound', leads: 4, workedWithinSla: share(2, 4, 50), meetingBooked: share(2, 4, 50), opportunity: share(1, 4, 25) },
    { name: 'line 5: else -> queue triage', leads: 1, workedWithinSla: share(0, 0, null), meetingBooked: share(0, 1, 0), opportunity: share(0, 1, 0) },
    { name: null, leads: 1, workedWithinSla: share(0, 0, null), meetingBooked: share(0, 1, 0), opportunity: share(0, 1, 0) },
  ]);
  expect(report.byPool).toEqual([
    { name: 'inbound', leads: 4, workedWithinSla: share(2, 4, 50), meetingBooked: share(2, 4, 50), opportunity: share(1, 4, 25) },
    { name: null, leads: 2, workedWithinSla: share(0, 0, null), meetingBooked: share(0, 2, 0), opportunity: share(0, 2, 0) },
  ]);
});

test('duplicates per source', () => {
  expect(report.duplicates).toEqual([
    { source: 'web', leads: 4, duplicates: 1 },
    { source: 'import', leads: 2, duplicates: 1 },
  ]);
});

test('week by week when the period spans weeks', () => {
  expect(report.weeks).toEqual([
    {
      week: '2026-11-02',
      leads: 4,
      // 0, 0, 30m: p90 rank 1.8 → 0.8 × 30m.
      timeToAssignment: { count: 3, median: 0, p90: 24 * MIN },
      // 5m, 30m, 60m: p90 rank 1.8 → 30 + 0.8 × 30.
      timeToFirstTouch: { count: 3, median: 30 * MIN, p90: 54 * MIN },
      assignedWithin5m: share(2, 4, 50),
      workedWithinSla: share(1, 2, 50),
      reassigned: share(1, 4, 25),
      exceptions: share(1, 4, 25),
    },
    {
      week: '2026-11-09',
      leads: 2,
      timeToAssignment: { count: 2, median: 0, p90: 0 },
      timeToFirstTouch: { count: 1, median: 10 * MIN, p90: 10 * MIN },
      assignedWithin5m: share(2, 2, 100),
      workedWithinSla: share(1, 2, 50),
      reassigned: share(0, 2, 0),
      exceptions: share(1, 2, 50),
    },
  ]);
});

test('one week has no trend; outcomes nobody recorded have no rate; a lead inside its SLA is not judged yet', () => {
  const week = reportFigures(ledger, { since: at('2026-11-09T00:00:00Z'), until: at('2026-11-09T10:05:00Z') });
  // L5 (past due, untouched) and L6 (due 10:15, untouched at 10:05: not judged).
  expect(week.leads).toBe(2);
  expect(week.weeks).toEqual([]);
  expect(week.workedWithinSla).toEqual(share(0, 1, 0));
  expect(week.byOwner.map((g) => [g.name, g.meetingBooked, g.opportunity])).toEqual([
    ['ana', null, null],
    ['bo', null, null],
  ]);
});

test('a ledger without buyer answers has no sales figures', () => {
  expect(report).not.toHaveProperty('sales');
});

test("the ping tree's sales: sold rate, revenue, and per buyer offers, answers, returns and time to answer", () => {
  const sales = reportFigures([...pingLedger].reverse(), pingPeriod).sales;
  const SEC = 1000;
  // For sale: S1, S2, S3, S6 (answered) and S4, S5 (decided by the rule buyers answered for); R1 is a rep's.
  // Sold: S1 (gamma) and S3 (acme, gamma); S2's sale was returned. Revenue: 35 + 50 + 30 (S2's 40 returned) = 115; per lead 115 / 6.
  expect(sales).toMatchObject({ leads: 6, sold: share(2, 6, 33.33), revenue: 115, revenuePerLead: expect.closeTo(19.1667, 3) });
  expect(sales?.buyers).toEqual([
    // gamma: offered S1 (reassigned at 10:00:40, accepted 10 s later) and S3 (at the decision, accepted after 60 s).
    // Times 10 s, 60 s: median 35 s; p75 rank 0.75 → 10 + 0.75 × 50 = 47.5 s; p90 rank 0.9 → 10 + 0.9 × 50 = 55 s.
    { buyer: 'gamma', offers: 2, unanswered: 0, accepted: 2, acceptRate: share(2, 2, 100), declined: 0, declinedBy: [], timedOut: 0, returns: 0, revenue: 65, timeToAnswer: { count: 2, median: 35 * SEC, p75: 47.5 * SEC, p90: 55 * SEC } },
    // acme: offered S1 (timed out: no answer time), S3 (accepted after 20 s), S5 (no answer yet).
    { buyer: 'acme', offers: 3, unanswered: 1, accepted: 1, acceptRate: share(1, 3, 33.33), declined: 0, declinedBy: [], timedOut: 1, returns: 0, revenue: 50, timeToAnswer: { count: 1, median: 20 * SEC, p75: 20 * SEC, p90: 20 * SEC } },
    // beta: declined S1 (10 s after its reassignment), S2 (5 s), S6 (30 s, no reason); its return on S1 takes back nothing.
    // Times 5, 10, 30 s: median 10 s; p75 rank 1.5 → 10 + 0.5 × 20 = 20 s; p90 rank 1.8 → 10 + 0.8 × 20 = 26 s.
    {
      buyer: 'beta', offers: 3, unanswered: 0, accepted: 0, acceptRate: share(0, 3, 0), declined: 3,
      declinedBy: [{ reason: 'over budget', count: 2 }, { reason: null, count: 1 }],
      timedOut: 0, returns: 0, revenue: 0, timeToAnswer: { count: 3, median: 10 * SEC, p75: 20 * SEC, p90: 26 * SEC },
    },
    // delta: bought S2 20 s after its reassignment for 40, and returned it; offered S3 with acme and gamma, never answered.
    { buyer: 'delta', offers: 2, unanswered: 1, accepted: 1, acceptRate: share(1, 2, 50), declined: 0, declinedBy: [], timedOut: 0, returns: 1, revenue: 0, timeToAnswer: { count: 1, median: 20 * SEC, p75: 20 * SEC, p90: 20 * SEC } },
  ]);
});

test('sales count the leads decided in the period, with their answers up to its end', () => {
  // From 11:30 to 12:00:30: only S3 is decided in it, offered to acme, gamma and delta, with acme's sale; gamma's comes after the end.
  const sales = reportFigures(pingLedger, { since: at('2026-11-16T11:30:00Z'), until: at('2026-11-16T12:00:30Z') }).sales;
  expect(sales).toMatchObject({ leads: 1, sold: share(1, 1, 100), revenue: 50 });
  expect(sales?.buyers.map((b) => [b.buyer, b.offers, b.accepted])).toEqual([
    ['acme', 1, 1],
    ['delta', 1, 0],
    ['gamma', 1, 0],
  ]);
});
