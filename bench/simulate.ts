// `npm run bench simulate`: `leadroute simulate` on a million generated leads against a plain
// read-and-JSON.parse pass over the same JSON Lines file, each in a process of its own
// (bench/simulate-row.ts), taking turns, with each one's peak memory. The file is written once
// by the leads generator (bench/leads.ts) to a temporary folder.

import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { SimulateFigures } from '../analysis/simulate';
import { forkChild, formatInt, formatRatio, median, passFail, type Table } from './harness';
import { acmeSource, BASE_NOW } from './inputs';
import { writeLeads } from './leads';
import type { SimulateRowReport, SimulateRowRequest } from './simulate-row';

const SIMULATE_LEADS = 1_000_000;
/** Turns of (parse, simulate): the median of each is shown. */
const SIMULATE_ROUNDS = 2;
const SIMULATE_SEED = 7;
const GOAL_SIMULATE_VS_PARSE = 2;

function row(request: SimulateRowRequest): Promise<SimulateRowReport> {
  return forkChild<SimulateRowReport>(join(__dirname, 'simulate-row.js'), request, `the ${request.kind} benchmark process`);
}

/** The leads count: BENCH_SIMULATE_LEADS, for a quicker run while working on simulate; SIMULATE_LEADS otherwise. */
function leadCount(): number {
  const n = Number(process.env.BENCH_SIMULATE_LEADS ?? SIMULATE_LEADS);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`BENCH_SIMULATE_LEADS=${process.env.BENCH_SIMULATE_LEADS}: expected a whole number of leads`);
  return n;
}

export async function simulateTable(): Promise<Table> {
  const count = leadCount();
  const dir = mkdtempSync(join(tmpdir(), 'leadroute-bench-simulate-'));
  try {
    const leads = join(dir, 'leads.jsonl');
    const out = createWriteStream(leads);
    await writeLeads(out, count, { seed: SIMULATE_SEED }, 'jsonl');
    out.end();
    await finished(out);
    const policy = join(dir, 'acme.route');
    writeFileSync(policy, acmeSource());
    const json = join(dir, 'figures.json');
    const parse: SimulateRowReport[] = [];
    const simulate: SimulateRowReport[] = [];
    for (let round = 0; round < SIMULATE_ROUNDS; round++) {
      parse.push(await row({ kind: 'parse', leads }));
      simulate.push(await row({ kind: 'simulate', leads, policy, now: new Date(BASE_NOW).toISOString(), json }));
      // Both must have seen every lead, or the comparison means nothing.
      const simulated = (JSON.parse(readFileSync(json, 'utf8')) as SimulateFigures).leads;
      if (parse[round].leads !== count || simulated !== count) throw new Error(`the parse pass read ${parse[round].leads} leads and simulate ${simulated}, of ${count}`);
    }
    const ms = (reports: SimulateRowReport[]) => median(reports.map((r) => r.ms));
    const line = (name: string, reports: SimulateRowReport[]) => [
      name,
      formatInt(ms(reports)),
      formatInt(median(reports.map((r) => r.cpuMs))),
      formatInt((count * 1000) / ms(reports)),
      formatInt(Math.max(...reports.map((r) => r.maxRssMb))),
    ];
    const ratio = ms(simulate) / ms(parse);
    return {
      title: `Simulate: leadroute simulate on ${formatInt(count)} generated leads (JSON Lines, ${formatInt(statSync(leads).size / 1e6)} MB) against a plain read-and-JSON.parse pass over the same file`,
      head: ['run', 'ms', 'CPU ms', 'leads/s', 'peak RSS MB'],
      rows: [line('read + JSON.parse each line', parse), line('leadroute simulate (acme policy)', simulate)],
      notes: [
        `Goal: simulate <= ${GOAL_SIMULATE_VS_PARSE}x the parse pass: ${formatRatio(ratio)}  ${passFail(ratio <= GOAL_SIMULATE_VS_PARSE)}`,
        `Each run is a process of its own (peak RSS is that process's); the two take turns, ${SIMULATE_ROUNDS} rounds, medians shown, peak the highest.`,
        'simulate runs as the command line does (every lead at one --now, with its trace, all the figures, --json written, text to a discarded stdout).',
        'Its memory holds the routing state (rotation, caps, sticky owners: the acme policy is sticky by email, so one entry per distinct email) and the figures, not the leads.',
        'BENCH_SIMULATE_LEADS=N runs it on N leads instead.',
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
