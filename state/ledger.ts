// The routing ledger: every decision and every event after it (worked, breached, reassigned,
// taken from a queue, outcomes), kept by the store that keeps the routing state and appended in
// the same transaction as the state it records (TransactionStep.ledger), so a decision and its
// state never disagree. Leads routed to a queue (and exceptions) stay open until taken: an open
// item is a state key (`open:<policy>:<id>`) written and deleted in those same transactions,
// so taking a lead is atomic in every store and the queue view is one prefix listing.

import { randomUUID } from 'node:crypto';
import type { Continuation, Decision } from '../compiler/decision';
import { EVENT_NAME, ROUTING_EVENTS, isDecisionEntry, type DecisionEntry, type EventEntry, type LedgerEntry, type LedgerQuery, type LedgerStore } from './ledger-entry';
import { isoUtc } from '../core/time';
import { normText } from '../core/values';
import { keyPart, withStore, type StateJson, type StateRead, type StateStore, type StateValue, type StateWrite } from './store';
import { stateKeys } from './keys';
import { countSale, readLeadSales, readSales, SALE_KEPT_MS } from './strategies';

/** How long the ledger keeps an entry, by default: 180 days past its time. */
export const DEFAULT_RETENTION_DAYS = 180;
export const DAY_MS = 86_400_000;

/** A new routing id: unique, and sortable by the time it was made. */
export function newRoutingId(): string {
  // The UUID's first 16 hex digits, its dashes skipped by slicing (a regex replace was dearer: one id per lead routed).
  const uuid = randomUUID();
  return `r_${Date.now().toString(36)}${uuid.slice(0, 8)}${uuid.slice(9, 13)}${uuid.slice(14, 18)}`;
}

export function matches(entry: LedgerEntry, query: LedgerQuery): boolean {
  return (
    (query.since === undefined || entry.at >= query.since) &&
    (query.until === undefined || entry.at < query.until) &&
    (query.id === undefined || entry.id === query.id) &&
    (query.key === undefined || entry.key === query.key) &&
    (query.policy === undefined || entry.policy === query.policy)
  );
}

// Open queue items.

/** A lead waiting in a queue (or the fallback queue as an exception) until someone takes it. */
export interface OpenItem {
  id: string;
  key: string | null;
  policy: string;
  queue: string;
  status: 'queued' | 'exception';
  /** Since when it waits (ms). */
  since: number;
  reason: string | null;
}

const OPEN = 'open:';

export const openKey = (policy: string, id: string): string => `${OPEN}${keyPart(policy)}:${keyPart(id)}`;

/** The write that opens an item for a decision left in a queue, or null when someone has the lead. */
export function openWrite(entry: DecisionEntry): StateWrite | null {
  if (entry.status === 'assigned' || entry.queue === null) return null;
  const item: OpenItem = { id: entry.id, key: entry.key, policy: entry.policy, queue: entry.queue, status: entry.status, since: entry.at, reason: entry.reason };
  return { key: openKey(entry.policy, entry.id), value: item as unknown as StateValue };
}

function readOpenItem(value: StateValue | undefined): OpenItem | undefined {
  if (value === undefined || Array.isArray(value)) return undefined;
  const v = value as Record<string, StateJson>;
  return typeof v.id === 'string' && typeof v.queue === 'string' && typeof v.since === 'number' ? (v as unknown as OpenItem) : undefined;
}

/** The decision entry of a Decision, with its routing id and lead key. */
export function decisionEntry(decision: Decision, key: string | null, at: number, due: number | null): DecisionEntry {
  const entry: DecisionEntry = {
    type: 'decision',
    id: decision.id,
    key,
    at,
    policy: decision.policy.name,
    hash: decision.policy.hash,
    status: decision.status,
    assignee: decision.assignee,
    queue: decision.queue,
    pool: decision.pool,
    rule: decision.rule,
    path: decision.path,
    reason: decision.reason,
    due,
  };
  // A multi_sell offer's buyers, all of them (assignee is the first), as on the decision.
  if (decision.assignees !== undefined) entry.assignees = decision.assignees;
  return entry;
}

/** What an event needs besides its type and time. */
export interface EventDetails {
  by?: string | null;
  assignee?: string | null;
  queue?: string | null;
  value?: number | null;
  data?: StateJson;
}

