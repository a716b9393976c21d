// Countries to ISO 3166-1 alpha-2, from codes (alpha-2, alpha-3) and names in several languages
// (i18n-iso-countries: every name and alias it lists for the locales below) plus the aliases
// people type that it does not list. US states and Canadian provinces to their postal codes.
// All names are folded into one Map once, so a lookup is one fold and one Map read.

import countries from 'i18n-iso-countries';
import de from 'i18n-iso-countries/langs/de.json';
import en from 'i18n-iso-countries/langs/en.json';
import es from 'i18n-iso-countries/langs/es.json';
import fr from 'i18n-iso-countries/langs/fr.json';
import it from 'i18n-iso-countries/langs/it.json';
import nl from 'i18n-iso-countries/langs/nl.json';
import pt from 'i18n-iso-countries/langs/pt.json';
import { cleaned, failed, foldAccents, MAX_SHORT_CHARS, quote, type Cleaned } from './text';

/** The languages whose country names are recognised, English first (it wins a clash). */
const LOCALES = [en, de, fr, es, it, nl, pt];

/**
 * Names people write that i18n-iso-countries does not list (folded, see `countryKey`). Parts of a
 * country (England, Scotland) map to it; historic names to today's code.
 */
const COUNTRY_ALIASES: Readonly<Record<string, string>> = {
  america: 'US',
  'united states america': 'US',
  'us of a': 'US',
  'u s': 'US',
  'u s a': 'US',
  // The French and Italian lists have only the long form; Spanish and Portuguese abbreviations.
  'etats unis': 'US',
  'stati uniti': 'US',
  eeuu: 'US',
  eua: 'US',
  'great britain and northern ireland': 'GB',
  britain: 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  'northern ireland': 'GB',
  'u k': 'GB',
  holland: 'NL',
  'republic of ireland': 'IE',
  eire: 'IE',
  korea: 'KR',
  'korea south': 'KR',
  'korea north': 'KP',
  czech: 'CZ',
  'czech rep': 'CZ',
  swaziland: 'SZ',
  macedonia: 'MK',
  laos: 'LA',
  moldova: 'MD',
  syria: 'SY',
  micronesia: 'FM',
  vatican: 'VA',
  'vatican city': 'VA',
  brunei: 'BN',
  burma: 'MM',
  'east timor': 'TL',
  'cabo verde': 'CV',
  'ivory coast': 'CI',
  prc: 'CN',
  'mainland china': 'CN',
  'hong kong sar': 'HK',
  'macau sar': 'MO',
  ksa: 'SA',
  emirates: 'AE',
  sverige: 'SE',
  norge: 'NO',
  danmark: 'DK',
  suomi: 'FI',
  polska: 'PL',
  nippon: 'JP',
  nihon: 'JP',
  schweiz: 'CH',
  suisse: 'CH',
  svizzera: 'CH',
  osterreich: 'AT',
};

