// The fast evaluator: JavaScript generated from the IR with the builder in ./code, so that policy
// text only ever becomes quoted literals or constants. The meaning of every test is values.ts
// (holds, readPath, ...); what is generated inline are shortcuts for the common cases that give
// exactly the same answers, and anything unusual (lists, odd literals, regexes) calls holds().
//
// Shape of the generated source (the body of one function whose only parameter is `constants`):
//   const holds = constants[0]; ...            helpers and prepared data, by index (prepared tests in one table)
//   function read0(lead) { ... }               one reader per lead path: own properties inline, readPath() otherwise
//   function dim0(lead, scratch) { ... }       memoizes scratch[0]; dimValue0 computes it
//   function matchRule(lead, scratch) { ... }  the rule conditions in order
//   function memberWhen0(lead, scratch) { ... }
//   return { matchRule, dimension, memberTakes };
//
// Within one generated function, a lead path is read at most once and its normalized text,
// number and time are derived at most once: a value that a condition is sure to need is read
// by a `const` before the `if`; one that is needed only on some branches is read lazily into a
// `let` that starts as UNREAD.

import { _, and, Code, CodeGen, FALSE, group, join, Name, not, or, Scope, TRUE } from './code';
import type { CondIR, DimensionIR, PolicyIR, TestIR } from '../ir';
import type { Evaluator } from '../decision';
import { isBlank, normText, readPath, toNumber, toTime } from '../../core/values';
import { holds, prepareTest, type PreparedTest } from '../values';

/** The generated source and the constants it is run with. */
export interface GeneratedEvaluator {
  source: string;
  constants: readonly unknown[];
}

/** The parameter name of the generated function; fixed, and the only one. */
const CONSTANTS = 'constants';

/** toNumber with NaN for "not a number": NaN fails every comparison, so generated tests need no null check. */
function numberOrNaN(v: unknown): number {
  const n = toNumber(v);
  return n === null ? NaN : n;
}

function timeOrNaN(v: unknown): number {
  const t = toTime(v);
  return t === null ? NaN : t;
}

/** Marks a lazy local not read yet (a lead value can be undefined, so undefined cannot). */
const UNREAD: unique symbol = Symbol('unread');

/** Dimension-valued tests name the values that pass inline up to this many; beyond, a Set. */
const INLINE_VALUES = 3;

const COMPARISON: Record<string, Code> = { '<': _`<`, '<=': _`<=`, '>': _`>`, '>=': _`>=` };
const TEXT_METHOD: Record<string, Code> = { contains: _`includes`, starts_with: _`startsWith`, ends_with: _`endsWith` };

/** A local a generated function may need: computed once, by `init`, the first time it is used. */
interface LocalSpec {
  prefix: string;
  init(fn: FunctionContext): Code;
}

/** An arm whose test, on anything but a list, holds exactly when the value's text is in `texts` or its number in `nums`. */
interface SetLikeArm {
  texts: readonly string[];
  nums: readonly number[];
  test: TestIR;
}

/** How a test is generated: the locals it reads for sure (hoisted when the test is sure to run), and its expression. */
interface TestPlan {
  needs: LocalSpec[];
  emit(fn: FunctionContext): Code;
}

/**
 * One generated function's locals, and which of them are read at the current point of
 * generation: `definitely` on every way there (use the name), `possibly` on some (check UNREAD).
 */
class FunctionContext {
  private readonly names = new Map<LocalSpec, Name>();
  private readonly possibly = new Set<LocalSpec>();
  private readonly definitely = new Set<LocalSpec>();
  /** The locals made definite, in order, so that a branch can take back its own. */
  private readonly madeDefinite: LocalSpec[] = [];

  constructor(
    private readonly g: Generator,
    readonly body: CodeGen,
    /** Where `let x = UNREAD;` declarations go (the top of the function). */
    private readonly declarations: CodeGen,
  ) {}

  /** An expression for the local's value, reading it first if needed. */
  use(spec: LocalSpec): Code | Name {
    const name = this.nameOf(spec);
    if (this.definitely.has(spec)) return name;
    const init = spec.init(this);
    let code: Code;
    if (this.possibly.has(spec)) {
      code = group(_`${name} === ${this.g.unread} ? (${name} = ${init}) : ${name}`);
    } else {
      this.declarations.let(name, this.g.unread);
      code = group(_`${name} = ${init}`);
    }
    this.read(spec);
    return code;
  }

