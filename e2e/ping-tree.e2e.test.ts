// The ping-tree example (examples/workflows/ping-tree.json) in a started n8n 2.41.1, against
// buyer endpoints that this test serves on the loopback interface: every buyer answers its
// ping, and only delta_live with a live bid (for some leads); offered a lead, acme_ins never
// answers (the offer times out after the rule's sla, 10 s), beta_leads declines, gamma_auto and
// delta_live accept. The workflow's Buyers node is pointed at those endpoints; nothing else
// changes. Each lead is sold to the highest eligible bidder that accepts, the cascade passing the
// silent and the declining buyer; the filter log names every buyer left out and why; a lead
// nobody takes, and a lead no rule sells, wait in the unsold queue; the installed package's
// command line reads the buyers' answers back from the ledger the workflow wrote.

import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { createPublicApi, listExecutions, type Execution, type PublicApi } from './api.ts';
import { outputItems, startN8n, waitUntilReady, webhookRegistered, type N8nServer } from './n8n.ts';
import { prepareN8n, readExampleWorkflow, type PreparedN8n } from './prepare.ts';
import { freePort, nodeEnv, run } from './processes.ts';
import { pingTreeVariant } from './workflows.ts';

const repoRoot = resolve(__dirname, '..');
const WORKFLOW = 'lrE2ePingTree';
const PATH = 'leadroute-e2e-ping-tree';

/** delta_live's live bids, by lead email; other leads get an answer without a bid. */
const LIVE_BIDS: Record<string, number> = { 'ann@ping.example': 20, 'ben@ping.example': 40 };

const LEADS = {
  // acme_ins 50, beta_leads 45, gamma_auto 35; delta_live's live 20 is under the floor.
  ann: { email: 'ann@ping.example', vertical: 'auto_insurance', state: 'CA', credit_score: 700 },
  // acme_ins filtered out by state; delta_live's live 40 puts it between beta_leads and gamma_auto.
  ben: { email: 'ben@ping.example', vertical: 'auto_insurance', state: 'NY', credit_score: 720 },
  // Only acme_ins (silent) and beta_leads (declines) are eligible: nobody takes it.
  cal: { email: 'cal@ping.example', vertical: 'auto_insurance', state: 'TX', credit_score: 500 },
  // No rule sells home security leads: the fallback queue at once.
  dee: { email: 'dee@ping.example', vertical: 'home_security', state: 'CA', credit_score: 800 },
};

interface Skipped {
  name: string;
  why: string;
}

interface RoutedLead {
  email: string;
  routing: { id: string; status: string; assignee: string | null; queue: string | null; candidates: string[]; skipped?: Skipped[]; reason: string | null };
  answer?: { buyer: string; outcome: string; price: number | null; reason: string | null };
}

let n8n: PreparedN8n;
let server: N8nServer;
let api: PublicApi;
let buyers: Server;
/** What the buyers were sent, in order: `buyer email` (the email of the lead). */
const pings: string[] = [];
const offers: Array<{ buyer: string; email: string; bid: number | null }> = [];
/** acme_ins's offers, never answered; ended when the test stops. */
const unanswered = new Set<ServerResponse>();

function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text === '' ? {} : (JSON.parse(text) as Record<string, unknown>));
      } catch (error) {
        reject(error as Error);
      }
    });
    request.on('error', reject);
  });
}

function answer(response: ServerResponse, body: object): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function buyerEndpoint(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const [, kind, name] = (request.url ?? '').split('/');
  const body = await readBody(request);
  if (kind === 'ping') {
    const email = String(body.email);
    pings.push(`${name} ${email}`);
    answer(response, name === 'delta_live' && LIVE_BIDS[email] !== undefined ? { bid: LIVE_BIDS[email] } : { bid: null });
    return;
  }
  const lead = body.lead as { email?: string } | undefined;
  offers.push({ buyer: name, email: String(lead?.email), bid: typeof body.bid === 'number' ? body.bid : null });
  if (name === 'acme_ins') unanswered.add(response);
  else if (name === 'beta_leads') answer(response, { accepted: false, reason: 'over budget today' });
  else if (name === 'gamma_auto') answer(response, { accepted: true, price: 35 });
  else answer(response, { accepted: true, price: body.bid });
}

