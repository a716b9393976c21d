// One conformance suite for the routing ledger of the three stores: the same decisions and
// events (routing one lead and a batch, escalation, a lead taken from its queue, outcomes) give
// the same ledger on the in-memory store, a SQLite file and a real redis-server: the same
// entries in the same order for every kind of query, the same open queue items, the same
// report, and the same pruning. Routing ids are random, so they are compared by the order in
// which they first appear.

import { DatabaseSync } from 'node:sqlite';
import Redis from 'ioredis';
import { reportFigures } from '../../../analysis/report';
import { compilePolicy } from '../../../compiler/compile';
import { escalate, routingRecord } from '../../../routing/escalate';
import { route, routeMany } from '../../../routing/route';
import { openItems, pruneLedger, readLedger, recordOutcome, takeFromQueue } from '../../../state/ledger';
import type { LedgerEntry, LedgerQuery } from '../../../state/ledger-entry';
import { MemoryStore } from '../../../state/memory';
import { RedisStore } from '../../../state/redis';
import { SqliteStore } from '../../../state/sqlite';
import type { StateStore } from '../../../state/store';
import { DAY, HOUR, LEDGERED as POLICY, MINUTE, T0 } from '../helpers';
import { redisTestsRun } from './redis-server';
import { durableStores } from './store-kinds';

jest.setTimeout(30_000);


const OTHER = compilePolicy(`policy other
fields {
  email: email from "Email"
}
pool solo = [zed]
else round_robin(solo)
`);

/** The same decisions and events, through the library's front doors. */
async function run(store: StateStore): Promise<void> {
  const [demo, support] = await routeMany(
    POLICY,
    [
      { Email: 'demo@x.com', type: 'demo' },
      { Email: 'help@x.com', type: 'support' },
      { Email: 'plain@x.com', type: 'other' },
      { type: 'other' }, // no email: no key
    ],
    { store, now: T0 },
  );
  await route(OTHER, { Email: 'demo@x.com' }, { store, now: T0 + MINUTE });
  const first = await escalate({ policy: POLICY, routing: routingRecord(demo, null), lead: { Email: 'demo@x.com', type: 'demo' }, now: T0 + 10 * MINUTE, store });
  const second = await escalate({ policy: POLICY, routing: first.routing, lead: { Email: 'demo@x.com', type: 'demo' }, now: T0 + 20 * MINUTE, store });
  await escalate({ policy: POLICY, routing: second.routing, lead: { Email: 'demo@x.com', type: 'demo' }, now: T0 + 30 * MINUTE, store });
  await takeFromQueue(store, support.id, 'carol', T0 + HOUR);
  await recordOutcome(store, { lead: 'plain@x.com', event: 'meeting_booked', at: T0 + DAY, by: 'alice' });
  // A webhook's body is data, whatever its keys.
  await recordOutcome(store, { lead: 'plain@x.com', event: 'won', at: T0 + 9 * DAY, value: 12_500, data: JSON.parse('{"__proto__": {"x": 1}, "deal": "d-7"}') as never });
  await route(POLICY, { Email: 'late@x.com', type: 'support' }, { store, now: T0 + 200 * DAY });
}

/** Entries with each routing id replaced by `#n`, n the order of its first appearance in `entries`. */
function numbered(entries: readonly LedgerEntry[], ids = new Map<string, string>()): unknown[] {
  return entries.map((entry) => {
    if (!ids.has(entry.id)) ids.set(entry.id, `#${ids.size}`);
    return { ...entry, id: ids.get(entry.id) };
  });
}

async function read(store: StateStore, query: LedgerQuery = {}): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  for await (const entry of readLedger(store, query)) out.push(entry);
  return out;
}

/** What a store's ledger shows after the run, then after pruning, with ids numbered alike. */
async function observe(store: StateStore): Promise<Record<string, unknown>> {
  await run(store);
  const all = await read(store);
  const ids = new Map<string, string>();
  const whole = numbered(all, ids);
  const demoId = all.find((e) => e.key === 'demo@x.com')?.id as string;
  const queries: Record<string, LedgerQuery> = {
    since: { since: T0 + 10 * MINUTE },
    until: { until: T0 + 10 * MINUTE },
    range: { since: T0 + MINUTE, until: T0 + DAY + 1 },
    id: { id: demoId },
    key: { key: 'demo@x.com' },
    policy: { policy: 'other' },
    keyAndPolicy: { key: 'demo@x.com', policy: 'ledgered', since: T0 + 15 * MINUTE },
    nothing: { key: 'nobody@x.com' },
  };
  const byQuery: Record<string, unknown> = {};
  for (const [name, query] of Object.entries(queries)) byQuery[name] = numbered(await read(store, query), ids);
  const open = (await openItems(store)).map((item) => ({ ...item, id: ids.get(item.id) }));
  const report = reportFigures(all, { until: T0 + 10 * DAY });
  const pruned = await pruneLedger(store, T0 + 190 * DAY);
  const afterPrune = numbered(await read(store), ids);
  return { whole, byQuery, open, report, pruned, afterPrune };
}

