import { checkPolicy } from '../../dsl/checker';
import { parsePolicy } from '../../dsl/parse';
import { cpuSeconds } from '../hostile/cpu';
import { HEADER, TYPED, check, codes, expectDiagnostic, LANGUAGE_POLICY } from './check-helpers';

describe('policies that check clean', () => {
  test("LANGUAGE.md's whole policy has no diagnostic at all", () => {
    const { diagnostics, checked } = check(LANGUAGE_POLICY);
    expect(diagnostics).toEqual([]);
    expect(checked?.name).toBe('acme-inbound');
    expect(checked?.dimensions.map((d) => [d.name, d.values, d.canBeBlank])).toEqual([
      ['segment', ['enterprise', 'midmarket', 'smb'], false],
      ['geo', ['na', 'emea', 'apac'], false],
      ['intent', ['high', 'low'], false],
    ]);
  });

  test("the design card's one-liner is valid rule text (warnings only)", () => {
    const { diagnostics, checked } = check('when account.status = customer route owner; else by segment then geo then round_robin(pool)');
    expect(checked).not.toBeNull();
    expect(diagnostics.map((d) => [d.severity, d.code])).toEqual([
      ['warning', 'missing-policy-name'],
      ['warning', 'missing-fallback'],
    ]);
  });
});

describe('duplicates', () => {
  test.each([
    ['policy', 'policy "a"\npolicy "b"\n'],
    ['fields', 'fields { x: text }\nfields { y: text }\n'],
    ['sticky', 'sticky by x for 1d\nsticky by y for 1d\n'],
    ['fallback', 'fallback queue a\nfallback queue b\n'],
  ])('a second `%s` statement', (keyword, text) => {
    const d = expectDiagnostic(text, 'duplicate-statement', keyword, 1);
    expect(d.severity).toBe('error');
    expect(d.message).toContain('the first is on line 1');
  });

  test('a field declared twice', () => {
    const src = `${HEADER}fields {\n  dup: text\n  dup: number\n}\nwhen dup = 1 route queue q`;
    expect(expectDiagnostic(src, 'duplicate-field', 'dup', 1).message).toContain('first on line 4');
  });

  test('a dimension declared twice', () => {
    const src = `${HEADER}dimension dup { a when x = 1 }\ndimension dup { b when x = 2 }\n`;
    expectDiagnostic(src, 'duplicate-dimension', 'dup', 1);
  });

  test('a pool declared twice, names ignoring case', () => {
    const src = `${HEADER}pool Sales = [a]\npool sales = [b]\nwhen x = 1 route round_robin(sales)`;
    expect(expectDiagnostic(src, 'duplicate-pool', 'sales').message).toContain('first on line 3');
  });

  test('a member twice in one pool', () => {
    const src = `${HEADER}pool p = [alice, bob, alice weight 2]\nwhen x = 1 route round_robin(p)`;
    expectDiagnostic(src, 'duplicate-member', 'alice', 1);
  });

  test('an enum value twice, a dimension value twice (warnings)', () => {
    const src = `${HEADER}fields {\n  x: enum(a, b, A)\n}\ndimension d by x { one when = a\n two when = b\n One otherwise }\nwhen d = one route queue q`;
    expect(expectDiagnostic(src, 'duplicate-enum-value', 'A').severity).toBe('warning');
    expect(expectDiagnostic(src, 'duplicate-dimension-value', 'One').severity).toBe('warning');
  });

  test('an option twice, a modifier twice', () => {
    const src = `${HEADER}pool p = [a weight 2 weight 3]\nwhen x = 1 route round_robin(p) sla 5m priority high sla 10m`;
    expectDiagnostic(src, 'duplicate-option', 'weight', 1);
    expectDiagnostic(src, 'duplicate-modifier', 'sla', 1);
  });
});

