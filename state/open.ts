// Opening a store from what a user writes: `--state` on the command line, the nodes' settings,
// the Redis credential's fields. Nothing here ever puts a password into a message.

import { MemoryStore } from './memory';
import { RedisStore, type RedisStoreOptions } from './redis';
import { SqliteStore } from './sqlite';
import { withStore, type StateStore } from './store';

export type StoreSpec = { kind: 'memory' } | { kind: 'sqlite'; file: string } | ({ kind: 'redis' } & RedisStoreOptions);

export const STORE_SPEC_FORMS = 'memory, sqlite:FILE, redis://[USER:PASSWORD@]HOST[:PORT][/DB][?prefix=PREFIX&tls=1&timeout=MS] or rediss://...';

const REDIS_QUERY = new Set(['prefix', 'tls', 'timeout']);

function flag(value: string, what: string): boolean {
  if (['1', 'true', 'yes'].includes(value)) return true;
  if (['0', 'false', 'no'].includes(value)) return false;
  throw new RangeError(`${what}: expected 1 or 0, not '${value}'`);
}

/**
 * `redis://user:password@host:port/db?prefix=...&tls=1&timeout=ms` (rediss:// is TLS) as store
 * options. The messages of its errors never repeat the URL (it may hold a password).
 */
function parseRedisUrl(text: string): RedisStoreOptions {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RangeError(`not a valid Redis URL (expected ${STORE_SPEC_FORMS})`);
  }
  const options: RedisStoreOptions = { host: url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1' };
  if (url.port !== '') options.port = Number(url.port);
  if (url.username !== '') options.username = decodeURIComponent(url.username);
  if (url.password !== '') options.password = decodeURIComponent(url.password);
  const db = url.pathname.replace(/^\//, '');
  if (db !== '') {
    if (!/^\d+$/.test(db)) throw new RangeError(`the Redis database must be a number, not '${db}'`);
    options.db = Number(db);
  }
  if (url.protocol === 'rediss:') options.tls = true;
  for (const [name, value] of url.searchParams) {
    if (!REDIS_QUERY.has(name)) throw new RangeError(`unknown Redis URL parameter '${name}' (known: ${[...REDIS_QUERY].join(', ')})`);
    if (name === 'prefix') options.keyPrefix = value;
    else if (name === 'tls') options.tls = flag(value, 'tls');
    else {
      if (!/^\d+$/.test(value) || Number(value) === 0) throw new RangeError(`timeout: expected milliseconds, not '${value}'`);
      options.timeoutMs = Number(value);
    }
  }
  return options;
}

/** Reads a store spec; a RangeError says what is wrong (never repeating a password). */
export function parseStoreSpec(text: string): StoreSpec {
  if (text === 'memory') return { kind: 'memory' };
  if (text.startsWith('sqlite:')) {
    const file = text.slice('sqlite:'.length);
    if (file === '') throw new RangeError('sqlite: needs a file, e.g. sqlite:routing.db');
    return { kind: 'sqlite', file };
  }
  if (text.startsWith('redis://') || text.startsWith('rediss://')) return { kind: 'redis', ...parseRedisUrl(text) };
  throw new RangeError(`unknown state store (use ${STORE_SPEC_FORMS})`);
}

/**
 * Opens a store: a spec text (see parseStoreSpec), a parsed spec, or Redis options (host, port,
 * username, password, db, tls, keyPrefix). A SQLite file is opened (and its table created) now;
 * a Redis connection is made by the first transaction, which waits for it up to its timeout.
 */
export function openStore(spec: string | StoreSpec | RedisStoreOptions): StateStore {
  const parsed: StoreSpec = typeof spec === 'string' ? parseStoreSpec(spec) : 'kind' in spec ? spec : { kind: 'redis', ...spec };
  switch (parsed.kind) {
    case 'memory':
      return new MemoryStore();
    case 'sqlite':
      return new SqliteStore({ file: parsed.file });
    case 'redis':
      return new RedisStore(parsed);
  }
}

/** A key no routing state uses: the reachability check reads it and writes nothing. */
const PROBE_KEY = 'leadroute:probe';

/**
 * Whether the store answers now: one transaction that reads a key and writes nothing, so a
 * Redis server that is down or refuses the password, or a SQLite file locked past its timeout,
 * fails here, before a run reads its first lead, rather than as an exception on every lead.
 * Rejects with a StateStoreError naming the store (never its password).
 */
export async function checkStore(store: StateStore): Promise<void> {
  await withStore(store, () => store.transact([PROBE_KEY], () => ({ writes: [], result: null })));
}

function text(data: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = data[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function whole(data: Readonly<Record<string, unknown>>, name: string): number | undefined {
  const value = data[name];
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
}

/**
 * Store options from the fields of the LeadRoutingRedis credential (host, port, user, password,
 * database, tls, keyPrefix), as n8n hands them to a node or a credential test.
 */
export function redisOptionsFromCredentials(data: Readonly<Record<string, unknown>>): RedisStoreOptions {
  const options: RedisStoreOptions = { host: text(data, 'host') ?? '127.0.0.1' };
  const port = whole(data, 'port');
  const db = whole(data, 'database');
  const username = text(data, 'user');
  const password = text(data, 'password');
  const keyPrefix = data.keyPrefix;
  if (port !== undefined) options.port = port;
  if (db !== undefined) options.db = db;
  if (username !== undefined) options.username = username;
  if (password !== undefined) options.password = password;
  if (data.tls === true) options.tls = true;
  if (typeof keyPrefix === 'string') options.keyPrefix = keyPrefix;
  return options;
}
