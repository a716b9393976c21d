// The figures of `leadroute report`: the KPIs of live routing, computed from the ledger (every
// decision and every event after it) as one pure function, so the command line, the page and the
// stores' conformance suite all get the same numbers from the same entries.
//
// Each routed lead is followed through its entries: who held it when (a person, or a queue), when
// it was first touched, which outcomes it reached. Every figure is then a count over those
// tracks, so each one can be checked by hand against a small ledger.

import { isoUtc } from '../core/time';
import { compareNames, pushTo, share, spread, type Share, type Spread } from './figures';
import { salesFigures, type SalesFigures } from './sales';

export type { Share, Spread } from './figures';

/**
 * What the report reads of a ledger entry (state/ledger.ts's LedgerEntry has all of it): the
 * decision, or an event after it. Times are ms since epoch.
 */
export type ReportEntry = ReportDecisionEntry | ReportEventEntry;

export interface ReportDecisionEntry {
  type: 'decision';
  /** The routing id (`routing.id`). */
  id: string;
  /** The lead's key: a later decision with the same key is a duplicate. */
  key: string | null;
  at: number;
  status: 'assigned' | 'queued' | 'exception';
  assignee: string | null;
  /** A multi_sell offer's buyers (assignee is the first); absent otherwise. */
  assignees?: readonly string[];
  queue: string | null;
  pool: string | null;
  rule: { line: number; source: string } | null;
  /** The dimension values of the decision: the lead's source is `path.source`. */
  path: Record<string, string | null>;
  /** The SLA's due time, ms; null without an SLA. */
  due: number | null;
}

export interface ReportEventEntry {
  /** `worked`, `late_touch`, `breached`, `reassigned`, `exhausted`, `taken`, or an outcome (`first_touch`, `meeting_booked`, ...). */
  type: string;
  /** The routing id the event is about. */
  id: string;
  at: number;
  /** Who holds the lead after the event (`reassigned` to a person, `taken` by a person); null when it went to a queue. */
  assignee: string | null;
  /** The queue that holds the lead after the event (`reassigned` to a queue, `exhausted`). */
  queue: string | null;
  /** Who did it: the buyer who answered an offer (`accepted`, `declined`, `timed_out`, `returned`). */
  by?: string | null;
  /** An accepted sale's price. */
  value?: number | null;
  /** A declined offer's `{ reason }`. */
  data?: unknown;
}

/** The figures of one group of leads (an owner, a rule, a pool). */
export interface GroupFigures {
  /** The owner, the rule (`line N: source`) or the pool; null: leads without one (never assigned, no rule, no pool). */
  name: string | null;
  leads: number;
  workedWithinSla: Share;
  /** Leads that reached `meeting_booked`; null when no lead in the report has that outcome recorded. */
  meetingBooked: Share | null;
  /** Leads that reached `opportunity` (or `won`); null when no lead in the report has either. */
  opportunity: Share | null;
}

/** A queue's leads waiting at the end of the period. */
export interface QueueNow {
  queue: string;
  open: number;
  /** How long the open leads have waited (ms). */
  waiting: Spread;
  oldest: number | null;
}

/** A queue over the period: leads that entered it, how many were taken out (by a person), and how long those waited. */
export interface QueuePeriod {
  queue: string;
  entered: number;
  left: number;
  /** Time in the queue of the leads that left it (ms). */
  wait: Spread;
}

/** The headline figures of a set of leads (the whole period, or one week of it). */
export interface ReportSummary {
  leads: number;
  /** From the decision to the first time a person held the lead: 0 when assigned at once; a queued lead's time until taken. */
  timeToAssignment: Spread;
  /** From the decision to the first touch (`worked`, `late_touch`, `first_touch`). */
  timeToFirstTouch: Spread;
  /** Leads a person held within 5 minutes of the decision, of all leads. */
  assignedWithin5m: Share;
  /** Leads touched by their SLA's due time, of the leads with an SLA that were touched or whose due time has passed. */
  workedWithinSla: Share;
  /** Leads reassigned at least once. */
  reassigned: Share;
  /** Leads that were an exception (decided as one, or exhausted into the fallback queue). */
  exceptions: Share;
}

export interface WeekFigures extends ReportSummary {
  /** The Monday (UTC) the week starts, `YYYY-MM-DD`. */
  week: string;
}

export interface ReportFigures extends ReportSummary {
  /** The decisions counted are those at or after `since` and before `until`; events count up to `until`. ISO 8601 UTC. */
  period: { since: string | null; until: string };
  queues: { now: QueueNow[]; period: QueuePeriod[] };
  byOwner: GroupFigures[];
  byRule: GroupFigures[];
  byPool: GroupFigures[];
  /** Per lead source (the decision's `source` dimension): leads, and how many had a lead key decided before (in the entries read). */
  duplicates: { source: string | null; leads: number; duplicates: number }[];
  /** Week by week (UTC weeks from Monday) when the period's leads span more than one week; else empty. */
  weeks: WeekFigures[];
  /** The ping tree's sales (analysis/sales.ts); absent when no buyer answered an offer in the period. */
  sales?: SalesFigures;
}

