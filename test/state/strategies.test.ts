import type { MemberOption } from '../../compiler/decision';
import type { Strategy } from '../../core/words';
import {
  type Rotation,
  type Sales,
  NO_ROTATION,
  choosePoolMember,
  countAssignment,
  countIn,
  countSale,
  SALE_KEPT_MS,
  soldIn,
  readLeadSales,
  readSales,
  load,
  readAway,
  readCounts,
  readRotation,
  readStickyOwner,
  unavailable,
} from '../../state/strategies';
import { DAY, HOUR, member, T0 } from './helpers';

const names = (ms: MemberOption[]) => ms.map((m) => m.name);

/** Runs `leads` choices in a row, each over the members `available(i)` returns, and gives the chosen names. */
function run(strategy: Strategy, leads: number, available: (i: number) => MemberOption[], start: Rotation = NO_ROTATION, loads?: (m: MemberOption) => number) {
  let rotation = start;
  const chosen: string[] = [];
  const orders: string[][] = [];
  for (let i = 0; i < leads; i++) {
    const members = available(i);
    const cascade = choosePoolMember({ strategy, members, loads: loads ? members.map(loads) : [], others: [], rotation });
    rotation = cascade.rotation;
    chosen.push(members[cascade.chosen].name);
    orders.push([members[cascade.chosen].name, ...cascade.candidates]);
  }
  return { chosen, orders, rotation };
}

const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map((n) => member(n));

describe('round_robin', () => {
  test('plain rotation in declared order, the cascade is the rest in rotation order', () => {
    const { chosen, orders } = run('round_robin', 7, () => [alice, bob, carol]);
    expect(chosen).toEqual(['alice', 'bob', 'carol', 'alice', 'bob', 'carol', 'alice']);
    expect(orders[1]).toEqual(['bob', 'carol', 'alice']);
  });

  test('a skipped member (capped, away, outside hours) is not owed leads afterwards', () => {
    // bob is unavailable for leads 1-5, then back: he gets one lead (he is the oldest), then plain rotation.
    const { chosen } = run('round_robin', 10, (i) => (i >= 1 && i <= 5 ? [alice, carol] : [alice, bob, carol]));
    expect(chosen).toEqual(['alice', 'carol', 'alice', 'carol', 'alice', 'carol', 'bob', 'alice', 'carol', 'bob']);
  });

  test('a member added to a pool with history starts at the back', () => {
    const first = run('round_robin', 2, () => [alice, bob, carol]);
    expect(first.chosen).toEqual(['alice', 'bob']);
    const then = run('round_robin', 8, () => [alice, bob, carol, dave], first.rotation);
    expect(then.chosen).toEqual(['carol', 'alice', 'bob', 'dave', 'carol', 'alice', 'bob', 'dave']);
  });

  test('members first seen while unavailable are entered too, so they are not newcomers later', () => {
    const start = choosePoolMember({ strategy: 'round_robin', members: [alice], loads: [], others: ['bob', 'carol'], rotation: NO_ROTATION });
    expect(start.rotation.names).toEqual(['alice', 'bob', 'carol']);
    // bob and carol were never assigned: they go before alice once available.
    const { chosen } = run('round_robin', 3, () => [alice, bob, carol], start.rotation);
    expect(chosen).toEqual(['bob', 'carol', 'alice']);
  });

  test('removing a member keeps the others in their order', () => {
    const first = run('round_robin', 5, () => [alice, bob, carol, dave]);
    expect(first.chosen).toEqual(['alice', 'bob', 'carol', 'dave', 'alice']);
    const then = run('round_robin', 4, () => [alice, carol, dave], first.rotation);
    expect(then.chosen).toEqual(['carol', 'dave', 'alice', 'carol']);
  });

  test('fair over many leads with members coming and going', () => {
    const pool = [alice, bob, carol, dave];
    // Each lead, one member (by turns) is unavailable.
    const { chosen } = run('round_robin', 4000, (i) => pool.filter((_, k) => k !== i % 7 % 4));
    const counts = names(pool).map((n) => chosen.filter((c) => c === n).length);
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThanOrEqual(60);
  });

  test('large pools use the same order (the name index switches to a Map)', () => {
    const pool = Array.from({ length: 40 }, (_, i) => member(`rep${i}`));
    const { chosen } = run('round_robin', 80, () => pool);
    expect(chosen).toEqual([...names(pool), ...names(pool)]);
  });
});

