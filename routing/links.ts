// "Mark as worked" links, one per assignment. n8n gives an execution one resume URL, and every
// call of it resumes the execution, whoever sends it; so each assignment (Route's, and each
// reassignment by Escalate) gets that URL plus its attempt and a key: an HMAC, under a secret
// that only the routing record holds, of the attempt and who had the lead then. SLA Wait checks
// the link before it lets n8n resume (checkLink): the current assignee's link ends the wait; a
// link of an earlier attempt does not resume anything (n8n leaves an execution waiting when the
// resume webhook returns no items), it answers that the lead has moved on and the touch is
// kept in the state store as a `late_touch` event, merged into the history at the next step.
// Neither the links nor the secret may reach the lead's sender: publicView() is what a caller sees.

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isoUtc, toInstant } from '../core/time';
import { keyPart, type StateStore, type StateValue } from '../state/store';
import type { RoutingEvent, RoutingRecord } from './escalate';

/** The query parameters a link adds to n8n's resume URL (n8n's own is `signature`). */
export const LINK_ATTEMPT = 'attempt';
export const LINK_KEY = 'key';
const N8N_SIGNATURE = 'signature';

/** A fresh secret for a routing record's links. */
export function newLinkSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Who had the lead at `attempt`: the assignee, else the queue (from the record's history). */
function holderAt(routing: RoutingRecord, attempt: number): string | null {
  if (attempt === routing.attempt) return routing.assignee ?? routing.queue;
  for (const e of routing.history) {
    if (e.event === 'assigned' && attempt === 0) return e.assignee ?? e.queue;
    if (e.event === 'reassigned' && e.attempt === attempt) return e.to ?? e.queue;
  }
  return null;
}

function linkKey(secret: string, attempt: number, holder: string | null): string {
  return createHmac('sha256', secret).update(`${attempt}\n${holder ?? ''}`).digest('base64url').slice(0, 32);
}

/**
 * The link for the record's current assignment: n8n's resume URL with the attempt and its key.
 * Null without a resume URL (outside n8n) or a secret.
 */
export function assignmentLink(resumeUrl: string | null, routing: Pick<RoutingRecord, 'link_secret' | 'attempt' | 'assignee' | 'queue'>): string | null {
  if (resumeUrl === null || routing.link_secret === null) return null;
  const url = new URL(resumeUrl);
  url.searchParams.set(LINK_ATTEMPT, String(routing.attempt));
  url.searchParams.set(LINK_KEY, linkKey(routing.link_secret, routing.attempt, routing.assignee ?? routing.queue));
  return url.toString();
}

/** n8n's resume URL behind a link (the link without its attempt and key). */
export function resumeUrlOf(link: string | null): string | null {
  if (link === null) return null;
  const url = new URL(link);
  url.searchParams.delete(LINK_ATTEMPT);
  url.searchParams.delete(LINK_KEY);
  return url.toString();
}

export type LinkCheck =
  /** The current assignee's link: the lead is worked. */
  | { kind: 'current'; holder: string | null }
  /** A link of an earlier attempt: the lead has moved on from `holder`. */
  | { kind: 'earlier'; attempt: number; holder: string | null }
  /** No link of this lead: missing or wrong key, unknown attempt. */
  | { kind: 'invalid'; why: string };

/** Which assignment of the record a call's query (`attempt`, `key`) is the link of. */
export function checkLink(routing: RoutingRecord, query: Record<string, unknown>): LinkCheck {
  const attemptText = query[LINK_ATTEMPT];
  const key = query[LINK_KEY];
  if (routing.link_secret === null) return { kind: 'invalid', why: 'the lead has no links (it was not routed by Route in this execution)' };
  if (typeof attemptText !== 'string' || typeof key !== 'string') return { kind: 'invalid', why: 'the link has no attempt or key' };
  const attempt = Number(attemptText);
  if (!/^\d+$/.test(attemptText) || attempt > routing.attempt) return { kind: 'invalid', why: `the lead has no attempt ${JSON.stringify(attemptText)}` };
  const holder = holderAt(routing, attempt);
  const expected = Buffer.from(linkKey(routing.link_secret, attempt, holder));
  const given = Buffer.from(key);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { kind: 'invalid', why: 'the key does not match' };
  return attempt === routing.attempt ? { kind: 'current', holder } : { kind: 'earlier', attempt, holder };
}

/** What a call carried, for the history: the body, or for a GET the query without n8n's signature and the link's attempt and key. */
export function callData(method: string, query: Record<string, unknown>, body: unknown): unknown {
  if (method !== 'GET') return body ?? {};
  const data: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(query)) if (name !== N8N_SIGNATURE && name !== LINK_ATTEMPT && name !== LINK_KEY) data[name] = value;
  return data;
}

