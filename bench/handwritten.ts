// The acme reference policy (examples/acme-inbound.route, LANGUAGE.md "A whole policy") written
// by hand in TypeScript: the practical limit for decide() on this policy. It does the same work
// as decide() and returns the same PendingDecision (the bench asserts equality on every lead
// before timing): first matching rule, dimensions, pool lookup with the wildcard fallback, member
// eligibility (the smb pool's hours in New York), sticky key, SLA due, priority, escalation.
// What a person would do by hand is allowed: switches instead of sets, constants inlined, the
// time-zone offset cached per UTC hour. The declared fields are
// read as their types (LANGUAGE.md v1.1) by calling the library's reader of each field's type
// directly, as a person would. Lead values are taken to be scalars, as the generated leads are:
// list values (multi-select picklists) are not handled.

import type { DecideOptions } from '../compiler/compile';
import type { FieldWarning, MemberOption, PendingDecision, PlanOption, RuleRef, SlaPlan, StickyLookup } from '../compiler/decision';
import { showValue, traceValue } from '../compiler/reference';
import { isBlank, normText, toNumber } from '../core/values';
import { Picklist } from '../fields/picklists';
import { defaultReading, readValue, type FieldReading, type ReadContext } from '../fields/read';
import type { PeerOutcome } from './peers';

const hasOwn = Object.prototype.hasOwnProperty;

/** A lead value through own properties only. */
export function read(lead: unknown, key: string): unknown {
  return lead !== null && typeof lead === 'object' && hasOwn.call(lead, key) ? (lead as Record<string, unknown>)[key] : undefined;
}

/** `account.status` / `account.owner`, nested or written flat. */
export function readAccount(lead: unknown, key: 'status' | 'owner'): unknown {
  const account = read(lead, 'account');
  if (account !== null && typeof account === 'object' && hasOwn.call(account, key)) return (account as Record<string, unknown>)[key];
  return read(lead, `account.${key}`);
}

/** Trimmed lower-case text of a string; null otherwise (no literal here is numeric or boolean). */
export function text(v: unknown): string | null {
  return typeof v === 'string' ? v.trim().toLowerCase() : null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' ? (Number.isFinite(v) ? v : null) : toNumber(v);
}

export function segmentOf(lead: unknown): string {
  const n = num(read(lead, 'employees'));
  return n === null ? 'smb' : n >= 1000 ? 'enterprise' : n >= 200 ? 'midmarket' : 'smb';
}

export function geoOf(lead: unknown): string {
  switch (text(read(lead, 'country'))) {
    case 'us':
    case 'ca':
    case 'mx':
      return 'na';
    case 'gb':
    case 'ie':
    case 'de':
    case 'fr':
    case 'nl':
    case 'es':
    case 'it':
    case 'se':
      return 'emea';
    default:
      return 'apac';
  }
}

/** The index of the first rule that holds (`else` always does); each field is read and normalized once. */
function ruleOf(lead: unknown): number {
  if (text(readAccount(lead, 'status')) === 'customer' && !isBlank(readAccount(lead, 'owner'))) return 0;
  const type = text(read(lead, 'type'));
  if (type === 'support') return 1;
  if (text(read(lead, 'product')) === 'payments') return 2;
  if (type === 'demo') return 3;
  const source = text(read(lead, 'source'));
  return source === 'paid_search' || source === 'partner' ? 3 : 4;
}

// ---------------------------------------------------------------- the declared fields

/** The acme fields blocks (both bench policies declare the same fields), each with its reader. */
const FIELDS: { name: string; key: string; inAccount: boolean; reading: FieldReading }[] = [
  ['country', defaultReading('country')],
  ['email', defaultReading('email')],
  ['employees', defaultReading('number')],
  ['type', defaultReading('enum', new Picklist('type', ['demo', 'contact', 'content_download', 'support']))],
  ['source', defaultReading('text')],
  ['product', defaultReading('text')],
  ['account.status', defaultReading('enum', new Picklist('account.status', ['none', 'customer', 'open_opportunity', 'churned']))],
  ['account.owner', defaultReading('text')],
].map(([name, reading]) => ({ name: name as string, key: (name as string).replace('account.', ''), inAccount: (name as string).startsWith('account.'), reading: reading as FieldReading }));

/** The lead as the rules see it: its declared fields read as their types (unreadable ones left out, with a warning). */
export function readDeclared(lead: unknown, warnings: FieldWarning[]): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  const account: Record<string, unknown> = {};
  const context: ReadContext = { country: null };
  for (const f of FIELDS) {
    const raw = f.inAccount ? readAccount(lead, f.key as 'status' | 'owner') : read(lead, f.key);
    const got = readValue(f.reading, raw, context);
    if (!got.ok) warnings.push({ field: f.name, value: traceValue(raw), problem: got.problem.replace(/_/g, ' ') });
    else if (got.value !== null) (f.inAccount ? account : view)[f.key] = got.value;
  }
  if (account.status !== undefined || account.owner !== undefined) view.account = account;
  return view;
}

