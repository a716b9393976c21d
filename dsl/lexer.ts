// Tokens of the routing language (LANGUAGE.md, "Lexical rules").
//
// Keywords are lower case and case-sensitive (`WHEN` is an identifier). Every keyword also belongs to
// the `Word` category, so a keyword is accepted wherever a name is expected (`queue pool`,
// `tag owner`, `priority high`). `PathStart` is the category of tokens that may start a path (a
// condition's subject, a bare word on the right of a comparison): every keyword except `not`, `when`
// and `otherwise`, which would make the grammar ambiguous there (`not` starts a negated condition;
// `when` / `otherwise` start a dimension arm), and `route`, `and`, `or`, so that a value left out
// (`when type = route ...`) is reported as such instead of swallowing the next word.
import { createToken, Lexer, type CustomPatternMatcherFunc, type CustomPatternMatcherReturn, type ILexingResult, type IToken, type TokenType } from 'chevrotain';

/** Anything usable as a name: an identifier or any keyword. */
export const Word = createToken({ name: 'Word', pattern: Lexer.NA });
/** Anything usable as the first segment of a path. */
export const PathStart = createToken({ name: 'PathStart', pattern: Lexer.NA });

/**
 * Start characters for Chevrotain's first-character optimization, which custom patterns must list:
 * the Latin-1 ones that pass `test` one by one, and above that one character per bucket of 255
 * (Chevrotain groups character codes above 255 into such buckets), so every other character may start.
 */
function startHints(test: (character: string) => boolean): number[] {
  const hints: number[] = [];
  for (let code = 0; code < 256; code++) if (test(String.fromCharCode(code))) hints.push(code);
  for (let code = 256; code < 65536; code += 255) hints.push(code);
  hints.push(65535);
  return hints;
}

/**
 * A custom pattern running a sticky regexp, for what Chevrotain's own regexp handling cannot do.
 * One result array serves every match (the lexer reads the image at once and keeps nothing), so
 * a policy's thousands of words do not each leave a match array behind.
 */
function sticky(pattern: RegExp): { exec: CustomPatternMatcherFunc } {
  const found: CustomPatternMatcherReturn = [''];
  return {
    exec: (text, offset) => {
      pattern.lastIndex = offset;
      if (!pattern.test(text)) return null;
      found[0] = text.substring(offset, pattern.lastIndex);
      return found;
    },
  };
}

// Identifiers are letters (any script: names like `ent_nа` with a Cyrillic `а` must lex so that the
// checker can suggest the right name), digits, `_`, and `-` when not first. Chevrotain drops a regexp's
// `u` flag, so the Unicode-aware regexp runs as a custom pattern.
export const Identifier = createToken({
  name: 'Identifier',
  pattern: sticky(/[\p{L}\p{N}_][\p{L}\p{N}\p{M}_-]*/uy),
  line_breaks: false,
  start_chars_hint: startHints((character) => /[\p{L}\p{N}_]/u.test(character)),
  categories: [Word, PathStart],
});

/** Every keyword, by its text; `categories` says where else it may stand. */
function keyword(word: string, usableAsPathStart = true): TokenType {
  return createToken({
    name: word.charAt(0).toUpperCase() + word.slice(1),
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories: usableAsPathStart ? [Word, PathStart] : [Word],
  });
}

export const Policy = keyword('policy');
export const Fields = keyword('fields');
export const Dimension = keyword('dimension');
export const By = keyword('by');
export const When = keyword('when', false);
export const Otherwise = keyword('otherwise', false);
export const Pool = keyword('pool');
export const Weight = keyword('weight');
export const Cap = keyword('cap');
export const Bid = keyword('bid');
export const SoldCap = keyword('sold_cap');
export const Hours = keyword('hours');
export const Tz = keyword('tz');
export const Holidays = keyword('holidays');
export const Sticky = keyword('sticky');
export const For = keyword('for');
export const Route = keyword('route', false);
export const Or = keyword('or', false);
export const And = keyword('and', false);
export const Not = keyword('not', false);
export const In = keyword('in');
export const Between = keyword('between');
export const Is = keyword('is');
export const Blank = keyword('blank');
export const Contains = keyword('contains');
export const Starts = keyword('starts');
export const Ends = keyword('ends');
export const With = keyword('with');
export const Matches = keyword('matches');
export const Else = keyword('else');
export const Rules = keyword('rules');
export const Fallback = keyword('fallback');
export const Owner = keyword('owner');
export const Rep = keyword('rep');
export const Queue = keyword('queue');
export const Then = keyword('then');
export const Sla = keyword('sla');
export const Business = keyword('business');
export const Priority = keyword('priority');
export const Floor = keyword('floor');
export const MultiSell = keyword('multi_sell');
export const Tag = keyword('tag');
export const Escalate = keyword('escalate');
export const To = keyword('to');
export const Next = keyword('next');
export const From = keyword('from');