/** What the lead's sender may see of a decision: its status, who will contact them and by when. No link, no secret. */
export interface PublicDecision {
  status: RoutingRecord['status'];
  assignee: string | null;
  queue: string | null;
  due: string | null;
}

export function publicView(routing: Pick<RoutingRecord, 'status' | 'assignee' | 'queue' | 'sla'>): PublicDecision {
  return { status: routing.status, assignee: routing.assignee, queue: routing.queue, due: routing.sla?.due ?? null };
}

/** The answer to a call of an earlier attempt's link: the lead has moved on, and to whom. */
export function movedOnAnswer(routing: Pick<RoutingRecord, 'assignee' | 'queue'>): { status: 'moved_on'; message: string; assignee: string | null; queue: string | null } {
  const to = routing.assignee ?? (routing.queue === null ? 'someone else' : `the queue ${routing.queue}`);
  return { status: 'moved_on', message: `This lead has moved on to ${to}; your link no longer stops its SLA.`, assignee: routing.assignee, queue: routing.queue };
}

// Late touches wait in the state store until the next step of the lead (worked, breached)
// merges them into its history: the waiting execution's own data cannot change without resuming it.

const LATE_TOUCH_TTL_MS = 30 * 86_400_000;

function lateTouchKey(routing: RoutingRecord): string {
  // The secret's hash names the record without revealing it.
  const id = createHash('sha256').update(routing.link_secret ?? '').digest('base64url').slice(0, 24);
  return `touch:${keyPart(routing.policy.name)}:${id}`;
}

/** Keeps a late touch (a call of an earlier attempt's link) in the store; returns the event. */
export async function recordLateTouch(store: StateStore, routing: RoutingRecord, check: Extract<LinkCheck, { kind: 'earlier' }>, at: Date | number | string, data: unknown): Promise<Extract<RoutingEvent, { event: 'late_touch' }>> {
  const instant = toInstant(at);
  const event: Extract<RoutingEvent, { event: 'late_touch' }> = { event: 'late_touch', at: isoUtc(instant), assignee: check.holder, attempt: check.attempt, current_assignee: routing.assignee, current_queue: routing.queue, data };
  const key = lateTouchKey(routing);
  await store.transact([key], (read) => {
    const kept = read.get(key);
    const list = Array.isArray(kept) ? kept : [];
    return { writes: [{ key, value: [...list, event] as unknown as StateValue, expireAt: instant + LATE_TOUCH_TTL_MS }], result: null };
  });
  return event;
}

/** The record with the late touches kept for it merged into its history, in time order (each once). */
export async function withLateTouches(store: StateStore, routing: RoutingRecord): Promise<RoutingRecord> {
  if (routing.link_secret === null) return routing;
  const key = lateTouchKey(routing);
  const kept = await store.transact([key], (read) => ({ writes: [], result: read.get(key) }));
  if (!Array.isArray(kept) || kept.length === 0) return routing;
  const seen = new Set(routing.history.map((e) => JSON.stringify(e)));
  const fresh = (kept as unknown as RoutingEvent[]).filter((e) => !seen.has(JSON.stringify(e)));
  if (fresh.length === 0) return routing;
  // A stable sort: events at the same instant keep their order.
  const history = [...routing.history, ...fresh].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return { ...routing, history };
}
