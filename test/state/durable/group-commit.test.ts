// Redis group commit: many concurrent assignments to one pool from one process share script
// calls instead of each taking its own and retrying on the others' writes; stores of other
// processes learn each commit's writes from the change channel; a script call holds the event
// loop while Redis answers. Counted on a real redis-server (INFO commandstats), with the rotation
// checked exact afterwards.

import Redis from 'ioredis';
import { assign } from '../../../state/assign';
import { RedisStore } from '../../../state/redis';
import { endCallThread, UNTAKEN_BATCHES, type ScriptCalls } from '../../../state/redis-calls';
import type { StateRead } from '../../../state/store';
import { MINUTE, T0, member, pending, poolOption, stickyBy } from '../helpers';
import { RedisServer, redisTestsRun } from './redis-server';

jest.setTimeout(60_000);

const MEMBERS = ['ana', 'ben', 'cai', 'dev', 'eli', 'fay', 'gus'].map((name) => member(name));
const lead = (i: number) => pending([poolOption('team', 'round_robin', MEMBERS)], { at: T0 + i * MINUTE });

(redisTestsRun() ? describe : describe.skip)('Redis group commit', () => {
  let server: RedisServer;
  let admin: Redis;
  beforeAll(async () => {
    server = await RedisServer.start();
    admin = new Redis({ port: server.port, lazyConnect: true });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.quit();
    await server?.dispose();
  });

  /** Script calls (EVALSHA and EVAL) the server has run since the last reset. */
  async function scriptCalls(): Promise<number> {
    const stats = await admin.info('commandstats');
    let calls = 0;
    for (const match of stats.matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+)/gm)) calls += Number(match[1]);
    return calls;
  }

  /** Assigns `count` leads at once from each store; gives each store's assignees. */
  async function concurrently(stores: RedisStore[], count: number): Promise<string[][]> {
    await admin.config('RESETSTAT');
    return Promise.all(stores.map((store, s) => Promise.all(Array.from({ length: count }, async (_, i) => (await assign(lead(s * count + i), store)).assignee ?? 'none'))));
  }

  function spread(assignees: string[]): number {
    const counts = MEMBERS.map((m) => assignees.filter((a) => a === m.name).length);
    return Math.max(...counts) - Math.min(...counts);
  }

  test('400 concurrent leads on one pool from one process: a few script calls, not one or more per lead', async () => {
    const store = new RedisStore({ port: server.port, keyPrefix: 'one:' });
    try {
      const [assignees] = await concurrently([store], 400);
      const calls = await scriptCalls();
      console.log(`group commit, 1 process: ${calls} script calls for 400 leads (${(calls / 400).toFixed(3)} per lead)`);
      expect(assignees.filter((a) => a === 'none')).toEqual([]);
      expect(spread(assignees)).toBe(1); // 400 = 7 × 57 + 1
      // The first lead alone, then the other 399 in groups of up to 128: well under one call per ten leads.
      expect(calls).toBeLessThanOrEqual(40);
    } finally {
      await store.close();
    }
  });

  test('two processes (two stores) on one pool: contention between them only, at most 1.5 calls per lead', async () => {
    const stores = [new RedisStore({ port: server.port, keyPrefix: 'two:' }), new RedisStore({ port: server.port, keyPrefix: 'two:' })];
    try {
      const assignees = await concurrently(stores, 200);
      const calls = await scriptCalls();
      console.log(`group commit, 2 processes: ${calls} script calls for 400 leads (${(calls / 400).toFixed(3)} per lead)`);
      expect(assignees.flat().filter((a) => a === 'none')).toEqual([]);
      expect(spread(assignees.flat())).toBe(1);
      expect(calls / 400).toBeLessThanOrEqual(1.5);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  test("two processes taking turns one lead at a time: each learns the other's writes from the change channel, so few conflicts", async () => {
    const stores = [new RedisStore({ port: server.port, keyPrefix: 'turns:' }), new RedisStore({ port: server.port, keyPrefix: 'turns:' })];
    try {
      await admin.config('RESETSTAT');
      const assignees: string[] = [];
      for (let i = 0; i < 200; i++) {
        assignees.push((await assign(lead(i), stores[i % 2])).assignee ?? 'none');
        // The other store's thread hears the commit a moment after the writer's reply (a process gets
        // its next lead later than that): wait until it has handed the change over, a second at most.
        const { signal } = (stores[(i + 1) % 2] as unknown as { calls: { link: { signal: Int32Array } } }).calls.link;
        for (let waited = 0; Atomics.load(signal, 1) === 0 && waited < 1000; waited += 2) await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const calls = await scriptCalls();
      console.log(`two processes taking turns: ${calls} script calls for 200 leads (${(calls / 200).toFixed(3)} per lead)`);
      // Round robin in turn order, exact.
      expect(assignees).toEqual(Array.from({ length: 200 }, (_, i) => MEMBERS[i % MEMBERS.length].name));
      // Without the channel every lead would meet the other store's write first: 2 calls per lead.
      expect(calls / 200).toBeLessThanOrEqual(1.25);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  test('a store that routes nothing while another writes leaves a bounded number of batches on its port, then catches up', async () => {
    const [idle, busy] = [new RedisStore({ port: server.port, keyPrefix: 'idle:' }), new RedisStore({ port: server.port, keyPrefix: 'idle:' })];
    // What the idle store takes from its port, seen on the way.
    const calls = (idle as unknown as { calls: ScriptCalls }).calls;
    const take = calls.takeChanges.bind(calls);
    const taken: ReturnType<ScriptCalls['takeChanges']>[] = [];
    calls.takeChanges = () => {
      const batches = take();
      taken.push(batches);
      return batches;
    };
    const learn = () => (idle as unknown as { learnChanges(): void }).learnChanges();
    /** Waits until the thread has left `count` batches untaken on the port (its counter, shared with the store). */
    const untaken = async (count: number) => {
      const { signal } = (calls as unknown as { link: { signal: Int32Array } }).link;
      while (Atomics.load(signal, 1) < count) await new Promise((resolve) => setTimeout(resolve, 20));
    };
    try {
      await assign(lead(0), idle);
      const more = UNTAKEN_BATCHES + 200;
      for (let i = 1; i <= more; i++) await assign(lead(i), busy);
      // Every commit was published; the idle store's thread posted batches up to the bound and holds the rest.
      await untaken(UNTAKEN_BATCHES);
      // The last messages reach the thread a moment after the last commit: let it hold them all.
      await new Promise((resolve) => setTimeout(resolve, 500));
      learn();
      expect(taken.at(-1)?.length).toBe(UNTAKEN_BATCHES);
      // Taking them lets the thread hand over what it held, coalesced: one batch with the latest values.
      await untaken(1);
      learn();
      const held = taken.at(-1) ?? [];
      expect(held.length).toBe(1);
      expect(new Set(held[0].values.map(([key]) => key)).size).toBe(held[0].values.length);
      await admin.config('RESETSTAT');
      expect((await assign(lead(more + 1), idle)).assignee).toBe(MEMBERS[(more + 1) % MEMBERS.length].name);
      expect(await scriptCalls()).toBe(1);
    } finally {
      await Promise.all([idle.close(), busy.close()]);
    }
  });

  test("a script call holds the event loop until Redis answers (up to syncWaitMs); with 0 it yields", async () => {
    /** Whether other work of the process ran while a transaction was under way. */
    async function yielded(store: RedisStore): Promise<boolean> {
      const write = (v: number) => store.transact(['held'], () => ({ writes: [{ key: 'held', value: { v } }], result: v }));
      await write(0); // connected
      let ran = false;
      const other = setImmediate(() => {
        ran = true;
      });
      expect(await write(1)).toBe(1);
      clearImmediate(other);
      return ran;
    }
    const held = new RedisStore({ port: server.port, keyPrefix: 'held:', syncWaitMs: 60_000 });
    const free = new RedisStore({ port: server.port, keyPrefix: 'free:', syncWaitMs: 0 });
    try {
      expect(await yielded(held)).toBe(false);
      expect(await yielded(free)).toBe(true);
    } finally {
      await Promise.all([held.close(), free.close()]);
    }
  });

  test('a reply slower than syncWaitMs is awaited without holding the event loop', async () => {
    const store = new RedisStore({ port: server.port, keyPrefix: 'slow:', syncWaitMs: 20 });
    try {
      const write = (v: number) => store.transact(['slow'], () => ({ writes: [{ key: 'slow', value: { v } }], result: v }));
      await write(0); // connected
      // The server holds every command that may write (scripts included) for 400 ms.
      await admin.call('CLIENT', 'PAUSE', '400', 'WRITE');
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      expect(await write(1)).toBe(1);
      clearInterval(timer);
      // Held, the timer could not have fired while the reply was awaited.
      expect(ticks).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });

  test('the call thread lost with a call in flight: the call is settled through a new thread, the lead assigned once', async () => {
    const store = new RedisStore({ port: server.port, keyPrefix: 'lost:', syncWaitMs: 0 });
    try {
      expect((await assign(lead(0), store)).assignee).toBe('ana');
      // Held by the server, the script is in flight when the thread ends.
      await admin.call('CLIENT', 'PAUSE', '300', 'WRITE');
      const second = assign(lead(1), store);
      await endCallThread();
      expect((await second).assignee).toBe('ben');
      expect((await assign(lead(2), store)).assignee).toBe('cai');
      const rotation = await store.transact(['rr:acme:team'], (r) => ({ writes: [], result: r.get('rr:acme:team') as { seq: number } }));
      expect(rotation.seq).toBe(3);
    } finally {
      await store.close();
    }
  });

  test('a transaction that throws fails alone; the others of its group commit', async () => {
    const store = new RedisStore({ port: server.port, keyPrefix: 'throw:' });
    try {
      const write = (key: string) => store.transact([key], () => ({ writes: [{ key, value: { set: true } }], result: key }));
      const results = await Promise.allSettled([
        write('a'),
        write('b'),
        store.transact(['c'], () => {
          throw new Error('bad lead');
        }),
        write('d'),
      ]);
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(['a', 'b', 'bad lead', 'd']);
      const seen = await store.transact(['a', 'b', 'c', 'd'], (r: StateRead) => ({ writes: [], result: ['a', 'b', 'c', 'd'].map((k) => r.get(k) ?? null) }));
      expect(seen).toEqual([{ set: true }, { set: true }, null, { set: true }]);
    } finally {
      await store.close();
    }
  });

  test('a transaction reads only the keys it asked for, even when its group read more; `need` adds them', async () => {
    const store = new RedisStore({ port: server.port, keyPrefix: 'need:' });
    try {
      await store.transact(['x'], () => ({ writes: [{ key: 'x', value: { v: 1 } }], result: null }));
      const [other, strict, needing] = await Promise.allSettled([
        store.transact(['x'], (r) => ({ writes: [], result: r.get('x') })),
        store.transact(['y'], (r) => ({ writes: [], result: r.get('x') })),
        store.transact(['y'], (r) => (r.has('x') ? { writes: [], result: r.get('x') } : { need: ['x'] })),
      ]);
      expect(other).toEqual({ status: 'fulfilled', value: { v: 1 } });
      expect(strict.status === 'rejected' && (strict.reason as Error).message).toBe('state transaction read x, which it did not ask for');
      expect(needing).toEqual({ status: 'fulfilled', value: { v: 1 } });
    } finally {
      await store.close();
    }
  });

  test('sticky owners in one group: each lead sees the owner the leads before it recorded', async () => {
    const store = new RedisStore({ port: server.port, keyPrefix: 'sticky:' });
    try {
      const pools = new Map([['team', MEMBERS]]);
      const sticky = (i: number) => pending([poolOption('team', 'round_robin', MEMBERS)], { at: T0 + i * MINUTE, sticky: stickyBy(`acct-${i % 3}`, 86_400_000, pools) });
      const decisions = await Promise.all(Array.from({ length: 30 }, (_, i) => assign(sticky(i), store)));
      for (let i = 3; i < 30; i++) expect(decisions[i].assignee).toBe(decisions[i % 3].assignee);
      expect(new Set(decisions.slice(0, 3).map((d) => d.assignee)).size).toBe(3);
    } finally {
      await store.close();
    }
  });
});
