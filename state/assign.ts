// assign(): completes decide()'s PendingDecision with state, in one store transaction per lead:
// the sticky owner first, then the rule's options in order (queue, person, pool by strategy),
// then the fallback. assignMany() settles a batch of leads the same way, in one transaction for
// many leads. Also the state operations the nodes and the CLI need: away/back, reset and the
// report behind `state show`.

import { periodKey } from '../compiler/calendar';
import { isoUtc } from '../core/time';
import type { Decision, MemberOption, PendingDecision, PlanOption, RuleRef, SlaPlan, TraceEntry } from '../compiler/decision';
import type { CapPeriod } from '../core/words';
import { keyPart, parseKeyPart, StateStoreError, type StateRead, type StateStore, type StateValue, type StateWrite, type TransactionStep } from './store';
import {
  choosePoolMember,
  countAssignment,
  isAway,
  load,
  readAway,
  readCounts,
  readRotation,
  readStickyOwner,
  unavailable,
} from './strategies';

/**
 * The key layout. Rotation and counts are per policy name (so editing a policy's text keeps
 * them); away flags are per person, across policies. Every part is user text, escaped by keyPart.
 */
export const stateKeys = {
  /** Rotation of one pool: Rotation. */
  rotation: (policy: string, pool: string): string => `rr:${keyPart(policy)}:${keyPart(pool)}`,
  /** One member's assignments in the current periods: Counts. */
  counts: (policy: string, member: string): string => `n:${keyPart(policy)}:${keyPart(member)}`,
  /** A person marked away: Away. */
  away: (member: string): string => `away:${keyPart(member)}`,
  /** The last assignee of a sticky key: StickyOwner. */
  sticky: (policy: string, key: string): string => `sticky:${keyPart(policy)}:${keyPart(key)}`,
};

type MemberKeys = { readonly away: string; readonly counts: string };

/** A pool option's keys: the rotation, each member's in the option's order, and all of them in the order a transaction asks for them. */
interface PoolKeys {
  readonly pool: string;
  readonly list: readonly MemberOption[];
  readonly names: readonly string[];
  readonly rotation: string;
  readonly members: readonly MemberKeys[];
  readonly all: readonly string[];
  /** [this]: the option keys of a lead whose one option is this pool (see prepare). */
  readonly alone: readonly PoolKeys[];
}

/** Pool options whose keys PolicyKeys keeps at hand. */
const RECENT_POOLS = 8;

const KEY_CACHE_LIMIT = 10_000;

/**
 * The keys of the names one policy uses, built once: a key string made afresh for every lead
 * would be hashed afresh by every Map and store lookup, which costs more than the rest of an
 * assignment. Owners come from leads, so the caches are bounded.
 */
class PolicyKeys {
  private readonly pools = new Map<string, string>();
  private readonly members = new Map<string, MemberKeys>();
  private readonly recent: PoolKeys[] = [];
  private nextRecent = 0;
  constructor(private readonly policy: string) {}

  /**
   * A pool option's keys. decide() hands every decision the same members list while all of a
   * pool's members are eligible, so the last few lists are kept and found by identity; the names
   * are compared too, since nothing stops a caller from reusing a list with other members.
   */
  pool(pool: string, members: readonly MemberOption[]): PoolKeys {
    for (const keys of this.recent) if (keys.list === members && keys.pool === pool && sameNames(members, keys.names)) return keys;
    const rotation = this.rotation(pool);
    const memberKeys = new Array<MemberKeys>(members.length);
    const all = [rotation];
    for (let m = 0; m < members.length; m++) {
      memberKeys[m] = this.member(members[m].name);
      all.push(memberKeys[m].away, memberKeys[m].counts);
    }
    const alone: PoolKeys[] = [];
    const keys: PoolKeys = { pool, list: members, names: members.map((m) => m.name), rotation, members: memberKeys, all, alone };
    alone.push(keys);
    this.recent[this.nextRecent] = keys;
    this.nextRecent = (this.nextRecent + 1) % RECENT_POOLS;
    return keys;
  }

