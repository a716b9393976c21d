// Normalize Lead and decide() read every value of the dirty-lead corpus identically: for the
// corpus policy's declared fields (and nothing else: no synonyms, accounts or extra declarations,
// which only Normalize Lead has), the value Normalize Lead writes to a field's path is the value
// the rules see there (compiler/fields.ts), and a value one cannot read the other cannot either.
// One difference is by design: a list of several values is a review reason for Normalize Lead,
// while the rules keep the language's list rules and read each element; each element must then
// read as Normalize Lead reads it alone.

import { isDeepStrictEqual } from 'node:util';
import { FieldReader } from '../../compiler/fields';
import type { FieldWarning } from '../../compiler/decision';
import { lowerPolicy } from '../../compiler/lower';
import { readPath } from '../../core/values';
import { checkPolicy } from '../../dsl/checker';
import { parsePolicy } from '../../dsl/parse';
import { createNormalizer } from '../../normalize/normalize';
import { corpusSetup, loadCorpus } from './corpus/load';

const { policy } = corpusSetup();
const { checked } = checkPolicy(parsePolicy(policy).ast);
if (checked === null) throw new Error('the corpus policy does not check');
const fields = lowerPolicy(checked).fields ?? [];
const cases = loadCorpus();

/** A lead holding only `value` at the path. */
function setAt(segments: readonly string[], value: unknown): Record<string, unknown> {
  return segments.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}

describe('Normalize Lead and decide() read the corpus alike', () => {
  const reader = new FieldReader(fields);
  const normalizer = createNormalizer({ policy });

  test('the corpus policy declares a field of every type', () => {
    expect(new Set(fields.map((f) => f.type))).toEqual(new Set(['email', 'phone', 'country', 'text', 'number', 'enum', 'boolean', 'datetime']));
  });

  test('every declared value of every lead', () => {
    const differences: string[] = [];
    let read = 0;
    let unreadable = 0;
    for (const c of cases) {
      const warnings: FieldWarning[] = [];
      const view = reader.read(c.lead, warnings, null);
      const result = normalizer.normalize(c.lead);
      const normalizeFlagged = new Set([...result.problems, ...result.warnings].map((p) => p.field));
      for (const f of fields) {
        const warned = warnings.some((w) => w.field === f.name);
        const seen = readPath(view, f.segments);
        if (warned) {
          unreadable++;
          if (!normalizeFlagged.has(f.name)) differences.push(`${c.id}: ${f.name}: decide() cannot read it, Normalize Lead raised nothing`);
          continue;
        }
        if (Array.isArray(seen) && result.problems.some((p) => p.field === f.name && p.problem === 'multiple_values')) {
          const elements = (readPath(c.lead, f.segments) as unknown[]).map((element) => readPath(normalizer.normalize(setAt(f.segments, element)).lead, f.segments));
          const kept = elements.filter((e) => e !== undefined && e !== null && e !== '');
          if (!isDeepStrictEqual(kept, seen)) differences.push(`${c.id}: ${f.name}: Normalize Lead reads the elements as ${JSON.stringify(kept)}, decide() read ${JSON.stringify(seen)}`);
          else read++;
          continue;
        }
        if (normalizeFlagged.has(f.name) && seen !== undefined) {
          differences.push(`${c.id}: ${f.name}: decide() read ${JSON.stringify(seen)}, Normalize Lead flagged it`);
          continue;
        }
        if (normalizeFlagged.has(f.name)) continue;
        const written = readPath(result.lead, f.segments);
        // Blank is blank, however it is written (missing, null, "").
        const blank = written === undefined || written === null || written === '';
        if (seen === undefined ? !blank : !isDeepStrictEqual(written, seen)) differences.push(`${c.id}: ${f.name}: Normalize Lead wrote ${JSON.stringify(written)}, decide() read ${JSON.stringify(seen)}`);
        else if (seen !== undefined) read++;
      }
    }
    expect(differences).toEqual([]);
    // The corpus exercises both sides: many values read, and dirty ones that cannot be.
    expect(read).toBeGreaterThanOrEqual(300);
    expect(unreadable).toBeGreaterThanOrEqual(30);
  });
});
