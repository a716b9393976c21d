// `leadroute route POLICY LEADS`: routes a lead export, streaming. Leads are read in batches,
// decided and assigned one by one in input order (rotation and caps depend on that order), and
// written as JSON Lines with backpressure, so memory stays flat for any number of leads. The
// output and the state agree: a lead assigned in the state either has its output line or, when
// the output fails (a closed pipe, a full disk), is listed on stderr; Ctrl-C finishes the batch
// in flight and reads no more.

import type { CompiledPolicy } from '../../compiler/compile';
import type { Decision } from '../../compiler/decision';
import { checkStore, openStore, parseStoreSpec, type StateStore, type StoreSpec } from '../../state';
import { checkReadable, errorMessage, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, parseCommandArgs, parseNow, usageError, write, type CliIO } from '../io';
import { chooseLeadFormat, keepExactNumbers, type LeadRecord } from '../leads';
import { AT_HELP, openLeadSource, parseAtOptions, type LeadSource } from '../replay';
import { NO_TIME } from '../../routing/replay';
import { ChunkedWriter, isBrokenPipe, OutputFile, progressOf, sameFile, type Progress, PROGRESS_HELP } from '../output';
import { chooseEvaluator, formatWarnings, loadPolicy, parseColumnMap } from '../policy';
import { routeMany, STORE_FAILURE, unreadableDecision, type RouteOptions } from '../../routing/route';
import { describeLead, RouteSummary } from '../summary';

export const ROUTE_HELP = `Usage: leadroute route POLICY LEADS [options]

Routes every lead in LEADS with the policy in POLICY and prints, on stdout, one JSON object per
lead in input order (with --at, in time order): the lead's fields plus "routing", the decision
(a "routing" field already in the lead is replaced). Leads are streamed: any number of them
runs in bounded memory.

LEADS is read by its extension:
  .jsonl, .ndjson   JSON Lines, one lead object per line (blank lines are skipped)
  .json             a JSON array of lead objects (read and parsed whole: use JSON Lines for
                    big exports)
  .csv              a header row, then one lead per row; dotted paths nest
                    (account.status becomes {"account": {"status": ...}}), other headers
                    are keys as written ("No. of Employees"), empty cells are left out,
                    values stay text ("1200" compares as a number)
  -                 standard input, JSON Lines unless --format says otherwise

A lead that cannot be read (invalid JSON, not an object, a CSV row with more cells than the
header, a line or CSV record over 16 MiB, a lead nested deeper than 64 levels or holding more
than 100,000 values) is reported on stderr and still gets an output line: an exception decision whose
reason names its line. The run goes on. Numbers that a double cannot hold exactly
(12345678901234567890, 1e400) are written out as they were read.

Options:
  --now ISO            The routing clock, e.g. 2026-11-23T15:00:00Z (UTC when no offset is
                       given). Default: the time the run starts. Every lead of a run is routed
                       at the same instant, so a run is repeatable with --now.
${AT_HELP}  --state STORE        Where rotation, caps, away flags and sticky owners live:
                         memory              fresh for each run (the default)
                         sqlite:FILE         a SQLite file, kept across runs; several runs at
                                             once stay exact
                         redis://[USER:PASSWORD@]HOST[:PORT][/DB][?prefix=P&tls=1]
                                             a Redis server (rediss:// for TLS), shared with
                                             n8n's Route nodes using the same key prefix
                       A store that does not answer when the run starts is a usage error
                       (exit 2); a lead the store cannot settle later (unreachable, locked
                       too long) gets an exception decision whose reason starts "state store
                       unavailable: ", and the run says how many on stderr and exits 1.
  --state-password-env VAR
                       Read the Redis password from the environment variable VAR instead of
                       the URL, keeping it out of the process list.
  --trace              Add "trace" to each decision: every rule tried, the values read, why
                       it held or failed.
  --summary            Print a summary for people (outcomes, rules, assignees, pools, queues,
                       exception reasons with an example lead) instead of the JSON lines;
                       with --output, the JSON lines still go to that file.
  -o, --output FILE    Write the JSON lines to FILE instead of stdout: to a temporary file
                       renamed to FILE when the run ends well, so a failed run leaves FILE as
                       it was. FILE may not be LEADS or POLICY.
  --format FORMAT      Read LEADS as jsonl, json or csv whatever its name.
  --evaluator KIND     codegen (default, fastest) or reference (no generated code).
  --map FIELD=COLUMN   Read the declared FIELD from COLUMN in this run, in place of the "from"
                       names of the policy's fields block (repeat for more columns or fields),
                       e.g. --map employees="No. of Employees".
  -h, --help           Show this help.

${PROGRESS_HELP}
Every lead assigned in the state has its output line. When the output fails (the reader of a
pipe goes away, the disk is full) the run stops and lists on stderr, by line and email or id,
the leads it assigned and could not write. Ctrl-C finishes the leads in flight, writes them,
and stops reading (exit 130); a second Ctrl-C ends the process at once.

Exit status: 0 when every lead was routed (exceptions included), 1 when the policy has errors,
the input cannot be read on (a CSV quote never closed, a JSON array that does not parse), the
output failed, or the state store failed during the run, 2 on a usage error (unknown option,
unreadable file, bad --now, a --state that cannot be opened or reached, -o naming an input),
130 when interrupted.
`;

