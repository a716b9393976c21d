// `leadroute audit POLICY EXPORT --owner COLUMN`: the owners leads actually got against the
// policy's, and outcome rates by owner and by routing path. The figures come from the library
// (analysis/audit.ts); this file reads the arguments, streams the export to it and prints the
// figures for people, or writes them as JSON.

import { auditExport, outcomeLabel, SMALL_GROUP, type AuditFigures, type OutcomeGroup, type OutcomeSpec } from '../../analysis/audit';
import { didYouMean } from '../../dsl/diagnostics';
import { EXIT_OK, parseCommandArgs, parseNow, usageError, write, type CliIO } from '../io';
import { reportUnreadable } from '../leads';
import { progressOf, withProgress, writeJsonFile, writeReportFile, PROGRESS_HELP } from '../output';
import { auditPage } from '../../pages/audit';
import { formatWarnings, loadPolicy } from '../policy';
import { AT_HELP, openTimedLeads, parseAtOptions, routedWhen } from '../replay';
import { count, percent, table } from '../summary';

export const AUDIT_HELP = `Usage: leadroute audit POLICY EXPORT --owner COLUMN [options]

Audits live routing: routes every lead of EXPORT (a CRM export: JSON Lines, a JSON array or
CSV, by its extension; - for standard input) with POLICY, in a routing state that starts empty,
and compares the owner each lead actually got (the export's COLUMN) with the one the policy
assigns. Prints agreement overall and by rule, the largest disagreements (from -> to, with
lines), and outcome rates by actual owner and by the policy's path (rule, pool). A group of
fewer than ${SMALL_GROUP} leads is marked "small": its rates are too noisy to compare.

How owners match: the export's owner and the policy's member name are compared ignoring case
and white space, so "Mia Lopez", "mia lopez" and "MiaLopez" are the member written
\`mialopez\` or "Mia Lopez" in the policy. Name members as the CRM names its users (a member
may be a string: "Mia Lopez", "mia@acme.com"), or export the column that holds those names. A
lead the policy queues (queue:NAME) or sends to the fallback (exception:QUEUE) agrees with no
owner. A lead with a blank owner counts as "no owner".

Options:
  --owner COLUMN       The export's column holding the owner each lead got (required). A
                       column is a key exactly as written ("Lead Owner") or a dotted path.
  --outcome COLUMN=VALUE
                       An outcome to measure (repeatable): a lead has it when COLUMN holds
                       VALUE, ignoring case and surrounding white space, e.g.
                       --outcome CONVERTED=Yes --outcome "Lead Status=Qualified".
  --now ISO            The instant every lead is routed at (UTC unless it says). Default:
                       the time the run starts. With --at: the time of leads that cannot be
                       read.
${AT_HELP}  --json FILE          Also write the figures as JSON to FILE: { "leads", "agreement":
                       { "same", "different", "no_owner" }, "by_rule", "by_owner",
                       "by_path", "moves", "unreadable", "no_time", ... }
  --html FILE          Also write the figures as one self-contained page to FILE (charts
                       drawn in the page, nothing loaded from the network).
  -h, --help           Show this help.

${PROGRESS_HELP}
A column named by --owner or --outcome that no lead has a value in is an error naming it.

Exit status: 0 when the export was audited, 1 when the policy has errors or EXPORT cannot be
read on, 2 on a usage error (a missing --owner, a bad --outcome, a column no lead has).
`;

const COMMAND = 'audit';

export async function auditCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals, help } = parseCommandArgs(
    COMMAND,
    argv,
    { owner: { type: 'string' }, outcome: { type: 'string', multiple: true }, now: { type: 'string' }, at: { type: 'string' }, tz: { type: 'string' }, json: { type: 'string' }, html: { type: 'string' } },
    ['POLICY', 'EXPORT'],
  );
  if (help) {
    write(io.stdout, AUDIT_HELP);
    return EXIT_OK;
  }
  const [policyFile, exportFile] = positionals;
  const owner = values.owner?.trim();
  if (owner === undefined || owner === '') throw usageError(COMMAND, '--owner COLUMN is required: the export\'s column holding the owner each lead got');
  const outcomes = (values.outcome ?? []).map(parseOutcome);
  const now = parseNow(COMMAND, values.now) ?? new Date();
  const clock = parseAtOptions(COMMAND, values.at, values.tz);
  if (policyFile === '-' && exportFile === '-') throw usageError(COMMAND, 'POLICY and EXPORT cannot both be standard input (-)');
  const policy = await loadPolicy(COMMAND, policyFile, io);
  const warnings = formatWarnings(policy, policyFile);
  if (warnings !== '') write(io.stderr, `${warnings}\n`);
  const leads = await openTimedLeads(COMMAND, exportFile, clock, io);
  let figures: AuditFigures;
  try {
    figures = await auditExport(policy, withProgress(leads.batches, progressOf(COMMAND, 'read', io)), { owner, outcomes, now, at: values.at, tz: values.tz });
  } finally {
    leads.close();
  }
  reportUnreadable(COMMAND, leads.source, figures, io);
  checkColumns(figures, owner, outcomes);
  if (values.json !== undefined) await writeJsonFile(COMMAND, values.json, figures);
  if (values.html !== undefined) await writeReportFile(COMMAND, '--html', values.html, auditPage(figures));
  write(io.stdout, auditText(figures, { owner, leads: leads.source, when: routedWhen(now, values.at) }));
  return EXIT_OK;
}

