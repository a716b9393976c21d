// One conformance suite for the three stores: the same sequences of leads and state operations
// must give identical decisions (and an identical `state show` report) on the in-memory store,
// a SQLite file and a real redis-server, one lead per transaction or in assignMany() batches.
// The expected assignees are written out; every store's full decisions are also compared with
// those of the in-memory store.

import type { Decision, MemberOption, PendingDecision, PlanOption } from '../../../compiler/decision';
import { assign, assignMany } from '../../../state/assign';
import { markAway, markBack, resetState } from '../../../state/admin';
import { readState, type StateReport } from '../../../state/report';
import type { StateStore } from '../../../state/store';
import { blankIds, DAY, HOUR, MINUTE, T0, member, pending, poolOption, stickyBy } from '../helpers';
import { durableStores } from './store-kinds';

jest.setTimeout(30_000);

/** Routes leads one by one (assign) or queued into assignMany batches of 3; state operations flush the queue first. */
class Router {
  readonly decisions: Decision[] = [];
  private queued: PendingDecision[] = [];
  constructor(
    readonly store: StateStore,
    private readonly batched: boolean,
  ) {}

  async route(p: PendingDecision): Promise<void> {
    if (!this.batched) {
      this.decisions.push(await assign(p, this.store));
      return;
    }
    this.queued.push(p);
    if (this.queued.length === 3) await this.flush();
  }

  async flush(): Promise<void> {
    const results = await assignMany(this.queued, this.store, 3);
    this.queued = [];
    for (const r of results) {
      if (r instanceof Error) throw r;
      this.decisions.push(r);
    }
  }

  async away(name: string, until: number | null, now: number): Promise<void> {
    await this.flush();
    await markAway(this.store, name, until, now);
  }

  async back(name: string): Promise<void> {
    await this.flush();
    await markBack(this.store, name);
  }
}

const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map((n) => member(n));
const team = (members: MemberOption[], skipped: { name: string; why: string }[] = []) => poolOption('team', 'round_robin', members, skipped);
const queue = (name: string): PlanOption => ({ kind: 'queue', queue: name, sla: null });
const at = (iso: string) => Date.parse(iso);

/** A decision in a few characters: `alice`, `queue:overflow`, `exception`. */
const brief = (d: Decision) => (d.status === 'assigned' ? (d.assignee as string) : d.status === 'queued' ? `queue:${d.queue}` : 'exception');