  rotation(pool: string): string {
    let key = this.pools.get(pool);
    if (key === undefined) {
      if (this.pools.size >= KEY_CACHE_LIMIT) this.pools.clear();
      key = stateKeys.rotation(this.policy, pool);
      this.pools.set(pool, key);
    }
    return key;
  }

  member(name: string): MemberKeys {
    let keys = this.members.get(name);
    if (keys === undefined) {
      if (this.members.size >= KEY_CACHE_LIMIT) this.members.clear();
      keys = { away: stateKeys.away(name), counts: stateKeys.counts(this.policy, name) };
      this.members.set(name, keys);
    }
    return keys;
  }
}

function sameNames(members: readonly MemberOption[], names: readonly string[]): boolean {
  if (members.length !== names.length) return false;
  for (let i = 0; i < names.length; i++) if (members[i].name !== names[i]) return false;
  return true;
}

const keyCache = new Map<string, PolicyKeys>();

function keysOf(policy: string): PolicyKeys {
  let keys = keyCache.get(policy);
  if (keys === undefined) {
    if (keyCache.size >= 64) keyCache.clear();
    keys = new PolicyKeys(policy);
    keyCache.set(policy, keys);
  }
  return keys;
}

/** The fields of a Decision that assign() settles; the rest come from the pending decision. */
interface Outcome {
  status: Decision['status'];
  assignee: string | null;
  queue: string | null;
  pool: string | null;
  rule: RuleRef | null;
  path: Record<string, string | null>;
  candidates: string[];
  sla: SlaPlan | null;
  reason: string | null;
}

/** The Decision in LANGUAGE.md's key order. */
function finish(pending: PendingDecision, o: Outcome, trace: TraceEntry[] | undefined): Decision {
  const decision: Decision = {
    status: o.status,
    assignee: o.assignee,
    queue: o.queue,
    pool: o.pool,
    rule: o.rule,
    path: o.path,
    candidates: o.candidates,
    sla: o.sla === null ? null : { duration: o.sla.duration, business: o.sla.business, due: isoUtc(o.sla.due) },
    priority: pending.priority,
    tags: pending.tags,
    escalation: pending.escalation,
    reason: o.reason,
    policy: pending.policy,
    routed_at: isoUtc(pending.at),
  };
  if (trace !== undefined) decision.trace = trace;
  return decision;
}

function toFallback(pending: PendingDecision, rule: RuleRef | null, reason: string, trace: TraceEntry[] | undefined): Decision {
  return finish(
    pending,
    { status: 'exception', assignee: null, queue: pending.fallback, pool: null, rule, path: pending.path, candidates: [], sla: null, reason },
    trace,
  );
}

/**
 * The fallback decision for a lead that could not be assigned at all (the state store failed):
 * status `exception`, the fallback queue, no rule.
 */
export function exceptionDecision(pending: PendingDecision, reason: string): Decision {
  return toFallback(pending, null, reason, pending.trace);
}

/** The SLA a sticky assignment carries: the rule's, as its first option that has one states it. */
function ruleSla(pending: PendingDecision): SlaPlan | null {
  for (const option of pending.options) if (option.kind !== 'unresolved' && option.sla !== null) return option.sla;
  return null;
}

type PoolOption = Extract<PlanOption, { kind: 'pool' }>;

/** An empty list to share. */
const NONE: readonly never[] = [];

/** One lead's assignment in progress, inside the transaction. */
interface Settling {
  pending: PendingDecision;
  keys: PolicyKeys;
  read: StateRead;
  /** In a batch, the entries of the lead's keys in order (Lead.keys), read without a lookup each; else null. */
  entries: readonly BatchEntry[] | null;
  now: number;
  stickyKey: string | null;
  writes: StateWrite[];
  trace: TraceEntry[] | undefined;
}

