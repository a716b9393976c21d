// Exactness across OS processes: 8 processes each route 2,500 leads to one pool of 7 members,
// through a real SQLite file and a real redis-server. Every assignment must be recorded exactly
// once, round robin must stay within one lead across members, no cap may be exceeded, and no
// lead may be handed out twice; the routing ledger must hold exactly one decision per lead, the
// one the lead was answered with and the state recorded. The same run with n8n's static-data semantics (state read at the
// start of each execution and written back whole at its end) loses updates: that is why the
// nodes keep their state in these stores and not in static data.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore } from '../../../state/memory';
import { RedisStore } from '../../../state/redis';
import { SqliteStore } from '../../../state/sqlite';
import type { StateStore, StateValue } from '../../../state/store';
import { buildWorker, collect, forkWorker, removeWorker } from './fork';
import { RedisServer, redisTestsRun } from './redis-server';
import { FRANK_CAP, POOL, ledgerDecisions, ledgerMismatches, recorded, repeated, tallyAssignees, type Outcome, type StoreConfig, type WorkerConfig, type WorkerMessage } from './scenario';

jest.setTimeout(120_000);

const WORKERS = 8;
const LEADS = 2_500;
const TOTAL = WORKERS * LEADS;

let worker: { dir: string; file: string };
let dir: string;
beforeAll(() => {
  worker = buildWorker(join(__dirname, 'worker.ts'));
  dir = mkdtempSync(join(tmpdir(), 'leadroute-concurrency-'));
});
afterAll(() => {
  removeWorker(worker);
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the workers at once and gives every outcome they sent. */
async function run(store: StoreConfig, batches: WorkerConfig['batches'], leads = LEADS): Promise<Outcome[]> {
  const runs = Array.from({ length: WORKERS }, (_, i) => collect<WorkerMessage>(forkWorker(worker.file, { worker: i, leads, store, batches } satisfies WorkerConfig)));
  return (await Promise.all(runs)).flat().flatMap((m) => m.outcomes);
}

/** Every check of an exact run, against what the store recorded. */
async function expectExact(outcomes: Outcome[], store: StateStore): Promise<void> {
  expect(outcomes).toHaveLength(TOTAL);
  expect(repeated(outcomes)).toEqual([]);
  expect(outcomes.filter((o) => o.status !== 'assigned')).toEqual([]);

  const tally = tallyAssignees(outcomes);
  const state = await recorded(store);
  // Each assignment recorded exactly once: the rotation, the counts and the ledger all say 20,000.
  expect(state.seq).toBe(TOTAL);
  expect(state.owners.size).toBe(TOTAL);
  expect([...state.counts.values()].reduce((a, b) => a + b, 0)).toBe(TOTAL);
  expect(Object.fromEntries(state.counts)).toEqual(Object.fromEntries(tally));
  for (const o of outcomes) if (state.owners.get(o.lead) !== o.assignee) throw new Error(`lead ${o.lead}: decided ${o.assignee}, recorded ${state.owners.get(o.lead)}`);

  // The ledger, written in the same transactions, says 20,000 too: one decision per lead, as answered.
  const decisions = await ledgerDecisions(store);
  expect(decisions).toHaveLength(TOTAL);
  expect(ledgerMismatches(decisions, outcomes, state)).toEqual([]);
  expect(Object.fromEntries(tallyAssignees(decisions))).toEqual(Object.fromEntries(state.counts));

  // frank's cap binds and holds; the other six share the rest within one lead.
  expect(tally.get('frank')).toBe(FRANK_CAP);
  const others = POOL.members.filter((m) => m.name !== 'frank').map((m) => tally.get(m.name) ?? 0);
  expect(Math.max(...others) - Math.min(...others)).toBeLessThanOrEqual(1);
}

describe('SQLite, one file, 8 processes', () => {
  test.each(['single', 'mixed'] as const)('%s transactions: exact', async (batches) => {
    const file = join(dir, `exact-${batches}.db`);
    const outcomes = await run({ kind: 'sqlite', file }, batches);
    const store = new SqliteStore({ file });
    try {
      await expectExact(outcomes, store);
    } finally {
      await store.close();
    }
  });
});

(redisTestsRun() ? describe : describe.skip)('Redis, own server, 8 processes', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterAll(() => server?.dispose());

  test.each(['single', 'mixed'] as const)('%s transactions: exact', async (batches) => {
    const keyPrefix = `exact-${batches}:`;
    const outcomes = await run({ kind: 'redis', port: server.port, keyPrefix }, batches);
    const store = new RedisStore({ port: server.port, keyPrefix });
    try {
      await expectExact(outcomes, store);
    } finally {
      await store.close();
    }
  });
});

describe('contrast: n8n static data (whole state read at the start of an execution, written at its end)', () => {
  test('overlapping executions lose updates: fewer assignments recorded than made', async () => {
    const file = join(dir, 'static-data.json');
    writeFileSync(file, '{}');
    const leads = 500;
    const outcomes = await run({ kind: 'static', file }, 'mixed', leads);
    expect(outcomes).toHaveLength(WORKERS * leads);
    const store = new MemoryStore();
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, StateValue>;
    await store.transact([], () => ({ writes: Object.entries(saved).map(([key, value]) => ({ key, value })), result: null }));
    const state = await recorded(store);
    // Every lead was routed, but the saved state knows of only part of them: the rest were
    // overwritten by executions that had read the state before them, so the same rotation
    // positions (and cap room) were handed out again.
    expect(state.seq).toBeLessThan(WORKERS * leads);
    expect(state.owners.size).toBeLessThan(WORKERS * leads);
  });
});
