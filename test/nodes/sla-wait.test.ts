// SLA Wait inside n8n's engine: the execution waits until the SLA is due, resumes early through
// its resume webhook (Worked) or at the deadline (Breached), as n8n's server resumes it.

import type { IDataObject, IExecuteFunctions, INodeParameters } from 'n8n-workflow';
import { nodeStateStore } from '../../nodes/shared/store';
import { readLedger, type LedgerEntry, type LedgerQuery, type StateStore } from '../../state';
import { INPUT, ROUTE, SLA_WAIT, resumeAtDeadline, resumeByWebhook, runWorkflow, type WorkflowSpec } from './harness';

const POLICY = `policy "sla-test"
pool sales = [alice, bob]
when type = demo route round_robin(sales) sla 15m
when type = later route round_robin(sales) sla 2h
when type = nosla route queue inbox
fallback queue exceptions`;

/** Input -> Route (Assigned and Queued) -> SLA Wait -> Breached / Worked (pass-through nodes that show what arrives). */
function slaWorkflow(wait: INodeParameters = {}, routingTime = '={{ $json.at ?? $now.toISO() }}'): WorkflowSpec {
  return {
    nodes: [
      { name: 'Input', type: INPUT },
      { name: 'Route', type: ROUTE, parameters: { policy: POLICY, stateStore: 'memory', routingTime } },
      { name: 'SLA Wait', type: SLA_WAIT, parameters: wait },
      { name: 'Breached', type: INPUT },
      { name: 'Worked', type: INPUT },
    ],
    links: [
      { from: 'Input', to: 'Route' },
      { from: 'Route', to: 'SLA Wait', output: 0 },
      { from: 'Route', to: 'SLA Wait', output: 1 },
      { from: 'SLA Wait', to: 'Breached', output: 0 },
      { from: 'SLA Wait', to: 'Worked', output: 1 },
    ],
  };
}

type Routing = { sla: { due: string } | null; history: { event: string; at: string; data?: unknown }[]; [key: string]: unknown };
const routingOf = (json: IDataObject): Routing => json.routing as Routing;

