#!/usr/bin/env node
// Writes synthetic leads (bench/leads.ts) as CSV or JSON Lines, for examples/leads.csv
// (`npm run examples:leads`) and for benchmark inputs:
//   node dist/bench/write-leads.js --count 100000 --seed 7 --format jsonl --out /tmp/leads.jsonl

import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { writeLeads } from './leads';

const USAGE = 'Usage: node dist/bench/write-leads.js [--count N] [--seed N] [--format csv|jsonl] [--out FILE]';

async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { count: { type: 'string', default: '600' }, seed: { type: 'string', default: '20261123' }, format: { type: 'string', default: 'csv' }, out: { type: 'string' } },
    strict: true,
  });
  const count = Number(values.count);
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(count) || count < 0 || !Number.isSafeInteger(seed) || (values.format !== 'csv' && values.format !== 'jsonl')) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const out = values.out === undefined ? process.stdout : createWriteStream(values.out);
  await writeLeads(out, count, { seed }, values.format);
  if (out !== process.stdout) {
    out.end();
    await finished(out);
  }
  return 0;
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`write-leads: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
