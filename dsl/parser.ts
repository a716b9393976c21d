// The grammar of the routing language (LANGUAGE.md) as one Chevrotain CstParser, built once and reused.
// Error recovery is on: a mistake costs the statement it is in, and parsing goes on with the next one.
import { CstParser, EOF, tokenMatcher, type CstNode, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';
import * as t from './lexer';

/**
 * Parentheses nested deeper than this are an error rather than a stack overflow. Each level costs
 * about 30 plain stack frames in Chevrotain; the default stack overflowed near 375 levels, so the
 * bound keeps well clear of it even when the caller's own stack is deep.
 */
export const MAX_NESTING = 64;

/** After this many syntax errors the parser stops reading (recovery costs time; nobody reads more). */
export const MAX_SYNTAX_ERRORS = 50;

/** Thrown out of the parser, through Chevrotain's recovery, once MAX_SYNTAX_ERRORS is spent. */
class StopParsing extends Error {}

/**
 * The errors left to report in the current parse. Every error's message passes through the message
 * provider below, so that is where the count is kept: one place that sees every kind of error.
 */
const budget = { left: MAX_SYNTAX_ERRORS, stoppedAt: undefined as IToken | undefined };

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
const POOL_OPTION = 'a pool option (weight N, cap N/day, bid N, hours "...", tz "...", holidays [...], when ...)';
const MODIFIER = 'a modifier (sla, priority, tag, escalate)';

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

class PolicyParser extends CstParser {
  /** How many parentheses are open in the condition being parsed. */
  private nesting = 0;
  /** The root node of the current parse, kept so that a parse stopped early still yields its statements. */
  private root: CstNode | undefined;

  constructor() {
    super(t.allTokens, {
      recoveryEnabled: true,
      nodeLocationTracking: 'full',
      maxLookahead: 3,
      errorMessageProvider: messages,
    });
    this.performSelfAnalysis();
  }

  /**
   * Parses a whole token vector; read `errors` afterwards. `stoppedAt` is the token where reading
   * stopped after MAX_SYNTAX_ERRORS; the tree then holds the statements completed before it.
   */
  parseTokens(tokens: IToken[]): { cst: CstNode; stoppedAt?: IToken } {
    this.input = tokens;
    this.nesting = 0;
    this.root = undefined;
    budget.left = MAX_SYNTAX_ERRORS;
    budget.stoppedAt = undefined;
    try {
      return { cst: this.policy() };
    } catch (error) {
      if (!(error instanceof StopParsing) || !this.root) throw error;
      return { cst: this.root, stoppedAt: budget.stoppedAt };
    }
  }

  // `EOF` is consumed explicitly so that recovery at the top level skips stray tokens up to the next
  // statement instead of giving up on the rest of the file.
  private readonly policy = this.RULE('policy', () => {
    this.ACTION(() => (this.root = this.currCSTNode));
    this.MANY(() => this.SUBRULE(this.statement));
    this.CONSUME(EOF);
  });

  private readonly statement = this.RULE('statement', () => {
    this.OR({
      ERR_MSG: STATEMENT_STARTS,
      DEF: [
        { ALT: () => this.SUBRULE(this.policyDecl) },
        { ALT: () => this.SUBRULE(this.fieldsDecl) },
        { ALT: () => this.SUBRULE(this.dimensionDecl) },
        { ALT: () => this.SUBRULE(this.poolDecl) },
        { ALT: () => this.SUBRULE(this.stickyDecl) },
        { ALT: () => this.SUBRULE(this.rulesBlock) },
        { ALT: () => this.SUBRULE(this.ruleStatement) },
      ],
    });
  });

  /** What a `rules { }` block may hold: rules, the fallback and `;`. */
  private readonly ruleStatement = this.RULE('ruleStatement', () => {
    this.OR({
      ERR_MSG: 'a rule (when ..., else ...) or `fallback`',
      DEF: [
        { ALT: () => this.SUBRULE(this.whenRule) },
        { ALT: () => this.SUBRULE(this.elseRule) },
        { ALT: () => this.SUBRULE(this.fallbackDecl) },
        { ALT: () => this.CONSUME(t.Semicolon) },
      ],
    });
  });

  private readonly rulesBlock = this.RULE('rulesBlock', () => {
    this.CONSUME(t.Rules);
    this.CONSUME(t.LCurly);
    this.MANY(() => this.SUBRULE(this.ruleStatement));
    this.CONSUME(t.RCurly);
  });

  private readonly policyDecl = this.RULE('policyDecl', () => {
    this.CONSUME(t.Policy);
    this.SUBRULE(this.name);
  });

  private readonly fieldsDecl = this.RULE('fieldsDecl', () => {
    this.CONSUME(t.Fields);
    this.CONSUME(t.LCurly);
    this.MANY(() => this.SUBRULE(this.fieldDecl));
    this.CONSUME(t.RCurly);
  });

  /** `path: type`; any word is taken as the type name, and only `enum` takes a list (the builder checks). */
  private readonly fieldDecl = this.RULE('fieldDecl', () => {
    this.SUBRULE(this.path);
    this.CONSUME(t.Colon);
    this.CONSUME(t.Word, { LABEL: 'typeName' });
    this.OPTION(() => {
      this.CONSUME(t.LParen);
      this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.name), ERR_MSG: 'an enum value' });
      this.CONSUME(t.RParen);
    });
  });

  private readonly dimensionDecl = this.RULE('dimensionDecl', () => {
    this.CONSUME(t.Dimension);
    this.SUBRULE(this.name);
    this.OR({
      ERR_MSG: '`by PATH {` or `{`',
      DEF: [
        {
          ALT: () => {
            this.CONSUME(t.By);
            this.SUBRULE(this.path);
            this.CONSUME1(t.LCurly);
            this.MANY1(() => this.SUBRULE(this.byArm));
            this.CONSUME1(t.RCurly);
          },
        },
        {
          ALT: () => {
            this.CONSUME2(t.LCurly);
            this.MANY2(() => this.SUBRULE(this.conditionArm));
            this.CONSUME2(t.RCurly);
          },
        },
      ],
    });
  });

  /** `enterprise when >= 1000` or `smb otherwise`, in a `dimension NAME by PATH` block. */
  private readonly byArm = this.RULE('byArm', () => {
    this.SUBRULE(this.name);
    this.OR({
      ERR_MSG: '`when` or `otherwise`',
      DEF: [
        {
          ALT: () => {
            this.CONSUME(t.When);
            this.SUBRULE(this.predicate);
          },
        },
        { ALT: () => this.CONSUME(t.Otherwise) },
      ],
    });
  });

  /** `high when type = demo` or `low otherwise`, in a `dimension NAME { }` block. */
  private readonly conditionArm = this.RULE('conditionArm', () => {
    this.SUBRULE(this.name);
    this.OR({
      ERR_MSG: '`when` or `otherwise`',
      DEF: [
        {
          ALT: () => {
            this.CONSUME(t.When);
            this.SUBRULE(this.condition);
          },
        },
        { ALT: () => this.CONSUME(t.Otherwise) },
      ],
    });
  });

  // Pool-level options stop at `when`: after `]` it starts the next rule, not a member condition.
  private readonly poolDecl = this.RULE('poolDecl', () => {
    this.CONSUME(t.Pool);
    this.SUBRULE(this.poolName);
    this.CONSUME(t.Equals);
    this.CONSUME(t.LBracket);
    this.MANY_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.member) });
    this.CONSUME(t.RBracket);
    this.MANY({ GATE: () => !tokenMatcher(this.LA(1), t.When), DEF: () => this.SUBRULE(this.poolOption) });
  });

  /** `enterprise.na`, `smb.*`, `payments_team` or a quoted name (one segment). */
  private readonly poolName = this.RULE('poolName', () => {
    this.OR1({
      ERR_MSG: 'a pool name (enterprise.na, smb.*, payments_team)',
      DEF: [
        { ALT: () => this.CONSUME(t.StringLiteral) },
        {
          ALT: () => {
            this.SUBRULE1(this.poolSegment);
            this.MANY(() => {
              this.CONSUME(t.Dot);
              this.SUBRULE2(this.poolSegment);
            });
          },
        },
      ],
    });
  });

  private readonly poolSegment = this.RULE('poolSegment', () => {
    this.OR({
      ERR_MSG: 'a name or `*`',
      DEF: [{ ALT: () => this.CONSUME(t.Word) }, { ALT: () => this.CONSUME(t.Star) }],
    });
  });

  private readonly member = this.RULE('member', () => {
    this.SUBRULE(this.name);
    this.MANY(() => this.SUBRULE(this.poolOption));
  });

  private readonly poolOption = this.RULE('poolOption', () => {
    this.OR({
      ERR_MSG: POOL_OPTION,
      DEF: [
        {
          ALT: () => {
            this.CONSUME(t.Weight);
            this.CONSUME1(t.NumberLiteral);
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.Bid);
            this.CONSUME2(t.NumberLiteral);
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.Cap);
            this.CONSUME3(t.NumberLiteral);
            this.CONSUME(t.Slash);
            this.CONSUME(t.Word, { LABEL: 'per' });
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.Hours);
            this.CONSUME1(t.StringLiteral);
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.Tz);
            this.CONSUME2(t.StringLiteral);
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.Holidays);
            this.CONSUME(t.LBracket);
            this.MANY_SEP({ SEP: t.Comma, DEF: () => this.CONSUME(t.DateLiteral) });
            this.CONSUME(t.RBracket);
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.When);
            this.SUBRULE(this.condition);
          },
        },
      ],
    });
  });

  private readonly stickyDecl = this.RULE('stickyDecl', () => {
    this.CONSUME(t.Sticky);
    this.CONSUME(t.By);
    this.SUBRULE(this.path);
    this.CONSUME(t.For);
    this.CONSUME(t.Duration);
  });

  private readonly whenRule = this.RULE('whenRule', () => {
    this.CONSUME(t.When);
    this.SUBRULE(this.condition);
    this.CONSUME(t.Route);
    this.SUBRULE(this.ruleBody);
  });

  /** `else TARGET ...`; `else route TARGET ...` reads the same. */
  private readonly elseRule = this.RULE('elseRule', () => {
    this.CONSUME(t.Else);
    this.OPTION(() => this.CONSUME(t.Route));
    this.SUBRULE(this.ruleBody);
  });

  /** `TARGET (or TARGET)* MODIFIER*`, the part that `when` and `else` rules share. */
  private readonly ruleBody = this.RULE('ruleBody', () => {
    this.SUBRULE1(this.target);
    this.MANY1(() => {
      this.CONSUME(t.Or);
      this.SUBRULE2(this.target);
    });
    this.MANY2(() => this.SUBRULE(this.modifier));
  });

  private readonly fallbackDecl = this.RULE('fallbackDecl', () => {
    this.CONSUME(t.Fallback);
    this.SUBRULE(this.target);
  });

  private readonly target = this.RULE('target', () => {
    this.OR({
      ERR_MSG: TARGETS,
      DEF: [
        {
          ALT: () => {
            this.CONSUME(t.Owner);
            this.OPTION(() => {
              this.CONSUME(t.LParen);
              this.SUBRULE(this.path);
              this.CONSUME(t.RParen);
            });
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.Rep);
            this.SUBRULE1(this.name);
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.Queue);
            this.SUBRULE2(this.name);
          },
        },
        { ALT: () => this.SUBRULE(this.byTarget) },
        { ALT: () => this.SUBRULE(this.strategyCall) },
      ],
    });
  });

  /** `by segment then geo then round_robin(pool)`. */
  private readonly byTarget = this.RULE('byTarget', () => {
    this.CONSUME(t.By);
    this.SUBRULE1(this.path);
    // Chevrotain's lookahead lets a repetition win ties, so `then round_robin(` must be kept out by hand.
    this.MANY({
      GATE: () => !(tokenMatcher(this.LA(2), t.Identifier) && tokenMatcher(this.LA(3), t.LParen)),
      DEF: () => {
        this.CONSUME1(t.Then);
        this.SUBRULE2(this.path);
      },
    });
    this.CONSUME2(t.Then);
    this.SUBRULE(this.strategyCall);
  });

  /** `round_robin(payments_team)`: any identifier names the strategy; the checker knows which exist. */
  private readonly strategyCall = this.RULE('strategyCall', () => {
    this.CONSUME(t.Identifier);
    this.CONSUME(t.LParen);
    this.SUBRULE(this.poolName);
    this.CONSUME(t.RParen);
  });

  private readonly modifier = this.RULE('modifier', () => {
    this.OR({
      ERR_MSG: MODIFIER,
      DEF: [
        {
          ALT: () => {
            this.CONSUME(t.Sla);
            this.CONSUME(t.Duration);
            this.OPTION(() => this.CONSUME(t.Business));
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.Priority);
            this.SUBRULE1(this.name);
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.Tag);
            this.SUBRULE2(this.name);
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.Escalate);
            this.CONSUME(t.To);
            this.AT_LEAST_ONE_SEP({
              SEP: t.Comma,
              DEF: () => this.SUBRULE(this.escalationStep),
              ERR_MSG: '`next` or a target',
            });
          },
        },
      ],
    });
  });

  private readonly escalationStep = this.RULE('escalationStep', () => {
    this.OR({
      ERR_MSG: `\`next\` or ${TARGETS}`,
      DEF: [{ ALT: () => this.CONSUME(t.Next) }, { ALT: () => this.SUBRULE(this.target) }],
    });
  });

  // Conditions: `or` binds loosest, then `and`, then `not`. Repetitions, not recursion, so that only
  // parentheses deepen the stack, and those are bounded by MAX_NESTING. These three rules do not
  // re-synchronize on an error: the rule that holds the condition does, with a short rule stack
  // (Chevrotain's re-sync scans ahead against the follow sets of every rule on the stack, which in
  // deep nesting made a hostile `((((...` take minutes).
  private readonly condition = this.RULE(
    'condition',
    () => this.AT_LEAST_ONE_SEP({ SEP: t.Or, DEF: () => this.SUBRULE(this.andCondition), ERR_MSG: CONDITION }),
    { resyncEnabled: false },
  );

  private readonly andCondition = this.RULE(
    'andCondition',
    () => this.AT_LEAST_ONE_SEP({ SEP: t.And, DEF: () => this.SUBRULE(this.notCondition), ERR_MSG: CONDITION }),
    { resyncEnabled: false },
  );

  private readonly notCondition = this.RULE(
    'notCondition',
    () => {
      this.MANY(() => this.CONSUME(t.Not));
      this.OR({
        ERR_MSG: CONDITION,
        DEF: [
          {
            GATE: () => this.nesting < MAX_NESTING,
            ALT: () => {
              this.CONSUME(t.LParen);
              this.ACTION(() => this.nesting++);
              try {
                this.SUBRULE(this.condition);
              } finally {
                this.ACTION(() => this.nesting--);
              }
              this.CONSUME(t.RParen);
            },
          },
          {
            ALT: () => {
              this.SUBRULE(this.path);
              this.SUBRULE(this.predicate);
            },
          },
        ],
      });
    },
    { resyncEnabled: false },
  );

  /** A condition with its subject left out: `>= 1000`, `in [US, CA]`, `is not blank`. */
  private readonly predicate = this.RULE('predicate', () => {
    this.OR({
      ERR_MSG: COMPARISONS,
      DEF: [
        {
          ALT: () => {
            this.OR2([
              { ALT: () => this.CONSUME(t.Equals, { LABEL: 'op' }) },
              { ALT: () => this.CONSUME(t.NotEquals, { LABEL: 'op' }) },
              { ALT: () => this.CONSUME(t.LessEquals, { LABEL: 'op' }) },
              { ALT: () => this.CONSUME(t.GreaterEquals, { LABEL: 'op' }) },
              { ALT: () => this.CONSUME(t.Less, { LABEL: 'op' }) },
              { ALT: () => this.CONSUME(t.Greater, { LABEL: 'op' }) },
            ]);
            this.SUBRULE1(this.literal);
          },
        },
        {
          ALT: () => {
            this.CONSUME1(t.In);
            this.SUBRULE1(this.literalList);
          },
        },
        {
          ALT: () => {
            this.CONSUME1(t.Not);
            this.CONSUME2(t.In);
            this.SUBRULE2(this.literalList);
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.Between);
            this.SUBRULE2(this.literal, { LABEL: 'low' });
            this.CONSUME(t.And);
            this.SUBRULE3(this.literal, { LABEL: 'high' });
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.Is);
            this.OPTION(() => this.CONSUME2(t.Not));
            this.CONSUME(t.Blank);
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.Contains, { LABEL: 'textOp' });
            this.SUBRULE4(this.literal);
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.Starts, { LABEL: 'textOp' });
            this.CONSUME1(t.With);
            this.SUBRULE5(this.literal);
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.Ends, { LABEL: 'textOp' });
            this.CONSUME2(t.With);
            this.SUBRULE6(this.literal);
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.Matches);
            this.SUBRULE7(this.literal);
          },
        },
      ],
    });
  });

  private readonly literalList = this.RULE('literalList', () => {
    this.CONSUME(t.LBracket);
    this.MANY_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.literal) });
    this.CONSUME(t.RBracket);
  });

  /** A quoted string, a number, or a bare word (dotted words included) read as a string. */
  private readonly literal = this.RULE('literal', () => {
    this.OR({
      ERR_MSG: VALUE,
      DEF: [
        { ALT: () => this.CONSUME(t.StringLiteral) },
        { ALT: () => this.CONSUME(t.NumberLiteral) },
        { ALT: () => this.CONSUME(t.Duration, { LABEL: 'bareToken' }) },
        { ALT: () => this.CONSUME(t.DateLiteral, { LABEL: 'bareToken' }) },
        { ALT: () => this.SUBRULE(this.path) },
      ],
    });
  });

  private readonly path = this.RULE('path', () => {
    this.CONSUME(t.PathStart);
    this.MANY(() => {
      this.CONSUME(t.Dot);
      this.CONSUME(t.Word);
    });
  });

  private readonly name = this.RULE('name', () => {
    this.OR({
      ERR_MSG: NAME,
      DEF: [{ ALT: () => this.CONSUME(t.StringLiteral) }, { ALT: () => this.CONSUME(t.Word) }],
    });
  });
}

/** The one parser instance; Chevrotain parsers are reusable and costly to build. */
export const policyParser = new PolicyParser();
