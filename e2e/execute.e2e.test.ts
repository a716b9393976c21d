// leadroute installed as a community package in a real n8n 2.41.1, run from n8n's command line:
// the example workflows import, and `n8n execute` of Manual Trigger -> Leads -> Route sends each
// lead to the output its decision names, with the default state store (the SQLite file in the
// n8n user folder) carrying the rotation from one execution (one process) to the next.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { executeWorkflow, n8nCommand, outputItems, type ExecutionRun } from './n8n.ts';
import { exampleWorkflows, prepareN8n, type PreparedN8n } from './prepare.ts';
import { executeRouteWorkflow } from './workflows.ts';

const repoRoot = resolve(__dirname, '..');

const POLICY = `policy "e2e-execute"
pool sales = [alice, bob]
when type = support route queue support
when type = renewal route owner
else round_robin(sales) sla 15m
fallback queue exceptions`;

const LEADS = [
  { email: 'ann@example.com', type: 'demo' },
  { email: 'ben@example.com', type: 'support' },
  { email: 'cat@example.com', type: 'demo' },
  { email: 'dan@example.com', type: 'renewal' },
  { email: 'eve@example.com', type: 'demo' },
];

const WORKFLOW_ID = 'lrE2eExecute';

interface RoutedItem {
  email: string;
  routing: { status: string; assignee: string | null; queue: string | null; reason: string | null; history: Array<{ event: string }> };
}

let n8n: PreparedN8n;

beforeAll(async () => {
  const packageName = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string }).name;
  n8n = await prepareN8n({ repoRoot, tag: 'execute', workflows: [executeRouteWorkflow(WORKFLOW_ID, { packageName, policy: POLICY }, LEADS)] });
});

afterAll(() => n8n?.cleanup());

function routedByOutput(run: ExecutionRun): RoutedItem[][] {
  return outputItems(run, 'Route').map((items) => items as unknown as RoutedItem[]);
}

test('the example workflows and the test workflow are imported', async () => {
  const listed = await n8nCommand(n8n.home, ['list:workflow'], { N8N_LOG_LEVEL: 'info' });
  expect(listed.code).toBe(0);
  const examples = exampleWorkflows(repoRoot);
  expect(examples.length).toBeGreaterThan(0);
  for (const { workflow } of examples) expect(listed.stdout).toContain(`${workflow.id}|${workflow.name}`);
  expect(listed.stdout).toContain(`${WORKFLOW_ID}|e2e: execute Route`);
});

test('n8n execute routes every lead to the output of its status: Assigned, Queued, Exception', async () => {
  const [assigned, queued, exception] = routedByOutput(await executeWorkflow(n8n.home, WORKFLOW_ID));

  expect(assigned.map((item) => [item.email, item.routing.status, item.routing.assignee])).toEqual([
    ['ann@example.com', 'assigned', 'alice'],
    ['cat@example.com', 'assigned', 'bob'],
    ['eve@example.com', 'assigned', 'alice'],
  ]);
  expect(queued.map((item) => [item.email, item.routing.status, item.routing.queue])).toEqual([['ben@example.com', 'queued', 'support']]);
  expect(exception).toHaveLength(1);
  expect(exception[0]).toMatchObject({ email: 'dan@example.com', routing: { status: 'exception', queue: 'exceptions', assignee: null } });
  expect(exception[0].routing.reason).toEqual(expect.stringMatching(/owner/));
  for (const item of [...assigned, ...queued, ...exception]) expect(item.routing.history.map((event) => event.event)).toEqual(['assigned']);
});

test('a second execution (a new n8n process) continues the rotation from the SQLite state store', async () => {
  const [assigned] = routedByOutput(await executeWorkflow(n8n.home, WORKFLOW_ID));
  expect(assigned.map((item) => item.routing.assignee)).toEqual(['bob', 'alice', 'bob']);
});
