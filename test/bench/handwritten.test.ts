// The bench compares decide() with a hand-written function for the acme policy; the comparison
// is only fair if both do the same work, so they must produce the same decisions.

import { compilePolicy } from '../../compiler/compile';
import type { PendingDecision } from '../../compiler/decision';
import { createHandwrittenDecide, decisionDifference } from '../../bench/handwritten';
import { acmeSource, benchLeads } from '../../bench/inputs';

const policy = compilePolicy(acmeSource());
const handwritten = createHandwrittenDecide({ name: policy.name, hash: policy.hash });
const { leads, options } = benchLeads(2_000);

test('the hand-written function decides 2,000 generated leads as the compiled policy does', () => {
  const differences: string[] = [];
  for (let i = 0; i < leads.length; i++) {
    const d = decisionDifference(policy.decide(leads[i], options[i]), handwritten(leads[i], options[i]));
    if (d !== null) differences.push(`lead ${i} ${JSON.stringify(leads[i])}: ${d}`);
  }
  expect(differences.slice(0, 5)).toEqual([]);
});

test('it agrees at instants spread over a century (time-zone changes, leap days, day boundaries) and on dirtier leads', () => {
  const dirty = benchLeads(1_000, 0.5);
  const differences: string[] = [];
  let seed = 12345;
  for (let i = 0; i < dirty.leads.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    // 1970 to 2100, to the millisecond.
    const at = { now: Math.floor((seed / 2 ** 32) * 4_102_444_800_000) };
    const d = decisionDifference(policy.decide(dirty.leads[i], at), handwritten(dirty.leads[i], at));
    if (d !== null) differences.push(`lead ${i} at ${new Date(at.now).toISOString()}: ${d}`);
  }
  expect(differences.slice(0, 5)).toEqual([]);
});

test('the generated leads reach every rule, and the smb pool both open and closed', () => {
  const rules = new Set<number>();
  let smbOpen = 0;
  let smbClosed = 0;
  for (let i = 0; i < leads.length; i++) {
    const d = policy.decide(leads[i], options[i]);
    if (d.rule !== null) rules.add(d.rule.index);
    for (const o of d.options) {
      if (o.kind !== 'pool' || o.pool !== 'smb.*') continue;
      if (o.members.length > 0) smbOpen++;
      else smbClosed++;
    }
  }
  expect([...rules].sort()).toEqual([0, 1, 2, 3, 4]);
  expect(smbOpen).toBeGreaterThan(0);
  expect(smbClosed).toBeGreaterThan(0);
});

describe('decisionDifference', () => {
  const pick = (predicate: (d: PendingDecision) => boolean) => {
    for (let i = 0; i < leads.length; i++) {
      const d = handwritten(leads[i], options[i]);
      if (predicate(d)) return { d, i };
    }
    throw new Error('no such lead');
  };

  test('finds a changed member deep in the plan', () => {
    const { d, i } = pick((x) => x.options[0]?.kind === 'pool' && x.options[0].members.length > 1);
    const changed = handwritten(leads[i], options[i]);
    const option = changed.options[0];
    if (option.kind !== 'pool') throw new Error('expected a pool option');
    changed.options[0] = { ...option, members: option.members.map((m, k) => (k === 1 ? { ...m, name: 'somebody else' } : m)) };
    expect(decisionDifference(d, changed)).toMatch(/^options\[0\]\.members\[1\]\.name: /);
  });

  test('compares sticky lookups by their answers', () => {
    const { d, i } = pick((x) => x.sticky !== null);
    const changed = handwritten(leads[i], options[i]);
    const sticky = changed.sticky;
    if (sticky === null) throw new Error('expected a sticky lookup');
    changed.sticky = { ...sticky, member: () => 'never' };
    expect(decisionDifference(d, changed)).toMatch(/^sticky\.answers\[0\]: /);
    expect(decisionDifference(d, handwritten(leads[i], options[i]))).toBeNull();
  });
});
