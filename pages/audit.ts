// The pages of `leadroute audit` (the owners leads actually got against the policy's, and outcome
// rates by owner and by path) and `leadroute diff` (which leads change hands if a policy change
// goes live).

import type { AuditFigures, OutcomeGroup } from '../analysis/audit';
import type { DiffFigures } from '../analysis/diff';
import type { LeadProblems } from '../analysis/records';
import { barChart } from './charts';
import { formatNumber, html, leadCount, page, percent, section, table, tiles, type Child } from './html';

/** The rate cells of a group, one per outcome, marked when the group is too small to compare. */
function rates(group: OutcomeGroup, outcomes: readonly string[]): string[] {
  return outcomes.map((o) => `${percent(group.outcomes[o] ?? 0, group.leads)}${group.small ? ' *' : ''}`);
}

const SMALL_NOTE = '* fewer than 30 leads: too few to compare.';

/** Where the run kept fewer rows than it met, said in plain words. */
function cutNote(tables: readonly string[]): Child {
  return tables.length === 0 ? null : html`<p class="flag">Too many distinct values to keep them all in: ${tables.join(', ')}. The rest are counted in an "(others)" row.</p>`;
}

/** Leads that could not be read, or (replayed in time) had no time: routed to the fallback, and said so with the first problems. */
function problemNotes(problems: LeadProblems): Child[] {
  const note = (what: string, { leads, first }: LeadProblems['unreadable']): Child =>
    leads === 0 ? null : html`<p class="flag">${leadCount(leads)} ${what} and went to the fallback:</p><ul>${first.map((p) => html`<li>${p}</li>`)}</ul>`;
  return [note('could not be read', problems.unreadable), note('had no time to route at', problems.no_time)];
}

/** The audit's page, one self-contained HTML document. */
export function auditPage(figures: AuditFigures): string {
  const f = figures;
  const { same, different, no_owner } = f.agreement;
  const headline = tiles([
    { label: 'Leads in the export', value: formatNumber(f.leads) },
    { label: 'Owner as the policy says', value: percent(same, f.leads) },
    { label: 'Another owner', value: percent(different, f.leads), warn: different > same },
    { label: 'No owner in the export', value: percent(no_owner, f.leads) },
  ]);
  const agreement = section(
    'Agreement',
    'For each lead: the owner it actually got (the export) against the one the policy assigns.',
    barChart('Leads by agreement', [
      { label: 'same owner', value: same },
      { label: 'another owner', value: different, warn: true },
      { label: 'no owner', value: no_owner },
    ]),
    table('By rule', ['Rule', 'Leads', 'Same', 'Another', 'No owner', 'Agreement', ...f.outcomes], f.by_rule.map((r) => [r.line === null ? r.source : `line ${r.line}: ${r.source}`, r.leads, r.same, r.different, r.no_owner, percent(r.same, r.leads), ...rates(r, f.outcomes)])),
  );
  const moves = section(
    'Largest disagreements',
    'Who the leads went to, against who the policy would give them to, with the first example lines of the export.',
    barChart('Leads by disagreement', f.moves.slice(0, 15).map((m) => ({ label: `${m.from} → ${m.to}`, value: m.leads }))),
    table('Disagreements', ['Actual owner', 'Policy', 'Leads', 'Example lines'], f.moves.map((m) => [m.from, m.to, m.leads, m.examples.join(', ')])),
  );
  const owners = Object.entries(f.by_owner);
  const first = f.outcomes[0];
  const outcomes = section(
    'Outcomes',
    f.outcomes.length === 0 ? 'No outcome was asked for (--outcome COLUMN=VALUE).' : `Outcome rates by the owner leads actually got, and by the path the policy gives them. ${SMALL_NOTE}`,
    first === undefined ? null : barChart(`${first} by owner (%)`, owners.map(([name, g]) => ({ label: name, value: g.leads === 0 ? 0 : Math.round((100 * (g.outcomes[first] ?? 0)) / g.leads), warn: g.small })), 'Percent'),
    table('By actual owner', ['Owner', 'Leads', 'Same as policy', ...f.outcomes], [...owners, ['(no owner)', f.unowned] as [string, OutcomeGroup]].map(([name, g]) => [name, g.leads, g.same, ...rates(g, f.outcomes)])),
    table('By the policy’s path', ['Rule', 'Target', 'Leads', 'Same as policy', ...f.outcomes], f.by_path.map((p) => [p.rule === null ? 'no rule' : `rule ${p.rule + 1}`, p.target, p.leads, p.same, ...rates(p, f.outcomes)])),
  );
  return page(`Audit of policy ${f.policy.name}`, `${leadCount(f.leads)} · ${f.policy.hash}`, [headline, ...problemNotes(f), cutNote(f.cut), agreement, moves, outcomes]);
}

/** The diff's page, one self-contained HTML document. */
export function diffPage(figures: DiffFigures): string {
  const f = figures;
  const headline = tiles([
    { label: 'Leads routed by both', value: formatNumber(f.leads) },
    { label: 'Would change destination', value: formatNumber(f.changed) },
    { label: 'Share that changes', value: percent(f.changed, f.leads) },
  ]);
  const moves = section(
    'Where leads would go instead',
    `Each lead routed by ${f.old.name} (${f.old.hash}) and by ${f.new.name} (${f.new.hash}), each with a fresh state.`,
    f.moves.length === 0 ? html`<p>No lead changes destination.</p>` : barChart('Leads by move', f.moves.slice(0, 15).map((m) => ({ label: `${m.from} → ${m.to}`, value: m.leads }))),
    table('Moves', ['Now', 'After the change', 'Leads', 'Example lines'], f.moves.map((m) => [m.from, m.to, m.leads, m.examples.join(', ')])),
  );
  return page(`What changes if ${f.new.name} replaces ${f.old.name}`, `${formatNumber(f.changed)} of ${formatNumber(f.leads)} leads change destination`, [headline, ...problemNotes(f), cutNote(f.moves_cut ? ['moves'] : []), moves]);
}
