// The checker: every check of LANGUAGE.md "Checks at compile time" over the syntax tree, and the
// symbol tables (fields, dimensions in dependency order, pools, parsed options, parsed modifiers)
// that lowering needs. Names resolve the same way everywhere:
// - a one-segment path that names a dimension reads the dimension (a dimension hides a field of
//   the same name; declaring such a field is a warning), except where only a lead path makes
//   sense (`owner(path)`, `sticky by path`);
// - pool names ignore case (pool segments are matched against lead values, which ignore case).
// Work is linear in the policy: rules are compared through maps of condition keys, never pairwise.

import { DateTime, IANAZone } from 'luxon';
import type {
  Condition,
  DimensionArm,
  DimensionDecl,
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
import { type Diagnostic, didYouMean } from './diagnostics';
import { parseDuration } from './durations';
import { type HoursWindow, parseHours } from './hours';
import { compileRegex, toNumber, toTime } from '../core/values';
import { CAP_PERIODS, PRIORITIES, SOLD_CAP_PERIODS, STRATEGIES, type CapPeriod, type Priority, type SoldCapPeriod } from '../core/words';

export const FIELD_TYPE_NAMES: readonly string[] = ['text', 'number', 'boolean', 'email', 'phone', 'country', 'datetime', 'enum'];
const FIELD_TYPES_SHOWN = 'text, number, boolean, email, phone, country, datetime and enum(a, b, ...)';
/** Longer patterns are refused: a policy's regex is a short validation, not a program. */
export const MAX_PATTERN_LENGTH = 1000;
export const DEFAULT_OWNER_PATH = 'account.owner';
export const DEFAULT_FALLBACK = 'unrouted';
/** The name of a policy without a `policy` line (rotation and caps are kept under it). */
export const DEFAULT_POLICY_NAME = 'default';
/** Uncovered `by` combinations listed in one diagnostic before "and N more". */
export const COVERAGE_LIST_LIMIT = 20;
/** Steps of the coverage search after which it gives up silently (a huge product of values). */
const COVERAGE_BUDGET = 50_000;

export interface DimensionInfo {
  decl: DimensionDecl;
  name: string;
  /** Arms up to and including the first that always holds; later arms never fire. */
  arms: DimensionArm[];
  /** Values it can produce, first spelling of each, in arm order. */
  values: string[];
  /** `values` normalized (trimmed, lower-cased), same order. */
  keys: string[];
  keySet: ReadonlySet<string>;
  /** No arm always holds: the value may be blank. */
  canBeBlank: boolean;
}

/** Parsed options of a pool or a member (absent ones undefined; `hours` null means `24/7`). */
export interface OptionValues {
  weight: number | undefined;
  bid: number | undefined;
  cap: { count: number; per: CapPeriod } | undefined;
  soldCap: { count: number; per: SoldCapPeriod } | undefined;
  hours: HoursWindow[] | null | undefined;
  tz: string | undefined;
  /** Sorted, distinct `yyyy-mm-dd`. */
  holidays: string[];
  when: Condition | undefined;
}

export interface MemberInfo {
  decl: MemberDecl;
  name: string;
  options: OptionValues;
}

export interface PoolInfo {
  decl: PoolDecl;
  /** As declared, wildcards included. */
  name: string;
  /** `name` lower-cased: how pools are looked up. */
  key: string;
  /** Lower-cased segments, `*` for a wildcard. */
  segments: string[];
  options: OptionValues;
  members: MemberInfo[];
}

export interface CheckedRule {
  decl: RuleDecl;
  /** Index among the rules in file order, `else` included. */
  index: number;
  sla: { ms: number; text: string; business: boolean } | null;
  priority: Priority;
  tags: string[];
  /** Steps of `escalate to`, or null for the default (next, then the fallback). */
  escalation: EscalationStep[] | null;
  /** `floor N` of a `by_bid` rule: buyers bidding less are skipped; null without one. */
  floor: number | null;
  /** `multi_sell N` of a `by_bid` rule: how many buyers are offered the lead at once (1: exclusive). */
  multiSell: number;
}

export interface SymbolTables {
  /** Declared fields by path text; null without a `fields` block (then nothing is typed). */
  fields: ReadonlyMap<string, FieldDecl> | null;
  dimensionsByName: ReadonlyMap<string, DimensionInfo>;
  poolsByKey: ReadonlyMap<string, PoolInfo>;
}

export interface CheckedPolicy extends SymbolTables {
  ast: PolicyAst;
  name: string;
  /** In dependency order: a dimension only refers to dimensions before it. */
  dimensions: DimensionInfo[];
  /** In declared order. */
  pools: PoolInfo[];
  sticky: { path: PathRef; ms: number; text: string } | null;
  rules: CheckedRule[];
  /** The fallback queue's name (`unrouted` without a `fallback` line). */
  fallback: string;
}

/** What a path read in a condition refers to. `type` is null when no `fields` block declares it. */
export type Subject = { kind: 'dimension'; dimension: DimensionInfo } | { kind: 'path'; path: PathRef; type: FieldType | null };

/** A one-segment path naming a dimension reads the dimension; anything else is a lead path. */
export function subjectOf(tables: SymbolTables, path: PathRef): Subject {
  const dimension = path.segments.length === 1 ? tables.dimensionsByName.get(path.text) : undefined;
  if (dimension !== undefined) return { kind: 'dimension', dimension };
  return { kind: 'path', path, type: tables.fields?.get(path.text)?.type ?? null };
}

/**
 * How `<`, `<=`, `>`, `>=` and `between` compare a subject with a literal: as numbers, as
 * instants (a declared `datetime` field, or an undeclared one compared with an ISO date), or
 * not at all (null: a type error). Subject null: unknown (an unknown field already reported).
 */
export function comparisonMode(subject: Subject | null, lit: Literal): 'number' | 'time' | null {
  const type = subject === null ? null : subject.kind === 'dimension' ? 'dimension' : (subject.type?.kind ?? null);
  const num = toNumber(lit.value);
  const time = lit.kind === 'string' ? toTime(lit.value) : null;
  switch (type) {
    case null:
      return num !== null ? 'number' : time !== null ? 'time' : null;
    case 'number':
      return num !== null ? 'number' : null;
    case 'datetime':
      return time !== null ? 'time' : null;
    default:
      return null;
  }
}

/** A literal's value as written (a number keeps its spelling, `007`). */
export function literalText(lit: Literal): string {
  return lit.kind === 'string' ? lit.value : lit.text;
}

/** A literal as `=` and `in` compare it: trimmed and lower-cased text, a number as JSON writes it. */
export function normLiteral(lit: Literal): string {
  return lit.kind === 'string' ? lit.value.trim().toLowerCase() : String(lit.value);
}

export function isCondition(when: Predicate | Condition): when is Condition {
  return when.kind === 'and' || when.kind === 'or' || when.kind === 'not' || when.kind === 'test';
}

/** Operands of a chain of the same `and`/`or`, left to right, without recursion (chains can be long). */
export function flattenChain(c: Condition, kind: 'and' | 'or'): Condition[] {
  const out: Condition[] = [];
  const stack: Condition[] = [c];
  while (stack.length > 0) {
    const n = stack.pop() as Condition;
    if (n.kind === kind) stack.push(n.right, n.left);
    else out.push(n);
  }
  return out;
}

// ---- Condition facts: a canonical key per condition, its negation's key, and whether it
// provably always or never holds, under the value rules of compiler/values.ts (where `=`/`!=`,
// `in`/`not in` and `is blank`/`is not blank` are exact complements, blank values included).

interface CondFacts {
  key: string;
  negKey: string;
  always: boolean;
  never: boolean;
  /** The operands' facts for an `and`/`or` chain. */
  parts: CondFacts[] | null;
}

function literalKey(lit: Literal): string {
  return lit.kind === 'number' ? `#${lit.value}` : JSON.stringify(lit.value.trim().toLowerCase());
}

function testFacts(subject: string, p: Predicate): CondFacts {
  const plain = (key: string, never = false): CondFacts => ({ key, negKey: `(not ${key})`, always: false, never, parts: null });
  const pair = (key: string, negKey: string, always: boolean, never: boolean): CondFacts => ({ key, negKey, always, never, parts: null });
  switch (p.kind) {
    case 'compare': {
      const lit = literalKey(p.value);
      const blank = p.value.kind === 'string' && p.value.value.trim() === '';
      if (p.op === '=') return pair(`${subject} = ${lit}`, `${subject} != ${lit}`, false, blank);
      if (p.op === '!=') return pair(`${subject} != ${lit}`, `${subject} = ${lit}`, blank, false);
      return plain(`${subject} ${p.op} ${lit}`);
    }
    case 'in': {
      const list = `[${[...new Set(p.values.map(literalKey))].sort().join(',')}]`;
      const empty = p.values.length === 0;
      const inKey = `${subject} in ${list}`;
      const notInKey = `${subject} not in ${list}`;
      return p.negated ? pair(notInKey, inKey, empty, false) : pair(inKey, notInKey, false, empty);
    }
    case 'between':
      return plain(`${subject} between ${literalKey(p.low)} ${literalKey(p.high)}`);
    case 'blank': {
      const blank = `${subject} is blank`;
      const notBlank = `${subject} is not blank`;
      return p.negated ? pair(notBlank, blank, false, false) : pair(blank, notBlank, false, false);
    }
    case 'text':
      return plain(`${subject} ${p.op} ${literalKey(p.value)}`);
    case 'matches':
      return plain(`${subject} matches ${JSON.stringify(literalText(p.pattern))}`);
  }
}

function conditionFacts(c: Condition): CondFacts {
  switch (c.kind) {
    case 'test':
      return testFacts(c.subject.text, c.predicate);
    case 'not': {
      const f = conditionFacts(c.operand);
      return { key: f.negKey, negKey: f.key, always: f.never, never: f.always, parts: null };
    }
    case 'and':
    case 'or': {
      const parts = flattenChain(c, c.kind).map(conditionFacts);
      const keys = new Set(parts.map((p) => p.key));
      const complementary = parts.some((p) => keys.has(p.negKey));
      const key = `(${c.kind} ${[...keys].sort().join(' ')})`;
      const always = c.kind === 'and' ? parts.every((p) => p.always) : complementary || parts.some((p) => p.always);
      const never = c.kind === 'and' ? complementary || parts.some((p) => p.never) : parts.every((p) => p.never);
      return { key, negKey: `(not ${key})`, always, never, parts };
    }
  }
}

// ---- Spans and messages

/** The first `length` characters of a span (a keyword at its start). */
function headSpan(span: Span, length: number): Span {
  return { start: span.start, end: Math.min(span.end, span.start + length), line: span.line, column: span.column };
}

/** A part of a quoted string literal, when the literal has no escapes (offsets then match the source). */
function insideString(lit: Literal, offset: number, length: number): Span {
  const raw = lit.span.end - lit.span.start;
  if (lit.kind !== 'string' || raw !== literalText(lit).length + 2) return lit.span;
  const start = lit.span.start + 1 + offset;
  return { start, end: start + Math.max(1, length), line: lit.span.line, column: lit.span.column + 1 + offset };
}

function code(text: string): string {
  return `\`${text}\``;
}

/** Words for a message; a long list is cut after ten. */
function listWords(words: readonly string[]): string {
  return words.length > 10 ? `${words.slice(0, 10).join(', ')}, ... (${words.length} in all)` : words.join(', ');
}

function describeType(type: FieldType): string {
  return type.kind === 'enum' ? `an enum(${listWords(type.values.map((v) => v.text))})` : `a ${type.kind}`;
}

let regionNames: Intl.DisplayNames | null = null;
/** Answers by code: ICU lookups are slow next to the rest of a check, and codes repeat. */
const knownCountries = new Map<string, boolean>();
/** Whether a two-letter code (lower-case) is an ISO 3166-1 region known to ICU. */
function knownCountry(code2: string): boolean {
  let known = knownCountries.get(code2);
  if (known === undefined) {
    regionNames ??= new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
    known = regionNames.of(code2.toUpperCase()) !== undefined;
    knownCountries.set(code2, known);
  }
  return known;
}

let zoneNames: string[] | null = null;
function knownZones(): string[] {
  zoneNames ??= [...Intl.supportedValuesOf('timeZone'), 'UTC'];
  return zoneNames;
}

/** A real calendar date written `yyyy-mm-dd`. */
function validDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && DateTime.fromFormat(text, 'yyyy-MM-dd', { zone: 'UTC' }).isValid;
}

