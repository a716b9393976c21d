// The grammar of the routing language (LANGUAGE.md) as one Chevrotain parser, built once and reused.
// Its rules build the AST as they read (through dsl/ast-builder.ts), with no syntax tree in between:
// a tree of every rule and token, then read again into the AST, was the larger part of a compile.
// Error recovery is on: a mistake costs the statement it is in, and parsing goes on with the next one.
import { EmbeddedActionsParser, EOF, tokenMatcher, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';
import type { Condition, DimensionArm, EscalationStep, FieldDecl, Literal, MemberDecl, Modifier, PathRef, PoolOption, Predicate, Statement } from './ast';
import { AstBuilder, parsedPolicy, type ParsedPolicy, type ParsedStatement, type Unit } from './ast-builder';
import * as t from './lexer';

/**
 * Parentheses nested deeper than this are an error rather than a stack overflow. Each level costs
 * about 30 plain stack frames in Chevrotain; the default stack overflowed near 375 levels, so the
 * bound keeps well clear of it even when the caller's own stack is deep.
 */
export const MAX_NESTING = 64;

/** Thrown out of the parser, through Chevrotain's recovery, once the error budget is spent. */
class StopParsing extends Error {}

/**
 * The errors left to report in the current parse. Every error's message passes through the message
 * provider below, so that is where the count is kept: one place that sees every kind of error.
 */
const budget = { left: 0, stoppedAt: undefined as IToken | undefined };

function spendError(actual: IToken): void {
  if (--budget.left < 0) {
    budget.stoppedAt = actual;
    throw new StopParsing();
  }
}

const STATEMENT_STARTS = 'a statement (policy, fields, dimension, pool, sticky, when, else, rules, fallback)';
const TARGETS = 'a target (owner, rep NAME, queue NAME, round_robin(POOL), by ... then ...)';
const COMPARISONS =
  'a comparison (=, !=, <, <=, >, >=, in [...], not in [...], between A and B, is blank, is not blank, ' +
  'contains, starts with, ends with, matches "...")';
const VALUE = 'a value (a word, a number or a quoted string)';
const NAME = 'a name or a quoted string';
const CONDITION = 'a condition (a field and a comparison, `not ...` or `(...)`)';
const POOL_OPTION = 'a pool option (weight N, cap N/day, bid N, sold_cap N/day, hours "...", tz "...", holidays [...], when ...)';
const MODIFIER = 'a modifier (sla, priority, tag, escalate, floor, multi_sell)';

/** How a token type reads in a message. */
const tokenDescriptions = new Map<TokenType, string>([
  [EOF, 'the end of the policy'],
  [t.Word, 'a name'],
  [t.PathStart, 'a field name'],
  [t.Identifier, 'a name'],
  [t.StringLiteral, 'a quoted string'],
  [t.NumberLiteral, 'a number'],
  [t.Duration, 'a duration (30s, 10m, 4h, 2d or 1w)'],
  [t.DateLiteral, 'a date (2026-12-25)'],
  [t.NotEquals, '`!=`'],
  [t.LessEquals, '`<=`'],
  [t.GreaterEquals, '`>=`'],
  [t.Less, '`<`'],
  [t.Greater, '`>`'],
  [t.Equals, '`=`'],
  [t.LBracket, '`[`'],
  [t.RBracket, '`]`'],
  [t.LParen, '`(`'],
  [t.RParen, '`)`'],
  [t.LCurly, '`{`'],
  [t.RCurly, '`}`'],
  [t.Comma, '`,`'],
  [t.Colon, '`:`'],
  [t.Semicolon, '`;`'],
  [t.Slash, '`/`'],
  [t.Dot, '`.`'],
  [t.Star, '`*`'],
]);

/** What a rule expects instead of a closing token or keyword, where the token alone says too little. */
const expectations = new Map<string, string>([
  ['rulesBlock:RCurly', 'a rule (when ..., else ...), `fallback` or `}`'],
  ['fieldsDecl:RCurly', 'a field (path: type) or `}`'],
  ['dimensionDecl:RCurly', 'a dimension arm (VALUE when ..., VALUE otherwise) or `}`'],
  ['poolDecl:RBracket', '`,` or `]`'],
  ['poolOption:RBracket', '`,` or `]`'],
  ['literalList:RBracket', '`,` or `]`'],
  ['fieldDecl:RParen', '`,` or `)`'],
  ['byTarget:Then', '`then STRATEGY(pool)` to end `by ... then ...` (e.g. `then round_robin(pool)`)'],
  ['whenRule:Route', '`route` (or `and` / `or` to go on with the condition)'],
  ['notCondition:RParen', '`)` (or `and` / `or` to go on with the condition)'],
]);

function describe(type: TokenType): string {
  const known = tokenDescriptions.get(type);
  if (known) return known;
  // The rest are keywords, whose pattern is the word itself.
  return type.PATTERN instanceof RegExp ? `\`${type.PATTERN.source}\`` : type.name;
}

/** A token as quoted in a message; long images are cut so that hostile input stays readable. */
function quoteToken(token: IToken): string {
  if (tokenMatcher(token, EOF)) return describe(EOF);
  const image = token.image.length > 40 ? `${token.image.slice(0, 40)}…` : token.image;
  return `\`${image}\``;
}

function after(previous: IToken | undefined): string {
  return previous && !tokenMatcher(previous, EOF) && previous.image ? ` after ${quoteToken(previous)}` : '';
}

function expectedFound(expected: string, actual: IToken, previous: IToken | undefined): string {
  return `expected ${expected}${after(previous)}, found ${quoteToken(actual)}`;
}

/**
 * The message of a missing token. Where a statement should start, no previous token is named: recovery
 * may have skipped some, and a statement can follow anything.
 */
function expectedToken(expected: TokenType, ruleName: string, actual: IToken, previous: IToken): string {
  if (expected === EOF) return expectedFound(STATEMENT_STARTS, actual, undefined);
  return expectedFound(expectations.get(`${ruleName}:${expected.name}`) ?? describe(expected), actual, previous);
}

/** The first tokens of each expected path, for repetitions and alternatives without a description. */
function describePaths(paths: TokenType[][]): string {
  const firsts = [...new Set(paths.filter((p) => p.length > 0).map((p) => describe(p[0])))];
  return firsts.length === 0 ? 'something else' : firsts.join(' or ');
}

const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual, previous, ruleName }) => {
    spendError(actual);
    return expectedToken(expected, ruleName, actual, previous);
  },
  buildNotAllInputParsedMessage: ({ firstRedundant }) => {
    spendError(firstRedundant);
    return expectedFound(STATEMENT_STARTS, firstRedundant, undefined);
  },
  buildNoViableAltMessage: ({ expectedPathsPerAlt, actual, previous, customUserDescription, ruleName }) => {
    spendError(actual[0]);
    if (ruleName === 'notCondition' && tokenMatcher(actual[0], t.LParen)) {
      return `conditions may nest at most ${MAX_NESTING} parentheses deep`;
    }
    if (ruleName === 'literal' && tokenMatcher(actual[0], t.Equals)) return 'write `=` once: there is no `==`';
    return expectedFound(customUserDescription ?? describePaths(expectedPathsPerAlt.flat()), actual[0], previous);
  },
  buildEarlyExitMessage: ({ expectedIterationPaths, actual, previous, customUserDescription }) => {
    spendError(actual[0]);
    return expectedFound(customUserDescription ?? describePaths(expectedIterationPaths), actual[0], previous);
  },
};

