// The shared store: Redis through ioredis, for n8n queue mode and several machines.
//
// Atomicity: optimistic, with one generic compare-and-set script (CAS_SCRIPT). The pure function
// runs on the client, on the values the store expects (as it last wrote or saw them; a key never
// seen is taken to be absent), and one script checks that each of those values is still the one
// in Redis and, in the same atomic step, applies the writes. On a conflict the script answers
// with the current values, and the function runs again on them (one round trip per attempt),
// backing off with jitter after the first retries, until it commits or its time is up. So an
// uncontended transaction is one round trip, and a wrong guess costs one conflict. The script
// knows nothing of routing: all strategy code stays in strategies.ts and assign.ts.
//
// Group commit: a store has at most one script call in flight. Transactions that arrive while
// it runs wait, and the next call commits all of them at once (up to GROUP_LIMIT): their
// functions run one after another over one view (overlay.ts), each seeing the writes of the
// ones before it, exactly as if each had its own transaction, and one script checks and writes
// them all. So concurrent executions of one n8n worker on one busy pool cost one round trip per
// group instead of one per execution plus a retry storm among themselves: contention across a
// cluster is between processes, not executions. A conflict retries the group as one. A function
// that throws fails only its own transaction. One lane per store rather than per pool: pools of
// one policy share member keys (counts, away flags), so lanes per pool would conflict with each
// other inside the process again.
//
// Calls and changes: the script calls go to a thread with its own connection, and the store
// waits for the reply holding the event loop, briefly (redis-calls.ts), so a reply does not
// queue behind a busy n8n worker's other executions. Each commit publishes the values it wrote
// on the prefix's change channel; the thread listens, and every transaction starts from what
// other processes wrote since, so turns taken by several processes rarely conflict. The channel
// only saves conflicts: a missed message costs one retry, never a wrong write.
//
// Idempotence: a reply can be lost after the script ran (the connection drops, a command times
// out). Each group therefore has a sequence number in this store's record (a key `tx:<store id>`
// under the prefix), and each of its attempts a number; the script records `seq:attempt:c` in
// the record when it commits. When an
// attempt's outcome is unknown, the client waits for the connection and runs FENCE_SCRIPT,
// which either finds that attempt (or an earlier one) committed, whose result is then returned,
// or records `seq:attempt:f`, after which that attempt can never commit (the script refuses it).
// Only then is the transaction tried again. So a lead is never assigned twice, whatever
// happened to the replies. ioredis is told not to resend commands after a reconnect, and not to
// queue commands while disconnected: the transaction itself waits for the connection, up to its
// timeout, and then fails naming the store and address (never the credentials).
//
// The routing ledger: a stream per policy (`ledger:<policy>` under the prefix), appended by the
// same script call that writes the state, so a decision and its state commit together or not at
// all, whatever happens to the connection. An entry's stream id is its time (ms), or the
// stream's last id when it comes later than that (a replay out of time order): ids stay
// increasing and trimming by id (MINID) never drops an entry younger than the cut. Each append
// trims the stream to ledgerRetentionDays before its newest entry (approximately: Redis trims
// whole nodes); pruneLedger trims exactly to its time. Reads are XRANGE scans, filtered.

import { createHash, randomUUID } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import Redis, { type RedisOptions } from 'ioredis';
import { DAY_MS, DEFAULT_RETENTION_DAYS, matches } from './ledger';
import type { LedgerEntry, LedgerQuery, LedgerStore } from './ledger-entry';
import { BatchView } from './overlay';
import { ScriptCallError, ScriptCalls } from './redis-calls';
import { keepUntil, keyPart, parseStateValue, type StateRead, type StateStore, type StateValue, type TransactionStep } from './store';

export interface RedisStoreOptions {
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  /** Database number. Default 0. */
  db?: number;
  /** TLS: true for the system's certificate authorities, or node:tls options. */
  tls?: boolean | ConnectionOptions;
  /** Put before every key. Default `leadroute:`. */
  keyPrefix?: string;
  /** How long a transaction may take in all (waiting for the connection, conflicts) before it fails (ms). Default 10000. */
  timeoutMs?: number;
  /** How long one command may take before its outcome counts as unknown (ms). Default 3000. */
  commandTimeoutMs?: number;
  /**
   * How long a transaction whose write has an unknown outcome (the connection dropped before
   * the reply) keeps trying to learn it, past timeoutMs (ms). Default 30000. Only when Redis stays
   * away longer does the transaction fail with the outcome unknown (then the lead goes to the
   * fallback queue, and the state may still count the assignment: never twice).
   */
  settleTimeoutMs?: number;
  /** false: give up at the first failed connection instead of reconnecting (a credential test). Default true. */
  reconnect?: boolean;
  /** Keep the routing ledger (state/ledger.ts). Default true. */
  ledger?: boolean;
  /** Each policy's stream keeps about this many days before its newest entry. Default 180. */
  ledgerRetentionDays?: number;
  /**
   * How long a transaction's script call holds the event loop waiting for its reply before it
   * waits asynchronously (ms; redis-calls.ts says why). Default 50; 0 never holds it.
   */
  syncWaitMs?: number;
}