/** `COLUMN=VALUE`, split at the first `=`: both sides must say something. */
function parseOutcome(text: string): OutcomeSpec {
  const eq = text.indexOf('=');
  const column = text.slice(0, eq).trim();
  const value = text.slice(eq + 1).trim();
  if (eq < 0 || column === '' || value === '') throw usageError(COMMAND, `--outcome ${text}: expected COLUMN=VALUE, e.g. --outcome CONVERTED=Yes`);
  return { column, value };
}

/** A named column no lead has a value in is a typo far more often than an empty column: say so, with the closest column. */
function checkColumns(figures: AuditFigures, owner: string, outcomes: readonly OutcomeSpec[]): void {
  for (const [column, option] of [[owner, '--owner'], ...outcomes.map((o) => [o.column, `--outcome ${outcomeLabel(o)}`])] as const) {
    if (figures.columns[column] > 0 || figures.leads === 0) continue;
    const hint = didYouMean(column, figures.columns_seen);
    const seen = figures.columns_seen.slice(0, 12).map((c) => `'${c}'`).join(', ');
    throw usageError(COMMAND, `${option}: unknown column '${column}': no lead has a value in it (${hint ?? `the leads have ${seen}${figures.columns_seen.length > 12 ? ', ...' : ''}`})`);
  }
}

/** `  72.8% same  CONVERTED=Yes 12.5% (15)`: a group's agreement and outcome rates. */
function rates(group: OutcomeGroup): string {
  const outcomes = Object.entries(group.outcomes).map(([label, n]) => `  ${label} ${percent(n, group.leads)} (${count(n)})`);
  return `${percent(group.same, group.leads).padStart(6)} same${outcomes.join('')}${group.small ? '  [small]' : ''}`;
}

/** The figures for people. */
export function auditText(figures: AuditFigures, names: { owner: string; leads: string; when: string }): string {
  const { agreement } = figures;
  const out = [`${count(figures.leads)} leads from ${names.leads}: the owner in column '${names.owner}' against policy ${figures.policy.name}, ${names.when}`, ''];
  out.push(
    ...table(
      'Agreement',
      [
        ['same owner', agreement.same],
        ['different owner', agreement.different],
        ['no owner in the export', agreement.no_owner],
      ],
      figures.leads,
      'percent',
    ),
  );
  const groups = (title: string, rows: [string, OutcomeGroup][]) => table(title, rows.map(([label, g]) => [`${rates(g)}  ${label}`, g.leads]), figures.leads, 'plain');
  out.push(...groups('By rule (leads, agreement, outcome rates)', figures.by_rule.map((r) => [r.index === null ? r.source : `rule ${r.index} (line ${r.line})  ${r.source}`, r])));
  out.push(...groups("By the policy's path (rule, pool)", figures.by_path.map((p) => [`${p.rule === null ? 'no rule' : `rule ${p.rule}`} -> ${p.target}`, p])));
  const owners: [string, OutcomeGroup][] = Object.entries(figures.by_owner);
  if (figures.unowned.leads > 0) owners.push(['(no owner)', figures.unowned]);
  out.push(...groups('By actual owner', owners));
  out.push(...table('Largest disagreements (export -> policy, first lines)', figures.moves.map((m) => [`${m.from} -> ${m.to}   lines ${m.examples.join(', ')}`, m.leads]), figures.leads, 'plain'));
  out.push(`[small]: fewer than ${SMALL_GROUP} leads, too few to compare.`);
  if (figures.cut.length > 0) out.push(`More distinct keys than a run keeps in ${figures.cut.join(', ')}: the rest are counted in (others).`);
  return out.join('\n');
}
