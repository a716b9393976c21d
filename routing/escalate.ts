// Escalation: what happens to a routed lead whose SLA passed with nobody working it, and the
// history a routed lead carries through a workflow (the n8n nodes put it on the item as
// `routing`). escalate() applies the rule's `escalate to` steps one breach at a time: each step
// is planned by the compiled policy (decideStep, with the policy's own evaluator) and settled
// through the same front door as routing (settle), so no strategy, eligibility or SLA rule is
// written twice.

import type { CompiledPolicy } from '../compiler/compile';
import type { Decision } from '../compiler/decision';
import type { RuleIR } from '../compiler/ir';
import { isoUtc, toInstant } from '../core/time';
import { newRoutingId, recordEvent, type EventDetails } from '../state/ledger';
import type { DecisionEntry } from '../state/ledger-entry';
import { StateStoreError, type StateJson, type StateStore } from '../state/store';
import { assignmentLink, newLinkSecret, publicView, resumeUrlOf, withLateTouches, type PublicDecision } from './links';
import { settle, STORE_FAILURE } from './route';

/** One entry of `routing.history`. Times are ISO 8601 UTC; `attempt` counts escalations before the event (0: the first assignment). */
export type RoutingEvent =
  /** Route decided: `status`, and who or which queue got the lead. */
  | { event: 'assigned'; at: string; status: Decision['status']; assignee: string | null; queue: string | null; attempt: number }
  /** The current assignee's link was called before the deadline (SLA Wait, output Worked); `data` is the request body (the query for GET, without the link's keys). */
  | { event: 'worked'; at: string; assignee: string | null; queue: string | null; attempt: number; data: unknown }
  /** The link of an earlier attempt was called after the lead moved on: `assignee` touched it at `attempt`; it stayed with the current holder. */
  | { event: 'late_touch'; at: string; assignee: string | null; attempt: number; current_assignee: string | null; current_queue: string | null; data: unknown }
  /** The deadline passed with nobody working the lead (recorded by Escalate). */
  | { event: 'breached'; at: string; assignee: string | null; queue: string | null; due: string | null; attempt: number }
  /** The assignee turned the lead down before its deadline: a buyer declined the offer or let it time out (recorded by Escalate with cause `declined`). */
  | { event: 'declined'; at: string; assignee: string | null; queue: string | null; attempt: number }
  /** An escalation step gave the lead to someone else; `step` is the step as `routing.escalation` writes it. */
  | { event: 'reassigned'; at: string; from: string | null; from_queue: string | null; to: string | null; queue: string | null; status: Decision['status']; step: string; attempt: number }
  /** No step could take the lead (or the last step is the fallback queue): it is in the fallback queue as an exception. */
  | { event: 'exhausted'; at: string; from: string | null; from_queue: string | null; queue: string; reason: string; attempt: number };

/** A decision as it travels on an item: the decision plus what the workflow around it needs. */
export interface RoutingRecord extends Decision {
  /**
   * The current assignee's "mark as worked" link (n8n's `$execution.resumeUrl` with the attempt
   * and its key, routing/links.ts), for the notification sent before SLA Wait; null outside n8n
   * and once the lead is exhausted. Secret: never answer a caller with it (publicView).
   */
  resume_url: string | null;
  /** The secret the links are keyed with; null outside n8n. */
  link_secret: string | null;
  /** What the lead's sender may be answered with: status, who will contact them, by when (no link, no secret). */
  public: PublicDecision;
  /** Escalations so far (0 after routing). */
  attempt: number;
  /** Index into `escalation` of the step the next breach applies. */
  escalation_step: number;
  /** Who had the lead before the last escalation (null before any). */
  previous_assignee: string | null;
  history: RoutingEvent[];
}

export type EscalationOutcome = 'reassigned' | 'exhausted';

export interface EscalationResult {
  /** `reassigned`: a step gave the lead to a person or a queue and the workflow waits again; `exhausted`: it ended in the fallback queue. */
  outcome: EscalationOutcome;
  routing: RoutingRecord;
}