export const DEFAULT_KEY_PREFIX = 'leadroute:';
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 3_000;
const DEFAULT_SETTLE_TIMEOUT_MS = 30_000;
const DEFAULT_SYNC_WAIT_MS = 50;
/** The channel (under the prefix) each commit publishes its writes to. */
const CHANGES_CHANNEL = 'changes';
/** Transactions committed by one script call at most; more wait for the next. */
const GROUP_LIMIT = 128;
/** How long a store's record outlives its last use: far longer than any reply can be in flight. */
const SLOT_RECORD_TTL_MS = 86_400_000;
/** After the first conflicts (retried at once, on the values the script sent back), waits grow at random up to this many ms. */
const MAX_BACKOFF_MS = 16;
/** Values remembered (as last read or written); past this, the memory starts afresh. */
const REMEMBERED_VALUES = 50_000;
/** Keys per MGET when listing. */
const MGET_CHUNK = 500;
const SCAN_COUNT = 1000;
/** The stores' records' namespace under the prefix; list() leaves it out. */
const SLOT_NAMESPACE = 'tx:';
/** The ledger's streams' namespace under the prefix (one stream per policy); list() leaves it out too. */
const LEDGER_NAMESPACE = 'ledger:';
/** Ledger entries per XRANGE page. */
const LEDGER_PAGE = 1000;
/**
 * The ledger's index namespace: where the entries of each routing id and each lead key are
 * (`<stream> <entry id>`, a line each), so that recording an outcome reads the lead's entries,
 * not every entry of 180 days. One hash per day of writing and per kind (`ledgerix:id:<day>`,
 * `ledgerix:key:<day>`, a field per id or key), kept for the retention past its day: a few
 * hundred keys, where a key per lead would make every SCAN of the store (list(), the queue
 * view) walk millions. list() leaves the namespace out too.
 */
const LEDGER_INDEX_NAMESPACE = 'ledgerix:';
const ledgerIndexKey = (by: 'id' | 'key', day: number): string => `${LEDGER_INDEX_NAMESPACE}${by}:${day}`;
/** The id of a stream's first indexed entry: what the stream holds before it, the index does not have; 0-0 when that is nothing. */
const ledgerIndexFrom = (stream: string): string => `${LEDGER_INDEX_NAMESPACE}from:${stream}`;

/**
 * KEYS[1]: the store's record; KEYS[2..n+1]: the keys read; then keys written but not read, and
 * ledger streams. ARGV: seq, attempt, slot record ttl (ms), n, w, the ledger's retention (ms), when the index hashes expire (ms),
 * the channel the writes are published to ('' = none; the message is the store's record, a newline and a JSON array of key, value, ...), the n values read ('' = absent), then for each of the w writes: its index in KEYS, the value
 * ('' = delete), the expiry in ms since epoch ('0' = none); then for each ledger entry: its
 * stream's index in KEYS, the entry (JSON), its time (ms), the index in KEYS of the day's id
 * index hash and the routing id, of the day's key index hash and the lead key ('0' and '' =
 * none), and of its stream's `from` key. Each id and key gets `<stream> <entry id>` on a line of
 * its own; the hashes expire at ARGV[7] (ms); `from` keeps the stream's first indexed id (0-0
 * for a stream begun indexed).
 * Answers 'ok' (a transaction without writes leaves no record: running it again is harmless);
 * 'c<attempt>' when an attempt of this transaction already committed; 'fenced' when this
 * attempt may no longer commit; or 'conflict' followed by the current values of the keys read.
 */
