// The report's figures against a small ledger counted by hand: every expected number below was
// worked out on paper from the entries (the working is in the comments), not by the code.
import { reportFigures } from '../../analysis/report';
import { at, HOUR, ledger, MIN, period } from './ledger-fixture';

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
