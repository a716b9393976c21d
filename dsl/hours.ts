// Opening hours text to weekly windows, e.g. `Mon-Fri 09:00-17:00, Sat 10:00-14:00`.
//
// Accepted (documented in the language reference):
// - `24/7`: always open (no windows: null).
// - groups of DAYS followed by one or more time ranges; groups are separated by `,` or space:
//   `Mon-Fri 09:00-12:00 13:00-17:00, Sat 10:00-14:00`, `Mon,Wed 08:00-12:00`.
// - DAYS: a day or a range of days, comma-separated; names are 3 letters or full, any case
//   (`mon`, `Monday`); a range may wrap the week (`Sun-Thu`, `Fri-Mon`).
// - a time range without days means every day: `09:00-17:00`.
// - times are `H:MM` or `HH:MM` on a 24-hour clock; `24:00` may end a range.
// - a range that crosses midnight (`Fri 22:00-06:00`) runs into the next day (Sat 00:00-06:00).
// Windows on the same day that overlap or touch are merged.

import { didYouMean } from './diagnostics';

/** Minutes from midnight, [from, to), on an ISO weekday (1 = Monday ... 7 = Sunday). */
export interface HoursWindow {
  weekday: number;
  from: number;
  to: number;
}

export type HoursResult =
  | { ok: true; windows: HoursWindow[] | null }
  /** `offset` and `length` locate the offending part inside the hours text. */
  | { ok: false; message: string; offset: number; length: number };

const DAY_NAMES: ReadonlyMap<string, number> = new Map([
  ['mon', 1], ['monday', 1],
  ['tue', 2], ['tuesday', 2],
  ['wed', 3], ['wednesday', 3],
  ['thu', 4], ['thursday', 4],
  ['fri', 5], ['friday', 5],
  ['sat', 6], ['saturday', 6],
  ['sun', 7], ['sunday', 7],
]);

/** Hours text is short; a bound keeps a hostile string from being tokenized at length. */
const MAX_HOURS_LENGTH = 500;

type TokenKind = 'day' | 'time' | 'dash' | 'comma';

interface Token {
  kind: TokenKind;
  text: string;
  offset: number;
  /** Weekday for `day`, minutes for `time`. */
  value: number;
}

class HoursSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly length: number,
  ) {
    super(message);
  }
}

const TOKEN = /\s*(?:([A-Za-z]+)|(\d{1,2}):(\d{2})|(\d+(?:[:.]\d*)?)|([-\u2013])|(,)|(\S))/y;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  for (;;) {
    // Only trailing white space is left when nothing matches: `(\S)` takes any other character.
    const m = TOKEN.exec(text);
    if (m === null) return tokens;
    const offset = TOKEN.lastIndex - m[0].trimStart().length;
    const [, word, hh, mm, badTime, dash, comma, other] = m;
    if (word !== undefined) {
      const day = DAY_NAMES.get(word.toLowerCase());
      if (day === undefined) {
        const hint = didYouMean(word, ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);
        throw new HoursSyntaxError(`unknown day \`${word}\` in hours; days are Mon, Tue, Wed, Thu, Fri, Sat, Sun${hint ? ` (${hint})` : ''}`, offset, word.length);
      }
      tokens.push({ kind: 'day', text: word, offset, value: day });
    } else if (hh !== undefined) {
      const h = Number(hh);
      const min = Number(mm);
      const time = `${hh}:${mm}`;
      if (h > 24 || min > 59 || (h === 24 && min !== 0)) throw new HoursSyntaxError(`invalid time \`${time}\`; write 00:00 to 23:59 (24:00 may end a range)`, offset, time.length);
      tokens.push({ kind: 'time', text: time, offset, value: h * 60 + min });
    } else if (badTime !== undefined) {
      throw new HoursSyntaxError(`invalid time \`${badTime}\`; write times as HH:MM on a 24-hour clock, e.g. \`09:00\` or \`17:30\``, offset, badTime.length);
    } else if (dash !== undefined) tokens.push({ kind: 'dash', text: dash, offset, value: 0 });
    else if (comma !== undefined) tokens.push({ kind: 'comma', text: comma, offset, value: 0 });
    else throw new HoursSyntaxError(`unexpected \`${other}\` in hours; write days and HH:MM ranges, e.g. "Mon-Fri 09:00-17:00, Sat 10:00-14:00"`, offset, 1);
  }
}

