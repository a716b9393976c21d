// Decisions do not depend on the machine's time zone: the command line and the library run in
// child processes under TZ=America/New_York, TZ=Asia/Kolkata and TZ=UTC (tz-child.ts, transpiled
// once for the file) and must print the same output, in which a time written without a zone is
// read as UTC.

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Decision } from '../../compiler/decision';
import type { EscalationResult, RoutingRecord } from '../../routing/escalate';
import { buildWorker, removeWorker } from '../state/durable/fork';
import { blankIdText } from '../state/helpers';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..');
const ZONES = ['America/New_York', 'Asia/Kolkata', 'UTC'] as const;

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

interface ChildOutput {
  zone: { tz: string | null; offsetMinutes: number };
  results: {
    cli: { zoneless: CliRun; offset: CliRun; summary: CliRun; explain: CliRun };
    library: { decisions: Decision[]; worked: RoutingRecord[]; escalations: EscalationResult[] };
    probe: Decision[][];
  };
}

/** Runs the child in its own folder (its files are named relative to it, so every child prints the same names). */
function runChild(file: string, tz: string, scratch: string): Promise<ChildOutput> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [file],
      { cwd: scratch, env: { ...process.env, TZ: tz, NODE_PATH: join(ROOT, 'node_modules'), LEADROUTE_ROOT: ROOT }, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error !== null) reject(new Error(`child under TZ=${tz} failed: ${error.message}\n${stderr}`));
        else resolve(JSON.parse(blankIdText(stdout)) as ChildOutput);
      },
    );
  });
}

const outputs = new Map<string, ChildOutput>();
let worker: { dir: string; file: string };
let dir = '';

beforeAll(async () => {
  worker = buildWorker(join(__dirname, 'tz-child.ts'));
  dir = mkdtempSync(join(tmpdir(), 'leadroute-tz-'));
  const runs = await Promise.all(
    ZONES.map((tz, i) => {
      const scratch = join(dir, String(i));
      mkdirSync(scratch);
      return runChild(worker.file, tz, scratch);
    }),
  );
  ZONES.forEach((tz, i) => outputs.set(tz, runs[i]));
});

