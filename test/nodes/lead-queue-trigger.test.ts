// Lead Queue Trigger polled as n8n's poller polls it, over leads the Route node left in queues
// of an SQLite file: it fires once for each lead past its age, never again for the same wait.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDataObject, IExecuteFunctions, INodeParameters } from 'n8n-workflow';
import { closeNodeStateStores, nodeStateStore } from '../../nodes/shared/store';
import { recordEvent, takeFromQueue } from '../../state';
import { INPUT, LEAD_QUEUE_TRIGGER, ROUTE, pollTrigger, runWorkflow, type WorkflowSpec } from './harness';

const POLICY = `policy "queue-watch"
pool sales = [alice]
when type = support route queue support
when type = demo route round_robin(sales)
fallback queue exceptions`;

const HOUR = 3_600_000;

let file = '';
beforeEach(() => {
  file = join(mkdtempSync(join(tmpdir(), 'leadroute-queue-trigger-')), 'state.sqlite');
});
afterAll(closeNodeStateStores);

/** Routes the leads as if they arrived `hoursAgo` before now, into the test's file. */
async function routeAgo(hoursAgo: number, leads: IDataObject[]): Promise<string[]> {
  const spec: WorkflowSpec = {
    nodes: [{ name: 'Input', type: INPUT }, { name: 'Route', type: ROUTE, parameters: { policy: POLICY, stateStore: 'sqlite', databaseFile: file, routingTime: new Date(Date.now() - hoursAgo * HOUR).toISOString() } }],
    links: [{ from: 'Input', to: 'Route' }],
  };
  const run = await runWorkflow(spec, { node: 'Input', items: leads });
  return run.outputs('Route').flat().map((item) => (item.json.routing as { id: string }).id);
}

/** The trigger on the test's file, with its own static data (kept across polls as n8n keeps it). */
function trigger(parameters: INodeParameters = {}): WorkflowSpec {
  return { nodes: [{ name: 'Trigger', type: LEAD_QUEUE_TRIGGER, parameters: { olderThan: '1h', stateStore: 'sqlite', databaseFile: file, ...parameters } }], links: [], staticData: {} };
}

/** The emails of the leads a poll fired for (null: none). */
async function fired(spec: WorkflowSpec, mode: 'trigger' | 'manual' = 'trigger'): Promise<string[] | null> {
  const result = await pollTrigger(spec, 'Trigger', mode);
  return result === null ? null : result[0].map((item) => item.json.key as string);
}

describe('Lead Queue Trigger node', () => {
  it('fires once for each lead waiting longer than the age, again only for new ones, never for young ones', async () => {
    const spec = trigger();
    await routeAgo(2, [{ email: 'old@example.com', type: 'support' }, { email: 'rep@example.com', type: 'demo' }]);
    await routeAgo(0, [{ email: 'young@example.com', type: 'support' }]);
    const first = await pollTrigger(spec, 'Trigger');
    expect(first?.[0].map((item) => item.json)).toEqual([
      expect.objectContaining({ key: 'old@example.com', queue: 'support', status: 'queued', policy: 'queue-watch', waited_ms: expect.any(Number) }),
    ]);
    expect(first?.[0][0].json.waited_ms).toBeGreaterThanOrEqual(2 * HOUR);
    expect(await fired(spec)).toBeNull();

    await routeAgo(3, [{ email: 'later@example.com', type: 'other' }]);
    expect(await fired(spec)).toEqual(['later@example.com']);
    expect(await fired(spec)).toBeNull();
  });

  it('forgets a lead once it is taken, and fires again when it is queued anew', async () => {
    const spec = trigger();
    const [id] = await routeAgo(2, [{ email: 'taken@example.com', type: 'support' }]);
    expect(await fired(spec)).toEqual(['taken@example.com']);
    const store = await nodeStateStore({ getNodeParameter: (name: string) => (name === 'stateStore' ? 'sqlite' : file) } as unknown as IExecuteFunctions);
    await takeFromQueue(store, id, 'carol', Date.now());
    expect(await fired(spec)).toBeNull();
    expect((spec.staticData?.['node:Trigger'] as IDataObject).fired).toEqual([]);
    // Escalation exhausted, back in the fallback queue as it was two hours ago: a new wait.
    await recordEvent(store, { id, key: 'taken@example.com', policy: 'queue-watch' }, 'exhausted', Date.now() - 2 * HOUR, { queue: 'exceptions' });
    expect(await fired(spec)).toEqual(['taken@example.com']);
    expect(await fired(spec)).toBeNull();
  });

  it('in a manual test run, shows every lead past its age and remembers nothing', async () => {
    const spec = trigger();
    await routeAgo(2, [{ email: 'a@example.com', type: 'support' }]);
    await routeAgo(3, [{ email: 'b@example.com', type: 'other' }]);
    expect(await fired(spec, 'manual')).toEqual(['b@example.com', 'a@example.com']);
    expect(spec.staticData).toEqual({});
    expect(await fired(spec)).toEqual(['b@example.com', 'a@example.com']);
    expect(await fired(spec, 'manual')).toEqual(['b@example.com', 'a@example.com']);
  });

  it('watches one queue or one policy, with ages by queue', async () => {
    await routeAgo(0.5, [{ email: 'ex@example.com', type: 'other' }, { email: 'sup@example.com', type: 'support' }]);
    expect(await fired(trigger())).toBeNull();
    const ages = { queueAges: { ages: [{ queue: 'exceptions', olderThan: '10m' }] } };
    expect(await fired(trigger(ages))).toEqual(['ex@example.com']);
    expect(await fired(trigger({ ...ages, queue: 'support' }))).toBeNull();
    expect(await fired(trigger({ queue: 'support', olderThan: '10m' }))).toEqual(['sup@example.com']);
    expect(await fired(trigger({ olderThan: '10m', policy: 'another' }))).toBeNull();
  });

  it('fails a poll on an age that is not a duration, naming it, or on a store that cannot be opened', async () => {
    await expect(pollTrigger(trigger({ olderThan: 'soon' }), 'Trigger')).rejects.toThrow(/^Older Than: /);
    await expect(pollTrigger(trigger({ databaseFile: tmpdir() }), 'Trigger')).rejects.toThrow(/^routing state store sqlite failed: could not be opened: /);
    await expect(pollTrigger(trigger({ queueAges: { ages: [{ queue: 'exceptions', olderThan: '5 minutes' }] } }), 'Trigger')).rejects.toThrow(/^Ages by Queue › exceptions: /);
  });
});