/** Messages about unreadable leads printed before the rest are only counted. */
const MAX_REPORTED_PROBLEMS = 20;

export async function routeCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals, help } = parseCommandArgs(
    'route',
    argv,
    {
      now: { type: 'string' },
      state: { type: 'string' },
      'state-password-env': { type: 'string' },
      trace: { type: 'boolean' },
      summary: { type: 'boolean' },
      output: { type: 'string', short: 'o' },
      format: { type: 'string' },
      evaluator: { type: 'string' },
      map: { type: 'string', multiple: true },
      at: { type: 'string' },
      tz: { type: 'string' },
    },
    ['POLICY', 'LEADS'],
  );
  if (help) {
    write(io.stdout, ROUTE_HELP);
    return EXIT_OK;
  }
  const [policyFile, leadsFile] = positionals;
  const now = parseNow('route', values.now) ?? new Date();
  const stateSpec = parseStateOption('route', values.state, values['state-password-env'], io);
  const format = chooseLeadFormat('route', leadsFile, values.format);
  const clock = parseAtOptions('route', values.at, values.tz);
  const evaluator = chooseEvaluator('route', values.evaluator);
  if (policyFile === '-' && leadsFile === '-') throw usageError('route', 'POLICY and LEADS cannot both be standard input (-)');
  if (leadsFile !== '-') checkReadable('route', 'leads', leadsFile);
  if (values.output !== undefined) refuseToOverwrite(values.output, [['LEADS', leadsFile], ['POLICY', policyFile]]);

  const policy = await loadPolicy('route', policyFile, io, { evaluator, columns: parseColumnMap('route', values.map) });
  const warnings = formatWarnings(policy, policyFile);
  if (warnings !== '') write(io.stderr, `${warnings}\n`);

  const store = await reachStateStore('route', stateSpec);
  let output: OutputFile;
  try {
    output = values.output === undefined ? stdoutFile(io) : openOutput(values.output);
  } catch (err) {
    await store.close();
    throw err;
  }
  const source = leadsFile === '-' ? 'stdin' : leadsFile;
  let leads: LeadSource;
  try {
    leads = await openLeadSource(leadsFile, format, source, clock, io);
  } catch (err) {
    await store.close();
    await output.abandon(false);
    throw err;
  }
  const summary = values.summary === true ? new RouteSummary() : null;
  const run: Run = {
    writeLines: summary === null || values.output !== undefined,
    writer: new ChunkedWriter(output.stream),
    summary,
    progress: progressOf('route', 'routed', io),
    count: 0,
    problems: 0,
    storeFailures: 0,
    firstStoreFailure: null,
    interrupted: false,
  };
  const giveBack = io.onInterrupt?.(() => {
    run.interrupted = true;
  });
  try {
    for await (const batch of leads.batches) {
      await routeBatch(run, policy, batch, { store, now, trace: values.trace === true, at: values.at, tz: values.tz }, io, source);
      // Ctrl-C lets the batch in flight finish, every one of its leads written, and reads no more.
      if (run.interrupted) break;
    }
    await writing(() => run.writer.flush());
    await writing(() => output.finish());
  } catch (err) {
    const kept = await output.abandon(run.count > 0);
    if (!(err instanceof OutputFailure)) throw err;
    write(io.stderr, outputFailure(err, run, output, kept));
    return EXIT_FAILED;
  } finally {
    giveBack?.();
    leads.close();
    await store.close();
  }
  run.progress.done(run.count);
  if (run.problems > MAX_REPORTED_PROBLEMS) {
    write(io.stderr, `leadroute route: ${source}: ${run.problems - MAX_REPORTED_PROBLEMS} more leads could not be read, or had no time to route at; each got an exception decision`);
  }
  if (summary !== null) write(io.stdout, summary.format({ policy: policy.name, leads: source, now, at: values.at }));
  if (run.firstStoreFailure !== null) {
    write(io.stderr, `leadroute route: ${run.storeFailures} ${run.storeFailures === 1 ? 'lead' : 'leads'} got an exception decision because the state store failed: ${run.firstStoreFailure}`);
  }
  if (run.interrupted) {
    write(io.stderr, `leadroute route: interrupted: ${run.count} leads routed, each with its output line; the rest of ${source} was not read`);
    return EXIT_INTERRUPTED;
  }
  return run.firstStoreFailure === null ? EXIT_OK : EXIT_FAILED;
}