describe('unknown names', () => {
  test('an unknown field, with the closest declared one', () => {
    const src = `${TYPED}when acount.status = customer route queue q`;
    const d = expectDiagnostic(src, 'unknown-field', 'acount.status');
    expect(d.suggestion).toBe('did you mean `account.status`?');
  });

  test('without a close name, the suggestion says how to declare it', () => {
    const src = `${TYPED}when zzz = 1 route queue q`;
    expect(expectDiagnostic(src, 'unknown-field', 'zzz').suggestion).toBe('declare it in `fields`: `zzz: text`');
  });

  test('a dimension reads like a declared field; without a fields block every path may be read', () => {
    expect(codes(`${TYPED}dimension big by employees { yes when >= 1000 }\nwhen big = yes route queue q`)).toEqual([]);
    expect(codes(`${HEADER}when anything.at.all = 1 route queue q`)).toEqual([]);
  });

  test('`owner` reads account.owner, which must be declared when fields are', () => {
    const src = `${HEADER}fields {\n  x: text\n}\nwhen x = 1 route owner`;
    const d = expectDiagnostic(src, 'unknown-field', 'owner');
    expect(d.message).toContain('`owner` reads `account.owner`');
    expect(codes(`${TYPED}when name = 1 route owner`)).toEqual([]);
  });

  test('`owner(path)` and `sticky by` read lead fields, never dimensions', () => {
    const src = `${TYPED}dimension seg by employees { big otherwise }\nsticky by seg for 1d\nwhen name = x route owner(acount.owner)`;
    const found = check(src).diagnostics.filter((d) => d.code === 'unknown-field');
    expect(found.map((d) => d.message)).toEqual([expect.stringContaining('`seg` is a dimension'), expect.stringContaining('`acount.owner`')]);
    expect(found[1].suggestion).toBe('did you mean `account.owner`?');
  });

  test('an unknown dimension in `by ... then`', () => {
    const src = `${TYPED}dimension segment by employees { big otherwise }\nwhen name = x route by segmnt then round_robin(pool)`;
    expect(expectDiagnostic(src, 'unknown-dimension', 'segmnt').suggestion).toBe('did you mean `segment`?');
  });

  test('`by` takes a declared plain field, or any path without a fields block', () => {
    expect(codes(`${TYPED}pool us = [a]\nwhen name = x route by country then round_robin(pool)`)).toEqual([]);
    expect(codes(`${HEADER}pool us = [a]\nwhen x = 1 route by region then round_robin(pool)`)).toEqual([]);
  });

  test('an unknown pool, suggesting the name that a Cyrillic letter hides', () => {
    const src = `${HEADER}pool ent_na = [a]\nwhen x = 1 route round_robin(ent_n\u0430)`;
    const d = expectDiagnostic(src, 'unknown-pool', 'ent_n\u0430');
    expect(d.message).toBe('unknown pool `ent_n\u0430`');
    expect(d.suggestion).toBe('did you mean `ent_na`?');
  });

  test('`pool` outside `by ... then` is an unknown pool that says why', () => {
    const src = `${HEADER}pool sales = [a]\nwhen x = 1 route round_robin(pool)`;
    expect(expectDiagnostic(src, 'unknown-pool', 'pool', 1).message).toContain('only in `by ... then STRATEGY(pool)`');
  });

  test('`by ... then` takes the word `pool`', () => {
    const src = `${HEADER}pool sales = [a]\nwhen x = 1 route by x then round_robin(sales)`;
    expect(expectDiagnostic(src, 'by-pool-argument', 'sales', 1).suggestion).toBe('write `round_robin(pool)`');
  });

  test('an unknown strategy, in a rule and in `escalate to`', () => {
    const src = `${HEADER}pool p = [a]\nwhen x = 1 route round_robbin(p) escalate to next, first_avaliable(p)`;
    const found = check(src).diagnostics.filter((d) => d.code === 'unknown-strategy');
    expect(found.map((d) => [src.slice(d.span.start, d.span.end), d.span.line, d.span.column, d.suggestion])).toEqual([
      ['round_robbin', 4, 18, 'did you mean `round_robin`?'],
      ['first_avaliable', 4, 52, 'did you mean `first_available`?'],
    ]);
  });

  test('an unknown type, priority and cap period', () => {
    const src = `${HEADER}fields {\n  n: nubmer\n}\npool p = [a cap 40/dya]\nwhen n = 1 route round_robin(p) priority urgnet`;
    expect(expectDiagnostic(src, 'unknown-type', 'nubmer').suggestion).toBe('did you mean `number`?');
    expect(expectDiagnostic(src, 'unknown-cap-period', 'dya').suggestion).toBe('did you mean `day`?');
    expect(expectDiagnostic(src, 'unknown-priority', 'urgnet').suggestion).toBe('did you mean `urgent`?');
  });
});

