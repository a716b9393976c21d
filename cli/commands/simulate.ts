// `leadroute simulate POLICY LEADS`: what a policy would do with an export before it goes live.
// The figures come from the library (analysis/simulate.ts); this file reads the arguments,
// streams the leads to it (progress on stderr) and prints the figures for people, or writes them
// as JSON or as a page.

import { EXCEPTION_FLAG, pathText, simulatePolicy, type SimulateFigures } from '../../analysis/simulate';
import { WEEKDAYS } from '../../pages/charts';
import { lossesText, ranksText, simulatePage } from '../../pages/simulate';
import { EXIT_OK, parseCommandArgs, parseNow, usageError, write, type CliIO } from '../io';
import { reportUnreadable } from '../leads';
import { progressOf, writeJsonFile, writeReportFile, PROGRESS_HELP } from '../output';
import { formatWarnings, loadPolicy } from '../policy';
import { AT_HELP, openTimedLeads, parseAtOptions, routedWhen } from '../replay';
import { count, percent, table } from '../summary';

export const SIMULATE_HELP = `Usage: leadroute simulate POLICY LEADS [options]

Routes every lead in LEADS (JSON Lines, a JSON array or CSV, by its extension; - for standard
input) with POLICY in a routing state of its own that starts empty, and reports what the policy
would do, before it goes live:
  - outcomes, and leads by rule, person, pool and queue;
  - exceptions by reason, flagged when one takes more than ${EXCEPTION_FLAG * 100}% of the leads;
  - the filter analyzer: for every rule, the leads that reached it, the leads it took, and for
    the rest which condition failed how often;
  - fairness within each pool: leads per member against what the weights ask for, and how
    often and when each member was skipped (capped, outside hours, holiday, away, member filter);
  - buyers, for the leads routed by_bid: how often each buyer was offered the lead, the places
    it held in the cascade, and the leads each of its filters (the floor, its when, caps,
    hours) cost it;
  - coverage: the values that fell through to a wildcard pool or found no pool (the fallback),
    and pools that received nothing;
  - fields: for every field the policy reads, the leads that had it blank or unreadable (with
    the typed reading's problems) and the rules those leads went to;
  - the SLA mix (leads per SLA and priority) and arrivals per hour of the week.
LEADS is streamed: memory holds the routing state and the counters, not the leads. A lead that
cannot be read goes to the fallback, is counted, and is reported on stderr with its line.

Options:
  --now ISO            The instant every lead is routed at (UTC unless it says). Default: the
                       time the run starts. With --at: the time of leads that cannot be read.
${AT_HELP}                       Arrivals per hour of the week are counted in this zone too.
  --json FILE          Also write the figures as JSON to FILE: { "leads", "outcomes",
                       "by_rule": [ { "index", "line", "source", "reached", "taken", "failed" } ],
                       "by_assignee", "by_pool", "by_queue", "exceptions", "flagged",
                       "fairness", "buyers", "coverage", "fields", "sla", "arrivals", ... }
  --html FILE          Also write the figures as one self-contained page to FILE: charts and
                       the policy drawn with the leads on each path, nothing loaded from the
                       network.
  -h, --help           Show this help.

${PROGRESS_HELP}
Exit status: 0 when the leads were simulated, 1 when the policy has errors or LEADS cannot be
read on, 2 on a usage error.
`;

const COMMAND = 'simulate';

export async function simulateCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals, help } = parseCommandArgs(
    COMMAND,
    argv,
    { now: { type: 'string' }, at: { type: 'string' }, tz: { type: 'string' }, json: { type: 'string' }, html: { type: 'string' } },
    ['POLICY', 'LEADS'],
  );
  if (help) {
    write(io.stdout, SIMULATE_HELP);
    return EXIT_OK;
  }
  const [policyFile, leadsFile] = positionals;
  const now = parseNow(COMMAND, values.now) ?? new Date();
  const clock = parseAtOptions(COMMAND, values.at, values.tz);
  if (policyFile === '-' && leadsFile === '-') throw usageError(COMMAND, 'POLICY and LEADS cannot both be standard input (-)');
  const policy = await loadPolicy(COMMAND, policyFile, io);
  const warnings = formatWarnings(policy, policyFile);
  if (warnings !== '') write(io.stderr, `${warnings}\n`);
  const leads = await openTimedLeads(COMMAND, leadsFile, clock, io);
  const progress = progressOf(COMMAND, 'routed', io);
  let figures: SimulateFigures;
  try {
    figures = await simulatePolicy(policy, leads.batches, { now, at: values.at, tz: values.tz, zone: values.tz }, (n) => progress.tick(n));
  } finally {
    leads.close();
  }
  progress.done(figures.leads);
  reportUnreadable(COMMAND, leads.source, figures, io);
  if (values.json !== undefined) await writeJsonFile(COMMAND, values.json, figures);
  if (values.html !== undefined) await writeReportFile(COMMAND, '--html', values.html, simulatePage(figures, policy.ir));
  write(io.stdout, simulateText(figures, { policy: policyFile, leads: leads.source, when: routedWhen(now, values.at) }));
  return EXIT_OK;
}

