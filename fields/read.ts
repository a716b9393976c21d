// Reading one value as its field's kind: the one implementation per type that decide() (for a
// policy's declared fields), explain and Normalize Lead share, so a dirty value cannot go down
// one path in one place and another elsewhere. A value is blank (null), read (its canonical
// form: a number, an ISO country code, an E.164 phone, an ISO date-time...), or not readable,
// with the problem in words.

import type { IANAZone } from 'luxon';
import { isoUtc } from '../core/time';
import { isBlank, readPath } from '../core/values';
import { DEFAULT_BLANK_WORDS, type BlankWords } from './blank';
import { normalizeCountry, normalizeRegion } from './country';
import { parseDatetime } from './datetime';
import { normalizeEmail, type CleanEmail } from './email';
import { parseFormNumber, type RangePoint } from './numbers';
import { normalizePhone } from './phone';
import type { Picklist } from './picklists';
import { cleaned, failed, isRecord, kindOf, MAX_SHORT_CHARS, MAX_TEXT_CHARS, quote, singleValue, tidyLine, type Cleaned } from './text';

/** The language's field types, plus `region` (a US state or Canadian province, read in the lead's country). */
export type FieldKind = 'text' | 'number' | 'boolean' | 'email' | 'phone' | 'country' | 'region' | 'datetime' | 'enum';

export const FIELD_KINDS: readonly FieldKind[] = ['text', 'number', 'boolean', 'email', 'phone', 'country', 'region', 'datetime', 'enum'];

/** How a field's values are read. */
export interface FieldReading {
  kind: FieldKind;
  /** An enum's values (and any synonyms): the spellings that resolve to each. Null: a field without a list. */
  picklist: Picklist | null;
  /** A phone that must be a mobile number. */
  mobile: boolean;
  /** Which point of a range (`51-200`) a number reads as. */
  ranges: RangePoint;
  /** Texts that mean "nothing here" (`n/a`, `-`, `none`). */
  blank: BlankWords;
}

/** The reading of a declared field with the defaults (no synonyms, ranges read low, the usual blank words). */
export function defaultReading(kind: FieldKind, picklist: Picklist | null = null): FieldReading {
  return { kind, picklist, mobile: false, ranges: 'low', blank: DEFAULT_BLANK_WORDS };
}

/** What the reading of one value knows of the lead: its country (ISO alpha-2), in which phones and regions are read. */
export interface ReadContext {
  country: string | null;
  /** The zone of date-times written without one (a replay's `tz`); UTC when absent. */
  zone?: IANAZone | null;
}

/** A place a field's value may be: its own path, or a `from` name (a key exactly as written first, then a dotted path). */
export interface FieldSource {
  name: string;
  segments: readonly string[];
  exact: boolean;
}

/** Where a field is looked for, in order: its own path, then each `from` name. */
export function fieldSources(path: string, from: readonly string[]): FieldSource[] {
  return [{ name: path, segments: path.split('.'), exact: false }, ...from.map((name) => ({ name, segments: name.split('.'), exact: true }))];
}

const hasOwn = Object.prototype.hasOwnProperty;

/** The value of the first source that is not blank (else the last one's), and that source. */
export function firstValue(lead: unknown, sources: readonly FieldSource[]): { raw: unknown; from: FieldSource } {
  let raw: unknown = undefined;
  let from = sources[0];
  for (const source of sources) {
    from = source;
    raw = source.exact && lead !== null && typeof lead === 'object' && hasOwn.call(lead, source.name) ? (lead as Record<string, unknown>)[source.name] : readPath(lead, source.segments);
    if (!isBlank(raw)) break;
  }
  return { raw, from };
}

/** A value read: `value` null is blank; an email also gives its domain facts. */
export type Read = { ok: true; value: unknown; email?: CleanEmail } | { ok: false; problem: string; message: string };

const BLANK: Read = { ok: true, value: null };

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'on', 'x', 'checked', 'ja', 'oui', 'si', 'sí']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'off', 'unchecked', 'nein', 'non']);

function readBoolean(v: unknown): Cleaned<boolean> {
  if (typeof v === 'boolean') return cleaned(v);
  if (v === 1 || v === 0) return cleaned(v === 1);
  if (typeof v === 'string' && v.length <= MAX_SHORT_CHARS) {
    const t = v.trim().toLowerCase();
    if (TRUE_WORDS.has(t)) return cleaned(true);
    if (FALSE_WORDS.has(t)) return cleaned(false);
  }
  return failed('not_a_boolean', `${quote(v)} is not yes or no`);
}

