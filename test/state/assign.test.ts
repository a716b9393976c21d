import type { Decision, MemberOption, PlanOption } from '../../compiler/decision';
import { assign, exceptionDecision } from '../../state/assign';
import { markAway, markBack } from '../../state/admin';
import { readState } from '../../state/report';
import { stateKeys } from '../../state/keys';
import { MemoryStore } from '../../state/memory';
import type { StateStore } from '../../state/store';
import { DAY, HOUR, MINUTE, SLA, SLA_PLAN, T0, member, pending, poolOption, routeMany, stickyBy, tally } from './helpers';

const DECISION_KEYS = ['id', 'status', 'assignee', 'queue', 'pool', 'rule', 'path', 'candidates', 'sla', 'priority', 'tags', 'escalation', 'reason', 'policy', 'routed_at', 'warnings'];

const [alice, bob, carol] = ['alice', 'bob', 'carol'].map((n) => member(n));
const team = (members: MemberOption[] = [alice, bob, carol]) => poolOption('team', 'round_robin', members);
const queue = (name: string): PlanOption => ({ kind: 'queue', queue: name, sla: null });

let store: MemoryStore;
beforeEach(() => {
  store = new MemoryStore({ strict: true });
});

describe('the decision', () => {
  test('an assignment from a pool, with exactly the keys of LANGUAGE.md in order', async () => {
    const d = await assign(pending([team()]), store);
    expect(Object.keys(d)).toEqual(DECISION_KEYS);
    expect(d).toEqual({
      id: expect.stringMatching(/^r_[0-9a-z]+$/),
      status: 'assigned',
      assignee: 'alice',
      queue: null,
      pool: 'team',
      rule: { index: 2, line: 9, source: 'else round_robin(team)' },
      path: { segment: 'smb' },
      candidates: ['bob', 'carol'],
      sla: SLA,
      priority: 'high',
      tags: ['inbound'],
      escalation: ['next', 'queue exceptions'],
      reason: null,
      policy: { name: 'acme', hash: 'sha256:test' },
      routed_at: '2026-11-23T15:00:00.000Z',
      warnings: [],
    });
  });

  test('queued, exception and store-failure decisions have the same keys; trace comes last when present', async () => {
    const queued = await assign(pending([queue('support')]), store);
    const failed = await assign(pending([{ kind: 'unresolved', reason: 'owner is blank' }]), store);
    const traced = await assign(pending([team()], { trace: true }), store);
    for (const d of [queued, failed, exceptionDecision(pending([]), 'x')]) expect(Object.keys(d)).toEqual(DECISION_KEYS);
    expect(Object.keys(traced)).toEqual([...DECISION_KEYS, 'trace']);
    expect(traced.trace?.[0]).toEqual({ step: 'rule', source: 'else round_robin(team)', result: true });
    expect(traced.trace?.at(-1)).toMatchObject({ step: 'pool', source: 'team', result: 'alice' });
  });

  test('with a trace, assign adds what the state decided', async () => {
    await markAway(store, 'bob', null, T0);
    const rep: PlanOption = { kind: 'person', assignee: 'bob', via: 'rep', sla: null };
    const d = await assign(pending([rep, team()], { trace: true }), store);
    expect(d.trace?.slice(1)).toEqual([
      { step: 'target', source: 'rep bob', result: false, note: 'away' },
      { step: 'pool', source: 'team', result: 'alice', note: 'round_robin (left out bob: away)' },
    ]);
    const roster = new Map<string | null, MemberOption[]>([['team', [alice, bob, carol]]]);
    const sticky = (at: number) => pending([team()], { at, trace: true, sticky: stickyBy('jane@x.com', DAY, roster) });
    await assign(sticky(T0), store);
    expect((await assign(sticky(T0 + MINUTE), store)).trace?.[1]).toEqual({
      step: 'sticky',
      source: 'jane@x.com',
      result: 'carol',
      note: 'assigned again to carol, who had jane@x.com within the sticky window',
    });
    await markAway(store, 'carol', null, T0);
    expect((await assign(sticky(T0 + 2 * MINUTE), store)).trace?.[1]).toEqual({
      step: 'sticky',
      source: 'jane@x.com',
      result: false,
      note: 'carol had jane@x.com but cannot take it now (away): the rules decide',
    });
  });

  test('the time is the pending decision\'s `at`; one that is not a time is an error', async () => {
    const p = pending([poolOption('team', 'round_robin', [member('frank', { cap: [1, 'day', 'UTC'] })])]);
    p.at = Date.parse('2026-11-23T23:59:59Z');
    expect((await assign(p, store)).assignee).toBe('frank');
    expect((await assign(p, store)).status).toBe('exception');
    p.at = Date.parse('2026-11-24T00:00:00.000Z');
    const d = await assign(p, store);
    expect(d.assignee).toBe('frank');
    expect(d.routed_at).toBe('2026-11-24T00:00:00.000Z');
    p.at = Number.NaN;
    await expect(assign(p, store)).rejects.toThrow('at NaN is not a time');
  });
});

