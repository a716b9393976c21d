import { createCodegenEvaluator } from '../../compiler/codegen/generate';
import { createDecider } from '../../compiler/decide';
import type { Evaluator, MemberOption, PlanOption } from '../../compiler/decision';
import type { PolicyIR } from '../../compiler/ir';
import { createReferenceEvaluator } from '../../compiler/reference';
import { acmePolicy } from './acme-ir';
import { cpuSeconds } from '../hostile/cpu';
import { calendar, hours, IrBuilder, WEEKDAYS } from './hand-ir';

const NOW = '2026-11-23T15:00:00.000Z'; // Monday 10:00 in New York
const POLICY = { name: 'acme-inbound', hash: 'sha256:test' };
const NY = 'America/New_York';

const decideWith = (ir: PolicyIR, evaluator: Evaluator = createReferenceEvaluator(ir)) => createDecider(ir, evaluator, POLICY).decide;
const names = (o: PlanOption) => (o.kind === 'pool' ? o.members.map((m) => m.name) : []);

describe('the example policy', () => {
  const decide = decideWith(acmePolicy());

  test('the decision of LANGUAGE.md: by segment then geo, the exact pool', () => {
    const d = decide({ email: 'ann@big.com', type: 'demo', employees: 5000, country: 'US' }, { now: NOW });
    expect(d.rule).toEqual({ index: 3, line: 23, source: 'when intent = high route by segment then geo then round_robin(pool) sla 5m priority high' });
    expect(d.path).toEqual({ segment: 'enterprise', geo: 'na' });
    expect(d.priority).toBe('high');
    expect(d.tags).toEqual([]);
    expect(d.escalation).toEqual(['next', 'queue exceptions']);
    expect(d.policy).toEqual(POLICY);
    expect(d.at).toBe(Date.parse(NOW));
    expect(d.fallback).toBe('exceptions');
    expect(d.options).toEqual([
      {
        kind: 'pool',
        pool: 'enterprise.na',
        strategy: 'round_robin',
        path: { segment: 'enterprise', geo: 'na' },
        members: [
          { name: 'alice', weight: 1, bid: 0, cap: null, soldCap: null },
          { name: 'bob', weight: 1, bid: 0, cap: null, soldCap: null },
          { name: 'carol', weight: 1, bid: 0, cap: null, soldCap: null },
        ],
        skipped: [],
        sla: { duration: '5m', business: false, due: Date.parse('2026-11-23T15:05:00.000Z') },
      },
    ]);
    expect(d.trace).toBeUndefined();
  });

  test('a wildcard pool serves values no exact pool names', () => {
    const d = decide({ type: 'demo', employees: 5000, country: 'JP' }, { now: NOW });
    expect(d.options[0]).toMatchObject({ kind: 'pool', pool: 'enterprise.*', path: { segment: 'enterprise', geo: 'apac' } });
    expect(names(d.options[0])).toEqual(['zoe']);
  });

  test('the else rule; members outside their hours are skipped with the reason; caps carry their zone', () => {
    const saturday = decide({ employees: 10, country: 'US' }, { now: '2026-11-28T15:00:00Z' });
    expect(saturday.rule?.index).toBe(4);
    expect(saturday.priority).toBe('normal');
    const option = saturday.options[0];
    expect(option).toMatchObject({ kind: 'pool', pool: 'smb.*', members: [], sla: { duration: '1d', business: false, due: Date.parse('2026-11-29T15:00:00.000Z') } });
    expect(option.kind === 'pool' && option.skipped).toEqual([
      { name: 'frank', why: 'outside hours Mon-Fri 08:00-18:00 (America/New_York)' },
      { name: 'gina', why: 'outside hours Mon-Fri 08:00-18:00 (America/New_York)' },
    ]);
    const monday = decide({ employees: 10, country: 'US' }, { now: NOW });
    expect(monday.options[0].kind === 'pool' && monday.options[0].members).toEqual([
      { name: 'frank', weight: 1, bid: 0, cap: { count: 40, per: 'day', tz: NY }, soldCap: null },
      { name: 'gina', weight: 1, bid: 0, cap: { count: 40, per: 'day', tz: NY }, soldCap: null },
    ]);
  });

  test('owner: the trimmed value of account.owner, else unresolved naming the path', () => {
    const customer = { account: { status: 'customer', owner: '  Bob Smith ' } };
    expect(decide(customer, { now: NOW }).options).toEqual([
      { kind: 'person', assignee: 'Bob Smith', via: 'owner', sla: { duration: '4h', business: false, due: Date.parse('2026-11-23T19:00:00.000Z') } },
    ]);
    expect(decide({ account: { status: 'customer', owner: 4711 } }, { now: NOW }).options[0]).toMatchObject({ kind: 'person', assignee: '4711' });
  });

  test('a queue target; an `or` target after a pool; the path of a plain pool is empty', () => {
    expect(decide({ type: 'Support' }, { now: NOW }).options).toEqual([{ kind: 'queue', queue: 'support', sla: null }]);
    const d = decide({ product: 'payments' }, { now: NOW });
    expect(d.options.map((o) => o.kind)).toEqual(['pool', 'queue']);
    expect(d.options[0]).toMatchObject({ pool: 'payments_team', path: {}, sla: { due: Date.parse('2026-11-23T15:10:00.000Z') } });
    expect(d.options[1]).toEqual({ kind: 'queue', queue: 'payments_overflow', sla: { duration: '10m', business: false, due: Date.parse('2026-11-23T15:10:00.000Z') } });
    expect(d.path).toEqual({});
  });

  test('decisions do not share arrays: changing one leaves the next alone', () => {
    const first = decide({ type: 'demo', employees: 5000, country: 'US' }, { now: NOW });
    first.escalation.push('rep zed');
    first.tags.push('x');
    const second = decide({ type: 'demo', employees: 5000, country: 'US' }, { now: NOW });
    expect(second.escalation).toEqual(['next', 'queue exceptions']);
    expect(second.tags).toEqual([]);
  });
});

