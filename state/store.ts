// The one interface every routing-state store implements (memory, SQLite, Redis): a small atomic
// key-value transaction. All routing logic (strategies, caps, sticky owners) runs in plain
// functions over the values read, so each store only has to read keys, run the function and
// write its result atomically; no store carries a second copy of any algorithm.


import type { LedgerEntry, LedgerStore } from './ledger-entry';

/** JSON data. */
export type StateJson = null | boolean | number | string | readonly StateJson[] | { readonly [key: string]: StateJson };

/**
 * What a store keeps under a key: a JSON object or array. Values are immutable once written or
 * read: the memory store hands out and keeps the very objects (no serialization), so nobody may
 * change them in place; updates write a new value.
 */
export type StateValue = readonly StateJson[] | { readonly [key: string]: StateJson };

/**
 * The values of the keys a transaction asked for (a ReadonlyMap will do). `has` is true for
 * every key asked for, even when the store has no value (then `get` gives undefined); only keys
 * asked for may be read.
 */
export interface StateRead {
  get(key: string): StateValue | undefined;
  has(key: string): boolean;
}

/** One write of a transaction. A key written twice takes the later value. */
export interface StateWrite {
  key: string;
  /** null deletes the key. */
  value: StateValue | null;
  /**
   * When the value stops mattering (ms since epoch, on the leads' clock): a store with expiry
   * (Redis PEXPIREAT, a SQLite sweep) may drop it then. Housekeeping only: readers check times
   * themselves, and a store may ignore it (the memory store does, because its runs may replay
   * leads from any date).
   */
  expireAt?: number;
}

export type TransactionStep<T> =
  /** `ledger`: entries the store appends to its ledger in the same transaction as the writes (state/ledger.ts). */
  | { writes: readonly StateWrite[]; result: T; ledger?: readonly LedgerEntry[] }
  /**
   * More keys to read in the same transaction (which keys matter can depend on a value read,
   * e.g. the sticky owner's away flag). The store reads them and calls the function again with
   * the previous keys and these. Asking only for keys already read is an error.
   */
  | { need: readonly string[] };

export interface StateStore {
  /** Names the store in error messages: `memory`, `sqlite /var/lib/leadroute.db`, `redis 10.0.0.5:6379`. */
  readonly name: string;
  /**
   * Reads `keys` (which may repeat), runs `fn` on their values and applies its writes, all
   * atomically with respect to every other transaction on the same state. `fn` must be synchronous and pure (no I/O, no
   * clock): a store may call it again on a conflict (Redis WATCH) or after `need`. If `fn`
   * throws, nothing is written and the promise rejects with that error.
   */
  transact<T>(keys: readonly string[], fn: (read: StateRead) => TransactionStep<T>): Promise<T>;
  /**
   * The same transaction run to its end before returning, offered by a store that needs no I/O
   * (the in-memory store): assign() then settles a lead without a promise per transaction.
   * Throws what `transact` would reject with.
   */
  transactNow?<T>(keys: readonly string[], fn: (read: StateRead) => TransactionStep<T>): T;
  /** The routing ledger this store keeps (appended to through TransactionStep.ledger); undefined: none. */
  readonly ledger?: LedgerStore;
  /** Every key that starts with `prefix`, with its value (administration: `state show`). */
  list(prefix: string): Promise<Map<string, StateValue>>;
  /** Releases connections or files; the store is unusable afterwards. */
  close(): Promise<void>;
}

/**
 * A stored text read back: a value that is not JSON (damaged, written by something else) reads
 * as no value, as values of the wrong shape do in strategies.ts, so routing goes on.
 */
export function parseStateValue(text: string): StateValue | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as StateValue) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Until when a durable store keeps a written value that has an `expireAt` (ms since epoch): a
 * week past `expireAt` or past the write, whichever is later. The leads' clock can be far from
 * the wall clock (the command line replays exports with `--now`), and a value dropped before
 * the readers' own time checks drop it would change later decisions.
 */
export function keepUntil(expireAt: number, wallNow: number): number {
  return Math.max(expireAt, wallNow) + EXPIRY_GRACE_MS;
}

const EXPIRY_GRACE_MS = 7 * 86_400_000;

/**
 * The routing state could not be read or written: the store failed (unreachable, locked beyond
 * its timeout, closed). The message names the store (`store` is its name) and never holds
 * credentials. Callers turn it into an exception decision whose reason starts
 * `state store unavailable: `.
 */
export class StateStoreError extends Error {
  constructor(
    message: string,
    readonly store: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'StateStoreError';
  }
}

// Key parts are user text (policy, pool and member names, lead values). `:` separates parts and
// `%` escapes; control characters and surrogates are escaped too, so a key is always valid
// UTF-8 text for SQLite and Redis. Escapes have a fixed width, so the encoding is one-to-one.
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const UNSAFE = /[%:\u0000-\u001f\u007f\ud800-\udfff]/;
// eslint-disable-next-line no-control-regex -- as above
const UNSAFE_ALL = /[%:\u0000-\u001f\u007f\ud800-\udfff]/g;
const ESCAPED = /%([0-9a-f]{4})/g;

/** One part of a state key: `keyPart('a:b')` is `a%003ab`; plain names are unchanged. */
export function keyPart(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, (c) => `%${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : text;
}

/** The text a key part encodes (inverse of keyPart). */
export function parseKeyPart(part: string): string {
  return part.replace(ESCAPED, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export function storeFailure(store: StateStore, error: unknown): StateStoreError {
  const message = error instanceof Error ? error.message : String(error);
  const text = message.startsWith(`${store.name}:`) ? `routing state store ${message}` : `routing state store ${store.name} failed: ${message}`;
  return new StateStoreError(text, store.name, { cause: error });
}

/** Runs an administrative store operation, naming the store when it fails. */
export async function withStore<T>(store: StateStore, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw storeFailure(store, error);
  }
}

/** store.transact(keys, fn).then(then), with a failure of the store (a rejection or a throw) as a StateStoreError naming it. */