describe('types', () => {
  test('an enum compared with a value it cannot hold', () => {
    const src = `${TYPED}when type = demoo route queue q`;
    const d = expectDiagnostic(src, 'unknown-enum-value', 'demoo');
    expect(d.message).toBe('`type` is enum(demo, contact, support) and cannot be `demoo`');
    expect(d.suggestion).toBe('did you mean `demo`?');
    expect(expectDiagnostic(`${TYPED}when type in [demo, supprt] route queue q`, 'unknown-enum-value', 'supprt').suggestion).toBe('did you mean `support`?');
  });

  test('enum values ignore case and white space', () => {
    expect(codes(`${TYPED}when type = " DEMO " or type != Contact route queue q`)).toEqual([]);
  });

  test('a dimension compared with a value it cannot produce', () => {
    const src = `${TYPED}dimension segment by employees {\n  enterprise when >= 1000\n  smb otherwise\n}\nwhen segment = enterprize route queue q`;
    const d = expectDiagnostic(src, 'unknown-dimension-value', 'enterprize');
    expect(d.message).toBe('dimension `segment` has no value `enterprize`; its values are enterprise, smb');
    expect(d.suggestion).toBe('did you mean `enterprise`?');
  });

  test('a number field compared with text', () => {
    expectDiagnostic(`${TYPED}when employees > many route queue q`, 'type-mismatch', 'many');
    expectDiagnostic(`${TYPED}when employees = many route queue q`, 'type-mismatch', 'many');
    expectDiagnostic(`${TYPED}when employees between 1 and lots route queue q`, 'type-mismatch', 'lots');
    expect(codes(`${TYPED}when employees = "1200" or employees >= "12.5" route queue q`)).toEqual([]);
  });

  test('ordering a text, enum or dimension is a type error on the comparison', () => {
    const d = expectDiagnostic(`${TYPED}when name < 5 route queue q`, 'type-mismatch', '< 5');
    expect(d.message).toBe('`<` compares numbers or datetimes, and `name` is a text field');
    expect(expectDiagnostic(`${TYPED}when type >= 5 route queue q`, 'type-mismatch', '>= 5').message).toContain('is an enum(demo, contact, support) field');
    expect(expectDiagnostic(`${TYPED}dimension d by employees { a otherwise }\nwhen d > 1 route queue q`, 'type-mismatch', '> 1').message).toContain('`d` is a dimension');
  });

  test('datetimes compare with ISO dates, by order only', () => {
    expect(codes(`${TYPED}when created >= "2026-01-01" and created between "2026-01-01" and "2026-02-01T12:00:00Z" route queue q`)).toEqual([]);
    expect(expectDiagnostic(`${TYPED}when created > 5 route queue q`, 'type-mismatch', '5').message).toContain('an ISO date');
    expect(expectDiagnostic(`${TYPED}when created = "2026-01-01" route queue q`, 'type-mismatch', '"2026-01-01"').message).toContain('compare instants with <, <=, >, >= or between');
  });

  test('an undeclared field orders by a number or an ISO date, nothing else', () => {
    expect(codes(`${HEADER}when x > 5 or y < "2026-01-01" route queue q`)).toEqual([]);
    expect(expectDiagnostic(`${HEADER}when x > abc route queue q`, 'type-mismatch', 'abc').message).toBe('`>` needs a number or an ISO date such as "2026-01-31", not `abc`');
    expect(expectDiagnostic(`${HEADER}when x between 1 and "2026-01-01" route queue q`, 'type-mismatch', '"2026-01-01"').message).toContain('two numbers or two dates');
  });

  test('`between` with the ends reversed never holds (warning)', () => {
    const d = expectDiagnostic(`${TYPED}when employees between 999 and 200 route queue q`, 'empty-range', 'between 999 and 200');
    expect(d.severity).toBe('warning');
    expect(d.suggestion).toBe('write `between 200 and 999`');
  });

  test('text operators on a number field are a warning; `matches` on one is an error', () => {
    const w = expectDiagnostic(`${TYPED}when employees contains 12 route queue q`, 'text-op-on-non-text', 'contains 12');
    expect(w.severity).toBe('warning');
    const e = expectDiagnostic(`${TYPED}when employees matches "^1" route queue q`, 'type-mismatch', 'matches "^1"');
    expect(e.severity).toBe('error');
    expect(codes(`${TYPED}when name starts with x or type ends with o or name matches "^a" route queue q`)).toEqual([]);
  });

  test('booleans compare with true or false', () => {
    expect(codes(`${TYPED}when active = true or active != FALSE route queue q`)).toEqual([]);
    expect(expectDiagnostic(`${TYPED}when active = ture route queue q`, 'type-mismatch', 'ture').suggestion).toBe('did you mean `true`?');
  });

  test('countries compare with ISO 3166-1 alpha-2 codes', () => {
    expect(codes(`${TYPED}when country in [US, gb] route queue q`)).toEqual([]);
    expectDiagnostic(`${TYPED}when country = USA route queue q`, 'type-mismatch', 'USA');
    expect(expectDiagnostic(`${TYPED}when country = XX route queue q`, 'unknown-country', 'XX').severity).toBe('warning');
  });

  test('a blank literal makes a comparison constant (warning)', () => {
    const d = expectDiagnostic(`${TYPED}when name = "" route queue q`, 'blank-literal', '""');
    expect(d.suggestion).toBe('write `name is blank`');
  });

  test('a dimension arm predicate must fit the `by` field', () => {
    expectDiagnostic(`${TYPED}dimension size by employees {\n  big when = large\n}\nwhen size = big route queue q`, 'type-mismatch', 'large');
    expect(expectDiagnostic(`${TYPED}dimension kind by type {\n  sales when in [demo, contakt]\n}\nwhen kind = sales route queue q`, 'unknown-enum-value', 'contakt').suggestion).toBe('did you mean `contact`?');
    expectDiagnostic(`${TYPED}dimension era by created {\n  old when < "2020-13-45"\n}\nwhen era = old route queue q`, 'type-mismatch', '"2020-13-45"');
  });

  test('a dimension `by` a dimension checks arms against its values', () => {
    const src = `${TYPED}dimension segment by employees {\n  enterprise when >= 1000\n  smb otherwise\n}\ndimension tier by segment {\n  top when = enterprse\n}\nwhen tier = top route queue q`;
    expect(expectDiagnostic(src, 'unknown-dimension-value', 'enterprse').suggestion).toBe('did you mean `enterprise`?');
  });
});

