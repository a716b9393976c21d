// decide(): the pure half of routing. For one lead and one instant it finds the rule, resolves
// each of the rule's targets as far as the lead and the clock allow (owner read, pool chosen by
// the `by` path, members filtered by `when`, hours and holidays), and dates the SLA. assign()
// then settles the choice of person against state. Everything that does not depend on the lead
// is built once in createDecider, so a call is a few reads, Map gets and small allocations.

import { compileCalendar, type CalendarClock } from './calendar';
import type { Evaluator, FieldWarning, MemberOption, PendingDecision, PlanOption, RuleRef, SlaPlan, StickyLookup, TraceEntry, TraceMode } from './decision';
import { FieldReader } from './fields';
import type { CalendarIR, MemberIR, PolicyIR, PoolIR, RuleIR, TargetIR, ValueRef } from './ir';
import { condText, createReferenceEvaluator, putKey, showValue, traceValue, type ReferenceEvaluator } from './reference';
import { toInstant } from '../core/time';
import { isBlank, normText, readPath, toNumber } from '../core/values';

type Scratch = (string | null | undefined)[];

export interface DecideOptions {
  /** The instant of the decision: a Date, epoch ms or an ISO 8601 string; Date.now() by default. */
  now?: Date | number | string;
  /** Fill `trace` with the reference evaluator's account of every step (`steps`: without its words, see TraceMode). */
  trace?: TraceMode;
}

export type Decide = (lead: unknown, options?: DecideOptions) => PendingDecision;

/** Which escalation step to plan (see CompiledPolicy.decideStep). */
export interface StepRequest {
  now: Date | number | string;
  /** The rule's index (RuleRef.index) and the index of the step among its `escalate to` steps. */
  rule: number;
  step: number;
  /** For `next`: the pool that served the lead and the rest of its cascade, in order. */
  pool: string | null;
  cascade: readonly string[];
  /** People who may not take the lead (they already let its SLA pass). */
  exclude: ReadonlySet<string>;
}

/** Lead text in a reason or a path name is cut to this length. */
const REASON_TEXT_LIMIT = 200;

/** A pool made ready: members' calendars compiled, MemberOptions built (frozen, shared by every decision). */
interface PoolPlan {
  index: number;
  ir: PoolIR;
  /** Per member, the calendar of its hours: its own, else the pool's; null when always open. */
  clocks: (CalendarClock | null)[];
  /** The pool's calendar: its holidays exclude every member, and it dates business SLAs. */
  clock: CalendarClock | null;
  /** Frozen: a pool option with every member eligible shares this list. */
  options: readonly MemberOption[];
  /** Per member, why it is skipped when its `when` does not hold. */
  whenFails: string[];
  /** No `when`, hours or holidays: nobody is ever left out, so nothing needs checking per lead. */
  alwaysEligible: boolean;
  /** Member name to index, built when a sticky owner is first checked (most pools never need it). */
  memberIndex: Map<string, number> | null;
}

/**
 * The pools a `by` path can reach, for one number of values: the pools with that many segments
 * by their joined segments, and the wildcard patterns that exist among them, most specific
 * first. A lookup is one Map get per pattern, however many pools there are.
 */
interface PoolLookup {
  byKey: Map<string, number>;
  /** keep[i]: whether value i must match (else a `*` segment takes it). */
  patterns: boolean[][];
}

/**
 * A `by` target over dimensions only, resolved for every combination of their values ahead of
 * time (their values are known at compile time): a lookup is one Map get per value and no text
 * is lower-cased or joined per lead.
 */
interface ByTable {
  target: Extract<TargetIR, { kind: 'by' }>;
  /** The dimension of each value of the path. */
  dims: number[];
  /** Per value of the path, the position of each value its dimension can take (null included). */
  positions: Map<string | null, number>[];
  /** Per combination of positions (the first value most significant): the path, and the pool (-1: none, for `reason`). */
  entries: { path: Record<string, string | null>; pool: number; reason: string }[];
}

/** Beyond this many combinations of values, a `by` target looks its pool up per lead. */
const BY_TABLE_LIMIT = 4096;

/**
 * The `skipped` of a pool option where every member is eligible: options share it. Lists that
 * decisions share are readonly in PlanOption's type but not frozen: a frozen array is another
 * kind of array to V8, and mixed with the copies made when a member is left out it made every
 * reader of members (assign()'s hot path) about a fifth slower.
 */
