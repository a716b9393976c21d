// The codegen evaluator must answer exactly as the reference evaluator: random IR policies (every
// kind of test, dimensions over paths and over earlier dimensions, member `when`s) against random
// leads (missing paths, blanks, mixed case, numeric strings, lists, nested objects, own
// `__proto__` keys, inherited properties, huge strings), and the same policies with declared
// fields (random types and `from` columns) against dirty values (separators, currency, k/M,
// ranges, country names, blank words, garbage): whole decisions must be equal. On failure fast-check prints the seed and
// path; replay with FC_SEED=<seed> FC_PATH=<path> npx jest test/compiler/equivalence.

import fc from 'fast-check';
import { createCodegenEvaluator } from '../../compiler/codegen/generate';
import { createReferenceEvaluator } from '../../compiler/reference';
import { createDecider } from '../../compiler/decide';
import type { CondIR, DimensionIR, FieldIR, PolicyIR, PoolIR, RuleIR, TestIR, ValueRef } from '../../compiler/ir';
import type { Evaluator } from '../../compiler/decision';
import { toNumber } from '../../core/values';
import { SOLD_CAP_PERIODS } from '../../core/words';
import { acmePolicy } from './acme-ir';

const replay = { seed: process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED), path: process.env.FC_PATH };

// ---- literals and lead values ------------------------------------------------------------------

const HUGE = 'x'.repeat(100_000);
const HUGE_PADDED = `${' '.repeat(50_000)}US${' '.repeat(50_000)}`;
const HOSTILE = ['"', '\\', '${process.exit()}', '</script>', "'); process.exit(1); ('", 'a\u2028b\u2029c'];

/** Values as exports and forms write them, for the declared fields to read. */
const DIRTY = ['1,200', ' 1 200 ', '$1.2M', '10k', '51-200', '1.000.000', 'EUR 3 Mio', 'United States', 'U.K.', 'Deutschland', 'usa', 'GBR', 'Atlantis', 'n/a', 'N/A', '-', 'none', 'lots', '??', 'yes', 'No', 'on', 'Content Download', 'HIGH', 'de-mo', '15 Apr, 2021 00:03:00', '2021-04-15T00:03:00.000+0000', '04/15/2021 12:03 AM', '(415) 555-2671', '+44 20 7946 0018', 'Kim@BigCo.COM', ' mailto:a@b.de ', 'kim at bigco'];

const TEXTS = ['us', 'de', 'ca', 'gb', 'content_download', 'demo', 'high', 'low', 'a', 'b', '1200', '12.5', '1e3', '0', '-3', 'true', 'false', '', 'a b', '__proto__', 'constructor', 'é', 'ß', ...HOSTILE];
/** Half the literals come from a few texts the leads often hold, so that tests pass as well as fail. */
const textLiteral = fc.oneof(fc.constantFrom('us', 'de', 'a', 'b', '1200'), fc.constantFrom(...TEXTS));
const finiteNumber = fc.constantFrom(0, -0, 1, -3, 12.5, 51, 200, 1000, 1200, 10_000, 1_200_000, 0.1, 1e21);
/** Literals as the checker makes them are finite; the others test that codegen falls back safely. */
const numberLiteral = fc.oneof({ weight: 12, arbitrary: finiteNumber }, { weight: 1, arbitrary: fc.constantFrom(Infinity, -Infinity, NaN) });
const TIMES = ['2021-04-15T00:03:00Z', '2025-06-30', '2026-01-01', '2026-01-01T10:00:00Z', '2026-01-01T10:00:00+02:00'].map((t) => Date.parse(t));
const timeLiteral = fc.constantFrom(...TIMES);
const PATTERNS = ['^a', 'b$', '[0-9]+', 'a|b', '(?i)DE', '^$', 'x*', '.', '^\\s*$', 'é', '^1200$', 'demo', '"', '\\$\\{', '</script>'];