/** What a run keeps while its batches go by. */
interface Run {
  writeLines: boolean;
  /** Each line is tagged with its lead when routing it changed the state (an assignment). */
  writer: ChunkedWriter<string>;
  summary: RouteSummary | null;
  progress: Progress;
  count: number;
  problems: number;
  storeFailures: number;
  firstStoreFailure: string | null;
  interrupted: boolean;
}

/**
 * Routes one batch read from the input (its leads assigned in input order, in a few store
 * transactions) and hands each decision to the writer; if writing fails part way, the leads of
 * the batch after that point are added to what the output lacks.
 */
async function routeBatch(run: Run, policy: CompiledPolicy, batch: LeadRecord[], options: RouteOptions & { now: Date }, io: CliIO, source: string): Promise<void> {
  const { now } = options;
  const leads = batch.flatMap((record) => (record.lead === null ? [] : [record.lead]));
  const decisions = await routeMany(policy, leads, options);
  let next = 0;
  for (const [i, record] of batch.entries()) {
    let decision: Decision;
    if (record.lead === null) {
      const reason = record.problem ?? `unreadable lead on ${record.where}`;
      if (++run.problems <= MAX_REPORTED_PROBLEMS) write(io.stderr, `leadroute route: ${source}: ${reason}`);
      decision = unreadableDecision(policy, now, reason);
    } else {
      decision = decisions[next++];
      if (decision.reason?.startsWith(NO_TIME) && ++run.problems <= MAX_REPORTED_PROBLEMS) write(io.stderr, `leadroute route: ${source}: ${record.where}: ${decision.reason}`);
      if (decision.reason?.startsWith(STORE_FAILURE)) {
        run.storeFailures++;
        run.firstStoreFailure ??= decision.reason.slice(STORE_FAILURE.length);
      }
    }
    run.summary?.add(decision, record.lead, record.where);
    run.progress.tick(++run.count);
    if (!run.writeLines) continue;
    if (record.lead !== null) keepExactNumbers(record, record.lead);
    const line = `${JSON.stringify(record.lead === null ? { routing: decision } : { ...record.lead, routing: decision })}\n`;
    const tag = decision.status === 'assigned' ? describeLead(record.lead, record.where) : undefined;
    if (run.writer.push(line, tag)) await writing(() => run.writer.flush(), () => assignedAfter(batch, decisions, i, next));
  }
}

/** The output failed (a closed pipe, a full disk): `alsoUnwritten` names assigned leads not yet handed to the writer. */
class OutputFailure extends Error {
  constructor(
    readonly failure: unknown,
    readonly alsoUnwritten: string[],
  ) {
    super(errorMessage(failure));
    this.name = 'OutputFailure';
  }
}

