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

/** A test made ready to run: sets built and regexes compiled once. */
export interface PreparedTest {
  test: TestIR;
  texts: Set<string> | null;
  nums: Set<number> | null;
  regex: RE2JS | null;
}

/** Compiles an RE2 pattern; throws RE2's syntax error for patterns RE2 rejects (backreferences, lookaround). */
export function compileRegex(pattern: string): RE2JS {
  return RE2JS.compile(pattern);
}

export function prepareTest(test: TestIR): PreparedTest {
  return {
    test,
    texts: test.kind === 'in' ? new Set(test.texts) : null,
    nums: test.kind === 'in' && test.nums.length > 0 ? new Set(test.nums) : null,
    regex: test.kind === 'matches' ? compileRegex(test.pattern) : null,
  };
}

/** Whether a value passes a test, with the blank and list rules applied. */
export function holds(v: unknown, p: PreparedTest): boolean {
  const t = p.test;
  if (t.kind === 'blank') return isBlank(v) !== t.negated;
  const negative = t.kind === 'ne' || (t.kind === 'in' && t.negated);
  if (isBlank(v)) return negative;
  // A list (a multi-select picklist) passes a positive test when one element does, and a
  // negative one when no element fails it.
  if (Array.isArray(v)) return negative ? v.every((x) => isBlank(x) || scalarHolds(x, p)) : v.some((x) => !isBlank(x) && scalarHolds(x, p));
  return scalarHolds(v, p);
}

function scalarHolds(v: unknown, p: PreparedTest): boolean {
  const t = p.test;
  switch (t.kind) {
    case 'eq':
      return textOrNumberEquals(v, t.text, t.num);
    case 'ne':
      return !textOrNumberEquals(v, t.text, t.num);
    case 'cmp': {
      const n = t.time ? toTime(v) : toNumber(v);
      if (n === null) return false;
      switch (t.op) {
        case '<':
          return n < t.num;
        case '<=':
          return n <= t.num;
        case '>':
          return n > t.num;
        case '>=':
          return n >= t.num;
      }
      return false;
    }
    case 'between': {
      const n = t.time ? toTime(v) : toNumber(v);
      return n !== null && n >= t.low && n <= t.high;
    }
    case 'in': {
      const found = (p.texts as Set<string>).has(normText(v) as string) || (p.nums !== null && p.nums.has(toNumber(v) as number));
      return found !== t.negated;
    }
    case 'contains':
    case 'starts_with':
    case 'ends_with': {
      const s = normText(v);
      if (s === null) return false;
      return t.kind === 'contains' ? s.includes(t.text) : t.kind === 'starts_with' ? s.startsWith(t.text) : s.endsWith(t.text);
    }
    case 'matches': {
      const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
      return s !== null && (p.regex as RE2JS).matcher(s).find();
    }
    case 'blank':
      return isBlank(v) !== t.negated;
  }
}

function textOrNumberEquals(v: unknown, text: string, num: number | null): boolean {
  if (num !== null) {
    const n = toNumber(v);
    if (n !== null) return n === num;
  }
  return normText(v) === text;
}