const stores = durableStores('ledger');
// The in-memory store is the reference the others are compared with.
const kinds = stores.kinds.filter((kind) => kind.name !== 'memory');

let reference: Record<string, unknown>;
beforeAll(async () => {
  const store = new MemoryStore({ strict: true });
  reference = await observe(store);
  await store.close();
});

test('the in-memory reference is the sequence the suite means', () => {
  const whole = reference.whole as LedgerEntry[];
  expect(whole.map((e) => [e.type, e.id, e.key])).toEqual([
    ['decision', '#0', 'demo@x.com'],
    ['decision', '#1', 'help@x.com'],
    ['decision', '#2', 'plain@x.com'],
    ['decision', '#3', null],
    ['decision', '#4', 'demo@x.com'],
    ['breached', '#0', 'demo@x.com'],
    ['reassigned', '#0', 'demo@x.com'],
    ['breached', '#0', 'demo@x.com'],
    ['reassigned', '#0', 'demo@x.com'],
    ['breached', '#0', 'demo@x.com'],
    ['exhausted', '#0', 'demo@x.com'],
    ['taken', '#1', 'help@x.com'],
    ['meeting_booked', '#2', 'plain@x.com'],
    ['won', '#2', 'plain@x.com'],
    ['decision', '#5', 'late@x.com'],
  ]);
  expect(reference.pruned).toBe(14);
  expect((reference.open as { id: string; queue: string }[]).map((i) => [i.id, i.queue])).toEqual([
    ['#0', 'exceptions'],
    ['#5', 'support'],
  ]);
});

describe.each(kinds)('$name store', (kind) => {
  test('the same decisions and events give the same ledger, queries, open items, report and pruning as the in-memory store', async () => {
    const store = kind.open();
    try {
      expect(await observe(store)).toEqual(reference);
    } finally {
      await store.close();
    }
  });
});