const CAS_SCRIPT = `
local seq = tonumber(ARGV[1])
local record = redis.call('GET', KEYS[1])
if record then
  local rs, ra, kind = string.match(record, '^(%d+):(%d+):(%a)$')
  rs = tonumber(rs)
  if rs > seq then return 'fenced' end
  if rs == seq then
    if kind == 'c' then return 'c' .. ra end
    if tonumber(ra) >= tonumber(ARGV[2]) then return 'fenced' end
  end
end
local n = tonumber(ARGV[4])
local changed = false
local current = {}
for i = 1, n do
  local v = redis.call('GET', KEYS[i + 1])
  current[i] = v
  if (v or '') ~= ARGV[i + 8] then changed = true end
end
if changed then
  local reply = {'conflict'}
  for i = 1, n do reply[i + 1] = current[i] end
  return reply
end
local a = n + 9
if a > #ARGV then return 'ok' end
local ledger = a + 3 * tonumber(ARGV[5])
local published = {}
while a < ledger do
  local key = KEYS[tonumber(ARGV[a])]
  if ARGV[a + 1] == '' then
    redis.call('DEL', key)
  else
    redis.call('SET', key, ARGV[a + 1])
    if ARGV[a + 2] ~= '0' then redis.call('PEXPIREAT', key, ARGV[a + 2]) end
  end
  published[#published + 1] = key
  published[#published + 1] = ARGV[a + 1]
  a = a + 3
end
-- Other processes learn the values at once; a channel they may not use must not stop the write.
if #published > 0 and ARGV[8] ~= '' then redis.pcall('PUBLISH', ARGV[8], KEYS[1] .. '\\n' .. cjson.encode(published)) end
local newest = {}
local first = {}
local hashes = {}
while a <= #ARGV do
  local key = KEYS[tonumber(ARGV[a])]
  local at = tonumber(ARGV[a + 2])
  -- In time order (the usual case) Redis numbers the entry within its millisecond; an entry
  -- older than the stream's last takes the last id's time, one sequence number on.
  local added = redis.pcall('XADD', key, ARGV[a + 2] .. '-*', 'e', ARGV[a + 1])
  if type(added) == 'table' and added.err then
    local last = redis.call('XREVRANGE', key, '+', '-', 'COUNT', 1)[1]
    local ms, sq = string.match(last[1], '^(%d+)-(%d+)$')
    at = tonumber(ms)
    added = redis.call('XADD', key, ms .. '-' .. string.format('%d', tonumber(sq) + 1), 'e', ARGV[a + 1])
  end
  newest[key] = math.max(newest[key] or 0, at)
  for i = a + 3, a + 5, 2 do
    if ARGV[i] ~= '0' then
      local hash = KEYS[tonumber(ARGV[i])]
      local places = redis.call('HGET', hash, ARGV[i + 1])
      redis.call('HSET', hash, ARGV[i + 1], (places and (places .. '\\n') or '') .. key .. ' ' .. added)
      hashes[hash] = true
    end
  end
  if not first[key] then first[key] = {added, ARGV[a + 7], 0} end
  first[key][3] = first[key][3] + 1
  a = a + 8
end
for hash in pairs(hashes) do redis.call('PEXPIREAT', hash, ARGV[7]) end
for key, f in pairs(first) do
  -- A stream these entries began holds nothing unindexed: 0-0.
  redis.call('SET', KEYS[tonumber(f[2])], redis.call('XLEN', key) == f[3] and '0-0' or f[1], 'NX')
end
for key, at in pairs(newest) do
  local cut = at - tonumber(ARGV[6])
  if cut > 0 then redis.call('XTRIM', key, 'MINID', '~', string.format('%d', cut)) end
end
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. ARGV[2] .. ':c', 'PX', ARGV[3])
return 'ok'
`;

/**
 * KEYS[1]: the store's record; ARGV: seq, attempt, ttl. Answers 'c<attempt>' when an attempt of
 * transaction seq committed; otherwise records that attempts up to this one may never commit
 * and answers 'f'.
 */
const FENCE_SCRIPT = `
local record = redis.call('GET', KEYS[1])
if record then
  local rs, ra, kind = string.match(record, '^(%d+):(%d+):(%a)$')
  if tonumber(rs) == tonumber(ARGV[1]) and kind == 'c' then return 'c' .. ra end
end
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. ARGV[2] .. ':f', 'PX', ARGV[3])
return 'f'
`;

interface Script {
  lua: string;
  sha: string;
}

const script = (lua: string): Script => ({ lua, sha: createHash('sha1').update(lua).digest('hex') });
const CAS = script(CAS_SCRIPT);
const FENCE = script(FENCE_SCRIPT);

/** `*`, `?`, `[`, `]` and `\` match literally in a SCAN pattern once escaped. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** `host:port`, with brackets around an IPv6 address. */
function address(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Contention: retry at once twice, then wait a random while that doubles up to MAX_BACKOFF_MS. */
function backOff(conflicts: number): Promise<void> | undefined {
  if (conflicts <= 2) return undefined;
  return sleep(Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** (conflicts - 3)));
}

/** Raised inside a transaction: the store's own failures, whose text is final. */
class RedisStoreFailure extends Error {}

/** An error thrown by the transaction function (or its `need`): passed on unchanged. */
class FunctionError {
  constructor(readonly error: unknown) {}
}

/** A transaction waiting for its group: its keys (grown by `need`), its function, its promise. */
interface Waiting {
  keys: Set<string>;
  fn: (read: StateRead) => TransactionStep<unknown>;
  deadline: number;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

/** One transaction's outcome in its group. */
type Outcome = { ok: true; result: unknown } | { ok: false; error: unknown };

/** A transaction's view inside its group: the group's values, only the keys it asked for. */
class MemberRead implements StateRead {
  constructor(
    private readonly view: StateRead,
    private readonly keys: ReadonlySet<string>,
  ) {}

