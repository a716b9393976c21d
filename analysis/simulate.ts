// `leadroute simulate`: what a policy would do with an export before it goes live. Every lead is
// routed through the front door (routeMany, with its trace) in a state that starts empty, and the
// figures are counters fed one decision at a time: outcomes, leads by rule, person, pool and
// queue, the filter analyzer (where leads fall out of each rule and why members were skipped),
// fairness within pools, coverage, blank and unreadable fields, the SLA mix and arrivals per hour
// of the week. Memory is bounded by the policy and the BoundedTables, not by the export.

import { DateTime } from 'luxon';
import { CalendarClock } from '../compiler/calendar';
import type { CompiledPolicy } from '../compiler/compile';
import type { Decision, TraceEntry } from '../compiler/decision';
import type { CalendarIR, PolicyIR } from '../compiler/ir';
import { isBlank, readPath } from '../core/values';
import { NO_TIME } from '../routing/replay';
import { BoundedTable, destinationOf, FreshRouting, lineOf, OTHERS, type LeadBatches, type LeadProblems, type ReadLead, type ReplayOptions } from './records';

/** An exception reason is flagged when it takes more than this share of the leads (the seeds' 5%). */
export const EXCEPTION_FLAG = 0.05;
/** Example lines kept per exception reason, per field problem. */
export const SIMULATE_EXAMPLES = 3;

/** Why a pool member was passed over, in the words of the report. */
export type SkipReason = 'capped' | 'outside hours' | 'holiday' | 'away' | 'member filter' | 'below floor';

export interface RuleFigures {
  index: number;
  line: number;
  source: string;
  /** Leads whose rules were tried as far as this one. */
  reached: number;
  /** Leads this rule held for (whatever then became of them). */
  taken: number;
  /** For the leads it did not take: each condition that failed, with how many leads, most first. */
  failed: { condition: string; leads: number }[];
}

export interface SkipFigures {
  leads: number;
  /** When it first and last happened (ISO 8601, UTC): when in the period the member was skipped. */
  first: string;
  last: string;
}

export interface MemberFigures {
  name: string;
  weight: number;
  /** Leads this member got from the pool. */
  leads: number;
  /** What the weights ask for: the pool's leads times this member's share of the weights. */
  expected: number;
  skipped: Partial<Record<SkipReason, SkipFigures>>;
}

export interface PoolFairness {
  pool: string;
  leads: number;
  /** Most minus fewest leads among the members. */
  spread: number;
  /** The spread the weights ask for (0 when all weigh the same). */
  expected_spread: number;
  members: MemberFigures[];
}

export interface FieldFigures {
  blank: number;
  unreadable: number;
  /** The typed-reading warnings, by problem (`not a number`), with the first examples (`line 7: "abc"`). */
  problems: { problem: string; leads: number; examples: string[] }[];
  /** Where the leads with this field blank or unreadable went: the rule that took them (null: none). */
  to_rules: { rule: number | null; leads: number }[];
}

/** A buyer of the `by_bid` decisions (a ping tree): how often it was offered the lead, where it stood in the cascade, and the filters that cost it leads. */
export interface SimulatedBuyer {
  buyer: string;
  /** Leads offered to it: first in the cascade, or a `multi_sell` co-buyer. */
  offers: number;
  /** `ranks[i]`: leads where it stood at place i + 1 of the cascade (the buyers offered the lead, then the candidates), by bid. */
  ranks: number[];
  /** Leads it was passed over for, by filter (`below floor 30`, `when state in [CA, TX]`, `at cap 200/day`, ...), most first. */
  losses: { filter: string; leads: number }[];
}