const testIR: fc.Arbitrary<TestIR> = fc.oneof(
  // `=` / `!=` as the checker writes them (num from the literal), and odd combinations.
  fc.record({ kind: fc.constantFrom('eq' as const, 'ne' as const), text: textLiteral }).map((t) => ({ ...t, num: toNumber(t.text) })),
  fc.record({ kind: fc.constantFrom('eq' as const, 'ne' as const), n: finiteNumber }).map(({ kind, n }) => ({ kind, text: String(n), num: n })),
  fc.record({ kind: fc.constantFrom('eq' as const, 'ne' as const), text: textLiteral, num: fc.option(numberLiteral) }),
  fc.record({ kind: fc.constant('cmp' as const), op: fc.constantFrom('<' as const, '<=' as const, '>' as const, '>=' as const), num: numberLiteral, time: fc.constant(false) }),
  fc.record({ kind: fc.constant('cmp' as const), op: fc.constantFrom('<' as const, '<=' as const, '>' as const, '>=' as const), num: timeLiteral, time: fc.constant(true) }),
  fc.record({ kind: fc.constant('between' as const), low: numberLiteral, high: numberLiteral, time: fc.constant(false) }),
  fc.record({ kind: fc.constant('between' as const), low: timeLiteral, high: timeLiteral, time: fc.constant(true) }),
  fc.record({
    kind: fc.constant('in' as const),
    texts: fc.array(textLiteral, { maxLength: 6 }),
    nums: fc.oneof({ weight: 3, arbitrary: fc.constant<number[]>([]) }, { weight: 1, arbitrary: fc.array(numberLiteral, { maxLength: 3 }) }),
    negated: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('blank' as const), negated: fc.boolean() }),
  fc.record({ kind: fc.constantFrom('contains' as const, 'starts_with' as const, 'ends_with' as const), text: textLiteral }),
  fc.record({ kind: fc.constant('matches' as const), pattern: fc.constantFrom(...PATTERNS) }),
);

/** A subject before it is resolved against a policy: which kind, and a number taken modulo the count. */
type RawSubject = { dim: boolean; n: number };
const rawSubject = fc.record({ dim: fc.boolean(), n: fc.nat(7) });

/** Conditions over raw subjects (resolved by `resolveCond`). */
type RawCond = { kind: 'true' } | { kind: 'and' | 'or'; args: RawCond[] } | { kind: 'not'; arg: RawCond } | { kind: 'test'; subject: RawSubject; test: TestIR };

const rawCond: fc.Arbitrary<RawCond> = fc.letrec<{ cond: RawCond }>((tie) => ({
  cond: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('test' as const), subject: rawSubject, test: testIR }),
    fc.constant({ kind: 'true' as const }),
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), args: fc.array(tie('cond'), { maxLength: 3 }) }),
    fc.record({ kind: fc.constant('not' as const), arg: tie('cond') }),
  ),
})).cond;

/** Column names as exports write them, for `from`. */
const FROM_NAMES = ['Country', 'No. of Employees', 'a.b', '__proto__', 'constructor', 'c'];
const PATH_SEGMENTS = ['a', 'b', 'c', 'country', '__proto__', 'constructor', 'toString', '0', 'a.b'];
const DIM_VALUES = ['a', 'b', 'high', 'low', 'us', 'Mixed Case', ' pad ', '1200', '', '__proto__', 'constructor', ...HOSTILE];

interface RawDimension {
  by: 'path' | 'dim' | 'none';
  n: number;
  arms: { value: string; arm: { kind: 'test'; test: TestIR } | { kind: 'otherwise' } | { kind: 'cond'; cond: RawCond } }[];
}

/** Dimension arms lean to `=` and `in` (the ones codegen turns into one Map lookup), with overlapping lists. */
const armTest: fc.Arbitrary<TestIR> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('in' as const), texts: fc.array(textLiteral, { maxLength: 4 }), nums: fc.constant<number[]>([]), negated: fc.constant(false) }) },
  { weight: 1, arbitrary: textLiteral.map((text): TestIR => ({ kind: 'eq', text, num: toNumber(text) })) },
  { weight: 2, arbitrary: testIR },
);

const rawDimension: fc.Arbitrary<RawDimension> = fc.record({
  by: fc.constantFrom('path' as const, 'path' as const, 'dim' as const, 'none' as const),
  n: fc.nat(7),
  arms: fc.array(
    fc.record({
      value: fc.constantFrom(...DIM_VALUES),
      arm: fc.oneof(
        { weight: 6, arbitrary: fc.record({ kind: fc.constant('test' as const), test: armTest }) },
        { weight: 1, arbitrary: fc.constant({ kind: 'otherwise' as const }) },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant('cond' as const), cond: rawCond }) },
      ),
    }),
    { maxLength: 6 },
  ),
});