const NOBODY_SKIPPED: readonly { name: string; why: string }[] = [];

/** Joins segments; no pool segment or matchable value contains it. */
const SEP = '\u0000';

/** Why no pool serves a `by` target's values (as shown in the path). */
function noPoolReason(target: Extract<TargetIR, { kind: 'by' }>, shown: readonly (string | null)[]): string {
  return `no pool matches ${target.keys.map((k, i) => `${k}=${shown[i] === null ? '(blank)' : clip(shown[i] as string)}`).join(', ')}`;
}

/** Most specific first: more values kept first, then rightmost values dropped first. */
function comparePatterns(a: boolean[], b: boolean[]): number {
  const kept = (p: boolean[]) => p.filter(Boolean).length;
  const byCount = kept(b) - kept(a);
  if (byCount !== 0) return byCount;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] ? -1 : 1;
  return 0;
}

function buildLookup(pools: PoolIR[], n: number): PoolLookup {
  const byKey = new Map<string, number>();
  const patterns = new Map<string, boolean[]>();
  pools.forEach((pool, index) => {
    if (pool.segments.length !== n) return;
    const key = pool.segments.join(SEP);
    if (!byKey.has(key)) byKey.set(key, index);
    const keep = pool.segments.map((s) => s !== '*');
    patterns.set(keep.map((k) => (k ? '1' : '0')).join(''), keep);
  });
  return { byKey, patterns: [...patterns.values()].sort(comparePatterns) };
}

/**
 * The pool for a path's lower-cased values (null: blank or unmatchable, so only `*` takes it),
 * or -1. `tried`, when given, collects the names looked for, for the trace.
 */
function findPool(lookup: PoolLookup, keys: (string | null)[], shown: (string | null)[], tried: string[] | null): number {
  const n = keys.length;
  for (const keep of lookup.patterns) {
    let key = '';
    let possible = true;
    for (let i = 0; i < n; i++) {
      let segment = '*';
      if (keep[i]) {
        const k = keys[i];
        if (k === null) {
          possible = false;
          break;
        }
        segment = k;
      }
      key = i === 0 ? segment : key + SEP + segment;
    }
    if (!possible) continue;
    if (tried !== null) tried.push(keep.map((k, i) => (k ? shown[i] : '*')).join('.'));
    const hit = lookup.byKey.get(key);
    if (hit !== undefined) return hit;
  }
  return -1;
}

/** The trimmed text of a field value for a `by` path (numbers and booleans as JSON writes them), null when blank or not a scalar. */
function fieldText(v: unknown): string | null {
  if (typeof v === 'string') {
    const t = v.trim();
    return t === '' ? null : t;
  }
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return null;
}

/** A value as a pool segment: lower-cased; null when it cannot equal a segment (blank, `*`, or holding the separator). */
function segmentKey(text: string | null): string | null {
  if (text === null) return null;
  const key = text.toLowerCase();
  return key === '*' || key.includes(SEP) ? null : key;
}

function clip(text: string): string {
  return text.length > REASON_TEXT_LIMIT ? `${text.slice(0, REASON_TEXT_LIMIT)}…` : text;
}

/** A name as the language writes it: bare when it is an identifier, else quoted. */
function nameText(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(name) ? name : JSON.stringify(name);
}

/** A member as decide() offers it (frozen: every decision shares it); its caps count in its calendar's zone. */
function memberOption(m: MemberIR, pool: PoolIR): MemberOption {
  const tz = (m.calendar ?? pool.calendar)?.tz ?? 'UTC';
  return Object.freeze({
    name: m.name,
    weight: m.weight,
    bid: m.bid,
    cap: m.cap === null ? null : Object.freeze({ count: m.cap.count, per: m.cap.per, tz }),
    soldCap: m.soldCap === null ? null : Object.freeze({ count: m.soldCap.count, per: m.soldCap.per, tz }),
  });
}

/**
 * The buyers of a `by_bid` option as this lead prices them: a number at `bids.NAME` on the lead
 * as it came (a live bid the workflow gathered) replaces the declared bid, and a buyer bidding
 * under the rule's floor joins `skipped` with its reason. Lists are copied only when they change.
 */
