// Issue 11, item 3: the output and the state agree. Every assignment the state holds has its
// output line, or is listed on stderr when the output failed (a closed pipe, a full disk); Ctrl-C
// finishes the batch in flight, writes it, reads no more, and exits 130.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { main } from '../../cli/program';
import { buildWorker, removeWorker } from '../state/durable/fork';
import { scratchFolder } from '../cli/run-cli';
import { assignmentsIn } from './assignments';

jest.setTimeout(60_000);

const scratch = scratchFolder('leadroute-output-state-');
const NOW = '2026-11-23T15:00:00Z';
const POLICY = 'policy "agree"\npool team = [ana, ben, cy]\nelse round_robin(team)\nfallback queue exceptions\n';
const leadsText = (count: number) => Array.from({ length: count }, (_, i) => JSON.stringify({ email: `l${i}@x.com`, note: 'x'.repeat(200) })).join('\n');

/** Output lines that record an assignment. */
const assignedLines = (stdout: string) => stdout.split('\n').filter((line) => line.includes('"status":"assigned"')).length;
/** The leads stderr lists as assigned with no output line. */
const listed = (stderr: string) => {
  const [, count] = /(\d+) leads? (?:was|were) assigned in the state with no output line/.exec(stderr) ?? [];
  const names = stderr.split('\n').filter((line) => /^ {2}l\d+@x\.com \(line \d+\)$/.test(line));
  expect(names).toHaveLength(Number(count));
  return names.length;
};

test('Ctrl-C mid-file: the run stops, exit 130, and every assignment in the SQLite state has its output line', async () => {
  const built = buildWorker(join(__dirname, 'route-child.ts'));
  try {
    const policy = scratch.file('p.route', POLICY);
    const leads = scratch.file('many.jsonl', leadsText(20_000));
    const db = scratch.path('sigint.db');
    const child = spawn(process.execPath, [built.file, 'route', policy, leads, '--now', NOW, '--state', `sqlite:${db}`], {
      env: { ...process.env, NODE_PATH: join(__dirname, '../../node_modules') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    // Nobody reads stdout yet, so the run blocks on the full pipe part way through the file;
    // the first bytes there mean it is routing. Then Ctrl-C, then read everything.
    await new Promise((resolve) => child.stdout.once('readable', resolve));
    child.kill('SIGINT');
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted: \d+ leads routed, each with its output line; the rest of .*many\.jsonl was not read/);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.length).toBeLessThan(20_000);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(await assignmentsIn(db, 'agree')).toBe(assignedLines(stdout));
  } finally {
    removeWorker(built);
  }
});

test('a reader that goes away after two chunks: the state holds exactly the lines it took and the leads listed on stderr', async () => {
  const policy = scratch.file('p.route', POLICY);
  const db = scratch.path('pipe.db');
  let taken = '';
  let writes = 0;
  const stdout = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (++writes > 2) return done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      taken += chunk.toString();
      done();
    },
  });
  const stderr = new PassThrough();
  const code = await main(['route', policy, '-', '--now', NOW, '--state', `sqlite:${db}`], { stdin: Readable.from([leadsText(3000)]), stdout, stderr, stderrIsTTY: false });
  expect(code).toBe(1);
  const text = String(stderr.read());
  expect(text).toContain('cannot write standard output: the reader closed the pipe; the run stopped');
  expect(await assignmentsIn(db, 'agree')).toBe(assignedLines(taken) + listed(text));
});

test('-o /dev/full: exit 1 with the reason; no lead is taken after the failure, and every one assigned is listed', async () => {
  if (!existsSync('/dev/full')) return;
  const policy = scratch.file('p.route', POLICY);
  const leads = scratch.file('some.jsonl', leadsText(500));
  const db = scratch.path('full.db');
  const stderr = new PassThrough();
  const code = await main(['route', policy, leads, '--now', NOW, '--state', `sqlite:${db}`, '-o', '/dev/full'], { stdin: Readable.from(['']), stdout: new PassThrough(), stderr, stderrIsTTY: false });
  expect(code).toBe(1);
  const text = String(stderr.read());
  expect(text).toContain('cannot write /dev/full: ENOSPC');
  const assigned = await assignmentsIn(db, 'agree');
  expect(assigned).toBeGreaterThan(0);
  expect(assigned).toBeLessThan(500);
  expect(listed(text)).toBe(assigned);
});