/**
 * A rule whose alternatives do not depend on the call keeps them in a `...Choices` field, made
 * once: written inline, every call of the rule would make a new closure per alternative, which for
 * a large policy was most of what parsing allocated.
 */
class PolicyParser extends EmbeddedActionsParser {
  /** How many parentheses are open in the condition being parsed. */
  private nesting = 0;
  /** The statements read so far in the current parse (kept when a parse is stopped early). */
  private statements: ParsedStatement[] = [];
  /**
   * The statement that an error ended before it was read whole, until recovery places it: cut
   * short, it still counts where it stands, and so do the rules its `rules { }` block had read.
   */
  private abandoned: ParsedStatement | null = null;
  /** The units of the `rules { }` block of the statement being read (none outside a block). */
  private blockUnits: Unit[] = [];
  private readonly b = new AstBuilder();

  /** The value of a rule that recovery cut short: its unit lacks a piece, and the value is never read. */
  private readonly cutShort = <T>(): T => {
    this.b.markIncomplete();
    return undefined as T;
  };

  constructor() {
    super(t.allTokens, {
      recoveryEnabled: true,
      maxLookahead: 3,
      errorMessageProvider: messages,
    });
    this.performSelfAnalysis();
  }

  /**
   * Parses a whole token vector; read `errors` afterwards. `stoppedAt` is the token where reading
   * stopped after `maxErrors` errors (recovery costs time; nobody reads more); the result then
   * holds the statements completed before it.
   */
  parseTokens(tokens: IToken[], maxErrors: number): { cst: ParsedPolicy; stoppedAt?: IToken } {
    this.input = tokens;
    this.nesting = 0;
    budget.left = maxErrors;
    budget.stoppedAt = undefined;
    try {
      this.policy();
      return { cst: parsedPolicy(this.statements) };
    } catch (error) {
      if (!(error instanceof StopParsing)) throw error;
      return { cst: parsedPolicy(this.statements), stoppedAt: budget.stoppedAt };
    } finally {
      this.release();
    }
  }

  /**
   * Lets go of what the parse read (the token vector, the statements) so that it can be collected
   * as soon as the caller is done with it, not at the next parse; the errors stay to be read.
   */
  private release(): void {
    const errors = this.errors;
    this.input = [];
    this.errors = errors;
    this.statements = [];
    this.abandoned = null;
    this.blockUnits = [];
    this.statementUnit = undefined;
    this.b.reset();
  }

  /**
   * Whether a rule builds its node: not while Chevrotain records the grammar, nor once recovery has
   * left the current unit short of a piece (the unit is dropped, so its values are never read).
   */
  private get building(): boolean {
    return !this.RECORDING_PHASE && !this.b.incomplete;
  }