describe('SQLite state file', () => {
  test('a file made before the ledger existed opens, keeps its state and gains the ledger', async () => {
    const file = stores.path('before-the-ledger.db');
    const old = new DatabaseSync(file);
    old.exec(`CREATE TABLE leadroute_state (key TEXT PRIMARY KEY, value TEXT NOT NULL, expire_at INTEGER) WITHOUT ROWID;
      INSERT INTO leadroute_state VALUES ('away:zed', '{"until":null}', NULL)`);
    old.close();
    const store = new SqliteStore({ file });
    try {
      expect([...(await store.list('away:')).keys()]).toEqual(['away:zed']);
      const d = await route(POLICY, { Email: 'new@x.com', type: 'other' }, { store, now: T0 });
      expect((await read(store)).map((e) => [e.type, e.id])).toEqual([['decision', d.id]]);
    } finally {
      await store.close();
    }
  });

  test('a file whose ledger rows hold whole entries (as files of the last version do) opens, reads them as written alongside new ones, and loses the index on (policy, at)', async () => {
    const memory = new MemoryStore();
    await route(POLICY, { Email: 'old@x.com', type: 'other' }, { store: memory, now: T0 });
    const [written] = await read(memory);
    const file = stores.path('whole-entries.db');
    const old = new DatabaseSync(file);
    old.exec(`CREATE TABLE leadroute_state (key TEXT PRIMARY KEY, value TEXT NOT NULL, expire_at INTEGER) WITHOUT ROWID;
      CREATE TABLE leadroute_ledger (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, id TEXT NOT NULL, key TEXT, policy TEXT NOT NULL, entry TEXT NOT NULL);
      CREATE INDEX leadroute_ledger_at ON leadroute_ledger (at);
      CREATE INDEX leadroute_ledger_id ON leadroute_ledger (id);
      CREATE INDEX leadroute_ledger_key ON leadroute_ledger (key);
      CREATE INDEX leadroute_ledger_policy ON leadroute_ledger (policy, at);`);
    old.prepare('INSERT INTO leadroute_ledger (at, id, key, policy, entry) VALUES (?, ?, ?, ?, ?)').run(written.at, written.id, written.key, written.policy, JSON.stringify(written));
    old.close();
    const store = new SqliteStore({ file });
    try {
      const d = await route(POLICY, { Email: 'new@x.com', type: 'other' }, { store, now: T0 + HOUR });
      const [newer] = (await read(store)).slice(1);
      expect(newer).toMatchObject({ type: 'decision', id: d.id, key: 'new@x.com', at: T0 + HOUR });
      expect(await read(store)).toEqual([written, newer]);
      for (const query of [{ id: written.id }, { key: 'old@x.com' }, { policy: written.policy, until: T0 + 1 }]) expect(await read(store, query)).toEqual([written]);
      // Its fields in the order of an entry as written, as exports print them.
      expect(Object.keys(newer)).toEqual(Object.keys(written));
    } finally {
      await store.close();
    }
    const raw = new DatabaseSync(file);
    expect(raw.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'leadroute_ledger' ORDER BY name").all().map((r) => r.name)).toEqual([
      'leadroute_ledger_at',
      'leadroute_ledger_id',
      'leadroute_ledger_key',
    ]);
    raw.close();
  });

  test('the ledger keeps its retention before its newest entry, by the leads clock; a store told to keep none writes none', async () => {
    const file = stores.path('retention.db');
    const first = new SqliteStore({ file });
    await route(POLICY, { Email: 'old@x.com', type: 'other' }, { store: first, now: T0 });
    await route(POLICY, { Email: 'mid@x.com', type: 'other' }, { store: first, now: T0 + 2 * DAY });
    await first.close();
    // A store sweeps at its first transaction (then once a minute).
    const second = new SqliteStore({ file, ledgerRetentionDays: 1 });
    try {
      await route(POLICY, { Email: 'new@x.com', type: 'other' }, { store: second, now: T0 + 2 * DAY + HOUR });
      expect((await read(second)).map((e) => e.key)).toEqual(['mid@x.com', 'new@x.com']);
    } finally {
      await second.close();
    }
    const none = new SqliteStore({ file, ledger: false });
    try {
      await route(POLICY, { Email: 'unrecorded@x.com', type: 'other' }, { store: none, now: T0 + 3 * DAY });
      expect(none.ledger).toBeUndefined();
    } finally {
      await none.close();
    }
    const again = new SqliteStore({ file, ledgerRetentionDays: 1 });
    try {
      expect((await read(again)).map((e) => e.key)).toEqual(['mid@x.com', 'new@x.com']);
    } finally {
      await again.close();
    }
    expect(() => new SqliteStore({ file, ledgerRetentionDays: 0 })).toThrow('the ledger retention must be a positive number of days');
  });
});

