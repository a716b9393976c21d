import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import type { Decision } from '../../compiler/decision';
import { main } from '../../cli/program';
import { runCli, scratchFolder } from './run-cli';
import { blankIdText } from '../state/helpers';

const POLICY = join(__dirname, '../../examples/acme-inbound.route');
const NOW = '2026-11-23T15:00:00Z';

const scratch = scratchFolder('leadroute-cli-');

const file = scratch.file;

function routed(stdout: string): Record<string, unknown>[] {
  return stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const routing = (line: Record<string, unknown>) => line.routing as Decision;

describe('leadroute', () => {
  test('without a command: help on stderr, exit 2; --help: stdout, exit 0; unknown command: exit 2', async () => {
    const bare = await runCli([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('Usage: leadroute COMMAND');
    const help = await runCli(['--help']);
    expect([help.code, help.stdout]).toEqual([0, expect.stringContaining('explain POLICY LEAD.json')]);
    const unknown = await runCli(['rout']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("leadroute: unknown command 'rout'");
  });

  test.each(['check', 'route', 'explain'])('%s --help prints its usage and exits 0', async (command) => {
    const r = await runCli([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: leadroute ${command} POLICY`);
    expect(r.stderr).toBe('');
  });

  test('route --help says the JSON array reader reads the whole file', async () => {
    expect((await runCli(['route', '-h'])).stdout).toMatch(/\.json\s+a JSON array of lead objects \(read and parsed whole/);
  });
});

describe('check', () => {
  test('the example policy: one OK line on stdout, exit 0', async () => {
    const r = await runCli(['check', POLICY]);
    expect(r).toEqual({ code: 0, stdout: `${POLICY}: OK: policy acme-inbound, 5 rules, 6 pools, 3 dimensions\n`, stderr: '' });
  });

  test('a broken policy: every diagnostic on stderr with file, line, column, caret and suggestion; exit 1', async () => {
    const policy = file('broken.route', 'policy "broken"\npool ent_na = [alice]\nwhen country = US route round_robin(ent_nx)\nelse queue x\n');
    const r = await runCli(['check', policy]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${policy}:3:37: error: unknown pool \`ent_nx\`\n3 | when country = US route round_robin(ent_nx)\n                                        ^^^^^^\n    did you mean \`ent_na\`?`);
    expect(r.stderr).toContain(`${policy}:4:1: warning: no \`fallback\` line`);
  });

  test('warnings print but the policy passes', async () => {
    const r = await runCli(['check', file('warn.route', 'policy "warn"\nwhen country = US route queue us\n')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warn\.route:2:1: warning: no `fallback` line/);
    expect(r.stdout).toMatch(/OK: policy warn, 1 rule, 0 pools, 0 dimensions, 1 warning\n$/);
  });

  test('a missing file is a usage error naming it', async () => {
    const r = await runCli(['check', scratch.path('nope.route')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`leadroute check: cannot read policy file '${scratch.path('nope.route')}': no such file`);
  });
});

describe('route', () => {
  const leads = [
    { email: 'anna@bluepeak.de', country: 'DE', employees: '1500', type: 'demo' },
    { email: 'sam@harbor.com', country: 'US', employees: 40, type: 'support' },
    { email: 'kim@cedar.com', country: 'us', employees: 'n/a', type: 'contact', account: { status: 'customer', owner: 'rachel.kim@acme.com' } },
    { email: 'anna@bluepeak.de', country: 'DE', employees: '1500', type: 'contact' },
  ];
  const jsonl = leads.map((l) => JSON.stringify(l)).join('\n');

  test('one line per lead, in input order: the lead fields plus routing', async () => {
    const r = await runCli(['route', POLICY, file('four.jsonl', jsonl), '--now', NOW]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = routed(r.stdout);
    expect(lines).toHaveLength(4);
    lines.forEach((line, i) => expect(line).toMatchObject(leads[i]));
    expect(Object.keys(lines[0])).toEqual([...Object.keys(leads[0]), 'routing']);
    expect(routing(lines[0])).toMatchObject({ status: 'assigned', assignee: 'dieter', pool: 'enterprise.emea', path: { segment: 'enterprise', geo: 'emea' }, routed_at: '2026-11-23T15:00:00.000Z' });
    expect(routing(lines[1])).toMatchObject({ status: 'queued', queue: 'support', rule: { index: 1 } });
    expect(routing(lines[2])).toMatchObject({ status: 'assigned', assignee: 'rachel.kim@acme.com', rule: { index: 0 } });
    // Same email within the sticky window: same assignee, no rule.
    expect(routing(lines[3])).toMatchObject({ status: 'assigned', assignee: 'dieter', rule: null });
  });

  test('the same input gives the same output but for the routing ids (fresh in-memory state, fixed clock)', async () => {
    const path = file('again.jsonl', jsonl);
    const first = await runCli(['route', POLICY, path, '--now', NOW]);
    const second = await runCli(['route', POLICY, path, '--now', NOW]);
    expect(blankIdText(second.stdout)).toBe(blankIdText(first.stdout));
    const ids = [first, second].flatMap((run) => run.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { routing: Decision }).routing.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('bad JSON and non-objects get exception lines at their place, are reported with their line, and the run goes on', async () => {
    const text = ['{"email":"a@x.com","country":"US","employees":50}', '{"email": oops', '', '7', '{"email":"b@x.com","country":"GB","employees":500}'].join('\n');
    const r = await runCli(['route', POLICY, '-', '--now', NOW], text);
    expect(r.code).toBe(0);
    const lines = routed(r.stdout);
    expect(lines).toHaveLength(4);
    expect(routing(lines[1])).toMatchObject({ status: 'exception', queue: 'exceptions', rule: null, reason: expect.stringMatching(/^invalid JSON on line 2: /) });
    expect(Object.keys(lines[1])).toEqual(['routing']);
    expect(routing(lines[2])).toMatchObject({ status: 'exception', reason: 'lead on line 4 is not a JSON object but a number' });
    expect(routing(lines[3])).toMatchObject({ status: 'assigned', pool: 'midmarket.*' });
    expect(r.stderr).toMatch(/^leadroute route: stdin: invalid JSON on line 2: .*\nleadroute route: stdin: lead on line 4 is not a JSON object but a number\n$/);
  });

  test('CSV: dotted headers nest, quoted cells keep commas and new lines, numbers stay strings', async () => {
    const csv = 'email,company,country,employees,type,account.status,account.owner\n' + 'kim@cedar.com,"Cedar, Inc.",US,12,demo,customer,rachel.kim@acme.com\n' + 'lea@dubois.fr,"Dubois\nSAS",FR,250,contact,none,\n';
    const r = await runCli(['route', POLICY, file('two.csv', csv), '--now', NOW]);
    expect(r.code).toBe(0);
    const [kim, lea] = routed(r.stdout);
    expect(kim).toMatchObject({ company: 'Cedar, Inc.', employees: '12', account: { status: 'customer', owner: 'rachel.kim@acme.com' } });
    expect(routing(kim)).toMatchObject({ assignee: 'rachel.kim@acme.com', rule: { index: 0 } });
    expect(lea).toMatchObject({ company: 'Dubois\nSAS', account: { status: 'none' } });
    expect(lea).not.toHaveProperty('account.owner');
    expect(routing(lea)).toMatchObject({ pool: 'midmarket.*', path: { segment: 'midmarket', geo: 'emea' } });
  });

  test('a JSON array file; --format reads standard input as CSV', async () => {
    const fromArray = await runCli(['route', POLICY, file('leads.json', JSON.stringify(leads.slice(0, 2))), '--now', NOW]);
    expect(routed(fromArray.stdout).map((l) => routing(l).status)).toEqual(['assigned', 'queued']);
    const fromCsv = await runCli(['route', POLICY, '-', '--format', 'csv', '--now', NOW], 'email,type\nx@y.com,support\n');
    expect(routing(routed(fromCsv.stdout)[0])).toMatchObject({ queue: 'support' });
  });

  test('--summary prints counts for people instead of the JSON lines; --output keeps the lines in a file', async () => {
    const out = scratch.path('routed.jsonl');
    const r = await runCli(['route', POLICY, file('sum.jsonl', `${jsonl}\nnot json`), '--now', NOW, '--summary', '--output', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('5 leads from');
    expect(r.stdout).toMatch(/Outcome\n +3 +60\.0% +assigned\n +1 +20\.0% +queued\n +1 +20\.0% +exception\n/);
    expect(r.stdout).toMatch(/By assignee\n +2 +dieter\n +1 +rachel\.kim@acme\.com\n/);
    expect(r.stdout).toMatch(/Exceptions, by reason\n +1 +invalid JSON on line 5: .*\n +e\.g\. line 5/);
    expect(routed(readFileSync(out, 'utf8'))).toHaveLength(5);
  });

  test('--trace adds the trace to each decision', async () => {
    const r = await runCli(['route', POLICY, '-', '--now', NOW, '--trace'], JSON.stringify(leads[0]));
    const trace = routing(routed(r.stdout)[0]).trace ?? [];
    expect(trace.map((t) => t.step)).toEqual(expect.arrayContaining(['sticky', 'rule', 'condition', 'dimension', 'pool']));
  });

  test.each([
    [['--bogus'], "leadroute route: unknown option '--bogus'"],
    [['--now', 'tomorrow'], "leadroute route: invalid --now 'tomorrow'"],
    [['--state', 'sqlite:'], '--state: sqlite: needs a file'],
    [['--state', 'redis://u:pw@localhost:6379/x'], "--state: the Redis database must be a number, not 'x'"],
    [['--state', 'disk'], '--state: unknown state store (use memory, sqlite:FILE, redis://'],
    [['--format', 'xml'], '--format xml: unknown format (use jsonl, json, csv)'],
    [['--evaluator', 'fast'], '--evaluator fast: unknown evaluator (use codegen or reference)'],
  ])('%j is a usage error (exit 2)', async (extra, message) => {
    const r = await runCli(['route', POLICY, '-', ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });

  test('missing and unreadable inputs are usage errors naming them', async () => {
    const missing = await runCli(['route', POLICY, scratch.path('missing.csv')]);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining(`cannot read leads file '${scratch.path('missing.csv')}': no such file`)]);
    const odd = await runCli(['route', POLICY, file('leads.txt', '')]);
    expect([odd.code, odd.stderr]).toEqual([2, expect.stringContaining("cannot tell the format of '")]);
    const onlyPolicy = await runCli(['route', POLICY]);
    expect([onlyPolicy.code, onlyPolicy.stderr]).toEqual([2, expect.stringContaining('leadroute route: missing LEADS')]);
    const bothStdin = await runCli(['route', '-', '-']);
    expect([bothStdin.code, bothStdin.stderr]).toEqual([2, expect.stringContaining('POLICY and LEADS cannot both be standard input')]);
    const badOutput = await runCli(['route', POLICY, '-', '--output', scratch.path('no/such/scratch.path()/out.jsonl')], '{}');
    expect([badOutput.code, badOutput.stderr]).toEqual([2, expect.stringContaining(`cannot write --output file '${scratch.path('no/such/scratch.path()/out.jsonl')}'`)]);
    const directory = await runCli(['route', POLICY, scratch.path(), '--format', 'csv']);
    expect([directory.code, directory.stderr]).toEqual([2, expect.stringContaining(`cannot read leads file '${scratch.path()}': it is a directory`)]);
  });

  test('a policy with errors: diagnostics, exit 1, no output', async () => {
    const r = await runCli(['route', file('bad.route', 'policy "bad"\nwhen country = US route round_robin(nowhere)\n'), '-'], '{}');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.route:2:\d+: error: unknown pool `nowhere`/);
    expect(r.stdout).toBe('');
  });

  test('an unreadable CSV stops with exit 1, naming the file and line', async () => {
    const r = await runCli(['route', POLICY, file('broken.csv', 'email,type\na@x.com,demo\nb@x.com,"demo\n')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/broken\.csv:\d+: cannot read CSV: /);
  });

  test('a reader that goes away (EPIPE) stops the run, which lists the leads it assigned and could not write', async () => {
    const stdout = new Writable({
      write(_chunk, _enc, done) {
        done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const stderr = new PassThrough();
    const many = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ email: `l${i}@x.com`, country: 'US' })).join('\n');
    const code = await main(['route', POLICY, '-', '--now', NOW], { stdin: Readable.from([many]), stdout, stderr, stderrIsTTY: false });
    expect(code).toBe(1);
    const lines = String(stderr.read()).trimEnd().split('\n');
    expect(lines[0]).toBe('leadroute route: cannot write standard output: the reader closed the pipe; the run stopped');
    const [, count] = /^leadroute route: (\d+) leads were assigned in the state with no output line:$/.exec(lines[1]) ?? [];
    expect(lines.slice(2)).toHaveLength(Number(count));
    expect(lines[2]).toBe('  l0@x.com (line 1)');
  });
});

describe('explain', () => {
  test('tells every rule tried, the values read, dimensions, pool members, and the decision as JSON', async () => {
    const lead = file('lead.json', JSON.stringify({ email: 'anna@bluepeak.de', country: 'DE', employees: '1500', type: 'demo', account: { status: 'none' } }));
    const r = await runCli(['explain', POLICY, lead, '--now', NOW]);
    expect(r.code).toBe(0);
    const text = r.stdout;
    expect(text).toContain('Values the policy reads:');
    expect(text).toMatch(/\n {2}employees +"1500"\n/);
    expect(text).toMatch(/\n {2}account\.owner +blank\n/);
    expect(text).toContain('  rule 0 (line 41): when account.status = customer and account.owner is not blank route owner sla 4h\n      account.status is "none", so `account.status = customer` fails\n    => does not hold\n');
    expect(text).toContain('  rule 3 (line 44): when intent = high route by segment then geo then round_robin(pool) sla 5m priority high\n');
    expect(text).toContain('    => holds: this rule decides\n');
    expect(text).toMatch(/field: employees "1500" read as 1500 \(number\)/);
    expect(text).toMatch(/dimension segment: employees is 1500: .* so segment is enterprise/);
    expect(text).toContain('pool enterprise.emea: eligible now, in declared order: dieter, emma');
    expect(text).toContain('pool enterprise.emea: round_robin chose dieter');
    expect(text).toContain('Decision: assigned to dieter from pool enterprise.emea (segment=enterprise, geo=emea) by rule 3 (line 44); SLA 5m, due 2026-11-23T15:05:00.000Z; priority high; next in line: emma');
    const json = JSON.parse(text.slice(text.indexOf('\n{\n') + 1)) as Decision;
    expect(json).toMatchObject({ status: 'assigned', assignee: 'dieter' });
    expect(json).not.toHaveProperty('trace');
  });

  test('a member left out says why; an exception says its reason', async () => {
    // Sunday: the smb pool (Mon-Fri 08:00-18:00 America/New_York) is closed.
    const r = await runCli(['explain', POLICY, '-', '--now', '2026-11-22T15:00:00Z'], JSON.stringify({ email: 'tiny@shop.com', country: 'US', employees: 3, type: 'contact' }));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\n {6}frank: left out: .*outside hours/);
    expect(r.stdout).toMatch(/Decision: exception: fallback queue exceptions by rule 4 \(line 45\), because /);
  });

  test('a lead that is not one JSON object fails with exit 1, naming the file', async () => {
    const r = await runCli(['explain', POLICY, file('two.json', '[{}, {}]')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('two.json: expected one lead, a JSON object; found an array');
    const bad = await runCli(['explain', POLICY, '-'], '{"email":');
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringMatching(/^stdin: invalid JSON: /)]);
  });
});
