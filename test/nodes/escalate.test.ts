// Escalate inside n8n's engine, in the loop it is made for: Route -> SLA Wait -> Escalate ->
// SLA Wait again, resumed by deadline or by webhook as n8n resumes waiting executions.

import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { nodeStateStore } from '../../nodes/shared/store';
import { markAway, markBack, readLedger, type LedgerEntry } from '../../state';
import { ESCALATE, INPUT, ROUTE, SLA_WAIT, resumeAtDeadline, resumeByWebhook, runWorkflow, type HarnessRun, type WorkflowSpec } from './harness';

const policyNamed = (name: string): string => `policy "${name}"
pool sales = [alice, bob, carol]
pool closers = [dana, erin]
when type = demo route round_robin(sales) sla 10m
when type = vip route round_robin(sales) sla 5m escalate to rep zoe, queue managers
when type = big route round_robin(closers) sla 5m escalate to round_robin(closers)
fallback queue exceptions`;

/** The demo loop: Route -> SLA Wait; Breached -> Escalate; Reassigned -> SLA Wait; Worked and Exhausted end in pass-through nodes. */
function loop(policy: string, escalate: IDataObject = {}): WorkflowSpec {
  return {
    nodes: [
      { name: 'Input', type: INPUT },
      { name: 'Route', type: ROUTE, parameters: { policy, stateStore: 'memory' } },
      { name: 'SLA Wait', type: SLA_WAIT, parameters: { stateStore: 'memory' } },
      { name: 'Escalate', type: ESCALATE, parameters: { policy: "={{ $('Route').params.policy }}", stateStore: 'memory', ...escalate } },
      { name: 'Worked', type: INPUT },
      { name: 'Exhausted', type: INPUT },
    ],
    links: [
      { from: 'Input', to: 'Route' },
      { from: 'Route', to: 'SLA Wait', output: 0 },
      { from: 'SLA Wait', to: 'Escalate', output: 0 },
      { from: 'SLA Wait', to: 'Worked', output: 1 },
      { from: 'Escalate', to: 'SLA Wait', output: 0 },
      { from: 'Escalate', to: 'Exhausted', output: 1 },
    ],
  };
}

type Routing = {
  id: string;
  status: string;
  assignee: string | null;
  queue: string | null;
  reason: string | null;
  attempt: number;
  escalation_step: number;
  previous_assignee: string | null;
  sla: { due: string } | null;
  history: ({ event: string } & IDataObject)[];
};
const routingOf = (json: IDataObject): Routing => json.routing as Routing;
const reassigned = (run: HarnessRun): Routing => routingOf(run.json('Escalate', 0)[0]);

