// Policy text -> AST and the lexical and syntax diagnostics of one run. Never throws.
import type { CstNode, IRecognitionException, IToken } from 'chevrotain';
import type { PolicyAst, Span } from './ast';
import { buildAst, countStartingBefore, tokenSpan } from './ast-builder';
import { capDiagnostics, MAX_DIAGNOSTICS, type Diagnostic } from './diagnostics';
import { tokenize, unknownCharacters, UnterminatedString } from './lexer';
import { policyParser } from './parser';

export function parsePolicy(source: string): { ast: PolicyAst; diagnostics: Diagnostic[] } {
  try {
    const lexed = tokenize(source);
    const tokens = lexed.tokens;
    const diagnostics = unknownRuns(unknownCharacters(lexed)).map(lexDiagnostic);
    for (const token of tokens) {
      if (token.tokenType === UnterminatedString) {
        diagnostics.push(error('lex', 'this string has no closing `"` before the end of the line', tokenSpan(token)));
      }
    }
    // Lexical errors spend the one budget first; the parser stops when the rest is spent.
    const { cst, stoppedAt } = policyParser.parseTokens(tokens, Math.max(0, MAX_DIAGNOSTICS - diagnostics.length));
    const syntax = policyParser.errors.map((exception) => syntaxDiagnostic(exception, tokens));
    diagnostics.push(...withoutEchoes(syntax, diagnostics, cst));
    const built = buildAst(cst, tokens, source.length, syntax.length > 0);
    diagnostics.push(...built.diagnostics);
    const stop = stoppedAt === undefined ? undefined : stoppedAt.startOffset >= 0 ? tokenSpan(stoppedAt) : after(tokens.at(-1));
    return { ast: built.ast, diagnostics: capDiagnostics(inSourceOrder(diagnostics), stop) };
  } catch (failure) {
    // A bug of ours, not of the policy: still an answer rather than an exception, and a distinct code.
    const message = failure instanceof Error ? failure.message : String(failure);
    return {
      ast: { statements: [], span: { start: 0, end: 0, line: 1, column: 1 } },
      diagnostics: [error('internal', `the policy could not be parsed (internal error: ${message})`, { start: 0, end: 0, line: 1, column: 1 })],
    };
  }
}

function error(code: string, message: string, span: Span): Diagnostic {
  return { severity: 'error', code, message, span };
}

/** Hints for characters that people bring from other languages. */
const CHARACTER_HINTS: [RegExp, string][] = [
  [/^'/, "strings take double quotes: write \"...\", not '...'"],
  [/^&/, 'write `and` instead of `&&`'],
  [/^\|/, 'write `or` instead of `||`'],
  [/^!/, 'write `not`, or `!=` for "not equal"'],
];

/** Adjacent unknown characters (split by the lexer, e.g. an emoji's two halves) make one run. */
function unknownRuns(unknown: IToken[]): { text: string; span: Span }[] {
  const runs: { text: string; span: Span }[] = [];
  for (const token of unknown) {
    const last = runs.at(-1);
    if (last && last.span.end === token.startOffset) {
      last.text += token.image;
      last.span.end += token.image.length;
    } else {
      runs.push({ text: token.image, span: tokenSpan(token) });
    }
  }
  return runs;
}

function lexDiagnostic(run: { text: string; span: Span }): Diagnostic {
  const hint = CHARACTER_HINTS.find(([pattern]) => pattern.test(run.text));
  const characters = [...run.text];
  const shown = characters.slice(0, 20).map(showCharacter).join('') + (characters.length > 20 ? '…' : '');
  const message = `unexpected character${characters.length > 1 ? 's' : ''} \`${shown}\`${hint ? `: ${hint[1]}` : ''}`;
  return error('lex', message, run.span);
}

/** Invisible and control characters (C0, DEL, C1) are shown as U+XXXX. */
function showCharacter(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || /\s/.test(character) ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}` : character;
}

/** Rules whose errors are about the offending token itself (a stray word where a statement should start). */
const STATEMENT_RULES = new Set(['policy', 'statement']);

function syntaxDiagnostic(exception: IRecognitionException, tokens: IToken[]): Diagnostic {
  const token = exception.token;
  const previous = tokenBefore(tokens, token);
  const atToken = token.startOffset >= 0;
  const innermostRule = exception.context.ruleStack.at(-1) ?? 'policy';
  // Something missing at the end of a line is reported there, not at the next line's first word.
  // Chevrotain's EOF has no place either: then the spot is just after the last token.
  const missingAtLineEnd = previous !== undefined && !STATEMENT_RULES.has(innermostRule) && (token.startLine ?? 0) > (previous.endLine ?? 0);
  if (atToken && !missingAtLineEnd) return error('syntax', exception.message, tokenSpan(token));
  return error('syntax', exception.message, after(previous));
}

/** The empty span just after a token (or at the start, without one). */
function after(token: IToken | undefined): Span {
  if (!token) return { start: 0, end: 0, line: 1, column: 1 };
  const at = (token.endOffset ?? token.startOffset) + 1;
  return { start: at, end: at, line: token.endLine ?? 1, column: (token.endColumn ?? 0) + 1 };
}

/** The last token that starts before `token` (the last token of all when `token` is the end of input). */
function tokenBefore(tokens: IToken[], token: IToken): IToken | undefined {
  if (!(token.startOffset >= 0)) return tokens.at(-1);
  return tokens[countStartingBefore(tokens, token.startOffset, (t) => t.startOffset) - 1];
}

/**
 * After one mistake, recovery often trips again further on the same line; those echoes say nothing
 * new. So a syntax error is kept only when it is the first of its statement on its line, and no
 * lexical error (a stray `&&`, a single quote) comes before it on that line.
 */
function withoutEchoes(syntax: Diagnostic[], lexical: Diagnostic[], cst: CstNode): Diagnostic[] {
  const firstLexicalOnLine = new Map<number, number>();
  for (const d of lexical) firstLexicalOnLine.set(d.span.line, Math.min(d.span.start, firstLexicalOnLine.get(d.span.line) ?? Infinity));
  const starts = (cst.children.statement ?? [])
    .map((statement) => ('location' in statement ? statement.location?.startOffset : undefined))
    .filter((start): start is number => start !== undefined && start >= 0);
  const seen = new Set<string>();
  return syntax.filter((d) => {
    if ((firstLexicalOnLine.get(d.span.line) ?? Infinity) < d.span.start) return false;
    const key = `${countStartingBefore(starts, d.span.start + 1, (start) => start)}:${d.span.line}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Sorted by place, one diagnostic per place (recovery can report the same spot twice). */
function inSourceOrder(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<number>();
  return diagnostics
    .sort((a, b) => a.span.start - b.span.start)
    .filter((d) => {
      if (seen.has(d.span.start)) return false;
      seen.add(d.span.start);
      return true;
    });
}
