// What every normalizer shares: the outcome shape, bounds on input size, the text folding used to
// compare names and picklist values, and bounded previews of values for problem reports. Lead
// values can be anything JSON holds (a 1 MB string, a 10,000-element array, `__proto__` keys),
// so nothing here scans more than a bounded prefix or walks more than a bounded number of items.

/** What one normalizer makes of one value: the clean value, or why there is none. */
export type Cleaned<T> = { ok: true; value: T } | { ok: false; problem: string; message: string };

export function cleaned<T>(value: T): Cleaned<T> {
  return { ok: true, value };
}

export function failed<T = never>(problem: string, message: string): Cleaned<T> {
  return { ok: false, problem, message };
}

/**
 * Longest text a typed normalizer reads (a country, a picklist value, a number). Longer text is
 * reported as too long without being scanned: no library call, regex or fold ever sees it.
 */
export const MAX_SHORT_CHARS = 256;

/** Longest text kept without a problem in any field (a 1 MB paste is not a lead field). */
export const MAX_TEXT_CHARS = 65_536;

const hasOwn = Object.prototype.hasOwnProperty;

export function isOwn(obj: object, key: string): boolean {
  return hasOwn.call(obj, key);
}

/** A plain data object (not an array, not null). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Sets an own data property; `__proto__` stays a key like any other instead of changing the prototype. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Whether text is all ASCII (then Unicode normalization and accent folding have nothing to do). */
function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** NFC form (composed accents: `Mu\u0308ller` becomes `Müller`), skipped for ASCII text. */
export function nfc(s: string): string {
  return isAscii(s) ? s : s.normalize('NFC');
}

const COMBINING_MARKS = /[\u0300-\u036f]/g;

/** Lower case without accents: `México` and `mexico` fold alike. */
export function foldAccents(s: string): string {
  const lower = s.toLowerCase();
  return isAscii(lower) ? lower : lower.normalize('NFKD').replace(COMBINING_MARKS, '');
}

const SEPARATORS = /[\s_-]+/g;

/**
 * The key a picklist value is compared by: case, accents, surrounding white space and the choice
 * of separator between words (space, `_`, `-`) are ignored, so `Paid Search`, ` paid_search` and
 * `PAID-SEARCH` are one value.
 */
export function picklistKey(s: string): string {
  return foldAccents(s).replace(SEPARATORS, ' ').trim();
}

const INVISIBLE = /[\u200b-\u200d\u2060\ufeff\u00ad]/g;

/** Without zero-width characters and soft hyphens, which copy and paste brings into addresses and numbers. */
export function stripInvisible(s: string): string {
  return isAscii(s) ? s : s.replace(INVISIBLE, '');
}

const INNER_SPACE = /\s+/g;

/** Trimmed, runs of white space made one space, NFC: how a name or a one-line text field is kept. */
export function tidyLine(s: string): string {
  return isTidy(s) ? s : nfc(s.trim().replace(INNER_SPACE, ' '));
}

/** ASCII text without white space at either end, control characters or double spaces: tidyLine would return it unchanged. */
function isTidy(s: string): boolean {
  if (s.length === 0) return true;
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(s.length - 1);
  if (first <= 32 || first > 0x7e || last <= 32 || last > 0x7e) return false;
  for (let i = 1; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c > 0x7e || (c === 32 && s.charCodeAt(i + 1) === 32)) return false;
  }
  return true;
}

/** Longest string shown whole in a problem; longer ones are cut and their length given. */
const PREVIEW_CHARS = 200;
/** Items of an array or object shown in a problem before `…`. */
const PREVIEW_ITEMS = 10;
const PREVIEW_DEPTH = 3;

/**
 * A value as a problem report shows it: small values as they are, long strings cut
 * (`"xxxx…" (1048576 characters)`), large arrays and objects cut to their first items. Bounded
 * work whatever the value. Objects come back as prototype-less copies, so `__proto__` stays data.
 */
export function preview(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') {
    return value.length <= PREVIEW_CHARS ? value : `${value.slice(0, PREVIEW_CHARS)}… (${value.length} characters)`;
  }
  if (value === null || typeof value !== 'object') return value === undefined ? null : value;
  if (depth >= PREVIEW_DEPTH) return Array.isArray(value) ? `(an array of ${value.length} items)` : '(an object)';
  if (Array.isArray(value)) {
    const shown = value.slice(0, PREVIEW_ITEMS).map((item) => preview(item, depth + 1));
    if (value.length > PREVIEW_ITEMS) shown.push(`… (${value.length} items)`);
    return shown;
  }
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const key in value) {
    if (!hasOwn.call(value, key)) continue;
    if (++n > PREVIEW_ITEMS) {
      setOwn(out, '…', 'more keys');
      break;
    }
    setOwn(out, key, preview((value as Record<string, unknown>)[key], depth + 1));
  }
  return out;
}

/** A value quoted for a message, short. */
export function quote(value: unknown): string {
  const shown = preview(value);
  const text = typeof shown === 'string' ? JSON.stringify(shown) : JSON.stringify(shown) ?? String(shown);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * One value out of what a single-valued field holds: a list with one non-blank element gives
 * that element (forms and CRM exports wrap single picks in arrays), a list of several distinct
 * values is a problem, a list of blanks gives null. CRMs that export `[{ "value": ..., "primary":
 * true }]` (Pipedrive) give the primary entry's value, or the only one's. Anything else passes
 * through.
 */
export function singleValue(v: unknown): Cleaned<unknown> {
  if (!Array.isArray(v)) return cleaned(isRecord(v) && isOwn(v, 'value') && !isRecord(v.value) ? v.value : v);
  if (v.length > PREVIEW_CHARS) return failed('multiple_values', `holds a list of ${v.length} values where one is expected`);
  const primary = v.find((item) => isRecord(item) && item.primary === true && isOwn(item, 'value'));
  if (primary !== undefined) return singleValue(primary);
  let found: unknown = null;
  let count = 0;
  for (const entry of v) {
    const item = isRecord(entry) && isOwn(entry, 'value') ? entry.value : entry;
    if (item === null || item === undefined || (typeof item === 'string' && item.trim() === '')) continue;
    if (count > 0 && sameScalar(item, found)) continue;
    found = item;
    if (++count > 1) return failed('multiple_values', `holds ${v.length} values where one is expected`);
  }
  return cleaned(found);
}

function sameScalar(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string' && a.length <= MAX_SHORT_CHARS && b.length <= MAX_SHORT_CHARS) {
    return a.trim().toLowerCase() === b.trim().toLowerCase();
  }
  return Object.is(a, b);
}

/** The kind of a value in words, for messages. */
export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

/**
 * Why a lead needs review (or, as a warning, what could not be cleaned): machine-readable
 * (`field`, `value`, `problem`) and readable by a person (`message`, which names the field).
 */
export interface Problem {
  /** The lead path, `account.status`. */
  field: string;
  /** The value as found (a preview: long strings and large lists are cut). */
  value: unknown;
  /** A stable code: `invalid_phone`, `unknown_country`, `schema.enum`, ... */
  problem: string;
  message: string;
  /** For schema problems: the rule broken, as a JSON pointer into the schema (`#/properties/type/enum`). */
  rule?: string;
}

export function makeProblem(field: string, value: unknown, problem: string, message: string): Problem {
  return { field, value: preview(value), problem, message: `${field}: ${message}` };
}
