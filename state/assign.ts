// assign(): completes decide()'s PendingDecision with state, in one store transaction per lead
// (settle.ts says how). assignMany() settles a batch of leads the same way, in one transaction
// for many leads, each seeing the writes of the ones before it.

import type { Decision, PendingDecision } from '../compiler/decision';
import type { LedgerEntry } from './ledger-entry';
import { BatchView } from './overlay';
import { LeadFailure, prepare, settleOrFail, type Lead, type Settled } from './settle';
import { storeFailure, type StateRead, type StateStore, type TransactionStep } from './store';
import { readStickyOwner } from './strategies';

export { exceptionDecision } from './settle';

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
    // Their sales too, in case the owner has a sold cap: which member option they have is known only while settling.
    for (const key of [mk.away, mk.counts, mk.sold]) if (!read.has(key) && !missing.includes(key)) missing.push(key);
  }
  return missing;
}

/**
 * Settles leads in order, as one pure function of the values read: each lead sees the writes of
 * the leads before it, exactly as if each had had its own transaction, and the transaction
 * writes each key's last value.
 */
function settleAll(leads: readonly Lead[], read: StateRead, keepsLedger: boolean): TransactionStep<Settled[]> {
  const missing = missingOwnerKeys(leads, read);
  if (missing.length > 0) return { need: missing };
  const view = new BatchView(read);
  const results: Settled[] = [];
  const ledger: LedgerEntry[] = [];
  for (const lead of leads) {
    const step = settleOrFail(lead, view, view.entriesOf(lead.keys), keepsLedger);
    // Only when an owner recorded by an earlier lead of the batch is not covered: run again with their keys.
    if ('need' in step) return step;
    view.apply(step.writes);
    results.push(step.result);
    if (step.ledger !== undefined) for (const entry of step.ledger) ledger.push(entry);
  }
  return { writes: view.writes(), result: results, ledger };
}

/** A store failure as a StateStoreError naming the store (once, when the store's message already does). */

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
  return transactOrFail(store, lead.keys, (read) => settleOrFail(lead, read, null, store.ledger !== undefined), decisionOf);
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
  return transactOrFail(store, [...keys], (read) => settleAll(leads, read, store.ledger !== undefined), (settled) => settled);
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