describe('queue and person options', () => {
  test('a queue: status queued, no assignee, the option sla', async () => {
    const d = await assign(pending([{ kind: 'queue', queue: 'support', sla: SLA_PLAN }]), store);
    expect(d).toMatchObject({ status: 'queued', assignee: null, queue: 'support', pool: null, candidates: [], sla: SLA, reason: null });
  });

  test('a rep or owner is assigned unless away; then the next option, with the reason', async () => {
    const rep: PlanOption = { kind: 'person', assignee: 'bob', via: 'rep', sla: SLA_PLAN };
    expect(await assign(pending([rep]), store)).toMatchObject({ status: 'assigned', assignee: 'bob', pool: null, candidates: [], sla: SLA });
    await markAway(store, 'bob', null, T0);
    const owner: PlanOption = { kind: 'person', assignee: 'bob', via: 'owner', sla: null };
    const d = await assign(pending([rep, owner, queue('overflow')]), store);
    expect(d).toMatchObject({ status: 'queued', queue: 'overflow' });
    const e = await assign(pending([rep, owner]), store);
    expect(e).toMatchObject({ status: 'exception', queue: 'exceptions', reason: 'rep bob is away; owner bob is away' });
  });

  test('unresolved options keep their reasons and the next option is tried', async () => {
    const d = await assign(pending([{ kind: 'unresolved', reason: 'owner is blank' }, team()]), store);
    expect(d).toMatchObject({ status: 'assigned', assignee: 'alice' });
  });
});

describe('exceptions', () => {
  test('every failure named, joined with "; "', async () => {
    const frank = member('frank', { cap: [1, 'hour', 'UTC'] });
    await assign(pending([poolOption('smb.*', 'round_robin', [frank])]), store);
    await markAway(store, 'gina', null, T0);
    const p = pending([
      { kind: 'unresolved', reason: 'owner is blank' },
      { kind: 'unresolved', reason: 'no pool matches enterprise.apac' },
      poolOption('smb.*', 'least_loaded', [frank, member('gina')], [{ name: 'henry', why: 'outside hours Mon-Fri 08:00-18:00 (America/New_York)' }]),
    ]);
    const d = await assign(p, store);
    expect(d).toMatchObject({ status: 'exception', assignee: null, queue: 'exceptions', pool: null, candidates: [], sla: null });
    expect(d.rule).toEqual(p.rule);
    expect(d.reason).toBe(
      'owner is blank; no pool matches enterprise.apac; ' +
        'no one available in pool smb.* (henry: outside hours Mon-Fri 08:00-18:00 (America/New_York), frank: at cap 1/hour, gina: away)',
    );
  });

  test('no rule matched', async () => {
    const d = await assign(pending([], { noRule: true }), store);
    expect(d).toMatchObject({ status: 'exception', queue: 'exceptions', rule: null, reason: 'no rule matched' });
  });

  test('a pool with nobody eligible by decide() names why', async () => {
    const d = await assign(pending([poolOption('team', 'round_robin', [], [{ name: 'alice', why: 'holiday 2026-12-25' }])]), store);
    expect(d.reason).toBe('no one available in pool team (alice: holiday 2026-12-25)');
  });

  test('a failing store rejects with an error naming it; exceptionDecision turns that into the fallback', async () => {
    const down: StateStore = {
      name: 'redis 10.0.0.5:6379',
      transact: () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.5:6379')),
      list: () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.5:6379')),
      close: () => Promise.resolve(),
    };
    const p = pending([team()]);
    const error: unknown = await assign(p, down).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toBe('routing state store redis 10.0.0.5:6379 failed: connect ECONNREFUSED 10.0.0.5:6379');
    expect(exceptionDecision(p, message)).toEqual({
      id: expect.any(String),
      status: 'exception',
      assignee: null,
      queue: 'exceptions',
      pool: null,
      rule: null,
      path: {},
      candidates: [],
      sla: null,
      priority: 'high',
      tags: ['inbound'],
      escalation: ['next', 'queue exceptions'],
      reason: message,
      policy: { name: 'acme', hash: 'sha256:test' },
      routed_at: '2026-11-23T15:00:00.000Z',
      warnings: [],
    });
    const throwing: StateStore = {
      ...down,
      transact: () => {
        throw new Error('client closed');
      },
    };
    await expect(assign(p, throwing)).rejects.toThrow('routing state store redis 10.0.0.5:6379 failed: client closed');
    await expect(markAway(down, 'bob', null)).rejects.toThrow('routing state store redis 10.0.0.5:6379 failed');
    await expect(readState(down, 'acme')).rejects.toThrow('routing state store redis 10.0.0.5:6379 failed');
  });

  test('an error of the decision itself is not blamed on the store', async () => {
    const sticky = stickyBy('k', DAY, new Map());
    sticky.member = () => {
      throw new TypeError('bug');
    };
    await assign(pending([team()], { sticky: stickyBy('k', DAY, new Map()) }), store);
    await expect(assign(pending([team()], { sticky }), store)).rejects.toThrow(new TypeError('bug'));
  });
});

