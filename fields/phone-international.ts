// International numbers in their usual written form (`+1 (415) 555-2671`: a `+`, then only ASCII
// digits, spaces, dashes, dots and brackets) read to the PhoneNumber that libphonenumber-js's
// parse makes of them, without the parse: most of its time goes to steps this form does not need
// (RFC 3966 parts, extensions, a Metadata object per step) and, for a calling code several
// countries share (+1: 25), a RegExp built from each country's leading digits for every number.
// Validity and type are still the library's answer (PhoneNumber against the max metadata).
//
// What parse does with such text (libphonenumber-js 1.13, source/parse.js), and how it is done here:
// - The whole text is the number: it has no `;phone-context=` and no extension (each extension
//   pattern needs a letter, `#`, `~`, `,` or `;`), and is viable with three digits or more.
// - The calling code is the shortest 1 to 3 leading digits the metadata knows
//   (extractCountryCallingCode); the rest is the national number, unless the main plan's
//   national prefix matches at its start (extractNationalNumber may then strip it). That case, a
//   leading 0, a non-geographic or unknown code, and a national number outside parse's 2 to 17
//   digits are left to parse.
// - The country (getCountryByNationalNumber): the code's only one; else the first, in metadata
//   order, whose leading digits match at the start of the national number (the library's
//   `search(pattern) === 0`: here the pattern is anchored once and tested) or, lacking leading
//   digits, whose plan gives the number a type; else none, and the code's main plan applies.
// test/normalize/phone-international.test.ts compares the two on numbers of every calling code;
// a library version that changes these steps fails there. A version without the plan method
// read below turns this off (readsInternational) and parse reads every number.

import { Metadata, PhoneNumber, type CountryCode, type MetadataJson } from 'libphonenumber-js/core';
import maxMetadata from 'libphonenumber-js/max/metadata';

/** The metadata libphonenumber-js/max parses with (its JSON's own inferred type names countries as plain strings). */
const metadata = maxMetadata as unknown as MetadataJson;

/** A calling code whose numbers can be read here. */
interface CallingCode {
  code: string;
  /** The countries that share it, in the metadata's order; the first one's plan reads the national number. */
  countries: readonly CountryCode[];
  /** Their leading-digits patterns, anchored at the start (null: the country has none). */
  leading: readonly (RegExp | null)[];
  /** The main plan's national prefix as parse matches it (`^(?:…)`), or null when it has none. */
  prefix: RegExp | null;
}

/** Calling code -> how to read it; `parse`: one this file leaves to the library (non-geographic). */
type CallingCodes = ReadonlyMap<string, CallingCode | 'parse'>;

/** The numbering plan method parse strips national prefixes by; not in the library's type declarations. */
interface PlanPrefix {
  nationalPrefixForParsing?: () => string | undefined;
}

/** parse's bounds on a national number (MIN_LENGTH_FOR_NSN, MAX_LENGTH_FOR_NSN). */
const MIN_NATIONAL_DIGITS = 2;
const MAX_NATIONAL_DIGITS = 17;
const SIMPLE_INTERNATIONAL = /^\+[\d ().-]+$/;
const NOT_DIGITS = /\D/g;

let callingCodes: CallingCodes | null | undefined;

/** Built on first use; null when the library's plans do not offer what is read here. */
function readableCallingCodes(): CallingCodes | null {
  if (callingCodes !== undefined) return callingCodes;
  const plans = new Metadata(metadata);
  const table = new Map<string, CallingCode | 'parse'>();
  for (const [code, countries] of Object.entries(metadata.country_calling_codes)) {
    // `001`: a non-geographic code.
    if (countries.length === 0 || countries.some((country) => country.length !== 2)) {
      table.set(code, 'parse');
      continue;
    }
    plans.selectNumberingPlan(countries[0]);
    const main = plans.numberingPlan as PlanPrefix | undefined;
    if (typeof main?.nationalPrefixForParsing !== 'function') return (callingCodes = null);
    const prefix = main.nationalPrefixForParsing();
    const leading = countries.map((country) => {
      plans.selectNumberingPlan(country);
      const pattern = plans.numberingPlan?.leadingDigits();
      return pattern ? new RegExp(`^(?:${pattern})`) : null;
    });
    table.set(code, { code, countries, leading, prefix: prefix ? new RegExp(`^(?:${prefix})`) : null });
  }
  for (const code of Object.keys(metadata.nonGeographic)) if (!table.has(code)) table.set(code, 'parse');
  return (callingCodes = table);
}

/** Whether numbers are read here with this version of the library (else parse reads them all). */
export function readsInternational(): boolean {
  return readableCallingCodes() !== null;
}

/**
 * The number libphonenumber-js's parse makes of `text` when it is valid, null when parse makes
 * none or an invalid one; undefined when the text is not in the form read here (then parse it).
 * No default country is needed: parse reads a number written with `+` without one.
 */
export function readInternational(text: string): PhoneNumber | null | undefined {
  if (!SIMPLE_INTERNATIONAL.test(text)) return undefined;
  const codes = readableCallingCodes();
  if (codes === null) return undefined;
  const digits = text.replace(NOT_DIGITS, '');
  if (digits.startsWith('0')) return undefined;
  for (let length = 1; length <= 3 && length < digits.length; length++) {
    const code = codes.get(digits.slice(0, length));
    if (code === undefined) continue;
    return code === 'parse' ? undefined : readNational(code, digits.slice(length));
  }
  return undefined;
}

function readNational(code: CallingCode, national: string): PhoneNumber | null | undefined {
  if (national.length < MIN_NATIONAL_DIGITS || national.length > MAX_NATIONAL_DIGITS) return undefined;
  if (code.prefix !== null && code.prefix.test(national)) return undefined;
  const number = new PhoneNumber(`+${code.code}${national}`, metadata);
  let country: CountryCode | undefined;
  // A country found by its plan giving the number a type is one the number is valid in.
  let typed = false;
  if (code.countries.length === 1) {
    country = code.countries[0];
  } else {
    for (let i = 0; i < code.countries.length && country === undefined; i++) {
      const leading = code.leading[i];
      if (leading !== null) {
        if (leading.test(national)) country = code.countries[i];
      } else {
        number.country = code.countries[i];
        if (number.getType() !== undefined) {
          country = code.countries[i];
          typed = true;
        }
      }
    }
  }
  number.country = country;
  return typed || number.isValid() ? number : null;
}
