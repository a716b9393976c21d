// The Redis store's script calls, answered even while the process's event loop is busy.
//
// In an n8n worker the event loop runs many executions' code; a reply from Redis waits behind
// whatever runs when it arrives (measured in queue mode: Redis spent 0.2 ms on a script, the
// store waited p50 15 ms, p99 258 ms for it), and every transaction queued behind the call in
// flight waits as long. The SQLite store never yields, so it never pays this. Here the calls go
// to a thread (redis-thread.mts; one per process, so it is warmed up once, with a connection of
// each store's own), and the store's thread blocks on a shared counter until the answer is posted, for at most `syncWaitMs`: a healthy Redis answers
// in well under a millisecond, so the event loop is held about as long as a SQLite write holds
// it. A call still unanswered by then is awaited like any promise, so a slow or absent Redis
// never freezes n8n. The thread also hands over what other processes wrote (the script
// publishes its writes), so this store's expected values stay current and conflicts between
// processes stay rare.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { RedisOptions } from 'ioredis';
import type { Answer, Call, Changes, ThreadData } from './redis-thread.mjs';

export interface ScriptCallsOptions {
  /** ioredis options, plain data. */
  connection: RedisOptions;
  reconnect: boolean;
  /** The change channel, with the key prefix. */
  channel: string;
  /** What starts this store's own messages there (its record's key): the thread skips them. */
  self: string;
  /** How long a call blocks this thread waiting for its answer before it is awaited instead (ms). */
  syncWaitMs: number;
  /** Keys of changes held for the store at most; past this it is told to forget instead. */
  limit: number;
}

/** Batches of changes an idle store leaves on its port at most; the thread holds the rest, coalesced. */
export const UNTAKEN_BATCHES = 1000;

/** A call that failed: `refused` when it never reached Redis (so it cannot have run). Named as ioredis names it ('ReplyError': the script ran and failed). */
export class ScriptCallError extends Error {
  constructor(
    name: string,
    message: string,
    readonly refused: boolean,
  ) {
    super(message);
    this.name = name;
  }
}

/** The thread's file: compiled beside this one in the package, the source when run from it. */
function threadFile(): string {
  const compiled = join(__dirname, 'redis-thread.mjs');
  return existsSync(compiled) ? compiled : join(__dirname, 'redis-thread.mts');
}

/** The process's one call thread, started with the first store, and the stores it serves. */
let shared: { worker: Worker; users: Set<ScriptCalls> } | null = null;

function callThread(user: ScriptCalls): Worker {
  if (shared === null) {
    const worker = new Worker(threadFile());
    const users = new Set<ScriptCalls>();
    const stop = (why: string): void => {
      if (shared?.worker === worker) shared = null;
      for (const u of users) u.stop(why);
    };
    // The thread never keeps the process alive; a call waiting for its answer does (its port is ref'd while it waits).
    worker.unref();
    worker.on('error', (error) => stop(`its thread failed: ${error.message}`));
    worker.on('exit', () => stop('its thread ended'));
    shared = { worker, users };
  }
  shared.users.add(user);
  return shared.worker;
}

export class ScriptCalls {
  /** Shared with the thread: [0] answers posted, [1] batches of changes untaken, [2] 1 while its connection is ready. */
  private readonly signal = new Int32Array(new SharedArrayBuffer(12));
  private readonly answers: MessagePort;
  private readonly changes: MessagePort;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  private nextId = 1;
  /** Why the thread stopped, once it has. */
  private broken: string | null = null;
  private readonly syncWaitMs: number;

  constructor(options: ScriptCallsOptions) {
    this.syncWaitMs = options.syncWaitMs;
    const answers = new MessageChannel();
    const changes = new MessageChannel();
    this.answers = answers.port1;
    this.changes = changes.port1;
    const data: ThreadData = { connection: options.connection, reconnect: options.reconnect, signal: this.signal, answers: answers.port2, changes: changes.port2, channel: options.channel, self: options.self, limit: options.limit, untaken: UNTAKEN_BATCHES };
    this.changes.unref();
    this.answers.on('message', (answer: Answer | 'closed') => {
      if (answer !== 'closed') this.settle(answer);
    });
    this.answers.unref();
    callThread(this).postMessage(data, [answers.port2, changes.port2]);
  }

  /** The thread is gone: every call waiting fails, and so does every later one. */
  stop(why: string): void {
    this.broken ??= why;
    for (const { reject } of this.waiting.values()) reject(new ScriptCallError('Error', this.broken, false));
    this.waiting.clear();
    this.answers.unref();
  }

  private settle(answer: Answer): void {
    const waiter = this.waiting.get(answer.id);
    if (waiter === undefined) return;
    this.waiting.delete(answer.id);
    if (this.waiting.size === 0) this.answers.unref();
    if (answer.ok) waiter.resolve(answer.value);
    else waiter.reject(new ScriptCallError(answer.name, answer.message, answer.refused));
  }

  /** Runs a script (by its hash, sent whole when the server lacks it); the connection must be ready by `deadline`. */
  call(sha: string, lua: string, keys: string[], args: (string | number)[], deadline: number): Promise<unknown> {
    if (this.broken !== null) return Promise.reject(new ScriptCallError('Error', this.broken, true));
    const id = this.nextId++;
    const answered = new Promise<unknown>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.answers.ref();
    this.answers.postMessage({ id, sha, lua, keys, args, deadline } satisfies Call);
    // While the thread's connection is down the answer waits for it: no holding then.
    const until = performance.now() + (Atomics.load(this.signal, 2) === 1 ? this.syncWaitMs : 0);
    for (;;) {
      // The counter is read before the port, so an answer posted after the look wakes the wait.
      const seen = Atomics.load(this.signal, 0);
      for (let m = receiveMessageOnPort(this.answers); m !== undefined; m = receiveMessageOnPort(this.answers)) this.settle(m.message as Answer);
      const left = until - performance.now();
      if (!this.waiting.has(id) || left <= 0) return answered;
      Atomics.wait(this.signal, 0, seen, left);
    }
  }

  /** What other processes wrote since the last look, in order (with the key prefix). */
  takeChanges(): Changes[] {
    const batches: Changes[] = [];
    for (let m = receiveMessageOnPort(this.changes); m !== undefined; m = receiveMessageOnPort(this.changes)) batches.push(m.message as Changes);
    if (batches.length > 0) {
      Atomics.store(this.signal, 1, 0);
      Atomics.notify(this.signal, 1);
    }
    return batches;
  }

  /** Closes this store's connections on the thread (waiting a second at most: closing a store must not hang). */
  async close(): Promise<void> {
    shared?.users.delete(this);
    if (this.broken !== null) return;
    this.broken = 'the store is closed';
    const closed = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000);
      this.answers.on('message', (message: unknown) => {
        if (message !== 'closed') return;
        clearTimeout(timer);
        resolve();
      });
    });
    this.answers.ref();
    this.answers.postMessage('close');
    await closed;
    this.answers.close();
    this.changes.close();
  }
}
