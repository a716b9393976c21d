import type { Condition, DimensionDecl, FieldsDecl, PoolDecl, Predicate, RuleDecl, Statement, Target } from '../../dsl/ast';
import { MAX_CONDITION_DEPTH } from '../../dsl/ast-builder';
import { formatDiagnostics, MAX_DIAGNOSTICS, TOO_MANY } from '../../dsl/diagnostics';
import { parsePolicy } from '../../dsl/parse';
import { MAX_NESTING } from '../../dsl/parser';
import { LANGUAGE_POLICY } from './check-helpers';

/** LANGUAGE.md, "A whole policy", verbatim. */
const ACME = LANGUAGE_POLICY;

/** Parses text that must be free of diagnostics. */
function parseClean(source: string): Statement[] {
  const { ast, diagnostics } = parsePolicy(source);
  expect(formatDiagnostics(diagnostics, source)).toBe('');
  return ast.statements;
}

function only<K extends Statement['kind']>(statements: Statement[], kind: K): Extract<Statement, { kind: K }>[] {
  return statements.filter((s): s is Extract<Statement, { kind: K }> => s.kind === kind);
}

function rules(source: string): RuleDecl[] {
  return only(parseClean(source), 'rule');
}

/** The condition of a one-rule policy. */
function condition(text: string): Condition {
  const [rule] = rules(`when ${text} route queue q`);
  if (!rule.condition) throw new Error('no condition');
  return rule.condition;
}

/** A condition as a compact string: (a or (b and not c)). */
function show(c: Condition): string {
  switch (c.kind) {
    case 'and':
    case 'or':
      return `(${show(c.left)} ${c.kind} ${show(c.right)})`;
    case 'not':
      return `not ${show(c.operand)}`;
    case 'test':
      return `${c.subject.text} ${showPredicate(c.predicate)}`;
  }
}

function showPredicate(p: Predicate): string {
  const lit = (l: { kind: string; value: unknown; bare?: boolean }) => (l.kind === 'string' && !l.bare ? JSON.stringify(l.value) : String(l.value));
  switch (p.kind) {
    case 'compare':
      return `${p.op} ${lit(p.value)}`;
    case 'in':
      return `${p.negated ? 'not in' : 'in'} [${p.values.map(lit).join(', ')}]`;
    case 'between':
      return `between ${lit(p.low)} and ${lit(p.high)}`;
    case 'blank':
      return p.negated ? 'is not blank' : 'is blank';
    case 'text':
      return `${p.op} ${lit(p.value)}`;
    case 'matches':
      return `matches ${lit(p.pattern)}`;
  }
}

function showTarget(t: Target): string {
  switch (t.kind) {
    case 'owner':
      return t.path ? `owner(${t.path.text})` : 'owner';
    case 'rep':
    case 'queue':
      return `${t.kind} ${t.name.quoted ? JSON.stringify(t.name.text) : t.name.text}`;
    case 'strategy':
      return `${t.strategy.text}(${t.pool.text})`;
    case 'by':
      return `by ${t.dimensions.map((d) => d.text).join(' then ')} then ${t.strategy.text}(${t.pool.text})`;
  }
}

/** The text a span covers. */
function textOf(source: string, span: { start: number; end: number }): string {
  return source.slice(span.start, span.end);
}