  /** Statements that read the locals a condition is sure to need, before it (function top level only). */
  hoist(specs: readonly LocalSpec[]): void {
    for (const spec of specs) {
      if (this.definitely.has(spec)) continue;
      const name = this.nameOf(spec);
      const init = spec.init(this);
      if (this.possibly.has(spec)) this.body.ifThen(_`${name} === ${this.g.unread}`, _`${name} = ${init}`);
      else this.body.const(name, init);
      this.read(spec);
    }
  }

  /** Generates code that may not run: what it reads is only possibly read afterwards. */
  branch<T>(generate: () => T): T {
    const mark = this.madeDefinite.length;
    const result = generate();
    while (this.madeDefinite.length > mark) this.definitely.delete(this.madeDefinite.pop() as LocalSpec);
    return result;
  }

  /** The local is read from here on (definitely, until the branch it was read in ends). */
  private read(spec: LocalSpec): void {
    this.possibly.add(spec);
    this.definitely.add(spec);
    this.madeDefinite.push(spec);
  }

  private nameOf(spec: LocalSpec): Name {
    let name = this.names.get(spec);
    if (name === undefined) {
      name = this.g.scope.name(spec.prefix);
      this.names.set(spec, name);
    }
    return name;
  }
}

class Generator {
  readonly scope = new Scope();
  private readonly gen = new CodeGen(this.scope);
  private readonly constantDeclarations = this.gen.section();
  private readonly readers = this.gen.section();

  readonly unread = this.scope.fixedConstant('UNREAD', UNREAD);
  private readonly hasOwn = this.scope.fixedConstant('hasOwn', Object.prototype.hasOwnProperty);
  private readonly readPath = this.scope.fixedConstant('readPath', readPath);
  private readonly holds = this.scope.fixedConstant('holds', holds);
  private readonly isBlank = this.scope.fixedConstant('isBlank', isBlank);
  private readonly normText = this.scope.fixedConstant('normText', normText);
  private readonly numberOrNaN = this.scope.fixedConstant('numberOrNaN', numberOrNaN);
  private readonly timeOrNaN = this.scope.fixedConstant('timeOrNaN', timeOrNaN);
  /** The prepared tests that generated code hands to holds(), filled as code is generated. */
  private readonly testTable: PreparedTest[] = [];
  private readonly testIndex = new Map<PreparedTest, number>();
  private readonly tests = this.scope.constant(this.testTable, 'test');

  private readonly lead = this.scope.fixedName('lead');
  private readonly matchRule = this.scope.fixedName('matchRule');
  private readonly scratch = this.scope.fixedName('scratch');

  private readonly readerNames = new Map<number, Name>();
  private readonly preparedTests = new Map<TestIR, PreparedTest>();
  private readonly preparedPatterns = new Map<string, PreparedTest>();
  private readonly plans = new Map<CondIR, TestPlan>();
  /** Per kind of local (its prefix), by path or dimension index. */
  private readonly locals = new Map<string, LocalSpec[]>();
  /** One memoizing function per dimension, named up front so that any function may call any dimension. */
  private readonly dimensionFunctions: Name[];
  /** Every value a dimension can take (its arms' values, and null). */
  private readonly dimensionValues: (string | null)[][];

  constructor(private readonly ir: PolicyIR) {
    this.dimensionFunctions = ir.dimensions.map(() => this.scope.name('dim'));
    this.dimensionValues = ir.dimensions.map((d) => [...new Set<string | null>([...d.arms.map((a) => a.value), null])]);
  }

  generate(): GeneratedEvaluator {
    const gen = this.gen;
    this.ir.dimensions.forEach((d, i) => this.dimensionFunction(d, i));
    this.matchRuleFunction();
    const memberTable = this.ir.pools.map((pool) => pool.members.map((m) => (m.when === null ? _`null` : this.memberFunction(m.when))));

    const index = this.scope.fixedName('index');
    const pool = this.scope.fixedName('pool');
    const member = this.scope.fixedName('member');
    const condition = this.scope.fixedName('condition');
    const dimensions = this.scope.fixedName('dimensions');
    const memberConditions = this.scope.fixedName('memberConditions');
    gen.const(dimensions, _`[${join(this.dimensionFunctions, ', ')}]`);
    gen.const(memberConditions, _`[${join(memberTable.map((row) => _`[${join(row, ', ')}]`), ', ')}]`);
    const dimension = this.scope.fixedName('dimension');
    const memberTakes = this.scope.fixedName('memberTakes');
    gen.function(dimension, [index, this.lead, this.scratch], () => {
      gen.return(_`${dimensions}[${index}](${this.lead}, ${this.scratch})`);
    });
    gen.function(memberTakes, [pool, member, this.lead, this.scratch], () => {
      gen.const(condition, _`${memberConditions}[${pool}][${member}]`);
      gen.return(_`${condition} === null ? true : ${condition}(${this.lead}, ${this.scratch})`);
    });
    gen.return(_`{ matchRule: ${this.matchRule}, dimension: ${dimension}, memberTakes: ${memberTakes} }`);

    this.constantDeclarations.statement(_`"use strict"`);
    this.scope.declareConstants(this.constantDeclarations, this.scope.fixedName(CONSTANTS));
    return { source: gen.toString(), constants: this.scope.constants };
  }

