/* eslint-disable @typescript-eslint/no-implied-eval -- these tests evaluate the builder's output to prove it is literal text */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { _, CodeGen, Name, numberLiteral, Scope, stringLiteral } from '../../compiler/codegen/code';
import { createCodegenEvaluator, generateEvaluator } from '../../compiler/codegen/generate';
import type { CondIR, PolicyIR, TestIR } from '../../compiler/ir';
import { acmePolicy } from './acme-ir';
import { cpuSeconds } from '../hostile/cpu';
import { and, IrBuilder, not, or } from './hand-ir';

const HOSTILE = ['"', '\\', '${process.exit()}', '</script>', "'); process.exit(1); ('", 'a\u2028b\u2029c', '`${1}`', '*/ x /*', '\\u0022'];

/** An object whose keys are own data properties, as JSON.parse makes them (`__proto__` included). */
function lead(entries: Record<string, unknown> | [string, unknown][]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Array.isArray(entries) ? entries : Object.entries(entries)) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

const normalize = (s: string) => s.trim().toLowerCase();

describe('code builder', () => {
  test('names come from the scope: a letters-only prefix and a counter', () => {
    const scope = new Scope();
    expect([scope.name('d'), scope.name('d'), scope.name('value')].map(String)).toEqual(['d0', 'd1', 'value0']);
    for (const prefix of ['', 'a b', 'x;y', 'd1', 'a.b', '__proto__', 'constructor()']) expect(() => scope.name(prefix)).toThrow(/prefix/);
    expect(String(scope.fixedName('lead'))).toBe('lead');
    expect(() => scope.fixedName('lead')).toThrow(/taken/);
    expect(() => scope.fixedName('return')).toThrow();
    expect(() => new Name('x', Symbol('Name') as never)).toThrow();
  });

  test('interpolated text becomes a literal that evaluates to exactly that text', () => {
    for (const s of [...HOSTILE, '', 'plain', '\u0000\n\r\t', '\ud800']) {
      const code = _`return ${s}`;
      expect(code.text).toBe(`return ${stringLiteral(s)}`);
      expect(code.text).not.toMatch(/[\u2028\u2029]|<\/script>/);
      expect(new Function(code.text)()).toBe(s);
    }
  });

  test('numbers: finite literals only, -0 kept, negatives parenthesized', () => {
    expect(_`x === ${12.5}`.text).toBe('x === 12.5');
    expect(_`x === ${-3}`.text).toBe('x === (-3)');
    expect(Object.is(new Function(`return ${numberLiteral(-0)}`)(), -0)).toBe(true);
    expect(_`x - ${-1}`.text).toBe('x - (-1)');
    for (const n of [Infinity, -Infinity, NaN]) expect(() => _`x < ${n}`).toThrow(/finite/);
  });

  test('code is made only by the template tag', () => {
    expect(() => (_ as unknown as (s: string[]) => unknown)(['process.exit()'])).toThrow(/template/);
  });

  test('statements one a line, indented, with sections filled later', () => {
    const scope = new Scope();
    const gen = new CodeGen(scope);
    const f = scope.name('f');
    const x = scope.name('x');
    gen.function(f, [x], () => {
      const top = gen.section();
      gen.if(_`${x} === ${'a'}`, () => gen.return(1), () => gen.return(2));
      top.let(scope.name('y'), _`${0}`);
    });
    expect(gen.toString()).toBe(['function f0(x0) {', '  let y0 = 0;', '  if (x0 === "a") {', '    return 1;', '  } else {', '    return 2;', '  }', '}'].join('\n'));
  });
});

// ---- generated code: safety ------------------------------------------------------------------------

/** Identifiers the generator writes itself (fixed names, globals, methods); everything else must be prefix + counter. */
const FIXED_IDENTIFIERS = new Set([
  'use', 'strict', 'const', 'let', 'function', 'return', 'if', 'else', 'typeof', 'null', 'undefined', 'true', 'false',
  'Array', 'isArray', 'Number', 'isNaN', 'call', 'has', 'get', 'includes', 'startsWith', 'endsWith',
  'constants', 'UNREAD', 'hasOwn', 'readPath', 'holds', 'isBlank', 'normText', 'numberOrNaN', 'timeOrNaN',
  'lead', 'scratch', 'matchRule', 'dimension', 'memberTakes', 'index', 'pool', 'member', 'condition', 'dimensions', 'memberConditions',
]);
const GENERATED_IDENTIFIER = /^(value|text|number|time|dimension|dim|dimValue|known|read|level|memberWhen|path|test|texts|numbers|dimensionValues|armValues|textArms|numberArms|textArm|numberArm)\d+$/;

