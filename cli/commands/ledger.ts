// `leadroute ledger export`: the routing ledger as JSON Lines or CSV for a team's own BI,
// streamed from the store to the output with backpressure (state/ledger-export.ts makes the lines).

import { LEDGER_CSV_COLUMNS, LEDGER_FORMATS, ledgerLines, type LedgerFormat, type LedgerQuery } from '../../state';
import { CliError, errorMessage, EXIT_FAILED, EXIT_OK, EXIT_USAGE, parseCommandArgs, parseNow, usageError, write, type CliIO } from '../io';
import { ChunkedWriter, isBrokenPipe, OutputFile } from '../output';
import { KEPT_STATE_HELP, KEPT_STATE_OPTIONS, keptStoreSpec, withKeptStore } from '../store';

export const LEDGER_HELP = `Usage: leadroute ledger export --state STORE [--since ISO] [--until ISO] [--policy NAME] [--format jsonl|csv] [-o FILE]

Writes the routing ledger, in the order it was written, for your own reports: every decision
(routing id, lead key, time, policy and its hash, status, assignee or queue, pool, rule, path,
reason, SLA due) and every event after it (worked, late_touch, breached, reassigned, exhausted,
taken, outcomes), with who, a value and data where they have them. Times are ISO 8601 UTC.

  jsonl   One JSON object per entry, with the fields above.
  csv     A header row, then one row per entry with the columns
          ${LEDGER_CSV_COLUMNS.join(', ')}
          (path and data as JSON; empty where an entry has no such field). Text a spreadsheet
          would run as a formula (starting with =, +, -, @) is written with a leading '.

Options:
${KEPT_STATE_HELP}  --since ISO     Only entries at or after this instant (UTC unless it gives an offset).
  --until ISO     Only entries before this instant.
  --policy NAME   Only this policy's entries.
  --format FORMAT jsonl or csv. Default: csv when FILE ends in .csv, else jsonl.
  -o, --output FILE
                  Write to FILE (put in place when the export ends well) instead of stdout.
  -h, --help      Show this help.

Exit status: 0 ok, 1 the store failed or keeps no ledger, or the output failed, 2 usage errors.
`;

export async function ledgerCommand(argv: string[], io: CliIO): Promise<number> {
  const [action, ...rest] = argv;
  if (action === undefined || action === '--help' || action === '-h') {
    write(action === undefined ? io.stderr : io.stdout, LEDGER_HELP);
    return action === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (action !== 'export') throw usageError('ledger', `unknown action '${action}' (use export)`);
  const command = 'ledger export';
  const { values, help } = parseCommandArgs(
    command,
    rest,
    { ...KEPT_STATE_OPTIONS, since: { type: 'string' }, until: { type: 'string' }, policy: { type: 'string' }, format: { type: 'string' }, output: { type: 'string', short: 'o' } },
    [],
  );
  if (help) {
    write(io.stdout, LEDGER_HELP);
    return EXIT_OK;
  }
  const query: LedgerQuery = {};
  const since = parseNow(command, values.since, '--since');
  const until = parseNow(command, values.until, '--until');
  if (since !== undefined) query.since = since.getTime();
  if (until !== undefined) query.until = until.getTime();
  if (values.policy !== undefined) query.policy = values.policy;
  const format = chooseFormat(command, values.format, values.output);
  const spec = keptStoreSpec(command, values, io);
  let output: OutputFile;
  try {
    output = values.output === undefined ? OutputFile.borrow('standard output', io.stdout) : OutputFile.open(values.output);
  } catch (err) {
    throw usageError(command, `cannot write --output file '${values.output}': ${errorMessage(err)}`);
  }
  const writer = new ChunkedWriter(output.stream);
  // Whether the output failed, rather than the store: the message names what failed.
  let writing = false;
  const flush = async (): Promise<void> => {
    writing = true;
    await writer.flush();
    writing = false;
  };
  await withKeptStore(command, spec, async (store) => {
    try {
      for await (const line of ledgerLines(store, query, format)) if (writer.push(line)) await flush();
      await flush();
      writing = true;
      await output.finish();
    } catch (err) {
      await output.abandon(false);
      // The reader of stdout went away (`| head`): it has what it wanted.
      if (writing && values.output === undefined && isBrokenPipe(err)) return;
      if (writing) throw new CliError(`leadroute ${command}: cannot write ${output.file}: ${errorMessage(err)}`, EXIT_FAILED);
      throw err;
    }
  });
  return EXIT_OK;
}

function chooseFormat(command: string, format: string | undefined, output: string | undefined): LedgerFormat {
  if (format === undefined) return output?.toLowerCase().endsWith('.csv') === true ? 'csv' : 'jsonl';
  if (!(LEDGER_FORMATS as readonly string[]).includes(format)) throw usageError(command, `--format ${format}: use ${LEDGER_FORMATS.join(' or ')}`);
  return format as LedgerFormat;
}