describe('pools: strategies over the state', () => {
  test('round robin rotates across leads and is kept per policy and pool', async () => {
    expect(await routeMany(store, 4, (at) => pending([team()], { at }))).toEqual(['alice', 'bob', 'carol', 'alice']);
    // Another policy, another pool name: separate rotations.
    expect((await assign(pending([team()], { policy: 'other' }), store)).assignee).toBe('alice');
    expect((await assign(pending([poolOption('team2', 'round_robin', [alice, bob, carol])]), store)).assignee).toBe('alice');
    expect((await assign(pending([team()]), store)).assignee).toBe('bob');
  });

  test('every strategy skips away and capped members; candidates leave them out', async () => {
    const capped = member('bob', { cap: [1, 'day', 'UTC'], bid: 50 });
    const dave = member('dave');
    for (const strategy of ['round_robin', 'weighted', 'least_loaded', 'first_available', 'by_bid'] as const) {
      const fresh = new MemoryStore({ strict: true });
      await assign(pending([{ kind: 'person', assignee: 'bob', via: 'rep', sla: null }]), fresh); // bob's one lead today
      await markAway(fresh, 'alice', null, T0);
      const d = await assign(pending([poolOption('p', strategy, [alice, capped, carol, dave])]), fresh);
      expect([strategy, d.assignee, d.candidates]).toEqual([strategy, 'carol', ['dave']]);
    }
  });

  test('weights 2:1 give 2:1', async () => {
    const p = () => pending([poolOption('enterprise.emea', 'weighted', [member('dieter', { weight: 2 }), member('emma')])]);
    const got = tally(await routeMany(store, 300, p));
    expect(got.get('dieter')).toBe(200);
    expect(got.get('emma')).toBe(100);
  });

  test('least_loaded counts every assignment of the period, ties in declared order', async () => {
    const p = () => pending([poolOption('team', 'least_loaded', [alice, bob, carol])]);
    await assign(pending([{ kind: 'person', assignee: 'alice', via: 'owner', sla: null }]), store);
    const d = await assign(p(), store);
    expect([d.assignee, d.candidates]).toEqual(['bob', ['carol', 'alice']]);
    expect((await assign(p(), store)).assignee).toBe('carol');
    // Everyone at 1: declared order again.
    expect((await assign(p(), store)).assignee).toBe('alice');
    // The next UTC day everyone starts at 0.
    const next = await assign(pending([poolOption('team', 'least_loaded', [carol, bob, alice])], { at: T0 + DAY }), store);
    expect(next.assignee).toBe('carol');
  });

  test('by_bid: the cascade is the bid order, equal bids take turns', async () => {
    const p = () => pending([poolOption('ping', 'by_bid', [member('low', { bid: 1 }), member('hi1', { bid: 9 }), member('hi2', { bid: 9 })])]);
    const a = await assign(p(), store);
    const b = await assign(p(), store);
    expect([a.assignee, a.candidates]).toEqual(['hi1', ['hi2', 'low']]);
    expect([b.assignee, b.candidates]).toEqual(['hi2', ['hi1', 'low']]);
  });

  test('a member added mid-rotation starts at the back; a removed one leaves the order intact', async () => {
    const dave = member('dave');
    expect(await routeMany(store, 2, (at) => pending([team()], { at }))).toEqual(['alice', 'bob']);
    expect(await routeMany(store, 5, (at) => pending([team([alice, bob, carol, dave])], { at }))).toEqual(['carol', 'alice', 'bob', 'dave', 'carol']);
    expect(await routeMany(store, 4, (at) => pending([team([alice, carol, dave])], { at }))).toEqual(['alice', 'dave', 'carol', 'alice']);
  });

  test('rotation over many leads is fair', async () => {
    const got = tally(await routeMany(store, 999, (at) => pending([team()], { at }), T0, 1000));
    expect([...got.values()]).toEqual([333, 333, 333]);
  });
});

