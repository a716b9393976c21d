// The AST of dsl/ast.ts, built while the parser (dsl/parser.ts) reads: each grammar rule hands
// its tokens and the nodes of its sub-rules to a method here, so no intermediate syntax tree is
// made. Error recovery may leave a statement short of a piece (a token made up, a rule cut
// short); such a statement is left out of the AST (the parser has already reported why), so that
// the checker sees only statements that were written out in full. A statement that recovery
// repaired by dropping a stray token is complete, and kept.
import { tokenMatcher, type CstNode, type IToken } from 'chevrotain';
import type {
  CompareOp,
  Condition,
  DateLit,
  DimensionArm,
  DimensionDecl,
  DurationLit,
  EscalationStep,
  FieldDecl,
  FieldType,
  FieldsDecl,
  Literal,
  MemberDecl,
  Modifier,
  Name,
  PathRef,
  PolicyAst,
  PolicyNameDecl,
  PoolDecl,
  PoolName,
  PoolOption,
  Predicate,
  RuleDecl,
  Span,
  Statement,
  StickyDecl,
  Target,
  FallbackDecl,
} from './ast';
import type { Diagnostic } from './diagnostics';
import { StringLiteral, UnterminatedString } from './lexer';

/**
 * A condition whose tree (and / or / not levels) is deeper than this is an error: later stages walk
 * conditions recursively, and a hostile `a = 1 and a = 1 and ...` must not overflow their stack.
 */
export const MAX_CONDITION_DEPTH = 500;

const SIMPLE_TYPES = ['text', 'number', 'boolean', 'email', 'phone', 'country', 'datetime'] as const;
type SimpleTypeKind = (typeof SIMPLE_TYPES)[number];
function isSimpleType(name: string): name is SimpleTypeKind {
  return (SIMPLE_TYPES as readonly string[]).includes(name);
}

const TEXT_OPS = { contains: 'contains', starts: 'starts_with', ends: 'ends_with' } as const;

export function tokenSpan(token: IToken): Span {
  return { start: token.startOffset, end: (token.endOffset ?? token.startOffset) + 1, line: token.startLine ?? 1, column: token.startColumn ?? 1 };
}

/** How many of `items`, sorted by `startOf`, start before `offset` (a binary search). */
export function countStartingBefore<T>(items: readonly T[], offset: number, startOf: (item: T) => number): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (startOf(items[mid]) < offset) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** From the start of `first` to the end of `last`. */
function spanFrom(first: Span, last: Span): Span {
  return { start: first.start, end: last.end, line: first.line, column: first.column };
}

/** What a node's span runs from or to: a token, or a node with its span. */
type Place = IToken | { span: Span };

/** The span of a construct from its first token (or node) to its last. */
function span(first: Place, last: Place): Span {
  const end = 'span' in last ? last.span.end : (last.endOffset ?? last.startOffset) + 1;
  if ('span' in first) return { start: first.span.start, end, line: first.span.line, column: first.span.column };
  return { start: first.startOffset, end, line: first.startLine ?? 1, column: first.startColumn ?? 1 };
}

/** Every backslash sequence of a string; group 1 holds one that JSON does not know. */
const STRING_ESCAPE = /\\(?:u[0-9a-fA-F]{4}|["\\/bfnrt])|(\\(?:u[^"]{0,4}|.?))/g;

function badEscape(image: string): RegExpExecArray | undefined {
  for (const match of image.matchAll(STRING_ESCAPE)) if (match[1] !== undefined) return match;
  return undefined;
}

/** Where JSON's forbidden raw control characters (U+0000 to U+001F) first appear, or -1. */
function controlCharacterAt(image: string): number {
  for (let i = 0; i < image.length; i++) if (image.charCodeAt(i) < 0x20) return i;
  return -1;
}

/**
 * One statement as read (a `rules { }` block holds one per rule): what was built of it, and the
 * diagnostics building it gave. `incomplete`: error recovery left a piece out, so it is dropped
 * whole. `statement` is null for a `;`, and for a statement that building refused (a condition
 * nested too deep), whose diagnostics up to that point stand.
 */
export interface Unit {
  statement: Statement | null;
  incomplete: boolean;
  /** Building stopped (at a condition nested too deep): nothing after it is built or reported. */
  failed: boolean;
  diagnostics: Diagnostic[];
}

