// The key layout of the routing state, and the keys of the names a policy uses, built once and
// kept: every part of a key is user text, escaped by keyPart.

import type { MemberOption } from '../compiler/decision';
import { keyPart } from './store';

/**
 * The key layout. Rotation and counts are per policy name (so editing a policy's text keeps
 * them); away flags are per person, across policies. Every part is user text, escaped by keyPart.
 */
export const stateKeys = {
  /** Rotation of one pool: Rotation. */
  rotation: (policy: string, pool: string): string => `rr:${keyPart(policy)}:${keyPart(pool)}`,
  /** One member's assignments in the current periods: Counts. */
  counts: (policy: string, member: string): string => `n:${keyPart(policy)}:${keyPart(member)}`,
  /** A buyer's accepted sales less returns, by quarter hour: Sales (see strategies.ts). */
  sold: (policy: string, member: string): string => `sold:${keyPart(policy)}:${keyPart(member)}`,
  /** A lead's sales not returned yet, by routing id: LeadSales (see strategies.ts). */
  sale: (policy: string, id: string): string => `sale:${keyPart(policy)}:${keyPart(id)}`,
  /** A person marked away: Away. */
  away: (member: string): string => `away:${keyPart(member)}`,
  /** The last assignee of a sticky key: StickyOwner. */
  sticky: (policy: string, key: string): string => `sticky:${keyPart(policy)}:${keyPart(key)}`,
  /** The record of a duplicate key (normalize/duplicates.ts) in a scope: its kind (`email`, ...) and normalized value. */
  duplicate: (scope: string, kind: string, value: string): string => `dup:${keyPart(scope)}:${kind}:${keyPart(value)}`,
  /** The state's own id, made once (storeIdentity): processes that see the same id share the state. */
  identity: 'store:id',
};

export type MemberKeys = { readonly away: string; readonly counts: string; readonly sold: string };

/**
 * A pool option's keys: the rotation, each member's in the option's order, and all of them in the
 * order a transaction asks for them: the rotation, each member's away and counts keys, then the
 * sales keys of the members with a sold cap (the only ones read).
 */
export interface PoolKeys {
  readonly pool: string;
  readonly list: readonly MemberOption[];
  readonly names: readonly string[];
  readonly rotation: string;
  readonly members: readonly MemberKeys[];
  readonly all: readonly string[];
  /** [this]: the option keys of a lead whose one option is this pool (see prepare). */
  readonly alone: readonly PoolKeys[];
}

/** Pool options whose keys PolicyKeys keeps at hand. */
const RECENT_POOLS = 8;

const KEY_CACHE_LIMIT = 10_000;

/**
 * The keys of the names one policy uses, built once: a key string made afresh for every lead
 * would be hashed afresh by every Map and store lookup, which costs more than the rest of an
 * assignment. Owners come from leads, so the caches are bounded.
 */
export class PolicyKeys {
  private readonly pools = new Map<string, string>();
  private readonly members = new Map<string, MemberKeys>();
  private readonly recent: PoolKeys[] = [];
  private nextRecent = 0;
  constructor(private readonly policy: string) {}

  /**
   * A pool option's keys. decide() hands every decision the same members list while all of a
   * pool's members are eligible, so the last few lists are kept and found by identity; the names
   * are compared too, since nothing stops a caller from reusing a list with other members.
   */
  pool(pool: string, members: readonly MemberOption[]): PoolKeys {
    for (const keys of this.recent) if (keys.list === members && keys.pool === pool && sameNames(members, keys.names)) return keys;
    const rotation = this.rotation(pool);
    const memberKeys = new Array<MemberKeys>(members.length);
    const all = [rotation];
    for (let m = 0; m < members.length; m++) {
      memberKeys[m] = this.member(members[m].name);
      all.push(memberKeys[m].away, memberKeys[m].counts);
    }
    for (let m = 0; m < members.length; m++) if (members[m].soldCap !== null) all.push(memberKeys[m].sold);
    const alone: PoolKeys[] = [];
    const keys: PoolKeys = { pool, list: members, names: members.map((m) => m.name), rotation, members: memberKeys, all, alone };
    alone.push(keys);
    this.recent[this.nextRecent] = keys;
    this.nextRecent = (this.nextRecent + 1) % RECENT_POOLS;
    return keys;
  }

  rotation(pool: string): string {
    let key = this.pools.get(pool);
    if (key === undefined) {
      if (this.pools.size >= KEY_CACHE_LIMIT) this.pools.clear();
      key = stateKeys.rotation(this.policy, pool);
      this.pools.set(pool, key);
    }
    return key;
  }

  member(name: string): MemberKeys {
    let keys = this.members.get(name);
    if (keys === undefined) {
      if (this.members.size >= KEY_CACHE_LIMIT) this.members.clear();
      keys = { away: stateKeys.away(name), counts: stateKeys.counts(this.policy, name), sold: stateKeys.sold(this.policy, name) };
      this.members.set(name, keys);
    }
    return keys;
  }
}

function sameNames(members: readonly MemberOption[], names: readonly string[]): boolean {
  if (members.length !== names.length) return false;
  for (let i = 0; i < names.length; i++) if (members[i].name !== names[i]) return false;
  return true;
}

const keyCache = new Map<string, PolicyKeys>();

export function keysOf(policy: string): PolicyKeys {
  let keys = keyCache.get(policy);
  if (keys === undefined) {
    if (keyCache.size >= 64) keyCache.clear();
    keys = new PolicyKeys(policy);
    keyCache.set(policy, keys);
  }
  return keys;
}

/** The fields of a Decision that assign() settles; the rest come from the pending decision. */
