// Who takes a lead from a pool, as pure functions of the members and their state: the state
// records and how to read them, away and cap checks, assignment counts per period, sales for sold
// caps, and the five strategies. Every store runs exactly this code inside its transaction.

import type { MemberOption } from '../compiler/decision';
import type { CapPeriod, SoldCapPeriod, Strategy } from '../core/words';
import { period } from '../compiler/calendar';
import type { StateJson, StateValue } from './store';

/**
 * A pool's rotation in one policy (`rr:`). `names` are the members in the order first seen;
 * `last[i]` is the sequence number of names[i]'s last assignment from the pool (or of when it
 * was first seen); `current[i]` its smooth weighted round robin current weight. `seq` is the
 * latest sequence number handed out.
 */
export type Rotation = {
  readonly seq: number;
  readonly names: readonly string[];
  readonly last: readonly number[];
  readonly current: readonly number[];
};

/** One period's count: `key` is periodKey(time, tz, per), `end` when that period ends. */
export type PeriodCount = { readonly per: CapPeriod; readonly tz: string; readonly key: string; readonly end: number; readonly count: number };

/** A member's assignments in one policy (`n:`): when the last one was, and counts in the current periods only. */
export type Counts = { readonly at: number; readonly periods: readonly PeriodCount[] };

/**
 * A buyer's sales in one policy (`sold:`): accepted sales less returned ones, as [quarter, count]
 * pairs, where quarter is the quarter hour of the sale (ms / 900,000) since the epoch. Outcomes are
 * recorded without the policy at hand, so the record cannot know the sold cap's period or zone;
 * every zone's hours and days start on a quarter hour, so the sales of any period are the sum of
 * its quarters, whatever the sold cap says when a lead is routed.
 */
export type Sales = { readonly quarters: readonly (readonly [number, number])[] };

/** A lead's sales not returned yet (`sale:`), as [buyer, when accepted] in the order accepted: what a return takes back. */
export type LeadSales = { readonly sales: readonly (readonly [string, number])[] };

/** A person marked away (`away:`), indefinitely when `until` is null. */
export type Away = { readonly since: number; readonly until: number | null };

/** The last assignee of a sticky key (`sticky:`): `pool` is null for an owner or a rep. */
export type StickyOwner = { readonly assignee: string; readonly pool: string | null; readonly at: number };

export const NO_ROTATION: Rotation = { seq: 0, names: [], last: [], current: [] };

/**
 * Rotations and counts built by this module: valid by construction, so the readers take them
 * without checking them again. The in-memory store, and a batch, hand back the very objects
 * written, and checking seven members' counts on every lead cost as much as choosing among them.
 */
class BuiltRotation implements Rotation {
  constructor(
    readonly seq: number,
    readonly names: readonly string[],
    readonly last: readonly number[],
    readonly current: readonly number[],
  ) {}
}

class BuiltCounts implements Counts {
  constructor(
    readonly at: number,
    readonly periods: readonly PeriodCount[],
  ) {}
}

// Readers: a value that does not have the expected shape (written by an older version, damaged)
// reads as no state at all, so that routing goes on rather than failing on every lead.

type JsonObject = { readonly [key: string]: StateJson };

function asObject(value: StateValue | undefined): JsonObject | undefined {
  return value === undefined || Array.isArray(value) ? undefined : (value as JsonObject);
}

function isArrayOf(v: StateJson | undefined, type: 'number' | 'string', length: number): boolean {
  if (!Array.isArray(v) || v.length !== length) return false;
  for (let i = 0; i < length; i++) if (typeof v[i] !== type) return false;
  return true;
}

function isRotation(o: JsonObject): o is Rotation {
  const { seq, names, last, current } = o;
  if (typeof seq !== 'number' || !Array.isArray(names)) return false;
  return isArrayOf(names, 'string', names.length) && isArrayOf(last, 'number', names.length) && isArrayOf(current, 'number', names.length);
}

function isPeriodCount(v: StateJson): v is PeriodCount {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const { per, tz, key, end, count } = v as JsonObject;
  return (per === 'hour' || per === 'day' || per === 'week') && typeof tz === 'string' && typeof key === 'string' && typeof end === 'number' && typeof count === 'number';
}

function isCounts(o: JsonObject): o is Counts {
  return typeof o.at === 'number' && Array.isArray(o.periods) && o.periods.every(isPeriodCount);
}

function isSales(o: JsonObject): o is Sales {
  const { quarters } = o;
  return Array.isArray(quarters) && quarters.every((q) => isArrayOf(q, 'number', 2));
}

