// The reference evaluator: walks the IR directly (no generated code, so it runs where `new
// Function` is forbidden) and, when asked, records a trace in plain language for `explain`.
// The value semantics live in values.ts, shared with codegen, so the two cannot drift: the walker
// reads each lead path once per decision into a ValueReading, so that each fact a test derives
// from it (blank-ness, text, number, instant) is worked out at most once.

import type { TraceEntry, Evaluator } from './decision';
import type { CondIR, PolicyIR, TestIR, ValueRef } from './ir';
import { isBlank, readPath, toNumber, toTime } from '../core/values';
import { holds, prepareTest, readingHolds, ValueReading, type PreparedTest } from './values';

/** What preparing a policy's conditions shares: the IR, and one compiled regex per pattern (policies repeat them). */
class Preparation {
  private readonly patterns = new Map<string, PreparedTest>();

  constructor(readonly ir: PolicyIR) {}

  test(t: TestIR): PreparedTest {
    if (t.kind !== 'matches') return prepareTest(t);
    let prepared = this.patterns.get(t.pattern);
    if (prepared === undefined) {
      prepared = prepareTest(t);
      this.patterns.set(t.pattern, prepared);
    }
    return prepared;
  }
}

/** The empty list that nodes without operands or passing values share. */
const NONE: readonly never[] = [];

/**
 * A condition made ready to walk. A test reads `path` (an index into PolicyIR.paths) or else
 * `dim`; a test of a dimension also holds the dimension values that pass it, worked out once with
 * holds() (a dimension's values are known at compile time). Every kind is this one class.
 */
class PreparedCond {
  private constructor(
    readonly kind: CondIR['kind'],
    /** The operands of `and` / `or`; the one operand of `not`. */
    readonly args: readonly PreparedCond[],
    readonly subject: ValueRef | null,
    /** The subject's path index, or -1. */
    readonly path: number,
    /** The subject's dimension index, or -1. */
    readonly dim: number,
    readonly test: PreparedTest | null,
    /** For a test of a dimension, the values (null: blank) for which it holds. */
    readonly passing: readonly (string | null)[],
    /** A test's text as written, for traces. */
    readonly source: string,
  ) {}

  static from(c: CondIR, preparation: Preparation): PreparedCond {
    switch (c.kind) {
      case 'true':
        return new PreparedCond('true', NONE, null, -1, -1, null, NONE, '');
      case 'and':
      case 'or':
        return new PreparedCond(c.kind, c.args.map((arg) => PreparedCond.from(arg, preparation)), null, -1, -1, null, NONE, '');
      case 'not':
        return new PreparedCond('not', [PreparedCond.from(c.arg, preparation)], null, -1, -1, null, NONE, '');
      case 'test': {
        const test = preparation.test(c.test);
        if (c.subject.kind === 'path') return new PreparedCond('test', NONE, c.subject, c.subject.path, -1, test, NONE, c.source);
        const values = [...new Set<string | null>([...preparation.ir.dimensions[c.subject.dim].arms.map((a) => a.value), null])];
        return new PreparedCond('test', NONE, c.subject, -1, c.subject.dim, test, values.filter((v) => holds(v, test)), c.source);
      }
    }
  }
}

/** One lead path in the decision under way: its value and what tests derive from it, reused across decisions. */
class PathReading extends ValueReading {
  /** The decision that the value belongs to. */
  decision = 0;
  /** Whether the value is a list (a multi-select): holds() takes those as they are. */
  list = false;

  constructor(readonly segments: readonly string[]) {
    super();
  }

  read(lead: unknown, decision: number): void {
    this.decision = decision;
    this.reset(readPath(lead, this.segments));
    this.list = Array.isArray(this.value);
  }
}

/** A condition as text, from the source of its tests: `language = de and not vip`. `true` is `always`. */
export function condText(c: CondIR): string {
  switch (c.kind) {
    case 'true':
      return 'always';
    case 'test':
      return c.source;
    case 'not':
      return `not ${c.arg.kind === 'and' || c.arg.kind === 'or' ? `(${condText(c.arg)})` : condText(c.arg)}`;
    case 'and':
      return c.args.map((a) => (a.kind === 'or' ? `(${condText(a)})` : condText(a))).join(' and ');
    case 'or':
      return c.args.map(condText).join(' or ');
  }
}