describe('owner values', () => {
  function ownerDecide() {
    const b = new IrBuilder();
    b.rule('else', [{ kind: 'owner', path: b.pathIndex('crm.rep') }, { kind: 'queue', name: 'q' }]);
    return decideWith(b.build());
  }
  test.each([
    [{}, 'owner: crm.rep is blank'],
    [{ crm: { rep: '   ' } }, 'owner: crm.rep is blank'],
    [{ crm: { rep: null } }, 'owner: crm.rep is blank'],
    [{ crm: { rep: { id: 7 } } }, 'owner: crm.rep is not a name ({object})'],
    [{ crm: { rep: ['ann'] } }, 'owner: crm.rep is not a name (["ann"])'],
    [{ crm: { rep: true } }, 'owner: crm.rep is not a name (true)'],
  ])('%j: %s', (lead, reason) => {
    const d = ownerDecide()(lead, { now: NOW });
    expect(d.options).toEqual([
      { kind: 'unresolved', reason },
      { kind: 'queue', queue: 'q', sla: null },
    ]);
  });
  test('a flat dotted key is read too', () => {
    expect(ownerDecide()({ 'crm.rep': 'ann' }, { now: NOW }).options[0]).toMatchObject({ kind: 'person', assignee: 'ann', via: 'owner' });
  });
});

describe('no rule decides', () => {
  test('no options, no rule, normal priority; the fallback queue is named', () => {
    const b = new IrBuilder();
    b.fallback = 'unrouted';
    b.rule(b.eq('type', 'demo'), [{ kind: 'rep', name: 'ann' }], { priority: 'urgent', tags: ['t'] });
    const decide = decideWith(b.build());
    const d = decide({ type: 'other' }, { now: NOW });
    expect(d).toEqual({
      rule: null,
      path: {},
      priority: 'normal',
      tags: [],
      escalation: [],
      policy: POLICY,
      at: Date.parse(NOW),
      options: [],
      sticky: null,
      fallback: 'unrouted',
      warnings: [],
      key: null,
    });
    expect(decide({ type: 'demo' }, { now: NOW })).toMatchObject({ options: [{ kind: 'person', assignee: 'ann', via: 'rep', sla: null }], priority: 'urgent', tags: ['t'] });
  });
});