/** A statement as read at the top level: where its first token starts (NaN: it read none), and its units. */
export interface ParsedStatement {
  start: number;
  units: Unit[];
}

/**
 * What a parse hands on: the AST built while reading, unit by unit, and (as the CstNode that
 * dsl/parse.ts reads) one `statement` child per statement read, located at its first token.
 */
export interface ParsedPolicy extends CstNode {
  readonly statements: readonly ParsedStatement[];
}

/** The parse's result over the statements read. */
export function parsedPolicy(statements: ParsedStatement[]): ParsedPolicy {
  const outline: CstNode[] = statements.map((s) => ({ name: 'statement', children: {}, location: { startOffset: s.start } }));
  return { name: 'policy', children: { statement: outline }, statements };
}

/** What `TARGET (or TARGET)* MODIFIER*` reads, for the rule that holds it. */
export interface RuleBodyParts {
  targets: Target[];
  modifiers: Modifier[];
  last: Place;
}

/** A `[...]` list of literals, with its brackets (which its predicate's span runs to). */
export interface ListParts {
  values: Literal[];
  open: IToken;
  close: IToken;
}

/**
 * Builds AST nodes for the parser, and keeps the units of the statement being read. Once a unit
 * is short of a piece, nothing more is built for it (the values its rules get back then are
 * never read: the unit is dropped); once it has failed, what is built is no longer reported on.
 */
export class AstBuilder {
  private readonly units: Unit[] = [];
  /** The start of the top-level statement being read. */
  private statementStart = NaN;
  /** For each test of the condition being read, in source order: the unit's diagnostic count before its predicate. */
  private readonly testMarks: number[] = [];
  /** The walk of checkDepth: nodes to visit and their depths (kept, so that a check allocates nothing). */
  private readonly depthStack: Condition[] = [];
  private readonly depths: number[] = [];

  reset(): void {
    this.units.length = 0;
    this.testMarks.length = 0;
    this.statementStart = NaN;
  }

  // ---- units -------------------------------------------------------------------------------

  /** Starts a top-level statement: a unit, and no start until its first token is read. */
  openStatement(): Unit {
    this.statementStart = NaN;
    return this.openUnit();
  }

  /** The first token of the top-level statement being read. */
  noteStart(token: IToken): void {
    if (Number.isNaN(this.statementStart)) this.statementStart = token.startOffset;
  }

  /** The top-level statement read so far, with its units (the statement's own unit unless it holds rules). */
  statementRead(units: Unit[]): ParsedStatement {
    return { start: this.statementStart, units };
  }

  openUnit(): Unit {
    const unit: Unit = { statement: null, incomplete: false, failed: false, diagnostics: [] };
    this.units.push(unit);
    return unit;
  }

  closeUnit(unit: Unit): void {
    if (this.units.at(-1) === unit) this.units.pop();
  }

  /** A unit cut short by recovery, for a rule that recovery ended. */
  recoveredUnit(): Unit {
    return { statement: null, incomplete: true, failed: false, diagnostics: [] };
  }

  /** Recovery re-synchronized inside the current unit: a rule of it was cut short. */
  markIncomplete(): void {
    const unit = this.units.at(-1);
    if (unit !== undefined) unit.incomplete = true;
  }

  /** Whether recovery left the current unit short of a piece: nothing more is built for it. */
  get incomplete(): boolean {
    const unit = this.units.at(-1);
    return unit === undefined || unit.incomplete;
  }

  /** The unit with what was built of it. */
  settle(unit: Unit, statement: Statement | null | undefined): Unit {
    if (!unit.incomplete && !unit.failed && statement) unit.statement = statement;
    return unit;
  }

  /** Tokens a construct read: one that recovery made up leaves the unit short of a piece. */
  private read(...tokens: (IToken | undefined)[]): void {
    for (const token of tokens) if (token !== undefined && token.isInsertedInRecovery === true) this.markIncomplete();
  }

  private report(diagnostic: Diagnostic): void {
    const unit = this.units.at(-1);
    if (unit !== undefined && !unit.failed) unit.diagnostics.push(diagnostic);
  }

  private syntaxError(message: string, at: Span): void {
    this.report({ severity: 'error', code: 'syntax', message, span: at });
  }

  // ---- statements --------------------------------------------------------------------------

  policyName(keyword: IToken, name: IToken): PolicyNameDecl {
    this.read(keyword, name);
    return { kind: 'policy', name: this.name(name), span: span(keyword, name) };
  }