const keywords = [
  Policy, Fields, Dimension, By, When, Otherwise, Pool, Weight, Cap, SoldCap, Bid, Hours, Tz, Holidays,
  Sticky, For, Route, Or, And, Not, In, Between, Is, Blank, Contains, Starts, Ends, With, Matches,
  Else, Rules, Fallback, Owner, Rep, Queue, Then, Sla, Business, Priority, Floor, MultiSell, Tag,
  Escalate, To, Next, From,
];

// Literals. A word that starts like a number but goes on as an identifier (`3rd_party`, `10min`) is
// an identifier: each of these yields to the longer identifier match.
export const StringLiteral = createToken({ name: 'StringLiteral', pattern: /"(?:[^"\\\n]|\\[^\n])*"/ });
/** A string that the end of the line cuts off; it parses as a string and is reported once. */
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: /"(?:[^"\\\n]|\\[^\n])*\\?/,
  categories: [StringLiteral],
});
export const DateLiteral = createToken({ name: 'DateLiteral', pattern: /\d{4}-\d{2}-\d{2}/, longer_alt: Identifier });
/** `30s 10m 4h 2d 1w`; a decimal such as `1.5h` lexes too, for the checker to judge. */
export const Duration = createToken({ name: 'Duration', pattern: /\d+(?:\.\d+)?[smhdw]/, longer_alt: Identifier });
export const NumberLiteral = createToken({ name: 'NumberLiteral', pattern: /-?\d+(?:\.\d+)?/, longer_alt: Identifier });

export const NotEquals = createToken({ name: 'NotEquals', pattern: /!=/ });
export const LessEquals = createToken({ name: 'LessEquals', pattern: /<=/ });
export const GreaterEquals = createToken({ name: 'GreaterEquals', pattern: />=/ });
export const Less = createToken({ name: 'Less', pattern: /</ });
export const Greater = createToken({ name: 'Greater', pattern: />/ });
export const Equals = createToken({ name: 'Equals', pattern: /=/ });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/ });
export const RBracket = createToken({ name: 'RBracket', pattern: /]/ });
export const LParen = createToken({ name: 'LParen', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });
export const LCurly = createToken({ name: 'LCurly', pattern: /{/ });
export const RCurly = createToken({ name: 'RCurly', pattern: /}/ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const Colon = createToken({ name: 'Colon', pattern: /:/ });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/ });
export const Slash = createToken({ name: 'Slash', pattern: /\// });
export const Dot = createToken({ name: 'Dot', pattern: /\./ });
export const Star = createToken({ name: 'Star', pattern: /\*/ });

const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
const Comment = createToken({ name: 'Comment', pattern: /#[^\n]*/, group: Lexer.SKIPPED });
/**
 * Characters that no token takes, set aside in their own group (read with `unknownCharacters`) for
 * the parse to report. A run of ASCII ones is one token, so that pasted junk lexes in linear time
 * (Chevrotain's own error path retries every pattern at every character); anything else, one by one.
 */
export const Unknown = createToken({
  name: 'Unknown',
  pattern: sticky(/[^\s#"\-!<>=[\](){},:;/.*\w\u0080-\uffff]+|[^]/y),
  group: 'unknown',
  line_breaks: false,
  start_chars_hint: startHints(() => true),
});

/** Order matters: Chevrotain takes the first pattern that matches (keywords before identifiers). */
export const allTokens: TokenType[] = [
  WhiteSpace, Comment,
  StringLiteral, UnterminatedString,
  DateLiteral, Duration, NumberLiteral,
  NotEquals, LessEquals, GreaterEquals, Less, Greater, Equals,
  LBracket, RBracket, LParen, RParen, LCurly, RCurly, Comma, Colon, Semicolon, Slash, Dot, Star,
  ...keywords,
  Identifier,
  Unknown,
  Word, PathStart,
];

// Only `\n` ends a line, as in formatDiagnostic (which splits on /\r?\n/), so lines agree everywhere.
const lexer = new Lexer(allTokens, {
  positionTracking: 'full',
  lineTerminatorsPattern: /\n/g,
  lineTerminatorCharacters: ['\n'],
  ensureOptimizations: true,
});

export function tokenize(source: string): ILexingResult {
  return lexer.tokenize(source);
}

/** The `Unknown` tokens of a lexing result, in source order. */
export function unknownCharacters(result: ILexingResult): IToken[] {
  return result.groups.unknown ?? [];
}
