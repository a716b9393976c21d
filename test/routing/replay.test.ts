// Replay in time (routeMany's `at`, inTimeOrder, `route --at`): each lead routed at its own time.
import { compilePolicy } from '../../compiler/compile';
import type { Decision } from '../../compiler/decision';
import { inTimeOrder, leadClock, leadTime, NO_TIME, OutOfTimeOrder } from '../../routing/replay';
import { route, routeMany } from '../../routing/route';
import { MemoryStore } from '../../state/memory';
import { runCli, scratchFolder } from '../cli/run-cli';
import { blankIds } from '../state/helpers';

// One rep capped at 1 a day, one at 2 a day; a queue when both are full. Monday 2026-11-23.
const POLICY = `policy "replay"
pool reps = [ann cap 1/day, ben cap 2/day] hours "Mon-Fri 09:00-17:00" tz "Europe/Berlin"
when country = DE route round_robin(reps) or queue overflow
fallback queue exceptions
`;
const policy = compilePolicy(POLICY);

const lead = (email: string, created: unknown) => ({ email, country: 'DE', created });

describe('leadTime', () => {
  const clock = leadClock('Created Time', 'America/New_York');
  test('a column as written, zone-less times in the tz, zoned times in their own zone', () => {
    expect(leadTime(clock, { 'Created Time': '2026-11-23 09:00' })).toEqual({ ok: true, at: Date.parse('2026-11-23T14:00:00Z') });
    expect(leadTime(clock, { 'Created Time': '11/23/2026 9:00 AM' })).toEqual({ ok: true, at: Date.parse('2026-11-23T14:00:00Z') });
    expect(leadTime(clock, { 'Created Time': '2026-11-23T09:00:00Z' })).toEqual({ ok: true, at: Date.parse('2026-11-23T09:00:00Z') });
    // In July New York is 4 hours behind UTC.
    expect(leadTime(clock, { 'Created Time': '2026-07-01 09:00' })).toEqual({ ok: true, at: Date.parse('2026-07-01T13:00:00Z') });
  });
  test('a dotted path when there is no such column', () => {
    expect(leadTime(leadClock('meta.created'), { meta: { created: '2026-11-23' } })).toEqual({ ok: true, at: Date.parse('2026-11-23T00:00:00Z') });
  });
  test('blank and unreadable times say so, naming the field and the value', () => {
    expect(leadTime(clock, {})).toEqual({ ok: false, reason: `${NO_TIME}Created Time is blank` });
    const bad = leadTime(clock, { 'Created Time': 'yesterday' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.reason).toMatch(/^no time to route at: Created Time: "yesterday" is not a date/);
  });
  test('a bad zone or an empty field is a RangeError', () => {
    expect(() => leadClock('created', 'Mars/Olympus')).toThrow(/Mars\/Olympus/);
    expect(() => leadClock(' ')).toThrow(RangeError);
  });
});

describe('routeMany with at', () => {
  // Out of order in the input: Tuesday's lead first. Monday: 3 leads in hours (ann 1, ben 2 fill
  // both caps), then a 4th to the overflow queue; one at 20:00 Berlin is outside hours.
  const leads = [
    lead('tue@x.com', '2026-11-24T09:30:00+01:00'),
    lead('m1@x.com', '2026-11-23T09:10:00+01:00'),
    lead('m2@x.com', '2026-11-23T09:20:00+01:00'),
    lead('m3@x.com', '2026-11-23T09:30:00+01:00'),
    lead('m4@x.com', '2026-11-23T09:40:00+01:00'),
    lead('late@x.com', '2026-11-23T20:00:00+01:00'),
    lead('none@x.com', ''),
  ];

  test('each lead at its own time, in time order; decisions in input order', async () => {
    const decisions = await routeMany(policy, leads, { store: new MemoryStore(), at: 'created' });
    const dest = (d: Decision) => d.assignee ?? `queue:${d.queue}`;
    expect(decisions.map(dest)).toEqual(['ann', 'ann', 'ben', 'ben', 'queue:overflow', 'queue:overflow', 'queue:exceptions']);
    expect(decisions[0].routed_at).toBe('2026-11-24T08:30:00.000Z');
    expect(decisions[1].routed_at).toBe('2026-11-23T08:10:00.000Z');
    expect(decisions[6]).toMatchObject({ status: 'exception', reason: `${NO_TIME}created is blank` });
  });

  test('without at, every lead at one instant fills the caps for the day', async () => {
    const decisions = await routeMany(policy, leads.slice(0, 5), { store: new MemoryStore(), now: '2026-11-24T09:00:00Z' });
    expect(decisions.map((d) => d.assignee ?? d.queue)).toEqual(['ann', 'ben', 'ben', 'overflow', 'overflow']);
  });

  test('route() of one lead uses its time', async () => {
    expect((await route(policy, leads[5], { store: new MemoryStore(), at: 'created' })).routed_at).toBe('2026-11-23T19:00:00.000Z');
  });

  test('a stream in time order gives the array form; one out of order throws OutOfTimeOrder after the leads before it', async () => {
    const sorted = leads.slice(1, 5).concat(leads[0]);
    async function* gen(list: unknown[]): AsyncGenerator<unknown> {
      for (const l of list) yield await Promise.resolve(l);
    }
    const streamed: Decision[] = [];
    for await (const d of routeMany(policy, gen(sorted), { store: new MemoryStore(), at: 'created' })) streamed.push(d);
    expect(blankIds(streamed)).toEqual(blankIds(await routeMany(policy, sorted, { store: new MemoryStore(), at: 'created' })));

    const before: Decision[] = [];
    const run = async () => {
      for await (const d of routeMany(policy, gen(leads), { store: new MemoryStore(), at: 'created' })) before.push(d);
    };
    await expect(run()).rejects.toThrow(OutOfTimeOrder);
    expect(before.map((d) => d.assignee)).toEqual(['ann']);
  });

  test('a bad tz rejects', async () => {
    await expect(routeMany(policy, leads, { at: 'created', tz: 'Nowhere/Else' })).rejects.toThrow(/Nowhere\/Else/);
  });
});

describe('inTimeOrder', () => {
  const items = [5, 3, null, 9, 1, 3, null, 2].map((t, i) => ({ t, i }));
  const source = (reads: { n: number }) => () => {
    reads.n++;
    return (async function* () {
      yield items.slice(0, 3);
      yield items.slice(3);
    })();
  };
  test('sorts by time then source order, holding a window at a time; a timeless item stays after the latest time before it', async () => {
    const reads = { n: 0 };
    const out: number[] = [];
    for await (const batch of inTimeOrder(source(reads), (x) => x.t, 3)) out.push(...batch.map((x) => x.i));
    // times: 5 3 (5) 9 1 3 (9) 2 -> 1@4, 2@7, 3@1, 3@5, 5@0, 5@2, 9@3, 9@6
    expect(out).toEqual([4, 7, 1, 5, 0, 2, 3, 6]);
    // One pass for the times, then one per window of 3: 8 items, 3 windows.
    expect(reads.n).toBe(4);
  });
  test('a source in order is read twice and passed through', async () => {
    const reads = { n: 0 };
    const sorted = [1, 2, null, 2, 3].map((t, i) => ({ t, i }));
    const open = () => {
      reads.n++;
      return (async function* () {
        yield sorted;
      })();
    };
    const out: number[] = [];
    for await (const batch of inTimeOrder(open, (x) => x.t, 2)) out.push(...batch.map((x) => x.i));
    expect(out).toEqual([0, 1, 2, 3, 4]);
    expect(reads.n).toBe(2);
  });
});

describe('route --at', () => {
  const dir = scratchFolder('leadroute-replay-');
  test('an unsorted CSV is routed in time order; a lead without a time is reported with its line', async () => {
    const policyFile = dir.file('p.route', POLICY);
    const csv = dir.file(
      'leads.csv',
      ['email,country,Created Time', 'b@x.com,DE,11/23/2026 9:20 AM', 'a@x.com,DE,11/23/2026 9:10 AM', 'c@x.com,DE,', 'd@x.com,DE,11/23/2026 9:30 AM'].join('\n'),
    );
    const run = await runCli(['route', policyFile, csv, '--at', 'Created Time', '--tz', 'Europe/Berlin']);
    expect(run.code).toBe(0);
    const out = run.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { email: string; routing: Decision });
    expect(out.map((o) => [o.email, o.routing.assignee ?? o.routing.queue])).toEqual([
      ['a@x.com', 'ann'],
      ['b@x.com', 'ben'],
      ['c@x.com', 'exceptions'],
      ['d@x.com', 'ben'],
    ]);
    expect(run.stderr).toContain('line 4: no time to route at: Created Time is blank');
  });
  test('--tz without --at, or an unknown zone, is a usage error', async () => {
    const policyFile = dir.file('p2.route', POLICY);
    const leadsFile = dir.file('l.jsonl', '{}\n');
    expect((await runCli(['route', policyFile, leadsFile, '--tz', 'UTC'])).code).toBe(2);
    const bad = await runCli(['route', policyFile, leadsFile, '--at', 'created', '--tz', 'Mars/Base']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Mars/Base');
  });
  test('standard input is saved and sorted too', async () => {
    const policyFile = dir.file('p3.route', POLICY);
    const stdin = [lead('b@x.com', '2026-11-23T09:20:00+01:00'), lead('a@x.com', '2026-11-23T09:10:00+01:00')].map((l) => JSON.stringify(l)).join('\n');
    const run = await runCli(['route', policyFile, '-', '--at', 'created'], stdin);
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { email: string }).email)).toEqual(['a@x.com', 'b@x.com']);
  });
});