  // `EOF` is consumed explicitly so that recovery at the top level skips stray tokens up to the next
  // statement instead of giving up on the rest of the file.
  private readonly policy = this.RULE(
    'policy',
    () => {
      this.MANY(() => {
        const statement = this.SUBRULE(this.statement);
        this.ACTION(() => this.statements.push(statement));
      });
      this.CONSUME(EOF);
    },
    { recoveryValueFunc: () => this.placeAbandoned() },
  );

  /** The statement an error ended, once recovery has skipped past it (null when there is none). */
  private takeAbandoned(): ParsedStatement | null {
    const abandoned = this.abandoned;
    this.abandoned = null;
    return abandoned;
  }

  private placeAbandoned(): void {
    const abandoned = this.takeAbandoned();
    if (abandoned !== null) this.statements.push(abandoned);
  }

  /** The unit of the top-level statement being read (statements do not nest). */
  private statementUnit: Unit | undefined;

  /** Each alternative first notes where the statement starts (the token that chose it). */
  private readonly statementChoices = {
    ERR_MSG: STATEMENT_STARTS,
    DEF: [
      { ALT: () => (this.noteStart(), this.own(this.SUBRULE(this.policyDecl))) },
      { ALT: () => (this.noteStart(), this.own(this.SUBRULE(this.fieldsDecl))) },
      { ALT: () => (this.noteStart(), this.own(this.SUBRULE(this.dimensionDecl))) },
      { ALT: () => (this.noteStart(), this.own(this.SUBRULE(this.poolDecl))) },
      { ALT: () => (this.noteStart(), this.own(this.SUBRULE(this.stickyDecl))) },
      { ALT: () => (this.noteStart(), this.SUBRULE(this.rulesBlock)) },
      { ALT: () => (this.noteStart(), [this.SUBRULE(this.ruleStatement)]) },
    ],
  };

  private noteStart(): void {
    if (!this.RECORDING_PHASE) this.b.noteStart(this.LA(1));
  }

  /** A statement that is its own unit. */
  private own(statement: Statement | undefined): Unit[] {
    return this.RECORDING_PHASE ? UNBUILT : [this.b.settle(this.statementUnit as Unit, statement)];
  }

  private readonly statement = this.RULE(
    'statement',
    () => {
      this.ACTION(() => {
        this.blockUnits = [];
        this.statementUnit = this.b.openStatement();
      });
      let read: ParsedStatement | undefined;
      try {
        const units = this.OR(this.statementChoices);
        read = this.ACTION(() => this.b.statementRead(units));
        return read;
      } finally {
        this.ACTION(() => {
          this.b.closeUnit(this.statementUnit as Unit);
          if (read === undefined) this.abandoned = this.b.statementRead(this.blockUnits);
        });
      }
    },
    { recoveryValueFunc: () => this.takeAbandoned() ?? this.b.statementRead([]) },
  );

  /** What a `rules { }` block may hold: rules, the fallback and `;`. Each is a unit of its own. */
  private readonly ruleStatementChoices = {
    ERR_MSG: 'a rule (when ..., else ...) or `fallback`',
    DEF: [
      { ALT: () => this.SUBRULE(this.whenRule) },
      { ALT: () => this.SUBRULE(this.elseRule) },
      { ALT: () => this.SUBRULE(this.fallbackDecl) },
      {
        ALT: (): Statement | undefined => {
          this.CONSUME(t.Semicolon);
          return undefined;
        },
      },
    ],
  };

  private readonly ruleStatement = this.RULE(
    'ruleStatement',
    () => {
      const unit = this.ACTION(() => this.b.openUnit());
      try {
        const statement = this.OR(this.ruleStatementChoices);
        return this.ACTION(() => this.b.settle(unit, statement));
      } finally {
        this.ACTION(() => this.b.closeUnit(unit));
      }
    },
    { recoveryValueFunc: () => this.b.recoveredUnit() },
  );

  private readonly rulesBlock = this.RULE(
    'rulesBlock',
    () => {
      this.CONSUME(t.Rules);
      this.CONSUME(t.LCurly);
      this.MANY(() => {
        const unit = this.SUBRULE(this.ruleStatement);
        this.ACTION(() => this.blockUnits.push(unit));
      });
      this.CONSUME(t.RCurly);
      return this.ACTION(() => this.blockUnits);
    },
    { recoveryValueFunc: () => this.blockUnits },
  );

  private readonly policyDecl = this.RULE(
    'policyDecl',
    () => {
      const keyword = this.CONSUME(t.Policy);
      const name = this.SUBRULE(this.name);
      return this.building ? this.b.policyName(keyword, name) : UNBUILT;
    },
    { recoveryValueFunc: this.cutShort },
  );

  private readonly fieldsDecl = this.RULE(
    'fieldsDecl',
    () => {
      const fields: FieldDecl[] = [];
      const keyword = this.CONSUME(t.Fields);
      const open = this.CONSUME(t.LCurly);
      this.MANY(() => {
        fields.push(this.SUBRULE(this.fieldDecl));
      });
      const close = this.CONSUME(t.RCurly);
      return this.building ? this.b.fields(keyword, open, fields, close) : UNBUILT;
    },
    { recoveryValueFunc: this.cutShort },
  );

