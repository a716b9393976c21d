// The audit against a small export whose agreement and outcome rates are counted by hand.
import { readFileSync } from 'node:fs';
import { runCli, scratchFolder } from '../cli/run-cli';

const folder = scratchFolder('leadroute-audit-');

const POLICY = `policy "audit"
pool team = [alice, "Bob Stone"]
when type = support route queue support
when employees >= 500 route rep carol
else round_robin(team)
fallback queue exceptions
`;

// Line numbers count the header as line 1. The else rule's round robin gives lines 2, 3, 4, 6, 8
// to alice, Bob Stone, alice, Bob Stone, alice.
//   line 2  Alice      policy alice       same        CONVERTED=Yes
//   line 3  bob stone  policy Bob Stone   same
//   line 4  Carol      policy alice       different   CONVERTED=yes
//   line 5  carol      policy carol       same        Qualified
//   line 6  (blank)    policy Bob Stone   no owner    CONVERTED=Yes
//   line 7  Alice      queue:support      different
//   line 8  Carol      policy alice       different   CONVERTED=Yes, " qualified "
//   line 9  Dan        policy carol       different
const EXPORT = `id,employees,type,Owner,CONVERTED,Lead Status
1,10,demo,Alice,Yes,Open
2,20,demo,bob stone,No,Open
3,30,demo,Carol,yes,
4,900,demo,carol,No,Qualified
5,40,demo,,Yes,Open
6,15,support,Alice,,
7,50,demo,Carol ,Yes, qualified 
8,2000,demo,Dan,No,Open
`;

const rule = (index: number, leads: number, same: number, different: number, noOwner: number, converted: number, qualified: number) => ({
  index,
  leads,
  same,
  different,
  no_owner: noOwner,
  outcomes: { 'CONVERTED=Yes': converted, 'Lead Status=Qualified': qualified },
  small: true,
});
const group = (leads: number, same: number, converted: number, qualified: number) => ({ leads, same, outcomes: { 'CONVERTED=Yes': converted, 'Lead Status=Qualified': qualified }, small: true });

async function audit(...extra: string[]) {
  const policy = folder.file('audit.route', POLICY);
  const exported = folder.file('export.csv', EXPORT);
  return runCli(['audit', policy, exported, '--owner', 'Owner', '--outcome', 'CONVERTED=Yes', '--outcome', 'Lead Status=Qualified', '--now', '2026-11-23T15:00:00Z', ...extra]);
}

test('agreement, moves and outcome rates of a hand-counted export', async () => {
  const run = await audit('--json', folder.path('audit.json'));
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const figures = JSON.parse(readFileSync(folder.path('audit.json'), 'utf8')) as Record<string, unknown>;
  expect(figures).toMatchObject({
    leads: 8,
    agreement: { same: 3, different: 4, no_owner: 1 },
    by_rule: [rule(0, 1, 0, 1, 0, 0, 0), rule(1, 2, 1, 1, 0, 0, 1), rule(2, 5, 2, 2, 1, 4, 1)],
    by_owner: { Carol: group(3, 1, 2, 2), Alice: group(2, 1, 1, 0), 'bob stone': group(1, 1, 0, 0), Dan: group(1, 0, 0, 0) },
    unowned: group(1, 0, 1, 0),
    by_path: [
      { rule: 2, pool: 'team', target: 'pool team', ...group(5, 2, 4, 1) },
      { rule: 1, pool: null, target: 'rep:carol', ...group(2, 1, 0, 1) },
      { rule: 0, pool: null, target: 'queue:support', ...group(1, 0, 0, 0) },
    ],
    moves: [
      { from: 'Carol', to: 'alice', leads: 2, examples: [4, 8] },
      { from: 'Alice', to: 'queue:support', leads: 1, examples: [7] },
      { from: 'Dan', to: 'carol', leads: 1, examples: [9] },
    ],
    outcomes: ['CONVERTED=Yes', 'Lead Status=Qualified'],
    columns: { Owner: 7, CONVERTED: 7, 'Lead Status': 6 },
  });
  expect(Object.keys(figures.by_owner as object)).toEqual(['Carol', 'Alice', 'Dan', 'bob stone']);
});