/** Only the rule matching and the dimensions: the part of the work the rule-engine peers express. */
export function handwrittenMatch(lead: unknown): PeerOutcome {
  return { rule: ruleOf(lead), segment: segmentOf(lead), geo: geoOf(lead) };
}

// ---------------------------------------------------------------- the smb pool's hours

const NEW_YORK = 'America/New_York';
const HOUR = 3_600_000;
const DAY = 86_400_000;
const nyParts = new Intl.DateTimeFormat('en-US', {
  timeZone: NEW_YORK,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
});
let offsetHour = NaN;
let offsetMs = 0;

/** New York's UTC offset at ms; its changes fall on whole UTC hours, so one lookup per hour serves. */
function newYorkOffset(ms: number): number {
  const hour = Math.floor(ms / HOUR);
  if (hour !== offsetHour) {
    const p: Record<string, number> = {};
    for (const part of nyParts.formatToParts(ms)) if (part.type !== 'literal') p[part.type] = Number(part.value);
    offsetMs = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - Math.floor(ms / 60_000) * 60_000;
    offsetHour = hour;
  }
  return offsetMs;
}

/** Mon-Fri 08:00-18:00 in New York. */
function smbOpen(ms: number): boolean {
  const local = ms + newYorkOffset(ms);
  const day = Math.floor(local / DAY);
  const isoWeekday = ((((day + 3) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday
  const minute = Math.floor((local - day * DAY) / 60_000);
  return isoWeekday <= 5 && minute >= 480 && minute < 1080;
}

const OUTSIDE_SMB_HOURS = `outside hours Mon-Fri 08:00-18:00 (${NEW_YORK})`;

// ---------------------------------------------------------------- pools

export const member = (name: string, weight = 1, cap: MemberOption['cap'] = null): MemberOption => ({ name, weight, bid: 0, cap, soldCap: null });
const POOLS: Record<string, MemberOption[]> = {
  'enterprise.na': [member('alice'), member('bob'), member('carol')],
  'enterprise.emea': [member('dieter', 2), member('emma')],
  'enterprise.*': [member('zoe')],
  'midmarket.*': [member('mia'), member('noah')],
  'smb.*': [member('frank', 1, { count: 40, per: 'day', tz: NEW_YORK }), member('gina', 1, { count: 40, per: 'day', tz: NEW_YORK })],
  payments_team: [member('ivy@acme.com'), member('jon@acme.com')],
};

/** The pool `by segment then geo` serves: exact name, else `segment.*` (every segment has one). */
function poolFor(segment: string, geo: string): string {
  if (segment === 'enterprise' && (geo === 'na' || geo === 'emea')) return `enterprise.${geo}`;
  return `${segment}.*`;
}

function poolOption(pool: string, path: Record<string, string | null>, nowMs: number, sla: SlaPlan | null): PlanOption {
  const declared = POOLS[pool];
  if (pool === 'smb.*' && !smbOpen(nowMs)) {
    return { kind: 'pool', pool, strategy: 'round_robin', path, members: [], skipped: declared.map((m) => ({ name: m.name, why: OUTSIDE_SMB_HOURS })), sla };
  }
  return { kind: 'pool', pool, strategy: 'round_robin', path, members: declared.slice(), skipped: [], sla };
}

// ---------------------------------------------------------------- rules

interface HandRule {
  ref: RuleRef;
  sla: { ms: number; text: string } | null;
  priority: PendingDecision['priority'];
  escalation: string[];
}

const rule = (index: number, line: number, source: string, sla: HandRule['sla'], priority: HandRule['priority']): HandRule => ({
  ref: { index, line, source },
  sla,
  priority,
  escalation: ['next', 'queue exceptions'],
});
/** Rule lines and texts as in examples/acme-inbound.route. */
const RULES: HandRule[] = [
  rule(0, 41, 'when account.status = customer and account.owner is not blank route owner sla 4h', { ms: 4 * HOUR, text: '4h' }, 'normal'),
  rule(1, 42, 'when type = support route queue support', null, 'normal'),
  rule(2, 43, 'when product = payments route round_robin(payments_team) or queue payments_overflow sla 10m priority high', { ms: 600_000, text: '10m' }, 'high'),
  rule(3, 44, 'when intent = high route by segment then geo then round_robin(pool) sla 5m priority high', { ms: 300_000, text: '5m' }, 'high'),
  rule(4, 45, 'else by segment then geo then round_robin(pool) sla 1d escalate to next, queue exceptions', { ms: DAY, text: '1d' }, 'normal'),
];

const FALLBACK = 'exceptions';
const STICKY_MS = 30 * DAY;

/** `now` as epoch ms: a number, a Date, or a date-time string. */
export function toMs(now: DecideOptions['now']): number {
  if (now === undefined) return Date.now();
  if (typeof now === 'number') return now;
  return now instanceof Date ? now.getTime() : Date.parse(now);
}

/** The sticky key: the email's comparison text; null when blank or not text (an object names nobody). */
export function stickyKeyOf(lead: unknown): string | null {
  const email = read(lead, 'email');
  return isBlank(email) ? null : normText(email);
}

/** The owner a lead names: trimmed text, or a number as written; anything else names nobody. */
export function ownerName(v: unknown): string | null {
  if (typeof v === 'string') {
    const t = v.trim();
    return t === '' ? null : t;
  }
  return typeof v === 'number' && Number.isFinite(v) ? String(v) : null;
}

/** The sticky lookup: the earlier assignee must still be in the pool and, for smb, inside hours. */
function stickyLookup(key: string, nowMs: number): StickyLookup {
  return {
    key,
    ms: STICKY_MS,
    member(pool, name) {
      if (pool === null) return member(name);
      if (!hasOwn.call(POOLS, pool)) return `pool ${pool} is no longer in the policy`;
      const found = POOLS[pool].find((m) => m.name === name);
      if (found === undefined) return `${name} is no longer a member of pool ${pool}`;
      if (pool === 'smb.*' && !smbOpen(nowMs)) return OUTSIDE_SMB_HOURS;
      return found;
    },
  };
}

/** Builds the decide function; `policy` is the compiled policy's name and hash (the decision carries them). */
export function createHandwrittenDecide(policy: { name: string; hash: string }) {
  const policyRef = { name: policy.name, hash: policy.hash };
  return function decide(given: unknown, options?: DecideOptions): PendingDecision {
    const nowMs = toMs(options?.now);
    const warnings: FieldWarning[] = [];
    const lead = readDeclared(given, warnings);
    const key = stickyKeyOf(lead);
    const sticky = key === null ? null : stickyLookup(key, nowMs);

    const ruleIndex = ruleOf(lead);
    const decided = RULES[ruleIndex];
    const sla: SlaPlan | null = decided.sla === null ? null : { duration: decided.sla.text, business: false, due: nowMs + decided.sla.ms };
    let path: Record<string, string | null> = {};
    let plan: PlanOption[];
    switch (ruleIndex) {
      case 0: {
        const owner = readAccount(lead, 'owner');
        const assignee = ownerName(owner);
        plan = [assignee === null ? { kind: 'unresolved', reason: `owner: account.owner is not a name (${showValue(owner)})` } : { kind: 'person', assignee, via: 'owner', sla }];
        break;
      }
      case 1:
        plan = [{ kind: 'queue', queue: 'support', sla }];
        break;
      case 2:
        plan = [poolOption('payments_team', {}, nowMs, sla), { kind: 'queue', queue: 'payments_overflow', sla }];
        break;
      default: {
        const segment = segmentOf(lead);
        const geo = geoOf(lead);
        path = { segment, geo };
        plan = [poolOption(poolFor(segment, geo), path, nowMs, sla)];
      }
    }
    return {
      rule: decided.ref,
      path,
      priority: decided.priority,
      tags: [],
      escalation: decided.escalation.slice(),
      policy: policyRef,
      at: nowMs,
      options: plan,
      sticky,
      fallback: FALLBACK,
      warnings,
      key,
    };
  };
}

// ---------------------------------------------------------------- agreement

/** Where two values first differ (`options[0].members[1].name: "bob" vs "carol"`), or null when deeply equal. */
function firstDifference(a: unknown, b: unknown, at: string): string | null {
  if (Object.is(a, b)) return null;
  const show = (v: unknown) => (v === undefined ? 'undefined' : JSON.stringify(v));
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) {
    return `${at || '(decision)'}: ${show(a)} vs ${show(b)}`;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], Array.isArray(a) ? `${at}[${k}]` : at ? `${at}.${k}` : k);
    if (d !== null) return d;
  }
  return null;
}

