// valueReader remembers what recent texts of a context-free type read as (an export repeats its
// dirty spellings). Remembering must never change a reading: the same Read as readValue for every
// text, past the memory's size, and nothing remembered for types read in the lead's country.
import { compilePolicy } from '../../compiler/compile';
import { Picklist } from '../../fields/picklists';
import { defaultReading, readValue, valueReader, type FieldKind } from '../../fields/read';

const TEXTS: Record<string, string[]> = {
  number: ['1,200', '51-200', ' 250 ', '10k', '$1.5M', 'lots', '1.000', '5,000', '', 'n/a'],
  country: ['Deutschland', ' us ', 'United States', 'USA', 'Allemagne', 'Congo', 'Atlantis', 'GBR', '-'],
  boolean: ['yes', 'No', ' Y ', 'checked', 'maybe', 'oui', '0'],
  enum: ['Demo Request', 'demo-request', 'DEMO_REQUEST', 'webinar', 'none', 'Content Download'],
};

function readingOf(kind: FieldKind) {
  return defaultReading(kind, kind === 'enum' ? new Picklist('type', ['demo_request', 'content_download', 'none']) : null);
}

describe('valueReader reads exactly as readValue', () => {
  test.each(Object.keys(TEXTS))('%s: repeated spellings and more distinct texts than it remembers', (kind) => {
    const reading = readingOf(kind as FieldKind);
    const read = valueReader(reading);
    // Each spelling three times, between 1,500 distinct numbers-as-text that push it past its memory.
    const texts = [...TEXTS[kind], ...Array.from({ length: 1500 }, (_, i) => `${i},${String(i % 1000).padStart(3, '0')}`), ...TEXTS[kind], ...TEXTS[kind]];
    for (const text of texts) expect(read(text, { country: null })).toEqual(readValue(reading, text, { country: null }));
  });

  test('a phone is read in the lead country each time: the same text gives each country its own number', () => {
    const read = valueReader(readingOf('phone'));
    const inGermany = read('030 1234567', { country: 'DE' });
    const inFrance = read('030 1234567', { country: 'FR' });
    expect(inGermany).toEqual({ ok: true, value: '+49301234567' });
    expect(inFrance).not.toEqual(inGermany);
  });
});

describe('a remembered reading is the same decision and the same warning every time', () => {
  const policy = compilePolicy(
    `policy "p"
fields {
  employees: number
  country: country
}
when employees >= 1000 and country in [US, DE] route rep big
else route rep small
`,
    { evaluator: 'codegen' },
  );

  test('a dirty spelling routes alike on its first and later leads, and an unreadable one is warned on each', () => {
    for (let i = 0; i < 3; i++) {
      expect(policy.decide({ employees: '5,000', country: 'Deutschland' }, { now: '2026-11-23T15:00:00Z' })).toMatchObject({ options: [{ assignee: 'big' }], warnings: [] });
      expect(policy.decide({ employees: 'lots', country: 'Deutschland' }, { now: '2026-11-23T15:00:00Z' })).toMatchObject({
        options: [{ assignee: 'small' }],
        warnings: [{ field: 'employees', value: 'lots', problem: 'not a number' }],
      });
    }
  });
});