test('the text gives agreement, rates with counts, and marks small groups', async () => {
  const run = await audit();
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("8 leads from ");
  expect(run.stdout).toContain("the owner in column 'Owner' against policy audit");
  expect(run.stdout).toContain('\nAgreement\n  3   37.5%  same owner\n  4   50.0%  different owner\n  1   12.5%  no owner in the export\n');
  expect(run.stdout).toContain('  5   40.0% same  CONVERTED=Yes 80.0% (4)  Lead Status=Qualified 20.0% (1)  [small]  rule 2 (line 5)  else round_robin(team)\n');
  expect(run.stdout).toContain('  3   33.3% same  CONVERTED=Yes 66.7% (2)  Lead Status=Qualified 66.7% (2)  [small]  Carol\n');
  expect(run.stdout).toContain('  1    0.0% same  CONVERTED=Yes 100.0% (1)  Lead Status=Qualified 0.0% (0)  [small]  (no owner)\n');
  expect(run.stdout).toContain('  2  Carol -> alice   lines 4, 8\n');
  expect(run.stdout).toContain('[small]: fewer than 30 leads');
});

test('a group of 30 leads or more is not marked small', async () => {
  const rows = Array.from({ length: 31 }, (_, i) => `${i},10,support,${i < 30 ? 'Ann' : 'Bo'},Yes,`).join('\n');
  const exported = folder.file('big.csv', `id,employees,type,Owner,CONVERTED,Lead Status\n${rows}\n`);
  const run = await runCli(['audit', folder.file('big.route', POLICY), exported, '--owner', 'Owner', '--outcome', 'CONVERTED=YES', '--now', '2026-11-23T15:00:00Z', '--json', folder.path('big.json')]);
  expect(run.code).toBe(0);
  const figures = JSON.parse(readFileSync(folder.path('big.json'), 'utf8')) as { by_owner: Record<string, { leads: number; small: boolean }> };
  expect(figures.by_owner.Ann).toMatchObject({ leads: 30, small: false });
  expect(figures.by_owner.Bo).toMatchObject({ leads: 1, small: true });
});

test('owners are plain data, whatever they are called', async () => {
  const exported = folder.file('proto.jsonl', '{"owner":"__proto__"}\n{"owner":"constructor"}\n');
  const run = await runCli(['audit', folder.file('proto.route', POLICY), exported, '--owner', 'owner', '--now', '2026-11-23T15:00:00Z', '--json', folder.path('proto.json')]);
  expect(run.code).toBe(0);
  const figures = JSON.parse(readFileSync(folder.path('proto.json'), 'utf8')) as { by_owner: Record<string, { leads: number }> };
  expect(Object.keys(figures.by_owner).sort()).toEqual(['__proto__', 'constructor']);
  expect(Object.getOwnPropertyDescriptor(figures.by_owner, '__proto__')?.value).toMatchObject({ leads: 1 });
});