function bidding(members: readonly MemberOption[], skipped: readonly { name: string; why: string }[], raw: unknown, floor: number | null): { members: readonly MemberOption[]; skipped: readonly { name: string; why: string }[] } {
  let kept: MemberOption[] | null = null;
  const below: { name: string; why: string }[] = [];
  for (let i = 0; i < members.length; i++) {
    const m = members[i];
    const bid = toNumber(readPath(raw, ['bids', m.name])) ?? m.bid;
    const member = bid === m.bid ? m : { ...m, bid };
    const out = floor !== null && bid < floor;
    if (out) below.push({ name: m.name, why: `bid ${bid} below floor ${floor}` });
    if (kept === null && (out || member !== m)) kept = members.slice(0, i);
    if (!out) kept?.push(member);
  }
  return { members: kept ?? members, skipped: below.length === 0 ? skipped : skipped.concat(below) };
}

interface RulePlan {
  ir: RuleIR;
  /** Frozen: every decision of the rule shares it. */
  ref: RuleRef;
  /** Per target, the pool lookup of a `by` target (null for the others). */
  lookups: (PoolLookup | null)[];
  /** Per target, the table of a `by` target over few enough dimension values (null otherwise). */
  tables: (ByTable | null)[];
}

/** The sticky lookup handed to assign(): what it needs of this lead and instant, kept private. */
class StickyMember implements StickyLookup {
  readonly #policy: DecisionMaker;
  readonly #lead: unknown;
  readonly #nowMs: number;
  readonly #scratch: Scratch;
  readonly #evaluator: Evaluator;

  constructor(
    readonly key: string,
    readonly ms: number,
    policy: DecisionMaker,
    lead: unknown,
    nowMs: number,
    scratch: Scratch,
    evaluator: Evaluator,
  ) {
    this.#policy = policy;
    this.#lead = lead;
    this.#nowMs = nowMs;
    this.#scratch = scratch;
    this.#evaluator = evaluator;
  }

  member(pool: string | null, name: string): MemberOption | string {
    return this.#policy.stickyMember(pool, name, this.#lead, this.#nowMs, this.#scratch, this.#evaluator);
  }
}

class DecisionMaker {
  private readonly pools: PoolPlan[];
  private readonly poolsByName = new Map<string, PoolPlan>();
  private readonly rules: RulePlan[];
  private readonly pathText: string[];
  private readonly lookups = new Map<number, PoolLookup>();
  /** Frozen: every decision shares it. */
  private readonly policyRef: { name: string; hash: string };
  /** Reads the declared fields; null without a fields block. */
  private readonly reader: FieldReader | null;
  /** Where the lead's ledger key is read (see leadKeyPath). */
  private readonly keyPath: { segments: readonly string[]; declared: boolean };
  private tracer: ReferenceEvaluator | null = null;
  /** Whether the trace of the decision under way is in words (TraceMode); decide() is synchronous and sets it. */
  private words = true;

  constructor(
    private readonly ir: PolicyIR,
    private readonly evaluator: Evaluator,
    policy: { name: string; hash: string },
  ) {
    this.policyRef = Object.freeze({ name: policy.name, hash: policy.hash });
    this.reader = ir.fields === null ? null : new FieldReader(ir.fields);
    this.keyPath = leadKeyPath(ir);
    this.pathText = ir.paths.map((segments) => segments.join('.'));
    const clocks = new Map<string, CalendarClock>();
    // Calendars with the same content share one clock (and its cache), however the IR repeats them.
    const clockFor = (cal: CalendarIR | null): CalendarClock | null => {
      if (cal === null) return null;
      const key = JSON.stringify([cal.tz, cal.hours, cal.holidays]);
      let clock = clocks.get(key);
      if (clock === undefined) {
        clock = compileCalendar(cal);
        clocks.set(key, clock);
      }
      return clock;
    };
    this.pools = ir.pools.map((pool, index) => {
      const clocks = pool.members.map((m) => clockFor(m.calendar ?? pool.calendar));
      const clock = clockFor(pool.calendar);
      const plan: PoolPlan = {
        index,
        ir: pool,
        clocks,
        clock,
        options: pool.members.map((m) => memberOption(m, pool)),
        whenFails: pool.members.map((m) => (m.when === null ? '' : `takes only leads where \`${condText(m.when)}\``)),
        alwaysEligible: clock === null && clocks.every((c) => c === null) && pool.members.every((m) => m.when === null),
        memberIndex: null,
      };
      if (!this.poolsByName.has(pool.name)) this.poolsByName.set(pool.name, plan);
      return plan;
    });
    this.rules = ir.rules.map((rule) => ({
      ir: rule,
      ref: Object.freeze({ index: rule.index, line: rule.line, source: rule.source }),
      lookups: rule.targets.map((t) => this.lookupFor(t)),
      tables: rule.targets.map((t) => this.tableFor(t)),
    }));
  }

