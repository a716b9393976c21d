// The two durable stores' own behaviour behind the StateStore interface: transactions, `need`,
// listing by prefix, expiry, failures that name the store, and for Redis the key prefix, the
// database number, credentials that never leak, and replies lost in flight.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { DatabaseSync } from 'node:sqlite';
import Redis from 'ioredis';
import { assign } from '../../../state/assign';
import { markAway } from '../../../state/admin';
import { readState } from '../../../state/report';
import { openStore, parseStoreSpec, redisOptionsFromCredentials } from '../../../state/open';
import { escapeGlob, RedisStore, testRedisConnection } from '../../../state/redis';
import { SqliteStore } from '../../../state/sqlite';
import { StateStoreError, type StateRead, type StateStore, type StateWrite } from '../../../state/store';
import { MINUTE, T0, member, pending, poolOption } from '../helpers';
import { freePort, RedisServer, redisTestsRun } from './redis-server';

jest.setTimeout(30_000);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'leadroute-stores-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
const dbFile = () => join(dir, `state-${++fileCount}.db`);
const read = (store: StateStore, key: string) => store.transact([key], (r) => ({ writes: [], result: r.get(key) }));
const team = () => poolOption('team', 'round_robin', [member('alice'), member('bob'), member('carol')]);

/**
 * The StateStore contract, for each durable store. `place()` makes a fresh place for a state
 * (a file, a key prefix) and gives a function that opens a store on it.
 */
