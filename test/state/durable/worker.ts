// One OS process of the concurrency tests (forked through fork.ts): routes its own leads to the
// shared pool, through a real store, and sends every lead's outcome to the test. Each lead has
// its own sticky key and ledger key, so the state (who got which lead) and the routing ledger
// can both be checked against the answers.

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Decision, PendingDecision } from '../../../compiler/decision';
import { assign, assignMany, exceptionDecision } from '../../../state/assign';
import { MemoryStore } from '../../../state/memory';
import { RedisStore } from '../../../state/redis';
import { SqliteStore } from '../../../state/sqlite';
import { StateStoreError, type StateStore, type StateValue } from '../../../state/store';
import { pending, poolOption, stickyBy, T0 } from '../helpers';
import { POOL, WORKER_POLICY, type Outcome, type WorkerConfig, type WorkerMessage } from './scenario';

const config = JSON.parse(process.argv[2]) as WorkerConfig;
const roster = new Map([[POOL.name, POOL.members]]);

function lead(i: number): { id: string; pending: PendingDecision } {
  const id = `w${config.worker}-${i}`;
  // All in one New York day, so the cap counts one period.
  const p = pending([poolOption(POOL.name, 'round_robin', POOL.members)], { at: T0 + i, policy: WORKER_POLICY, key: id, sticky: stickyBy(id, 30 * 86_400_000, roster) });
  return { id, pending: p };
}

function outcome(id: string, d: Decision): Outcome {
  return { lead: id, id: d.id, status: d.status, assignee: d.assignee, reason: d.reason };
}

/** What the CLI and the nodes do with a store failure. */
function settled(p: PendingDecision, result: Decision | Error): Decision {
  if (result instanceof StateStoreError) return exceptionDecision(p, `state store unavailable: ${result.message}`);
  if (result instanceof Error) throw result;
  return result;
}

/** A deterministic batch size: 1 (assign) for half of the transactions, 2-12 (assignMany) for the rest. */
function batchSize(n: number): number {
  if (config.batches === 'single') return 1;
  const x = (n * 2654435761) % 23;
  return x < 12 ? 1 : x - 10;
}

async function exact(store: StateStore): Promise<void> {
  let sent: Outcome[] = [];
  for (let i = 0, n = 0; i < config.leads; n++) {
    const size = Math.min(batchSize(n), config.leads - i);
    const leads = Array.from({ length: size }, (_, k) => lead(i + k));
    const pendings = leads.map((l) => l.pending);
    let results: (Decision | Error)[];
    if (size === 1) results = [await assign(pendings[0], store).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))];
    else results = await assignMany(pendings, store);
    leads.forEach((l, k) => sent.push(outcome(l.id, settled(l.pending, results[k]))));
    i += size;
    if (sent.length >= 100) {
      send({ kind: 'outcomes', outcomes: sent });
      sent = [];
    }
    if (config.paceMs !== undefined) await sleep(config.paceMs);
  }
  send({ kind: 'outcomes', outcomes: sent });
}

/**
 * n8n's workflow static data: each execution reads the whole state at its start and writes it
 * back whole at its end. Executions of several processes overlap, so updates are lost.
 */
async function staticData(file: string): Promise<void> {
  const perExecution = 10;
  for (let i = 0; i < config.leads; i += perExecution) {
    const store = new MemoryStore();
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, StateValue>;
    await store.transact([], () => ({ writes: Object.entries(saved).map(([key, value]) => ({ key, value })), result: null }));
    const leads = Array.from({ length: Math.min(perExecution, config.leads - i) }, (_, k) => lead(i + k));
    const results = await assignMany(
      leads.map((l) => l.pending),
      store,
    );
    // The rest of the workflow runs before the execution ends and its static data is saved.
    await sleep(1);
    const tmp = `${file}.${process.pid}`;
    writeFileSync(tmp, JSON.stringify(Object.fromEntries(await store.list(''))));
    renameSync(tmp, file);
    send({ kind: 'outcomes', outcomes: leads.map((l, k) => outcome(l.id, settled(l.pending, results[k]))) });
  }
}

function send(message: WorkerMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const s = config.store;
  if (s.kind === 'static') return staticData(s.file);
  const store = s.kind === 'sqlite' ? new SqliteStore({ file: s.file }) : new RedisStore({ port: s.port, keyPrefix: s.keyPrefix, timeoutMs: s.timeoutMs, commandTimeoutMs: s.commandTimeoutMs, settleTimeoutMs: s.settleTimeoutMs });
  try {
    await exact(store);
  } finally {
    await store.close();
  }
}

main().then(
  () => process.disconnect?.(),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