const PUNCTUATION_DROPPED = /[.'’`]/g;
const NON_ALNUM = /[^a-z0-9]+/g;

/** How country and region names are compared: no case, accents, dots or apostrophes; `&` is `and`; `St.` is `saint`; a leading `the` is dropped. */
export function countryKey(text: string): string {
  const words = foldAccents(text).replace(/&/g, ' and ').replace(PUNCTUATION_DROPPED, '').replace(NON_ALNUM, ' ').trim();
  const unprefixed = words.startsWith('the ') ? words.slice(4) : words;
  return unprefixed.startsWith('st ') ? `saint ${unprefixed.slice(3)}` : unprefixed;
}

/** Folded name -> code; null for a name two countries share (`Congo`). Built on first use. */
let names: Map<string, string | null> | null = null;
let alpha2: Set<string> | null = null;

function countryNames(): Map<string, string | null> {
  if (names !== null) return names;
  const map = new Map<string, string | null>();
  for (const locale of LOCALES) {
    // Registered here too, so that names resolve under a bundler that loads the package's browser entry (which registers none).
    countries.registerLocale(locale);
    const byLocale = countries.getNames(locale.locale, { select: 'all' });
    for (const code of Object.keys(byLocale)) {
      for (const name of byLocale[code]) {
        const key = countryKey(name);
        if (key === '') continue;
        const known = map.get(key);
        if (known === undefined) map.set(key, code);
        else if (known !== code && locale === en) map.set(key, null);
      }
    }
  }
  for (const [key, code] of Object.entries(COUNTRY_ALIASES)) map.set(key, code);
  names = map;
  return map;
}

function alpha2Codes(): Set<string> {
  alpha2 ??= new Set(Object.keys(countries.getAlpha2Codes()));
  return alpha2;
}

/** Whether text is an ISO 3166-1 alpha-2 code, exactly as the language expects it (upper case). */
export function isCountryCode(text: string): boolean {
  return text.length === 2 && alpha2Codes().has(text);
}

const LETTERS_2_OR_3 = /^[A-Za-z]{2,3}$/;

/**
 * A country as its alpha-2 code: `de`, `DEU`, `Germany`, `Deutschland`, `Allemagne`, ` U.S.A. `,
 * `United States of America`, `UK`, `Holland`. Problems: `unknown_country`, `ambiguous_country`
 * (`Congo`), `too_long`, `not_text`.
 */
export function normalizeCountry(value: unknown): Cleaned<string> {
  if (typeof value !== 'string') return failed('not_text', `a country must be text, not ${typeof value}`);
  if (value.length > MAX_SHORT_CHARS) return failed('too_long', `a country name of ${value.length} characters`);
  const text = value.trim();
  if (LETTERS_2_OR_3.test(text)) {
    const upper = text.toUpperCase();
    if (upper.length === 2 && alpha2Codes().has(upper)) return cleaned(upper);
    if (upper.length === 3) {
      const code = countries.alpha3ToAlpha2(upper);
      if (code !== undefined) return cleaned(code);
    }
  }
  const key = countryKey(text);
  const code = countryNames().get(key);
  if (code === null) return failed('ambiguous_country', `${quote(text)} names more than one country; write its two-letter code`);
  if (code !== undefined) return cleaned(code);
  return failed('unknown_country', `${quote(text)} is not a country name or code we know`);
}

// ---------------------------------------------------------------- regions

/** US states, DC and the inhabited territories; Canadian provinces and territories. `code:Name`. */
const REGION_TABLE: Readonly<Record<'US' | 'CA', string>> = {
  US:
    'AL:Alabama|AK:Alaska|AZ:Arizona|AR:Arkansas|CA:California|CO:Colorado|CT:Connecticut|DE:Delaware|FL:Florida|GA:Georgia|' +
    'HI:Hawaii|ID:Idaho|IL:Illinois|IN:Indiana|IA:Iowa|KS:Kansas|KY:Kentucky|LA:Louisiana|ME:Maine|MD:Maryland|' +
    'MA:Massachusetts|MI:Michigan|MN:Minnesota|MS:Mississippi|MO:Missouri|MT:Montana|NE:Nebraska|NV:Nevada|NH:New Hampshire|' +
    'NJ:New Jersey|NM:New Mexico|NY:New York|NC:North Carolina|ND:North Dakota|OH:Ohio|OK:Oklahoma|OR:Oregon|PA:Pennsylvania|' +
    'RI:Rhode Island|SC:South Carolina|SD:South Dakota|TN:Tennessee|TX:Texas|UT:Utah|VT:Vermont|VA:Virginia|WA:Washington|' +
    'WV:West Virginia|WI:Wisconsin|WY:Wyoming|DC:District of Columbia|DC:Washington DC|DC:Washington D.C.|PR:Puerto Rico|' +
    'GU:Guam|VI:US Virgin Islands|VI:U.S. Virgin Islands|AS:American Samoa|MP:Northern Mariana Islands',
  CA:
    'AB:Alberta|BC:British Columbia|BC:Colombie-Britannique|MB:Manitoba|NB:New Brunswick|NB:Nouveau-Brunswick|' +
    'NL:Newfoundland and Labrador|NL:Terre-Neuve-et-Labrador|NL:Newfoundland|NS:Nova Scotia|NS:Nouvelle-Écosse|' +
    'ON:Ontario|PE:Prince Edward Island|PE:Île-du-Prince-Édouard|QC:Quebec|QC:Québec|SK:Saskatchewan|' +
    'NT:Northwest Territories|NT:Territoires du Nord-Ouest|NU:Nunavut|YT:Yukon',
};

type RegionCountry = keyof typeof REGION_TABLE;

/** Per country: folded name or code -> code. */
let regions: Map<RegionCountry, Map<string, string>> | null = null;

function regionTable(): Map<RegionCountry, Map<string, string>> {
  if (regions !== null) return regions;
  regions = new Map();
  for (const country of Object.keys(REGION_TABLE) as RegionCountry[]) {
    const byKey = new Map<string, string>();
    for (const entry of REGION_TABLE[country].split('|')) {
      const [code, name] = entry.split(':');
      byKey.set(code.toLowerCase(), code);
      byKey.set(countryKey(name), code);
    }
    regions.set(country, byKey);
  }
  return regions;
}

/**
 * A US state or Canadian province as its postal code, from its code or name (English, or French
 * for Canada), read in the lead's country. Without a country both tables are tried, and a name
 * found in one only is taken. For other countries, and when nothing is known, null: the region is
 * left as written, since there is no table to check it against.
 */
export function normalizeRegion(value: unknown, country: string | null): Cleaned<string> | null {
  if (typeof value !== 'string') return failed('not_text', `a state or province must be text, not ${typeof value}`);
  if (value.length > MAX_SHORT_CHARS) return failed('too_long', `a region name of ${value.length} characters`);
  const key = countryKey(value);
  const table = regionTable();
  if (country === 'US' || country === 'CA') {
    const code = (table.get(country) as Map<string, string>).get(key);
    return code !== undefined ? cleaned(code) : failed('unknown_region', `${quote(value.trim())} is not a ${country === 'US' ? 'US state' : 'Canadian province'}`);
  }
  if (country !== null) return null;
  const us = (table.get('US') as Map<string, string>).get(key);
  const ca = (table.get('CA') as Map<string, string>).get(key);
  if (us !== undefined && ca === undefined) return cleaned(us);
  if (ca !== undefined && us === undefined) return cleaned(ca);
  return null;
}