export interface ReportOptions {
  /** Count decisions from this instant (ms). Default: from the first entry. */
  since?: number;
  /** Count decisions before, and events up to, this instant (ms): the report's "now". */
  until: number;
}

const FIVE_MINUTES = 5 * 60_000;
const WEEK = 7 * 86_400_000;
/** 1970-01-05, a Monday: weeks are counted from it. */
const FIRST_MONDAY = 4 * 86_400_000;
const TOUCHES: ReadonlySet<string> = new Set(['worked', 'late_touch', 'first_touch']);
const OPPORTUNITY: ReadonlySet<string> = new Set(['opportunity', 'won']);

/** A stay of a lead in a queue, from `from` to `to` (null: still there at the report's end). */
interface QueueStay {
  queue: string;
  from: number;
  to: number | null;
}

/** One routed lead followed through its entries. */
interface Track {
  decision: ReportDecisionEntry;
  /** Whether an earlier decision had the same lead key. */
  duplicate: boolean;
  /** The person holding the lead at the end (the last one who held it). */
  owner: string | null;
  firstPersonAt: number | null;
  firstTouchAt: number | null;
  reassigned: boolean;
  exception: boolean;
  events: Set<string>;
  /** The lead's events in time order. */
  log: ReportEventEntry[];
  stays: QueueStay[];
}

/** The report of the entries (in any order) over the period. */
export function reportFigures(entries: Iterable<ReportEntry>, options: ReportOptions): ReportFigures {
  const { until } = options;
  const tracks = followLeads(entries, until);
  const since = options.since ?? -Infinity;
  const inPeriod = [...tracks.values()].filter((t) => t.decision.at >= since);
  const outcomes = new Set(inPeriod.flatMap((t) => [...t.events]));
  const sales = salesFigures(inPeriod);
  return {
    period: { since: options.since === undefined ? null : isoUtc(options.since), until: isoUtc(until) },
    ...summary(inPeriod, until),
    queues: { now: queuesNow(tracks.values(), until), period: queuesOverPeriod(tracks.values(), since, until) },
    byOwner: groups(inPeriod, (t) => t.owner, until, outcomes),
    byRule: groups(inPeriod, (t) => (t.decision.rule === null ? null : `line ${t.decision.rule.line}: ${t.decision.rule.source}`), until, outcomes),
    byPool: groups(inPeriod, (t) => t.decision.pool, until, outcomes),
    duplicates: duplicates(inPeriod),
    weeks: weeks(inPeriod, until),
    // Left out, not null, so that a report without buyers reads as it always did.
    ...(sales === null ? {} : { sales }),
  };
}

/** The tracks of the leads decided before `until`, by routing id; events after `until`, or about no known decision, are left out. */
function followLeads(entries: Iterable<ReportEntry>, until: number): Map<string, Track> {
  const isDecision = (e: ReportEntry): e is ReportDecisionEntry => e.type === 'decision';
  // Decisions first at equal times: an event refers to a decision made no later than itself.
  const sorted = [...entries].filter((e) => e.at <= until).sort((a, b) => a.at - b.at || Number(isDecision(b)) - Number(isDecision(a)));
  const tracks = new Map<string, Track>();
  const keys = new Set<string>();
  for (const entry of sorted) {
    if (isDecision(entry)) {
      if (entry.at >= until || tracks.has(entry.id)) continue;
      const duplicate = entry.key !== null && keys.has(entry.key);
      if (entry.key !== null) keys.add(entry.key);
      const track: Track = { decision: entry, duplicate, owner: null, firstPersonAt: null, firstTouchAt: null, reassigned: false, exception: entry.status === 'exception', events: new Set(), log: [], stays: [] };
      if (entry.status === 'assigned') holdBy(track, entry.assignee, entry.at);
      else holdIn(track, entry.queue, entry.at);
      tracks.set(entry.id, track);
      continue;
    }
    const track = tracks.get(entry.id);
    if (track === undefined) continue;
    track.events.add(entry.type);
    track.log.push(entry);
    if (TOUCHES.has(entry.type) && track.firstTouchAt === null) track.firstTouchAt = entry.at;
    switch (entry.type) {
      case 'reassigned':
        track.reassigned = true;
        if (entry.assignee !== null) holdBy(track, entry.assignee, entry.at);
        else holdIn(track, entry.queue, entry.at);
        break;
      case 'exhausted':
        track.exception = true;
        holdIn(track, entry.queue, entry.at);
        break;
      case 'taken':
        holdBy(track, entry.assignee, entry.at);
        break;
    }
  }
  return tracks;
}

function leaveQueue(track: Track, at: number): void {
  const stay = track.stays.at(-1);
  if (stay !== undefined && stay.to === null) stay.to = at;
}

function holdBy(track: Track, person: string | null, at: number): void {
  leaveQueue(track, at);
  if (person === null) return;
  track.owner = person;
  track.firstPersonAt ??= at;
}