/** With the leads that could not be read, and (with `at`) those without a time: each went to the fallback. */
export interface SimulateFigures extends LeadProblems {
  leads: number;
  outcomes: { assigned: number; queued: number; exception: number };
  by_rule: RuleFigures[];
  /** Leads that no rule took (a sticky owner, or no rule held). */
  no_rule: number;
  by_assignee: Record<string, number>;
  by_pool: Record<string, number>;
  by_queue: Record<string, number>;
  /** Exceptions by reason (a lead without a time, or unreadable, counted under one reason each). */
  exceptions: Record<string, number>;
  /** The reasons above EXCEPTION_FLAG of the leads, with their share and first lines; `total` when all exceptions together are. */
  flagged: { reason: string; leads: number; share: number; examples: number[] }[];
  exception_rate: number;
  exception_flagged: boolean;
  fairness: PoolFairness[];
  /** The buyers of `by_bid` decisions, most offers first; empty when no lead was routed by bid. */
  buyers: SimulatedBuyer[];
  coverage: {
    /** Leads of a `by` target that fell through to a wildcard pool, by the path they had. */
    wildcard: { pool: string; path: Record<string, string | null>; leads: number }[];
    /** Leads of a `by` target that found no pool and went to the fallback, by path. */
    fallback: { path: Record<string, string | null>; leads: number }[];
    /** Declared pools that received no lead. */
    empty_pools: string[];
  };
  fields: Record<string, FieldFigures>;
  /** Leads per SLA (`5m`, `1d business`, `none`) and priority. */
  sla: { sla: string; priority: string; leads: number }[];
  /** Arrivals per hour of the week in `zone`: `counts[d][h]`, d from 0 (Monday), h 0-23; `open[d][h]` when any pool with hours is open then. */
  arrivals: { zone: string; counts: number[][]; open: boolean[][] | null };
  /** The path each share of leads took (rule, target, pool, end), for the policy drawing. */
  paths: { rule: number | null; target: number | null; pool: string | null; end: string; leads: number }[];
  /** The first and last routing instants (ISO 8601), null without leads. */
  period: { first: string | null; last: string | null };
  policy: { name: string; hash: string };
  /** The tables that met more distinct keys than a run keeps (their rest is in an `(others)` row). */
  cut: string[];
}

type Count = { n: number };
const countRow = (): Count => ({ n: 0 });

/** How a skip's words (`at cap 40/day`, `outside hours ...`) read in the report. */
function skipReason(why: string): SkipReason {
  if (why.startsWith('at cap')) return 'capped';
  if (why.startsWith('away')) return 'away';
  if (why.startsWith('outside hours')) return 'outside hours';
  if (why.startsWith('holiday')) return 'holiday';
  if (why.startsWith('bid ')) return 'below floor';
  return 'member filter';
}

/**
 * The filter a by_bid skip names, without what belongs to one lead: a live bid (`bid 20 below
 * floor 30`), a holiday's date, an absence's end. Other reasons name their filter as they are.
 */
function filterOf(why: string): string {
  const when = /^takes only leads where `(.*)`$/s.exec(why);
  if (when !== null) return `when ${when[1]}`;
  const floor = /^bid .* (below floor .*)$/.exec(why);
  if (floor !== null) return floor[1];
  if (why.startsWith('holiday')) return 'holiday';
  if (why.startsWith('away')) return 'away';
  return why;
}

/** The exception reason of a lead that could not be read (its own reason names its line). */
export const UNREADABLE_REASON = 'lead could not be read';

/** Exception reasons that carry a lead's own line or value are counted under their general words. */
function reasonKey(lead: unknown, reason: string): string {
  if (lead === null) return UNREADABLE_REASON;
  if (reason.startsWith(NO_TIME)) return NO_TIME.slice(0, -2);
  return reason;
}