/** A fresh decision as it leaves Route: the decision, an `assigned` event at `routed_at`, and the assignee's link on n8n's resume URL. */
export function routingRecord(decision: Decision, resumeUrl: string | null): RoutingRecord {
  // Links exist only inside n8n (a resume URL); elsewhere the record stays deterministic.
  const link_secret = resumeUrl === null ? null : newLinkSecret();
  return {
    ...decision,
    resume_url: assignmentLink(resumeUrl, { link_secret, attempt: 0, assignee: decision.assignee, queue: decision.queue }),
    link_secret,
    public: publicView(decision),
    attempt: 0,
    escalation_step: 0,
    previous_assignee: null,
    history: [{ event: 'assigned', at: decision.routed_at, status: decision.status, assignee: decision.assignee, queue: decision.queue, attempt: 0 }],
  };
}

/** The record with a `worked` event (SLA Wait resumed by its webhook); `data` is what the caller sent. */
export function recordWorked(routing: RoutingRecord, at: Date | number | string, data: unknown): RoutingRecord {
  const event: RoutingEvent = { event: 'worked', at: isoUtc(toInstant(at)), assignee: routing.assignee, queue: routing.queue, attempt: routing.attempt, data };
  return { ...routing, history: [...routing.history, event] };
}

// Reading a record back from an item: items are user data (a Set node may have changed them),
// so every field is checked, through own properties only.