/** Records an assignment: the person's counts, and the sticky owner when the lead has a sticky key. */
function record(s: Settling, name: string, keys: MemberKeys, member: MemberOption | null, pool: string | null): void {
  const counts = countAssignment(readCounts(s.read.get(keys.counts)), member, s.now);
  let end = 0;
  for (const p of counts.periods) if (p.end > end) end = p.end;
  s.writes.push({ key: keys.counts, value: counts, expireAt: end });
  const sticky = s.pending.sticky;
  if (s.stickyKey !== null && sticky !== null) {
    s.writes.push({ key: s.stickyKey, value: { assignee: name, pool, at: s.now }, expireAt: s.now + sticky.ms });
  }
}

function done(s: Settling, outcome: Outcome): TransactionStep<Decision> {
  return { writes: s.writes, result: finish(s.pending, outcome, s.trace) };
}

/** The value of `key`, which is the lead's `at`-th key (Lead.keys; -1 when it is not one of them). */
function valueAt(s: Settling, at: number, key: string): StateValue | undefined {
  return s.entries === null || at < 0 ? s.read.get(key) : s.entries[at].value;
}

/**
 * Why a member cannot take the lead now (away, at cap), or null. Counts are read only for a
 * member with a cap. `at`: where the member's away key is in the lead's keys, its counts key
 * next (-1: not among them).
 */
function unavailableNow(s: Settling, member: MemberOption, keys: MemberKeys, at: number): string | null {
  const away = readAway(valueAt(s, at, keys.away));
  return unavailable(member, away, member.cap === null ? undefined : readCounts(valueAt(s, at < 0 ? -1 : at + 1, keys.counts)), s.now);
}

/** Where member m's away key is among the lead's keys, for a pool option whose keys start at `offset` (see PoolKeys.all). */
const memberAt = (offset: number, m: number): number => offset + 1 + 2 * m;

/** The pool's members away or at cap now, as `name: why`. */
function unavailableMembers(s: Settling, option: PoolOption, keys: PoolKeys, offset: number): string[] {
  const why: string[] = [];
  for (let i = 0; i < option.members.length; i++) {
    const member = option.members[i];
    const no = unavailableNow(s, member, keys.members[i], memberAt(offset, i));
    if (no !== null) why.push(`${member.name}: ${no}`);
  }
  return why;
}

/** The sticky owner's decision, `need` for their state, or null when the lead is not sticky to anyone able to take it. */
function settleSticky(s: Settling): TransactionStep<Decision> | null {
  const sticky = s.pending.sticky;
  if (sticky === null || s.stickyKey === null) return null;
  const owner = readStickyOwner(s.read.get(s.stickyKey));
  if (owner === undefined) return null;
  if (s.now >= owner.at + sticky.ms) {
    s.writes.push({ key: s.stickyKey, value: null }); // past its window; a new owner recorded below replaces this
    return null;
  }
  const member = sticky.member(owner.pool, owner.assignee);
  let why: string | null;
  if (typeof member === 'string') why = member;
  else {
    const keys = s.keys.member(member.name);
    if (!s.read.has(keys.away) || !s.read.has(keys.counts)) return { need: [keys.away, keys.counts] };
    why = unavailableNow(s, member, keys, -1);
    if (why === null) {
      record(s, member.name, keys, member, owner.pool);
      s.trace?.push({ step: 'sticky', source: sticky.key, result: member.name, note: `assigned again to ${member.name}, who had ${sticky.key} within the sticky window` });
      return done(s, { status: 'assigned', assignee: member.name, queue: null, pool: owner.pool, rule: null, path: {}, candidates: [], sla: ruleSla(s.pending), reason: null });
    }
  }
  s.trace?.push({ step: 'sticky', source: sticky.key, result: false, note: `${owner.assignee} had ${sticky.key} but cannot take it now (${why}): the rules decide` });
  return null;
}

