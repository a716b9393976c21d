// `leadroute report`: the KPIs of live routing from the ledger a store keeps. The figures come
// from the library (analysis/ledger-report.ts), the page from pages/report.ts; this file reads
// the arguments and prints the headline figures for people.

import { ledgerReport } from '../../analysis/ledger-report';
import type { ReportFigures } from '../../analysis/report';
import { answerTimesText, declinedText, duration, money, reportPage, salesRows, shareText, speedRows } from '../../pages/report';
import { EXIT_OK, parseCommandArgs, parseNow, usageError, write, type CliIO } from '../io';
import { writeJsonFile, writeReportFile } from '../output';
import { KEPT_STATE_HELP, KEPT_STATE_OPTIONS, keptStoreSpec, withKeptStore } from '../store';
import { alignRows } from '../summary';

export const REPORT_HELP = `Usage: leadroute report --state STORE [--policy NAME] [--since ISO] [--until ISO] [--json FILE] [--html FILE]

The KPIs of live routing, from the ledger of the store that routed: time to assignment and to
first touch (median, 90th percentile), leads assigned within 5 minutes, worked within SLA,
reassigned, exceptions; the queues (waiting now, and over the period); by owner, rule and pool
(leads, worked within SLA, meeting and opportunity rates where outcomes are recorded); duplicates
by source; week by week when the period spans weeks. Leads count when decided in the period.
When buyers answered offers (a ping tree): leads sold, revenue and revenue per lead, and per
buyer offers, accept rate, declines by reason, timeouts, returns, revenue and time to answer
(median, 75th and 90th percentile).

Options:
${KEPT_STATE_HELP}  --policy NAME   Only this policy's leads.
  --since ISO     Count the leads decided from this instant (UTC unless it gives an offset).
                  Default: everything the ledger keeps.
  --until ISO     The report's end: leads decided before it, events up to it. Default: now.
  --json FILE     Also write the figures as JSON to FILE.
  --html FILE     Also write the report as one self-contained page (nothing loaded from the
                  network).
  -h, --help      Show this help.

Exit status: 0 ok, 1 the store failed or keeps no ledger, 2 usage errors.
`;

const COMMAND = 'report';

export async function reportCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, help } = parseCommandArgs(
    COMMAND,
    argv,
    { ...KEPT_STATE_OPTIONS, policy: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, json: { type: 'string' }, html: { type: 'string' } },
    [],
  );
  if (help) {
    write(io.stdout, REPORT_HELP);
    return EXIT_OK;
  }
  const since = parseNow(COMMAND, values.since, '--since');
  const until = parseNow(COMMAND, values.until, '--until') ?? new Date();
  if (since !== undefined && since.getTime() >= until.getTime()) throw usageError(COMMAND, `--since ${values.since} is not before the report's end`);
  const spec = keptStoreSpec(COMMAND, values, io);
  const figures = await withKeptStore(COMMAND, spec, (store) => ledgerReport(store, { since: since?.getTime(), until: until.getTime(), policy: values.policy }));
  if (values.json !== undefined) await writeJsonFile(COMMAND, values.json, figures);
  if (values.html !== undefined) await writeReportFile(COMMAND, '--html', values.html, reportPage(figures));
  write(io.stdout, reportText(figures, values.policy));
  return EXIT_OK;
}

/** The headline figures, the queues waiting now and the owners, for people. */
export function reportText(f: ReportFigures, policy: string | undefined): string {
  const period = f.period.since === null ? `up to ${f.period.until}` : `from ${f.period.since} to ${f.period.until}`;
  const lines = [`${f.leads} ${f.leads === 1 ? 'lead' : 'leads'} routed ${period}${policy === undefined ? '' : ` by policy ${policy}`}`, ''];
  lines.push(...alignRows(speedRows(f)));
  lines.push('', 'Waiting in queues now:');
  if (f.queues.now.length === 0) lines.push('  none');
  else lines.push(...alignRows(f.queues.now.map((q) => [q.queue, `${q.open} open`, `oldest ${duration(q.oldest)}`])));
  lines.push('', 'By owner (leads, worked within SLA, meeting booked, opportunity):');
  if (f.byOwner.length === 0) lines.push('  none');
  else lines.push(...alignRows(f.byOwner.map((g) => [g.name ?? '(never assigned)', String(g.leads), shareText(g.workedWithinSla), shareText(g.meetingBooked), shareText(g.opportunity)])));
  if (f.sales !== undefined) {
    lines.push('', 'Sales:', ...alignRows(salesRows(f.sales)));
    lines.push('', 'By buyer (offers, accept rate, declined, timed out, returns, revenue, time to answer):');
    lines.push(
      ...alignRows(
        f.sales.buyers.map((b) => [b.buyer, `${b.offers} offered`, `accepted ${shareText(b.acceptRate)}`, `declined ${b.declined}${b.declined === 0 ? '' : ` (${declinedText(b)})`}`, `timed out ${b.timedOut}`, `returned ${b.returns}`, money(b.revenue), answerTimesText(b.timeToAnswer)]),
      ),
    );
  }
  return lines.join('\n');
}
