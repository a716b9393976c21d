import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/examples.mobile.json';
import metadata from 'libphonenumber-js/max/metadata';
import { readInternational, readsInternational } from '../../fields/phone-international';
import { normalizePhone } from '../../fields/phone';
import { Rng } from '../../bench/leads';

/** What normalizePhone takes from a parsed number: null when there is no valid one. */
function outcome(number: ReturnType<typeof parsePhoneNumberFromString> | null) {
  if (number === undefined || number === null || !number.isValid()) return null;
  const { number: e164, country, countryCallingCode, nationalNumber, ext } = number;
  return { e164, country, countryCallingCode, nationalNumber, ext, type: number.getType() };
}

function library(text: string) {
  return outcome(parsePhoneNumberFromString(text, { extract: false }));
}

const callingCodes = Object.keys(metadata.country_calling_codes);
const nonGeographic = Object.keys(metadata.nonGeographic);
const mobileExamples = examples as Record<string, string>;
const countryCodes = metadata.country_calling_codes as Record<string, string[]>;

/** Numbers around real ones and random ones, in every calling code, written as people write them. */
function* generated(count: number, rng: Rng): Generator<string> {
  const digits = (n: number) => Array.from({ length: n }, () => String(rng.int(0, 9))).join('');
  const separators = [' ', ' ', '-', '.', '(', ')', '  ', ''];
  const written = (text: string) => [...text].map((c) => (rng.chance(0.3) ? rng.pick(separators) : '') + c).join('');
  for (let i = 0; i < count; i++) {
    const code = rng.chance(0.95) ? rng.pick(callingCodes) : rng.pick(nonGeographic);
    const example = mobileExamples[rng.pick(countryCodes[code] ?? ['001'])];
    let national: string;
    if (example !== undefined && rng.chance(0.4)) {
      // A real number with its last digits changed: valid or not by its plan's digit patterns.
      const kept = rng.int(Math.max(0, example.length - 4), example.length);
      national = example.slice(0, kept) + digits(example.length - kept + rng.int(-1, 1));
    } else {
      national = (rng.chance(0.2) ? rng.pick(['0', '1', '00', '7', '8', '9']) : '') + digits(rng.int(0, 18));
    }
    yield `+${written(code + (rng.chance(0.5) ? ' ' : '') + national)}`;
  }
}

describe('readInternational: the same number as libphonenumber-js parse', () => {
  test('reads the common written form (so the shortcut is in use with this library version)', () => {
    expect(readsInternational()).toBe(true);
    expect(readInternational('+1 (415) 555-2671')?.number).toBe('+14155552671');
    expect(readInternational('+49 151 23456789')?.country).toBe('DE');
    expect(readInternational('+1 268 464 1234')?.country).toBe('AG');
    expect(readInternational('+1 735 944 5583')).toBeNull();
  });

  test('leaves other forms to parse', () => {
    for (const text of ['415 555 2671', '+1 415 555 2671 ext 12', '+1\u00a0415 555 2671', '+44 (0) 20 7946 0958', '+0 123 456', '+800 1234 5678', '+１ 415 555 2671', '+49']) {
      expect([text, readInternational(text)]).toEqual([text, undefined]);
    }
  });

  test('every example number of every country, with and without a national prefix', () => {
    let read = 0;
    for (const [country, national] of Object.entries(mobileExamples)) {
      const code = (metadata.countries as Record<string, unknown[]>)[country][0] as string;
      for (const text of [`+${code}${national}`, `+${code} ${national}`, `+${code} 0${national}`, `+${code} 1${national}`]) {
        const ours = readInternational(text);
        if (ours === undefined) continue;
        read++;
        expect([text, outcome(ours)]).toEqual([text, library(text)]);
      }
    }
    expect(read).toBeGreaterThan(Object.keys(mobileExamples).length);
  });

  test('every +1 area code (25 countries share it)', () => {
    const rng = new Rng(7);
    for (let area = 100; area <= 999; area++) {
      for (let k = 0; k < 4; k++) {
        const text = `+1 ${area} ${rng.int(100, 999)} ${rng.int(1000, 9999)}`;
        const ours = readInternational(text);
        expect([text, ours === undefined ? library(text) : outcome(ours)]).toEqual([text, library(text)]);
      }
    }
  });

  test('generated numbers in every calling code', () => {
    const rng = new Rng(20261123);
    const seen = { parse: 0, invalid: 0, valid: 0 };
    for (const text of generated(40_000, rng)) {
      const ours = readInternational(text);
      seen[ours === undefined ? 'parse' : ours === null ? 'invalid' : 'valid']++;
      if (ours !== undefined) expect([text, outcome(ours)]).toEqual([text, library(text)]);
    }
    // Most of them are read here, valid ones included: the comparison is not vacuous.
    expect(seen.valid).toBeGreaterThan(2_000);
    expect(seen.invalid).toBeGreaterThan(seen.parse);
  });

  test('normalizePhone gives the library answer with any lead country, bare digits included', () => {
    const rng = new Rng(99);
    const hints: (CountryCode | null)[] = [null, 'US', 'CA', 'GB', 'DE', 'RU', 'KZ', 'AG', 'IT'];
    for (const text of generated(5_000, rng)) {
      const hint = rng.pick(hints);
      for (const value of [text, text.replace(/\D/g, '')]) {
        const r = normalizePhone(value, hint);
        const digitsOnly = /^\d{8,15}$/.test(value);
        const international = digitsOnly ? library(`+${value}`) : null;
        const national = outcome(parsePhoneNumberFromString(value, { defaultCountry: hint ?? undefined, extract: false }));
        const expected = international !== null && (hint === null || international.country === hint) ? international : (national ?? international);
        const e164 = expected === null ? null : expected.ext ? `${expected.e164};ext=${expected.ext}` : expected.e164;
        expect([value, hint, r.ok ? r.value.e164 : null]).toEqual([value, hint, e164]);
      }
    }
  });
});
