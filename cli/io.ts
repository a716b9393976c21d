// What every command shares: the streams it talks to (injected, so tests run commands
// in-process), the two kinds of failure and their exit codes, argument parsing, and reading
// the files a command names.

import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { text as streamText } from 'node:stream/consumers';
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import type { Readable, Writable } from 'node:stream';
import { escapeControls } from '../core/terminal';
import { parseInstant } from '../core/time';

export interface CliIO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** Whether stderr is a terminal: then progress is one line rewritten in place (progressOf). Default: `stderr.isTTY`. */
  stderrIsTTY?: boolean;
  /**
   * Takes over Ctrl-C (SIGINT) and SIGTERM: `stop` is called on the first one instead of the
   * process ending, so that `route` can stop taking new leads and end cleanly. Returns the
   * function that gives them back. Absent: nothing interrupts.
   */
  onInterrupt?: (stop: () => void) => () => void;
  /** Environment variables (`--state-password-env`). Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

export const EXIT_OK = 0;
/** Policy errors, or a run that failed. */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
/** Stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it). */
export const EXIT_INTERRUPTED = 130;

/** A failure to report in one message (already naming the file, line or option) and exit with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: typeof EXIT_FAILED | typeof EXIT_USAGE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function usageError(command: string, message: string): CliError {
  return new CliError(`leadroute ${command}: ${message}\nRun 'leadroute ${command} --help' for usage.`, EXIT_USAGE);
}

export interface ParsedArgs<T extends ParseArgsOptionsConfig> {
  values: ReturnType<typeof parseArgs<{ options: T; allowPositionals: true; strict: true }>>['values'];
  positionals: string[];
}

/**
 * node:util parseArgs, strict, with its errors turned into usage errors. `--help` is always an
 * option; when given, positional counts are not checked (the caller prints help).
 */
export function parseCommandArgs<T extends ParseArgsOptionsConfig>(command: string, argv: string[], options: T, positionalNames: readonly string[]): ParsedArgs<T> & { help: boolean } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    // parseArgs adds advice on `--` that does not fit here: keep its first sentence.
    throw usageError(command, lowerFirst(errorMessage(err).split('. ')[0]));
  }
  const help = (parsed.values as Record<string, unknown>).help === true;
  if (!help) {
    if (parsed.positionals.length < positionalNames.length) {
      throw usageError(command, `missing ${positionalNames.slice(parsed.positionals.length).join(' and ')}`);
    }
    if (parsed.positionals.length > positionalNames.length) {
      throw usageError(command, `unexpected argument '${parsed.positionals[positionalNames.length]}'`);
    }
  }
  return { values: parsed.values as ParsedArgs<T>['values'], positionals: parsed.positionals, help };
}

/** An error's message; duck-typed, since errors from Node internals may come from another realm (Jest's vm). */
export function errorMessage(err: unknown): string {
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(err);
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** `ENOENT: no such file...` in plain words. */
function fileProblem(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES') return 'permission denied';
  return errorMessage(err);
}

/**
 * Reads a whole text file, or standard input for `-`. A file that cannot be read is a usage
 * error naming it (`what` says which argument: `policy`, `lead`).
 */
export async function readInputText(command: string, what: string, file: string, io: CliIO): Promise<string> {
  if (file === '-') return stripBom(await streamText(io.stdin));
  try {
    return stripBom(readFileSync(file, 'utf8'));
  } catch (err) {
    throw usageError(command, `cannot read ${what} file '${file}': ${fileProblem(err)}`);
  }
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Checks that a file can be opened for reading before a stream is built on it. */
export function checkReadable(command: string, what: string, file: string): void {
  try {
    if (statSync(file).isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    closeSync(openSync(file, 'r'));
  } catch (err) {
    throw usageError(command, `cannot read ${what} file '${file}': ${fileProblem(err)}`);
  }
}

/**
 * `--now`: an ISO 8601 date or date-time; without an offset it is read as UTC (as the language
 * reads lead datetimes). Undefined gives undefined (the caller takes the clock once).
 */
export function parseNow(command: string, value: string | undefined, option = '--now'): Date | undefined {
  if (value === undefined) return undefined;
  const ms = parseInstant(value);
  if (ms === null) throw usageError(command, `invalid ${option} '${value}': expected an ISO 8601 date-time such as 2026-11-23T15:00:00Z (UTC unless it gives an offset)`);
  return new Date(ms);
}

/** Writes text for people, ending it with a new line; control characters in it are shown escaped (core/terminal.ts). */
export function write(out: Writable, text: string): void {
  const shown = escapeControls(text);
  out.write(shown.endsWith('\n') ? shown : `${shown}\n`);
}
