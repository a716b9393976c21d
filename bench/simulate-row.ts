// One row of the simulate benchmark, forked by bench/simulate.ts so that its peak memory (the
// process's maximum RSS) is its own: a plain pass over the leads file (read line by line,
// JSON.parse each) or `leadroute simulate` on it, run as the command line runs it.

import { createReadStream } from 'node:fs';
import { PassThrough, Readable, Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import { PROGRESS_EVERY_ENV } from '../cli/output';
import { main } from '../cli/program';
import { runChild } from './state-workload';

/** What bench/simulate-row.ts is asked to run. */
export type SimulateRowRequest = { kind: 'parse'; leads: string } | { kind: 'simulate'; leads: string; policy: string; now: string; json: string };

/** What it reports: clock and CPU time of the run, the process's peak RSS, and the leads the parse pass read (its objects' keys too, so it cannot be skipped). */
export interface SimulateRowReport {
  ms: number;
  cpuMs: number;
  maxRssMb: number;
  leads: number;
  keys: number;
}

async function parsePass(file: string): Promise<{ leads: number; keys: number }> {
  let leads = 0;
  let keys = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (line === '') continue;
    keys += Object.keys(JSON.parse(line) as object).length;
    leads++;
  }
  return { leads, keys };
}

async function simulate(request: Extract<SimulateRowRequest, { kind: 'simulate' }>): Promise<void> {
  const discard = new Writable({ write: (_chunk, _enc, done) => done() });
  const stderr = new PassThrough();
  const errors: string[] = [];
  stderr.on('data', (c: Buffer) => errors.push(c.toString()));
  const io = { stdin: Readable.from(['']), stdout: discard, stderr, stderrIsTTY: false, env: { [PROGRESS_EVERY_ENV]: '0' } };
  const code = await main(['simulate', request.policy, request.leads, '--now', request.now, '--json', request.json], io);
  if (code !== 0) throw new Error(`leadroute simulate exited with ${code}: ${errors.join('')}`);
}

async function run(): Promise<void> {
  const request = JSON.parse(process.argv[2]) as SimulateRowRequest;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const counted = request.kind === 'parse' ? await parsePass(request.leads) : (await simulate(request), { leads: 0, keys: 0 });
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const report: SimulateRowReport = { ms, cpuMs: (used.user + used.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024, ...counted };
  await new Promise<void>((resolve, reject) => process.send?.(report, (error: Error | null) => (error === null ? resolve() : reject(error))));
}

runChild(run);
