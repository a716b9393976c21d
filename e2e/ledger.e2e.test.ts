// The routing ledger in a started n8n 2.41.1 with leadroute installed as a community package:
// leads POSTed to the inbound example (with short SLAs) are routed, two are worked through their
// links, one breaches and is worked by the next rep, a CRM's webhook records outcomes through
// the Lead Ledger node, and a Lead Queue Trigger alerts on the lead left in the exceptions queue.
// Then `leadroute report`, run from the installed package over that n8n's state file, gives the
// counts this story adds up to. n8n's leader looks for due waiting executions, and polls its
// triggers, once a minute: the breach and the alert take up to about 65 s each, side by side.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createPublicApi, listExecutions, waitForExecution, type PublicApi } from './api.ts';
import { postTo, routedExecution } from './links.ts';
import { outputItems, startN8n, waitUntilReady, webhookRegistered, type N8nServer } from './n8n.ts';
import { prepareN8n, readExampleWorkflow, readPackedRecord, type PreparedN8n } from './prepare.ts';
import { nodeEnv, run } from './processes.ts';
import { exampleVariant, outcomeWorkflow, queueAlertWorkflow } from './workflows.ts';

const repoRoot = resolve(__dirname, '..');

const POLICY = `policy "e2e-ledger"
pool sales = [alice, bob, carol]
when type = support route queue support sla 1d
when type = spam route queue exceptions sla 1d
when type = contact route round_robin(sales) sla 10m
else round_robin(sales) sla 5s
fallback queue exceptions`;

const ROUTE_WORKFLOW = 'lrE2eLedger';
const ROUTE_PATH = 'leadroute-e2e-ledger';
const OUTCOME_WORKFLOW = 'lrE2eOutcome';
const OUTCOME_PATH = 'leadroute-e2e-outcome';
const ALERT_WORKFLOW = 'lrE2eQueueAlert';
// After a reassignment 10 minutes, so that the next rep's link is called before any second breach.
const SLA_WAIT = { deadline: 'duration', duration: '={{ $json.routing.attempt === 0 ? $json.routing.sla.duration : "10m" }}' };

interface RoutedLead {
  email: string;
  routing: { id: string; status: string; assignee: string | null; queue: string | null; candidates: string[]; resume_url: string | null };
}

let n8n: PreparedN8n;
let server: N8nServer;
let api: PublicApi;

beforeAll(async () => {
  const packageName = readPackedRecord(repoRoot).name;
  const inbound = readExampleWorkflow(repoRoot, 'leadrouteInbound');
  const routing = exampleVariant(inbound, { id: ROUTE_WORKFLOW, name: 'e2e: inbound demo with the ledger', path: ROUTE_PATH, policy: POLICY, slaWait: SLA_WAIT });
  const outcomes = outcomeWorkflow(OUTCOME_WORKFLOW, OUTCOME_PATH, packageName);
  const alert = queueAlertWorkflow(ALERT_WORKFLOW, packageName, 'exceptions', '1s');
  n8n = await prepareN8n({ repoRoot, tag: 'ledger', workflows: [routing, outcomes, alert], publish: [ROUTE_WORKFLOW, OUTCOME_WORKFLOW, ALERT_WORKFLOW] });
  server = startN8n(n8n.home);
  await waitUntilReady(server, async () => (await webhookRegistered(n8n.home.baseUrl, ROUTE_PATH)) && (await webhookRegistered(n8n.home.baseUrl, OUTCOME_PATH)));
  api = await createPublicApi(n8n.home.baseUrl);
});

afterAll(async () => {
  await server?.stop();
  n8n?.cleanup();
});

/** POSTs to a workflow's webhook; a failure says what its newest execution's error was. */
async function post(workflowId: string, path: string, body: object): Promise<unknown> {
  const answer = await postTo(`${n8n.home.baseUrl}/webhook/${path}`, body);
  if (answer.status === 200) return answer.body;
  const [newest] = await listExecutions(api, workflowId, 1);
  const error = (newest?.data?.resultData as { error?: { message?: string; description?: string } } | undefined)?.error;
  throw new Error(`POST /webhook/${path}: HTTP ${answer.status}: ${JSON.stringify(answer.body)}; execution ${newest?.id}: ${error?.message} (${error?.description})`);
}

/** Routes a lead and waits until its execution waits on SLA Wait; its routing as Route gave it. */
async function routeLead(email: string, type: string): Promise<{ id: string; routing: RoutedLead['routing'] }> {
  await post(ROUTE_WORKFLOW, ROUTE_PATH, { email, type });
  const { id, routed } = await routedExecution<RoutedLead>(api, ROUTE_WORKFLOW, email);
  await waitForExecution(api, id, (execution) => execution.status === 'waiting', 30_000);
  return { id, routing: routed.routing };
}

/** The open items the alert workflow's executions fired with. */
async function alerted(): Promise<Array<Record<string, unknown>>> {
  const fired: Array<Record<string, unknown>> = [];
  for (const execution of await listExecutions(api, ALERT_WORKFLOW)) {
    if (execution.data !== undefined) fired.push(...outputItems({ data: execution.data }, 'Waiting too long').flat());
  }
  return fired;
}