  // ---- functions ----------------------------------------------------------------------------

  /** A generated function with its own locals. */
  private function(name: Name, params: readonly Name[], body: (fn: FunctionContext) => void): void {
    this.gen.function(name, params, () => body(new FunctionContext(this, this.gen, this.gen.section())));
  }

  private matchRuleFunction(): void {
    this.function(this.matchRule, [this.lead, this.scratch], (fn) => {
      for (let i = 0; i < this.ir.rules.length; i++) {
        if (!this.ifReturn(fn, this.ir.rules[i].cond, _`${i}`)) return;
      }
      fn.body.return(-1);
    });
  }

  /** `if (cond) return result;`, reading first what cond is sure to need; false when cond always holds (nothing after it runs). */
  private ifReturn(fn: FunctionContext, cond: CondIR, result: Code): boolean {
    if (cond.kind === 'true') {
      fn.body.return(result);
      return false;
    }
    fn.hoist(this.needs(cond));
    fn.body.ifThen(this.cond(fn, cond), _`return ${result}`);
    return true;
  }

  private memberFunction(when: CondIR): Name {
    const name = this.scope.name('memberWhen');
    this.function(name, [this.lead, this.scratch], (fn) => {
      fn.hoist(this.needs(when));
      fn.body.return(this.cond(fn, when));
    });
    return name;
  }

  private dimensionFunction(d: DimensionIR, i: number): void {
    const compute = this.scope.name('dimValue');
    const known = this.scope.name('known');
    const gen = this.gen;
    gen.function(this.dimensionFunctions[i], [this.lead, this.scratch], () => {
      gen.let(known, _`${this.scratch}[${i}]`);
      gen.if(_`${known} === undefined`, () => {
        gen.assign(known, _`${compute}(${this.lead}, ${this.scratch})`);
        gen.assign(_`${this.scratch}[${i}]`, known);
      });
      gen.return(known);
    });
    const byPath = d.by !== null && d.by.kind === 'path' ? d.by.path : null;
    this.function(compute, [this.lead, this.scratch], (fn) => {
      const arms = d.arms;
      let a = 0;
      while (a < arms.length) {
        const group = byPath === null ? [] : this.setLikeRun(d, byPath, a);
        if (group.length >= 2) {
          this.armGroup(fn, d, byPath as number, a, group);
          a += group.length;
          continue;
        }
        if (!this.ifReturn(fn, arms[a].cond, _`${arms[a].value}`)) return;
        a++;
      }
      fn.body.return(null);
    });
  }

  // ---- dimension arms as one Map lookup ----------------------------------------------------

  /**
   * The set-like arms from `start` on: tests of the dimension's own path that, on anything but
   * a list, hold exactly when the normalized text (or the number) is one they list.
   */
  private setLikeRun(d: DimensionIR, path: number, start: number): SetLikeArm[] {
    const run: SetLikeArm[] = [];
    for (let a = start; a < d.arms.length; a++) {
      const c = d.arms[a].cond;
      if (c.kind !== 'test' || c.subject.kind !== 'path' || c.subject.path !== path) break;
      const keys = setLikeKeys(c.test);
      if (keys === null) break;
      run.push({ ...keys, test: c.test });
    }
    return run;
  }

