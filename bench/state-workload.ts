// What the state benchmarks assign, in the bench process and in its child processes alike: the
// pool of the concurrency tests (seven members, round robin, caps counted in New York) as
// decide() would hand it to assign(), and how to open each store.

import type { MemberOption, PendingDecision } from '../compiler/decision';
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
const MEMBERS: MemberOption[] = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gina'].map((name) => ({
  name,
  weight: 1,
  bid: 0,
  // Counted in the pool's zone, never reached: every assignment reads and writes the counts.
  cap: { count: 1_000_000_000, per: 'day', tz: 'America/New_York' },
}));

/** `count` leads for the pool, a millisecond apart (one New York day), as decide() plans them. */
export function poolLeads(count: number): PendingDecision[] {
  return Array.from({ length: count }, (_, i) => ({
    rule: { index: 0, line: 1, source: 'else round_robin(team)' },
    path: {},
    priority: 'normal',
    tags: [],
    escalation: [],
    policy: { name: BENCH_POLICY, hash: 'bench' },
    routed_at: new Date(T0 + i).toISOString(),
    options: [{ kind: 'pool', pool: 'team', strategy: 'round_robin', path: {}, members: MEMBERS, skipped: [], sla: null }],
    sticky: null,
    fallback: 'exceptions',
  }));
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
