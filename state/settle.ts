// Settling one lead against the state, as a pure function of the values read: the sticky owner
// first, then the rule's options in order (queue, person, pool by strategy), then the fallback.
// assign() runs it inside a store transaction, one lead or a batch at a time.

import type { Decision, MemberOption, PendingDecision, PlanOption, RuleRef, SlaPlan, TraceEntry } from '../compiler/decision';
import { isoUtc } from '../core/time';
import { keysOf, stateKeys, type MemberKeys, type PolicyKeys, type PoolKeys } from './keys';
import { decisionEntry, newRoutingId, openWrite, openWrites, reassignedEntry } from './ledger';
import type { BatchEntry } from './overlay';
import type { StateRead, StateValue, StateWrite, TransactionStep } from './store';
import { choosePoolMember, countAssignment, isAway, load, readAway, readCounts, readRotation, readSales, readStickyOwner, unavailable } from './strategies';

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

/** The filter log of the `by_bid` options tried: each buyer passed over, with why. */
type FilterLog = { name: string; why: string }[];

/** The Decision in LANGUAGE.md's key order; a `by_bid` sale adds its buyers and filter log. */
function finish(id: string, pending: PendingDecision, o: Outcome, trace: TraceEntry[] | undefined, skipped: FilterLog | null = null, assignees: string[] | null = null): Decision {
  const decision: Decision = {
    id,
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
    warnings: pending.warnings,
  };
  if (assignees !== null) decision.assignees = assignees;
  if (skipped !== null) decision.skipped = skipped;
  if (trace !== undefined) decision.trace = trace;
  return decision;
}

function toFallback(id: string, pending: PendingDecision, rule: RuleRef | null, reason: string, trace: TraceEntry[] | undefined, skipped: FilterLog | null = null): Decision {
  return finish(
    id,
    pending,
    { status: 'exception', assignee: null, queue: pending.fallback, pool: null, rule, path: pending.path, candidates: [], sla: null, reason },
    trace,
    skipped,
  );
}

/**
 * The fallback decision for a lead that could not be assigned at all (the state store failed):
 * status `exception`, the fallback queue, no rule.
 */
export function exceptionDecision(pending: PendingDecision, reason: string): Decision {
  return toFallback(pending.continues?.id ?? newRoutingId(), pending, null, reason, pending.trace);
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
  id: string;
  pending: PendingDecision;
  keys: PolicyKeys;
  read: StateRead;
  /** In a batch, the entries of the lead's keys in order (Lead.keys), read without a lookup each; else null. */
  entries: readonly BatchEntry[] | null;
  now: number;
  stickyKey: string | null;
  writes: StateWrite[];
  trace: TraceEntry[] | undefined;
  /** The filter log of the `by_bid` options tried so far; null when none was. */
  skipped: FilterLog | null;
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
  return { writes: s.writes, result: finish(s.id, s.pending, outcome, s.trace) };
}

/** The value of `key`, which is the lead's `at`-th key (Lead.keys; -1 when it is not one of them). */
function valueAt(s: Settling, at: number, key: string): StateValue | undefined {
  return s.entries === null || at < 0 ? s.read.get(key) : s.entries[at].value;
}

/**
 * Why a member cannot take the lead now (away, at cap, at sold cap), or null. Counts and sales are
 * read only for a member with that cap. `at`: where the member's away key is in the lead's keys,
 * its counts key next (-1: not among them).
 */
function unavailableNow(s: Settling, member: MemberOption, keys: MemberKeys, at: number): string | null {
  const away = readAway(valueAt(s, at, keys.away));
  const counts = member.cap === null ? undefined : readCounts(valueAt(s, at < 0 ? -1 : at + 1, keys.counts));
  return unavailable(member, away, counts, s.now, member.soldCap === null ? undefined : readSales(s.read.get(keys.sold)));
}

/** Where member m's away key is among the lead's keys, for a pool option whose keys start at `offset` (see PoolKeys.all). */
const memberAt = (offset: number, m: number): number => offset + 1 + 2 * m;

