// Blank detection. The language treats a missing value, null, white space and an empty list as
// blank; forms and CRM exports also write "n/a", "-", "null", "none" and the like where nothing
// was given. Those would read as real text to a policy (`account.owner is not blank` would hold
// for "n/a" and the lead would go to an owner called "n/a"), so normalization makes them null.

import { isBlank } from '../core/values';

/**
 * Words that stand for "nothing given", compared lower-cased and trimmed. Deliberately absent:
 * `na` (Namibia's country code), `0` and `no` (real values of number and boolean fields).
 * A picklist value or synonym always wins over this list: `none` stays `none` in a field whose
 * enum or synonyms contain it.
 */
export const BLANK_WORDS: readonly string[] = [
  'n/a',
  'n.a.',
  'n.a',
  '#n/a',
  'null',
  'nil',
  'none',
  'undefined',
  'unknown',
  'not provided',
  'not specified',
  'not applicable',
  'no value',
  '(blank)',
  '(none)',
  '(empty)',
  '[blank]',
  '[empty]',
  '-',
  '--',
  '---',
  '—',
  '–',
  '.',
  '?',
  '??',
  '???',
];

const LONGEST_BLANK_WORD = 16;

export class BlankWords {
  private readonly words: ReadonlySet<string>;
  private readonly longest: number;
  /** ASCII codes of the words' first characters (lower and upper case), 1 each: most text is ruled out by its first character alone. */
  private readonly firsts = new Uint8Array(0x80);

  /** The standard words, plus `extra` (compared the same way). */
  constructor(extra: readonly string[] = []) {
    const words = [...BLANK_WORDS, ...extra.map((w) => w.trim().toLowerCase())].filter((w) => w !== '');
    this.words = new Set(words);
    this.longest = Math.max(LONGEST_BLANK_WORD, ...words.map((w) => w.length));
    for (const first of words.flatMap((w) => [w[0], w[0].toUpperCase()])) if (first.length === 1 && first.charCodeAt(0) < 0x80) this.firsts[first.charCodeAt(0)] = 1;
  }

  /** Whether text says "nothing": white space only, or a blank word. Long text is never blank (and is not lower-cased). */
  isBlankText(s: string): boolean {
    if (s.length === 0) return true;
    const c = s.charCodeAt(0);
    if (c > 32 && c < 0x7f && this.firsts[c] === 0) return false;
    if (s.length > this.longest + 8) return s.trim() === '';
    const t = s.trim();
    return t === '' || this.words.has(t.toLowerCase());
  }

  /** Whether a value is blank to the language or is a blank word. */
  isBlankValue(v: unknown): boolean {
    return typeof v === 'string' ? this.isBlankText(v) : isBlank(v);
  }
}

export const DEFAULT_BLANK_WORDS = new BlankWords();