  fields(keyword: IToken, open: IToken, fields: FieldDecl[], close: IToken): FieldsDecl {
    this.read(keyword, open, close);
    return { kind: 'fields', fields, span: span(keyword, close) };
  }

  /** `path: type`, or `path: enum(a, b)`, then `from "Column", ...`; `list` holds the parentheses and the names between them. */
  field(
    path: PathRef,
    colon: IToken,
    typeToken: IToken,
    list: { open: IToken; names: IToken[]; close: IToken } | undefined,
    from: { keyword: IToken; names: IToken[] } | undefined,
  ): FieldDecl {
    this.read(colon, typeToken, list?.open, list?.close, from?.keyword);
    const typeName: Name = { text: typeToken.image, quoted: false, span: tokenSpan(typeToken) };
    const values = list ? list.names.map((n) => this.name(n)) : undefined;
    let type: FieldType | null = null;
    if (typeName.text === 'enum') {
      if (!values) this.syntaxError('expected a list of values after `enum`: enum(a, b, ...)', typeName.span);
      type = { kind: 'enum', values: values ?? [], span: list ? spanFrom(typeName.span, tokenSpan(list.close)) : typeName.span };
    } else {
      if (values) this.syntaxError(`only enum takes a list of values, not \`${typeName.text}\``, typeName.span);
      if (isSimpleType(typeName.text)) type = { kind: typeName.text, span: typeName.span };
    }
    const columns = from ? from.names.map((n) => this.name(n)) : [];
    const end = columns.at(-1)?.span ?? (list ? tokenSpan(list.close) : tokenSpan(typeToken));
    return { path, typeName, type, from: columns, span: spanFrom(path.span, end) };
  }

  /** A dimension; its name is read after its arms, as they were always built in that order. */
  dimension(keyword: IToken, name: IToken, by: { keyword: IToken; path: PathRef } | undefined, open: IToken, arms: DimensionArm[], close: IToken): DimensionDecl {
    this.read(keyword, by?.keyword, open, close);
    return { kind: 'dimension', name: this.name(name), by: by ? by.path : null, arms, span: span(keyword, close) };
  }

  /** `VALUE when ...` (`when` given) or `VALUE otherwise`. */
  arm(value: IToken, when: { keyword: IToken; is: Predicate | Condition } | undefined, otherwise: IToken | undefined): DimensionArm {
    this.read(value, when?.keyword, otherwise);
    const name = this.name(value);
    return { value: name, when: when ? when.is : null, span: span(value, when ? when.is : (otherwise as IToken)) };
  }

  pool(keyword: IToken, name: PoolName, equals: IToken, open: IToken, members: MemberDecl[], close: IToken, options: PoolOption[]): PoolDecl {
    this.read(keyword, equals, open, close);
    return { kind: 'pool', name, members, options, span: span(keyword, options.at(-1) ?? close) };
  }

  /** A quoted pool name (one segment). */
  quotedPoolName(token: IToken): PoolName {
    this.read(token);
    const text = this.decodeString(token);
    return { segments: [text], text, span: tokenSpan(token) };
  }

  /** `enterprise.na`, `smb.*`: segments (words or `*`) and the dots between them. */
  poolName(segments: IToken[], dots: IToken[]): PoolName {
    this.read(...segments, ...dots);
    const texts = segments.map((s) => s.image);
    return { segments: texts, text: texts.join('.'), span: span(segments[0], segments[segments.length - 1]) };
  }

  member(name: IToken, options: PoolOption[]): MemberDecl {
    this.read(name);
    return { name: this.name(name), options, span: span(name, options.at(-1) ?? name) };
  }

  /** `weight N` or `bid N`. */
  numberOption(kind: 'weight' | 'bid', keyword: IToken, value: IToken): PoolOption {
    this.read(keyword, value);
    return { kind, value: this.number(value), span: span(keyword, value) };
  }

  /** `cap N/PER` or `sold_cap N/PER`. */
  cap(keyword: IToken, count: IToken, slash: IToken, per: IToken): PoolOption {
    this.read(keyword, count, slash, per);
    return { kind: keyword.image === 'sold_cap' ? 'sold_cap' : 'cap', count: this.number(count), per: { text: per.image, quoted: false, span: tokenSpan(per) }, span: span(keyword, per) };
  }

