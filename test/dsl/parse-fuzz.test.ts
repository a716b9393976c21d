// parsePolicy on random, mutated and generated input: it always answers (never throws), its spans
// agree with the text, and it is deterministic although one parser instance serves every call.
import fc from 'fast-check';
import type { Span } from '../../dsl/ast';
import { formatDiagnostics } from '../../dsl/diagnostics';
import { parsePolicy } from '../../dsl/parse';

const POLICY = `# Acme inbound routing
policy "acme-inbound"
fields {
  email: email
  type: enum(demo, contact, content_download, support)
  account.status: enum(none, customer, open_opportunity, churned)
}
dimension segment by employees {
  enterprise when >= 1000
  midmarket  when between 200 and 999
  smb        otherwise
}
dimension intent {
  high when type = demo or (source in [paid_search, partner] and not score < 3)
  low  otherwise
}
pool enterprise.emea = [dieter weight 2, emma when language in [de, fr] cap 4/hour]
pool smb.*           = [frank cap 40/day, gina bid 3] hours "Mon-Fri 08:00-18:00" tz "America/New_York" holidays [2026-12-25]
pool payments_team   = ["ivy@acme.com", "jon@acme.com"]
sticky by email for 30d
rules {
  when account.status = customer and account.owner is not blank route owner(account.owner) sla 4h business
  when product starts with "pay" route round_robin(payments_team) or queue "payments overflow" sla 10m priority high tag vip
  else route by segment then geo then round_robin(pool) sla 1d escalate to next, queue exceptions
}
fallback queue exceptions
`;

/** Pieces of the language and of what goes wrong with it. */
const VOCABULARY = [
  'policy', 'fields', 'dimension', 'by', 'when', 'otherwise', 'pool', 'weight', 'cap', 'bid', 'hours', 'tz', 'holidays',
  'sticky', 'for', 'route', 'or', 'and', 'not', 'in', 'between', 'is', 'blank', 'contains', 'starts', 'with', 'ends',
  'matches', 'else', 'rules', 'fallback', 'owner', 'rep', 'queue', 'then', 'sla', 'business', 'priority', 'tag',
  'escalate', 'to', 'next', 'enum', 'round_robin', 'x', 'a.b', '__proto__', 'constructor', 'ent_nа', 'WHEN',
  '=', '!=', '<', '<=', '>', '>=', '==', '[', ']', '(', ')', '{', '}', ',', ':', ';', '/', '.', '*',
  '1000', '12.5', '-3', '30d', '1.5h', '10min', '2026-12-25', '"s"', '"a\\qb"', '"open', '"', '#', '# note\n',
  '\n', '\t', '\u0000', '&&', "'", '@', '\\', '😀', '\u2003',
];

const random = fc.string({ unit: 'binary', maxLength: 300 });
const tokenSoup = fc
  .array(fc.constantFrom(...VOCABULARY), { maxLength: 80 })
  .chain((words) => fc.constantFrom(' ', '', '\n').map((glue) => words.join(glue)));
const mutation = fc.record({
  at: fc.nat({ max: POLICY.length }),
  remove: fc.nat({ max: 40 }),
  insert: fc.array(fc.constantFrom(...VOCABULARY), { maxLength: 4 }).map((words) => words.join(' ')),
});
const mutated = fc.array(mutation, { minLength: 1, maxLength: 4 }).map((edits) =>
  edits.reduce((text, { at, remove, insert }) => {
    const spot = Math.min(at, text.length);
    return text.slice(0, spot) + insert + text.slice(spot + remove);
  }, POLICY),
);

