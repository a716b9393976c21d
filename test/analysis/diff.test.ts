// The diff against a policy change whose effect is known: moving a threshold from 500 to 200
// moves exactly the leads in between, renaming a queue moves the leads it held, and nothing else.
import { readFileSync } from 'node:fs';
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
