// Transactions run one after another inside one store transaction: a view of the values read
// under the writes of the transactions before, and each key's last write. assignMany() settles a
// batch of leads through it; the Redis store commits concurrent transactions as a group with it.

import type { StateRead, StateValue, StateWrite } from './store';

/** A key's value in a batch, as the leads settled so far left it, and their last write of it (null: none). */
export interface BatchEntry {
  value: StateValue | undefined;
  write: StateWrite | null;
}

/**
 * A transaction's values as the leads before the current one left them: the values read, under
 * the writes of the leads settled so far. Each key is looked up in the store's view once; after
 * that, reading or writing it is one lookup here.
 */
export class BatchView implements StateRead {
  private readonly entries = new Map<string, BatchEntry>();
  /** The last key list asked for by entriesOf, and its entries. */
  private listed: readonly string[] | null = null;
  private listedEntries: readonly BatchEntry[] = [];
  constructor(private readonly base: StateRead) {}

  get(key: string): StateValue | undefined {
    return this.entry(key).value;
  }

  /** The entries of `keys`, in order; the last list is kept, since a batch's leads mostly share one (PolicyKeys.pool). */
  entriesOf(keys: readonly string[]): readonly BatchEntry[] {
    if (keys !== this.listed) {
      this.listedEntries = keys.map((key) => this.entry(key));
      this.listed = keys;
    }
    return this.listedEntries;
  }

  private entry(key: string): BatchEntry {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { value: this.base.get(key), write: null };
      this.entries.set(key, entry);
    }
    return entry;
  }

  has(key: string): boolean {
    return this.base.has(key);
  }

  apply(writes: readonly StateWrite[]): void {
    for (const write of writes) {
      const value = write.value ?? undefined;
      const entry = this.entries.get(write.key);
      if (entry === undefined) this.entries.set(write.key, { value, write });
      else {
        entry.value = value;
        entry.write = write;
      }
    }
  }

  /** Each key's last write. */
  writes(): StateWrite[] {
    const writes: StateWrite[] = [];
    for (const entry of this.entries.values()) if (entry.write !== null) writes.push(entry.write);
    return writes;
  }
}

