// Numbers as forms and CRM exports write them: employee counts and revenue such as "1,000",
// "1.5k", "10M", "$2.5 million", "51-200", "1k+", "10,001 or more", "under 10".
//
// Which number a range becomes: by default its LOWER bound, the one number the lead stated for
// certain ("51-200" -> 51, "1k+" -> 1000, "under 10" -> 0). A range's bounds are compared with
// policy thresholds the way people expect of a band ("201-1000" is at least 200, so midmarket
// at `>= 200`; "51-200" is not). `ranges: 'mid'` takes the midpoint and `'high'` the upper bound
// instead; an open range ("1k+") has no upper bound, so all three give its lower one.
//
// Separators: with both `,` and `.`, the last one is the decimal point ("1,234.5", "1.234,5").
// With one kind only, groups of exactly three digits are thousands ("1,000", "1.000.000",
// "1 000", "1'000"); a single `,` before other than three digits is a decimal comma ("2,5").
// A single `.` before exactly three digits ("1.000") is one thousand in some countries and one
// in others: that is reported as `ambiguous_number` rather than guessed.

import { cleaned, failed, quote, stripInvisible, type Cleaned } from './text';

export type RangePoint = 'low' | 'mid' | 'high';

export interface NumberOptions {
  /** Which number a range becomes: 'low' (default), 'mid' or 'high'. */
  ranges?: RangePoint;
}

/** Longest number text read; longer text is `not_a_number` without being scanned. */
export const MAX_NUMBER_CHARS = 64;

const MAGNITUDES: ReadonlyMap<string, number> = new Map([
  ['k', 1e3],
  ['thousand', 1e3],
  ['thousands', 1e3],
  ['m', 1e6],
  ['mm', 1e6],
  ['mn', 1e6],
  ['mio', 1e6],
  ['mil', 1e6],
  ['million', 1e6],
  ['millions', 1e6],
  ['b', 1e9],
  ['bn', 1e9],
  ['bil', 1e9],
  ['billion', 1e9],
  ['billions', 1e9],
]);