type Json = Record<string, unknown>;
const hasOwn = (o: Json, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const isStringOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const own = (o: Json, key: string): unknown => (hasOwn(o, key) ? o[key] : undefined);
const STATUSES: ReadonlySet<unknown> = new Set(['assigned', 'queued', 'exception']);

/** The routing id a routing record on an item carries; null when it has none (routed before routing ids, or not a record). */
export function routingIdOf(value: unknown): string | null {
  const id = isObject(value) ? own(value, 'id') : undefined;
  return typeof id === 'string' && id !== '' ? id : null;
}

/** The routing record on an item, or why the value is not one. Missing escalation bookkeeping (attempt, step, history) starts afresh. */
export function readRoutingRecord(value: unknown): RoutingRecord | string {
  if (!isObject(value)) return 'it is not a routing decision (an object from the Route node)';
  const status = own(value, 'status');
  if (!STATUSES.has(status)) return '`status` is not assigned, queued or exception';
  const assignee = own(value, 'assignee');
  const queue = own(value, 'queue');
  const pool = own(value, 'pool');
  if (!isStringOrNull(assignee) || !isStringOrNull(queue) || !isStringOrNull(pool)) return '`assignee`, `queue` and `pool` must be text or null';
  const candidates = own(value, 'candidates') ?? [];
  const escalation = own(value, 'escalation') ?? [];
  if (!isStringArray(candidates) || !isStringArray(escalation)) return '`candidates` and `escalation` must be lists of text';
  const policy = own(value, 'policy');
  if (!isObject(policy) || typeof own(policy, 'name') !== 'string') return '`policy.name` is missing';
  const rule = own(value, 'rule') ?? null;
  if (rule !== null && !(isObject(rule) && Number.isInteger(own(rule, 'index')) && typeof own(rule, 'source') === 'string')) return '`rule` must be null or have `index` and `source`';
  const sla = own(value, 'sla') ?? null;
  if (sla !== null && !(isObject(sla) && typeof own(sla, 'due') === 'string')) return '`sla` must be null or have `due`';
  const history = own(value, 'history') ?? [];
  if (!Array.isArray(history)) return '`history` must be a list';
  const count = (key: string): number => {
    const n = own(value, key);
    return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : 0;
  };
  const resumeUrl = own(value, 'resume_url');
  const secret = own(value, 'link_secret');
  const previous = own(value, 'previous_assignee');
  return {
    ...(value as unknown as Decision),
    // A record from before routing ids gets one, so its events still have a routing to refer to.
    id: routingIdOf(value) ?? newRoutingId(),
    status: status as Decision['status'],
    assignee,
    queue,
    pool,
    candidates,
    escalation,
    rule: rule as Decision['rule'],
    sla: sla as Decision['sla'],
    resume_url: typeof resumeUrl === 'string' ? resumeUrl : null,
    link_secret: typeof secret === 'string' && secret !== '' ? secret : null,
    public: publicView({ status: status as Decision['status'], assignee, queue, sla: sla as Decision['sla'] }),
    attempt: count('attempt'),
    escalation_step: count('escalation_step'),
    previous_assignee: typeof previous === 'string' ? previous : null,
    history: history as RoutingEvent[],
  };
}

/** The steps that apply to a decision: its rule's (when the policy still has that rule), else those of the rule the lead matches now. */
function escalationRule(policy: CompiledPolicy, routing: RoutingRecord, lead: unknown, now: number): RuleIR | null {
  const rules = policy.ir.rules;
  if (routing.rule !== null) {
    const rule = rules[routing.rule.index];
    if (rule !== undefined && rule.source === routing.rule.source) return rule;
  }
  // A sticky assignment (rule null), or a policy edited while the lead waited.
  const matched = policy.decide(lead, { now }).rule;
  return matched === null ? null : (rules[matched.index] ?? null);
}

export interface EscalateInput {
  /** The policy in force (the same policy name as the decision's, so rotation and caps are shared). */
  policy: CompiledPolicy;
  routing: RoutingRecord;
  /** The lead, for owner paths, `by` values and members' `when`. */
  lead: unknown;
  now: Date | number | string;
  store: StateStore;
  /**
   * Why the lead moves on: `breached` (its SLA passed; the default), or `declined` (the assignee
   * turned it down: a buyer's decline or offer timeout, whose answer the workflow records in the
   * ledger itself, so Escalate records no breach for it).
   */
  cause?: EscalationCause;
}

export type EscalationCause = 'breached' | 'declined';

/**
 * One breach (or decline): records it, then applies the escalation steps from `routing.escalation_step`
 * on. `next` takes the next available candidate of the cascade and stays the current step
 * while candidates remain; any other step is a target, planned and assigned like a rule's
 * target, and the following breach moves past it. A step that cannot take the lead (nobody
 * left, nobody available) passes to the following step at once. The lead is `exhausted` when
 * no step is left or a step hands it to the fallback queue: it is then in the fallback queue
 * with status `exception` and a reason. A store failure exhausts the lead the same way (a
 * lead never leaves without an outcome).
 */
export async function escalate(input: EscalateInput): Promise<EscalationResult> {
  const { policy, lead, store } = input;
  const now = toInstant(input.now);
  // Touches of earlier links kept while the lead waited; a store that fails here fails the steps below too, with the reason.
  const routing = await withLateTouches(store, input.routing).catch(() => input.routing);
  const at = isoUtc(now);
  const cause = input.cause ?? 'breached';
  const routed = { id: routing.id, key: policy.leadKey(lead), policy: routing.policy.name };
  let passed: RoutingEvent;
  if (cause === 'declined') passed = { event: 'declined', at, assignee: routing.assignee, queue: routing.queue, attempt: routing.attempt };
  else {
    passed = { event: 'breached', at, assignee: routing.assignee, queue: routing.queue, due: routing.sla?.due ?? null, attempt: routing.attempt };
    await ledgerEvent(store, routed, 'breached', now, { assignee: routing.assignee, queue: routing.queue, data: { due: passed.due, attempt: routing.attempt } });
  }
  const history = [...routing.history, passed];
  // Everyone who let this lead's SLA pass or turned it down, including the current assignee.
  const out = new Set<string>();
  for (const e of history) if ((e.event === 'breached' || e.event === 'declined') && typeof e.assignee === 'string') out.add(e.assignee);

  const rule = escalationRule(policy, routing, lead, now);
  const steps = rule?.escalation ?? [];
  const texts = rule?.escalationText ?? [];
  const why: string[] = [];
  const fallback = policy.ir.fallback;
  for (let i = routing.escalation_step; rule !== null && i < steps.length; i++) {
    const pending = policy.decideStep(lead, { now, rule: rule.index, step: i, pool: routing.pool, cascade: routing.candidates, exclude: out });
    if (pending.options.length === 0) {
      why.push('next: nobody left in the cascade');
      continue;
    }
    const continues = { id: routing.id, key: routed.key, from: routing.assignee, from_queue: routing.queue, step: texts[i] };
    const [decision] = await settle([{ ...pending, continues }], store);
    if (decision.status === 'exception') {
      why.push(decision.reason ?? 'no one could take the lead');
      // A store that failed fails every later step too.
      if (decision.reason?.startsWith(STORE_FAILURE) === true) break;
      continue;
    }
    if (decision.status === 'queued' && decision.queue === fallback) {
      why.push(`${texts[i]} is the fallback queue`);
      break;
    }
    const attempt = routing.attempt + 1;
    const next: RoutingRecord = {
      ...decision,
      resume_url: assignmentLink(resumeUrlOf(routing.resume_url), { link_secret: routing.link_secret, attempt, assignee: decision.assignee, queue: decision.queue }),
      link_secret: routing.link_secret,
      public: publicView(decision),
      attempt,
      escalation_step: steps[i].kind === 'next' ? i : i + 1,
      previous_assignee: routing.assignee,
      history: [
        ...history,
        { event: 'reassigned', at, from: routing.assignee, from_queue: routing.queue, to: decision.assignee, queue: decision.queue, status: decision.status, step: texts[i], attempt: routing.attempt + 1 },
      ],
    };
    return { outcome: 'reassigned', routing: next };
  }

  const times = routing.attempt + 1;
  const passes = cause === 'declined' ? `decline${times === 1 ? '' : 's'}` : `breach${times === 1 ? '' : 'es'}`;
  const reason = `escalation exhausted after ${times} ${passes}${why.length > 0 ? ` (${why.join('; ')})` : ''}`;
  const exhausted: RoutingRecord = {
    ...routing,
    status: 'exception',
    assignee: null,
    queue: fallback,
    candidates: [],
    sla: null,
    reason,
    // Nobody's SLA is left to stop: no link.
    resume_url: null,
    public: publicView({ status: 'exception', assignee: null, queue: fallback, sla: null }),
    attempt: routing.attempt + 1,
    escalation_step: steps.length,
    previous_assignee: routing.assignee,
    history: [...history, { event: 'exhausted', at, from: routing.assignee, from_queue: routing.queue, queue: fallback, reason, attempt: routing.attempt + 1 }],
  };
  await ledgerEvent(store, routed, 'exhausted', now, { queue: fallback, data: { from: routing.assignee, from_queue: routing.queue, reason } });
  return { outcome: 'exhausted', routing: exhausted };
}

/** An event SLA Wait sees: the current assignee's link called, or an earlier one's. */
export type TouchEvent = Extract<RoutingEvent, { event: 'worked' | 'late_touch' }>;

/**
 * Writes an event SLA Wait saw to the ledger as it happens, against `id`, the routing id the item
 * carries (routingIdOf): an item routed before routing ids writes nothing, as its decision is not
 * in the ledger. `by` is who touched the lead, `assignee` and `queue` who holds it. The lead's
 * key stays null: it is declared by the policy, which SLA Wait does not have; the id names the lead.
 * A store that fails loses the event, not the answer to the link's caller.
 */
export async function ledgerTouch(store: StateStore, id: string | null, routing: Pick<RoutingRecord, 'policy'>, event: TouchEvent): Promise<void> {
  if (id === null) return;
  const held = event.event === 'worked' ? { assignee: event.assignee, queue: event.queue } : { assignee: event.current_assignee, queue: event.current_queue };
  const data = { attempt: event.attempt, data: (event.data ?? null) as StateJson };
  await ledgerEvent(store, { id, key: null, policy: routing.policy.name }, event.event, Date.parse(event.at), { by: event.assignee, ...held, data });
}

/**
 * A lead whose current assignee's link was called (SLA Wait's Worked): its record with the late
 * touches kept for it merged in and a `worked` event, written to the ledger against `id` (see
 * ledgerTouch). A store that fails loses the late touches and the ledger entry, not the lead.
 */
export async function markWorked(store: StateStore, id: string | null, routing: RoutingRecord, at: number, data: unknown): Promise<RoutingRecord> {
  const worked = recordWorked(await withLateTouches(store, routing).catch(() => routing), at, data);
  // recordWorked appended the worked event.
  await ledgerTouch(store, id, worked, worked.history.at(-1) as TouchEvent);
  return worked;
}

/** Records an event in the ledger. A store that fails here fails the lead's steps too, which say so; the event is lost with the store. */
async function ledgerEvent(store: StateStore, routed: Pick<DecisionEntry, 'id' | 'key' | 'policy'>, type: string, at: number, details: EventDetails): Promise<void> {
  try {
    await recordEvent(store, routed, type, at, details);
  } catch (error) {
    if (!(error instanceof StateStoreError)) throw error;
  }
}