  /** `path: type [from "Column", ...]`; any word is taken as the type name, and only `enum` takes a list (the builder checks). */
  private readonly fieldDecl = this.RULE(
    'fieldDecl',
    () => {
      const path = this.SUBRULE(this.path);
      const colon = this.CONSUME(t.Colon);
      const typeName = this.CONSUME(t.Word);
      const list = this.OPTION(() => {
        const names: IToken[] = [];
        const open = this.CONSUME(t.LParen);
        this.AT_LEAST_ONE_SEP({
          SEP: t.Comma,
          DEF: () => {
            names.push(this.SUBRULE(this.name));
          },
          ERR_MSG: 'an enum value',
        });
        const close = this.CONSUME(t.RParen);
        return { open, names, close };
      });
      const from = this.OPTION1(() => {
        const keyword = this.CONSUME(t.From);
        const names: IToken[] = [];
        this.AT_LEAST_ONE_SEP1({
          SEP: t.Comma,
          DEF: () => {
            names.push(this.SUBRULE1(this.name));
          },
          ERR_MSG: 'a column name',
        });
        return { keyword, names };
      });
      return this.building ? this.b.field(path, colon, typeName, list, from) : UNBUILT;
    },
    { recoveryValueFunc: this.cutShort },
  );

  private readonly dimensionDecl = this.RULE(
    'dimensionDecl',
    () => {
      const arms: DimensionArm[] = [];
      const keyword = this.CONSUME(t.Dimension);
      const name = this.SUBRULE(this.name);
      type Body = [{ keyword: IToken; path: PathRef } | undefined, IToken, IToken];
      const body = this.OR({
        ERR_MSG: '`by PATH {` or `{`',
        DEF: [
          {
            ALT: (): Body => {
              const byKeyword = this.CONSUME(t.By);
              const path = this.SUBRULE(this.path);
              const lc = this.CONSUME1(t.LCurly);
              this.MANY1(() => {
                arms.push(this.SUBRULE(this.byArm));
              });
              const rc = this.CONSUME1(t.RCurly);
              return [{ keyword: byKeyword, path }, lc, rc];
            },
          },
          {
            ALT: (): Body => {
              const lc = this.CONSUME2(t.LCurly);
              this.MANY2(() => {
                arms.push(this.SUBRULE(this.conditionArm));
              });
              const rc = this.CONSUME2(t.RCurly);
              return [undefined, lc, rc];
            },
          },
        ],
      });
      return this.building ? this.b.dimension(keyword, name, body[0], body[1], arms, body[2]) : UNBUILT;
    },
    { recoveryValueFunc: this.cutShort },
  );

  /** `enterprise when >= 1000` or `smb otherwise`, in a `dimension NAME by PATH` block. */
  private readonly byArm = this.RULE(
    'byArm',
    () => {
      const value = this.SUBRULE(this.name);
      type Arm = [{ keyword: IToken; is: Predicate } | undefined, IToken | undefined];
      const arm = this.OR({
        ERR_MSG: '`when` or `otherwise`',
        DEF: [
          {
            ALT: (): Arm => {
              const keyword = this.CONSUME(t.When);
              return [{ keyword, is: this.SUBRULE(this.predicate) }, undefined];
            },
          },
          { ALT: (): Arm => [undefined, this.CONSUME(t.Otherwise)] },
        ],
      });
      return this.building ? this.b.arm(value, arm[0], arm[1]) : UNBUILT;
    },
    { recoveryValueFunc: this.cutShort },
  );

  /** `high when type = demo` or `low otherwise`, in a `dimension NAME { }` block. */
  private readonly conditionArm = this.RULE(
    'conditionArm',
    () => {
      const value = this.SUBRULE(this.name);
      type Arm = [{ keyword: IToken; is: Condition } | undefined, IToken | undefined];
      const arm = this.OR({
        ERR_MSG: '`when` or `otherwise`',
        DEF: [
          {
            ALT: (): Arm => {
              const keyword = this.CONSUME(t.When);
              return [{ keyword, is: this.wholeCondition() }, undefined];
            },
          },
          { ALT: (): Arm => [undefined, this.CONSUME(t.Otherwise)] },
        ],
      });
      return this.building ? this.b.arm(value, arm[0], arm[1]) : UNBUILT;
    },
    { recoveryValueFunc: this.cutShort },
  );

  // Pool-level options stop at `when`: after `]` it starts the next rule, not a member condition.
  private readonly poolDecl = this.RULE(
    'poolDecl',
    () => {
      const members: MemberDecl[] = [];
      const options: PoolOption[] = [];
      const keyword = this.CONSUME(t.Pool);
      const name = this.SUBRULE(this.poolName);
      const equals = this.CONSUME(t.Equals);
      const open = this.CONSUME(t.LBracket);
      this.MANY_SEP({
        SEP: t.Comma,
        DEF: () => {
          members.push(this.SUBRULE(this.member));
        },
      });
      const close = this.CONSUME(t.RBracket);
      this.MANY({
        GATE: () => !tokenMatcher(this.LA(1), t.When),
        DEF: () => {
          options.push(this.SUBRULE(this.poolOption));
        },
      });
      return this.building ? this.b.pool(keyword, name, equals, open, members, close, options) : UNBUILT;
    },
    { recoveryValueFunc: this.cutShort },
  );

