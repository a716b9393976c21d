// The embedded store: one SQLite file through Node's built-in node:sqlite, exact across the
// processes of one machine. Each transaction is one `BEGIN IMMEDIATE ... COMMIT`: the write
// lock is taken before anything is read, so no other process can change a value between the
// read and the write. The lock is waited for asynchronously (SQLite's own busy handler would
// block the event loop of n8n's main process), up to a timeout, then the transaction fails
// naming the file. Once the lock is held, the transaction runs synchronously to COMMIT, so no
// other transaction of this process interleaves either.
//
// Values read or written are remembered, parsed, for as long as no other connection has
// committed (SQLite's data_version says so, also across processes): a process that routes alone
// reads nothing from the file, and one transaction is BEGIN, the writes, COMMIT.

import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { keepUntil, parseStateValue, type StateRead, type StateStore, type StateValue, type TransactionStep } from './store';

export interface SqliteStoreOptions {
  /** The database file; created with its folder's permissions when missing. */
  file: string;
  /** How long a transaction waits for another process's lock before it fails (ms). Default 5000. */
  lockTimeoutMs?: number;
}

const DEFAULT_LOCK_TIMEOUT_MS = 5000;
/**
 * Expired rows are swept by the first transaction and then once a minute, a bounded number at a
 * time. There is no index on expire_at: keeping one costs every write more than the occasional
 * scan costs the sweep.
 */
const SWEEP_INTERVAL_MS = 60_000;
const SWEEP_ROWS = 10_000;
/** Waits between lock attempts grow to this (ms), with jitter so that waiting processes spread out. */
const MAX_BACKOFF_MS = 20;

/** Values remembered; past this, the memory starts afresh. */
const REMEMBERED_VALUES = 50_000;

const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;

/** Returned by one try of a transaction when another process holds the lock. */
const BUSY = Symbol('busy');

