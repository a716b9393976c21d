// What a lead's values mean to a condition. One definition, used by both evaluators, so that
// codegen and reference cannot drift. Rules (LANGUAGE.md, "Values"): no lead can make a
// condition throw; blank values fail every test but `is blank`, `!=` and `not in`; text
// comparisons ignore case and surrounding white space; numeric ones accept numeric strings.

import { RE2JS } from 're2js';
import type { TestIR } from './ir';

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Reads a path through own properties only, so `__proto__` or `constructor` in a lead or a
 * policy is plain data and no prototype is ever read. A dotted key written flat
 * (`{"account.status": ...}`) is found too when the nested path is missing.
 */
export function readPath(lead: unknown, segments: readonly string[]): unknown {
  let cur: unknown = lead;
  for (let i = 0; i < segments.length; i++) {
    if (cur === null || typeof cur !== 'object' || !hasOwn.call(cur, segments[i])) {
      if (segments.length > 1 && lead !== null && typeof lead === 'object') {
        const flat = segments.join('.');
        if (hasOwn.call(lead, flat)) return (lead as Record<string, unknown>)[flat];
      }
      return undefined;
    }
    cur = (cur as Record<string, unknown>)[segments[i]];
  }
  return cur;
}

/** Missing, null, empty or white-space-only text, and a list of nothing but blanks. */
export function isBlank(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.every(isBlank);
  return false;
}

/** Text for comparison: trimmed and lower-cased; numbers and booleans as written by JSON; anything else null. */
export function normText(v: unknown): string | null {
  switch (typeof v) {
    case 'string':
      return v.trim().toLowerCase();
    case 'number':
      return Number.isFinite(v) ? String(v) : null;
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return null;
  }
}

const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** A finite number, or a string that is one (`"1200"`, `" 12.5 "`); anything else null. */
export function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string') {
    const t = v.trim();
    // The length bound keeps a 1 MB string from being scanned for nothing.
    if (t.length === 0 || t.length > 64 || !NUMERIC.test(t)) return null;
    const n = Number(t);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** An instant in ms: a Date, epoch milliseconds, or an ISO 8601 date or date-time (UTC unless it says). */
export function toTime(v: unknown): number | null {
  if (v instanceof Date) return Number.isFinite(v.getTime()) ? v.getTime() : null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string') {
    const t = v.trim();
    if (t.length > 40 || !ISO_DATE.test(t)) return null;
    const ms = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(t) || t.length === 10 ? t : `${t}Z`);
    return Number.isFinite(ms) ? ms : null;
  }
  return null;
}

/**
 * A test made ready to run: its literals in one object shape whatever its kind (so the hot reads
 * of them see one shape), sets built and the regex compiled once.
 */
export class PreparedTest {
  readonly kind: TestIR['kind'];
  /** The text of `=`, `!=`, `contains`, `starts with`, `ends with`. */
  readonly text: string = '';
  /** The number of `=`, `!=` (null: the literal is not one) and of `<`, `<=`, `>`, `>=`. */
  readonly num: number | null = null;
  readonly op: Extract<TestIR, { kind: 'cmp' }>['op'] = '<';
  /** Whether `cmp` / `between` compare instants. */
  readonly time: boolean = false;
  readonly low: number = 0;
  readonly high: number = 0;
  /** `not in`, `is not blank`. */
  readonly negated: boolean = false;
  readonly texts: Set<string> | null = null;
  readonly nums: Set<number> | null = null;
  readonly regex: RE2JS | null = null;

  constructor(readonly test: TestIR) {
    this.kind = test.kind;
    switch (test.kind) {
      case 'eq':
      case 'ne':
        this.text = test.text;
        this.num = test.num;
        break;
      case 'cmp':
        this.op = test.op;
        this.num = test.num;
        this.time = test.time;
        break;
      case 'between':
        this.low = test.low;
        this.high = test.high;
        this.time = test.time;
        break;
      case 'in':
        this.negated = test.negated;
        this.texts = new Set(test.texts);
        this.nums = test.nums.length > 0 ? new Set(test.nums) : null;
        break;
      case 'blank':
        this.negated = test.negated;
        break;
      case 'contains':
      case 'starts_with':
      case 'ends_with':
        this.text = test.text;
        break;
      case 'matches':
        this.regex = compileRegex(test.pattern);
        break;
    }
  }
}

