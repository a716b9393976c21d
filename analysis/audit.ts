// `leadroute audit`: the owner each lead of a CRM export actually got against the one the policy
// assigns (routed with a fresh in-memory state), agreement overall and by rule, the largest
// disagreements, and outcome rates (`CONVERTED=Yes`) by actual owner and by the policy's path.
// Owners compare ignoring case and white space: `Mia Lopez`, `mia lopez` and `MiaLopez` are one.

import type { CompiledPolicy } from '../compiler/compile';
import type { Decision } from '../compiler/decision';
import { isBlank, normText } from '../core/values';
import { firstValue, type FieldSource } from '../fields/read';
import { BoundedTable, destinationOf, OTHERS, FreshRouting, lineOf, type LeadBatches, type LeadProblems, type ReadLead, type ReplayOptions } from './records';

/** A group with fewer leads than this is too small to compare: its rows carry `small: true`. */
export const SMALL_GROUP = 30;
/** Example lines kept per disagreement. */
export const AUDIT_EXAMPLES = 3;
/** Column names remembered for the suggestion when a named column is in no lead. */
const MAX_COLUMNS = 1000;

/** `--outcome COLUMN=VALUE`: a lead has the outcome when COLUMN holds VALUE (ignoring case and surrounding white space). */
export interface OutcomeSpec {
  column: string;
  value: string;
}

export interface AuditOptions extends ReplayOptions {
  /** The export's column holding the owner each lead actually got. */
  owner: string;
  outcomes: readonly OutcomeSpec[];
}

/** Leads of a group and how many of them had each outcome (by `COLUMN=VALUE`). */
export interface OutcomeGroup {
  leads: number;
  /** Leads whose actual owner is the one the policy assigns. */
  same: number;
  outcomes: Record<string, number>;
  /** Fewer than SMALL_GROUP leads: rates too noisy to compare. */
  small: boolean;
}

export interface AuditRule extends OutcomeGroup {
  /** The rule's index (LANGUAGE.md `rule.index`), null for leads no rule decided (a sticky owner, the fallback). */
  index: number | null;
  line: number | null;
  source: string;
  different: number;
  no_owner: number;
}

/** The path the policy gives a lead: its rule and the pool that served, or the destination when no pool did. */
export interface AuditPath extends OutcomeGroup {
  rule: number | null;
  pool: string | null;
  /** `pool NAME`, or `rep:NAME`, `queue:NAME`, `exception:QUEUE` when no pool served. */
  target: string;
}

export interface AuditMove {
  /** The owner in the export, as first written there. */
  from: string;
  /** The policy's: a member name, or `queue:NAME` / `exception:QUEUE` when it assigns nobody. */
  to: string;
  leads: number;
  /** The first leads that disagree so, by line (index in a JSON array), at most AUDIT_EXAMPLES. */
  examples: number[];
}

export interface AuditFigures extends LeadProblems {
  leads: number;
  agreement: { same: number; different: number; no_owner: number };
  /** Every rule of the policy in order (those no lead reached too), then the leads no rule decided. */
  by_rule: AuditRule[];
  /** By the owner in the export (as first written), most leads first; leads with no owner are `unowned`. */
  by_owner: Record<string, OutcomeGroup>;
  unowned: OutcomeGroup;
  by_path: AuditPath[];
  /** Disagreements, most leads first. */
  moves: AuditMove[];
  /** The outcomes asked for, as `COLUMN=VALUE`, in order. */
  outcomes: string[];
  /** Leads that had a value in each column named (the owner's and the outcomes'). */
  columns: Record<string, number>;
  /** Some of the columns the leads have, for a suggestion when a named column is in none. */
  columns_seen: string[];
  /** Tables that met more distinct keys than a run keeps; the rest is counted in an `(others)` row. */
  cut: string[];
  policy: { name: string; hash: string };
}

