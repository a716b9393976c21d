// The one statement of time in leadroute. Inside the library an instant is a number (ms since
// the epoch); it becomes text only at the edge, in a decision or an event, through isoUtc().
// Text without a zone is UTC everywhere (never the machine's zone), so the same input gives the
// same decisions under any TZ.

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const HAS_ZONE = /[zZ]|[+-]\d{2}:?\d{2}$/;
/** The largest instant a Date holds. */
const MAX_DATE_MS = 8.64e15;
const DAY_MS = 86_400_000;
/** Text quoted in an error is cut to this length. */
const SHOWN_LIMIT = 200;

/** An ISO 8601 date or date-time (`2026-11-23`, `2026-11-23T15:00:00`, `...Z`, `...+01:00`) in ms; UTC unless it says. Null when it is not one. */
export function parseInstant(text: string): number | null {
  const t = text.trim();
  // The length bound keeps a 1 MB string from being scanned for nothing.
  if (t.length > 40 || !ISO_DATE.test(t)) return null;
  // Date.parse rolls a day past the month's end into the next month (2026-02-30 is March 2).
  const month = Number(t.slice(5, 7));
  const day = Number(t.slice(8, 10));
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(Number(t.slice(0, 4)), month, 0)).getUTCDate()) return null;
  const ms = Date.parse(HAS_ZONE.test(t) || t.length === 10 ? t : `${t}Z`);
  return Number.isFinite(ms) ? ms : null;
}

/** Whether date-time text names its zone (`Z`, `+01:00`); without one it is read as UTC, or in a zone the caller gives. */
export function saysZone(text: string): boolean {
  return HAS_ZONE.test(text.trim());
}

/** The instant a caller gives (a Date, epoch ms or ISO 8601 text, UTC unless it says), or a RangeError that names the value and `what` it is. */
export function toInstant(value: Date | number | string, what = 'now'): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : typeof value === 'string' ? (parseInstant(value) ?? Number.NaN) : Number.NaN;
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS) {
    const shown =
      typeof value === 'string' ? JSON.stringify(value.length > SHOWN_LIMIT ? `${value.slice(0, SHOWN_LIMIT)}…` : value) : value instanceof Date ? 'an invalid Date' : String(value);
    throw new RangeError(`${what} must be a Date, epoch milliseconds or an ISO 8601 date-time; got ${shown}`);
  }
  return ms;
}

/** The character code of the decimal digit of n at `unit` (1, 10, 100, 1000). */
const digitCode = (n: number, unit: number): number => 48 + (Math.floor(n / unit) % 10);

/**
 * `new Date(ms).toISOString()` by arithmetic, the one formatter of instants: toISOString costs
 * about a microsecond, more than the rest of a decision, and every decision writes routed_at and
 * an SLA due. The text is built in one piece (String.fromCharCode) rather than joined: a joined
 * text is a tree of pieces that its first reader must first copy into one. Years outside
 * 0000-9999 (which need the expanded form) go to toISOString.
 */
export function isoUtc(instant: number): string {
  const ms = Math.trunc(instant);
  const days = Math.floor(ms / DAY_MS);
  const time = ms - days * DAY_MS;
  // The civil date of a day count (proleptic Gregorian, eras of 400 years, years from March).
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) return new Date(ms).toISOString();
  const milli = time % 1000;
  const sec = (time - milli) / 1000;
  const hour = Math.floor(sec / 3600);
  const minute = Math.floor(sec / 60) % 60;
  const second = sec % 60;
  return String.fromCharCode(
    digitCode(year, 1000), digitCode(year, 100), digitCode(year, 10), digitCode(year, 1), 45 /* - */,
    digitCode(month, 10), digitCode(month, 1), 45 /* - */, digitCode(day, 10), digitCode(day, 1), 84 /* T */,
    digitCode(hour, 10), digitCode(hour, 1), 58 /* : */, digitCode(minute, 10), digitCode(minute, 1), 58 /* : */,
    digitCode(second, 10), digitCode(second, 1), 46 /* . */, digitCode(milli, 100), digitCode(milli, 10), digitCode(milli, 1), 90 /* Z */,
  );
}