describe('pool lookup by path', () => {
  const ALL = ['a.b.c', 'a.b.*', 'a.*.c', '*.b.c', 'a.*.*', '*.b.*', '*.*.c', '*.*.*'];

  function lookupPolicy(poolNames: string[]) {
    const b = new IrBuilder();
    for (const name of poolNames) b.pool(name, [`m-${name}`]);
    b.pool('a.b', ['two-segments']);
    b.rule('else', [b.by('first_available', 'x', 'y', 'z')]);
    return decideWith(b.build());
  }

  test('exact first, then wildcards most specific first, rightmost values dropped first', () => {
    for (let i = 0; i < ALL.length; i++) {
      const d = lookupPolicy(ALL.slice(i))({ x: 'a', y: 'b', z: 'c' }, { now: NOW });
      expect(d.options[0]).toMatchObject({ kind: 'pool', pool: ALL[i] });
    }
  });

  test('segments match case-insensitively; the path keeps the values as written', () => {
    const d = lookupPolicy(ALL)({ x: ' A ', y: 'B', z: 'c' }, { now: NOW });
    expect(d.options[0]).toMatchObject({ pool: 'a.b.c', path: { x: 'A', y: 'B', z: 'c' } });
    expect(d.path).toEqual({ x: 'A', y: 'B', z: 'c' });
  });

  test('a blank value matches only `*`; a `*` value is not a wildcard of its own', () => {
    expect(lookupPolicy(ALL)({ x: 'a', z: 'c' }, { now: NOW }).options[0]).toMatchObject({ pool: 'a.*.c', path: { x: 'a', y: null, z: 'c' } });
    expect(lookupPolicy(ALL)({ x: '*', y: '*', z: '*' }, { now: NOW }).options[0]).toMatchObject({ pool: '*.*.*' });
    expect(lookupPolicy(['a.b.c'])({ x: '*', y: 'b', z: 'c' }, { now: NOW }).options[0]).toMatchObject({ kind: 'unresolved' });
  });

  test('only pools with as many segments as values take part; no pool: unresolved with the values', () => {
    const d = lookupPolicy(['a.b.c'])({ x: 'a', y: 'b', z: 'd' }, { now: NOW });
    expect(d.options).toEqual([{ kind: 'unresolved', reason: 'no pool matches x=a, y=b, z=d' }]);
    expect(d.path).toEqual({});
    expect(lookupPolicy([])({ x: 'a', y: null }, { now: NOW }).options[0]).toEqual({ kind: 'unresolved', reason: 'no pool matches x=a, y=(blank), z=(blank)' });
  });

  test('the example: `no pool matches segment=enterprise, geo=apac`', () => {
    const b = new IrBuilder();
    b.dimension('segment', 'employees', [['enterprise', b.cmp('employees', '>=', 1000)]]);
    b.dimension('geo', 'country', [['na', b.eq('country', 'US')], ['apac', null]]);
    b.pool('enterprise.na', ['alice']);
    b.pool('*.na', ['x']);
    b.rule('else', [b.by('round_robin', 'segment', 'geo')]);
    const d = decideWith(b.build())({ employees: 2000, country: 'JP' }, { now: NOW });
    expect(d.options).toEqual([{ kind: 'unresolved', reason: 'no pool matches segment=enterprise, geo=apac' }]);
    // A blank dimension is matched by a `*` only.
    const small = decideWith(b.build())({ employees: 5, country: 'US' }, { now: NOW });
    expect(small.options[0]).toMatchObject({ pool: '*.na', path: { segment: null, geo: 'na' } });
  });

  test('a `by` over dimensions (resolved ahead, per combination of values) decides as the traced lookup does', () => {
    const b = new IrBuilder();
    // Mixed case, a blank value (no `otherwise`), wildcards, combinations no pool serves, `__proto__` as a name and a value.
    b.dimension('segment', 'employees', [['Enterprise', b.cmp('employees', '>=', 1000)], ['smb', b.cmp('employees', '<', 10)]]);
    b.dimension('__proto__', 'country', [['na', b.eq('country', 'US')], ['__proto__', b.eq('country', 'DE')], ['apac', null]]);
    b.pool('enterprise.na', ['a']);
    b.pool('*.__proto__', ['b']);
    b.pool('smb.*', ['c']);
    b.rule('else', [b.by('round_robin', 'segment', '__proto__'), b.by('first_available', '__proto__')]);
    const ir = b.build();
    for (const decide of [decideWith(ir), decideWith(ir, createCodegenEvaluator(ir))]) {
      for (const employees of [5000, 500, 5]) {
        for (const country of ['US', 'DE', 'JP']) {
          const { trace, ...traced } = decide({ employees, country }, { now: NOW, trace: true });
          expect(trace?.length).toBeGreaterThan(0);
          expect(decide({ employees, country }, { now: NOW })).toEqual(traced);
        }
      }
    }
    const d = decideWith(ir)({ employees: 5000, country: 'DE' }, { now: NOW });
    expect(d.options[0]).toMatchObject({ kind: 'pool', pool: '*.__proto__' });
    expect(Object.getPrototypeOf(d.path)).toBe(Object.prototype);
    expect(JSON.stringify(d.path)).toBe('{"segment":"Enterprise","__proto__":"__proto__"}');
    expect(decideWith(ir)({ employees: 500, country: 'US' }, { now: NOW }).options).toEqual([
      { kind: 'unresolved', reason: 'no pool matches segment=(blank), __proto__=na' },
      { kind: 'unresolved', reason: 'no pool matches __proto__=na' },
    ]);
  });

  test('decisions do not share the path of a `by` target', () => {
    const decide = decideWith(acmePolicy());
    const lead = { type: 'demo', employees: 5000, country: 'US' };
    decide(lead, { now: NOW }).path.geo = 'changed';
    expect(decide(lead, { now: NOW }).path).toEqual({ segment: 'enterprise', geo: 'na' });
  });

  test('a field as a `by` value: numbers and booleans as text', () => {
    const b = new IrBuilder();
    b.pool('42.true', ['n']);
    b.rule('else', [b.by('first_available', 'code', 'flag')]);
    expect(decideWith(b.build())({ code: 42, flag: true }, { now: NOW }).options[0]).toMatchObject({ pool: '42.true', path: { code: '42', flag: 'true' } });
  });

  test('the lookup stays flat with 100,000 pools', () => {
    const b = new IrBuilder();
    for (let i = 0; i < 100_000; i++) b.pool(`t${i}.r${i % 7}`, [`p${i}`]);
    b.pool('*.r3', ['any']);
    b.rule('else', [b.by('round_robin', 'territory', 'region')]);
    const decide = decideWith(b.build());
    expect(decide({ territory: 'T99999', region: 'r4' }, { now: NOW }).options[0]).toMatchObject({ pool: 't99999.r4' });
    expect(decide({ territory: 'nowhere', region: 'r3' }, { now: NOW }).options[0]).toMatchObject({ pool: '*.r3' });
    // One Map get per wildcard pattern that exists (here: exact, then `*.r3`), never a scan.
    const gets = jest.spyOn(Map.prototype, 'get');
    decide({ territory: 't5', region: 'r5' }, { now: NOW });
    expect(gets.mock.calls.length).toBe(1);
    decide({ territory: 'nowhere', region: 'r3' }, { now: NOW });
    expect(gets.mock.calls.length).toBe(3);
    gets.mockRestore();
    // 20,000 decisions over 100,000 territories: a scan would take minutes of CPU, map reads well under a second.
    expect(cpuSeconds(() => {
      for (let i = 0; i < 20_000; i++) decide({ territory: `t${i}`, region: `r${i % 7}` }, { now: NOW });
    }).seconds).toBeLessThan(5);
  });
});

