// The in-memory store: one command-line run, tests, benchmarks. Values are kept as the objects
// written (never serialized: they are immutable by contract), and a transaction runs in one
// synchronous step, which is atomic in a single JavaScript thread.

import { matches } from './ledger';
import type { LedgerEntry, LedgerQuery, LedgerStore } from './ledger-entry';
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

/** The ledger's entries in the order written, kept as the objects written (immutable by contract). */
class MemoryLedger implements LedgerStore {
  entries: LedgerEntry[] = [];

  async *read(query: LedgerQuery): AsyncIterable<LedgerEntry> {
    // A copy of the list: entries appended while the reader waits are not its concern.
    for (const entry of this.entries.slice()) if (matches(entry, query)) yield entry;
  }

  prune(before: number): Promise<number> {
    const kept = this.entries.filter((entry) => entry.at >= before);
    const dropped = this.entries.length - kept.length;
    this.entries = kept;
    return Promise.resolve(dropped);
  }
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
    if (this.ledger !== undefined) this.ledger.entries = [];
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
      if (step.ledger !== undefined && this.ledger !== undefined) for (const entry of step.ledger) this.ledger.entries.push(entry);
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