beforeAll(async () => {
  buyers = createServer((request, response) => {
    buyerEndpoint(request, response).catch((error: Error) => {
      response.writeHead(500);
      response.end(error.message);
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => buyers.listen(port, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${port}`;
  const variant = pingTreeVariant(readExampleWorkflow(repoRoot, 'leadroutePingTree'), {
    id: WORKFLOW,
    name: 'e2e: ping tree against loopback buyers',
    path: PATH,
    buyerUrls: (name) => ({ ping_url: `${base}/ping/${name}`, post_url: `${base}/post/${name}` }),
  });
  n8n = await prepareN8n({ repoRoot, tag: 'ping-tree', workflows: [variant], publish: [WORKFLOW] });
  server = startN8n(n8n.home);
  await waitUntilReady(server, () => webhookRegistered(n8n.home.baseUrl, PATH));
  api = await createPublicApi(n8n.home.baseUrl);
});

afterAll(async () => {
  for (const response of unanswered) response.destroy();
  buyers?.closeAllConnections();
  await new Promise((resolve) => (buyers === undefined ? resolve(null) : buyers.close(resolve)));
  await server?.stop();
  n8n?.cleanup();
});

async function sell(lead: object): Promise<Record<string, unknown>> {
  const response = await fetch(`${n8n.home.baseUrl}/webhook/${PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(lead) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`POST /webhook/${PATH}: HTTP ${response.status}: ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Every run of a node in an execution, the items of one output, flattened in run order. */
function runs(execution: Execution, node: string, output = 0): RoutedLead[] {
  if (execution.data === undefined) throw new Error(`execution ${execution.id} came without data`);
  const count = execution.data.resultData.runData[node]?.length ?? 0;
  return Array.from({ length: count }, (_, run) => (outputItems({ data: execution.data! }, node, run)[output] ?? []) as unknown as RoutedLead[]).flat();
}

/** The finished execution that routed the lead with this email. */
async function executionOf(email: string): Promise<Execution> {
  for (let tries = 0; tries < 60; tries++) {
    for (const execution of await listExecutions(api, WORKFLOW)) {
      if (!execution.finished || execution.data?.resultData.runData.Route === undefined) continue;
      if ([0, 1, 2].some((output) => runs(execution, 'Route', output).some((item) => item.email === email))) return execution;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`no finished execution of ${WORKFLOW} routed ${email} after 60 looks`);
}

const routedBy = (execution: Execution, email: string): RoutedLead =>
  [0, 1, 2].flatMap((output) => runs(execution, 'Route', output)).find((item) => item.email === email) as RoutedLead;

/** The installed package's own command line (what `leadroute` is where the package is installed), on this Node. */
async function leadroute(args: string[]): Promise<string> {
  const main = join(n8n.home.userFolder, '.n8n', 'nodes', 'node_modules', n8n.packed.name, 'dist', 'cli', 'main.js');
  const result = await run(process.execPath, [main, ...args], { cwd: n8n.home.userFolder, env: nodeEnv(), timeoutMs: 60_000 });
  if (result.code !== 0) throw new Error(`leadroute ${args.join(' ')}: exit ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

const STATE = (): string => `sqlite:${join(n8n.home.userFolder, '.n8n', 'leadroute-state.sqlite')}`;

test('each lead is sold to the highest eligible bidder that accepts, past the silent and the declining buyer; the unsold wait in the unsold queue', async () => {
  const answers = {
    ann: await sell(LEADS.ann),
    ben: await sell(LEADS.ben),
    cal: await sell(LEADS.cal),
    dee: await sell(LEADS.dee),
  };

  expect(answers.ann).toMatchObject({ status: 'sold', buyer: 'gamma_auto', price: 35 });
  expect(answers.ben).toMatchObject({ status: 'sold', buyer: 'delta_live', price: 40 });
  expect(answers.cal).toMatchObject({ status: 'unsold', queue: 'unsold' });
  expect(answers.dee).toMatchObject({ status: 'unsold', queue: 'unsold' });

  // Every lead that passed Normalize Lead was pinged to all four buyers; the offers went down each cascade in bid order.
  for (const lead of Object.values(LEADS)) {
    expect(pings.filter((ping) => ping.endsWith(` ${lead.email}`)).map((ping) => ping.split(' ')[0]).sort()).toEqual(['acme_ins', 'beta_leads', 'delta_live', 'gamma_auto']);
  }
  const offered = (email: string): string[] => offers.filter((offer) => offer.email === email).map((offer) => offer.buyer);
  expect(offered(LEADS.ann.email)).toEqual(['acme_ins', 'beta_leads', 'gamma_auto']);
  expect(offered(LEADS.ben.email)).toEqual(['beta_leads', 'delta_live']);
  expect(offered(LEADS.cal.email)).toEqual(['acme_ins', 'beta_leads']);
  expect(offered(LEADS.dee.email)).toEqual([]);
  // The live bid went with delta_live's offer.
  expect(offers.find((offer) => offer.buyer === 'delta_live')?.bid).toBe(40);

  // The filter log: every buyer left out, with why.
  const ann = await executionOf(LEADS.ann.email);
  expect(routedBy(ann, LEADS.ann.email).routing).toMatchObject({ status: 'assigned', assignee: 'acme_ins', candidates: ['beta_leads', 'gamma_auto'] });
  expect(routedBy(ann, LEADS.ann.email).routing.skipped).toEqual([{ name: 'delta_live', why: 'bid 20 below floor 30' }]);
  const ben = await executionOf(LEADS.ben.email);
  expect(routedBy(ben, LEADS.ben.email).routing).toMatchObject({ status: 'assigned', assignee: 'beta_leads', candidates: ['delta_live', 'gamma_auto'] });
  expect(routedBy(ben, LEADS.ben.email).routing.skipped).toEqual([{ name: 'acme_ins', why: 'takes only leads where `state in [CA, TX]`' }]);
  const cal = await executionOf(LEADS.cal.email);
  expect(routedBy(cal, LEADS.cal.email).routing.skipped).toEqual([
    { name: 'gamma_auto', why: 'takes only leads where `credit_score >= 600`' },
    { name: 'delta_live', why: 'bid 10 below floor 30' },
  ]);

  // The buyers' answers as the ledger node recorded them, one loop round each; no answer leaks into the next round.
  expect(runs(ann, 'Answer').map((item) => [item.answer?.buyer, item.answer?.outcome])).toEqual([
    ['acme_ins', 'timed_out'],
    ['beta_leads', 'declined'],
    ['gamma_auto', 'accepted'],
  ]);
  expect(runs(ann, 'Answer')[1].answer?.reason).toBe('over budget today');
  for (const item of runs(ann, 'Offer to')) expect(item.answer).toBeUndefined();
  expect(runs(ann, 'Offer to').map((item) => item.routing.assignee)).toEqual(['acme_ins', 'beta_leads', 'gamma_auto']);

  // The lead nobody took: exhausted into the fallback queue, with its filter log.
  const exhausted = runs(cal, 'Escalate', 1);
  expect(exhausted.map((item) => item.routing)).toMatchObject([{ status: 'exception', queue: 'unsold', assignee: null }]);
  const dee = await executionOf(LEADS.dee.email);
  expect(routedBy(dee, LEADS.dee.email).routing).toMatchObject({ status: 'exception', queue: 'unsold' });

  const waiting = JSON.parse(await leadroute(['queue', 'list', '--state', STATE(), '--json'])) as unknown;
  console.log(`e2e: leadroute queue list: ${JSON.stringify(waiting)}`);
  const waitingIds = JSON.stringify(waiting);
  expect(waitingIds).toContain(routedBy(cal, LEADS.cal.email).routing.id);
  expect(waitingIds).toContain(routedBy(dee, LEADS.dee.email).routing.id);
  expect(waitingIds).not.toContain(routedBy(ann, LEADS.ann.email).routing.id);
}, 300_000);

test("the installed command line reads the buyers' answers back from the ledger the workflow wrote", async () => {
  const ledger = (await leadroute(['ledger', 'export', '--state', STATE(), '--format', 'jsonl']))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { type: string; id: string; key: string | null; by: string | null; value: number | null; data: unknown });
  // Each lead's entries in order: the buyer's answer, then Escalate's move to the next buyer (Cause: Declined records no breach).
  const typesOf = (email: string): string[] => ledger.filter((entry) => entry.key === email).map((entry) => entry.type);
  expect(typesOf(LEADS.ann.email)).toEqual(['decision', 'timed_out', 'reassigned', 'declined', 'reassigned', 'accepted']);
  expect(typesOf(LEADS.ben.email)).toEqual(['decision', 'declined', 'reassigned', 'accepted']);
  expect(typesOf(LEADS.cal.email)).toEqual(['decision', 'timed_out', 'reassigned', 'declined', 'exhausted']);
  expect(typesOf(LEADS.dee.email)).toEqual(['decision']);
  const answersOf = (type: string): Array<{ by: string | null; value: number | null }> => ledger.filter((entry) => entry.type === type).map((entry) => ({ by: entry.by, value: entry.value }));
  expect(answersOf('accepted')).toEqual([
    { by: 'gamma_auto', value: 35 },
    { by: 'delta_live', value: 40 },
  ]);
  expect(answersOf('timed_out')).toEqual([
    { by: 'acme_ins', value: null },
    { by: 'acme_ins', value: null },
  ]);
  expect(answersOf('declined').map((entry) => entry.by)).toEqual(['beta_leads', 'beta_leads', 'beta_leads']);
  expect(ledger.filter((entry) => entry.type === 'declined').map((entry) => entry.data)).toEqual(Array(3).fill({ reason: 'over budget today' }));
  // In the user folder: removed with it.
  const figures = join(n8n.home.userFolder, 'report.json');
  const text = await leadroute(['report', '--state', STATE(), '--json', figures]);
  console.log(`e2e: leadroute report:\n${text}`);
  const report = JSON.parse(readFileSync(figures, 'utf8')) as {
    leads: number;
    exceptions: { count: number };
    queues: { now: Array<{ queue: string; open: number }> };
    sales: { leads: number; sold: { count: number; of: number }; revenue: number; buyers: Array<{ buyer: string; offers: number; accepted: number; declined: number; timedOut: number; revenue: number }> };
  };
  expect(report.leads).toBe(4);
  expect(report.exceptions.count).toBe(2);
  expect(report.queues.now).toMatchObject([{ queue: 'unsold', open: 2 }]);
  console.log(`e2e: leadroute report's sales: ${JSON.stringify(report.sales)}`);
  // Three leads for sale (Dee matched no rule that sells); the revenue: gamma_auto's 35 for Ann and delta_live's live 40 for Ben.
  expect(report.sales).toMatchObject({ leads: 3, sold: { count: 2, of: 3 }, revenue: 75, revenuePerLead: 25 });
  const buyer = (name: string) => report.sales.buyers.find((row) => row.buyer === name);
  expect(buyer('gamma_auto')).toMatchObject({ offers: 1, accepted: 1, revenue: 35 });
  expect(buyer('delta_live')).toMatchObject({ offers: 1, accepted: 1, revenue: 40 });
  expect(buyer('acme_ins')).toMatchObject({ offers: 2, timedOut: 2, accepted: 0, revenue: 0 });
  expect(buyer('beta_leads')).toMatchObject({ offers: 3, declined: 3, accepted: 0, revenue: 0 });
});
