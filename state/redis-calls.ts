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
    const lost = (why: string): void => {
      if (shared?.worker === worker) shared = null;
      for (const u of users) u.detach(why);
    };
    // The thread never keeps the process alive; a call waiting for its answer does (its port is ref'd while it waits).
    worker.unref();
    worker.on('error', (error) => lost(`its thread failed: ${error.message}`));
    worker.on('exit', () => lost('its thread ended'));
    shared = { worker, users };
  }
  shared.users.add(user);
  return shared.worker;
}

/** Ends the process's call thread; each store opens a new one at its next call. For a process that wants its threads gone (and for tests). */
export async function endCallThread(): Promise<void> {
  await shared?.worker.terminate();
}

/** A store's link to the thread: the counters they share and its ports. */
interface Link {
  /** [0] answers posted, [1] batches of changes untaken, [2] 1 while its connection is ready. */
  signal: Int32Array;
  answers: MessagePort;
  changes: MessagePort;
}

export class ScriptCalls {
  /** null until the first call, and again after the thread was lost. */
  private link: Link | null = null;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: ScriptCallsOptions) {
    this.attach();
  }

  /** Opens this store's connections on the process's thread (starting it when there is none). */
  private attach(): Link {
    const signal = new Int32Array(new SharedArrayBuffer(12));
    const answers = new MessageChannel();
    const changes = new MessageChannel();
    const { connection, reconnect, channel, self, limit } = this.options;
    const data: ThreadData = { connection, reconnect, signal, answers: answers.port2, changes: changes.port2, channel, self, limit, untaken: UNTAKEN_BATCHES };
    const link: Link = { signal, answers: answers.port1, changes: changes.port1 };
    link.changes.unref();
    link.answers.on('message', (answer: Answer | 'closed') => {
      if (answer !== 'closed') this.settle(answer);
    });
    link.answers.unref();
    callThread(this).postMessage(data, [answers.port2, changes.port2]);
    this.link = link;
    return link;
  }

  /**
   * The thread is gone: the calls waiting fail with their outcome unknown (the store settles
   * them, through a new thread), and the next call opens the store on a new thread.
   */
  detach(why: string): void {
    for (const { reject } of this.waiting.values()) reject(new ScriptCallError('Error', why, false));
    this.waiting.clear();
    this.link?.answers.close();
    this.link?.changes.close();
    this.link = null;
  }

  private settle(answer: Answer): void {
    const waiter = this.waiting.get(answer.id);
    if (waiter === undefined) return;
    this.waiting.delete(answer.id);
    if (this.waiting.size === 0) this.link?.answers.unref();
    if (answer.ok) waiter.resolve(answer.value);
    else waiter.reject(new ScriptCallError(answer.name, answer.message, answer.refused));
  }

  /** Runs a script (by its hash, sent whole when the server lacks it); the connection must be ready by `deadline`. */
  call(sha: string, lua: string, keys: string[], args: (string | number)[], deadline: number): Promise<unknown> {
    if (this.closed) return Promise.reject(new ScriptCallError('Error', 'the store is closed', true));
    let link: Link;
    try {
      link = this.link ?? this.attach();
    } catch (error) {
      return Promise.reject(new ScriptCallError('Error', `cannot start its thread: ${error instanceof Error ? error.message : String(error)}`, true));
    }
    const id = this.nextId++;
    const answered = new Promise<unknown>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    link.answers.ref();
    link.answers.postMessage({ id, sha, lua, keys, args, deadline } satisfies Call);
    // While the thread's connection is down the answer waits for it: no holding then.
    const until = performance.now() + (Atomics.load(link.signal, 2) === 1 ? this.options.syncWaitMs : 0);
    for (;;) {
      // The counter is read before the port, so an answer posted after the look wakes the wait.
      const seen = Atomics.load(link.signal, 0);
      for (let m = receiveMessageOnPort(link.answers); m !== undefined; m = receiveMessageOnPort(link.answers)) this.settle(m.message as Answer);
      const left = until - performance.now();
      if (!this.waiting.has(id) || left <= 0) return answered;
      Atomics.wait(link.signal, 0, seen, left);
    }
  }

  /** What other processes wrote since the last look, in order (with the key prefix). */
  takeChanges(): Changes[] {
    const batches: Changes[] = [];
    const link = this.link;
    if (link === null) return batches;
    for (let m = receiveMessageOnPort(link.changes); m !== undefined; m = receiveMessageOnPort(link.changes)) batches.push(m.message as Changes);
    if (batches.length > 0) {
      Atomics.store(link.signal, 1, 0);
      Atomics.notify(link.signal, 1);
    }
    return batches;
  }

  /** Closes this store's connections on the thread (waiting a second at most: closing a store must not hang). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    shared?.users.delete(this);
    const link = this.link;
    if (link === null) return;
    const done = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000);
      link.answers.on('message', (message: unknown) => {
        if (message !== 'closed') return;
        clearTimeout(timer);
        resolve();
      });
    });
    link.answers.ref();
    link.answers.postMessage('close');
    await done;
    this.detach('the store is closed');
  }
}