  /**
   * Consecutive set-like arms as one lookup: a Map from normalized text (and one from number)
   * to the first arm that lists it, so the cost does not grow with the lists. A list value
   * (multi-select) keeps the per-arm meaning through holds().
   */
  private armGroup(fn: FunctionContext, d: DimensionIR, path: number, start: number, group: readonly SetLikeArm[]): void {
    const textArms = new Map<string, number>();
    const numberArms = new Map<number, number>();
    group.forEach((arm, k) => {
      for (const t of arm.texts) if (!textArms.has(t)) textArms.set(t, start + k);
      for (const n of arm.nums) if (!numberArms.has(n)) numberArms.set(n, start + k);
    });
    const raw = this.rawLocal(path);
    const text = this.textLocal(path);
    const num = this.numberLocal(path);
    fn.hoist(numberArms.size > 0 ? [raw, text, num] : [raw, text]);
    const value = fn.use(raw);
    const armValues = this.scope.constant(d.arms.map((arm) => arm.value), 'armValues');
    const body = fn.body;
    fn.branch(() =>
      body.if(
        _`Array.isArray(${value})`,
        () => group.forEach((arm, k) => body.ifThen(_`${this.holds}(${value}, ${this.prepared(arm.test)})`, _`return ${d.arms[start + k].value}`)),
        () => {
          const textArm = this.scope.name('textArm');
          body.const(textArm, _`${this.scope.constant(textArms, 'textArms')}.get(${fn.use(text)})`);
          if (numberArms.size > 0) {
            const numberArm = this.scope.name('numberArm');
            body.const(numberArm, _`${this.scope.constant(numberArms, 'numberArms')}.get(${fn.use(num)})`);
            body.ifThen(_`${numberArm} !== undefined && (${textArm} === undefined || ${numberArm} < ${textArm})`, _`return ${armValues}[${numberArm}]`);
          }
          body.ifThen(_`${textArm} !== undefined`, _`return ${armValues}[${textArm}]`);
        },
      ),
    );
  }

  // ---- conditions ----------------------------------------------------------------------------

  /** The locals a condition reads whenever it is evaluated (its first test, through and/or/not). */
  private needs(c: CondIR): LocalSpec[] {
    switch (c.kind) {
      case 'true':
        return [];
      case 'and':
      case 'or':
        return c.args.length > 0 ? this.needs(c.args[0]) : [];
      case 'not':
        return this.needs(c.arg);
      case 'test':
        return this.plan(c).needs;
    }
  }

  private cond(fn: FunctionContext, c: CondIR): Code {
    switch (c.kind) {
      case 'true':
        return TRUE;
      case 'and':
      case 'or': {
        if (c.args.length === 0) return c.kind === 'and' ? TRUE : FALSE;
        const first = this.cond(fn, c.args[0]);
        const rest = fn.branch(() => c.args.slice(1).map((arg) => this.cond(fn, arg)));
        return c.kind === 'and' ? and([first, ...rest]) : or([first, ...rest]);
      }
      case 'not':
        return not(this.cond(fn, c.arg));
      case 'test':
        return this.plan(c).emit(fn);
    }
  }

  private plan(c: Extract<CondIR, { kind: 'test' }>): TestPlan {
    let plan = this.plans.get(c);
    if (plan === undefined) {
      const subject = c.subject;
      if (subject.kind === 'path') plan = this.pathTest(subject.path, c.test);
      else if (subject.kind === 'dim') plan = this.dimensionTest(subject.dim, c.test);
      else throw new Error('codegen: unknown value reference');
      this.plans.set(c, plan);
    }
    return plan;
  }

  /**
   * A test of a dimension: its values are known at compile time, so holds() is applied to each
   * of them here and the test becomes a comparison with the ones that pass.
   */
  private dimensionTest(dim: number, test: TestIR): TestPlan {
    const values = this.dimensionValues[dim];
    if (values === undefined) throw new Error(`codegen: unknown dimension ${dim}`);
    const prepared = this.preparedTest(test);
    const passing = values.filter((v) => holds(v, prepared));
    if (passing.length === 0) return { needs: [], emit: () => FALSE };
    if (passing.length === values.length) return { needs: [], emit: () => TRUE };
    const local = this.dimensionLocal(dim);
    return {
      needs: [local],
      emit: (fn) => {
        const first = fn.use(local);
        if (passing.length > INLINE_VALUES) return _`${this.scope.constant(new Set(passing), 'dimensionValues')}.has(${first})`;
        const rest = passing.slice(1).map((v) => _`${fn.use(local)} === ${v}`);
        return or([_`${first} === ${passing[0]}`, ...rest]);
      },
    };
  }