describe('one link per assignment', () => {
  it("an earlier assignee's link answers that the lead moved on and leaves the wait running; the current one ends it, naming who worked it", async () => {
    const start = await runWorkflow(loop(policyNamed('links')), { node: 'Input', items: [{ type: 'demo', email: 'link@x.com' }] });
    const first = routingOf(start.json('Route', 0)[0]) as Routing & { resume_url: string };
    expect(first.assignee).toBe('alice');
    const escalated = await resumeAtDeadline(start);
    const second = reassigned(escalated) as Routing & { resume_url: string };
    expect(second.assignee).toBe('bob');
    // Two links on n8n's one resume URL: the same execution, another attempt and key.
    expect(second.resume_url).not.toBe(first.resume_url);
    const [aliceUrl, bobUrl] = [new URL(first.resume_url), new URL(second.resume_url)];
    expect(bobUrl.pathname).toBe(aliceUrl.pathname);
    expect([aliceUrl.searchParams.get('attempt'), bobUrl.searchParams.get('attempt')]).toEqual(['0', '1']);

    const late = await resumeByWebhook(escalated, { method: 'GET', link: first.resume_url, query: { outcome: 'voicemail' } });
    expect(late.answer).toEqual({ status: 200, body: { status: 'moved_on', message: 'This lead has moved on to bob; your link no longer stops its SLA.', assignee: 'bob', queue: null } });
    expect(late.status).toBe('waiting');
    expect(late.waitTill?.toISOString()).toBe(second.sla?.due);

    const worked = await resumeByWebhook(late, { link: second.resume_url, body: { by: 'bob' } });
    expect(worked.status).toBe('success');
    const history = routingOf(worked.json('Worked')[0]).history;
    expect(history.map((e) => e.event)).toEqual(['assigned', 'breached', 'reassigned', 'late_touch', 'worked']);
    expect(history[3]).toMatchObject({ assignee: 'alice', attempt: 0, current_assignee: 'bob', data: { outcome: 'voicemail' } });
    expect(history[4]).toMatchObject({ assignee: 'bob', attempt: 1, data: { by: 'bob' } });

    // The ledger has each as it happened: alice's late touch while bob held the lead, then bob's work.
    const store = await nodeStateStore({ getNodeParameter: () => 'memory' } as unknown as IExecuteFunctions);
    const entries: LedgerEntry[] = [];
    for await (const entry of readLedger(store, { id: first.id })) entries.push(entry);
    expect(entries.map((e) => e.type)).toEqual(['decision', 'breached', 'reassigned', 'late_touch', 'worked']);
    expect(entries[3]).toMatchObject({ by: 'alice', assignee: 'bob', data: { attempt: 0, data: { outcome: 'voicemail' } } });
    expect(entries[4]).toMatchObject({ by: 'bob', assignee: 'bob', data: { attempt: 1, data: { by: 'bob' } } });
  });

  it('a link with a wrong key, or none, is refused and resumes nothing', async () => {
    const start = await runWorkflow(loop(policyNamed('bad-links')), { node: 'Input', items: [{ type: 'demo' }] });
    const link = new URL((routingOf(start.json('Route', 0)[0]) as Routing & { resume_url: string }).resume_url);
    link.searchParams.set('attempt', '1');
    const forged = await resumeByWebhook(start, { link: link.toString() });
    expect(forged.answer).toEqual({ status: 403, body: { status: 'invalid', message: 'This link does not stop the lead\'s SLA: the lead has no attempt "1".' } });
    expect(forged.status).toBe('waiting');
    link.searchParams.set('attempt', '0');
    link.searchParams.set('key', 'x'.repeat(32));
    expect((await resumeByWebhook(start, { link: link.toString() })).answer?.status).toBe(403);
    link.searchParams.delete('key');
    expect((await resumeByWebhook(start, { link: link.toString() })).answer?.body).toMatchObject({ message: "This link does not stop the lead's SLA: the link has no attempt or key." });
  });

  it('a GET click records its query without the signature, attempt or key', async () => {
    const start = await runWorkflow(loop(policyNamed('get-links')), { node: 'Input', items: [{ type: 'demo' }] });
    const link = new URL((routingOf(start.json('Route', 0)[0]) as Routing & { resume_url: string }).resume_url);
    link.searchParams.set('signature', 'n8n-token');
    const worked = await resumeByWebhook(start, { method: 'GET', link: link.toString(), query: { outcome: 'booked' } });
    expect(routingOf(worked.json('Worked')[0]).history[1]).toMatchObject({ event: 'worked', data: { outcome: 'booked' } });
    expect(JSON.stringify(routingOf(worked.json('Worked')[0]).history)).not.toMatch(/n8n-token|"key"|signature/);
  });

  it('an exhausted lead carries no link', async () => {
    let run = await runWorkflow(loop(policyNamed('no-link')), { node: 'Input', items: [{ type: 'demo' }] });
    while (run.status === 'waiting') run = await resumeAtDeadline(run);
    expect(routingOf(run.json('Exhausted')[0])).toMatchObject({ status: 'exception', resume_url: null });
  });
});

