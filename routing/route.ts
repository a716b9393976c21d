// The library's front door for routing: route() and routeMany() compose decide() (pure) and
// assign() (state) for every caller, the command line, the nodes and escalation alike, and turn
// a failing state store into an exception decision in this one place. Any other error is a bug
// and is thrown, never dressed up as an exception lead.

import type { CompiledPolicy } from '../compiler/compile';
import type { Decision, PendingDecision } from '../compiler/decision';
import { toInstant } from '../core/time';
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
  /** Add `trace` to each decision: every rule tried, the values read, why it held or failed. */
  trace?: boolean;
}

let processStore: MemoryStore | null = null;

function storeOf(options: RouteOptions): StateStore {
  return options.store ?? (processStore ??= new MemoryStore());
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

/** Leads decided at one instant (`now`, else the clock) and settled together. Async, so that an invalid `now` or a bug rejects rather than throws. */
async function routeBatch(policy: CompiledPolicy, leads: readonly unknown[], options: RouteOptions): Promise<Decision[]> {
  const now = options.now === undefined ? Date.now() : toInstant(options.now);
  const trace = options.trace === true;
  return settle(
    leads.map((lead) => policy.decide(lead, { now, trace })),
    storeOf(options),
  );
}

async function* routeStream(policy: CompiledPolicy, leads: AsyncIterable<unknown>, options: RouteOptions): AsyncIterable<Decision> {
  // One store for the whole stream, even when the caller leaves it to the default.
  const batchOptions: RouteOptions = { ...options, store: storeOf(options) };
  let pending: unknown[] = [];
  for await (const lead of leads) {
    pending.push(lead);
    if (pending.length >= STREAM_BATCH) {
      const some = pending;
      pending = [];
      yield* await routeBatch(policy, some, batchOptions);
    }
  }
  if (pending.length > 0) yield* await routeBatch(policy, pending, batchOptions);
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