  /**
   * A test of a lead path. Blank tests call isBlank(); regexes and odd literals call holds().
   * The rest are inline on anything but a list: a list (multi-select) goes to holds().
   */
  private pathTest(path: number, test: TestIR): TestPlan {
    const raw = this.rawLocal(path);
    if (test.kind === 'blank') {
      return { needs: [raw], emit: (fn) => (test.negated ? _`!${this.isBlank}(${fn.use(raw)})` : _`${this.isBlank}(${fn.use(raw)})`) };
    }
    const scalar = this.scalarTest(path, test);
    if (scalar === null) return { needs: [raw], emit: (fn) => _`${this.holds}(${fn.use(raw)}, ${this.prepared(test)})` };
    return {
      needs: [raw, ...scalar.needs],
      emit: (fn) => {
        const value = fn.use(raw);
        const inline = fn.branch(() => scalar.emit(fn));
        return group(_`Array.isArray(${value}) ? ${this.holds}(${fn.use(raw)}, ${this.prepared(test)}) : ${inline}`);
      },
    };
  }

  /**
   * The test on a value that is not a list, from the value's normalized text, number or time,
   * exactly as holds() decides it; null where the literals make a shortcut unsafe (empty text:
   * blank text would pass; non-finite numbers; a list holding an empty text).
   */
  private scalarTest(path: number, test: TestIR): TestPlan | null {
    const text = this.textLocal(path);
    const num = this.numberLocal(path);
    switch (test.kind) {
      case 'eq':
      case 'ne': {
        const equals = this.scalarEquals(text, num, test.text, test.num);
        if (equals === null) return null;
        return test.kind === 'eq' ? equals : { needs: equals.needs, emit: (fn) => not(equals.emit(fn)) };
      }
      case 'cmp': {
        const op = COMPARISON[test.op];
        if (op === undefined || !Number.isFinite(test.num)) return null;
        const subject = test.time ? this.timeLocal(path) : num;
        return { needs: [subject], emit: (fn) => _`${fn.use(subject)} ${op} ${test.num}` };
      }
      case 'between': {
        if (!Number.isFinite(test.low) || !Number.isFinite(test.high)) return null;
        const subject = test.time ? this.timeLocal(path) : num;
        return { needs: [subject], emit: (fn) => group(_`${fn.use(subject)} >= ${test.low} && ${fn.use(subject)} <= ${test.high}`) };
      }
      case 'in': {
        if (test.texts.includes('') || !test.nums.every(Number.isFinite)) return null;
        const prepared = this.preparedTest(test);
        return {
          needs: test.nums.length > 0 ? [text, num] : [text],
          emit: (fn) => {
            const found: Code[] = [];
            if (test.texts.length > 0) found.push(_`${this.scope.constant(prepared.texts, 'texts')}.has(${fn.use(text)})`);
            if (test.nums.length > 0) found.push(fn.branch(() => _`${this.scope.constant(prepared.nums, 'numbers')}.has(${fn.use(num)})`));
            return test.negated ? not(or(found)) : or(found);
          },
        };
      }
      case 'contains':
      case 'starts_with':
      case 'ends_with': {
        const method = TEXT_METHOD[test.kind];
        if (test.text === '') return null;
        return { needs: [text], emit: (fn) => group(_`${fn.use(text)} !== null && ${fn.use(text)}.${method}(${test.text})`) };
      }
      default:
        return null;
    }
  }

  /** `=` on a value that is not a list: by number when both sides are numbers, else by text. */
  private scalarEquals(text: LocalSpec, num: LocalSpec, literal: string, n: number | null): TestPlan | null {
    if (literal === '') return null;
    if (n === null) return { needs: [text], emit: (fn) => _`${fn.use(text)} === ${literal}` };
    if (!Number.isFinite(n)) return null;
    return {
      needs: [num, text],
      emit: (fn) => {
        const value = fn.use(num);
        const byText = fn.branch(() => _`${fn.use(text)} === ${literal}`);
        return group(_`Number.isNaN(${value}) ? ${byText} : ${fn.use(num)} === ${n}`);
      },
    };
  }

  // ---- locals and readers ------------------------------------------------------------------

  private local(prefix: string, index: number, init: (fn: FunctionContext) => Code): LocalSpec {
    let byIndex = this.locals.get(prefix);
    if (byIndex === undefined) {
      byIndex = [];
      this.locals.set(prefix, byIndex);
    }
    let spec = byIndex[index];
    if (spec === undefined) {
      spec = { prefix, init };
      byIndex[index] = spec;
    }
    return spec;
  }

  private rawLocal(path: number): LocalSpec {
    return this.local('value', path, () => _`${this.reader(path)}(${this.lead})`);
  }