  /** `enterprise.na`, `smb.*`, `payments_team` or a quoted name (one segment). */
  private readonly poolNameChoices = {
    ERR_MSG: 'a pool name (enterprise.na, smb.*, payments_team)',
    DEF: [
      {
        ALT: () => {
          const quoted = this.CONSUME(t.StringLiteral);
          return this.building ? this.b.quotedPoolName(quoted) : UNBUILT;
        },
      },
      {
        ALT: () => {
          const segments = [this.SUBRULE1(this.poolSegment)];
          const dots: IToken[] = [];
          this.MANY(() => {
            dots.push(this.CONSUME(t.Dot));
            segments.push(this.SUBRULE2(this.poolSegment));
          });
          return this.building ? this.b.poolName(segments, dots) : UNBUILT;
        },
      },
    ],
  };

  private readonly poolName = this.RULE(
    'poolName',
    () => this.OR1(this.poolNameChoices),
    { recoveryValueFunc: this.cutShort },
  );

  private readonly poolSegmentChoices = {
    ERR_MSG: 'a name or `*`',
    DEF: [{ ALT: () => this.CONSUME(t.Word) }, { ALT: () => this.CONSUME(t.Star) }],
  };

  private readonly poolSegment = this.RULE(
    'poolSegment',
    () => this.OR(this.poolSegmentChoices),
    { recoveryValueFunc: this.cutShort },
  );

  private readonly member = this.RULE(
    'member',
    () => {
      const options: PoolOption[] = [];
      const name = this.SUBRULE(this.name);
      this.MANY(() => {
        options.push(this.SUBRULE(this.poolOption));
      });
      return this.building ? this.b.member(name, options) : UNBUILT;
    },
    { recoveryValueFunc: this.cutShort },
  );

  private readonly poolOptionChoices = {
    ERR_MSG: POOL_OPTION,
    DEF: [
      {
        ALT: () => {
          const keyword = this.CONSUME(t.Weight);
          const value = this.CONSUME1(t.NumberLiteral);
          return this.building ? this.b.numberOption('weight', keyword, value) : UNBUILT;
        },
      },
      {
        ALT: () => {
          const keyword = this.CONSUME(t.Bid);
          const value = this.CONSUME2(t.NumberLiteral);
          return this.building ? this.b.numberOption('bid', keyword, value) : UNBUILT;
        },
      },
      {
        ALT: () => {
          const keyword = this.OR1([{ ALT: () => this.CONSUME(t.Cap) }, { ALT: () => this.CONSUME(t.SoldCap) }]);
          const count = this.CONSUME3(t.NumberLiteral);
          const slash = this.CONSUME(t.Slash);
          const per = this.CONSUME(t.Word);
          return this.building ? this.b.cap(keyword, count, slash, per) : UNBUILT;
        },
      },
      {
        ALT: () => {
          const keyword = this.CONSUME(t.Hours);
          const value = this.CONSUME1(t.StringLiteral);
          return this.building ? this.b.textOption('hours', keyword, value) : UNBUILT;
        },
      },
      {
        ALT: () => {
          const keyword = this.CONSUME(t.Tz);
          const value = this.CONSUME2(t.StringLiteral);
          return this.building ? this.b.textOption('tz', keyword, value) : UNBUILT;
        },
      },
      {
        ALT: () => {
          const dates: IToken[] = [];
          const keyword = this.CONSUME(t.Holidays);
          const open = this.CONSUME(t.LBracket);
          this.MANY_SEP({
            SEP: t.Comma,
            DEF: () => {
              dates.push(this.CONSUME(t.DateLiteral));
            },
          });
          const close = this.CONSUME(t.RBracket);
          return this.building ? this.b.holidays(keyword, open, dates, close) : UNBUILT;
        },
      },
      {
        ALT: () => {
          const keyword = this.CONSUME(t.When);
          const condition = this.wholeCondition();
          return this.building ? this.b.whenOption(keyword, condition) : UNBUILT;
        },
      },
    ],
  };

  private readonly poolOption = this.RULE(
    'poolOption',
    () => this.OR(this.poolOptionChoices),
    { recoveryValueFunc: this.cutShort },
  );

  private readonly stickyDecl = this.RULE(
    'stickyDecl',
    () => {
      const keyword = this.CONSUME(t.Sticky);
      const by = this.CONSUME(t.By);
      const path = this.SUBRULE(this.path);
      const forToken = this.CONSUME(t.For);
      const window = this.CONSUME(t.Duration);
      return this.building ? this.b.sticky(keyword, by, path, forToken, window) : UNBUILT;
    },
    { recoveryValueFunc: this.cutShort },
  );

  private readonly whenRule = this.RULE(
    'whenRule',
    () => {
      const keyword = this.CONSUME(t.When);
      const condition = this.wholeCondition();
      const route = this.CONSUME(t.Route);
      const body = this.SUBRULE(this.ruleBody);
      return this.building ? this.b.rule(keyword, condition, route, body) : UNBUILT;
    },
    { recoveryValueFunc: this.cutShort },
  );