  get(key: string): StateValue | undefined {
    if (!this.keys.has(key)) throw new Error(`state transaction read ${key}, which it did not ask for`);
    return this.view.get(key);
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }
}

/**
 * The group's function: each transaction's function in order over one view, each on the writes
 * of the ones before it. A transaction that needs keys the group has read gets them at once;
 * keys nobody read yet are asked of the store, and the group runs again.
 */
function groupStep(group: readonly Waiting[], read: StateRead): TransactionStep<Outcome[]> {
  const view = new BatchView(read);
  const outcomes: Outcome[] = [];
  const ledger: LedgerEntry[] = [];
  for (const member of group) {
    try {
      for (;;) {
        const step = member.fn(new MemberRead(view, member.keys));
        if (!('need' in step)) {
          view.apply(step.writes);
          if (step.ledger !== undefined) for (const entry of step.ledger) ledger.push(entry);
          outcomes.push({ ok: true, result: step.result });
          break;
        }
        const more = step.need.filter((key) => !member.keys.has(key));
        if (more.length === 0) throw new Error('state transaction asked again for keys it had read');
        for (const key of more) member.keys.add(key);
        const unread = more.filter((key) => !read.has(key));
        if (unread.length > 0) return { need: unread };
      }
    } catch (error) {
      outcomes.push({ ok: false, error });
    }
  }
  return { writes: view.writes(), result: outcomes, ledger };
}

export class RedisStore implements StateStore {
  readonly name: string;
  private readonly client: Redis;
  /** The script calls (transactions and fences), on their own thread and connection. */
  private readonly calls: ScriptCalls;
  private readonly prefix: string;
  /** Where each commit publishes its writes (with the prefix): only this prefix's keys are sent there. */
  private readonly channel: string;
  private readonly timeoutMs: number;
  private readonly settleTimeoutMs: number;
  /** Text that must never reach a message: the password and the user name. */
  private readonly secrets: string[];
  private readonly record: string;
  private seq = 0;
  /** Transactions waiting for the next group; `committing` while a group is in flight. */
  private readonly waiting: Waiting[] = [];
  private committing = false;
  /** Each key's value as last read or written here ('' = absent): the expected values of the next transaction. */
  private readonly remembered = new Map<string, string>();
  private lastError = '';
  private whenReady: Promise<void> | null = null;
  /** unindexedStreams(), once found. */
  private unindexed: Promise<[stream: string, end: string][]> | null = null;
  private closed = false;
  /** The ledger's retention (ms); 0 when the store keeps no ledger. */
  private readonly retentionMs: number;
  readonly ledger: LedgerStore | undefined;

  constructor(options: RedisStoreOptions = {}) {
    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? 6379;
    const db = options.db ?? 0;
    this.name = `redis ${address(host, port)}${db === 0 ? '' : `/${db}`}`;
    this.prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.record = `${this.prefix}${SLOT_NAMESPACE}${randomUUID()}`;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.settleTimeoutMs = options.settleTimeoutMs ?? DEFAULT_SETTLE_TIMEOUT_MS;
    this.secrets = [options.password, options.username].filter((s): s is string => s !== undefined && s.length >= 3);
    const retentionDays = options.ledgerRetentionDays ?? DEFAULT_RETENTION_DAYS;
    if (!(retentionDays > 0)) throw new RangeError(`${this.name}: the ledger retention must be a positive number of days`);
    const keeps = options.ledger ?? true;
    this.retentionMs = keeps ? retentionDays * DAY_MS : 0;
    this.ledger = keeps ? { read: (query) => this.readLedger(query), prune: (before) => this.pruneLedger(before) } : undefined;
    const tls = options.tls === true ? {} : options.tls === false ? undefined : options.tls;
    const connection: RedisOptions = {
      host,
      port,
      username: options.username,
      password: options.password,
      db,
      tls,
      // The transaction waits for the connection itself, up to its timeout; a command is never
      // queued while disconnected nor sent again after a reconnect (its outcome is settled by FENCE).
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: null,
      commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      connectTimeout: Math.min(this.timeoutMs, 10_000),
      // ioredis keeps a timer of this length after disconnecting even a closed socket: keep it short.
      disconnectTimeout: 100,
    };
    const reconnect = options.reconnect !== false;
    this.client = new Redis({ ...connection, lazyConnect: true, retryStrategy: reconnect ? (attempt) => Math.min(attempt * 100, 1000) : () => null });
    this.channel = this.prefix + CHANGES_CHANNEL;
    this.calls = new ScriptCalls({ connection, reconnect, channel: this.channel, self: this.record, syncWaitMs: options.syncWaitMs ?? DEFAULT_SYNC_WAIT_MS, limit: REMEMBERED_VALUES });
    // Without a listener ioredis prints connection errors; they reach callers through transact().
    this.client.on('error', (error: unknown) => {
      this.lastError = this.safe(error);
    });
    this.client.on('ready', () => {
      this.lastError = '';
    });
  }

  /** An error's text without the credentials (ioredis errors can carry the commands sent, AUTH included: only the message is kept). */
  private safe(error: unknown): string {
    let text = error instanceof Error ? error.message : String(error);
    for (const secret of this.secrets) text = text.split(secret).join('***');
    return text;
  }

  private failure(what: string, error?: unknown): RedisStoreFailure {
    return new RedisStoreFailure(`${this.name}: ${what}${error === undefined ? '' : `: ${this.safe(error)}`}`);
  }

  private isReady(): boolean {
    return this.client.status === 'ready';
  }

  /** Resolves at the next 'ready', or 'end' (no more reconnecting): one listener each, however many transactions wait. */
  private nextReady(): Promise<void> {
    this.whenReady ??= new Promise<void>((resolve) => {
      const settle = () => {
        this.client.off('ready', settle);
        this.client.off('end', settle);
        this.whenReady = null;
        resolve();
      };
      this.client.once('ready', settle);
      this.client.once('end', settle);
    });
    return this.whenReady;
  }

  /** Waits until the connection is ready, or fails at `deadline` naming the store. */
  private async connected(deadline: number): Promise<void> {
    if (this.closed) throw this.failure('the store is closed');
    if (this.isReady()) return;
    if (this.client.status === 'wait') this.client.connect().catch(() => undefined);
    const wait = deadline - Date.now();
    if (wait > 0 && this.client.status !== 'end') {
      const timer = new AbortController();
      await Promise.race([this.nextReady(), sleep(wait, undefined, { signal: timer.signal }).catch(() => undefined)]);
      timer.abort();
    }
    if (!this.isReady()) {
      throw this.failure(`unreachable${this.lastError === '' ? '' : ` (${this.lastError})`}`);
    }
  }