describe('Escalate node', () => {
  it('hands a breached lead down the cascade, then to the fallback queue (the default `next`, then fallback)', async () => {
    const start = await runWorkflow(loop(policyNamed('esc-default')), { node: 'Input', items: [{ type: 'demo', email: 'lead@x.com' }] });
    expect(routingOf(start.json('Route', 0)[0])).toMatchObject({ assignee: 'alice', candidates: ['bob', 'carol'] });

    const first = await resumeAtDeadline(start);
    expect(first.status).toBe('waiting');
    expect(reassigned(first)).toMatchObject({ status: 'assigned', assignee: 'bob', attempt: 1, escalation_step: 0, previous_assignee: 'alice', candidates: ['carol'] });
    // Waiting again, on the new assignment's SLA.
    expect(first.waitTill?.toISOString()).toBe(reassigned(first).sla?.due);

    const second = await resumeAtDeadline(first);
    expect(reassigned(second)).toMatchObject({ assignee: 'carol', attempt: 2, previous_assignee: 'bob', candidates: [] });

    const third = await resumeAtDeadline(second);
    expect(third.status).toBe('success');
    expect(third.items('Escalate', 0)).toHaveLength(0);
    const [last] = third.json('Exhausted');
    expect(last.email).toBe('lead@x.com');
    const routing = routingOf(last);
    expect(routing).toMatchObject({ status: 'exception', assignee: null, queue: 'exceptions', attempt: 3, previous_assignee: 'carol', sla: null });
    expect(routing.reason).toBe('escalation exhausted after 3 breaches (next: nobody left in the cascade; queue exceptions is the fallback queue)');
    expect(routing.history.map((e) => `${e.event}:${e.assignee ?? e.to ?? e.queue}`)).toEqual([
      'assigned:alice',
      'breached:alice',
      'reassigned:bob',
      'breached:bob',
      'reassigned:carol',
      'breached:carol',
      'exhausted:exceptions',
    ]);
    expect(routing.history[2]).toMatchObject({ event: 'reassigned', from: 'alice', to: 'bob', step: 'next', attempt: 1 });
    expect(third.runs('Escalate')).toBe(3);
    expect(third.runs('SLA Wait')).toBe(3);
  });

  it('follows `escalate to` steps: another rep, then a queue, then exhausted', async () => {
    const start = await runWorkflow(loop(policyNamed('esc-steps')), { node: 'Input', items: [{ type: 'vip' }] });
    const first = await resumeAtDeadline(start);
    expect(reassigned(first)).toMatchObject({ status: 'assigned', assignee: 'zoe', escalation_step: 1 });
    expect(reassigned(first).history.at(-1)).toMatchObject({ event: 'reassigned', step: 'rep zoe', from: 'alice', to: 'zoe' });
    const second = await resumeAtDeadline(first);
    expect(reassigned(second)).toMatchObject({ status: 'queued', assignee: null, queue: 'managers', escalation_step: 2, previous_assignee: 'zoe' });
    expect(second.status).toBe('waiting');
    const third = await resumeAtDeadline(second);
    expect(routingOf(third.json('Exhausted')[0])).toMatchObject({ status: 'exception', queue: 'exceptions', attempt: 3 });
  });

  it('never hands the lead back to someone who already let its SLA pass', async () => {
    const start = await runWorkflow(loop(policyNamed('esc-pool')), { node: 'Input', items: [{ type: 'big' }] });
    expect(routingOf(start.json('Route', 0)[0]).assignee).toBe('dana');
    const first = await resumeAtDeadline(start);
    expect(reassigned(first)).toMatchObject({ assignee: 'erin', pool: 'closers' });
    const second = await resumeAtDeadline(first);
    expect(routingOf(second.json('Exhausted')[0]).reason).toBe('escalation exhausted after 2 breaches');
  });

  it('passes over a candidate who is away when the breach happens', async () => {
    const store = await nodeStateStore({ getNodeParameter: () => 'memory' } as unknown as IExecuteFunctions);
    const start = await runWorkflow(loop(policyNamed('esc-away')), { node: 'Input', items: [{ type: 'demo' }] });
    await markAway(store, 'bob', null);
    try {
      const first = await resumeAtDeadline(start);
      expect(reassigned(first)).toMatchObject({ assignee: 'carol', previous_assignee: 'alice', candidates: [] });
    } finally {
      await markBack(store, 'bob');
    }
  });

  it('records the worked event of an escalated lead when its new assignee works it', async () => {
    const start = await runWorkflow(loop(policyNamed('esc-worked')), { node: 'Input', items: [{ type: 'demo' }] });
    const first = await resumeAtDeadline(start);
    const done = await resumeByWebhook(first, { body: { by: 'bob' } });
    expect(done.status).toBe('success');
    const routing = routingOf(done.json('Worked')[0]);
    expect(routing.history.map((e) => e.event)).toEqual(['assigned', 'breached', 'reassigned', 'worked']);
    expect(routing.history.at(-1)).toMatchObject({ assignee: 'bob', attempt: 1, data: { by: 'bob' } });
  });

  it('exhausts the lead with the reason when the state store cannot be used', async () => {
    const start = await runWorkflow(loop(policyNamed('esc-store'), { stateStore: 'bogus' }), { node: 'Input', items: [{ type: 'demo' }] });
    const breached = await resumeAtDeadline(start);
    const routing = routingOf(breached.json('Exhausted')[0]);
    expect(routing.status).toBe('exception');
    expect(routing.reason).toMatch(/^escalation exhausted after 1 breach \(.*unknown state store "bogus"/);
  });

  function escalateOnly(policy: string, onError?: 'continueRegularOutput'): WorkflowSpec {
    return {
      nodes: [
        { name: 'Input', type: INPUT },
        { name: 'Escalate', type: ESCALATE, parameters: { policy, stateStore: 'memory' }, ...(onError === undefined ? {} : { onError }) },
      ],
      links: [{ from: 'Input', to: 'Escalate' }],
    };
  }

  it('fails on an item that carries no routing decision, or one routed by another policy', async () => {
    const missing = await runWorkflow(escalateOnly(policyNamed('esc-errors')), { node: 'Input', items: [{ type: 'demo' }] });
    expect(missing.nodeError('Escalate')?.message).toBe('The field `routing` is not a routing decision: it is not a routing decision (an object from the Route node)');
    const routed = await runWorkflow(loop(policyNamed('esc-other')), { node: 'Input', items: [{ type: 'demo' }] });
    const other = await runWorkflow(escalateOnly(policyNamed('esc-errors')), { node: 'Input', items: routed.items('Route', 0) });
    expect(other.nodeError('Escalate')?.message).toBe('The lead was routed by policy "esc-other", but this node has policy "esc-errors"');
  });

  it('with "continue on fail", sends a failed item out of Exhausted with its error and its data', async () => {
    const run = await runWorkflow(escalateOnly(policyNamed('esc-errors'), 'continueRegularOutput'), { node: 'Input', items: [{ type: 'demo', id: 3 }] });
    expect(run.status).toBe('success');
    const [item] = run.items('Escalate', 1);
    expect(item.json).toMatchObject({ type: 'demo', id: 3 });
    expect(item.json.error).toMatch(/is not a routing decision/);
    expect(item.pairedItem).toEqual({ item: 0 });
  });
});