/** Mostly short common keys, so that leads often have the paths a policy reads. */
const COMMON_KEYS = ['a', 'b', 'c'];
const pathIR = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...COMMON_KEYS).map((k) => [k]) },
  { weight: 2, arbitrary: fc.array(fc.constantFrom(...PATH_SEGMENTS), { minLength: 1, maxLength: 3 }) },
);

const rawPolicy = fc.record({
  paths: fc.array(pathIR, { minLength: 1, maxLength: 5 }),
  dimensions: fc.array(rawDimension, { maxLength: 4 }),
  rules: fc.array(rawCond, { maxLength: 6 }),
  pools: fc.array(fc.array(fc.option(rawCond, { freq: 2 }), { maxLength: 3 }), { maxLength: 3 }),
});

function resolveSubject(s: RawSubject, paths: number, dims: number): ValueRef {
  return s.dim && dims > 0 ? { kind: 'dim', dim: s.n % dims } : { kind: 'path', path: s.n % paths };
}

function resolveCond(c: RawCond, paths: number, dims: number): CondIR {
  switch (c.kind) {
    case 'true':
      return c;
    case 'and':
    case 'or':
      return { kind: c.kind, args: c.args.map((a) => resolveCond(a, paths, dims)) };
    case 'not':
      return { kind: 'not', arg: resolveCond(c.arg, paths, dims) };
    case 'test':
      return { kind: 'test', subject: resolveSubject(c.subject, paths, dims), test: c.test, source: c.test.kind };
  }
}

type RawPolicy = typeof rawPolicy extends fc.Arbitrary<infer T> ? T : never;

/** A PolicyIR from the raw parts: dimension d refers only to dimensions before it. */
function buildPolicy(raw: RawPolicy): PolicyIR {
  const paths = raw.paths.length;
  const dimensions: DimensionIR[] = raw.dimensions.map((d, i) => {
    const by: ValueRef | null = d.by === 'path' || (d.by === 'dim' && i === 0) ? { kind: 'path', path: d.n % paths } : d.by === 'dim' ? { kind: 'dim', dim: d.n % i } : null;
    return {
      name: `dim${i}`,
      by,
      arms: d.arms.map(({ value, arm }) => ({
        value,
        cond:
          arm.kind === 'otherwise'
            ? { kind: 'true' }
            : arm.kind === 'cond' || by === null
              ? resolveCond(arm.kind === 'cond' ? arm.cond : { kind: 'test', subject: { dim: false, n: d.n }, test: arm.test }, paths, i)
              : { kind: 'test', subject: by, test: arm.test, source: arm.test.kind },
      })),
      canBeBlank: !d.arms.some((a) => a.arm.kind === 'otherwise'),
    };
  });
  const dims = dimensions.length;
  const rules: RuleIR[] = raw.rules.map((cond, index) => ({
    index,
    line: index + 1,
    source: `rule ${index}`,
    cond: resolveCond(cond, paths, dims),
    targets: [{ kind: 'queue', name: 'q' }],
    sla: null,
    priority: 'normal',
    tags: [],
    escalation: [{ kind: 'next' }],
    escalationText: ['next'],
    floor: null,
    multiSell: 1,
  }));
  const pools: PoolIR[] = raw.pools.map((members, p) => ({
    name: `pool${p}`,
    segments: [`pool${p}`],
    calendar: null,
    members: members.map((when, m) => ({ name: `m${m}`, weight: 1, bid: 0, cap: null, soldCap: null, calendar: null, when: when === null ? null : resolveCond(when, paths, dims) })),
  }));
  return { name: 'random', fields: null, paths: raw.paths, dimensions, pools, sticky: null, rules, fallback: 'unrouted' };
}

