// Issue 11, item 5: stores fail loudly. A store that does not answer when the run starts is a
// usage error before any lead is read, naming the store and its address, never the password; a
// store that fails during the run gives exception decisions, as before, and the run says how
// many and why on stderr and exits 1. `--state-password-env` keeps the password off the command line.
import { readFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../cli/program';
import { runCli, scratchFolder } from '../cli/run-cli';
import { freePort, RedisServer, redisTestsRun } from '../state/durable/redis-server';

jest.setTimeout(60_000);

const scratch = scratchFolder('leadroute-stores-');
const NOW = '2026-11-23T15:00:00Z';
const POLICY = 'policy "stores"\npool team = [ana, ben]\nelse round_robin(team)\nfallback queue exceptions\n';
const leads = (from: number, count: number) => Array.from({ length: count }, (_, i) => `{"email":"l${from + i}@x.com"}\n`).join('');

/** Runs the command with its own environment and captured streams. */
async function run(argv: string[], env: Record<string, string>, stdin: Readable = Readable.from([''])): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await main(argv, { stdin, stdout, stderr, stderrIsTTY: false, env });
  await new Promise((r) => setImmediate(r));
  return { code, stdout: out, stderr: err };
}

test('a SQLite file locked by another process when the run starts: exit 2 naming it, no lead read, the -o file as it was', async () => {
  const policy = scratch.file('p.route', POLICY);
  const file = scratch.file('l.jsonl', leads(0, 5));
  const db = scratch.path('locked.db');
  const out = scratch.file('out.jsonl', 'earlier\n');
  expect((await runCli(['route', policy, file, '--now', NOW, '--state', `sqlite:${db}`])).code).toBe(0);
  const holder = new DatabaseSync(db);
  holder.exec('BEGIN IMMEDIATE');
  try {
    const r = await runCli(['route', policy, file, '--now', NOW, '--state', `sqlite:${db}`, '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--state: routing state store sqlite ${db}: locked by another process for more than 5000 ms`);
    expect(r.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe('earlier\n');
  } finally {
    holder.exec('ROLLBACK');
    holder.close();
  }
});

test('a store that fails during the run: its leads are exceptions with the reason, stderr says how many and why, exit 1', async () => {
  const policy = scratch.file('p.route', POLICY);
  const db = scratch.path('midrun.db');
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  const running = main(['route', policy, '-', '--now', NOW, '--state', `sqlite:${db}`], { stdin, stdout, stderr, stderrIsTTY: false });
  stdin.write(leads(0, 3));
  // The first leads are routed and written (each batch is flushed at the end of the input only,
  // so wait on the state instead): then another process takes the lock.
  const holder = await lockAfterFirstAssignments(db);
  stdin.end(leads(3, 4));
  const code = await running;
  holder.exec('ROLLBACK');
  holder.close();
  expect(code).toBe(1);
  const routings = out.trimEnd().split('\n').map((line) => (JSON.parse(line) as { routing: { status: string; reason: string | null } }).routing);
  expect(routings.map((d) => d.status)).toEqual(['assigned', 'assigned', 'assigned', 'exception', 'exception', 'exception', 'exception']);
  expect(routings[3].reason).toMatch(/^state store unavailable: .*locked by another process/);
  expect(String(stderr.read())).toMatch(/leadroute route: 4 leads got an exception decision because the state store failed: routing state store sqlite .*locked by another process/);
});

/** Waits until the routing state holds assignments, then holds the file's write lock from another connection. */
async function lockAfterFirstAssignments(db: string): Promise<DatabaseSync> {
  for (;;) {
    await new Promise((r) => setTimeout(r, 20));
    const holder = new DatabaseSync(db);
    const tables = holder.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    const rows = tables.n === 0 ? 0 : (holder.prepare('SELECT count(*) AS n FROM leadroute_state').get() as { n: number }).n;
    if (rows > 0) {
      holder.exec('BEGIN IMMEDIATE');
      return holder;
    }
    holder.close();
  }
}

test('--state-password-env: the password comes from the environment and is never shown', async () => {
  const policy = scratch.file('p.route', POLICY);
  const file = scratch.file('l.jsonl', leads(0, 2));
  const port = await freePort();
  const r = await run(['route', policy, file, '--now', NOW, '--state', `redis://router@127.0.0.1:${port}?timeout=200`, '--state-password-env', 'LR_PW'], { LR_PW: 's3cr3t-pw' });
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(new RegExp(`--state: routing state store redis 127\\.0\\.0\\.1:${port}: unreachable`));
  expect(r.stdout + r.stderr).not.toContain('s3cr3t-pw');
  expect((await run(['route', policy, file, '--state', `redis://127.0.0.1:${port}`, '--state-password-env', 'LR_NONE'], {})).stderr).toContain('--state-password-env: the environment variable LR_NONE is not set');
  expect((await run(['route', policy, file, '--state', 'memory', '--state-password-env', 'LR_PW'], { LR_PW: 'x' })).stderr).toContain('--state-password-env applies to a redis:// --state only');
});

(redisTestsRun() ? test : test.skip)('a wrong Redis password: exit 2 before any lead, the password not shown; the right one from the environment routes', async () => {
  const server = await RedisServer.start({ user: { name: 'router', password: 'right-pass' } });
  try {
    const policy = scratch.file('p.route', POLICY);
    const file = scratch.file('l.jsonl', leads(0, 2));
    const state = `redis://router@127.0.0.1:${server.port}?timeout=2000`;
    const wrong = await run(['route', policy, file, '--now', NOW, '--state', state, '--state-password-env', 'LR_PW'], { LR_PW: 'wrong-pass' });
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toContain(`--state: routing state store redis 127.0.0.1:${server.port}`);
    expect(wrong.stderr).not.toContain('wrong-pass');
    const right = await run(['route', policy, file, '--now', NOW, '--state', state, '--state-password-env', 'LR_PW'], { LR_PW: 'right-pass' });
    expect([right.code, right.stderr]).toEqual([0, '']);
    expect(right.stdout.trimEnd().split('\n')).toHaveLength(2);
  } finally {
    await server.dispose();
  }
});