/** Line and column of an offset, counted as the diagnostics formatter does (lines end at `\n`). */
function lineAndColumn(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

/** What is wrong with a span: out of the text, or a line and column that do not match its offset. */
function spanProblem(source: string, span: Span): string | null {
  if (!(span.start >= 0 && span.end >= span.start && span.end <= source.length)) return `out of range: ${JSON.stringify(span)}`;
  const { line, column } = lineAndColumn(source, span.start);
  return line === span.line && column === span.column ? null : `at ${span.line}:${span.column}, should be ${line}:${column}`;
}

/** Everything that must hold for any input (gathered, then asserted once: fast-check runs this thousands of times). */
function expectSoundAnswer(source: string): void {
  const { ast, diagnostics } = parsePolicy(source);
  const problems: string[] = [];
  for (const d of diagnostics) {
    if (d.severity !== 'error' || (d.code !== 'lex' && d.code !== 'syntax')) problems.push(`${d.code}: ${d.message}`);
    const problem = spanProblem(source, d.span);
    if (problem) problems.push(`diagnostic ${d.message}: ${problem}`);
  }
  for (const statement of ast.statements) {
    const problem = spanProblem(source, statement.span);
    if (problem) problems.push(`${statement.kind}: ${problem}`);
    if (statement.kind === 'rule' && !/^(when|else)\b/.test(statement.source)) problems.push(`rule source ${statement.source}`);
  }
  formatDiagnostics(diagnostics, source);
  expect(problems).toEqual([]);
}

describe('parsePolicy answers every input', () => {
  test('random text', () => {
    fc.assert(fc.property(random, (source) => expectSoundAnswer(source)), { numRuns: 600 });
  });

  test('soups of tokens', () => {
    fc.assert(fc.property(tokenSoup, (source) => expectSoundAnswer(source)), { numRuns: 700 });
  });

  test('a whole policy, cut and patched', () => {
    fc.assert(fc.property(mutated, (source) => expectSoundAnswer(source)), { numRuns: 500 });
  });

  test('the same answer for the same text, whatever was parsed before', () => {
    fc.assert(
      fc.property(mutated, tokenSoup, (first, between) => {
        const before = JSON.stringify(parsePolicy(first));
        parsePolicy(between);
        expect(JSON.stringify(parsePolicy(first))).toBe(before);
      }),
      { numRuns: 150 },
    );
  });
});

// Valid policies, generated from the grammar: they parse without a diagnostic, into as many rules as
// were written, each with its own text as its source.
const PATH_HEADS = ['a', 'status', 'owner', 'type', 'queue', 'pool', 'rep', 'in', 'is', 'then', 'by', 'WHEN', 'país', 'x_1', 'b-2'];
const ANY_WORDS = [...PATH_HEADS, 'when', 'not', 'otherwise', 'route', 'and', 'or', 'sla', 'next'];
const path = fc
  .tuple(fc.constantFrom(...PATH_HEADS), fc.array(fc.constantFrom(...ANY_WORDS), { maxLength: 2 }))
  .map(([head, rest]) => [head, ...rest].join('.'));
const name = fc.oneof(fc.constantFrom(...ANY_WORDS), fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)));
const number = fc.tuple(fc.integer({ min: -500, max: 5000 }), fc.boolean()).map(([n, half]) => (half ? `${n}.5` : `${n}`));
const literal = fc.oneof(path, number, fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)), fc.constantFrom('4h', '2026-12-25'));
const list = fc.array(literal, { maxLength: 3 }).map((items) => `[${items.join(', ')}]`);
const predicate = fc.oneof(
  fc.tuple(fc.constantFrom('=', '!=', '<', '<=', '>', '>='), literal).map(([op, value]) => `${op} ${value}`),
  list.map((l) => `in ${l}`),
  list.map((l) => `not in ${l}`),
  fc.tuple(literal, literal).map(([low, high]) => `between ${low} and ${high}`),
  fc.constantFrom('is blank', 'is not blank'),
  fc.tuple(fc.constantFrom('contains', 'starts with', 'ends with', 'matches'), literal).map(([op, value]) => `${op} ${value}`),
);
const { condition } = fc.letrec<{ condition: string }>((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    fc.tuple(path, predicate).map(([subject, p]) => `${subject} ${p}`),
    fc.tuple(tie('condition'), fc.constantFrom('and', 'or'), tie('condition')).map((parts) => parts.join(' ')),
    tie('condition').map((c) => `not ${c}`),
    tie('condition').map((c) => `(${c})`),
  ),
}));
const poolName = fc.array(fc.oneof(fc.constantFrom(...ANY_WORDS), fc.constant('*')), { minLength: 1, maxLength: 3 }).map((s) => s.join('.'));
const strategyCall = fc.tuple(fc.constantFrom('round_robin', 'weighted', 'by_bid', 'x'), poolName).map(([s, p]) => `${s}(${p})`);
const target = fc.oneof(
  fc.constant('owner'),
  path.map((p) => `owner(${p})`),
  name.map((n) => `rep ${n}`),
  name.map((n) => `queue ${n}`),
  strategyCall,
  fc.tuple(fc.array(path, { minLength: 1, maxLength: 3 }), strategyCall).map(([dims, call]) => `by ${dims.join(' then ')} then ${call}`),
);
const modifier = fc.oneof(
  fc.tuple(fc.constantFrom('30s', '10m', '4h', '2d', '1w'), fc.boolean()).map(([d, business]) => `sla ${d}${business ? ' business' : ''}`),
  name.map((n) => `priority ${n}`),
  name.map((n) => `tag ${n}`),
  fc.array(fc.oneof(fc.constant('next'), target), { minLength: 1, maxLength: 3 }).map((steps) => `escalate to ${steps.join(', ')}`),
);
const body = fc
  .tuple(fc.array(target, { minLength: 1, maxLength: 3 }), fc.array(modifier, { maxLength: 3 }))
  .map(([targets, modifiers]) => [targets.join(' or '), ...modifiers].join(' '));
