// Reading routed_at. Date.parse costs more than the rest of an in-memory assignment, so the
// shape decide() writes (toISOString's `yyyy-mm-ddThh:mm:ss.sssZ`) is read by hand: the date
// part is worked out once per day seen and kept, the time of day is a few digits, and leads
// routed within the same second as the one before (most, when many are routed) cost three
// digits. Anything else goes to Date.parse.

const DAY_MS = 86_400_000;

/** The last date part read (`yyyy-mm-ddT`) and its midnight in ms. */
let dayText = '';
let dayStart = NaN;
/** The last second read (`yyyy-mm-ddThh:mm:ss.`) and its start in ms. */
let secondText = '';
let secondStart = NaN;
/** ms since epoch of an ISO 8601 time, exactly as Date.parse reads it (NaN when it is not one). */
export function isoTime(text: string): number {
  if (text.length !== 24 || text.charCodeAt(23) !== 90 /* Z */) return Date.parse(text);
  if (secondText !== '' && text.startsWith(secondText)) {
    const millis = three(text, 20);
    if (millis >= 0) return secondStart + millis;
  }
  if (dayText === '' || !text.startsWith(dayText)) {
    const day = dateMs(text);
    if (day === null) return Date.parse(text);
    dayText = text.slice(0, 11);
    dayStart = day;
  }
  const time = timeOfDayMs(text);
  if (time === null) return Date.parse(text);
  secondText = text.slice(0, 20);
  secondStart = dayStart + time - (time % 1000);
  return dayStart + time;
}

/** The digit at `at` (0-9), or -1. */
function digit(text: string, at: number): number {
  const d = text.charCodeAt(at) - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

/** The two-digit number at `at`, or -1. */
function two(text: string, at: number): number {
  const tens = digit(text, at);
  const ones = digit(text, at + 1);
  return tens < 0 || ones < 0 ? -1 : tens * 10 + ones;
}

/** The three-digit number at `at`, or -1. */
function three(text: string, at: number): number {
  const hundreds = digit(text, at);
  const rest = two(text, at + 1);
  return hundreds < 0 || rest < 0 ? -1 : hundreds * 100 + rest;
}

/** Midnight (UTC) of `yyyy-mm-ddT...`, or null when that is not a date Date.parse reads. */
function dateMs(text: string): number | null {
  const high = two(text, 0);
  const low = two(text, 2);
  const month = two(text, 5);
  const day = two(text, 8);
  if (high < 0 || low < 0 || text[4] !== '-' || text[7] !== '-' || text[10] !== 'T') return null;
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  // Days from the civil date (proleptic Gregorian, years counted from March). Like Date.parse,
  // a day past the month's end runs into the next month.
  const year = high * 100 + low - (month <= 2 ? 1 : 0);
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return (era * 146097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719468) * DAY_MS;
}

/** ms since midnight of `...Thh:mm:ss.sssZ`, or null when the fields are not a time of day. */
function timeOfDayMs(text: string): number | null {
  const hour = two(text, 11);
  const minute = two(text, 14);
  const second = two(text, 17);
  const millis = three(text, 20);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || millis < 0) return null;
  if (text[13] !== ':' || text[16] !== ':' || text[19] !== '.') return null;
  return ((hour * 60 + minute) * 60 + second) * 1000 + millis;
}