  private run(s: Script, keys: string[], args: (string | number)[], deadline: number): Promise<unknown> {
    return this.calls.call(s.sha, s.lua, keys, args, deadline);
  }

  /** Takes in what other processes wrote since the last transaction: what the next one expects. */
  private learnChanges(): void {
    for (const { forget, values } of this.calls.takeChanges()) {
      if (forget) this.remembered.clear();
      this.remember(values.map(([key, value]): [string, string] => [key.slice(this.prefix.length), value]));
    }
  }

  transact<T>(keys: readonly string[], fn: (read: StateRead) => TransactionStep<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const deadline = Date.now() + this.timeoutMs;
      this.waiting.push({ keys: new Set(keys), fn, deadline, resolve: resolve as (result: unknown) => void, reject });
      if (!this.committing) void this.commitGroups();
    });
  }

  /** Commits the waiting transactions group after group, one script call in flight at a time. */
  private async commitGroups(): Promise<void> {
    this.committing = true;
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0, GROUP_LIMIT);
      const keys = new Set<string>();
      for (const member of group) for (const key of member.keys) keys.add(key);
      try {
        // The group may take as long as its oldest transaction may still wait.
        const outcomes = await this.transactIn(++this.seq, group[0].deadline, [...keys], (read) => groupStep(group, read));
        group.forEach((member, i) => {
          const outcome = outcomes[i];
          if (outcome.ok) member.resolve(outcome.result);
          else member.reject(outcome.error);
        });
      } catch (error) {
        const failure = error instanceof FunctionError ? error.error : error instanceof RedisStoreFailure ? error : this.failure('failed', error);
        for (const member of group) member.reject(failure);
      }
    }
    this.committing = false;
  }

  private async transactIn<T>(seq: number, deadline: number, keys: readonly string[], fn: (read: StateRead) => TransactionStep<T>): Promise<T> {
    const record = this.record;
    const results: T[] = [];
    this.learnChanges();
    const read = new RedisRead(this.remembered, keys);
    let conflicts = 0;
    /** The last failure of the connection, when an attempt met one. */
    let trouble: string | null = null;
    for (let attempt = 1; ; attempt++) {
      if (Date.now() >= deadline) {
        throw this.failure(trouble === null ? `gave up after ${conflicts} conflicting attempts in ${this.timeoutMs} ms` : `unreachable (${trouble})`);
      }
      await this.connected(deadline);
      const step = this.runFunction(read, fn);
      results[attempt] = step.result;
      const { writes } = step;
      const entries = this.retentionMs > 0 ? (step.ledger ?? []) : [];

      const readKeys = read.keys();
      const allKeys = [record];
      const index = new Map<string, number>();
      const wallNow = Date.now();
      const day = Math.floor(wallNow / DAY_MS);
      const args: (string | number)[] = [seq, attempt, SLOT_RECORD_TTL_MS, readKeys.length, writes.length, this.retentionMs, (day + 1) * DAY_MS + this.retentionMs, this.channel];
      for (const key of readKeys) {
        allKeys.push(this.prefix + key);
        index.set(key, allKeys.length);
        args.push(read.raw(key));
      }
      const written: [string, string][] = [];
      for (const { key, value, expireAt } of writes) {
        let at = index.get(key);
        if (at === undefined) {
          allKeys.push(this.prefix + key);
          at = allKeys.length;
          index.set(key, at);
        }
        const text = value === null ? '' : JSON.stringify(value);
        args.push(at, text, value === null || expireAt === undefined ? 0 : keepUntil(expireAt, wallNow));
        written.push([key, text]);
      }
      /** The position in KEYS of a key the ledger writes (a stream, an index hash, a `from` key), added once. */
      const keyIndex = (key: string): number => {
        let at = index.get(key);
        if (at === undefined) {
          allKeys.push(this.prefix + key);
          at = allKeys.length;
          index.set(key, at);
        }
        return at;
      };
      for (const entry of entries) {
        const stream = LEDGER_NAMESPACE + keyPart(entry.policy);
        const at = keyIndex(stream);
        // Stream ids are whole non-negative ms.
        args.push(at, JSON.stringify(entry), Math.max(0, Math.floor(entry.at)), keyIndex(ledgerIndexKey('id', day)), entry.id);
        args.push(entry.key === null ? 0 : keyIndex(ledgerIndexKey('key', day)), entry.key ?? '', keyIndex(ledgerIndexFrom(stream)));
      }

      let reply: unknown;
      try {
        reply = await this.run(CAS, allKeys, args, deadline);
      } catch (error) {
        if (isReplyError(error)) throw error;
        this.remembered.clear();
        read.forget();
        trouble = this.safe(error);
        // Refused before it was sent (not connected): it cannot have run.
        if (error instanceof ScriptCallError && error.refused) continue;
        // Otherwise the script may or may not have run: settle that before anything else.
        const committed = await this.fence(record, seq, attempt, Math.max(deadline, Date.now() + this.settleTimeoutMs), error);
        if (committed !== null) return results[committed];
        continue;
      }
      if (reply === 'ok') {
        this.remember(written);
        return step.result;
      }
      if (Array.isArray(reply) && reply[0] === 'conflict') {
        conflicts++;
        read.refresh(readKeys, reply.slice(1) as (string | null)[]);
        this.remember(readKeys.map((k): [string, string] => [k, read.raw(k)]));
        await backOff(conflicts);
        continue;
      }
      // 'c<n>': an earlier attempt committed (its reply was lost); 'fenced' cannot happen to the current attempt.
      if (typeof reply === 'string' && /^c\d+$/.test(reply) && results[Number(reply.slice(1))] !== undefined) {
        this.remembered.clear();
        return results[Number(reply.slice(1))];
      }
      throw this.failure(`unexpected reply from the transaction script: ${JSON.stringify(reply)}`);
    }
  }

  /** Runs fn on the view (`need` adds keys, guessed like the rest); errors of fn come out as FunctionError. */
  private runFunction<T>(read: RedisRead, fn: (read: StateRead) => TransactionStep<T>): Extract<TransactionStep<T>, { writes: unknown }> {
    try {
      for (;;) {
        const step = fn(read);
        if (!('need' in step)) return step;
        read.add(step.need);
      }
    } catch (error) {
      throw new FunctionError(error);
    }
  }

  /** Settles an attempt whose reply was lost: the committed attempt, or null once none of them can commit any more. */
  private async fence(record: string, seq: number, attempt: number, deadline: number, cause: unknown): Promise<number | null> {
    for (;;) {
      try {
        await this.connected(deadline);
        const answer = await this.run(FENCE, [record], [seq, attempt, SLOT_RECORD_TTL_MS], deadline);
        return typeof answer === 'string' && answer.startsWith('c') ? Number(answer.slice(1)) : null;
      } catch (error) {
        if (Date.now() >= deadline || error instanceof RedisStoreFailure || isReplyError(error)) {
          const why = error instanceof RedisStoreFailure ? error.message.slice(this.name.length + 2) : this.safe(error);
          throw this.failure(`the outcome of a write is unknown (${this.safe(cause)}), and settling it failed: ${why}`);
        }
        await sleep(50);
      }
    }
  }

  private remember(entries: Iterable<[string, string]>): void {
    for (const [key, raw] of entries) {
      if (this.remembered.size >= REMEMBERED_VALUES && !this.remembered.has(key)) this.remembered.clear();
      this.remembered.set(key, raw);
    }
  }

  async list(prefix: string): Promise<Map<string, StateValue>> {
    const deadline = Date.now() + this.timeoutMs;
    try {
      await this.connected(deadline);
      const keys = new Set<string>();
      let cursor = '0';
      do {
        const [next, found] = await this.client.scan(cursor, 'MATCH', `${escapeGlob(this.prefix + prefix)}*`, 'COUNT', SCAN_COUNT);
        for (const key of found) {
          const own = key.slice(this.prefix.length);
          if (!own.startsWith(SLOT_NAMESPACE) && !own.startsWith(LEDGER_NAMESPACE) && !own.startsWith(LEDGER_INDEX_NAMESPACE)) keys.add(own);
        }
        cursor = next;
      } while (cursor !== '0');
      const all = [...keys];
      const out = new Map<string, StateValue>();
      for (let from = 0; from < all.length; from += MGET_CHUNK) {
        const chunk = all.slice(from, from + MGET_CHUNK);
        const values = await this.client.mget(chunk.map((k) => this.prefix + k));
        chunk.forEach((key, i) => {
          const text = values[i];
          const value = text === null ? undefined : parseStateValue(text);
          if (value !== undefined) out.set(key, value);
        });
      }
      return out;
    } catch (error) {
      if (error instanceof RedisStoreFailure) throw error;
      throw this.failure('failed', error);
    }
  }

  /** The ledger's streams: the policy's, or every policy's. */
  private async streams(policy: string | undefined): Promise<string[]> {
    if (policy !== undefined) return [this.prefix + LEDGER_NAMESPACE + keyPart(policy)];
    const found = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await this.client.scan(cursor, 'MATCH', `${escapeGlob(this.prefix + LEDGER_NAMESPACE)}*`, 'COUNT', SCAN_COUNT, 'TYPE', 'stream');
      for (const key of keys) found.add(key);
      cursor = next;
    } while (cursor !== '0');
    return [...found].sort();
  }

  /**
   * The entries matching `query` in id order across the streams (the order written, as far as
   * the times of the entries tell). A query by routing id or lead key reads the entries the
   * index has for it, and scans only what a stream holds from before its index began
   * (`ledgerix:from:`; a ledger written by an earlier version); other queries scan the streams
   * a page at a time from `since` on.
   */
  private async *readLedger(query: LedgerQuery): AsyncIterable<LedgerEntry> {
    const deadline = Date.now() + this.timeoutMs;
    const start = query.since === undefined ? '-' : String(Math.max(0, Math.ceil(query.since)));
    const cursors: StreamCursor[] = [];
    let indexed: Placed[] | null = null;
    try {
      await this.connected(deadline);
      if (query.id === undefined && query.key === undefined) {
        for (const key of await this.streams(query.policy)) cursors.push({ key, start, end: '+', page: [], done: false });
      } else {
        indexed = await this.indexedEntries(query.id !== undefined ? 'id' : 'key', query.id ?? (query.key as string));
        const policyStream = query.policy === undefined ? undefined : this.prefix + LEDGER_NAMESPACE + keyPart(query.policy);
        for (const [key, end] of await this.unindexedStreams()) if (policyStream === undefined || key === policyStream) cursors.push({ key, start, end, page: [], done: false });
      }
    } catch (error) {
      throw error instanceof RedisStoreFailure ? error : this.failure('failed', error);
    }
    // A stream of an earlier version written since is read up to its end: what its index has too is skipped.
    const seen = new Set((indexed ?? []).map(([stream, id]) => `${stream} ${id}`));
    const older = this.scan(cursors, (stream, id) => !seen.has(`${stream} ${id}`));
    let next = await older.next();
    for (const placed of indexed ?? []) {
      for (; !next.done && comparePlaces(next.value, placed) < 0; next = await older.next()) if (matches(next.value[2], query)) yield next.value[2];
      if (matches(placed[2], query)) yield placed[2];
    }
    for (; !next.done; next = await older.next()) if (matches(next.value[2], query)) yield next.value[2];
  }

  /**
   * The streams that hold entries the index does not have (written by a version without it),
   * each with where its index begins: found once per store, since every stream written to since
   * is indexed from its start (`from` 0-0). A failed search is tried again next time.
   */
  private unindexedStreams(): Promise<[stream: string, end: string][]> {
    if (this.unindexed === null) {
      const found = (async (): Promise<[string, string][]> => {
        const streams = await this.streams(undefined);
        const froms = streams.length === 0 ? [] : await this.client.mget(streams.map((stream) => this.prefix + ledgerIndexFrom(stream.slice(this.prefix.length))));
        return streams.flatMap((stream, i): [string, string][] => (froms[i] === '0-0' ? [] : [[stream, froms[i] === null ? '+' : `(${froms[i]}`]]));
      })();
      this.unindexed = found;
      found.catch(() => {
        if (this.unindexed === found) this.unindexed = null;
      });
    }
    return this.unindexed;
  }

  /** The entries of the streams' cursors that `keep` keeps, in id order across them. */
  private async *scan(cursors: StreamCursor[], keep: (stream: string, id: string) => boolean = () => true): AsyncGenerator<Placed> {
    for (;;) {
      let first: StreamCursor | null = null;
      for (const cursor of cursors) {
        if (cursor.page.length === 0 && !cursor.done) await this.nextPage(cursor);
        if (cursor.page.length > 0 && (first === null || compareIds(cursor.page[0][0], first.page[0][0]) < 0)) first = cursor;
      }
      if (first === null) return;
      const [id, entry] = first.page.shift() as [string, LedgerEntry];
      if (keep(first.key, id)) yield [first.key, id, entry];
    }
  }

  /**
   * The entries the index has for a routing id or a lead key, in id order across the streams
   * (entries trimmed since are left out): its lines in the hashes of the days the retention
   * keeps, a day more each side for the clocks of other processes.
   */
  private async indexedEntries(by: 'id' | 'key', value: string): Promise<Placed[]> {
    const today = Math.floor(Date.now() / DAY_MS);
    const days = Math.ceil(this.retentionMs / DAY_MS) + 2;
    const lines = await this.client.pipeline(Array.from({ length: days + 1 }, (_, i) => ['hget', this.prefix + ledgerIndexKey(by, today + 1 - i), value])).exec();
    const places: [string, string][] = [];
    for (const [error, text] of lines ?? []) {
      if (error !== null) throw error;
      // At the last space: the stream's name has the key prefix, which may hold spaces; an entry id has none.
      if (typeof text === 'string') for (const item of text.split('\n')) places.push([item.slice(0, item.lastIndexOf(' ')), item.slice(item.lastIndexOf(' ') + 1)]);
    }
    if (places.length === 0) return [];
    const pipeline = this.client.pipeline();
    for (const [stream, id] of places) pipeline.xrange(stream, id, id);
    const found: Placed[] = [];
    ((await pipeline.exec()) ?? []).forEach(([error, rows], i) => {
      if (error !== null) throw error;
      for (const [id, fields] of rows as [string, string[]][]) found.push([places[i][0], id, JSON.parse(fields[1]) as LedgerEntry]);
    });
    return found.sort(comparePlaces);
  }

  private async nextPage(cursor: StreamCursor): Promise<void> {
    let rows: [string, string[]][];
    try {
      await this.connected(Date.now() + this.timeoutMs);
      rows = (await this.client.xrange(cursor.key, cursor.start, cursor.end, 'COUNT', LEDGER_PAGE)) as [string, string[]][];
    } catch (error) {
      throw error instanceof RedisStoreFailure ? error : this.failure('failed', error);
    }
    for (const [id, fields] of rows) cursor.page.push([id, JSON.parse(fields[1]) as LedgerEntry]);
    if (rows.length < LEDGER_PAGE) cursor.done = true;
    else cursor.start = `(${rows[rows.length - 1][0]}`;
  }

  /** Trims every stream exactly to `before`: the entries whose ids (their times, or later) are before it go. */
  private async pruneLedger(before: number): Promise<number> {
    const deadline = Date.now() + this.timeoutMs;
    try {
      await this.connected(deadline);
      if (!(before > 0)) return 0;
      let dropped = 0;
      for (const key of await this.streams(undefined)) dropped += await this.client.xtrim(key, 'MINID', String(Math.floor(before)));
      return dropped;
    } catch (error) {
      if (error instanceof RedisStoreFailure) throw error;
      throw this.failure('failed', error);
    }
  }

  /**
   * Connects and checks what the store needs: the server answers, and the transaction script
   * runs under this prefix (so the user may EVAL and write its keys). Gives the server's version.
   */
  async check(): Promise<string> {
    const deadline = Date.now() + this.timeoutMs;
    try {
      await this.connected(deadline);
      await this.client.ping();
      await this.transact([`${SLOT_NAMESPACE}check`], () => ({ writes: [{ key: `${SLOT_NAMESPACE}check`, value: { at: Date.now() }, expireAt: Date.now() }], result: null }));
      const info = await this.client.info('server');
      return /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? 'unknown';
    } catch (error) {
      if (error instanceof RedisStoreFailure) throw error;
      throw this.failure('failed', error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.calls.close();
    if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
    else if (this.client.status !== 'end') this.client.disconnect();
  }
}

/** A stream being read: the next id to read from (inclusive, or `(id` exclusive), up to `end` (`+`, or `(id`), entries read and not yet handed out. */
interface StreamCursor {
  key: string;
  start: string;
  end: string;
  page: [string, LedgerEntry][];
  done: boolean;
}

/** A ledger entry with its stream and its id there. */
type Placed = [stream: string, id: string, entry: LedgerEntry];

/** The order of a scan across streams: by id, then by stream. */
function comparePlaces([as, a]: Placed, [bs, b]: Placed): number {
  return compareIds(a, b) || (as < bs ? -1 : as > bs ? 1 : 0);
}

/** Orders stream ids (`ms-seq`). */
function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am - bm || as - bs;
}

