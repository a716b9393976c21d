// `leadroute route POLICY LEADS`: routes a lead export, streaming. Leads are read in batches,
// decided and assigned one by one in input order (rotation and caps depend on that order), and
// written as JSON Lines with backpressure, so memory stays flat for any number of leads.

import { createReadStream, createWriteStream, openSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Readable, Writable } from 'node:stream';
import type { Decision } from '../../compiler/decision';
import { openStore, parseStoreSpec, type StateStore, type StoreSpec } from '../../state';
import { checkReadable, errorMessage, EXIT_OK, parseCommandArgs, parseNow, usageError, write, type CliIO } from '../io';
import { LEAD_FORMATS, leadFormatOf, readLeads, type LeadFormat } from '../leads';
import { ChunkedWriter, isBrokenPipe, Progress } from '../output';
import { chooseEvaluator, formatWarnings, loadPolicy, parseColumnMap } from '../policy';
import { routeMany, unreadableDecision } from '../../routing/route';
import { RouteSummary } from '../summary';

export const ROUTE_HELP = `Usage: leadroute route POLICY LEADS [options]

Routes every lead in LEADS with the policy in POLICY and prints, on stdout, one JSON object per
lead in input order: the lead's fields plus "routing", the decision (a "routing" field already
in the lead is replaced). Leads are streamed: any number of them runs in bounded memory.

LEADS is read by its extension:
  .jsonl, .ndjson   JSON Lines, one lead object per line (blank lines are skipped)
  .json             a JSON array of lead objects (read and parsed whole: use JSON Lines for
                    big exports)
  .csv              a header row, then one lead per row; dotted headers nest
                    (account.status becomes {"account": {"status": ...}}), empty cells are
                    left out, values stay text ("1200" compares as a number)
  -                 standard input, JSON Lines unless --format says otherwise

A lead that cannot be read (invalid JSON, not an object, a CSV row with more cells than the
header) is reported on stderr and still gets an output line: an exception decision whose
reason names its line. The run goes on.

Options:
  --now ISO            The routing clock, e.g. 2026-11-23T15:00:00Z (UTC when no offset is
                       given). Default: the time the run starts. Every lead of a run is routed
                       at the same instant, so a run is repeatable with --now.
  --state STORE        Where rotation, caps, away flags and sticky owners live:
                         memory              fresh for each run (the default)
                         sqlite:FILE         a SQLite file, kept across runs; several runs at
                                             once stay exact
                         redis://[USER:PASSWORD@]HOST[:PORT][/DB][?prefix=P&tls=1]
                                             a Redis server (rediss:// for TLS), shared with
                                             n8n's Route nodes using the same key prefix
                       A lead the store cannot settle (unreachable, locked too long) gets an
                       exception decision whose reason starts "state store unavailable: ".
  --trace              Add "trace" to each decision: every rule tried, the values read, why
                       it held or failed.
  --summary            Print a summary for people (outcomes, rules, assignees, pools, queues,
                       exception reasons with an example lead) instead of the JSON lines;
                       with --output, the JSON lines still go to that file.
  -o, --output FILE    Write the JSON lines to FILE instead of stdout.
  --format FORMAT      Read LEADS as jsonl, json or csv whatever its name.
  --evaluator KIND     codegen (default, fastest) or reference (no generated code).
  --map FIELD=COLUMN   Read the declared FIELD from COLUMN in this run, in place of the "from"
                       names of the policy's fields block (repeat for more columns or fields),
                       e.g. --map employees="No. of Employees".
  -h, --help           Show this help.

A progress line (leads, leads/s) is shown on stderr when it is a terminal.

Exit status: 0 when every lead was routed (exceptions included), 1 when the policy has errors
or the input cannot be read on (a CSV quote never closed, a JSON array that does not parse),
2 on a usage error (unknown option, unreadable file, bad --now, a --state that cannot be
opened).
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
      trace: { type: 'boolean' },
      summary: { type: 'boolean' },
      output: { type: 'string', short: 'o' },
      format: { type: 'string' },
      evaluator: { type: 'string' },
      map: { type: 'string', multiple: true },
    },
    ['POLICY', 'LEADS'],
  );
  if (help) {
    write(io.stdout, ROUTE_HELP);
    return EXIT_OK;
  }
  const [policyFile, leadsFile] = positionals;
  const now = parseNow('route', values.now) ?? new Date();
  const stateSpec = parseStateOption('route', values.state);
  const format = chooseFormat(leadsFile, values.format);
  const evaluator = chooseEvaluator('route', values.evaluator);
  if (policyFile === '-' && leadsFile === '-') throw usageError('route', 'POLICY and LEADS cannot both be standard input (-)');
  if (leadsFile !== '-') checkReadable('route', 'leads', leadsFile);

  const policy = await loadPolicy('route', policyFile, io, { evaluator, columns: parseColumnMap('route', values.map) });
  const warnings = formatWarnings(policy, policyFile);
  if (warnings !== '') write(io.stderr, `${warnings}\n`);

  const out = values.output === undefined ? io.stdout : openOutput(values.output);
  const input: Readable = leadsFile === '-' ? io.stdin : createReadStream(leadsFile);
  const source = leadsFile === '-' ? 'stdin' : leadsFile;
  const summary = values.summary === true ? new RouteSummary() : null;
  const writeLines = summary === null || values.output !== undefined;
  const writer = new ChunkedWriter(out);
  const progress = new Progress(io.stderr, io.stderrIsTTY ?? (io.stderr as { isTTY?: boolean }).isTTY === true);
  const store = openStateStore('route', stateSpec);
  const options = { store, now, trace: values.trace === true };

  let count = 0;
  let problems = 0;
  try {
    for await (const batch of readLeads(input, format, source)) {
      // The batch's leads are assigned in input order, in a few store transactions.
      const leads = batch.flatMap((record) => (record.lead === null ? [] : [record.lead]));
      const decisions = await routeMany(policy, leads, options);
      let next = 0;
      for (const record of batch) {
        let decision: Decision;
        if (record.lead === null) {
          const reason = record.problem ?? `unreadable lead on ${record.where}`;
          if (++problems <= MAX_REPORTED_PROBLEMS) write(io.stderr, `leadroute route: ${source}: ${reason}`);
          decision = unreadableDecision(policy, now, reason);
        } else {
          decision = decisions[next++];
        }
        summary?.add(decision, record.lead, record.where);
        if (writeLines && writer.push(`${JSON.stringify(record.lead === null ? { routing: decision } : { ...record.lead, routing: decision })}\n`)) {
          await writer.flush();
        }
        progress.tick(++count);
      }
    }
    await writer.flush();
    if (out !== io.stdout) {
      out.end();
      await finished(out);
    }
  } catch (err) {
    if (isBrokenPipe(err)) return EXIT_OK;
    throw err;
  } finally {
    if (input !== io.stdin) input.destroy();
    await store.close();
  }
  progress.done(count);
  if (problems > MAX_REPORTED_PROBLEMS) {
    write(io.stderr, `leadroute route: ${source}: ${problems - MAX_REPORTED_PROBLEMS} more leads could not be read; each got an exception decision`);
  }
  if (summary !== null) write(io.stdout, summary.format({ policy: policy.name, leads: source, now }));
  return EXIT_OK;
}

/** `--state` (memory when absent); one that does not parse is a usage error, which never repeats the text (a Redis URL may hold a password). */
export function parseStateOption(command: string, spec: string | undefined): StoreSpec {
  try {
    return parseStoreSpec(spec ?? 'memory');
  } catch (err) {
    throw usageError(command, `--state: ${errorMessage(err)}`);
  }
}

/** Opens the store; a SQLite file that cannot be opened is a usage error naming it. */
export function openStateStore(command: string, spec: StoreSpec): StateStore {
  try {
    return openStore(spec);
  } catch (err) {
    throw usageError(command, `--state: ${errorMessage(err)}`);
  }
}

function chooseFormat(leadsFile: string, format: string | undefined): LeadFormat {
  if (format !== undefined) {
    if (!(LEAD_FORMATS as readonly string[]).includes(format)) {
      throw usageError('route', `--format ${format}: unknown format (use ${LEAD_FORMATS.join(', ')})`);
    }
    return format as LeadFormat;
  }
  const implied = leadFormatOf(leadsFile);
  if (implied === null) {
    throw usageError('route', `cannot tell the format of '${leadsFile}' from its name (use .jsonl, .ndjson, .json or .csv, or --format)`);
  }
  return implied;
}

/** Opens the --output file now, so that a bad path is a usage error before any lead is read. */
function openOutput(file: string): Writable {
  let fd: number;
  try {
    fd = openSync(file, 'w');
  } catch (err) {
    throw usageError('route', `cannot write --output file '${file}': ${errorMessage(err)}`);
  }
  return createWriteStream('', { fd });
}
