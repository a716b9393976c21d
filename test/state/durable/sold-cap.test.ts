// Sold caps on the three stores: buyers' `accepted` outcomes, recorded through the ledger, count
// toward `sold_cap` and `returned` ones take a sale back, in the same transaction as the ledger
// event; a buyer at its sold cap is skipped with the reason in the filter log until a return
// frees a sale or its period rolls over. The same sequence gives the same decisions on the
// in-memory store, a SQLite file and a real redis-server.

import { compilePolicy } from '../../../compiler/compile';
import type { Decision } from '../../../compiler/decision';
import { route, routeMany } from '../../../routing/route';
import { readLedger, recordOutcome } from '../../../state/ledger';
import type { StateStore } from '../../../state/store';
import { durableStores, withOpen } from './store-kinds';

jest.setTimeout(30_000);

// Chicago's day starts at 06:00 UTC in November; gamma's month is counted there.
const POLICY = compilePolicy(`policy "sold"
pool buyers = [
  acme  bid 42 sold_cap 2/day,
  beta  bid 35 sold_cap 1/hour,
  gamma bid 28 sold_cap 1/month tz "America/Chicago"
]
else by_bid(buyers)
fallback queue unsold
`);

/** What one step of the sequence did: a decision in a few characters, with its filter log. */
type Seen = { lead: string; to: string; skipped: string[] };

const brief = (lead: string, d: Decision): Seen => ({
  lead,
  to: d.status === 'assigned' ? (d.assignee as string) : `${d.status}:${d.queue}`,
  skipped: (d.skipped ?? []).map((s) => `${s.name}: ${s.why}`),
});

async function run(store: StateStore): Promise<Seen[]> {
  const seen: Seen[] = [];
  const routeAt = async (lead: string, iso: string) => seen.push(brief(lead, await route(POLICY, { email: lead }, { store, now: iso })));
  const outcome = (lead: string, event: string, iso: string, by?: string) => recordOutcome(store, { lead, event, at: Date.parse(iso), by, value: event === 'accepted' ? 42 : null });

  await routeAt('a@x.com', '2026-11-23T10:00:00Z');
  await outcome('a@x.com', 'accepted', '2026-11-23T10:01:00Z'); // no `by`: the assignee, acme
  await routeAt('b@x.com', '2026-11-23T10:05:00Z');
  await outcome('b@x.com', 'accepted', '2026-11-23T10:06:00Z', 'acme');
  await routeAt('c@x.com', '2026-11-23T10:10:00Z'); // acme sold 2 today
  await outcome('c@x.com', 'accepted', '2026-11-23T10:11:00Z', 'beta');
  await routeAt('d@x.com', '2026-11-23T10:20:00Z'); // beta sold 1 this hour
  await outcome('d@x.com', 'declined', '2026-11-23T10:21:00Z', 'gamma'); // only accepted sales count
  await routeAt('e@x.com', '2026-11-23T11:00:00Z'); // beta's new hour
  await outcome('b@x.com', 'returned', '2026-11-23T12:00:00Z', 'acme');
  await outcome('b@x.com', 'returned', '2026-11-23T12:01:00Z', 'acme'); // the same sale again: nothing more to take back
  await routeAt('f@x.com', '2026-11-23T12:05:00Z'); // acme freed one
  await outcome('f@x.com', 'accepted', '2026-11-23T12:06:00Z', 'acme');
  // Offered to beta, taken by gamma further down the cascade: the sale is gamma's.
  await routeAt('g@x.com', '2026-11-23T12:10:00Z');
  await outcome('g@x.com', 'accepted', '2026-11-23T12:11:00Z', 'gamma');
  await outcome('g@x.com', 'accepted', '2026-11-23T12:12:00Z', 'beta');
  await routeAt('h@x.com', '2026-11-23T12:20:00Z'); // nobody left
  await routeAt('i@x.com', '2026-11-24T00:00:30Z'); // acme's new day (UTC); gamma's Chicago month goes on
  await routeAt('j@x.com', '2026-12-01T05:59:00Z'); // still November in Chicago
  await routeAt('k@x.com', '2026-12-01T06:00:00Z'); // gamma's new month in Chicago, 00:00 there
  await outcome('k@x.com', 'accepted', '2026-12-01T06:01:00Z', 'beta');
  await routeAt('l@x.com', '2026-12-01T06:30:00Z');
  return seen;
}