interface Scenario {
  name: string;
  run(r: Router): Promise<void>;
  expected: string[];
  /** The report of `state show` at this time, compared across stores. */
  reportAt: number;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'rotation with members skipped (outside hours, at cap)',
    reportAt: T0 + HOUR,
    // dave entered the rotation while skipped, so he is due as soon as he is available; carol stops at her cap.
    expected: ['alice', 'bob', 'carol', 'alice', 'bob', 'dave', 'carol', 'alice', 'bob', 'dave', 'alice', 'bob'],
    async run(r) {
      const capped = member('carol', { cap: [2, 'day', 'UTC'] });
      for (let i = 0; i < 12; i++) {
        // dave is outside hours for the first five leads
        const option = i < 5 ? team([alice, bob, capped], [{ name: 'dave', why: 'outside hours' }]) : team([alice, bob, capped, dave]);
        await r.route(pending([option, queue('overflow')], { at: T0 + i * MINUTE }));
      }
    },
  },
  {
    name: 'weights 3:2:1 (smooth weighted round robin)',
    reportAt: T0 + HOUR,
    expected: ['dieter', 'finn', 'dieter', 'emma', 'finn', 'dieter', 'dieter', 'finn', 'dieter', 'emma', 'finn', 'dieter'],
    async run(r) {
      const members = [member('dieter', { weight: 3 }), member('emma'), member('finn', { weight: 2 })];
      for (let i = 0; i < 12; i++) await r.route(pending([poolOption('emea', 'weighted', members)], { at: T0 + i * MINUTE }));
    },
  },
  {
    name: 'a cap per day in America/New_York, across the UTC and the New York midnights',
    reportAt: at('2026-11-24T06:00:00Z'),
    expected: ['frank', 'frank', 'queue:overflow', 'queue:overflow', 'frank', 'frank', 'queue:overflow'],
    async run(r) {
      const frank = member('frank', { cap: [2, 'day', 'America/New_York'] });
      const times = ['2026-11-23T22:00:00Z', '2026-11-24T01:00:00Z', '2026-11-24T03:00:00Z', '2026-11-24T04:59:59.999Z', '2026-11-24T05:00:00Z', '2026-11-24T05:30:00Z', '2026-11-24T05:45:00Z'];
      for (const t of times) await r.route(pending([poolOption('smb.*', 'round_robin', [frank]), queue('overflow')], { at: at(t) }));
    },
  },
  {
    name: 'sticky within its window and after it, and not to an owner who is away',
    reportAt: T0 + 3 * DAY,
    expected: ['alice', 'bob', 'alice', 'carol', 'alice', 'alice', 'bob', 'carol', 'alice'],
    async run(r) {
      const roster = new Map<string | null, MemberOption[]>([['team', [alice, bob, carol]]]);
      const lead = (t: number, key: string) => pending([team([alice, bob, carol])], { at: t, sticky: stickyBy(key, DAY, roster) });
      await r.route(lead(T0, 'jane@x.com')); // alice
      await r.route(lead(T0 + MINUTE, 'joe@x.com')); // bob
      await r.route(lead(T0 + 23 * HOUR, 'jane@x.com')); // alice again, sticky
      await r.route(lead(T0 + 23 * HOUR + MINUTE, 'kim@x.com')); // carol: the sticky lead did not move the rotation
      await r.route(lead(T0 + 23 * HOUR + 2 * MINUTE, 'lee@x.com')); // alice
      await r.route(lead(T0 + 46 * HOUR, 'jane@x.com')); // alice: the window runs from her last lead
      await r.route(lead(T0 + 70 * HOUR + MINUTE, 'jane@x.com')); // past the window: the rotation (bob)
      await r.away('bob', null, T0 + 70 * HOUR);
      await r.route(lead(T0 + 70 * HOUR + 2 * MINUTE, 'jane@x.com')); // her owner bob is away: the rotation (carol)
      await r.back('bob');
      await r.route(lead(T0 + 70 * HOUR + 3 * MINUTE, 'other@x.com')); // alice
    },
  },
  {
    name: 'away and back: skipped while away, one lead when back, away until a time ends by itself',
    reportAt: T0 + 2 * HOUR,
    expected: ['alice', 'carol', 'alice', 'carol', 'bob', 'alice', 'carol', 'bob', 'alice', 'bob', 'carol'],
    async run(r) {
      const p = (t: number) => pending([team([alice, bob, carol])], { at: t });
      await r.route(p(T0));
      await r.away('bob', null, T0);
      for (let i = 1; i <= 3; i++) await r.route(p(T0 + i * MINUTE));
      await r.back('bob');
      for (let i = 4; i <= 7; i++) await r.route(p(T0 + i * MINUTE));
      await r.away('carol', T0 + HOUR, T0);
      for (let i = 8; i <= 9; i++) await r.route(p(T0 + i * MINUTE));
      await r.route(p(T0 + HOUR));
    },
  },
  {
    name: 'a member added starts at the back; a member removed leaves the order intact',
    reportAt: T0 + HOUR,
    expected: ['alice', 'bob', 'carol', 'alice', 'bob', 'dave', 'carol', 'alice', 'dave', 'carol', 'alice'],
    async run(r) {
      const p = (t: number, members: MemberOption[]) => pending([team(members)], { at: t });
      for (let i = 0; i < 2; i++) await r.route(p(T0 + i * MINUTE, [alice, bob, carol]));
      for (let i = 2; i < 7; i++) await r.route(p(T0 + i * MINUTE, [alice, bob, carol, dave]));
      for (let i = 7; i < 11; i++) await r.route(p(T0 + i * MINUTE, [alice, carol, dave]));
    },
  },
  {
    name: 'least loaded, first available, by bid; a rep, an owner away',
    reportAt: T0 + HOUR,
    // least loaded: alice has a lead already (as a rep), so bob and carol first, then declared order.
    expected: ['zoe', 'alice', 'bob', 'carol', 'alice', 'hi1', 'hi2', 'hi1', 'alice', 'alice', 'queue:q'],
    async run(r) {
      const rep = (name: string, t: number): PendingDecision => pending([{ kind: 'person', assignee: name, via: 'rep', sla: null }], { at: t });
      await r.route(rep('zoe', T0));
      await r.route(rep('alice', T0 + MINUTE));
      const ll = (t: number) => pending([poolOption('ll', 'least_loaded', [alice, bob, carol])], { at: t });
      for (let i = 2; i < 5; i++) await r.route(ll(T0 + i * MINUTE));
      const bids = [member('low', { bid: 1 }), member('hi1', { bid: 9 }), member('hi2', { bid: 9 })];
      for (let i = 5; i < 8; i++) await r.route(pending([poolOption('bids', 'by_bid', bids)], { at: T0 + i * MINUTE }));
      for (let i = 8; i < 10; i++) await r.route(pending([poolOption('fa', 'first_available', [alice, bob])], { at: T0 + i * MINUTE }));
      await r.away('zoe', null, T0);
      await r.route(pending([{ kind: 'person', assignee: 'zoe', via: 'owner', sla: null }, queue('q')], { at: T0 + 10 * MINUTE }));
    },
  },
];

