// 10,000 leads in one execution of the Route node inside n8n's engine: every lead comes out,
// paired with its input. How fast is measured, not asserted: the Route node's time in a real
// n8n by `npm run test:e2e` (latency.e2e.test.ts), the library's by `npm run bench`.

import type { INodeExecutionData } from 'n8n-workflow';
import { acmeSource, benchLeads } from '../../bench/inputs';
import { INPUT, ROUTE, runWorkflow, type WorkflowSpec } from './harness';

const COUNT = 10_000;
const NOW = '2026-11-23T15:00:00.000Z';

test('routes 10,000 leads in one execution, every one paired with its input', async () => {
  const { leads } = benchLeads(COUNT);
  const spec: WorkflowSpec = {
    nodes: [
      { name: 'Input', type: INPUT },
      { name: 'Route', type: ROUTE, parameters: { policy: acmeSource(), stateStore: 'memory', routingTime: NOW } },
    ],
    links: [{ from: 'Input', to: 'Route' }],
  };
  const items: INodeExecutionData[] = leads.map((lead) => ({ json: structuredClone(lead) as INodeExecutionData['json'] }));
  const run = await runWorkflow(spec, { node: 'Input', items });

  expect(run.status).toBe('success');
  const out = run.outputs('Route').flat();
  expect(out).toHaveLength(COUNT);
  const seen = new Set(out.map((item) => (item.pairedItem as { item: number }).item));
  expect(seen.size).toBe(COUNT);
  const emails = leads.map((lead) => (lead as { email?: unknown }).email);
  expect(out.every((item) => item.json.email === emails[(item.pairedItem as { item: number }).item])).toBe(true);
}, 120_000);