const TRACE_TEXT_LIMIT = 200;
const TRACE_LIST_LIMIT = 20;

/**
 * A lead value as a trace shows it: long text cut (a trace must stay readable and small
 * whatever the lead holds), lists cut, nested objects summarized.
 */
export function traceValue(v: unknown, depth = 0): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v.length > TRACE_TEXT_LIMIT ? `${v.slice(0, TRACE_TEXT_LIMIT)}… (${v.length} characters)` : v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'boolean') return v;
  if (Array.isArray(v)) {
    if (depth > 0) return `[list of ${v.length}]`;
    const shown = v.slice(0, TRACE_LIST_LIMIT).map((x) => traceValue(x, depth + 1));
    if (v.length > TRACE_LIST_LIMIT) shown.push(`… (${v.length} items)`);
    return shown;
  }
  return typeof v === 'object' ? '{object}' : String(v);
}

/** A value in a sentence: `"demo"`, `1200`, `blank`. */
export function showValue(v: unknown): string {
  if (isBlank(v)) return 'blank';
  const shown = traceValue(v);
  // Text is quoted; summaries of other things (`{object}`, `NaN`) are not.
  return typeof shown === 'string' && typeof v !== 'string' ? shown : JSON.stringify(shown);
}

/** Sets a key on a record without letting `__proto__` reach the prototype setter. */
export function putKey(record: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

interface PreparedPolicy {
  ir: PolicyIR;
  rules: PreparedCond[];
  /** Per dimension, its arms prepared, with their text for traces. */
  dimensions: { value: string; cond: PreparedCond; text: string }[][];
  /** Per pool, per member, its `when` (null: takes every lead). */
  members: (PreparedCond | null)[][];
  pathText: string[];
  /** The lead paths as last read, shared by the policy's walkers (a tracing one is made per decision). */
  readings: PathReading[];
}

/** Numbers the decisions of every walker, so that a shared reading knows which decision its value belongs to. */
let decisions = 0;

type Scratch = (string | null | undefined)[];

/** The reference Evaluator, plus a tracing twin for `explain`. */
export interface ReferenceEvaluator extends Evaluator {
  /** An evaluator that gives the same answers and appends what it evaluated to `trace`: in plain words with the values read, or (`words` false) only the steps and results. */
  tracing(trace: TraceEntry[], words?: boolean): Evaluator;
}

/**
 * Walks the prepared conditions for one decision at a time. A decision is one lead with its
 * scratch array: every entry point starts a new one when either differs from the last call's.
 * Within a decision each lead path is read once (as codegen does), so a rule list that tests
 * `type` five times reads it, and trims and lower-cases it, once.
 */
class Walker implements ReferenceEvaluator {
  /** The decision under way (kept until the next): its lead and scratch (dimension values, memoized by dimension index). */
  private lead: unknown = undefined;
  private scratch: Scratch | null = null;
  /** The decision under way's number (see `decisions`). */
  private decision = 0;

  constructor(protected readonly p: PreparedPolicy) {}

  tracing(trace: TraceEntry[], words = true): Evaluator {
    return new TracingWalker(this.p, trace, words);
  }

  matchRule(lead: unknown, scratch: Scratch): number {
    this.begin(lead, scratch);
    const rules = this.p.rules;
    for (let i = 0; i < rules.length; i++) if (this.ruleHolds(i)) return i;
    return -1;
  }

  dimension(dim: number, lead: unknown, scratch: Scratch): string | null {
    this.begin(lead, scratch);
    return this.dimensionValue(dim);
  }

  memberTakes(pool: number, member: number, lead: unknown, scratch: Scratch): boolean {
    this.begin(lead, scratch);
    const when = this.p.members[pool][member];
    return when === null || this.memberHolds(when);
  }

  private begin(lead: unknown, scratch: Scratch): void {
    if (lead === this.lead && scratch === this.scratch) return;
    this.lead = lead;
    this.scratch = scratch;
    this.decision = ++decisions;
  }

  /** A lead path in this decision: read on first use. */
  private reading(path: number): PathReading {
    const r = this.p.readings[path];
    if (r.decision !== this.decision) r.read(this.lead, this.decision);
    return r;
  }

  /** The value a test reads: a lead path's, or a dimension's. */
  protected subject(c: PreparedCond): unknown {
    return c.path >= 0 ? this.reading(c.path).value : this.dimensionValue(c.dim);
  }

  protected dimensionValue(dim: number): string | null {
    const scratch = this.scratch as Scratch;
    const memo = scratch[dim];
    if (memo !== undefined) return memo;
    const value = this.classify(dim);
    scratch[dim] = value;
    return value;
  }

  /** The steps a tracing walker reports on; plain walking is just the conditions. */
  protected ruleHolds(rule: number): boolean {
    return this.holds(this.p.rules[rule]);
  }

  protected classify(dim: number): string | null {
    const arms = this.p.dimensions[dim];
    for (let i = 0; i < arms.length; i++) if (this.holds(arms[i].cond)) return arms[i].value;
    return null;
  }

  protected memberHolds(when: PreparedCond): boolean {
    return this.holds(when);
  }

  protected holds(c: PreparedCond): boolean {
    switch (c.kind) {
      case 'test': {
        if (c.path < 0) {
          const value = this.dimensionValue(c.dim);
          const passing = c.passing;
          for (let i = 0; i < passing.length; i++) if (passing[i] === value) return true;
          return false;
        }
        const r = this.reading(c.path);
        const test = c.test as PreparedTest;
        return r.list ? holds(r.value, test) : readingHolds(r, test);
      }
      case 'and':
        for (let i = 0; i < c.args.length; i++) if (!this.holds(c.args[i])) return false;
        return true;
      case 'or':
        for (let i = 0; i < c.args.length; i++) if (this.holds(c.args[i])) return true;
        return false;
      case 'not':
        return !this.holds(c.args[0]);
      case 'true':
        return true;
    }
  }
}

/** The walker that also says, in plain words, what it evaluated: the same walk, with entries appended to `trace`. */
class TracingWalker extends Walker {
  /** Values read for the trace entry being built (null: not collecting). */
  private reads: Record<string, unknown> | null = null;
  /** Whether each test gets its own `condition` entry (rule conditions do; dimension arms and member `when`s are summarized). */
  private listTests = false;
  /** Whether the test being walked sits under an odd number of `not`s. */
  private negated = false;

  constructor(
    p: PreparedPolicy,
    private readonly trace: TraceEntry[],
    private readonly words: boolean,
  ) {
    super(p);
  }

  protected override holds(c: PreparedCond): boolean {
    if (c.kind === 'test') {
      const ok = super.holds(c);
      this.traceTest(c, ok);
      return ok;
    }
    if (c.kind !== 'not') return super.holds(c);
    this.negated = !this.negated;
    const held = super.holds(c);
    this.negated = !this.negated;
    return held;
  }

  protected override memberHolds(when: PreparedCond): boolean {
    const outer = this.enter(null, false);
    const taken = super.memberHolds(when);
    this.leave(outer);
    return taken;
  }

  private subjectName(ref: ValueRef): string {
    return ref.kind === 'path' ? this.p.pathText[ref.path] : this.p.ir.dimensions[ref.dim].name;
  }

  /** Starts collecting values for a new entry (outside any `not`); returns what to restore. */
  private enter(reads: Record<string, unknown> | null, listTests: boolean): [Record<string, unknown> | null, boolean, boolean] {
    const outer: [Record<string, unknown> | null, boolean, boolean] = [this.reads, this.listTests, this.negated];
    this.reads = reads;
    this.listTests = listTests;
    this.negated = false;
    return outer;
  }

  private leave(outer: [Record<string, unknown> | null, boolean, boolean]): void {
    [this.reads, this.listTests, this.negated] = outer;
  }

  protected override ruleHolds(i: number): boolean {
    const rule = this.p.ir.rules[i];
    const entry: TraceEntry = { step: 'rule', source: rule.source, line: rule.line, result: null };
    if (this.words) entry.values = {};
    this.trace.push(entry);
    const outer = this.enter(this.words ? (entry.values as Record<string, unknown>) : null, true);
    const held = super.ruleHolds(i);
    this.leave(outer);
    entry.result = held;
    if (!this.words) return held;
    const where = `rule ${rule.index} (line ${rule.line})`;
    entry.note =
      rule.cond.kind === 'true' ? `${where} has no condition (else): it always holds and decides` : held ? `${where} holds and decides` : `${where} does not hold; trying the next rule`;
    return held;
  }

  private traceTest(c: PreparedCond, ok: boolean): void {
    if (!this.words) {
      if (!this.listTests) return;
      const entry: TraceEntry = { step: 'condition', source: c.source, result: ok };
      if (this.negated) entry.negated = true;
      this.trace.push(entry);
      return;
    }
    const v = this.subject(c);
    const name = this.subjectName(c.subject as ValueRef);
    if (this.reads !== null) putKey(this.reads, name, traceValue(v));
    if (!this.listTests) return;
    const t = c.test as PreparedTest;
    let hint = '';
    if ((t.kind === 'cmp' || t.kind === 'between') && !isBlank(v) && !Array.isArray(v) && (t.time ? toTime(v) : toNumber(v)) === null) {
      hint = t.time ? ' (not a date)' : ' (not a number)';
    }
    const values: Record<string, unknown> = {};
    putKey(values, name, traceValue(v));
    this.trace.push({
      step: 'condition',
      source: c.source,
      values,
      result: ok,
      note: `${name} is ${showValue(v)}${hint}, so \`${c.source}\` ${ok ? 'holds' : 'fails'}${this.negated ? ' (inside `not`)' : ''}`,
    });
  }

  protected override classify(dim: number): string | null {
    const d = this.p.ir.dimensions[dim];
    if (!this.words) {
      const entry: TraceEntry = { step: 'dimension', source: d.name, result: null };
      this.trace.push(entry);
      const outer = this.enter(null, false);
      entry.result = super.classify(dim);
      this.leave(outer);
      return entry.result;
    }
    const entry: TraceEntry = { step: 'dimension', source: d.name, values: {}, result: null };
    this.trace.push(entry);
    const reads = entry.values as Record<string, unknown>;
    const outer = this.enter(reads, false);
    const tried: string[] = [];
    let value: string | null = null;
    for (const arm of this.p.dimensions[dim]) {
      const held = this.holds(arm.cond);
      tried.push(arm.text === 'otherwise' ? `otherwise gives ${arm.value}` : `\`${arm.text}\` ${held ? 'holds' : 'fails'}`);
      if (held) {
        value = arm.value;
        break;
      }
    }
    this.leave(outer);
    // The dimension's own value also counts as read by whatever asked for it.
    if (this.reads !== null) putKey(this.reads, d.name, value);
    entry.result = value;
    const read = Object.keys(reads).map((k) => `${k} is ${showValue(reads[k])}`);
    const outcome = value === null ? `no arm holds, so ${d.name} is blank` : `so ${d.name} is ${value}`;
    entry.note = `${read.length > 0 ? `${read.join(', ')}: ` : ''}${tried.join(', ')}; ${outcome}`;
    return value;
  }
}

/** The IR walker. Tests are prepared once here; a run only reads paths and applies them. */
export function createReferenceEvaluator(ir: PolicyIR): ReferenceEvaluator {
  const preparation = new Preparation(ir);
  return new Walker({
    ir,
    rules: ir.rules.map((r) => PreparedCond.from(r.cond, preparation)),
    dimensions: ir.dimensions.map((d) =>
      d.arms.map((a) => ({ value: a.value, cond: PreparedCond.from(a.cond, preparation), text: a.cond.kind === 'true' ? 'otherwise' : condText(a.cond) })),
    ),
    members: ir.pools.map((p) => p.members.map((m) => (m.when === null ? null : PreparedCond.from(m.when, preparation)))),
    pathText: ir.paths.map((segments) => segments.join('.')),
    readings: ir.paths.map((segments) => new PathReading(segments)),
  });
}
