// Timing and printing for the bench. A measurement warms up, then runs several rounds of a fixed
// wall-clock length and reports the median round. Every result is folded into a checksum and
// kept in a small ring, so the optimizer cannot drop the work being timed.

import { fork } from 'node:child_process';
import { cpus, loadavg } from 'node:os';

export interface TimingOptions {
  /** Untimed run before the rounds, so the code under test is optimized first. */
  warmupMs: number;
  rounds: number;
  roundMs: number;
}

export interface Measurement {
  /** Median over the rounds. */
  opsPerSec: number;
  nsPerOp: number;
  /** Every round, ops/sec, in run order. */
  rounds: number[];
  /** Share of the timed clock time this thread was on a CPU. */
  onCpu: number;
  /** Sum of digests of every result: printed so the results are observably used. */
  checksum: number;
}

/** Results kept alive past each iteration (escape analysis cannot scalar-replace them). */
const ring: unknown[] = new Array(1024).fill(null);
/** Digests folded across all measurements of the process; read by the footnote. */
let grandChecksum = 0;

export function processChecksum(): number {
  return grandChecksum;
}

const nowNs = () => process.hrtime.bigint();

/** How often the clock is read: often enough to end a round on time, rarely enough to cost nothing. */
const SYNC_CLOCK_EVERY = 256;
const ASYNC_CLOCK_EVERY = 16;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One timed round: its rate, and how long it took on the clock and on this thread's CPU. */
export interface Round {
  opsPerSec: number;
  wallNs: number;
  cpuNs: number;
}

/** This thread's CPU time, ns: unlike the clock, it does not run while other processes have the CPU. */
const threadCpuNs = () => {
  const u = process.threadCpuUsage();
  return (u.user + u.system) * 1000;
};

/** Something timed: `runFor` runs it for about `ms`. */
interface Timed {
  name: string;
  /** Sum of the digests of every result so far. */
  checksum(): number;
}

export interface SyncSubject extends Timed {
  runFor(ms: number): Round;
}

export interface AsyncSubject extends Timed {
  runFor(ms: number): Promise<Round>;
}

export type Subject = SyncSubject | AsyncSubject;

/**
 * A synchronous step to time. `step(i)` handles the i-th input (the caller cycles its inputs);
 * `digest` turns a result into a number cheaply (field reads, no serialization).
 */
export function syncSubject<T>(name: string, step: (i: number) => T, digest: (result: T) => number): SyncSubject {
  let i = 0;
  let sum = 0;
  return {
    name,
    checksum: () => sum,
    runFor(ms) {
      const end = nowNs() + BigInt(Math.round(ms * 1e6));
      const cpu = threadCpuNs();
      const start = nowNs();
      let ops = 0;
      for (;;) {
        for (let k = 0; k < SYNC_CLOCK_EVERY; k++) {
          const r = step(i);
          sum += digest(r);
          ring[i & 1023] = r;
          i++;
        }
        ops += SYNC_CLOCK_EVERY;
        const t = nowNs();
        if (t >= end) return round(ops, Number(t - start), threadCpuNs() - cpu);
      }
    },
  };
}

/**
 * An asynchronous step to time, one awaited call at a time (the latency a caller sees per
 * decision). A step that does several operations at once (a batch in flight) says how many in `opsPerCall`.
 */
export function asyncSubject<T>(name: string, step: (i: number) => Promise<T>, digest: (result: T) => number, opsPerCall = 1): AsyncSubject {
  let i = 0;
  let sum = 0;
  // The ring keeps about as many operations' results as for a step of one: kept batches of 128
  // would hold 131,072 results, which the collector then works through on every run.
  const kept = Math.max(1, Math.floor(ring.length / opsPerCall));
  return {
    name,
    checksum: () => sum,
    async runFor(ms) {
      const end = nowNs() + BigInt(Math.round(ms * 1e6));
      const cpu = threadCpuNs();
      const start = nowNs();
      let ops = 0;
      for (;;) {
        for (let k = 0; k < ASYNC_CLOCK_EVERY; k++) {
          const r = await step(i);
          sum += digest(r);
          ring[i % kept] = r;
          i++;
        }
        ops += ASYNC_CLOCK_EVERY * opsPerCall;
        const t = nowNs();
        if (t >= end) return round(ops, Number(t - start), threadCpuNs() - cpu);
      }
    },
  };
}

function round(ops: number, wallNs: number, cpuNs: number): Round {
  return { opsPerSec: (ops * 1e9) / wallNs, wallNs, cpuNs };
}

/**
 * Warms every subject up, then runs their rounds interleaved (round 1 of each, round 2 of
 * each, ...), so that load from elsewhere on a shared machine falls on all of them alike.
 */
export async function measure(subjects: Subject[], options: TimingOptions): Promise<Map<string, Measurement>> {
  for (const s of subjects) await s.runFor(options.warmupMs);
  const rounds = new Map<string, Round[]>(subjects.map((s) => [s.name, []]));
  for (let r = 0; r < options.rounds; r++) {
    for (const s of subjects) (rounds.get(s.name) as Round[]).push(await s.runFor(options.roundMs));
  }
  return new Map(subjects.map((s) => [s.name, summarize(s, rounds.get(s.name) as Round[])]));
}