function holdIn(track: Track, queue: string | null, at: number): void {
  leaveQueue(track, at);
  if (queue !== null) track.stays.push({ queue, from: at, to: null });
}

function summary(tracks: readonly Track[], until: number): ReportSummary {
  const sinceDecision = (at: number | null, t: Track): number[] => (at === null ? [] : [at - t.decision.at]);
  return {
    leads: tracks.length,
    timeToAssignment: spread(tracks.flatMap((t) => sinceDecision(t.firstPersonAt, t))),
    timeToFirstTouch: spread(tracks.flatMap((t) => sinceDecision(t.firstTouchAt, t))),
    assignedWithin5m: share(tracks.filter((t) => t.firstPersonAt !== null && t.firstPersonAt - t.decision.at <= FIVE_MINUTES).length, tracks.length),
    workedWithinSla: slaShare(tracks, until),
    reassigned: share(tracks.filter((t) => t.reassigned).length, tracks.length),
    exceptions: share(tracks.filter((t) => t.exception).length, tracks.length),
  };
}

/** Leads touched by their SLA's due, of those with an SLA that were touched or are past due (a lead still inside its SLA is not judged yet). */
function slaShare(tracks: readonly Track[], until: number): Share {
  const judged = tracks.filter((t) => t.decision.due !== null && (t.firstTouchAt !== null || t.decision.due <= until));
  return share(judged.filter((t) => t.firstTouchAt !== null && t.firstTouchAt <= (t.decision.due as number)).length, judged.length);
}

function groups(tracks: readonly Track[], nameOf: (t: Track) => string | null, until: number, outcomes: ReadonlySet<string>): GroupFigures[] {
  const byName = new Map<string | null, Track[]>();
  for (const t of tracks) pushTo(byName, nameOf(t), t);
  const rate = (group: Track[], events: ReadonlySet<string>): Share | null =>
    [...events].some((e) => outcomes.has(e)) ? share(group.filter((t) => [...events].some((e) => t.events.has(e))).length, group.length) : null;
  return [...byName]
    .map(([name, group]) => ({
      name,
      leads: group.length,
      workedWithinSla: slaShare(group, until),
      meetingBooked: rate(group, MEETING),
      opportunity: rate(group, OPPORTUNITY),
    }))
    .sort(byLeadsThenName);
}

const MEETING: ReadonlySet<string> = new Set(['meeting_booked']);

function byLeadsThenName(a: { leads: number; name: string | null }, b: { leads: number; name: string | null }): number {
  return b.leads - a.leads || compareNames(a.name, b.name);
}

function queuesNow(tracks: Iterable<Track>, until: number): QueueNow[] {
  const waits = new Map<string, number[]>();
  for (const t of tracks) {
    const stay = t.stays.at(-1);
    if (stay === undefined || stay.to !== null) continue;
    pushTo(waits, stay.queue, until - stay.from);
  }
  return [...waits]
    .map(([queue, ages]) => ({ queue, open: ages.length, waiting: spread(ages), oldest: Math.max(...ages) }))
    .sort((a, b) => b.open - a.open || compareNames(a.queue, b.queue));
}

function queuesOverPeriod(tracks: Iterable<Track>, since: number, until: number): QueuePeriod[] {
  const byQueue = new Map<string, { entered: number; waits: number[] }>();
  for (const t of tracks) {
    for (const stay of t.stays) {
      if (stay.from < since || stay.from >= until) continue;
      const q = byQueue.get(stay.queue) ?? { entered: 0, waits: [] };
      q.entered++;
      if (stay.to !== null) q.waits.push(stay.to - stay.from);
      byQueue.set(stay.queue, q);
    }
  }
  return [...byQueue]
    .map(([queue, q]) => ({ queue, entered: q.entered, left: q.waits.length, wait: spread(q.waits) }))
    .sort((a, b) => b.entered - a.entered || compareNames(a.queue, b.queue));
}

function duplicates(tracks: readonly Track[]): ReportFigures['duplicates'] {
  const bySource = new Map<string | null, { leads: number; duplicates: number }>();
  for (const t of tracks) {
    const source = t.decision.path.source ?? null;
    const s = bySource.get(source) ?? { leads: 0, duplicates: 0 };
    s.leads++;
    if (t.duplicate) s.duplicates++;
    bySource.set(source, s);
  }
  return [...bySource].map(([source, s]) => ({ source, ...s })).sort((a, b) => b.duplicates - a.duplicates || b.leads - a.leads || compareNames(a.source, b.source));
}

function weeks(tracks: readonly Track[], until: number): WeekFigures[] {
  const byWeek = new Map<number, Track[]>();
  for (const t of tracks) {
    const start = t.decision.at - ((((t.decision.at - FIRST_MONDAY) % WEEK) + WEEK) % WEEK);
    pushTo(byWeek, start, t);
  }
  if (byWeek.size < 2) return [];
  return [...byWeek].sort(([a], [b]) => a - b).map(([start, group]) => ({ week: isoUtc(start).slice(0, 10), ...summary(group, until) }));
}