describe('caps across period boundaries, in the cap zone', () => {
  const route = (m: MemberOption, iso: string) => assign(pending([poolOption('p', 'round_robin', [m]), queue('overflow')], { at: Date.parse(iso) }), store);

  test('per day in America/New_York: the UTC midnight does not reset, the New York one does', async () => {
    const frank = member('frank', { cap: [2, 'day', 'America/New_York'] });
    expect((await route(frank, '2026-11-23T22:00:00Z')).assignee).toBe('frank'); // 17:00 NY
    expect((await route(frank, '2026-11-24T01:00:00Z')).assignee).toBe('frank'); // 20:00 NY, new UTC day
    const capped = await route(frank, '2026-11-24T04:59:59Z'); // 23:59:59 NY
    expect(capped).toMatchObject({ status: 'queued', queue: 'overflow' });
    expect((await route(frank, '2026-11-24T05:00:00Z')).assignee).toBe('frank'); // midnight NY
  });

  test('per hour in Asia/Kolkata (+05:30): hours are local', async () => {
    const ravi = member('ravi', { cap: [1, 'hour', 'Asia/Kolkata'] });
    expect((await route(ravi, '2026-11-23T04:35:00Z')).assignee).toBe('ravi'); // 10:05 local
    expect((await route(ravi, '2026-11-23T05:20:00Z')).status).toBe('queued'); // 10:50 local, another UTC hour
    expect((await route(ravi, '2026-11-23T05:35:00Z')).assignee).toBe('ravi'); // 11:05 local, same UTC hour
  });

  test('per week in Australia/Sydney: the week starts Monday 00:00 local', async () => {
    const kim = member('kim', { cap: [1, 'week', 'Australia/Sydney'] });
    expect((await route(kim, '2026-11-22T12:00:00Z')).assignee).toBe('kim'); // Sun 23:00 local (+11)
    expect((await route(kim, '2026-11-22T12:59:00Z')).status).toBe('queued'); // Sun 23:59
    expect((await route(kim, '2026-11-22T13:00:00Z')).assignee).toBe('kim'); // Mon 00:00
    expect((await route(kim, '2026-11-29T12:59:00Z')).status).toBe('queued'); // the next Sunday
  });

  test('only current periods are kept in the counts', async () => {
    const frank = member('frank', { cap: [5, 'day', 'America/New_York'] });
    await route(frank, '2026-11-23T15:00:00Z');
    await route(frank, '2026-11-25T15:00:00Z');
    const report = await readState(store, 'acme', Date.parse('2026-11-25T16:00:00Z'));
    expect(report.members).toEqual([
      { member: 'frank', lastAssigned: '2026-11-25T15:00:00.000Z', counts: [{ per: 'day', tz: 'America/New_York', period: '2026-11-25', count: 1 }] },
    ]);
  });
});

