// The routing ledger through the library's front doors: route/routeMany write one decision per
// lead in the transaction of its assignment, escalate() its events, recordOutcome and
// takeFromQueue the rest; open queue items, pruning, and errors naming the lead.

import { escalate, routingRecord } from '../../routing/escalate';
import { route, routeMany } from '../../routing/route';
import {
  findDecision,
  isDecisionEntry,
  MemoryStore,
  NotOpenError,
  openItems,
  pruneLedger,
  readLedger,
  recordOutcome,
  takeFromQueue,
  UnknownLeadError,
  type LedgerEntry,
  type StateStore,
} from '../../state';
import { DAY, HOUR, LEDGERED as POLICY, MINUTE, T0 } from './helpers';


async function all(store: StateStore, query = {}): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  for await (const entry of readLedger(store, query)) out.push(entry);
  return out;
}

describe('decisions', () => {
  test('each lead routed gets a unique routing id and exactly one decision entry that matches it', async () => {
    const store = new MemoryStore();
    const leads = [
      { Email: ' Jane@X.com ', type: 'demo' },
      { Email: 'ann@y.com', type: 'support' },
      { Email: 'bo@z.com', type: 'other' },
    ];
    const decisions = await routeMany(POLICY, leads, { store, now: T0 });
    const entries = await all(store);
    expect(new Set(decisions.map((d) => d.id)).size).toBe(3);
    expect(entries.map((e) => e.type)).toEqual(['decision', 'decision', 'decision']);
    expect(entries[0]).toEqual({
      type: 'decision',
      id: decisions[0].id,
      key: 'jane@x.com',
      at: T0,
      policy: 'ledgered',
      hash: POLICY.hash,
      status: 'assigned',
      assignee: 'alice',
      queue: null,
      pool: 'team',
      rule: decisions[0].rule,
      path: {},
      reason: null,
      due: T0 + 5 * MINUTE,
    });
    expect(entries.map((e) => [e.id, e.key, isDecisionEntry(e) ? e.status : null])).toEqual([
      [decisions[0].id, 'jane@x.com', 'assigned'],
      [decisions[1].id, 'ann@y.com', 'queued'],
      [decisions[2].id, 'bo@z.com', 'assigned'],
    ]);
  });

  test('a store without a ledger routes as before, and reading its ledger says which store keeps none', async () => {
    const store = new MemoryStore({ ledger: false });
    const d = await route(POLICY, { Email: 'a@b.c', type: 'demo' }, { store, now: T0 });
    expect(d.status).toBe('assigned');
    expect(() => readLedger(store)).toThrow('the routing state store memory keeps no ledger');
  });

  test('reads by time range, routing id and lead key', async () => {
    const store = new MemoryStore();
    const a = await route(POLICY, { Email: 'a@x.com', type: 'other' }, { store, now: T0 });
    const b = await route(POLICY, { Email: 'b@x.com', type: 'other' }, { store, now: T0 + HOUR });
    await route(POLICY, { Email: 'a@x.com', type: 'other' }, { store, now: T0 + 2 * HOUR });
    expect((await all(store, { since: T0 + HOUR })).map((e) => e.at)).toEqual([T0 + HOUR, T0 + 2 * HOUR]);
    expect((await all(store, { until: T0 + HOUR })).map((e) => e.id)).toEqual([a.id]);
    expect((await all(store, { id: b.id })).map((e) => e.key)).toEqual(['b@x.com']);
    expect((await all(store, { key: 'a@x.com' })).map((e) => e.at)).toEqual([T0, T0 + 2 * HOUR]);
    // By key, the lead's latest decision.
    expect((await findDecision(store, 'a@x.com')).at).toBe(T0 + 2 * HOUR);
    // A key as a person types it: compared as routing keeps keys (trimmed, lower case).
    expect((await findDecision(store, ' A@X.com ')).at).toBe(T0 + 2 * HOUR);
  });
});

