// The routing ledger's entries and what a store that keeps them offers (state/ledger.ts says
// how the ledger works). Apart from ledger.ts, so that the store interface needs nothing of Node.

import type { Decision } from '../compiler/decision';
import type { StateJson } from './store';

/** Events the library and its nodes write. Outcomes may also be free-form names (EVENT_NAME). */
export const ROUTING_EVENTS = ['worked', 'late_touch', 'breached', 'reassigned', 'exhausted', 'taken'] as const;
export const OUTCOMES = ['first_touch', 'meeting_booked', 'opportunity', 'won', 'lost', 'disqualified'] as const;
/** A buyer's answer to an offer (the ping tree): `accepted` counts a sale toward `sold_cap`, `returned` takes one back. */
export const OFFER_ANSWERS = ['accepted', 'declined', 'timed_out', 'returned'] as const;
export type RoutingEventName = (typeof ROUTING_EVENTS)[number];
export type OutcomeName = (typeof OUTCOMES)[number];

/** A free-form event's name: lower-case words joined by `_` (`demo_attended`, `accepted`). */
export const EVENT_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/** One routing decision, as Route (or routeMany) made it. Times are ms since epoch, on the leads' clock. */
export interface DecisionEntry extends Pick<Decision, 'status' | 'assignee' | 'queue' | 'pool' | 'rule' | 'path' | 'reason' | 'assignees'> {
  type: 'decision';
  /** The routing id (`routing.id`). */
  id: string;
  /** The lead's key (a declared `key` field, else its email), normalized; null when the lead has none. */
  key: string | null;
  at: number;
  policy: string;
  hash: string;
  /** When the SLA is due (ms), or null. */
  due: number | null;
}

/** Something that happened to a routed lead after its decision. */
export interface EventEntry {
  /** A routing event, an outcome, or a free-form name (EVENT_NAME). */
  type: string;
  id: string;
  key: string | null;
  at: number;
  policy: string;
  /** Who did it (the rep who took a queued lead, the CRM user who booked the meeting); null when unknown. */
  by: string | null;
  /** Who holds the lead after the event (reassigned: the new assignee; taken: who took it); null when it is in a queue. */
  assignee: string | null;
  queue: string | null;
  /** A number that goes with the event (a deal's amount, a buyer's price); null when none. */
  value: number | null;
  /** Anything else, as JSON (a webhook's body, the escalation step). */
  data: StateJson;
}

export type LedgerEntry = DecisionEntry | EventEntry;

export function isDecisionEntry(entry: LedgerEntry): entry is DecisionEntry {
  return entry.type === 'decision';
}

/** Which entries to read; every criterion given must hold. Times are ms, `since` inclusive, `until` exclusive. */
export interface LedgerQuery {
  since?: number;
  until?: number;
  /** Entries of one routing id. */
  id?: string;
  /** Entries of one lead key. */
  key?: string;
  policy?: string;
}

/** What a store that keeps a ledger offers besides appending in transactions (StateStore.ledger). */
export interface LedgerStore {
  /** Entries matching `query`, in the order they were written. */
  read(query: LedgerQuery): AsyncIterable<LedgerEntry>;
  /** Drops the entries whose time is before `before` (ms); resolves to how many. (Redis: an entry written after a later one, a replay out of time order, goes with the later one.) */
  prune(before: number): Promise<number>;
}