  /** `else TARGET ...`; `else route TARGET ...` reads the same. */
  private readonly elseRule = this.RULE(
    'elseRule',
    () => {
      const keyword = this.CONSUME(t.Else);
      const route = this.OPTION(() => this.CONSUME(t.Route));
      const body = this.SUBRULE(this.ruleBody);
      return this.building ? this.b.rule(keyword, null, route, body) : UNBUILT;
    },
    { recoveryValueFunc: this.cutShort },
  );

  /** `TARGET (or TARGET)* MODIFIER*`, the part that `when` and `else` rules share. */
  private readonly ruleBody = this.RULE(
    'ruleBody',
    () => {
      const targets = [this.SUBRULE1(this.target)];
      const ors: IToken[] = [];
      const modifiers: Modifier[] = [];
      this.MANY1(() => {
        ors.push(this.CONSUME(t.Or));
        targets.push(this.SUBRULE2(this.target));
      });
      this.MANY2(() => {
        modifiers.push(this.SUBRULE(this.modifier));
      });
      return this.building ? this.b.ruleBody(targets, ors, modifiers) : UNBUILT;
    },
    { recoveryValueFunc: this.cutShort },
  );

  private readonly fallbackDecl = this.RULE(
    'fallbackDecl',
    () => {
      const keyword = this.CONSUME(t.Fallback);
      const target = this.SUBRULE(this.target);
      return this.building ? this.b.fallback(keyword, target) : UNBUILT;
    },
    { recoveryValueFunc: this.cutShort },
  );

  private readonly targetChoices = {
    ERR_MSG: TARGETS,
    DEF: [
      {
        ALT: () => {
          const keyword = this.CONSUME(t.Owner);
          const path = this.OPTION(() => {
            const open = this.CONSUME(t.LParen);
            const inner = this.SUBRULE(this.path);
            const close = this.CONSUME(t.RParen);
            return { open, path: inner, close };
          });
          return this.building ? this.b.owner(keyword, path) : UNBUILT;
        },
      },
      {
        ALT: () => {
          const keyword = this.CONSUME(t.Rep);
          const name = this.SUBRULE1(this.name);
          return this.building ? this.b.named('rep', keyword, name) : UNBUILT;
        },
      },
      {
        ALT: () => {
          const keyword = this.CONSUME(t.Queue);
          const name = this.SUBRULE2(this.name);
          return this.building ? this.b.named('queue', keyword, name) : UNBUILT;
        },
      },
      { ALT: () => this.SUBRULE(this.byTarget) },
      {
        ALT: () => {
          const call = this.SUBRULE(this.strategyCall);
          return this.building ? this.b.strategy(call) : UNBUILT;
        },
      },
    ],
  };

  private readonly target = this.RULE(
    'target',
    () => this.OR(this.targetChoices),
    { recoveryValueFunc: this.cutShort },
  );

  /** `by segment then geo then round_robin(pool)`. */
  private readonly byTarget = this.RULE(
    'byTarget',
    () => {
      const keyword = this.CONSUME(t.By);
      const dimensions = [this.SUBRULE1(this.path)];
      const thens: IToken[] = [];
      // Chevrotain's lookahead lets a repetition win ties, so `then round_robin(` must be kept out by hand.
      this.MANY({
        GATE: () => !(tokenMatcher(this.LA(2), t.Identifier) && tokenMatcher(this.LA(3), t.LParen)),
        DEF: () => {
          thens.push(this.CONSUME1(t.Then));
          dimensions.push(this.SUBRULE2(this.path));
        },
      });
      thens.push(this.CONSUME2(t.Then));
      const call = this.SUBRULE(this.strategyCall);
      return this.building ? this.b.by(keyword, dimensions, thens, call) : UNBUILT;
    },
    { recoveryValueFunc: this.cutShort },
  );

  /** `round_robin(payments_team)`: any identifier names the strategy; the checker knows which exist. */
  private readonly strategyCall = this.RULE(
    'strategyCall',
    () => {
      const strategy = this.CONSUME(t.Identifier);
      const open = this.CONSUME(t.LParen);
      const pool = this.SUBRULE(this.poolName);
      const close = this.CONSUME(t.RParen);
      return this.building ? this.b.strategyCall(strategy, open, pool, close) : UNBUILT;
    },
    { recoveryValueFunc: this.cutShort },
  );

  private readonly modifierChoices = {
    ERR_MSG: MODIFIER,
    DEF: [
      {
        ALT: () => {
          const keyword = this.CONSUME(t.Sla);
          const duration = this.CONSUME(t.Duration);
          const business = this.OPTION(() => this.CONSUME(t.Business));
          return this.building ? this.b.sla(keyword, duration, business) : UNBUILT;
        },
      },
      {
        ALT: () => {
          const keyword = this.CONSUME(t.Priority);
          const level = this.SUBRULE1(this.name);
          return this.building ? this.b.priority(keyword, level) : UNBUILT;
        },
      },
      {
        ALT: () => {
          const keyword = this.CONSUME(t.Tag);
          const name = this.SUBRULE2(this.name);
          return this.building ? this.b.tag(keyword, name) : UNBUILT;
        },
      },
      {
        ALT: () => {
          const keyword = this.CONSUME(t.Floor);
          const value = this.CONSUME1(t.NumberLiteral);
          return this.building ? this.b.numberModifier('floor', keyword, value) : UNBUILT;
        },
      },
      {
        ALT: () => {
          const keyword = this.CONSUME(t.MultiSell);
          const value = this.CONSUME2(t.NumberLiteral);
          return this.building ? this.b.numberModifier('multi_sell', keyword, value) : UNBUILT;
        },
      },
      {
        ALT: () => {
          const steps: EscalationStep[] = [];
          const keyword = this.CONSUME(t.Escalate);
          const to = this.CONSUME(t.To);
          this.AT_LEAST_ONE_SEP({
            SEP: t.Comma,
            DEF: () => {
              steps.push(this.SUBRULE(this.escalationStep));
            },
            ERR_MSG: '`next` or a target',
          });
          return this.building ? this.b.escalate(keyword, to, steps) : UNBUILT;
        },
      },
    ],
  };

