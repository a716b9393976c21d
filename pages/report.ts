// The page of `leadroute report`: live routing as a revenue lead reads it. The headline figures
// first (speed, SLA, reassignment, exceptions), then the queues, who got leads and how they did,
// the routing paths, duplicates, and the week-by-week trend.

import type { GroupFigures, ReportFigures, ReportSummary, Share, Spread } from '../analysis/report';
import type { AnswerTimes, BuyerSales, SalesFigures } from '../analysis/sales';
import { barChart } from './charts';
import { formatNumber, html, page, section, table, tiles, type Html } from './html';

/** The seeds' threshold: more than 5% of leads in exceptions means the routing inputs are too fragile. */
const EXCEPTION_ALARM = 5;

/** A duration (ms) in the unit a person would say it in. */
export function duration(ms: number | null): string {
  if (ms === null) return '–';
  const minutes = ms / 60_000;
  if (minutes < 1) return `${formatNumber(ms / 1000)} s`;
  if (minutes < 60) return `${formatNumber(minutes)} min`;
  if (minutes < 48 * 60) return `${formatNumber(minutes / 60)} h`;
  return `${formatNumber(minutes / 1440)} d`;
}

/** `42.5%`, or `–` of nothing. */
function percentText(share: Share | null): string {
  return share === null || share.percent === null ? '–' : `${formatNumber(share.percent)}%`;
}

/** `42.5% (17 of 40)`, or `–` of nothing. */
export function shareText(share: Share | null): string {
  if (share === null || share.percent === null) return '–';
  return `${percentText(share)} (${formatNumber(share.count)} of ${formatNumber(share.of)})`;
}

function spreadText(spread: Spread): string {
  return spread.count === 0 ? '–' : `${duration(spread.median)} median · ${duration(spread.p90)} p90`;
}

function groupTable(caption: string, first: string, none: string, groups: readonly GroupFigures[]): Html {
  return table(
    caption,
    [first, 'Leads', 'Worked within SLA', 'Meeting booked', 'Opportunity'],
    groups.map((g) => [g.name ?? none, g.leads, shareText(g.workedWithinSla), shareText(g.meetingBooked), shareText(g.opportunity)]),
  );
}