  private textLocal(path: number): LocalSpec {
    return this.local('text', path, (fn) => _`${this.normText}(${fn.use(this.rawLocal(path))})`);
  }

  private numberLocal(path: number): LocalSpec {
    return this.local('number', path, (fn) => _`${this.numberOrNaN}(${fn.use(this.rawLocal(path))})`);
  }

  private timeLocal(path: number): LocalSpec {
    return this.local('time', path, (fn) => _`${this.timeOrNaN}(${fn.use(this.rawLocal(path))})`);
  }

  private dimensionLocal(dim: number): LocalSpec {
    return this.local('dimension', dim, () => _`${this.dimensionFunctions[dim]}(${this.lead}, ${this.scratch})`);
  }

  private preparedTest(test: TestIR): PreparedTest {
    let p = this.preparedTests.get(test);
    if (p === undefined) {
      // A pattern is compiled once however many tests use it (large policies repeat them).
      p = test.kind === 'matches' ? this.preparedPatterns.get(test.pattern) : undefined;
      if (p === undefined) p = prepareTest(test);
      if (test.kind === 'matches') this.preparedPatterns.set(test.pattern, p);
      this.preparedTests.set(test, p);
    }
    return p;
  }

  /** The prepared test, for holds(): an entry of one constant table (a large policy has thousands). */
  private prepared(test: TestIR): Code {
    const p = this.preparedTest(test);
    let index = this.testIndex.get(p);
    if (index === undefined) {
      index = this.testTable.length;
      this.testTable.push(p);
      this.testIndex.set(p, index);
    }
    return _`${this.tests}[${index}]`;
  }

  /**
   * The reader of a path: own properties of plain objects inline (the common case), readPath()
   * for everything else (missing keys, flat dotted keys), so its semantics stay in one place.
   */
  private reader(path: number): Name {
    let name = this.readerNames.get(path);
    if (name !== undefined) return name;
    const segments = this.ir.paths[path];
    if (segments === undefined) throw new Error(`codegen: unknown path ${path}`);
    name = this.scope.name('read');
    this.readerNames.set(path, name);
    const gen = this.readers;
    const segmentsConstant = this.scope.constant(segments, 'path');
    gen.function(name, [this.lead], () => {
      const level = (object: Name, i: number): void => {
        const isOwn = _`typeof ${object} === "object" && ${object} !== null && ${this.hasOwn}.call(${object}, ${segments[i]})`;
        if (i === segments.length - 1) {
          gen.ifThen(isOwn, _`return ${object}[${segments[i]}]`);
          return;
        }
        gen.if(isOwn, () => {
          const next = this.scope.name('level');
          gen.const(next, _`${object}[${segments[i]}]`);
          level(next, i + 1);
        });
      };
      if (segments.length > 0) level(this.lead, 0);
      gen.return(_`${this.readPath}(${this.lead}, ${segmentsConstant})`);
    });
    return name;
  }
}

/**
 * The keys of a test that, on a value that is not a list, holds exactly when normText(value) is
 * one of `texts` or toNumber(value) one of `nums`; null for any other test.
 */
function setLikeKeys(test: TestIR): { texts: readonly string[]; nums: readonly number[] } | null {
  if (test.kind === 'in') {
    if (test.negated || test.texts.includes('') || !test.nums.every(Number.isFinite)) return null;
    return { texts: test.texts, nums: test.nums };
  }
  if (test.kind !== 'eq' || test.text === '') return null;
  if (test.num === null) return { texts: [test.text], nums: [] };
  // `= 5` holds by number for numeric values and by text otherwise; that is "text or number"
  // only when the text, read as a number, is that number (or no number at all).
  const textAsNumber = toNumber(test.text);
  if (!Number.isFinite(test.num) || (textAsNumber !== null && textAsNumber !== test.num)) return null;
  return { texts: [test.text], nums: [test.num] };
}

/** The generated source and constants of a policy's evaluator (for tests and debugging). */
export function generateEvaluator(ir: PolicyIR): GeneratedEvaluator {
  return new Generator(ir).generate();
}

/** The fast Evaluator of a policy: generated JavaScript with the same answers as the reference evaluator. */
export function createCodegenEvaluator(ir: PolicyIR): Evaluator {
  const { source, constants } = generateEvaluator(ir);
  // The one place generated code is turned into a function: its source comes from ./code's
  // builder only, and its one parameter has a fixed name.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the sanctioned place, see above
  const factory = new Function(CONSTANTS, source) as (constants: readonly unknown[]) => Evaluator;
  return factory(constants);
}
