import fc from 'fast-check';
import type { Decision, MemberOption, PendingDecision, PlanOption } from '../../compiler/decision';
import { assign, assignMany } from '../../state/assign';
import { markAway } from '../../state/admin';
import { MemoryStore } from '../../state/memory';
import { StateStoreError, type StateStore } from '../../state/store';
import { blankIds, DAY, MINUTE, T0, member, pending, poolOption, stickyBy, withoutOpenItems } from './helpers';

const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map((n) => member(n));

/** Counts the transactions a store is asked for, and the runs of their functions. */
function counting(store: StateStore): StateStore & { transactions: number; runs: number } {
  const spy = {
    name: store.name,
    transactions: 0,
    runs: 0,
    transact: ((keys, fn) => {
      spy.transactions++;
      return store.transact(keys, (read) => {
        spy.runs++;
        return fn(read);
      });
    }) as StateStore['transact'],
    list: (prefix: string) => store.list(prefix),
    close: () => store.close(),
  };
  return spy;
}

describe('assignMany', () => {
  test('gives what assign() one lead at a time gives, in transactions of up to `batch` leads', async () => {
    const leads = Array.from({ length: 10 }, (_, i) => pending([poolOption('team', 'round_robin', [alice, bob, carol])], { at: T0 + i * MINUTE }));
    const one = new MemoryStore({ strict: true });
    const expected: Decision[] = [];
    for (const p of leads) expected.push(await assign(p, one));
    const store = counting(new MemoryStore({ strict: true }));
    const many = await assignMany(leads, store, 4);
    expect(blankIds(many)).toEqual(blankIds(expected));
    expect(new Set([...many, ...expected].map((d) => (d as Decision).id)).size).toBe(20);
    expect(store.transactions).toBe(3);
  });

  test('a lead that is not valid gets its own error; the others are assigned as if it were not there', async () => {
    const bad = pending([poolOption('team', 'round_robin', [alice, bob])]);
    bad.at = Number.NaN;
    const broken = pending([poolOption('team', 'round_robin', [alice, bob])], { sticky: stickyBy('k', DAY, new Map()) });
    (broken.sticky as { member: unknown }).member = () => {
      throw new TypeError('bug');
    };
    const store = new MemoryStore({ strict: true });
    await assign(pending([poolOption('team', 'round_robin', [alice, bob])], { sticky: stickyBy('k', DAY, new Map([['team', [alice, bob]]])) }), store);
    const good = (at: number) => pending([poolOption('team', 'round_robin', [alice, bob])], { at });
    const results = await assignMany([good(T0 + 1), bad, broken, good(T0 + 2)], store);
    expect(results.map((r) => (r instanceof Error ? r.message : r.assignee))).toEqual(['bob', 'at NaN is not a time', 'bug', 'alice']);
    expect(results[2]).toBeInstanceOf(TypeError);
  });

  test('when the store fails, that batch and every later lead get the StateStoreError; earlier batches stand', async () => {
    const memory = new MemoryStore();
    let calls = 0;
    const flaky: StateStore = {
      name: 'redis 10.0.0.5:6379',
      transact: (keys, fn) => (++calls === 2 ? Promise.reject(new Error('connect ECONNREFUSED 10.0.0.5:6379')) : memory.transact(keys, fn)),
      list: (prefix) => memory.list(prefix),
      close: () => memory.close(),
    };
    const leads = Array.from({ length: 5 }, (_, i) => pending([poolOption('team', 'round_robin', [alice, bob])], { at: T0 + i }));
    const results = await assignMany(leads, flaky, 2);
    expect(results.slice(0, 2).map((r) => (r as Decision).assignee)).toEqual(['alice', 'bob']);
    for (const r of results.slice(2)) {
      expect(r).toBeInstanceOf(StateStoreError);
      expect((r as Error).message).toBe('routing state store redis 10.0.0.5:6379 failed: connect ECONNREFUSED 10.0.0.5:6379');
    }
    expect(calls).toBe(2);
  });

  test("sticky owners outside the batch's pools (a rep, another pool) are read in the same transaction", async () => {
    const store = counting(new MemoryStore({ strict: true }));
    const roster = new Map<string | null, MemberOption[]>([
      ['team', [alice, bob]],
      ['other', [dave]],
    ]);
    const rep: PlanOption = { kind: 'person', assignee: 'zoe', via: 'rep', sla: null };
    const lead = (key: string, options: PlanOption[], at: number) => pending(options, { at, sticky: stickyBy(key, DAY, roster) });
    await assign(lead('z@x.com', [rep], T0), store);
    await assign(lead('d@x.com', [poolOption('other', 'round_robin', [dave])], T0), store);
    await markAway(store, 'zoe', T0 + 2 * MINUTE, T0);
    store.transactions = 0;
    store.runs = 0;
    const team = () => [poolOption('team', 'round_robin', [alice, bob])];
    const results = await assignMany(
      [lead('z@x.com', team(), T0 + MINUTE), lead('d@x.com', team(), T0 + MINUTE), lead('n@x.com', team(), T0 + MINUTE), lead('n@x.com', team(), T0 + 2 * MINUTE), lead('z@x.com', team(), T0 + 3 * MINUTE)],
      store,
    );
    // zoe is away (rules decide: alice), dave still owns d@x.com, n@x.com is new then sticky within the batch, zoe is back.
    expect(results.map((r) => (r as Decision).assignee)).toEqual(['alice', 'dave', 'bob', 'bob', 'alice']);
    // One transaction, run twice: once to learn which owners' keys it lacks, once with them.
    expect([store.transactions, store.runs]).toEqual([1, 2]);
  });

  test('equals one assign() per lead for any sequence of leads and batch size', async () => {
    const members = [alice, bob, carol, dave, member('erin', { weight: 3, bid: 5, cap: [3, 'day', 'America/New_York'] })];
    const roster = new Map<string | null, MemberOption[]>([['p', members]]);
    const leadArb = fc.record({
      strategy: fc.constantFrom('round_robin', 'weighted', 'least_loaded', 'first_available', 'by_bid' as const),
      take: fc.subarray(members, { minLength: 1 }),
      rep: fc.option(fc.constantFrom('alice', 'zoe'), { nil: undefined }),
      sticky: fc.option(fc.constantFrom('a@x.com', 'b@x.com', 'c@x.com'), { nil: undefined }),
      minutes: fc.integer({ min: 0, max: 3 * 24 * 60 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(leadArb, { maxLength: 30 }), fc.integer({ min: 1, max: 8 }), async (specs, batch) => {
        let at = T0;
        const leads: PendingDecision[] = specs.map((s) => {
          at += s.minutes * MINUTE;
          const options: PlanOption[] = [];
          if (s.rep !== undefined) options.push({ kind: 'person', assignee: s.rep, via: 'rep', sla: null });
          options.push(poolOption('p', s.strategy, s.take));
          return pending(options, { at, sticky: s.sticky === undefined ? null : stickyBy(s.sticky, DAY, roster) });
        });
        const one = new MemoryStore({ strict: true });
        const many = new MemoryStore({ strict: true });
        for (const store of [one, many]) await markAway(store, 'zoe', T0 + DAY, T0);
        const expected: Decision[] = [];
        for (const p of leads) expected.push(await assign(p, one));
        expect(blankIds(await assignMany(leads, many, batch))).toEqual(blankIds(expected));
        expect(withoutOpenItems(await many.list(''))).toEqual(withoutOpenItems(await one.list('')));
      }),
      { numRuns: 150 },
    );
  });
});