const { kinds } = durableStores('conformance');

/** The in-memory store's decisions and reports, which the others must equal. */
const reference = new Map<string, { decisions: Decision[]; report: StateReport }>();

describe.each(kinds)('$name store', (kind) => {
  describe.each([
    ['one lead per transaction', false],
    ['assignMany batches of 3', true],
  ] as const)('%s', (_, batched) => {
    test.each(SCENARIOS.map((s, i) => [s.name, i] as const))('%s', async (_name, i) => {
      const scenario = SCENARIOS[i];
      const store = kind.open();
      try {
        const router = new Router(store, batched);
        await scenario.run(router);
        await router.flush();
        expect(router.decisions.map(brief)).toEqual(scenario.expected);
        const report = await readState(store, 'acme', scenario.reportAt);
        const seen = reference.get(scenario.name);
        if (seen === undefined) reference.set(scenario.name, { decisions: router.decisions, report });
        else {
          expect(blankIds(router.decisions)).toEqual(blankIds(seen.decisions));
          expect(report).toEqual(seen.report);
        }
      } finally {
        await store.close();
      }
    });
  });

  test('resetState forgets a pool, then a whole policy; away flags stay', async () => {
    const store = kind.open();
    try {
      const p = (t: number, pool = 'team') => pending([poolOption(pool, 'round_robin', [alice, bob])], { at: t, sticky: stickyBy(`k${t}`, DAY, new Map([[pool, [alice, bob]]])) });
      for (let i = 0; i < 3; i++) await assign(p(T0 + i * MINUTE), store);
      await assign(p(T0 + 5 * MINUTE, 'other'), store);
      await markAway(store, 'carol', null, T0);
      expect(await resetState(store, 'acme', 'team')).toBe(1);
      expect((await readState(store, 'acme', T0)).rotations.map((x) => x.pool)).toEqual(['other']);
      expect((await assign(p(T0 + HOUR), store)).assignee).toBe('alice');
      // 2 rotations, 2 members' counts, 5 sticky owners.
      expect(await resetState(store, 'acme')).toBe(9);
      const report = await readState(store, 'acme', T0);
      expect([report.rotations, report.members, report.away.map((a) => a.member)]).toEqual([[], [], ['carol']]);
    } finally {
      await store.close();
    }
  });
});