describe('away and back', () => {
  test('an away member is skipped and, once back, gets one lead, not the ones missed', async () => {
    const p = (at: number) => pending([team()], { at });
    expect(await routeMany(store, 1, p)).toEqual(['alice']);
    await markAway(store, 'bob', null, T0);
    expect(await routeMany(store, 4, p, T0 + MINUTE)).toEqual(['carol', 'alice', 'carol', 'alice']);
    await markBack(store, 'bob');
    expect(await routeMany(store, 6, p, T0 + HOUR)).toEqual(['bob', 'carol', 'alice', 'bob', 'carol', 'alice']);
  });

  test('away until a time ends by itself, and applies to every policy', async () => {
    await markAway(store, 'alice', T0 + HOUR, T0);
    expect((await assign(pending([team()], { at: T0 + 30 * MINUTE, policy: 'one' }), store)).assignee).toBe('bob');
    expect((await assign(pending([team()], { at: T0 + 30 * MINUTE, policy: 'two' }), store)).assignee).toBe('bob');
    expect((await assign(pending([team()], { at: T0 + HOUR, policy: 'three' }), store)).assignee).toBe('alice');
  });

  test('markAway rejects a time that is not one', async () => {
    await expect(markAway(store, 'alice', Number.NaN)).rejects.toThrow(RangeError);
  });
});

describe('sticky', () => {
  const roster = new Map<string | null, MemberOption[]>([['team', [alice, bob, carol]]]);
  const lead = (at: number, key = 'jane@x.com', ineligible?: Map<string, string>, options: PlanOption[] = [team()]) =>
    pending(options, { at, sticky: stickyBy(key, 30 * DAY, roster, ineligible) });

  test('within the window the earlier assignee gets the lead again, before any rule', async () => {
    expect((await assign(lead(T0), store)).assignee).toBe('alice');
    expect((await assign(lead(T0 + MINUTE, 'other@x.com'), store)).assignee).toBe('bob');
    const again = await assign(lead(T0 + 10 * DAY), store);
    expect(again).toMatchObject({ status: 'assigned', assignee: 'alice', pool: 'team', rule: null, path: {}, candidates: [], sla: SLA, reason: null });
    expect(Object.keys(again)).toEqual(DECISION_KEYS);
    // The sticky assignment does not move the rotation: carol is next.
    expect((await assign(lead(T0 + 10 * DAY, 'third@x.com'), store)).assignee).toBe('carol');
  });

  test('each sticky assignment renews the window', async () => {
    await assign(lead(T0), store);
    expect((await assign(lead(T0 + 20 * DAY), store)).assignee).toBe('alice');
    expect((await assign(lead(T0 + 40 * DAY), store)).assignee).toBe('alice');
  });

  test('after the window, normal routing', async () => {
    await assign(lead(T0), store);
    const later = await assign(lead(T0 + 30 * DAY), store);
    expect(later).toMatchObject({ assignee: 'bob', rule: { index: 2 } });
  });

  test('a sticky owner no longer eligible (when/hours, away, capped, removed) gets normal routing', async () => {
    await assign(lead(T0), store);
    const outside = await assign(lead(T0 + MINUTE, 'jane@x.com', new Map([['alice', 'outside hours']])), store);
    expect(outside.assignee).toBe('bob');
    // bob is the owner now; away -> normal routing
    await markAway(store, 'bob', null, T0);
    expect((await assign(lead(T0 + 2 * MINUTE), store)).assignee).toBe('carol');
    await markBack(store, 'bob');
    // carol removed from the pool: the lookup says so
    const smaller = new Map<string | null, MemberOption[]>([['team', [alice, bob]]]);
    const removed = await assign(pending([team([alice, bob])], { at: T0 + 3 * MINUTE, sticky: stickyBy('jane@x.com', 30 * DAY, smaller) }), store);
    expect(removed.rule).not.toBeNull();
  });

  test('a capped owner gets normal routing', async () => {
    const capped = member('alice', { cap: [1, 'day', 'UTC'] });
    const roster2 = new Map<string | null, MemberOption[]>([['team', [capped, bob]]]);
    const p = (at: number) => pending([team([capped, bob])], { at, sticky: stickyBy('jane@x.com', 30 * DAY, roster2) });
    expect((await assign(p(T0), store)).assignee).toBe('alice');
    const d = await assign(p(T0 + MINUTE), store);
    expect([d.assignee, d.rule?.index]).toEqual(['bob', 2]);
  });

  test('an owner from another pool or a rep: their state is read in the same transaction', async () => {
    const rep: PlanOption = { kind: 'person', assignee: 'zoe', via: 'rep', sla: null };
    expect((await assign(lead(T0, 'jane@x.com', undefined, [rep]), store)).assignee).toBe('zoe');
    // This lead's rule routes to the team pool, but zoe (rep, pool null) owns the key.
    const d = await assign(lead(T0 + MINUTE), store);
    expect(d).toMatchObject({ assignee: 'zoe', pool: null, rule: null });
    await markAway(store, 'zoe', null, T0);
    expect((await assign(lead(T0 + 2 * MINUTE), store)).assignee).toBe('alice');
  });

  test('a queued lead records no owner and drops an expired one', async () => {
    await assign(lead(T0), store);
    await assign(lead(T0 + 31 * DAY, 'jane@x.com', undefined, [queue('q')]), store);
    expect((await store.list('sticky:')).size).toBe(0);
  });

  test('sticky keys and names with separators or __proto__ are plain data', async () => {
    const weird = [member('__proto__'), member('a:b'), member('constructor')];
    const roster3 = new Map<string | null, MemberOption[]>([['x:y', weird]]);
    const p = (at: number, key: string) => pending([poolOption('x:y', 'round_robin', weird)], { at, sticky: stickyBy(key, DAY, roster3) });
    expect(await routeMany(store, 3, (at) => p(at, `k:${at}`))).toEqual(['__proto__', 'a:b', 'constructor']);
    expect((await assign(p(T0 + HOUR, `k:${T0 + MINUTE}`), store)).assignee).toBe('a:b');
    expect((await store.list(stateKeys.sticky('acme', 'k:'))).size).toBe(3);
    const report = await readState(store, 'acme', T0 + HOUR);
    expect(report.rotations).toEqual([{ pool: 'x:y', order: ['__proto__', 'a:b', 'constructor'], seq: 3 }]);
    expect(report.members.map((m) => m.member)).toEqual(['__proto__', 'a:b', 'constructor']);
  });
});

