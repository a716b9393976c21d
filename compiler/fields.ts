// Declared fields read as their types before any rule sees the lead (LANGUAGE.md, "Reading
// declared fields (v1.1)"): each from its own path or the first of its `from` columns that is not
// blank, through the one reader per type that Normalize Lead uses too (fields/read.ts). The rules
// then see a lead made of the read values only: a value that cannot be read is blank there, and
// the decision says so in `warnings`. A policy without a `fields` block never comes here.

import { Picklist } from '../fields/picklists';
import { defaultReading, fieldSources, firstValue, valueReader, type FieldSource, type Read, type ReadContext, type ValueReader } from '../fields/read';
import type { FieldWarning, TraceEntry } from './decision';
import type { FieldIR } from './ir';
import { putKey, showValue, traceValue } from './reference';

interface PreparedField {
  ir: FieldIR;
  /** The field's type's reader (fields/read.ts). */
  readValue: ValueReader;
  /** Where the value may be: the field's own path, then each `from` name. */
  sources: FieldSource[];
}

/**
 * A lead of only the read values. Plain objects (V8 keeps them fast, where objects without a
 * prototype are dictionaries): keys are looked up as own properties and `__proto__` is written as
 * an own data property, so no key reaches a prototype.
 */
type View = Record<string, unknown>;

const hasOwn = Object.prototype.hasOwnProperty;

function setIn(view: View, segments: readonly string[], value: unknown): void {
  let at = view;
  for (let i = 0; i < segments.length - 1; i++) {
    const key = segments[i];
    let next = hasOwn.call(at, key) ? (at[key] as View) : undefined;
    if (next === undefined) {
      next = {};
      putKey(at, key, next);
    }
    at = next;
  }
  putKey(at, segments[segments.length - 1], value);
}

/** `not_a_number` as the decision's warnings say it: `not a number`. */
const problemText = (code: string): string => code.replace(/_/g, ' ');

export class FieldReader {
  private readonly fields: PreparedField[];

  constructor(fields: readonly FieldIR[]) {
    const prepared = fields.map(
      (f): PreparedField => {
        const reading = defaultReading(f.type, f.type === 'enum' ? new Picklist(f.name, f.values) : null);
        return { ir: f, readValue: valueReader(reading), sources: fieldSources(f.name, f.from) };
      },
    );
    // Countries first: phones are read in the lead's country.
    this.fields = [...prepared.filter((f) => f.ir.type === 'country'), ...prepared.filter((f) => f.ir.type !== 'country')];
  }

  /** The lead as the rules see it; each value that cannot be read is added to `warnings`, and with a trace each reading is told (in words with `words`). */
  read(lead: unknown, warnings: FieldWarning[], trace: TraceEntry[] | null, words = true): View {
    const view: View = {};
    const context: ReadContext = { country: null };
    for (const f of this.fields) {
      const { raw, from } = firstValue(lead, f.sources);
      let read = f.readValue(raw, context);
      // A list of several values (a multi-select) keeps the language's list rules: each element is read.
      if (!read.ok && read.problem === 'multiple_values' && Array.isArray(raw)) read = readList(f.readValue, raw, context);
      if (!read.ok) warnings.push({ field: f.ir.name, value: traceValue(raw), problem: problemText(read.problem) });
      else if (read.value !== null) {
        setIn(view, f.ir.segments, read.value);
        if (f.ir.type === 'country' && context.country === null) context.country = read.value as string;
      }
      if (trace !== null) trace.push(traceEntry(f, from, raw, read.ok ? read.value : undefined, read.ok ? null : read.problem, words));
    }
    return view;
  }
}

/** Each element of a list read as the field's type; the first that cannot be read makes the list unreadable. */
function readList(readValue: ValueReader, list: readonly unknown[], context: ReadContext): Read {
  const values: unknown[] = [];
  for (const element of list) {
    const read = readValue(element, context);
    if (!read.ok) return read;
    if (read.value !== null) values.push(read.value);
  }
  return { ok: true, value: values.length === 0 ? null : values };
}

function traceEntry(f: PreparedField, from: FieldSource, raw: unknown, value: unknown, problem: string | null, words: boolean): TraceEntry {
  const name = f.ir.name;
  const result = problem !== null ? false : value === null ? null : String(traceValue(value));
  if (!words) return { step: 'field', source: name, result };
  const values: Record<string, unknown> = {};
  putKey(values, from.name, traceValue(raw));
  const where = from.name === name ? '' : ` from ${JSON.stringify(from.name)}`;
  let note: string;
  if (problem !== null) note = `${name} ${showValue(raw)}${where} cannot be read as ${f.ir.type} (${problemText(problem)}): blank for the rules`;
  else if (value === null) note = `${name} is blank${f.sources.length > 1 ? ` (looked in ${f.sources.map((s) => (s.name === name ? s.name : JSON.stringify(s.name))).join(', ')})` : ''}`;
  else note = `${name} ${showValue(raw)}${where} read as ${showValue(value)} (${f.ir.type})`;
  return { step: 'field', source: name, values, result, note };
}