/** Currency signs anywhere ("$1M-$5M") and codes around an amount, dropped: the number is what a policy compares. */
const CURRENCY_SIGNS = /[$€£¥₹]/g;
const CURRENCY_CODE_LIST = 'usd|eur|gbp|jpy|inr|aud|cad|chf|sek|nok|dkk|brl|mxn|sgd|hkd|nzd|zar|pln|cny|krw|czk|huf|ils|try';
const CURRENCY_CODES = new RegExp(`^(?:${CURRENCY_CODE_LIST})\\s*|\\s*(?:${CURRENCY_CODE_LIST})$`, 'g');
const APPROXIMATELY = /^(?:~|≈|approx\.?|approximately|about|around|ca\.)\s*/;
const AT_LEAST = /^(?:>=|≥|>|over|more than|at least|min\.?|minimum)\s*/;
const AT_MOST = /^(?:<=|≤|<|under|below|less than|fewer than|up to|max\.?|maximum)\s*/;
const OR_MORE = /\s*(?:\+|or more|and more|and above|and up|plus)$/;
/** What a count is of, written after it ("500 employees"): dropped. */
const COUNT_NOUNS = /\s*(?:employees?|people|persons?|staff|ftes?|headcount|mitarbeiter|salariés|empleados)$/;
/** A range separator: a dash or `to` between two numbers (a leading `-` is a minus sign instead). */
const RANGE = /^(.*?\S)\s*(?:-|–|—|\bto\b|\bbis\b)\s*(\S.*)$/;
/** One number: digits with separators, or a leading-dot decimal, an optional exponent (spreadsheets write 1.5E+07), then an optional magnitude word. */
const PART = /^([+-]?)(\d(?:[\d.,' \u00a0\u202f]*\d)?|\.\d+)(?:e([+-]?\d{1,3}))?\s*([a-z]+)?\.?$/;
const GROUPING_SPACE = /[' \u00a0\u202f]/g;

interface Bounds {
  low: number;
  high: number | null;
}

/**
 * A number from a form value: a JSON number as it is, text read as the header says. Problems:
 * `not_a_number`, `ambiguous_number` ("1.000"), `bad_range` ("200-51"), `not_text` (a boolean,
 * an object).
 */
export function parseFormNumber(value: unknown, options: NumberOptions = {}): Cleaned<number> {
  if (typeof value === 'number') return Number.isFinite(value) ? cleaned(value) : failed('not_a_number', `${String(value)} is not a number`);
  if (typeof value !== 'string') return failed('not_text', `a number must be a number or text, not ${typeof value}`);
  if (value.length > MAX_NUMBER_CHARS) return failed('not_a_number', `text of ${value.length} characters is not a number`);
  const text = stripInvisible(value).trim().toLowerCase().replace(CURRENCY_SIGNS, '').replace(COUNT_NOUNS, '').replace(APPROXIMATELY, '').replace(CURRENCY_CODES, '').trim();
  const bounds = readBounds(text);
  if (!bounds.ok) return failed(bounds.problem, `${quote(value.trim())} ${bounds.message}`);
  const { low, high } = bounds.value;
  const point = options.ranges ?? 'low';
  if (high === null || point === 'low') return cleaned(low);
  return cleaned(point === 'high' ? high : (low + high) / 2);
}

function readBounds(text: string): Cleaned<Bounds> {
  const atLeast = AT_LEAST.exec(text) ?? OR_MORE.exec(text);
  if (atLeast !== null) {
    const rest = atLeast.index === 0 ? text.slice(atLeast[0].length) : text.slice(0, atLeast.index);
    const low = readPart(rest, null);
    return low.ok ? cleaned({ low: low.value.n, high: null }) : low;
  }
  const atMost = AT_MOST.exec(text);
  if (atMost !== null) {
    const high = readPart(text.slice(atMost[0].length), null);
    return high.ok ? cleaned({ low: 0, high: high.value.n }) : high;
  }
  const range = RANGE.exec(text);
  if (range !== null) {
    const upper = readPart(range[2], null);
    if (!upper.ok) return upper;
    // "10-50k": the magnitude written once applies to both ends.
    const lower = readPart(range[1], upper.value.magnitude);
    if (!lower.ok) return lower;
    if (lower.value.n > upper.value.n) return failed('bad_range', `is a range whose first number is larger than its second`);
    return cleaned({ low: lower.value.n, high: upper.value.n });
  }
  const single = readPart(text, null);
  return single.ok ? cleaned({ low: single.value.n, high: single.value.n }) : single;
}

/** One number with its magnitude word; `impliedMagnitude` applies when it has none. */
function readPart(text: string, impliedMagnitude: number | null): Cleaned<{ n: number; magnitude: number | null }> {
  const m = PART.exec(text.trim());
  if (m === null) return failed('not_a_number', 'is not a number');
  let magnitude: number | null = null;
  if (m[4] !== undefined) {
    const known = MAGNITUDES.get(m[4]);
    if (known === undefined) return failed('not_a_number', `is not a number (unknown unit ${JSON.stringify(m[4])})`);
    magnitude = known;
  }
  const digits = readDigits(m[2].replace(GROUPING_SPACE, ''));
  if (!digits.ok) return digits;
  const exponent = m[3] === undefined ? 1 : 10 ** Number(m[3]);
  const n = digits.value * exponent * (magnitude ?? impliedMagnitude ?? 1) * (m[1] === '-' ? -1 : 1);
  // Magnitudes make long decimals (1.1 * 1e6): round to what the text could state.
  return cleaned({ n: Math.round(n * 1e6) / 1e6, magnitude });
}

/** Digits with `,` and `.` read by the rules in the header. */
function readDigits(s: string): Cleaned<number> {
  const lastComma = s.lastIndexOf(',');
  const lastDot = s.lastIndexOf('.');
  let plain: string;
  if (lastComma !== -1 && lastDot !== -1) {
    const decimal = lastComma > lastDot ? ',' : '.';
    const grouping = decimal === ',' ? '.' : ',';
    const [whole, fraction] = [s.slice(0, Math.max(lastComma, lastDot)), s.slice(Math.max(lastComma, lastDot) + 1)];
    if (whole.includes(decimal) || !isGrouped(whole, grouping)) return failed('not_a_number', 'is not a number (mixed separators)');
    plain = `${whole.split(grouping).join('')}.${fraction}`;
  } else if (lastComma !== -1 || lastDot !== -1) {
    const sep = lastComma !== -1 ? ',' : '.';
    const groups = s.split(sep);
    const thousands = groups.slice(1).every((g) => g.length === 3) && groups[0].length >= 1 && groups[0].length <= 3;
    if (groups.length > 2) {
      if (!thousands) return failed('not_a_number', 'is not a number (misplaced separators)');
      plain = groups.join('');
    } else if (thousands && sep === '.' && groups[0] !== '0') {
      return failed('ambiguous_number', `could be ${Number(groups.join(''))} or ${Number(s)}; write it without the dot`);
    } else {
      plain = thousands && sep === ',' ? groups.join('') : `${groups[0]}.${groups[1]}`;
    }
  } else {
    plain = s;
  }
  const n = Number(plain);
  return Number.isFinite(n) && plain !== '' ? cleaned(n) : failed('not_a_number', 'is not a number');
}

/** Whether `whole` is digits in groups of three after the first (1 to 3 digits), split by `grouping`. */
function isGrouped(whole: string, grouping: string): boolean {
  const groups = whole.split(grouping);
  return groups[0].length >= 1 && (groups.length === 1 || (groups[0].length <= 3 && groups.slice(1).every((g) => g.length === 3)));
}
