// CST (from dsl/parser.ts) -> AST (dsl/ast.ts). After error recovery the CST may lack pieces; a
// statement with a missing piece is left out of the AST (the parser has already reported why), so
// that the checker sees only statements that were written out in full. A statement that recovery
// repaired by dropping a stray token is complete, and kept.
import type { CstElement, CstNode, IToken } from 'chevrotain';
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
  PoolDecl,
  PoolName,
  PoolOption,
  Predicate,
  RuleDecl,
  Span,
  Statement,
  Target,
} from './ast';
import type { Diagnostic } from './diagnostics';
import { UnterminatedString } from './lexer';

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

/**
 * Thrown when a piece the builder reads is not there. Statements that lack a piece are left out
 * before building (see `lacksPiece`), so this is only a safety net; it is caught per statement.
 */
class Incomplete extends Error {}

function isNode(element: CstElement): element is CstNode {
  return 'children' in element;
}

function isToken(element: CstElement): element is IToken {
  return !isNode(element);
}

/** Whether error recovery left a piece out of a node: a rule cut short, or a token made up. */
function lacksPiece(node: CstNode): boolean {
  if (node.recoveredNode) return true;
  for (const list of Object.values(node.children)) {
    for (const element of list) if (isNode(element) ? lacksPiece(element) : element.isInsertedInRecovery === true) return true;
  }
  return false;
}

// The lists are checked before they are filtered: a key holds either tokens or nodes (never both, as
// no label repeats a rule name), so the check passes and nothing is copied.
function tokensOf(node: CstNode, key: string): IToken[] {
  const list = node.children[key] ?? [];
  return list.every(isToken) ? list : list.filter(isToken);
}

function maybeToken(node: CstNode, key: string): IToken | undefined {
  for (const element of node.children[key] ?? []) if (isToken(element)) return element;
  return undefined;
}

function tokenOf(node: CstNode, key: string): IToken {
  const token = maybeToken(node, key);
  if (token === undefined) throw new Incomplete();
  return token;
}

function nodesOf(node: CstNode, key: string): CstNode[] {
  const list = node.children[key] ?? [];
  return list.every(isNode) ? list : list.filter(isNode);
}

function maybeNode(node: CstNode, key: string): CstNode | undefined {
  for (const element of node.children[key] ?? []) if (isNode(element)) return element;
  return undefined;
}

function nodeOf(node: CstNode, key: string): CstNode {
  const child = maybeNode(node, key);
  if (child === undefined) throw new Incomplete();
  return child;
}

export function tokenSpan(token: IToken): Span {
  return { start: token.startOffset, end: (token.endOffset ?? token.startOffset) + 1, line: token.startLine ?? 1, column: token.startColumn ?? 1 };
}

