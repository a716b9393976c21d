// The README as a newcomer reads it: every policy in it routes the example export
// (examples/leads.csv, 600 leads, at one instant) with the outcome counts written here, so a
// reader who copies one gets what it says, not a page of exceptions (the headline policy leaves
// few and uses every pool); and its command-line lines run as written.

import { spawnSync } from 'node:child_process';
import { cpSync, createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { readLeads, type Lead } from '../cli/leads';
import { compilePolicy } from '../compiler/compile';
import { routeMany } from '../routing/route';
import { MemoryStore } from '../state/memory';

const root = join(__dirname, '..');
const NOW = '2026-11-23T15:00:00Z';
const policies = [...readFileSync(join(root, 'README.md'), 'utf8').matchAll(/```route\n([\s\S]*?)```/g)].map((m) => m[1]);

async function exampleLeads(): Promise<Lead[]> {
  const leads: Lead[] = [];
  for await (const batch of readLeads(createReadStream(join(root, 'examples', 'leads.csv')), 'csv', 'leads.csv')) {
    for (const record of batch) if (record.lead !== null) leads.push(record.lead);
  }
  return leads;
}

/** Outcomes by `status:assignee-or-queue`, and by pool. */
async function outcomes(source: string): Promise<{ by: Record<string, number>; pools: Record<string, number>; exceptions: number }> {
  const decisions = await routeMany(compilePolicy(source), await exampleLeads(), { store: new MemoryStore(), now: NOW });
  const by: Record<string, number> = {};
  const pools: Record<string, number> = {};
  for (const d of decisions) {
    const key = `${d.status}:${d.assignee ?? d.queue}`;
    by[key] = (by[key] ?? 0) + 1;
    if (d.pool !== null) pools[d.pool] = (pools[d.pool] ?? 0) + 1;
  }
  return { by, pools, exceptions: decisions.filter((d) => d.status === 'exception').length };
}

// In README order.
const EXPECTED: Array<Record<string, number>> = [
  { 'assigned:alice': 56, 'assigned:bob': 56, 'assigned:mia': 70, 'assigned:noah': 70, 'assigned:frank': 134, 'assigned:gina': 133, 'queued:support': 81 },
  { 'assigned:ana': 110, 'assigned:ben': 57, 'queued:triage': 433 },
  { 'assigned:dieter': 273, 'assigned:emma': 246, 'assigned:tom': 81 },
  // The ping tree: beta_leads stops at 100 offers (shared leads count for both buyers), gamma is under the demo floor, other types have no rule.
  { 'assigned:acme_ins': 54, 'assigned:beta_leads': 93, 'assigned:gamma': 131, 'exception:unsold': 322 },
];

test('the README has its policies', () => expect(policies.length).toBeGreaterThanOrEqual(3));

test.each(policies.map((p, i) => [i, p]))('README policy %i routes examples/leads.csv with the outcomes written here', async (i, source) => {
  const { by } = await outcomes(source as string);
  expect(by).toEqual(EXPECTED[i as number]);
});

test('the headline policy leaves few exceptions and uses every pool it declares', async () => {
  const headline = policies[0];
  const { pools, exceptions } = await outcomes(headline);
  expect(exceptions).toBeLessThan(600 * 0.05);
  const declared = [...headline.matchAll(/^pool\s+(\S+)/gm)].map((m) => m[1]);
  for (const pool of declared) expect({ pool, used: (pools[pool] ?? 0) > 0 }).toEqual({ pool, used: true });
});

test('links only files inside the repository', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const links = [...readme.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)].map((m) => m[1]).filter((target) => !/^[a-z]+:/.test(target));
  expect(links.length).toBeGreaterThan(0);
  for (const target of links) expect({ target, inside: !relative(root, join(root, target)).startsWith('..') && existsSync(join(root, target)) }).toEqual({ target, inside: true });
});

// The README's command-line block, line by line as written, in a folder laid out like a fresh
// clone (nothing built): each line exits 0.
describe('the README commands', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The command line'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const commands = block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '');
  let clone: string;

  beforeAll(() => {
    clone = mkdtempSync(join(tmpdir(), 'leadroute-readme-'));
    // The files copied (the build copies node folders into dist/), the installed packages linked.
    for (const entry of readdirSync(root)) {
      if (entry === 'node_modules') symlinkSync(join(root, entry), join(clone, entry));
      else if (!['.git', 'dist', '.e2e', '.bench'].includes(entry)) cpSync(join(root, entry), join(clone, entry), { recursive: true });
    }
  });

  afterAll(() => rmSync(clone, { recursive: true, force: true }));

  test('starts with the build and uses only files of the repository', () => {
    expect(commands[0]).toBe('npm run build');
    for (const file of block.match(/examples\/\S+/g) ?? []) expect(existsSync(join(root, file))).toBe(true);
  });

  test.each(commands.map((c) => [c]))('%s', (command) => {
    const run = spawnSync('sh', ['-c', command], { cwd: clone, encoding: 'utf8', env: { ...process.env, NODE_ENV: undefined } });
    expect({ command, status: run.status, output: `${run.stdout}${run.stderr}`.slice(-2000) }).toEqual({ command, status: 0, output: expect.any(String) });
  }, 180_000);
});