describe('weighted', () => {
  const dieter = member('dieter', { weight: 2 });
  const emma = member('emma', { weight: 1 });

  test("smooth weighted round robin: weights 2:1 give a, b, a (nginx's order), deterministic", () => {
    const { chosen, orders } = run('weighted', 6, () => [dieter, emma]);
    expect(chosen).toEqual(['dieter', 'emma', 'dieter', 'dieter', 'emma', 'dieter']);
    expect(orders[0]).toEqual(['dieter', 'emma']);
    expect(run('weighted', 6, () => [dieter, emma]).chosen).toEqual(chosen);
  });

  test('2:1 over many leads, interleaved rather than in bursts', () => {
    const { chosen } = run('weighted', 3000, () => [dieter, emma]);
    expect(chosen.filter((c) => c === 'dieter').length).toBe(2000);
    expect(chosen.join(',')).not.toContain('dieter,dieter,dieter');
  });

  test('5:1:1 spreads the heavy member; the cascade is the order of the next round', () => {
    const a = member('a', { weight: 5 });
    const { chosen, orders } = run('weighted', 7, () => [a, member('b'), member('c')]);
    expect(chosen).toEqual(['a', 'a', 'b', 'a', 'c', 'a', 'a']);
    expect(orders.slice(0, 3)).toEqual([
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
      ['b', 'a', 'c'],
    ]);
  });

  test('a member skipped keeps its weight; the others share its leads', () => {
    const { chosen } = run('weighted', 9, (i) => (i < 3 ? [dieter] : [dieter, emma]));
    expect(chosen.slice(0, 3)).toEqual(['dieter', 'dieter', 'dieter']);
    expect(chosen.slice(3).filter((c) => c === 'emma').length).toBe(2);
  });
});

describe('least_loaded, first_available, by_bid', () => {
  test('least_loaded: fewest assignments first, ties in declared order', () => {
    const loads = new Map([
      ['alice', 3],
      ['bob', 1],
      ['carol', 1],
      ['dave', 0],
    ]);
    const { orders } = run('least_loaded', 1, () => [alice, bob, carol, dave], NO_ROTATION, (m) => loads.get(m.name) ?? 0);
    expect(orders[0]).toEqual(['dave', 'bob', 'carol', 'alice']);
    const tie = run('least_loaded', 2, () => [carol, bob], NO_ROTATION, () => 0);
    expect(tie.orders).toEqual([
      ['carol', 'bob'],
      ['carol', 'bob'],
    ]);
  });

  test('first_available: declared order, always', () => {
    const { orders } = run('first_available', 3, () => [carol, alice, bob]);
    expect(orders).toEqual([
      ['carol', 'alice', 'bob'],
      ['carol', 'alice', 'bob'],
      ['carol', 'alice', 'bob'],
    ]);
  });

  test('by_bid: highest bid first, equal bids by round robin', () => {
    const low = member('low', { bid: 10 });
    const hi1 = member('hi1', { bid: 20 });
    const hi2 = member('hi2', { bid: 20 });
    const { orders } = run('by_bid', 3, () => [low, hi1, hi2]);
    expect(orders).toEqual([
      ['hi1', 'hi2', 'low'],
      ['hi2', 'hi1', 'low'],
      ['hi1', 'hi2', 'low'],
    ]);
  });
});

test('choosePoolMember refuses an empty pool and least_loaded without loads', () => {
  expect(() => choosePoolMember({ strategy: 'round_robin', members: [], loads: [], others: [], rotation: NO_ROTATION })).toThrow(RangeError);
  expect(() => choosePoolMember({ strategy: 'least_loaded', members: [alice], loads: [], others: [], rotation: NO_ROTATION })).toThrow(RangeError);
});

