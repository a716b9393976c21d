// `leadroute outcome`, `queue list|take`, `ledger export` and `report` on the ledger routing
// keeps: their usage errors, each naming the argument, and one SQLite file worked through them all.

import { readFileSync } from 'node:fs';
import type { ReportFigures } from '../../analysis/report';
import { runCli, scratchFolder } from './run-cli';

const scratch = scratchFolder('leadroute-cli-ledger-');

describe('usage errors', () => {
  test.each([
    [['outcome', 'ann@x.com', 'won'], 'leadroute outcome: --state is required'],
    [['outcome', 'ann@x.com', 'won', '--state', 'memory'], '--state memory holds nothing between runs'],
    [['outcome', 'ann@x.com'], 'missing EVENT'],
    [['outcome', ' ', 'won', '--state', 'sqlite:x.db'], 'ID_OR_KEY is empty'],
    [['outcome', 'ann@x.com', 'Meeting Booked', '--state', 'sqlite:x.db'], 'EVENT: event "Meeting Booked" is not a name of lower-case letters'],
    [['outcome', 'ann@x.com', 'breached', '--state', 'sqlite:x.db'], 'EVENT: breached is recorded by routing itself'],
    [['outcome', 'ann@x.com', 'won', '--state', 'sqlite:x.db', '--value', '12k'], "--value '12k' is not a number"],
    [['outcome', 'ann@x.com', 'won', '--state', 'sqlite:x.db', '--data', '{crm: 1}'], '--data is not JSON'],
    [['outcome', 'ann@x.com', 'won', '--state', 'sqlite:x.db', '--at', 'yesterday'], "invalid --at 'yesterday'"],
    [['queue'], 'Usage: leadroute queue list'],
    [['queue', 'drop', '--state', 'sqlite:x.db'], "leadroute queue: unknown action 'drop'"],
    [['queue', 'list', '--state', 'sqlite:x.db', '--older-than', '1.5h'], '--older-than: duration `1.5h` is not a whole number; write `90m`'],
    [['queue', 'list', '--state', 'sqlite:x.db', '--by', 'ann'], '--by does not apply to list'],
    [['queue', 'take', 'r_1', '--state', 'sqlite:x.db'], '--by NAME is required'],
    [['queue', 'take', '--by', 'ann', '--state', 'sqlite:x.db'], 'missing ID_OR_KEY'],
    [['queue', 'take', 'r_1', '--by', 'ann', '--state', 'sqlite:x.db', '--queue', 'q'], '--queue does not apply to take'],
    [['ledger'], 'Usage: leadroute ledger export'],
    [['ledger', 'import', '--state', 'sqlite:x.db'], "unknown action 'import' (use export)"],
    [['ledger', 'export', '--state', 'sqlite:x.db', '--format', 'xlsx'], '--format xlsx: use jsonl or csv'],
    [['ledger', 'export', '--state', 'sqlite:x.db', '--since', 'last week'], "invalid --since 'last week'"],
    [['ledger', 'export'], 'leadroute ledger export: --state is required'],
    [['report'], 'leadroute report: --state is required'],
    [['report', '--state', 'sqlite:x.db', '--since', '2026-11-02', '--until', '2026-11-01'], '--since 2026-11-02 is not before the report\'s end'],
    [['report', '--state', 'sqlite:x.db', '--until', 'soon'], "invalid --until 'soon'"],
  ])('%j is a usage error naming the argument', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });

  test('help is on stdout and exits 0', async () => {
    for (const args of [['outcome', '--help'], ['queue', '--help'], ['queue', 'take', '-h'], ['ledger', '--help'], ['report', '--help']]) {
      const r = await runCli(args);
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(r.stdout).toMatch(/^Usage: leadroute (outcome|queue|ledger|report)/);
    }
  });

  test('an --output file that cannot be opened is a usage error naming it', async () => {
    const r = await runCli(['ledger', 'export', '--state', `sqlite:${scratch.path('o.db')}`, '-o', scratch.path('no/such/dir/out.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot write --output file '${scratch.path('no/such/dir/out.jsonl')}'`);
  });
});

describe('over a SQLite state file that route kept', () => {
  const POLICY = `${__dirname}/../../examples/acme-inbound.route`;
  const LEADS = [
    { email: 'Ann@X.com', country: 'US', employees: 5000, type: 'demo' },
    { email: 'sam@y.com', country: 'US', employees: 50, type: 'support' },
    { email: 'tom@z.com', country: 'US', employees: 50, type: 'support' },
  ];

  test('outcome, queue list and take, ledger export: each reads and writes the one ledger', async () => {
    const state = `sqlite:${scratch.path('kept.db')}`;
    const leads = scratch.file('leads.jsonl', LEADS.map((l) => JSON.stringify(l)).join('\n'));
    const routed = await runCli(['route', POLICY, leads, '--now', '2026-11-23T15:00:00Z', '--state', state]);
    expect([routed.code, routed.stderr]).toEqual([0, '']);
    const ids = routed.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { routing: { id: string } }).routing.id);

    const won = await runCli(['outcome', 'ANN@x.com', 'won', '--at', '2026-11-24T10:00:00Z', '--by', 'crm', '--value', '1200', '--state', state]);
    expect([won.code, won.stderr]).toEqual([0, '']);
    expect(won.stdout).toContain(`Recorded won for ${ids[0]} (ann@x.com) of policy acme-inbound at 2026-11-24T10:00:00.000Z.`);
    const unknown = await runCli(['outcome', 'nobody@x.com', 'won', '--state', state]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('the ledger has no routing id or lead key "nobody@x.com"');

    const list = await runCli(['queue', 'list', '--state', state, '--now', '2026-11-23T16:00:00Z', '--json']);
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as { id: string; queue: string; waited_ms: number }[]).map((i) => [i.id, i.queue, i.waited_ms])).toEqual([
      [ids[1], 'support', 3_600_000],
      [ids[2], 'support', 3_600_000],
    ]);
    const older = await runCli(['queue', 'list', '--state', state, '--now', '2026-11-23T16:00:00Z', '--older-than', '2h']);
    expect(older.stdout).toContain('No lead is waiting in a queue.');
    const take = await runCli(['queue', 'take', 'sam@y.com', '--by', 'carol', '--at', '2026-11-23T15:30:00Z', '--state', state]);
    expect([take.code, take.stderr]).toEqual([0, '']);
    expect(take.stdout).toContain(`carol took ${ids[1]} (sam@y.com) from queue support`);
    const again = await runCli(['queue', 'take', ids[1], '--by', 'dave', '--state', state]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is not waiting in a queue');
    const left = await runCli(['queue', 'list', '--state', state, '--now', '2026-11-23T16:00:00Z']);
    expect(left.stdout).toMatch(/^1 lead waits in queues/);
    expect(left.stdout).toContain(ids[2]);
    expect(left.stdout).not.toContain(ids[1]);

    const jsonl = await runCli(['ledger', 'export', '--state', state]);
    expect(jsonl.code).toBe(0);
    expect(jsonl.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { type: string; id: string }).type)).toEqual(['decision', 'decision', 'decision', 'won', 'taken']);
    const file = scratch.path('ledger.csv');
    const csv = await runCli(['ledger', 'export', '--state', state, '--since', '2026-11-23T15:20:00Z', '-o', file]);
    expect([csv.code, csv.stdout, csv.stderr]).toEqual([0, '', '']);
    const rows = readFileSync(file, 'utf8').trimEnd().split('\r\n');
    expect(rows.map((r) => r.split(',')[0])).toEqual(['type', 'won', 'taken']);

    // By hand at 16:00: three leads; Ann assigned at once, Sam taken after 30m, Tom still waiting (1h).
    const json = scratch.path('report.json');
    const html = scratch.path('report.html');
    const report = await runCli(['report', '--state', state, '--until', '2026-11-23T16:00:00Z', '--json', json, '--html', html]);
    expect([report.code, report.stderr]).toEqual([0, '']);
    const figures = JSON.parse(readFileSync(json, 'utf8')) as ReportFigures;
    expect(figures.leads).toBe(3);
    expect(figures.timeToAssignment).toEqual({ count: 2, median: 15 * 60_000, p90: 27 * 60_000 });
    expect(figures.assignedWithin5m).toMatchObject({ count: 1, of: 3 });
    expect(figures.queues.now).toEqual([{ queue: 'support', open: 1, waiting: { count: 1, median: 3_600_000, p90: 3_600_000 }, oldest: 3_600_000 }]);
    expect(report.stdout).toMatch(/^3 leads routed up to 2026-11-23T16:00:00.000Z\n/);
    expect(report.stdout).toContain('Assigned within 5 minutes  33.3% (1 of 3)');
    expect(report.stdout).toMatch(/support +1 open +oldest 1 h/);
    expect(readFileSync(html, 'utf8')).toContain('<rect class="bar');
    // Ann's won (the next day) is after that end; a report up to now counts it as an opportunity.
    const later = await runCli(['report', '--state', state, '--policy', 'acme-inbound', '--json', json]);
    expect(later.code).toBe(0);
    const owners = (JSON.parse(readFileSync(json, 'utf8')) as ReportFigures).byOwner;
    expect(owners.find((g) => g.name === 'alice')?.opportunity).toMatchObject({ count: 1, of: 1 });
  });
});