/** A pool option's decision, or the reason nobody in it can take the lead. */
function settlePool(s: Settling, option: PoolOption, keys: PoolKeys, offset: number): TransactionStep<Decision> | string {
  const members = option.members;
  // Everyone not available now still enters the rotation (see choosePoolMember).
  let others: string[] | null = option.skipped.length === 0 ? null : option.skipped.map((m) => m.name);
  // A copy only once someone turns out away or at cap.
  let available: MemberOption[] | null = null;
  let availableKeys: MemberKeys[] | null = null;
  for (let i = 0; i < members.length; i++) {
    if (unavailableNow(s, members[i], keys.members[i], memberAt(offset, i)) === null) {
      if (available !== null) {
        available.push(members[i]);
        availableKeys?.push(keys.members[i]);
      }
    } else {
      (others ??= []).push(members[i].name);
      if (available === null) {
        available = members.slice(0, i);
        availableKeys = keys.members.slice(0, i);
      }
    }
  }
  const chosen = available ?? members;
  const chosenKeys = availableKeys ?? keys.members;
  if (chosen.length === 0) {
    const why = option.skipped.map((m) => `${m.name}: ${m.why}`).concat(unavailableMembers(s, option, keys, offset));
    const reason = `no one available in pool ${option.pool}${why.length > 0 ? ` (${why.join(', ')})` : ''}`;
    s.trace?.push({ step: 'pool', source: option.pool, result: false, note: reason });
    return reason;
  }
  const loads = option.strategy === 'least_loaded' ? chosen.map((m, i) => load(m, readCounts(s.read.get(chosenKeys[i].counts)), s.now)) : NONE;
  const cascade = choosePoolMember({ strategy: option.strategy, members: chosen, loads, others: others ?? NONE, rotation: readRotation(valueAt(s, offset, keys.rotation)) });
  const assignee = chosen[cascade.chosen];
  s.writes.push({ key: keys.rotation, value: cascade.rotation });
  record(s, assignee.name, chosenKeys[cascade.chosen], assignee, option.pool);
  if (s.trace !== undefined) {
    const why = unavailableMembers(s, option, keys, offset);
    s.trace.push({ step: 'pool', source: option.pool, result: assignee.name, note: `${option.strategy}${why.length > 0 ? ` (left out ${why.join(', ')})` : ''}` });
  }
  return done(s, { status: 'assigned', assignee: assignee.name, queue: null, pool: option.pool, rule: s.pending.rule, path: option.path, candidates: cascade.candidates, sla: option.sla, reason: null });
}

/** One lead ready for its transaction: its time, the keys of its names and the keys it reads. */
interface Lead {
  pending: PendingDecision;
  now: number;
  names: PolicyKeys;
  stickyKey: string | null;
  /** Per option of the pending decision, in order: a pool's keys, a person's, or null. */
  optionKeys: readonly (PoolKeys | MemberKeys | null)[];
  /** The sticky key if any, then each option's keys in order (see keySpan). */
  keys: readonly string[];
}

/** How many of a lead's keys an option has. */
function keySpan(keys: PoolKeys | MemberKeys | null): number {
  return keys === null ? 0 : 'all' in keys ? keys.all.length : 2;
}

/** What a lead's transaction needs before it starts; throws on input that is not a pending decision (`at` not a time). */
function prepare(pending: PendingDecision): Lead {
  const now = pending.at;
  if (!Number.isFinite(now)) throw new RangeError(`at ${String(now)} is not a time`);
  const policy = pending.policy.name;
  const names = keysOf(policy);
  const stickyKey = pending.sticky === null ? null : stateKeys.sticky(policy, pending.sticky.key);
  const options = pending.options;
  // The common case, one pool and no sticky key, asks for exactly the pool's keys.
  if (stickyKey === null && options.length === 1 && options[0].kind === 'pool') {
    const pool = names.pool(options[0].pool, options[0].members);
    return { pending, now, names, stickyKey, optionKeys: pool.alone, keys: pool.all };
  }
  const keys: string[] = [];
  if (stickyKey !== null) keys.push(stickyKey);
  const optionKeys = new Array<PoolKeys | MemberKeys | null>(options.length);
  for (let i = 0; i < options.length; i++) {
    const option = options[i];
    if (option.kind === 'pool') {
      const pool = names.pool(option.pool, option.members);
      for (const key of pool.all) keys.push(key);
      optionKeys[i] = pool;
    } else if (option.kind === 'person') {
      const mk = names.member(option.assignee);
      keys.push(mk.away, mk.counts);
      optionKeys[i] = mk;
    } else optionKeys[i] = null;
  }
  return { pending, now, names, stickyKey, optionKeys, keys };
}