function isLeadSales(o: JsonObject): o is LeadSales {
  const { sales } = o;
  return Array.isArray(sales) && sales.every((s) => Array.isArray(s) && s.length === 2 && typeof s[0] === 'string' && typeof s[1] === 'number');
}

function isAwayRecord(o: JsonObject): o is Away {
  return typeof o.since === 'number' && (o.until === null || typeof o.until === 'number');
}

function isStickyOwner(o: JsonObject): o is StickyOwner {
  return typeof o.assignee === 'string' && (o.pool === null || typeof o.pool === 'string') && typeof o.at === 'number';
}

export function readRotation(value: StateValue | undefined): Rotation {
  if (value instanceof BuiltRotation) return value;
  const o = asObject(value);
  return o !== undefined && isRotation(o) ? o : NO_ROTATION;
}

export function readCounts(value: StateValue | undefined): Counts | undefined {
  if (value instanceof BuiltCounts) return value;
  const o = asObject(value);
  return o !== undefined && isCounts(o) ? o : undefined;
}

export function readSales(value: StateValue | undefined): Sales | undefined {
  const o = asObject(value);
  return o !== undefined && isSales(o) ? o : undefined;
}

/** The lead's sales not returned yet; none when there is no record. */
export function readLeadSales(value: StateValue | undefined): LeadSales['sales'] {
  const o = asObject(value);
  return o !== undefined && isLeadSales(o) ? o.sales : [];
}

export function readAway(value: StateValue | undefined): Away | undefined {
  const o = asObject(value);
  return o !== undefined && isAwayRecord(o) ? o : undefined;
}

export function readStickyOwner(value: StateValue | undefined): StickyOwner | undefined {
  const o = asObject(value);
  return o !== undefined && isStickyOwner(o) ? o : undefined;
}

/** Assignments in the current `per` period of `tz`. */
export function countIn(counts: Counts | undefined, per: CapPeriod, tz: string, now: number): number {
  if (counts === undefined) return 0;
  const key = period(now, tz, per).key;
  for (const p of counts.periods) if (p.per === per && p.tz === tz && p.key === key) return p.count;
  return 0;
}

const UTC_DAY = { per: 'day', tz: 'UTC' } as const;

/**
 * The period a member's load is counted in: its cap's period and zone, else the day in UTC.
 * A person with no member options (an owner, a rep) is counted by the UTC day.
 */
function loadPeriod(member: MemberOption | null): { per: CapPeriod; tz: string } {
  return member?.cap ?? UTC_DAY;
}

/** The member's assignments in its load period (least_loaded). */
export function load(member: MemberOption, counts: Counts | undefined, now: number): number {
  const { per, tz } = loadPeriod(member);
  return countIn(counts, per, tz, now);
}

/**
 * The counts after one more assignment at `now`: every period still current counts it (so a
 * rep assignment counts toward that person's caps too), past periods are dropped, and the
 * member's load period is started if it is not counted yet.
 */
export function countAssignment(counts: Counts | undefined, member: MemberOption | null, now: number): Counts {
  const { per, tz } = loadPeriod(member);
  const before = counts?.periods ?? [];
  // Sized for the usual case, the same periods once more: a list grown from empty reserves many more.
  const periods = new Array<PeriodCount>(before.length);
  let kept = 0;
  let counted = false;
  for (let i = 0; i < before.length; i++) {
    const p = before[i];
    if (p.key !== period(now, p.tz, p.per).key) continue;
    periods[kept++] = { per: p.per, tz: p.tz, key: p.key, end: p.end, count: p.count + 1 };
    if (p.per === per && p.tz === tz) counted = true;
  }
  periods.length = kept;
  if (!counted) {
    const current = period(now, tz, per);
    periods.push({ per, tz, key: current.key, end: current.to, count: 1 });
  }
  return new BuiltCounts(now, periods);
}

export function isAway(away: Away | undefined, now: number): away is Away {
  return away !== undefined && (away.until === null || now < away.until);
}

const QUARTER_MS = 900_000;

/** How long a sale counts toward any period: the longest, a month, is 31 days and a clock change. */
export const SALE_KEPT_MS = 32 * 86_400_000;

/** Sales in the current `per` period of `tz`. */
export function soldIn(sales: Sales | undefined, per: SoldCapPeriod, tz: string, now: number): number {
  if (sales === undefined) return 0;
  const { from, to } = period(now, tz, per);
  let sold = 0;
  for (const [quarter, count] of sales.quarters) if (quarter * QUARTER_MS >= from && quarter * QUARTER_MS < to) sold += count;
  return sold;
}