describe('members: when, hours, holidays', () => {
  function supportPolicy() {
    const b = new IrBuilder();
    const office = calendar(NY, hours(WEEKDAYS, '08:00', '18:00'), ['2026-12-25']);
    b.pool(
      'support',
      [
        { name: 'dieter', when: b.in('language', ['de']), calendar: office },
        { name: 'night', calendar: calendar('Asia/Tokyo', hours(WEEKDAYS, '09:00', '17:00')) },
        { name: 'ann', calendar: office },
      ],
      office,
    );
    b.rule('else', [{ kind: 'pool', strategy: 'first_available', pool: 0 }], { sla: { ms: 2 * 3_600_000, text: '2h', business: true } });
    return decideWith(b.build());
  }

  test("a member's `when` and own hours decide; eligible members keep declared order", () => {
    const d = supportPolicy()({ language: 'fr' }, { now: NOW });
    expect(d.options[0]).toMatchObject({
      members: [{ name: 'ann' }],
      skipped: [
        { name: 'dieter', why: 'takes only leads where `language in [de]`' },
        { name: 'night', why: 'outside hours Mon-Fri 09:00-17:00 (Asia/Tokyo)' },
      ],
    });
    // Tuesday 09:30 in Tokyo is Monday 19:30 in New York.
    const late = supportPolicy()({ language: 'DE' }, { now: '2026-11-24T00:30:00Z' });
    expect(names(late.options[0])).toEqual(['night']);
  });

  test('a pool holiday excludes everyone', () => {
    const d = supportPolicy()({ language: 'de' }, { now: '2026-12-25T15:00:00Z' });
    expect(d.options[0]).toMatchObject({
      members: [],
      skipped: [
        { name: 'dieter', why: 'holiday 2026-12-25' },
        { name: 'night', why: 'holiday 2026-12-25' },
        { name: 'ann', why: 'holiday 2026-12-25' },
      ],
    });
  });

  test("a business SLA counts the pool's hours, across a weekend", () => {
    // Friday 17:00 in New York + 2h business: Monday 09:00.
    const d = supportPolicy()({}, { now: '2026-11-27T22:00:00Z' });
    expect(d.options[0]).toMatchObject({ sla: { duration: '2h', business: true, due: Date.parse('2026-11-30T14:00:00.000Z') } });
  });

  test('a business SLA on a queue or person, or a pool without a calendar, counts clock time', () => {
    const b = new IrBuilder();
    b.pool('anytime', ['x']);
    b.rule('else', [{ kind: 'queue', name: 'q' }, { kind: 'rep', name: 'r' }, { kind: 'pool', strategy: 'round_robin', pool: 0 }], { sla: { ms: 3_600_000, text: '1h', business: true } });
    const d = decideWith(b.build())({}, { now: '2026-11-28T15:00:00Z' });
    for (const option of d.options) expect(option).toMatchObject({ sla: { duration: '1h', business: false, due: Date.parse('2026-11-28T16:00:00.000Z') } });
  });
});

