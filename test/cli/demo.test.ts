// `npm run demo` as a newcomer sees it: the example leads routed each at its own arrival time
// (examples/leads.csv's created_at, over a week of business hours), so the smb pool's caps of 40
// a day never fill, and exceptions are the few leads that came when nobody works. The same
// leads routed at one instant fill those caps: the picture the demo gave before replay. The
// README says both rates.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './run-cli';

const ROOT = join(__dirname, '../..');
const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
/** The demo's arguments to the CLI, as package.json writes them. */
const DEMO = /dist\/cli\/main\.js (.*)$/.exec(scripts.demo)?.[1].split(' ') ?? [];

/** The outcome percentages and exception reasons of a summary. */
function read(summary: string): { exception: number; reasons: string[] } {
  const exception = Number(/^ *\d+ +([\d.]+)% {2}exception$/m.exec(summary)?.[1] ?? 0);
  const reasons = summary.slice(summary.indexOf('Exceptions, by reason')).split('\n').slice(1).filter((l) => /^ +\d+ {2}/.test(l));
  return { exception, reasons };
}

test('npm run demo routes each lead at its own time: a few percent of exceptions, none from a filled cap', async () => {
  expect(DEMO).toEqual(expect.arrayContaining(['--at', 'created_at', '--summary']));
  const run = await runCli(DEMO.map((arg) => (arg.startsWith('examples/') ? join(ROOT, arg) : arg)));
  expect(run.code).toBe(0);
  expect(run.stderr).toBe('');
  expect(run.stdout).toMatch(/^600 leads from \S+leads\.csv, routed by policy acme-inbound each at its own time \(created_at\)\n/);
  const { exception, reasons } = read(run.stdout);
  expect(exception).toBeGreaterThan(0);
  expect(exception).toBeLessThan(5);
  for (const reason of reasons) expect(reason).toMatch(/outside hours/);
  expect(run.stdout).not.toMatch(/at cap/);
  expect(README).toContain(`the few exceptions (${Math.round(exception)}%)`);
});

test('the same leads at one instant fill the caps', async () => {
  const args = DEMO.filter((arg, i) => arg !== '--at' && DEMO[i - 1] !== '--at');
  const run = await runCli([...args.map((arg) => (arg.startsWith('examples/') ? join(ROOT, arg) : arg)), '--now', '2026-11-23T15:00:00Z']);
  expect(run.code).toBe(0);
  const { exception, reasons } = read(run.stdout);
  expect(exception).toBeGreaterThan(15);
  expect(reasons.join('\n')).toMatch(/frank: at cap 40\/day, gina: at cap 40\/day/);
  expect(README).toContain(`${Math.round(exception)}% end as exceptions`);
});
