// The corpus through the library: every lead gets exactly its expected values and review
// reasons, nothing throws, the input is never changed, the prototype is never touched, and every
// changed value is kept under `original`.

import { isDeepStrictEqual } from 'node:util';
import { readPath } from '../../core/values';
import { createNormalizer, flagDuplicate, type NormalizeResult } from '../../normalize/normalize';
import { MemoryStore } from '../../state';
import { CORPUS_NOW, corpusFailures, corpusOptions, loadCorpus, type CorpusCase } from './corpus/load';

const cases = loadCorpus();

describe('the Normalize Lead corpus', () => {
  const results = new Map<string, NormalizeResult>();

  beforeAll(async () => {
    const normalizer = createNormalizer(corpusOptions());
    const duplicates = { store: new MemoryStore({ strict: true }), scope: 'corpus', now: CORPUS_NOW };
    for (const c of cases) results.set(c.id, await flagDuplicate(normalizer.normalize(c.lead), duplicates));
  });

  test('has at least 300 leads, each with a unique id and an expectation', () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    expect(cases.filter((c) => c.expect.values === undefined && c.expect.problems === undefined && c.expect.warnings === undefined).map((c) => c.id)).toEqual([
      // Leads whose only expectation is "nothing to report": the invariants below still apply.
      'empty-lead',
      'tags-10000',
      'deep-nesting',
    ]);
    expect(cases.filter((c) => (c.expect.problems ?? []).length > 0).length).toBeGreaterThanOrEqual(60);
  });

  test.each(cases.map((c): [string, CorpusCase] => [`${c.file}: ${c.id}`, c]))('%s', (_name, c) => {
    const result = results.get(c.id) as NormalizeResult;
    expect(corpusFailures(c, result)).toEqual([]);
  });

  test('the input leads are left as they were', () => {
    const fresh = loadCorpus();
    const changed = cases.filter((c, i) => !isDeepStrictEqual(JSON.stringify(c.lead), JSON.stringify(fresh[i].lead))).map((c) => c.id);
    expect(changed).toEqual([]);
  });

  test('every value that changed is kept under original.<path> (unless the lead came with its own originals)', () => {
    const missing: string[] = [];
    for (const c of cases) {
      if (Object.prototype.hasOwnProperty.call(c.lead, 'original')) continue;
      const { lead, changes } = results.get(c.id) as NormalizeResult;
      for (const change of changes) {
        if (!('from' in change)) continue;
        const kept = readPath(lead.original, change.field.split('.'));
        if (!isDeepStrictEqual(kept, change.from)) missing.push(`${c.id}: ${change.field}`);
      }
    }
    expect(missing).toEqual([]);
  });

  test('no lead reached a prototype', () => {
    const probe: Record<string, unknown> = {};
    expect([probe.isAdmin, probe.polluted, probe.owner, probe.country]).toEqual([undefined, undefined, undefined, undefined]);
    for (const result of results.values()) expect(Object.getPrototypeOf(result.lead)).toBe(Object.prototype);
  });
});
