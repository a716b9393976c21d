// What a lead's values mean to a condition: the primitives under both dsl/ (checking literals)
// and compiler/ (both evaluators), so that nothing can drift. Rules (LANGUAGE.md, "Values"): no
// lead can make a condition throw; blank values fail every test but `is blank`, `!=` and `not in`; text
// comparisons ignore case and surrounding white space; numeric ones accept numeric strings.

import { RE2JS } from 're2js';
import { parseInstant } from './time';

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

/** An instant in ms: a Date, epoch milliseconds, or an ISO 8601 date or date-time (UTC unless it says). */
export function toTime(v: unknown): number | null {
  if (v instanceof Date) return Number.isFinite(v.getTime()) ? v.getTime() : null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  return typeof v === 'string' ? parseInstant(v) : null;
}

/** Compiles an RE2 pattern; throws RE2's syntax error for patterns RE2 rejects (backreferences, lookaround). */
export function compileRegex(pattern: string): RE2JS {
  return RE2JS.compile(pattern);
}
