// Issue 11, item 4: `-o` never destroys a file. It may not name the leads or the policy, and the
// lines go to a temporary file renamed into place when the run ends well, so a run that fails
// leaves an existing file as it was.
import { readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { runCli, scratchFolder } from '../cli/run-cli';

const scratch = scratchFolder('leadroute-output-files-');
const NOW = '2026-11-23T15:00:00Z';
const POLICY = 'policy "files"\npool team = [ana, ben]\nelse round_robin(team)\nfallback queue exceptions\n';
const LEADS = '{"email":"a@x.com"}\n{"email":"b@x.com"}\n';

test('-o naming the leads file, the policy file, or a link to one, is refused and both stay as they were', async () => {
  const policy = scratch.file('p.route', POLICY);
  const leads = scratch.file('l.jsonl', LEADS);
  symlinkSync(leads, scratch.path('link.jsonl'));
  for (const [target, what] of [[leads, 'LEADS'], [policy, 'POLICY'], [scratch.path('link.jsonl'), 'LEADS']]) {
    const r = await runCli(['route', policy, leads, '--now', NOW, '-o', target]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--output '${target}' is the ${what} file: the run would destroy it`);
  }
  expect(readFileSync(leads, 'utf8')).toBe(LEADS);
  expect(readFileSync(policy, 'utf8')).toBe(POLICY);
});

test('a run that fails to start leaves an existing output file as it was, and no temporary file behind', async () => {
  const policy = scratch.file('p.route', POLICY);
  const leads = scratch.file('l.jsonl', LEADS);
  const out = scratch.file('out.jsonl', 'earlier output\n');
  const r = await runCli(['route', policy, leads, '--now', NOW, '-o', out, '--state', `sqlite:${scratch.path('missing/x.db')}`]);
  expect(r.code).toBe(2);
  expect(readFileSync(out, 'utf8')).toBe('earlier output\n');
  expect(readdirSync(scratch.path()).filter((name) => name.endsWith('.tmp'))).toEqual([]);
});

test('a run that ends well replaces the file whole', async () => {
  const policy = scratch.file('p.route', POLICY);
  const leads = scratch.file('l.jsonl', LEADS);
  const out = scratch.file('out.jsonl', 'earlier output\n');
  const r = await runCli(['route', policy, leads, '--now', NOW, '-o', out]);
  expect(r.code).toBe(0);
  expect(readFileSync(out, 'utf8').trimEnd().split('\n').map((line) => (JSON.parse(line) as { routing: { assignee: string } }).routing.assignee)).toEqual(['ana', 'ben']);
  expect(readdirSync(scratch.path()).filter((name) => name.endsWith('.tmp'))).toEqual([]);
});