/** Runs a step of writing the output; its failure becomes an OutputFailure. */
async function writing(step: () => Promise<void>, alsoUnwritten: () => string[] = () => []): Promise<void> {
  try {
    await step();
  } catch (err) {
    throw new OutputFailure(err, alsoUnwritten());
  }
}

/** The leads of `batch` after index `i` that were assigned (their decisions from `next` on). */
function assignedAfter(batch: LeadRecord[], decisions: Decision[], i: number, next: number): string[] {
  const leads = batch.slice(i + 1).filter((record) => record.lead !== null);
  return leads.flatMap((record, k) => (decisions[next + k].status === 'assigned' ? [describeLead(record.lead, record.where)] : []));
}

/** The message of a run whose output failed: how many leads were assigned with no line written, and which. */
function outputFailure(err: OutputFailure, run: Run, output: OutputFile, kept: string | null): string {
  const unwritten = [...run.writer.unwritten, ...err.alsoUnwritten];
  const lines = [`leadroute route: cannot write ${output.file}: ${isBrokenPipe(err.failure) ? 'the reader closed the pipe' : err.message}; the run stopped`];
  if (kept !== null) lines.push(`leadroute route: ${output.file} was left as it was; the lines written are in ${kept}`);
  lines.push(`leadroute route: ${unwritten.length} ${unwritten.length === 1 ? 'lead was' : 'leads were'} assigned in the state with no output line${unwritten.length === 0 ? '' : ':'}`);
  for (const lead of unwritten) lines.push(`  ${lead}`);
  return lines.join('\n');
}

/**
 * `--state` (memory when absent); one that does not parse is a usage error, which never repeats
 * the text (a Redis URL may hold a password). `--state-password-env VAR` reads the Redis password
 * from the environment, so that it is not on the command line (visible in the process list).
 */
export function parseStateOption(command: string, spec: string | undefined, passwordEnv?: string, io?: CliIO): StoreSpec {
  let parsed: StoreSpec;
  try {
    parsed = parseStoreSpec(spec ?? 'memory');
  } catch (err) {
    throw usageError(command, `--state: ${errorMessage(err)}`);
  }
  if (passwordEnv === undefined) return parsed;
  if (parsed.kind !== 'redis') throw usageError(command, '--state-password-env applies to a redis:// --state only');
  const password = (io?.env ?? process.env)[passwordEnv];
  if (password === undefined || password === '') throw usageError(command, `--state-password-env: the environment variable ${passwordEnv} is not set`);
  return { ...parsed, password };
}

/** Opens the store; a SQLite file that cannot be opened is a usage error naming it. */
export function openStateStore(command: string, spec: StoreSpec): StateStore {
  try {
    return openStore(spec);
  } catch (err) {
    throw usageError(command, `--state: ${errorMessage(err)}`);
  }
}

/**
 * Opens the store and checks that it answers, before any lead is read: a Redis server that is
 * down or refuses the password, or a SQLite file locked by another process, is a usage error
 * naming the store and its address (never the password), not a run of silent exceptions.
 */
export async function reachStateStore(command: string, spec: StoreSpec): Promise<StateStore> {
  const store = openStateStore(command, spec);
  try {
    await checkStore(store);
  } catch (err) {
    await store.close();
    throw usageError(command, `--state: ${errorMessage(err)}`);
  }
  return store;
}

/** Opens the --output file now, so that a bad path is a usage error before any lead is read. */
function openOutput(file: string): OutputFile {
  try {
    return OutputFile.open(file);
  } catch (err) {
    throw usageError('route', `cannot write --output file '${file}': ${errorMessage(err)}`);
  }
}

/** Standard output as the run's output: nothing to put in place, nor to end, at the end. */
function stdoutFile(io: CliIO): OutputFile {
  return OutputFile.borrow('standard output', io.stdout);
}

/** `-o` must not name a file the run reads: it would be emptied before being read. */
function refuseToOverwrite(output: string, inputs: [string, string][]): void {
  for (const [what, file] of inputs) {
    if (file !== '-' && sameFile(output, file)) throw usageError('route', `--output '${output}' is the ${what} file: the run would destroy it; write to another file`);
  }
}