/** The identifiers of generated source, string literals left out. */
function identifiers(source: string): string[] {
  return source.replace(/"(?:[^"\\]|\\.)*"/g, '""').match(/[A-Za-z_$][A-Za-z0-9_$]*/g) ?? [];
}

/** A policy that puts hostile text everywhere a policy can: paths, literals, patterns, dimension values, pool and member names. */
function hostilePolicy(): PolicyIR {
  const b = new IrBuilder('"); process.exit(1); ("');
  const rules: CondIR[] = [];
  for (const s of HOSTILE) {
    const subject = b.path(s);
    b.dimension(s, null, [[s, b.test(subject, { kind: 'eq', text: normalize(s), num: null }, '= s')]]);
    rules.push(b.test(subject, { kind: 'eq', text: normalize(s), num: null }, '= s'));
    rules.push(b.test(subject, { kind: 'contains', text: normalize(s) }, 'contains s'));
    rules.push(b.test(subject, { kind: 'in', texts: [normalize(s), 'other'], nums: [], negated: false }, 'in [s]'));
    rules.push(b.test(subject, { kind: 'matches', pattern: s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&') }, 'matches s'));
  }
  rules.forEach((cond) => b.rule(cond, [{ kind: 'queue', name: HOSTILE[0] }]));
  b.pool(HOSTILE[2], [{ name: HOSTILE[3], when: b.eq(HOSTILE[4], HOSTILE[4]) }]);
  return b.build();
}

describe('generated code is safe', () => {
  test('no identifier in the generated source comes from the policy', () => {
    const { source } = generateEvaluator(hostilePolicy());
    const foreign = identifiers(source).filter((id) => !FIXED_IDENTIFIERS.has(id) && !GENERATED_IDENTIFIER.test(id));
    expect(foreign).toEqual([]);
    expect(source).not.toMatch(/[\u2028\u2029]|<\/script>/);
    // The text is there, but only inside quoted literals.
    expect(source).toContain(stringLiteral("'); process.exit(1); ('"));
    expect(source.replace(/"(?:[^"\\]|\\.)*"/g, '""')).not.toMatch(/process|exit/);
  });

  test('every line is one statement or a brace', () => {
    const { source } = generateEvaluator(acmePolicy({ memberWhen: true }));
    for (const line of source.split('\n')) expect(line).toMatch(/(;|\{|\})$/);
  });

  test('hostile policy text compiles to literal comparisons that behave as text', () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation(() => {
      throw new Error('process.exit called');
    });
    try {
      const ir = hostilePolicy();
      const ev = createCodegenEvaluator(ir);
      HOSTILE.forEach((s, i) => {
        // Rules 4i..4i+3 read path [s]: =, contains, in, matches.
        const base = 4 * i;
        expect(ev.matchRule(lead([[s, ` ${s.toUpperCase()} `]]), [])).toBe(base);
        expect(ev.matchRule(lead([[s, `x${s}x`]]), [])).toBe(base + 1);
        expect(ev.matchRule(lead([[s, 'OTHER']]), [])).toBe(base + 2);
        expect(ev.dimension(i, lead([[s, s]]), [])).toBe(s);
        expect(ev.dimension(i, lead([[s, 'something else']]), [])).toBeNull();
      });
      expect(ev.matchRule(lead({ unrelated: 'x' }), [])).toBe(-1);
      expect(ev.memberTakes(0, 0, lead([[HOSTILE[4], HOSTILE[4]]]), [])).toBe(true);
      expect(ev.memberTakes(0, 0, lead({}), [])).toBe(false);
      expect(exit).not.toHaveBeenCalled();
    } finally {
      exit.mockRestore();
    }
  });

  test('__proto__ and constructor are plain data as paths, literals and dimension values', () => {
    const b = new IrBuilder();
    b.dimension('geo', 'country', [
      ['__proto__', b.in('country', ['__proto__', 'constructor'])],
      ['constructor', b.in('country', ['toString', 'us'])],
      ['other', null],
    ]);
    b.rule(b.eq(b.path('__proto__.polluted'), 'yes'), []);
    b.rule(b.blank('constructor', true), []);
    b.rule(b.eq('geo', 'constructor'), []);
    b.rule(b.blank('__proto__', true), []);
    const ev = createCodegenEvaluator(b.build());
    const geo = (country: string) => ev.dimension(0, lead({ country }), []);
    expect([geo('__proto__'), geo(' Constructor '), geo('toString'), geo('US'), geo('hasOwnProperty'), geo('valueOf')]).toEqual(['__proto__', '__proto__', 'constructor', 'constructor', 'other', 'other']);
    expect(ev.matchRule(JSON.parse('{"__proto__": {"polluted": "YES"}}'), [])).toBe(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Inherited `constructor` and `__proto__` are not the lead's: blank.
    expect(ev.matchRule({}, [])).toBe(-1);
    expect(ev.matchRule(lead({ constructor: 'x' }), [])).toBe(1);
    expect(ev.matchRule(lead({ country: 'toString' }), [])).toBe(2);
    expect(ev.matchRule(JSON.parse('{"__proto__": "x"}'), [])).toBe(3);
  });

  test('non-finite numbers never become literals and keep their meaning', () => {
    const b = new IrBuilder();
    b.rule(b.cmp('n', '<', Infinity), []);
    b.rule(b.test('n', { kind: 'eq', text: 'x', num: NaN }, '= NaN'), []);
    const ir = b.build();
    expect(identifiers(generateEvaluator(ir).source)).not.toContain('Infinity');
    const ev = createCodegenEvaluator(ir);
    expect(ev.matchRule(lead({ n: 5 }), [])).toBe(0);
    expect(ev.matchRule(lead({ n: Infinity }), [])).toBe(-1);
    expect(ev.matchRule(lead({ n: ' X ' }), [])).toBe(1);
  });

  test('the project turns generated code into a function in one place only', () => {
    const found: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir)) {
        if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.[cm]?[tj]s$/.test(entry)) {
          readFileSync(path, 'utf8')
            .split('\n')
            .forEach((line, i) => {
              if (/\b(new\s+)?Function\s*\(|(?<![.\w])eval\s*\(/.test(line)) found.push(`${path.slice(root.length + 1)}:${i + 1}`);
            });
        }
      }
    };
    const root = join(__dirname, '..', '..');
    // A method named eval (Redis EVAL runs Lua on the server) is not JavaScript's eval.
    for (const dir of ['compiler', 'dsl', 'state', 'normalize', 'cli', 'nodes']) if (statSync(join(root, dir), { throwIfNoEntry: false })?.isDirectory()) walk(join(root, dir));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^compiler\/codegen\/generate\.ts:/);
  });
});

