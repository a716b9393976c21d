// `leadroute normalize LEADS`: cleans a lead export as the Normalize Lead node does, streaming.
// Each lead is written as one JSON line (the cleaned lead, the values it replaced under
// `original`, and `normalization`: status, problems, warnings); a summary of what changed and
// why leads need review goes to stderr.

import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { parseDuration } from '../../dsl/durations';
import { formatDiagnostics, PolicyError } from '../../dsl/diagnostics';
import { ACCOUNT_LIST_KEYS, accountList } from '../../normalize/accounts';
import type { DuplicateOptions } from '../../normalize/duplicates';
import { createNormalizer, DUPLICATE_KEY, flagDuplicate, type Lead, type NormalizeOptions, type NormalizeResult, type Normalizer } from '../../normalize/normalize';
import { readSynonyms, SynonymError } from '../../fields/picklists';
import { SchemaError, type JsonSchema } from '../../normalize/schema';
import { isRecord, type Problem } from '../../fields/text';
import { MemoryStore } from '../../state';
import { checkReadable, CliError, errorMessage, EXIT_FAILED, EXIT_OK, parseCommandArgs, parseNow, readInputText, usageError, write, type CliIO } from '../io';
import { chooseLeadFormat, keepExactNumbers, readLeads } from '../leads';
import { ChunkedWriter, isBrokenPipe, progressOf, PROGRESS_HELP } from '../output';

export const NORMALIZE_HELP = `Usage: leadroute normalize LEADS [options]

Cleans every lead in LEADS as the Normalize Lead node does and prints, on stdout, one JSON
object per lead in input order: the cleaned lead, the values normalization replaced under
"original", and "normalization" with its status ("clean" or "review"), the problems that send
it to review and the warnings (each with field, value, problem and a message). A summary goes
to stderr: how many leads changed, by field, and how many need review, by reason.

What is cleaned: countries to ISO codes (names in several languages, USA, UK, Deutschland...),
US states and Canadian provinces to codes, phones to E.164 (read in the lead's country),
emails (trimmed, domain lower-cased, checked; email_domain and email_freemail added), numbers
from forms ("1,000", "10M", "51-200" becomes 51: a range becomes its lower bound unless
--ranges says otherwise), picklist spellings, blank words ("n/a", "-", "null") to null, white
space, and the campaign context (UTM fields, form page, ad set) gathered in campaign_context.
Duplicates within the run (same email, else phone, else name and company) get "duplicate".

LEADS is read as route reads it (.jsonl, .ndjson, .json, .csv, or - for standard input).

Options:
  --policy POLICY      Take the lead's fields and their JSON Schema from the policy's fields
                       block: problems in declared fields send a lead to review.
  --schema FILE        A JSON Schema every (cleaned) lead must also meet.
  --accounts FILE      CRM accounts (a JSON array, or an object with one under "results",
                       "records", "accounts" or "data") to match leads to: by email domain,
                       registrable domain, then company name; fills account.id, account.status,
                       account.owner and account.match.
  --synonyms FILE      Picklist spellings: {"source": {"paid_search": ["PPC", "google ads"]}}.
  --ranges POINT       Which number a range such as "51-200" becomes: low (default), mid, high.
  --window DURATION    How far back an earlier lead makes a duplicate (default 30d).
  --now ISO            The clock for leads without a created_at time (default: now).
  --format FORMAT      Read LEADS as jsonl, json or csv whatever its name.
  -h, --help           Show this help.

${PROGRESS_HELP}
Exit status: 0 when every lead was written (leads needing review included), 1 when the
policy, schema, accounts or synonyms cannot be used or the input cannot be read on, 2 on a
usage error.
`;

const COMMAND = 'normalize';
const RANGE_POINTS = ['low', 'mid', 'high'] as const;

export async function normalizeCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals, help } = parseCommandArgs(
    COMMAND,
    argv,
    {
      policy: { type: 'string' },
      schema: { type: 'string' },
      accounts: { type: 'string' },
      synonyms: { type: 'string' },
      ranges: { type: 'string' },
      window: { type: 'string' },
      now: { type: 'string' },
      format: { type: 'string' },
    },
    ['LEADS'],
  );
  if (help) {
    write(io.stdout, NORMALIZE_HELP);
    return EXIT_OK;
  }
  const [leadsFile] = positionals;
  const now = parseNow(COMMAND, values.now) ?? new Date();
  const format = chooseLeadFormat(COMMAND, leadsFile, values.format);
  const windowMs = chooseWindow(values.window);
  if (values.ranges !== undefined && !(RANGE_POINTS as readonly string[]).includes(values.ranges)) {
    throw usageError(COMMAND, `--ranges ${values.ranges}: use ${RANGE_POINTS.join(', ')}`);
  }
  if (leadsFile !== '-') checkReadable(COMMAND, 'leads', leadsFile);
  const normalizer = await setUp(values, io);
  const duplicates: DuplicateOptions = { store: new MemoryStore(), scope: COMMAND, windowMs, now };

  const input: Readable = leadsFile === '-' ? io.stdin : createReadStream(leadsFile);
  const source = leadsFile === '-' ? 'stdin' : leadsFile;
  const writer = new ChunkedWriter(io.stdout);
  const progress = progressOf(COMMAND, 'normalized', io);
  const summary = new NormalizeSummary();
  let count = 0;
  try {
    for await (const batch of readLeads(input, format, source)) {
      for (const record of batch) {
        let line: Lead;
        if (record.lead === null) {
          const problem: Problem = { field: '(lead)', value: null, problem: 'unreadable', message: record.problem ?? `unreadable lead on ${record.where}` };
          summary.addUnreadable(problem);
          line = { normalization: { status: 'review', problems: [problem], warnings: [] } };
        } else {
          const result = await flagDuplicate(normalizer.normalize(record.lead), duplicates);
          summary.add(result);
          keepExactNumbers(record, result.lead);
          line = { ...result.lead, normalization: { status: result.status, problems: result.problems, warnings: result.warnings } };
        }
        if (writer.push(`${JSON.stringify(line)}\n`)) await writer.flush();
        progress.tick(++count);
      }
    }
    await writer.flush();
  } catch (err) {
    if (isBrokenPipe(err)) return EXIT_OK;
    throw err;
  } finally {
    if (input !== io.stdin) input.destroy();
  }
  progress.done(count);
  write(io.stderr, summary.format(source));
  return EXIT_OK;
}

