// The example workflows over HTTP in a started n8n 2.41.1 with leadroute installed as a
// community package: a lead POSTed to a published workflow's webhook comes back with the public
// view of its decision only (no link, no signature); the execution then waits on SLA Wait, and
// either the assignee's link ends the wait on Worked, or the deadline passes, the lead leaves on
// Breached and Escalate hands it to the next candidate with a link of their own; the first
// assignee's link then only answers that the lead moved on. The links are read from the
// execution, as a notification node would read them.
// n8n's leader looks for due waiting executions once a minute, so a breach of a 5 s SLA comes out
// up to about 65 s after its deadline: the breach test allows 3 minutes.

import { resolve } from 'node:path';
import { createPublicApi, waitForExecution, type Execution, type PublicApi } from './api.ts';
import { call, routedExecution, postTo } from './links.ts';
import { nodeErrorDescription, openEditor, searchNodes, type Editor } from './editor.ts';
import { outputItems, startN8n, waitUntilReady, webhookRegistered, type N8nServer } from './n8n.ts';
import { prepareN8n, readExampleWorkflow, readPackedRecord, type PreparedN8n } from './prepare.ts';
import { exampleVariant, executeRouteWorkflow, webhookPath } from './workflows.ts';

const repoRoot = resolve(__dirname, '..');

/** The inbound example's workflow with this policy: contact requests get 10 minutes, demo requests 5 seconds. */
const SLA_POLICY = `policy "e2e-sla"
pool sales = [alice, bob, carol]
when type = support route queue support
when type = contact route round_robin(sales) sla 10m
else round_robin(sales) sla 5s
fallback queue exceptions`;

const SLA_WORKFLOW = 'lrE2eSla';
/** A workflow whose Route policy has two errors, on lines 3 and 4, for the editor's error panel. */
const BROKEN_WORKFLOW = 'lrE2eBroken';
const BROKEN_POLICY = `policy "broken"
pool sales = [alice, bob]
when type = demo route round_robin(sale) sla 5m
when type = trial route round_robbin(sales)
fallback queue exceptions`;
const SLA_PATH = 'leadroute-e2e-sla';
// The first wait is the decision's SLA; after a reassignment 10 minutes, so that the test has
// time to call both links before n8n's next poll could breach the second assignee too.
const SLA_WAIT = { deadline: 'duration', duration: '={{ $json.routing.attempt === 0 ? $json.routing.sla.duration : "10m" }}' };

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

/** What a caller is answered with: the decision's public view. */
interface PublicDecision {
  status: string;
  assignee: string | null;
  queue: string | null;
  due: string | null;
}

let n8n: PreparedN8n;
let server: N8nServer;
let api: PublicApi;
const inbound = readExampleWorkflow(repoRoot, 'leadrouteInbound');
const agency = readExampleWorkflow(repoRoot, 'leadrouteAgency');
const INBOUND_PATH = webhookPath(inbound);
const AGENCY_PATH = webhookPath(agency);

beforeAll(async () => {
  const broken = executeRouteWorkflow(BROKEN_WORKFLOW, { packageName: readPackedRecord(repoRoot).name, policy: BROKEN_POLICY }, [{ type: 'demo' }]);
  const slaVariant = exampleVariant(inbound, { id: SLA_WORKFLOW, name: 'e2e: inbound demo with a 5 s SLA', path: SLA_PATH, policy: SLA_POLICY, slaWait: SLA_WAIT });
  n8n = await prepareN8n({ repoRoot, tag: 'http', workflows: [slaVariant, broken], publish: [inbound.id, agency.id, SLA_WORKFLOW] });
  server = startN8n(n8n.home);
  const paths = [INBOUND_PATH, AGENCY_PATH, SLA_PATH];
  await waitUntilReady(server, async () => (await Promise.all(paths.map((path) => path !== null && webhookRegistered(n8n.home.baseUrl, path)))).every(Boolean));
  api = await createPublicApi(n8n.home.baseUrl);
});

afterAll(async () => {
  await server?.stop();
  n8n?.cleanup();
});