/** The simulation's figures, fed one decision (with its trace) at a time. */
export class SimulateTally {
  private leads = 0;
  private readonly outcomes = { assigned: 0, queued: 0, exception: 0 };
  private readonly rules: { reached: number; taken: number; failed: Map<string, number> }[];
  private noRule = 0;
  private readonly assignees = new BoundedTable<Count>(countRow);
  private readonly pools = new Map<string, Map<string, number>>();
  private readonly queues = new BoundedTable<Count>(countRow);
  private readonly exceptions = new BoundedTable<{ n: number; examples: number[] }>(() => ({ n: 0, examples: [] }));
  private readonly skips = new Map<string, Map<string, Map<SkipReason, { leads: number; first: number; last: number }>>>();
  private readonly wildcard = new BoundedTable<{ pool: string; path: Record<string, string | null>; n: number }>(() => ({ pool: OTHERS, path: {}, n: 0 }));
  private readonly fallback = new BoundedTable<{ path: Record<string, string | null>; n: number }>(() => ({ path: {}, n: 0 }));
  private readonly fields = new Map<string, { blank: number; unreadable: number; problems: BoundedTable<{ n: number; examples: string[] }>; rules: Map<number | null, number> }>();
  private readonly sla = new Map<string, number>();
  private readonly arrivals = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  private readonly paths = new Map<string, SimulateFigures['paths'][number]>();
  /** Keyed by member names of the policy (skips and cascades name nothing else): bounded by the policy. */
  private readonly buyers = new Map<string, { offers: number; ranks: number[]; losses: Map<string, number> }>();
  /** The last decision's `routed_at`, read: leads routed at one `now` all share it. */
  private routedAt = '';
  private routedMs = Number.NaN;
  /** Skips counted for the lead under way (once per member and reason), and its fields blank or unreadable: cleared per lead. */
  private readonly skipped = new Set<string>();
  private readonly missing = new Set<string>();
  private first = Number.POSITIVE_INFINITY;
  private last = Number.NEGATIVE_INFINITY;
  /** The hour of the week of the last 15-minute slot seen: leads in time order mostly share it, and luxon is dear. */
  private slot = Number.NaN;
  private slotCell = 0;
  /** Fields read: a declared one by its trace entry, an undeclared path from the lead. */
  private readonly declared: ReadonlySet<string>;
  private readonly undeclared: { name: string; segments: readonly string[] }[];
  private readonly poolsByName: Map<string, PolicyIR['pools'][number]>;

  constructor(
    private readonly ir: PolicyIR,
    private readonly zone = 'UTC',
  ) {
    this.rules = ir.rules.map(() => ({ reached: 0, taken: 0, failed: new Map() }));
    this.declared = new Set((ir.fields ?? []).map((f) => f.name));
    this.undeclared = ir.paths.map((segments) => ({ name: segments.join('.'), segments })).filter((p) => !this.declared.has(p.name));
    for (const name of [...this.declared, ...this.undeclared.map((p) => p.name)]) this.fields.set(name, { blank: 0, unreadable: 0, problems: new BoundedTable(() => ({ n: 0, examples: [] })), rules: new Map() });
    this.poolsByName = new Map(ir.pools.map((p) => [p.name, p]));
    for (const pool of ir.pools) this.pools.set(pool.name, new Map(pool.members.map((m) => [m.name, 0])));
  }

  /** One lead's decision; `where` is its place in the export (`line 17`), `lead` it as read (null when unreadable). */
  add(where: string, lead: unknown, d: Decision): void {
    this.leads++;
    this.outcomes[d.status]++;
    if (d.routed_at !== this.routedAt) {
      this.routedAt = d.routed_at;
      this.routedMs = Date.parse(d.routed_at);
    }
    const at = this.routedMs;
    this.first = Math.min(this.first, at);
    this.last = Math.max(this.last, at);
    this.arrive(at);
    if (d.rule === null) this.noRule++;
    if (d.status === 'assigned') {
      this.assignees.row(d.assignee ?? '', countRow).n++;
      const members = d.pool === null ? undefined : this.pools.get(d.pool);
      if (members !== undefined) members.set(d.assignee ?? '', (members.get(d.assignee ?? '') ?? 0) + 1);
    } else if (d.status === 'queued') {
      this.queues.row(d.queue ?? '', countRow).n++;
    } else {
      const row = this.exceptions.row(reasonKey(lead, d.reason ?? ''), () => ({ n: 0, examples: [] }));
      row.n++;
      if (row.examples.length < SIMULATE_EXAMPLES) row.examples.push(lineOf(where));
    }
    const sla = `${d.sla === null ? 'none' : `${d.sla.duration}${d.sla.business ? ' business' : ''}`}\u0000${d.priority}`;
    this.sla.set(sla, (this.sla.get(sla) ?? 0) + 1);
    this.coverage(d);
    this.path(d);
    // Only by_bid decisions carry the filter log.
    if (d.skipped !== undefined) this.bids(d, d.skipped);
    this.trace(d.trace ?? [], at);
    this.readFields(where, lead, d);
  }