describe('rules that can never fire', () => {
  test('`else` not last, and the rules after it', () => {
    const src = `${HEADER}else queue a\nwhen x = 1 route queue b\nwhen x = 2 route queue c`;
    const e = expectDiagnostic(src, 'else-not-last', 'else');
    expect(e.severity).toBe('error');
    expect(e.message).toContain('the 2 rule(s) after it never fire');
    const unreachable = check(src).diagnostics.filter((d) => d.code === 'unreachable-rule');
    expect(unreachable.map((d) => [d.severity, d.span.line, d.span.column, d.message])).toEqual([
      ['warning', 4, 1, 'this rule never fires: the `else` on line 3 takes every lead first'],
      ['warning', 5, 1, 'this rule never fires: the `else` on line 3 takes every lead first'],
    ]);
  });

  test('the same condition, written differently, repeated later', () => {
    const src = `${TYPED}when type = demo and employees > 10 route queue a\nwhen employees > 10 and type = " Demo" route queue b`;
    const d = expectDiagnostic(src, 'shadowed-rule', 'when', 1);
    expect(d.severity).toBe('warning');
    expect(d.message).toBe('this rule never fires: the rule on line 13 (`when type = demo and employees > 10 route queue a`) takes every lead it matches');
  });

  test('a narrower rule after a broader one (a conjunct, or a disjunct of the earlier rule)', () => {
    expectDiagnostic(`${TYPED}when type = demo route queue a\nwhen type = demo and employees > 10 route queue b`, 'shadowed-rule', 'when', 1);
    expectDiagnostic(`${TYPED}when type = demo or name = x route queue a\nwhen name = x route queue b`, 'shadowed-rule', 'when', 1);
  });

  test('a rule whose condition always holds takes every lead after it', () => {
    const src = `${TYPED}when name is blank or not (name is blank) route queue a\nwhen type = demo route queue b\nelse queue c`;
    const found = check(src).diagnostics.filter((d) => d.code === 'shadowed-rule');
    expect(found.map((d) => [d.span.line, d.message])).toEqual([
      [14, 'this rule never fires: the rule on line 13 always holds and takes every lead first'],
      [15, 'this rule never fires: the rule on line 13 always holds and takes every lead first'],
    ]);
  });

  test('complements that always hold: =/!=, in/not in, blank/not blank', () => {
    for (const cond of ['name = x or name != X', 'type in [demo, contact] or type not in [contact, demo]', 'name is not blank or name is blank']) {
      expect(codes(`${TYPED}when ${cond} route queue a\nelse queue b`)).toEqual(['shadowed-rule']);
    }
  });

  test('a condition that never holds', () => {
    expectDiagnostic(`${TYPED}when name is blank and name is not blank route queue a`, 'never-holds', 'when');
  });

  test('no false alarm: different values, or orderings that are not complements', () => {
    expect(codes(`${TYPED}when type = demo route queue a\nwhen type = contact route queue b\nwhen employees > 5 or employees <= 5 route queue c\nwhen employees >= 5 route queue d\nwhen type = demo or type = contact route queue e\nelse queue f`)).toEqual([]);
  });

  test('an arm after `otherwise` never holds (warning)', () => {
    const src = `${TYPED}dimension seg by employees {\n  smb otherwise\n  big when > 5\n}\nwhen seg = smb route queue q`;
    expectDiagnostic(src, 'unreachable-arm', 'big');
  });
});

