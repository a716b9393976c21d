// The intermediate representation: a checked policy with every name resolved to an index and
// every literal already normalized, so that both evaluators (codegen and reference) read the
// same facts and cannot disagree about meaning. Plain JSON data: no functions, no classes.

import type { CapPeriod, Priority, SoldCapPeriod, Strategy } from '../core/words';

/** Where a value comes from: a lead path (index into PolicyIR.paths) or a dimension. */
export type ValueRef = { kind: 'path'; path: number } | { kind: 'dim'; dim: number };

/**
 * A test of one value. Text is normalized at compile time (trimmed, lower-cased), and the
 * runtime normalizes the lead's value the same way (compiler/values.ts).
 */
export type TestIR =
  /** `=`: holds when the text equals `text`, or (when `num` is not null) the value is numeric and equals `num`. */
  | { kind: 'eq'; text: string; num: number | null }
  /** `!=`: the negation of eq (so blank values hold). */
  | { kind: 'ne'; text: string; num: number | null }
  /** `<`, `<=`, `>`, `>=` against a number, or against an instant (ms since epoch) for `datetime` comparisons. */
  | { kind: 'cmp'; op: '<' | '<=' | '>' | '>='; num: number; time: boolean }
  /** `between low and high`, inclusive. */
  | { kind: 'between'; low: number; high: number; time: boolean }
  /** `in [...]` / `not in [...]`: texts (normalized) and numbers from the list. */
  | { kind: 'in'; texts: string[]; nums: number[]; negated: boolean }
  | { kind: 'blank'; negated: boolean }
  | { kind: 'contains' | 'starts_with' | 'ends_with'; text: string }
  /** `matches`: an RE2-syntax pattern (linear time), already checked to compile. */
  | { kind: 'matches'; pattern: string };

export type CondIR =
  | { kind: 'true' }
  | { kind: 'and'; args: CondIR[] }
  | { kind: 'or'; args: CondIR[] }
  | { kind: 'not'; arg: CondIR }
  /** `source` is the condition's text as written, for traces. */
  | { kind: 'test'; subject: ValueRef; test: TestIR; source: string };

export interface DimensionIR {
  name: string;
  /** The subject of a `dimension NAME by PATH`, null for a dimension of whole conditions. */
  by: ValueRef | null;
  /** Tried in order; an `otherwise` arm has cond `{ kind: 'true' }`. With `by`, tests have that subject. */
  arms: { value: string; cond: CondIR }[];
  /** Whether no arm may hold (no `otherwise`): the value is then null (blank). */
  canBeBlank: boolean;
}

export interface CalendarIR {
  /** IANA zone; 'UTC' when none is given. */
  tz: string;
  /** Opening windows per ISO weekday (1 = Monday ... 7 = Sunday), minutes from midnight, [from, to). Null: always open. */
  hours: { weekday: number; from: number; to: number }[] | null;
  /** ISO dates (yyyy-mm-dd) in `tz` when nobody in the pool is eligible. */
  holidays: string[];
}

export interface MemberIR {
  name: string;
  weight: number;
  bid: number;
  cap: { count: number; per: CapPeriod } | null;
  /** `sold_cap`: accepted sales less returns per period. */
  soldCap: { count: number; per: SoldCapPeriod } | null;
  /** The member's own hours/tz over the pool's; null only when neither gives any (always open, UTC). */
  calendar: CalendarIR | null;
  when: CondIR | null;
}

export interface PoolIR {
  /** The declared name, wildcards included (`smb.*`). */
  name: string;
  /** Segments, lower-cased, `*` for a wildcard. */
  segments: string[];
  members: MemberIR[];
  /** The pool's own calendar (for business-hours SLAs). */
  calendar: CalendarIR | null;
}

export type TargetIR =
  | { kind: 'owner'; path: number }
  | { kind: 'rep'; name: string }
  | { kind: 'queue'; name: string }
  | { kind: 'pool'; strategy: Strategy; pool: number }
  /**
   * `by D1 then D2 then STRATEGY(pool)`: `keys` are the names shown in `routing.path`
   * (dimension name or field path), in order.
   */
  | { kind: 'by'; strategy: Strategy; values: ValueRef[]; keys: string[] };

export type EscalationStepIR = { kind: 'next' } | TargetIR;

export interface RuleIR {
  /** Index among the rules in file order, `else` included. */
  index: number;
  line: number;
  source: string;
  cond: CondIR;
  targets: TargetIR[];
  sla: { ms: number; text: string; business: boolean } | null;
  priority: Priority;
  tags: string[];
  /** Steps as written (`escalate to ...`), or the default `next` then the fallback. */
  escalation: EscalationStepIR[];
  /** The same steps as text for `routing.escalation`: `"next"`, `"queue exceptions"`, `"rep bob"`. */
  escalationText: string[];
  /** `floor N` (by_bid): buyers bidding less are skipped; null without one. */
  floor: number | null;
  /** `multi_sell N` (by_bid): buyers offered the lead at once; 1 is an exclusive sale. */
  multiSell: number;
}

/** A declared field (`fields` block): decide() reads it as its type before any rule sees it. */
export interface FieldIR {
  /** As declared: `account.status`. */
  name: string;
  segments: string[];
  type: 'text' | 'number' | 'boolean' | 'email' | 'phone' | 'country' | 'datetime' | 'enum';
  /** An enum's values as declared (empty for the other types). */
  values: string[];
  /** `from` names in order: lead keys as written, or dotted paths, read after the field's own path. */
  from: string[];
}

export interface PolicyIR {
  name: string;
  /** The `fields` block in declared order; null without one (then values are read as they come, LANGUAGE.md v1). */
  fields: FieldIR[] | null;
  /** Lead paths read anywhere, as segments (`account.status` is `['account', 'status']`). */
  paths: string[][];
  /** In dependency order: a dimension only refers to dimensions before it. */
  dimensions: DimensionIR[];
  pools: PoolIR[];
  sticky: { path: number; ms: number; text: string } | null;
  rules: RuleIR[];
  /** The fallback queue's name (`unrouted` when the policy has no `fallback` line). */
  fallback: string;
}
