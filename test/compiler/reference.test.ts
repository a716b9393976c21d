import type { TraceEntry } from '../../compiler/decision';
import type { CondIR } from '../../compiler/ir';
import { condText, createReferenceEvaluator, showValue, traceValue } from '../../compiler/reference';
import { and, IrBuilder, not, or } from './hand-ir';

/** Whether one condition holds for a lead: a policy with that rule and nothing else. */
function holdsFor(build: (b: IrBuilder) => CondIR, lead: unknown): boolean {
  const b = new IrBuilder();
  b.rule(build(b), [{ kind: 'queue', name: 'q' }]);
  return createReferenceEvaluator(b.build()).matchRule(lead, []) === 0;
}

describe('blank values', () => {
  const blanks: [string, unknown][] = [
    ['missing', {}],
    ['null', { x: null }],
    ['empty text', { x: '' }],
    ['white space', { x: '  \t ' }],
    ['empty list', { x: [] }],
    ['list of blanks', { x: ['', null] }],
  ];
  test.each(blanks)('%s: only `is blank`, `!=` and `not in` hold', (_, lead) => {
    expect(holdsFor((b) => b.blank('x'), lead)).toBe(true);
    expect(holdsFor((b) => b.blank('x', true), lead)).toBe(false);
    expect(holdsFor((b) => b.eq('x', 'a', true), lead)).toBe(true);
    expect(holdsFor((b) => b.in('x', ['a'], true), lead)).toBe(true);
    expect(holdsFor((b) => b.eq('x', 'a'), lead)).toBe(false);
    expect(holdsFor((b) => b.in('x', ['a']), lead)).toBe(false);
    expect(holdsFor((b) => b.cmp('x', '<', 5), lead)).toBe(false);
    expect(holdsFor((b) => b.between('x', -1e9, 1e9), lead)).toBe(false);
    expect(holdsFor((b) => b.text('x', 'contains', ''), lead)).toBe(false);
    expect(holdsFor((b) => b.matches('x', '.*'), lead)).toBe(false);
  });

  test('zero, false and a non-blank list are not blank', () => {
    expect(holdsFor((b) => b.blank('x'), { x: 0 })).toBe(false);
    expect(holdsFor((b) => b.blank('x'), { x: false })).toBe(false);
    expect(holdsFor((b) => b.blank('x', true), { x: ['', 'a'] })).toBe(true);
  });
});

describe('text comparisons ignore case and surrounding white space', () => {
  test.each([
    ['=', (b: IrBuilder) => b.eq('type', 'demo'), { type: '  DEMO ' }, true],
    ['= (other text)', (b: IrBuilder) => b.eq('type', 'demo'), { type: 'demos' }, false],
    ['!=', (b: IrBuilder) => b.eq('type', 'demo', true), { type: 'Demo' }, false],
    ['in', (b: IrBuilder) => b.in('country', ['US', 'CA']), { country: ' us' }, true],
    ['not in', (b: IrBuilder) => b.in('country', ['US', 'CA'], true), { country: 'Ca' }, false],
    ['contains', (b: IrBuilder) => b.text('email', 'contains', '@ACME'), { email: 'Ann@Acme.com' }, true],
    ['starts with', (b: IrBuilder) => b.text('email', 'starts_with', 'ann'), { email: '  ANN@x.com' }, true],
    ['ends with', (b: IrBuilder) => b.text('email', 'ends_with', '.COM'), { email: 'a@x.com  ' }, true],
    ['ends with (no)', (b: IrBuilder) => b.text('email', 'ends_with', '.org'), { email: 'a@x.com' }, false],
    ['matches is as written (case-sensitive pattern)', (b: IrBuilder) => b.matches('email', '^[a-z]+@'), { email: 'ann@x.com' }, true],
    ['matches (no)', (b: IrBuilder) => b.matches('email', '^[a-z]+@'), { email: 'ANN@x.com' }, false],
  ])('%s', (_, build, lead, expected) => {
    expect(holdsFor(build, lead)).toBe(expected);
  });
});

describe('numbers', () => {
  test.each([
    [{ employees: 1200 }, true],
    [{ employees: '1200' }, true],
    [{ employees: ' 1000 ' }, true],
    [{ employees: '999.5' }, false],
    [{ employees: 'lots' }, false],
    [{ employees: '1,200' }, false],
    [{ employees: true }, false],
    [{ employees: { n: 1200 } }, false],
  ])('%j >= 1000 is %s', (lead, expected) => {
    expect(holdsFor((b) => b.cmp('employees', '>=', 1000), lead)).toBe(expected);
  });

  test('between is inclusive at both ends', () => {
    expect(holdsFor((b) => b.between('n', 200, 999), { n: 200 })).toBe(true);
    expect(holdsFor((b) => b.between('n', 200, 999), { n: '999' })).toBe(true);
    expect(holdsFor((b) => b.between('n', 200, 999), { n: 1000 })).toBe(false);
    expect(holdsFor((b) => b.between('n', 200, 999), { n: 199.99 })).toBe(false);
  });

  test('= with a number compares numerically for numeric values and as text otherwise', () => {
    expect(holdsFor((b) => b.eq('n', 5), { n: '5.0' })).toBe(true);
    expect(holdsFor((b) => b.eq('n', 5), { n: 5 })).toBe(true);
    expect(holdsFor((b) => b.eq('n', 5), { n: 'five' })).toBe(false);
    expect(holdsFor((b) => b.in('n', [1, 2, 3]), { n: '2' })).toBe(true);
  });
});