describe('coverage of `by ... then` by pools', () => {
  const dims = `${TYPED}dimension segment by employees {\n  enterprise when >= 1000\n  midmarket when >= 200\n  smb otherwise\n}\ndimension geo by country {\n  na when in [US, CA]\n  emea when in [GB]\n}\n`;

  test('uncovered combinations are listed in one diagnostic per rule, blank included', () => {
    const src = `${dims}pool enterprise.na = [a]\npool enterprise.* = [b]\npool smb.* = [c]\nwhen name = x route by segment then geo then round_robin(pool)`;
    const d = expectDiagnostic(src, 'uncovered-combinations', 'by', 2);
    expect(d.severity).toBe('warning');
    expect(d.message).toBe('no pool matches 3 combination(s) of segment.geo: midmarket.na, midmarket.emea, midmarket.(blank); those leads go to the next target or the fallback');
    expect(d.suggestion).toBe('add pools such as `pool midmarket.na = [...]` (a blank value matches only `*`)');
  });

  test('a long listing stops at 20, with the count of the rest', () => {
    const values = (prefix: string) => Array.from({ length: 5 }, (_, i) => `  ${prefix}${i} when = ${prefix}${i}`).join('\n');
    const src = `${HEADER}dimension a by x {\n${values('a')}\n  a9 otherwise\n}\ndimension b by y {\n${values('b')}\n  b9 otherwise\n}\npool a0.b0 = [p]\nwhen z = 1 route by a then b then round_robin(pool)`;
    const d = expectDiagnostic(src, 'uncovered-combinations', 'by', 2);
    expect(d.message).toMatch(/^no pool matches 35 combination\(s\) of a\.b: a0\.b1, a0\.b2, .*, and 15 more;/);
    expect(d.message.split(', ').length).toBe(20 + 1);
  });

  test('wildcards cover, and a plain field is not enumerated', () => {
    expect(codes(`${dims}pool *.* = [a]\nwhen name = x route by segment then geo then round_robin(pool)`)).toEqual([]);
    expect(codes(`${dims}pool enterprise.us = [a]\nwhen name = x route by segment then country then round_robin(pool) or queue q`)).toEqual([]);
  });

  test('a pool that no target names and no `by` reaches, with the repaired name', () => {
    const src = `${dims}pool *.* = [a]\npool enterprize.na = [b]\nwhen name = x route by segment then geo then round_robin(pool)`;
    const d = expectDiagnostic(src, 'unused-pool', 'enterprize.na');
    expect(d.suggestion).toBe('did you mean `enterprise.na`?');
  });
});