test('routed, worked, breached, outcomes recorded and a waiting lead alerted: leadroute report over the n8n state file counts it all', async () => {
  const spam = await routeLead('spam@junk.example', 'spam');
  expect(spam.routing).toMatchObject({ status: 'queued', queue: 'exceptions' });
  const support = await routeLead('help@customer.example', 'support');
  expect(support.routing).toMatchObject({ status: 'queued', queue: 'support' });
  const ann = await routeLead('ann@prospect.example', 'contact');
  const ben = await routeLead('ben@prospect.example', 'contact');
  const cat = await routeLead('cat@prospect.example', 'contact');
  const late = await routeLead('late@prospect.example', 'demo');
  expect([ann, ben, cat, late].map((lead) => lead.routing.assignee)).toEqual(['alice', 'bob', 'carol', 'alice']);

  // Ann and Ben are called back within their SLA, through their links; Cat's SLA is still running.
  for (const lead of [ann, ben]) {
    expect(await postTo(lead.routing.resume_url ?? '', { contacted_by: lead.routing.assignee })).toMatchObject({ status: 200 });
    await waitForExecution(api, lead.id, (execution) => execution.status === 'success', 30_000);
  }

  // The demo's 5 s SLA passes: Escalate hands it to bob, whose link then ends the wait.
  const escalated = await waitForExecution(api, late.id, (execution) => (execution.data?.resultData.runData.Escalate?.length ?? 0) >= 1, 180_000);
  const [reassigned] = outputItems({ data: escalated.data ?? { resultData: { runData: {} } } }, 'Escalate')[0] as unknown as RoutedLead[];
  expect(reassigned.routing).toMatchObject({ assignee: 'bob' });
  await waitForExecution(api, late.id, (execution) => execution.status === 'waiting' && (execution.data?.resultData.runData['SLA Wait']?.length ?? 0) >= 2, 30_000);
  expect(await postTo(reassigned.routing.resume_url ?? '', { contacted_by: 'bob' })).toMatchObject({ status: 200 });
  await waitForExecution(api, late.id, (execution) => execution.status === 'success', 30_000);

  // The CRM reports meetings and a won deal, by routing id or by the lead's email (its key).
  const recorded = [
    await post(OUTCOME_WORKFLOW, OUTCOME_PATH, { lead: ann.routing.id, event: 'meeting_booked', by: 'alice' }),
    await post(OUTCOME_WORKFLOW, OUTCOME_PATH, { lead: 'ann@prospect.example', event: 'won', by: 'alice' }),
    await post(OUTCOME_WORKFLOW, OUTCOME_PATH, { lead: 'BEN@prospect.example ', event: 'meeting_booked', by: 'bob' }),
  ];
  expect(recorded.map((answer) => JSON.stringify(answer))).toEqual([
    expect.stringContaining('"meeting_booked"'),
    expect.stringContaining('"won"'),
    expect.stringContaining('"meeting_booked"'),
  ]);

  // The trigger fires for the lead in the exceptions queue, once, and not for the support queue's.
  let fired: Array<Record<string, unknown>> = [];
  for (let looks = 0; looks < 90 && fired.length === 0; looks++) {
    fired = await alerted();
    if (fired.length === 0) await new Promise((done) => setTimeout(done, 2000));
  }
  expect(fired).toEqual([expect.objectContaining({ id: spam.routing.id, queue: 'exceptions' })]);

  const json = join(mkdtempSync(join(tmpdir(), 'leadroute-e2e-report-')), 'report.json');
  const cli = join(n8n.home.userFolder, '.n8n', 'nodes', 'node_modules', n8n.packed.name, 'dist', 'cli', 'main.js');
  const state = join(n8n.home.userFolder, '.n8n', 'leadroute-state.sqlite');
  const report = await run(process.execPath, [cli, 'report', '--state', `sqlite:${state}`, '--json', json], { cwd: n8n.home.userFolder, env: nodeEnv() });
  expect(report).toMatchObject({ code: 0 });
  const figures = JSON.parse(readFileSync(json, 'utf8')) as {
    leads: number;
    reassigned: { count: number };
    workedWithinSla: { count: number; of: number };
    queues: { now: Array<{ queue: string; open: number }> };
    byOwner: Array<{ name: string | null; leads: number; meetingBooked: { count: number; of: number } | null; opportunity: { count: number; of: number } | null }>;
  };
  expect(figures.leads).toBe(6);
  expect(figures.reassigned.count).toBe(1);
  // Ann and Ben within their SLA; the demo was worked only after its due time; Cat's is still running.
  expect(figures.workedWithinSla).toMatchObject({ count: 2, of: 3 });
  expect(figures.queues.now.map(({ queue, open }) => ({ queue, open })).sort((a, b) => a.queue.localeCompare(b.queue))).toEqual([
    { queue: 'exceptions', open: 1 },
    { queue: 'support', open: 1 },
  ]);
  const owner = (name: string) => figures.byOwner.find((row) => row.name === name);
  expect(owner('alice')).toMatchObject({ leads: 1, meetingBooked: { count: 1, of: 1 }, opportunity: { count: 1, of: 1 } });
  expect(owner('bob')).toMatchObject({ leads: 2, meetingBooked: { count: 1, of: 2 }, opportunity: { count: 0, of: 2 } });
  expect(owner('carol')).toMatchObject({ leads: 1, meetingBooked: { count: 0, of: 1 } });
});