  /** The ByTable of a `by` target whose values are all dimensions with few enough combinations, else null. */
  private tableFor(target: TargetIR): ByTable | null {
    if (target.kind !== 'by') return null;
    const dims: number[] = [];
    for (const ref of target.values) {
      if (ref.kind !== 'dim') return null;
      dims.push(ref.dim);
    }
    const values = dims.map((d) => [...new Set<string | null>([...this.ir.dimensions[d].arms.map((a) => a.value), null])]);
    if (values.reduce((count, v) => count * v.length, 1) > BY_TABLE_LIMIT) return null;
    const lookup = this.lookupFor(target) as PoolLookup;
    const entries: ByTable['entries'] = [];
    const shown: (string | null)[] = [];
    const combine = (i: number): void => {
      if (i === values.length) {
        const path: Record<string, string | null> = {};
        shown.forEach((text, k) => putKey(path, target.keys[k], text));
        const pool = findPool(lookup, shown.map(segmentKey), shown, null);
        entries.push({ path, pool, reason: pool < 0 ? noPoolReason(target, shown) : '' });
        return;
      }
      for (const v of values[i]) {
        shown[i] = v;
        combine(i + 1);
      }
    };
    combine(0);
    return { target, dims, positions: values.map((v) => new Map(v.map((value, k) => [value, k]))), entries };
  }

  /** The pool lookup of a `by` target (null for the others), one per number of values. */
  private lookupFor(target: TargetIR): PoolLookup | null {
    if (target.kind !== 'by') return null;
    let lookup = this.lookups.get(target.values.length);
    if (lookup === undefined) {
      lookup = buildLookup(this.ir.pools, target.values.length);
      this.lookups.set(target.values.length, lookup);
    }
    return lookup;
  }

  decide(lead: unknown, options?: DecideOptions): PendingDecision {
    const nowMs = options === undefined || options.now === undefined ? Date.now() : toInstant(options.now);
    const mode = options === undefined || options.trace === undefined ? false : options.trace;
    const trace: TraceEntry[] | null = mode === false ? null : [];
    const words = mode === true;
    this.words = words;
    const evaluator = trace === null ? this.evaluator : this.traceEvaluator().tracing(trace, words);
    const scratch: Scratch = new Array(this.ir.dimensions.length);
    const warnings: FieldWarning[] = [];
    // With a fields block the rules see the lead as its declared fields read (compiler/fields.ts).
    const subject = this.reader === null ? lead : this.reader.read(lead, warnings, trace, words);
    const sticky = this.ir.sticky === null ? null : this.stickyLookup(subject, nowMs, scratch, evaluator, trace);
    const ruleIndex = evaluator.matchRule(subject, scratch);
    const pending = ruleIndex >= 0 ? this.plan(this.rules[ruleIndex], subject, lead, nowMs, sticky, scratch, evaluator, trace, warnings) : this.decision(null, nowMs, sticky, [], {}, warnings);
    pending.key = this.leadKey(lead, subject);
    if (trace !== null) {
      const entry: TraceEntry = { step: 'fallback', source: `fallback queue ${nameText(this.ir.fallback)}`, result: this.ir.fallback };
      if (words) {
        entry.note =
          ruleIndex < 0
            ? `no rule holds, so the lead goes to the fallback queue ${this.ir.fallback} as an exception`
            : `if no target above can take the lead, it goes to the fallback queue ${this.ir.fallback} as an exception`;
      }
      trace.push(entry);
      pending.trace = trace;
    }
    return pending;
  }

  /** A decision at `nowMs` with what `rule` (null: none) gives it; made once it is complete, so no field is made twice. */
  private decision(rule: RulePlan | null, nowMs: number, sticky: StickyLookup | null, options: PlanOption[], path: Record<string, string | null>, warnings: FieldWarning[]): PendingDecision {
    return {
      rule: rule === null ? null : rule.ref,
      path,
      priority: rule === null ? 'normal' : rule.ir.priority,
      tags: rule === null ? [] : rule.ir.tags.slice(),
      escalation: rule === null ? [] : rule.ir.escalationText.slice(),
      policy: this.policyRef,
      at: nowMs,
      options,
      sticky,
      fallback: this.ir.fallback,
      warnings,
    };
  }

