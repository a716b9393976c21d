// The Redis state store through the nodes, against a redis-server of the test's own: Route and
// Escalate share rotation through the credential's server, the ledger nodes read its ledger, and
// the credential test answers.

import type { ICredentialDataDecryptedObject, ICredentialTestFunctions, IDataObject } from 'n8n-workflow';
import { closeNodeStateStores, CREDENTIAL_REUSE_MS, stateStoreMethods } from '../../nodes/shared/store';
import { RedisServer, freePort, redisTestsRun } from '../state/durable/redis-server';
import { ESCALATE, INPUT, LEAD_LEDGER, LEAD_QUEUE_TRIGGER, ROUTE, SLA_WAIT, pollTrigger, resumeAtDeadline, resumeByWebhook, runWorkflow, type WorkflowSpec } from './harness';

const POLICY = `policy "redis-nodes"
pool sales = [alice, bob, carol]
else round_robin(sales) sla 5m
fallback queue exceptions`;

const QUEUE_POLICY = `policy "redis-ledger"
pool sales = [alice]
when type = support route queue support
else round_robin(sales)
fallback queue exceptions`;

const run = redisTestsRun() ? describe : describe.skip;

/** A redis-server of the describe's own, started before its tests and removed after them (with the nodes' open stores). */
function ownRedisServer(): () => RedisServer {
  let server: RedisServer;
  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterAll(async () => {
    await closeNodeStateStores();
    await server.dispose();
  });
  return () => server;
}

run('nodes with the Redis state store', () => {
  const server = ownRedisServer();

  const credential = (): ICredentialDataDecryptedObject => ({ host: '127.0.0.1', port: server().port, database: 0, tls: false, keyPrefix: 'nodes-test:' });
  const spec = (): WorkflowSpec => ({
    nodes: [
      { name: 'Input', type: INPUT },
      { name: 'Route', type: ROUTE, parameters: { policy: POLICY, stateStore: 'redis' }, credentials: { leadRoutingRedis: { id: '1', name: 'Routing Redis' } } },
      { name: 'SLA Wait', type: SLA_WAIT },
      { name: 'Escalate', type: ESCALATE, parameters: { policy: POLICY, stateStore: 'redis' }, credentials: { leadRoutingRedis: { id: '1', name: 'Routing Redis' } } },
    ],
    links: [
      { from: 'Input', to: 'Route' },
      { from: 'Route', to: 'SLA Wait' },
      { from: 'SLA Wait', to: 'Escalate' },
    ],
    credentials: { leadRoutingRedis: credential() },
  });

  it('routes and escalates through the server of the credential', async () => {
    const first = await runWorkflow(spec(), { node: 'Input', items: [{ n: 1 }, { n: 2 }] });
    expect(first.json('Route', 0).map((j) => (j.routing as IDataObject).assignee)).toEqual(['alice', 'bob']);
    const escalated = await resumeAtDeadline(first);
    expect(escalated.json('Escalate', 0).map((j) => (j.routing as IDataObject).assignee)).toEqual(['bob', 'carol']);
    // The rotation lives in Redis and counts the escalations: alice's turn has come again.
    const second = await runWorkflow(spec(), { node: 'Input', items: [{ n: 3 }] });
    expect((second.json('Route', 0)[0].routing as IDataObject).assignee).toBe('alice');
  });

  it('keeps the ledger for Lead Ledger and Lead Queue Trigger: an outcome recorded, a lead left in a queue fired for once', async () => {
    const redis = { stateStore: 'redis' };
    const credentials = { leadRoutingRedis: { id: '1', name: 'Routing Redis' } };
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000).toISOString();
    const ledger: WorkflowSpec = {
      nodes: [
        { name: 'Input', type: INPUT },
        { name: 'Route', type: ROUTE, parameters: { policy: QUEUE_POLICY, routingTime: twoHoursAgo, ...redis }, credentials },
        { name: 'Lead Ledger', type: LEAD_LEDGER, parameters: { event: 'meeting_booked', ...redis }, credentials },
      ],
      links: [0, 1].map((output) => ({ from: 'Route', to: 'Lead Ledger', output })).concat([{ from: 'Input', to: 'Route', output: 0 }]),
      credentials: { leadRoutingRedis: credential() },
    };
    const routed = await runWorkflow(ledger, { node: 'Input', items: [{ email: 'r1@example.com' }, { email: 'r2@example.com', type: 'support' }] });
    // Lead Ledger runs once per Route output that has items (Assigned, Queued).
    const recorded = [0, 1].flatMap((runIndex) => routed.json('Lead Ledger', 0, runIndex));
    expect(recorded.map((j) => [j.email, (j.ledger as IDataObject).type]).sort()).toEqual([
      ['r1@example.com', 'meeting_booked'],
      ['r2@example.com', 'meeting_booked'],
    ]);

    const trigger: WorkflowSpec = {
      nodes: [{ name: 'Trigger', type: LEAD_QUEUE_TRIGGER, parameters: { olderThan: '1h', ...redis }, credentials }],
      links: [],
      credentials: { leadRoutingRedis: credential() },
      staticData: {},
    };
    const fired = await pollTrigger(trigger, 'Trigger');
    expect(fired?.[0].map((item) => item.json)).toEqual([expect.objectContaining({ key: 'r2@example.com', queue: 'support', policy: 'redis-ledger' })]);
    expect(await pollTrigger(trigger, 'Trigger')).toBeNull();
  });

  it('tests the credential: OK against the server, an error naming no password when nothing listens', async () => {
    const test = stateStoreMethods?.credentialTest?.leadRoutingRedisConnectionTest;
    if (test === undefined) throw new Error('no credential test');
    const context = {} as ICredentialTestFunctions;
    const ok = await test.call(context, { id: '1', name: 'r', type: 'leadRoutingRedis', data: credential() });
    expect(ok.status).toBe('OK');
    const port = await freePort();
    const failed = await test.call(context, { id: '1', name: 'r', type: 'leadRoutingRedis', data: { host: '127.0.0.1', port, password: 'hunter2-secret' } });
    expect(failed.status).toBe('Error');
    expect(failed.message).not.toContain('hunter2-secret');
  });
});

