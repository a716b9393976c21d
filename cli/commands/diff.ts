// `leadroute diff OLD NEW LEADS`: which leads would change destination if NEW replaced OLD. The
// figures come from the library (analysis/diff.ts); this file reads the arguments, streams the
// leads to it and prints the figures for people, or writes them as JSON.

import { diffPolicies, type DiffFigures } from '../../analysis/diff';
import { EXIT_OK, parseCommandArgs, parseNow, usageError, write, type CliIO } from '../io';
import { reportUnreadable } from '../leads';
import { progressOf, withProgress, writeJsonFile, writeReportFile, PROGRESS_HELP } from '../output';
import { diffPage } from '../../pages/audit';
import { formatWarnings, loadPolicy } from '../policy';
import { AT_HELP, openTimedLeads, parseAtOptions, routedWhen } from '../replay';
import { count, percent, table } from '../summary';

export const DIFF_HELP = `Usage: leadroute diff OLD NEW LEADS [options]

Routes every lead in LEADS with the policy OLD and with the policy NEW, each in a routing state
of its own that starts empty, and tells which leads would change destination if NEW replaced
OLD: how many move from each destination to each other, with the first lines of each. A
destination is written rep:NAME (a person), queue:NAME (a named queue) or exception:QUEUE (the
fallback, with a reason). LEADS is read as by 'leadroute route' (JSON Lines, a JSON array or
CSV, by its extension; - for standard input) and streamed. A lead that cannot be read goes to
each policy's fallback, and moves only if the fallbacks differ.

Options:
  --now ISO            The instant every lead is routed at (UTC unless it says). Default: the
                       time the run starts. With --at: the time of leads that cannot be read.
${AT_HELP}  --json FILE          Also write the figures as JSON to FILE: { "leads", "changed",
                       "moves": [ { "from", "to", "leads", "examples" } ], "unreadable",
                       "no_time" } where examples are the first lines (a JSON array's
                       indexes) of each move.
  --html FILE          Also write the figures as one self-contained page to FILE.
  -h, --help           Show this help.

${PROGRESS_HELP}
Exit status: 0 when the leads were compared, 1 when a policy has errors or LEADS cannot be read
on, 2 on a usage error.
`;

const COMMAND = 'diff';

export async function diffCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals, help } = parseCommandArgs(COMMAND, argv, { now: { type: 'string' }, at: { type: 'string' }, tz: { type: 'string' }, json: { type: 'string' }, html: { type: 'string' } }, ['OLD', 'NEW', 'LEADS']);
  if (help) {
    write(io.stdout, DIFF_HELP);
    return EXIT_OK;
  }
  const [oldFile, newFile, leadsFile] = positionals;
  const now = parseNow(COMMAND, values.now) ?? new Date();
  const clock = parseAtOptions(COMMAND, values.at, values.tz);
  if ([oldFile, newFile, leadsFile].filter((f) => f === '-').length > 1) throw usageError(COMMAND, 'only one of OLD, NEW and LEADS can be standard input (-)');
  const oldPolicy = await loadPolicy(COMMAND, oldFile, io);
  const newPolicy = await loadPolicy(COMMAND, newFile, io);
  for (const [policy, file] of [[oldPolicy, oldFile], [newPolicy, newFile]] as const) {
    const warnings = formatWarnings(policy, file);
    if (warnings !== '') write(io.stderr, `${warnings}\n`);
  }
  const leads = await openTimedLeads(COMMAND, leadsFile, clock, io);
  let figures: DiffFigures;
  try {
    figures = await diffPolicies(oldPolicy, newPolicy, withProgress(leads.batches, progressOf(COMMAND, 'read', io)), { now, at: values.at, tz: values.tz });
  } finally {
    leads.close();
  }
  reportUnreadable(COMMAND, leads.source, figures, io);
  if (values.json !== undefined) await writeJsonFile(COMMAND, values.json, figures);
  if (values.html !== undefined) await writeReportFile(COMMAND, '--html', values.html, diffPage(figures));
  write(io.stdout, diffText(figures, { old: oldFile, new: newFile, leads: leads.source, when: routedWhen(now, values.at) }));
  return EXIT_OK;
}

/** The figures for people: the totals, then each move with its first lines. */
export function diffText(figures: DiffFigures, names: { old: string; new: string; leads: string; when: string }): string {
  const out = [
    `${count(figures.leads)} leads from ${names.leads}, ${names.when}: ${count(figures.changed)} (${percent(figures.changed, figures.leads)}) would change destination if ${names.new} replaced ${names.old}`,
    '',
  ];
  if (figures.moves.length === 0) return out.join('\n');
  out.push(...table('Moves (from -> to, first lines)', figures.moves.map((m) => [`${m.from} -> ${m.to}   lines ${m.examples.join(', ')}`, m.leads]), figures.leads, 'percent'));
  if (figures.moves_cut) out.push('(more distinct moves than a run keeps: the rest are counted in (others))', '');
  return out.join('\n');
}
