import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNormalizer, flagDuplicate, normalizeLead, type NormalizeResult } from '../../normalize/normalize';
import { SynonymError } from '../../fields/picklists';
import { SchemaError } from '../../normalize/schema';
import { PolicyError } from '../../dsl/diagnostics';
import { MemoryStore, type StateStore } from '../../state';
import { corpusOptions, loadCorpus } from './corpus/load';

const ACME = readFileSync(join(__dirname, '../../examples/acme-inbound.route'), 'utf8');
const reasons = (r: NormalizeResult) => r.problems.map((p) => `${p.field}:${p.problem}`);

describe('normalizeLead', () => {
  test('without options: conventional fields are cleaned, their problems are warnings, the lead stays clean', () => {
    const r = normalizeLead({ email: ' A@B.COM ', phone: '12', country: 'Deutschland', employees: 'lots' });
    expect(r.status).toBe('clean');
    expect(r.lead).toMatchObject({ email: 'A@b.com', country: 'DE', phone: '12', employees: 'lots' });
    expect(r.warnings.map((w) => `${w.field}:${w.problem}`)).toEqual(['phone:invalid_phone', 'employees:not_a_number']);
  });

  test('with a policy, problems in its fields send the lead to review; the rest stay warnings', () => {
    const r = normalizeLead({ email: 'x', phone: '12', employees: 'lots', type: 'Demo' }, { policy: ACME });
    expect(r.status).toBe('review');
    expect(reasons(r)).toEqual(['email:invalid_email', 'employees:not_a_number']);
    expect(r.warnings.map((w) => w.field)).toEqual(['phone']);
    expect(r.lead.type).toBe('demo');
  });

  test('changes list every value changed or added; originals are kept; the input is untouched', () => {
    const input = { country: 'UK', account: { status: 'Customer', owner: ' n/a ' }, utm_source: 'google' };
    const copy = structuredClone(input);
    const r = normalizeLead(input, { policy: ACME });
    expect(input).toEqual(copy);
    expect(r.changes).toEqual([
      { field: 'country', from: 'UK', to: 'GB' },
      { field: 'account.status', from: 'Customer', to: 'customer' },
      { field: 'account.owner', from: ' n/a ', to: null },
      { field: 'campaign_context', to: { utm_source: 'google' } },
    ]);
    expect(r.lead.original).toEqual({ country: 'UK', account: { status: 'Customer', owner: ' n/a ' } });
  });

  test('options: required fields, range point, extra blank words, field kinds, conventions off', () => {
    const n = createNormalizer({
      required: ['email', 'account.id'],
      ranges: 'high',
      blankWords: ['TBD'],
      fields: { seats: 'number', tier: { kind: 'enum', values: ['gold', 'silver'] }, renewal: 'datetime', opted_in: 'boolean' },
      conventions: false,
    });
    const r = n.normalize({ seats: '10-50', tier: 'GOLD', renewal: '2027-01-01', opted_in: 'yes', employees: ' 1,000 ', phone: 'tbd' });
    expect(r.lead).toMatchObject({ seats: 50, tier: 'gold', renewal: '2027-01-01T00:00:00.000Z', opted_in: true, employees: '1,000', phone: null });
    expect(reasons(r)).toEqual(['email:missing', 'account.id:missing']);
    expect(() => createNormalizer({ fields: { x: 'money' as never } })).toThrow('fields.x: unknown kind "money"');
  });

  test('other text is tidied at any depth; a nested key whose path is a field path is left to that field', () => {
    const n = createNormalizer({ fields: { 'meta.a.b': 'number', 'meta.c': 'text' }, conventions: false });
    const r = n.normalize({ meta: { 'a.b': ' 12 ', c: ' x ', d: { e: ' y ', 'a.b': ' z ' } }, 'meta.c': ' w ', note: ' n/a ' });
    expect(r.lead).toEqual({ meta: { 'a.b': ' 12 ', c: 'x', d: { e: 'y', 'a.b': 'z' } }, 'meta.c': ' w ', note: null, original: { meta: { c: ' x ', d: { e: ' y ', 'a.b': ' z ' } }, note: ' n/a ' } });
  });

  test("a user schema sees the lead without the originals normalization keeps", () => {
    const n = createNormalizer({ schema: { type: 'object', additionalProperties: false, properties: { country: { type: 'string' }, note: { type: 'string' } } } });
    expect(n.normalize({ country: 'Germany' }).status).toBe('clean');
    const r = n.normalize({ country: 'Germany', note: 1, other: true });
    expect(r.problems.map((p) => [p.field, p.problem, p.message])).toEqual([
      ['other', 'schema.additionalProperties', 'other: is not a field the schema allows'],
      ['note', 'schema.type', 'note: 1 is not of type string'],
    ]);
  });

  test('mistakes in the options throw when the normalizer is set up', () => {
    expect(() => createNormalizer({ policy: 'fields { a: nope }' })).toThrow(PolicyError);
    expect(() => createNormalizer({ synonyms: { source: { a: ['x'], b: ['X'] } } })).toThrow(SynonymError);
    expect(() => createNormalizer({ schema: { type: 'nope' } })).toThrow(SchemaError);
  });

  test('input that is not an object is a lead for review, not an exception', () => {
    for (const input of [null, undefined, 'lead', 42, [1, 2]]) {
      const r = normalizeLead(input);
      expect([r.status, reasons(r), r.lead]).toEqual(['review', ['(lead):not_an_object'], {}]);
    }
  });

  test('normalizing a normalized lead changes nothing and finds the same problems (the corpus, twice)', () => {
    const n = createNormalizer(corpusOptions());
    const unstable: string[] = [];
    for (const c of loadCorpus()) {
      const once = n.normalize(c.lead);
      const twice = n.normalize(once.lead);
      if (twice.changes.length > 0 || JSON.stringify(reasons(twice)) !== JSON.stringify(reasons(once))) unstable.push(`${c.id}: ${JSON.stringify(twice.changes).slice(0, 200)}`);
    }
    expect(unstable).toEqual([]);
  });

  test('never throws and never touches a prototype, whatever the lead (generated)', () => {
    const n = createNormalizer({ ...corpusOptions(), required: ['email'] });
    const key = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'email', 'phone', 'country', 'employees', 'type', 'account', 'account.status', 'original', 'state', 'utm', 'page_url'), fc.string());
    const text = fc.oneof(fc.string(), fc.constantFrom('n/a', ' USA ', '51-200', '+1 415 555 2671', '1.000', 'a@b', '€2,5 Mio', 'x'.repeat(70_000)));
    const value = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(key, tie('value'), { maxKeys: 4 })),
    })).value;
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 8 }), (lead) => {
        const before = JSON.stringify(lead);
        const r = n.normalize(lead);
        expect(JSON.stringify(lead)).toBe(before);
        expect(r.status).toBe(r.problems.length > 0 ? 'review' : 'clean');
        expect(Object.getPrototypeOf(r.lead)).toBe(Object.prototype);
        expect(({} as Record<string, unknown>).email).toBeUndefined();
        JSON.stringify(r);
      }),
      { numRuns: 400 },
    );
  });
});