afterAll(() => {
  if (worker !== undefined) removeWorker(worker);
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

const output = (tz: string): ChildOutput => outputs.get(tz) as ChildOutput;
const lines = (run: CliRun): { routing: Decision }[] =>
  run.stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { routing: Decision });

test('each child really ran in its zone', () => {
  expect(ZONES.map((tz) => output(tz).zone)).toEqual([
    { tz: 'America/New_York', offsetMinutes: 300 },
    { tz: 'Asia/Kolkata', offsetMinutes: -330 },
    { tz: 'UTC', offsetMinutes: 0 },
  ]);
});

test.each(ZONES.filter((tz) => tz !== 'UTC'))('under TZ=%s the command line and the library print exactly what they print under TZ=UTC', (tz) => {
  const utc = output('UTC').results;
  const here = output(tz).results;
  // Part by part first, for a readable failure; then the whole.
  expect(here.cli.zoneless).toEqual(utc.cli.zoneless);
  expect(here.cli.offset).toEqual(utc.cli.offset);
  expect(here.cli.summary).toEqual(utc.cli.summary);
  expect(here.cli.explain).toEqual(utc.cli.explain);
  expect(here.library).toEqual(utc.library);
  expect(here.probe).toEqual(utc.probe);
  expect(JSON.stringify(here)).toBe(JSON.stringify(utc));
});

describe('a time without a zone is UTC (checked in the UTC child, the others being equal to it)', () => {
  const results = () => output('UTC').results;

  test('the command line: every lead routed at 15:00Z, and the same decisions as with the offset -05:00 for that instant', () => {
    const { zoneless, offset, summary, explain } = results().cli;
    for (const run of [zoneless, offset, summary, explain]) expect([run.code, run.stderr]).toEqual([0, '']);
    const decisions = lines(zoneless);
    expect(decisions).toHaveLength(600);
    expect(decisions.every((l) => l.routing.routed_at === '2026-11-23T15:00:00.000Z')).toBe(true);
    expect(new Set(decisions.map((l) => l.routing.status)).size).toBe(3);
    expect(offset.stdout).toBe(zoneless.stdout);
    expect(summary.stdout).toContain('at 2026-11-23T15:00:00.000Z');
  });

  test('the library: routed at 15:00Z, worked at 15:20Z, breached and escalated at 16:00Z', () => {
    const { decisions, worked, escalations } = results().library;
    expect(decisions).toHaveLength(12);
    expect(decisions.every((d) => d.routed_at === '2026-11-23T15:00:00.000Z')).toBe(true);
    for (const record of worked) {
      expect(record.history.map((e) => [e.event, e.at])).toEqual([
        ['assigned', '2026-11-23T15:00:00.000Z'],
        ['worked', '2026-11-23T15:20:00.000Z'],
      ]);
    }
    const first = escalations.filter((e) => e.routing.attempt === 1);
    expect(first).toHaveLength(12);
    for (const { outcome, routing } of first) {
      expect(routing.history.slice(1).map((e) => [e.event, e.at])).toEqual([
        ['breached', '2026-11-23T16:00:00.000Z'],
        [outcome, '2026-11-23T16:00:00.000Z'],
      ]);
    }
    // Not trivial: some leads were given to the next person, at 16:00Z, with an SLA from then.
    const reassigned = first.filter((e) => e.outcome === 'reassigned');
    expect(reassigned.length).toBeGreaterThan(0);
    for (const { routing } of reassigned) {
      expect(routing.routed_at).toBe('2026-11-23T16:00:00.000Z');
      if (routing.sla !== null) expect(Date.parse(routing.sla.due)).toBeGreaterThan(Date.parse('2026-11-23T16:00:00.000Z'));
    }
    expect(escalations.filter((e) => e.routing.attempt === 2).flatMap((e) => e.routing.history.filter((h) => h.event === 'breached').map((h) => h.at))).toContain(
      '2026-11-23T17:00:00.000Z',
    );
  });

  test('hours, business SLAs and daily caps in named zones follow the UTC reading of the zone-less instants', () => {
    // desk: ana and ben, cap 2/day, Mon-Fri 09:00-17:00 New York, sla 2h business;
    // night: kai and lea, every day 20:00-23:59 Kolkata, sla 30m business; else queue later.
    const probe = results().probe;
    expect(probe.map((batch) => batch.map((d) => d.assignee ?? d.queue))).toEqual([
      // Monday 10:00 New York, 20:30 Kolkata: both desks open; ana's second lead fills her cap.
      ['ana', 'ben', 'ana', 'kai'],
      // Monday 16:30 New York: ben's second lead fills his cap, so the desk is full; Tuesday 03:00 Kolkata: night closed.
      ['ben', 'later', 'later', 'later'],
      // Monday 22:00 New York, Tuesday 08:30 Kolkata: both closed.
      ['later', 'later', 'later', 'later'],
      // Tuesday 09:30 New York: a new day for the caps; Tuesday 20:00 Kolkata: night open, lea's turn.
      ['ana', 'ben', 'ana', 'lea'],
    ]);
    const assignedDue = probe.map((batch) => batch.filter((d) => d.status === 'assigned').map((d) => d.sla?.due));
    expect(assignedDue).toEqual([
      // 12:00 New York; 21:00 Kolkata.
      ['2026-11-23T17:00:00.000Z', '2026-11-23T17:00:00.000Z', '2026-11-23T17:00:00.000Z', '2026-11-23T15:30:00.000Z'],
      // 30 minutes before 17:00 Monday, 90 after 09:00 Tuesday: 10:30 New York.
      ['2026-11-24T15:30:00.000Z'],
      [],
      // 11:30 New York; 20:30 Kolkata.
      ['2026-11-24T16:30:00.000Z', '2026-11-24T16:30:00.000Z', '2026-11-24T16:30:00.000Z', '2026-11-24T15:00:00.000Z'],
    ]);
  });
});