const rule = fc.oneof(
  fc.tuple(condition, body).map(([c, b]) => `when ${c} route ${b}`),
  fc.tuple(fc.boolean(), body).map(([route, b]) => `else ${route ? 'route ' : ''}${b}`),
);
const dateList = fc.array(fc.constantFrom('2026-12-25', '2027-01-01'), { maxLength: 2 }).map((d) => `[${d.join(', ')}]`);
const poolOption = fc.oneof(
  number.map((n) => `weight ${n}`),
  number.map((n) => `bid ${n}`),
  fc.tuple(fc.nat(99), fc.constantFrom('hour', 'day', 'week', 'month')).map(([n, per]) => `cap ${n}/${per}`),
  fc.constantFrom('hours "Mon-Fri 09:00-17:00"', 'tz "Europe/Paris"'),
  dateList.map((d) => `holidays ${d}`),
);
const member = fc
  .tuple(name, fc.array(fc.oneof(poolOption, condition.map((c) => `when ${c}`)), { maxLength: 2 }))
  .map(([n, options]) => [n, ...options].join(' '));
const pool = fc
  .tuple(poolName, fc.array(member, { maxLength: 3 }), fc.array(poolOption, { maxLength: 2 }))
  .map(([n, members, options]) => [`pool ${n} = [${members.join(', ')}]`, ...options].join(' '));
const armName = fc.oneof(fc.constantFrom(...ANY_WORDS.filter((w) => w !== 'and' && w !== 'or')), fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)));
const dimension = fc.oneof(
  fc.tuple(path, fc.array(fc.tuple(armName, fc.option(predicate)), { maxLength: 3 })).map(
    ([by, arms]) => `dimension d by ${by} {\n${arms.map(([v, p]) => `  ${v} ${p === null ? 'otherwise' : `when ${p}`}`).join('\n')}\n}`,
  ),
  fc.array(fc.tuple(armName, fc.option(condition)), { maxLength: 3 }).map(
    (arms) => `dimension d {\n${arms.map(([v, c]) => `  ${v} ${c === null ? 'otherwise' : `when ${c}`}`).join('\n')}\n}`,
  ),
);

describe('generated valid policies', () => {
  test('parse cleanly, rule by rule', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(rule, rule, pool, dimension), { minLength: 1, maxLength: 8 }),
        fc.constantFrom('\n', '; ', ' ;\n'),
        (statements, separator) => {
          const source = statements.join(separator);
          const { ast, diagnostics } = parsePolicy(source);
          expect(formatDiagnostics(diagnostics, source)).toBe('');
          const written = statements.filter((s) => /^(when|else) /.test(s));
          expect(ast.statements.filter((s) => s.kind === 'rule').map((r) => (r.kind === 'rule' ? r.source : ''))).toEqual(written);
          expect(ast.statements).toHaveLength(statements.length);
        },
      ),
      { numRuns: 400 },
    );
  });
});