function eventEntry(decision: Pick<DecisionEntry, 'id' | 'key' | 'policy'>, type: string, at: number, details: EventDetails): EventEntry {
  return {
    type,
    id: decision.id,
    key: decision.key,
    at,
    policy: decision.policy,
    by: details.by ?? null,
    assignee: details.assignee ?? null,
    queue: details.queue ?? null,
    value: details.value ?? null,
    data: details.data ?? null,
  };
}

function ledgerOf(store: StateStore): LedgerStore {
  if (store.ledger === undefined) throw new Error(`the routing state store ${store.name} keeps no ledger`);
  return store.ledger;
}

/** The ledger's entries matching `query`, in the order written. Throws when the store keeps no ledger. */
export function readLedger(store: StateStore, query: LedgerQuery = {}): AsyncIterable<LedgerEntry> {
  return ledgerOf(store).read(query);
}

/** Drops entries older than `retentionDays` before `now` (ms); resolves to how many were dropped. */
export async function pruneLedger(store: StateStore, now: number = Date.now(), retentionDays: number = DEFAULT_RETENTION_DAYS): Promise<number> {
  if (!(retentionDays > 0)) throw new RangeError('the ledger retention must be a positive number of days');
  const ledger = ledgerOf(store);
  return withStore(store, () => ledger.prune(now - retentionDays * DAY_MS));
}

/** A routing id or a lead key that the ledger has no decision for. */
export class UnknownLeadError extends Error {
  constructor(readonly idOrKey: string) {
    super(`the ledger has no routing id or lead key ${JSON.stringify(idOrKey)}`);
    this.name = 'UnknownLeadError';
  }
}

/**
 * The latest decision of a routing id, else of a lead key (compared as routing keeps keys:
 * trimmed, lower case, so `Ann@Example.com ` finds ann@example.com); throws UnknownLeadError naming it.
 */
export async function findDecision(store: StateStore, idOrKey: string): Promise<DecisionEntry> {
  return (await lookUp(store, idOrKey)).decision;
}

/** Events that hand a lead on: after one, the event's assignee or queue holds the lead. */
const HANDOVERS: ReadonlySet<string> = new Set(['reassigned', 'exhausted', 'taken']);

/**
 * findDecision's decision, and the same with the assignee and queue that hold the lead now:
 * those of its latest reassignment, exhaustion or take. Handovers carry the decision's id and
 * key, so the one read that finds the decision finds them too, in the order written.
 */
async function lookUp(store: StateStore, idOrKey: string): Promise<{ decision: DecisionEntry; held: DecisionEntry }> {
  const ledger = ledgerOf(store);
  const key = normText(idOrKey);
  let found: DecisionEntry | undefined;
  let held: DecisionEntry | undefined;
  const follow = async (query: LedgerQuery): Promise<void> => {
    for await (const entry of ledger.read(query)) {
      if (isDecisionEntry(entry)) found = held = entry;
      else if (found !== undefined && entry.id === found.id && HANDOVERS.has(entry.type)) held = { ...found, assignee: entry.assignee, queue: entry.queue };
    }
  };
  await withStore(store, async () => {
    await follow({ id: idOrKey });
    if (found === undefined && key !== null && key !== '') await follow({ key });
  });
  if (found === undefined || held === undefined) throw new UnknownLeadError(idOrKey);
  return { decision: found, held };
}

/**
 * Appends an event about a routed lead, in one transaction with what it changes of the open
 * items: `taken` and a `reassigned` to a person close the lead's open item, `exhausted` and a
 * `reassigned` to a queue open one. Resolves to the entry written.
 */
export async function recordEvent(store: StateStore, decision: Pick<DecisionEntry, 'id' | 'key' | 'policy'>, type: string, at: number, details: EventDetails = {}): Promise<EventEntry> {
  return appendEvent(store, decision, type, at, details, null);
}

/** A buyer's sale (1) or return (-1) of one lead: it changes the buyer's sales (`sold:`) and the lead's sales not returned yet (`sale:`). */
interface SaleChange {
  buyer: string;
  buyerKey: string;
  leadKey: string;
  change: 1 | -1;
}

/**
 * The writes of a sale at `at`, or of a return: a return takes back the buyer's latest sale of
 * the lead not returned yet, in the quarter hour it was counted in; with none left, nothing.
 */