describe('lists in a lead (multi-select values)', () => {
  test('a positive test holds when one element does, a negative one when none fails', () => {
    expect(holdsFor((b) => b.eq('tags', 'vip'), { tags: ['new', 'VIP'] })).toBe(true);
    expect(holdsFor((b) => b.in('tags', ['vip', 'gold']), { tags: ['new', 'gold'] })).toBe(true);
    expect(holdsFor((b) => b.in('tags', ['vip']), { tags: ['new'] })).toBe(false);
    expect(holdsFor((b) => b.eq('tags', 'vip', true), { tags: ['new', 'vip'] })).toBe(false);
    expect(holdsFor((b) => b.in('tags', ['vip'], true), { tags: ['new', 'old'] })).toBe(true);
  });
});

describe('and, or, not', () => {
  test('precedence is in the tree; not negates', () => {
    const lead = { a: 'x', b: 'y' };
    expect(holdsFor((b) => and(b.eq('a', 'x'), b.eq('b', 'y')), lead)).toBe(true);
    expect(holdsFor((b) => and(b.eq('a', 'x'), b.eq('b', 'n')), lead)).toBe(false);
    expect(holdsFor((b) => or(b.eq('a', 'n'), b.eq('b', 'y')), lead)).toBe(true);
    expect(holdsFor((b) => not(b.eq('a', 'x')), lead)).toBe(false);
    expect(holdsFor((b) => not(b.blank('missing')), lead)).toBe(false);
  });

  test('and/or short-circuit: a dimension behind a decided operand is never computed', () => {
    const b = new IrBuilder();
    b.dimension('tier', 'revenue', [['big', b.cmp('revenue', '>', 100)]]);
    b.rule(or(b.eq('type', 'demo'), b.eq('tier', 'big')), [{ kind: 'queue', name: 'q' }]);
    b.rule(and(b.eq('type', 'nope'), b.eq('tier', 'big')), [{ kind: 'queue', name: 'q' }]);
    b.rule('else', [{ kind: 'queue', name: 'q' }]);
    const ev = createReferenceEvaluator(b.build());
    const scratch: (string | null | undefined)[] = [];
    expect(ev.matchRule({ type: 'demo', revenue: 500 }, scratch)).toBe(0);
    expect(scratch[0]).toBeUndefined();
    const scratch2: (string | null | undefined)[] = [];
    expect(ev.matchRule({ type: 'other', revenue: 5 }, scratch2)).toBe(2);
    expect(scratch2[0]).toBeNull(); // computed by rule 0, blank (no arm, no otherwise)
  });
});

describe('rules', () => {
  test('the first rule that holds decides; else always holds; none: -1', () => {
    const b = new IrBuilder();
    b.rule(b.eq('type', 'support'), []);
    b.rule(b.eq('type', 'demo'), []);
    b.rule(b.text('type', 'contains', 'de'), []);
    const noElse = createReferenceEvaluator(b.build());
    expect(noElse.matchRule({ type: 'demo' }, [])).toBe(1);
    expect(noElse.matchRule({ type: 'Support' }, [])).toBe(0);
    expect(noElse.matchRule({ type: 'chat' }, [])).toBe(-1);
    b.rule('else', []);
    expect(createReferenceEvaluator(b.build()).matchRule({ type: 'chat' }, [])).toBe(3);
    expect(createReferenceEvaluator(new IrBuilder().build()).matchRule({}, [])).toBe(-1);
  });
});

