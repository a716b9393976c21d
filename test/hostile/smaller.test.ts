// Issue 11, item 8: the smaller ones. Clocks outside what a Date holds and impossible offsets are
// usage errors, not a RangeError with no lead out; --until says it is --until; both evaluators
// give a policy the same hash; the state command takes the Redis password from the environment;
// a CSV record over the bound is one unreadable lead, with its line, and the rows after it are read.
import { Readable } from 'node:stream';
import { readCsv, type LeadRecord } from '../../cli/leads';
import { compilePolicy } from '../../compiler/compile';
import { runCli, scratchFolder } from '../cli/run-cli';

const scratch = scratchFolder('leadroute-smaller-');
const POLICY = 'policy "small"\npool team = [ana, ben]\nelse round_robin(team) sla 1w\nfallback queue exceptions\n';

test.each(['+275760-09-13T00:00:00.000Z', '275760-09-12T00:00:00Z', '2026-01-01T00:00:00-25:00', '2026-01-01T00:00:00+24:00'])('--now %s is a usage error naming it', async (now) => {
  const r = await runCli(['route', scratch.file('p.route', POLICY), scratch.file('l.jsonl', '{"email":"a@x.com"}\n'), '--now', now]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`invalid --now '${now}'`);
});

test('--now near the end of the Date range still routes, with a deadline past year 9999', async () => {
  const r = await runCli(['route', scratch.file('p.route', POLICY), scratch.file('l.jsonl', '{"email":"a@x.com"}\n'), '--now', '9999-12-31T23:59:59Z']);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ routing: { sla: { due: '+010000-01-07T23:59:59.000Z' } } });
});

test('state away --until garbage names --until', async () => {
  const r = await runCli(['state', 'away', 'bob', '--until', 'garbage', '--state', `sqlite:${scratch.path('s.db')}`]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("invalid --until 'garbage'");
  expect(r.stderr).not.toContain('--now');
});

test('routing.policy.hash is the same for both evaluators of the same text', () => {
  const codegen = compilePolicy(POLICY, { evaluator: 'codegen' });
  const reference = compilePolicy(POLICY, { evaluator: 'reference' });
  expect(reference).not.toBe(codegen);
  expect(reference.hash).toBe(codegen.hash);
  expect(reference.decide({}, { now: 0 }).policy).toEqual(codegen.decide({}, { now: 0 }).policy);
});

test('state --state-password-env: the password from the environment, never shown', async () => {
  const r = await runCli(['state', 'show', 'small', '--state', 'redis://router@127.0.0.1:1?timeout=100', '--state-password-env', 'LR_UNSET_FOR_TEST']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('--state-password-env: the environment variable LR_UNSET_FOR_TEST is not set');
});

describe('a CSV record over the bound', () => {
  const collect = async (text: string, chunk: number, bound: number) => {
    const chunks = Array.from({ length: Math.ceil(text.length / chunk) }, (_, i) => text.slice(i * chunk, (i + 1) * chunk));
    const records: LeadRecord[] = [];
    for await (const batch of readCsv(Readable.from(chunks), 'l.csv', bound)) records.push(...batch);
    return records.map((r) => [r.where, r.lead, r.problem]);
  };

  test('is one unreadable lead naming its line; quoted new lines keep the lines after it true, in any chunking', async () => {
    const text = `email,note\na@x.com,short\nb@x.com,"${'y'.repeat(300)}\n${'z'.repeat(300)}"\nc@x.com,"two\nlines"\nd@x.com,""""\n`;
    const expected = [
      ['line 2', { email: 'a@x.com', note: 'short' }, null],
      ['line 3', null, 'CSV row on line 3 is longer than 100 characters'],
      ['line 5', { email: 'c@x.com', note: 'two\nlines' }, null],
      ['line 7', { email: 'd@x.com', note: '"' }, null],
    ];
    for (const chunk of [1, 7, 64, 10_000]) expect(await collect(text, chunk, 100)).toEqual(expected);
  });

  test('route: a 17 MiB cell gives that row an exception and routes the good row after it', async () => {
    const csv = scratch.file('big.csv', `email,note\na@x.com,"${'x'.repeat(17 * 1024 * 1024)}"\nb@x.com,ok\n`);
    const r = await runCli(['route', scratch.file('p.route', POLICY), csv, '--now', '2026-11-23T15:00:00Z']);
    expect(r.code).toBe(0);
    const routings = r.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { email?: string; routing: { status: string; reason: string | null } });
    expect(routings.map((l) => [l.email, l.routing.status])).toEqual([[undefined, 'exception'], ['b@x.com', 'assigned']]);
    expect(routings[0].routing.reason).toBe(`CSV row on line 2 is longer than ${16 * 1024 * 1024} characters`);
  });
});