/**
 * The sales after `change` (1: a sale, -1: a return) in the quarter hour of `at`, and until when
 * they matter. A return never takes a quarter below 0, and quarters too old to count are dropped.
 */
export function countSale(sales: Sales | undefined, at: number, change: 1 | -1): { sales: Sales; expireAt: number } {
  const quarter = Math.floor(at / QUARTER_MS);
  const oldest = Math.floor((at - SALE_KEPT_MS) / QUARTER_MS);
  const quarters: [number, number][] = [];
  let found = false;
  for (const [q, count] of sales?.quarters ?? []) {
    const n = q === quarter ? count + change : count;
    found ||= q === quarter;
    if (q >= oldest && n > 0) quarters.push([q, n]);
  }
  if (!found && change > 0) quarters.push([quarter, 1]);
  quarters.sort((a, b) => a[0] - b[0]);
  const last = quarters.length === 0 ? quarter : quarters[quarters.length - 1][0];
  return { sales: { quarters }, expireAt: (last + 1) * QUARTER_MS + SALE_KEPT_MS };
}

/** Why a member cannot take a lead now (`away`, `at cap 40/day`, `sold cap 20/day reached`), or null when it can. */
export function unavailable(member: MemberOption, away: Away | undefined, counts: Counts | undefined, now: number, sales?: Sales): string | null {
  if (isAway(away, now)) return away.until === null ? 'away' : `away until ${new Date(away.until).toISOString()}`;
  const cap = member.cap;
  if (cap !== null && countIn(counts, cap.per, cap.tz, now) >= cap.count) return `at cap ${cap.count}/${cap.per}`;
  const soldCap = member.soldCap;
  if (soldCap !== null && soldIn(sales, soldCap.per, soldCap.tz, now) >= soldCap.count) return `sold cap ${soldCap.count}/${soldCap.per} reached`;
  return null;
}

export interface PoolChoice {
  strategy: Strategy;
  /** The members that may take the lead (eligible, not away, under their caps), in declared order; at least one. */
  members: readonly MemberOption[];
  /** Each member's assignments in its load period (see load()), in the same order: read by least_loaded only. */
  loads: readonly number[];
  /** The pool's other members (not available now), entered into the rotation like the rest. */
  others: readonly string[];
  rotation: Rotation;
}

export interface Cascade {
  /** The chosen member's index in PoolChoice.members. */
  chosen: number;
  /** The names of the other members, in the order escalation tries them. */
  candidates: string[];
  /** The rotation after the chosen member's assignment. */
  rotation: Rotation;
}

/**
 * Where `name` is in the rotation's arrays (names), or -1. A linear scan beats a Map for the few
 * members most pools have, and `guess` (the slot a name has when the rotation lists the members
 * in their declared order, as it does unless members were added or removed) mostly saves even that.
 */
function slotOf(name: string, guess: number, names: readonly string[], index: Map<string, number> | null): number {
  if (names[guess] === name) return guess;
  return index === null ? names.indexOf(name) : (index.get(name) ?? -1);
}

/** The slot of a name the rotation does not have yet: the next after `names`, in the order met (`fresh`). */
function freshSlot(name: string, names: readonly string[], fresh: string[]): number {
  const k = fresh.indexOf(name);
  return names.length + (k >= 0 ? k : fresh.push(name) - 1);
}

/**
 * One choice in progress. Per member i (in PoolChoice.members' order), `keys[3i]` ranks first,
 * `keys[3i + 1]` breaks ties, then declared order; `keys[3i + 2]` is the member's slot in the
 * rotation's arrays. One list per call keeps the few members most pools have in one allocation.
 */
class Ranking {
  readonly keys: number[];
  constructor(
    readonly choice: PoolChoice,
    /** The rotation's `last`, as a copy this choice may change. */
    readonly last: number[],
    /** The weighted round robin's current weights, by slot (a strategy may replace them). */
    public current: readonly number[],
  ) {
    this.keys = new Array<number>(3 * choice.members.length);
  }

  slot(i: number): number {
    return this.keys[3 * i + 2];
  }

  rank(i: number, first: number, then: number): void {
    this.keys[3 * i] = first;
    this.keys[3 * i + 1] = then;
  }

