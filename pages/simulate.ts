// The page of `leadroute simulate`: what a policy would do with an export, drawn for a revenue
// lead: headline rates, the distribution by person, pool and queue, exceptions with the ones over
// the threshold marked, the filter analyzer as a funnel, fairness within pools, coverage, fields,
// the SLA mix, arrivals per hour of the week against the pools' hours, and the policy drawn with
// the leads on each path.

import { EXCEPTION_FLAG, pathText, type SimulatedBuyer, type SimulateFigures } from '../analysis/simulate';
import type { PolicyIR } from '../compiler/ir';
import { barChart, funnel, weekHourGrid, type Bar } from './charts';
import { formatNumber, html, leadCount, page, percent, section, table, tiles, type Child } from './html';
import { drawPolicy } from './policy-graph';

const bars = (counts: Record<string, number>): Bar[] => Object.entries(counts).map(([label, value]) => ({ label, value }));

/** `#1 3 · #3 2`: the leads a buyer stood at each place of the cascade (places it never held left out). */
export function ranksText(b: SimulatedBuyer): string {
  return b.ranks.flatMap((leads, i) => (leads === 0 ? [] : [`#${i + 1} ${formatNumber(leads)}`])).join(' · ');
}

/** `below floor 30 4; when state in [CA] 2`: a buyer's leads lost by filter. */
export function lossesText(b: SimulatedBuyer): string {
  return b.losses.map((l) => `${l.filter} ${formatNumber(l.leads)}`).join('; ');
}

