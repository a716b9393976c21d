// `npm run bench`, section `state`: assignments per second through each state store (in-memory,
// a SQLite file, a Redis server of the bench's own), one lead per transaction (assign()) and in
// batches (assignMany(), as `route` and the Route node assign many items), in one process and
// in four processes sharing one store. The multi-process runs also check exactness: the
// rotation's sequence number must equal the assignments the processes made. The routing
// ledger's cost: the pool's assignments through each store with its ledger on and off.

import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ASSIGN_BATCH } from '../state/assign';
import { stateKeys } from '../state/keys';
import type { StateStore } from '../state/store';
import { readRotation } from '../state/strategies';
import { forkChild, formatInt, formatRatio, measure, passFail, type Measurement, type Subject, type Table, type TimingOptions } from './harness';
import { RedisServer, redisServerPath } from './redis-server';
import {
  assignSubject,
  BENCH_POLICY,
  openBenchStore,
  WORKLOADS,
  workloadLeads,
  type MemoryRowRequest,
  type Mode,
  type StoreConfig,
  type Workload,
  type WorkerReport,
  type WorkerRequest,
} from './state-workload';

const TIMING: TimingOptions = { warmupMs: 250, rounds: 5, roundMs: 150 };
/** The in-memory rows take microseconds a lead, so the optimizing compiler's work, seconds on a small machine, must be done before they are timed. */
const MEMORY_TIMING: TimingOptions = { warmupMs: 1500, rounds: 9, roundMs: 200 };
const PROCESSES = 4;
const PROCESS_RUN_MS = 1500;

const GOAL_MEMORY = 1_000_000;
const GOAL_SQLITE = 20_000;
const GOAL_REDIS_PROCESSES = 20_000;
/** The ledger may cost at most 30% of the assignment rate. */
const GOAL_LEDGER_COST = 0.3;
/** The ledger's cost is timed on the pool, whose assignments cost least, so that the ledger's share of each is largest. */
const LEDGER_WORKLOAD: Workload = 'pool of 7';
const LEDGER_OFF = 'ledger off';

const MODES: { label: string; mode: Mode }[] = [
  { label: 'assign()', mode: { kind: 'assign' } },
  { label: `assignMany(${ASSIGN_BATCH})`, mode: { kind: 'assignMany', batch: ASSIGN_BATCH } },
];

/**
 * Times one in-memory row in a process of its own (bench/memory-row.ts): there the code under
 * test sees one kind of store and of decision, as a process routing for one policy does. In the
 * bench's own process it would have seen every kind the bench runs, and been compiled slower
 * for each.
 */
function memoryRow(request: MemoryRowRequest): Promise<Measurement> {
  return forkChild<Measurement>(join(__dirname, 'memory-row.js'), request, 'the in-memory benchmark process');
}

interface StoreUnderTest {
  name: string;
  open(label: string): StoreConfig;
}

/** Forks PROCESSES workers on one store, starts them together, and sums what they did. */
async function processes(config: StoreConfig, mode: Mode): Promise<{ perSecond: number; transactions: number; exact: boolean }> {
  const file = join(__dirname, 'state-worker.js');
  const request: WorkerRequest = { store: config, mode, durationMs: PROCESS_RUN_MS };
  const children = Array.from({ length: PROCESSES }, () => fork(file, [JSON.stringify(request)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const ready = children.map((child) => new Promise<void>((resolve) => child.once('message', () => resolve())));
  const reports = children.map(
    (child) =>
      new Promise<WorkerReport>((resolve, reject) => {
        child.on('message', (message: unknown) => {
          if (typeof message === 'object' && message !== null) resolve(message as WorkerReport);
        });
        child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`a state benchmark process exited with ${code}`))));
      }),
  );
  await Promise.all(ready);
  for (const child of children) child.send('go');
  const done = await Promise.all(reports);
  const assignments = done.reduce((sum, r) => sum + r.assignments, 0);
  const ms = Math.max(...done.map((r) => r.ms));
  // Each process made one more assignment before the clock started.
  const store = openBenchStore(config);
  const key = stateKeys.rotation(BENCH_POLICY, 'team');
  const seq = readRotation((await store.list(key)).get(key)).seq;
  await store.close();
  return { perSecond: (assignments * 1000) / ms, transactions: done.reduce((sum, r) => sum + r.transactions, 0), exact: seq === assignments + PROCESSES };
}

/**
 * The ledger's cost per store and mode: the pool's rate with the ledger on (table 4a's row)
 * against the same with a store that keeps none. `figure` gives a row's rate by its name.
 */
