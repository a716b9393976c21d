import { BlankWords, DEFAULT_BLANK_WORDS } from '../../fields/blank';
import { Picklist, readSynonyms, SynonymError } from '../../fields/picklists';

describe('Picklist', () => {
  const source = new Picklist('source', [], { paid_search: ['paid search', 'PPC', 'google ads'], organic: 'SEO' });
  const type = new Picklist('type', ['demo', 'content_download'], { demo: ['Request a demo'], 'Content Download': ['ebook'] });

  test('case, white space and the separator between words never matter', () => {
    expect(['PPC', ' ppc ', 'Google Ads', 'google_ads', 'GOOGLE-ADS', 'Paid  Search', 'paid_search', 'seo'].map((s) => source.resolve(s))).toEqual([
      'paid_search',
      'paid_search',
      'paid_search',
      'paid_search',
      'paid_search',
      'paid_search',
      'paid_search',
      'organic',
    ]);
    expect(source.resolve('newsletter')).toBeNull();
  });

  test('enum values are their own spelling; a mapping naming one in another spelling keeps the enum spelling', () => {
    expect(['DEMO', 'request a demo', 'Content-Download', 'EBOOK'].map((s) => type.resolve(s))).toEqual(['demo', 'demo', 'content_download', 'content_download']);
  });

  test('numbers and booleans are read as text; other values and long text are not spellings', () => {
    const tiers = new Picklist('tier', ['1', '2', 'true']);
    expect([tiers.resolve(1), tiers.resolve(true), tiers.resolve({}), tiers.resolve('1'.repeat(300))]).toEqual(['1', 'true', null, null]);
  });

  test('a spelling as written resolves as its fold does: enum values alike but for case keep the first', () => {
    const tier = new Picklist('tier', ['Gold', 'gold', 'silver'], { silver: 'ag', Gold: ['au', 'GOLD'] });
    expect(['gold', 'Gold', 'GOLD', 'au', 'ag', 'silver', 'Silver'].map((s) => tier.resolve(s))).toEqual(['Gold', 'Gold', 'Gold', 'Gold', 'silver', 'silver', 'silver']);
  });

  test('one spelling for two values is refused when the normalizer is set up', () => {
    expect(() => new Picklist('source', [], { paid_search: ['ads'], display: ['ADS'] })).toThrow(SynonymError);
    expect(() => new Picklist('source', [], { paid_search: ['ads'], display: ['ADS'] })).toThrow('synonyms of source: "ADS" is given for both "paid_search" and "display"');
  });

  test('readSynonyms checks the shape of a mapping from JSON', () => {
    expect(readSynonyms(JSON.parse('{"source": {"a": ["b"], "c": "d"}, "__proto__": {"x": []}}'))).toBeTruthy();
    expect(() => readSynonyms([])).toThrow(SynonymError);
    expect(() => readSynonyms({ source: ['a'] })).toThrow('synonyms of source: expected an object');
    expect(() => readSynonyms({ source: { a: [1] } })).toThrow('synonyms of source.a: expected a list of strings');
  });
});

describe('blank words', () => {
  test.each(['', '  ', 'n/a', 'N/A', ' null ', 'None', '-', '—', '#N/A', '(blank)', 'Unknown', 'not provided', '?'])('%j is blank', (s) => {
    expect(DEFAULT_BLANK_WORDS.isBlankText(s)).toBe(true);
  });

  test.each(['na', 'NA', '0', 'no', 'x', 'nonexistent', 'n/a n/a', 'Nora'])('%j is not blank', (s) => {
    expect(DEFAULT_BLANK_WORDS.isBlankText(s)).toBe(false);
  });

  test('extra words, and values that are blank to the language', () => {
    const words = new BlankWords(['TBD', ' keine Angabe ']);
    expect([words.isBlankText('tbd'), words.isBlankText('Keine Angabe'), DEFAULT_BLANK_WORDS.isBlankText('tbd')]).toEqual([true, true, false]);
    // Words starting with a letter outside ASCII, or one whose capital is two letters (ß, SS).
    const accented = new BlankWords(['ñ/a', 'ßß']);
    expect(['Ñ/A', 'ñ/a', 'ßß', 'SS', 'ss', 'N/A'].map((s) => accented.isBlankText(s))).toEqual([true, true, true, false, false, true]);
    expect([words.isBlankValue(null), words.isBlankValue([]), words.isBlankValue(['', ' ']), words.isBlankValue(0), words.isBlankValue('-')]).toEqual([true, true, true, false, true]);
    // A long text is never lower-cased or looked up.
    expect(DEFAULT_BLANK_WORDS.isBlankText(`n${' '.repeat(1 << 20)}`)).toBe(false);
    expect(DEFAULT_BLANK_WORDS.isBlankText(' '.repeat(1 << 20))).toBe(true);
  });
});
