// What the state benchmarks assign, in the bench process and in its child processes alike: the
// pool of the concurrency tests (seven members, round robin, caps counted in New York) and the
// acme policy's benchmark leads, as decide() hands them to assign(); how to open each store; and
// the timed subject that assigns them.

import { compilePolicy } from '../compiler/compile';
import type { PendingDecision } from '../compiler/decision';
import { assign, assignMany } from '../state/assign';
import { MemoryStore } from '../state/memory';
import { RedisStore } from '../state/redis';
import { SqliteStore } from '../state/sqlite';
import type { StateStore } from '../state/store';
import { asyncSubject, type Subject, type TimingOptions } from './harness';
import { acmeSource, benchLeads } from './inputs';

/** `ledger: false`: a store that keeps no routing ledger (the ledger's cost is measured against it). */
export type StoreConfig = ({ kind: 'memory' } | { kind: 'sqlite'; file: string } | { kind: 'redis'; port: number; keyPrefix: string }) & { ledger?: boolean };

export function openBenchStore(config: StoreConfig): StateStore {
  const ledger = config.ledger;
  switch (config.kind) {
    case 'memory':
      return new MemoryStore({ ledger });
    case 'sqlite':
      return new SqliteStore({ file: config.file, ledger });
    case 'redis':
      return new RedisStore({ port: config.port, keyPrefix: config.keyPrefix, ledger });
  }
}

export const BENCH_POLICY = 'bench-pool';
const T0 = Date.UTC(2026, 10, 23, 15);
const MEMBERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gina'];

/** Seven members, round robin, caps counted in New York and never reached: every assignment reads and writes the counts. */
const POOL_POLICY = `policy "${BENCH_POLICY}"
pool team = [${MEMBERS.map((name) => `${name} cap 1000000000/day`).join(', ')}] tz "America/New_York"
else round_robin(team)
fallback queue exceptions
`;

/** `count` leads for the pool, a millisecond apart (one New York day), as decide() plans them. */
export function poolLeads(count: number): PendingDecision[] {
  const policy = compilePolicy(POOL_POLICY, { file: 'bench-pool.route' });
  return Array.from({ length: count }, (_, i) => policy.decide({ email: `lead${i}@example.com` }, { now: T0 + i }));
}

export type Mode = { kind: 'assign' } | { kind: 'assignMany'; batch: number };

const POOL_LEADS = 10_000;
const ACME_LEADS = 10_000;

export const WORKLOADS = ['pool of 7', 'acme policy'] as const;
export type Workload = (typeof WORKLOADS)[number];

/**
 * The pending decisions of a workload: the pool's, or what decide() plans for the first acme
 * benchmark leads of a set of `leadCount` (their arrival times depend on the set's size).
 */
export function workloadLeads(workload: Workload, leadCount: number): PendingDecision[] {
  if (workload === 'pool of 7') return poolLeads(POOL_LEADS);
  const policy = compilePolicy(acmeSource());
  const { leads, options } = benchLeads(leadCount);
  return Array.from({ length: Math.min(ACME_LEADS, leads.length) }, (_, i) => policy.decide(leads[i], options[i]));
}

/** A subject that assigns `leads` in a cycle through `store`, one transaction per call. */
export function assignSubject(name: string, store: StateStore, leads: PendingDecision[], mode: Mode): Subject {
  if (mode.kind === 'assign') return asyncSubject(name, (i) => assign(leads[i % leads.length], store), (d) => d.routed_at.length);
  const batches: PendingDecision[][] = [];
  for (let from = 0; from + mode.batch <= leads.length; from += mode.batch) batches.push(leads.slice(from, from + mode.batch));
  return asyncSubject(name, (i) => assignMany(batches[i % batches.length], store, mode.batch), (ds) => ds.length, mode.batch);
}

/** What bench/memory-row.ts is asked to time. */
export interface MemoryRowRequest {
  workload: Workload;
  leadCount: number;
  mode: Mode;
  timing: TimingOptions;
  /** false: through a store that keeps no ledger. */
  ledger?: boolean;
}

export interface WorkerRequest {
  store: StoreConfig;
  mode: Mode;
  durationMs: number;
}

/** What a child process reports: the assignments it made in its timed run and how long that took. */
export interface WorkerReport {
  assignments: number;
  transactions: number;
  ms: number;
}

/** Runs a forked benchmark process's work: disconnects when it is done, exits 1 with the error when it fails. */
export function runChild(work: () => Promise<void>): void {
  work().then(
    () => process.disconnect?.(),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
