// state/escalate.ts on its own: reading a routing record back from an item, and the escalation
// steps the node loop does not reach (sticky decisions, edited policies, owner and `by` steps).

import { compilePolicy } from '../../compiler/compile';
import { assign, MemoryStore, readLedger, recordOutcome } from '../../state';
import { escalate, readRoutingRecord, routingRecord, type RoutingRecord } from '../../routing/escalate';

const NOW = Date.parse('2026-11-23T15:00:00Z');

async function routed(source: string, lead: object, store = new MemoryStore()): Promise<{ record: RoutingRecord; store: MemoryStore }> {
  const policy = compilePolicy(source);
  const record = routingRecord(await assign(policy.decide(lead, { now: NOW }), store), null);
  return { record, store };
}

describe('readRoutingRecord', () => {
  it('reads back what Route wrote, through JSON', async () => {
    const { record } = await routed('policy "r"\npool p = [a, b]\nelse round_robin(p) sla 5m\nfallback queue x', { id: 1 });
    expect(readRoutingRecord(JSON.parse(JSON.stringify(record)))).toEqual(record);
  });

  it('says what is wrong with a value that is not a routing record', () => {
    expect(readRoutingRecord(undefined)).toBe('it is not a routing decision (an object from the Route node)');
    expect(readRoutingRecord({ status: 'done' })).toBe('`status` is not assigned, queued or exception');
    expect(readRoutingRecord({ status: 'assigned', assignee: 'a', queue: null, pool: null, candidates: 'b', escalation: [] })).toBe('`candidates` and `escalation` must be lists of text');
    expect(readRoutingRecord({ status: 'assigned', assignee: 'a', queue: null, pool: null, policy: {} })).toBe('`policy.name` is missing');
  });

  it('reads only own fields: an inherited status is not a status', () => {
    const inherited = Object.create({ status: 'assigned' }) as object;
    expect(readRoutingRecord(inherited)).toBe('`status` is not assigned, queued or exception');
    const withProto = JSON.parse('{"__proto__": {"status": "assigned"}, "status": "queued", "assignee": null, "queue": "q", "pool": null, "policy": {"name": "p"}}') as object;
    const read = readRoutingRecord(withProto) as RoutingRecord;
    expect(read.status).toBe('queued');
    expect(read.attempt).toBe(0);
    expect(read.history).toEqual([]);
  });
});

describe('escalate', () => {
  it('a declined offer moves to the next buyer without a breach, leaves the decliner out, and says so when nobody is left', async () => {
    const source = 'policy "buyers"\npool buyers = [hi bid 40, mid bid 30, lo bid 20]\nelse by_bid(buyers) sla 10s\nfallback queue unsold';
    const policy = compilePolicy(source);
    const { record, store } = await routed(source, { email: 'l@x' });
    expect(record).toMatchObject({ assignee: 'hi', candidates: ['mid', 'lo'] });
    const second = await escalate({ policy, routing: record, lead: { email: 'l@x' }, now: NOW + 2_000, store, cause: 'declined' });
    expect(second.routing).toMatchObject({ status: 'assigned', assignee: 'mid', previous_assignee: 'hi', attempt: 1 });
    expect(second.routing.history.map((e) => e.event)).toEqual(['assigned', 'declined', 'reassigned']);
    expect(second.routing.history[1]).toMatchObject({ assignee: 'hi', attempt: 0 });
    // An answer recorded without `by` names the buyer holding the lead now, not the first one offered it.
    const answer = await recordOutcome(store, { lead: record.id, event: 'declined', at: NOW + 3_000 });
    expect(answer).toMatchObject({ type: 'declined', assignee: 'mid' });
    const third = await escalate({ policy, routing: second.routing, lead: { email: 'l@x' }, now: NOW + 4_000, store, cause: 'declined' });
    expect(third.routing.assignee).toBe('lo');
    const last = await escalate({ policy, routing: third.routing, lead: { email: 'l@x' }, now: NOW + 6_000, store, cause: 'declined' });
    expect(last).toMatchObject({ outcome: 'exhausted', routing: { status: 'exception', queue: 'unsold', reason: 'escalation exhausted after 3 declines (next: nobody left in the cascade; queue unsold is the fallback queue)' } });
    const ledger: string[] = [];
    for await (const entry of readLedger(store, {})) ledger.push(`${entry.type} ${entry.assignee ?? ''}`.trim());
    expect(ledger).toEqual(['decision hi', 'reassigned mid', 'declined mid', 'reassigned lo', 'exhausted']);
  });

  it('takes the steps of the rule the lead matches now for a sticky decision (which has no rule)', async () => {
    const source = `policy "sticky-esc"
pool p = [a, b, c]
sticky by email for 30d
else round_robin(p) sla 5m escalate to rep zed
fallback queue x`;
    const policy = compilePolicy(source);
    const store = new MemoryStore();
    await assign(policy.decide({ email: 'e@x' }, { now: NOW }), store);
    const again = routingRecord(await assign(policy.decide({ email: 'e@x' }, { now: NOW + 1000 }), store), null);
    expect(again).toMatchObject({ assignee: 'a', rule: null });
    const result = await escalate({ policy, routing: again, lead: { email: 'e@x' }, now: NOW + 60_000, store });
    expect(result.routing).toMatchObject({ status: 'assigned', assignee: 'zed', escalation_step: 1 });
  });

  it('uses the edited policy’s matching rule when the rule the lead was routed by has changed', async () => {
    const before = 'policy "edited"\npool p = [a, b]\nelse round_robin(p) sla 5m escalate to rep old\nfallback queue x';
    const after = 'policy "edited"\npool p = [a, b]\nelse round_robin(p) sla 10m escalate to rep new\nfallback queue x';
    const { record, store } = await routed(before, {});
    const result = await escalate({ policy: compilePolicy(after), routing: record, lead: {}, now: NOW + 1, store });
    expect(result.routing).toMatchObject({ assignee: 'new', sla: { duration: '10m' } });
  });

  it('passes over an owner step whose owner is blank, and plans `by` steps like rule targets', async () => {
    const source = `policy "by-esc"
dimension size by employees {
  big when >= 100
  small otherwise
}
pool big = [bo]
pool small = [sa]
pool first = [f1]
else round_robin(first) sla 5m escalate to owner, by size then round_robin(pool)
fallback queue x`;
    const { record, store } = await routed(source, { employees: 500 });
    const result = await escalate({ policy: compilePolicy(source), routing: record, lead: { employees: 500 }, now: NOW + 1, store });
    expect(result.outcome).toBe('reassigned');
    expect(result.routing).toMatchObject({ assignee: 'bo', pool: 'big', path: { size: 'big' }, escalation_step: 2, attempt: 1 });
    expect(result.routing.history.at(-1)).toMatchObject({ event: 'reassigned', step: 'by size then round_robin(pool)' });
  });

  it('exhausts a lead whose rule has no steps left, keeping it whole', async () => {
    const source = 'policy "short"\npool p = [a]\nelse round_robin(p) sla 5m escalate to queue x\nfallback queue x';
    const { record, store } = await routed(source, { id: 9 });
    const result = await escalate({ policy: compilePolicy(source), routing: record, lead: { id: 9 }, now: NOW + 1, store });
    expect(result.outcome).toBe('exhausted');
    expect(result.routing).toMatchObject({ status: 'exception', queue: 'x', assignee: null, previous_assignee: 'a', reason: 'escalation exhausted after 1 breach (queue x is the fallback queue)' });
    expect(result.routing.history.map((e) => e.event)).toEqual(['assigned', 'breached', 'exhausted']);
  });
});