run('SLA Wait with its Redis store down', () => {
  const server = ownRedisServer();

  it("the assignee's link still ends the wait on Worked: the late touches and the ledger entry are lost, not the lead", async () => {
    const redis = { stateStore: 'redis' };
    const spec: WorkflowSpec = {
      nodes: [
        { name: 'Input', type: INPUT },
        { name: 'Route', type: ROUTE, parameters: { policy: POLICY, ...redis }, credentials: { leadRoutingRedis: { id: '1', name: 'Routing Redis' } } },
        { name: 'SLA Wait', type: SLA_WAIT, parameters: redis, credentials: { leadRoutingRedis: { id: '1', name: 'Routing Redis' } } },
      ],
      links: [
        { from: 'Input', to: 'Route' },
        { from: 'Route', to: 'SLA Wait' },
      ],
      credentials: { leadRoutingRedis: { host: '127.0.0.1', port: server().port, database: 0, tls: false, keyPrefix: 'down-test:' } },
    };
    const waiting = await runWorkflow(spec, { node: 'Input', items: [{ email: 'down@x.com' }] });
    expect(waiting.status).toBe('waiting');
    await server().stop();
    const resumed = await resumeByWebhook(waiting, { method: 'POST', body: { by: 'alice' } });
    expect(resumed.status).toBe('success');
    const [worked] = resumed.json('SLA Wait', 1);
    expect(((worked.routing as IDataObject).history as IDataObject[]).map((e) => e.event)).toEqual(['assigned', 'worked']);
  }, 120_000);
});

run("the Redis credential, reused for a while rather than read from n8n's database on every execution", () => {
  const server = ownRedisServer();
  const spec = (keyPrefix: string): WorkflowSpec => ({
    nodes: [
      { name: 'Input', type: INPUT },
      { name: 'Route', type: ROUTE, parameters: { policy: POLICY, stateStore: 'redis' }, credentials: { leadRoutingRedis: { id: 'reuse', name: 'Routing Redis' } } },
    ],
    links: [{ from: 'Input', to: 'Route' }],
    credentials: { leadRoutingRedis: { host: '127.0.0.1', port: server().port, database: 0, tls: false, keyPrefix } },
  });
  const assignee = async (keyPrefix: string): Promise<unknown> => ((await runWorkflow(spec(keyPrefix), { node: 'Input', items: [{ n: 1 }] })).json('Route', 0)[0].routing as IDataObject).assignee;

  afterEach(() => jest.restoreAllMocks());

  it('an edited credential takes effect once CREDENTIAL_REUSE_MS has passed', async () => {
    expect(await assignee('reuse-a:')).toBe('alice');
    // Edited (another key prefix: a rotation of its own); the one read a moment ago is still used.
    expect(await assignee('reuse-b:')).toBe('bob');
    const later = performance.now() + CREDENTIAL_REUSE_MS;
    jest.spyOn(performance, 'now').mockReturnValue(later);
    // Read again: the new prefix's rotation starts with alice.
    expect(await assignee('reuse-b:')).toBe('alice');
    // And reused again from then on.
    expect(await assignee('reuse-a:')).toBe('bob');
  });
});