/** POSTs a lead; the answer must be the public view, without any link or signature. */
async function postLead(path: string | null, lead: object): Promise<PublicDecision> {
  if (path === null) throw new Error('the workflow has no webhook');
  const response = await fetch(`${n8n.home.baseUrl}/webhook/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(lead) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`POST /webhook/${path}: HTTP ${response.status}: ${text}`);
  expect(text).not.toMatch(/webhook-waiting|signature|resume_url|link_secret|[?&]key=/);
  const answer = JSON.parse(text) as PublicDecision;
  expect(Object.keys(answer).sort()).toEqual(['assignee', 'due', 'queue', 'status']);
  return answer;
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

test('a lead POSTed to the inbound example is answered with the public view; the execution carries the link and waits', async () => {
  const demo = await postLead(INBOUND_PATH, { email: 'ada@bigcorp.example', type: 'demo', employees: 5000 });
  expect(demo).toMatchObject({ status: 'assigned', assignee: 'alice', queue: null });
  const { id, routed } = await routedExecution<RoutedLead>(api, inbound.id, 'ada@bigcorp.example');
  expect(routed.routing).toMatchObject({ status: 'assigned', assignee: 'alice', pool: 'enterprise', priority: 'high', sla: { duration: '15m', due: demo.due } });
  expect(routed.routing.candidates).toEqual(['bob', 'carol']);
  expect(routed.routing.history.map((event) => event.event)).toEqual(['assigned']);
  expect(routed.routing.resume_url).toMatch(new RegExp(`^${n8n.home.baseUrl}/webhook-waiting/${id}\\?signature=.+&attempt=0&key=`));
  await waitForExecution(api, id, (execution) => execution.status === 'waiting', 30_000);

  const support = await postLead(INBOUND_PATH, { email: 'bo@smallco.example', type: 'support', employees: 12 });
  expect(support).toMatchObject({ status: 'queued', queue: 'support', assignee: null });
});

test('the agency template routes by the policy in its Client policy node, answering with the public view', async () => {
  const first = await postLead(AGENCY_PATH, { email: 'cy@client.example', type: 'demo' });
  const second = await postLead(AGENCY_PATH, { email: 'di@client.example', type: 'demo' });
  expect([first.assignee, second.assignee]).toEqual(['rep_one', 'rep_two']);
  expect(first.status).toBe('assigned');
});

test("the assignee's link ends the wait on Worked, with the call recorded", async () => {
  const answer = await postLead(SLA_PATH, { email: 'worked@example.com', type: 'contact' });
  expect(answer).toMatchObject({ status: 'assigned', assignee: 'alice' });
  const { id, routed } = await routedExecution<RoutedLead>(api, SLA_WORKFLOW, 'worked@example.com');
  await waitForExecution(api, id, (execution) => execution.status === 'waiting', 30_000);

  expect(await postTo(routed.routing.resume_url ?? '', { contacted_by: 'alice' })).toMatchObject({ status: 200 });
  const done = await waitForExecution(api, id, (execution) => execution.status === 'success', 30_000);
  const [worked] = routedItems(done, 'Worked', 0);
  expect(worked.email).toBe('worked@example.com');
  expect(worked.routing.history.map((event) => event.event)).toEqual(['assigned', 'worked']);
  expect(worked.routing.history[1]).toMatchObject({ assignee: 'alice', data: { contacted_by: 'alice' } });
  expect(routedItems(done, 'SLA Wait', 0)).toEqual([]);
  expect(done.data?.resultData.runData.Escalate).toBeUndefined();
});

test("a breach hands the lead to B with B's own link; A's link then answers 'moved on' and B's SLA keeps running until B's link ends it", async () => {
  await postLead(SLA_PATH, { email: 'late@example.com', type: 'demo' });
  const { id, routed } = await routedExecution<RoutedLead>(api, SLA_WORKFLOW, 'late@example.com');
  const first = routed.routing;
  expect(first).toMatchObject({ status: 'assigned', assignee: 'bob', sla: { duration: '5s' } });
  const a = first.assignee as string;
  const b = first.candidates[0];

  const escalated = await waitForExecution(api, id, ranNode('Escalate'), 180_000);
  console.log(`e2e: the 5 s SLA was due at ${first.sla?.due}; the breach was seen ${((Date.now() - Date.parse(first.sla?.due ?? '')) / 1000).toFixed(1)} s after it`);
  // What leaves on Breached is the item as it came in (n8n resumes a deadline with the node's input).
  expect(routedItems(escalated, 'SLA Wait', 0).map((item) => item.routing.assignee)).toEqual([a]);
  const [reassigned] = routedItems(escalated, 'Escalate', 0);
  expect(reassigned.routing).toMatchObject({ status: 'assigned', assignee: b, previous_assignee: a, attempt: 1 });
  expect(reassigned.routing.history.map((event) => event.event)).toEqual(['assigned', 'breached', 'reassigned']);
  expect(reassigned.routing.history[2]).toMatchObject({ from: a, to: b, step: 'next', attempt: 1 });
  const bLink = reassigned.routing.resume_url ?? '';
  expect(bLink).not.toBe(first.resume_url);
  await waitForExecution(api, id, (execution) => execution.status === 'waiting' && ranNode('SLA Wait', 2)(execution), 30_000);

  // A's link, clicked late (a GET with an outcome): answered, not resumed.
  const late = await call(`${first.resume_url}&outcome=voicemail`);
  expect(late).toEqual({ status: 200, body: { status: 'moved_on', message: `This lead has moved on to ${b}; your link no longer stops its SLA.`, assignee: b, queue: null } });
  expect((await waitForExecution(api, id, () => true, 5_000)).status).toBe('waiting');

  expect(await postTo(bLink, { contacted_by: b })).toMatchObject({ status: 200 });
  const done = await waitForExecution(api, id, (execution) => execution.status === 'success', 30_000);
  // The second run of SLA Wait (after the loop) is the one that sent the lead to Worked.
  expect(routedItems(done, 'SLA Wait', 1, 1).map((item) => item.email)).toEqual(['late@example.com']);
  const [worked] = routedItems(done, 'Worked', 0);
  expect(worked.routing).toMatchObject({ assignee: b, previous_assignee: a, attempt: 1 });
  expect(worked.routing.history.map((event) => event.event)).toEqual(['assigned', 'breached', 'reassigned', 'late_touch', 'worked']);
  expect(worked.routing.history[3]).toMatchObject({ assignee: a, attempt: 0, current_assignee: b, data: { outcome: 'voicemail' } });
  expect(worked.routing.history[4]).toMatchObject({ assignee: b, attempt: 1, data: { contacted_by: b } });
});

describe('in the editor (headless Chromium)', () => {
  const shots = resolve(repoRoot, '.e2e', 'screenshots');
  let editor: Editor;

  beforeAll(async () => {
    editor = await openEditor(api, shots);
    console.log(`e2e: editor screenshots in ${shots}`);
  });

  afterAll(async () => {
    await editor?.close();
  });

  // What a builder types, and the leadroute nodes that must be among the first five results.
  const SEARCHES: Array<[string, string[]]> = [
    ['lead', ['Lead Router', 'Lead Normalize', 'Lead Escalate', 'Lead SLA Wait']],
    ['round robin', ['Lead Router']],
    ['assign', ['Lead Router', 'Lead Escalate']],
    ['territory', ['Lead Router']],
    ['SLA', ['Lead SLA Wait', 'Lead Escalate']],
    ['escalate', ['Lead Escalate']],
    ['lead distribution', ['Lead Router', 'Lead Escalate']],
  ];

  test.each(SEARCHES)('searching the node picker for "%s" lists %j among the first five', async (words, expected) => {
    const names = await searchNodes(editor, n8n.home.baseUrl, BROKEN_WORKFLOW, words);
    await editor.screenshot(`search-${words.replace(/\W+/g, '-')}`);
    const firstFive = names.slice(0, 5);
    for (const name of expected) expect({ words, firstFive, has: firstFive.includes(name) }).toEqual({ words, firstFive, has: true });
  });

  test("a broken policy shows each diagnostic on its own lines in the node's error panel, the caret under its spot", async () => {
    const text = await nodeErrorDescription(editor, n8n.home.baseUrl, BROKEN_WORKFLOW, 'Route');
    await editor.screenshot('route-policy-errors');
    const lines = text.split('\n');
    for (const [line, spot] of [
      [3, 'sale'],
      [4, 'round_robbin'],
    ] as const) {
      const header = lines.findIndex((l) => l.startsWith(`policy:${line}:`));
      expect(header).toBeGreaterThanOrEqual(0);
      const source = lines[header + 1];
      const caret = lines[header + 2];
      expect(source).toMatch(new RegExp(`^${line} \\| `));
      // The caret line's first ^ stands under the first character of the spot.
      expect(caret.indexOf('^')).toBe(source.indexOf(spot));
    }
  });
});