const FIELD_TYPES = ['text', 'number', 'boolean', 'email', 'phone', 'country', 'datetime', 'enum'] as const;
const rawField = fc.record({
  type: fc.constantFrom(...FIELD_TYPES, 'number', 'country'),
  values: fc.uniqueArray(fc.constantFrom('demo', 'high', 'low', 'a b', 'content_download', 'us', '__proto__', 'constructor'), { minLength: 1, maxLength: 4 }),
  from: fc.uniqueArray(fc.constantFrom(...FROM_NAMES), { maxLength: 2 }),
});
type RawField = typeof rawField extends fc.Arbitrary<infer T> ? T : never;

/**
 * The policy with declared fields, one per path as the checker allows them: a path whose segments
 * hold a `.`, or that lies inside another declared field, stays undeclared (blank for the rules).
 */
function withFields(ir: PolicyIR, raw: (RawField | null)[]): PolicyIR {
  const fields: FieldIR[] = [];
  ir.paths.forEach((segments, i) => {
    const f = raw[i % Math.max(raw.length, 1)];
    if (f === undefined || f === null || segments.some((s) => s.includes('.'))) return;
    const name = segments.join('.');
    if (fields.some((d) => name === d.name || name.startsWith(`${d.name}.`) || d.name.startsWith(`${name}.`))) return;
    fields.push({ name, segments, type: f.type, values: f.type === 'enum' ? f.values : [], from: f.from });
  });
  return { ...ir, fields };
}

/** An object whose keys are all own data properties, as JSON.parse makes them (`__proto__` included). */
function plainObject(entries: [string, unknown][]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

const leadKey = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...COMMON_KEYS) },
  { weight: 2, arbitrary: fc.constantFrom(...PATH_SEGMENTS, 'a.b.c', 'b.c') },
  { weight: 1, arbitrary: fc.constantFrom(...FROM_NAMES) },
);
const leafValue = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom<unknown>(
      undefined, null, '', '  ', '\t\n', 'US', ' us ', 'De', 'a', ' A', 'b', 'B ', 'DEMO', 'demo', 'high', '1200', ' 1200 ', '12.5', '1e3', '1E3', '-3', '0', '-0', '+5', '.5',
      'abc', 'a b', 'A B', 'true', 'FALSE', 'é', 'É', 'ß', 'SS', '2026-01-01', '2026-01-01T10:00:00Z', '__proto__', 'constructor', ' Mixed Case ', ...HOSTILE, HUGE, HUGE_PADDED,
    ),
  },
  { weight: 4, arbitrary: fc.constantFrom<unknown>(...DIRTY) },
  { weight: 3, arbitrary: fc.constantFrom<unknown>(0, -0, 1, 12.5, 200, 199.5, 1000, 1200, 1e21, -3, NaN, Infinity, -Infinity, ...TIMES) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(new Date(TIMES[1]), new Date(NaN)) },
);

const leadValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafValue,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(fc.tuple(leadKey, tie('value')), { maxLength: 4 }).map(plainObject),
  ),
})).value;

const lead: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 10, arbitrary: fc.array(fc.tuple(leadKey, leadValue), { maxLength: 8 }).map(plainObject) },
  // Inherited properties must read as missing.
  { weight: 1, arbitrary: fc.tuple(fc.array(fc.tuple(leadKey, leadValue), { maxLength: 4 }), fc.array(fc.tuple(leadKey, leadValue), { maxLength: 4 })).map(([own, inherited]) => Object.assign(Object.create(plainObject(inherited)) as object, plainObject(own))) },
  { weight: 1, arbitrary: fc.constant(JSON.parse('{"__proto__": {"a": "US", "b": 1200}, "constructor": {"a": "de"}, "a.b": "demo"}') as unknown) },
  { weight: 1, arbitrary: leafValue },
  { weight: 1, arbitrary: fc.array(leadValue, { maxLength: 3 }) },
);

// ---- comparison ----------------------------------------------------------------------------------

/** What one call gave: its value, or what it threw (neither evaluator may throw, but a difference must show). */
type Outcome = { value: unknown } | { threw: string };