function ledgerTable(stores: string[], figure: (store: string, name: string) => number): Table {
  let worst = { cost: -Infinity, row: '' };
  const rows = stores.flatMap((store) =>
    MODES.map((m) => {
      const name = `${store} ${LEDGER_WORKLOAD} ${m.label}`;
      const on = figure(store, name);
      const off = figure(store, `${name} ${LEDGER_OFF}`);
      const cost = 1 - on / off;
      if (cost > worst.cost) worst = { cost, row: `${store} ${m.label}` };
      return [store, m.label, formatInt(on), formatInt(off), formatRatio(on / off), percent(cost), passFail(cost <= GOAL_LEDGER_COST)];
    }),
  );
  return {
    title: `4c. The routing ledger's cost: assignments per second with the ledger on and off, one process, ${LEDGER_WORKLOAD}`,
    head: ['store', 'how', 'ledger on', 'ledger off', 'on/off', 'cost', 'goal'],
    rows,
    notes: [
      `Goal: the ledger costs at most ${percent(GOAL_LEDGER_COST)} of the assignment rate (on/off >= ${formatRatio(1 - GOAL_LEDGER_COST)}) in every row: the most it costs is ${percent(worst.cost)} (${worst.row})  ${passFail(worst.cost <= GOAL_LEDGER_COST)}`,
      '',
      'Each decision is appended to the ledger in the transaction that records its assignment (a row of the SQLite file, an entry of the Redis stream, an object kept by the in-memory store). "ledger on" is the row of table 4a; "ledger off" the same leads through a store opened with { ledger: false }, timed in the same interleaved rounds (in-memory: each in a process of its own, per CPU-second as in 4a, so that the load of the machine between the two processes does not count).',
    ],
  };
}

/** 0.123 -> "12%". */
function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/**
 * The state tables: one process (every store, both modes, the pool of seven and the acme
 * policy's leads), then four processes on one SQLite file and on one Redis server.
 */
