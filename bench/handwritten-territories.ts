// The bench's second policy (bench/territories.route) written by hand in TypeScript, as
// bench/handwritten.ts does for the acme policy and on the same terms: the same work as decide()
// and the same PendingDecision (the bench and test/bench assert equality on every lead). Its
// shape differs from acme's: two owner rules (one with a queue behind a blank owner), smb leads
// split by source into two pools, and `by segment then geo` over nine exact pools.

import type { DecideOptions } from '../compiler/compile';
import type { FieldWarning, MemberOption, PendingDecision, PlanOption, RuleRef, SlaPlan, StickyLookup } from '../compiler/decision';
import { showValue } from '../compiler/reference';
import { isBlank } from '../core/values';
import { geoOf, member, ownerName, read, readAccount, readDeclared, segmentOf, stickyKeyOf, text, toMs } from './handwritten';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const STICKY_MS = 30 * DAY;
const FALLBACK = 'exceptions';

/** Capped at 40 a day, counted in UTC (the pools have no hours, so no zone of their own). */
const smbMember = (name: string) => member(name, 1, { count: 40, per: 'day', tz: 'UTC' });

/** The pools; each option shares its pool's list, as nobody is ever left out (no hours, no `when`). */
const POOLS: Record<string, readonly MemberOption[]> = {
  'enterprise.na': [member('alice'), member('bob'), member('carol')],
  'enterprise.emea': [member('dieter', 2), member('emma')],
  'enterprise.apac': [member('hiro'), member('priya')],
  'midmarket.na': [member('mia'), member('noah'), member('olga')],
  'midmarket.emea': [member('pierre'), member('quinn')],
  'midmarket.apac': [member('ravi'), member('sakura')],
  'smb.na': [smbMember('frank'), smbMember('gina'), smbMember('hank')],
  'smb.emea': [smbMember('ines'), smbMember('jan')],
  'smb.apac': [smbMember('kai'), smbMember('lin')],
  payments_team: [member('ivy@acme.com'), member('jon@acme.com')],
  smb_partners: [member('uma'), member('victor')],
  smb_paid: [member('wendy'), member('xavier')],
};

/** The nine pools of `by segment then geo`, by segment and geo: their names, so that no name is joined per lead. */
const TERRITORY: Record<string, Record<string, string>> = Object.fromEntries(
  ['enterprise', 'midmarket', 'smb'].map((segment) => [segment, Object.fromEntries(['na', 'emea', 'apac'].map((geo) => [geo, `${segment}.${geo}`]))]),
);

const NOBODY_SKIPPED: readonly { name: string; why: string }[] = [];

interface HandRule {
  ref: RuleRef;
  sla: { ms: number; text: string } | null;
  priority: PendingDecision['priority'];
  tags: string[];
}

const rule = (index: number, source: string, sla: HandRule['sla'], priority: HandRule['priority'], tags: string[] = []): HandRule => ({
  ref: { index, line: 44 + index, source },
  sla,
  priority,
  tags,
});
/** Rule lines and texts as in bench/territories.route. */
const RULES: HandRule[] = [
  rule(0, 'when account.status = customer and account.owner is not blank route owner sla 4h', { ms: 4 * HOUR, text: '4h' }, 'normal'),
  rule(1, 'when account.status = open_opportunity route owner or queue sales_desk sla 1h priority high', { ms: HOUR, text: '1h' }, 'high'),
  rule(2, 'when type = support route queue support', null, 'normal'),
  rule(3, 'when product = payments route round_robin(payments_team) or queue payments_overflow sla 10m priority high', { ms: 600_000, text: '10m' }, 'high'),
  rule(4, 'when segment = smb and source in [partner, referral] route round_robin(smb_partners) sla 1d tag partner', { ms: DAY, text: '1d' }, 'normal', ['partner']),
  rule(5, 'when segment = smb and source = paid_search route round_robin(smb_paid) or queue smb_overflow sla 2h priority high', { ms: 2 * HOUR, text: '2h' }, 'high'),
  rule(6, 'else by segment then geo then round_robin(pool) sla 1d escalate to next, queue exceptions', { ms: DAY, text: '1d' }, 'normal'),
];