(redisTestsRun() ? describe : describe.skip)('Redis streams', () => {
  let admin: Redis;
  beforeAll(async () => {
    admin = new Redis({ port: stores.port(), lazyConnect: true });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.quit();
  });
  const open = (keyPrefix: string, options: { ledgerRetentionDays?: number } = {}) => new RedisStore({ port: stores.port(), keyPrefix, ...options });

  test('a stream per policy under the key prefix, left out of the state listing; another prefix has its own ledger', async () => {
    const [a, b] = [open('streams-a:'), open('streams-b:')];
    try {
      await route(POLICY, { Email: 'a@x.com', type: 'support' }, { store: a, now: T0 });
      await route(OTHER, { Email: 'a@x.com' }, { store: a, now: T0 });
      expect((await admin.keys('streams-a:ledger:*')).sort()).toEqual(['streams-a:ledger:ledgered', 'streams-a:ledger:other']);
      expect(await admin.type('streams-a:ledger:ledgered')).toBe('stream');
      // Nor its index (ledgerix:).
      expect([...(await a.list('')).keys()].filter((key) => key.startsWith('ledger'))).toEqual([]);
      expect(await read(b)).toEqual([]);
      expect(await pruneLedger(b, T0 + 365 * DAY)).toBe(0);
      expect((await read(a)).map((e) => e.policy)).toEqual(['ledgered', 'other']);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('concurrent leads committed in groups: one decision each, matching the decisions routing returned', async () => {
    const store = open('streams-group:');
    try {
      const decisions = await Promise.all(Array.from({ length: 300 }, (_, i) => route(POLICY, { Email: `g${i}@x.com`, type: 'other' }, { store, now: T0 + i })));
      const entries = await read(store);
      expect(entries.map((e) => [e.id, e.assignee])).toEqual(decisions.map((d) => [d.id, d.assignee]));
    } finally {
      await store.close();
    }
  });

  test("a lead's entries are read through its index, not by scanning the ledger; entries written before the index are found by a scan", async () => {
    let store = open('streams-index:');
    const xranges = async (): Promise<number> => Number(/^cmdstat_xrange:calls=(\d+)/m.exec(await admin.info('commandstats'))?.[1] ?? 0);
    try {
      // 2,500 leads: a scan reads them a page of 1,000 at a time.
      await routeMany(POLICY, Array.from({ length: 2500 }, (_, i) => ({ Email: `bulk${i}@x.com`, type: 'other' })), { store, now: T0 });
      const target = await route(POLICY, { Email: 'Target@x.com', type: 'other' }, { store, now: T0 + MINUTE });
      // A few keys, not a key per lead: the day's hashes of ids and of keys, and where the stream's index begins (a test that spans midnight has two days).
      expect((await admin.keys('streams-index:ledgerix:*')).length).toBeLessThanOrEqual(5);
      await admin.config('RESETSTAT');
      await recordOutcome(store, { lead: ' TARGET@x.com', event: 'first_touch', at: T0 + 2 * MINUTE });
      await recordOutcome(store, { lead: target.id, event: 'meeting_booked', at: T0 + 3 * MINUTE });
      // The id's index is empty for a key (one call to learn it), then one XRANGE per indexed entry: the decision, then it and the touch.
      expect(await xranges()).toBe(3);
      expect((await read(store, { id: target.id })).map((e) => e.type)).toEqual(['decision', 'first_touch', 'meeting_booked']);
      expect((await read(store, { key: 'target@x.com' })).map((e) => e.type)).toEqual(['decision', 'first_touch', 'meeting_booked']);

      // A ledger written by a version without the index (none of its entries in an index list), opened by this one.
      const old = (await read(store, { key: 'bulk7@x.com' }))[0];
      await admin.del(...(await admin.keys('streams-index:ledgerix:*')));
      await store.close();
      store = open('streams-index:');
      expect((await read(store, { id: old.id })).map((e) => e.type)).toEqual(['decision']);
      // Written to since that first read: what the stream holds now is read once, from its index or by the scan.
      const fresh = await route(POLICY, { Email: 'fresh@x.com', type: 'other' }, { store, now: T0 + 4 * MINUTE });
      await recordOutcome(store, { lead: 'bulk7@x.com', event: 'won', at: T0 + 5 * MINUTE, value: 900 });
      await recordOutcome(store, { lead: 'TARGET@x.com', event: 'won', at: T0 + 6 * MINUTE });
      // Found by a scan of what the stream held before its index began, with what the index has since.
      expect((await read(store, { id: old.id })).map((e) => [e.type, 'value' in e ? e.value : null])).toEqual([
        ['decision', null],
        ['won', 900],
      ]);
      expect((await read(store, { key: 'target@x.com' })).map((e) => e.type)).toEqual(['decision', 'first_touch', 'meeting_booked', 'won']);
      expect((await read(store, { id: fresh.id })).map((e) => e.key)).toEqual(['fresh@x.com']);
      await expect(recordOutcome(store, { lead: 'nobody@x.com', event: 'won', at: T0 })).rejects.toThrow('the ledger has no routing id or lead key "nobody@x.com"');
    } finally {
      await store.close();
    }
  });

  test('entries out of time order keep the order written; appending trims the stream to about its retention before the newest entry', async () => {
    const store = open('streams-trim:', { ledgerRetentionDays: 1 });
    try {
      await route(POLICY, { Email: 'later@x.com', type: 'other' }, { store, now: T0 + HOUR });
      await route(POLICY, { Email: 'earlier@x.com', type: 'other' }, { store, now: T0 });
      expect((await read(store)).map((e) => e.key)).toEqual(['later@x.com', 'earlier@x.com']);
      await routeMany(POLICY, Array.from({ length: 500 }, (_, i) => ({ Email: `bulk${i}@x.com`, type: 'other' })), { store, now: T0 + 2 * HOUR });
      await route(POLICY, { Email: 'days-later@x.com', type: 'other' }, { store, now: T0 + 3 * DAY });
      // Redis trims whole nodes of the stream (`~`): most of the old entries go at once, none of the new.
      expect(await admin.xlen('streams-trim:ledger:ledgered')).toBeLessThan(200);
      expect((await read(store, { since: T0 + DAY })).map((e) => e.key)).toEqual(['days-later@x.com']);
    } finally {
      await store.close();
    }
  });
});