  /**
   * One escalation step of a rule, planned as decide() plans a rule's target (eligibility,
   * hours, `by` lookups, the SLA from now) with the policy's own evaluator: a decision whose only
   * option is that step. `next` is the served pool cut down to the rest of the cascade, in its
   * order, taken first-available. People in `exclude` are left out of every option. No sticky
   * lookup: the sticky owner is the person the lead is being taken from.
   */
  decideStep(lead: unknown, request: StepRequest): PendingDecision {
    const nowMs = toInstant(request.now);
    const rule = this.rules[request.rule];
    const step = rule?.ir.escalation[request.step];
    if (step === undefined) throw new RangeError(`the policy has no escalation step ${request.step} of rule ${request.rule}`);
    const clockSla = this.clockSla(rule.ir, nowMs);
    const scratch: Scratch = new Array(this.ir.dimensions.length);
    const warnings: FieldWarning[] = [];
    const subject = this.reader === null ? lead : this.reader.read(lead, warnings, null);
    const exclude = request.exclude;
    let option: PlanOption;
    if (step.kind === 'next') {
      const plan = request.pool === null ? undefined : this.poolsByName.get(request.pool);
      const rest = request.cascade.filter((name) => !exclude.has(name));
      if (plan === undefined || rest.length === 0) return this.decision(rule, nowMs, null, [], {}, warnings);
      const order = new Map(rest.map((name, i) => [name, i]));
      option = this.poolOption(plan, { kind: 'pool', strategy: 'first_available', pool: plan.index }, {}, rule.ir, clockSla, subject, lead, nowMs, scratch, this.evaluator, null, null);
      if (option.kind === 'pool') {
        const rank = (name: string) => order.get(name) as number;
        option.members = option.members.filter((m) => order.has(m.name)).sort((a, b) => rank(a.name) - rank(b.name));
        option.skipped = option.skipped.filter((m) => order.has(m.name));
      }
    } else {
      option = this.resolve(step, this.lookupFor(step), rule.ir, clockSla, subject, lead, nowMs, scratch, this.evaluator, null);
      if (option.kind === 'pool') {
        option.members = option.members.filter((m) => !exclude.has(m.name));
        option.skipped = option.skipped.filter((m) => !exclude.has(m.name));
      } else if (option.kind === 'person' && exclude.has(option.assignee)) {
        option = { kind: 'unresolved', reason: `${option.assignee} already let this lead's SLA pass` };
      }
    }
    return this.decision(rule, nowMs, null, [option], option.kind === 'pool' ? option.path : {}, warnings);
  }

  /** The lead's ledger key: a declared field is read from the fields as read, `email` from the lead as it comes. */
  leadKey(lead: unknown, subject: unknown = this.keyPath.declared && this.reader !== null ? this.reader.read(lead, [], null) : lead): string | null {
    return normText(readPath(this.keyPath.declared ? subject : lead, this.keyPath.segments)) || null;
  }

  /** The rule's clock-time SLA, which serves every option that counts clock time. */
  private clockSla(r: RuleIR, nowMs: number): SlaPlan | null {
    return r.sla === null ? null : { duration: r.sla.text, business: false, due: nowMs + r.sla.ms };
  }

  /** The decision of a rule that holds: each target resolved, and the path of the first pool option. */
  private plan(
    rule: RulePlan,
    lead: unknown,
    raw: unknown,
    nowMs: number,
    sticky: StickyLookup | null,
    scratch: Scratch,
    evaluator: Evaluator,
    trace: TraceEntry[] | null,
    warnings: FieldWarning[],
  ): PendingDecision {
    const r = rule.ir;
    const clockSla = this.clockSla(r, nowMs);
    const options: PlanOption[] = [];
    let path: Record<string, string | null> | null = null;
    for (let t = 0; t < r.targets.length; t++) {
      const table = trace === null ? rule.tables[t] : null;
      const option = table === null ? this.resolve(r.targets[t], rule.lookups[t], r, clockSla, lead, raw, nowMs, scratch, evaluator, trace) : this.byTable(table, rule.lookups[t], r, clockSla, lead, raw, nowMs, scratch, evaluator);
      options.push(option);
      if (path === null && option.kind === 'pool') path = option.path;
    }
    return this.decision(rule, nowMs, sticky, options, path ?? {}, warnings);
  }