describe('dimensions', () => {
  function segmentPolicy(otherwise: boolean) {
    const b = new IrBuilder();
    b.dimension('segment', 'employees', [
      ['enterprise', b.cmp('employees', '>=', 1000)],
      ['midmarket', b.cmp('employees', '>=', 200)],
      ...(otherwise ? ([['smb', null]] as [string, null][]) : []),
    ]);
    b.dimension('intent', null, [
      ['high', or(b.eq('type', 'demo'), b.in('source', ['paid_search', 'partner']))],
      ['low', null],
    ]);
    b.dimension('Tier', null, [['Gold', b.eq('segment', 'enterprise')]]); // a dimension of a dimension
    b.rule(b.eq('segment', 'enterprise'), []);
    return b.build();
  }

  test('arms are tried in order; the first that holds names the value as written', () => {
    const ev = createReferenceEvaluator(segmentPolicy(true));
    expect(ev.dimension(0, { employees: 5000 }, [])).toBe('enterprise');
    expect(ev.dimension(0, { employees: '200' }, [])).toBe('midmarket');
    expect(ev.dimension(0, { employees: 199 }, [])).toBe('smb');
    expect(ev.dimension(0, {}, [])).toBe('smb');
    expect(ev.dimension(1, { source: 'Partner' }, [])).toBe('high');
    expect(ev.dimension(1, { type: 'contact' }, [])).toBe('low');
    expect(ev.dimension(2, { employees: 1000 }, [])).toBe('Gold');
  });

  test('without otherwise, no arm holding gives blank (null)', () => {
    const ev = createReferenceEvaluator(segmentPolicy(false));
    expect(ev.dimension(0, { employees: 10 }, [])).toBeNull();
    expect(ev.dimension(2, { employees: 10 }, [])).toBeNull();
  });

  test('a dimension is memoized in scratch[dim]: a value already there is used', () => {
    const ev = createReferenceEvaluator(segmentPolicy(true));
    const scratch: (string | null | undefined)[] = [];
    expect(ev.matchRule({ employees: 5000 }, scratch)).toBe(0);
    expect(scratch[0]).toBe('enterprise');
    expect(ev.matchRule({ employees: 5000 }, ['smb'])).toBe(-1);
  });

  test('a blank dimension is blank in conditions', () => {
    const b = new IrBuilder();
    b.dimension('segment', 'employees', [['big', b.cmp('employees', '>=', 1000)]]);
    b.rule(b.blank('segment'), []);
    expect(createReferenceEvaluator(b.build()).matchRule({ employees: 3 }, [])).toBe(0);
  });
});

describe('memberTakes', () => {
  test("a member's `when` decides, and no `when` takes every lead", () => {
    const b = new IrBuilder();
    b.pool('support', ['ann', { name: 'dieter', when: b.in('language', ['de', 'at']) }]);
    const ev = createReferenceEvaluator(b.build());
    expect(ev.memberTakes(0, 0, { language: 'fr' }, [])).toBe(true);
    expect(ev.memberTakes(0, 1, { language: 'DE' }, [])).toBe(true);
    expect(ev.memberTakes(0, 1, { language: 'fr' }, [])).toBe(false);
    expect(ev.memberTakes(0, 1, null, [])).toBe(false);
  });
});