describe('sticky', () => {
  function stickyPolicy() {
    const b = new IrBuilder();
    b.pool('team', ['ann', { name: 'ben', when: b.eq('language', 'en') }, { name: 'cy', cap: { count: 5, per: 'hour' } }], calendar(NY, hours(WEEKDAYS, '08:00', '18:00')));
    b.sticky = { path: b.pathIndex('email'), ms: 86_400_000, text: '1d' };
    b.rule('else', [{ kind: 'pool', strategy: 'round_robin', pool: 0 }]);
    return decideWith(b.build());
  }

  test('the key is the normalized value; a blank value gives no lookup', () => {
    const decide = stickyPolicy();
    expect(decide({ email: '  Ann@X.com ' }, { now: NOW }).sticky).toMatchObject({ key: 'ann@x.com', ms: 86_400_000 });
    expect(decide({ email: ' ' }, { now: NOW }).sticky).toBeNull();
    expect(decide({}, { now: NOW }).sticky).toBeNull();
    expect(JSON.parse(JSON.stringify(decide({ email: 'a@b' }, { now: NOW }).sticky))).toEqual({ key: 'a@b', ms: 86_400_000 });
  });

  test('member(): still a member and eligible now for this lead, or why not', () => {
    const sticky = stickyPolicy()({ email: 'a@b', language: 'fr' }, { now: NOW }).sticky;
    expect(sticky).not.toBeNull();
    const member = (pool: string | null, name: string) => sticky?.member(pool, name) as MemberOption | string;
    expect(member('team', 'ann')).toEqual({ name: 'ann', weight: 1, bid: 0, cap: null, soldCap: null });
    expect(member('team', 'cy')).toEqual({ name: 'cy', weight: 1, bid: 0, cap: { count: 5, per: 'hour', tz: NY }, soldCap: null });
    expect(member('team', 'ben')).toBe('takes only leads where `language = en`');
    expect(member('team', 'zed')).toBe('zed is no longer a member of pool team');
    expect(member('gone', 'ann')).toBe('pool gone is no longer in the policy');
    expect(member(null, 'Owner Person')).toEqual({ name: 'Owner Person', weight: 1, bid: 0, cap: null, soldCap: null });
    const weekend = stickyPolicy()({ email: 'a@b' }, { now: '2026-11-28T15:00:00Z' }).sticky;
    expect(weekend?.member('team', 'ann')).toBe('outside hours Mon-Fri 08:00-18:00 (America/New_York)');
  });
});