function saleWrites(read: StateRead, sale: SaleChange, at: number): StateWrite[] {
  const open = readLeadSales(read.get(sale.leadKey));
  let soldAt = at;
  let left: (readonly [string, number])[];
  if (sale.change > 0) left = [...open, [sale.buyer, at]];
  else {
    const i = open.findLastIndex(([buyer]) => buyer === sale.buyer);
    if (i < 0) return [];
    soldAt = open[i][1];
    left = open.filter((_, j) => j !== i);
  }
  const counted = countSale(readSales(read.get(sale.buyerKey)), soldAt, sale.change);
  return [
    { key: sale.buyerKey, value: counted.sales, expireAt: counted.expireAt },
    left.length === 0 ? { key: sale.leadKey, value: null } : { key: sale.leadKey, value: { sales: left }, expireAt: Math.max(...left.map(([, when]) => when)) + SALE_KEPT_MS },
  ];
}

/** recordEvent, with a buyer's sales changed in the same transaction when `sale` says so (exact across workers). */
async function appendEvent(store: StateStore, decision: Pick<DecisionEntry, 'id' | 'key' | 'policy'>, type: string, at: number, details: EventDetails, sale: SaleChange | null): Promise<EventEntry> {
  if (!EVENT_NAME.test(type)) throw new RangeError(`event ${JSON.stringify(type)} is not a name of lower-case letters, digits and _`);
  if (!Number.isFinite(at)) throw new RangeError('the event needs a time');
  const entry = eventEntry(decision, type, at, details);
  const key = openKey(decision.policy, decision.id);
  await withStore(store, () =>
    store.transact(sale === null ? [key] : [key, sale.buyerKey, sale.leadKey], (read) => {
      const writes = openWrites(entry, key);
      return { writes: sale === null ? writes : [...writes, ...saleWrites(read, sale, at)], result: undefined, ledger: [entry] };
    }),
  );
  return entry;
}

/** The `reassigned` event of an escalation step that gave the lead to `decision`'s person or queue. */
export function reassignedEntry(continues: Continuation, decision: Decision, at: number): EventEntry {
  return eventEntry({ id: continues.id, key: continues.key, policy: decision.policy.name }, 'reassigned', at, {
    assignee: decision.assignee,
    queue: decision.queue,
    data: { from: continues.from, from_queue: continues.from_queue, step: continues.step, pool: decision.pool },
  });
}

/** What an event changes of the open items: see recordEvent. */
export function openWrites(entry: EventEntry, key: string = openKey(entry.policy, entry.id)): StateWrite[] {
  const reopens = (entry.type === 'exhausted' || entry.type === 'reassigned') && entry.assignee === null && entry.queue !== null;
  if (reopens) {
    const item: OpenItem = { id: entry.id, key: entry.key, policy: entry.policy, queue: entry.queue as string, status: entry.type === 'exhausted' ? 'exception' : 'queued', since: entry.at, reason: null };
    return [{ key, value: item as unknown as StateValue }];
  }
  if (entry.type === 'taken' || entry.type === 'reassigned') return [{ key, value: null }];
  return [];
}

export interface OutcomeInput {
  /** A routing id or a lead key (the lead's latest decision). */
  lead: string;
  /** An outcome (OUTCOMES) or a free-form event name. */
  event: string;
  /** When it happened (ms). */
  at: number;
  by?: string | null;
  value?: number | null;
  data?: StateJson;
}

/** Why `event` cannot be recorded as an outcome (not a name; a routing event other than `worked`), or null when it can. */
export function outcomeEventProblem(event: string): string | null {
  if (!EVENT_NAME.test(event)) return `event ${JSON.stringify(event)} is not a name of lower-case letters, digits and _`;
  if ((ROUTING_EVENTS as readonly string[]).includes(event) && event !== 'worked') return `${event} is recorded by routing itself, not as an outcome`;
  return null;
}

/**
 * Records what happened after routing (a meeting booked, a deal won, a buyer's answer) against the
 * lead's decision, naming who holds the lead now (after any escalation). A buyer's `accepted`
 * counts a sale toward its sold cap, in the quarter hour of the outcome; `returned` takes one back
 * (see saleWrites). The buyer is `by`, else the one holding the lead.
 */
export async function recordOutcome(store: StateStore, input: OutcomeInput): Promise<EventEntry> {
  const problem = outcomeEventProblem(input.event);
  if (problem !== null) throw new RangeError(problem);
  if (input.value !== undefined && input.value !== null && !Number.isFinite(input.value)) throw new RangeError('the outcome value must be a number');
  const { held: decision } = await lookUp(store, input.lead);
  const details: EventDetails = { by: input.by, value: input.value, data: input.data, assignee: decision.assignee, queue: decision.queue };
  const buyer = input.by ?? decision.assignee;
  const change: 1 | -1 | null = input.event === 'accepted' ? 1 : input.event === 'returned' ? -1 : null;
  const sale: SaleChange | null = buyer === null || change === null ? null : { buyer, buyerKey: stateKeys.sold(decision.policy, buyer), leadKey: stateKeys.sale(decision.policy, decision.id), change };
  return appendEvent(store, decision, input.event, input.at, details, sale);
}