/** The pool's members away or at a cap now, as `name: why`. */
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
    if (!s.read.has(keys.away) || !s.read.has(keys.counts) || (member.soldCap !== null && !s.read.has(keys.sold))) {
      return { need: member.soldCap === null ? [keys.away, keys.counts] : [keys.away, keys.counts, keys.sold] };
    }
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
  const log = option.multiSell === undefined ? null : (s.skipped ??= []);
  if (log !== null) for (const m of option.skipped) log.push({ name: m.name, why: m.why });
  for (let i = 0; i < members.length; i++) {
    const why = unavailableNow(s, members[i], keys.members[i], memberAt(offset, i));
    if (why === null) {
      if (available !== null) {
        available.push(members[i]);
        availableKeys?.push(keys.members[i]);
      }
    } else {
      log?.push({ name: members[i].name, why });
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
  const outcome: Outcome = { status: 'assigned', assignee: assignee.name, queue: null, pool: option.pool, rule: s.pending.rule, path: option.path, candidates: cascade.candidates, sla: option.sla, reason: null };
  if (option.multiSell === undefined) return done(s, outcome);
  // A shared lead (multi_sell) is offered to the next buyers of the cascade too; each offer counts toward that buyer's cap.
  const shared = cascade.candidates.slice(0, option.multiSell - 1);
  for (const name of shared) {
    const i = chosen.findIndex((m) => m.name === name);
    record(s, name, chosenKeys[i], chosen[i], option.pool);
  }
  outcome.candidates = cascade.candidates.slice(shared.length);
  return { writes: s.writes, result: finish(s.id, s.pending, outcome, s.trace, s.skipped, [assignee.name, ...shared]) };
}

/** One lead ready for its transaction: its time, the keys of its names and the keys it reads. */
export interface Lead {
  /** The routing id the decision gets (made before the transaction, so a retried transaction keeps it). */
  id: string;
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
export function prepare(pending: PendingDecision): Lead {
  const now = pending.at;
  if (!Number.isFinite(now)) throw new RangeError(`at ${String(now)} is not a time`);
  const id = pending.continues?.id ?? newRoutingId();
  const policy = pending.policy.name;
  const names = keysOf(policy);
  const stickyKey = pending.sticky === null ? null : stateKeys.sticky(policy, pending.sticky.key);
  const options = pending.options;
  // The common case, one pool and no sticky key, asks for exactly the pool's keys.
  if (stickyKey === null && options.length === 1 && options[0].kind === 'pool') {
    const pool = names.pool(options[0].pool, options[0].members);
    return { id, pending, now, names, stickyKey, optionKeys: pool.alone, keys: pool.all };
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
  return { id, pending, now, names, stickyKey, optionKeys, keys };
}

/** The whole of one lead's assignment, as a pure function of the values read (`entries`: see Settling). */
function settleLead(lead: Lead, read: StateRead, entries: readonly BatchEntry[] | null): TransactionStep<Decision> {
  const { pending, now } = lead;
  const s: Settling = { id: lead.id, pending, keys: lead.names, read, entries, now, stickyKey: lead.stickyKey, writes: [], trace: pending.trace?.slice(), skipped: null };
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
  return { writes: s.writes, result: toFallback(lead.id, pending, pending.rule, reason, s.trace, s.skipped) };
}

/**
 * An error thrown while settling one lead: a bug or bad input, not a store failure. It is that
 * lead's result (it wrote nothing); the other leads of its transaction go on.
 */
export class LeadFailure {
  constructor(readonly error: unknown) {}
}

export type Settled = Decision | LeadFailure;

/** `ledger`: the store keeps a routing ledger; without one there is no entry to write, nor the open items of its queue view. */
export function settleOrFail(lead: Lead, read: StateRead, entries: readonly BatchEntry[] | null, ledger: boolean): TransactionStep<Settled> {
  try {
    const step = settleLead(lead, read, entries);
    if ('need' in step) return step;
    return ledger ? withLedger(lead, step.writes, step.result) : { writes: step.writes, result: step.result };
  } catch (error) {
    return { writes: [], result: new LeadFailure(error) };
  }
}

/**
 * The lead's ledger entry joins its writes: a decision (opening an item when it is left in a
 * queue), or for an escalation step that found someone, a `reassigned` event (an escalation step
 * that found nobody records nothing: escalate() goes on to the next step).
 */
function withLedger(lead: Lead, writes: readonly StateWrite[], decision: Decision): TransactionStep<Settled> {
  const pending = lead.pending;
  const due = decision.sla === null ? null : Date.parse(decision.sla.due);
  const continues = pending.continues;
  if (continues === undefined) {
    const entry = decisionEntry(decision, pending.key ?? null, lead.now, due);
    const open = openWrite(entry);
    return { writes: open === null ? writes : [...writes, open], result: decision, ledger: [entry] };
  }
  if (decision.status === 'exception' || decision.queue === pending.fallback) return { writes, result: decision };
  const event = reassignedEntry(continues, decision, lead.now);
  return { writes: [...writes, ...openWrites(event)], result: decision, ledger: [event] };
}