describe('hostile leads', () => {
  test('__proto__ and constructor are plain data, non-objects are leads with nothing in them', () => {
    const b = new IrBuilder();
    b.rule(b.eq('__proto__.polluted', 'yes'), []);
    b.rule(b.blank('constructor', true), []);
    b.rule(b.eq('toString', 'x'), []);
    const ev = createReferenceEvaluator(b.build());
    expect(ev.matchRule(JSON.parse('{"__proto__": {"polluted": "yes"}}'), [])).toBe(0);
    expect(ev.matchRule({}, [])).toBe(-1);
    expect(ev.matchRule({ constructor: 'c' }, [])).toBe(1);
    for (const lead of [null, undefined, 'text', 42, [1, 2], 'x'.repeat(1 << 20)]) expect(ev.matchRule(lead, [])).toBe(-1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('tracing', () => {
  function acme() {
    const b = new IrBuilder('acme');
    b.dimension('segment', 'employees', [
      ['enterprise', b.cmp('employees', '>=', 1000)],
      ['smb', null],
    ]);
    b.rule(and(b.eq('account.status', 'customer'), b.blank('account.owner', true)), [], { source: 'when account.status = customer and account.owner is not blank route owner' });
    b.rule(not(b.eq('type', 'demo')), [], { source: 'when not type = demo route queue other' });
    b.rule(b.eq('segment', 'enterprise'), [], { source: 'when segment = enterprise route queue ent' });
    b.rule('else', [], { source: 'else queue rest' });
    return b.build();
  }

  function traced(lead: unknown) {
    const trace: TraceEntry[] = [];
    const rule = createReferenceEvaluator(acme()).tracing(trace).matchRule(lead, []);
    return { rule, trace };
  }

  test('every rule tried, in order, with the values read and the condition that decided', () => {
    const { rule, trace } = traced({ account: { status: 'Customer', owner: '  ' }, type: 'demo', employees: '5000' });
    expect(rule).toBe(2);
    expect(trace.map((e) => e.step)).toEqual(['rule', 'condition', 'condition', 'rule', 'condition', 'rule', 'dimension', 'condition']);
    expect(trace[0]).toMatchObject({
      source: 'when account.status = customer and account.owner is not blank route owner',
      line: 20,
      result: false,
      values: { 'account.status': 'Customer', 'account.owner': '  ' },
      note: 'rule 0 (line 20) does not hold; trying the next rule',
    });
    expect(trace[1]).toMatchObject({ source: 'account.status = customer', result: true, note: 'account.status is "Customer", so `account.status = customer` holds' });
    expect(trace[2]).toMatchObject({ source: 'account.owner is not blank', result: false, note: 'account.owner is blank, so `account.owner is not blank` fails' });
    expect(trace[4].note).toBe('type is "demo", so `type = demo` holds (inside `not`)');
    expect(trace[5]).toMatchObject({ result: true, values: { segment: 'enterprise' }, note: 'rule 2 (line 22) holds and decides' });
    expect(trace[6]).toEqual({
      step: 'dimension',
      source: 'segment',
      values: { employees: '5000' },
      result: 'enterprise',
      note: 'employees is "5000": `employees >= 1000` holds; so segment is enterprise',
    });
    expect(trace[7].note).toBe('segment is "enterprise", so `segment = enterprise` holds');
  });

  test('short-circuited tests are not listed; otherwise and not-a-number are explained; else says so', () => {
    const { rule, trace } = traced({ account: { status: 'lead' }, type: 'demo', employees: 'many' });
    expect(rule).toBe(3);
    const conditions = trace.filter((e) => e.step === 'condition').map((e) => e.source);
    expect(conditions).toEqual(['account.status = customer', 'type = demo', 'segment = enterprise']);
    const dimension = trace.find((e) => e.step === 'dimension');
    expect(dimension?.note).toBe('employees is "many": `employees >= 1000` fails, otherwise gives smb; so segment is smb');
    expect(trace[trace.length - 1]).toMatchObject({ step: 'rule', source: 'else queue rest', result: true, note: 'rule 3 (line 23) has no condition (else): it always holds and decides' });
    const numeric = createReferenceEvaluator(acme());
    const t: TraceEntry[] = [];
    const b = new IrBuilder();
    b.rule(b.cmp('employees', '>', 3), []);
    createReferenceEvaluator(b.build()).tracing(t).matchRule({ employees: 'many' }, []);
    expect(t[1].note).toBe('employees is "many" (not a number), so `employees > 3` fails');
    expect(numeric.matchRule({ account: { status: 'lead' }, type: 'demo', employees: 'many' }, [])).toBe(rule);
  });

  test('the tracing twin gives the same answers and a plain evaluator records nothing', () => {
    const ev = createReferenceEvaluator(acme());
    const trace: TraceEntry[] = [];
    const twin = ev.tracing(trace);
    for (const lead of [{}, { type: 'x' }, { type: 'demo', employees: 10 }, { type: 'demo', employees: 10_000 }]) {
      expect(twin.matchRule(lead, [])).toBe(ev.matchRule(lead, []));
    }
    expect(trace.length).toBeGreaterThan(0);
  });

  test('a trace of steps has the same steps and results, without words or values, and marks the tests inside `not`', () => {
    const lead = { account: { status: 'Customer', owner: '  ' }, type: 'demo', employees: '5000' };
    const steps: TraceEntry[] = [];
    expect(createReferenceEvaluator(acme()).tracing(steps, false).matchRule(lead, [])).toBe(2);
    const words = traced(lead).trace;
    expect(steps).toEqual(words.map((e) => ({ step: e.step, source: e.source, result: e.result, ...(e.line === undefined ? {} : { line: e.line }), ...(e.note?.endsWith('(inside `not`)') === true ? { negated: true } : {}) })));
    expect(steps[4]).toEqual({ step: 'condition', source: 'type = demo', result: true, negated: true });
  });

  test('trace values stay small whatever the lead holds', () => {
    const huge = 'x'.repeat(1 << 20);
    expect(traceValue(huge)).toBe(`${'x'.repeat(200)}… (1048576 characters)`);
    expect(traceValue({ a: 1 })).toBe('{object}');
    expect((traceValue(Array.from({ length: 50 }, (_, i) => i)) as unknown[]).length).toBe(21);
    expect(traceValue([[1], { a: 1 }])).toEqual(['[list of 1]', '{object}']);
    expect(showValue(undefined)).toBe('blank');
    expect(showValue(12)).toBe('12');
    expect(showValue(['a', 'b'])).toBe('["a","b"]');
    const { trace } = traced({ account: { status: huge } });
    expect(JSON.stringify(trace).length).toBeLessThan(5000);
  });

  test('condText rebuilds composite conditions from their tests', () => {
    const b = new IrBuilder();
    expect(condText(and(or(b.eq('a', 'x'), b.eq('b', 'y')), not(and(b.eq('c', 'z'), b.blank('d')))))).toBe('(a = x or b = y) and not (c = z and d is blank)');
  });
});