describe('now', () => {
  const decide = decideWith(acmePolicy());
  test('a Date, epoch ms or ISO string; Date.now() by default', () => {
    expect(decide({}, { now: new Date(NOW) }).at).toBe(Date.parse(NOW));
    expect(decide({}, { now: Date.parse(NOW) }).at).toBe(Date.parse(NOW));
    expect(decide({}, { now: '2026-11-23T10:00:00-05:00' }).at).toBe(Date.parse(NOW));
    const before = Date.now();
    const at = decide({}).at;
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Date.now());
  });
  test.each([['yesterday', '"yesterday"'], [Number.NaN, 'NaN'], [1e20, '100000000000000000000'], [new Date('nope'), 'an invalid Date']])('%s is a RangeError naming it', (now, shown) => {
    expect(() => decide({}, { now })).toThrow(RangeError);
    expect(() => decide({}, { now })).toThrow(shown);
  });
});

describe('trace', () => {
  /** An evaluator that is not the reference one: the trace must come from the reference walk anyway. */
  function foreign(ir: PolicyIR): Evaluator {
    const ref = createReferenceEvaluator(ir);
    return { matchRule: (l, s) => ref.matchRule(l, s), dimension: (d, l, s) => ref.dimension(d, l, s), memberTakes: (p, m, l, s) => ref.memberTakes(p, m, l, s) };
  }

  test('explains the sticky key, every rule tried, the dimensions, the pools looked for and each member', () => {
    const ir = acmePolicy();
    const d = decideWith(ir, foreign(ir))({ email: 'Ann@X.com', source: 'partner', employees: '5000', country: 'JP' }, { now: NOW, trace: true });
    const trace = d.trace ?? [];
    expect(trace.map((e) => `${e.step}: ${e.source}`)).toEqual([
      'sticky: sticky by email for 30d',
      'rule: when account.status = customer and account.owner is not blank route owner sla 4h',
      'condition: account.status = customer',
      'rule: when type = support route queue support',
      'condition: type = support',
      'rule: when product = payments route round_robin(payments_team) or queue payments_overflow sla 10m priority high',
      'condition: product = payments',
      'rule: when intent = high route by segment then geo then round_robin(pool) sla 5m priority high',
      'dimension: intent',
      'condition: intent = high',
      'dimension: segment',
      'dimension: geo',
      'target: by segment then geo then round_robin(pool)',
      'pool: enterprise.*',
      'member: zoe',
      'fallback: fallback queue exceptions',
    ]);
    expect(trace[0]).toMatchObject({ result: 'ann@x.com', values: { email: 'Ann@X.com' } });
    expect(trace[8].note).toBe('type is blank, source is "partner": `type = demo or source in [paid_search, partner]` holds; so intent is high');
    expect(trace[11].note).toBe('country is "JP": `country in [US, CA, MX]` fails, `country in [GB, IE, DE, FR, NL, ES, IT, SE]` fails, otherwise gives apac; so geo is apac');
    expect(trace[12]).toMatchObject({ values: { segment: 'enterprise', geo: 'apac' }, result: 'enterprise.*', note: 'looked for enterprise.apac, then enterprise.*: found pool enterprise.*' });
    expect(trace[13]).toMatchObject({ result: true, note: 'eligible now, in declared order: zoe' });
    expect(trace[14]).toMatchObject({ result: true, note: 'eligible' });
    expect(trace[15].note).toBe('if no target above can take the lead, it goes to the fallback queue exceptions as an exception');
  });

  test('skipped members, failed targets and the fallback are explained', () => {
    const ir = acmePolicy();
    const decide = decideWith(ir);
    const saturday = decide({ employees: 10, country: 'US' }, { now: '2026-11-28T15:00:00Z', trace: true }).trace ?? [];
    expect(saturday.find((e) => e.step === 'pool')).toMatchObject({ source: 'smb.*', result: false, note: 'nobody in smb.* is eligible now; trying the next target' });
    expect(saturday.filter((e) => e.step === 'member').map((e) => e.note)).toEqual([
      'left out: outside hours Mon-Fri 08:00-18:00 (America/New_York)',
      'left out: outside hours Mon-Fri 08:00-18:00 (America/New_York)',
    ]);
    expect(saturday.find((e) => e.step === 'sticky')).toMatchObject({ result: null, note: 'email is blank, so there is no sticky owner to look for' });
    const owner = decide({ account: { status: 'customer', owner: 'x' } }, { now: NOW, trace: true }).trace ?? [];
    expect(owner.find((e) => e.step === 'target')).toMatchObject({ source: 'owner', result: 'x', note: 'goes to the owner in account.owner, x' });

    const b = new IrBuilder();
    b.rule(b.eq('type', 'demo'), [b.by('round_robin', 'region')]);
    b.pool('emea', ['e']);
    const none = decideWith(b.build());
    const failed = none({ type: 'demo', region: 'apac' }, { now: NOW, trace: true }).trace ?? [];
    expect(failed.find((e) => e.step === 'target')).toMatchObject({ result: false, note: 'looked for apac: none is a pool; no pool matches region=apac; trying the next target' });
    const fallback = none({ type: 'x' }, { now: NOW, trace: true }).trace ?? [];
    expect(fallback[fallback.length - 1]).toMatchObject({ step: 'fallback', note: 'no rule holds, so the lead goes to the fallback queue exceptions as an exception' });
  });

  test('the traced decision equals the untraced one', () => {
    const decide = decideWith(acmePolicy());
    for (const lead of [{ type: 'demo', employees: 5000, country: 'DE' }, { product: 'payments' }, { account: { status: 'customer' } }, {}]) {
      const { trace, ...traced } = decide(lead, { now: NOW, trace: true });
      expect(trace?.length).toBeGreaterThan(0);
      expect(JSON.stringify(traced)).toBe(JSON.stringify(decide(lead, { now: NOW })));
    }
  });
});

