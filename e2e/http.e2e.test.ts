// The example workflows over HTTP in a started n8n 2.41.1 with leadroute installed as a
// community package: a lead POSTed to a published workflow's webhook comes back routed; the
// execution then waits on SLA Wait, and either the rep's resume URL ends the wait on Worked, or
// the deadline passes, the lead leaves on Breached and Escalate hands it to the next candidate.
// n8n's leader looks for due waiting executions once a minute, so a breach of a 5 s SLA comes out
// up to about 65 s after its deadline: the breach test allows 3 minutes.

import { resolve } from 'node:path';
import { createPublicApi, waitForExecution, type Execution, type PublicApi } from './api.ts';
import { outputItems, startN8n, waitUntilReady, webhookRegistered, type N8nServer } from './n8n.ts';
import { prepareN8n, readExampleWorkflow, type PreparedN8n } from './prepare.ts';
import { exampleVariant, webhookPath } from './workflows.ts';

const repoRoot = resolve(__dirname, '..');

/** The inbound example's workflow with this policy: contact requests get 10 minutes, demo requests 5 seconds. */
const SLA_POLICY = `policy "e2e-sla"
pool sales = [alice, bob, carol]
when type = support route queue support
when type = contact route round_robin(sales) sla 10m
else round_robin(sales) sla 5s
fallback queue exceptions`;

const SLA_WORKFLOW = 'lrE2eSla';
const SLA_PATH = 'leadroute-e2e-sla';

interface RoutingEvent {
  event: string;
}

interface Routing {
  status: string;
  assignee: string | null;
  queue: string | null;
  pool: string | null;
  candidates: string[];
  priority: string;
  sla: { duration: string; due: string } | null;
  resume_url: string | null;
  attempt: number;
  previous_assignee: string | null;
  history: RoutingEvent[];
}

interface RoutedLead {
  email: string;
  routing: Routing;
}

let n8n: PreparedN8n;
let server: N8nServer;
let api: PublicApi;
const inbound = readExampleWorkflow(repoRoot, 'leadrouteInbound');
const agency = readExampleWorkflow(repoRoot, 'leadrouteAgency');
const INBOUND_PATH = webhookPath(inbound);
const AGENCY_PATH = webhookPath(agency);

beforeAll(async () => {
  const slaVariant = exampleVariant(inbound, { id: SLA_WORKFLOW, name: 'e2e: inbound demo with a 5 s SLA', path: SLA_PATH, policy: SLA_POLICY });
  n8n = await prepareN8n({ repoRoot, tag: 'http', workflows: [slaVariant], publish: [inbound.id, agency.id, SLA_WORKFLOW] });
  server = startN8n(n8n.home);
  const paths = [INBOUND_PATH, AGENCY_PATH, SLA_PATH];
  await waitUntilReady(server, async () => (await Promise.all(paths.map((path) => path !== null && webhookRegistered(n8n.home.baseUrl, path)))).every(Boolean));
  api = await createPublicApi(n8n.home.baseUrl);
});

afterAll(async () => {
  await server?.stop();
  n8n?.cleanup();
});

async function postLead(path: string | null, lead: object): Promise<RoutedLead> {
  if (path === null) throw new Error('the workflow has no webhook');
  const response = await fetch(`${n8n.home.baseUrl}/webhook/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(lead) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`POST /webhook/${path}: HTTP ${response.status}: ${text}`);
  return JSON.parse(text) as RoutedLead;
}

/** The execution behind a resume URL (`/webhook-waiting/<execution id>?signature=...`). */
function executionIdOf(resumeUrl: string): string {
  const id = new URL(resumeUrl).pathname.split('/').pop();
  if (id === undefined || !/^\d+$/.test(id)) throw new Error(`not a resume URL: ${resumeUrl}`);
  return id;
}

async function resume(resumeUrl: string, body: object): Promise<void> {
  const response = await fetch(resumeUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${resumeUrl}: HTTP ${response.status}: ${text}`);
}

function routedItems(execution: Execution, node: string, output: number, runIndex = 0): RoutedLead[] {
  if (execution.data === undefined) throw new Error(`execution ${execution.id} came without data`);
  return (outputItems({ data: execution.data }, node, runIndex)[output] ?? []) as unknown as RoutedLead[];
}

const ranNode = (node: string, runs = 1) => (execution: Execution): boolean => (execution.data?.resultData.runData[node]?.length ?? 0) >= runs;

test('n8n loads the pack without an error or a warning about it', () => {
  const aboutPack = server
    .output()
    .split('\n')
    .filter((line) => line.includes(n8n.packed.name));
  expect(aboutPack).toEqual([]);
});

