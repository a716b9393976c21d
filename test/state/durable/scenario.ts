// What the concurrency tests and their workers share: the pool, the messages, and the checks of
// a finished run against the state and the ledger the store kept.

import type { Decision } from '../../../compiler/decision';
import { readLedger } from '../../../state/ledger';
import { isDecisionEntry, type DecisionEntry } from '../../../state/ledger-entry';
import { readRotation, readStickyOwner, readCounts } from '../../../state/strategies';
import { stateKeys } from '../../../state/keys';
import type { StateStore } from '../../../state/store';
import { member } from '../helpers';

export const WORKER_POLICY = 'concurrency';

/** Seven members; frank's cap (in the pool's zone) binds within the run, the others' do not. */
export const FRANK_CAP = 1000;
export const POOL = {
  name: 'team',
  members: [
    member('alice'),
    member('bob'),
    member('carol'),
    member('dave'),
    member('erin'),
    member('frank', { cap: [FRANK_CAP, 'day', 'America/New_York'] }),
    member('gina'),
  ],
};

export type StoreConfig =
  | { kind: 'sqlite'; file: string }
  | { kind: 'redis'; port: number; keyPrefix: string; timeoutMs?: number; commandTimeoutMs?: number; settleTimeoutMs?: number }
  | { kind: 'static'; file: string };

export interface WorkerConfig {
  worker: number;
  leads: number;
  store: StoreConfig;
  /** single: one assign() per lead; mixed: assign() and assignMany() batches of 2-12. */
  batches: 'single' | 'mixed';
  /** A pause after each transaction, so that a run lasts long enough to be interrupted. */
  paceMs?: number;
}

export interface Outcome {
  lead: string;
  /** The routing id of the decision the lead was answered with. */
  id: string;
  status: Decision['status'];
  assignee: string | null;
  reason: string | null;
}

export type WorkerMessage = { kind: 'outcomes'; outcomes: Outcome[] };

/** What the store recorded: the rotation's sequence number, each member's count, each lead's owner. */
export interface Recorded {
  seq: number;
  counts: Map<string, number>;
  owners: Map<string, string>;
}

export async function recorded(store: StateStore): Promise<Recorded> {
  const rotation = await store.list(stateKeys.rotation(WORKER_POLICY, POOL.name));
  const seq = readRotation(rotation.get(stateKeys.rotation(WORKER_POLICY, POOL.name))).seq;
  const counts = new Map<string, number>();
  for (const [key, value] of await store.list(stateKeys.counts(WORKER_POLICY, ''))) {
    const c = readCounts(value);
    counts.set(key.slice(stateKeys.counts(WORKER_POLICY, '').length), c === undefined ? 0 : c.periods.reduce((n, p) => Math.max(n, p.count), 0));
  }
  const owners = new Map<string, string>();
  const stickyPrefix = stateKeys.sticky(WORKER_POLICY, '');
  for (const [key, value] of await store.list(stickyPrefix)) {
    const owner = readStickyOwner(value);
    if (owner !== undefined) owners.set(key.slice(stickyPrefix.length), owner.assignee);
  }
  return { seq, counts, owners };
}

/** Leads per assignee, of answers or of ledger decisions. */
export function tallyAssignees(outcomes: readonly { assignee: string | null }[]): Map<string, number> {
  const tally = new Map<string, number>();
  for (const o of outcomes) if (o.assignee !== null) tally.set(o.assignee, (tally.get(o.assignee) ?? 0) + 1);
  return tally;
}

/** Leads that got more than one outcome. */
export function repeated(outcomes: Outcome[]): string[] {
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const o of outcomes) {
    if (seen.has(o.lead)) twice.push(o.lead);
    seen.add(o.lead);
  }
  return twice;
}

/** The ledger's decisions of the workers' policy, in the order written. */
export async function ledgerDecisions(store: StateStore): Promise<DecisionEntry[]> {
  const decisions: DecisionEntry[] = [];
  for await (const entry of readLedger(store, { policy: WORKER_POLICY })) if (isDecisionEntry(entry)) decisions.push(entry);
  return decisions;
}

/**
 * Where the ledger disagrees with the answers or the state: a lead answered as assigned must
 * have exactly one decision, with the routing id and the member it was answered with, who is
 * also its owner in the state; a lead answered otherwise (the store was unavailable) none; and no
 * decision may be of a lead that no worker routed.
 */
export function ledgerMismatches(decisions: readonly DecisionEntry[], outcomes: readonly Outcome[], state: Recorded): string[] {
  const byLead = new Map<string | null, DecisionEntry[]>();
  for (const d of decisions) {
    const found = byLead.get(d.key);
    if (found === undefined) byLead.set(d.key, [d]);
    else found.push(d);
  }
  const problems: string[] = [];
  for (const o of outcomes) {
    const found = byLead.get(o.lead) ?? [];
    byLead.delete(o.lead);
    if (o.status !== 'assigned') {
      if (found.length > 0) problems.push(`lead ${o.lead}: answered ${o.status}, yet ${found.length} decision(s) in the ledger`);
    } else if (found.length !== 1) {
      problems.push(`lead ${o.lead}: assigned, with ${found.length} decisions in the ledger`);
    } else {
      const [d] = found;
      const owner = state.owners.get(o.lead);
      if (d.id !== o.id || d.status !== 'assigned' || d.assignee !== o.assignee || owner !== o.assignee) {
        problems.push(`lead ${o.lead}: answered ${o.id} to ${o.assignee}, state owner ${owner}, ledger ${d.id} ${d.status} to ${d.assignee}`);
      }
    }
  }
  for (const [lead, found] of byLead) problems.push(`${found.length} ledger decision(s) of lead ${lead}, which no worker routed`);
  return problems;
}