  private arrive(at: number): void {
    const slot = Math.floor(at / 900_000);
    if (slot !== this.slot) {
      const t = DateTime.fromMillis(at, { zone: this.zone });
      this.slot = slot;
      this.slotCell = (t.weekday - 1) * 24 + t.hour;
    }
    this.arrivals[Math.floor(this.slotCell / 24)][this.slotCell % 24]++;
  }

  /** The rules tried, the conditions that failed, and members skipped, from the decision's trace. */
  private trace(trace: readonly TraceEntry[], at: number): void {
    let rule = -1;
    let taken = false;
    let pool: string | null = null;
    const skipped = this.skipped;
    skipped.clear();
    for (const e of trace) {
      switch (e.step) {
        case 'rule':
          // Rules are tried from the first, so the n-th rule entry is rule n.
          rule++;
          taken = e.result === true;
          this.rules[rule].reached++;
          if (taken) this.rules[rule].taken++;
          break;
        case 'condition': {
          // Only the rules that did not take the lead say why; a test of `a or b` may fail in one that did.
          if (rule < 0 || taken) break;
          // A test inside `not` fails its rule when it holds.
          const fails = e.negated === true ? e.result === true : e.result === false;
          const failed = this.rules[rule].failed;
          if (fails) failed.set(e.source, (failed.get(e.source) ?? 0) + 1);
          break;
        }
        case 'pool':
          if (typeof e.result === 'boolean' && e.note?.startsWith('no one available') !== true) pool = e.source;
          else this.settleSkips(e.source, e.note ?? '', at, skipped);
          break;
        case 'member':
          if (e.result === false && pool !== null) this.skip(pool, e.source, skipReason((e.note ?? '').replace(/^left out: /, '')), at, skipped);
          break;
      }
    }
  }

  /** A settled pool's note names the members away or at cap (`bob: at cap 40/day`); decide's skips were counted from member entries. */
  private settleSkips(poolName: string, note: string, at: number, skipped: Set<string>): void {
    const pool = this.poolsByName.get(poolName);
    if (pool === undefined) return;
    for (const m of pool.members) {
      if (note.includes(`${m.name}: at cap`)) this.skip(poolName, m.name, 'capped', at, skipped);
      else if (note.includes(`${m.name}: away`)) this.skip(poolName, m.name, 'away', at, skipped);
    }
  }

  /** Counts a skip once per lead, member and reason. */
  private skip(pool: string, member: string, reason: SkipReason, at: number, skipped: Set<string>): void {
    const once = JSON.stringify([pool, member, reason]);
    if (skipped.has(once) || !this.poolsByName.has(pool)) return;
    skipped.add(once);
    let members = this.skips.get(pool);
    if (members === undefined) this.skips.set(pool, (members = new Map()));
    let reasons = members.get(member);
    if (reasons === undefined) members.set(member, (reasons = new Map()));
    const row = reasons.get(reason);
    if (row === undefined) reasons.set(reason, { leads: 1, first: at, last: at });
    else {
      row.leads++;
      row.first = Math.min(row.first, at);
      row.last = Math.max(row.last, at);
    }
  }