function isBusy(error: unknown): boolean {
  // node:sqlite reports the extended result code; its low byte is the primary one.
  const code = (error as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' && ((code & 0xff) === SQLITE_BUSY || (code & 0xff) === SQLITE_LOCKED);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class SqliteStore implements StateStore {
  readonly name: string;
  private readonly db: DatabaseSync;
  private readonly lockTimeoutMs: number;
  private readonly begin: StatementSync;
  private readonly commit: StatementSync;
  private readonly rollback: StatementSync;
  private readonly select: StatementSync;
  private readonly upsert: StatementSync;
  private readonly remove: StatementSync;
  private readonly scan: StatementSync;
  private readonly sweep: StatementSync;
  private readonly dataVersion: StatementSync;
  /** Values (undefined: absent) as of data_version `rememberedVersion`, as this connection read or wrote them. */
  private readonly remembered = new Map<string, StateValue | undefined>();
  private rememberedVersion = -1;
  private nextSweep = 0;
  private closed = false;

  constructor(options: SqliteStoreOptions) {
    this.name = `sqlite ${options.file}`;
    this.lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
    try {
      // Opening waits for the lock synchronously (SQLite's busy handler): several processes may
      // create the table at once, and a constructor cannot wait asynchronously. Transactions wait off the event loop.
      this.db = new DatabaseSync(options.file, { timeout: this.lockTimeoutMs });
    } catch (error) {
      throw new Error(`${this.name}: cannot open: ${messageOf(error)}`, { cause: error });
    }
    try {
      // WAL: readers never wait for the writer. NORMAL: a commit survives a crash of the process,
      // not a power cut (the last commits may roll back).
      this.db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
        CREATE TABLE IF NOT EXISTS leadroute_state (key TEXT PRIMARY KEY, value TEXT NOT NULL, expire_at INTEGER) WITHOUT ROWID;
        PRAGMA busy_timeout = 0`);
      this.begin = this.db.prepare('BEGIN IMMEDIATE');
      this.commit = this.db.prepare('COMMIT');
      this.rollback = this.db.prepare('ROLLBACK');
      // One statement for all the keys: a statement per key costs several times more.
      this.select = this.db.prepare('SELECT key, value FROM leadroute_state WHERE key IN (SELECT value FROM json_each(?))');
      this.select.setReturnArrays(true);
      this.upsert = this.db.prepare(
        'INSERT INTO leadroute_state (key, value, expire_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, expire_at = excluded.expire_at',
      );
      this.remove = this.db.prepare('DELETE FROM leadroute_state WHERE key = ?');
      // Keys with a prefix sort together, from the prefix itself on (BINARY order is byte order).
      this.scan = this.db.prepare('SELECT key, value FROM leadroute_state WHERE key >= ? ORDER BY key');
      this.sweep = this.db.prepare(`DELETE FROM leadroute_state WHERE key IN (SELECT key FROM leadroute_state WHERE expire_at < ? LIMIT ${SWEEP_ROWS})`);
      this.dataVersion = this.db.prepare('PRAGMA data_version');
      this.dataVersion.setReturnArrays(true);
    } catch (error) {
      this.db.close();
      throw new Error(`${this.name}: cannot set up the state table: ${messageOf(error)}`, { cause: error });
    }
  }

  async transact<T>(keys: readonly string[], fn: (read: StateRead) => TransactionStep<T>): Promise<T> {
    const deadline = Date.now() + this.lockTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      const outcome = this.tryTransact(keys, fn);
      if (outcome !== BUSY) return outcome.result;
      if (Date.now() >= deadline) throw new Error(`${this.name}: locked by another process for more than ${this.lockTimeoutMs} ms`);
      const ceiling = Math.min(MAX_BACKOFF_MS, 1 + attempt);
      await sleep(Math.random() * ceiling);
    }
  }

  /** One try: the whole transaction, or BUSY when another process holds the lock (nothing was done). */
  private tryTransact<T>(keys: readonly string[], fn: (read: StateRead) => TransactionStep<T>): { result: T } | typeof BUSY {
    if (this.closed) throw new Error(`${this.name}: the store is closed`);
    try {
      this.begin.run();
    } catch (error) {
      if (isBusy(error)) return BUSY;
      throw new Error(`${this.name}: ${messageOf(error)}`, { cause: error });
    }
    let committed = false;
    try {
      // Holding the write lock, nobody else can commit until we do: what we remember stays true
      // unless another connection committed before we took it.
      const version = (this.dataVersion.get() as unknown as [number])[0];
      if (version !== this.rememberedVersion) {
        this.remembered.clear();
        this.rememberedVersion = version;
      }
      const read = new SqliteRead(this.select, this.remembered, keys);
      for (;;) {
        const step = fn(read);
        if ('need' in step) {
          read.add(step.need);
          continue;
        }
        const wallNow = Date.now();
        for (const { key, value, expireAt } of step.writes) {
          if (value === null) this.remove.run(key);
          else this.upsert.run(key, JSON.stringify(value), expireAt === undefined ? null : keepUntil(expireAt, wallNow));
        }
        if (wallNow >= this.nextSweep) {
          this.sweep.run(wallNow);
          this.nextSweep = wallNow + SWEEP_INTERVAL_MS;
          this.remembered.clear();
        }
        this.commit.run();
        committed = true;
        // Our own commit leaves data_version as it was: remember what we wrote.
        for (const { key, value } of step.writes) remember(this.remembered, key, value ?? undefined);
        return { result: step.result };
      }
    } catch (error) {
      if (isBusy(error)) return BUSY;
      // An error of fn passes unchanged; one of SQLite names the file.
      if ((error as { code?: unknown }).code === 'ERR_SQLITE_ERROR') throw new Error(`${this.name}: ${messageOf(error)}`, { cause: error });
      throw error;
    } finally {
      if (!committed) {
        this.remembered.clear();
        if (this.db.isTransaction) this.rollback.run();
      }
    }
  }

  list(prefix: string): Promise<Map<string, StateValue>> {
    try {
      if (this.closed) throw new Error('the store is closed');
      const found = new Map<string, StateValue>();
      for (const row of this.scan.iterate(prefix)) {
        const key = row.key as string;
        if (!key.startsWith(prefix)) break;
        const value = parseStateValue(row.value as string);
        if (value !== undefined) found.set(key, value);
      }
      return Promise.resolve(found);
    } catch (error) {
      return Promise.reject(new Error(`${this.name}: ${messageOf(error)}`, { cause: error }));
    }
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.db.close();
    }
    return Promise.resolve();
  }
}

function remember(remembered: Map<string, StateValue | undefined>, key: string, value: StateValue | undefined): void {
  if (remembered.size >= REMEMBERED_VALUES && !remembered.has(key)) remembered.clear();
  remembered.set(key, value);
}

/** The values of the keys asked for, inside the transaction: remembered, or read (and parsed) once each. */
class SqliteRead implements StateRead {
  private readonly values = new Map<string, StateValue | undefined>();

  constructor(
    private readonly select: StatementSync,
    private readonly remembered: Map<string, StateValue | undefined>,
    keys: readonly string[],
  ) {
    this.load(keys);
  }

  get(key: string): StateValue | undefined {
    if (!this.values.has(key)) throw new Error(`state transaction read ${key}, which it did not ask for`);
    return this.values.get(key);
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  add(keys: readonly string[]): void {
    if (keys.every((key) => this.values.has(key))) throw new Error('state transaction asked again for keys it had read');
    this.load(keys);
  }

  private load(keys: readonly string[]): void {
    const wanted: string[] = [];
    for (const key of keys) {
      if (this.values.has(key)) continue;
      if (this.remembered.has(key)) this.values.set(key, this.remembered.get(key));
      else wanted.push(key);
    }
    if (wanted.length === 0) return;
    for (const key of wanted) this.values.set(key, undefined);
    for (const row of this.select.all(JSON.stringify(wanted)) as unknown as [string, string][]) {
      this.values.set(row[0], parseStateValue(row[1]));
    }
    for (const key of wanted) remember(this.remembered, key, this.values.get(key));
  }
}
