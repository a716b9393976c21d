// Lead readers: JSON Lines and CSV are streamed (bounded memory for any number of leads), a
// JSON array is parsed whole. Each yields batches of records in input order; a record that
// cannot be a lead (bad JSON, not an object, a CSV row with too many cells) still comes through,
// with `problem` saying why, so that the router can give it an exception decision and go on.
// Only damage that makes the rest of the input unreadable (a CSV quote never closed, a JSON
// array that does not parse, an unusable CSV header) stops the run.

import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { text as streamText } from 'node:stream/consumers';
import { parse as parseCsv, type CsvError, type Info } from 'csv-parse';
import type { LeadProblems } from '../analysis/records';
import { leadLimitProblem, MAX_LEAD_DEPTH, MAX_LEAD_VALUES } from '../core/lead-limits';
import { checkReadable, CliError, EXIT_FAILED, errorMessage, stripBom, usageError, write, type CliIO } from './io';

export type LeadFormat = 'jsonl' | 'json' | 'csv';

export const LEAD_FORMATS: readonly LeadFormat[] = ['jsonl', 'json', 'csv'];

/** A lead is a JSON object; its keys are plain data (`__proto__` included). */
export type Lead = Record<string, unknown>;

export interface LeadRecord {
  /** The lead, or null when `problem` says why there is none. */
  lead: Lead | null;
  /** Where it was read, for messages: `line 17`, `index 2`. */
  where: string;
  /** Why this record is not a usable lead, naming where it is; null for a good lead. */
  problem: string | null;
  /** Numbers of the lead that a double does not hold as written (see keepExactNumbers). */
  exactNumbers?: readonly ExactNumber[];
}

/** A number as written in the input (`12345678901234567890`, `1e400`) and where the lead holds its double. */
export interface ExactNumber {
  holder: object;
  key: string;
  value: number;
  text: string;
}

/** Text that may hold such a number: 16 digits or more, or an exponent. Other text skips the slower reviving parse. */
const INEXACT_CANDIDATE = /\d[\d.]{15}|\d[eE]/;