describe('a ping tree over a SQLite state file', () => {
  const POLICY = `policy "ping"
pool buyers = [
  acme_ins bid 42 sold_cap 1/day,
  beta     bid 35
]
else by_bid(buyers)
fallback queue unsold
`;

  test('an accepted outcome recorded by the command counts toward the buyer\'s sold cap; the next route skips it with why, a return frees it; report gives the sales', async () => {
    const state = `sqlite:${scratch.path('ping.db')}`;
    const policy = scratch.file('ping.route', POLICY);
    const routeOne = async (email: string, now: string) => {
      const r = await runCli(['route', policy, scratch.file(`${email}.jsonl`, JSON.stringify({ email })), '--now', now, '--state', state]);
      expect([r.code, r.stderr]).toEqual([0, '']);
      return (JSON.parse(r.stdout) as { routing: { id: string; assignee: string; skipped: { name: string; why: string }[] } }).routing;
    };
    const first = await routeOne('a@x.com', '2026-11-23T15:00:00Z');
    expect([first.assignee, first.skipped]).toEqual(['acme_ins', []]);
    const sold = await runCli(['outcome', first.id, 'accepted', '--value', '42', '--by', 'acme_ins', '--at', '2026-11-23T15:01:00Z', '--state', state]);
    expect([sold.code, sold.stderr]).toEqual([0, '']);
    const second = await routeOne('b@x.com', '2026-11-23T15:05:00Z');
    expect([second.assignee, second.skipped]).toEqual(['beta', [{ name: 'acme_ins', why: 'sold cap 1/day reached' }]]);
    const refund = await runCli(['outcome', 'a@x.com', 'returned', '--by', 'acme_ins', '--at', '2026-11-23T16:00:00Z', '--state', state]);
    expect([refund.code, refund.stderr]).toEqual([0, '']);
    const third = await routeOne('c@x.com', '2026-11-23T16:05:00Z');
    expect(third.assignee).toBe('acme_ins');

    // The buyers' figures: beta declines b 20 s after its offer, acme buys c for 42 a minute after its own.
    for (const args of [
      ['b@x.com', 'declined', '--by', 'beta', '--data', '{"reason":"over budget"}', '--at', '2026-11-23T15:05:20Z'],
      [third.id, 'accepted', '--value', '42', '--by', 'acme_ins', '--at', '2026-11-23T16:06:00Z'],
    ]) {
      const r = await runCli(['outcome', ...args, '--state', state]);
      expect([r.code, r.stderr]).toEqual([0, '']);
    }
    // By hand: three leads for sale, c sold (a's sale returned): 1 of 3, revenue 42, 14 a lead.
    // acme offered a and c, accepted both after 60 s, one returned; beta offered b, declined.
    const report = await runCli(['report', '--state', state, '--until', '2026-11-23T17:00:00Z']);
    expect([report.code, report.stderr]).toEqual([0, '']);
    expect(report.stdout).toContain(['Sales:', '  Leads for sale       3', '  Sold (not returned)  33.3% (1 of 3)', '  Revenue              42', '  Revenue per lead     14'].join('\n'));
    expect(report.stdout).toContain('acme_ins  2 offered  accepted 100% (2 of 2)  declined 0                  timed out 0  returned 1  42  1 min median · 1 min p75 · 1 min p90');
    expect(report.stdout).toContain('beta      1 offered  accepted 0% (0 of 1)    declined 1 (over budget 1)  timed out 0  returned 0  0   20 s median · 20 s p75 · 20 s p90');
  });
});