// ---- generated code: meaning ---------------------------------------------------------------------

describe('the reference policy', () => {
  const ir = acmePolicy({ memberWhen: true });
  const ev = createCodegenEvaluator(ir);
  const decide = (l: unknown) => {
    const scratch: (string | null | undefined)[] = [];
    const rule = ev.matchRule(l, scratch);
    return [rule, ev.dimension(0, l, scratch), ev.dimension(1, l, scratch), ev.dimension(2, l, scratch)];
  };

  test('rules and dimensions as LANGUAGE.md describes them', () => {
    expect(decide(lead({ account: { status: ' Customer ', owner: 'bob' } }))).toEqual([0, 'smb', 'apac', 'low']);
    expect(decide(lead({ account: { status: 'customer', owner: '  ' } }))).toEqual([4, 'smb', 'apac', 'low']);
    expect(decide(lead({ 'account.status': 'CUSTOMER', 'account.owner': 'ann' }))).toEqual([0, 'smb', 'apac', 'low']);
    expect(decide(lead({ type: 'SUPPORT', employees: 5000 }))).toEqual([1, 'enterprise', 'apac', 'low']);
    expect(decide(lead({ product: ' payments ' }))).toEqual([2, 'smb', 'apac', 'low']);
    expect(decide(lead({ type: 'demo', employees: '1500', country: ' de ' }))).toEqual([3, 'enterprise', 'emea', 'high']);
    expect(decide(lead({ source: 'Partner', employees: 200, country: 'mx' }))).toEqual([3, 'midmarket', 'na', 'high']);
    expect(decide(lead({ employees: '199.9', country: 'JP' }))).toEqual([4, 'smb', 'apac', 'low']);
    expect(decide(lead({ employees: 'lots', country: ['xx', 'CA'] }))).toEqual([4, 'smb', 'na', 'low']);
    expect(decide(lead({ employees: Infinity, country: '' }))).toEqual([4, 'smb', 'apac', 'low']);
    expect(decide(null)).toEqual([4, 'smb', 'apac', 'low']);
    expect(decide(Object.create(lead({ type: 'support' })))).toEqual([4, 'smb', 'apac', 'low']);
  });

  test('member when', () => {
    expect(ev.memberTakes(5, 0, {}, [])).toBe(true);
    expect(ev.memberTakes(5, 1, lead({ language: ' DE ' }), [])).toBe(true);
    expect(ev.memberTakes(5, 1, lead({ language: 'en' }), [])).toBe(false);
    expect(ev.memberTakes(5, 1, {}, [])).toBe(false);
  });

  test('dimension values are memoized in scratch and read from it', () => {
    const scratch: (string | null | undefined)[] = [];
    scratch[2] = 'high';
    expect(ev.matchRule({}, scratch)).toBe(3);
    const fresh: (string | null | undefined)[] = new Array(3);
    expect(ev.dimension(1, lead({ country: 'us' }), fresh)).toBe('na');
    expect(fresh).toEqual([undefined, 'na', undefined]);
    expect(ev.dimension(1, lead({ country: 'de' }), fresh)).toBe('na');
  });

  test('a `by` dimension of set-like arms is one Map lookup, listed values stay out of the source', () => {
    const { source } = generateEvaluator(ir);
    expect(source).toMatch(/textArms\d+\.get\(text\d+\)/);
    expect(source).not.toMatch(/"gb"|"se"|"mx"/);
    expect(source).toMatch(/number\d+ >= 1000/);
  });
});