/** Only Date is faked: n8n's engine keeps its real timers. */
function clockAt(iso: string): void {
  jest.useFakeTimers({ now: new Date(iso), doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
}

afterEach(() => jest.useRealTimers());

describe('SLA Wait node', () => {
  it('puts the execution to wait until routing.sla.due', async () => {
    const run = await runWorkflow(slaWorkflow(), { node: 'Input', items: [{ type: 'demo' }] });
    expect(run.status).toBe('waiting');
    const due = routingOf(run.json('Route', 0)[0]).sla?.due;
    expect(run.waitTill?.toISOString()).toBe(due);
    expect(run.runs('Breached')).toBe(0);
    expect(run.runs('Worked')).toBe(0);
  });

  it('resumes on Worked when the resume URL is called (POST), recording the body as a worked event', async () => {
    const run = await runWorkflow(slaWorkflow(), { node: 'Input', items: [{ type: 'demo', email: 'w@x.com' }] });
    const resumed = await resumeByWebhook(run, { method: 'POST', body: { by: 'alice', note: 'called back' } });
    expect(resumed.status).toBe('success');
    expect(resumed.items('SLA Wait', 0)).toHaveLength(0);
    expect(resumed.runs('Breached')).toBe(0);
    const [worked] = resumed.json('Worked');
    expect(worked.email).toBe('w@x.com');
    const history = routingOf(worked).history;
    expect(history.map((e) => e.event)).toEqual(['assigned', 'worked']);
    const assignee = routingOf(run.json('Route', 0)[0]).assignee;
    expect(assignee).toMatch(/^(alice|bob)$/);
    expect(history[1]).toMatchObject({ event: 'worked', assignee, queue: null, attempt: 0, data: { by: 'alice', note: 'called back' } });
    expect(Date.parse(history[1].at)).not.toBeNaN();
  });

  it('takes a GET on the resume URL too (a "mark as contacted" link), recording its query', async () => {
    const run = await runWorkflow(slaWorkflow(), { node: 'Input', items: [{ type: 'demo' }] });
    const resumed = await resumeByWebhook(run, { method: 'GET', query: { rep: 'bob' } });
    const history = routingOf(resumed.json('Worked')[0]).history;
    expect(history[1]).toMatchObject({ event: 'worked', data: { rep: 'bob' } });
  });

  it('resumes on Breached at the deadline with the items exactly as they came in', async () => {
    const run = await runWorkflow(slaWorkflow(), { node: 'Input', items: [{ type: 'demo', id: 7 }] });
    const resumed = await resumeAtDeadline(run);
    expect(resumed.status).toBe('success');
    expect(resumed.runs('Worked')).toBe(0);
    expect(resumed.json('Breached')).toEqual(run.json('Route', 0));
    expect(resumed.json('SLA Wait', 0)).toEqual(run.json('Route', 0));
  });

  it('sends a lead whose SLA is already due out of Breached at once, without waiting', async () => {
    const run = await runWorkflow(slaWorkflow(), { node: 'Input', items: [{ type: 'demo', at: '2020-01-06T09:00:00Z' }] });
    expect(run.status).toBe('success');
    expect(run.json('Breached')).toHaveLength(1);
    expect(run.runs('Worked')).toBe(0);
  });

  it('waits for the earliest deadline of its items, and one resume call works them all', async () => {
    const items = [{ type: 'later' }, { type: 'demo' }, { type: 'later' }];
    const run = await runWorkflow(slaWorkflow(), { node: 'Input', items });
    const dues = run.json('Route', 0).map((j) => routingOf(j).sla?.due as string);
    expect(run.waitTill?.toISOString()).toBe([...dues].sort()[0]);
    const resumed = await resumeByWebhook(run, { body: { ok: true } });
    expect(resumed.json('Worked')).toHaveLength(3);
    expect(resumed.items('Worked').map((i) => (i.pairedItem as { item: number }).item)).toEqual([0, 1, 2]);
  });

  it('waits a duration set on the node, counting business hours only when they are given', async () => {
    clockAt('2026-11-23T16:30:00Z'); // a Monday
    const clock = await runWorkflow(slaWorkflow({ deadline: 'duration', duration: '1h' }), { node: 'Input', items: [{ type: 'demo' }] });
    expect(clock.waitTill?.toISOString()).toBe('2026-11-23T17:30:00.000Z');
    const business = await runWorkflow(slaWorkflow({ deadline: 'duration', duration: '1h', options: { businessHours: 'Mon-Fri 09:00-17:00', timeZone: 'UTC' } }), {
      node: 'Input',
      items: [{ type: 'demo' }],
    });
    // 30 minutes left on Monday, the other 30 on Tuesday morning.
    expect(business.waitTill?.toISOString()).toBe('2026-11-24T09:30:00.000Z');
  });

  it('fails for a lead whose decision has no SLA, unless a fallback duration is set', async () => {
    clockAt('2026-11-23T10:00:00Z');
    const failing = await runWorkflow(slaWorkflow(), { node: 'Input', items: [{ type: 'nosla' }] });
    expect(failing.status).toBe('error');
    expect(failing.nodeError('SLA Wait')?.message).toBe('The decision has no SLA (rule `when type = nosla route queue inbox`); set a Fallback Duration to wait for such leads');
    const waiting = await runWorkflow(slaWorkflow({ options: { fallbackDuration: '4h' } }), { node: 'Input', items: [{ type: 'nosla' }] });
    expect(waiting.waitTill?.toISOString()).toBe('2026-11-23T14:00:00.000Z');
  });

  it('fails on business hours it cannot read', async () => {
    const run = await runWorkflow(slaWorkflow({ deadline: 'duration', duration: '1h', options: { businessHours: 'Mon-Fry 09:00-17:00' } }), { node: 'Input', items: [{ type: 'demo' }] });
    expect(run.status).toBe('error');
    expect(run.nodeError('SLA Wait')?.message).toMatch(/^Business Hours: unknown day `Fry`/);
  });
});

describe('SLA Wait and the ledger', () => {
  const memory = (): Promise<StateStore> => nodeStateStore({ getNodeParameter: () => 'memory' } as unknown as IExecuteFunctions);
  async function entries(query: LedgerQuery = {}): Promise<LedgerEntry[]> {
    const found: LedgerEntry[] = [];
    for await (const entry of readLedger(await memory(), query)) found.push(entry);
    return found;
  }

  it('writes the worked event to the ledger of the store Route wrote, against the routing id', async () => {
    const run = await runWorkflow(slaWorkflow({ stateStore: 'memory' }), { node: 'Input', items: [{ type: 'demo', email: 'led@x.com' }] });
    const routing = routingOf(run.json('Route', 0)[0]);
    await resumeByWebhook(run, { body: { note: 'called' } });
    const written = await entries({ id: routing.id as string });
    expect(written.map((e) => e.type)).toEqual(['decision', 'worked']);
    expect(written[1]).toMatchObject({ by: routing.assignee, assignee: routing.assignee, queue: null, policy: 'sla-test', data: { attempt: 0, data: { note: 'called' } } });
  });

  it('writes nothing for an item routed before routing ids, and still resumes it', async () => {
    const routed = await runWorkflow(slaWorkflow({ stateStore: 'memory' }), { node: 'Input', items: [{ type: 'demo' }] });
    const item = routed.json('Route', 0)[0];
    const older: Record<string, unknown> = { ...routingOf(item) };
    delete older.id;
    const spec: WorkflowSpec = {
      nodes: [{ name: 'SLA Wait', type: SLA_WAIT, parameters: { stateStore: 'memory' } }, { name: 'Worked', type: INPUT }],
      links: [{ from: 'SLA Wait', to: 'Worked', output: 1 }],
    };
    const waiting = await runWorkflow(spec, { node: 'SLA Wait', items: [{ ...item, routing: older }] });
    const before = (await entries()).length;
    const resumed = await resumeByWebhook(waiting, { body: {} });
    expect(routingOf(resumed.json('Worked')[0]).history.map((e) => e.event)).toEqual(['assigned', 'worked']);
    expect((await entries()).length).toBe(before);
  });
});
