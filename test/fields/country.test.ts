import { countryKey, isCountryCode, normalizeCountry, normalizeRegion } from '../../fields/country';

const code = (v: unknown) => {
  const r = normalizeCountry(v);
  return r.ok ? r.value : `!${r.problem}`;
};

describe('normalizeCountry', () => {
  test.each([
    ['US', 'US'],
    ['us', 'US'],
    [' De ', 'DE'],
    ['DEU', 'DE'],
    ['gbr', 'GB'],
    ['USA', 'US'],
    ['U.S.', 'US'],
    ['U.S.A.', 'US'],
    ['United States of America', 'US'],
    ['UK', 'GB'],
    ['Great Britain', 'GB'],
    ['Deutschland', 'DE'],
    ['Holland', 'NL'],
    ['Allemagne', 'DE'],
    ['Alemanha', 'DE'],
    ['Paesi Bassi', 'NL'],
    ['España', 'ES'],
    ['Espan\u0303a', 'ES'],
    ['the bahamas', 'BS'],
    ['St Kitts & Nevis', 'KN'],
    ['EE.UU.', 'US'],
  ])('%j -> %s', (input, expected) => expect(code(input)).toBe(expected));

  test('problems: unknown, ambiguous, not text, too long', () => {
    expect(code('Atlantis')).toBe('!unknown_country');
    expect(code('Congo')).toBe('!ambiguous_country');
    expect(code(276)).toBe('!not_text');
    expect(code(null)).toBe('!not_text');
    expect(code('x'.repeat(300))).toBe('!too_long');
    // A reserved but unassigned code is not a country.
    expect(code('UK ')).toBe('GB');
    expect(code('ZZ')).toBe('!unknown_country');
  });

  test('isCountryCode is exact: upper-case assigned alpha-2 only', () => {
    expect([isCountryCode('DE'), isCountryCode('de'), isCountryCode('UK'), isCountryCode('DEU')]).toEqual([true, false, false, false]);
  });

  test('countryKey folds case, accents, dots, apostrophes, & and a leading "the"', () => {
    expect(countryKey("  The Côte d'Ivoire ")).toBe('cote divoire');
    expect(countryKey('Bosnia & Herzegovina')).toBe('bosnia and herzegovina');
    expect(countryKey('St. Lucia')).toBe('saint lucia');
  });
});

describe('normalizeRegion', () => {
  const region = (v: unknown, country: string | null) => {
    const r = normalizeRegion(v, country);
    return r === null ? null : r.ok ? r.value : `!${r.problem}`;
  };

  test('US states and Canadian provinces by name or code, read in the lead country', () => {
    expect(region('California', 'US')).toBe('CA');
    expect(region('ny', 'US')).toBe('NY');
    expect(region('Washington D.C.', 'US')).toBe('DC');
    expect(region('Québec', 'CA')).toBe('QC');
    expect(region('Colombie-Britannique', 'CA')).toBe('BC');
    expect(region('Ontario', 'US')).toBe('!unknown_region');
    expect(region('Texas', null)).toBe('TX');
    expect(region('Nunavut', null)).toBe('NU');
  });

  test('other countries and unknown names without a country are left alone (null)', () => {
    expect(region('Bavaria', 'DE')).toBeNull();
    expect(region('Bavaria', null)).toBeNull();
    expect(region(7, 'US')).toBe('!not_text');
  });
});
