// The reference evaluator: walks the IR directly (no generated code, so it runs where `new
// Function` is forbidden) and, when asked, records a trace in plain language for `explain`.
// The value semantics all live in values.ts, shared with codegen, so the two cannot drift.

import type { TraceEntry, Evaluator } from './decision';
import type { CondIR, PolicyIR, ValueRef } from './ir';
import { holds, isBlank, prepareTest, readPath, toNumber, toTime, type PreparedTest } from './values';

/** A condition with its tests made ready to run (sets built, regexes compiled). */
type PreparedCond =
  | { kind: 'true' }
  | { kind: 'and' | 'or'; args: PreparedCond[] }
  | { kind: 'not'; arg: PreparedCond }
  | { kind: 'test'; subject: ValueRef; test: PreparedTest; source: string };

function prepareCond(c: CondIR): PreparedCond {
  switch (c.kind) {
    case 'true':
      return c;
    case 'and':
    case 'or':
      return { kind: c.kind, args: c.args.map(prepareCond) };
    case 'not':
      return { kind: 'not', arg: prepareCond(c.arg) };
    case 'test':
      return { kind: 'test', subject: c.subject, test: prepareTest(c.test), source: c.source };
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
}

type Scratch = (string | null | undefined)[];

/** The reference Evaluator, plus a tracing twin for `explain`. */
export interface ReferenceEvaluator extends Evaluator {
  /** An evaluator that gives the same answers and appends, in plain words, what it evaluated to `trace`. */
  tracing(trace: TraceEntry[]): Evaluator;
}

class Walker implements ReferenceEvaluator {
  /** Values read for the trace entry being built (null: not collecting). */
  private reads: Record<string, unknown> | null = null;
  /** Whether each test gets its own `condition` entry (rule conditions do; dimension arms and member `when`s are summarized). */
  private listTests = false;

  constructor(
    private readonly p: PreparedPolicy,
    private readonly trace: TraceEntry[] | null,
  ) {}

  tracing(trace: TraceEntry[]): Evaluator {
    return new Walker(this.p, trace);
  }

  matchRule(lead: unknown, scratch: Scratch): number {
    const rules = this.p.rules;
    for (let i = 0; i < rules.length; i++) {
      if (this.trace === null ? this.holds(rules[i], lead, scratch, false) : this.traceRule(i, lead, scratch)) return i;
    }
    return -1;
  }

  dimension(dim: number, lead: unknown, scratch: Scratch): string | null {
    const memo = scratch[dim];
    if (memo !== undefined) return memo;
    const value = this.trace === null ? this.classify(dim, lead, scratch) : this.traceDimension(dim, lead, scratch, this.trace);
    scratch[dim] = value;
    return value;
  }

  memberTakes(pool: number, member: number, lead: unknown, scratch: Scratch): boolean {
    const when = this.p.members[pool][member];
    if (when === null) return true;
    if (this.trace === null) return this.holds(when, lead, scratch, false);
    const outer = this.enter(null, false);
    const taken = this.holds(when, lead, scratch, false);
    this.leave(outer);
    return taken;
  }

  private classify(dim: number, lead: unknown, scratch: Scratch): string | null {
    for (const arm of this.p.dimensions[dim]) if (this.holds(arm.cond, lead, scratch, false)) return arm.value;
    return null;
  }

  private holds(c: PreparedCond, lead: unknown, scratch: Scratch, negated: boolean): boolean {
    switch (c.kind) {
      case 'true':
        return true;
      case 'and':
        for (const arg of c.args) if (!this.holds(arg, lead, scratch, negated)) return false;
        return true;
      case 'or':
        for (const arg of c.args) if (this.holds(arg, lead, scratch, negated)) return true;
        return false;
      case 'not':
        return !this.holds(c.arg, lead, scratch, !negated);
      case 'test': {
        const v = c.subject.kind === 'path' ? readPath(lead, this.p.ir.paths[c.subject.path]) : this.dimension(c.subject.dim, lead, scratch);
        const ok = holds(v, c.test);
        if (this.trace !== null) this.traceTest(c, v, ok, negated, this.trace);
        return ok;
      }
    }
  }

  // ---- tracing ---------------------------------------------------------------------------

  private subjectName(ref: ValueRef): string {
    return ref.kind === 'path' ? this.p.pathText[ref.path] : this.p.ir.dimensions[ref.dim].name;
  }

  /** Starts collecting values for a new entry; returns what to restore. */
  private enter(reads: Record<string, unknown> | null, listTests: boolean): [Record<string, unknown> | null, boolean] {
    const outer: [Record<string, unknown> | null, boolean] = [this.reads, this.listTests];
    this.reads = reads;
    this.listTests = listTests;
    return outer;
  }

  private leave(outer: [Record<string, unknown> | null, boolean]): void {
    [this.reads, this.listTests] = outer;
  }

  private traceRule(i: number, lead: unknown, scratch: Scratch): boolean {
    const rule = this.p.ir.rules[i];
    const entry: TraceEntry = { step: 'rule', source: rule.source, line: rule.line, values: {}, result: null };
    (this.trace as TraceEntry[]).push(entry);
    const outer = this.enter(entry.values as Record<string, unknown>, true);
    const held = this.holds(this.p.rules[i], lead, scratch, false);
    this.leave(outer);
    entry.result = held;
    const where = `rule ${rule.index} (line ${rule.line})`;
    entry.note =
      rule.cond.kind === 'true' ? `${where} has no condition (else): it always holds and decides` : held ? `${where} holds and decides` : `${where} does not hold; trying the next rule`;
    return held;
  }

  private traceTest(c: Extract<PreparedCond, { kind: 'test' }>, v: unknown, ok: boolean, negated: boolean, trace: TraceEntry[]): void {
    const name = this.subjectName(c.subject);
    if (this.reads !== null) putKey(this.reads, name, traceValue(v));
    if (!this.listTests) return;
    const t = c.test.test;
    let hint = '';
    if ((t.kind === 'cmp' || t.kind === 'between') && !isBlank(v) && !Array.isArray(v) && (t.time ? toTime(v) : toNumber(v)) === null) {
      hint = t.time ? ' (not a date)' : ' (not a number)';
    }
    const values: Record<string, unknown> = {};
    putKey(values, name, traceValue(v));
    trace.push({
      step: 'condition',
      source: c.source,
      values,
      result: ok,
      note: `${name} is ${showValue(v)}${hint}, so \`${c.source}\` ${ok ? 'holds' : 'fails'}${negated ? ' (inside `not`)' : ''}`,
    });
  }

  private traceDimension(dim: number, lead: unknown, scratch: Scratch, trace: TraceEntry[]): string | null {
    const d = this.p.ir.dimensions[dim];
    const entry: TraceEntry = { step: 'dimension', source: d.name, values: {}, result: null };
    trace.push(entry);
    const reads = entry.values as Record<string, unknown>;
    const outer = this.enter(reads, false);
    const tried: string[] = [];
    let value: string | null = null;
    for (const arm of this.p.dimensions[dim]) {
      const held = this.holds(arm.cond, lead, scratch, false);
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
  return new Walker(
    {
      ir,
      rules: ir.rules.map((r) => prepareCond(r.cond)),
      dimensions: ir.dimensions.map((d) => d.arms.map((a) => ({ value: a.value, cond: prepareCond(a.cond), text: a.cond.kind === 'true' ? 'otherwise' : condText(a.cond) }))),
      members: ir.pools.map((p) => p.members.map((m) => (m.when === null ? null : prepareCond(m.when)))),
      pathText: ir.paths.map((segments) => segments.join('.')),
    },
    null,
  );
}