/** An amount of money (no currency: the ledger records bare prices), to the cent. */
export function money(n: number | null): string {
  return n === null ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** `12 s median · 20 s p75 · 26 s p90`, or `–` without answers. */
export function answerTimesText(t: AnswerTimes): string {
  return t.count === 0 ? '–' : `${duration(t.median)} median · ${duration(t.p75)} p75 · ${duration(t.p90)} p90`;
}

/** `over budget 2, no reason 1`: a buyer's declines by reason. */
export function declinedText(b: BuyerSales): string {
  return b.declinedBy.map((d) => `${d.reason ?? 'no reason'} ${formatNumber(d.count)}`).join(', ');
}

/** The ping tree's headline figures as [label, text] rows: the page's "Sales" table, and `leadroute report`'s text. */
export function salesRows(s: SalesFigures): [string, string][] {
  return [
    ['Leads for sale', formatNumber(s.leads)],
    ['Sold (not returned)', shareText(s.sold)],
    ['Revenue', money(s.revenue)],
    ['Revenue per lead', money(s.revenuePerLead)],
  ];
}

function salesSection(s: SalesFigures): Html {
  return section(
    'Sales',
    'Leads offered to buyers: a lead counts when a buyer answered for it, or when its rule is one buyers answered for. Returned sales are taken out of the sold leads and the revenue. Time to answer runs from the offer (the decision, or the reassignment that passed the lead on) to the buyer accepting or declining.',
    table('Sales', ['Figure', 'Value'], salesRows(s)),
    barChart('Revenue by buyer', s.buyers.map((b) => ({ label: b.buyer, value: b.revenue })), 'Revenue'),
    table(
      'Buyers',
      ['Buyer', 'Offers', 'Unanswered', 'Accepted', 'Accept rate', 'Declined', 'Declined by reason', 'Timed out', 'Returns', 'Revenue', 'Time to answer'],
      s.buyers.map((b) => [b.buyer, b.offers, b.unanswered, b.accepted, shareText(b.acceptRate), b.declined, declinedText(b), b.timedOut, b.returns, money(b.revenue), answerTimesText(b.timeToAnswer)]),
    ),
  );
}

/** The headline figures as [label, text] rows: the page's "Speed and service" table, and `leadroute report`'s text. */
export function speedRows(f: ReportSummary): [string, string][] {
  return [
    ['Time to assignment', spreadText(f.timeToAssignment)],
    ['Time to first touch', spreadText(f.timeToFirstTouch)],
    ['Assigned within 5 minutes', shareText(f.assignedWithin5m)],
    ['Worked within SLA', shareText(f.workedWithinSla)],
    ['Reassigned at least once', shareText(f.reassigned)],
    ['Exceptions', shareText(f.exceptions)],
  ];
}

/** The report's page, one self-contained HTML document. */
export function reportPage(figures: ReportFigures): string {
  const f = figures;
  const period = f.period.since === null ? `Everything routed up to ${f.period.until}` : `Routed from ${f.period.since} to ${f.period.until}`;
  const exceptionsHigh = (f.exceptions.percent ?? 0) > EXCEPTION_ALARM;
  const headline = tiles([
    { label: 'Leads routed', value: formatNumber(f.leads) },
    { label: 'Time to assignment (median)', value: duration(f.timeToAssignment.median) },
    { label: 'Time to first touch (median)', value: duration(f.timeToFirstTouch.median) },
    { label: 'Assigned within 5 minutes', value: percentText(f.assignedWithin5m) },
    { label: 'Worked within SLA', value: percentText(f.workedWithinSla) },
    { label: 'Reassigned', value: percentText(f.reassigned) },
    { label: 'Exceptions', value: percentText(f.exceptions), warn: exceptionsHigh },
  ]);
  const speed = table('Speed and service', ['Figure', 'Value'], speedRows(f));
  const alarm = exceptionsHigh ? html`<p class="flag">More than ${EXCEPTION_ALARM}% of leads ended as exceptions: the routing inputs are too fragile.</p>` : null;

  const queues = section(
    'Queues',
    'Leads waiting in a queue at the end of the period, and how long leads waited before someone took them.',
    f.queues.now.length === 0 ? html`<p>No lead is waiting in a queue.</p>` : barChart('Leads waiting now, by queue', f.queues.now.map((q) => ({ label: q.queue, value: q.open }))),
    table('Waiting now', ['Queue', 'Open', 'Waiting', 'Oldest'], f.queues.now.map((q) => [q.queue, q.open, spreadText(q.waiting), duration(q.oldest)])),
    table('Over the period', ['Queue', 'Entered', 'Taken out', 'Wait before taken'], f.queues.period.map((q) => [q.queue, q.entered, q.left, spreadText(q.wait)])),
  );

  const owners = section(
    'By owner',
    'Who holds the leads (the last person who held each), and how they did.',
    barChart('Leads by owner', f.byOwner.map((g) => ({ label: g.name ?? 'never assigned', value: g.leads, warn: g.name === null }))),
    groupTable('Owners', 'Owner', 'never assigned', f.byOwner),
  );
  const paths = section(
    'By routing path',
    'The rule and the pool that routed each lead: compare outcomes between paths.',
    groupTable('Rules', 'Rule', 'no rule', f.byRule),
    groupTable('Pools', 'Pool', 'no pool', f.byPool),
  );
  const duplicates = section(
    'Duplicates by source',
    'Leads that repeated an earlier lead, per source: a source with many may be sending the same people twice, or worse.',
    table('Duplicates', ['Source', 'Leads', 'Duplicates'], f.duplicates.map((d) => [d.source ?? 'unknown source', d.leads, d.duplicates])),
  );
  const trend =
    f.weeks.length === 0
      ? null
      : section(
          'Week by week',
          'Weeks start on Monday (UTC).',
          barChart('Leads per week', f.weeks.map((w) => ({ label: `week of ${w.week}`, value: w.leads }))),
          barChart('Worked within SLA per week (%)', f.weeks.map((w) => ({ label: `week of ${w.week}`, value: Math.round(w.workedWithinSla.percent ?? 0) })), 'Percent'),
          table('Weeks', ['Week', 'Leads', 'Time to assignment', 'Assigned within 5 min', 'Worked within SLA', 'Reassigned', 'Exceptions'], f.weeks.map((w) => [w.week, w.leads, spreadText(w.timeToAssignment), shareText(w.assignedWithin5m), shareText(w.workedWithinSla), shareText(w.reassigned), shareText(w.exceptions)])),
        );
  return page('Routing report', period, [headline, alarm, section('Speed and service', null, speed), f.sales === undefined ? null : salesSection(f.sales), queues, owners, paths, duplicates, trend]);
}