  /** A by_bid decision's offers, cascade places and filter losses. */
  private bids(d: Decision, skipped: readonly { name: string; why: string }[]): void {
    const buyer = (name: string) => {
      let row = this.buyers.get(name);
      if (row === undefined) this.buyers.set(name, (row = { offers: 0, ranks: [], losses: new Map() }));
      return row;
    };
    const offered = d.assignees ?? [];
    for (const name of offered) buyer(name).offers++;
    [...offered, ...d.candidates].forEach((name, i) => {
      const ranks = buyer(name).ranks;
      while (ranks.length <= i) ranks.push(0);
      ranks[i]++;
    });
    // A buyer skipped twice for one lead (in two by_bid targets) for one filter loses one lead to it.
    for (const key of new Set(skipped.map((x) => JSON.stringify([x.name, filterOf(x.why)])))) {
      const [name, filter] = JSON.parse(key) as [string, string];
      const losses = buyer(name).losses;
      losses.set(filter, (losses.get(filter) ?? 0) + 1);
    }
  }

  /** A `by` lead that fell to a wildcard pool, or found none. */
  private coverage(d: Decision): void {
    if (d.pool !== null && d.pool.includes('*')) {
      const pool = d.pool;
      this.wildcard.row(JSON.stringify([pool, d.path]), () => ({ pool, path: d.path, n: 0 })).n++;
      return;
    }
    if (d.status !== 'exception') return;
    // A `by` target that named no pool says so in the trace, with the path it looked for.
    const unmatched = d.trace?.find((e) => e.step === 'target' && e.result === false && e.values !== undefined)?.values as Record<string, string | null> | undefined;
    if (unmatched !== undefined) this.fallback.row(JSON.stringify(unmatched), () => ({ path: unmatched, n: 0 })).n++;
  }

  /** The rule, target, pool and end of the lead's path, for the policy drawing. */
  private path(d: Decision): void {
    const end = destinationOf(d);
    const rule = d.rule === null ? null : d.rule.index;
    const target = rule === null ? null : this.targetOf(rule, d);
    const key = JSON.stringify([rule, target, d.pool, end]);
    const row = this.paths.get(key);
    if (row !== undefined) row.leads++;
    // Ends are the policy's people and queues, save an owner target's people: those are drawn as one node.
    else if (this.paths.size < 10_000) this.paths.set(key, { rule, target, pool: d.pool, end, leads: 1 });
  }

  /** Which of the rule's targets the decision came from: the first that can end where it did. */
  private targetOf(rule: number, d: Decision): number | null {
    const targets = this.ir.rules[rule]?.targets ?? [];
    const index = targets.findIndex((t) => {
      switch (t.kind) {
        case 'queue':
          return d.status === 'queued' && d.queue === t.name;
        case 'rep':
          return d.status === 'assigned' && d.pool === null && d.assignee === t.name;
        case 'owner':
          return d.status === 'assigned' && d.pool === null;
        case 'pool':
          return d.pool === this.ir.pools[t.pool].name;
        case 'by':
          return d.pool !== null;
      }
    });
    return index < 0 ? null : index;
  }

  /** Blank and unreadable fields, and the rule those leads went to. */
  private readFields(where: string, lead: unknown, d: Decision): void {
    if (lead === null) return;
    const missing = this.missing;
    missing.clear();
    for (const e of d.trace ?? []) {
      if (e.step !== 'field') continue;
      const f = this.fields.get(e.source);
      if (f === undefined) continue;
      if (e.result === null) f.blank++;
      else if (e.result === false) f.unreadable++;
      else continue;
      missing.add(e.source);
    }
    for (const p of this.undeclared) {
      if (!isBlank(readPath(lead, p.segments))) continue;
      (this.fields.get(p.name) as { blank: number }).blank++;
      missing.add(p.name);
    }
    for (const w of d.warnings) {
      const f = this.fields.get(w.field);
      if (f === undefined) continue;
      const row = f.problems.row(w.problem, () => ({ n: 0, examples: [] }));
      row.n++;
      if (row.examples.length < SIMULATE_EXAMPLES) row.examples.push(`${where}: ${JSON.stringify(w.value)}`);
    }
    const rule = d.rule === null ? null : d.rule.index;
    for (const name of missing) {
      const rules = (this.fields.get(name) as { rules: Map<number | null, number> }).rules;
      rules.set(rule, (rules.get(rule) ?? 0) + 1);
    }
  }

