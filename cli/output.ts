// Output for long runs: text gathered into large chunks and written with backpressure (each
// chunk waited for, so a slow reader never makes us buffer everything), an output file that
// replaces the old one only when the run ends well, and progress on stderr.

import { randomBytes } from 'node:crypto';
import { createWriteStream, openSync, renameSync, rmSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { CliError, errorMessage, EXIT_FAILED, usageError, type CliIO } from './io';

const CHUNK_CHARS = 64 * 1024;

/**
 * Text gathered into chunks, each handed to the stream and waited for before the next. `Tag`
 * names what a pushed text stands for (a lead): after a failed flush, `unwritten` lists the tags
 * whose text never reached the stream, so a caller can say which leads have no output line.
 */
export class ChunkedWriter<Tag = never> {
  private parts: string[] = [];
  private size = 0;
  private tags: Tag[] = [];
  private failure: Error | null = null;

  constructor(private readonly out: Writable) {
    // Without a listener, EPIPE (`leadroute route ... | head`) would crash the process.
    out.on('error', (err) => {
      this.failure = err;
    });
  }

  /** Adds text; when this returns true, await flush() before adding more. */
  push(text: string, tag?: Tag): boolean {
    this.parts.push(text);
    this.size += text.length;
    if (tag !== undefined) this.tags.push(tag);
    return this.size >= CHUNK_CHARS;
  }

  /**
   * Writes what is gathered and waits until the stream has taken it (its write callback, which
   * also waits while the stream is full). Throws the stream's error if it failed.
   */
  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.size === 0) return;
    const text = this.parts.length === 1 ? this.parts[0] : this.parts.join('');
    this.parts = [];
    this.size = 0;
    await new Promise<void>((resolve, reject) => {
      this.out.write(text, (err) => (err ? reject(err) : resolve()));
    });
    this.tags = [];
  }

  /** The tags of text pushed and not written: after a failed flush, what the output lacks. */
  get unwritten(): readonly Tag[] {
    return this.tags;
  }
}

/**
 * `-o FILE`: the lines go to a temporary file beside FILE, renamed over it when the run ends
 * well, so a run that fails or is refused leaves an existing FILE as it was. A FILE that exists
 * and is not a regular file (/dev/null, a named pipe) is written directly.
 */
export class OutputFile {
  private constructor(
    readonly file: string,
    /** The temporary file, or null when writing to `file` directly. */
    private readonly temporary: string | null,
    readonly stream: Writable,
    /** Whether the stream is ours to end (not standard output). */
    private readonly owned = true,
  ) {}

  /** A stream that stays open after the run (standard output), named `name` in messages. */
  static borrow(name: string, stream: Writable): OutputFile {
    return new OutputFile(name, null, stream, false);
  }

