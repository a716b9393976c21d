// The diff against a policy change whose effect is known: moving a threshold from 500 to 200
// moves exactly the leads in between, renaming a queue moves the leads it held, and nothing else.
import { readFileSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../cli/program';
import { runCli, scratchFolder } from '../cli/run-cli';

const folder = scratchFolder('leadroute-diff-');

const policy = (threshold: number, queue: string) => `policy "threshold"
pool big   = [alice]
pool small = [bob]
when type = support route queue ${queue}
when employees >= ${threshold} route round_robin(big)
else round_robin(small)
fallback queue exceptions
`;

// By hand: lines 2, 3 and 7 (200, "499", 250) sit between 200 and 500 and move bob -> alice;
// lines 6 and 10 are support leads and move support -> helpdesk; line 4 is not JSON and goes to
// the same fallback under both; lines 1, 5, 8 (blank employees) and 9 stay.
const leads = [
  '{"id":1,"employees":50}',
  '{"id":2,"employees":200}',
  '{"id":3,"employees":"499"}',
  '{"id":4,',
  '{"id":5,"employees":500}',
  '{"id":6,"employees":1000,"type":"support"}',
  '{"id":7,"employees":250}',
  '{"id":8}',
  '{"id":9,"employees":199}',
  '{"id":10,"employees":300,"type":"Support"}',
].join('\n');

test('moving a threshold moves exactly the leads between the old and the new one', async () => {
  const oldFile = folder.file('old.route', policy(500, 'support'));
  const newFile = folder.file('new.route', policy(200, 'helpdesk'));
  const leadsFile = folder.file('leads.jsonl', leads);
  const run = await runCli(['diff', oldFile, newFile, leadsFile, '--now', '2026-11-23T15:00:00Z', '--json', folder.path('diff.json')]);
  expect(run.stderr).toMatch(/^leadroute diff: \S+leads\.jsonl: invalid JSON on line 4: .*\n$/);
  expect(run.code).toBe(0);
  const figures = JSON.parse(readFileSync(folder.path('diff.json'), 'utf8')) as Record<string, unknown>;
  expect(figures).toMatchObject({
    leads: 10,
    changed: 5,
    moves: [
      { from: 'rep:bob', to: 'rep:alice', leads: 3, examples: [2, 3, 7] },
      { from: 'queue:support', to: 'queue:helpdesk', leads: 2, examples: [6, 10] },
    ],
    moves_cut: false,
    unreadable: { leads: 1, first: [expect.stringContaining('invalid JSON on line 4') as unknown] },
  });
  expect(run.stdout).toContain('10 leads from');
  expect(run.stdout).toContain(': 5 (50.0%) would change destination if');
  expect(run.stdout).toMatch(/\n {2}3 {3}30\.0% {2}rep:bob -> rep:alice {3}lines 2, 3, 7\n/);
  expect(run.stdout).toMatch(/\n {2}2 {3}20\.0% {2}queue:support -> queue:helpdesk {3}lines 6, 10\n/);
});

test('the same policy on both sides moves nothing', async () => {
  const file = folder.file('same.route', policy(500, 'support'));
  const run = await runCli(['diff', file, file, folder.file('same.jsonl', leads), '--now', '2026-11-23T15:00:00Z']);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain(': 0 (0.0%) would change destination');
  expect(run.stdout).not.toContain('Moves');
});

test('a fallback renamed moves the unreadable lead too, as exception:QUEUE', async () => {
  const oldFile = folder.file('fb-old.route', policy(500, 'support'));
  const newFile = folder.file('fb-new.route', policy(500, 'support').replace('fallback queue exceptions', 'fallback queue triage'));
  const run = await runCli(['diff', oldFile, newFile, folder.file('fb.jsonl', leads), '--now', '2026-11-23T15:00:00Z', '--json', folder.path('fb.json')]);
  expect(run.code).toBe(0);
  const figures = JSON.parse(readFileSync(folder.path('fb.json'), 'utf8')) as { moves: unknown[] };
  expect(figures.moves).toEqual([{ from: 'exception:exceptions', to: 'exception:triage', leads: 1, examples: [4] }]);
});

test('usage errors name what is wrong', async () => {
  const file = folder.file('u.route', policy(500, 'support'));
  expect(await runCli(['diff', file, file])).toMatchObject({ code: 2, stderr: expect.stringContaining('missing LEADS') as unknown });
  expect(await runCli(['diff', file, file, folder.path('nope.csv')])).toMatchObject({ code: 2, stderr: expect.stringContaining("cannot read leads file '") as unknown });
  expect(await runCli(['diff', file, '-', '-'])).toMatchObject({ code: 2, stderr: expect.stringContaining('only one of OLD, NEW and LEADS') as unknown });
});

describe('--at: each lead routed at its own time, in time order', () => {
  const capped = (cap: number) => `policy "cap"
pool team = [alice cap ${cap}/day]
else round_robin(team) or queue overflow
fallback queue exceptions
`;
  // Two leads a day over three days, written out of time order. At one instant a cap of 2 a day
  // keeps alice to 2 leads and a cap of 3 to 3, so raising it moves one lead (the third read,
  // line 4); replayed in time neither cap fills and nothing moves. Line 8 has no time and line 9
  // an unreadable one: each is reported and goes to the fallback under both policies.
  const timed = [
    'id,created_at',
    '1,2026-11-17T09:00:00Z',
    '2,2026-11-16T09:00:00Z',
    '3,2026-11-18T09:00:00Z',
    '4,2026-11-16T10:00:00Z',
    '5,2026-11-17T10:00:00Z',
    '6,2026-11-18T10:00:00Z',
    '7,',
    '8,next tuesday',
  ].join('\n');

  test('a cap that fills when every lead arrives at once does not when they are spread over days', async () => {
    const oldFile = folder.file('cap2.route', capped(2));
    const newFile = folder.file('cap3.route', capped(3));
    const leadsFile = folder.file('timed.csv', timed);
    const once = await runCli(['diff', oldFile, newFile, leadsFile, '--now', '2026-11-23T15:00:00Z', '--json', folder.path('once.json')]);
    expect(once.code).toBe(0);
    expect(JSON.parse(readFileSync(folder.path('once.json'), 'utf8'))).toMatchObject({
      leads: 8,
      changed: 1,
      moves: [{ from: 'queue:overflow', to: 'rep:alice', leads: 1, examples: [4] }],
    });

    const replayed = await runCli(['diff', oldFile, newFile, leadsFile, '--now', '2026-11-23T15:00:00Z', '--at', 'created_at', '--json', folder.path('replayed.json')]);
    expect(replayed.code).toBe(0);
    const figures = JSON.parse(readFileSync(folder.path('replayed.json'), 'utf8')) as Record<string, unknown>;
    expect(figures).toMatchObject({ leads: 8, changed: 0, moves: [], unreadable: { leads: 0, first: [] } });
    expect(figures.no_time).toEqual({
      leads: 2,
      first: ['line 8: no time to route at: created_at is blank', expect.stringMatching(/^line 9: no time to route at: created_at: .*next tuesday/) as unknown],
    });
    expect(replayed.stderr.split('\n').filter((l) => l !== '')).toEqual([
      expect.stringMatching(/^leadroute diff: \S+timed\.csv: line 8: no time to route at: created_at is blank$/),
      expect.stringMatching(/^leadroute diff: \S+timed\.csv: line 9: no time to route at: created_at: /),
    ]);
    expect(replayed.stdout).toContain('8 leads from');
    expect(replayed.stdout).toContain(', each routed at its own time (created_at): 0 (0.0%) would change destination');
  });

  test('--tz reads times written without a zone, and a bad --at or --tz is a usage error', async () => {
    // Hours 09:00-17:00 in New York: 10:00 written without a zone is inside them read in New York,
    // and outside (05:00 in New York) read as UTC. Without hours, alice takes the lead either way.
    const hours = (h: string) => `policy "hours"\npool team = [alice]${h}\nelse round_robin(team) or queue after_hours\nfallback queue exceptions\n`;
    const oldFile = folder.file('nohours.route', hours(''));
    const newFile = folder.file('hours.route', hours(' hours "Mon-Fri 09:00-17:00" tz "America/New_York"'));
    const leadsFile = folder.file('local.jsonl', '{"id":1,"at":"2026-11-23 10:00"}\n');
    const utc = await runCli(['diff', oldFile, newFile, leadsFile, '--at', 'at', '--json', folder.path('utc.json')]);
    expect(utc.code).toBe(0);
    expect(JSON.parse(readFileSync(folder.path('utc.json'), 'utf8'))).toMatchObject({ changed: 1, moves: [{ from: 'rep:alice', to: 'queue:after_hours', leads: 1, examples: [1] }] });
    const local = await runCli(['diff', oldFile, newFile, leadsFile, '--at', 'at', '--tz', 'America/New_York', '--json', folder.path('ny.json')]);
    expect(local.code).toBe(0);
    expect(JSON.parse(readFileSync(folder.path('ny.json'), 'utf8'))).toMatchObject({ changed: 0 });

    expect(await runCli(['diff', oldFile, newFile, leadsFile, '--tz', 'UTC'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--tz applies with --at only') as unknown });
    expect(await runCli(['diff', oldFile, newFile, leadsFile, '--at', 'at', '--tz', 'Mars/Olympus'])).toMatchObject({ code: 2, stderr: expect.stringContaining('Mars/Olympus') as unknown });
  });
});

test('on a terminal, stderr shows the count of leads read, and only there', async () => {
  const file = folder.file('tty.route', policy(500, 'support'));
  const many = folder.file('tty.jsonl', Array.from({ length: 2500 }, (_, i) => `{"id":${i},"employees":${i}}`).join('\n'));
  for (const [command, args] of [
    ['diff', [file, file, many]],
    ['audit', [file, many, '--owner', 'id']],
  ] as const) {
    const stderr = new PassThrough();
    const err: string[] = [];
    stderr.on('data', (c: Buffer) => err.push(c.toString()));
    const code = await main([command, ...args, '--now', '2026-11-23T15:00:00Z'], { stdin: Readable.from(['']), stdout: new PassThrough(), stderr, stderrIsTTY: true });
    await new Promise((r) => setImmediate(r));
    expect({ command, code }).toEqual({ command, code: 0 });
    expect(err.join('')).toMatch(/ {2}2,500 leads in \d+\.\ds \([\d,]+ leads\/s\)\n$/);
    const quiet = await runCli([command, ...args, '--now', '2026-11-23T15:00:00Z']);
    expect(quiet.stderr).toBe('');
  }
});