/** The whole of one lead's assignment, as a pure function of the values read (`entries`: see Settling). */
function settle(lead: Lead, read: StateRead, entries: readonly BatchEntry[] | null): TransactionStep<Decision> {
  const { pending, now } = lead;
  const s: Settling = { pending, keys: lead.names, read, entries, now, stickyKey: lead.stickyKey, writes: [], trace: pending.trace?.slice() };
  const bySticky = settleSticky(s);
  if (bySticky !== null) return bySticky;

  let failures: string[] | null = null;
  // Where the current option's keys start among the lead's keys.
  let offset = lead.stickyKey === null ? 0 : 1;
  for (let i = 0; i < pending.options.length; i++) {
    const option = pending.options[i];
    const at = offset;
    offset += keySpan(lead.optionKeys[i]);
    switch (option.kind) {
      case 'queue':
        return done(s, { status: 'queued', assignee: null, queue: option.queue, pool: null, rule: pending.rule, path: pending.path, candidates: [], sla: option.sla, reason: null });
      case 'unresolved':
        (failures ??= []).push(option.reason);
        break;
      case 'person': {
        const keys = lead.optionKeys[i] as MemberKeys;
        if (isAway(readAway(read.get(keys.away)), now)) {
          (failures ??= []).push(`${option.via} ${option.assignee} is away`);
          s.trace?.push({ step: 'target', source: `${option.via} ${option.assignee}`, result: false, note: 'away' });
          break;
        }
        record(s, option.assignee, keys, null, null);
        return done(s, { status: 'assigned', assignee: option.assignee, queue: null, pool: null, rule: pending.rule, path: pending.path, candidates: [], sla: option.sla, reason: null });
      }
      case 'pool': {
        const outcome = settlePool(s, option, lead.optionKeys[i] as PoolKeys, at);
        if (typeof outcome !== 'string') return outcome;
        (failures ??= []).push(outcome);
        break;
      }
    }
  }
  const reason = failures !== null ? failures.join('; ') : pending.rule === null ? 'no rule matched' : 'the rule has no target';
  return { writes: s.writes, result: toFallback(pending, pending.rule, reason, s.trace) };
}

/**
 * An error thrown while settling one lead: a bug or bad input, not a store failure. It is that
 * lead's result (it wrote nothing); the other leads of its transaction go on.
 */
class LeadFailure {
  constructor(readonly error: unknown) {}
}

type Settled = Decision | LeadFailure;

function settleOrFail(lead: Lead, read: StateRead, entries: readonly BatchEntry[] | null): TransactionStep<Settled> {
  try {
    return settle(lead, read, entries);
  } catch (error) {
    return { writes: [], result: new LeadFailure(error) };
  }
}

/** A key's value in a batch, as the leads settled so far left it, and their last write of it (null: none). */
interface BatchEntry {
  value: StateValue | undefined;
  write: StateWrite | null;
}

/**
 * A transaction's values as the leads before the current one left them: the values read, under
 * the writes of the leads settled so far. Each key is looked up in the store's view once; after
 * that, reading or writing it is one lookup here.
 */
class BatchView implements StateRead {
  private readonly entries = new Map<string, BatchEntry>();
  /** The last key list asked for by entriesOf, and its entries. */
  private listed: readonly string[] | null = null;
  private listedEntries: readonly BatchEntry[] = [];
  constructor(private readonly base: StateRead) {}