describe('reads and laziness', () => {
  test('a path is read at most once per generated function, even on lazy branches', () => {
    const b = new IrBuilder();
    b.rule(and(b.eq('a', 'x'), b.eq('b', 'y')), []);
    b.rule(or(b.eq('b', 'z'), b.in('b', ['w', 'v']), b.text('b', 'contains', 'q')), []);
    b.rule(not(b.blank('b')), []);
    const ev = createCodegenEvaluator(b.build());
    const counted = (a: unknown, bValue: unknown) => {
      let reads = 0;
      const l = lead({ a });
      Object.defineProperty(l, 'b', {
        enumerable: true,
        get() {
          reads++;
          return bValue;
        },
      });
      return { rule: ev.matchRule(l, []), reads };
    };
    expect(counted('x', 'y')).toEqual({ rule: 0, reads: 1 });
    expect(counted('x', 'z')).toEqual({ rule: 1, reads: 1 });
    expect(counted('no', 'Q!')).toEqual({ rule: 1, reads: 1 });
    expect(counted('no', 'r')).toEqual({ rule: 2, reads: 1 });
    expect(counted('no', undefined)).toEqual({ rule: -1, reads: 1 });
  });

  test('the text of a path is normalized once per function', () => {
    const b = new IrBuilder();
    b.rule(or(b.eq('a', 'x'), b.eq('a', 'y'), b.in('a', ['z']), b.text('a', 'starts_with', 'p')), []);
    const { source } = generateEvaluator(b.build());
    const body = source.slice(source.indexOf('function matchRule'));
    expect(body.match(/read\d+\(/g)).toHaveLength(1);
    expect(body.match(/normText\(/g)).toHaveLength(1);
  });
});

// ---- scale ---------------------------------------------------------------------------------------

/** `dimension geo by country` with n codes split over 4 arms, plus `otherwise` (as the benchmark grows it). */
function territories(n: number): PolicyIR {
  const b = new IrBuilder();
  const code = (k: number) => `c${k}`;
  const arms: [string, CondIR | null][] = [];
  const perArm = Math.ceil(n / 4);
  for (let a = 0; a < 4; a++) {
    const codes: string[] = [];
    for (let k = a * perArm; k < Math.min(n, (a + 1) * perArm); k++) codes.push(code(k));
    arms.push([`t${a}`, b.in('country', codes)]);
  }
  arms.push(['other', null]);
  b.dimension('geo', 'country', arms);
  b.rule('else', []);
  return b.build();
}

describe('scale', () => {
  test('listed values live in a Map: the source does not grow with the list', () => {
    const small = generateEvaluator(territories(10)).source;
    const large = generateEvaluator(territories(100_000)).source;
    expect(large.length).toBe(small.length);
    const ev = createCodegenEvaluator(territories(100_000));
    const geo = (country: unknown) => ev.dimension(0, lead({ country }), []);
    expect([geo('C0'), geo(' c24999 '), geo('c25000'), geo('c99999'), geo('c100000'), geo(['zz', 'c60000'])]).toEqual(['t0', 't0', 't1', 't3', 'other', 't2']);
  });

  test('a 1,000-rule policy compiles in well under 100 ms', () => {
    const b = new IrBuilder();
    b.dimension('segment', 'employees', [['enterprise', b.cmp('employees', '>=', 1000)], ['smb', null]]);
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)];
    const atoms: (() => CondIR)[] = [
      () => b.cmp('employees', '>=', Math.floor(next() * 5000)),
      () => b.in('country', [pick(['us', 'de', 'fr']), pick(['jp', 'ca'])], next() < 0.3),
      () => b.eq('type', pick(['demo', 'contact', 'support']), next() < 0.3),
      () => b.blank('account.owner', next() < 0.5),
      () => b.text('source', 'contains', pick(['search', 'part'])),
      () => b.matches('product', `^(${pick(['payments', 'billing'])}|x)$`),
      () => b.eq('segment', pick(['enterprise', 'smb'])),
      () => b.between('revenue', 10, 10 + Math.floor(next() * 1e6)),
    ];
    for (let i = 0; i < 1000; i++) b.rule(next() < 0.5 ? pick(atoms)() : and(pick(atoms)(), or(pick(atoms)(), not(pick(atoms)()))), []);
    const ir = b.build();
    // CPU time with a wide margin: a guard against superlinear generation, not a speed test (`npm run bench`).
    expect(cpuSeconds(() => createCodegenEvaluator(ir)).seconds).toBeLessThan(2);
  });
});