  private readonly modifier = this.RULE(
    'modifier',
    () => this.OR(this.modifierChoices),
    { recoveryValueFunc: this.cutShort },
  );

  private readonly escalationStepChoices = {
    ERR_MSG: `\`next\` or ${TARGETS}`,
    DEF: [
      {
        ALT: () => {
          const next = this.CONSUME(t.Next);
          return this.building ? this.b.next(next) : UNBUILT;
        },
      },
      { ALT: () => this.SUBRULE(this.target) },
    ],
  };

  private readonly escalationStep = this.RULE(
    'escalationStep',
    () => this.OR(this.escalationStepChoices),
    { recoveryValueFunc: this.cutShort },
  );

  // Conditions: `or` binds loosest, then `and`, then `not`. Repetitions, not recursion, so that only
  // parentheses deepen the stack, and those are bounded by MAX_NESTING. These three rules do not
  // re-synchronize on an error: the rule that holds the condition does, with a short rule stack
  // (Chevrotain's re-sync scans ahead against the follow sets of every rule on the stack, which in
  // deep nesting made a hostile `((((...` take minutes).

  /** A condition as a rule, an arm or a member's `when` holds it: checked for depth once read whole. */
  private readonly wholeCondition = (): Condition => {
    const start = this.ACTION(() => this.b.conditionStart());
    const condition = this.SUBRULE(this.condition);
    this.ACTION(() => this.b.checkDepth(condition, start));
    return condition;
  };

  private readonly condition = this.RULE(
    'condition',
    () => {
      const operands: Condition[] = [];
      this.AT_LEAST_ONE_SEP({
        SEP: t.Or,
        DEF: () => {
          operands.push(this.SUBRULE(this.andCondition));
        },
        ERR_MSG: CONDITION,
      });
      return this.building ? this.b.chain(operands, 'or') : UNBUILT;
    },
    { resyncEnabled: false },
  );

  private readonly andCondition = this.RULE(
    'andCondition',
    () => {
      const operands: Condition[] = [];
      this.AT_LEAST_ONE_SEP({
        SEP: t.And,
        DEF: () => {
          operands.push(this.SUBRULE(this.notCondition));
        },
        ERR_MSG: CONDITION,
      });
      return this.building ? this.b.chain(operands, 'and') : UNBUILT;
    },
    { resyncEnabled: false },
  );

  private readonly notConditionChoices = {
    ERR_MSG: CONDITION,
    DEF: [
      {
        GATE: () => this.nesting < MAX_NESTING,
        ALT: () => {
          const open = this.CONSUME(t.LParen);
          this.ACTION(() => this.nesting++);
          let inner: Condition;
          try {
            inner = this.SUBRULE(this.condition);
          } finally {
            this.ACTION(() => this.nesting--);
          }
          const close = this.CONSUME(t.RParen);
          return this.building ? this.b.parenthesized(open, inner, close) : UNBUILT;
        },
      },
      {
        ALT: () => {
          const subject = this.SUBRULE(this.path);
          const mark = this.RECORDING_PHASE ? 0 : this.b.testMark();
          const predicate = this.SUBRULE(this.predicate);
          return this.building ? this.b.test(subject, mark, predicate) : UNBUILT;
        },
      },
    ],
  };

  private readonly notCondition = this.RULE(
    'notCondition',
    () => {
      const nots: IToken[] = [];
      this.MANY(() => {
        nots.push(this.CONSUME(t.Not));
      });
      const condition = this.OR(this.notConditionChoices);
      return this.building ? this.b.negated(nots, condition) : UNBUILT;
    },
    { resyncEnabled: false },
  );

  private readonly comparisonOperators = [
    { ALT: () => this.CONSUME(t.Equals) },
    { ALT: () => this.CONSUME(t.NotEquals) },
    { ALT: () => this.CONSUME(t.LessEquals) },
    { ALT: () => this.CONSUME(t.GreaterEquals) },
    { ALT: () => this.CONSUME(t.Less) },
    { ALT: () => this.CONSUME(t.Greater) },
  ];

