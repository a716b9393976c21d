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