const rawJson = (text: string): unknown => (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON(text);

/**
 * Whether the double `value` read from `text` does not hold what was written: it overflowed or
 * underflowed, or more digits were written than a double keeps (15) and its own printing differs.
 * `1.50` holds 1.5 exactly and prints as `1.5`, as before.
 */
function inexact(value: number, text: string): boolean {
  const digits = text.split(/[eE]/)[0].replace(/[-.]/g, '').replace(/^0+/, '');
  if (!Number.isFinite(value) || (value === 0 && digits !== '' && /[1-9]/.test(digits))) return true;
  return digits.length > 15 && JSON.stringify(value) !== text;
}

/**
 * JSON.parse, and for every object the numbers inside it that a double does not hold as
 * written. Routing reads the doubles (a CRM id still compares as a number); keepExactNumbers
 * puts the written text back for output.
 */
function parseJson(text: string): { value: unknown; exact: WeakMap<object, ExactNumber[]> | null } {
  if (!INEXACT_CANDIDATE.test(text)) return { value: JSON.parse(text) as unknown, exact: null };
  const exact = new WeakMap<object, ExactNumber[]>();
  // The reviver runs on children before their parent: an object takes the numbers seen since the
  // previous object closed, and its child objects' lists.
  let pending: ExactNumber[] = [];
  const value = JSON.parse(text, function (this: object, key: string, v: unknown, context?: { source?: string }): unknown {
    if (typeof v === 'number') {
      if (context?.source !== undefined && inexact(v, context.source)) pending.push({ holder: this, key, value: v, text: context.source });
    } else if (typeof v === 'object' && v !== null) {
      let owned = pending;
      for (const child of Array.isArray(v) ? (v as unknown[]) : Object.values(v)) {
        const theirs = typeof child === 'object' && child !== null ? exact.get(child) : undefined;
        if (theirs !== undefined) owned = owned.concat(theirs);
      }
      if (owned.length > 0) exact.set(v, owned);
      pending = [];
    }
    return v;
  }) as unknown;
  return { value, exact };
}

/**
 * Puts the numbers of `record` back as they were written (JSON.rawJSON) into `target`, the lead
 * about to be written (the record's own lead, or a cleaned copy of it), where it still holds the
 * value read: CRM ids and other long numbers survive byte for byte.
 */
export function keepExactNumbers(record: LeadRecord, target: Lead): void {
  for (const n of record.exactNumbers ?? []) {
    const holder = (n.holder === record.lead ? target : n.holder) as Record<string, unknown>;
    if (holder[n.key] === n.value) holder[n.key] = rawJson(n.text);
  }
}

/** The format a file name implies (`-` is standard input, read as JSON Lines), or null. */
export function leadFormatOf(file: string): LeadFormat | null {
  if (file === '-') return 'jsonl';
  const lower = file.toLowerCase();
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.csv')) return 'csv';
  return null;
}

/** `--format`, else the format LEADS's name implies; either unknown is a usage error of `command`. */
export function chooseLeadFormat(command: string, leadsFile: string, format: string | undefined): LeadFormat {
  if (format !== undefined) {
    if (!(LEAD_FORMATS as readonly string[]).includes(format)) throw usageError(command, `--format ${format}: unknown format (use ${LEAD_FORMATS.join(', ')})`);
    return format as LeadFormat;
  }
  const implied = leadFormatOf(leadsFile);
  if (implied === null) throw usageError(command, `cannot tell the format of '${leadsFile}' from its name (use .jsonl, .ndjson, .json or .csv, or --format)`);
  return implied;
}

/** A lead export opened for reading (`-`: standard input), its format from `--format` or its name; `close` when done. */
export interface LeadInput {
  batches: AsyncIterable<LeadRecord[]>;
  /** How messages name it: the file, or `stdin`. */
  source: string;
  close(): void;
}

/** Opens LEADS after checking it can be read and its format known: both usage errors of `command` otherwise. */
export function openLeads(command: string, leadsFile: string, io: CliIO, format?: string): LeadInput {
  const chosen = chooseLeadFormat(command, leadsFile, format);
  if (leadsFile === '-') return { batches: readLeads(io.stdin, chosen, 'stdin'), source: 'stdin', close: () => undefined };
  checkReadable(command, 'leads', leadsFile);
  const input = createReadStream(leadsFile);
  return { batches: readLeads(input, chosen, leadsFile), source: leadsFile, close: () => input.destroy() };
}

/**
 * The leads of an export that could not be read, then (replayed in time) those without a time, on
 * stderr: each problem names its line; past the first few of each, a count.
 */
export function reportUnreadable(command: string, source: string, problems: LeadProblems, io: CliIO): void {
  for (const [leads, what] of [
    [problems.unreadable, 'could not be read'],
    [problems.no_time, 'had no time to route at'],
  ] as const) {
    for (const problem of leads.first) write(io.stderr, `leadroute ${command}: ${source}: ${problem}`);
    const more = leads.leads - leads.first.length;
    if (more > 0) write(io.stderr, `leadroute ${command}: ${source}: ${more} more leads ${what}`);
  }
}

/** Reads leads in the given format; `source` names the input in fatal errors (`leads.csv`, `standard input`). */
export function readLeads(input: Readable, format: LeadFormat, source: string): AsyncGenerator<LeadRecord[]> {
  switch (format) {
    case 'jsonl':
      return readJsonLines(input);
    case 'json':
      return readJsonArray(input, source);
    case 'csv':
      return readCsv(input, source);
  }
}

/** A line longer than this is not read as a lead (it would have to be held whole in memory). */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

/** A message from JSON.parse on one line, newlines folded, kept short. */
function shortJsonError(err: unknown): string {
  const text = errorMessage(err).replace(/\s*\n\s*/g, ' ');
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * A record for a parsed JSON value: a lead when it is an object within the limits of
 * core/lead-limits.ts. `label` reads `line 17` or `index 2`.
 */
function jsonRecord(value: unknown, label: string, exact: WeakMap<object, ExactNumber[]> | null): LeadRecord {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { lead: null, where: label, problem: `lead on ${label} is not a JSON object but ${kindOf(value)}` };
  }
  const tooBig = leadLimitProblem(value);
  if (tooBig !== null) return { lead: null, where: label, problem: `lead on ${label} is ${tooBig}` };
  const exactNumbers = exact?.get(value);
  return exactNumbers === undefined ? { lead: value as Lead, where: label, problem: null } : { lead: value as Lead, where: label, problem: null, exactNumbers };
}

function jsonLineRecord(line: string, lineNo: number): LeadRecord | null {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (text.trim() === '') return null;
  const where = `line ${lineNo}`;
  let parsed;
  try {
    parsed = parseJson(text);
  } catch (err) {
    return { lead: null, where, problem: `invalid JSON on ${where}: ${shortJsonError(err)}` };
  }
  return jsonRecord(parsed.value, where, parsed.exact);
}

/** Decodes bytes as UTF-8 across chunk boundaries; passes strings through. */
async function* textChunks(input: Readable): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (text !== '') yield text;
  }
  const rest = decoder.end();
  if (rest !== '') yield rest;
}

