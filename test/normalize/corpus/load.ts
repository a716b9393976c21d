// The Normalize Lead corpus: dirty leads as forms, CRM exports and imports send them, each with
// the values it must have after normalization and the exact reasons it needs review (if any).
// Shared by the library test (test/normalize/corpus.test.ts) and the node test, which runs the
// same leads through n8n's engine.
//
// Files: *.jsonl, one case per line: {"id", "lead", "expect": {"values", "problems", "warnings"}}.
// Written as JSON text so `__proto__` keys stay own properties. In a lead, {"$repeat": [s, n]}
// stands for s repeated n times (a 1 MB string is not checked in). In expected values,
// {"$absent": true} means the path is missing and {"$length": n} a string of n characters.
// `problems` and `warnings` list `field:problem`; absent means none. Cases run in file order
// through one state store: the duplicates file relies on it.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { readPath } from '../../../core/values';
import type { NormalizeOptions } from '../../../normalize/normalize';
import { readSynonyms } from '../../../fields/picklists';
import type { Problem } from '../../../fields/text';

export const CORPUS_DIR = __dirname;
/** The clock of leads without a created_at (duplicates are timed by it). */
export const CORPUS_NOW = '2026-11-23T15:00:00Z';
/** Files in the order they run (the duplicates file last, so nothing before it shares its keys by accident). */
const FILE_ORDER = ['countries', 'regions', 'phones', 'emails', 'numbers', 'picklists', 'text', 'shapes', 'crm-exports', 'accounts', 'duplicates'];

export interface CorpusCase {
  id: string;
  file: string;
  lead: Record<string, unknown>;
  expect: { values?: Record<string, unknown>; problems?: string[]; warnings?: string[] };
}

/** What a run made of one lead: the library's result, or what the node put out. */
export interface CorpusOutcome {
  lead: Record<string, unknown>;
  status: string;
  problems: readonly Problem[];
  warnings: readonly Problem[];
}

/** The policy, synonyms and accounts the corpus is cleaned with (as plain data, for the node's parameters too). */
export function corpusSetup(): { policy: string; synonyms: unknown; accounts: unknown[]; fields: NonNullable<NormalizeOptions['fields']> } {
  const accounts = JSON.parse(readFileSync(join(CORPUS_DIR, 'accounts.json'), 'utf8')) as { results: unknown[] };
  return {
    policy: readFileSync(join(CORPUS_DIR, 'corpus.route'), 'utf8'),
    synonyms: JSON.parse(readFileSync(join(CORPUS_DIR, 'synonyms.json'), 'utf8')) as unknown,
    accounts: accounts.results,
    // The language has no region type: the corpus declares `state` one, and `mobile` a phone that must be mobile.
    fields: { state: 'region', mobile: { kind: 'phone', mobile: true } },
  };
}

export function corpusOptions(): NormalizeOptions {
  const setup = corpusSetup();
  return { policy: setup.policy, synonyms: readSynonyms(setup.synonyms), accounts: setup.accounts, fields: setup.fields };
}

export function loadCorpus(): CorpusCase[] {
  const present = new Set(readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.jsonl')).map((f) => f.slice(0, -'.jsonl'.length)));
  const unknown = [...present].filter((f) => !FILE_ORDER.includes(f));
  if (unknown.length > 0) throw new Error(`corpus files not in FILE_ORDER: ${unknown.join(', ')}`);
  const cases: CorpusCase[] = [];
  for (const file of FILE_ORDER) {
    if (!present.has(file)) continue;
    const lines = readFileSync(join(CORPUS_DIR, `${file}.jsonl`), 'utf8').split('\n');
    for (const line of lines) {
      if (line.trim() === '') continue;
      const raw = JSON.parse(line) as Omit<CorpusCase, 'file'>;
      cases.push({ ...raw, file, lead: expand(raw.lead) as Record<string, unknown> });
    }
  }
  return cases;
}

/** Replaces {"$repeat": [s, n]} markers; keeps every key an own property (`__proto__` included). */
function expand(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(expand);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const repeat = Object.prototype.hasOwnProperty.call(record, '$repeat') ? record.$repeat : undefined;
  if (Array.isArray(repeat) && typeof repeat[0] === 'string' && typeof repeat[1] === 'number') return repeat[0].repeat(repeat[1]);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) Object.defineProperty(out, key, { value: expand(record[key]), enumerable: true, writable: true, configurable: true });
  return out;
}

function matches(actual: unknown, expected: unknown): boolean {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    const e = expected as Record<string, unknown>;
    if (e.$absent === true) return actual === undefined;
    if (typeof e.$length === 'number') return typeof actual === 'string' && actual.length === e.$length;
  }
  return isDeepStrictEqual(plain(actual), plain(expected));
}

/** A JSON round trip, so that objects compare by content whatever their prototype. */
function plain(v: unknown): unknown {
  return v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as unknown);
}

const reasons = (ps: readonly Problem[]) => ps.map((p) => `${p.field}:${p.problem}`).sort();

/** Every way an outcome differs from the case's expectations; empty when it passes. */
export function corpusFailures(c: CorpusCase, out: CorpusOutcome): string[] {
  const failures: string[] = [];
  const expectedProblems = [...(c.expect.problems ?? [])].sort();
  const expectedWarnings = [...(c.expect.warnings ?? [])].sort();
  if (!isDeepStrictEqual(reasons(out.problems), expectedProblems)) failures.push(`problems ${JSON.stringify(reasons(out.problems))}, expected ${JSON.stringify(expectedProblems)}`);
  if (!isDeepStrictEqual(reasons(out.warnings), expectedWarnings)) failures.push(`warnings ${JSON.stringify(reasons(out.warnings))}, expected ${JSON.stringify(expectedWarnings)}`);
  const status = expectedProblems.length > 0 ? 'review' : 'clean';
  if (out.status !== status) failures.push(`status ${out.status}, expected ${status}`);
  for (const p of [...out.problems, ...out.warnings]) {
    if (typeof p.message !== 'string' || !p.message.startsWith(`${p.field}: `)) failures.push(`message of ${p.field}:${p.problem} does not name the field: ${JSON.stringify(p.message)}`);
  }
  const values = c.expect.values ?? {};
  for (const path of Object.keys(values)) {
    const actual = readPath(out.lead, path.split('.'));
    if (!matches(actual, values[path])) failures.push(`${path} is ${JSON.stringify(actual)?.slice(0, 200)}, expected ${JSON.stringify(values[path])}`);
  }
  // Nothing is flagged that the case does not expect.
  const mentions = (prefix: string) => Object.keys(values).some((p) => p === prefix || p.startsWith(`${prefix}.`));
  if (!mentions('duplicate') && readPath(out.lead, ['duplicate']) !== undefined) failures.push(`unexpected duplicate ${JSON.stringify(out.lead.duplicate)}`);
  if (!mentions('account') && readPath(out.lead, ['account', 'match']) !== undefined) failures.push(`unexpected account match ${JSON.stringify(readPath(out.lead, ['account']))}`);
  return failures;
}