function nodeSpan(node: CstNode): Span {
  const loc = node.location;
  if (!loc || !(loc.startOffset >= 0) || !(loc.endOffset !== undefined && loc.endOffset >= loc.startOffset)) throw new Incomplete();
  return { start: loc.startOffset, end: loc.endOffset + 1, line: loc.startLine ?? 1, column: loc.startColumn ?? 1 };
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

class AstBuilder {
  readonly diagnostics: Diagnostic[] = [];

  constructor(private readonly tokens: IToken[]) {}

  policy(cst: CstNode, sourceLength: number, recovered: boolean): PolicyAst {
    const statements: Statement[] = [];
    for (const statement of nodesOf(cst, 'statement')) {
      const block = maybeNode(statement, 'rulesBlock');
      for (const node of block ? nodesOf(block, 'ruleStatement') : [statement]) {
        if (recovered && lacksPiece(node)) continue;
        try {
          const built = this.statement(node);
          if (built) statements.push(built);
        } catch (error) {
          if (!(error instanceof Incomplete)) throw error;
        }
      }
    }
    return { statements, span: { start: 0, end: sourceLength, line: 1, column: 1 } };
  }

  /** A `statement` or `ruleStatement` node: what it holds, or null for a `;` (or nothing left by recovery). */
  private statement(node: CstNode): Statement | null {
    const [key, children] = Object.entries(node.children)[0] ?? [];
    const child = children?.find(isNode);
    if (key === undefined || child === undefined) return null;
    switch (key) {
      case 'ruleStatement':
        return this.statement(child);
      case 'policyDecl':
        return { kind: 'policy', name: this.name(nodeOf(child, 'name')), span: nodeSpan(child) };
      case 'fieldsDecl':
        return this.fields(child);
      case 'dimensionDecl':
        return this.dimension(child);
      case 'poolDecl':
        return this.pool(child);
      case 'stickyDecl':
        return { kind: 'sticky', path: this.path(nodeOf(child, 'path')), window: this.duration(tokenOf(child, 'Duration')), span: nodeSpan(child) };
      case 'whenRule':
        return this.rule(child, this.condition(nodeOf(child, 'condition')));
      case 'elseRule':
        return this.rule(child, null);
      case 'fallbackDecl':
        return { kind: 'fallback', target: this.target(nodeOf(child, 'target')), span: nodeSpan(child) };
      default:
        return null;
    }
  }

  private syntaxError(message: string, span: Span): void {
    this.diagnostics.push({ severity: 'error', code: 'syntax', message, span });
  }

  private rule(node: CstNode, condition: Condition | null): RuleDecl {
    const body = nodeOf(node, 'ruleBody');
    const span = nodeSpan(node);
    return {
      kind: 'rule',
      condition,
      targets: nodesOf(body, 'target').map((n) => this.target(n)),
      modifiers: nodesOf(body, 'modifier').map((n) => this.modifier(n)),
      source: this.sourceOf(span),
      span,
    };
  }

  /** The text of a span with comments dropped and each run of white space made one space. */
  private sourceOf(span: Span): string {
    const tokens = this.tokens;
    const low = countStartingBefore(tokens, span.start, (token) => token.startOffset);
    let text = '';
    let previousEnd = -1;
    for (let i = low; i < tokens.length && tokens[i].startOffset < span.end; i++) {
      const token = tokens[i];
      if (text !== '' && token.startOffset > previousEnd + 1) text += ' ';
      text += token.image;
      previousEnd = token.endOffset ?? token.startOffset;
    }
    return text;
  }

  private fields(node: CstNode): FieldsDecl {
    return { kind: 'fields', fields: nodesOf(node, 'fieldDecl').map((n) => this.field(n)), span: nodeSpan(node) };
  }

  private field(node: CstNode): FieldDecl {
    const typeToken = tokenOf(node, 'typeName');
    const typeName: Name = { text: typeToken.image, quoted: false, span: tokenSpan(typeToken) };
    const values = maybeToken(node, 'LParen') ? nodesOf(node, 'name').map((n) => this.name(n)) : undefined;
    let type: FieldType | null = null;
    if (typeName.text === 'enum') {
      if (!values) this.syntaxError('expected a list of values after `enum`: enum(a, b, ...)', typeName.span);
      type = { kind: 'enum', values: values ?? [], span: values ? spanFrom(typeName.span, tokenSpan(tokenOf(node, 'RParen'))) : typeName.span };
    } else {
      if (values) this.syntaxError(`only enum takes a list of values, not \`${typeName.text}\``, typeName.span);
      if (isSimpleType(typeName.text)) type = { kind: typeName.text, span: typeName.span };
    }
    return { path: this.path(nodeOf(node, 'path')), typeName, type, span: nodeSpan(node) };
  }

  private dimension(node: CstNode): DimensionDecl {
    const by = maybeToken(node, 'By') ? nodeOf(node, 'path') : undefined;
    const arms: DimensionArm[] = by
      ? nodesOf(node, 'byArm').map((arm) => this.arm(arm, (n) => this.predicate(nodeOf(n, 'predicate'))))
      : nodesOf(node, 'conditionArm').map((arm) => this.arm(arm, (n) => this.condition(nodeOf(n, 'condition'))));
    return { kind: 'dimension', name: this.name(nodeOf(node, 'name')), by: by ? this.path(by) : null, arms, span: nodeSpan(node) };
  }

  private arm(node: CstNode, when: (arm: CstNode) => Predicate | Condition): DimensionArm {
    const value = this.name(nodeOf(node, 'name'));
    return { value, when: maybeToken(node, 'When') ? when(node) : null, span: nodeSpan(node) };
  }

  private pool(node: CstNode): PoolDecl {
    return {
      kind: 'pool',
      name: this.poolName(nodeOf(node, 'poolName')),
      members: nodesOf(node, 'member').map((n) => this.member(n)),
      options: nodesOf(node, 'poolOption').map((n) => this.poolOption(n)),
      span: nodeSpan(node),
    };
  }

  private poolName(node: CstNode): PoolName {
    const span = nodeSpan(node);
    const quoted = maybeToken(node, 'StringLiteral');
    if (quoted) {
      const text = this.decodeString(quoted);
      return { segments: [text], text, span };
    }
    const segments = nodesOf(node, 'poolSegment').map((segment) => (maybeToken(segment, 'Star') ?? tokenOf(segment, 'Word')).image);
    return { segments, text: segments.join('.'), span };
  }

  private member(node: CstNode): MemberDecl {
    return {
      name: this.name(nodeOf(node, 'name')),
      options: nodesOf(node, 'poolOption').map((n) => this.poolOption(n)),
      span: nodeSpan(node),
    };
  }

  private poolOption(node: CstNode): PoolOption {
    const span = nodeSpan(node);
    if (maybeToken(node, 'Weight')) return { kind: 'weight', value: this.number(tokenOf(node, 'NumberLiteral')), span };
    if (maybeToken(node, 'Bid')) return { kind: 'bid', value: this.number(tokenOf(node, 'NumberLiteral')), span };
    if (maybeToken(node, 'Cap')) {
      const per = tokenOf(node, 'per');
      return { kind: 'cap', count: this.number(tokenOf(node, 'NumberLiteral')), per: { text: per.image, quoted: false, span: tokenSpan(per) }, span };
    }
    if (maybeToken(node, 'Hours')) return { kind: 'hours', value: this.string(tokenOf(node, 'StringLiteral')), span };
    if (maybeToken(node, 'Tz')) return { kind: 'tz', value: this.string(tokenOf(node, 'StringLiteral')), span };
    if (maybeToken(node, 'Holidays')) {
      const dates = tokensOf(node, 'DateLiteral').map((token): DateLit => ({ kind: 'date', text: token.image, span: tokenSpan(token) }));
      return { kind: 'holidays', dates, span };
    }
    return { kind: 'when', condition: this.condition(nodeOf(node, 'condition')), span };
  }

  private target(node: CstNode): Target {
    const span = nodeSpan(node);
    if (maybeToken(node, 'Owner')) {
      const path = maybeNode(node, 'path');
      return { kind: 'owner', path: path ? this.path(path) : null, span };
    }
    if (maybeToken(node, 'Rep')) return { kind: 'rep', name: this.name(nodeOf(node, 'name')), span };
    if (maybeToken(node, 'Queue')) return { kind: 'queue', name: this.name(nodeOf(node, 'name')), span };
    const by = maybeNode(node, 'byTarget');
    if (by) {
      const call = nodeOf(by, 'strategyCall');
      return { kind: 'by', dimensions: nodesOf(by, 'path').map((n) => this.path(n)), ...this.strategyCall(call), span };
    }
    return { kind: 'strategy', ...this.strategyCall(nodeOf(node, 'strategyCall')), span };
  }

  private strategyCall(node: CstNode): { strategy: Name; pool: PoolName } {
    const strategy = tokenOf(node, 'Identifier');
    return { strategy: { text: strategy.image, quoted: false, span: tokenSpan(strategy) }, pool: this.poolName(nodeOf(node, 'poolName')) };
  }

  private modifier(node: CstNode): Modifier {
    const span = nodeSpan(node);
    if (maybeToken(node, 'Sla')) {
      return { kind: 'sla', duration: this.duration(tokenOf(node, 'Duration')), business: maybeToken(node, 'Business') !== undefined, span };
    }
    if (maybeToken(node, 'Priority')) return { kind: 'priority', level: this.name(nodeOf(node, 'name')), span };
    if (maybeToken(node, 'Tag')) return { kind: 'tag', name: this.name(nodeOf(node, 'name')), span };
    const steps = nodesOf(node, 'escalationStep').map((step): EscalationStep => {
      const next = maybeToken(step, 'Next');
      return next ? { kind: 'next', span: tokenSpan(next) } : this.target(nodeOf(step, 'target'));
    });
    return { kind: 'escalate', steps, span };
  }

  /**
   * `or` over `and` over `not`, folded to the left. `depth` is how deep this condition sits in the
   * tree being built; the first operand of a chain of n sits n - 1 levels below the chain's root.
   */
  private condition(node: CstNode, depth = 0): Condition {
    return this.chain(nodesOf(node, 'andCondition'), 'or', depth, (n, d) => this.chain(nodesOf(n, 'notCondition'), 'and', d, (m, e) => this.notCondition(m, e)));
  }

  private chain(operands: CstNode[], kind: 'and' | 'or', depth: number, build: (node: CstNode, depth: number) => Condition): Condition {
    if (operands.length === 0) throw new Incomplete();
    let result = build(operands[0], depth + operands.length - 1);
    for (let i = 1; i < operands.length; i++) {
      const right = build(operands[i], depth + operands.length - i);
      result = { kind, left: result, right, span: spanFrom(result.span, right.span) };
    }
    return result;
  }

  private notCondition(node: CstNode, depth: number): Condition {
    const nots = tokensOf(node, 'Not');
    const innerDepth = depth + nots.length;
    let result: Condition;
    const inner = maybeNode(node, 'condition');
    if (inner) {
      // The parentheses belong to the condition they enclose, so its span covers them.
      const open = tokenSpan(tokenOf(node, 'LParen'));
      const condition = this.condition(inner, innerDepth);
      result = { ...condition, span: spanFrom(open, tokenSpan(tokenOf(node, 'RParen'))) };
    } else {
      const subject = this.path(nodeOf(node, 'path'));
      if (innerDepth > MAX_CONDITION_DEPTH) {
        this.syntaxError(`this condition nests more than ${MAX_CONDITION_DEPTH} levels of and / or / not deep; split it into several rules or use \`in [...]\``, subject.span);
        throw new Incomplete();
      }
      const predicate = this.predicate(nodeOf(node, 'predicate'));
      result = { kind: 'test', subject, predicate, span: spanFrom(subject.span, predicate.span) };
    }
    for (let i = nots.length - 1; i >= 0; i--) {
      result = { kind: 'not', operand: result, span: spanFrom(tokenSpan(nots[i]), result.span) };
    }
    return result;
  }

  private predicate(node: CstNode): Predicate {
    const span = nodeSpan(node);
    const op = maybeToken(node, 'op');
    if (op) return { kind: 'compare', op: op.image as CompareOp, value: this.literal(nodeOf(node, 'literal')), span };
    if (maybeToken(node, 'Is')) return { kind: 'blank', negated: maybeToken(node, 'Not') !== undefined, span };
    if (maybeToken(node, 'In')) {
      const list = nodeOf(node, 'literalList');
      return { kind: 'in', negated: maybeToken(node, 'Not') !== undefined, values: nodesOf(list, 'literal').map((n) => this.literal(n)), span };
    }
    if (maybeToken(node, 'Between')) return { kind: 'between', low: this.literal(nodeOf(node, 'low')), high: this.literal(nodeOf(node, 'high')), span };
    const textOp = maybeToken(node, 'textOp');
    if (textOp) {
      return { kind: 'text', op: TEXT_OPS[textOp.image as keyof typeof TEXT_OPS], value: this.literal(nodeOf(node, 'literal')), span };
    }
    return { kind: 'matches', pattern: this.literal(nodeOf(node, 'literal')), span };
  }

  /** A bare word (`customer`, `paid_search`, `acme.com`, `4h`, `2026-12-25`) is the string as written. */
  private literal(node: CstNode): Literal {
    const quoted = maybeToken(node, 'StringLiteral');
    if (quoted) return this.string(quoted);
    const number = maybeToken(node, 'NumberLiteral');
    if (number) return this.number(number);
    const bare = maybeToken(node, 'bareToken');
    if (bare) return { kind: 'string', value: bare.image, bare: true, span: tokenSpan(bare) };
    const path = this.path(nodeOf(node, 'path'));
    return { kind: 'string', value: path.text, bare: true, span: path.span };
  }

  private path(node: CstNode): PathRef {
    const segments = [tokenOf(node, 'PathStart').image, ...tokensOf(node, 'Word').map((w) => w.image)];
    return { kind: 'path', segments, text: segments.join('.'), span: nodeSpan(node) };
  }

  private name(node: CstNode): Name {
    const quoted = maybeToken(node, 'StringLiteral');
    if (quoted) return { text: this.decodeString(quoted), quoted: true, span: tokenSpan(quoted) };
    const word = tokenOf(node, 'Word');
    return { text: word.image, quoted: false, span: tokenSpan(word) };
  }

  private string(token: IToken): Literal {
    return { kind: 'string', value: this.decodeString(token), bare: false, span: tokenSpan(token) };
  }

  private number(token: IToken): Literal {
    return { kind: 'number', value: Number(token.image), text: token.image, span: tokenSpan(token) };
  }

  private duration(token: IToken): DurationLit {
    return { kind: 'duration', text: token.image, span: tokenSpan(token) };
  }

  /**
   * A string's value by JSON's rules. A string the parser could not decode keeps its text as written
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
    this.diagnostics.push({
      severity: 'error',
      code: 'lex',
      message,
      span: { start, end: start + width, line: token.startLine ?? 1, column: (token.startColumn ?? 1) + at },
    });
    return token.image.slice(1, -1);
  }
}

/**
 * Builds the AST of a parsed policy. `tokens` is the lexer's token vector (for rule sources);
 * `recovered` says whether the parser recovered from errors, so that statements may lack pieces.
 */
export function buildAst(cst: CstNode, tokens: IToken[], sourceLength: number, recovered: boolean): { ast: PolicyAst; diagnostics: Diagnostic[] } {
  const builder = new AstBuilder(tokens);
  const ast = builder.policy(cst, sourceLength, recovered);
  return { ast, diagnostics: builder.diagnostics };
}