describe('the whole policy of LANGUAGE.md', () => {
  const statements = parseClean(ACME);

  test('statements in source order, with their lines', () => {
    expect(statements.map((s) => `${s.kind}:${s.span.line}`)).toEqual([
      'policy:2', 'fields:4', 'dimension:15', 'dimension:21', 'dimension:27',
      'pool:32', 'pool:33', 'pool:34', 'pool:35', 'pool:36', 'pool:37',
      'sticky:39', 'rule:41', 'rule:42', 'rule:43', 'rule:44', 'rule:45', 'fallback:47',
    ]);
  });

  test('policy name and fields', () => {
    const [policy] = only(statements, 'policy');
    expect(policy.name).toMatchObject({ text: 'acme-inbound', quoted: true });
    expect(textOf(ACME, policy.span)).toBe('policy "acme-inbound"');
    const [fields] = only(statements, 'fields') as FieldsDecl[];
    expect(fields.fields.map((f) => [f.path.text, f.typeName.text, f.type?.kind])).toEqual([
      ['email', 'email', 'email'],
      ['country', 'country', 'country'],
      ['employees', 'number', 'number'],
      ['type', 'enum', 'enum'],
      ['source', 'text', 'text'],
      ['product', 'text', 'text'],
      ['account.status', 'enum', 'enum'],
      ['account.owner', 'text', 'text'],
    ]);
    const status = fields.fields[6];
    expect(status.path.segments).toEqual(['account', 'status']);
    if (status.type?.kind !== 'enum') throw new Error('not an enum');
    expect(status.type.values.map((v) => v.text)).toEqual(['none', 'customer', 'open_opportunity', 'churned']);
    expect(textOf(ACME, status.type.span)).toBe('enum(none, customer, open_opportunity, churned)');
    expect(textOf(ACME, fields.span)).toMatch(/^fields \{[^]*\}$/);
  });

  test('dimensions: by-arms hold predicates, condition arms hold conditions', () => {
    const [segment, geo, intent] = only(statements, 'dimension') as DimensionDecl[];
    expect(segment.name.text).toBe('segment');
    expect(segment.by?.text).toBe('employees');
    expect(segment.arms.map((a) => [a.value.text, a.when && 'op' in a.when ? showPredicate(a.when as Predicate) : a.when])).toEqual([
      ['enterprise', '>= 1000'],
      ['midmarket', '>= 200'],
      ['smb', null],
    ]);
    expect(segment.arms[0].span.line).toBe(16);
    expect(textOf(ACME, segment.arms[0].span)).toBe('enterprise when >= 1000');
    expect(textOf(ACME, segment.arms[2].span)).toBe('smb        otherwise');
    expect(geo.arms.map((a) => (a.when ? showPredicate(a.when as Predicate) : 'otherwise'))).toEqual([
      'in [US, CA, MX]',
      'in [GB, IE, DE, FR, NL, ES, IT, SE]',
      'otherwise',
    ]);
    expect(intent.by).toBeNull();
    expect(show(intent.arms[0].when as Condition)).toBe('(type = demo or source in [paid_search, partner])');
    expect(intent.arms[1]).toMatchObject({ value: { text: 'low' }, when: null });
  });

  test('pools: wildcard names, members with options, pool options', () => {
    const pools = only(statements, 'pool') as PoolDecl[];
    expect(pools.map((p) => [p.name.text, p.name.segments, p.members.map((m) => m.name.text)])).toEqual([
      ['enterprise.na', ['enterprise', 'na'], ['alice', 'bob', 'carol']],
      ['enterprise.emea', ['enterprise', 'emea'], ['dieter', 'emma']],
      ['enterprise.*', ['enterprise', '*'], ['zoe']],
      ['midmarket.*', ['midmarket', '*'], ['mia', 'noah']],
      ['smb.*', ['smb', '*'], ['frank', 'gina']],
      ['payments_team', ['payments_team'], ['ivy@acme.com', 'jon@acme.com']],
    ]);
    expect(pools[1].members[0].options).toEqual([
      expect.objectContaining({ kind: 'weight', value: expect.objectContaining({ kind: 'number', value: 2, text: '2' }) }),
    ]);
    expect(pools[1].members[1].options).toEqual([]);
    const frank = pools[4].members[0];
    expect(frank.options).toHaveLength(1);
    expect(frank.options[0]).toMatchObject({ kind: 'cap', count: { value: 40 }, per: { text: 'day', quoted: false } });
    expect(textOf(ACME, frank.span)).toBe('frank cap 40/day');
    expect(pools[4].options.map((o) => [o.kind, 'value' in o && o.value.kind === 'string' ? o.value.value : null])).toEqual([
      ['hours', 'Mon-Fri 08:00-18:00'],
      ['tz', 'America/New_York'],
    ]);
    expect(pools[5].members[0].name).toMatchObject({ text: 'ivy@acme.com', quoted: true });
  });

  test('sticky', () => {
    const [sticky] = only(statements, 'sticky');
    expect(sticky.path.text).toBe('email');
    expect(sticky.window).toMatchObject({ kind: 'duration', text: '30d' });
  });

  test('rules: conditions, targets, modifiers, sources and lines', () => {
    const all = only(statements, 'rule');
    expect(all.map((r) => r.source)).toEqual([
      'when account.status = customer and account.owner is not blank route owner sla 4h',
      'when type = support route queue support',
      'when product = payments route round_robin(payments_team) or queue payments_overflow sla 10m priority high',
      'when intent = high route by segment then geo then round_robin(pool) sla 5m priority high',
      'else by segment then geo then round_robin(pool) sla 1d escalate to next, queue exceptions',
    ]);
    expect(all.map((r) => [r.span.line, r.span.column])).toEqual([[41, 1], [42, 1], [43, 1], [44, 1], [45, 1]]);
    expect(all.map((r) => (r.condition ? show(r.condition) : null))).toEqual([
      '(account.status = customer and account.owner is not blank)',
      'type = support',
      'product = payments',
      'intent = high',
      null,
    ]);
    expect(all.map((r) => r.targets.map(showTarget))).toEqual([
      ['owner'],
      ['queue support'],
      ['round_robin(payments_team)', 'queue payments_overflow'],
      ['by segment then geo then round_robin(pool)'],
      ['by segment then geo then round_robin(pool)'],
    ]);
    expect(all[2].modifiers).toEqual([
      expect.objectContaining({ kind: 'sla', duration: expect.objectContaining({ text: '10m' }), business: false }),
      expect.objectContaining({ kind: 'priority', level: expect.objectContaining({ text: 'high' }) }),
    ]);
    const escalate = all[4].modifiers[1];
    if (escalate.kind !== 'escalate') throw new Error('not an escalation');
    expect(escalate.steps.map((s) => (s.kind === 'next' ? 'next' : showTarget(s)))).toEqual(['next', 'queue exceptions']);
    expect(textOf(ACME, escalate.span)).toBe('escalate to next, queue exceptions');
    const by = all[3].targets[0];
    if (by.kind !== 'by') throw new Error('not a by target');
    expect(by.pool).toMatchObject({ segments: ['pool'], text: 'pool' });
    expect(textOf(ACME, by.span)).toBe('by segment then geo then round_robin(pool)');
    // A rule's span is its own text exactly.
    for (const rule of all) expect(textOf(ACME, rule.span)).toBe(rule.source);
  });

  test('fallback', () => {
    const [fallback] = only(statements, 'fallback');
    expect(showTarget(fallback.target)).toBe('queue exceptions');
  });
});

