// Time from webhook request to routed response in a real n8n 2.41.1: the same webhook workflow
// with the Route node (the inbound example's policy; the default SQLite state store, and the
// in-memory one) and without it (n8n's own webhook handling), requests interleaved in one run,
// one at a time. Prints median and 99th percentile of each, their differences, and the Route
// node's own time as n8n recorded it in each execution (the routing work itself, free of the
// noise of the other requests). Asserts only that every answer is right, never a time (the
// machine is shared).

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createPublicApi, listExecutions } from './api.ts';
import { startN8n, waitUntilReady, webhookRegistered, type N8nServer } from './n8n.ts';
import { prepareN8n, readExampleWorkflow, type PreparedN8n } from './prepare.ts';
import { latencyWorkflow } from './workflows.ts';

const repoRoot = resolve(__dirname, '..');
const REQUESTS = 200;
const WARM_UP = 20;

const LEADS = [
  { email: 'ada@bigcorp.example', type: 'demo', employees: 5000 },
  { email: 'bo@midco.example', type: 'demo', employees: 400 },
  { email: 'cy@smallco.example', type: 'contact', employees: 12 },
  { email: 'di@help.example', type: 'support', employees: 80 },
  { email: 'ed@customer.example', type: 'contact', employees: 900, account: { status: 'customer', owner: 'zoe' } },
];

interface Variant {
  label: string;
  workflowId: string;
  path: string;
  routed: boolean;
  ms: number[];
}

let n8n: PreparedN8n;
let server: N8nServer;

const variants: Variant[] = [
  { label: 'without Route (n8n alone)', workflowId: 'lrLatencyBase', path: 'leadroute-latency-base', routed: false, ms: [] },
  { label: 'with Route, SQLite store', workflowId: 'lrLatencySqlite', path: 'leadroute-latency-sqlite', routed: true, ms: [] },
  { label: 'with Route, in-memory store', workflowId: 'lrLatencyMemory', path: 'leadroute-latency-memory', routed: true, ms: [] },
];

beforeAll(async () => {
  const packageName = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string }).name;
  const route = readExampleWorkflow(repoRoot, 'leadrouteInbound').nodes.find((node) => node.type === `${packageName}.route`);
  const policy = route?.parameters.policy;
  if (typeof policy !== 'string') throw new Error('the inbound example has no Route node with a policy');
  const workflows = [
    latencyWorkflow(variants[0].workflowId, variants[0].path, null),
    latencyWorkflow(variants[1].workflowId, variants[1].path, { packageName, policy, stateStore: 'sqlite' }),
    latencyWorkflow(variants[2].workflowId, variants[2].path, { packageName, policy, stateStore: 'memory' }),
  ];
  n8n = await prepareN8n({ repoRoot, tag: 'latency', workflows, publish: workflows.map((wf) => wf.id) });
  server = startN8n(n8n.home);
  await waitUntilReady(server, async () => (await Promise.all(variants.map((v) => webhookRegistered(n8n.home.baseUrl, v.path)))).every(Boolean));
});

afterAll(async () => {
  await server?.stop();
  n8n?.cleanup();
});

/** One request; returns the milliseconds from sending it to having read the whole answer. */
async function timedPost(variant: Variant, lead: object): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${n8n.home.baseUrl}/webhook/${variant.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(lead) });
  const body = (await response.json()) as { email?: string; routing?: { status?: string } };
  const ms = performance.now() - started;
  expect(response.status).toBe(200);
  expect(body.email).toBe((lead as { email: string }).email);
  if (variant.routed) expect(['assigned', 'queued', 'exception']).toContain(body.routing?.status);
  else expect(body.routing).toBeUndefined();
  return ms;
}

/** Median and 99th percentile (nearest rank). */
function summary(values: number[]): { median: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  return { median: rank(50), p99: rank(99) };
}

const ms = (value: number): string => `${value.toFixed(1).padStart(6)} ms`;

test(`webhook to routed response over ${REQUESTS} requests, with and without the Route node`, async () => {
  for (let i = 0; i < WARM_UP; i++) for (const variant of variants) await timedPost(variant, LEADS[i % LEADS.length]);
  for (let i = 0; i < REQUESTS; i++) {
    // Rotate which variant goes first, so none always follows the same one.
    for (let k = 0; k < variants.length; k++) {
      const variant = variants[(i + k) % variants.length];
      variant.ms.push(await timedPost(variant, LEADS[i % LEADS.length]));
    }
  }

  const base = summary(variants[0].ms);
  const lines = [`e2e latency: webhook request to response in n8n 2.41.1, ${REQUESTS} requests each after ${WARM_UP} warm-up, one at a time`];
  lines.push(`  ${variants[0].label.padEnd(30)} median ${ms(base.median)}   p99 ${ms(base.p99)}`);
  // The Route node's own time in each of the measured executions (the newest REQUESTS), from n8n's execution records.
  const api = await createPublicApi(n8n.home.baseUrl);
  for (const variant of variants.slice(1)) {
    const total = summary(variant.ms);
    const executions = (await listExecutions(api, variant.workflowId)).slice(0, REQUESTS);
    const routeTimes = executions.map((execution) => execution.data?.resultData.runData.Route?.[0]?.executionTime ?? Number.NaN);
    expect(routeTimes.filter(Number.isFinite)).toHaveLength(REQUESTS);
    const route = summary(routeTimes);
    lines.push(
      `  ${variant.label.padEnd(30)} median ${ms(total.median)}   p99 ${ms(total.p99)}   difference: median ${ms(total.median - base.median)}, p99 ${ms(total.p99 - base.p99)}   Route node itself: median ${ms(route.median)}, p99 ${ms(route.p99)}`,
    );
  }
  console.log(lines.join('\n'));
  for (const variant of variants) expect(variant.ms).toHaveLength(REQUESTS);
});