const OPTION_PLACES: Record<PoolOption['kind'], 'pool' | 'member' | 'both'> = {
  weight: 'member',
  bid: 'member',
  cap: 'member',
  sold_cap: 'member',
  when: 'member',
  holidays: 'pool',
  hours: 'both',
  tz: 'both',
};

const REGEX_UNSUPPORTED = /\\[1-9k]|\(\?<?[=!]/;

/**
 * The largest compiled pattern accepted, in RE2 program steps. RE2 matches in time proportional to
 * the text times the program's size, and repeats multiply that size (`(.*a){1000}` is 5,002 steps:
 * seconds on one 100 KB lead), so the size is what bounds a decision's cost.
 */
export const MAX_PATTERN_STEPS = 300;

/** Why a pattern does not compile (RE2 syntax) or is too costly to match, or null. */
function regexProblem(text: string): string | null {
  try {
    const steps = compileRegex(text).programSize();
    if (steps <= MAX_PATTERN_STEPS) return null;
    return `the pattern compiles to ${steps} steps, more than the ${MAX_PATTERN_STEPS} allowed: matching costs every step at every character of a value, and counted repeats multiply a group's steps (\`(.*a){1000}\`); repeat less, or drop a repetition inside a repetition`;
  } catch (e) {
    const reason = (e instanceof Error ? e.message : String(e)).replace(/^error parsing regexp: /, '');
    const unsupported = REGEX_UNSUPPORTED.test(text)
      ? '; patterns use RE2 syntax, which runs in linear time and so has no backreferences (`\\1`, `\\k<name>`) and no lookaround (`(?=`, `(?!`, `(?<=`, `(?<!`)'
      : '';
    return `invalid regex: ${reason}${unsupported}`;
  }
}

// ---- The checker

class Checker {
  readonly diagnostics: Diagnostic[] = [];
  fields: Map<string, FieldDecl> | null = null;
  readonly dimensionsByName = new Map<string, DimensionInfo>();
  readonly poolDecls = new Map<string, PoolDecl>();
  readonly poolsByKey = new Map<string, PoolInfo>();
  /** Pools named directly by a target (`round_robin(P)`). */
  readonly poolsNamed = new Set<string>();
  /** Distinct `by` step lists, by their names joined. */
  readonly bySignatures = new Map<string, Subject[]>();
  /** Pools a `by_bid(P)` target names (lower-cased), and whether a `by ... then by_bid(pool)` may reach any: where sold caps count. */
  readonly bidPools = new Set<string>();
  bidByAny = false;
  private readonly coverageMemo = new Map<string, { count: number; listed: string[] } | null>();
  /** Per pattern text, why it does not compile (null: it does): policies repeat their patterns. */
  private readonly regexProblems = new Map<string, string | null>();
  private poolsBySize: Map<number, PoolInfo[]> | null = null;

  error(code: string, span: Span, message: string, suggestion?: string): void {
    this.diagnostics.push(suggestion === undefined ? { severity: 'error', code, message, span } : { severity: 'error', code, message, span, suggestion });
  }

  warn(code: string, span: Span, message: string, suggestion?: string): void {
    this.diagnostics.push(suggestion === undefined ? { severity: 'warning', code, message, span } : { severity: 'warning', code, message, span, suggestion });
  }

  /** Complete once pass 1 has run (`fields` is set then). */
  private tables: SymbolTables = { fields: null, dimensionsByName: this.dimensionsByName, poolsByKey: this.poolsByKey };

  check(ast: PolicyAst): CheckedPolicy | null {
    const single = new Map<'policy' | 'fields' | 'sticky' | 'fallback', Statement>();
    const dimensionDecls: DimensionDecl[] = [];
    const ruleDecls: RuleDecl[] = [];
    // Pass 1: names. Everything may be used before it is declared.
    for (const st of ast.statements) {
      if (st.kind === 'policy' || st.kind === 'fields' || st.kind === 'sticky' || st.kind === 'fallback') {
        const first = single.get(st.kind);
        if (first === undefined) single.set(st.kind, st);
        else this.error('duplicate-statement', headSpan(st.span, st.kind.length), `a second \`${st.kind}\` statement; the first is on line ${first.span.line}`, `merge them into one \`${st.kind}\` statement`);
      }
      switch (st.kind) {
        case 'fields':
          this.collectFields(st);
          break;
        case 'dimension':
          if (this.collectDimension(st)) dimensionDecls.push(st);
          break;
        case 'pool': {
          const key = st.name.text.toLowerCase();
          const first = this.poolDecls.get(key);
          if (first === undefined) this.poolDecls.set(key, st);
          else this.error('duplicate-pool', st.name.span, `pool ${code(st.name.text)} is declared twice (first on line ${first.span.line}); pool names ignore case`);
          break;
        }
        case 'rule':
          ruleDecls.push(st);
          break;
        default:
          break;
      }
    }

    // Pass 2: meaning.
    this.tables = { fields: this.fields, dimensionsByName: this.dimensionsByName, poolsByKey: this.poolsByKey };
    this.checkFieldShadowing();
    const dimensions = this.checkDimensions(dimensionDecls);
    const pools = [...this.poolDecls.values()].map((decl) => this.checkPool(decl));
    for (const p of pools) this.poolsByKey.set(p.key, p);

    const policyDecl = single.get('policy');
    let name = DEFAULT_POLICY_NAME;
    if (policyDecl?.kind === 'policy') {
      name = policyDecl.name.text;
      this.requireName(policyDecl.name, 'a policy name');
    } else {
      this.warn('missing-policy-name', ast.statements.length > 0 ? headSpan(ast.statements[0].span, 1) : ast.span, `the policy has no name: rotation, caps and sticky owners are kept under \`${DEFAULT_POLICY_NAME}\`, shared with every other unnamed policy`, 'add `policy "NAME"` at the top');
    }

    const stickyDecl = single.get('sticky');
    let sticky: CheckedPolicy['sticky'] = null;
    if (stickyDecl?.kind === 'sticky') {
      this.resolveLeadPath(stickyDecl.path, '`sticky by`');
      const ms = this.checkDuration(stickyDecl.window.text, stickyDecl.window.span);
      if (ms !== null) sticky = { path: stickyDecl.path, ms, text: stickyDecl.window.text };
    }

    const rules = this.checkRules(ruleDecls);

    const fallbackDecl = single.get('fallback');
    let fallback = DEFAULT_FALLBACK;
    if (fallbackDecl?.kind === 'fallback') {
      const t = fallbackDecl.target;
      if (t.kind === 'queue') {
        fallback = t.name.text;
        this.requireName(t.name, 'a queue name');
      } else this.error('fallback-not-queue', t.span, 'the fallback is a queue: leads that no target takes wait there with status `exception`', 'write `fallback queue NAME`');
    } else {
      const at = ruleDecls.length > 0 ? ruleDecls[ruleDecls.length - 1].span : ast.span;
      this.warn('missing-fallback', headSpan(at, 4), `no \`fallback\` line: leads that no target takes go to \`queue ${DEFAULT_FALLBACK}\``, 'add `fallback queue NAME` for a queue someone watches');
    }

    this.checkUnusedPools(pools);
    this.checkSoldCaps(pools);

    this.diagnostics.sort((a, b) => a.span.start - b.span.start);
    if (this.diagnostics.some((d) => d.severity === 'error')) return null;
    return { ast, name, fields: this.fields, dimensionsByName: this.dimensionsByName, poolsByKey: this.poolsByKey, dimensions, pools, sticky, rules, fallback };
  }

  // ---- Fields

  private collectFields(st: FieldsDecl): void {
    this.fields ??= new Map();
    for (const f of st.fields) {
      const first = this.fields.get(f.path.text);
      if (first !== undefined) this.error('duplicate-field', f.path.span, `field ${code(f.path.text)} is declared twice (first on line ${first.span.line})`);
      else this.fields.set(f.path.text, f);
      if (f.type === null) {
        this.error('unknown-type', f.typeName.span, `unknown type ${code(f.typeName.text)}; types are ${FIELD_TYPES_SHOWN}`, didYouMean(f.typeName.text, FIELD_TYPE_NAMES));
      } else if (f.type.kind === 'enum') {
        const seen = new Set<string>();
        for (const v of f.type.values) {
          const key = v.text.trim().toLowerCase();
          if (seen.has(key)) this.warn('duplicate-enum-value', v.span, `enum value ${code(v.text)} is listed twice (values ignore case)`);
          seen.add(key);
        }
      }
    }
    this.checkFieldNesting();
    this.checkFromNames();
  }

  /** A declared field holds one value: no other declared field may sit inside it (its value is read and typed whole). */
  private checkFieldNesting(): void {
    const fields = this.fields as Map<string, FieldDecl>;
    for (const f of fields.values()) {
      const segments = f.path.segments;
      for (let n = 1; n < segments.length; n++) {
        const outer = fields.get(segments.slice(0, n).join('.'));
        if (outer !== undefined) {
          this.error('field-inside-field', f.path.span, `field ${code(f.path.text)} is inside field ${code(outer.path.text)} (line ${outer.span.line}), which holds one value`, `declare ${code(outer.path.text)} or the fields inside it, not both`);
        }
      }
    }
  }

  /** A column named in `from` by two fields would give both the same value: the later one is likely a slip. */
  private checkFromNames(): void {
    const claimed = new Map<string, FieldDecl>();
    for (const f of (this.fields as Map<string, FieldDecl>).values()) {
      for (const name of f.from) {
        const first = claimed.get(name.text);
        if (first !== undefined && first !== f) this.warn('shared-from', name.span, `column ${code(name.text)} is also read for field ${code(first.path.text)} (line ${first.span.line})`, 'name each column in one field\'s `from`');
        else claimed.set(name.text, f);
      }
    }
  }

  private checkFieldShadowing(): void {
    if (this.fields === null) return;
    for (const f of this.fields.values()) {
      if (this.dimensionsByName.has(f.path.text)) {
        this.warn('field-shadowed', f.path.span, `the dimension ${code(f.path.text)} hides this field: conditions and \`by\` steps that say ${code(f.path.text)} read the dimension`, 'rename the dimension or the field');
      }
    }
  }

  // ---- Dimensions

  /** Registers a dimension and works out the values it can produce; false for a duplicate. */
  private collectDimension(d: DimensionDecl): boolean {
    const first = this.dimensionsByName.get(d.name.text);
    if (first !== undefined) {
      this.error('duplicate-dimension', d.name.span, `dimension ${code(d.name.text)} is declared twice (first on line ${first.decl.span.line})`);
      return false;
    }
    const arms: DimensionArm[] = [];
    const values: string[] = [];
    const keys: string[] = [];
    const keySet = new Set<string>();
    let canBeBlank = true;
    for (const arm of d.arms) {
      if (!canBeBlank) {
        this.warn('unreachable-arm', arm.value.span, `this arm never holds: an earlier arm of ${code(d.name.text)} always holds`, 'move it above that arm or remove it');
        continue;
      }
      arms.push(arm);
      const key = arm.value.text.trim().toLowerCase();
      if (key === '') this.error('blank-name', arm.value.span, 'a dimension value cannot be blank');
      if (keySet.has(key)) this.warn('duplicate-dimension-value', arm.value.span, `value ${code(arm.value.text)} of ${code(d.name.text)} is named by an earlier arm too (values ignore case)`, 'merge the two arms into one with `or`');
      else {
        keySet.add(key);
        values.push(arm.value.text);
        keys.push(key);
      }
      if (arm.when === null || (isCondition(arm.when) && conditionFacts(arm.when).always)) canBeBlank = false;
    }
    this.dimensionsByName.set(d.name.text, { decl: d, name: d.name.text, arms, values, keys, keySet, canBeBlank });
    return true;
  }

  /** Checks each dimension's subject and arms, then orders dimensions so that each follows those it reads. */
  private checkDimensions(decls: DimensionDecl[]): DimensionInfo[] {
    const deps = new Map<DimensionInfo, Set<DimensionInfo>>();
    for (const d of decls) {
      const info = this.dimensionsByName.get(d.name.text) as DimensionInfo;
      const uses = new Set<DimensionInfo>();
      deps.set(info, uses);
      const subject = d.by === null ? null : this.resolveRead(d.by, uses);
      // Every arm is checked, unreachable ones too: their errors would surface once moved.
      for (const arm of d.arms) {
        if (arm.when === null) continue;
        if (isCondition(arm.when)) this.checkCondition(arm.when, uses);
        else if (d.by === null) this.error('arm-needs-subject', arm.when.span, `this arm of ${code(d.name.text)} has no subject: the dimension has no \`by PATH\``, `write a whole condition (\`employees >= 1000\`) or declare \`dimension ${d.name.text} by PATH\``);
        else this.checkPredicate(subject, d.by, arm.when);
      }
    }
    // Depth-first in declared order: the order is the declared one wherever dependencies allow.
    const ordered: DimensionInfo[] = [];
    const state = new Map<DimensionInfo, 'visiting' | 'done'>();
    const stack: DimensionInfo[] = [];
    const visit = (dim: DimensionInfo): void => {
      const s = state.get(dim);
      if (s === 'done') return;
      if (s === 'visiting') {
        const cycle = stack.slice(stack.indexOf(dim)).concat(dim);
        this.error('dimension-cycle', dim.decl.name.span, `dimensions refer to each other in a cycle: ${cycle.map((x) => x.name).join(' -> ')}`, 'a dimension may only use dimensions that do not use it');
        return;
      }
      state.set(dim, 'visiting');
      stack.push(dim);
      for (const dep of deps.get(dim) ?? []) visit(dep);
      stack.pop();
      state.set(dim, 'done');
      ordered.push(dim);
    };
    for (const d of decls) visit(this.dimensionsByName.get(d.name.text) as DimensionInfo);
    return ordered;
  }

  // ---- Reads

  /** A path read by a condition or a `by`: a dimension, or a field (declared when there is a `fields` block). Null when unknown. */
  private resolveRead(path: PathRef, uses: Set<DimensionInfo> | null): Subject | null {
    const subject = subjectOf(this.tables, path);
    if (subject.kind === 'dimension') {
      uses?.add(subject.dimension);
      return subject;
    }
    if (this.fields !== null && !this.fields.has(path.text)) {
      this.error('unknown-field', path.span, `unknown field ${code(path.text)}: the \`fields\` block does not declare it and no dimension has that name`, didYouMean(path.text, [...this.fields.keys(), ...this.dimensionsByName.keys()]) ?? `declare it in \`fields\`: \`${path.text}: text\``);
      return null;
    }
    return subject;
  }

  /** A path that must be a lead field (owner, sticky): declared when there is a `fields` block. */
  private resolveLeadPath(path: PathRef, what: string): void {
    if (this.fields === null || this.fields.has(path.text)) return;
    const dimension = this.dimensionsByName.has(path.text) ? ` (${code(path.text)} is a dimension; ${what} reads a lead field)` : '';
    this.error('unknown-field', path.span, `unknown field ${code(path.text)}${dimension}: the \`fields\` block does not declare it`, didYouMean(path.text, this.fields.keys()) ?? `declare it in \`fields\`: \`${path.text}: text\``);
  }

  private checkCondition(c: Condition, uses: Set<DimensionInfo> | null): void {
    const stack: Condition[] = [c];
    while (stack.length > 0) {
      const n = stack.pop() as Condition;
      if (n.kind === 'and' || n.kind === 'or') stack.push(n.right, n.left);
      else if (n.kind === 'not') stack.push(n.operand);
      else this.checkPredicate(this.resolveRead(n.subject, uses), n.subject, n.predicate);
    }
  }

  // ---- Types

  private checkPredicate(subject: Subject | null, path: PathRef, p: Predicate): void {
    switch (p.kind) {
      case 'compare':
        if (p.op === '=' || p.op === '!=') this.checkEquality(subject, path, p.value, p.op);
        else this.checkOrdering(subject, path, p.op, [p.value], p.span);
        return;
      case 'in':
        for (const v of p.values) this.checkEquality(subject, path, v, p.negated ? 'not in' : 'in');
        return;
      case 'between': {
        const modes = this.checkOrdering(subject, path, 'between', [p.low, p.high], p.span);
        if (modes !== null) {
          const low = modes === 'number' ? toNumber(p.low.value) : toTime(p.low.value);
          const high = modes === 'number' ? toNumber(p.high.value) : toTime(p.high.value);
          if (low !== null && high !== null && low > high) this.warn('empty-range', p.span, `\`between ${literalText(p.low)} and ${literalText(p.high)}\` never holds: the low end is above the high end`, `write \`between ${literalText(p.high)} and ${literalText(p.low)}\``);
        }
        return;
      }
      case 'blank':
        return;
      case 'text': {
        const kind = subject?.kind === 'path' ? subject.type?.kind : undefined;
        if (kind === 'number' || kind === 'boolean' || kind === 'datetime') {
          const op = p.op.replace('_', ' ');
          this.warn('text-op-on-non-text', p.span, `\`${op}\` compares text, and ${code(path.text)} is a ${kind} field: its value is read as text (as JSON writes it)`, kind === 'number' ? 'compare numbers with =, <, >, between' : undefined);
        }
        return;
      }
      case 'matches': {
        const kind = subject?.kind === 'path' ? subject.type?.kind : undefined;
        if (kind === 'number' || kind === 'boolean' || kind === 'datetime') this.error('type-mismatch', p.span, `\`matches\` works on text, and ${code(path.text)} is a ${kind} field`, kind === 'number' ? 'compare numbers with =, <, >, between' : undefined);
        this.checkRegex(p.pattern);
        return;
      }
    }
  }

  private checkEquality(subject: Subject | null, path: PathRef, lit: Literal, op: string): void {
    if (subject === null) return;
    const norm = normLiteral(lit);
    if (norm === '') {
      const instead = op === '=' || op === 'in' ? 'is blank' : 'is not blank';
      this.warn('blank-literal', lit.span, `a blank value makes every comparison false (except \`!=\` and \`not in\`, always true)`, `write \`${path.text} ${instead}\``);
      return;
    }
    if (subject.kind === 'dimension') {
      const dim = subject.dimension;
      if (!dim.keySet.has(norm)) this.error('unknown-dimension-value', lit.span, `dimension ${code(dim.name)} has no value ${code(literalText(lit))}; its values are ${listWords(dim.values)}`, didYouMean(literalText(lit), dim.values));
      return;
    }
    const type = subject.type;
    switch (type?.kind) {
      case undefined:
      case 'text':
      case 'email':
      case 'phone':
        return;
      case 'enum': {
        const values = type.values.map((v) => v.text);
        if (!values.some((v) => v.trim().toLowerCase() === norm)) this.error('unknown-enum-value', lit.span, `${code(path.text)} is enum(${listWords(values)}) and cannot be ${code(literalText(lit))}`, didYouMean(literalText(lit), values));
        return;
      }
      case 'number':
        if (toNumber(lit.value) === null) this.error('type-mismatch', lit.span, `${code(path.text)} is a number field; compare it with a number, not ${code(literalText(lit))}`);
        return;
      case 'boolean':
        if (norm !== 'true' && norm !== 'false') this.error('type-mismatch', lit.span, `${code(path.text)} is a boolean field; compare it with true or false, not ${code(literalText(lit))}`, didYouMean(norm, ['true', 'false']));
        return;
      case 'country':
        if (lit.kind !== 'string' || !/^[a-z]{2}$/.test(norm)) this.error('type-mismatch', lit.span, `${code(path.text)} is a country field: values are ISO 3166-1 alpha-2 codes such as \`US\`, not ${code(literalText(lit))}`);
        else if (!knownCountry(norm)) this.warn('unknown-country', lit.span, `${code(literalText(lit))} is not a known ISO 3166-1 alpha-2 country code`);
        return;
      case 'datetime':
        this.error('type-mismatch', lit.span, `${code(path.text)} is a datetime field: compare instants with <, <=, >, >= or between, not \`${op}\``, `e.g. \`${path.text} >= "2026-01-01"\``);
        return;
    }
  }

  /** Checks literals of `<`, `<=`, `>`, `>=`, `between`; returns the comparison mode when all agree. */
  private checkOrdering(subject: Subject | null, path: PathRef, op: string, lits: Literal[], span: Span): 'number' | 'time' | null {
    if (subject !== null && (subject.kind === 'dimension' || (subject.type !== null && subject.type.kind !== 'number' && subject.type.kind !== 'datetime'))) {
      const what = subject.kind === 'dimension' ? 'a dimension' : `${describeType(subject.type as FieldType)} field`;
      this.error('type-mismatch', span, `\`${op}\` compares numbers or datetimes, and ${code(path.text)} is ${what}`, subject.kind === 'dimension' ? 'compare dimension values with = or in [...]' : undefined);
      return null;
    }
    let mode: 'number' | 'time' | null = null;
    for (const lit of lits) {
      const m = comparisonMode(subject, lit);
      if (m === null) {
        const type = subject?.kind === 'path' ? subject.type?.kind : undefined;
        const want = type === 'number' ? 'a number' : type === 'datetime' ? 'an ISO date such as "2026-01-31" or "2026-01-31T09:00:00Z"' : 'a number or an ISO date such as "2026-01-31"';
        this.error('type-mismatch', lit.span, `\`${op}\` needs ${want}, not ${code(literalText(lit))}`);
        return null;
      }
      if (mode !== null && m !== mode) {
        this.error('type-mismatch', lit.span, `\`between\` needs two numbers or two dates, not one of each`);
        return null;
      }
      mode = m;
    }
    return mode;
  }

  private checkRegex(pattern: Literal): void {
    const text = literalText(pattern);
    if (text.length > MAX_PATTERN_LENGTH) {
      this.error('invalid-regex', pattern.span, `the pattern is ${text.length} characters long; patterns are limited to ${MAX_PATTERN_LENGTH}`);
      return;
    }
    let problem = this.regexProblems.get(text);
    if (problem === undefined) {
      problem = regexProblem(text);
      this.regexProblems.set(text, problem);
    }
    if (problem !== null) this.error('invalid-regex', pattern.span, problem);
  }

  // ---- Values of options and modifiers

  private checkDuration(text: string, span: Span): number | null {
    const d = parseDuration(text);
    if (d.ok) return d.ms;
    this.error('invalid-duration', span, d.message);
    return null;
  }

  private requireName(name: Name, what: string): void {
    if (name.text.trim() === '') this.error('blank-name', name.span, `${what} cannot be blank`);
  }

  // ---- Pools

  private checkPool(decl: PoolDecl): PoolInfo {
    const options = this.checkOptions(decl.options, 'pool');
    if (decl.members.length === 0) this.error('empty-pool', decl.name.span, `pool ${code(decl.name.text)} has no members`, `write \`pool ${decl.name.text} = [alice, bob]\``);
    const seen = new Map<string, MemberDecl>();
    const members: MemberInfo[] = [];
    for (const m of decl.members) {
      this.requireName(m.name, 'a member name');
      const first = seen.get(m.name.text);
      if (first !== undefined) {
        this.error('duplicate-member', m.name.span, `${code(m.name.text)} is listed twice in pool ${code(decl.name.text)}`, 'give one member several options instead: `alice weight 2 cap 40/day`');
        continue;
      }
      seen.set(m.name.text, m);
      members.push({ decl: m, name: m.name.text, options: this.checkOptions(m.options, 'member') });
    }
    return { decl, name: decl.name.text, key: decl.name.text.toLowerCase(), segments: decl.name.segments.map((s) => s.toLowerCase()), options, members };
  }

  private checkOptions(options: PoolOption[], place: 'pool' | 'member'): OptionValues {
    const out: OptionValues = { weight: undefined, bid: undefined, cap: undefined, soldCap: undefined, hours: undefined, tz: undefined, holidays: [], when: undefined };
    const seen = new Set<PoolOption['kind']>();
    for (const o of options) {
      const allowed = OPTION_PLACES[o.kind];
      if (allowed !== 'both' && allowed !== place) {
        this.error(
          'misplaced-option',
          headSpan(o.span, o.kind.length),
          allowed === 'member' ? `\`${o.kind}\` is an option of a member, not of a pool` : `\`${o.kind}\` is an option of a pool, not of a member`,
          allowed === 'member' ? `write it after the member's name inside the brackets: \`[alice ${o.kind} ...]\`` : 'write it after the closing `]` of the pool',
        );
        continue;
      }
      if (seen.has(o.kind)) {
        this.error('duplicate-option', headSpan(o.span, o.kind.length), `\`${o.kind}\` is given twice for the same ${place}`);
        continue;
      }
      seen.add(o.kind);
      switch (o.kind) {
        case 'weight': {
          const n = o.value.kind === 'number' ? o.value.value : null;
          if (n === null || !Number.isFinite(n) || n <= 0) this.error('invalid-weight', o.value.span, `a weight is a positive number, not ${code(literalText(o.value))}`, 'e.g. `weight 2`');
          else out.weight = n;
          break;
        }
        case 'bid': {
          const n = o.value.kind === 'number' ? o.value.value : null;
          if (n === null || !Number.isFinite(n)) this.error('invalid-bid', o.value.span, `a bid is a number, not ${code(literalText(o.value))}`, 'e.g. `bid 25`');
          else out.bid = n;
          break;
        }
        case 'cap': {
          const cap = this.checkCap(o, CAP_PERIODS, 'leads');
          if (cap !== undefined) out.cap = cap;
          break;
        }
        case 'sold_cap': {
          const cap = this.checkCap(o, SOLD_CAP_PERIODS, 'sales');
          if (cap !== undefined) out.soldCap = cap;
          break;
        }
        case 'hours': {
          if (o.value.kind !== 'string') {
            this.error('invalid-hours', o.value.span, 'hours are a quoted text such as "Mon-Fri 09:00-17:00"');
            break;
          }
          const h = parseHours(o.value.value);
          if (h.ok) out.hours = h.windows;
          else this.error('invalid-hours', insideString(o.value, h.offset, h.length), h.message, 'e.g. "Mon-Fri 09:00-17:00, Sat 10:00-14:00", or "24/7"');
          break;
        }
        case 'tz': {
          const zone = literalText(o.value);
          if (o.value.kind === 'string' && IANAZone.isValidZone(zone)) out.tz = zone;
          else this.error('invalid-timezone', o.value.span, `unknown time zone ${code(zone)}; write an IANA zone such as "America/New_York" or "UTC"`, didYouMean(zone, knownZones()));
          break;
        }
        case 'holidays': {
          const dates = new Set<string>();
          for (const d of o.dates) {
            if (validDate(d.text)) dates.add(d.text);
            else this.error('invalid-date', d.span, `${code(d.text)} is not a calendar date; write yyyy-mm-dd, e.g. 2026-12-25`);
          }
          out.holidays = [...dates].sort();
          break;
        }
        case 'when':
          this.checkCondition(o.condition, null);
          out.when = o.condition;
          break;
      }
    }
    return out;
  }

  /** `cap N/PER` or `sold_cap N/PER`: a whole count above 0 and one of `periods`; undefined (reported) otherwise. */
  private checkCap<P extends string>(o: Extract<PoolOption, { kind: 'cap' | 'sold_cap' }>, periods: readonly P[], counted: string): { count: number; per: P } | undefined {
    const n = o.count.kind === 'number' ? o.count.value : null;
    const per = periods.find((p) => p === o.per.text);
    if (n === null || !Number.isInteger(n) || n <= 0) this.error(`invalid-${o.kind.replace('_', '-')}`, o.count.span, `a ${o.kind} counts ${counted}: a whole number above 0, not ${code(literalText(o.count))}`, `e.g. \`${o.kind} 40/day\``);
    if (per === undefined) this.error(`unknown-${o.kind.replace('_', '-')}-period`, o.per.span, `unknown ${o.kind} period ${code(o.per.text)}; periods are ${periods.join(', ')}`, didYouMean(o.per.text, periods));
    return n !== null && Number.isInteger(n) && n > 0 && per !== undefined ? { count: n, per } : undefined;
  }

  /** The pool a target names, by name ignoring case; reports an unknown one. */
  private resolvePool(pool: PoolName): void {
    const key = pool.text.toLowerCase();
    if (this.poolDecls.has(key)) {
      this.poolsNamed.add(key);
      return;
    }
    const names = [...this.poolDecls.values()].map((p) => p.name.text);
    const byOnly = key === 'pool' ? ': `pool` stands for the matched pool only in `by ... then STRATEGY(pool)`' : '';
    this.error('unknown-pool', pool.span, `unknown pool ${code(pool.text)}${byOnly}`, didYouMean(pool.text, names) ?? (names.length > 0 ? `pools are ${listWords(names)}` : `declare it: \`pool ${pool.text} = [alice, bob]\``));
  }

  private checkStrategy(strategy: Name): void {
    if (!(STRATEGIES as readonly string[]).includes(strategy.text)) {
      this.error('unknown-strategy', strategy.span, `unknown strategy ${code(strategy.text)}; strategies are ${listWords(STRATEGIES)}`, didYouMean(strategy.text, STRATEGIES));
    }
  }

  // ---- Rules

  private checkRules(decls: RuleDecl[]): CheckedRule[] {
    const rules: CheckedRule[] = [];
    /** Condition keys whose truth makes an earlier rule hold, with that rule. */
    const covering = new Map<string, RuleDecl>();
    /** The first rule that takes every lead (`else`, or a condition that always holds). */
    let takesAll: RuleDecl | null = null;
    decls.forEach((decl, index) => {
      const head = headSpan(decl.span, 4);
      if (decl.condition !== null) this.checkCondition(decl.condition, null);
      for (const t of decl.targets) this.checkTarget(t);
      rules.push({ decl, index, ...this.checkModifiers(decl) });

      if (decl.condition === null && index < decls.length - 1) {
        this.error('else-not-last', head, `\`else\` must be the last rule: the ${decls.length - 1 - index} rule(s) after it never fire`, 'move it to the end, or write `when CONDITION route ...`');
      }
      if (takesAll !== null) {
        if (takesAll.condition === null) this.warn('unreachable-rule', head, `this rule never fires: the \`else\` on line ${takesAll.span.line} takes every lead first`);
        else this.warn('shadowed-rule', head, `this rule never fires: the rule on line ${takesAll.span.line} always holds and takes every lead first`, `move it above line ${takesAll.span.line}`);
        return;
      }
      if (decl.condition === null) {
        takesAll = decl;
        return;
      }
      const facts = conditionFacts(decl.condition);
      if (facts.never) {
        this.warn('never-holds', head, 'this rule never fires: its condition can never hold');
        return;
      }
      const conjuncts = decl.condition.kind === 'and' ? [facts, ...(facts.parts ?? [])] : [facts];
      const earlier = conjuncts.map((f) => covering.get(f.key)).find((r) => r !== undefined);
      if (earlier !== undefined) {
        this.warn('shadowed-rule', head, `this rule never fires: the rule on line ${earlier.span.line} (\`${earlier.source}\`) takes every lead it matches`, `move it above line ${earlier.span.line} or remove it`);
        return;
      }
      // Whenever one of these holds, this rule holds (and decides).
      for (const f of decl.condition.kind === 'or' ? [facts, ...(facts.parts ?? [])] : [facts]) {
        if (!covering.has(f.key)) covering.set(f.key, decl);
      }
      if (facts.always) takesAll = decl;
    });
    return rules;
  }

  private checkModifiers(decl: RuleDecl): Omit<CheckedRule, 'decl' | 'index'> {
    const out: Omit<CheckedRule, 'decl' | 'index'> = { sla: null, priority: 'normal', tags: [], escalation: null, floor: null, multiSell: 1 };
    const seen = new Set<string>();
    for (const m of decl.modifiers) {
      if (m.kind !== 'tag') {
        if (seen.has(m.kind)) {
          this.error('duplicate-modifier', headSpan(m.span, m.kind.length), `\`${m.kind}\` is given twice in one rule`);
          continue;
        }
        seen.add(m.kind);
      }
      switch (m.kind) {
        case 'sla': {
          const ms = this.checkDuration(m.duration.text, m.duration.span);
          if (ms !== null) out.sla = { ms, text: m.duration.text, business: m.business };
          break;
        }
        case 'priority': {
          const level = PRIORITIES.find((p) => p === m.level.text);
          if (level === undefined) this.error('unknown-priority', m.level.span, `unknown priority ${code(m.level.text)}; priorities are ${listWords(PRIORITIES)}`, didYouMean(m.level.text, PRIORITIES));
          else out.priority = level;
          break;
        }
        case 'tag':
          this.requireName(m.name, 'a tag');
          if (!out.tags.includes(m.name.text)) out.tags.push(m.name.text);
          break;
        case 'escalate':
          for (const step of m.steps) if (step.kind !== 'next') this.checkTarget(step);
          out.escalation = m.steps;
          break;
        case 'floor':
        case 'multi_sell':
          this.checkBidModifier(decl, m, out);
          break;
      }
    }
    return out;
  }

  /** `floor N` and `multi_sell N`: numbers of the right kind, on a rule that routes `by_bid`; a floor above every bid warns. */
  private checkBidModifier(decl: RuleDecl, m: Extract<Modifier, { kind: 'floor' | 'multi_sell' }>, out: Omit<CheckedRule, 'decl' | 'index'>): void {
    const n = m.value.kind === 'number' ? m.value.value : null;
    const pools = decl.targets.flatMap((t) => (t.kind === 'strategy' && t.strategy.text === 'by_bid' ? [this.poolsByKey.get(t.pool.text.toLowerCase())] : t.kind === 'by' && t.strategy.text === 'by_bid' ? [...this.poolsByKey.values()] : []));
    if (pools.length === 0) {
      const target = decl.targets.find((t) => t.kind === 'strategy' || t.kind === 'by');
      const pool = target?.kind === 'strategy' ? target.pool.text : 'buyers';
      this.error('bid-modifier-without-by-bid', headSpan(m.span, m.kind.length), `\`${m.kind}\` belongs to a rule that sells to buyers by bid, and this rule routes no \`by_bid\` target`, `route the rule \`by_bid(${pool})\`, or remove \`${m.kind}\``);
      return;
    }
    if (m.kind === 'multi_sell') {
      if (n === null || !Number.isInteger(n) || n < 1) this.error('invalid-multi-sell', m.value.span, `\`multi_sell\` counts buyers: a whole number of at least 1, not ${code(literalText(m.value))}`, 'e.g. `multi_sell 2`');
      else out.multiSell = n;
      return;
    }
    if (n === null || !Number.isFinite(n) || n < 0) {
      this.error('invalid-floor', m.value.span, `a floor is a price: a number of at least 0, not ${code(literalText(m.value))}`, 'e.g. `floor 30`');
      return;
    }
    out.floor = n;
    const bids = pools.flatMap((p) => (p === undefined ? [] : p.members.map((member) => member.options.bid ?? 0)));
    if (bids.length > 0 && bids.every((bid) => bid < n)) {
      this.warn('floor-above-bids', m.value.span, `floor ${n} is above every bid (the highest is ${Math.max(...bids)}): only live bids at \`bids.NAME\` on the lead can reach it`, 'lower the floor, or raise the bids');
    }
  }

  private checkTarget(t: Target): void {
    switch (t.kind) {
      case 'owner':
        if (t.path !== null) this.resolveLeadPath(t.path, '`owner(...)`');
        else if (this.fields !== null && !this.fields.has(DEFAULT_OWNER_PATH)) {
          this.error('unknown-field', t.span, `\`owner\` reads \`${DEFAULT_OWNER_PATH}\`, which the \`fields\` block does not declare`, `declare \`${DEFAULT_OWNER_PATH}: text\`, or write \`owner(PATH)\``);
        }
        return;
      case 'rep':
        this.requireName(t.name, 'a rep name');
        return;
      case 'queue':
        this.requireName(t.name, 'a queue name');
        return;
      case 'strategy':
        this.checkStrategy(t.strategy);
        this.resolvePool(t.pool);
        if (t.strategy.text === 'by_bid') this.bidPools.add(t.pool.text.toLowerCase());
        return;
      case 'by': {
        this.checkStrategy(t.strategy);
        if (t.strategy.text === 'by_bid') this.bidByAny = true;
        if (t.pool.text !== 'pool') {
          this.error('by-pool-argument', t.pool.span, `after \`by ... then\`, the strategy takes the word \`pool\`: the pool is the one the values name`, `write \`${t.strategy.text}(pool)\``);
        }
        const steps = t.dimensions.map((step) => subjectOf(this.tables, step));
        const fields = this.fields;
        const unknown = fields === null ? [] : steps.filter((s) => s.kind === 'path' && !fields.has(s.path.text));
        for (const s of unknown) {
          const path = (s as Extract<Subject, { kind: 'path' }>).path;
          this.error('unknown-dimension', path.span, `unknown dimension ${code(path.text)}: \`by\` takes a dimension or a declared field`, didYouMean(path.text, [...this.dimensionsByName.keys(), ...(fields?.keys() ?? [])]));
        }
        if (unknown.length > 0) return;
        const signature = steps.map((s) => (s.kind === 'dimension' ? `dim:${s.dimension.name}` : `path:${s.path.text}`)).join('\u0000');
        if (!this.bySignatures.has(signature)) this.bySignatures.set(signature, steps);
        this.checkCoverage(t, steps, signature);
        return;
      }
    }
  }

  // ---- Coverage of `by ... then` by pools

  private poolsOfSize(n: number): PoolInfo[] {
    if (this.poolsBySize === null) {
      this.poolsBySize = new Map();
      for (const p of this.poolsByKey.values()) {
        const list = this.poolsBySize.get(p.segments.length) ?? [];
        list.push(p);
        this.poolsBySize.set(p.segments.length, list);
      }
    }
    return this.poolsBySize.get(n) ?? [];
  }

  /** Lists the combinations of dimension values that no pool matches (a `*` matches any value, blank included). */
  private checkCoverage(t: Extract<Target, { kind: 'by' }>, steps: Subject[], signature: string): void {
    const dims: DimensionInfo[] = [];
    for (const s of steps) {
      if (s.kind !== 'dimension') return; // a plain field's values are unknown
      dims.push(s.dimension);
    }
    let result = this.coverageMemo.get(signature);
    if (result === undefined) {
      result = uncoveredCombinations(dims, this.poolsOfSize(dims.length));
      this.coverageMemo.set(signature, result);
    }
    if (result === null || result.count === 0) return;
    const more = result.count > result.listed.length ? `, and ${result.count - result.listed.length} more` : '';
    const names = dims.map((d) => d.name).join('.');
    const example = result.listed[0].replace(/\(blank\)/g, '*');
    this.warn(
      'uncovered-combinations',
      headSpan(t.span, 2),
      `no pool matches ${result.count} combination(s) of ${names}: ${result.listed.join(', ')}${more}; those leads go to the next target or the fallback`,
      `add pools such as \`pool ${example} = [...]\` (a blank value matches only \`*\`)`,
    );
  }

  /**
   * A sold cap counts the sales of buyers offered leads `by_bid`: on a member of a pool that no
   * `by_bid` target routes, it would never count anything.
   */
  private checkSoldCaps(pools: PoolInfo[]): void {
    if (this.bidByAny) return;
    for (const p of pools) {
      if (this.bidPools.has(p.key)) continue;
      for (const m of p.members) {
        const option = m.decl.options.find((o) => o.kind === 'sold_cap');
        if (m.options.soldCap === undefined || option === undefined) continue;
        this.warn('sold-cap-without-by-bid', headSpan(option.span, 'sold_cap'.length), `\`sold_cap\` counts sales to buyers, and no rule routes pool ${code(p.name)} \`by_bid\`: no sale would count against it`, `route the pool \`by_bid(${p.name})\`, or write \`cap\` to count the leads given`);
      }
    }
  }

  /** Pools that no target names and no `by` can reach (a typo in a segment, or simply unused). */
  private checkUnusedPools(pools: PoolInfo[]): void {
    const signatures = [...this.bySignatures.values()];
    for (const p of pools) {
      if (this.poolsNamed.has(p.key)) continue;
      let suggestion: string | undefined;
      const reachable = signatures.some((steps) => {
        if (steps.length !== p.segments.length) return false;
        let fixed = true;
        const repaired = p.segments.map((seg, i) => {
          const s = steps[i];
          if (seg === '*' || s.kind === 'path' || s.dimension.keySet.has(seg)) return seg;
          fixed = false;
          return closestValue(seg, s.dimension);
        });
        if (!fixed && suggestion === undefined && repaired.every((x) => x !== undefined)) suggestion = `did you mean \`${repaired.join('.')}\`?`;
        return fixed;
      });
      if (!reachable) {
        this.warn('unused-pool', p.decl.name.span, `pool ${code(p.name)} is never used: no target names it and no \`by ... then\` can reach it`, suggestion);
      }
    }
  }
}

function closestValue(seg: string, dim: DimensionInfo): string | undefined {
  const hint = didYouMean(seg, dim.keys);
  return hint === undefined ? undefined : hint.slice('did you mean `'.length, -'`?'.length);
}

/**
 * Depth-first over the values of each dimension, keeping the pools that still match; a branch
 * with no pool left is uncovered as a whole, one where a pool has `*` for every remaining step
 * is covered as a whole. Null when the search exceeds its budget.
 */
function uncoveredCombinations(dims: DimensionInfo[], pools: PoolInfo[]): { count: number; listed: string[] } | null {
  const choices = dims.map((d) => [...d.keys.map((k, i) => ({ key: k as string | null, shown: d.values[i] })), ...(d.canBeBlank ? [{ key: null, shown: '(blank)' }] : [])]);
  const listed: string[] = [];
  let count = 0;
  let budget = COVERAGE_BUDGET;
  const prefix: string[] = [];
  const listAll = (level: number): void => {
    if (listed.length >= COVERAGE_LIST_LIMIT) return;
    if (level === dims.length) {
      listed.push(prefix.join('.'));
      return;
    }
    for (const c of choices[level]) {
      prefix.push(c.shown);
      listAll(level + 1);
      prefix.pop();
    }
  };
  const walk = (level: number, candidates: PoolInfo[]): boolean => {
    if (--budget < 0) return false;
    if (candidates.length === 0) {
      count += choices.slice(level).reduce((n, c) => n * c.length, 1);
      listAll(level);
      return true;
    }
    if (level === dims.length || candidates.some((p) => p.segments.slice(level).every((s) => s === '*'))) return true;
    for (const c of choices[level]) {
      prefix.push(c.shown);
      const ok = walk(level + 1, candidates.filter((p) => p.segments[level] === '*' || p.segments[level] === c.key));
      prefix.pop();
      if (!ok) return false;
    }
    return true;
  };
  return walk(0, pools) ? { count, listed } : null;
}

export function checkPolicy(ast: PolicyAst): { diagnostics: Diagnostic[]; checked: CheckedPolicy | null } {
  const checker = new Checker();
  const checked = checker.check(ast);
  return { diagnostics: checker.diagnostics, checked };
}