  /** Whether member a goes before member b. */
  before(a: number, b: number): boolean {
    const k = this.keys;
    const x = 3 * a;
    const y = 3 * b;
    return k[x] < k[y] || (k[x] === k[y] && (k[x + 1] < k[y + 1] || (k[x + 1] === k[y + 1] && a < b)));
  }
}

/**
 * How each strategy of the language ranks the members that may take a lead. Keyed by
 * Strategy, so a strategy added to the language (core/words.ts) without a ranking here does
 * not compile.
 */
const RANKINGS: { readonly [S in Strategy]: (r: Ranking) => void } = {
  round_robin(r) {
    for (let i = 0; i < r.choice.members.length; i++) r.rank(i, r.last[r.slot(i)], 0);
  },
  by_bid(r) {
    const members = r.choice.members;
    for (let i = 0; i < members.length; i++) r.rank(i, -members[i].bid, r.last[r.slot(i)]);
  },
  least_loaded(r) {
    const loads = r.choice.loads;
    if (loads.length !== r.choice.members.length) throw new RangeError('least_loaded needs the load of every member');
    for (let i = 0; i < loads.length; i++) r.rank(i, loads[i], 0);
  },
  first_available(r) {
    for (let i = 0; i < r.choice.members.length; i++) r.rank(i, 0, 0);
  },
  weighted(r) {
    // nginx's smooth weighted round robin over the available members; the others keep their current weight.
    const members = r.choice.members;
    const next = r.current.slice();
    let total = 0;
    let best = 0;
    for (let i = 0; i < members.length; i++) {
      next[r.slot(i)] += members[i].weight;
      total += members[i].weight;
      if (next[r.slot(i)] > next[r.slot(best)]) best = i;
    }
    next[r.slot(best)] -= total;
    r.current = next;
    // After the chosen one, in the order the next round would rank them (current + weight).
    for (let i = 0; i < members.length; i++) r.rank(i, i === best ? -Infinity : -(next[r.slot(i)] + members[i].weight), 0);
  },
};

/**
 * The members' indexes sorted by the ranking: an insertion sort, for the few members most pools
 * have, with Array#sort for big pools.
 */
function sortedOrder(r: Ranking, n: number): number[] {
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n > 16) return order.sort((a, b) => (r.before(a, b) ? -1 : 1));
  for (let i = 1; i < n; i++) {
    const x = order[i];
    let j = i - 1;
    for (; j >= 0 && r.before(x, order[j]); j--) order[j + 1] = order[j];
    order[j + 1] = x;
  }
  return order;
}

/**
 * Orders the members by the strategy and records the assignment of the first.
 *
 * Rotation: a member is entered into the rotation the first time its pool is routed with it
 * (available or not). Without history (seq 0) everybody enters as never assigned (last 0), so
 * the first leads go in declared order. Once the pool has history, a newcomer enters with a new
 * sequence number, i.e. behind everyone: a member added to a running pool waits its turn
 * instead of being owed the whole backlog. Entries are never removed, so removing a member
 * changes nobody else's place (and a member who comes back keeps its old place).
 */
export function choosePoolMember(input: PoolChoice): Cascade {
  const { strategy, members, rotation } = input;
  const n = members.length;
  if (n === 0) throw new RangeError('choosePoolMember needs at least one member');
  let seq = rotation.seq;
  let names = rotation.names;
  const ranking = new Ranking(input, rotation.last.slice(), rotation.current);

  const index = names.length > 16 ? new Map(names.map((name, i): [string, number] => [name, i])) : null;
  let fresh: string[] | null = null;
  for (let i = 0; i < n; i++) {
    const j = slotOf(members[i].name, i, names, index);
    ranking.keys[3 * i + 2] = j >= 0 ? j : freshSlot(members[i].name, names, (fresh ??= []));
  }
  for (const name of input.others) if (slotOf(name, -1, names, index) < 0) freshSlot(name, names, (fresh ??= []));
  if (fresh !== null) {
    names = names.concat(fresh);
    ranking.current = ranking.current.concat(fresh.map(() => 0));
    for (let k = 0; k < fresh.length; k++) ranking.last.push(seq > 0 ? ++seq : 0);
  }

  RANKINGS[strategy](ranking);
  const order = sortedOrder(ranking, n);

  seq += 1;
  ranking.last[ranking.slot(order[0])] = seq;
  const candidates = new Array<string>(n - 1);
  for (let i = 1; i < n; i++) candidates[i - 1] = members[order[i]].name;
  return { chosen: order[0], candidates, rotation: new BuiltRotation(seq, names, ranking.last, ranking.current) };
}