describe('values', () => {
  test('invalid durations in sticky and sla', () => {
    expect(expectDiagnostic(`${HEADER}sticky by email for 0d\n`, 'invalid-duration', '0d').message).toContain('is zero');
    expect(expectDiagnostic(`${HEADER}when x = 1 route queue q sla 1.5h`, 'invalid-duration', '1.5h').message).toContain('write `90m`');
  });

  test('caps, weights and bids', () => {
    expectDiagnostic(`${HEADER}pool p = [a cap 0/day]\nwhen x = 1 route round_robin(p)`, 'invalid-cap', '0');
    expectDiagnostic(`${HEADER}pool p = [a cap 2.5/day]\nwhen x = 1 route round_robin(p)`, 'invalid-cap', '2.5');
    expectDiagnostic(`${HEADER}pool p = [a weight 0]\nwhen x = 1 route round_robin(p)`, 'invalid-weight', '0');
    expectDiagnostic(`${HEADER}pool p = [a weight -2]\nwhen x = 1 route round_robin(p)`, 'invalid-weight', '-2');
    expect(codes(`${HEADER}pool p = [a weight 0.5 bid -3, b bid 2.5]\nwhen x = 1 route by_bid(p)`)).toEqual([]);
  });

  test('a bid that is not a number (only a hand-built tree can say so)', () => {
    const src = `${HEADER}pool p = [a bid 3]\nwhen x = 1 route by_bid(p)`;
    const { ast } = parsePolicy(src);
    const pool = ast.statements.find((s) => s.kind === 'pool');
    if (pool?.kind !== 'pool' || pool.members[0].options[0].kind !== 'bid') throw new Error('unexpected tree');
    const bid = pool.members[0].options[0];
    bid.value = { kind: 'string', value: 'high', bare: true, span: bid.value.span };
    expect(checkPolicy(ast).diagnostics.map((d) => d.code)).toEqual(['invalid-bid']);
  });

  test('hours: the caret points inside the string', () => {
    const src = `${HEADER}pool p = [a] hours "Mon-Fri 9-17"\nwhen x = 1 route round_robin(p)`;
    const d = expectDiagnostic(src, 'invalid-hours', '9');
    expect(d.message).toContain('invalid time `9`');
    expect(codes(`${HEADER}pool p = [a hours "24/7", b] hours "Sun-Thu 22:00-06:00"\nwhen x = 1 route round_robin(p)`)).toEqual([]);
  });

  test('time zones, with the closest IANA name', () => {
    const src = `${HEADER}pool p = [a tz "Europe/Londn"]\nwhen x = 1 route round_robin(p)`;
    expect(expectDiagnostic(src, 'invalid-timezone', '"Europe/Londn"').suggestion).toBe('did you mean `Europe/London`?');
  });

  test('holidays are calendar dates', () => {
    const src = `${HEADER}pool p = [a] holidays [2026-12-25, 2026-02-30]\nwhen x = 1 route round_robin(p)`;
    expectDiagnostic(src, 'invalid-date', '2026-02-30');
  });

  test('regexes: RE2 syntax, linear time, bounded length', () => {
    const back = expectDiagnostic(`${HEADER}when x matches "(a)\\\\1" route queue q`, 'invalid-regex', '"(a)\\\\1"');
    expect(back.message).toContain('RE2 syntax, which runs in linear time');
    expect(back.message).toContain('no backreferences');
    const look = expectDiagnostic(`${HEADER}when x matches "a(?=b)" route queue q`, 'invalid-regex', '"a(?=b)"');
    expect(look.message).toContain('no lookaround');
    expect(expectDiagnostic(`${HEADER}when x matches "a(" route queue q`, 'invalid-regex', '"a("').message).toBe('invalid regex: missing closing ): `a(`');
    const long = `"${'a'.repeat(1001)}"`;
    expect(expectDiagnostic(`${HEADER}when x matches ${long} route queue q`, 'invalid-regex', long).message).toContain('limited to 1000');
  });

  test('an empty pool', () => {
    expectDiagnostic(`${HEADER}pool empty_team = []\nwhen x = 1 route round_robin(empty_team)`, 'empty-pool', 'empty_team');
  });

  test('member options on a pool, pool options on a member', () => {
    const src = `${HEADER}pool p = [a holidays [2026-12-25]] weight 2\nwhen x = 1 route round_robin(p)`;
    const found = check(src).diagnostics.filter((d) => d.code === 'misplaced-option');
    expect(found.map((d) => [d.span.column, d.message])).toEqual([
      [13, '`holidays` is an option of a pool, not of a member'],
      [36, '`weight` is an option of a member, not of a pool'],
    ]);
  });

  test('the fallback is a queue', () => {
    expect(expectDiagnostic('policy "t"\nfallback rep bob\n', 'fallback-not-queue', 'rep bob').suggestion).toBe('write `fallback queue NAME`');
  });

  test('blank names', () => {
    expectDiagnostic(`${HEADER}when x = 1 route queue ""`, 'blank-name', '""');
  });
});