  /** `hours "..."` or `tz "..."`. */
  textOption(kind: 'hours' | 'tz', keyword: IToken, value: IToken): PoolOption {
    this.read(keyword, value);
    return { kind, value: this.string(value), span: span(keyword, value) };
  }

  holidays(keyword: IToken, open: IToken, dates: IToken[], close: IToken): PoolOption {
    this.read(keyword, open, ...dates, close);
    return { kind: 'holidays', dates: dates.map((token): DateLit => ({ kind: 'date', text: token.image, span: tokenSpan(token) })), span: span(keyword, close) };
  }

  whenOption(keyword: IToken, condition: Condition): PoolOption {
    this.read(keyword);
    return { kind: 'when', condition, span: span(keyword, condition) };
  }

  sticky(keyword: IToken, by: IToken, path: PathRef, forToken: IToken, window: IToken): StickyDecl {
    this.read(keyword, by, forToken, window);
    return { kind: 'sticky', path, window: this.duration(window), span: span(keyword, window) };
  }

  /** A `when` rule (`condition` given) or an `else` rule. Its source is filled in by buildAst, from the token vector. */
  rule(keyword: IToken, condition: Condition | null, route: IToken | undefined, body: RuleBodyParts): RuleDecl {
    this.read(keyword, route);
    return { kind: 'rule', condition, targets: body.targets, modifiers: body.modifiers, source: '', span: span(keyword, body.last) };
  }

  ruleBody(targets: Target[], ors: IToken[], modifiers: Modifier[]): RuleBodyParts {
    this.read(...ors);
    return { targets, modifiers, last: modifiers.at(-1) ?? (targets.at(-1) as Target) };
  }

  fallback(keyword: IToken, target: Target): FallbackDecl {
    this.read(keyword);
    return { kind: 'fallback', target, span: span(keyword, target) };
  }

  // ---- targets and modifiers -----------------------------------------------------------------

  /** `owner`, or `owner(path)` with its parentheses. */
  owner(keyword: IToken, path: { open: IToken; path: PathRef; close: IToken } | undefined): Target {
    this.read(keyword, path?.open, path?.close);
    return { kind: 'owner', path: path ? path.path : null, span: span(keyword, path ? path.close : keyword) };
  }

  /** `rep NAME` or `queue NAME`. */
  named(kind: 'rep' | 'queue', keyword: IToken, name: IToken): Target {
    this.read(keyword, name);
    return { kind, name: this.name(name), span: span(keyword, name) };
  }

  strategyCall(strategy: IToken, open: IToken, pool: PoolName, close: IToken): { strategy: Name; pool: PoolName; close: IToken } {
    this.read(strategy, open, close);
    return { strategy: { text: strategy.image, quoted: false, span: tokenSpan(strategy) }, pool, close };
  }

  strategy(call: { strategy: Name; pool: PoolName; close: IToken }): Target {
    return { kind: 'strategy', strategy: call.strategy, pool: call.pool, span: span(call.strategy, call.close) };
  }

  by(keyword: IToken, dimensions: PathRef[], thens: IToken[], call: { strategy: Name; pool: PoolName; close: IToken }): Target {
    this.read(keyword, ...thens);
    return { kind: 'by', dimensions, strategy: call.strategy, pool: call.pool, span: span(keyword, call.close) };
  }

  next(token: IToken): EscalationStep {
    this.read(token);
    return { kind: 'next', span: tokenSpan(token) };
  }

  sla(keyword: IToken, duration: IToken, business: IToken | undefined): Modifier {
    this.read(keyword, duration, business);
    return { kind: 'sla', duration: this.duration(duration), business: business !== undefined, span: span(keyword, business ?? duration) };
  }

  /** `priority NAME` or `tag NAME`. */
  priority(keyword: IToken, level: IToken): Modifier {
    this.read(keyword, level);
    return { kind: 'priority', level: this.name(level), span: span(keyword, level) };
  }

  tag(keyword: IToken, name: IToken): Modifier {
    this.read(keyword, name);
    return { kind: 'tag', name: this.name(name), span: span(keyword, name) };
  }

  /** `floor N` or `multi_sell N`. */
  numberModifier(kind: 'floor' | 'multi_sell', keyword: IToken, value: IToken): Modifier {
    this.read(keyword, value);
    return { kind, value: this.number(value), span: span(keyword, value) };
  }

