// What the state benchmarks assign, in the bench process and in its child processes alike: the
// pool of the concurrency tests (seven members, round robin, caps counted in New York) as
// decide() hands it to assign(), and how to open each store.

import { compilePolicy } from '../compiler/compile';
import type { PendingDecision } from '../compiler/decision';
import { MemoryStore } from '../state/memory';
import { RedisStore } from '../state/redis';
import { SqliteStore } from '../state/sqlite';
import type { StateStore } from '../state/store';

export type StoreConfig = { kind: 'memory' } | { kind: 'sqlite'; file: string } | { kind: 'redis'; port: number; keyPrefix: string };

export function openBenchStore(config: StoreConfig): StateStore {
  switch (config.kind) {
    case 'memory':
      return new MemoryStore();
    case 'sqlite':
      return new SqliteStore({ file: config.file });
    case 'redis':
      return new RedisStore({ port: config.port, keyPrefix: config.keyPrefix });
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