describe('readState', () => {
  test('rotation order, last assignment, current counts and who is away', async () => {
    const frank = member('frank', { cap: [10, 'hour', 'Europe/Berlin'] });
    await routeMany(store, 4, (at) => pending([team([alice, bob, frank])], { at }));
    await markAway(store, 'bob', T0 + DAY, T0);
    await markAway(store, 'gone', T0 + MINUTE, T0);
    const report = await readState(store, 'acme', T0 + 10 * MINUTE);
    expect(report).toEqual({
      policy: 'acme',
      rotations: [{ pool: 'team', order: ['bob', 'frank', 'alice'], seq: 4 }],
      members: [
        { member: 'alice', lastAssigned: '2026-11-23T15:03:00.000Z', counts: [{ per: 'day', tz: 'UTC', period: '2026-11-23', count: 2 }] },
        { member: 'bob', lastAssigned: '2026-11-23T15:01:00.000Z', counts: [{ per: 'day', tz: 'UTC', period: '2026-11-23', count: 1 }] },
        { member: 'frank', lastAssigned: '2026-11-23T15:02:00.000Z', counts: [{ per: 'hour', tz: 'Europe/Berlin', period: '2026-11-23T16', count: 1 }] },
      ],
      away: [{ member: 'bob', since: '2026-11-23T15:00:00.000Z', until: '2026-11-24T15:00:00.000Z' }],
    });
    // Counts of a past period are not shown.
    const later = await readState(store, 'acme', T0 + 2 * DAY);
    expect(later.members.every((m) => m.counts.length === 0)).toBe(true);
  });
});

describe('the store sees one transaction per lead', () => {
  test('keys read and written for a round robin lead', async () => {
    const calls: { keys: readonly string[]; writes: string[] }[] = [];
    const spy: StateStore = {
      name: 'spy',
      transact: (keys, fn) =>
        store.transact(keys, (read) => {
          const step = fn(read);
          if ('writes' in step) calls.push({ keys, writes: step.writes.map((w) => w.key) });
          return step;
        }),
      list: (prefix) => store.list(prefix),
      close: () => store.close(),
    };
    const d: Decision = await assign(pending([team([alice, bob])]), spy);
    expect(d.assignee).toBe('alice');
    expect(calls).toEqual([
      { keys: ['rr:acme:team', 'away:alice', 'n:acme:alice', 'away:bob', 'n:acme:bob'], writes: ['rr:acme:team', 'n:acme:alice'] },
    ]);
  });
});