/** JSON Lines: one lead per line; blank lines are skipped but counted, so line numbers match an editor's. */
export async function* readJsonLines(input: Readable, maxLineChars = MAX_LINE_CHARS): AsyncGenerator<LeadRecord[]> {
  let carry = '';
  let lineNo = 0;
  let overlong = false;
  const take = (line: string, batch: LeadRecord[]) => {
    lineNo++;
    const where = `line ${lineNo}`;
    if (overlong) {
      batch.push({ lead: null, where, problem: `lead on ${where} is longer than ${maxLineChars} characters` });
      return;
    }
    const record = jsonLineRecord(lineNo === 1 ? stripBom(line) : line, lineNo);
    if (record !== null) batch.push(record);
  };

  for await (const chunk of textChunks(input)) {
    const batch: LeadRecord[] = [];
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
      take(carry === '' ? chunk.slice(start, nl) : carry + chunk.slice(start, nl), batch);
      carry = '';
      overlong = false;
      start = nl + 1;
    }
    if (!overlong) {
      carry += chunk.slice(start);
      // Past the bound, stop holding the line and drop the rest of it as it arrives.
      if (carry.length > maxLineChars) {
        overlong = true;
        carry = '';
      }
    }
    if (batch.length > 0) yield batch;
  }
  if (carry !== '' || overlong) {
    const batch: LeadRecord[] = [];
    take(carry, batch);
    if (batch.length > 0) yield batch;
  }
}

const ARRAY_BATCH = 1024;

/** A JSON array of leads. The whole text is read and parsed at once (use JSON Lines for big inputs). */
export async function* readJsonArray(input: Readable, source: string): AsyncGenerator<LeadRecord[]> {
  let value: unknown;
  let exact: WeakMap<object, ExactNumber[]> | null;
  try {
    ({ value, exact } = parseJson(stripBom(await streamText(input))));
  } catch (err) {
    throw new CliError(`${source}: invalid JSON: ${shortJsonError(err)}`, EXIT_FAILED);
  }
  const wrapper = leadsWrapper(value);
  const leads = wrapper === null ? value : (value as Record<string, unknown>)[wrapper];
  if (!Array.isArray(leads)) {
    throw new CliError(
      `${source}: expected a JSON array of leads, or an object with the list under ${LEAD_WRAPPERS.join(', ')}; found ${kindOf(value)} (for one lead per line, name the file .jsonl)`,
      EXIT_FAILED,
    );
  }
  const at = wrapper === null ? 'index ' : `${wrapper}[`;
  const close = wrapper === null ? '' : ']';
  for (let i = 0; i < leads.length; i += ARRAY_BATCH) {
    const batch: LeadRecord[] = [];
    for (let j = i; j < Math.min(leads.length, i + ARRAY_BATCH); j++) batch.push(jsonRecord(leads[j], `${at}${j}${close}`, exact));
    yield batch;
  }
}

