// 10,000 leads in one execution of the Route node inside n8n's engine: every lead comes out,
// paired with its input, and the node's speed per lead stays within 3 times the library's own
// decide + assign on the same leads (the goal of the node pack). The numbers are printed.

import type { INodeExecutionData } from 'n8n-workflow';
import { acmeSource, benchLeads } from '../../bench/inputs';
import { compilePolicy } from '../../compiler/compile';
import { MemoryStore } from '../../state';
import { assignMany } from '../../state/assign';
import { INPUT, ROUTE, runWorkflow, type WorkflowSpec } from './harness';

const COUNT = 10_000;
const ROUNDS = 3;
const NOW = '2026-11-23T15:00:00.000Z';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const perSecond = (ms: number): string => `${Math.round((COUNT / ms) * 1000).toLocaleString('en-US')} leads/s`;

test('routes 10,000 leads in one execution, all paired, within 3x of the library speed', async () => {
  const policy = acmeSource();
  const { leads } = benchLeads(COUNT);
  const spec: WorkflowSpec = {
    nodes: [
      { name: 'Input', type: INPUT },
      { name: 'Route', type: ROUTE, parameters: { policy, stateStore: 'memory', routingTime: NOW } },
    ],
    links: [{ from: 'Input', to: 'Route' }],
  };
  const items = (): INodeExecutionData[] => leads.map((lead) => ({ json: structuredClone(lead) as INodeExecutionData['json'] }));

  // The library as the node uses it: decide() each lead, then assignMany on a fresh store.
  const compiled = compilePolicy(policy);
  const library = async (): Promise<number> => {
    const store = new MemoryStore();
    const started = performance.now();
    await assignMany(leads.map((lead) => compiled.decide(lead, { now: NOW })), store);
    return performance.now() - started;
  };

  // One warm-up each (policy compiled and cached, code optimized), then the rounds alternate.
  await library();
  await runWorkflow(spec, { node: 'Input', items: items() });
  const libraryMs: number[] = [];
  const executionMs: number[] = [];
  const routeMs: number[] = [];
  let last = null as Awaited<ReturnType<typeof runWorkflow>> | null;
  for (let round = 0; round < ROUNDS; round++) {
    libraryMs.push(await library());
    const input = items();
    const started = performance.now();
    last = await runWorkflow(spec, { node: 'Input', items: input });
    executionMs.push(performance.now() - started);
    routeMs.push(last.run.data.resultData.runData.Route[0].executionTime);
  }

  const run = last as NonNullable<typeof last>;
  expect(run.status).toBe('success');
  const out = run.outputs('Route').flat();
  expect(out).toHaveLength(COUNT);
  const seen = new Set(out.map((item) => (item.pairedItem as { item: number }).item));
  expect(seen.size).toBe(COUNT);
  const emails = leads.map((lead) => (lead as { email?: unknown }).email);
  expect(out.every((item) => item.json.email === emails[(item.pairedItem as { item: number }).item])).toBe(true);

  const lib = median(libraryMs);
  const node = median(routeMs);
  const whole = median(executionMs);
  process.stdout.write(
    `Route node, ${COUNT} leads in one execution: Route ${node.toFixed(0)} ms (${perSecond(node)}), whole execution ${whole.toFixed(0)} ms (${perSecond(whole)}); ` +
      `library decide + assignMany ${lib.toFixed(0)} ms (${perSecond(lib)}); Route / library = ${(node / lib).toFixed(2)}x\n`,
  );
  expect(node / lib).toBeLessThan(3);
}, 120_000);