/** Which open items to list; every criterion given must hold. */
export interface OpenItemFilter {
  policy?: string;
  queue?: string;
  /** Only the items waiting since this instant (ms) or earlier: `now - age` lists those that waited `age` or longer. */
  waitingSince?: number;
}

/** The leads waiting in queues, oldest first; only those the filter names. */
export async function openItems(store: StateStore, filter: OpenItemFilter = {}): Promise<OpenItem[]> {
  const prefix = filter.policy === undefined ? OPEN : `${OPEN}${keyPart(filter.policy)}:`;
  const found = await withStore(store, () => store.list(prefix));
  const items: OpenItem[] = [];
  for (const value of found.values()) {
    const item = readOpenItem(value);
    if (item === undefined || (filter.queue !== undefined && item.queue !== filter.queue)) continue;
    if (filter.waitingSince === undefined || item.since <= filter.waitingSince) items.push(item);
  }
  return items.sort((a, b) => a.since - b.since || (a.id < b.id ? -1 : 1));
}

/** Which open items a queue watch looks for: those that have waited `age` (ms) or longer, or their queue's own age in `ages`. */
export interface QueueWatch extends Omit<OpenItemFilter, 'waitingSince'> {
  age: number;
  ages?: ReadonlyMap<string, number>;
}

/** The open items that have waited their queue's age or longer at `now` (ms), oldest first. */
export async function overdueItems(store: StateStore, watch: QueueWatch, now: number): Promise<OpenItem[]> {
  const ages = watch.ages ?? new Map<string, number>();
  const ageOf = (queue: string): number => ages.get(queue) ?? watch.age;
  // Listed from the shortest age that applies, then each item held to its own queue's.
  const shortest = watch.queue === undefined ? Math.min(watch.age, ...ages.values()) : ageOf(watch.queue);
  const items = await openItems(store, { policy: watch.policy, queue: watch.queue, waitingSince: now - shortest });
  return items.filter((item) => item.since <= now - ageOf(item.queue));
}

/** Names one stay of a lead in a queue: taken and queued again, it waits anew under another mark. */
export function openItemMark(item: OpenItem): string {
  return `${item.id}@${item.since}`;
}

/** An open item as JSON: `since` as ISO 8601 UTC, and how long it has waited at `now` (`waited_ms`). */
export function openItemJson(item: OpenItem, now: number): Record<string, unknown> {
  return { ...item, since: isoUtc(item.since), waited_ms: now - item.since };
}

/** A lead that cannot be taken: not routed, or nobody's queue holds it now. */
export class NotOpenError extends Error {
  constructor(readonly idOrKey: string) {
    super(`lead ${JSON.stringify(idOrKey)} is not waiting in a queue (taken already, or assigned to someone)`);
    this.name = 'NotOpenError';
  }
}

/**
 * Takes a lead out of its queue: `by` has it from `at` on. Atomic: of two takers, one gets it
 * and the other a NotOpenError. Resolves to the `taken` entry.
 */
export async function takeFromQueue(store: StateStore, lead: string, by: string, at: number): Promise<EventEntry> {
  if (by.trim() === '') throw new RangeError('taking a lead needs who takes it');
  const decision = await findDecision(store, lead);
  const key = openKey(decision.policy, decision.id);
  const entry = await withStore(store, () =>
    store.transact([key], (read) => {
      const item = readOpenItem(read.get(key));
      if (item === undefined) return { writes: [], result: null };
      const taken = eventEntry(decision, 'taken', at, { by, assignee: by, data: { queue: item.queue, waited_ms: at - item.since } });
      return { writes: [{ key, value: null }], result: taken, ledger: [taken] };
    }),
  );
  if (entry === null) throw new NotOpenError(lead);
  return entry;
}

/** An entry as one line of JSON for export: times as ISO 8601 UTC. */
export function entryJson(entry: LedgerEntry): Record<string, unknown> {
  const out: Record<string, unknown> = { ...entry, at: isoUtc(entry.at) };
  if (isDecisionEntry(entry)) out.due = entry.due === null ? null : isoUtc(entry.due);
  return out;
}