/** Compiles an RE2 pattern; throws RE2's syntax error for patterns RE2 rejects (backreferences, lookaround). */
export function compileRegex(pattern: string): RE2JS {
  return RE2JS.compile(pattern);
}

export function prepareTest(test: TestIR): PreparedTest {
  return new PreparedTest(test);
}

/**
 * One value under test, and what the tests derive from it (blank-ness, text, number, instant),
 * each worked out when first asked and then kept: an evaluator that reads a path once per
 * decision asks these once however many tests use the value.
 */
export class ValueReading {
  value: unknown = undefined;
  private blank: boolean | undefined = undefined;
  private text: string | null | undefined = undefined;
  private num: number | null | undefined = undefined;
  private time: number | null | undefined = undefined;

  constructor(value?: unknown) {
    this.value = value;
  }

  /** Starts over with another value. */
  reset(value: unknown): void {
    this.value = value;
    this.blank = this.text = this.num = this.time = undefined;
  }

  isBlank(): boolean {
    // Text is blank exactly when its normalized form is empty, so text is trimmed only once.
    if (this.blank === undefined) this.blank = typeof this.value === 'string' ? this.normText() === '' : isBlank(this.value);
    return this.blank;
  }

  normText(): string | null {
    if (this.text === undefined) this.text = normText(this.value);
    return this.text;
  }

  toNumber(): number | null {
    if (this.num === undefined) this.num = toNumber(this.value);
    return this.num;
  }

  toTime(): number | null {
    if (this.time === undefined) this.time = toTime(this.value);
    return this.time;
  }
}

/** Whether a value passes a test, with the blank and list rules applied. */
export function holds(v: unknown, p: PreparedTest): boolean {
  // A list (a multi-select picklist) passes a positive test when one element does, and a
  // negative one when no element fails it; `is blank` looks at the whole list.
  if (Array.isArray(v) && p.kind !== 'blank') {
    const negative = p.kind === 'ne' || (p.kind === 'in' && p.negated);
    return negative ? v.every((x) => readingHolds(new ValueReading(x), p)) : v.some((x) => readingHolds(new ValueReading(x), p));
  }
  return readingHolds(new ValueReading(v), p);
}

/** The rules of one test on one value that is not taken as a list: the one statement of them. */
export function readingHolds(r: ValueReading, t: PreparedTest): boolean {
  if (t.kind === 'blank') return r.isBlank() !== t.negated;
  if (r.isBlank()) return t.kind === 'ne' || (t.kind === 'in' && t.negated);
  switch (t.kind) {
    case 'eq':
    case 'ne': {
      // A number literal compares as a number with a numeric value, as text otherwise.
      const n = t.num === null ? null : r.toNumber();
      const equal = n !== null ? n === t.num : r.normText() === t.text;
      return equal === (t.kind === 'eq');
    }
    case 'cmp': {
      const n = t.time ? r.toTime() : r.toNumber();
      if (n === null) return false;
      const limit = t.num as number;
      return t.op === '<' ? n < limit : t.op === '<=' ? n <= limit : t.op === '>' ? n > limit : n >= limit;
    }
    case 'between': {
      const n = t.time ? r.toTime() : r.toNumber();
      return n !== null && n >= t.low && n <= t.high;
    }
    case 'in': {
      const found = (t.texts as Set<string>).has(r.normText() as string) || (t.nums !== null && t.nums.has(r.toNumber() as number));
      return found !== t.negated;
    }
    case 'contains':
    case 'starts_with':
    case 'ends_with': {
      const s = r.normText();
      if (s === null) return false;
      return t.kind === 'contains' ? s.includes(t.text) : t.kind === 'starts_with' ? s.startsWith(t.text) : s.endsWith(t.text);
    }
    case 'matches': {
      // Case-sensitive, on the text as written.
      const v = r.value;
      const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
      return s !== null && (t.regex as RE2JS).matcher(s).find();
    }
  }
}
