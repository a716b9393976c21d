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
//
// The routing ledger is a table in the same file, its entries inserted by the transaction that
// writes the state they record. A file made before the ledger existed gains the table when opened.

import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { DAY_MS, DEFAULT_RETENTION_DAYS } from './ledger';
import type { LedgerEntry, LedgerQuery, LedgerStore } from './ledger-entry';
import { keepUntil, parseStateValue, type StateRead, type StateStore, type StateValue, type TransactionStep } from './store';

export interface SqliteStoreOptions {
  /** The database file; created with its folder's permissions when missing. */
  file: string;
  /** How long a transaction waits for another process's lock before it fails (ms). Default 5000. */
  lockTimeoutMs?: number;
  /** Keep the routing ledger (state/ledger.ts). Default true. */
  ledger?: boolean;
  /** The ledger keeps this many days before its newest entry; older ones are swept (pruneLedger prunes by any time). Default 180. */
  ledgerRetentionDays?: number;
}

const DEFAULT_LOCK_TIMEOUT_MS = 5000;
/**
 * Expired rows are swept by the first transaction and then once a minute, a bounded number at a
 * time. There is no index on expire_at: keeping one costs every write more than the occasional
 * scan costs the sweep.
 */
const SWEEP_INTERVAL_MS = 60_000;
const SWEEP_ROWS = 10_000;
/** Ledger entries read per query page. */
const LEDGER_PAGE = 1000;
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
  private readonly append: StatementSync | null;
  private readonly ledgerSweep: StatementSync | null;
  private readonly retentionMs: number;
  readonly ledger: SqliteLedger | undefined;
  /** Values (undefined: absent) as of data_version `rememberedVersion`, as this connection read or wrote them. */
  private readonly remembered = new Map<string, StateValue | undefined>();
  private rememberedVersion = -1;
  private nextSweep = 0;
  private closed = false;

  constructor(options: SqliteStoreOptions) {
    this.name = `sqlite ${options.file}`;
    this.lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
    const retentionDays = options.ledgerRetentionDays ?? DEFAULT_RETENTION_DAYS;
    if (!(retentionDays > 0)) throw new RangeError(`${this.name}: the ledger retention must be a positive number of days`);
    this.retentionMs = retentionDays * DAY_MS;
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
        ${LEDGER_SCHEMA}
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
      const keeps = options.ledger ?? true;
      this.append = keeps ? this.db.prepare('INSERT INTO leadroute_ledger (at, id, key, policy, entry) VALUES (?, ?, ?, ?, ?)') : null;
      // By the leads' clock: the newest entry's time, not the wall clock, so a replay of old leads keeps its ledger.
      this.ledgerSweep = keeps
        ? this.db.prepare(
            `DELETE FROM leadroute_ledger WHERE seq IN (SELECT seq FROM leadroute_ledger WHERE at < (SELECT max(at) FROM leadroute_ledger) - ? LIMIT ${SWEEP_ROWS})`,
          )
        : null;
      this.ledger = keeps ? new SqliteLedger(this.db, this.name, (work) => this.locked(work)) : undefined;
    } catch (error) {
      this.db.close();
      throw new Error(`${this.name}: cannot set up the state table: ${messageOf(error)}`, { cause: error });
    }
  }

  transact<T>(keys: readonly string[], fn: (read: StateRead) => TransactionStep<T>): Promise<T> {
    return this.locked(() => {
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
        if (step.ledger !== undefined && this.append !== null) {
          for (const entry of step.ledger) {
            // The columns are not repeated in the JSON: a smaller row is fewer pages written per commit.
            const { id, key, at, policy, ...rest } = entry;
            this.append.run(at, id, key, policy, JSON.stringify(rest));
          }
        }
        if (wallNow >= this.nextSweep) {
          this.sweep.run(wallNow);
          this.ledgerSweep?.run(this.retentionMs);
          this.nextSweep = wallNow + SWEEP_INTERVAL_MS;
          this.remembered.clear();
        }
        // Remembered before COMMIT: a failed commit forgets everything (tryLocked).
        for (const { key, value } of step.writes) remember(this.remembered, key, value ?? undefined);
        return step.result;
      }
    });
  }

  /** Runs `work` holding the write lock, waited for asynchronously up to the lock timeout, and commits. */
  private async locked<T>(work: () => T): Promise<T> {
    const deadline = Date.now() + this.lockTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      const outcome = this.tryLocked(work);
      if (outcome !== BUSY) return outcome.result;
      if (Date.now() >= deadline) throw new Error(`${this.name}: locked by another process for more than ${this.lockTimeoutMs} ms`);
      const ceiling = Math.min(MAX_BACKOFF_MS, 1 + attempt);
      await sleep(Math.random() * ceiling);
    }
  }

  /** One try: `work` and COMMIT, or BUSY when another process holds the lock (nothing was done). */
  private tryLocked<T>(work: () => T): { result: T } | typeof BUSY {
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
      const result = work();
      this.commit.run();
      committed = true;
      return { result };
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

/**
 * The ledger's table: an entry's other fields as JSON, with the columns it is looked up by:
 * routing id and lead key (outcomes), time (reports, exports, pruning; a policy's entries are
 * found among those of the time asked). `seq` is the order written. Every index is one more page
 * written per commit. IF NOT EXISTS: a file of an earlier version gains the table and keeps its
 * state; one from before entries left the columns out of their JSON keeps its rows (read as
 * they are) and loses the index on (policy, at).
 */
const LEDGER_SCHEMA = `CREATE TABLE IF NOT EXISTS leadroute_ledger (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, id TEXT NOT NULL, key TEXT, policy TEXT NOT NULL, entry TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS leadroute_ledger_at ON leadroute_ledger (at);
  CREATE INDEX IF NOT EXISTS leadroute_ledger_id ON leadroute_ledger (id);
  CREATE INDEX IF NOT EXISTS leadroute_ledger_key ON leadroute_ledger (key);
  DROP INDEX IF EXISTS leadroute_ledger_policy;`;

/** A row's entry: its JSON with the columns put back, in the order of the entry's fields; a row of an earlier version has them in its JSON already. */
function rowEntry(at: number, id: string, key: string | null, policy: string, json: string): LedgerEntry {
  const parsed = JSON.parse(json) as Omit<LedgerEntry, 'id' | 'key' | 'at' | 'policy'> & { id?: string };
  if (parsed.id !== undefined) return parsed as LedgerEntry;
  const { type, ...rest } = parsed;
  return { type, id, key, at, policy, ...rest } as LedgerEntry;
}

/** The criteria of a query as SQL, with their parameters in order. */
function ledgerWhere(query: LedgerQuery): { sql: string; params: (string | number)[] } {
  const terms: string[] = [];
  const params: (string | number)[] = [];
  const term = (sql: string, value: string | number | undefined) => {
    if (value === undefined) return;
    terms.push(sql);
    params.push(value);
  };
  term('at >= ?', query.since);
  term('at < ?', query.until);
  term('id = ?', query.id);
  term('key = ?', query.key);
  term('policy = ?', query.policy);
  return { sql: terms.map((t) => ` AND ${t}`).join(''), params };
}

class SqliteLedger implements LedgerStore {
  /** One prepared statement per combination of criteria. */
  private readonly statements = new Map<string, StatementSync>();

  constructor(
    private readonly db: DatabaseSync,
    private readonly name: string,
    private readonly locked: <T>(work: () => T) => Promise<T>,
  ) {}

  async *read(query: LedgerQuery): AsyncIterable<LedgerEntry> {
    const { sql, params } = ledgerWhere(query);
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(`SELECT seq, at, id, key, policy, entry FROM leadroute_ledger WHERE seq > ?${sql} ORDER BY seq LIMIT ${LEDGER_PAGE}`);
      statement.setReturnArrays(true);
      this.statements.set(sql, statement);
    }
    // Page by page, each read whole: no statement stays open while the reader awaits.
    for (let after = 0; ; ) {
      let rows: [number, number, string, string | null, string, string][];
      try {
        rows = statement.all(after, ...params) as unknown as typeof rows;
      } catch (error) {
        throw new Error(`${this.name}: ${messageOf(error)}`, { cause: error });
      }
      for (const [, at, id, key, policy, json] of rows) yield rowEntry(at, id, key, policy, json);
      if (rows.length < LEDGER_PAGE) return;
      after = rows[rows.length - 1][0];
    }
  }

  prune(before: number): Promise<number> {
    return this.locked(() => Number(this.db.prepare('DELETE FROM leadroute_ledger WHERE at < ?').run(before).changes));
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
