// The Route node inside n8n's engine: outputs by status, pairing, the routing record, errors.

import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';
import { defaultDatabaseFile } from '../../nodes/shared/store';
import { readState, SqliteStore } from '../../state';
import { INPUT, ROUTE, runWorkflow, type NodeSpec, type WorkflowSpec } from './harness';

const POLICY = `policy "route-test"
pool sales = [alice, bob, carol]
when type = support route queue support
when type = demo route round_robin(sales) sla 15m
when type = partner route owner
fallback queue exceptions`;

function routeWorkflow(parameters: IDataObject, extra: Partial<NodeSpec> = {}, spec: Partial<WorkflowSpec> = {}): WorkflowSpec {
  return {
    nodes: [
      { name: 'Input', type: INPUT },
      { name: 'Route', type: ROUTE, parameters: { policy: POLICY, stateStore: 'memory', routingTime: '2026-11-23T15:00:00.000Z', ...parameters }, ...extra },
    ],
    links: [{ from: 'Input', to: 'Route' }],
    ...spec,
  };
}

const leads: IDataObject[] = [
  { id: 1, type: 'demo', email: 'a@x.com' },
  { id: 2, type: 'support' },
  { id: 3, type: 'demo', email: 'b@x.com' },
  { id: 4, type: 'content' },
  { id: 5, type: 'partner' },
  { id: 6, type: 'demo' },
];

type Routing = { status: string; assignee: string | null; queue: string | null; reason: string | null; [key: string]: unknown };
const routingOf = (json: IDataObject, field = 'routing'): Routing => json[field] as Routing;

