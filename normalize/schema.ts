// Validation with Ajv: the JSON Schema derived from a policy's `fields` block (or one the user
// gives), compiled once per distinct schema and cached. The result lists every failing field with
// its value and the rule it broke. Patterns in user schemas run on re2js (linear time), like the
// policy's own `matches`; the formats the field types need are ours, so no format package is used.

import Ajv, { type CodeOptions, type ErrorObject, type ValidateFunction } from 'ajv';
import { RE2JS } from 're2js';
import { isBlank, toTime } from '../core/values';
import { isCountryCode } from '../fields/country';
import { isEmailAddress } from '../fields/email';
import type { FieldSpec } from './fields';
import { isE164 } from '../fields/phone';
import { isOwn, isRecord, preview, quote, setOwn, type Problem } from '../fields/text';

export type JsonSchema = Record<string, unknown>;

/** The JSON Schema type of each field kind, after normalization. */
function kindSchema(f: FieldSpec): JsonSchema {
  switch (f.kind) {
    case 'text':
    case 'region':
      return { type: 'string' };
    case 'number':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'email':
      return { type: 'string', format: 'email' };
    case 'phone':
      return { type: 'string', format: 'phone' };
    case 'country':
      return { type: 'string', format: 'country' };
    case 'datetime':
      return { type: 'string', format: 'date-time' };
    case 'enum':
      return { enum: [...f.values] };
  }
}

/**
 * The JSON Schema of a set of fields: an object whose properties follow the paths
 * (`account.status` nests under `account`). No field is required: the language reads a missing
 * value as blank. Dictionaries are built key by key, so a field named `__proto__` is a property.
 */
export function schemaFromFields(fields: readonly FieldSpec[]): JsonSchema {
  const root: JsonSchema = { type: 'object', properties: {} };
  for (const f of fields) {
    let node = root;
    for (let i = 0; i < f.segments.length - 1; i++) {
      const properties = node.properties as JsonSchema;
      let child = isOwn(properties, f.segments[i]) ? (properties[f.segments[i]] as JsonSchema) : undefined;
      if (child === undefined) {
        child = { type: 'object', properties: {} };
        setOwn(properties, f.segments[i], child);
      } else if (!isRecord(child.properties)) {
        // A path declared both as a value and as a parent: the value's type is kept, nested fields are not checked.
        break;
      }
      node = child;
    }
    if (node.properties !== undefined) setOwn(node.properties as JsonSchema, f.segments[f.segments.length - 1], kindSchema(f));
  }
  return root;
}

/** Ajv's regular expressions on re2js: a user's `pattern` can never take more than linear time. */
const re2Engine: NonNullable<CodeOptions['regExp']> = Object.assign(
  (pattern: string) => {
    const re = RE2JS.compile(pattern);
    return { test: (s: string) => re.matcher(s).find() };
  },
  { code: 'require("re2js").RE2JS' },
);

/** What each format means, for messages. */
const FORMAT_WORDS: Readonly<Record<string, string>> = {
  email: 'a valid email address',
  phone: 'a phone number in E.164 form (+4915112345678)',
  country: 'an ISO 3166-1 alpha-2 country code (US, DE)',
  'date-time': 'a date-time (2026-11-23T15:00:00Z)',
};

function newAjv(): Ajv {
  return new Ajv({
    allErrors: true,
    // Own properties only: `__proto__` or `constructor` in a lead is data, never the prototype's.
    ownProperties: true,
    // User schemas from CRMs and tools carry extra keywords (`example`, `x-...`): accepted, not refused.
    strict: false,
    logger: false,
    code: { regExp: re2Engine },
    formats: {
      email: { type: 'string', validate: isEmailAddress },
      phone: { type: 'string', validate: isE164 },
      country: { type: 'string', validate: isCountryCode },
      'date-time': { type: 'string', validate: (s: string) => toTime(s) !== null },
    },
  });
}