describe('usage errors', () => {
  test('an unknown column is named, with the closest one', async () => {
    const run = await runCli(['audit', folder.file('u.route', POLICY), folder.file('u.csv', EXPORT), '--owner', 'Ownr']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--owner: unknown column 'Ownr'");
    expect(run.stderr).toContain('did you mean `Owner`?');
    const outcome = await runCli(['audit', folder.file('u.route', POLICY), folder.file('u.csv', EXPORT), '--owner', 'Owner', '--outcome', 'Stage=Won']);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain("--outcome Stage=Won: unknown column 'Stage'");
  });

  test('a bad --outcome and a missing --owner', async () => {
    const policy = folder.file('u.route', POLICY);
    const exported = folder.file('u.csv', EXPORT);
    for (const bad of ['CONVERTED', '=Yes', 'CONVERTED=']) {
      const run = await runCli(['audit', policy, exported, '--owner', 'Owner', '--outcome', bad]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`--outcome ${bad}: expected COLUMN=VALUE`);
    }
    const none = await runCli(['audit', policy, exported]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--owner COLUMN is required');
  });
});

describe('--at: each lead routed at its own time, in time order', () => {
  const CAPPED = `policy "capped"
pool team = [alice cap 2/day]
else round_robin(team) or queue overflow
fallback queue exceptions
`;
  // Alice got every lead, two a day over three days (the rows out of time order). At one instant
  // her cap of 2 a day gives her lines 2 and 3 and queues lines 4 to 7; replayed in time it never
  // fills, and she agrees with the export on all six. Line 8 has no time: it is reported, goes to
  // the fallback, and disagrees with its owner under both.
  const TIMED = `id,Created Time,Owner,CONVERTED
1,2026-11-17 09:00,Alice,Yes
2,2026-11-16 09:00,Alice,No
3,2026-11-18 09:00,Alice,Yes
4,2026-11-16 10:00,Alice,No
5,2026-11-17 10:00,Alice,No
6,2026-11-18 10:00,Alice,Yes
7,,Alice,No
`;

  test('a cap that fills at one instant agrees with the export when the leads are spread over days', async () => {
    const policy = folder.file('capped.route', CAPPED);
    const exported = folder.file('timed.csv', TIMED);
    const args = ['audit', policy, exported, '--owner', 'Owner', '--outcome', 'CONVERTED=Yes', '--now', '2026-11-23T15:00:00Z'];
    const once = await runCli([...args, '--json', folder.path('once.json')]);
    expect(once.code).toBe(0);
    expect(JSON.parse(readFileSync(folder.path('once.json'), 'utf8'))).toMatchObject({
      leads: 7,
      agreement: { same: 2, different: 5, no_owner: 0 },
      moves: [{ from: 'Alice', to: 'queue:overflow', leads: 5, examples: [4, 5, 6] }],
      no_time: { leads: 0 },
    });

    const replayed = await runCli([...args, '--at', 'Created Time', '--tz', 'America/New_York', '--json', folder.path('replayed.json')]);
    expect(replayed.code).toBe(0);
    const figures = JSON.parse(readFileSync(folder.path('replayed.json'), 'utf8')) as Record<string, unknown>;
    expect(figures).toMatchObject({
      leads: 7,
      agreement: { same: 6, different: 1, no_owner: 0 },
      by_owner: { Alice: { leads: 7, same: 6, outcomes: { 'CONVERTED=Yes': 3 } } },
      moves: [{ from: 'Alice', to: 'exception:exceptions', leads: 1, examples: [8] }],
      no_time: { leads: 1, first: ['line 8: no time to route at: Created Time is blank'] },
    });
    expect(replayed.stderr).toMatch(/^leadroute audit: \S+timed\.csv: line 8: no time to route at: Created Time is blank\n$/);
    expect(replayed.stdout).toContain("against policy capped, each routed at its own time (Created Time)");
  });

  test('standard input is replayed in time too', async () => {
    const policy = folder.file('capped-stdin.route', CAPPED);
    const [header, ...rows] = TIMED.trim().split('\n').map((line) => line.split(','));
    const jsonl = rows.map((row) => JSON.stringify(Object.fromEntries(row.map((cell, i) => [header[i], cell])))).join('\n');
    const run = await runCli(['audit', policy, '-', '--owner', 'Owner', '--at', 'Created Time', '--json', folder.path('stdin.json')], jsonl);
    expect(run.code).toBe(0);
    expect(JSON.parse(readFileSync(folder.path('stdin.json'), 'utf8'))).toMatchObject({ leads: 7, agreement: { same: 6, different: 1 } });
  });
});
