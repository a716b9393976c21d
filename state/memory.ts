// The in-memory store: one command-line run, tests, benchmarks. Values are kept as the objects
// written (never serialized: they are immutable by contract), and a transaction runs in one
// synchronous step, which is atomic in a single JavaScript thread.

import { matches } from './ledger';
import type { DecisionEntry, EventEntry, LedgerEntry, LedgerQuery, LedgerStore } from './ledger-entry';
import type { StateRead, StateStore, StateValue, TransactionStep } from './store';

export interface MemoryStoreOptions {
  /**
   * Refuse reads of keys a transaction did not ask for. The SQLite and Redis stores only have
   * the keys asked for, so tests run strict to catch a read that would fail there.
   */
  strict?: boolean;
  /** Keep the routing ledger (state/ledger.ts). Default true. */
  ledger?: boolean;
}

/** A decision's fields, then an event's, each in the order its entries have them (state/ledger.ts makes them). */
const DECISION_FIELDS = ['type', 'id', 'key', 'at', 'policy', 'hash', 'status', 'assignee', 'queue', 'pool', 'rule', 'path', 'reason', 'due'] as const;
const EVENT_FIELDS = ['type', 'id', 'key', 'at', 'policy', 'by', 'assignee', 'queue', 'value', 'data'] as const;
const FIELDS = [...new Set([...DECISION_FIELDS, ...EVENT_FIELDS])];
type Field = (typeof FIELDS)[number];

/**
 * The ledger's entries in the order written, a column per field: an entry kept as an object
 * of its own costs the collector more than the routing that made it (every entry survives, so
 * each is copied out of the young generation), while a column holds the values the entry
 * shares with the decision. An entry is made again when read.
 */
class MemoryLedger implements LedgerStore {
  private columns = emptyColumns();

  append(entry: LedgerEntry): void {
    // Field by field, not in a loop over FIELDS: the collector's cost saved must not go to looking fields up by name.
    const c = this.columns;
    const e = entry as Partial<DecisionEntry & EventEntry>;
    c.type.push(e.type);
    c.id.push(e.id);
    c.key.push(e.key);
    c.at.push(e.at);
    c.policy.push(e.policy);
    c.hash.push(e.hash);
    c.status.push(e.status);
    c.assignee.push(e.assignee);
    c.queue.push(e.queue);
    c.pool.push(e.pool);
    c.rule.push(e.rule);
    c.path.push(e.path);
    c.reason.push(e.reason);
    c.due.push(e.due);
    c.by.push(e.by);
    c.value.push(e.value);
    c.data.push(e.data);
  }

  clear(): void {
    this.columns = emptyColumns();
  }

  async *read(query: LedgerQuery): AsyncIterable<LedgerEntry> {
    // The columns and their length when asked: entries appended while the reader waits are not
    // its concern, and prune and clear put new columns in place of these.
    const columns = this.columns;
    for (let i = 0, n = columns.type.length; i < n; i++) {
      const entry = entryAt(columns, i);
      if (matches(entry, query)) yield entry;
    }
  }

  prune(before: number): Promise<number> {
    const at = this.columns.at as number[];
    const kept: number[] = [];
    for (let i = 0; i < at.length; i++) if (at[i] >= before) kept.push(i);
    const columns = emptyColumns();
    for (const field of FIELDS) columns[field] = kept.map((i) => this.columns[field][i]);
    this.columns = columns;
    return Promise.resolve(at.length - kept.length);
  }
}

function entryAt(columns: Record<Field, unknown[]>, i: number): LedgerEntry {
  const fields = columns.type[i] === 'decision' ? DECISION_FIELDS : EVENT_FIELDS;
  const entry: Record<string, unknown> = {};
  for (const field of fields) entry[field] = columns[field][i];
  return entry as unknown as LedgerEntry;
}

function emptyColumns(): Record<Field, unknown[]> {
  // A literal, so that the columns are an object of fixed shape (fromEntries would make a dictionary).
  return { type: [], id: [], key: [], at: [], policy: [], hash: [], status: [], assignee: [], queue: [], pool: [], rule: [], path: [], reason: [], due: [], by: [], value: [], data: [] };
}

export class MemoryStore implements StateStore {
  readonly name = 'memory';
  private readonly data = new Map<string, StateValue>();
  private readonly strict: boolean;
  readonly ledger: MemoryLedger | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    this.strict = options.strict ?? false;
    this.ledger = options.ledger === false ? undefined : new MemoryLedger();
  }

  transact<T>(keys: readonly string[], fn: (read: StateRead) => TransactionStep<T>): Promise<T> {
    // Not `async`: one promise per transaction instead of two keeps the hot path short.
    try {
      return Promise.resolve(this.transactNow(keys, fn));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  list(prefix: string): Promise<Map<string, StateValue>> {
    const found = new Map<string, StateValue>();
    for (const [key, value] of this.data) if (key.startsWith(prefix)) found.set(key, structuredClone(value));
    return Promise.resolve(found);
  }

  close(): Promise<void> {
    this.data.clear();
    this.ledger?.clear();
    return Promise.resolve();
  }

  transactNow<T>(keys: readonly string[], fn: (read: StateRead) => TransactionStep<T>): T {
    const read = new MemoryRead(this.data, keys, this.strict);
    for (;;) {
      const step = fn(read);
      if ('need' in step) {
        read.add(step.need);
        continue;
      }
      for (const { key, value } of step.writes) {
        if (value === null) this.data.delete(key);
        else this.data.set(key, value);
      }
      if (step.ledger !== undefined && this.ledger !== undefined) for (const entry of step.ledger) this.ledger.append(entry);
      return step.result;
    }
  }
}

/** Up to this many keys, a linear scan answers `has`. */
const SCAN_LIMIT = 32;

/**
 * A transaction's view of the data. It looks straight into the store: nothing changes the data
 * until the transaction function has returned. The keys of one lead are few and mostly the same
 * string objects, so scanning them is cheaper than building a Set; a batch of leads asks for
 * many, and gets a Set, built at the first question (outside strict mode most transactions ask none).
 */
class MemoryRead implements StateRead {
  private set: Set<string> | null = null;

  constructor(
    private readonly data: ReadonlyMap<string, StateValue>,
    private asked: readonly string[],
    private readonly strict: boolean,
  ) {}

  get(key: string): StateValue | undefined {
    if (this.strict && !this.has(key)) throw new Error(`state transaction read ${key}, which it did not ask for`);
    return this.data.get(key);
  }

  has(key: string): boolean {
    if (this.asked.length <= SCAN_LIMIT) return this.asked.includes(key);
    this.set ??= new Set(this.asked);
    return this.set.has(key);
  }

  add(keys: readonly string[]): void {
    const more = keys.filter((key) => !this.has(key));
    if (more.length === 0) throw new Error('state transaction asked again for keys it had read');
    this.asked = this.asked.concat(more);
    if (this.set !== null) for (const key of more) this.set.add(key);
  }
}