  private resolve(
    target: TargetIR,
    lookup: PoolLookup | null,
    rule: RuleIR,
    clockSla: SlaPlan | null,
    lead: unknown,
    raw: unknown,
    nowMs: number,
    scratch: Scratch,
    evaluator: Evaluator,
    trace: TraceEntry[] | null,
  ): PlanOption {
    switch (target.kind) {
      case 'queue': {
        if (trace !== null) trace.push({ step: 'target', source: this.targetText(target), result: target.name, note: `goes to the queue ${target.name}` });
        return { kind: 'queue', queue: target.name, sla: clockSla };
      }
      case 'rep': {
        if (trace !== null) trace.push({ step: 'target', source: this.targetText(target), result: target.name, note: `goes to ${target.name}` });
        return { kind: 'person', assignee: target.name, via: 'rep', sla: clockSla };
      }
      case 'owner': {
        const raw = readPath(lead, this.ir.paths[target.path]);
        const owner = typeof raw === 'string' || typeof raw === 'number' ? fieldText(raw) : null;
        const where = this.pathText[target.path];
        const option: PlanOption =
          owner !== null
            ? { kind: 'person', assignee: owner, via: 'owner', sla: clockSla }
            : { kind: 'unresolved', reason: isBlank(raw) ? `owner: ${where} is blank` : `owner: ${where} is not a name (${showValue(raw)})` };
        if (trace !== null) {
          const values: Record<string, unknown> = {};
          putKey(values, where, traceValue(raw));
          trace.push({
            step: 'target',
            source: this.targetText(target),
            values,
            result: owner ?? false,
            note: owner !== null ? `goes to the owner in ${where}, ${owner}` : `${(option as { reason: string }).reason}; trying the next target`,
          });
        }
        return option;
      }
      case 'pool':
        return this.poolOption(this.pools[target.pool], target, {}, rule, clockSla, lead, raw, nowMs, scratch, evaluator, trace, null);
      case 'by': {
        const n = target.values.length;
        const shown: (string | null)[] = new Array(n);
        const keys: (string | null)[] = new Array(n);
        const path: Record<string, string | null> = {};
        for (let i = 0; i < n; i++) {
          const text = this.valueText(target.values[i], lead, scratch, evaluator);
          shown[i] = text;
          keys[i] = segmentKey(text);
          putKey(path, target.keys[i], text);
        }
        const tried = trace === null ? null : [];
        const found = findPool(lookup as PoolLookup, keys, shown, tried);
        if (found >= 0) return this.poolOption(this.pools[found], target, path, rule, clockSla, lead, raw, nowMs, scratch, evaluator, trace, tried);
        const reason = noPoolReason(target, shown);
        if (trace !== null) {
          trace.push({
            step: 'target',
            source: this.targetText(target),
            values: { ...path },
            result: false,
            note: `${tried !== null && tried.length > 0 ? `looked for ${tried.map(clip).join(', then ')}: none is a pool; ` : ''}${reason}; trying the next target`,
          });
        }
        return { kind: 'unresolved', reason };
      }
    }
  }

  /**
   * A `by` target through its table, as resolve() would give it (which the trace takes, to name
   * the pools looked for, and which a dimension value the table does not know would take).
   */
  private byTable(table: ByTable, lookup: PoolLookup | null, rule: RuleIR, clockSla: SlaPlan | null, lead: unknown, raw: unknown, nowMs: number, scratch: Scratch, evaluator: Evaluator): PlanOption {
    let at = 0;
    for (let i = 0; i < table.dims.length; i++) {
      const positions = table.positions[i];
      const position = positions.get(evaluator.dimension(table.dims[i], lead, scratch));
      if (position === undefined) return this.resolve(table.target, lookup, rule, clockSla, lead, raw, nowMs, scratch, evaluator, null);
      at = at * positions.size + position;
    }
    const entry = table.entries[at];
    if (entry.pool < 0) return { kind: 'unresolved', reason: entry.reason };
    // A copy: the path goes out with the decision, whose reader may change it.
    return this.poolOption(this.pools[entry.pool], table.target, { ...entry.path }, rule, clockSla, lead, raw, nowMs, scratch, evaluator, null, null);
  }