describe('every lead gets a decision', () => {
  const hostile: unknown[] = [
    null,
    undefined,
    [],
    [{ type: 'demo' }],
    'demo',
    42,
    true,
    'x'.repeat(1 << 20),
    { type: 'x'.repeat(1 << 20), employees: '9'.repeat(1 << 20), country: ' '.repeat(1 << 20), email: 'y'.repeat(1 << 20) },
    JSON.parse('{"__proto__": {"type": "demo", "employees": 5000}, "constructor": {"prototype": 1}, "account": {"__proto__": {"owner": "evil"}}}'),
    { account: 'customer', type: ['demo', null], employees: [1, 'x'], country: { code: 'US' } },
    { employees: Number.POSITIVE_INFINITY, country: Number.NaN, email: 5 },
    Object.create(null),
  ];

  test.each(hostile.map((lead, i) => [i, lead]))('lead #%s', (_, lead) => {
    const decide = decideWith(acmePolicy());
    const d = decide(lead, { now: NOW, trace: true });
    expect(d.at).toBe(Date.parse(NOW));
    expect(d.options.length + (d.rule === null ? 1 : 0)).toBeGreaterThan(0);
    expect(JSON.stringify(d.trace).length).toBeLessThan(50_000);
    expect(({} as Record<string, unknown>).type).toBeUndefined();
  });

  test('`__proto__` as a by key or dimension name stays plain data in the path', () => {
    const b = new IrBuilder();
    b.pool('x', ['m']);
    b.rule('else', [b.by('round_robin', '__proto__')]);
    const d = decideWith(b.build())(JSON.parse('{"__proto__": "X"}'), { now: NOW, trace: true });
    expect(d.options[0]).toMatchObject({ kind: 'pool', pool: 'x' });
    expect(Object.getPrototypeOf(d.path)).toBe(Object.prototype);
    expect(JSON.stringify(d.path)).toBe('{"__proto__":"X"}');
  });
});
