// The library's front door for routing: route() and routeMany() compose decide() (pure) and
// assign() (state) for every caller, the command line, the nodes and escalation alike, and turn
// a failing state store into an exception decision in this one place. Any other error is a bug
// and is thrown, never dressed up as an exception lead.

import type { CompiledPolicy } from '../compiler/compile';
import type { Decision, PendingDecision, TraceMode } from '../compiler/decision';
import { toInstant } from '../core/time';
import { leadClock, leadTime, OutOfTimeOrder, type LeadClock } from './replay';
import { assignMany, exceptionDecision } from '../state/assign';
import { MemoryStore } from '../state/memory';
import { StateStoreError, type StateStore } from '../state/store';

export interface RouteOptions {
  /**
   * Where rotation, caps, away flags and sticky owners live (openStore). Default: one in-memory
   * store for the whole process, so that repeated calls rotate; it is lost when the process ends.
   */
  store?: StateStore;
  /** The instant to route at: a Date, epoch ms or ISO 8601 text (UTC unless it says). Default: when the call starts. */
  now?: Date | number | string;
  /** Add `trace` to each decision: every rule tried, the values read, why it held or failed (`steps`: without the words, see TraceMode). */
  trace?: TraceMode;
  /**
   * Replay in time: route each lead at its own time, read from this field (a column as written,
   * `Created Time`, or a dotted path) as a typed `datetime`, in time order, instead of at `now`.
   * A lead whose time cannot be read gets an exception decision whose reason starts NO_TIME and
   * names the field and value. An array is routed in time order (then input order) and its
   * decisions come back in input order; a stream must come in time order (OutOfTimeOrder
   * otherwise: inTimeOrder sorts a source that can be read again).
   */
  at?: string;
  /** With `at`: the IANA zone of times written without one (`America/New_York`). Default: UTC. */
  tz?: string;
}

let processStore: MemoryStore | null = null;

function storeOf(options: RouteOptions): StateStore {
  // No ledger: it would grow for as long as the process runs; a caller who wants one passes a store.
  return options.store ?? (processStore ??= new MemoryStore({ ledger: false }));
}

/** How the reason of a lead whose state store failed begins. */
export const STORE_FAILURE = 'state store unavailable: ';

/**
 * Settles pending decisions, in order, in store transactions of many leads: the final decisions.
 * A store failure gives those leads exception decisions naming it; any other error is thrown.
 */
export async function settle(pendings: readonly PendingDecision[], store: StateStore): Promise<Decision[]> {
  const settled = await assignMany(pendings, store);
  return settled.map((result, i) => {
    if (result instanceof StateStoreError) return exceptionDecision(pendings[i], STORE_FAILURE + result.message);
    if (result instanceof Error) throw result;
    return result;
  });
}

/** Routes one lead: the final decision of LANGUAGE.md ("The decision"). Rejects only on a bug or an invalid `now`. */
export async function route(policy: CompiledPolicy, lead: unknown, options: RouteOptions = {}): Promise<Decision> {
  const [decision] = await routeBatch(policy, [lead], options);
  return decision;
}

/** Leads routed together from an async iterable: bounded memory, few store transactions. */
const STREAM_BATCH = 256;

/**
 * Routes many leads in input order with exactly the decisions that one route() after another
 * would give, in a few store transactions. An array gives a promise of the decisions; an async
 * iterable gives an async iterable of them, read and routed a batch at a time. Without `now`,
 * an array is routed at the instant of the call and a stream at the instant each batch is read.
 */
export function routeMany(policy: CompiledPolicy, leads: readonly unknown[], options?: RouteOptions): Promise<Decision[]>;
export function routeMany(policy: CompiledPolicy, leads: AsyncIterable<unknown>, options?: RouteOptions): AsyncIterable<Decision>;
export function routeMany(policy: CompiledPolicy, leads: readonly unknown[] | AsyncIterable<unknown>, options: RouteOptions = {}): Promise<Decision[]> | AsyncIterable<Decision> {
  return Array.isArray(leads) ? routeBatch(policy, leads, options) : routeStream(policy, leads as AsyncIterable<unknown>, options);
}