function readDatetime(v: unknown, zone: IANAZone | null): Cleaned<string> {
  const ms = typeof v === 'number' ? (Number.isFinite(v) ? v : null) : typeof v === 'string' ? parseDatetime(v, zone) : null;
  return ms === null ? failed('not_a_datetime', `${quote(v)} is not a date or date-time (write 2026-11-23 or 2026-11-23T15:00:00Z)`) : cleaned(isoUtc(ms));
}

/** Text as the text kinds keep it: tidied; numbers and booleans as written. */
function asText(v: unknown): string {
  return typeof v === 'string' ? tidyLine(v) : String(v);
}

/**
 * One value of a field read as its kind. Blank (missing, null, empty, a blank word, a list of
 * blanks) gives `value: null`. Never throws.
 */
export function readValue(reading: FieldReading, raw: unknown, context: ReadContext): Read {
  if (raw === undefined || raw === null || raw === '') return BLANK;
  if (typeof raw === 'string' && raw.length > MAX_TEXT_CHARS) return { ok: false, problem: 'too_long', message: `text of ${raw.length} characters` };
  let value: unknown = raw;
  if (Array.isArray(raw) || isRecord(raw)) {
    const single = singleValue(raw);
    if (!single.ok) return single;
    value = single.value;
    if (value === null) return BLANK;
  }
  if (typeof value === 'object') return { ok: false, problem: 'wrong_type', message: `expected ${reading.kind === 'number' ? 'a number' : 'text'}, found ${kindOf(value)}` };
  // A listed spelling wins over blank words (`none` may be an enum value).
  const listed = reading.picklist?.resolve(value) ?? null;
  if (listed === null && typeof value === 'string' && reading.blank.isBlankText(value)) return BLANK;
  const given = listed ?? value;
  switch (reading.kind) {
    case 'email': {
      const email = normalizeEmail(given);
      return email.ok ? { ok: true, value: email.value.email, email: email.value } : email;
    }
    case 'country':
      return normalizeCountry(given);
    case 'phone': {
      const phone = normalizePhone(given, context.country, { mobile: reading.mobile });
      return phone.ok ? cleaned(phone.value.e164) : phone;
    }
    case 'number':
      return parseFormNumber(given, { ranges: reading.ranges });
    case 'boolean':
      return readBoolean(given);
    case 'datetime':
      return readDatetime(given, context.zone ?? null);
    case 'region':
      return normalizeRegion(given, context.country) ?? cleaned(asText(given));
    case 'enum':
      if (listed !== null) return cleaned(listed);
      return { ok: false, problem: 'not_in_list', message: `${quote(value)} is not one of ${reading.picklist?.values.join(', ') ?? 'its values'}` };
    case 'text':
      return cleaned(asText(given));
  }
}

/** Kinds whose reading of a text depends on the text alone (not on the lead's country or a zone). */
const CONTEXT_FREE: ReadonlySet<FieldKind> = new Set<FieldKind>(['number', 'boolean', 'country', 'enum']);
/** Texts remembered per field; past this the memory starts over, so unique values cost a lookup, not memory. */
const MEMO_ENTRIES = 512;
const MEMO_KEY_CHARS = 64;

/** How one field's values are read: readValue with the reading bound. */
export type ValueReader = (raw: unknown, context: ReadContext) => Read;

/**
 * readValue for one field, remembering what recent short texts of a context-free kind read as:
 * an export repeats its dirty spellings (`Deutschland`, `51-200`, `Demo Request`) across leads,
 * and each is parsed once. A remembered Read is shared, so callers never change one.
 */
export function valueReader(reading: FieldReading): ValueReader {
  if (!CONTEXT_FREE.has(reading.kind)) return (raw, context) => readValue(reading, raw, context);
  const memo = new Map<string, Read>();
  return (raw, context) => {
    if (typeof raw !== 'string' || raw.length > MEMO_KEY_CHARS) return readValue(reading, raw, context);
    let read = memo.get(raw);
    if (read === undefined) {
      read = readValue(reading, raw, context);
      if (memo.size >= MEMO_ENTRIES) memo.clear();
      memo.set(raw, read);
    }
    return read;
  };
}