/** The owner as compared: lower case, no white space; null when blank. */
export function ownerKey(value: unknown): string | null {
  if (isBlank(value)) return null;
  const text = normText(value);
  return text === null ? null : text.replace(/\s+/g, '');
}

/** `CONVERTED=Yes`, as the figures name an outcome. */
export function outcomeLabel(spec: OutcomeSpec): string {
  return `${spec.column}=${spec.value}`;
}

interface Counts {
  leads: number;
  same: number;
  different: number;
  no_owner: number;
  outcomes: number[];
}

/** The audit's figures, fed one lead at a time. */
export class AuditTally {
  private readonly ownerSource: FieldSource[];
  private readonly outcomeSources: FieldSource[][];
  private readonly outcomeValues: (string | null)[];
  private readonly total: Counts;
  private readonly rules = new Map<number | null, Counts>();
  private readonly owners: BoundedTable<Counts & { name: string }>;
  private readonly unowned: Counts;
  private readonly paths: BoundedTable<Counts & { rule: number | null; pool: string | null; target: string }>;
  private readonly moves = new BoundedTable<AuditMove>(() => ({ from: OTHERS, to: OTHERS, leads: 0, examples: [] }));
  private readonly filled: number[];
  private readonly counts: () => Counts;
  private readonly seen = new Set<string>();

  constructor(
    private readonly policy: CompiledPolicy,
    private readonly options: AuditOptions,
  ) {
    const counts = (): Counts => ({ leads: 0, same: 0, different: 0, no_owner: 0, outcomes: options.outcomes.map(() => 0) });
    this.total = counts();
    this.unowned = counts();
    for (const rule of policy.ir.rules) this.rules.set(rule.index, counts());
    this.counts = counts;
    this.owners = new BoundedTable(() => ({ ...counts(), name: OTHERS }));
    this.paths = new BoundedTable(() => ({ ...counts(), rule: null, pool: null, target: OTHERS }));
    this.ownerSource = sourcesOf(options.owner);
    this.outcomeSources = options.outcomes.map((o) => sourcesOf(o.column));
    this.outcomeValues = options.outcomes.map((o) => normText(o.value));
    this.filled = [options.owner, ...options.outcomes.map((o) => o.column)].map(() => 0);
  }

  add(record: ReadLead, decision: Decision): void {
    const lead = record.lead;
    if (lead !== null && typeof lead === 'object' && this.seen.size < MAX_COLUMNS) for (const key of Object.keys(lead)) if (this.seen.size < MAX_COLUMNS) this.seen.add(key);
    const actual = firstValue(lead, this.ownerSource).raw;
    const actualKey = ownerKey(actual);
    const policyKey = decision.status === 'assigned' ? ownerKey(decision.assignee) : null;
    const agreement = actualKey === null ? 'no_owner' : actualKey === policyKey ? 'same' : 'different';
    const had = this.outcomeSources.map((sources, i) => {
      const raw = firstValue(lead, sources).raw;
      if (!isBlank(raw)) this.filled[i + 1]++;
      return !isBlank(raw) && normText(raw) === this.outcomeValues[i];
    });
    if (actualKey !== null) this.filled[0]++;

    const groups: Counts[] = [this.total, this.ruleCounts(decision), this.pathCounts(decision)];
    if (actualKey === null) groups.push(this.unowned);
    else {
      groups.push(this.owners.row(actualKey, () => ({ ...this.counts(), name: String(actual).trim() })));
    }
    for (const group of groups) {
      group.leads++;
      group[agreement]++;
      had.forEach((yes, i) => {
        if (yes) group.outcomes[i]++;
      });
    }
    if (agreement === 'different') {
      const to = decision.status === 'assigned' ? (decision.assignee ?? '') : destinationOf(decision);
      const move = this.moves.row(JSON.stringify([actualKey, ownerKey(to) ?? to]), () => ({ from: String(actual).trim(), to, leads: 0, examples: [] }));
      move.leads++;
      if (move.examples.length < AUDIT_EXAMPLES) move.examples.push(lineOf(record.where));
    }
  }

