// Issue 11, item 2: one bad lead is one exception. A lead nested too deep or holding too many
// values becomes an exception decision naming its line and the limit, and the run goes on; a CSV
// header that would make every lead too deep is refused at once. Before, one JSONL line 5,000
// deep ended the run with a stack overflow, losing the leads after it.
import { MAX_LEAD_DEPTH, MAX_LEAD_VALUES } from '../../core/lead-limits';
import { runCli, scratchFolder } from '../cli/run-cli';
import { assignmentsIn } from './assignments';

const scratch = scratchFolder('leadroute-lead-limits-');
const NOW = '2026-11-23T15:00:00Z';
const POLICY = 'policy "limits"\npool team = [ana, ben, cy]\nelse round_robin(team)\nfallback queue exceptions\n';

const good = (from: number, count: number) => Array.from({ length: count }, (_, i) => JSON.stringify({ email: `l${from + i}@x.com` }));
const deep = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

interface Routed {
  status: string;
  reason: string | null;
}
const routings = (stdout: string): Routed[] => stdout.trimEnd().split('\n').map((line) => (JSON.parse(line) as { routing: Routed }).routing);

describe('route', () => {
  test('a JSONL lead 5,000 deep between 300 good leads each side: one exception naming its line, every lead out, output and state agree', async () => {
    const policy = scratch.file('p.route', POLICY);
    const leads = scratch.file('deep.jsonl', [...good(0, 300), deep(5000), ...good(300, 300)].join('\n'));
    const db = scratch.path('deep.db');
    const r = await runCli(['route', policy, leads, '--now', NOW, '--state', `sqlite:${db}`]);
    expect(r.code).toBe(0);
    const out = routings(r.stdout);
    expect(out).toHaveLength(601);
    expect(out[300]).toMatchObject({ status: 'exception', reason: `lead on line 301 is nested deeper than ${MAX_LEAD_DEPTH} levels` });
    expect(out.filter((d) => d.status === 'assigned')).toHaveLength(600);
    expect(await assignmentsIn(db, 'limits')).toBe(600);
    expect(r.stderr).toContain(`deep.jsonl: lead on line 301 is nested deeper than ${MAX_LEAD_DEPTH} levels`);
  });

  test('the same in a JSON array, and a lead of more values than the limit', async () => {
    const policy = scratch.file('p.route', POLICY);
    const wide = JSON.stringify(Object.fromEntries(Array.from({ length: MAX_LEAD_VALUES + 1 }, (_, i) => [`k${i}`, i])));
    const leads = scratch.file('deep.json', `[${[...good(0, 3), deep(5000), wide, ...good(3, 3)].join(',')}]`);
    const r = await runCli(['route', policy, leads, '--now', NOW]);
    expect(r.code).toBe(0);
    const out = routings(r.stdout);
    expect(out).toHaveLength(8);
    expect(out[3].reason).toBe(`lead on index 3 is nested deeper than ${MAX_LEAD_DEPTH} levels`);
    expect(out[4].reason).toBe(`lead on index 4 is holding more than ${MAX_LEAD_VALUES} values`);
    expect(out.filter((d) => d.status === 'assigned')).toHaveLength(6);
  });

  test('a lead exactly at the depth limit is routed', async () => {
    const policy = scratch.file('p.route', POLICY);
    const leads = scratch.file('edge.jsonl', [deep(MAX_LEAD_DEPTH), deep(MAX_LEAD_DEPTH + 1)].join('\n'));
    const r = await runCli(['route', policy, leads, '--now', NOW]);
    expect(routings(r.stdout).map((d) => d.status)).toEqual(['assigned', 'exception']);
  });

  test('a CSV header of 10,000 dotted segments is refused at once, naming the column', async () => {
    const policy = scratch.file('p.route', POLICY);
    const leads = scratch.file('header.csv', `email,${Array(10_000).fill('a').join('.')}\nx@y.com,1\n`);
    const r = await runCli(['route', policy, leads, '--now', NOW]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`header.csv:1: column 2 header has 10000 dotted parts; a lead nests at most ${MAX_LEAD_DEPTH} levels`);
  });
});

test('normalize: the deep lead is one line for review, the others are cleaned', async () => {
  const leads = scratch.file('deep.jsonl', [...good(0, 3), deep(5000), ...good(3, 3)].join('\n'));
  const r = await runCli(['normalize', leads]);
  expect(r.code).toBe(0);
  const lines = r.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { normalization: { status: string; problems: { message: string }[] } });
  expect(lines).toHaveLength(7);
  expect(lines[3].normalization.problems[0].message).toBe(`lead on line 4 is nested deeper than ${MAX_LEAD_DEPTH} levels`);
});