/** Leads decided at one instant (`now`, else the clock), or each at its own (`at`), and settled together. Async, so that an invalid option or a bug rejects rather than throws. */
async function routeBatch(policy: CompiledPolicy, leads: readonly unknown[], options: RouteOptions): Promise<Decision[]> {
  const trace = options.trace ?? false;
  const store = storeOf(options);
  if (options.at === undefined) {
    const now = options.now === undefined ? Date.now() : toInstant(options.now);
    return settle(
      leads.map((lead) => policy.decide(lead, { now, trace })),
      store,
    );
  }
  const timed = timesOf(leadClock(options.at, options.tz), leads, options);
  const order = leads.map((_, i) => i).sort((a, b) => timed[a].at - timed[b].at || a - b);
  const routable = order.filter((i) => timed[i].reason === null);
  const settled = await settle(
    routable.map((i) => policy.decide(leads[i], { now: timed[i].at, trace })),
    store,
  );
  const decisions: Decision[] = new Array<Decision>(leads.length);
  routable.forEach((i, k) => (decisions[i] = settled[k]));
  timed.forEach((t, i) => {
    if (t.reason !== null) decisions[i] = unreadableDecision(policy, t.at, t.reason);
  });
  return decisions;
}

/**
 * Each lead's time, or why it has none; such a lead is placed (and its exception dated) at the
 * latest time read before it, else at `now`, else the clock.
 */
function timesOf(clock: LeadClock, leads: readonly unknown[], options: RouteOptions): { at: number; reason: string | null }[] {
  let latest = options.now === undefined ? Number.NaN : toInstant(options.now);
  return leads.map((lead) => {
    const time = leadTime(clock, lead);
    if (time.ok) {
      latest = Number.isNaN(latest) ? time.at : Math.max(latest, time.at);
      return { at: time.at, reason: null };
    }
    return { at: Number.isNaN(latest) ? Date.now() : latest, reason: time.reason };
  });
}

async function* routeStream(policy: CompiledPolicy, leads: AsyncIterable<unknown>, options: RouteOptions): AsyncIterable<Decision> {
  // One store for the whole stream, even when the caller leaves it to the default.
  const batchOptions: RouteOptions = { ...options, store: storeOf(options) };
  const clock = options.at === undefined ? null : leadClock(options.at, options.tz);
  let latest = Number.NEGATIVE_INFINITY;
  // A batch's leads without a time are dated at the latest time before them, across batches too.
  let optionsNow = batchOptions;
  let seen = 0;
  let pending: unknown[] = [];
  for await (const lead of leads) {
    if (clock !== null) {
      const time = leadTime(clock, lead);
      if (time.ok && time.at < latest) {
        // The leads before it are routed and given back first: the state holds exactly them.
        yield* await routeBatch(policy, pending, optionsNow);
        throw new OutOfTimeOrder(seen, time.at, latest);
      }
      if (time.ok) latest = time.at;
    }
    seen++;
    pending.push(lead);
    if (pending.length >= STREAM_BATCH) {
      const some = pending;
      pending = [];
      yield* await routeBatch(policy, some, optionsNow);
      if (clock !== null && latest > Number.NEGATIVE_INFINITY) optionsNow = { ...batchOptions, now: latest };
    }
  }
  if (pending.length > 0) yield* await routeBatch(policy, pending, optionsNow);
}

/**
 * The decision for input that is not a lead at all (invalid JSON, not an object): the fallback
 * queue with `reason` saying why, so that it too leaves with an outcome.
 */
export function unreadableDecision(policy: CompiledPolicy, now: Date | number | string, reason: string): Decision {
  const pending: PendingDecision = {
    rule: null,
    path: {},
    priority: 'normal',
    tags: [],
    escalation: [],
    policy: { name: policy.name, hash: policy.hash },
    at: toInstant(now),
    options: [],
    sticky: null,
    fallback: policy.ir.fallback,
    warnings: [],
  };
  return exceptionDecision(pending, reason);
}
