// What the concurrency tests and their workers share: the pool, the messages, and the checks of
// a finished run against the state the store kept.

import type { Decision } from '../../../compiler/decision';
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

export function tallyAssignees(outcomes: Outcome[]): Map<string, number> {
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