/** The first of rules 0-3 that holds, or -1; each field is read and normalized once. */
function ruleBeforeSegment(lead: unknown): number {
  const status = text(readAccount(lead, 'status'));
  if (status === 'customer' && !isBlank(readAccount(lead, 'owner'))) return 0;
  if (status === 'open_opportunity') return 1;
  if (text(read(lead, 'type')) === 'support') return 2;
  return text(read(lead, 'product')) === 'payments' ? 3 : -1;
}

/** Rules 4-6 for a lead of `segment`: smb leads by source, then everyone by segment and geo. */
function ruleBySegment(lead: unknown, segment: string): number {
  if (segment !== 'smb') return 6;
  const source = text(read(lead, 'source'));
  return source === 'partner' || source === 'referral' ? 4 : source === 'paid_search' ? 5 : 6;
}

const poolOption = (pool: string, path: Record<string, string | null>, sla: SlaPlan | null): PlanOption => ({
  kind: 'pool',
  pool,
  strategy: 'round_robin',
  path,
  members: POOLS[pool],
  skipped: NOBODY_SKIPPED,
  sla,
});

/** `owner`: the trimmed owner, or why there is none. */
function ownerOption(lead: unknown, sla: SlaPlan | null): PlanOption {
  const owner = readAccount(lead, 'owner');
  const assignee = ownerName(owner);
  if (assignee !== null) return { kind: 'person', assignee, via: 'owner', sla };
  return { kind: 'unresolved', reason: isBlank(owner) ? 'owner: account.owner is blank' : `owner: account.owner is not a name (${showValue(owner)})` };
}

/** The sticky lookup: an earlier assignee must still be in the pool (nobody here has hours or a `when`). */
function stickyLookup(key: string): StickyLookup {
  return {
    key,
    ms: STICKY_MS,
    member(pool, name) {
      if (pool === null) return member(name);
      if (!Object.hasOwn(POOLS, pool)) return `pool ${pool} is no longer in the policy`;
      return POOLS[pool].find((m) => m.name === name) ?? `${name} is no longer a member of pool ${pool}`;
    },
  };
}

/** Builds the decide function of bench/territories.route; `policy` is the compiled policy's name and hash. */
export function createTerritoriesDecide(policy: { name: string; hash: string }) {
  const policyRef = { name: policy.name, hash: policy.hash };
  return function decide(given: unknown, options?: DecideOptions): PendingDecision {
    const nowMs = toMs(options?.now);
    const warnings: FieldWarning[] = [];
    const lead = readDeclared(given, warnings);
    const key = stickyKeyOf(lead);
    // The segment is worked out only for leads that no earlier rule takes.
    let segment = '';
    let ruleIndex = ruleBeforeSegment(lead);
    if (ruleIndex < 0) {
      segment = segmentOf(lead);
      ruleIndex = ruleBySegment(lead, segment);
    }
    const decided = RULES[ruleIndex];
    const sla: SlaPlan | null = decided.sla === null ? null : { duration: decided.sla.text, business: false, due: nowMs + decided.sla.ms };
    // decide() hands the path of the first pool option to the decision, the same object.
    let path: Record<string, string | null> = {};
    let plan: PlanOption[];
    switch (ruleIndex) {
      case 0:
        plan = [ownerOption(lead, sla)];
        break;
      case 1:
        plan = [ownerOption(lead, sla), { kind: 'queue', queue: 'sales_desk', sla }];
        break;
      case 2:
        plan = [{ kind: 'queue', queue: 'support', sla }];
        break;
      case 3:
        plan = [poolOption('payments_team', path, sla), { kind: 'queue', queue: 'payments_overflow', sla }];
        break;
      case 4:
        plan = [poolOption('smb_partners', path, sla)];
        break;
      case 5:
        plan = [poolOption('smb_paid', path, sla), { kind: 'queue', queue: 'smb_overflow', sla }];
        break;
      default: {
        const geo = geoOf(lead);
        path = { segment, geo };
        plan = [poolOption(TERRITORY[segment][geo], path, sla)];
      }
    }
    return {
      rule: decided.ref,
      path,
      priority: decided.priority,
      tags: decided.tags.slice(),
      escalation: ['next', 'queue exceptions'],
      policy: policyRef,
      at: nowMs,
      options: plan,
      sticky: key === null ? null : stickyLookup(key),
      fallback: FALLBACK,
      warnings,
      key,
    };
  };
}