describe('counts, caps and away', () => {
  const NY = 'America/New_York';
  const capped = member('frank', { cap: [2, 'day', NY] });

  test('counts the member in its cap period, and in UTC days without a cap', () => {
    let c = countAssignment(undefined, capped, T0);
    c = countAssignment(c, capped, T0 + HOUR);
    expect(countIn(c, 'day', NY, T0 + 2 * HOUR)).toBe(2);
    expect(load(capped, c, T0)).toBe(2);
    expect(unavailable(capped, undefined, c, T0)).toBe('at cap 2/day');
    const free = countAssignment(undefined, null, T0);
    expect(free.periods).toEqual([{ per: 'day', tz: 'UTC', key: '2026-11-23', end: Date.parse('2026-11-24T00:00:00Z'), count: 1 }]);
  });

  test('past periods are dropped on the next assignment; a rep assignment counts toward a current cap', () => {
    let c = countAssignment(undefined, capped, T0);
    c = countAssignment(c, null, T0 + HOUR); // as a rep: the cap day counts it, and a UTC day starts
    expect(countIn(c, 'day', NY, T0 + HOUR)).toBe(2);
    expect(countIn(c, 'day', 'UTC', T0 + HOUR)).toBe(1);
    c = countAssignment(c, capped, T0 + 2 * DAY);
    expect(c.periods).toHaveLength(1);
    expect(countIn(c, 'day', NY, T0 + 2 * DAY)).toBe(1);
  });

  test('away until a time, or indefinitely', () => {
    expect(unavailable(alice, { since: T0, until: null }, undefined, T0 + 100 * DAY)).toBe('away');
    const until = { since: T0, until: T0 + HOUR };
    expect(unavailable(alice, until, undefined, T0)).toBe('away until 2026-11-23T16:00:00.000Z');
    expect(unavailable(alice, until, undefined, T0 + HOUR)).toBeNull();
  });

  test('malformed state reads as none', () => {
    expect(readRotation({ seq: 1, names: ['a'], last: [], current: [0] })).toBe(NO_ROTATION);
    expect(readRotation([1, 2])).toBe(NO_ROTATION);
    expect(readRotation({ seq: 'x', names: [], last: [], current: [] })).toBe(NO_ROTATION);
    expect(readCounts({ at: 1, periods: [{ per: 'month', tz: 'UTC', key: 'k', end: 1, count: 1 }] })).toBeUndefined();
    expect(readAway({ since: 1 })).toBeUndefined();
    expect(readStickyOwner({ assignee: 3, pool: null, at: 1 })).toBeUndefined();
    expect(readStickyOwner({ assignee: 'a', pool: null, at: 1 })).toEqual({ assignee: 'a', pool: null, at: 1 });
  });
});

describe('sales for sold caps', () => {
  const at = (iso: string) => Date.parse(iso);
  const sell = (times: string[]) => times.reduce<Sales | undefined>((sales, iso) => countSale(sales, at(iso), 1).sales, undefined);

  test('counted by quarter hour, so any zone\'s periods add up: India\'s hours start at :30 UTC', () => {
    const sales = sell(['2026-11-23T10:29:00Z', '2026-11-23T10:30:00Z', '2026-11-23T10:59:00Z']);
    expect(soldIn(sales, 'hour', 'Asia/Kolkata', at('2026-11-23T10:45:00Z'))).toBe(2); // 16:00-17:00 there
    expect(soldIn(sales, 'hour', 'UTC', at('2026-11-23T10:45:00Z'))).toBe(3);
    expect(soldIn(sales, 'day', 'UTC', at('2026-11-24T00:00:00Z'))).toBe(0);
    expect(soldIn(sales, 'month', 'UTC', at('2026-11-30T23:59:00Z'))).toBe(3);
    expect(soldIn(undefined, 'week', 'UTC', T0)).toBe(0);
  });

  test('a return takes back a sale of its quarter hour, never below none; old quarters are dropped; the record ends when its last sale stops counting', () => {
    const sales = sell(['2026-11-01T10:00:00Z', '2026-11-23T10:00:00Z', '2026-11-23T10:05:00Z']);
    expect(sales?.quarters.length).toBe(2);
    const returned = countSale(sales, at('2026-11-23T10:10:00Z'), -1);
    expect(soldIn(returned.sales, 'day', 'UTC', at('2026-11-23T12:00:00Z'))).toBe(1);
    const nothing = countSale(returned.sales, at('2026-11-23T11:00:00Z'), -1); // no sale in that quarter
    expect(nothing.sales).toEqual(returned.sales);
    expect(returned.expireAt).toBe(at('2026-11-23T10:15:00Z') + SALE_KEPT_MS);
    const later = countSale(returned.sales, at('2026-12-26T00:00:00Z'), 1);
    expect(later.sales.quarters.length).toBe(1); // sales over 32 days old count toward no period, not even a month
  });

  test('a value of another shape reads as no sales', () => {
    expect(readSales({ quarters: [[1, 2, 3]] })).toBeUndefined();
    expect(readSales([1])).toBeUndefined();
    expect(readSales({ quarters: [[1, 2]] })).toEqual({ quarters: [[1, 2]] });
    expect(readLeadSales({ sales: [['acme', 1], [2, 3]] })).toEqual([]);
    expect(readLeadSales(undefined)).toEqual([]);
    expect(readLeadSales({ sales: [['acme', 1]] })).toEqual([['acme', 1]]);
  });
});