/** Where CRM exports and APIs put the list of records in a JSON object: Salesforce `records`, HubSpot `results`, Zoho `data`, others `items`. */
export const LEAD_WRAPPERS = ['records', 'results', 'data', 'items'] as const;

/** The key of the list of leads in a wrapping object, or null when the value is not such an object. */
function leadsWrapper(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  return LEAD_WRAPPERS.find((key) => Object.prototype.hasOwnProperty.call(value, key) && Array.isArray((value as Record<string, unknown>)[key])) ?? null;
}

/** One CSV column: the path its header names, or null for a column without a header (ignored). */
export type CsvColumn = string[] | null;

/**
 * A header written as a policy writes a path (`account.status`): names of letters, digits, `_`
 * and `-` joined by single dots. Only such a header nests; any other (`No. of Employees`,
 * `Street No.`) is one key exactly as the export wrote it, so that a `from` name or `--map`
 * naming the export's column reads it.
 */
const DOTTED_PATH = /^[\p{L}\p{N}_][\p{L}\p{N}\p{M}_-]*(?:\.[\p{L}\p{N}_][\p{L}\p{N}\p{M}_-]*)+$/u;

/**
 * Reads a header row: names are trimmed, dotted paths nest (`account.status`), other names are
 * kept whole, an empty name ignores the column. Throws on names that cannot all be kept: a
 * repeated name, or a name that is both a value and a parent (`account` and `account.owner`).
 */
export function csvColumns(header: string[], source: string): CsvColumn[] {
  if (header.length > MAX_LEAD_VALUES) throw new CliError(`${source}:1: the header has ${header.length} columns; a lead holds at most ${MAX_LEAD_VALUES} values`, EXIT_FAILED);
  const names = new Map<string, number>();
  const columns = header.map((raw, i): CsvColumn => {
    const name = raw.trim();
    if (name === '') return null;
    const segments = DOTTED_PATH.test(name) ? name.split('.') : [name];
    // Every row would be too deep to route: refused once, here, rather than lead by lead.
    if (segments.length > MAX_LEAD_DEPTH) {
      throw new CliError(`${source}:1: column ${i + 1} header has ${segments.length} dotted parts; a lead nests at most ${MAX_LEAD_DEPTH} levels`, EXIT_FAILED);
    }
    const earlier = names.get(name);
    if (earlier !== undefined) throw new CliError(`${source}:1: columns ${earlier + 1} and ${i + 1} are both named '${name}'`, EXIT_FAILED);
    names.set(name, i);
    return segments;
  });
  for (const column of columns) {
    if (column === null) continue;
    for (let depth = 1; depth < column.length; depth++) {
      const parent = column.slice(0, depth).join('.');
      if (names.has(parent)) {
        throw new CliError(`${source}:1: column '${parent}' holds a value, so column '${column.join('.')}' cannot nest under it; rename one of them`, EXIT_FAILED);
      }
    }
  }
  return columns;
}

/**
 * One CSV row as a lead: dotted paths nest, empty cells are left out (absent is blank to the
 * language, and the output stays small), values stay the strings CSV gives (the language reads
 * numeric strings as numbers). Any header is plain data: `__proto__` becomes an own property.
 */
export function csvRowToLead(columns: CsvColumn[], cells: string[]): Lead {
  const lead: Lead = {};
  for (let i = 0; i < cells.length && i < columns.length; i++) {
    const path = columns[i];
    const cell = cells[i];
    if (path === null || cell === '') continue;
    let target = lead;
    for (let d = 0; d < path.length - 1; d++) {
      const next = Object.prototype.hasOwnProperty.call(target, path[d]) ? target[path[d]] : undefined;
      if (next === undefined) {
        const created: Lead = {};
        setOwn(target, path[d], created);
        target = created;
      } else {
        target = next as Lead;
      }
    }
    setOwn(target, path[path.length - 1], cell);
  }
  return lead;
}

/**
 * Plain objects rather than prototype-less ones: V8 keeps those in its slow dictionary mode,
 * which made routing CSV leads several times slower. Only `__proto__` needs care.
 */