describe('Route node', () => {
  it('sends each lead out of Assigned, Queued or Exception by its decision, every item paired with its input', async () => {
    const run = await runWorkflow(routeWorkflow({}), { node: 'Input', items: leads });
    expect(run.status).toBe('success');
    const [assigned, queued, exception] = run.outputs('Route');
    expect(assigned.map((i) => i.json.id)).toEqual([1, 3, 6]);
    expect(assigned.map((i) => routingOf(i.json).assignee)).toEqual(['alice', 'bob', 'carol']);
    expect(queued.map((i) => [i.json.id, routingOf(i.json).queue])).toEqual([[2, 'support']]);
    expect(exception.map((i) => i.json.id)).toEqual([4, 5]);
    expect(exception.map((i) => routingOf(i.json).reason)).toEqual(['no rule matched', 'owner: account.owner is blank']);
    expect(exception.every((i) => routingOf(i.json).queue === 'exceptions' && routingOf(i.json).status === 'exception')).toBe(true);

    // Items out = items in; each carries its input's fields and points at its input item.
    const all = [...assigned, ...queued, ...exception];
    expect(all).toHaveLength(leads.length);
    for (const item of all) {
      const paired = item.pairedItem as { item: number };
      expect(leads[paired.item]).toEqual(Object.fromEntries(Object.entries(item.json).filter(([k]) => k !== 'routing')));
    }
  });

  it('puts the decision with its resume URL and an assigned event on the item', async () => {
    const run = await runWorkflow(routeWorkflow({}), { node: 'Input', items: [{ type: 'demo' }] });
    const routing = routingOf(run.json('Route', 0)[0]);
    expect(routing).toMatchObject({
      status: 'assigned',
      pool: 'sales',
      rule: { index: 1, line: 4, source: 'when type = demo route round_robin(sales) sla 15m' },
      sla: { duration: '15m', business: false, due: '2026-11-23T15:15:00.000Z' },
      escalation: ['next', 'queue exceptions'],
      policy: { name: 'route-test' },
      routed_at: '2026-11-23T15:00:00.000Z',
      attempt: 0,
      escalation_step: 0,
      previous_assignee: null,
    });
    expect(routing.resume_url).toMatch(new RegExp(`^http://localhost:5678/webhook-waiting/${run.executionId}(\\?|$)`));
    expect(routing.history).toEqual([{ event: 'assigned', at: '2026-11-23T15:00:00.000Z', status: 'assigned', assignee: routing.assignee, queue: null, attempt: 0 }]);
    expect(routing.trace).toBeUndefined();
  });

  it('keeps round robin across executions (the store outlives one execution)', async () => {
    const policy = POLICY.replace('"route-test"', '"route-rotation"');
    const first = await runWorkflow(routeWorkflow({ policy }), { node: 'Input', items: [{ type: 'demo' }, { type: 'demo' }] });
    const second = await runWorkflow(routeWorkflow({ policy }), { node: 'Input', items: [{ type: 'demo' }, { type: 'demo' }] });
    const names = [...first.json('Route', 0), ...second.json('Route', 0)].map((j) => routingOf(j).assignee);
    expect(names).toEqual(['alice', 'bob', 'carol', 'alice']);
  });

  it('keeps its state in an SQLite file, by default in the n8n user folder', async () => {
    const policy = POLICY.replace('"route-test"', '"route-sqlite"');
    expect(defaultDatabaseFile()).toBe(join(process.env.N8N_USER_FOLDER as string, '.n8n', 'leadroute-state.sqlite'));
    const byDefault = await runWorkflow(routeWorkflow({ policy, stateStore: 'sqlite' }), { node: 'Input', items: [{ type: 'demo' }, { type: 'demo' }] });
    expect(byDefault.json('Route', 0).map((j) => routingOf(j).assignee)).toEqual(['alice', 'bob']);
    expect(existsSync(defaultDatabaseFile())).toBe(true);

    const file = join(mkdtempSync(join(tmpdir(), 'leadroute-route-')), 'nested', 'state.sqlite');
    await runWorkflow(routeWorkflow({ policy, stateStore: 'sqlite', databaseFile: file }), { node: 'Input', items: [{ type: 'demo' }] });
    // Another connection to the file (as another process would open it) sees the rotation.
    const reopened = new SqliteStore({ file });
    try {
      const report = await readState(reopened, 'route-sqlite');
      expect(report.rotations).toEqual([{ pool: 'sales', order: ['bob', 'carol', 'alice'], seq: 1 }]);
    } finally {
      await reopened.close();
    }
  });

  it('reads the policy from an expression, e.g. a workflow variable, and the time from each item', async () => {
    const spec = routeWorkflow({ policy: '={{ $vars.routingPolicy }}', routingTime: '={{ $json.received }}' }, {}, { variables: { routingPolicy: POLICY.replace('"route-test"', '"route-vars"') } });
    const run = await runWorkflow(spec, { node: 'Input', items: [{ type: 'demo', received: '2026-11-24T08:00:00Z' }] });
    const routing = routingOf(run.json('Route', 0)[0]);
    expect(routing.policy).toMatchObject({ name: 'route-vars' });
    expect(routing.routed_at).toBe('2026-11-24T08:00:00.000Z');
  });

  it('adds the trace when asked, under the chosen output field', async () => {
    const run = await runWorkflow(routeWorkflow({ includeTrace: true, routingField: 'decision' }), { node: 'Input', items: [{ type: 'support' }] });
    const json = run.json('Route', 1)[0];
    expect(json.routing).toBeUndefined();
    const trace = routingOf(json, 'decision').trace as { step: string }[];
    expect(trace.length).toBeGreaterThan(0);
    expect(trace.some((t) => t.step === 'rule')).toBe(true);
  });

  it('fails on a policy with errors, with every diagnostic (line, column, caret) in the description', async () => {
    const broken = `policy "broken"
pool sales = [alice]
when type = demo route round_robin(sale)
when type = trial route round_robbin(sales)
fallback queue exceptions`;
    const run = await runWorkflow(routeWorkflow({ policy: broken }), { node: 'Input', items: leads });
    expect(run.status).toBe('error');
    const error = run.nodeError('Route') as Error & { description?: string };
    expect(error.message).toMatch(/^The routing policy has \d+ errors: line 3, column \d+: /);
    // n8n's panel renders the description as HTML: breaks for line ends, non-breaking spaces where they align a caret.
    expect(error.description).toMatch(/^<code>[^\n]*<\/code>$/);
    const description = (error.description ?? '')
      .replace(/^<code>|<\/code>$/g, '')
      .replace(/<br>/g, '\n')
      .replace(/&nbsp;/g, ' ')
      .replace(/&(gt|lt|quot|#39|#96|amp);/g, (_, e: string) => ({ gt: '>', lt: '<', quot: '"', '#39': "'", '#96': '`', amp: '&' })[e] ?? '');
    expect(description).toContain('policy:3:');
    expect(description).toContain('3 | when type = demo route round_robin(sale)');
    expect(description).toMatch(/\n\s+\^+/);
    expect(description).toContain('did you mean `sales`');
    expect(description).toContain('policy:4:');
    expect(description).toContain('4 | when type = trial route round_robbin(sales)');
    expect(description).toContain('did you mean `round_robin`');
  });

  it('fails with the syntax errors of a policy that does not parse', async () => {
    const run = await runWorkflow(routeWorkflow({ policy: 'policy "x"\nwhen type = demo route queue a sla 5q\nfallback queue b' }), { node: 'Input', items: leads });
    const error = run.nodeError('Route') as Error & { description?: string };
    expect(error.message).toBe('The routing policy has 1 error: line 2, column 36: expected a duration (30s, 10m, 4h, 2d or 1w) after `sla`, found `5q`');
    expect(error.description).toContain('2 | when type = demo route queue a sla 5q');
  });

  it('with "continue on fail", puts the policy error on every item (out of Exception) instead of failing', async () => {
    const run = await runWorkflow(routeWorkflow({ policy: 'policy "x"\nwhen route' }, { onError: 'continueRegularOutput' }), { node: 'Input', items: leads });
    expect(run.status).toBe('success');
    const [assigned, queued, exception] = run.outputs('Route');
    expect(assigned).toHaveLength(0);
    expect(queued).toHaveLength(0);
    expect(exception.map((i) => i.json.id)).toEqual(leads.map((l) => l.id));
    expect(exception.every((i) => typeof i.json.error === 'string' && (i.json.error as string).startsWith('The routing policy has'))).toBe(true);
    expect(exception.map((i) => (i.pairedItem as { item: number }).item)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('with "continue on fail", only the item that cannot be routed carries an error', async () => {
    const spec = routeWorkflow({ routingTime: '={{ $json.received }}' }, { onError: 'continueRegularOutput' });
    const run = await runWorkflow(spec, { node: 'Input', items: [{ type: 'demo', received: '2026-11-23T10:00:00Z' }, { type: 'demo', received: 'yesterday-ish' }] });
    const [assigned, , exception] = run.outputs('Route');
    expect(assigned).toHaveLength(1);
    expect(exception).toHaveLength(1);
    expect(exception[0].json.received).toBe('yesterday-ish');
    expect(exception[0].json.error).toMatch(/Routing Time must be a Date/);
    expect(exception[0].pairedItem).toEqual({ item: 1 });
  });

  it('without "continue on fail", an item that cannot be routed fails the node and names the item', async () => {
    const run = await runWorkflow(routeWorkflow({ routingTime: '={{ $json.received }}' }), { node: 'Input', items: [{ type: 'demo', received: 'soon' }] });
    expect(run.status).toBe('error');
    expect(run.nodeError('Route')?.message).toMatch(/Routing Time must be a Date/);
  });

  it('routes every lead to the fallback queue with the reason when the state store cannot be used', async () => {
    const run = await runWorkflow(routeWorkflow({ stateStore: 'bogus' }), { node: 'Input', items: [{ type: 'demo' }, { type: 'support' }] });
    const [assigned, queued, exception] = run.outputs('Route');
    expect(assigned).toHaveLength(0);
    expect(queued).toHaveLength(0);
    expect(exception).toHaveLength(2);
    for (const item of exception) {
      expect(routingOf(item.json)).toMatchObject({ status: 'exception', queue: 'exceptions' });
      expect(routingOf(item.json).reason).toMatch(/^state store unavailable: .*unknown state store "bogus"/);
    }
  });
});
