// `route --state` with a SQLite file and a Redis server, and `leadroute state show|reset|away|back`.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Decision } from '../../compiler/decision';
import { runCli, scratchFolder, type CliRun } from './run-cli';
import { freePort, RedisServer, redisTestsRun } from '../state/durable/redis-server';
import { blankIds } from '../state/helpers';

jest.setTimeout(60_000);

const POLICY = join(__dirname, '../../examples/acme-inbound.route');
const LEADS = join(__dirname, '../../examples/leads.csv');
const NOW = '2026-11-23T15:00:00Z';

const scratch = scratchFolder('leadroute-cli-state-');

const decisions = (r: CliRun): Decision[] =>
  r.stdout
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { routing: Decision }).routing);

/** The example leads twice over, in one file: one memory run of it is two runs kept in a store. */
function doubled(): string {
  const [header, ...rows] = readFileSync(LEADS, 'utf8').trimEnd().split('\n');
  return scratch.file('doubled.csv', [header, ...rows, ...rows].join('\n'));
}

/** Two route runs against `state` decide as one memory run over both: the store carries rotation, caps and sticky owners over. */
async function expectCarriedOver(state: string): Promise<void> {
  const first = await runCli(['route', POLICY, LEADS, '--now', NOW, '--state', state]);
  const second = await runCli(['route', POLICY, LEADS, '--now', NOW, '--state', state]);
  expect([first.code, first.stderr, second.code, second.stderr]).toEqual([0, '', 0, '']);
  const once = await runCli(['route', POLICY, doubled(), '--now', NOW]);
  expect(blankIds([...decisions(first), ...decisions(second)])).toEqual(blankIds(decisions(once)));
  // And the second run is not the first again.
  expect(decisions(second).map((d) => d.assignee)).not.toEqual(decisions(first).map((d) => d.assignee));
}