describe('queues watched', () => {
  test('a queued lead and an exception stay open until taken; one taker gets it, the other a clear error', async () => {
    const store = new MemoryStore();
    const [queued, assigned] = await routeMany(POLICY, [{ Email: 'q@x.com', type: 'support' }, { Email: 'p@x.com', type: 'other' }], { store, now: T0 });
    expect(assigned.status).toBe('assigned');
    expect(await openItems(store)).toEqual([{ id: queued.id, key: 'q@x.com', policy: 'ledgered', queue: 'support', status: 'queued', since: T0, reason: null }]);
    expect(await openItems(store, { queue: 'exceptions' })).toEqual([]);
    // By age: waiting since T0, it has waited 10 minutes at T0 + 10m, not at T0 + 9m.
    expect((await openItems(store, { waitingSince: T0 + 10 * MINUTE - 10 * MINUTE })).map((i) => i.id)).toEqual([queued.id]);
    expect(await openItems(store, { waitingSince: T0 + 9 * MINUTE - 10 * MINUTE })).toEqual([]);

    const taken = await takeFromQueue(store, 'q@x.com', 'carol', T0 + 10 * MINUTE);
    expect(taken).toMatchObject({ type: 'taken', id: queued.id, by: 'carol', assignee: 'carol', data: { queue: 'support', waited_ms: 10 * MINUTE } });
    expect(await openItems(store)).toEqual([]);
    await expect(takeFromQueue(store, queued.id, 'dave', T0 + 11 * MINUTE)).rejects.toThrow(NotOpenError);
    await expect(takeFromQueue(store, assigned.id, 'dave', T0)).rejects.toThrow(`lead "${assigned.id}" is not waiting in a queue`);
    expect((await all(store, { id: queued.id })).map((e) => e.type)).toEqual(['decision', 'taken']);
  });

  test('escalation keeps the routing id: breached, reassigned, then exhausted into the fallback queue, which opens an item', async () => {
    const store = new MemoryStore();
    const lead = { Email: 'e@x.com', type: 'demo' };
    const decision = await route(POLICY, lead, { store, now: T0 });
    const first = await escalate({ policy: POLICY, routing: routingRecord(decision, null), lead, now: T0 + 10 * MINUTE, store });
    expect(first).toMatchObject({ outcome: 'reassigned', routing: { id: decision.id, assignee: 'bob' } });
    const second = await escalate({ policy: POLICY, routing: first.routing, lead, now: T0 + 20 * MINUTE, store });
    expect(second.outcome).toBe('reassigned');
    expect(second.routing).toMatchObject({ id: decision.id, status: 'queued', queue: 'support' });
    const entries = await all(store, { id: decision.id });
    expect(entries.map((e) => [e.type, e.assignee, e.queue])).toEqual([
      ['decision', 'alice', null],
      ['breached', 'alice', null],
      ['reassigned', 'bob', null],
      ['breached', 'bob', null],
      ['reassigned', null, 'support'],
    ]);
    expect(entries.every((e) => e.key === 'e@x.com')).toBe(true);
    expect((await openItems(store)).map((i) => [i.id, i.queue, i.since])).toEqual([[decision.id, 'support', T0 + 20 * MINUTE]]);
    const third = await escalate({ policy: POLICY, routing: second.routing, lead, now: T0 + 30 * MINUTE, store });
    expect(third.outcome).toBe('exhausted');
    expect((await all(store, { id: decision.id })).map((e) => e.type).slice(-2)).toEqual(['breached', 'exhausted']);
    expect((await openItems(store)).map((i) => [i.queue, i.status])).toEqual([['exceptions', 'exception']]);
  });
});

describe('outcomes', () => {
  test('recorded against the id or the key, with who, a value and data; an unknown id or key is an error naming it', async () => {
    const store = new MemoryStore();
    const d = await route(POLICY, { Email: 'won@x.com', type: 'other' }, { store, now: T0 });
    await recordOutcome(store, { lead: d.id, event: 'meeting_booked', at: T0 + DAY, by: 'alice' });
    await recordOutcome(store, { lead: 'WON@x.com'.toLowerCase(), event: 'won', at: T0 + 9 * DAY, value: 12_500, data: { crm: 'deal-7' } });
    await recordOutcome(store, { lead: d.id, event: 'accepted', at: T0 + 9 * DAY, value: 40 });
    const events = (await all(store, { id: d.id })).slice(1);
    expect(events).toEqual([
      { type: 'meeting_booked', id: d.id, key: 'won@x.com', at: T0 + DAY, policy: 'ledgered', by: 'alice', assignee: 'alice', queue: null, value: null, data: null },
      { type: 'won', id: d.id, key: 'won@x.com', at: T0 + 9 * DAY, policy: 'ledgered', by: null, assignee: 'alice', queue: null, value: 12_500, data: { crm: 'deal-7' } },
      { type: 'accepted', id: d.id, key: 'won@x.com', at: T0 + 9 * DAY, policy: 'ledgered', by: null, assignee: 'alice', queue: null, value: 40, data: null },
    ]);
    await expect(recordOutcome(store, { lead: 'nobody@x.com', event: 'won', at: T0 })).rejects.toThrow(new UnknownLeadError('nobody@x.com'));
    await expect(recordOutcome(store, { lead: d.id, event: 'Won Big', at: T0 })).rejects.toThrow('event "Won Big" is not a name');
    await expect(recordOutcome(store, { lead: d.id, event: 'taken', at: T0 })).rejects.toThrow('taken is recorded by routing itself');
    await expect(recordOutcome(store, { lead: d.id, event: 'won', at: T0, value: Number.NaN })).rejects.toThrow('value must be a number');
  });
});

describe('retention', () => {
  test('pruning drops the entries older than the retention, and only those', async () => {
    const store = new MemoryStore();
    await route(POLICY, { Email: 'old@x.com', type: 'other' }, { store, now: T0 });
    await route(POLICY, { Email: 'mid@x.com', type: 'other' }, { store, now: T0 + 100 * DAY });
    const now = T0 + 200 * DAY;
    expect(await pruneLedger(store, now)).toBe(1);
    expect((await all(store)).map((e) => e.key)).toEqual(['mid@x.com']);
    expect(await pruneLedger(store, now, 90)).toBe(1);
    expect(await all(store)).toEqual([]);
    await expect(pruneLedger(store, now, 0)).rejects.toThrow('positive number of days');
  });

  test('a read under way keeps the entries it started with while the ledger is pruned and appended to', async () => {
    const store = new MemoryStore();
    await route(POLICY, { Email: 'old@x.com', type: 'other' }, { store, now: T0 });
    await route(POLICY, { Email: 'mid@x.com', type: 'other' }, { store, now: T0 + 100 * DAY });
    const reading = readLedger(store)[Symbol.asyncIterator]();
    expect((await reading.next()).value).toMatchObject({ key: 'old@x.com' });
    expect(await pruneLedger(store, T0 + 200 * DAY)).toBe(1);
    await route(POLICY, { Email: 'new@x.com', type: 'other' }, { store, now: T0 + 200 * DAY });
    expect((await reading.next()).value).toMatchObject({ key: 'mid@x.com' });
    expect((await reading.next()).done).toBe(true);
    expect((await all(store)).map((e) => e.key)).toEqual(['mid@x.com', 'new@x.com']);
  });
});
