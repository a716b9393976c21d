// The stores a conformance suite runs on: the in-memory store, a SQLite file and the suite's own
// redis-server (when the Redis tests run), each opened fresh and empty for a test.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore } from '../../../state/memory';
import { RedisStore } from '../../../state/redis';
import { SqliteStore } from '../../../state/sqlite';
import type { StateStore } from '../../../state/store';
import { RedisServer, redisTestsRun } from './redis-server';

export interface StoreKind {
  name: 'memory' | 'sqlite' | 'redis';
  open(): StateStore;
}

export interface DurableStores {
  readonly kinds: readonly StoreKind[];
  /** A path in the suite's temporary folder. */
  path(name: string): string;
  /** The port of the suite's redis-server. */
  port(): number;
}

/** The stores of one test file, named after `prefix`; registers the hooks that start and remove the folder and server. */
export function durableStores(prefix: string): DurableStores {
  let dir = '';
  let server: RedisServer | null = null;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `leadroute-${prefix}-`));
    if (redisTestsRun()) server = await RedisServer.start();
  });
  afterAll(async () => {
    await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  const unique = () => `${prefix}-${Math.random().toString(36).slice(2)}`;
  const port = () => (server as RedisServer).port;
  const kinds: StoreKind[] = [
    { name: 'memory', open: () => new MemoryStore({ strict: true }) },
    { name: 'sqlite', open: () => new SqliteStore({ file: join(dir, `${unique()}.db`) }) },
  ];
  if (redisTestsRun()) kinds.push({ name: 'redis', open: () => new RedisStore({ port: port(), keyPrefix: `${unique()}:` }) });
  return { kinds, path: (name) => join(dir, name), port };
}

/** Runs `run` on a fresh store of `kind`, closed afterwards whatever happens. */
export async function withOpen<T>(kind: StoreKind, run: (store: StateStore) => Promise<T>): Promise<T> {
  const store = kind.open();
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}
