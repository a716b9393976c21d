// The Redis server is stopped in the middle of a run and started again. Every lead must still get
// exactly one outcome: assigned, or an exception whose reason says the state store was
// unavailable. None may be lost, and none assigned twice: what the store recorded must be
// exactly the assignments the leads were told about, even for transactions whose reply was
// lost when the server went away, and so must the routing ledger: no decision in the state
// without its ledger entry, and none in the ledger that the state did not record.

import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisStore } from '../../../state/redis';
import { buildWorker, collect, forkWorker, removeWorker } from './fork';
import { RedisServer, redisTestsRun } from './redis-server';
import { FRANK_CAP, ledgerDecisions, ledgerMismatches, recorded, repeated, tallyAssignees, type Outcome, type WorkerConfig, type WorkerMessage } from './scenario';

jest.setTimeout(90_000);

const WORKERS = 4;
const LEADS = 1_500;
const DOWN_MS = 2_500;

(redisTestsRun() ? describe : describe.skip)('Redis stopped and started again during a run', () => {
  let server: RedisServer;
  let worker: { dir: string; file: string };
  beforeAll(async () => {
    worker = buildWorker(join(__dirname, 'worker.ts'));
    // Persistent: the restarted server has the state it had (SIGTERM writes the append-only file).
    server = await RedisServer.start({ persistent: true });
  });
  afterAll(async () => {
    removeWorker(worker);
    await server?.dispose();
  });

  test('every lead gets exactly one outcome, and the state records exactly the assigned ones', async () => {
    const keyPrefix = 'fault:';
    let received = 0;
    let interruption: Promise<void> | null = null;
    const interrupt = async () => {
      await server.stop();
      await sleep(DOWN_MS);
      await server.start();
    };
    const store = { kind: 'redis' as const, port: server.port, keyPrefix, timeoutMs: 1000, commandTimeoutMs: 500, settleTimeoutMs: 15_000 };
    const runs = Array.from({ length: WORKERS }, (_, i) =>
      collect<WorkerMessage>(forkWorker(worker.file, { worker: i, leads: LEADS, store, batches: 'mixed', paceMs: 2 } satisfies WorkerConfig), (message) => {
        received += message.outcomes.length;
        if (interruption === null && received >= (WORKERS * LEADS) / 4) interruption = interrupt();
      }),
    );
    const outcomes: Outcome[] = (await Promise.all(runs)).flat().flatMap((m) => m.outcomes);
    expect(interruption).not.toBeNull();
    await interruption;

    // One outcome per lead, none lost.
    expect(outcomes).toHaveLength(WORKERS * LEADS);
    expect(repeated(outcomes)).toEqual([]);
    const failed = outcomes.filter((o) => o.status !== 'assigned');
    expect(failed.length).toBeGreaterThan(0);
    for (const o of failed) {
      expect(o.status).toBe('exception');
      expect(o.reason).toMatch(new RegExp(`^state store unavailable: routing state store redis 127\\.0\\.0\\.1:${server.port}: `));
    }
    const assigned = outcomes.filter((o) => o.status === 'assigned');
    expect(assigned.length).toBeGreaterThan(WORKERS * LEADS / 2);

    // The state knows exactly the assigned leads: each once, to the member the lead was told.
    const reader = new RedisStore({ port: server.port, keyPrefix });
    try {
      const state = await recorded(reader);
      expect(state.seq).toBe(assigned.length);
      expect(state.owners.size).toBe(assigned.length);
      for (const o of assigned) if (state.owners.get(o.lead) !== o.assignee) throw new Error(`lead ${o.lead}: decided ${o.assignee}, recorded ${state.owners.get(o.lead)}`);
      for (const o of failed) if (state.owners.has(o.lead)) throw new Error(`lead ${o.lead} went to exceptions but the state recorded it for ${state.owners.get(o.lead)}`);
      const tally = tallyAssignees(outcomes);
      expect(Object.fromEntries(state.counts)).toEqual(Object.fromEntries(tally));
      expect(tally.get('frank') ?? 0).toBeLessThanOrEqual(FRANK_CAP);

      // The ledger was written by the same script calls: exactly one decision per assigned lead, none for the others.
      const decisions = await ledgerDecisions(reader);
      expect(decisions).toHaveLength(assigned.length);
      expect(ledgerMismatches(decisions, outcomes, state)).toEqual([]);
      expect(Object.fromEntries(tallyAssignees(decisions))).toEqual(Object.fromEntries(state.counts));
    } finally {
      await reader.close();
    }
  });
});