describe('rules', () => {
  test("the design card's one-liner", () => {
    const src = 'when account.status = customer route owner; else by segment then geo then round_robin(pool)';
    const [first, second] = rules(src);
    expect(first.source).toBe('when account.status = customer route owner');
    expect(second.source).toBe('else by segment then geo then round_robin(pool)');
    expect(second.condition).toBeNull();
    expect(second.span).toEqual({ start: 44, end: src.length, line: 1, column: 45 });
  });

  test('`else route` reads like `else`, and `rules { }` is flattened', () => {
    const src = 'rules {\n  when x = 1 route queue a;\n  else route queue b\n  fallback queue c\n}\n';
    const statements = parseClean(src);
    expect(statements.map((s) => s.kind)).toEqual(['rule', 'rule', 'fallback']);
    expect((statements[1] as RuleDecl).source).toBe('else route queue b');
    expect(statements[1].span.line).toBe(3);
  });

  test('the source of a rule over several lines: white space collapsed, comments dropped, strings kept', () => {
    const src = 'when  x = "a  b"   # a note\n\tand y in [1,2]\n  route queue "EMEA  overflow"   sla 4h business\n';
    const [rule] = rules(src);
    expect(rule.source).toBe('when x = "a  b" and y in [1,2] route queue "EMEA  overflow" sla 4h business');
    expect(rule.span.line).toBe(1);
    expect(rule.modifiers[0]).toMatchObject({ kind: 'sla', business: true });
  });

  test('targets', () => {
    const [rule] = rules('when x = 1 route owner(account.csm) or rep "bob@acme.com" or rep carol or queue "EMEA overflow" or weighted(p) or first_available(enterprise.*) or least_loaded(*.*) or by_bid("Big team") or by region then smb.tier then by_bid(pool)');
    expect(rule.targets.map(showTarget)).toEqual([
      'owner(account.csm)',
      'rep "bob@acme.com"',
      'rep carol',
      'queue "EMEA overflow"',
      'weighted(p)',
      'first_available(enterprise.*)',
      'least_loaded(*.*)',
      'by_bid(Big team)',
      'by region then smb.tier then by_bid(pool)',
    ]);
    const quotedPool = rule.targets[7];
    if (quotedPool.kind !== 'strategy') throw new Error('not a strategy');
    expect(quotedPool.pool.segments).toEqual(['Big team']);
  });

  test('modifiers: repeated tags, escalation to any target', () => {
    const [rule] = rules('else queue a tag vip tag "from partner" priority urgent escalate to next, rep bob, round_robin(backup), next');
    expect(rule.modifiers.map((m) => m.kind)).toEqual(['tag', 'tag', 'priority', 'escalate']);
    expect(rule.modifiers.slice(0, 2).map((m) => (m.kind === 'tag' ? [m.name.text, m.name.quoted] : null))).toEqual([['vip', false], ['from partner', true]]);
    const escalate = rule.modifiers[3];
    if (escalate.kind !== 'escalate') throw new Error('not an escalation');
    expect(escalate.steps.map((s) => (s.kind === 'next' ? 'next' : showTarget(s)))).toEqual(['next', 'rep bob', 'round_robin(backup)', 'next']);
  });

  test('a decimal duration lexes, for the checker to judge', () => {
    const [rule] = rules('else queue a sla 1.5h');
    expect(rule.modifiers[0]).toMatchObject({ kind: 'sla', duration: { text: '1.5h' } });
  });
});

