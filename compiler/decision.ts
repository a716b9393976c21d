// The shapes that leave the compiler: what decide() returns before assignment, and the final
// routing decision of LANGUAGE.md ("The decision") that assign() completes.

import type { CapPeriod, Priority, SoldCapPeriod, Strategy } from '../core/words';

export interface SlaInfo {
  /** As written: `5m`. */
  duration: string;
  business: boolean;
  /** ISO 8601, UTC, milliseconds. */
  due: string;
}

/** An SLA inside the library: its due time is an instant (ms), written as text only in the final Decision. */
export interface SlaPlan {
  duration: string;
  business: boolean;
  due: number;
}

export interface RuleRef {
  index: number;
  line: number;
  source: string;
}

/** One step of a trace (reference evaluator, `--trace`, `explain`). */
export interface TraceEntry {
  /** What was evaluated: `rule`, `dimension`, `condition`, `pool`, `member`, `target`, `sticky`. */
  step: string;
  /** The source text it is about (a rule, a condition, a pool name). */
  source: string;
  /** Values read, by path or dimension name. */
  values?: Record<string, unknown>;
  /** Whether it held / resolved. */
  result: boolean | string | null;
  /** In plain language: why. */
  note?: string;
  line?: number;
  /** In a trace of steps (no notes): a condition inside an odd number of `not`s, whose holding fails its rule; the note says so otherwise. */
  negated?: true;
}

/**
 * What a trace tells: `true`, every step in words with the values read (`--trace`, `explain`);
 * `steps`, the same steps and results without the notes and the values read by rules,
 * conditions, dimensions and fields, for callers that count steps (simulate): writing those
 * words for every lead was most of simulate's time.
 */
export type TraceMode = boolean | 'steps';

/** A declared field whose value could not be read as its type (it was blank for the rules). */
export interface FieldWarning {
  field: string;
  /** The value as it came (long text and lists cut short). */
  value: unknown;
  /** In words: `not a number`, `unknown country`. */
  problem: string;
}

export interface Decision {
  /** The routing id: unique, made by assign(); the ledger's entries, outcomes and queue takes refer to it. */
  id: string;
  status: 'assigned' | 'queued' | 'exception';
  assignee: string | null;
  queue: string | null;
  pool: string | null;
  rule: RuleRef | null;
  path: Record<string, string | null>;
  candidates: string[];
  sla: SlaInfo | null;
  priority: Priority;
  tags: string[];
  escalation: string[];
  reason: string | null;
  policy: { name: string; hash: string };
  routed_at: string;
  /** Each declared field whose value could not be read as its type; `[]` when there is nothing to say. */
  warnings: FieldWarning[];
  /** A `by_bid` sale: the buyers offered the lead, `assignee` first (more than one with `multi_sell`). */
  assignees?: string[];
  /** A `by_bid` decision's filter log: each buyer passed over, with why (`bid 28 below floor 30`, `at cap 20/day`, `sold cap 20/day reached`). */
  skipped?: { name: string; why: string }[];
  trace?: TraceEntry[];
}

/** A member that decide() found eligible on the lead and the clock (its `when`, hours, holidays). */
export interface MemberOption {
  name: string;
  weight: number;
  bid: number;
  /** The cap, with the zone its periods are counted in. */
  cap: { count: number; per: CapPeriod; tz: string } | null;
  /** The sold cap (accepted sales less returns), counted in the same zone as the cap. */
  soldCap: { count: number; per: SoldCapPeriod; tz: string } | null;
}

/** One target of the rule, resolved as far as the lead and the clock allow; assign() tries them in order. */
export type PlanOption =
  | {
      kind: 'pool';
      /** Declared name, wildcards included. */
      pool: string;
      strategy: Strategy;
      path: Record<string, string | null>;
      /** Eligible members in declared order (possibly empty; then `skipped` says why). Shared between decisions: read only. */
      members: readonly MemberOption[];
      /** Members left out by decide(), with the reason in plain words (`outside hours Mon-Fri 08:00-18:00 America/New_York`). */
      skipped: readonly { name: string; why: string }[];
      sla: SlaPlan | null;
      /** A `by_bid` option's buyers offered the lead at once (`multi_sell`, 1 when exclusive); absent for the other strategies. */
      multiSell?: number;
    }
  | { kind: 'person'; assignee: string; via: 'owner' | 'rep'; sla: SlaPlan | null }
  | { kind: 'queue'; queue: string; sla: SlaPlan | null }
  /** A target that failed before any state was read: blank owner, no pool matched. */
  | { kind: 'unresolved'; reason: string };

/**
 * decide()'s result: the decision without the choice of person. `status` and `assignee` are
 * settled by assign(); `options` lists what it may try, in order; `sticky` is the key to look up
 * (and to record under) when the policy has a `sticky` line and the lead has a value there.
 */
export interface PendingDecision extends Omit<Decision, 'id' | 'status' | 'assignee' | 'queue' | 'pool' | 'candidates' | 'sla' | 'reason' | 'routed_at'> {
  /** The instant of the decision (ms); the Decision writes it as `routed_at`. */
  at: number;
  options: PlanOption[];
  sticky: StickyLookup | null;
  /** The fallback queue's name. */
  fallback: string;
  /** The lead's key in the ledger: its declared `key` field, else its email, as normalized text; null or absent when blank. */
  key?: string | null;
  /** Set by escalation: the routing this step continues. assign() keeps its id and writes a `reassigned` event instead of a decision. */
  continues?: Continuation;
}

/** The routing an escalation step continues, and what the `reassigned` event says of it. */
export interface Continuation {
  id: string;
  key: string | null;
  from: string | null;
  from_queue: string | null;
  /** The step as `routing.escalation` writes it. */
  step: string;
}

export interface StickyLookup {
  /** The lead's normalized value at the sticky path. */
  key: string;
  /** The sticky window. */
  ms: number;
  /**
   * Whether an earlier assignee may take this lead again, as far as the lead and the clock
   * tell: for an owner recorded from a pool, they must still be a member of that pool and
   * eligible now (when, hours, holidays). Returns the member (caps to check) or why not.
   */
  member(pool: string | null, name: string): MemberOption | string;
}

/**
 * The compiled core of a policy that both evaluators provide. `scratch` is a fresh array per
 * decision, in which dimension values are memoized (undefined: not computed yet).
 */
export interface Evaluator {
  /** Index of the first rule whose condition holds (`else` always holds), or -1. */
  matchRule(lead: unknown, scratch: (string | null | undefined)[]): number;
  /** The value of dimension `dim` for this lead (null when blank). */
  dimension(dim: number, lead: unknown, scratch: (string | null | undefined)[]): string | null;
  /** Whether member `member` of pool `pool` takes this lead (its `when`; true without one). */
  memberTakes(pool: number, member: number, lead: unknown, scratch: (string | null | undefined)[]): boolean;
}
