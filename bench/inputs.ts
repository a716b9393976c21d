// What the decision benchmarks run on: the reference policy as shipped in examples/, the second
// policy shape of bench/territories.route, and seeded leads with their arrival times. Shared by
// the bench and its test, so both check the same thing.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateLeads } from './leads';

/** Monday 2026-11-23 00:00 UTC; leads arrive over the next 24 hours, so the smb pool is open for some. */
export const BASE_NOW = Date.UTC(2026, 10, 23);
const DAY_MS = 86_400_000;

/** The repository root: the nearest folder above this file with a package.json (works from dist/ and from sources). */
function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = up;
  }
  return dir;
}

/** The reference policy of LANGUAGE.md ("A whole policy"). */
export function acmeSource(): string {
  return readFileSync(join(projectRoot(), 'examples', 'acme-inbound.route'), 'utf8');
}

/** The second policy shape: owner rules first, smb leads split by source, nine territory pools. */
export function territoriesSource(): string {
  return readFileSync(join(projectRoot(), 'bench', 'territories.route'), 'utf8');
}

export interface BenchLeads {
  leads: unknown[];
  /** The decide() options of each lead: its arrival time. */
  options: { now: number }[];
}

/** The seed of every benchmark lead set. */
const LEADS_SEED = 20261123;

/**
 * `count` seeded synthetic leads (bench/leads.ts), arriving evenly over one day from BASE_NOW.
 * `dirtyRate` is the generator's chance per field of a carelessly written value.
 */
export function benchLeads(count: number, dirtyRate?: number): BenchLeads {
  const leads = [...generateLeads(count, { seed: LEADS_SEED, dirtyRate })];
  const spacing = DAY_MS / count;
  return { leads, options: leads.map((_, i) => ({ now: BASE_NOW + Math.floor(i * spacing) })) };
}