test('tests of every kind on a value that is not a list match holds() literally', () => {
  // A few exact answers that depend on the inline shortcuts (the equivalence property covers the rest).
  const cases: [TestIR, unknown, boolean][] = [
    [{ kind: 'eq', text: '5', num: 5 }, ' 5.0 ', true],
    [{ kind: 'eq', text: '5', num: 5 }, '5x', false],
    [{ kind: 'ne', text: 'a', num: null }, '  ', true],
    [{ kind: 'ne', text: 'a', num: null }, [' A ', 'b'], false],
    [{ kind: 'eq', text: '', num: null }, '', false],
    [{ kind: 'in', texts: ['a'], nums: [2], negated: false }, '2.0', true],
    [{ kind: 'in', texts: ['a'], nums: [], negated: true }, null, true],
    [{ kind: 'in', texts: [''], nums: [], negated: true }, '', true],
    [{ kind: 'contains', text: '' }, ' ', false],
    [{ kind: 'ends_with', text: 'com' }, 'X.COM ', true],
    [{ kind: 'cmp', op: '>', num: 1, time: false }, true, false],
    [{ kind: 'between', low: 1, high: 2, time: false }, '1.5', true],
    [{ kind: 'cmp', op: '<', num: Date.parse('2026-01-02'), time: true }, '2026-01-01', true],
    [{ kind: 'matches', pattern: '^$' }, '', false],
    [{ kind: 'blank', negated: false }, [' ', null], true],
  ];
  for (const [test, value, expected] of cases) {
    const b = new IrBuilder();
    b.rule(b.test('v', test, test.kind), []);
    expect({ test, value, holds: createCodegenEvaluator(b.build()).matchRule(lead({ v: value }), []) === 0 }).toEqual({ test, value, holds: expected });
  }
});