function contract(place: () => () => StateStore): void {
  let store: StateStore;
  let open: () => StateStore;
  beforeEach(() => {
    open = place();
    store = open();
  });
  afterEach(() => store.close());

  test('reads the keys asked for, writes, deletes; a later write of a key wins', async () => {
    const seen = await store.transact(['a', 'b'], (r) => ({
      writes: [
        { key: 'a', value: { n: 1 } },
        { key: 'b', value: [1, 2] },
        { key: 'c', value: { n: 0 } },
        { key: 'c', value: { n: 3 } },
      ],
      result: [r.has('a'), r.get('a') ?? null, r.has('zzz')],
    }));
    expect(seen).toEqual([true, null, false]);
    expect(await read(store, 'a')).toEqual({ n: 1 });
    expect(await read(store, 'b')).toEqual([1, 2]);
    expect(await read(store, 'c')).toEqual({ n: 3 });
    await store.transact(['a'], () => ({ writes: [{ key: 'a', value: null }], result: null }));
    expect(await read(store, 'a')).toBeUndefined();
    await expect(store.transact(['a'], (r) => ({ writes: [], result: r.get('b') }))).rejects.toThrow('state transaction read b, which it did not ask for');
  });

  test('need reads more keys in the same transaction; asking again for keys read is an error', async () => {
    const writes: StateWrite[] = [
      { key: 'ptr', value: { to: 'target' } },
      { key: 'target', value: { v: 7 } },
    ];
    await store.transact([], () => ({ writes, result: null }));
    let runs = 0;
    const v = await store.transact(['ptr'], (r: StateRead) => {
      runs++;
      const to = (r.get('ptr') as { to: string }).to;
      return r.has(to) ? { writes: [{ key: 'after', value: { seen: r.get(to) ?? null } }], result: r.get(to) } : { need: [to] };
    });
    expect(v).toEqual({ v: 7 });
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(await read(store, 'after')).toEqual({ seen: { v: 7 } });
    await expect(store.transact(['ptr'], () => ({ need: ['ptr'] }))).rejects.toThrow(/asked again/);
  });

  test('a function that throws writes nothing and its error passes unchanged', async () => {
    await store.transact(['k'], () => ({ writes: [{ key: 'k', value: { v: 1 } }], result: null }));
    const boom = new TypeError('boom');
    await expect(
      store.transact(['k'], () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await read(store, 'k')).toEqual({ v: 1 });
  });

  test('list finds exactly the keys with a prefix, glob and separator characters included', async () => {
    const keys = ['rr:acme:team', 'rr:acme:team2', 'rr:acme;x', 'rr:acm', 'rr:a*[b]?\\:x', 'rr:a*[b]?\\:y', 'rr:aX[b]?\\:z', 'away:__proto__'];
    await store.transact([], () => ({ writes: keys.map((key, i) => ({ key, value: { i } })), result: null }));
    const names = async (prefix: string) => [...(await store.list(prefix)).keys()].sort();
    expect(await names('rr:acme:')).toEqual(['rr:acme:team', 'rr:acme:team2']);
    expect(await names('rr:a*[b]?\\:')).toEqual(['rr:a*[b]?\\:x', 'rr:a*[b]?\\:y']);
    expect(await names('away:')).toEqual(['away:__proto__']);
    expect((await store.list('away:')).get('away:__proto__')).toEqual({ i: 7 });
    expect(await names('nothing:')).toEqual([]);
  });

  test('assign and readState work through it; the state survives the store being closed and opened again', async () => {
    await markAway(store, 'bob', null, T0);
    const a = await assign(pending([team()], { at: T0 }), store);
    const c = await assign(pending([team()], { at: T0 + MINUTE }), store);
    expect([a.assignee, c.assignee]).toEqual(['alice', 'carol']);
    await store.close();
    store = open();
    expect((await readState(store, 'acme', T0 + 2 * MINUTE)).away.map((x) => x.member)).toEqual(['bob']);
  });
}

describe('SqliteStore', () => {
  describe('the StateStore contract', () => {
    contract(() => {
      const file = dbFile();
      return () => new SqliteStore({ file });
    });
  });

  test('expiring values get expire_at a week past their expiry (or past now); expired rows are swept', async () => {
    const path = dbFile();
    const store = new SqliteStore({ file: path });
    const expireAt = Date.now() + 3_600_000;
    await store.transact([], () => ({ writes: [{ key: 'n:x', value: { v: 1 }, expireAt }, { key: 'rr:x', value: { v: 2 } }, { key: 'old', value: { v: 3 }, expireAt: 0 }], result: null }));
    await store.close();
    const raw = new DatabaseSync(path);
    const rows = Object.fromEntries(raw.prepare('SELECT key, expire_at FROM leadroute_state').all().map((r) => [r.key, r.expire_at]));
    expect(rows['n:x']).toBe(expireAt + 7 * 86_400_000);
    expect(rows['rr:x']).toBeNull();
    expect((rows.old as number) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    raw.prepare("UPDATE leadroute_state SET expire_at = 1 WHERE key = 'old'").run();
    raw.close();
    // The first transaction of a store sweeps.
    const again = new SqliteStore({ file: path });
    await again.transact([], () => ({ writes: [], result: null }));
    expect([...(await again.list('')).keys()].sort()).toEqual(['n:x', 'rr:x']);
    await again.close();
  });

  test('a lock held by another process past the timeout: the transaction fails naming the file', async () => {
    const path = dbFile();
    const store = new SqliteStore({ file: path, lockTimeoutMs: 200 });
    const other = new DatabaseSync(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      const started = Date.now();
      await expect(store.transact(['k'], () => ({ writes: [], result: null }))).rejects.toThrow(`sqlite ${path}: locked by another process for more than 200 ms`);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      const error: unknown = await assign(pending([team()]), store).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StateStoreError);
      expect((error as Error).message).toBe(`routing state store sqlite ${path}: locked by another process for more than 200 ms`);
      // Released in time: the transaction goes through.
      setTimeout(() => other.exec('COMMIT'), 50);
      expect((await assign(pending([team()]), store)).assignee).toBe('alice');
    } finally {
      if (other.isTransaction) other.exec('ROLLBACK');
      other.close();
      await store.close();
    }
  });

  test("another connection's commits are seen: what a store remembers is dropped once the file changed", async () => {
    const path = dbFile();
    const [a, b] = [new SqliteStore({ file: path }), new SqliteStore({ file: path })];
    try {
      const got: (string | null)[] = [];
      for (let i = 0; i < 9; i++) got.push((await assign(pending([team()], { at: T0 + i }), i % 3 === 2 ? b : a)).assignee);
      expect(got).toEqual(['alice', 'bob', 'carol', 'alice', 'bob', 'carol', 'alice', 'bob', 'carol']);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('a file that cannot be opened is named; a closed store says so', async () => {
    const missing = join(dir, 'no-such-folder', 'x.db');
    expect(() => new SqliteStore({ file: missing })).toThrow(`sqlite ${missing}: cannot open`);
    const store = new SqliteStore({ file: dbFile() });
    await store.close();
    await expect(store.transact([], () => ({ writes: [], result: null }))).rejects.toThrow('the store is closed');
  });

  test('a damaged value reads as no value', async () => {
    const path = dbFile();
    const store = new SqliteStore({ file: path });
    const raw = new DatabaseSync(path);
    raw.prepare("INSERT INTO leadroute_state (key, value) VALUES ('rr:acme:team', 'not json')").run();
    raw.close();
    expect(await read(store, 'rr:acme:team')).toBeUndefined();
    expect((await assign(pending([team()]), store)).assignee).toBe('alice');
    await store.close();
  });
});

describe('store specs', () => {
  test('memory, sqlite:FILE and redis URLs; errors never repeat a password', () => {
    expect(parseStoreSpec('memory')).toEqual({ kind: 'memory' });
    expect(parseStoreSpec('sqlite:/var/lib/x.db')).toEqual({ kind: 'sqlite', file: '/var/lib/x.db' });
    expect(parseStoreSpec('redis://router:p%40ss@10.0.0.5:6380/2?prefix=acme:&tls=1')).toEqual({
      kind: 'redis',
      host: '10.0.0.5',
      port: 6380,
      username: 'router',
      password: 'p@ss',
      db: 2,
      tls: true,
      keyPrefix: 'acme:',
    });
    expect(parseStoreSpec('rediss://[::1]')).toEqual({ kind: 'redis', host: '::1', tls: true });
    expect(() => parseStoreSpec('sqlite:')).toThrow('sqlite: needs a file');
    expect(() => parseStoreSpec('disk')).toThrow('unknown state store');
    for (const bad of ['redis://u:hunter22@h/x', 'redis://u:hunter22@h/1?bogus=1', 'redis://u:hunter22@h/1?tls=maybe', 'redis://u:hunter22@h:99999']) {
      let message = '';
      try {
        parseStoreSpec(bad);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).not.toBe('');
      expect(message).not.toContain('hunter22');
    }
  });

  test('openStore opens each kind; the credential fields map to Redis options', async () => {
    const memory = openStore('memory');
    expect(memory.name).toBe('memory');
    const file = dbFile();
    const sqlite = openStore(`sqlite:${file}`);
    expect(sqlite.name).toBe(`sqlite ${file}`);
    const redis = openStore({ host: '10.0.0.5', port: 6380, db: 2, password: 'x' });
    expect(redis.name).toBe('redis 10.0.0.5:6380/2');
    await Promise.all([memory.close(), sqlite.close(), redis.close()]);
    expect(redisOptionsFromCredentials({ host: 'r.example', port: 6380, user: 'router', password: 'pw', database: 1, tls: true, keyPrefix: 'acme:' })).toEqual({
      host: 'r.example',
      port: 6380,
      username: 'router',
      password: 'pw',
      db: 1,
      tls: true,
      keyPrefix: 'acme:',
    });
    expect(redisOptionsFromCredentials({ host: '', port: '6379', user: '', password: '', database: 0, tls: false, keyPrefix: 'leadroute:' })).toEqual({
      host: '127.0.0.1',
      port: 6379,
      db: 0,
      keyPrefix: 'leadroute:',
    });
  });

  test('escapeGlob makes every glob character literal', () => {
    expect(escapeGlob('a*b?c[d]e\\f')).toBe('a\\*b\\?c\\[d\\]e\\\\f');
  });
});

(redisTestsRun() ? describe : describe.skip)('RedisStore', () => {
  let server: RedisServer;
  let raw: Redis;
  let prefixes = 0;
  const prefix = () => `t${++prefixes}:`;
  beforeAll(async () => {
    server = await RedisServer.start();
    raw = new Redis({ port: server.port, lazyConnect: true });
    await raw.connect();
  });
  afterAll(async () => {
    raw?.disconnect();
    await server?.dispose();
  });

  describe('the StateStore contract', () => {
    contract(() => {
      const keyPrefix = prefix();
      return () => new RedisStore({ port: server.port, keyPrefix });
    });
  });

  test('keys live under the prefix, in the database asked for, with expiry a week past their own', async () => {
    const store = new RedisStore({ port: server.port, db: 3, keyPrefix: 'acme-state:' });
    const expireAt = Date.now() + 3_600_000;
    await store.transact([], () => ({ writes: [{ key: 'n:acme:alice', value: { v: 1 }, expireAt }, { key: 'rr:acme:team', value: { v: 2 } }], result: null }));
    await raw.select(3);
    expect(await raw.get('acme-state:n:acme:alice')).toBe('{"v":1}');
    expect(await raw.pexpiretime('acme-state:n:acme:alice')).toBe(expireAt + 7 * 86_400_000);
    expect(await raw.pttl('acme-state:rr:acme:team')).toBe(-1);
    await raw.select(0);
    expect(await raw.exists('acme-state:rr:acme:team')).toBe(0);
    // Another prefix is another state.
    const other = new RedisStore({ port: server.port, db: 3, keyPrefix: 'other:' });
    expect(await read(other, 'rr:acme:team')).toBeUndefined();
    expect([...(await store.list('')).keys()].sort()).toEqual(['n:acme:alice', 'rr:acme:team']);
    await Promise.all([store.close(), other.close()]);
  });

  test('two stores (two connections) contending on one pool stay exact', async () => {
    const keyPrefix = prefix();
    const a = new RedisStore({ port: server.port, keyPrefix });
    const b = new RedisStore({ port: server.port, keyPrefix });
    const leads = Array.from({ length: 300 }, (_, i) => assign(pending([team()], { at: T0 + i }), i % 2 === 0 ? a : b));
    const got = await Promise.all(leads);
    const tally = new Map<string, number>();
    for (const d of got) tally.set(d.assignee as string, (tally.get(d.assignee as string) ?? 0) + 1);
    expect([...tally.values()]).toEqual([100, 100, 100]);
    expect((await readState(a, 'acme', T0)).rotations[0].seq).toBe(300);
    await Promise.all([a.close(), b.close()]);
  });

  describe('a reply lost in flight never makes a second assignment', () => {
    type Run = (script: unknown, keys: string[], args: (string | number)[], deadline: number) => Promise<unknown>;
    type Eval = () => Promise<unknown>;
    /** Replaces the store's first script call that writes (more than one key) with `lose`. */
    function intercept(store: RedisStore, lose: (real: Eval) => Promise<unknown>): { calls: number } {
      const inner = store as unknown as { run: Run };
      const real = inner.run.bind(store);
      const seen = { calls: 0 };
      inner.run = (...args) => {
        if (args[1].length > 1 && seen.calls++ === 0) return lose(() => real(...args));
        return real(...args);
      };
      return seen;
    }
    const timedOut = () => new Error('Command timed out');

    test('the script ran but its reply was lost: that attempt is found committed, its result returned', async () => {
      const store = new RedisStore({ port: server.port, keyPrefix: prefix() });
      try {
        intercept(store, async (real) => {
          await real();
          throw timedOut();
        });
        expect((await assign(pending([team()]), store)).assignee).toBe('alice');
        expect((await readState(store, 'acme', T0)).rotations[0].seq).toBe(1);
        expect((await assign(pending([team()]), store)).assignee).toBe('bob');
      } finally {
        await store.close();
      }
    });

    test('the script never ran: the attempt is fenced, the next one commits once', async () => {
      const store = new RedisStore({ port: server.port, keyPrefix: prefix() });
      try {
        let late: (() => Promise<unknown>) | null = null;
        intercept(store, (real) => {
          late = real;
          return Promise.reject(timedOut());
        });
        expect((await assign(pending([team()]), store)).assignee).toBe('alice');
        expect((await readState(store, 'acme', T0)).rotations[0].seq).toBe(1);
        // The lost command arrives after all: it finds attempt 2 committed ('c2') and writes nothing.
        expect(late).not.toBeNull();
        expect(await (late as unknown as () => Promise<unknown>)()).toBe('c2');
        expect((await readState(store, 'acme', T0)).rotations[0].seq).toBe(1);
      } finally {
        await store.close();
      }
    });
  });

  // Jest's test timeout catches a store that retries forever instead of failing.
  test('unreachable: the error names the store and address', async () => {
    const port = await freePort();
    const store = new RedisStore({ port, timeoutMs: 300 });
    const error: unknown = await assign(pending([team()]), store).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateStoreError);
    expect((error as Error).message).toMatch(new RegExp(`^routing state store redis 127\\.0\\.0\\.1:${port}: unreachable`));
    await store.close();
    await expect(store.transact([], () => ({ writes: [], result: null }))).rejects.toThrow(`redis 127.0.0.1:${port}: the store is closed`);
  });

  test('a store that is not connected never holds the event loop, whatever syncWaitMs says', async () => {
    const store = new RedisStore({ port: await freePort(), timeoutMs: 300, syncWaitMs: 600_000 });
    try {
      let ran = false;
      setImmediate(() => {
        ran = true;
      });
      await expect(assign(pending([team()]), store)).rejects.toThrow(/unreachable/);
      expect(ran).toBe(true);
    } finally {
      await store.close();
    }
  });

  describe('with a password', () => {
    const user = { name: 'leadrouter', password: 'Sup3r-secret-pw' };
    let secured: RedisServer;
    beforeAll(async () => {
      secured = await RedisServer.start({ user });
    });
    afterAll(() => secured?.dispose());

    test('the right credentials work; wrong ones fail, and neither the password nor the user appears in errors or output', async () => {
      const good = new RedisStore({ port: secured.port, username: user.name, password: user.password, keyPrefix: prefix() });
      expect((await assign(pending([team()]), good)).assignee).toBe('alice');
      await good.close();

      const written: string[] = [];
      const spies = [jest.spyOn(process.stdout, 'write'), jest.spyOn(process.stderr, 'write')].map((spy) =>
        spy.mockImplementation((chunk: string | Uint8Array) => {
          written.push(String(chunk));
          return true;
        }),
      );
      const consoles = (['log', 'warn', 'error', 'info', 'debug'] as const).map((name) => jest.spyOn(console, name).mockImplementation((...args: unknown[]) => written.push(args.map(String).join(' '))));
      try {
        const wrongPassword = `${user.password}-wrong`;
        const bad = new RedisStore({ port: secured.port, username: user.name, password: wrongPassword, timeoutMs: 500 });
        const error: unknown = await assign(pending([team()]), bad).catch((e: unknown) => e);
        await bad.close();
        const anonymous = new RedisStore({ port: secured.port, timeoutMs: 500 });
        const error2: unknown = await anonymous.transact(['k'], () => ({ writes: [{ key: 'k', value: { v: 1 } }], result: null })).catch((e: unknown) => e);
        await anonymous.close();
        const tested = await testRedisConnection({ port: secured.port, username: user.name, password: wrongPassword });
        for (const e of [error, error2]) {
          expect(e).toBeInstanceOf(Error);
          const shown = [(e as Error).message, inspect(e, { depth: 10 }), JSON.stringify(e), String((e as Error).stack)].join('\n');
          expect(shown).toContain(`redis 127.0.0.1:${secured.port}`);
          for (const secret of [user.password, wrongPassword, user.name]) expect(shown).not.toContain(secret);
        }
        expect((error as Error).message).toMatch(/WRONGPASS|unreachable/);
        expect(tested.status).toBe('Error');
        for (const secret of [user.password, wrongPassword, user.name]) {
          expect(tested.message).not.toContain(secret);
          for (const line of written) expect(line).not.toContain(secret);
        }
      } finally {
        for (const spy of [...spies, ...consoles]) spy.mockRestore();
      }
    });

    test('testRedisConnection: OK with the right credentials and a writable prefix', async () => {
      const result = await testRedisConnection({ port: secured.port, username: user.name, password: user.password, keyPrefix: 'acme:' });
      expect(result.status).toBe('OK');
      expect(result.message).toMatch(new RegExp(`^Connected to redis 127\\.0\\.0\\.1:${secured.port} \\(Redis \\d+\\.\\d+`));
      const refused = await testRedisConnection({ port: await freePort() });
      expect(refused.status).toBe('Error');
      expect(refused.message).toContain('ECONNREFUSED');
    });
  });
});
