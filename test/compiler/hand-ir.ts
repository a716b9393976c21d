// Hand-built IR for the evaluator, calendar and decide tests, until the parser and checker land.
// Literals are normalized the way the checker does (trimmed, lower-cased; numbers kept as numbers).

import type { Priority, Strategy } from '../../core/words';
import type { CalendarIR, CondIR, DimensionIR, MemberIR, PolicyIR, PoolIR, RuleIR, TargetIR, TestIR, ValueRef } from '../../compiler/ir';
import { toNumber } from '../../core/values';

type Subject = ValueRef | string;

export class IrBuilder {
  readonly paths: string[][] = [];
  readonly dimensions: DimensionIR[] = [];
  readonly pools: PoolIR[] = [];
  readonly rules: RuleIR[] = [];
  sticky: PolicyIR['sticky'] = null;
  fields: PolicyIR['fields'] = null;
  fallback = 'exceptions';

  constructor(readonly name = 'test-policy') {}

  /** A lead path's ValueRef, registered on first use. */
  path(text: string): ValueRef {
    let index = this.paths.findIndex((p) => p.join('.') === text);
    if (index < 0) index = this.paths.push(text.split('.')) - 1;
    return { kind: 'path', path: index };
  }

  /** The index of a lead path in PolicyIR.paths (for owner targets and sticky). */
  pathIndex(text: string): number {
    return (this.path(text) as { path: number }).path;
  }

  dim(name: string): ValueRef {
    const index = this.dimensions.findIndex((d) => d.name === name);
    if (index < 0) throw new Error(`no dimension ${name}`);
    return { kind: 'dim', dim: index };
  }

  private subject(s: Subject): ValueRef {
    if (typeof s !== 'string') return s;
    return this.dimensions.some((d) => d.name === s) ? this.dim(s) : this.path(s);
  }

  private subjectText(s: ValueRef): string {
    return s.kind === 'path' ? this.paths[s.path].join('.') : this.dimensions[s.dim].name;
  }

  test(s: Subject, test: TestIR, source: string): CondIR {
    const subject = this.subject(s);
    return { kind: 'test', subject, test, source: `${this.subjectText(subject)} ${source}`.trim() };
  }

  eq(s: Subject, lit: string | number, negated = false): CondIR {
    const text = String(lit).trim().toLowerCase();
    const num = typeof lit === 'number' ? lit : toNumber(lit);
    return this.test(s, { kind: negated ? 'ne' : 'eq', text, num }, `${negated ? '!=' : '='} ${lit}`);
  }

  cmp(s: Subject, op: '<' | '<=' | '>' | '>=', num: number, time = false): CondIR {
    return this.test(s, { kind: 'cmp', op, num, time }, `${op} ${num}`);
  }

  between(s: Subject, low: number, high: number): CondIR {
    return this.test(s, { kind: 'between', low, high, time: false }, `between ${low} and ${high}`);
  }

  in(s: Subject, items: (string | number)[], negated = false): CondIR {
    const texts = items.map((i) => String(i).trim().toLowerCase());
    const nums = items.map((i) => (typeof i === 'number' ? i : toNumber(i))).filter((n): n is number => n !== null);
    return this.test(s, { kind: 'in', texts, nums, negated }, `${negated ? 'not in' : 'in'} [${items.join(', ')}]`);
  }

  blank(s: Subject, negated = false): CondIR {
    return this.test(s, { kind: 'blank', negated }, negated ? 'is not blank' : 'is blank');
  }

  text(s: Subject, kind: 'contains' | 'starts_with' | 'ends_with', text: string): CondIR {
    return this.test(s, { kind, text: text.trim().toLowerCase() }, `${kind.replace('_', ' ')} ${text}`);
  }

  matches(s: Subject, pattern: string): CondIR {
    return this.test(s, { kind: 'matches', pattern }, `matches ${JSON.stringify(pattern)}`);
  }

  /** A dimension: arms as [value, cond] with cond null for `otherwise`. */
  dimension(name: string, by: string | null, arms: [string, CondIR | null][]): ValueRef {
    this.dimensions.push({
      name,
      by: by === null ? null : this.path(by),
      arms: arms.map(([value, cond]) => ({ value, cond: cond ?? { kind: 'true' } })),
      canBeBlank: !arms.some(([, cond]) => cond === null),
    });
    return this.dim(name);
  }

  pool(name: string, members: (string | Partial<MemberIR>)[], calendar: CalendarIR | null = null): number {
    this.pools.push({
      name,
      segments: name.toLowerCase().split('.'),
      members: members.map((m) => ({ name: '', weight: 1, bid: 0, cap: null, soldCap: null, calendar, when: null, ...(typeof m === 'string' ? { name: m } : m) })),
      calendar,
    });
    return this.pools.length - 1;
  }

  rule(
    cond: CondIR | 'else',
    targets: TargetIR[],
    mods: { sla?: RuleIR['sla']; priority?: Priority; tags?: string[]; escalationText?: string[]; source?: string; floor?: number; multiSell?: number } = {},
  ): RuleIR {
    const index = this.rules.length;
    const rule: RuleIR = {
      index,
      line: 20 + index,
      source: mods.source ?? `rule ${index}`,
      cond: cond === 'else' ? { kind: 'true' } : cond,
      targets,
      sla: mods.sla ?? null,
      priority: mods.priority ?? 'normal',
      tags: mods.tags ?? [],
      escalation: [{ kind: 'next' }],
      escalationText: mods.escalationText ?? ['next'],
      floor: mods.floor ?? null,
      multiSell: mods.multiSell ?? 1,
    };
    this.rules.push(rule);
    return rule;
  }

  by(strategy: Strategy, ...subjects: string[]): TargetIR {
    return { kind: 'by', strategy, values: subjects.map((s) => this.subject(s)), keys: subjects };
  }

  build(): PolicyIR {
    return { name: this.name, fields: this.fields, paths: this.paths, dimensions: this.dimensions, pools: this.pools, sticky: this.sticky, rules: this.rules, fallback: this.fallback };
  }
}

export const and = (...args: CondIR[]): CondIR => ({ kind: 'and', args });
export const or = (...args: CondIR[]): CondIR => ({ kind: 'or', args });
export const not = (arg: CondIR): CondIR => ({ kind: 'not', arg });

/** Windows for the given ISO weekdays, `HH:MM` times. */
export function hours(days: number[], from: string, to: string): CalendarIR['hours'] {
  const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  return days.map((weekday) => ({ weekday, from: minutes(from), to: minutes(to) }));
}

export const WEEKDAYS = [1, 2, 3, 4, 5];

export function calendar(tz: string, hoursList: CalendarIR['hours'], holidays: string[] = []): CalendarIR {
  return { tz, hours: hoursList, holidays };
}

export const ms = (iso: string): number => Date.parse(iso);