/** The simulation's page, one self-contained HTML document; `ir` is the policy simulated, drawn with the leads on its paths. */
export function simulatePage(f: SimulateFigures, ir: PolicyIR): string {
  const n = f.leads;
  const threshold = `${EXCEPTION_FLAG * 100}%`;
  const headline = tiles([
    { label: 'Leads simulated', value: formatNumber(n) },
    { label: 'Assigned to a person', value: percent(f.outcomes.assigned, n) },
    { label: 'Queued', value: percent(f.outcomes.queued, n) },
    { label: 'Exceptions (fallback)', value: percent(f.outcomes.exception, n), warn: f.exception_flagged },
  ]);
  const flagged = new Set(f.flagged.map((x) => x.reason));
  const problems: Child[] = [
    f.exception_flagged ? html`<p class="flag">More than ${threshold} of leads end as exceptions: the routing inputs are too fragile.</p>` : null,
    f.unreadable.leads === 0 ? null : html`<p class="flag">${leadCount(f.unreadable.leads)} could not be read and went to the fallback.</p>`,
    f.no_time.leads === 0 ? null : html`<p class="flag">${leadCount(f.no_time.leads)} had no time to route at and went to the fallback.</p>`,
    f.cut.length === 0 ? null : html`<p class="flag">Too many distinct values to keep them all in: ${f.cut.join(', ')}. The rest are counted in an "(others)" row.</p>`,
  ];
  const distribution = section(
    'Where leads go',
    'Leads by the person they were assigned to, the pool they were drawn from, and the queue they were put in.',
    barChart('Leads by person', bars(f.by_assignee).slice(0, 30)),
    barChart('Leads by pool', bars(f.by_pool).map((b) => ({ ...b, warn: b.value === 0 }))),
    Object.keys(f.by_queue).length === 0 ? null : barChart('Leads by queue', bars(f.by_queue)),
  );
  const exceptions = section(
    'Exceptions',
    `Leads that no rule or pool could place, by reason. Reasons above ${threshold} of the leads are marked.`,
    Object.keys(f.exceptions).length === 0 ? html`<p>None.</p>` : barChart('Exceptions by reason', bars(f.exceptions).map((b) => ({ ...b, warn: flagged.has(b.label) }))),
  );
  const rules = section(
    'The filter analyzer',
    'Rules are tried top to bottom: each step is the leads that reached a rule; beside it, how many it took and the condition that most often failed for the rest.',
    funnel(
      'Leads reaching each rule',
      f.by_rule.map((r) => ({ label: `line ${r.line}: ${r.source}`, value: r.reached, note: `took ${formatNumber(r.taken)}${r.failed.length > 0 ? `; most failed: ${r.failed[0].condition} (${formatNumber(r.failed[0].leads)})` : ''}` })),
    ),
    table(
      'Conditions that failed, by rule',
      ['Rule', 'Condition', 'Leads'],
      f.by_rule.flatMap((r) => r.failed.map((c) => [`line ${r.line}`, c.condition, c.leads])),
    ),
  );
  const fairness = section(
    'Fairness within pools',
    'Leads each member got against what the weights ask for, and how often each was skipped, why, and when in the period.',
    f.fairness
      .filter((p) => p.leads > 0 || p.members.some((m) => Object.keys(m.skipped).length > 0))
      .map((p) => [
        barChart(`Pool ${p.pool}: most − fewest ${formatNumber(p.spread)} (weights ask ${formatNumber(p.expected_spread)})`, p.members.map((m) => ({ label: m.name, value: m.leads, warn: m.leads < m.expected / 2 }))),
        table(
          `Pool ${p.pool}`,
          ['Member', 'Weight', 'Leads', 'Weights ask', 'Skipped'],
          p.members.map((m) => [m.name, m.weight, m.leads, m.expected, Object.entries(m.skipped).map(([why, s]) => `${why} ${formatNumber(s.leads)} (${s.first.slice(0, 16)} to ${s.last.slice(0, 16)})`).join('; ')]),
        ),
      ]),
  );
  const buyers =
    f.buyers.length === 0
      ? null
      : section(
          'Buyers (by bid)',
          'For the leads routed by bid: how often each buyer was offered the lead, the places it held in the cascade (#1 is the highest bid), and the leads its filters, caps and the floor cost it.',
          barChart('Offers by buyer', f.buyers.map((b) => ({ label: b.buyer, value: b.offers }))),
          table('Buyers', ['Buyer', 'Offers', 'Places in the cascade', 'Lost to filters'], f.buyers.map((b) => [b.buyer, b.offers, ranksText(b), lossesText(b)])),
        );
  const coverage = section(
    'Coverage',
    'Values that fell through to a wildcard pool, or that no pool matched (those leads went to the fallback), and pools that received nothing.',
    table('Fell through to a wildcard pool', ['Pool', 'Values', 'Leads'], f.coverage.wildcard.map((w) => [w.pool, pathText(w.path), w.leads])),
    table('No pool matched', ['Values', 'Leads'], f.coverage.fallback.map((w) => [pathText(w.path), w.leads])),
    f.coverage.empty_pools.length === 0 ? null : html`<p class="flag">Pools that received nothing: ${f.coverage.empty_pools.join(', ')}.</p>`,
  );
  const fields = section(
    'Fields the policy reads',
    'Leads with each field blank or unreadable as its type, the problems read, and the rules those leads went to.',
    table(
      'Fields',
      ['Field', 'Blank', 'Unreadable', 'Problems', 'Went to'],
      Object.entries(f.fields).map(([name, x]) => [
        name,
        x.blank,
        x.unreadable,
        x.problems.map((p) => `${p.problem} ${formatNumber(p.leads)} (e.g. ${p.examples[0]})`).join('; '),
        x.to_rules.map((r) => `${r.rule === null ? 'no rule' : `rule ${r.rule}`}: ${formatNumber(r.leads)}`).join(', '),
      ]),
    ),
  );
  const sla = section(
    'SLA mix and arrivals',
    `Leads per SLA and priority, and arrivals per hour of the week (${f.arrivals.zone})${f.arrivals.open === null ? '' : ', outlined where a pool with hours is open'}.`,
    barChart('Leads by SLA and priority', f.sla.map((s) => ({ label: `${s.sla}, ${s.priority}`, value: s.leads }))),
    weekHourGrid('Arrivals per hour of the week', f.arrivals.counts, f.arrivals.open),
  );
  const drawing = section('The policy, with the leads on each path', 'Rules, their targets, pools and the people and queues leads end with; the number on each edge is the leads that took it.', drawPolicy(ir, f.paths));
  const period = f.period.first === null ? 'no leads' : `${f.period.first.slice(0, 16)} to ${(f.period.last ?? '').slice(0, 16)} UTC`;
  return page(`Simulation of policy ${f.policy.name}`, `${leadCount(n)} · ${period} · ${f.policy.hash}`, [headline, problems, distribution, exceptions, rules, fairness, buyers, coverage, fields, sla, drawing]);
}