export function parseHours(text: string): HoursResult {
  if (text.trim() === '24/7') return { ok: true, windows: null };
  if (text.length > MAX_HOURS_LENGTH) return { ok: false, message: `hours text is longer than ${MAX_HOURS_LENGTH} characters`, offset: 0, length: text.length };
  try {
    return { ok: true, windows: mergeWindows(parseGroups(tokenize(text), text)) };
  } catch (e) {
    if (e instanceof HoursSyntaxError) return { ok: false, message: e.message, offset: e.offset, length: e.length };
    throw e;
  }
}

function parseGroups(tokens: Token[], text: string): HoursWindow[] {
  if (tokens.length === 0) throw new HoursSyntaxError('empty hours; write e.g. "Mon-Fri 09:00-17:00" or "24/7"', 0, text.length);
  const windows: HoursWindow[] = [];
  let i = 0;
  const peek = (k = 0): Token | undefined => tokens[i + k];
  const expect = (kind: TokenKind, what: string): Token => {
    const t = tokens[i];
    if (t === undefined) throw new HoursSyntaxError(`hours end too early; expected ${what}`, text.length, 0);
    if (t.kind !== kind) throw new HoursSyntaxError(`expected ${what}, found \`${t.text}\``, t.offset, t.text.length);
    i++;
    return t;
  };
  while (i < tokens.length) {
    const days: number[] = [];
    if (peek()?.kind === 'time') days.push(1, 2, 3, 4, 5, 6, 7);
    else {
      for (;;) {
        const first = expect('day', 'a day such as `Mon`');
        if (peek()?.kind === 'dash') {
          i++;
          const last = expect('day', 'a day after `-`');
          // Ranges may wrap the week: Sun-Thu, Fri-Mon.
          for (let d = first.value; ; d = (d % 7) + 1) {
            days.push(d);
            if (d === last.value) break;
          }
        } else days.push(first.value);
        if (peek()?.kind === 'comma' && peek(1)?.kind === 'day') i++;
        else break;
      }
      const next = peek();
      if (next === undefined || next.kind !== 'time') {
        const at = tokens[i - 1];
        throw new HoursSyntaxError(`\`${at.text}\` needs a time range such as \`09:00-17:00\``, at.offset, at.text.length);
      }
    }
    for (;;) {
      const from = expect('time', 'a time such as `09:00`');
      expect('dash', '`-` between two times');
      const to = expect('time', 'the end time of the range');
      if (from.value === 24 * 60) throw new HoursSyntaxError('a range cannot start at 24:00; write 00:00', from.offset, from.text.length);
      if (from.value === to.value) throw new HoursSyntaxError(`empty range \`${from.text}-${to.text}\`; for a whole day write 00:00-24:00`, from.offset, to.offset + to.text.length - from.offset);
      for (const day of days) addRange(windows, day, from.value, to.value);
      if (peek()?.kind === 'comma' && peek(1)?.kind === 'time') i++;
      if (peek()?.kind !== 'time') break;
    }
    // Groups are separated by a comma or just by space.
    if (peek()?.kind === 'comma') {
      i++;
      if (peek() === undefined) throw new HoursSyntaxError('hours end with `,`', tokens[i - 1].offset, 1);
    }
  }
  return windows;
}

/** A range that ends at or before it starts crosses midnight into the next day. */
function addRange(windows: HoursWindow[], weekday: number, from: number, to: number): void {
  if (to === 0 || to > from) {
    windows.push({ weekday, from, to: to === 0 ? 24 * 60 : to });
    return;
  }
  windows.push({ weekday, from, to: 24 * 60 });
  windows.push({ weekday: (weekday % 7) + 1, from: 0, to });
}

function mergeWindows(windows: HoursWindow[]): HoursWindow[] {
  windows.sort((a, b) => a.weekday - b.weekday || a.from - b.from);
  const out: HoursWindow[] = [];
  for (const w of windows) {
    const last = out[out.length - 1];
    if (last !== undefined && last.weekday === w.weekday && w.from <= last.to) last.to = Math.max(last.to, w.to);
    else out.push({ ...w });
  }
  return out;
}
