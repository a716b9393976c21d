// Date-times as forms and CRM exports write them. ISO 8601 first (core/time.ts, UTC unless it
// says); then the export formats below, read as UTC (an export rarely says its zone, and the
// machine's zone must not decide) or in the zone the caller names. Slash dates are month first,
// as US CRMs (Salesforce, HubSpot) export them.

import { DateTime, IANAZone } from 'luxon';
import { parseInstant, saysZone } from '../core/time';

/** Luxon formats of the common export spellings, tried in order after ISO 8601. */
const EXPORT_FORMATS = [
  'd MMM, yyyy HH:mm:ss', // Zoho: 15 Apr, 2021 00:03:00
  'd MMM, yyyy HH:mm',
  'd MMM, yyyy',
  'd MMM yyyy HH:mm:ss',
  'd MMM yyyy',
  'MMM d, yyyy h:mm a',
  'MMM d, yyyy',
  'MM/dd/yyyy hh:mm a', // Salesforce report: 04/15/2021 12:03 AM
  'M/d/yyyy h:mm a',
  'M/d/yyyy H:mm:ss',
  'M/d/yyyy H:mm',
  'M/d/yyyy',
  "yyyy-MM-dd'T'HH:mm:ss.SSSZZZ", // HubSpot: 2021-04-15T00:03:00.000+0000
  "yyyy-MM-dd'T'HH:mm:ssZZZ",
  'yyyy-MM-dd HH:mm:ss ZZZ',
];

/** Longer text is no date-time. */
const MAX_DATETIME_CHARS = 64;
const HAS_DIGIT = /\d/;

/**
 * An instant (ms) from ISO 8601 or a common export spelling; null when the text is neither.
 * Text without a zone is read in `zone` (UTC when null); text with one keeps its own.
 */
export function parseDatetime(text: string, zone: IANAZone | null = null): number | null {
  const t = text.trim();
  if (t.length === 0 || t.length > MAX_DATETIME_CHARS || !HAS_DIGIT.test(t)) return null;
  const iso = parseInstant(t);
  if (iso !== null) return zone === null || saysZone(t) ? iso : wallClockIn(iso, zone);
  for (const format of EXPORT_FORMATS) {
    const parsed = DateTime.fromFormat(t, format, { zone: zone ?? 'utc', locale: 'en-US' });
    if (parsed.isValid) return parsed.toMillis();
  }
  return null;
}

/**
 * The instant at which `zone`'s clocks read what `asUtc` reads in UTC: luxon's own offset fix
 * (fixOffset), without building a DateTime per lead, as replays read a million of these. A wall
 * time skipped by a DST change lands an hour on, as in luxon.
 */
function wallClockIn(asUtc: number, zone: IANAZone): number {
  const o1 = zone.offset(asUtc);
  let guess = asUtc - o1 * 60_000;
  const o2 = zone.offset(guess);
  if (o1 === o2) return guess;
  guess -= (o2 - o1) * 60_000;
  const o3 = zone.offset(guess);
  return o2 === o3 ? guess : asUtc - Math.min(o2, o3) * 60_000;
}

/** The IANA zone named (`Europe/Berlin`, `UTC`), or null when there is no such zone. */
export function zoneNamed(name: string): IANAZone | null {
  return IANAZone.isValidZone(name) ? IANAZone.create(name) : null;
}