  get(key: string): StateValue | undefined {
    return this.entry(key).value;
  }

  /** The entries of `keys`, in order; the last list is kept, since a batch's leads mostly share one (PolicyKeys.pool). */
  entriesOf(keys: readonly string[]): readonly BatchEntry[] {
    if (keys !== this.listed) {
      this.listedEntries = keys.map((key) => this.entry(key));
      this.listed = keys;
    }
    return this.listedEntries;
  }

  private entry(key: string): BatchEntry {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { value: this.base.get(key), write: null };
      this.entries.set(key, entry);
    }
    return entry;
  }

  has(key: string): boolean {
    return this.base.has(key);
  }

  apply(writes: readonly StateWrite[]): void {
    for (const write of writes) {
      const value = write.value ?? undefined;
      const entry = this.entries.get(write.key);
      if (entry === undefined) this.entries.set(write.key, { value, write });
      else {
        entry.value = value;
        entry.write = write;
      }
    }
  }

  /** Each key's last write. */
  writes(): StateWrite[] {
    const writes: StateWrite[] = [];
    for (const entry of this.entries.values()) if (entry.write !== null) writes.push(entry.write);
    return writes;
  }
}

/**
 * The keys of the sticky owners (within their window) that the leads' own keys do not cover: an
 * owner from another pool, or a rep. Asked for all at once, before any lead is settled, so that a
 * batch runs again at most once for them rather than once per such lead.
 */
function missingOwnerKeys(leads: readonly Lead[], read: StateRead): string[] {
  const missing: string[] = [];
  for (const lead of leads) {
    const sticky = lead.pending.sticky;
    if (sticky === null || lead.stickyKey === null) continue;
    const owner = readStickyOwner(read.get(lead.stickyKey));
    if (owner === undefined || lead.now >= owner.at + sticky.ms) continue;
    const mk = lead.names.member(owner.assignee);
    for (const key of [mk.away, mk.counts]) if (!read.has(key) && !missing.includes(key)) missing.push(key);
  }
  return missing;
}

/**
 * Settles leads in order, as one pure function of the values read: each lead sees the writes of
 * the leads before it, exactly as if each had had its own transaction, and the transaction
 * writes each key's last value.
 */
function settleAll(leads: readonly Lead[], read: StateRead): TransactionStep<Settled[]> {
  const missing = missingOwnerKeys(leads, read);
  if (missing.length > 0) return { need: missing };
  const view = new BatchView(read);
  const results: Settled[] = [];
  for (const lead of leads) {
    const step = settleOrFail(lead, view, view.entriesOf(lead.keys));
    // Only when an owner recorded by an earlier lead of the batch is not covered: run again with their keys.
    if ('need' in step) return step;
    view.apply(step.writes);
    results.push(step.result);
  }
  return { writes: view.writes(), result: results };
}

/** A store failure as a StateStoreError naming the store (once, when the store's message already does). */
function storeFailure(store: StateStore, error: unknown): StateStoreError {
  const message = error instanceof Error ? error.message : String(error);
  const text = message.startsWith(`${store.name}:`) ? `routing state store ${message}` : `routing state store ${store.name} failed: ${message}`;
  return new StateStoreError(text, store.name, { cause: error });
}

/** Runs an administrative store operation, naming the store when it fails. */
async function withStore<T>(store: StateStore, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw storeFailure(store, error);
  }
}

