// Normalize Lead throughput on one core: whole leads through normalizeLead (country, phone, email,
// employees, picklists, text clean-up, campaign context and validation against the acme policy's
// schema together), then each normalizer alone on the same leads, to show where the time goes.
// `normalizeBenchmarks()` resolves to the table for bench/run.ts to print (about 12 s); run alone
// with `node dist/bench/normalize.js`.

import { normalizeCountry } from '../fields/country';
import { normalizeEmail } from '../fields/email';
import { createNormalizer } from '../normalize/normalize';
import { parseFormNumber } from '../fields/numbers';
import { normalizePhone, PHONE_REGEX_CACHE } from '../fields/phone';
import { readsInternational } from '../fields/phone-international';
import { formatInt, measure, passFail, renderTable, syncSubject, type Measurement, type Table, type TimingOptions } from './harness';
import { acmeSource } from './inputs';
import { generateLeads } from './leads';

const LEAD_COUNT = 5_000;
const SEED = 20261123;
/** Share of carelessly written values per field: higher than examples/leads.csv (0.08), so the cleaning paths are timed, not only the clean ones. */
const DIRTY_RATE = 0.25;
const GOAL_LEADS_PER_SEC = 50_000;
const TIMING: TimingOptions = { warmupMs: 300, rounds: 9, roundMs: 150 };

type BenchLead = Record<string, unknown>;

/** One row: a name, the leads it cycles through and the step over one lead. */
interface Row {
  name: string;
  leads: readonly BenchLead[];
  step: (lead: BenchLead) => unknown;
}

const digest = (r: unknown) => (r === null || r === undefined ? 0 : 1);

export async function normalizeBenchmarks(): Promise<Table> {
  const leads = [...generateLeads(LEAD_COUNT, { seed: SEED, dirtyRate: DIRTY_RATE })] as unknown as BenchLead[];
  const normalizer = createNormalizer({ policy: acmeSource() });
  const withoutPhones = leads.map((lead) => ({ ...lead, phone: '' }));
  const rows: Row[] = [
    { name: 'normalizeLead, acme policy (all together)', leads, step: (lead) => normalizer.normalize(lead).status },
    { name: '  the same leads without their phones', leads: withoutPhones, step: (lead) => normalizer.normalize(lead).status },
    { name: '  country alone', leads, step: (lead) => normalizeCountry(lead.country).ok },
    { name: '  phone alone (libphonenumber-js, max metadata)', leads, step: (lead) => normalizePhone(lead.phone, typeof lead.country === 'string' ? lead.country.trim().toUpperCase() : null).ok },
    { name: '  email alone', leads, step: (lead) => normalizeEmail(lead.email).ok },
    { name: '  employees alone', leads, step: (lead) => parseFormNumber(lead.employees).ok },
  ];
  // Rounds interleaved across the rows, so that load from elsewhere falls on all of them alike.
  const results = await measure(
    rows.map((row) => syncSubject(row.name, (i) => row.step(row.leads[i % row.leads.length]), digest)),
    TIMING,
  );
  const measured = rows.map((row) => ({ row, m: results.get(row.name) as Measurement }));
  const perCpuSecond = (m: Measurement) => m.opsPerSec / Math.max(m.onCpu, 1e-9);
  return {
    title: 'Normalize Lead: leads per second, one core',
    head: ['', 'calls/s', 'µs/call', 'per CPU-second', `goal ${formatInt(GOAL_LEADS_PER_SEC)}/s`],
    rows: measured.map(({ row, m }, k) => [
      row.name,
      formatInt(m.opsPerSec),
      (m.nsPerOp / 1000).toFixed(2),
      formatInt(perCpuSecond(m)),
      k === 0 ? passFail(perCpuSecond(m) >= GOAL_LEADS_PER_SEC) : '',
    ]),
    notes: [
      `${formatInt(LEAD_COUNT)} seeded synthetic leads (bench/leads.ts, ${DIRTY_RATE * 100}% of values carelessly written; 80% carry a phone, most of them invalid: random digits), cycled; median of ${TIMING.rounds} rounds of ${TIMING.roundMs} ms, interleaved across the rows.`,
      '"per CPU-second" divides by the share of the clock this thread was on a CPU: on a loaded machine it is the better estimate of one free core, and the goal is checked on it.',
      'The whole-lead row includes every field of the acme policy, blank words, text clean-up, campaign context and Ajv validation of the declared fields.',
      `libphonenumber-js runs with its patterns compiled once (normalize/phone-regex-cache.ts): ${PHONE_REGEX_CACHE ? 'installed' : 'NOT installed (this library version is not recognised), phones at the library\'s own speed'}.`,
      `Numbers written +<digits> are read by normalize/phone-international.ts and checked by the library's PhoneNumber, other forms by its parse: ${readsInternational() ? 'in use' : 'NOT in use (this library version lacks what it reads), every number parsed'}.`,
    ],
  };
}

if (require.main === module) {
  normalizeBenchmarks().then(
    (table) => console.log(renderTable(table)),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
