// A small ledger counted by hand (test/analysis/report.test.ts gives every figure it should
// yield, with the working): two weeks of six leads, a lead older than the period, an event about
// no decision and a decision after the end.
import type { ReportDecisionEntry, ReportEntry, ReportEventEntry } from '../../analysis/report';

export const at = (iso: string): number => Date.parse(iso);
export const MIN = 60_000;
export const HOUR = 60 * MIN;

/** A decision of lead `id`, whose key is its id unless `fields` says (a duplicate shares an earlier lead's key). */
function decision(id: string, when: string, fields: Partial<ReportDecisionEntry>, source: string | null = null): ReportDecisionEntry {
  return { type: 'decision', id, key: id, at: at(when), status: 'assigned', assignee: null, queue: null, pool: null, rule: null, path: { source }, due: null, ...fields };
}

function event(id: string, when: string, type: string, holder: { assignee?: string; queue?: string } = {}): ReportEventEntry {
  return { type, id, at: at(when), assignee: holder.assignee ?? null, queue: holder.queue ?? null };
}

/** A buyer's answer, as recordOutcome writes it: `by` the buyer (null: unnamed), the price as `value`, the reason in `data`. */
function answer(id: string, when: string, type: string, by: string | null, details: { value?: number; reason?: string } = {}): ReportEventEntry {
  return { ...event(id, when, type), by, value: details.value ?? null, data: details.reason === undefined ? {} : { reason: details.reason } };
}

const US = { line: 3, source: 'country is "US" -> pool inbound' };
const ELSE = { line: 5, source: 'else -> queue triage' };
const inbound = (assignee: string, due: string): Partial<ReportDecisionEntry> => ({ assignee, pool: 'inbound', rule: US, due: at(due) });

// Two weeks: L1-L4 in the week of Mon 2 Nov, L5-L6 in the week of Mon 9 Nov. L0 is older than the period.
export const ledger: ReportEntry[] = [
  decision('L0', '2026-10-30T10:00:00Z', { status: 'queued', queue: 'triage', rule: ELSE }, 'import'),
  // L1: ana at once, worked after 5m (SLA 15m: within), meeting and opportunity.
  decision('L1', '2026-11-02T09:00:00Z', inbound('ana', '2026-11-02T09:15:00Z'), 'web'),
  event('L1', '2026-11-02T09:05:00Z', 'worked'),
  event('L1', '2026-11-02T10:00:00Z', 'meeting_booked'),
  event('L1', '2026-11-02T11:00:00Z', 'opportunity'),
  // L2: bo at once, breached at 09:25, reassigned to ana, worked at 09:40 (30m after the decision: SLA missed).
  decision('L2', '2026-11-02T09:10:00Z', inbound('bo', '2026-11-02T09:25:00Z'), 'web'),
  event('L2', '2026-11-02T09:25:00Z', 'breached'),
  event('L2', '2026-11-02T09:25:00Z', 'reassigned', { assignee: 'ana' }),
  event('L2', '2026-11-02T09:40:00Z', 'worked'),
  // L3: queued in triage, taken by cy after 30m, first touch after 60m; no SLA.
  decision('L3', '2026-11-02T09:20:00Z', { status: 'queued', queue: 'triage', rule: ELSE }, 'import'),
  event('L3', '2026-11-02T09:50:00Z', 'taken', { assignee: 'cy' }),
  event('L3', '2026-11-02T10:20:00Z', 'first_touch'),
  // L4: an exception, a duplicate of L0 (same key), never taken (the take below comes after the report's end).
  decision('L4', '2026-11-02T09:30:00Z', { status: 'exception', queue: 'exceptions', key: 'L0' }, 'import'),
  event('L4', '2026-11-10T10:00:00Z', 'taken', { assignee: 'cy' }),
  // L5: ana, a duplicate of L1, never touched: breached and exhausted into the exceptions queue.
  decision('L5', '2026-11-09T09:00:00Z', { ...inbound('ana', '2026-11-09T09:15:00Z'), key: 'L1' }, 'web'),
  event('L5', '2026-11-09T09:15:00Z', 'breached'),
  event('L5', '2026-11-09T09:15:00Z', 'exhausted', { queue: 'exceptions' }),
  // L6: bo, worked after 10m (SLA 15m: within), meeting.
  decision('L6', '2026-11-09T10:00:00Z', inbound('bo', '2026-11-09T10:15:00Z'), 'web'),
  event('L6', '2026-11-09T10:10:00Z', 'worked'),
  event('L6', '2026-11-09T12:00:00Z', 'meeting_booked'),
  // Left out: an event about no decision, a decision after the end.
  event('nobody', '2026-11-03T09:00:00Z', 'won'),
  decision('L7', '2026-11-10T09:30:00Z', inbound('ana', '2026-11-10T09:45:00Z'), 'web'),
];