  /** A `by` value: the dimension's value as written, or the field's trimmed text; null when blank. */
  private valueText(ref: ValueRef, lead: unknown, scratch: Scratch, evaluator: Evaluator): string | null {
    return ref.kind === 'dim' ? evaluator.dimension(ref.dim, lead, scratch) : fieldText(readPath(lead, this.ir.paths[ref.path]));
  }

  private poolOption(
    plan: PoolPlan,
    target: Extract<TargetIR, { kind: 'pool' | 'by' }>,
    path: Record<string, string | null>,
    rule: RuleIR,
    clockSla: SlaPlan | null,
    lead: unknown,
    raw: unknown,
    nowMs: number,
    scratch: Scratch,
    evaluator: Evaluator,
    trace: TraceEntry[] | null,
    tried: string[] | null,
  ): PlanOption {
    const holiday = plan.clock === null ? null : plan.clock.holidayAt(nowMs);
    // With everyone eligible (the usual case) the option shares the pool's arrays; the first
    // member left out starts copies.
    let kept: MemberOption[] | null = null;
    let left: { name: string; why: string }[] | null = null;
    for (let m = 0; !plan.alwaysEligible && m < plan.options.length; m++) {
      const why = this.whyNot(plan, m, holiday, lead, nowMs, scratch, evaluator);
      if (why !== null) {
        if (left === null) {
          kept = plan.options.slice(0, m);
          left = [];
        }
        left.push({ name: plan.options[m].name, why });
      } else {
        kept?.push(plan.options[m]);
      }
    }
    let members: readonly MemberOption[] = kept ?? plan.options;
    let skipped: readonly { name: string; why: string }[] = left ?? NOBODY_SKIPPED;
    if (target.strategy === 'by_bid') ({ members, skipped } = bidding(members, skipped, raw, rule.floor));
    let sla = clockSla;
    if (rule.sla !== null && rule.sla.business && plan.clock !== null) {
      sla = { duration: rule.sla.text, business: true, due: plan.clock.businessDue(nowMs, rule.sla.ms) };
    }
    if (trace !== null) this.tracePool(trace, plan, this.targetText(target), path, tried, members, skipped);
    if (target.strategy === 'by_bid') return { kind: 'pool', pool: plan.ir.name, strategy: target.strategy, path, members, skipped, sla, multiSell: rule.multiSell };
    return { kind: 'pool', pool: plan.ir.name, strategy: target.strategy, path, members, skipped, sla };
  }

  /** Why member m cannot take this lead now (plain words), or null when it is eligible. */
  private whyNot(plan: PoolPlan, m: number, poolHoliday: string | null, lead: unknown, nowMs: number, scratch: Scratch, evaluator: Evaluator): string | null {
    if (poolHoliday !== null) return `holiday ${poolHoliday}`;
    if (!evaluator.memberTakes(plan.index, m, lead, scratch)) return plan.whenFails[m];
    const clock = plan.clocks[m];
    return clock === null ? null : clock.closedReason(nowMs);
  }

  stickyMember(pool: string | null, name: string, lead: unknown, nowMs: number, scratch: Scratch, evaluator: Evaluator): MemberOption | string {
    if (pool === null) return { name, weight: 1, bid: 0, cap: null, soldCap: null };
    const plan = this.poolsByName.get(pool);
    if (plan === undefined) return `pool ${pool} is no longer in the policy`;
    if (plan.memberIndex === null) {
      plan.memberIndex = new Map();
      for (let i = plan.ir.members.length - 1; i >= 0; i--) plan.memberIndex.set(plan.ir.members[i].name, i);
    }
    const m = plan.memberIndex.get(name);
    if (m === undefined) return `${name} is no longer a member of pool ${pool}`;
    const why = this.whyNot(plan, m, plan.clock === null ? null : plan.clock.holidayAt(nowMs), lead, nowMs, scratch, evaluator);
    return why === null ? plan.options[m] : why;
  }

