// --html on the commands: the page is written whole to the file named, from the command's figures.
import { readFileSync } from 'node:fs';
import { runCli, scratchFolder } from '../cli/run-cli';

const folder = scratchFolder('leadroute-html-');

const policy = (threshold: number) => `policy "threshold"
pool big   = [alice]
pool small = ["<script>bob</script>"]
when employees >= ${threshold} route round_robin(big)
else round_robin(small)
fallback queue exceptions
`;

test('diff --html writes a page with one bar per move, names escaped', async () => {
  // By hand: 250 and 300 sit between 200 and 500 and move from the small pool to alice; 50 and 900 stay.
  const leads = folder.file('leads.jsonl', ['{"employees":50}', '{"employees":250}', '{"employees":300}', '{"employees":900}'].join('\n'));
  const run = await runCli(['diff', folder.file('old.route', policy(500)), folder.file('new.route', policy(200)), leads, '--now', '2026-11-23T15:00:00Z', '--html', folder.path('diff.html')]);
  expect(run.code).toBe(0);
  const page = readFileSync(folder.path('diff.html'), 'utf8');
  expect(page.split('<rect class="bar').length - 1).toBe(1);
  expect(page).toContain('<td>rep:&lt;script&gt;bob&lt;/script&gt;</td><td>rep:alice</td><td class="n">2</td><td>2, 3</td>');
  expect(page).not.toContain('<script');
});

test('an --html file that cannot be written is a usage error naming it', async () => {
  const run = await runCli(['diff', folder.file('p.route', policy(500)), folder.file('p.route', policy(500)), folder.file('l.jsonl', '{}'), '--html', folder.path('no/such/dir/x.html')]);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain("cannot write --html file '");
});