export async function stateBenchmarks(leadCount: number): Promise<Table[]> {
  const dir = mkdtempSync(join(tmpdir(), 'leadroute-bench-state-'));
  const server = redisServerPath() === null ? null : await RedisServer.start();
  try {
    const stores: StoreUnderTest[] = [{ name: 'sqlite', open: (label) => ({ kind: 'sqlite', file: join(dir, `${label}.db`) }) }];
    if (server !== null) stores.push({ name: 'redis', open: (label) => ({ kind: 'redis', port: server.port, keyPrefix: `${label}:` }) });

    const workloads = WORKLOADS.map((name) => ({ name, leads: workloadLeads(name, leadCount) }));

    const opened: StateStore[] = [];
    const subjects: Subject[] = [];
    const rows: { store: string; workload: Workload; mode: string; name: string }[] = [];
    const results = new Map<string, Measurement>();
    // The in-memory rows first, each alone in its process, before this process is busy with the others.
    for (const workload of WORKLOADS) {
      for (const m of MODES) {
        const name = `memory ${workload} ${m.label}`;
        results.set(name, await memoryRow({ workload, leadCount, mode: m.mode, timing: MEMORY_TIMING }));
        rows.push({ store: 'memory', workload, mode: m.label, name });
      }
    }
    for (const m of MODES) {
      results.set(`memory ${LEDGER_WORKLOAD} ${m.label} ${LEDGER_OFF}`, await memoryRow({ workload: LEDGER_WORKLOAD, leadCount, mode: m.mode, timing: MEMORY_TIMING, ledger: false }));
    }
    for (const s of stores) {
      for (const w of workloads) {
        for (const m of MODES) {
          const name = `${s.name} ${w.name} ${m.label}`;
          const store = openBenchStore(s.open(`one-${rows.length}`));
          opened.push(store);
          subjects.push(assignSubject(name, store, w.leads, m.mode));
          rows.push({ store: s.name, workload: w.name, mode: m.label, name });
          if (w.name !== LEDGER_WORKLOAD) continue;
          // Timed in the same rounds as the row with the ledger, so that both see the same load.
          const off = openBenchStore({ ...s.open(`off-${rows.length}`), ledger: false });
          opened.push(off);
          subjects.push(assignSubject(`${name} ${LEDGER_OFF}`, off, w.leads, m.mode));
        }
      }
    }
    try {
      for (const [name, m] of await measure(subjects, TIMING)) results.set(name, m);
    } finally {
      await Promise.all(opened.map((store) => store.close()));
    }
    const rate = (name: string) => (results.get(name) as Measurement).opsPerSec;
    const perCpu = (name: string) => rate(name) / Math.max((results.get(name) as Measurement).onCpu, 1e-9);
    const one: Table = {
      title: `4a. Assignments per second through each state store, one process (median of ${TIMING.rounds} rounds of ${TIMING.roundMs} ms, interleaved; in-memory: ${MEMORY_TIMING.rounds} of ${MEMORY_TIMING.roundMs} ms after ${MEMORY_TIMING.warmupMs} ms of warm-up each)`,
      head: ['store', 'leads', 'how', 'assignments/s', 'us/assignment', 'on CPU', 'per CPU-second'],
      rows: rows.map((r) => {
        const m = results.get(r.name) as Measurement;
        return [r.store, r.workload, r.mode, formatInt(m.opsPerSec), (m.nsPerOp / 1000).toFixed(2), percent(m.onCpu), formatInt(m.opsPerSec / m.onCpu)];
      }),
      notes: [
        `Goal: in-memory >= ${formatInt(GOAL_MEMORY)}/s, per CPU-second (the store never waits, so this is what one core gives): pool of 7, assignMany(${ASSIGN_BATCH}): ${formatInt(perCpu(`memory pool of 7 assignMany(${ASSIGN_BATCH})`))}  ${passFail(perCpu(`memory pool of 7 assignMany(${ASSIGN_BATCH})`) >= GOAL_MEMORY)};` +
          ` one transaction per lead (assign()): ${formatInt(perCpu('memory pool of 7 assign()'))}  ${passFail(perCpu('memory pool of 7 assign()') >= GOAL_MEMORY)}`,
        `Goal: SQLite >= ${formatInt(GOAL_SQLITE)}/s in one process: pool of 7, assignMany(${ASSIGN_BATCH}): ${formatInt(rate(`sqlite pool of 7 assignMany(${ASSIGN_BATCH})`))}  ${passFail(rate(`sqlite pool of 7 assignMany(${ASSIGN_BATCH})`) >= GOAL_SQLITE)};` +
          ` one transaction per lead (assign()): ${formatInt(rate('sqlite pool of 7 assign()'))}  ${passFail(rate('sqlite pool of 7 assign()') >= GOAL_SQLITE)}`,
        '',
        'pool of 7: round robin over seven members whose caps are counted per New York day, planned by decide() from a one-rule policy (every assignment reads the rotation and seven away flags and counts, and writes the rotation and one count). acme policy: what decide() plans for the benchmark leads (several pools, hours, caps, owners, queues, and a sticky owner per email).',
        `assign() is one store transaction per lead; assignMany() settles up to ${ASSIGN_BATCH} leads in one transaction with the same decisions, and is what \`route\` and the Route node use.`,
        'SQLite: WAL, synchronous=NORMAL, one BEGIN IMMEDIATE per transaction. Redis: a redis-server started for the bench on the loopback, one compare-and-set script per transaction (one round trip).',
        '"on CPU": the share of the clock this thread ran; the rest it waited for the store, or for a CPU on a shared machine. "per CPU-second": assignments per second of this thread\'s own CPU time, what a core of its own would give where the store costs no waiting (the in-memory store). Each in-memory row is timed first, in a process of its own (in one process with the others, the same code has seen several kinds of store and decision and runs slower for each).',
        ...(server === null ? ['No redis-server on this machine: the Redis rows are left out.'] : []),
      ],
    };

    const ledger = ledgerTable(['memory', ...stores.map((x) => x.name)], (store, name) => (store === 'memory' ? perCpu(name) : rate(name)));

    const many: Table = {
      title: `4b. Assignments per second, ${PROCESSES} processes on one store, pool of 7 (each process ${PROCESS_RUN_MS} ms)`,
      head: ['store', 'how', 'assignments/s', 'transactions', 'exact'],
      rows: [],
      notes: [],
    };
    if (!existsSync(join(__dirname, 'state-worker.js'))) {
      many.notes?.push('Needs the build (npm run bench runs it): the processes run dist/bench/state-worker.js.');
      return [one, many, ledger];
    }
    let redisBatched = 0;
    for (const s of stores.filter((x) => x.name !== 'memory')) {
      for (const m of MODES) {
        const result = await processes(s.open(`many-${s.name}-${m.mode.kind}`), m.mode);
        if (s.name === 'redis' && m.mode.kind === 'assignMany') redisBatched = result.perSecond;
        many.rows.push([s.name, m.label, formatInt(result.perSecond), formatInt(result.transactions), result.exact ? 'yes' : 'NO']);
      }
    }
    many.notes?.push(
      server === null
        ? 'No redis-server on this machine: the Redis goal is not measured.'
        : `Goal: Redis >= ${formatInt(GOAL_REDIS_PROCESSES)}/s across ${PROCESSES} processes (batches of ${ASSIGN_BATCH}, one round trip each): ${formatInt(redisBatched)}  ${passFail(redisBatched >= GOAL_REDIS_PROCESSES)}`,
      '',
      'All processes route to the same pool, so every transaction contends for the same rotation: SQLite serializes them on its write lock, Redis runs them optimistically (a conflict answers with the current values and the process tries again). "exact": the rotation counted exactly the assignments the processes made.',
      "Each process here awaits one transaction at a time; n8n's executions in one worker run concurrently, with several transactions in flight on one connection.",
    );
    return [one, many, ledger];
  } finally {
    await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
