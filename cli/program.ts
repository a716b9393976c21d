// The `leadroute` command line, loaded by cli/main.ts once the Node version is known to be new
// enough. main() takes its arguments and streams as parameters and returns the exit code, so
// tests run it in-process; only runFromProcess() touches `process`.

import { auditCommand } from './commands/audit';
import { checkCommand } from './commands/check';
import { diffCommand } from './commands/diff';
import { explainCommand } from './commands/explain';
import { ledgerCommand } from './commands/ledger';
import { normalizeCommand } from './commands/normalize';
import { outcomeCommand } from './commands/outcome';
import { queueCommand } from './commands/queue';
import { reportCommand } from './commands/report';
import { routeCommand } from './commands/route';
import { simulateCommand } from './commands/simulate';
import { stateCommand } from './commands/state';
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, errorMessage, write, type CliIO } from './io';

export const MAIN_HELP = `Usage: leadroute COMMAND [options]

Commands:
  check POLICY               Compile a routing policy and report its errors and warnings.
  route POLICY LEADS         Route a lead export (JSON Lines, JSON array or CSV) and print one
                             decision per lead, or a summary with --summary.
  explain POLICY LEAD.json   Explain, step by step, how one lead is routed.
  state ACTION ...           Show or change the routing state in a SQLite file or Redis:
                             show, reset, away, back.
  normalize LEADS            Clean a lead export (countries, phones, emails, numbers, picklists,
                             blanks, accounts, duplicates) and print it as JSON Lines.
  audit POLICY EXPORT --owner COLUMN
                             Compare the owners leads actually got with the policy's, with
                             outcome rates by owner and by routing path.
  diff OLD NEW LEADS         Tell which leads would change destination if NEW replaced OLD.
  outcome ID_OR_KEY EVENT    Record what happened to a routed lead (meeting_booked, won, ...)
                             in the routing ledger.
  queue list|take ...        List the leads waiting in queues and exceptions; take one.
  ledger export              Write the routing ledger as JSON Lines or CSV.
  report                     The KPIs of live routing from the ledger: speed, SLA, queues,
                             owners and paths, week by week.
  simulate POLICY LEADS      Report what a policy would do with an export before it goes live:
                             outcomes, the filter analyzer, fairness, coverage, fields, SLAs.

Run 'leadroute COMMAND --help' for a command's options.

Exit status: 0 ok, 1 policy errors or a failed run, 2 usage errors.
`;

const COMMANDS: Record<string, (argv: string[], io: CliIO) => Promise<number>> = {
  check: checkCommand,
  route: routeCommand,
  explain: explainCommand,
  state: stateCommand,
  normalize: normalizeCommand,
  audit: auditCommand,
  diff: diffCommand,
  outcome: outcomeCommand,
  queue: queueCommand,
  ledger: ledgerCommand,
  report: reportCommand,
  simulate: simulateCommand,
};

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    write(name === undefined ? io.stderr : io.stdout, MAIN_HELP);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  try {
    if (command === undefined) {
      throw new CliError(`leadroute: unknown command '${name}' (commands: ${Object.keys(COMMANDS).join(', ')})\nRun 'leadroute --help' for usage.`, EXIT_USAGE);
    }
    return await command(rest, io);
  } catch (err) {
    if (err instanceof CliError) {
      write(io.stderr, err.message);
      return err.exitCode;
    }
    // A bug, not a user error: say so, with the stack for the report.
    write(io.stderr, `leadroute ${name}: internal error: ${err instanceof Error && err.stack ? err.stack : errorMessage(err)}`);
    return EXIT_FAILED;
  }
}

/** Runs main() on this process's arguments and streams, and sets its exit code. */
export function runFromProcess(): void {
  main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, onInterrupt: onProcessInterrupt }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`leadroute: ${errorMessage(err)}\n`);
      process.exitCode = EXIT_FAILED;
    },
  );
}

/**
 * Ctrl-C (SIGINT) and SIGTERM call `stop` once, instead of ending the process; a second signal
 * ends it as usual, since the listeners are gone by then.
 */
function onProcessInterrupt(stop: () => void): () => void {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const release = () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
  const onSignal = () => {
    release();
    stop();
  };
  for (const signal of signals) process.on(signal, onSignal);
  return release;
}
