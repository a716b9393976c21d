// A condition's tests made ready, and the one statement of how a test holds on a value, shared by
// both evaluators so that codegen and reference cannot drift. The value primitives (blank, text,
// number, instant) are core/values.ts.

import type { RE2JS } from 're2js';
import { compileRegex, isBlank, normText, toNumber, toTime } from '../core/values';
import type { TestIR } from './ir';

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