  escalate(keyword: IToken, to: IToken, steps: EscalationStep[]): Modifier {
    this.read(keyword, to);
    return { kind: 'escalate', steps, span: span(keyword, steps[steps.length - 1]) };
  }

  // ---- conditions ----------------------------------------------------------------------------

  /** `or` over `and` over `not`: operands of one level folded to the left. */
  chain(operands: Condition[], kind: 'and' | 'or'): Condition {
    let result = operands[0];
    for (let i = 1; i < operands.length; i++) {
      const right = operands[i];
      result = { kind, left: result, right, span: spanFrom(result.span, right.span) };
    }
    return result;
  }

  /** The unit's diagnostic count before a test's predicate (where building a test too deep stops). */
  testMark(): number {
    return this.units.at(-1)?.diagnostics.length ?? 0;
  }

  test(subject: PathRef, mark: number, predicate: Predicate): Condition {
    this.testMarks.push(mark);
    return { kind: 'test', subject, predicate, span: spanFrom(subject.span, predicate.span) };
  }

  /** A parenthesized condition: the parentheses belong to it, so its span covers them. */
  parenthesized(open: IToken, condition: Condition, close: IToken): Condition {
    this.read(open, close);
    return { ...condition, span: span(open, close) };
  }

  negated(nots: IToken[], condition: Condition): Condition {
    this.read(...nots);
    let result = condition;
    for (let i = nots.length - 1; i >= 0; i--) result = { kind: 'not', operand: result, span: spanFrom(tokenSpan(nots[i]), result.span) };
    return result;
  }

  /** Where a whole condition starts among the test marks; give it to `checkDepth` once the condition is read. */
  conditionStart(): number {
    return this.testMarks.length;
  }

  /**
   * Refuses a condition deeper than MAX_CONDITION_DEPTH at its first test (in source order) that
   * sits too deep: what was reported before that test's predicate stands, and the unit fails.
   */
  checkDepth(condition: Condition, start: number): void {
    const unit = this.units.at(-1);
    if (unit === undefined || unit.incomplete || unit.failed) {
      this.testMarks.length = start;
      return;
    }
    const stack = this.depthStack;
    const depths = this.depths;
    stack.push(condition);
    depths.push(0);
    let test = start;
    while (stack.length > 0) {
      const node = stack.pop() as Condition;
      const depth = depths.pop() as number;
      if (node.kind === 'and' || node.kind === 'or') {
        stack.push(node.right, node.left);
        depths.push(depth + 1, depth + 1);
      } else if (node.kind === 'not') {
        stack.push(node.operand);
        depths.push(depth + 1);
      } else if (depth > MAX_CONDITION_DEPTH) {
        unit.diagnostics.length = this.testMarks[test];
        this.syntaxError(`this condition nests more than ${MAX_CONDITION_DEPTH} levels of and / or / not deep; split it into several rules or use \`in [...]\``, node.subject.span);
        unit.failed = true;
        break;
      } else test++;
    }
    stack.length = 0;
    depths.length = 0;
    this.testMarks.length = start;
  }

  compare(op: IToken, value: Literal): Predicate {
    this.read(op);
    return { kind: 'compare', op: op.image as CompareOp, value, span: span(op, value) };
  }

  /** `in [...]` or `not in [...]` (`not` given). */
  in(not: IToken | undefined, keyword: IToken, list: ListParts): Predicate {
    this.read(not, keyword, list.open, list.close);
    return { kind: 'in', negated: not !== undefined, values: list.values, span: span(not ?? keyword, list.close) };
  }

  between(keyword: IToken, low: Literal, and: IToken, high: Literal): Predicate {
    this.read(keyword, and);
    return { kind: 'between', low, high, span: span(keyword, high) };
  }

  blank(keyword: IToken, not: IToken | undefined, blank: IToken): Predicate {
    this.read(keyword, not, blank);
    return { kind: 'blank', negated: not !== undefined, span: span(keyword, blank) };
  }

  /** `contains`, or `starts with` / `ends with` (`with` given). */
  text(op: IToken, withToken: IToken | undefined, value: Literal): Predicate {
    this.read(op, withToken);
    return { kind: 'text', op: TEXT_OPS[op.image as keyof typeof TEXT_OPS], value, span: span(op, value) };
  }

  matches(keyword: IToken, pattern: Literal): Predicate {
    this.read(keyword);
    return { kind: 'matches', pattern, span: span(keyword, pattern) };
  }