  /** Opens it; throws the error of the file system (the caller names the option). */
  static open(file: string): OutputFile {
    let existing: Stats | null = null;
    try {
      existing = statSync(file);
    } catch {
      // A new file.
    }
    if (existing !== null && !existing.isFile()) return new OutputFile(file, null, createWriteStream('', { fd: openSync(file, 'w') }));
    const temporary = join(dirname(file), `.${basename(file)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    return new OutputFile(file, temporary, createWriteStream('', { fd: openSync(temporary, 'wx', existing?.mode ?? 0o666) }));
  }

  /** Ends the stream and puts the file in place. */
  async finish(): Promise<void> {
    if (!this.owned) return;
    this.stream.end();
    await finished(this.stream);
    if (this.temporary !== null) renameSync(this.temporary, this.file);
  }

  /**
   * Gives up on a failed run: FILE stays as it was. What was written is kept in the temporary
   * file, whose name is returned, when `keep` says it matters (leads were routed); otherwise it
   * is removed and null returned.
   */
  async abandon(keep: boolean): Promise<string | null> {
    if (!this.owned) return null;
    if (!this.stream.destroyed) {
      this.stream.end();
      await finished(this.stream).catch(() => undefined);
    }
    if (this.temporary === null) return null;
    if (keep) return this.temporary;
    rmSync(this.temporary, { force: true });
    return null;
  }
}

/** Whether two paths name the same existing file (links included). */
export function sameFile(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/** Whether an error is the reader of our output going away (`| head`): stop quietly. */
export function isBrokenPipe(err: unknown): boolean {
  return (err as { code?: unknown }).code === 'EPIPE' || (err as { code?: unknown }).code === 'ERR_STREAM_DESTROYED';
}

const PROGRESS_INTERVAL_MS = 250;
/** Leads between two plain progress lines (stderr not a terminal), unless PROGRESS_EVERY_ENV says. */
export const PROGRESS_EVERY = 100_000;
export const PROGRESS_EVERY_ENV = 'LEADROUTE_PROGRESS_EVERY';

/** What the help of a command that reads an export says of its progress. */
export const PROGRESS_HELP = `Progress goes to stderr: on a terminal, a line rewritten in place (leads, leads/s); otherwise a
line every ${PROGRESS_EVERY.toLocaleString('en-US')} leads (${PROGRESS_EVERY_ENV}=N for every N, 0 for none) and, after
one, the count and rate at the end. Standard output carries only the command's own output.
`;

/** Where a Progress writes: a line rewritten in place on a terminal, or plain lines `simulate: 100,000 leads routed` every `every` leads (0: none). */
export type ProgressStyle = 'terminal' | { command: string; verb: string; every: number };

/**
 * On a terminal, `  120,000 leads  48,213 leads/s` rewritten in place at most four times a
 * second. Elsewhere (a log, a CI job) nothing rewrites a line, so a plain line every so many leads,
 * counted rather than timed so that what a run prints does not depend on the machine's speed.
 */
export class Progress {
  private readonly started: number;
  private last: number;
  private shown = false;
  /** The count at which tick next does anything: the hot path is one comparison. */
  private next: number;

  constructor(
    private readonly err: Writable,
    private readonly style: ProgressStyle,
    private readonly clock: () => number = Date.now,
  ) {
    this.started = clock();
    this.last = this.started;
    this.next = style === 'terminal' ? 1024 : style.every > 0 ? style.every : Number.POSITIVE_INFINITY;
  }

  /** Call with the running count; on a terminal, looks at the clock only every 1024 leads. */
  tick(count: number): void {
    if (count < this.next) return;
    if (this.style !== 'terminal') {
      this.next = count + this.style.every;
      this.shown = true;
      this.err.write(`${this.style.command}: ${count.toLocaleString('en-US')} leads ${this.style.verb}\n`);
      return;
    }
    this.next = count + 1024;
    const now = this.clock();
    if (now - this.last < PROGRESS_INTERVAL_MS) return;
    this.last = now;
    this.shown = true;
    this.err.write(`\r\x1b[K  ${count.toLocaleString('en-US')} leads  ${rate(count, now - this.started)} leads/s`);
  }

  /** On a terminal, replaces the line with the final count and rate; elsewhere writes them after a progress line, and nothing for a short run. */
  done(count: number): void {
    const elapsed = this.clock() - this.started;
    const timing = `in ${(elapsed / 1000).toFixed(1)}s (${rate(count, elapsed)} leads/s)\n`;
    if (this.style === 'terminal') this.err.write(`${this.shown ? '\r\x1b[K' : ''}  ${count.toLocaleString('en-US')} leads ${timing}`);
    else if (this.shown) this.err.write(`${this.style.command}: ${count.toLocaleString('en-US')} leads ${this.style.verb} ${timing}`);
  }
}

/**
 * The Progress of a command on its stderr: on a terminal when it is one (`stderrIsTTY`, else the
 * stream's isTTY), plain lines `COMMAND: N leads VERB` otherwise. A bad PROGRESS_EVERY_ENV is a usage error.
 */
export function progressOf(command: string, verb: string, io: Pick<CliIO, 'stderr' | 'stderrIsTTY' | 'env'>): Progress {
  if (io.stderrIsTTY ?? (io.stderr as { isTTY?: boolean }).isTTY === true) return new Progress(io.stderr, 'terminal');
  const setting = (io.env ?? process.env)[PROGRESS_EVERY_ENV];
  const every = setting === undefined || setting === '' ? PROGRESS_EVERY : Number(setting);
  if (!Number.isSafeInteger(every) || every < 0) throw usageError(command, `${PROGRESS_EVERY_ENV}=${setting ?? ''}: expected a whole number of leads (0 for no progress lines)`);
  return new Progress(io.stderr, { command, verb, every });
}

/**
 * The batches of a run that reports on the whole export (audit, diff), passing by its Progress on
 * stderr: the running count, then the final count and rate when they end.
 */
export async function* withProgress<T>(batches: AsyncIterable<readonly T[]>, progress: Progress): AsyncGenerator<readonly T[]> {
  let count = 0;
  for await (const batch of batches) {
    yield batch;
    for (let i = 0; i < batch.length; i++) progress.tick(++count);
  }
  progress.done(count);
}

function rate(count: number, ms: number): string {
  return Math.round((count * 1000) / Math.max(1, ms)).toLocaleString('en-US');
}

/**
 * `--json FILE`: the figures as indented JSON, put in place whole (a failed write leaves an
 * existing FILE as it was). A file that cannot be opened is a usage error, one that cannot be
 * written a failed run, each naming FILE.
 */
export async function writeJsonFile(command: string, file: string, value: unknown): Promise<void> {
  await writeReportFile(command, '--json', file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Writes a report (`--json`, `--html`) to FILE whole, or not at all; errors name the option and the file. */
export async function writeReportFile(command: string, option: '--json' | '--html', file: string, text: string): Promise<void> {
  let output: OutputFile;
  try {
    output = OutputFile.open(file);
  } catch (err) {
    throw usageError(command, `cannot write ${option} file '${file}': ${errorMessage(err)}`);
  }
  const writer = new ChunkedWriter(output.stream);
  try {
    writer.push(text);
    await writer.flush();
    await output.finish();
  } catch (err) {
    await output.abandon(false);
    throw new CliError(`leadroute ${command}: cannot write ${option} file '${file}': ${errorMessage(err)}`, EXIT_FAILED);
  }
}