describe('conditions', () => {
  test('`not` binds tightest, then `and`, then `or`; binary operators group to the left', () => {
    expect(show(condition('a = 1 or b = 2 and not c = 3'))).toBe('(a = 1 or (b = 2 and not c = 3))');
    expect(show(condition('a = 1 and b = 2 or c = 3'))).toBe('((a = 1 and b = 2) or c = 3)');
    expect(show(condition('a = 1 or b = 2 or c = 3'))).toBe('((a = 1 or b = 2) or c = 3)');
    expect(show(condition('a = 1 and b = 2 and c = 3'))).toBe('((a = 1 and b = 2) and c = 3)');
    expect(show(condition('not (a = 1 or b = 2) and not not c = 3'))).toBe('(not (a = 1 or b = 2) and not not c = 3)');
  });

  test('every comparison', () => {
    const tests = [
      'a = x', 'a != x', 'a < 5', 'a <= 5', 'a > 5', 'a >= 12.5', 'a in [x, "y z", 3]', 'a not in [x]', 'a in []',
      'a between 200 and 999', 'a is blank', 'a is not blank', 'a contains "x"', 'a starts with "x"', 'a ends with x',
      'a matches "^[a-z]+$"', 'a = -5',
    ];
    expect(tests.map((t) => show(condition(t)))).toEqual([
      'a = x', 'a != x', 'a < 5', 'a <= 5', 'a > 5', 'a >= 12.5', 'a in [x, "y z", 3]', 'a not in [x]', 'a in []',
      'a between 200 and 999', 'a is blank', 'a is not blank', 'a contains "x"', 'a starts_with "x"', 'a ends_with x',
      'a matches "^[a-z]+$"', 'a = -5',
    ]);
  });

  test('literals: bare words are strings (dotted ones too), numbers keep their text', () => {
    const c = condition('domain in [acme.com, paid_search, "Paid Search", 007, 12.50, 4h, 2026-12-25, x-y]');
    if (c.kind !== 'test' || c.predicate.kind !== 'in') throw new Error('unexpected');
    expect(c.predicate.values.map((v) => ({ ...v, span: undefined }))).toEqual([
      { kind: 'string', value: 'acme.com', bare: true, span: undefined },
      { kind: 'string', value: 'paid_search', bare: true, span: undefined },
      { kind: 'string', value: 'Paid Search', bare: false, span: undefined },
      { kind: 'number', value: 7, text: '007', span: undefined },
      { kind: 'number', value: 12.5, text: '12.50', span: undefined },
      { kind: 'string', value: '4h', bare: true, span: undefined },
      { kind: 'string', value: '2026-12-25', bare: true, span: undefined },
      { kind: 'string', value: 'x-y', bare: true, span: undefined },
    ]);
  });

  test('strings decode JSON escapes', () => {
    const c = condition('a = "tab\\there \\"q\\" \\u00e9 \\\\ \\/"');
    if (c.kind !== 'test' || c.predicate.kind !== 'compare') throw new Error('unexpected');
    expect(c.predicate.value).toMatchObject({ kind: 'string', value: 'tab\there "q" é \\ /', bare: false });
  });

  test('keywords stay usable as field names, path segments and values; upper case is no keyword', () => {
    expect(show(condition('owner = queue and type = pool and rep.status = owner and pool.rep in [queue, rep] and WHEN = ROUTE'))).toBe(
      '((((owner = queue and type = pool) and rep.status = owner) and pool.rep in [queue, rep]) and WHEN = ROUTE)',
    );
    expect(show(condition('account.when.not = x'))).toBe('account.when.not = x');
  });

  test('identifiers in any script, so the checker can suggest the name meant', () => {
    const [rule] = rules('when país = España route round_robin(ent_nа)');
    const target = rule.targets[0];
    if (target.kind !== 'strategy') throw new Error('unexpected');
    expect(target.pool.text).toBe('ent_n\u0430');
    expect(show(rule.condition as Condition)).toBe('país = España');
  });

  test('spans: a test covers subject to value; a parenthesized condition covers its parentheses', () => {
    const src = 'when not (a.b >= 10 or c is blank) route queue q';
    const [rule] = rules(src);
    const c = rule.condition as Condition;
    expect(textOf(src, c.span)).toBe('not (a.b >= 10 or c is blank)');
    if (c.kind !== 'not' || c.operand.kind !== 'or') throw new Error('unexpected');
    expect(textOf(src, c.operand.span)).toBe('(a.b >= 10 or c is blank)');
    const left = c.operand.left;
    if (left.kind !== 'test') throw new Error('unexpected');
    expect(textOf(src, left.span)).toBe('a.b >= 10');
    expect(left.subject.span).toEqual({ start: 10, end: 13, line: 1, column: 11 });
    expect(textOf(src, left.predicate.span)).toBe('>= 10');
  });

  test(`parentheses nest up to ${MAX_NESTING} deep`, () => {
    const nested = (n: number) => `${'('.repeat(n)}a = 1${')'.repeat(n)}`;
    expect(show(condition(nested(MAX_NESTING)))).toBe('a = 1');
    const { ast, diagnostics } = parsePolicy(`when ${nested(MAX_NESTING + 1)} route queue q`);
    expect(ast.statements).toEqual([]);
    expect(diagnostics.map((d) => [d.code, d.span.column, d.message])).toEqual([
      ['syntax', 6 + MAX_NESTING, `conditions may nest at most ${MAX_NESTING} parentheses deep`],
    ]);
  });

  test(`a condition deeper than ${MAX_CONDITION_DEPTH} levels is an error (later stages recurse on conditions)`, () => {
    const chain = (n: number) => `when ${Array.from({ length: n }, (_, i) => `a = ${i}`).join(' and ')} route queue q\nelse queue r`;
    expect(parsePolicy(chain(MAX_CONDITION_DEPTH + 1)).diagnostics).toEqual([]);
    const { ast, diagnostics } = parsePolicy(chain(MAX_CONDITION_DEPTH + 2));
    expect(diagnostics.map((d) => [d.code, d.span.line, d.span.column])).toEqual([['syntax', 1, 6]]);
    expect(ast.statements.map((s) => s.kind)).toEqual(['rule']);
  });
});