/** An error answer of the server (a script error, a missing permission): the command ran and failed; nothing was written. */
function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}

/**
 * A transaction's view: the keys asked for and their values ('' = absent): as the script last
 * found them, else as this store last wrote or saw them, else absent.
 */
class RedisRead implements StateRead {
  private readonly texts = new Map<string, string>();
  private readonly parsed = new Map<string, StateValue | undefined>();
  private readonly asked: string[] = [];
  private readonly askedSet = new Set<string>();

  constructor(
    private readonly remembered: ReadonlyMap<string, string>,
    keys: readonly string[],
  ) {
    for (const key of keys) this.ask(key);
  }

  private ask(key: string): boolean {
    if (this.askedSet.has(key)) return false;
    this.asked.push(key);
    this.askedSet.add(key);
    const known = this.remembered.get(key);
    if (known !== undefined) this.texts.set(key, known);
    return true;
  }

  /** Asks for more keys. */
  add(keys: readonly string[]): void {
    if (keys.filter((key) => this.ask(key)).length === 0) throw new Error('state transaction asked again for keys it had read');
  }

  /** Every key asked for, in the order asked. */
  keys(): readonly string[] {
    return this.asked;
  }

  raw(key: string): string {
    return this.texts.get(key) ?? '';
  }

  /** The values the script found (null: absent). */
  refresh(keys: readonly string[], values: readonly (string | null)[]): void {
    keys.forEach((key, i) => {
      this.texts.set(key, values[i] ?? '');
      this.parsed.delete(key);
    });
  }

