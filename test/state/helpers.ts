// Hand-built PendingDecisions for the state tests: what decide() would hand to assign().

import { compilePolicy } from '../../compiler/compile';
import type { MemberOption, PendingDecision, PlanOption, SlaInfo, SlaPlan, StickyLookup } from '../../compiler/decision';
import type { CapPeriod, SoldCapPeriod, Strategy } from '../../core/words';
import { assign } from '../../state/assign';
import type { StateStore } from '../../state/store';

export const T0 = Date.parse('2026-11-23T15:00:00.000Z'); // a Monday
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** A policy whose leads go to a person, a queue, and through escalation to the fallback queue: the ledger tests' policy. */
export const LEDGERED = compilePolicy(`policy ledgered
fields {
  email: email from "Email"
  type: text
}
pool team = [alice, bob]
when type = support route queue support
when type = demo route round_robin(team) sla 5m escalate to next, queue support
else round_robin(team)
fallback queue exceptions
`);

export function member(name: string, options: { weight?: number; bid?: number; cap?: [number, CapPeriod, string?]; soldCap?: [number, SoldCapPeriod, string?] } = {}): MemberOption {
  const cap = options.cap === undefined ? null : { count: options.cap[0], per: options.cap[1], tz: options.cap[2] ?? 'UTC' };
  const soldCap = options.soldCap === undefined ? null : { count: options.soldCap[0], per: options.soldCap[1], tz: options.soldCap[2] ?? 'UTC' };
  return { name, weight: options.weight ?? 1, bid: options.bid ?? 0, cap, soldCap };
}

/** The SLA a decision shows, and the same SLA as a plan carries it. */
export const SLA: SlaInfo = { duration: '5m', business: false, due: '2026-11-23T15:05:00.000Z' };
export const SLA_PLAN: SlaPlan = { ...SLA, due: Date.parse(SLA.due) };

export function poolOption(
  pool: string,
  strategy: Strategy,
  members: MemberOption[],
  skipped: { name: string; why: string }[] = [],
): Extract<PlanOption, { kind: 'pool' }> {
  return { kind: 'pool', pool, strategy, path: { segment: 'smb' }, members, skipped, sla: SLA_PLAN };
}

export interface PendingOptions {
  at?: number;
  sticky?: StickyLookup | null;
  trace?: boolean;
  noRule?: boolean;
  policy?: string;
  /** The lead's key in the ledger. */
  key?: string;
}

export function pending(options: PlanOption[], o: PendingOptions = {}): PendingDecision {
  const p: PendingDecision = {
    rule: o.noRule ? null : { index: 2, line: 9, source: 'else round_robin(team)' },
    path: {},
    priority: 'high',
    tags: ['inbound'],
    escalation: ['next', 'queue exceptions'],
    policy: { name: o.policy ?? 'acme', hash: 'sha256:test' },
    at: o.at ?? T0,
    options,
    sticky: o.sticky ?? null,
    fallback: 'exceptions',
    warnings: [],
  };
  if (o.trace) p.trace = [{ step: 'rule', source: 'else round_robin(team)', result: true }];
  if (o.key !== undefined) p.key = o.key;
  return p;
}

/**
 * A sticky lookup over a fixed roster: `pools` maps a pool name to its members (null: an owner
 * or a rep, always allowed), `ineligible` says why a name may not take the lead now.
 */
export function stickyBy(key: string, ms: number, pools: Map<string | null, MemberOption[]>, ineligible = new Map<string, string>()): StickyLookup {
  return {
    key,
    ms,
    member(pool, name) {
      const why = ineligible.get(name);
      if (why !== undefined) return why;
      if (pool === null) return member(name);
      const found = pools.get(pool)?.find((m) => m.name === name);
      return found ?? `${name} is no longer a member of pool ${pool}`;
    },
  };
}

/** Routes `count` leads one after another (a minute apart from `from`) and returns the assignees. */
export async function routeMany(store: StateStore, count: number, make: (at: number) => PendingDecision, from = T0, step = MINUTE): Promise<(string | null)[]> {
  const out: (string | null)[] = [];
  for (let i = 0; i < count; i++) out.push((await assign(make(from + i * step), store)).assignee);
  return out;
}

export function tally(names: (string | null)[]): Map<string | null, number> {
  const counts = new Map<string | null, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  return counts;
}

/**
 * Decisions with their routing ids blanked: ids are unique per assignment, so two ways of routing
 * the same leads are compared on everything else (and each test that does checks the ids apart).
 */
export function blankIds<T extends { id: string }>(decisions: readonly (T | Error)[]): (T | Error)[] {
  return decisions.map((d) => (d instanceof Error ? d : { ...d, id: '' }));
}

/** A store's keys and values without the open queue items, which are keyed by routing id. */
export function withoutOpenItems(state: Map<string, unknown>): Map<string, unknown> {
  return new Map([...state].filter(([key]) => !key.startsWith('open:')));
}

/** Text (command output, JSON) with every routing id blanked to `r_`, for the same reason as blankIds. */
export function blankIdText(text: string): string {
  return text.replace(/\br_[0-9a-z]{20,}\b/g, 'r_');
}