/** `2026-11-23 15:00`: an instant in the report, to the minute. */
function minute(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** The figures for people: each section a titled table, largest rows first. */
export function simulateText(f: SimulateFigures, names: { policy: string; leads: string; when: string }): string {
  const n = f.leads;
  const out = [`${count(n)} leads from ${names.leads} simulated with policy ${f.policy.name} (${names.policy}) in a fresh state, ${names.when}`, ''];
  out.push(
    ...table(
      'Outcomes',
      Object.entries(f.outcomes).map(([k, v]): [string, number] => [k, v]),
      n,
      'percent',
    ),
  );
  if (f.exception_flagged) out.push(`! ${percent(f.outcomes.exception, n)} of leads are exceptions, above ${EXCEPTION_FLAG * 100}%: the routing inputs are too fragile`, '');
  out.push('Rules (the filter analyzer: leads that reached each rule, that it took, and why the rest fell through)');
  for (const r of f.by_rule) {
    out.push(`  rule ${r.index} (line ${r.line})  reached ${count(r.reached)}, took ${count(r.taken)}  ${r.source}`);
    for (const c of r.failed) out.push(`      ${count(c.leads).padStart(7)} failed  ${c.condition}`);
  }
  if (f.no_rule > 0) out.push(`  no rule: ${count(f.no_rule)} (a sticky owner, no rule held, or unreadable)`);
  out.push('');
  out.push(...table('By assignee', Object.entries(f.by_assignee), n, 'percent'));
  out.push(...table('By pool', Object.entries(f.by_pool), n, 'percent'));
  out.push(...table('By queue', Object.entries(f.by_queue), n, 'percent'));
  const flagged = new Set(f.flagged.map((x) => x.reason));
  out.push(...table(`Exceptions by reason (! above ${EXCEPTION_FLAG * 100}%)`, Object.entries(f.exceptions).map(([reason, v]): [string, number] => [`${flagged.has(reason) ? '! ' : ''}${reason}`, v]), n, 'percent'));
  out.push('Fairness within pools (leads against what the weights ask for; skips with when they happened)');
  for (const p of f.fairness) {
    out.push(`  ${p.pool}: ${count(p.leads)} leads, most - fewest ${count(p.spread)} (the weights ask for ${p.expected_spread})`);
    for (const m of p.members) {
      const skips = Object.entries(m.skipped).map(([why, s]) => `${why} ${count(s.leads)} (${minute(s.first)} to ${minute(s.last)})`);
      out.push(`      ${m.name}: ${count(m.leads)} (asked ${m.expected})${skips.length > 0 ? `; skipped: ${skips.join(', ')}` : ''}`);
    }
  }
  out.push('');
  if (f.buyers.length > 0) {
    out.push('Buyers (leads routed by bid: offers, places in the cascade, leads lost by filter)');
    for (const b of f.buyers) {
      const losses = lossesText(b);
      out.push(`  ${b.buyer}: offered ${count(b.offers)}; places ${ranksText(b)}${losses === '' ? '' : `; lost: ${losses}`}`);
    }
    out.push('');
  }
  out.push(...table('Coverage: fell through to a wildcard pool', f.coverage.wildcard.map((w): [string, number] => [`${w.pool} for ${pathText(w.path)}`, w.leads]), n, 'percent'));
  out.push(...table('Coverage: no pool matched (to the fallback)', f.coverage.fallback.map((w): [string, number] => [pathText(w.path), w.leads]), n, 'percent'));
  if (f.coverage.empty_pools.length > 0) out.push(`Pools that received nothing: ${f.coverage.empty_pools.join(', ')}`, '');
  out.push('Fields the policy reads (blank, unreadable, and where those leads went)');
  for (const [name, field] of Object.entries(f.fields)) {
    const problems = field.problems.map((p) => `${p.problem} ${count(p.leads)}, e.g. ${p.examples[0]}`);
    const rules = field.to_rules.map((r) => `${r.rule === null ? 'no rule' : `rule ${r.rule}`} ${count(r.leads)}`);
    out.push(`  ${name}: blank ${count(field.blank)}, unreadable ${count(field.unreadable)}${problems.length > 0 ? ` (${problems.join('; ')})` : ''}${rules.length > 0 ? `; went to ${rules.join(', ')}` : ''}`);
  }
  out.push('');
  out.push(...table('SLA mix (SLA, priority)', f.sla.map((s): [string, number] => [`${s.sla}, ${s.priority}`, s.leads]), n, 'percent'));
  out.push(...arrivalsText(f));
  const cut = f.cut.length > 0 ? [`(more distinct values than a run keeps in ${f.cut.join(', ')}: the rest are counted in (others))`, ''] : [];
  out.push(...cut);
  return out.join('\n');
}

/** The busiest hours of the week, and the leads that arrived while no pool with hours was open. */
function arrivalsText(f: SimulateFigures): string[] {
  const { counts, open, zone } = f.arrivals;
  const hours = counts.flatMap((row, d) => row.map((leads, h): [string, number] => [`${WEEKDAYS[d]} ${String(h).padStart(2, '0')}:00${open === null ? '' : open[d][h] ? '  open' : '  closed'}`, leads]));
  const busiest = hours.filter(([, leads]) => leads > 0).sort((a, b) => b[1] - a[1]);
  const lines = table(`Arrivals: busiest hours of the week (${zone})`, busiest.slice(0, 10), f.leads, 'percent');
  if (open !== null) {
    const closed = counts.reduce((sum, row, d) => sum + row.reduce((s, leads, h) => s + (open[d][h] ? 0 : leads), 0), 0);
    lines.push(`Arrived while no pool with hours was open: ${count(closed)} (${percent(closed, f.leads)})`, '');
  }
  return lines;
}
