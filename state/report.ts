// The report behind `leadroute state show`: a policy's rotations, counts and who is away.

import { periodKey } from '../compiler/calendar';
import { isoUtc } from '../core/time';
import type { CapPeriod } from '../core/words';
import { keyPart, parseKeyPart, withStore, type StateStore } from './store';
import { isAway, readAway, readCounts, readRotation } from './strategies';

export interface StateReport {
  policy: string;
  /** Per pool (by name): members in the order round robin would take them if all were available, and the latest sequence number. */
  rotations: { pool: string; order: string[]; seq: number }[];
  /** Per member who was assigned (by name): the last assignment and the counts of the periods current at the report's time. */
  members: { member: string; lastAssigned: string; counts: { per: CapPeriod; tz: string; period: string; count: number }[] }[];
  /** People away at the report's time (any policy). */
  away: { member: string; since: string; until: string | null }[];
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** What `state show` prints for one policy. */
export async function readState(store: StateStore, policy: string, nowMs: number = Date.now()): Promise<StateReport> {
  const rrPrefix = `rr:${keyPart(policy)}:`;
  const countsPrefix = `n:${keyPart(policy)}:`;
  const [rotations, counts, away] = await withStore(store, () => Promise.all([store.list(rrPrefix), store.list(countsPrefix), store.list('away:')]));

  const report: StateReport = { policy, rotations: [], members: [], away: [] };
  for (const [key, value] of rotations) {
    const r = readRotation(value);
    const order = r.names.map((_, i) => i).sort((a, b) => r.last[a] - r.last[b] || a - b);
    report.rotations.push({ pool: parseKeyPart(key.slice(rrPrefix.length)), order: order.map((i) => r.names[i]), seq: r.seq });
  }
  for (const [key, value] of counts) {
    const c = readCounts(value);
    if (c === undefined) continue;
    const current = c.periods.filter((p) => p.key === periodKey(nowMs, p.tz, p.per));
    report.members.push({
      member: parseKeyPart(key.slice(countsPrefix.length)),
      lastAssigned: isoUtc(c.at),
      counts: current.map((p) => ({ per: p.per, tz: p.tz, period: p.key, count: p.count })),
    });
  }
  for (const [key, value] of away) {
    const a = readAway(value);
    if (a === undefined || !isAway(a, nowMs)) continue;
    report.away.push({ member: parseKeyPart(key.slice('away:'.length)), since: isoUtc(a.since), until: a.until === null ? null : isoUtc(a.until) });
  }
  report.rotations.sort((a, b) => byName(a.pool, b.pool));
  report.members.sort((a, b) => byName(a.member, b.member));
  report.away.sort((a, b) => byName(a.member, b.member));
  return report;
}