  private stickyLookup(lead: unknown, nowMs: number, scratch: Scratch, evaluator: Evaluator, trace: TraceEntry[] | null): StickyLookup | null {
    const sticky = this.ir.sticky as NonNullable<PolicyIR['sticky']>;
    const raw = readPath(lead, this.ir.paths[sticky.path]);
    // Blank text is exactly text whose normalized form is empty, so the value is trimmed once.
    const text = normText(raw);
    const key = text === '' ? null : text;
    if (trace !== null) {
      const where = this.pathText[sticky.path];
      const source = `sticky by ${where} for ${sticky.text}`;
      const result = key === null ? null : clip(key);
      if (this.words) {
        const values: Record<string, unknown> = {};
        putKey(values, where, traceValue(raw));
        const note =
          key === null
            ? `${where} is ${showValue(raw)}, so there is no sticky owner to look for`
            : `whoever was assigned a lead with ${where} ${JSON.stringify(clip(key))} within ${sticky.text} gets this one too, while still eligible; otherwise the rules decide`;
        trace.push({ step: 'sticky', source, values, result, note });
      } else trace.push({ step: 'sticky', source, result });
    }
    return key === null ? null : new StickyMember(key, sticky.ms, this, lead, nowMs, scratch, evaluator);
  }

  private traceEvaluator(): ReferenceEvaluator {
    if (this.tracer === null) this.tracer = createReferenceEvaluator(this.ir);
    return this.tracer;
  }

  private tracePool(
    trace: TraceEntry[],
    plan: PoolPlan,
    source: string,
    path: Record<string, string | null>,
    tried: string[] | null,
    members: readonly MemberOption[],
    skipped: readonly { name: string; why: string }[],
  ): void {
    const name = plan.ir.name;
    if (!this.words) {
      // Without words: which members were left out, and why (what simulate counts).
      trace.push({ step: 'target', source, result: name }, { step: 'pool', source: name, result: members.length > 0 });
      for (const member of plan.ir.members) {
        const left = skipped.find((s) => s.name === member.name);
        trace.push(left === undefined ? { step: 'member', source: member.name, result: true } : { step: 'member', source: member.name, result: false, note: `left out: ${left.why}` });
      }
      return;
    }
    const target: TraceEntry = { step: 'target', source, result: name, note: tried !== null ? `looked for ${tried.map(clip).join(', then ')}: found pool ${name}` : `pool ${name}` };
    if (tried !== null) target.values = { ...path };
    trace.push(target);
    trace.push({
      step: 'pool',
      source: name,
      result: members.length > 0,
      note:
        members.length > 0
          ? `eligible now, in declared order: ${members.map((m) => m.name).join(', ')}${skipped.length > 0 ? `; left out: ${skipped.map((s) => s.name).join(', ')}` : ''}`
          : `nobody in ${name} is eligible now; trying the next target`,
    });
    const why = new Map(skipped.map((s) => [s.name, s.why]));
    for (const member of plan.ir.members) {
      const reason = why.get(member.name);
      trace.push({ step: 'member', source: member.name, result: reason === undefined, note: reason === undefined ? 'eligible' : `left out: ${reason}` });
    }
  }

  private targetText(t: TargetIR): string {
    switch (t.kind) {
      case 'owner': {
        const where = this.pathText[t.path];
        return where === 'account.owner' ? 'owner' : `owner(${where})`;
      }
      case 'rep':
      case 'queue':
        return `${t.kind} ${nameText(t.name)}`;
      case 'pool':
        return `${t.strategy}(${this.ir.pools[t.pool].name})`;
      case 'by':
        return `by ${t.keys.join(' then ')} then ${t.strategy}(pool)`;
    }
  }
}

/**
 * Where a lead's ledger key is: a declared field named `key`, else the first declared `email`
 * field, else `email` (read as it comes).
 */
function leadKeyPath(ir: PolicyIR): { segments: readonly string[]; declared: boolean } {
  const fields = ir.fields ?? [];
  const declared = fields.find((f) => f.name === 'key') ?? fields.find((f) => f.type === 'email');
  return declared === undefined ? { segments: ['email'], declared: false } : { segments: declared.segments, declared: true };
}

/**
 * The decision functions of a policy: `decide(lead, { now, trace })` gives the PendingDecision
 * that assign() completes, and `decideStep` plans one escalation step the same way. Neither
 * throws on a lead; an invalid `now` is a RangeError.
 */
export function createDecider(
  ir: PolicyIR,
  evaluator: Evaluator,
  policy: { name: string; hash: string },
): { decide: Decide; decideStep: (lead: unknown, request: StepRequest) => PendingDecision; leadKey: (lead: unknown) => string | null } {
  const maker = new DecisionMaker(ir, evaluator, policy);
  return { decide: (lead, options) => maker.decide(lead, options), decideStep: (lead, request) => maker.decideStep(lead, request), leadKey: (lead) => maker.leadKey(lead) };
}