  /** A condition with its subject left out: `>= 1000`, `in [US, CA]`, `is not blank`. */
  private readonly predicateChoices = {
    ERR_MSG: COMPARISONS,
    DEF: [
      {
        ALT: () => {
          const op = this.OR2(this.comparisonOperators);
          const value = this.SUBRULE1(this.literal);
          return this.building ? this.b.compare(op, value) : UNBUILT;
        },
      },
      {
        ALT: () => {
          const keyword = this.CONSUME1(t.In);
          const list = this.SUBRULE1(this.literalList);
          return this.building ? this.b.in(undefined, keyword, list) : UNBUILT;
        },
      },
      {
        ALT: () => {
          const not = this.CONSUME1(t.Not);
          const keyword = this.CONSUME2(t.In);
          const list = this.SUBRULE2(this.literalList);
          return this.building ? this.b.in(not, keyword, list) : UNBUILT;
        },
      },
      {
        ALT: () => {
          const keyword = this.CONSUME(t.Between);
          const low = this.SUBRULE2(this.literal);
          const and = this.CONSUME(t.And);
          const high = this.SUBRULE3(this.literal);
          return this.building ? this.b.between(keyword, low, and, high) : UNBUILT;
        },
      },
      {
        ALT: () => {
          const keyword = this.CONSUME(t.Is);
          const not = this.OPTION(() => this.CONSUME2(t.Not));
          const blank = this.CONSUME(t.Blank);
          return this.building ? this.b.blank(keyword, not, blank) : UNBUILT;
        },
      },
      {
        ALT: () => {
          const op = this.CONSUME(t.Contains);
          const value = this.SUBRULE4(this.literal);
          return this.building ? this.b.text(op, undefined, value) : UNBUILT;
        },
      },
      {
        ALT: () => {
          const op = this.CONSUME(t.Starts);
          const withToken = this.CONSUME1(t.With);
          const value = this.SUBRULE5(this.literal);
          return this.building ? this.b.text(op, withToken, value) : UNBUILT;
        },
      },
      {
        ALT: () => {
          const op = this.CONSUME(t.Ends);
          const withToken = this.CONSUME2(t.With);
          const value = this.SUBRULE6(this.literal);
          return this.building ? this.b.text(op, withToken, value) : UNBUILT;
        },
      },
      {
        ALT: () => {
          const keyword = this.CONSUME(t.Matches);
          const pattern = this.SUBRULE7(this.literal);
          return this.building ? this.b.matches(keyword, pattern) : UNBUILT;
        },
      },
    ],
  };

  private readonly predicate = this.RULE(
    'predicate',
    () => this.OR(this.predicateChoices),
    { recoveryValueFunc: this.cutShort },
  );

  private readonly literalList = this.RULE(
    'literalList',
    () => {
      const values: Literal[] = [];
      const open = this.CONSUME(t.LBracket);
      this.MANY_SEP({
        SEP: t.Comma,
        DEF: () => {
          values.push(this.SUBRULE(this.literal));
        },
      });
      const close = this.CONSUME(t.RBracket);
      return this.building ? this.b.list(open, values, close) : UNBUILT;
    },
    { recoveryValueFunc: this.cutShort },
  );

  /** A quoted string, a number, or a bare word (dotted words included) read as a string. */
  private readonly literalChoices = {
    ERR_MSG: VALUE,
    DEF: [
      {
        ALT: () => {
          const quoted = this.CONSUME(t.StringLiteral);
          return this.building ? this.b.string(quoted) : UNBUILT;
        },
      },
      {
        ALT: () => {
          const number = this.CONSUME(t.NumberLiteral);
          return this.building ? this.b.number(number) : UNBUILT;
        },
      },
      {
        ALT: () => {
          const duration = this.CONSUME(t.Duration);
          return this.building ? this.b.bare(duration) : UNBUILT;
        },
      },
      {
        ALT: () => {
          const date = this.CONSUME(t.DateLiteral);
          return this.building ? this.b.bare(date) : UNBUILT;
        },
      },
      {
        ALT: () => {
          const path = this.SUBRULE(this.path);
          return this.building ? this.b.barePath(path) : UNBUILT;
        },
      },
    ],
  };

  private readonly literal = this.RULE(
    'literal',
    () => this.OR(this.literalChoices),
    { recoveryValueFunc: this.cutShort },
  );

  /** The dots and words after the first segment of the path being read (paths do not nest). */
  private pathTail: IToken[] = [];
  private readonly pathSegment = (): void => {
    this.pathTail.push(this.CONSUME(t.Dot), this.CONSUME(t.Word));
  };

  private readonly path = this.RULE(
    'path',
    () => {
      const head = this.CONSUME(t.PathStart);
      this.pathTail.length = 0;
      this.MANY(this.pathSegment);
      return this.building ? this.b.path(head, this.pathTail) : UNBUILT;
    },
    { recoveryValueFunc: this.cutShort },
  );

  /** A name's token: a quoted string or a word (decoded where the name is built). */
  private readonly nameChoices = {
    ERR_MSG: NAME,
    DEF: [{ ALT: () => this.CONSUME(t.StringLiteral) }, { ALT: () => this.CONSUME(t.Word) }],
  };

  private readonly name = this.RULE(
    'name',
    () => this.OR(this.nameChoices),
    { recoveryValueFunc: this.cutShort },
  );
}

/** What a rule returns when it builds nothing (see `building`): never read. */
const UNBUILT = undefined as never;

/** The one parser instance; Chevrotain parsers are reusable and costly to build. */
export const policyParser = new PolicyParser();