const EXPECTED: Seen[] = [
  { lead: 'a@x.com', to: 'acme', skipped: [] },
  { lead: 'b@x.com', to: 'acme', skipped: [] },
  { lead: 'c@x.com', to: 'beta', skipped: ['acme: sold cap 2/day reached'] },
  { lead: 'd@x.com', to: 'gamma', skipped: ['acme: sold cap 2/day reached', 'beta: sold cap 1/hour reached'] },
  { lead: 'e@x.com', to: 'beta', skipped: ['acme: sold cap 2/day reached'] },
  { lead: 'f@x.com', to: 'acme', skipped: [] },
  { lead: 'g@x.com', to: 'beta', skipped: ['acme: sold cap 2/day reached'] },
  { lead: 'h@x.com', to: 'exception:unsold', skipped: ['acme: sold cap 2/day reached', 'beta: sold cap 1/hour reached', 'gamma: sold cap 1/month reached'] },
  { lead: 'i@x.com', to: 'acme', skipped: ['gamma: sold cap 1/month reached'] },
  { lead: 'j@x.com', to: 'acme', skipped: ['gamma: sold cap 1/month reached'] },
  { lead: 'k@x.com', to: 'acme', skipped: [] },
  { lead: 'l@x.com', to: 'acme', skipped: ['beta: sold cap 1/hour reached'] },
];

const { kinds } = durableStores('sold');

describe.each(kinds)('$name store', (kind) => {
  test('accepted sales reach the sold cap, the buyer is skipped with why, a return frees one, each period rolls over', async () => {
    expect(await withOpen(kind, run)).toEqual(EXPECTED);
  });

  test('sales are counted exactly when many outcomes are recorded at once', async () => {
    const policy = compilePolicy(`policy "rush"\npool buyers = [acme bid 42 sold_cap 30/day, beta bid 1]\nelse by_bid(buyers)\n`);
    await withOpen(kind, async (store) => {
      const leads = Array.from({ length: 40 }, (_, i) => `l${i}@x.com`);
      for (const lead of leads) await route(policy, { email: lead }, { store, now: '2026-11-23T10:00:00Z' });
      // 40 acceptances in flight together, then 10 of them returned twice at once: a sale is returned once, 30 stand.
      await Promise.all(leads.map((lead) => recordOutcome(store, { lead, event: 'accepted', at: Date.parse('2026-11-23T10:05:00Z'), by: 'acme' })));
      const returns = [...leads.slice(0, 10), ...leads.slice(0, 10)];
      await Promise.all(returns.map((lead) => recordOutcome(store, { lead, event: 'returned', at: Date.parse('2026-11-23T10:06:00Z'), by: 'acme' })));
      const full = await route(policy, { email: 'next@x.com' }, { store, now: '2026-11-23T10:10:00Z' });
      expect(brief('next@x.com', full)).toEqual({ lead: 'next@x.com', to: 'beta', skipped: ['acme: sold cap 30/day reached'] });
      await recordOutcome(store, { lead: leads[10], event: 'returned', at: Date.parse('2026-11-23T10:11:00Z'), by: 'acme' });
      expect((await route(policy, { email: 'last@x.com' }, { store, now: '2026-11-23T10:12:00Z' })).assignee).toBe('acme');
    });
  });

  test("a multi_sell decision's ledger entry names every buyer offered; a co-buyer's sale counts toward its own sold cap", async () => {
    const policy = compilePolicy(`policy "shared"\npool buyers = [acme bid 42, beta bid 35 sold_cap 1/day, gamma bid 20]\nelse by_bid(buyers) multi_sell 2\n`);
    await withOpen(kind, async (store) => {
      const first = await route(policy, { email: 'a@x.com' }, { store, now: '2026-11-23T10:00:00Z' });
      const entries = [];
      for await (const entry of readLedger(store, { id: first.id })) entries.push(entry);
      expect(entries).toEqual([expect.objectContaining({ type: 'decision', assignee: 'acme', assignees: ['acme', 'beta'] })]);
      await recordOutcome(store, { lead: first.id, event: 'accepted', at: Date.parse('2026-11-23T10:01:00Z'), by: 'beta' });
      const next = await route(policy, { email: 'b@x.com' }, { store, now: '2026-11-23T10:05:00Z' });
      expect([next.assignees, next.skipped]).toEqual([['acme', 'gamma'], [{ name: 'beta', why: 'sold cap 1/day reached' }]]);
    });
  });

  test('a sticky owner at its sold cap does not get the lead again, one lead at a time or in a batch', async () => {
    const policy = compilePolicy(`policy "sticky"\npool buyers = [acme bid 42 sold_cap 1/day, beta bid 35]\nsticky by email for 30d\nelse by_bid(buyers)\n`);
    await withOpen(kind, async (store) => {
      const first = await routeMany(policy, ['a@x.com', 'b@x.com', 'c@x.com'].map((email) => ({ email })), { store, now: '2026-11-23T10:00:00Z' });
      expect(first.map((d) => d.assignee)).toEqual(['acme', 'acme', 'acme']); // no sale yet
      await recordOutcome(store, { lead: 'a@x.com', event: 'accepted', at: Date.parse('2026-11-23T10:01:00Z'), by: 'acme' });
      const again = await routeMany(policy, [{ email: 'a@x.com' }, { email: 'b@x.com' }], { store, now: '2026-11-23T10:05:00Z' });
      const alone = await route(policy, { email: 'c@x.com' }, { store, now: '2026-11-23T10:06:00Z' });
      for (const d of [...again, alone]) expect(brief('', d)).toEqual({ lead: '', to: 'beta', skipped: ['acme: sold cap 1/day reached'] });
    });
  });
});