  result(policy: CompiledPolicy, problems: LeadProblems): SimulateFigures {
    const ir = this.ir;
    const byLeads = <T extends { leads: number }>(rows: T[]): T[] => rows.sort((a, b) => b.leads - a.leads);
    const counted = (table: BoundedTable<Count>) => Object.fromEntries(byLeads([...table.rows].map(([k, r]) => ({ k, leads: r.n }))).map((r) => [r.k, r.leads]));
    const exceptions = byLeads([...this.exceptions.rows].map(([reason, r]) => ({ reason, leads: r.n, examples: r.examples })));
    const share = (n: number) => (this.leads === 0 ? 0 : n / this.leads);
    const byPool: [string, number][] = [];
    const fairness: PoolFairness[] = [];
    for (const pool of ir.pools) {
      const got = this.pools.get(pool.name) as Map<string, number>;
      const leads = [...got.values()].reduce((a, b) => a + b, 0);
      byPool.push([pool.name, leads]);
      const weights = pool.members.reduce((a, m) => a + m.weight, 0);
      const members = pool.members.map((m): MemberFigures => {
        const skips = this.skips.get(pool.name)?.get(m.name);
        const skipped: MemberFigures['skipped'] = {};
        for (const [reason, s] of skips ?? []) skipped[reason] = { leads: s.leads, first: new Date(s.first).toISOString(), last: new Date(s.last).toISOString() };
        return { name: m.name, weight: m.weight, leads: got.get(m.name) ?? 0, expected: weights === 0 ? 0 : round((leads * m.weight) / weights), skipped };
      });
      const spread = (xs: number[]) => (xs.length === 0 ? 0 : Math.max(...xs) - Math.min(...xs));
      fairness.push({ pool: pool.name, leads, spread: spread(members.map((m) => m.leads)), expected_spread: round(spread(members.map((m) => m.expected))), members });
    }
    const fields: Record<string, FieldFigures> = {};
    for (const [name, f] of this.fields) {
      Object.defineProperty(fields, name, {
        enumerable: true,
        writable: true,
        configurable: true,
        value: {
          blank: f.blank,
          unreadable: f.unreadable,
          problems: byLeads([...f.problems.rows].map(([problem, r]) => ({ problem, leads: r.n, examples: r.examples }))),
          to_rules: byLeads([...f.rules].map(([rule, leads]) => ({ rule, leads }))),
        },
      });
    }
    const tables: [string, BoundedTable<unknown>][] = [
      ['by_assignee', this.assignees],
      ['by_queue', this.queues],
      ['exceptions', this.exceptions],
      ['coverage', this.wildcard],
      ['coverage', this.fallback],
    ];
    const flagged = exceptions.filter((e) => share(e.leads) > EXCEPTION_FLAG).map((e) => ({ reason: e.reason, leads: e.leads, share: round(share(e.leads)), examples: e.examples }));
    return {
      leads: this.leads,
      outcomes: { ...this.outcomes },
      by_rule: ir.rules.map((r, i) => ({
        index: r.index,
        line: r.line,
        source: r.source,
        reached: this.rules[i].reached,
        taken: this.rules[i].taken,
        failed: byLeads([...this.rules[i].failed].map(([condition, leads]) => ({ condition, leads }))),
      })),
      no_rule: this.noRule,
      by_assignee: counted(this.assignees),
      by_pool: Object.fromEntries(byPool),
      by_queue: counted(this.queues),
      exceptions: Object.fromEntries(exceptions.map((e) => [e.reason, e.leads])),
      flagged,
      exception_rate: round(share(this.outcomes.exception)),
      exception_flagged: share(this.outcomes.exception) > EXCEPTION_FLAG,
      fairness,
      buyers: [...this.buyers]
        .map(([buyer, b]) => ({ buyer, offers: b.offers, ranks: b.ranks, losses: byLeads([...b.losses].map(([filter, leads]) => ({ filter, leads }))) }))
        .sort((a, b) => b.offers - a.offers || (a.buyer < b.buyer ? -1 : 1)),
      coverage: {
        wildcard: byLeads([...this.wildcard.rows.values()].map((r) => ({ pool: r.pool, path: r.path, leads: r.n }))),
        fallback: byLeads([...this.fallback.rows.values()].map((r) => ({ path: r.path, leads: r.n }))),
        empty_pools: byPool.filter(([, n]) => n === 0).map(([name]) => name),
      },
      fields,
      sla: byLeads([...this.sla].map(([key, leads]) => ({ sla: key.split('\u0000')[0], priority: key.split('\u0000')[1], leads }))),
      arrivals: { zone: this.zone, counts: this.arrivals.map((row) => [...row]), open: this.openHours() },
      paths: byLeads([...this.paths.values()]),
      period: this.leads === 0 ? { first: null, last: null } : { first: new Date(this.first).toISOString(), last: new Date(this.last).toISOString() },
      policy: { name: policy.name, hash: policy.hash },
      ...problems,
      cut: [...new Set(tables.filter(([, t]) => t.cut).map(([name]) => name))],
    };
  }

