// Lowering: a checked policy to the IR of compiler/ir.ts. Every name becomes an index, every
// literal is normalized the way compiler/values.ts compares (text trimmed and lower-cased,
// numbers parsed, ISO dates made instants), so the evaluators only read facts. The checker has
// already refused everything this file would otherwise have to doubt.

import type { Condition, EscalationStep, Literal, PathRef, Predicate, Target } from '../dsl/ast';
import {
  type CheckedPolicy,
  type OptionValues,
  type Subject,
  comparisonMode,
  DEFAULT_OWNER_PATH,
  flattenChain,
  isCondition,
  literalText,
  normLiteral,
  subjectOf,
} from '../dsl/checker';
import type { Strategy } from '../core/words';
import type { CalendarIR, CondIR, DimensionIR, EscalationStepIR, FieldIR, MemberIR, PolicyIR, PoolIR, RuleIR, TargetIR, TestIR, ValueRef } from './ir';
import { toNumber, toTime } from '../core/values';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const POOL_NAME = /^(?:[A-Za-z_][A-Za-z0-9_-]*|\*)(?:\.(?:[A-Za-z_][A-Za-z0-9_-]*|\*))*$/;

/** A name as the language writes it: bare when it is an identifier, else a JSON string (`queue "EMEA overflow"`). */
export function nameText(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

function poolText(name: string): string {
  return POOL_NAME.test(name) ? name : JSON.stringify(name);
}

function literalSource(lit: Literal): string {
  return lit.kind === 'number' ? lit.text : lit.bare ? lit.value : JSON.stringify(lit.value);
}

/** A predicate as written (white space normalized), for the `source` of a test in traces. */
function predicateSource(p: Predicate): string {
  switch (p.kind) {
    case 'compare':
      return `${p.op} ${literalSource(p.value)}`;
    case 'in':
      return `${p.negated ? 'not in' : 'in'} [${p.values.map(literalSource).join(', ')}]`;
    case 'between':
      return `between ${literalSource(p.low)} and ${literalSource(p.high)}`;
    case 'blank':
      return p.negated ? 'is not blank' : 'is blank';
    case 'text':
      return `${p.op.replace('_', ' ')} ${literalSource(p.value)}`;
    case 'matches':
      return `matches ${literalSource(p.pattern)}`;
  }
}

/** The number or instant a checked ordering literal stands for. */
function orderingValue(subject: Subject, lit: Literal): { num: number; time: boolean } {
  const time = comparisonMode(subject, lit) === 'time';
  return { num: (time ? toTime(lit.value) : toNumber(lit.value)) as number, time };
}

function lowerTest(subject: Subject, p: Predicate): TestIR {
  switch (p.kind) {
    case 'compare': {
      if (p.op === '=' || p.op === '!=') {
        const kind = p.op === '=' ? 'eq' : 'ne';
        return { kind, text: normLiteral(p.value), num: p.value.kind === 'number' ? p.value.value : null };
      }
      return { kind: 'cmp', op: p.op, ...orderingValue(subject, p.value) };
    }
    case 'in': {
      const texts = new Set<string>();
      const nums = new Set<number>();
      for (const v of p.values) {
        texts.add(normLiteral(v));
        if (v.kind === 'number') nums.add(v.value);
      }
      return { kind: 'in', texts: [...texts], nums: [...nums], negated: p.negated };
    }
    case 'between': {
      const low = orderingValue(subject, p.low);
      return { kind: 'between', low: low.num, high: orderingValue(subject, p.high).num, time: low.time };
    }
    case 'blank':
      return { kind: 'blank', negated: p.negated };
    case 'text':
      // As written, not as a number would print: `starts with 021` keeps its zero.
      return { kind: p.op, text: literalText(p.value).trim().toLowerCase() };
    case 'matches':
      return { kind: 'matches', pattern: literalText(p.pattern) };
  }
}

function calendarOf(own: OptionValues, base: OptionValues | null, holidays: string[]): CalendarIR | null {
  const hours = own.hours !== undefined ? own.hours : base?.hours;
  const tz = own.tz ?? base?.tz;
  if (hours === undefined && tz === undefined && holidays.length === 0) return null;
  return { tz: tz ?? 'UTC', hours: hours?.map((w) => ({ ...w })) ?? null, holidays: [...holidays] };
}

class Lowering {
  private readonly paths: string[][] = [];
  private readonly pathIndex = new Map<string, number>();
  private readonly dimIndex = new Map<string, number>();
  private readonly poolIndex = new Map<string, number>();

  constructor(private readonly checked: CheckedPolicy) {
    checked.dimensions.forEach((d, i) => this.dimIndex.set(d.name, i));
    checked.pools.forEach((p, i) => this.poolIndex.set(p.key, i));
  }

  policy(): PolicyIR {
    const c = this.checked;
    const dimensions = c.dimensions.map((d): DimensionIR => {
      const by = d.decl.by;
      return {
        name: d.name,
        by: by === null ? null : this.valueRef(by),
        arms: d.arms.map((arm) => ({
          value: arm.value.text,
          cond: arm.when === null ? { kind: 'true' } : isCondition(arm.when) ? this.cond(arm.when) : this.test(by as PathRef, arm.when),
        })),
        canBeBlank: d.canBeBlank,
      };
    });
    const pools = c.pools.map((p): PoolIR => ({
      name: p.name,
      segments: p.segments,
      members: p.members.map(
        (m): MemberIR => ({
          name: m.name,
          weight: m.options.weight ?? 1,
          bid: m.options.bid ?? 0,
          cap: m.options.cap ?? null,
          soldCap: m.options.soldCap ?? null,
          calendar: calendarOf(m.options, p.options, p.options.holidays),
          when: m.options.when === undefined ? null : this.cond(m.options.when),
        }),
      ),
      calendar: calendarOf(p.options, null, p.options.holidays),
    }));
    const sticky = c.sticky === null ? null : { path: this.path(c.sticky.path.segments), ms: c.sticky.ms, text: c.sticky.text };
    const defaultEscalation: EscalationStepIR[] = [{ kind: 'next' }, { kind: 'queue', name: c.fallback }];
    const defaultEscalationText = ['next', `queue ${nameText(c.fallback)}`];
    const rules = c.rules.map(
      (r): RuleIR => ({
        index: r.index,
        line: r.decl.span.line,
        source: r.decl.source,
        cond: r.decl.condition === null ? { kind: 'true' } : this.cond(r.decl.condition),
        targets: r.decl.targets.map((t) => this.target(t)),
        sla: r.sla,
        priority: r.priority,
        tags: r.tags,
        escalation: r.escalation === null ? defaultEscalation.map((s) => ({ ...s })) : r.escalation.map((s) => this.step(s)),
        escalationText: r.escalation === null ? [...defaultEscalationText] : r.escalation.map((s) => stepText(s, this.checked)),
        floor: r.floor,
        multiSell: r.multiSell,
      }),
    );
    const fields =
      c.fields === null
        ? null
        : [...c.fields.values()].map((f): FieldIR => {
            const type = f.type as NonNullable<typeof f.type>;
            return { name: f.path.text, segments: [...f.path.segments], type: type.kind, values: type.kind === 'enum' ? type.values.map((v) => v.text) : [], from: f.from.map((n) => n.text) };
          });
    return { name: c.name, fields, paths: this.paths, dimensions, pools, sticky, rules, fallback: c.fallback };
  }

  private path(segments: string[]): number {
    const key = segments.join('.');
    let i = this.pathIndex.get(key);
    if (i === undefined) {
      i = this.paths.length;
      this.paths.push([...segments]);
      this.pathIndex.set(key, i);
    }
    return i;
  }

  private valueRef(path: PathRef): ValueRef {
    const s = subjectOf(this.checked, path);
    return s.kind === 'dimension' ? { kind: 'dim', dim: this.dimIndex.get(s.dimension.name) as number } : { kind: 'path', path: this.path(path.segments) };
  }

  private test(subject: PathRef, p: Predicate): CondIR {
    return { kind: 'test', subject: this.valueRef(subject), test: lowerTest(subjectOf(this.checked, subject), p), source: `${subject.text} ${predicateSource(p)}` };
  }

  private cond(c: Condition): CondIR {
    switch (c.kind) {
      case 'and':
      case 'or':
        return { kind: c.kind, args: flattenChain(c, c.kind).map((x) => this.cond(x)) };
      case 'not':
        return { kind: 'not', arg: this.cond(c.operand) };
      case 'test':
        return this.test(c.subject, c.predicate);
    }
  }

  private target(t: Target): TargetIR {
    switch (t.kind) {
      case 'owner':
        return { kind: 'owner', path: this.path(t.path?.segments ?? DEFAULT_OWNER_PATH.split('.')) };
      case 'rep':
      case 'queue':
        return { kind: t.kind, name: t.name.text };
      case 'strategy':
        return { kind: 'pool', strategy: t.strategy.text as Strategy, pool: this.poolIndex.get(t.pool.text.toLowerCase()) as number };
      case 'by':
        return { kind: 'by', strategy: t.strategy.text as Strategy, values: t.dimensions.map((d) => this.valueRef(d)), keys: t.dimensions.map((d) => d.text) };
    }
  }

  private step(s: EscalationStep): EscalationStepIR {
    return s.kind === 'next' ? { kind: 'next' } : this.target(s);
  }
}

/** A target or escalation step as `routing.escalation` shows it: `queue exceptions`, `round_robin(payments_team)`. */
function stepText(s: EscalationStep, checked: CheckedPolicy): string {
  switch (s.kind) {
    case 'next':
      return 'next';
    case 'owner':
      return s.path === null ? 'owner' : `owner(${s.path.text})`;
    case 'rep':
    case 'queue':
      return `${s.kind} ${nameText(s.name.text)}`;
    case 'strategy':
      return `${s.strategy.text}(${poolText(checked.poolsByKey.get(s.pool.text.toLowerCase())?.name ?? s.pool.text)})`;
    case 'by':
      return `by ${s.dimensions.map((d) => d.text).join(' then ')} then ${s.strategy.text}(pool)`;
  }
}

export function lowerPolicy(checked: CheckedPolicy): PolicyIR {
  return new Lowering(checked).policy();
}