describe('declarations', () => {
  test('dimension arms with every predicate', () => {
    const [dim] = only(parseClean('dimension tier by account.plan {\n  a when = gold\n  b when in [x, y]\n  c when not in [z]\n  d when between 200 and 999\n  e when is blank\n  f when is not blank\n  g when contains "x"\n  h when matches "^p"\n  "i j" when != 3\n  otherwise otherwise\n}'), 'dimension');
    expect(dim.by?.segments).toEqual(['account', 'plan']);
    expect(dim.arms.map((a) => `${a.value.text}: ${a.when ? showPredicate(a.when as Predicate) : 'otherwise'}`)).toEqual([
      'a: = gold', 'b: in [x, y]', 'c: not in [z]', 'd: between 200 and 999', 'e: is blank', 'f: is not blank',
      'g: contains "x"', 'h: matches "^p"', 'i j: != 3', 'otherwise: otherwise',
    ]);
  });

  test('pool options in either place; members with `when`, `bid`, `hours`, `tz`, `holidays`', () => {
    const src = 'pool support.* = [\n  ana when language in [es, pt] and tier = 1 weight 3,\n  "bo@x.io" bid 12.5 hours "Mon-Fri 09:00-17:00" tz "Europe/Paris" holidays [2026-12-25],\n  cy cap 10/week cap 2/hour\n] hours "Mon-Fri 09:00-17:00, Sat 10:00-14:00" tz "UTC" holidays [2026-12-25, 2027-01-01] weight 2 bid 1 cap 5/day';
    const [pool] = only(parseClean(src), 'pool');
    expect(pool.name.segments).toEqual(['support', '*']);
    expect(pool.members.map((m) => [m.name.text, m.options.map((o) => o.kind)])).toEqual([
      ['ana', ['when', 'weight']],
      ['bo@x.io', ['bid', 'hours', 'tz', 'holidays']],
      ['cy', ['cap', 'cap']],
    ]);
    const when = pool.members[0].options[0];
    if (when.kind !== 'when') throw new Error('unexpected');
    expect(show(when.condition)).toBe('(language in [es, pt] and tier = 1)');
    expect(pool.members[2].options.map((o) => (o.kind === 'cap' ? `${o.count.value}/${o.per.text}` : ''))).toEqual(['10/week', '2/hour']);
    expect(pool.options.map((o) => o.kind)).toEqual(['hours', 'tz', 'holidays', 'weight', 'bid', 'cap']);
    const holidays = pool.options[2];
    if (holidays.kind !== 'holidays') throw new Error('unexpected');
    expect(holidays.dates.map((d) => [d.kind, d.text, d.span.line])).toEqual([['date', '2026-12-25', 5], ['date', '2027-01-01', 5]]);
  });

  test('after a pool, `when` starts the next rule', () => {
    const statements = parseClean('pool p = [a] when x = 1 route round_robin(p)');
    expect(statements.map((s) => s.kind)).toEqual(['pool', 'rule']);
    expect((statements[0] as PoolDecl).options).toEqual([]);
  });

  test('field types: an unknown name is kept for the checker; only enum takes a list', () => {
    const [fields] = only(parseClean('fields {\n  a: integer\n  b.c: datetime\n  d: enum("x y", z)\n}'), 'fields');
    expect(fields.fields.map((f) => [f.path.text, f.typeName.text, f.type?.kind ?? null])).toEqual([
      ['a', 'integer', null],
      ['b.c', 'datetime', 'datetime'],
      ['d', 'enum', 'enum'],
    ]);
    const src = 'fields {\n  a: enum\n  b: text(x)\n}';
    const { diagnostics } = parsePolicy(src);
    expect(diagnostics.map((d) => [d.code, d.span.line, d.span.column, d.message])).toEqual([
      ['syntax', 2, 6, 'expected a list of values after `enum`: enum(a, b, ...)'],
      ['syntax', 3, 6, 'only enum takes a list of values, not `text`'],
    ]);
  });

  test('`__proto__` and `constructor` are plain names', () => {
    const statements = parseClean('policy __proto__\npool __proto__ = [constructor]\nwhen __proto__.constructor = __proto__ route round_robin(__proto__)');
    expect(statements.map((s) => s.kind)).toEqual(['policy', 'pool', 'rule']);
    expect(show((statements[2] as RuleDecl).condition as Condition)).toBe('__proto__.constructor = __proto__');
  });

  test('comments, `;` and blank lines anywhere; CRLF line ends', () => {
    const src = '# top\r\npolicy p ; # name\r\n\r\n;;fallback queue x # end';
    const statements = parseClean(src);
    expect(statements.map((s) => [s.kind, s.span.line, s.span.column])).toEqual([['policy', 2, 1], ['fallback', 4, 3]]);
  });
});