test('a lead POSTed to the inbound example comes back routed, with its resume URL, and the execution waits', async () => {
  const demo = await postLead(INBOUND_PATH, { email: 'ada@bigcorp.example', type: 'demo', employees: 5000 });
  expect(demo.email).toBe('ada@bigcorp.example');
  expect(demo.routing).toMatchObject({ status: 'assigned', assignee: 'alice', pool: 'enterprise', priority: 'high', sla: { duration: '15m' } });
  expect(demo.routing.candidates).toEqual(['bob', 'carol']);
  expect(demo.routing.history.map((event) => event.event)).toEqual(['assigned']);
  expect(demo.routing.resume_url).toMatch(new RegExp(`^${n8n.home.baseUrl}/webhook-waiting/\\d+`));
  await waitForExecution(api, executionIdOf(demo.routing.resume_url ?? ''), (execution) => execution.status === 'waiting', 30_000);

  const support = await postLead(INBOUND_PATH, { email: 'bo@smallco.example', type: 'support', employees: 12 });
  expect(support.routing).toMatchObject({ status: 'queued', queue: 'support', assignee: null });
});

test('the agency template routes by the policy in its Client policy node', async () => {
  const first = await postLead(AGENCY_PATH, { email: 'cy@client.example', type: 'demo' });
  const second = await postLead(AGENCY_PATH, { email: 'di@client.example', type: 'demo' });
  expect([first.routing.assignee, second.routing.assignee]).toEqual(['rep_one', 'rep_two']);
  expect(first.routing).toMatchObject({ status: 'assigned', priority: 'high', sla: { duration: '10m' } });
});

test('calling the resume URL of a waiting execution ends the wait on Worked, with the call recorded', async () => {
  const routed = await postLead(SLA_PATH, { email: 'worked@example.com', type: 'contact' });
  expect(routed.routing).toMatchObject({ status: 'assigned', assignee: 'alice', sla: { duration: '10m' } });
  const resumeUrl = routed.routing.resume_url ?? '';
  const id = executionIdOf(resumeUrl);
  await waitForExecution(api, id, (execution) => execution.status === 'waiting', 30_000);

  await resume(resumeUrl, { contacted_by: 'alice' });
  const done = await waitForExecution(api, id, (execution) => execution.status === 'success', 30_000);
  const [worked] = routedItems(done, 'Worked', 0);
  expect(worked.email).toBe('worked@example.com');
  expect(worked.routing.history.map((event) => event.event)).toEqual(['assigned', 'worked']);
  expect(worked.routing.history[1]).toMatchObject({ assignee: 'alice', data: { contacted_by: 'alice' } });
  expect(routedItems(done, 'SLA Wait', 0)).toEqual([]);
  expect(done.data?.resultData.runData.Escalate).toBeUndefined();
});

test('left alone, the lead leaves on Breached after its deadline, Escalate hands it to the next candidate, and the loop waits again', async () => {
  const routed = await postLead(SLA_PATH, { email: 'late@example.com', type: 'demo' });
  const first = routed.routing;
  expect(first).toMatchObject({ status: 'assigned', assignee: 'bob', sla: { duration: '5s' } });
  expect(first.candidates.length).toBeGreaterThan(0);
  const resumeUrl = first.resume_url ?? '';
  const id = executionIdOf(resumeUrl);

  const escalated = await waitForExecution(api, id, ranNode('Escalate'), 180_000);
  const breachSeen = Date.now();
  console.log(`e2e: the 5 s SLA was due at ${first.sla?.due}; the breach was seen ${((breachSeen - Date.parse(first.sla?.due ?? '')) / 1000).toFixed(1)} s after it`);

  // What leaves on Breached is the item as it came in (n8n resumes a deadline with the node's input).
  const [breached] = routedItems(escalated, 'SLA Wait', 0);
  expect(breached.email).toBe('late@example.com');
  expect(breached.routing.assignee).toBe('bob');
  expect(routedItems(escalated, 'SLA Wait', 1)).toEqual([]);

  const [reassigned] = routedItems(escalated, 'Escalate', 0);
  expect(routedItems(escalated, 'Escalate', 1)).toEqual([]);
  expect(reassigned.routing).toMatchObject({ status: 'assigned', assignee: first.candidates[0], previous_assignee: 'bob', attempt: 1 });
  expect(reassigned.routing.history.map((event) => event.event)).toEqual(['assigned', 'breached', 'reassigned']);
  expect(reassigned.routing.history[1]).toMatchObject({ assignee: 'bob', due: first.sla?.due });
  expect(reassigned.routing.history[2]).toMatchObject({ from: 'bob', to: first.candidates[0], step: 'next', attempt: 1 });

  // Around the loop: the reassigned lead waits on SLA Wait again, and the same resume URL ends that wait.
  await waitForExecution(api, id, (execution) => execution.status === 'waiting' && ranNode('SLA Wait', 2)(execution), 30_000);
  await resume(resumeUrl, { contacted_by: first.candidates[0] });
  const done = await waitForExecution(api, id, (execution) => execution.status === 'success', 30_000);
  // The second run of SLA Wait (after the loop) is the one that sent the lead to Worked.
  expect(routedItems(done, 'SLA Wait', 1, 1).map((item) => item.email)).toEqual(['late@example.com']);
  const [worked] = routedItems(done, 'Worked', 0);
  expect(worked.routing).toMatchObject({ assignee: first.candidates[0], previous_assignee: 'bob', attempt: 1 });
  expect(worked.routing.history.map((event) => event.event)).toEqual(['assigned', 'breached', 'reassigned', 'worked']);
  expect(worked.routing.history[3]).toMatchObject({ assignee: first.candidates[0], data: { contacted_by: first.candidates[0] } });
});