/** One synchronous subject measured alone. */
export function measureSync<T>(step: (i: number) => T, digest: (result: T) => number, options: TimingOptions): Measurement {
  const subject = syncSubject('', step, digest);
  subject.runFor(options.warmupMs);
  return summarize(subject, Array.from({ length: options.rounds }, () => subject.runFor(options.roundMs)));
}

function summarize(subject: Subject, rounds: Round[]): Measurement {
  const checksum = subject.checksum();
  grandChecksum = (grandChecksum + checksum) % 1e15;
  const opsPerSec = median(rounds.map((r) => r.opsPerSec));
  const wall = rounds.reduce((sum, r) => sum + r.wallNs, 0);
  const cpu = rounds.reduce((sum, r) => sum + r.cpuNs, 0);
  return { opsPerSec, nsPerOp: 1e9 / opsPerSec, rounds: rounds.map((r) => r.opsPerSec), onCpu: cpu / wall, checksum };
}

/**
 * The share of the clock time of these measurements during which the bench's thread was on a
 * CPU (synchronous subjects only: async ones wait for other threads by design). Well below 1,
 * other processes were taking the CPU, and every number is slower than this machine can do.
 */
export function onCpuShare(measurements: Measurement[]): number {
  return median(measurements.map((m) => m.onCpu));
}

/**
 * Milliseconds of one call of `fn`, for things measured a few times each (compiles): on the
 * clock, and on the CPUs of all the process's threads (V8 compiles and collects garbage on
 * helper threads too), which other processes cannot inflate.
 */
export function timeOnce<T>(fn: () => T): { ms: number; cpuMs: number; result: T } {
  const cpu = process.cpuUsage();
  const start = nowNs();
  const result = fn();
  const ms = Number(nowNs() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, result };
}

/**
 * Runs `file` in a child process of its own with `request` (JSON) as its argument, and resolves
 * to the one message it sends back; `what` names it when the child fails.
 */
export function forkChild<T>(file: string, request: unknown, what: string): Promise<T> {
  const child = fork(file, [JSON.stringify(request)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise<T>((resolve, reject) => {
    let reply: { value: T } | null = null;
    child.once('message', (message: unknown) => (reply = { value: message as T }));
    child.once('exit', (code) => (code === 0 && reply !== null ? resolve(reply.value) : reject(new Error(`${what} exited with ${code}`))));
  });
}

// ---------------------------------------------------------------- printing

export interface Table {
  title: string;
  head: string[];
  rows: string[][];
  /** Lines printed under the table. */
  notes?: string[];
}

/** Columns after the first are right-aligned (they hold numbers). */
export function renderTable(table: Table): string {
  const widths = table.head.map((h, c) => Math.max(h.length, ...table.rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [table.title, '', line(table.head), rule, ...table.rows.map(line)];
  if (table.notes && table.notes.length > 0) out.push('', ...table.notes.flatMap((n) => wrap(n, NOTE_WIDTH)));
  return out.join('\n');
}

const NOTE_WIDTH = 120;

/** Breaks a long note at spaces; continuation lines are indented two more than the note. */
function wrap(line: string, width: number): string[] {
  const indent = ' '.repeat(line.length - line.trimStart().length + 2);
  const lines: string[] = [];
  let rest = line;
  while (rest.length > width) {
    const cut = rest.lastIndexOf(' ', width);
    if (cut <= indent.length) break;
    lines.push(rest.slice(0, cut));
    rest = indent + rest.slice(cut + 1);
  }
  lines.push(rest);
  return lines;
}

/** 1234567.8 -> "1,234,568". */
export function formatInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A ratio to two significant digits: 0.53x, 12x. */
export function formatRatio(r: number): string {
  return `${r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r.toFixed(2)}x`;
}

export function passFail(ok: boolean): string {
  return ok ? 'PASS' : 'FAIL';
}

/** Node version, CPU model and cores: the machine the numbers belong to. */
export function machineLine(): string {
  const list = cpus();
  const model = list[0]?.model.trim() ?? 'unknown CPU';
  return `node ${process.version}, ${model}, ${list.length} cores, ${process.platform}/${process.arch}`;
}

/**
 * The machine's speed in plain terms: ns per step of a tight integer loop (best of three runs of
 * 50 million steps), so that the absolute rates below can be compared across machines.
 */
export function loopStepLine(): string {
  let best = Infinity;
  let sum = 0;
  for (let run = 0; run < 3; run++) {
    const steps = 50_000_000;
    const start = nowNs();
    // Kept below 2^28, so that every step stays in small-integer arithmetic.
    for (let i = 0; i < steps; i++) sum = (sum + i) & 0xfffffff;
    best = Math.min(best, Number(nowNs() - start) / steps);
  }
  grandChecksum += sum;
  return `one step of a plain integer loop takes ${best.toFixed(2)} ns here`;
}

/** The 1-minute load average: on a shared machine, how much else was running. */
export function loadLine(): string {
  return `load average ${loadavg()[0].toFixed(2)} (1 min) on ${cpus().length} cores`;
}
