// The child process of timezone.test.ts, run under different TZ values: routes the example
// export through the command line and a few leads through the library, with times written
// without a zone, and prints everything it got as one JSON object on stdout. Nothing here may
// depend on the machine's zone; the test compares the output of each TZ.
//
// Usage: node tz-child.js, in a folder of its own (for its SQLite file and a lead file), with
// LEADROUTE_ROOT naming the project (it runs from a transpiled copy elsewhere).

import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLeads, type Lead } from '../../cli/leads';
import { runCli } from '../cli/run-cli';
import { compilePolicy } from '../../compiler/compile';
import { escalate, recordWorked, routingRecord, type EscalationResult } from '../../routing/escalate';
import { route, routeMany } from '../../routing/route';
import { MemoryStore } from '../../state/memory';

const PROJECT = process.env.LEADROUTE_ROOT ?? join(__dirname, '..', '..');
const POLICY_FILE = join(PROJECT, 'examples', 'acme-inbound.route');
const LEADS_FILE = join(PROJECT, 'examples', 'leads.csv');

/** A policy whose decisions turn on wall-clock hours in a zone: business hours, a business SLA, a daily cap. */
const PROBE_POLICY = `policy "tz-probe"
pool desk = [ana cap 2/day, ben cap 2/day] hours "Mon-Fri 09:00-17:00" tz "America/New_York"
pool night = [kai, lea] hours "Mon-Sun 20:00-23:59" tz "Asia/Kolkata"
when type = night route round_robin(night) or queue later sla 30m business
else round_robin(desk) or queue later sla 2h business
fallback queue exceptions`;

/**
 * The probe's instants, all without a zone (UTC). New York: Monday 10:00, Monday 16:30, Monday
 * 22:00, Tuesday 09:30; Kolkata: Monday 20:30, Tuesday 03:00, Tuesday 08:30, Tuesday 20:00.
 */
const PROBE_TIMES = ['2026-11-23T15:00:00', '2026-11-23T21:30:00', '2026-11-24T03:00:00', '2026-11-24T14:30:00'];

async function firstLeads(count: number): Promise<Lead[]> {
  const leads: Lead[] = [];
  for await (const batch of readLeads(createReadStream(LEADS_FILE), 'csv', LEADS_FILE)) {
    for (const record of batch) if (record.lead !== null && leads.length < count) leads.push(record.lead);
  }
  return leads;
}

async function run(): Promise<void> {
  // The command line: the zone-less clock, the same instant with an offset (through SQLite), a summary and an explanation.
  const zoneless = await runCli(['route', POLICY_FILE, LEADS_FILE, '--now', '2026-11-23T15:00:00']);
  const offset = await runCli(['route', POLICY_FILE, LEADS_FILE, '--now', '2026-11-23T10:00:00-05:00', '--state', 'sqlite:state.sqlite']);
  const summary = await runCli(['route', POLICY_FILE, LEADS_FILE, '--now', '2026-11-23T15:00:00', '--summary']);
  const leads = await firstLeads(12);
  writeFileSync('lead.json', JSON.stringify(leads[0]));
  const explain = await runCli(['explain', POLICY_FILE, 'lead.json', '--now', '2026-11-23T15:00:00']);

  // The library: routeMany and route with a zone-less `now`, then a worked event and escalations.
  const policy = compilePolicy(readFileSync(POLICY_FILE, 'utf8'));
  const store = new MemoryStore();
  const many = await routeMany(policy, leads.slice(0, 8), { store, now: '2026-11-23T15:00:00' });
  const ones = [];
  for (const lead of leads.slice(8)) ones.push(await route(policy, lead, { store, now: '2026-11-23T15:00:00' }));
  const decisions = [...many, ...ones];
  const worked = decisions.map((d) => recordWorked(routingRecord(d, null), '2026-11-23T15:20:00', { note: 'called back' }));
  const escalations: EscalationResult[] = [];
  for (let i = 0; i < decisions.length; i++) {
    const first = await escalate({ policy, routing: routingRecord(decisions[i], null), lead: leads[i], now: '2026-11-23T16:00:00', store });
    escalations.push(first);
    if (first.outcome === 'reassigned') escalations.push(await escalate({ policy, routing: first.routing, lead: leads[i], now: '2026-11-23T17:00:00', store }));
  }

  // Hours, business SLAs and daily caps in named zones, at zone-less instants around their edges.
  const probe = compilePolicy(PROBE_POLICY);
  const probeStore = new MemoryStore();
  const probeDecisions = [];
  for (const now of PROBE_TIMES) {
    probeDecisions.push(await routeMany(probe, [{ type: 'day' }, { type: 'day' }, { type: 'day' }, { type: 'night' }], { store: probeStore, now }));
  }

  const output = {
    zone: { tz: process.env.TZ ?? null, offsetMinutes: new Date(Date.UTC(2026, 10, 23, 15)).getTimezoneOffset() },
    results: { cli: { zoneless, offset, summary, explain }, library: { decisions, worked, escalations }, probe: probeDecisions },
  };
  process.stdout.write(JSON.stringify(output));
}

run().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