describe('errors', () => {
  const positions = (source: string) => parsePolicy(source).diagnostics.map((d) => [d.code, d.span.line, d.span.column]);

  test('three mistakes on three lines: all three reported, with their lines, and the rest still parses', () => {
    const src = [
      'policy "x"',
      'pool p = [alice bob]',
      'when type = route queue x',
      'when x = 1 route round_robin(p)',
      'when y = 2 route',
      'fallback queue exceptions',
    ].join('\n');
    const { ast, diagnostics } = parsePolicy(src);
    expect(diagnostics.map((d) => [d.code, d.severity, d.span.line, d.span.column, d.message])).toEqual([
      ['syntax', 'error', 2, 17, 'expected `,` or `]` after `alice`, found `bob`'],
      ['syntax', 'error', 3, 13, 'expected a value (a word, a number or a quoted string) after `=`, found `route`'],
      ['syntax', 'error', 5, 17, 'expected a target (owner, rep NAME, queue NAME, round_robin(POOL), by ... then ...) after `route`, found `fallback`'],
    ]);
    expect(ast.statements.map((s) => `${s.kind}:${s.span.line}`)).toEqual(['policy:1', 'pool:2', 'rule:4', 'fallback:6']);
    expect(formatDiagnostics(diagnostics, src)).toContain('2 | pool p = [alice bob]\n                    ^^^');
  });

  test('something missing at the end of a line is reported there', () => {
    expect(positions('when x = 1 route queue y sla\nfallback queue z')).toEqual([['syntax', 1, 29]]);
    expect(parsePolicy('when x = 1 route queue y sla').diagnostics[0].message).toBe('expected a duration (30s, 10m, 4h, 2d or 1w) after `sla`, found the end of the policy');
  });

  test('a stray word is reported where it stands', () => {
    const { diagnostics } = parsePolicy('when x = 1 route queue y\nroute queue z\nfallback queue f');
    expect(diagnostics.map((d) => [d.span.line, d.span.column, d.message])).toEqual([
      [2, 1, 'expected a statement (policy, fields, dimension, pool, sticky, when, else, rules, fallback), found `route`'],
    ]);
  });

  test('friendly messages', () => {
    const message = (src: string) => parsePolicy(src).diagnostics.map((d) => d.message);
    expect(message('when x route queue y')).toEqual([
      'expected a comparison (=, !=, <, <=, >, >=, in [...], not in [...], between A and B, is blank, is not blank, contains, starts with, ends with, matches "...") after `x`, found `route`',
    ]);
    expect(message('when x = 1 rout queue y')).toEqual(['expected `route` (or `and` / `or` to go on with the condition) after `1`, found `rout`']);
    expect(message('when x == 1 route queue y')).toEqual(['write `=` once: there is no `==`']);
    expect(message('else by a then b')).toEqual(['expected `then STRATEGY(pool)` to end `by ... then ...` (e.g. `then round_robin(pool)`) after `b`, found the end of the policy']);
    expect(message('else queue y sla 10min')).toEqual(['expected a duration (30s, 10m, 4h, 2d or 1w) after `sla`, found `10min`']);
    expect(message('dimension d by x {\n  a when foo\n}')).toEqual([expect.stringMatching(/^expected a comparison .* after `when`, found `foo`$/)]);
    expect(message('else round_robin(a b)')).toEqual(['expected `)` after `a`, found `b`']);
  });

  test('characters that are no token, with hints for the usual suspects', () => {
    const { diagnostics } = parsePolicy("when x = 'a' && y != 2 route queue q\nwhen z = 1 @ route queue r\nelse queue \u2003s");
    expect(diagnostics.map((d) => [d.code, d.span.line, d.span.column, d.message])).toEqual([
      ['lex', 1, 10, "unexpected character `'`: strings take double quotes: write \"...\", not '...'"],
      ['lex', 1, 12, "unexpected character `'`: strings take double quotes: write \"...\", not '...'"],
      ['lex', 1, 14, 'unexpected characters `&&`: write `and` instead of `&&`'],
      ['lex', 2, 12, 'unexpected character `@`'],
      ['lex', 3, 12, 'unexpected character `U+2003`'],
    ]);
  });

  test('string problems are diagnostics, not crashes', () => {
    const src = 'when x = "a\\qb" route queue "tab\there"\nwhen y = "open route queue q\nelse queue z';
    const { ast, diagnostics } = parsePolicy(src);
    expect(diagnostics.map((d) => [d.code, d.span.line, d.span.column, textOf(src, d.span)])).toEqual([
      ['lex', 1, 12, '\\q'],
      ['lex', 1, 33, '\t'],
      ['lex', 2, 10, '"open route queue q'],
    ]);
    expect(diagnostics[0].message).toBe('invalid escape `\\q` in a string; the escapes are \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX');
    expect(diagnostics[2].message).toBe('this string has no closing `"` before the end of the line');
    // The second rule lacks its `route` (the string took it); that error stays unsaid after the string's.
    expect(ast.statements.map((s) => `${s.kind}:${s.span.line}`)).toEqual(['rule:1', 'rule:3']);
  });

  test(`reading stops after ${MAX_DIAGNOSTICS} syntax errors`, () => {
    const src = 'when x route queue q\n'.repeat(MAX_DIAGNOSTICS + 10) + 'fallback queue f';
    const { diagnostics } = parsePolicy(src);
    expect(diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(diagnostics.at(-1)).toMatchObject({ span: { line: MAX_DIAGNOSTICS + 1 }, code: TOO_MANY, message: `more than ${MAX_DIAGNOSTICS} problems: those after this point are not reported` });
  });

  test('hostile inputs answer quickly, with diagnostics', () => {
    const inputs = [
      '('.repeat(100_000),
      `when ${'('.repeat(100_000)}`,
      `when ${'('.repeat(1000)}\n`.repeat(100),
      `when ${'not '.repeat(30_000)}a = 1 route owner`,
      '\u0000'.repeat(100_000),
      '"'.repeat(100_001),
      'when '.repeat(20_000),
      `pool a = [${'x y, '.repeat(5000)}]`,
      `fields {\n${'a b\n'.repeat(20_000)}}`,
      `${'[{('.repeat(30_000)}`,
    ];
    for (const input of inputs) {
      const started = process.cpuUsage();
      const { diagnostics } = parsePolicy(input);
      const used = process.cpuUsage(started);
      expect((used.user + used.system) / 1000).toBeLessThan(3000);
      expect(diagnostics.length).toBeGreaterThan(0);
      expect(diagnostics.every((d) => d.code === 'lex' || d.code === 'syntax' || d.code === TOO_MANY)).toBe(true);
    }
  });
});

describe('performance', () => {
  // Timed in CPU time, so that other processes on a busy machine do not count.
  test('a policy of 1,000 rules parses in well under 100 ms', () => {
    const src = `${Array.from({ length: 1000 }, (_, i) => `when product = p${i} and country in [US, CA] route round_robin(team_${i % 20}) or queue q${i} sla 10m`).join('\n')}\nfallback queue f\n`;
    let best = Infinity;
    for (let run = 0; run < 5; run++) {
      const started = process.cpuUsage();
      const { ast, diagnostics } = parsePolicy(src);
      const used = process.cpuUsage(started);
      best = Math.min(best, (used.user + used.system) / 1000);
      expect(diagnostics).toEqual([]);
      expect(ast.statements).toHaveLength(1001);
    }
    expect(best).toBeLessThan(100);
  });
});