  list(open: IToken, values: Literal[], close: IToken): ListParts {
    return { values, open, close };
  }

  // ---- leaves --------------------------------------------------------------------------------

  /** A bare word (`customer`, `paid_search`, `acme.com`, `4h`, `2026-12-25`) is the string as written. */
  bare(token: IToken): Literal {
    this.read(token);
    return { kind: 'string', value: token.image, bare: true, span: tokenSpan(token) };
  }

  barePath(path: PathRef): Literal {
    return { kind: 'string', value: path.text, bare: true, span: path.span };
  }

  /** A path: its first segment, then its dots and words in turn. */
  path(head: IToken, tail: readonly IToken[]): PathRef {
    this.read(head, ...tail);
    const segments = [head.image];
    for (let i = 1; i < tail.length; i += 2) segments.push(tail[i].image);
    return { kind: 'path', segments, text: tail.length === 0 ? head.image : segments.join('.'), span: span(head, tail.at(-1) ?? head) };
  }

  /** A name: a quoted string (decoded) or a word. */
  name(token: IToken): Name {
    if (tokenMatcher(token, StringLiteral)) return { text: this.decodeString(token), quoted: true, span: tokenSpan(token) };
    return { text: token.image, quoted: false, span: tokenSpan(token) };
  }

  string(token: IToken): Literal {
    this.read(token);
    return { kind: 'string', value: this.decodeString(token), bare: false, span: tokenSpan(token) };
  }

  number(token: IToken): Literal {
    this.read(token);
    return { kind: 'number', value: Number(token.image), text: token.image, span: tokenSpan(token) };
  }

  private duration(token: IToken): DurationLit {
    return { kind: 'duration', text: token.image, span: tokenSpan(token) };
  }

  /**
   * A string's value by JSON's rules. A string that cannot be decoded keeps its text as written
   * and is reported (an unterminated one was reported by the lexer pass already).
   */
  private decodeString(token: IToken): string {
    const unterminated = token.tokenType === UnterminatedString;
    try {
      return JSON.parse(unterminated ? `${token.image}"` : token.image) as string;
    } catch {
      // Reported below (or already, when unterminated); the raw text stands in for the value.
    }
    if (unterminated) return token.image.slice(1);
    const escape = badEscape(token.image);
    const at = escape ? escape.index : Math.max(0, controlCharacterAt(token.image));
    const message = escape
      ? `invalid escape \`${escape[1]}\` in a string; the escapes are \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX`
      : 'a string cannot hold a control character such as a tab; write it as an escape (\\t)';
    const start = token.startOffset + at;
    const width = escape ? Math.max(1, escape[1].length) : 1;
    this.report({
      severity: 'error',
      code: 'lex',
      message,
      span: { start, end: start + width, line: token.startLine ?? 1, column: (token.startColumn ?? 1) + at },
    });
    return token.image.slice(1, -1);
  }
}

/** The text of a span with comments dropped and each run of white space made one space. */
function sourceOf(tokens: IToken[], at: Span): string {
  const low = countStartingBefore(tokens, at.start, (token) => token.startOffset);
  let text = '';
  let previousEnd = -1;
  for (let i = low; i < tokens.length && tokens[i].startOffset < at.end; i++) {
    const token = tokens[i];
    if (text !== '' && token.startOffset > previousEnd + 1) text += ' ';
    text += token.image;
    previousEnd = token.endOffset ?? token.startOffset;
  }
  return text;
}

/**
 * The AST of a parse: its complete statements, each rule with its own text as its source (from
 * `tokens`, the lexer's token vector), and the diagnostics building them gave. `recovered` says
 * whether the parser recovered from errors, so that statements may lack pieces.
 */
export function buildAst(parsed: ParsedPolicy, tokens: IToken[], sourceLength: number, recovered: boolean): { ast: PolicyAst; diagnostics: Diagnostic[] } {
  const statements: Statement[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const statement of parsed.statements) {
    for (const unit of statement.units) {
      if (recovered && unit.incomplete) continue;
      diagnostics.push(...unit.diagnostics);
      const built = unit.statement;
      if (built === null) continue;
      if (built.kind === 'rule') built.source = sourceOf(tokens, built.span);
      statements.push(built);
    }
  }
  return { ast: { statements, span: { start: 0, end: sourceLength, line: 1, column: 1 } }, diagnostics };
}