/** A mistake in a schema the user gave: found when it is compiled, never per lead. */
export class SchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaError';
  }
}

const compiled = new Map<string, ValidateFunction>();
const CACHE_LIMIT = 64;

/**
 * A schema compiled by Ajv, cached by its JSON text: the same schema (from the same policy, on
 * every execution of a node) is compiled once. Each schema gets its own Ajv instance, so two
 * schemas with the same `$id` do not collide. Throws SchemaError for a schema Ajv refuses.
 */
export function compileSchema(schema: JsonSchema): ValidateFunction {
  const key = JSON.stringify(schema);
  const hit = compiled.get(key);
  if (hit !== undefined) return hit;
  let validate: ValidateFunction;
  try {
    validate = newAjv().compile(schema);
  } catch (err) {
    throw new SchemaError(`the lead schema cannot be used: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (compiled.size >= CACHE_LIMIT) compiled.delete(compiled.keys().next().value as string);
  compiled.set(key, validate);
  return validate;
}

/**
 * What the derived schema validates: the declared fields' values, nested by path, blanks left out
 * (a blank value is allowed for any field). Built fresh, so flat keys (`{"account.status": ...}`)
 * are checked as the router reads them.
 */
export function fieldValues(lead: Record<string, unknown>, fields: readonly FieldSpec[], read: (lead: Record<string, unknown>, f: FieldSpec) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const value = read(lead, f);
    if (isBlank(value)) continue;
    let node = out;
    let placed = true;
    for (let i = 0; i < f.segments.length - 1; i++) {
      const key = f.segments[i];
      const next = isOwn(node, key) ? node[key] : undefined;
      if (next === undefined) {
        const child: Record<string, unknown> = {};
        setOwn(node, key, child);
        node = child;
      } else if (isRecord(next)) {
        node = next;
      } else {
        placed = false;
        break;
      }
    }
    if (placed) setOwn(node, f.segments[f.segments.length - 1], value);
  }
  return out;
}

/** Runs a compiled schema; each error becomes a Problem naming the field, its value and the rule. */
export function schemaProblems(validate: ValidateFunction, data: unknown): Problem[] {
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => schemaProblem(e, data));
}

function schemaProblem(e: ErrorObject, data: unknown): Problem {
  const segments = e.instancePath === '' ? [] : e.instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  // These name the property at fault in their params, not in the path.
  if (e.keyword === 'required' && typeof e.params.missingProperty === 'string') segments.push(e.params.missingProperty);
  if (e.keyword === 'additionalProperties' && typeof e.params.additionalProperty === 'string') segments.push(e.params.additionalProperty);
  const field = segments.length === 0 ? '(lead)' : segments.join('.');
  const value = valueAt(data, segments);
  return { field, value: preview(value), problem: `schema.${e.keyword}`, message: `${field}: ${describe(e, value)}`, rule: e.schemaPath };
}

function valueAt(data: unknown, segments: readonly string[]): unknown {
  let cur = data;
  for (const s of segments) {
    if (cur === null || typeof cur !== 'object' || !isOwn(cur, s)) return undefined;
    cur = (cur as Record<string, unknown>)[s];
  }
  return cur;
}

function describe(e: ErrorObject, value: unknown): string {
  switch (e.keyword) {
    case 'enum':
      return `${quote(value)} is not one of ${(e.params.allowedValues as unknown[]).map((v) => String(v)).join(', ')}`;
    case 'format': {
      const format = String(e.params.format);
      return `${quote(value)} is not ${isOwn(FORMAT_WORDS, format) ? FORMAT_WORDS[format] : `in the format ${format}`}`;
    }
    case 'type':
      return `${quote(value)} is not of type ${String(e.params.type)}`;
    case 'required':
      return 'is missing';
    case 'additionalProperties':
      return 'is not a field the schema allows';
    default:
      return `${quote(value)} ${e.message ?? `breaks ${e.keyword}`}`;
  }
}
