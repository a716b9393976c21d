// The Redis stores' script calls, on a thread of their own (redis-calls.ts says why): one thread
// per process, warmed up once, with a connection of its own for each store that opens here. Plain
// erasable TypeScript, importing nothing of the project: Node runs it as it is from the sources
// (type stripping) and as compiled .mjs from the package.
//
// It answers each call on the `answers` port and then bumps the shared counter, so the store's
// thread, blocked on that counter, wakes with the answer already waiting on its port. A second
// connection listens on the store's change channel and hands the values other processes wrote to
// the store on the `changes` port as they come (coalesced while the store leaves many untaken).

import { parentPort, type MessagePort } from 'node:worker_threads';
import { Redis, type RedisOptions } from 'ioredis';

/** What a store sends the thread to open its connection (its ports transferred with it). */
export interface ThreadData {
  /** ioredis options, plain data (no functions: they cannot cross to a thread). */
  connection: RedisOptions;
  /** false: give up at the first failed connection instead of reconnecting. */
  reconnect: boolean;
  /** [0]: answers posted so far; [1]: batches of changes posted and not yet taken; [2]: 1 while the connection is ready. */
  signal: Int32Array;
  answers: MessagePort;
  changes: MessagePort;
  /** The channel the transaction script publishes its writes to (with the key prefix). */
  channel: string;
  /** The store's own messages start with this and a newline: what it wrote, it knows. */
  self: string;
  /** Keys a batch of changes may hold; past this, the store is told to forget what it expects instead. */
  limit: number;
  /** Batches of changes left on the port untaken at most; past this, they are held here, coalesced. */
  untaken: number;
}

export interface Call {
  id: number;
  sha: string;
  lua: string;
  keys: string[];
  args: (string | number)[];
  /** When the connection must be ready by (ms since epoch). */
  deadline: number;
}

export type Answer = { id: number; ok: true; value: unknown } | { id: number; ok: false; name: string; message: string; refused: boolean };

/** Values written elsewhere, in the order written ('' = deleted); `forget`: more changed than a batch holds. */
export interface Changes {
  forget: boolean;
  values: [key: string, value: string][];
}

/** One store's connections, and what it has learned from the change channel and not yet handed over. */
function open(data: ThreadData): void {
  const client = new Redis({
    ...data.connection,
    lazyConnect: true,
    retryStrategy: data.reconnect ? (attempt: number) => Math.min(attempt * 100, 1000) : () => null,
  });
  // Subscribing waits for the connection, and ioredis subscribes again after a reconnect.
  const listener = client.duplicate({ enableOfflineQueue: true });
  let lastError = '';
  client.on('error', (error: Error) => {
    lastError = error.message;
  });
  client.on('ready', () => {
    lastError = '';
    Atomics.store(data.signal, 2, 1);
  });
  // Not ready: the store does not hold its thread for an answer that waits on a connection.
  client.on('close', () => Atomics.store(data.signal, 2, 0));
  // The change channel only saves conflicts: when it cannot be listened to (ACLs), routing goes on.
  listener.on('error', () => undefined);
  listener.on('message', (_channel: string, text: string) => learn(text));
  client.connect().catch(() => undefined);
  listener.subscribe(data.channel).catch(() => undefined);

  const coalesced = new Map<string, string>();
  let forget = false;
  /** Whether a wait for the store to take its batches is under way. */
  let waking = false;

  function learn(text: string): void {
    const from = text.indexOf('\n');
    if (from < 0 || (from === data.self.length && text.startsWith(data.self))) return;
    let pairs: unknown;
    try {
      pairs = JSON.parse(text.slice(from + 1));
    } catch {
      return;
    }
    if (!Array.isArray(pairs)) return;
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      const [key, value] = [pairs[i], pairs[i + 1]];
      if (typeof key !== 'string' || typeof value !== 'string') continue;
      coalesced.delete(key);
      coalesced.set(key, value);
    }
    if (coalesced.size > data.limit) {
      coalesced.clear();
      forget = true;
    }
    hand();
  }

  /**
   * Posts what was learned at once, unless the store has left `untaken` batches on its port (an
   * idle store must not pile up messages): then it is held, coalesced, until the store takes them.
   */
  function hand(): void {
    if (coalesced.size === 0 && !forget) return;
    const untaken = Atomics.load(data.signal, 1);
    if (untaken < data.untaken) {
      // Counted before it is posted: the store resets the count only after taking batches.
      Atomics.add(data.signal, 1, 1);
      data.changes.postMessage({ forget, values: [...coalesced] } satisfies Changes);
      coalesced.clear();
      forget = false;
      return;
    }
    if (waking) return;
    waking = true;
    const wait = Atomics.waitAsync(data.signal, 1, untaken);
    void Promise.resolve(wait.value).then(() => {
      waking = false;
      hand();
    });
  }

  function answer(message: Answer): void {
    data.answers.postMessage(message);
    Atomics.add(data.signal, 0, 1);
    Atomics.notify(data.signal, 0);
  }

  /** Resolves when the connection is ready, or at the deadline, or when it will never be. */
  function ready(deadline: number): Promise<void> {
    if (client.status === 'ready' || client.status === 'end') return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        client.off('ready', done);
        client.off('end', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
      client.once('ready', done);
      client.once('end', done);
    });
  }

  async function call({ id, sha, lua, keys, args, deadline }: Call): Promise<void> {
    await ready(deadline);
    if (client.status !== 'ready') {
      answer({ id, ok: false, name: 'Error', message: `not connected${lastError === '' ? '' : ` (${lastError})`}`, refused: true });
      return;
    }
    try {
      let value: unknown;
      try {
        value = await client.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        // After a restart the server has forgotten the script: send it whole once.
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        value = await client.eval(lua, keys.length, ...keys, ...args);
      }
      answer({ id, ok: true, value });
    } catch (error) {
      const failed = error instanceof Error ? error : new Error(String(error));
      // Refused before it was sent (the connection dropped just now): it cannot have run.
      answer({ id, ok: false, name: failed.name, message: failed.message, refused: failed.message.includes('enableOfflineQueue') });
    }
  }

  data.answers.on('message', (message: Call | 'close') => {
    if (message !== 'close') {
      void call(message);
      return;
    }
    listener.disconnect();
    void client
      .quit()
      .catch(() => client.disconnect())
      .finally(() => {
        data.answers.postMessage('closed');
        data.answers.close();
        data.changes.close();
      });
  });
}

// The thread lives as long as the process (which it never keeps alive: the worker is unref'd).
parentPort?.on('message', (data: ThreadData) => open(data));
