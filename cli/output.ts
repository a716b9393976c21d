// Output for long runs: text gathered into large chunks and written with backpressure (wait for
// 'drain' when the stream says it is full, so a slow reader never makes us buffer everything),
// and a progress line on a terminal.

import type { Writable } from 'node:stream';

const CHUNK_CHARS = 64 * 1024;

export class ChunkedWriter {
  private parts: string[] = [];
  private size = 0;
  private failure: Error | null = null;

  constructor(private readonly out: Writable) {
    // Without a listener, EPIPE (`leadroute route ... | head`) would crash the process.
    out.on('error', (err) => {
      this.failure = err;
    });
  }

  /** Adds text; when this returns true, await flush() before adding more. */
  push(text: string): boolean {
    this.parts.push(text);
    this.size += text.length;
    return this.size >= CHUNK_CHARS;
  }

  /** Writes what is gathered, and waits while the stream is full. Throws the stream's error if it failed. */
  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.size === 0) return;
    const text = this.parts.length === 1 ? this.parts[0] : this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.out.write(text)) await drained(this.out);
    if (this.failure) throw this.failure;
  }
}

/** Resolves on 'drain'; rejects if the stream errors or closes first. */
function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (err: Error | null) => {
      out.off('drain', onDrain);
      out.off('error', onError);
      out.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => settle(null);
    const onError = (err: Error) => settle(err);
    const onClose = () => settle(Object.assign(new Error('output closed'), { code: 'EPIPE' }));
    out.on('drain', onDrain);
    out.on('error', onError);
    out.on('close', onClose);
  });
}

/** Whether an error is the reader of our output going away (`| head`): stop quietly. */
export function isBrokenPipe(err: unknown): boolean {
  return (err as { code?: unknown }).code === 'EPIPE' || (err as { code?: unknown }).code === 'ERR_STREAM_DESTROYED';
}

const PROGRESS_INTERVAL_MS = 250;

/** `  120,000 leads  48,213 leads/s`, rewritten in place at most four times a second. */
export class Progress {
  private readonly started: number;
  private last: number;
  private shown = false;

  constructor(
    private readonly err: Writable,
    private readonly enabled: boolean,
    private readonly clock: () => number = Date.now,
  ) {
    this.started = clock();
    this.last = this.started;
  }

  /** Call with the running count; looks at the clock only every 1024 leads. */
  tick(count: number): void {
    if (!this.enabled || (count & 1023) !== 0) return;
    const now = this.clock();
    if (now - this.last < PROGRESS_INTERVAL_MS) return;
    this.last = now;
    this.shown = true;
    this.err.write(`\r\x1b[K  ${count.toLocaleString('en-US')} leads  ${rate(count, now - this.started)} leads/s`);
  }

  /** Clears the line; on a terminal, leaves a final count and rate. */
  done(count: number): void {
    if (!this.enabled) return;
    const elapsed = this.clock() - this.started;
    this.err.write(`${this.shown ? '\r\x1b[K' : ''}  ${count.toLocaleString('en-US')} leads in ${(elapsed / 1000).toFixed(1)}s (${rate(count, elapsed)} leads/s)\n`);
  }
}

function rate(count: number, ms: number): string {
  return Math.round((count * 1000) / Math.max(1, ms)).toLocaleString('en-US');
}