/** An earlier assignee to ask a sticky lookup about: the pool it was assigned from (null: no pool) and its name. */
export type StickyProbe = [pool: string | null, name: string];

/** Every (pool, member) of a policy's pools, plus an owner from no pool and two strangers: the sticky answers to compare. */
export function stickyProbes(pools: readonly { name: string; members: readonly { name: string }[] }[]): StickyProbe[] {
  return [
    ...pools.flatMap((pool) => pool.members.map((m): StickyProbe => [pool.name, m.name])),
    [null, 'rita'],
    [pools[0].name, 'mallory'],
    ['no_such_pool', 'alice'],
  ];
}

/**
 * Where decision `actual` differs from `expected`, or null when they agree. The sticky lookup is
 * compared by its key and window and by its answers to `probes` (stickyProbes of the policy's pools).
 */
export function decisionDifference(expected: PendingDecision, actual: PendingDecision, probes: readonly StickyProbe[]): string | null {
  const { sticky: es, ...eRest } = expected;
  const { sticky: as, ...aRest } = actual;
  const d = firstDifference(eRest, aRest, '');
  if (d !== null) return d;
  if (es === null || as === null) return es === as ? null : `sticky: ${es === null ? 'null' : es.key} vs ${as === null ? 'null' : as.key}`;
  const plain = (s: StickyLookup) => ({ key: s.key, ms: s.ms, answers: probes.map(([pool, name]) => s.member(pool, name)) });
  return firstDifference(plain(es), plain(as), 'sticky');
}
