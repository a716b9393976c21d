// Date-times as forms and CRM exports write them. ISO 8601 first (core/time.ts, UTC unless it
// says); then the export formats below, read as UTC (an export rarely says its zone, and the
// machine's zone must not decide). Slash dates are month first, as US CRMs (Salesforce, HubSpot)
// export them.

import { DateTime } from 'luxon';
import { parseInstant } from '../core/time';

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

/** An instant (ms) from ISO 8601 or a common export spelling; null when the text is neither. */
export function parseDatetime(text: string): number | null {
  const t = text.trim();
  if (t.length === 0 || t.length > MAX_DATETIME_CHARS || !HAS_DIGIT.test(t)) return null;
  const iso = parseInstant(t);
  if (iso !== null) return iso;
  for (const format of EXPORT_FORMATS) {
    const parsed = DateTime.fromFormat(t, format, { zone: 'utc', locale: 'en-US' });
    if (parsed.isValid) return parsed.toMillis();
  }
  return null;
}