interface SetUpValues {
  policy?: string;
  schema?: string;
  accounts?: string;
  synonyms?: string;
  ranges?: string;
}

/** Reads the option files and builds the normalizer; a file whose content cannot be used fails the run (exit 1). */
async function setUp(values: SetUpValues, io: CliIO): Promise<Normalizer> {
  const options: NormalizeOptions = { ranges: values.ranges as NormalizeOptions['ranges'] };
  let policyText = '';
  if (values.policy !== undefined) {
    policyText = await readInputText(COMMAND, 'policy', values.policy, io);
    options.policy = policyText;
  }
  if (values.schema !== undefined) {
    const schema = await readJson('schema', values.schema, io);
    if (!isRecord(schema)) throw new CliError(`${values.schema}: a JSON Schema must be a JSON object`, EXIT_FAILED);
    options.schema = schema as JsonSchema;
  }
  if (values.accounts !== undefined) options.accounts = accountRecords(await readJson('accounts', values.accounts, io), values.accounts);
  if (values.synonyms !== undefined) {
    const json = await readJson('synonyms', values.synonyms, io);
    try {
      options.synonyms = readSynonyms(json);
    } catch (err) {
      throw new CliError(`${values.synonyms}: ${errorMessage(err)}`, EXIT_FAILED);
    }
  }
  try {
    return createNormalizer(options);
  } catch (err) {
    if (err instanceof PolicyError) throw new CliError(formatDiagnostics(err.diagnostics, policyText, values.policy === '-' ? 'stdin' : (values.policy ?? 'policy')), EXIT_FAILED);
    if (err instanceof SynonymError) throw new CliError(`${values.synonyms ?? 'synonyms'}: ${err.message}`, EXIT_FAILED);
    if (err instanceof SchemaError) throw new CliError(`${values.schema ?? values.policy ?? 'schema'}: ${err.message}`, EXIT_FAILED);
    throw err;
  }
}

async function readJson(what: string, file: string, io: CliIO): Promise<unknown> {
  const text = await readInputText(COMMAND, what, file, io);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(`${file}: the ${what} file is not valid JSON: ${errorMessage(err)}`, EXIT_FAILED);
  }
}

function accountRecords(json: unknown, file: string): unknown[] {
  const list = accountList(json);
  if (list === null) throw new CliError(`${file}: expected a JSON array of accounts, or an object with one under ${ACCOUNT_LIST_KEYS.map((k) => `"${k}"`).join(', ')}`, EXIT_FAILED);
  return list;
}

function chooseWindow(window: string | undefined): number | undefined {
  if (window === undefined) return undefined;
  const parsed = parseDuration(window.trim());
  if (!parsed.ok) throw usageError(COMMAND, `--window ${window}: ${parsed.message}`);
  return parsed.ms;
}

/** Counts for the summary on stderr. */
export class NormalizeSummary {
  private leads = 0;
  private review = 0;
  private unreadable = 0;
  private changedLeads = 0;
  readonly changed = new Map<string, number>();
  readonly added = new Map<string, number>();
  readonly reasons = new Map<string, number>();
  readonly warnings = new Map<string, number>();
  readonly duplicates = new Map<string, number>();

  add(result: NormalizeResult): void {
    this.leads++;
    if (result.status === 'review') this.review++;
    if (result.changes.some((c) => 'from' in c)) this.changedLeads++;
    for (const c of result.changes) if (c.field !== DUPLICATE_KEY) bump('from' in c ? this.changed : this.added, c.field);
    for (const p of result.problems) bump(this.reasons, reasonKey(p));
    for (const p of result.warnings) bump(this.warnings, reasonKey(p));
    const duplicate = result.lead[DUPLICATE_KEY];
    if (result.changes.some((c) => c.field === DUPLICATE_KEY) && isRecord(duplicate)) bump(this.duplicates, String(duplicate.key));
  }

  addUnreadable(problem: Problem): void {
    this.leads++;
    this.review++;
    this.unreadable++;
    bump(this.reasons, reasonKey(problem));
  }

  format(source: string): string {
    const lines = [
      `leadroute normalize: ${source}: ${this.leads} leads, ${this.leads - this.review} clean, ${this.review} need review${this.unreadable > 0 ? ` (${this.unreadable} unreadable)` : ''}; ${this.changedLeads} had values changed`,
    ];
    const section = (title: string, counts: Map<string, number>) => {
      if (counts.size === 0) return;
      lines.push(`${title}:`);
      const width = Math.max(...[...counts.keys()].map((k) => k.length));
      for (const [key, n] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) lines.push(`  ${key.padEnd(width)}  ${n}`);
    };
    section('changed, by field', this.changed);
    section('added, by field', this.added);
    section('need review, by reason', this.reasons);
    section('warnings (lead stays clean), by reason', this.warnings);
    section('duplicates, by key', this.duplicates);
    return lines.join('\n');
  }
}

function reasonKey(p: Problem): string {
  return `${p.field}: ${p.problem}`;
}

function bump(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
