// `leadroute simulate` on the hand-counted fixture of test/analysis/simulate-fixture.ts: the text
// for people, the --json contract, --html, --at replay, progress and usage errors.

import { readFileSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { PROGRESS_EVERY_ENV } from '../../cli/output';
import { main } from '../../cli/program';
import { LEADS, NOW, POLICY } from '../analysis/simulate-fixture';
import { runCli, scratchFolder } from './run-cli';

const folder = scratchFolder('leadroute-simulate-');

test('the text tells the hand-counted figures, and the unreadable lead is reported on stderr with its line', async () => {
  const run = await runCli(['simulate', folder.file('p.route', POLICY), folder.file('leads.jsonl', LEADS), '--now', NOW]);
  expect(run.code).toBe(0);
  expect(run.stderr).toMatch(/^leadroute simulate: \S+leads\.jsonl: invalid JSON on line 18: .*\n$/);
  const out = run.stdout;
  expect(out).toMatch(/^21 leads from \S+leads\.jsonl simulated with policy sim-fixture \(\S+p\.route\) in a fresh state, routed at 2026-11-23T15:00:00.000Z/);
  expect(out).toContain('  7   33.3%  assigned\n  5   23.8%  queued\n  9   42.9%  exception\n');
  expect(out).toContain('! 42.9% of leads are exceptions, above 5%');
  expect(out).toContain('  rule 2 (line 21)  reached 15, took 4  when country in [US, GB] and type = demo');
  expect(out).toContain('            6 failed  type = demo\n            5 failed  country in [US, GB]\n');
  expect(out).toContain('  1    4.8%  lead could not be read\n');
  expect(out).toContain('  3   14.3%  ! no one available in pool big.gb');
  expect(out).toContain('  big.us: 4 leads, most - fewest 2 (the weights ask for 2)\n      ann: 1 (asked 1)\n      ben: 3 (asked 3)\n');
  expect(out).toContain('      dee: 0 (asked 0.5); skipped: outside hours 4 (2026-11-23 15:00 to 2026-11-23 15:00)');
  expect(out).toContain('  1    4.8%  small.* for size=small, country=FR\n');
  expect(out).toContain('  2    9.5%  size=big, country=(blank)\n');
  expect(out).toContain('Pools that received nothing: spare');
  expect(out).toContain('  country: blank 1, unreadable 1 (unknown country 1, e.g. line 15: "Narnia"); went to rule 3 2\n');
  expect(out).toContain('  14   66.7%  none, normal\n');
  expect(out).toContain('  21  100.0%  Mon 15:00  closed\n');
  expect(out).toContain('Arrived while no pool with hours was open: 21 (100.0%)');
});

test('--json writes the figures in the shape other tools read; --html writes the page', async () => {
  const json = folder.path('sim.json');
  const page = folder.path('sim.html');
  const run = await runCli(['simulate', folder.file('p2.route', POLICY), folder.file('leads2.jsonl', LEADS), '--now', NOW, '--json', json, '--html', page]);
  expect(run.code).toBe(0);
  const f = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>;
  expect(f).toMatchObject({
    leads: 21,
    outcomes: { assigned: 7, queued: 5, exception: 9 },
    by_assignee: { ben: 3, ann: 1, cal: 1, dan: 1, eve: 1 },
    by_pool: { 'big.us': 4, 'big.gb': 1, 'small.*': 2, spare: 0 },
    by_queue: { support: 5 },
    fields: { country: { blank: 1, unreadable: 1 }, employees: { blank: 0, unreadable: 1 }, type: { blank: 0, unreadable: 1 } },
  });
  expect((f.by_rule as unknown[])[3]).toMatchObject({ index: 3, line: 22, source: 'else by size then country then weighted(pool) sla 1d', reached: 11, taken: 11 });
  expect(Object.values(f.exceptions as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(9);
  const html = readFileSync(page, 'utf8');
  expect(html).toMatch(/^<!doctype html>/);
  expect(html).toContain('Simulation of policy sim-fixture');
});

// A cap of 2 a day: three leads at one instant fill it, the same three over three days do not.
const CAPPED = `policy "capped"
pool team = [ann cap 2/day]
else round_robin(team)
fallback queue exceptions
`;
const TIMED = ['{"id":1,"Created":"2026-11-23 09:30"}', '{"id":2,"Created":"2026-11-24 09:30"}', '{"id":3,"Created":"2026-11-25 09:30"}', '{"id":4,"Created":"soon"}'].join('\n');

test('--at routes each lead at its own time, and counts arrivals in --tz', async () => {
  const policy = folder.file('capped.route', CAPPED);
  const leads = folder.file('timed.jsonl', TIMED);
  const once = folder.path('once.json');
  await runCli(['simulate', policy, leads, '--now', NOW, '--json', once]);
  expect(JSON.parse(readFileSync(once, 'utf8'))).toMatchObject({ outcomes: { assigned: 2, exception: 2 } });
  const replayed = folder.path('replayed.json');
  const run = await runCli(['simulate', policy, leads, '--now', NOW, '--at', 'Created', '--tz', 'America/New_York', '--json', replayed]);
  expect(run.code).toBe(0);
  expect(run.stderr).toContain('line 4: no time to route at: Created');
  expect(run.stdout).toContain('each routed at its own time (Created)');
  const f = JSON.parse(readFileSync(replayed, 'utf8')) as { outcomes: unknown; exceptions: unknown; no_time: { leads: number }; arrivals: { zone: string; counts: number[][] } };
  expect(f.outcomes).toEqual({ assigned: 3, queued: 0, exception: 1 });
  expect(f.exceptions).toEqual({ 'no time to route at': 1 });
  expect(f.no_time.leads).toBe(1);
  // 09:30 New York on Monday, Tuesday and Wednesday; the lead without a time is counted too.
  expect(f.arrivals.zone).toBe('America/New_York');
  expect([0, 1, 2].map((d) => f.arrivals.counts[d][9])).toEqual([1, 1, 1]);
  expect(f.arrivals.counts.flat().reduce((a, b) => a + b, 0)).toBe(4);
});

test('progress goes to stderr when it is a terminal', async () => {
  const stderr = new PassThrough();
  const err: string[] = [];
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const code = await main(['simulate', folder.file('p3.route', POLICY), folder.file('leads3.jsonl', LEADS), '--now', NOW], { stdin: Readable.from(['']), stdout: new PassThrough(), stderr, stderrIsTTY: true });
  await new Promise((r) => setImmediate(r));
  expect(code).toBe(0);
  expect(err.join('')).toMatch(/ {2}21 leads in \d+\.\ds \([\d,]+ leads\/s\)\n/);
});

test('elsewhere, progress is a plain line on stderr every so many leads, and stdout is what it is without it', async () => {
  const argv = ['simulate', folder.file('p5.route', POLICY), folder.file('leads5.jsonl', LEADS), '--now', NOW];
  const plain = await runCli(argv);
  const run = await runCli(argv, '', { [PROGRESS_EVERY_ENV]: '10' });
  expect(run.code).toBe(0);
  expect(run.stdout).toBe(plain.stdout);
  const lines = run.stderr.split('\n').filter((l) => !l.includes('invalid JSON on line 18'));
  expect(lines.slice(0, 2)).toEqual(['simulate: 10 leads routed', 'simulate: 20 leads routed']);
  expect(lines[2]).toMatch(/^simulate: 21 leads routed in \d+\.\ds \([\d,]+ leads\/s\)$/);
  expect(plain.stderr).not.toContain('leads routed');
});

test('usage errors name what is wrong', async () => {
  const policy = folder.file('p4.route', POLICY);
  expect(await runCli(['simulate', policy])).toMatchObject({ code: 2, stderr: expect.stringContaining('missing LEADS') as unknown });
  expect(await runCli(['simulate', policy, folder.path('nope.csv')])).toMatchObject({ code: 2, stderr: expect.stringContaining("cannot read leads file '") as unknown });
  expect(await runCli(['simulate', '-', '-'])).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot both be standard input') as unknown });
  expect(await runCli(['simulate', policy, folder.file('l.jsonl', LEADS), '--tz', 'UTC'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--tz applies with --at only') as unknown });
  const help = await runCli(['simulate', '--help']);
  expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage: leadroute simulate POLICY LEADS') as unknown });
});