  /**
   * The hours of the week (in the report's zone) when any pool with opening hours is open, over
   * the week the period starts in; null when no pool has hours.
   */
  private openHours(): boolean[][] | null {
    const calendars = this.ir.pools.flatMap((p) => [p.calendar, ...p.members.map((m) => m.calendar)]).filter((c): c is CalendarIR => c !== null && c.hours !== null);
    if (calendars.length === 0) return null;
    const clocks = calendars.map((c) => new CalendarClock({ ...c, holidays: [] }));
    const start = DateTime.fromMillis(Number.isFinite(this.first) ? this.first : 0, { zone: this.zone }).startOf('week');
    return Array.from({ length: 7 }, (_, d) =>
      Array.from({ length: 24 }, (_, h) => {
        // The middle of the hour, so that an opening on the half hour counts for its hour.
        const ms = start.plus({ days: d, hours: h, minutes: 30 }).toMillis();
        return clocks.some((c) => c.isOpen(ms));
      }),
    );
  }
}

/** A `by` path in words, as the reports show it: `size=big, country=(blank)`. */
export function pathText(path: Record<string, string | null>): string {
  return Object.entries(path)
    .map(([k, v]) => `${k}=${v ?? '(blank)'}`)
    .join(', ');
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

export interface SimulateOptions extends ReplayOptions {
  /** The zone arrivals are counted in (hour of the week). Default: UTC. */
  zone?: string;
}

/**
 * Routes every lead in a fresh in-memory state, with its trace, and counts what the policy did.
 * `onLead` is called with the running count after each lead (progress).
 */
export async function simulatePolicy(policy: CompiledPolicy, batches: LeadBatches, options: SimulateOptions, onLead?: (count: number) => void): Promise<SimulateFigures> {
  const routing = new FreshRouting(policy, options, 'steps');
  const tally = new SimulateTally(policy.ir, options.zone);
  let count = 0;
  try {
    for await (const batch of batches as AsyncIterable<readonly ReadLead[]>) {
      const decisions = await routing.route(batch);
      batch.forEach((r, i) => {
        tally.add(r.where, r.lead, decisions[i]);
        onLead?.(++count);
      });
    }
  } finally {
    await routing.close();
  }
  return tally.result(policy, routing.problems);
}