/** store.transact(keys, fn).then(then), with a failure of the store (a rejection or a throw) as a StateStoreError naming it. */
function transactOrFail<R, T>(store: StateStore, keys: readonly string[], fn: (read: StateRead) => TransactionStep<R>, then: (result: R) => T): Promise<T> {
  if (store.transactNow !== undefined) {
    let result: R;
    try {
      result = store.transactNow(keys, fn);
    } catch (error) {
      return Promise.reject(storeFailure(store, error));
    }
    try {
      return Promise.resolve(then(result));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  let transaction: Promise<R>;
  try {
    transaction = store.transact(keys, fn);
  } catch (error) {
    transaction = Promise.reject(error);
  }
  return transaction.then(then, (error: unknown) => {
    throw storeFailure(store, error);
  });
}

function decisionOf(result: Settled): Decision {
  if (result instanceof LeadFailure) throw result.error;
  return result;
}

/**
 * Settles a pending decision against the state, atomically: the final Decision (LANGUAGE.md,
 * "The decision"). Rejects with a StateStoreError naming the store when the store fails (turn
 * that into `exceptionDecision(pending, ...)`), and with the error itself when the lead is not
 * a valid pending decision.
 */
export function assign(pending: PendingDecision, store: StateStore): Promise<Decision> {
  // Not `async`, and one transaction of one lead without a batch around it: the fewer promises
  // and arrays, the faster the in-memory store.
  let lead: Lead;
  try {
    lead = prepare(pending);
  } catch (error) {
    return Promise.reject(error);
  }
  return transactOrFail(store, lead.keys, (read) => settleOrFail(lead, read, null), decisionOf);
}

/** The leads in one transaction; rejects with a StateStoreError when the store fails (then none was assigned). */
function transactLeads(leads: readonly Lead[], store: StateStore): Promise<Settled[]> {
  const keys = new Set<string>();
  // Leads of one pool share one key list (PolicyKeys.pool): each list is added once.
  let added: readonly string[] | null = null;
  for (const lead of leads) {
    if (lead.keys === added) continue;
    for (const key of lead.keys) keys.add(key);
    added = lead.keys;
  }
  return transactOrFail(store, [...keys], (read) => settleAll(leads, read), (settled) => settled);
}

/** Leads per transaction in assignMany. */
export const ASSIGN_BATCH = 128;

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Settles many pending decisions, in order, with exactly the decisions that one assign() after
 * another would give, in transactions of up to `batch` leads (one round trip to the store for
 * each rather than one for each lead). Each lead's result is its Decision or an Error: a
 * StateStoreError when the store failed (that transaction's leads and every later one were not
 * assigned), or the lead's own error (invalid input, a bug), which touches no other lead.
 */
export async function assignMany(pendings: readonly PendingDecision[], store: StateStore, batch: number = ASSIGN_BATCH): Promise<(Decision | Error)[]> {
  if (!(batch >= 1)) throw new RangeError('assignMany needs a batch of at least one lead');
  const results = new Array<Decision | Error>(pendings.length);
  const leads: Lead[] = [];
  const at: number[] = [];
  for (let i = 0; i < pendings.length; i++) {
    try {
      leads.push(prepare(pendings[i]));
      at.push(i);
    } catch (error) {
      results[i] = asError(error);
    }
  }
  for (let from = 0; from < leads.length; from += batch) {
    let settled: Settled[];
    try {
      settled = await transactLeads(leads.slice(from, from + batch), store);
    } catch (error) {
      for (let k = from; k < leads.length; k++) results[at[k]] = asError(error);
      break;
    }
    for (let k = 0; k < settled.length; k++) {
      const result = settled[k];
      results[at[from + k]] = result instanceof LeadFailure ? asError(result.error) : result;
    }
  }
  return results;
}

function checkTime(ms: number, what: string): void {
  if (!Number.isFinite(ms)) throw new RangeError(`${what} must be a time in milliseconds`);
}

/** Marks a person away (for every policy) until `untilMs`, or until marked back when null. */
export async function markAway(store: StateStore, member: string, untilMs: number | null, nowMs: number = Date.now()): Promise<void> {
  checkTime(nowMs, 'nowMs');
  if (untilMs !== null) checkTime(untilMs, 'untilMs');
  const key = stateKeys.away(member);
  const write: StateWrite = { key, value: { since: nowMs, until: untilMs } };
  if (untilMs !== null) write.expireAt = untilMs;
  await withStore(store, () => store.transact([key], () => ({ writes: [write], result: undefined })));
}

/** Clears a person's away flag. */
export async function markBack(store: StateStore, member: string): Promise<void> {
  const key = stateKeys.away(member);
  await withStore(store, () => store.transact([key], () => ({ writes: [{ key, value: null }], result: undefined })));
}

/** Keys deleted per transaction by resetState. */
const RESET_CHUNK = 500;

/**
 * Forgets a policy's routing state: rotations, counts and sticky owners (away flags are per
 * person, across policies: see markBack), or with `pool` that pool's rotation only. Deletes in
 * transactions of a few hundred keys. Gives the number of keys deleted.
 */
export async function resetState(store: StateStore, policy: string, pool?: string): Promise<number> {
  const keys: string[] = [];
  if (pool !== undefined) keys.push(stateKeys.rotation(policy, pool));
  else {
    const prefixes = [`rr:${keyPart(policy)}:`, `n:${keyPart(policy)}:`, `sticky:${keyPart(policy)}:`];
    for (const found of await withStore(store, () => Promise.all(prefixes.map((prefix) => store.list(prefix))))) keys.push(...found.keys());
  }
  let deleted = 0;
  for (let from = 0; from < keys.length; from += RESET_CHUNK) {
    const chunk = keys.slice(from, from + RESET_CHUNK);
    deleted += await withStore(store, () =>
      store.transact(chunk, (read) => {
        const present = chunk.filter((key) => read.get(key) !== undefined);
        return { writes: present.map((key) => ({ key, value: null })), result: present.length };
      }),
    );
  }
  return deleted;
}

export interface StateReport {
  policy: string;
  /** Per pool (by name): members in the order round robin would take them if all were available, and the latest sequence number. */
  rotations: { pool: string; order: string[]; seq: number }[];
  /** Per member who was assigned (by name): the last assignment and the counts of the periods current at the report's time. */
  members: { member: string; lastAssigned: string; counts: { per: CapPeriod; tz: string; period: string; count: number }[] }[];
  /** People away at the report's time (any policy). */
  away: { member: string; since: string; until: string | null }[];
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const iso = (ms: number): string => new Date(ms).toISOString();

/** What `state show` prints for one policy. */
export async function readState(store: StateStore, policy: string, nowMs: number = Date.now()): Promise<StateReport> {
  const rrPrefix = `rr:${keyPart(policy)}:`;
  const countsPrefix = `n:${keyPart(policy)}:`;
  const [rotations, counts, away] = await withStore(store, () => Promise.all([store.list(rrPrefix), store.list(countsPrefix), store.list('away:')]));

  const report: StateReport = { policy, rotations: [], members: [], away: [] };
  for (const [key, value] of rotations) {
    const r = readRotation(value);
    const order = r.names.map((_, i) => i).sort((a, b) => r.last[a] - r.last[b] || a - b);
    report.rotations.push({ pool: parseKeyPart(key.slice(rrPrefix.length)), order: order.map((i) => r.names[i]), seq: r.seq });
  }
  for (const [key, value] of counts) {
    const c = readCounts(value);
    if (c === undefined) continue;
    const current = c.periods.filter((p) => p.key === periodKey(nowMs, p.tz, p.per));
    report.members.push({
      member: parseKeyPart(key.slice(countsPrefix.length)),
      lastAssigned: iso(c.at),
      counts: current.map((p) => ({ per: p.per, tz: p.tz, period: p.key, count: p.count })),
    });
  }
  for (const [key, value] of away) {
    const a = readAway(value);
    if (a === undefined || !isAway(a, nowMs)) continue;
    report.away.push({ member: parseKeyPart(key.slice('away:'.length)), since: iso(a.since), until: a.until === null ? null : iso(a.until) });
  }
  report.rotations.sort((a, b) => byName(a.pool, b.pool));
  report.members.sort((a, b) => byName(a.member, b.member));
  report.away.sort((a, b) => byName(a.member, b.member));
  return report;
}