  /** Forgets every value (a reply was lost): the next attempt starts from guesses again. */
  forget(): void {
    this.texts.clear();
    this.parsed.clear();
  }

  get(key: string): StateValue | undefined {
    if (!this.askedSet.has(key)) throw new Error(`state transaction read ${key}, which it did not ask for`);
    if (this.parsed.has(key)) return this.parsed.get(key);
    const text = this.raw(key);
    const value = text === '' ? undefined : parseStateValue(text);
    this.parsed.set(key, value);
    return value;
  }

  has(key: string): boolean {
    return this.askedSet.has(key);
  }
}

/** What an n8n credential test returns (n8n-workflow's INodeCredentialTestResult). */
export interface ConnectionTestResult {
  status: 'OK' | 'Error';
  message: string;
}

/**
 * Connects once (no reconnecting) and checks that the routing state can be kept there: the server
 * answers, and the transaction script may run and write under the key prefix. The message never
 * holds the password or user name.
 */
export async function testRedisConnection(options: RedisStoreOptions): Promise<ConnectionTestResult> {
  const store = new RedisStore({ ...options, reconnect: false, timeoutMs: Math.min(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, DEFAULT_TIMEOUT_MS) });
  try {
    const version = await store.check();
    return { status: 'OK', message: `Connected to ${store.name} (Redis ${version}); routing state is kept under the key prefix "${options.keyPrefix ?? DEFAULT_KEY_PREFIX}"` };
  } catch (error) {
    return { status: 'Error', message: error instanceof Error ? error.message : String(error) };
  } finally {
    await store.close();
  }
}