describe('policy-level checks', () => {
  test('a missing fallback is a warning; the fallback is then `queue unrouted`', () => {
    const { diagnostics, checked } = check('policy "t"\nwhen x = 1 route queue a\nelse queue b');
    expect(diagnostics.map((d) => [d.code, d.severity, d.span.line, d.span.column])).toEqual([['missing-fallback', 'warning', 3, 1]]);
    expect(diagnostics[0].message).toBe('no `fallback` line: leads that no target takes go to `queue unrouted`');
    expect(checked?.fallback).toBe('unrouted');
  });

  test('dimensions that refer to each other in a cycle', () => {
    const src = `${HEADER}dimension alpha {\n  x when beta = y\n}\ndimension beta {\n  y when gamma = z\n}\ndimension gamma by alpha {\n  z when = x\n}\n`;
    const d = expectDiagnostic(src, 'dimension-cycle', 'alpha');
    expect(d.message).toBe('dimensions refer to each other in a cycle: alpha -> beta -> gamma -> alpha');
  });

  test('a dimension that reads itself', () => {
    expect(expectDiagnostic(`${HEADER}dimension loop by loop {\n  x when = 1\n}\n`, 'dimension-cycle', 'loop').message).toBe('dimensions refer to each other in a cycle: loop -> loop');
  });

  test('dimensions are ordered so that each follows those it reads', () => {
    const src = `${HEADER}dimension tier by segment {\n  top when = big\n}\ndimension segment by employees {\n  big when >= 1000\n}\n`;
    expect(check(src).checked?.dimensions.map((d) => d.name)).toEqual(['segment', 'tier']);
  });

  test('a field that a dimension hides (warning)', () => {
    const src = `${HEADER}fields {\n  segment: text\n  employees: number\n}\ndimension segment by employees {\n  big otherwise\n}\n`;
    expectDiagnostic(src, 'field-shadowed', 'segment');
  });

  test('a predicate arm in a dimension without `by` (only a hand-built tree can say so)', () => {
    const src = `${HEADER}dimension d by x {\n  big when >= 5\n}\n`;
    const { ast } = parsePolicy(src);
    const dim = ast.statements.find((s) => s.kind === 'dimension');
    if (dim?.kind !== 'dimension') throw new Error('unexpected tree');
    dim.by = null;
    expect(checkPolicy(ast).diagnostics.map((d) => [d.code, d.span.line, d.span.column])).toEqual([['arm-needs-subject', 4, 12]]);
  });

  test('a policy without a name (warning)', () => {
    expect(codes('fallback queue x')).toEqual(['missing-policy-name']);
  });

  test('diagnostics come in source order, several per run, and errors leave no checked policy', () => {
    const { diagnostics, checked } = check(`${TYPED}when type = demoo route round_robin(nope)\nwhen employees > many route queue q priority hi`);
    expect(diagnostics.map((d) => d.code)).toEqual(['unknown-enum-value', 'unknown-pool', 'type-mismatch', 'unknown-priority']);
    expect(checked).toBeNull();
  });
});

describe('performance', () => {
  // A guard against a superlinear checker, in CPU time with a wide margin (about 20 ms is usual): speed itself is in `npm run bench`.
  test('checking a 1,000-rule policy takes no pathological time', () => {
    const rules = Array.from({ length: 1000 }, (_, i) => `when product = p${i} and employees >= ${i} route round_robin(team) or queue q${i} sla ${i + 1}m priority high tag t${i}`).join('\n');
    const src = `${HEADER}fields {\n  product: text\n  employees: number\n}\npool team = [a, b]\n${rules}\nelse queue rest`;
    const { ast, diagnostics } = parsePolicy(src);
    expect(diagnostics).toEqual([]);
    const { seconds, result } = cpuSeconds(() => checkPolicy(ast));
    expect(result.diagnostics).toEqual([]);
    expect(seconds).toBeLessThan(2);
  });
});
