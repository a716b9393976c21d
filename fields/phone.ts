// Phone numbers to E.164 with libphonenumber-js, reading national numbers in the lead's country.
// The `max` metadata is used: it checks the digits of each numbering plan, not only the length,
// and it knows number types, which the mobile check needs. Numbers written `+<digits>` are read
// by phone-international.ts, the same way and faster; the library's parse reads the others.

import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js/max';
import { readInternational } from './phone-international';
import { installCachedPhoneRegexes } from './phone-regex-cache';
import { cleaned, failed, quote, stripInvisible, type Cleaned } from './text';

/** Whether libphonenumber-js runs with its patterns compiled once (see phone-regex-cache.ts); false leaves it at its own speed. */
export const PHONE_REGEX_CACHE = installCachedPhoneRegexes();

/** Longest phone text handed to libphonenumber; longer text is not a phone number and is not parsed. */
export const MAX_PHONE_CHARS = 64;

export interface CleanPhone {
  /** `+4915112345678`; an extension follows as `;ext=12` (RFC 3966), since E.164 has none. */
  e164: string;
  /** The country the number belongs to, when its numbering plan says (`+1 416...` is CA). */
  country: string | null;
  /** Whether it is a mobile number; null when not asked for (`options.mobile`) or when its plan does not tell. */
  mobile: boolean | null;
}

export interface PhoneOptions {
  /** Flag numbers that are valid but not mobile (`not_mobile`). */
  mobile?: boolean;
}

const DIGITS_ONLY = /^\d{8,15}$/;

/**
 * A phone number as E.164. `hint` is the lead's country (alpha-2), used for numbers written
 * without a country code; without it only international numbers can be read. Bare digits (a JSON
 * number, a digits-only text) are read as an international number without its `+` when that is
 * a valid number of the hint's country (or any country, without a hint, or when the national
 * reading is invalid), else as a national number. Problems: `invalid_phone`,
 * `not_mobile` (with `options.mobile`), `too_long`, `not_text`.
 */
export function normalizePhone(value: unknown, hint: string | null, options: PhoneOptions = {}): Cleaned<CleanPhone> {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value <= 0) return failed('invalid_phone', `${quote(value)} is not a phone number`);
    text = String(value);
  } else if (typeof value === 'string') {
    if (value.length > MAX_PHONE_CHARS) return failed('too_long', `a phone number of ${value.length} characters`);
    text = stripInvisible(value).trim();
  } else {
    return failed('not_text', `a phone number must be text, not ${typeof value}`);
  }
  const country = hint !== null && isSupportedCountry(hint) ? (hint as CountryCode) : undefined;
  // Bare digits (a JSON number, a digits-only cell) are often an international number whose `+`
  // an export dropped: read them so first when that gives a valid number of the lead's country.
  const bareDigits = typeof value === 'number' || DIGITS_ONLY.test(text);
  const international = bareDigits ? validNumber(`+${text}`, undefined) : undefined;
  const number = international !== undefined && (country === undefined || international.country === country) ? international : (validNumber(text, country) ?? international);
  if (number === undefined) {
    const where = country !== undefined ? ` in ${country}` : text.startsWith('+') || text.startsWith('00') ? '' : ' (no country code, and no country on the lead to read it by)';
    return failed('invalid_phone', `${quote(text)} is not a valid phone number${where}`);
  }
  // The type costs as much as the rest of the parse: worked out only when asked for.
  let mobile: boolean | null = null;
  if (options.mobile === true) {
    const type = number.getType();
    mobile = type === undefined ? null : type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE';
    if (mobile === false) return failed('not_mobile', `${quote(text)} is a ${String(type).toLowerCase().replace(/_/g, ' ')} number, not a mobile one`);
  }
  return cleaned({ e164: number.ext ? `${number.number};ext=${number.ext}` : number.number, country: number.country ?? null, mobile });
}

/** The number text is, read in `country` when written without a country code; undefined when it is not a valid one. */
function validNumber(text: string, country: CountryCode | undefined): PhoneNumber | undefined {
  const read = readInternational(text);
  if (read !== undefined) return read ?? undefined;
  // `extract: false`: the whole text must be the number, not a number found somewhere in it.
  const number = parsePhoneNumberFromString(text, { defaultCountry: country, extract: false });
  return number !== undefined && number.isValid() ? number : undefined;
}

const E164 = /^\+[1-9]\d{6,14}(?:;ext=\d{1,20})?$/;

/** Whether text is what normalizePhone produces (the schema's `phone` format). */
export function isE164(text: string): boolean {
  return E164.test(text);
}