function outcome(run: () => unknown): Outcome {
  try {
    return { value: run() };
  } catch (e) {
    return { threw: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

/** Every call to compare for a lead: the rule, each dimension (fresh, and after matchRule memoized it), each member. */
function calls(ir: PolicyIR): [string, (ev: Evaluator, l: unknown, shared: (string | null | undefined)[]) => unknown][] {
  const list: [string, (ev: Evaluator, l: unknown, shared: (string | null | undefined)[]) => unknown][] = [['matchRule', (ev, l, shared) => ev.matchRule(l, shared)]];
  ir.dimensions.forEach((_, d) => {
    list.push([`dimension(${d})`, (ev, l) => ev.dimension(d, l, [])]);
    list.push([`dimension(${d}) after matchRule`, (ev, l, shared) => ev.dimension(d, l, shared)]);
  });
  ir.pools.forEach((p, pi) => p.members.forEach((_, mi) => list.push([`memberTakes(${pi}, ${mi})`, (ev, l) => ev.memberTakes(pi, mi, l, [])])));
  return list;
}

const same = (a: Outcome, b: Outcome): boolean => ('value' in a && 'value' in b ? Object.is(a.value, b.value) : 'threw' in a && 'threw' in b && a.threw === b.threw);
const show = (o: Outcome): string => ('value' in o ? JSON.stringify(o.value) : `threw ${o.threw}`);

/** Throws (for fast-check to report with its seed, path and counterexample) at the first answer that differs. */
function assertSameAnswers(ir: PolicyIR, leads: unknown[], reference: Evaluator = createReferenceEvaluator(ir), codegen: Evaluator = createCodegenEvaluator(ir)): void {
  const list = calls(ir);
  leads.forEach((l, i) => {
    const refScratch: (string | null | undefined)[] = [];
    const genScratch: (string | null | undefined)[] = [];
    for (const [what, call] of list) {
      const expected = outcome(() => call(reference, l, refScratch));
      const actual = outcome(() => call(codegen, l, genScratch));
      if (!same(expected, actual)) throw new Error(`lead #${i}: ${what} is ${show(actual)} in codegen but ${show(expected)} in the reference evaluator`);
    }
  });
}

/** Throws at the first lead whose whole decision (warnings, rule, path, options) differs between the evaluators. */
function assertSameDecisions(ir: PolicyIR, leads: unknown[]): void {
  const policy = { name: ir.name, hash: 'sha256:test' };
  const reference = createDecider(ir, createReferenceEvaluator(ir), policy).decide;
  const codegen = createDecider(ir, createCodegenEvaluator(ir), policy).decide;
  leads.forEach((l, i) => {
    const expected = outcome(() => reference(l, { now: TIMES[3] }));
    const actual = outcome(() => codegen(l, { now: TIMES[3] }));
    expect({ lead: i, ...actual }).toEqual({ lead: i, ...expected });
  });
}

describe('codegen evaluator equals the reference evaluator', () => {
  test('on random policies and leads', () => {
    fc.assert(
      fc.property(rawPolicy, fc.array(lead, { minLength: 1, maxLength: 4 }), (raw, leads) => {
        assertSameAnswers(buildPolicy(raw), leads);
      }),
      { numRuns: 7000, ...replay },
    );
  });

  test('on random policies with declared fields and random dirty values', () => {
    fc.assert(
      fc.property(rawPolicy, fc.array(fc.option(rawField, { freq: 5 }), { minLength: 1, maxLength: 5 }), fc.array(lead, { minLength: 1, maxLength: 4 }), (raw, fields, leads) => {
        assertSameDecisions(withFields(buildPolicy(raw), fields), leads);
      }),
      { numRuns: 700, ...replay },
    );
  });

  test('on the reference policy (LANGUAGE.md "A whole policy") and random leads', () => {
    const ir = acmePolicy({ memberWhen: true });
    const reference = createReferenceEvaluator(ir);
    const codegen = createCodegenEvaluator(ir);
    const acmeValue = fc.oneof(leadValue, fc.constantFrom<unknown>('US', ' de ', 'Ca', 'demo', 'support', 'payments', 'paid_search', 'customer', 'bob', '1500', 250, 1000, 199));
    const acmeLead = fc
      .array(fc.tuple(fc.constantFrom('country', 'employees', 'type', 'source', 'product', 'account', 'account.status', 'account.owner', 'language', '__proto__'), acmeValue), { maxLength: 8 })
      .map(plainObject);
    const nested = fc.record({ status: acmeValue, owner: acmeValue }).map((account) => ({ account, type: 'contact' }));
    fc.assert(
      fc.property(fc.oneof(acmeLead, nested), (l) => assertSameAnswers(ir, [l], reference, codegen)),
      { numRuns: 3000, ...replay },
    );
  });

  test('on random ping trees: by_bid with filters, declared and live bids, floor, multi_sell and sold caps', () => {
    const BIDS = [0, 10, 28, 30, 35, 42];
    const soldCap = fc.option(fc.record({ count: fc.integer({ min: 1, max: 50 }), per: fc.constantFrom(...SOLD_CAP_PERIODS) }));
    const buyers = fc.array(fc.record({ bid: fc.constantFrom(...BIDS), when: fc.option(rawCond, { freq: 2 }), soldCap }), { minLength: 1, maxLength: 6 });
    const tree = fc.record({ raw: rawPolicy, buyers, floor: fc.option(fc.constantFrom(0, 29, 30, 35, 50)), multiSell: fc.integer({ min: 1, max: 3 }) });
    const liveBid = fc.oneof(fc.constantFrom<unknown>(...BIDS, 31, '45', ' 29.5 ', 'n/a', null, NaN, -1, ''), leafValue);
    const bids = fc.array(fc.tuple(fc.constantFrom('m0', 'm1', 'm2', 'm3', 'm4', 'm5', '__proto__'), liveBid), { maxLength: 6 }).map(plainObject);
    const bidLead = fc.tuple(lead, fc.option(bids)).map(([l, b]) => (b === null || l === null || typeof l !== 'object' || Array.isArray(l) ? l : Object.assign(plainObject([['bids', b]]), l)));
    fc.assert(
      fc.property(tree, fc.array(bidLead, { minLength: 1, maxLength: 4 }), ({ raw, buyers: list, floor, multiSell }, leads) => {
        const base = buildPolicy(raw);
        const dims = base.dimensions.length;
        const pool: PoolIR = {
          name: 'buyers',
          segments: ['buyers'],
          calendar: null,
          members: list.map((b, m) => ({ name: `m${m}`, weight: 1, bid: b.bid, cap: null, soldCap: b.soldCap, calendar: null, when: b.when === null ? null : resolveCond(b.when, raw.paths.length, dims) })),
        };
        const rule: RuleIR = { index: 0, line: 1, source: 'by_bid', cond: { kind: 'true' }, targets: [{ kind: 'pool', strategy: 'by_bid', pool: 0 }], sla: null, priority: 'normal', tags: [], escalation: [{ kind: 'next' }], escalationText: ['next'], floor, multiSell };
        const ir: PolicyIR = { ...base, pools: [pool], rules: [rule] };
        const policy = { name: ir.name, hash: 'sha256:x' };
        const reference = createDecider(ir, createReferenceEvaluator(ir), policy).decide;
        const codegen = createDecider(ir, createCodegenEvaluator(ir), policy).decide;
        for (const l of leads) {
          const expected = reference(l, { now: TIMES[1] }).options;
          expect(codegen(l, { now: TIMES[1] }).options).toEqual(expected);
          const option = expected[0];
          if (option.kind !== 'pool') throw new Error('a by_bid rule over one pool gives a pool option');
          expect(option.multiSell).toBe(multiSell);
          // Every buyer is offered or named in the filter log, once; nobody under the floor is offered.
          expect([...option.members.map((m) => m.name), ...option.skipped.map((m) => m.name)].sort()).toEqual(pool.members.map((m) => m.name).sort());
          if (floor !== null) for (const m of option.members) expect(m.bid).toBeGreaterThanOrEqual(floor);
          // A live bid reprices a buyer and keeps its sold cap, counted in the pool's zone (UTC here); assign() enforces it.
          for (const m of option.members) {
            const declared = list[Number(m.name.slice(1))].soldCap;
            expect(m.soldCap).toEqual(declared === null ? null : { ...declared, tz: 'UTC' });
          }
          for (const m of option.skipped) if (m.why.includes('below floor')) expect(m.why).toMatch(new RegExp(`^bid -?[\\d.e+]+ below floor ${floor}$`));
        }
      }),
      { numRuns: 400, ...replay },
    );
  });
});