/** The period the report test reads. */
export const period = { since: at('2026-11-01T00:00:00Z'), until: at('2026-11-10T09:00:00Z') };

// A ping tree's day (16 Nov): six leads for sale through one by_bid rule and a rep's lead beside
// them. report.test.ts works out the sales figures from it.
const TREE = { line: 8, source: 'when vertical = auto route by_bid(buyers) floor 30 sla 30s' };
const sale = (assignee: string): Partial<ReportDecisionEntry> => ({ assignee, pool: 'buyers', rule: TREE });

export const pingLedger: ReportEntry[] = [
  // S1: acme times out, beta declines, gamma takes it for 35; beta "returns" a lead it never bought (ignored).
  decision('S1', '2026-11-16T10:00:00Z', sale('acme')),
  answer('S1', '2026-11-16T10:00:30Z', 'timed_out', 'acme'),
  event('S1', '2026-11-16T10:00:30Z', 'breached'),
  event('S1', '2026-11-16T10:00:30Z', 'reassigned', { assignee: 'beta' }),
  answer('S1', '2026-11-16T10:00:40Z', 'declined', 'beta', { reason: 'over budget' }),
  event('S1', '2026-11-16T10:00:40Z', 'breached'),
  event('S1', '2026-11-16T10:00:40Z', 'reassigned', { assignee: 'gamma' }),
  answer('S1', '2026-11-16T10:00:50Z', 'accepted', 'gamma', { value: 35 }),
  answer('S1', '2026-11-16T15:00:00Z', 'returned', 'beta'),
  // S2: beta declines, delta buys for 40 and returns it an hour later.
  decision('S2', '2026-11-16T11:00:00Z', sale('beta')),
  answer('S2', '2026-11-16T11:00:05Z', 'declined', 'beta', { reason: 'over budget' }),
  event('S2', '2026-11-16T11:00:05Z', 'reassigned', { assignee: 'delta' }),
  answer('S2', '2026-11-16T11:00:25Z', 'accepted', 'delta', { value: 40 }),
  answer('S2', '2026-11-16T12:00:00Z', 'returned', 'delta', { reason: 'wrong number' }),
  // S3: multi_sell 3: acme (the assignee) buys for 50 and gamma, offered at the decision too, for 30; delta, the third, never answers.
  decision('S3', '2026-11-16T12:00:00Z', { ...sale('acme'), assignees: ['acme', 'gamma', 'delta'] }),
  answer('S3', '2026-11-16T12:00:20Z', 'accepted', 'acme', { value: 50 }),
  answer('S3', '2026-11-16T12:01:00Z', 'accepted', 'gamma', { value: 30 }),
  // S4: no buyer eligible: unsold at once, by the same rule.
  decision('S4', '2026-11-16T13:00:00Z', { status: 'exception', queue: 'unsold', rule: TREE }),
  // S5: offered to acme, no answer yet.
  decision('S5', '2026-11-16T14:00:00Z', sale('acme')),
  // S6: beta declines without a reason, recorded without `by` (the decision's assignee answered); exhausted.
  decision('S6', '2026-11-16T14:30:00Z', sale('beta')),
  answer('S6', '2026-11-16T14:30:30Z', 'declined', null),
  event('S6', '2026-11-16T14:30:30Z', 'exhausted', { queue: 'unsold' }),
  // A rep's lead: not for sale.
  decision('R1', '2026-11-16T09:00:00Z', inbound('ana', '2026-11-16T09:15:00Z'), 'web'),
  event('R1', '2026-11-16T09:05:00Z', 'worked'),
];

export const pingPeriod = { since: at('2026-11-16T00:00:00Z'), until: at('2026-11-17T00:00:00Z') };