describe('flagDuplicate', () => {
  test('adds `duplicate`; with review set, it is a reason for review', async () => {
    const store = new MemoryStore();
    const first = await flagDuplicate(normalizeLead({ email: 'a@x.com' }), { store, now: '2026-11-23T15:00:00Z' });
    expect(first.lead.duplicate).toBeUndefined();
    const again = await flagDuplicate(normalizeLead({ email: 'A@x.com' }), { store, now: '2026-11-23T16:00:00Z', review: true });
    expect(again.lead.duplicate).toEqual({ key: 'email', at: '2026-11-23T15:00:00.000Z', assignee: null });
    expect([again.status, reasons(again)]).toEqual(['review', ['duplicate:duplicate']]);
    expect(again.problems[0].message).toBe('duplicate: the same lead (by email) came in at 2026-11-23T15:00:00.000Z');
  });

  test('a failing store leaves the lead as it was, with a warning', async () => {
    const broken: StateStore = { name: 'redis test', transact: () => Promise.reject(new Error('ECONNREFUSED')), list: () => Promise.reject(new Error('x')), close: () => Promise.resolve() };
    const r = await flagDuplicate(normalizeLead({ email: 'a@x.com' }), { store: broken });
    expect([r.status, r.warnings.map((w) => w.message)]).toEqual(['clean', ['duplicate: could not be checked: routing state store redis test failed: ECONNREFUSED']]);
  });
});
