// Guard rails in n8n queue mode (EXECUTIONS_MODE=queue): Route, SLA Wait and Escalate refuse the in-memory
// store, and a SQLite file that the workers do not share is named in a warning in the node's
// output. The workers are played by runs that share the workflow's static data (n8n keeps it in
// its database, shared by every process) and use one SQLite file each, or the same one.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';
import { inQueueMode } from '../../nodes/shared/store';
import { ESCALATE, INPUT, ROUTE, SLA_WAIT, runWorkflow, type HarnessRun, type WorkflowSpec } from './harness';

const POLICY = `policy "queue-guard"
pool sales = [alice, bob, carol]
else round_robin(sales) sla 15m
fallback queue exceptions`;

const dir = mkdtempSync(join(tmpdir(), 'leadroute-queue-mode-'));

function routeWorkflow(parameters: IDataObject, staticData?: IDataObject): WorkflowSpec {
  return {
    nodes: [
      { name: 'Input', type: INPUT },
      { name: 'Route', type: ROUTE, parameters: { policy: POLICY, routingTime: '2026-11-23T15:00:00.000Z', ...parameters } },
    ],
    links: [{ from: 'Input', to: 'Route' }],
    staticData,
  };
}

const hints = (run: HarnessRun, node = 'Route'): string[] => (run.run.data.resultData.runData[node]?.[0]?.hints ?? []).map((h) => h.message);
const assignees = (run: HarnessRun): unknown[] => run.json('Route', 0).map((j) => (j.routing as { assignee: unknown }).assignee);

let saved: string | undefined;
beforeAll(() => {
  saved = process.env.EXECUTIONS_MODE;
  process.env.EXECUTIONS_MODE = 'queue';
});
afterAll(() => {
  if (saved === undefined) delete process.env.EXECUTIONS_MODE;
  else process.env.EXECUTIONS_MODE = saved;
});

test('queue mode is n8n’s own setting, EXECUTIONS_MODE=queue', () => {
  expect(inQueueMode({ EXECUTIONS_MODE: 'queue' })).toBe(true);
  expect(inQueueMode({ EXECUTIONS_MODE: 'regular' })).toBe(false);
  expect(inQueueMode({})).toBe(false);
});

test('Route refuses the In Memory store in queue mode, before routing any lead', async () => {
  const run = await runWorkflow(routeWorkflow({ stateStore: 'memory' }), { node: 'Input', items: [{ email: 'a@x.com' }] });
  expect(run.nodeError('Route')?.message).toBe('The In Memory state store cannot be used in queue mode');
  expect((run.nodeError('Route') as { description?: string }).description).toMatch(/EXECUTIONS_MODE=queue.*each worker would keep its own rotation.*Choose the Redis store/);
});

test('Escalate refuses the In Memory store in queue mode too', async () => {
  const routing = { status: 'assigned', assignee: 'alice', policy: { name: 'queue-guard' } };
  const run = await runWorkflow(
    {
      nodes: [
        { name: 'Input', type: INPUT },
        { name: 'Escalate', type: ESCALATE, parameters: { policy: POLICY, stateStore: 'memory' } },
      ],
      links: [{ from: 'Input', to: 'Escalate' }],
    },
    { node: 'Input', items: [{ email: 'a@x.com', routing }] },
  );
  expect(run.nodeError('Escalate')?.message).toBe('The In Memory state store cannot be used in queue mode');
});

test('SLA Wait refuses the In Memory store in queue mode before the lead waits', async () => {
  const run = await runWorkflow(
    {
      nodes: [
        { name: 'Input', type: INPUT },
        { name: 'Route', type: ROUTE, parameters: { policy: POLICY, stateStore: 'sqlite', databaseFile: join(dir, 'sla.sqlite'), routingTime: '={{ $now.toISO() }}' } },
        { name: 'SLA Wait', type: SLA_WAIT, parameters: { stateStore: 'memory' } },
      ],
      links: [
        { from: 'Input', to: 'Route' },
        { from: 'Route', to: 'SLA Wait', output: 0 },
      ],
    },
    { node: 'Input', items: [{ email: 'a@x.com' }] },
  );
  expect(run.nodeError('SLA Wait')?.message).toBe('The In Memory state store cannot be used in queue mode');
  expect(run.status).not.toBe('waiting');
  expect(run.waitTill).toBeUndefined();
});

test('SQLite files of their own: the second process warns in its output; routing goes on', async () => {
  const shared: IDataObject = {}; // the workflow's static data in n8n's database
  const fileA = join(dir, 'worker-a.sqlite');
  const fileB = join(dir, 'worker-b.sqlite');
  const first = await runWorkflow(routeWorkflow({ stateStore: 'sqlite', databaseFile: fileA }, shared), { node: 'Input', items: [{ n: 1 }] });
  expect(hints(first)).toEqual([]);
  const second = await runWorkflow(routeWorkflow({ stateStore: 'sqlite', databaseFile: fileB }, shared), { node: 'Input', items: [{ n: 2 }] });
  expect(hints(second)).toHaveLength(1);
  expect(hints(second)[0]).toContain(`this process's SQLite file (${fileB}) is not the one another process used for this node`);
  // Each file has its own rotation: both start with alice. That is what the warning is about.
  expect([...assignees(first), ...assignees(second)]).toEqual(['alice', 'alice']);
  // And the first process, routing again, meets the second's id in turn.
  const third = await runWorkflow(routeWorkflow({ stateStore: 'sqlite', databaseFile: fileA }, shared), { node: 'Input', items: [{ n: 3 }] });
  expect(hints(third)).toHaveLength(1);
});

test('one SQLite file shared by the processes: no warning, one rotation', async () => {
  const shared: IDataObject = {};
  const file = join(dir, 'shared.sqlite');
  const runs: HarnessRun[] = [];
  for (let i = 0; i < 3; i++) runs.push(await runWorkflow(routeWorkflow({ stateStore: 'sqlite', databaseFile: file }, shared), { node: 'Input', items: [{ n: i }] }));
  expect(runs.flatMap((run) => hints(run))).toEqual([]);
  expect(runs.flatMap(assignees)).toEqual(['alice', 'bob', 'carol']);
});
