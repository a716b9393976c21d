// The syntax tree of a policy, as written: every node keeps its source span so that the
// checker can point at it. Nothing here is resolved or validated; that is the checker's job.

/** A place in the source: offsets are 0-based (end exclusive), lines and columns 1-based. */
export interface Span {
  start: number;
  end: number;
  line: number;
  column: number;
}

/** An identifier or a quoted string used as a name (pool, member, rep, queue, value). */
export interface Name {
  text: string;
  quoted: boolean;
  span: Span;
}

/** `account.status`: identifiers joined by dots. */
export interface PathRef {
  kind: 'path';
  segments: string[];
  text: string;
  span: Span;
}

export type Literal =
  /** A quoted string, or a bare identifier on the right of a comparison (`bare: true`). */
  | { kind: 'string'; value: string; bare: boolean; span: Span }
  | { kind: 'number'; value: number; text: string; span: Span };

/** `30s`, `10m`, `4h`, `2d`, `1w`: text as written; the checker validates and converts. */
export interface DurationLit {
  kind: 'duration';
  text: string;
  span: Span;
}

/** `2026-12-25` in a holidays list. */
export interface DateLit {
  kind: 'date';
  text: string;
  span: Span;
}

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** A condition with its subject left out: what a `by` dimension arm holds, and the right side of a comparison. */
export type Predicate =
  | { kind: 'compare'; op: CompareOp; value: Literal; span: Span }
  | { kind: 'in'; negated: boolean; values: Literal[]; span: Span }
  | { kind: 'between'; low: Literal; high: Literal; span: Span }
  | { kind: 'blank'; negated: boolean; span: Span }
  | { kind: 'text'; op: 'contains' | 'starts_with' | 'ends_with'; value: Literal; span: Span }
  | { kind: 'matches'; pattern: Literal; span: Span };

export type Condition =
  | { kind: 'and'; left: Condition; right: Condition; span: Span }
  | { kind: 'or'; left: Condition; right: Condition; span: Span }
  | { kind: 'not'; operand: Condition; span: Span }
  | { kind: 'test'; subject: PathRef; predicate: Predicate; span: Span };

export interface DimensionArm {
  value: Name;
  /** null for `otherwise`. A Predicate in a `dimension NAME by PATH` block, a Condition otherwise. */
  when: Predicate | Condition | null;
  span: Span;
}

export interface DimensionDecl {
  kind: 'dimension';
  name: Name;
  by: PathRef | null;
  arms: DimensionArm[];
  span: Span;
}

export type FieldType =
  | { kind: 'text' | 'number' | 'boolean' | 'email' | 'phone' | 'country' | 'datetime'; span: Span }
  | { kind: 'enum'; values: Name[]; span: Span };

export interface FieldDecl {
  path: PathRef;
  /** The type name as written; an unknown name is kept here for the checker to report. */
  typeName: Name;
  type: FieldType | null;
  /** `from "Column", ...`: the lead keys (or dotted paths) that hold the field in exports, read after the path itself, in order. */
  from: Name[];
  span: Span;
}

export interface FieldsDecl {
  kind: 'fields';
  fields: FieldDecl[];
  span: Span;
}

/** Member and pool options share one shape; the checker says which belong where. */
export type PoolOption =
  | { kind: 'weight'; value: Literal; span: Span }
  | { kind: 'bid'; value: Literal; span: Span }
  /** `cap 40/day`: `per` is the word after the slash as written (hour, day, week are valid). */
  | { kind: 'cap'; count: Literal; per: Name; span: Span }
  /** `sold_cap 20/day`: counts accepted sales less returns; `per` as written (hour, day, week, month are valid). */
  | { kind: 'sold_cap'; count: Literal; per: Name; span: Span }
  | { kind: 'hours'; value: Literal; span: Span }
  | { kind: 'tz'; value: Literal; span: Span }
  | { kind: 'holidays'; dates: DateLit[]; span: Span }
  | { kind: 'when'; condition: Condition; span: Span };

export interface MemberDecl {
  name: Name;
  options: PoolOption[];
  span: Span;
}

/** `enterprise.na`, `smb.*`, `payments_team`: segments as written, `*` for a wildcard. */
export interface PoolName {
  segments: string[];
  text: string;
  span: Span;
}

export interface PoolDecl {
  kind: 'pool';
  name: PoolName;
  members: MemberDecl[];
  options: PoolOption[];
  span: Span;
}

export interface StickyDecl {
  kind: 'sticky';
  path: PathRef;
  window: DurationLit;
  span: Span;
}

export interface PolicyNameDecl {
  kind: 'policy';
  name: Name;
  span: Span;
}

export type Target =
  | { kind: 'owner'; path: PathRef | null; span: Span }
  | { kind: 'rep'; name: Name; span: Span }
  | { kind: 'queue'; name: Name; span: Span }
  /** `round_robin(payments_team)`; inside `by ... then`, the argument is the word `pool`. */
  | { kind: 'strategy'; strategy: Name; pool: PoolName; span: Span }
  | { kind: 'by'; dimensions: PathRef[]; strategy: Name; pool: PoolName; span: Span };

export type EscalationStep = { kind: 'next'; span: Span } | Target;

export type Modifier =
  | { kind: 'sla'; duration: DurationLit; business: boolean; span: Span }
  | { kind: 'priority'; level: Name; span: Span }
  | { kind: 'tag'; name: Name; span: Span }
  | { kind: 'escalate'; steps: EscalationStep[]; span: Span }
  /** `floor 30` and `multi_sell 2` of a `by_bid` rule (the ping tree). */
  | { kind: 'floor' | 'multi_sell'; value: Literal; span: Span };

export interface RuleDecl {
  kind: 'rule';
  /** null for `else`. */
  condition: Condition | null;
  targets: Target[];
  modifiers: Modifier[];
  /** The rule's own text, white space collapsed to single spaces (for `routing.rule.source`). */
  source: string;
  span: Span;
}

export interface FallbackDecl {
  kind: 'fallback';
  target: Target;
  span: Span;
}

export type Statement =
  | PolicyNameDecl
  | FieldsDecl
  | DimensionDecl
  | PoolDecl
  | StickyDecl
  | RuleDecl
  | FallbackDecl;

/** The whole file, statements in source order (a `rules { }` wrapper is flattened away). */
export interface PolicyAst {
  statements: Statement[];
  span: Span;
}