function setOwn(target: Lead, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Stands in the first cell of a record that boundedCsvRecords cut out. */
const OVERSIZE_MARK = '\u0000leadroute:oversize\u0000';

/**
 * CSV text with every record longer than `maxChars` replaced by a one-cell record holding
 * OVERSIZE_MARK (and as many new lines, so that line numbers stay true): one huge cell becomes
 * one unreadable lead, as an overlong JSON line does, instead of a parser error that stops the
 * run. A record in progress is held until it ends or passes the bound; quotes are followed to
 * tell a record's end from a new line inside a quoted cell.
 */
export async function* boundedCsvRecords(chunks: AsyncIterable<string>, maxChars: number): AsyncGenerator<string> {
  let record = '';
  let quoted = false;
  /** New lines of the record being dropped, or -1 when none is. */
  let dropped = -1;
  const mark = (lines: number) => `"${OVERSIZE_MARK}${'\n'.repeat(lines)}"\n`;
  const newlines = (text: string) => text.split('\n').length - 1;
  for await (const chunk of chunks) {
    let out = '';
    let start = 0;
    for (let at = 0; ; ) {
      const quote = chunk.indexOf('"', at);
      const newline = chunk.indexOf('\n', at);
      if (newline === -1 && quote === -1) break;
      if (quote !== -1 && (newline === -1 || quote < newline)) {
        quoted = !quoted;
        at = quote + 1;
      } else if (quoted) {
        if (dropped >= 0) dropped++;
        at = newline + 1;
      } else {
        const whole = dropped >= 0 ? '' : record + chunk.slice(start, newline + 1);
        out += dropped >= 0 ? mark(dropped) : whole.length - 1 > maxChars ? mark(newlines(whole) - 1) : whole;
        record = '';
        dropped = -1;
        start = at = newline + 1;
      }
    }
    if (dropped < 0) {
      record += chunk.slice(start);
      if (record.length > maxChars) {
        dropped = newlines(record);
        record = '';
      }
    }
    if (out !== '') yield out;
  }
  if (dropped >= 0) yield mark(dropped);
  else if (record !== '') yield record;
}

/** CSV with a header row; quoted cells may hold commas, quotes and new lines. A record past `maxRecordChars` is one unreadable lead. */
export async function* readCsv(input: Readable, source: string, maxRecordChars = MAX_LINE_CHARS): AsyncGenerator<LeadRecord[]> {
  const parser = parseCsv({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true });
  input.on('error', (err) => parser.destroy(err));
  const text = Readable.from(boundedCsvRecords(textChunks(input), maxRecordChars));
  text.on('error', (err) => parser.destroy(err));
  text.pipe(parser);

  let columns: CsvColumn[] | null = null;
  // Where the previous record ended, and the empty lines skipped so far: a record starts on the line after.
  let endLine = 0;
  let emptyLines = 0;
  let batch: LeadRecord[] = [];
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      const startLine = endLine + 1 + (info.empty_lines - emptyLines);
      endLine = info.lines;
      emptyLines = info.empty_lines;
      if (columns === null) {
        columns = csvColumns(record, source);
        continue;
      }
      const where = `line ${startLine}`;
      batch.push(
        record[0]?.startsWith(OVERSIZE_MARK)
          ? { lead: null, where, problem: `CSV row on ${where} is longer than ${maxRecordChars} characters` }
          : record.length > columns.length
            ? { lead: null, where, problem: `CSV row on ${where} has ${record.length} cells, the header has ${columns.length}` }
            : { lead: csvRowToLead(columns, record), where, problem: null },
      );
      // Yield when the parser has nothing more buffered: big batches under load, no wait on a slow pipe.
      if (parser.readableLength === 0 || batch.length >= ARRAY_BATCH) {
        yield batch;
        batch = [];
      }
    }
  } catch (err) {
    if (err instanceof CliError) throw err;
    const lines = (err as Partial<CsvError>).lines;
    throw new CliError(`${source}${typeof lines === 'number' ? `:${lines}` : ''}: cannot read CSV: ${errorMessage(err)}`, EXIT_FAILED);
  } finally {
    text.unpipe(parser);
  }
  if (batch.length > 0) yield batch;
}