  private ruleCounts(decision: Decision): Counts {
    const index = decision.rule?.index ?? null;
    let counts = this.rules.get(index);
    if (counts === undefined) this.rules.set(index, (counts = this.counts()));
    return counts;
  }

  private pathCounts(decision: Decision): Counts {
    const rule = decision.rule?.index ?? null;
    const target = decision.pool !== null && decision.status === 'assigned' ? `pool ${decision.pool}` : destinationOf(decision);
    const pool = target.startsWith('pool ') ? decision.pool : null;
    return this.paths.row(JSON.stringify([rule, target]), () => ({ ...this.counts(), rule, pool, target }));
  }

  result(problems: LeadProblems): AuditFigures {
    const labels = this.options.outcomes.map(outcomeLabel);
    const group = (c: Counts): OutcomeGroup => ({
      leads: c.leads,
      same: c.same,
      outcomes: Object.fromEntries(labels.map((label, i) => [label, c.outcomes[i]])) as Record<string, number>,
      small: c.leads < SMALL_GROUP,
    });
    const rulesByIndex = new Map(this.policy.ir.rules.map((r) => [r.index, r]));
    const byRule = [...this.rules].map(([index, c]): AuditRule => {
      const rule = index === null ? undefined : rulesByIndex.get(index);
      return { index, line: rule?.line ?? null, source: rule?.source ?? 'no rule: a sticky owner, or the fallback', different: c.different, no_owner: c.no_owner, ...group(c) };
    });
    const byLeads = <T extends { leads: number }>(rows: T[], name: (row: T) => string): T[] => rows.sort((a, b) => b.leads - a.leads || compare(name(a), name(b)));
    const owners = byLeads([...this.owners.rows.values()], (o) => o.name);
    const paths = byLeads([...this.paths.rows.values()], (p) => p.target);
    const columns = [this.options.owner, ...this.options.outcomes.map((o) => o.column)];
    const cut = [this.owners.cut ? 'by_owner' : '', this.paths.cut ? 'by_path' : '', this.moves.cut ? 'moves' : ''].filter((t) => t !== '');
    return {
      leads: this.total.leads,
      agreement: { same: this.total.same, different: this.total.different, no_owner: this.total.no_owner },
      by_rule: byRule.filter((r) => r.index !== null || r.leads > 0),
      by_owner: Object.fromEntries(owners.map((o) => [o.name, group(o)])) as Record<string, OutcomeGroup>,
      unowned: group(this.unowned),
      by_path: paths.map((p) => ({ rule: p.rule, pool: p.pool, target: p.target, ...group(p) })),
      moves: byLeads([...this.moves.rows.values()], (m) => m.from),
      outcomes: labels,
      columns: Object.fromEntries(columns.map((c, i) => [c, this.filled[i]])) as Record<string, number>,
      columns_seen: [...this.seen],
      cut,
      policy: { name: this.policy.name, hash: this.policy.hash },
      ...problems,
    };
  }
}

/** A column named on the command line: the key exactly as written, else a dotted path (CSV's dotted headers nest). */
function sourcesOf(column: string): FieldSource[] {
  return [{ name: column, segments: column.split('.'), exact: true }];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Routes every lead of the export with the policy (a fresh in-memory state) and compares the owners. */
export async function auditExport(policy: CompiledPolicy, batches: LeadBatches, options: AuditOptions): Promise<AuditFigures> {
  const routing = new FreshRouting(policy, options);
  const tally = new AuditTally(policy, options);
  try {
    for await (const batch of batches as AsyncIterable<readonly ReadLead[]>) {
      const decisions = await routing.route(batch);
      batch.forEach((r, i) => tally.add(r, decisions[i]));
    }
  } finally {
    await routing.close();
  }
  return tally.result(routing.problems);
}