describe('route --state', () => {
  test('sqlite:FILE keeps the state across runs', async () => {
    await expectCarriedOver(`sqlite:${scratch.path('route.db')}`);
  });

  (redisTestsRun() ? test : test.skip)('redis:// keeps the state across runs, under its prefix', async () => {
    const server = await RedisServer.start();
    try {
      await expectCarriedOver(`redis://127.0.0.1:${server.port}/2?prefix=cli:`);
    } finally {
      await server.dispose();
    }
  });

  test('a store that cannot be reached when the run starts: a usage error naming it, before any lead, no credentials shown', async () => {
    const port = await freePort();
    const lead = scratch.file('one.jsonl', '{"email":"a@x.com","employees":5,"country":"US"}\n{"email":"b@x.com","employees":5000,"country":"US"}\n');
    const r = await runCli(['route', POLICY, lead, '--now', NOW, '--state', `redis://router:s3cr3t-pw@127.0.0.1:${port}?timeout=200`]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^leadroute route: --state: routing state store redis 127\\.0\\.0\\.1:${port}: unreachable`));
    expect(r.stdout + r.stderr).not.toContain('s3cr3t-pw');
    expect(r.stdout + r.stderr).not.toContain('router');
  });

  test('a SQLite file that cannot be opened is a usage error naming it', async () => {
    const file = scratch.path('missing/x.db');
    const r = await runCli(['route', POLICY, LEADS, '--now', NOW, '--state', `sqlite:${file}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--state: sqlite ${file}: cannot open`);
  });
});

describe('leadroute state', () => {
  const file = () => scratch.path('admin.db');
  const state = () => `sqlite:${file()}`;

  test('show, away, back and reset', async () => {
    expect((await runCli(['route', POLICY, LEADS, '--now', NOW, '--state', state()])).code).toBe(0);

    const shown = await runCli(['state', 'show', 'acme-inbound', '--state', state(), '--now', NOW]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`Routing state of policy acme-inbound in sqlite ${file()}, at 2026-11-23T15:00:00.000Z`);
    expect(shown.stdout).toMatch(/\n {2}enterprise\.emea +(dieter, emma|emma, dieter) +\d+ assigned\n/);
    expect(shown.stdout).toMatch(/ {2}frank +2026-11-23T15:00:00\.000Z +\d+ this day \(2026-11-23 America\/New_York\)/);
    expect(shown.stdout).toContain('Away:\n  nobody');

    // The policy file gives the same report as its name.
    const json = await runCli(['state', 'show', POLICY, '--state', state(), '--now', NOW, '--json']);
    const report = JSON.parse(json.stdout) as { policy: string; rotations: { pool: string; seq: number }[]; members: unknown[] };
    expect(report.policy).toBe('acme-inbound');
    expect(report.rotations.map((r) => r.pool)).toEqual(expect.arrayContaining(['enterprise.emea', 'enterprise.na', 'midmarket.*', 'smb.*']));

    const away = await runCli(['state', 'away', 'bob', '--state', state(), '--now', NOW, '--until', '2026-11-24T09:00:00Z']);
    expect([away.code, away.stdout.trim()]).toEqual([0, `bob is away until 2026-11-24T09:00:00.000Z (sqlite ${file()}).`]);
    expect((await runCli(['state', 'show', 'acme-inbound', '--state', state(), '--now', NOW])).stdout).toMatch(
      /Away:\n {2}bob +since 2026-11-23T15:00:00\.000Z +until 2026-11-24T09:00:00\.000Z/,
    );
    // Away means skipped: bob gets none of the next run's enterprise.na leads.
    const next = decisions(await runCli(['route', POLICY, LEADS, '--now', '2026-11-23T16:00:00Z', '--state', state()]));
    expect(next.some((d) => d.pool === 'enterprise.na')).toBe(true);
    expect(next.filter((d) => d.assignee === 'bob')).toEqual([]);
    const back = await runCli(['state', 'back', 'bob', '--state', state()]);
    expect([back.code, back.stdout.trim()]).toEqual([0, `bob is back (sqlite ${file()}).`]);
    expect((await runCli(['state', 'show', 'acme-inbound', '--state', state(), '--now', NOW])).stdout).toContain('Away:\n  nobody');

    const pool = await runCli(['state', 'reset', 'acme-inbound', '--state', state(), '--pool', 'enterprise.na']);
    expect(pool.stdout.trim()).toBe(`Reset pool enterprise.na of policy acme-inbound in sqlite ${file()}: 1 key deleted.`);
    const all = await runCli(['state', 'reset', 'acme-inbound', '--state', state()]);
    expect(all.stdout).toMatch(/^Reset policy acme-inbound in sqlite .*: \d+ keys deleted\.\n$/);
    const empty = await runCli(['state', 'show', 'acme-inbound', '--state', state(), '--now', NOW]);
    expect(empty.stdout).toContain('Rotations (next first):\n  none\n\nMembers (last assignment; counts in the periods current now):\n  none');
  });

  test.each([
    [['list'], "leadroute state: unknown action 'list'"],
    [['show', 'acme-inbound'], '--state is required'],
    [['show', 'acme-inbound', '--state', 'memory'], '--state memory holds nothing between runs'],
    [['show', 'acme-inbound', '--state', 'sqlite:x.db', '--pool', 'p'], '--pool does not apply to show'],
    [['away', 'bob', '--state', 'sqlite:x.db', '--now', NOW, '--until', '2026-11-23T14:00:00Z'], '--until 2026-11-23T14:00:00Z is not after --now'],
    [['back', '--state', 'sqlite:x.db'], 'missing MEMBER'],
    [['show', 'acme-inbound', '--state', 'redis://u:hunter22@h/x'], "--state: the Redis database must be a number, not 'x'"],
  ])('%j is a usage error', async (args, message) => {
    const r = await runCli(['state', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain('hunter22');
  });

  test('a store failure exits 1 naming the store', async () => {
    const port = await freePort();
    const r = await runCli(['state', 'show', 'acme-inbound', '--state', `redis://127.0.0.1:${port}?timeout=200`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^leadroute state show: routing state store redis 127\\.0\\.0\\.1:${port}: unreachable`));
  });
});
