import { checkPolicy } from '../../dsl/checker';
import { parsePolicy } from '../../dsl/parse';
import { cpuSeconds } from '../hostile/cpu';
import { lowerPolicy, nameText } from '../../compiler/lower';
import type { CondIR, PolicyIR, TestIR } from '../../compiler/ir';
import { holds, prepareTest } from '../../compiler/values';
import { HEADER, LANGUAGE_POLICY } from '../dsl/check-helpers';

function lower(source: string): PolicyIR {
  const parsed = parsePolicy(source);
  expect(parsed.diagnostics).toEqual([]);
  const { diagnostics, checked } = checkPolicy(parsed.ast);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  if (checked === null) throw new Error('not checked');
  return lowerPolicy(checked);
}

/** The test of the first rule's condition (which must be a single test). */
function firstTest(ir: PolicyIR): TestIR {
  const cond = ir.rules[0].cond;
  if (cond.kind !== 'test') throw new Error(`not a test: ${JSON.stringify(cond)}`);
  return cond.test;
}

const weekdays = (from: number, to: number) => [1, 2, 3, 4, 5].map((weekday) => ({ weekday, from, to }));

describe("LANGUAGE.md's whole policy", () => {
  const ir = lower(LANGUAGE_POLICY);
  const path = (text: string) => ir.paths.findIndex((p) => p.join('.') === text);

  test('name, fallback, paths read anywhere (each once), sticky', () => {
    expect(ir.name).toBe('acme-inbound');
    expect(ir.fallback).toBe('exceptions');
    expect([...ir.paths].sort()).toEqual([['account', 'owner'], ['account', 'status'], ['country'], ['email'], ['employees'], ['product'], ['source'], ['type']]);
    expect(ir.sticky).toEqual({ path: path('email'), ms: 30 * 86_400_000, text: '30d' });
    expect(JSON.parse(JSON.stringify(ir))).toEqual(ir);
  });

  test('dimensions with their subjects, arms and blank-ness', () => {
    const employees = { kind: 'path', path: path('employees') };
    const country = { kind: 'path', path: path('country') };
    expect(ir.dimensions).toEqual([
      {
        name: 'segment',
        by: employees,
        arms: [
          { value: 'enterprise', cond: { kind: 'test', subject: employees, test: { kind: 'cmp', op: '>=', num: 1000, time: false }, source: 'employees >= 1000' } },
          { value: 'midmarket', cond: { kind: 'test', subject: employees, test: { kind: 'cmp', op: '>=', num: 200, time: false }, source: 'employees >= 200' } },
          { value: 'smb', cond: { kind: 'true' } },
        ],
        canBeBlank: false,
      },
      {
        name: 'geo',
        by: country,
        arms: [
          { value: 'na', cond: { kind: 'test', subject: country, test: { kind: 'in', texts: ['us', 'ca', 'mx'], nums: [], negated: false }, source: 'country in [US, CA, MX]' } },
          {
            value: 'emea',
            cond: { kind: 'test', subject: country, test: { kind: 'in', texts: ['gb', 'ie', 'de', 'fr', 'nl', 'es', 'it', 'se'], nums: [], negated: false }, source: 'country in [GB, IE, DE, FR, NL, ES, IT, SE]' },
          },
          { value: 'apac', cond: { kind: 'true' } },
        ],
        canBeBlank: false,
      },
      {
        name: 'intent',
        by: null,
        arms: [
          {
            value: 'high',
            cond: {
              kind: 'or',
              args: [
                { kind: 'test', subject: { kind: 'path', path: path('type') }, test: { kind: 'eq', text: 'demo', num: null }, source: 'type = demo' },
                { kind: 'test', subject: { kind: 'path', path: path('source') }, test: { kind: 'in', texts: ['paid_search', 'partner'], nums: [], negated: false }, source: 'source in [paid_search, partner]' },
              ],
            },
          },
          { value: 'low', cond: { kind: 'true' } },
        ],
        canBeBlank: false,
      },
    ]);
  });

  test('pools: names, segments, members, weights, caps, calendars', () => {
    expect(ir.pools.map((p) => [p.name, p.segments, p.members.map((m) => m.name)])).toEqual([
      ['enterprise.na', ['enterprise', 'na'], ['alice', 'bob', 'carol']],
      ['enterprise.emea', ['enterprise', 'emea'], ['dieter', 'emma']],
      ['enterprise.*', ['enterprise', '*'], ['zoe']],
      ['midmarket.*', ['midmarket', '*'], ['mia', 'noah']],
      ['smb.*', ['smb', '*'], ['frank', 'gina']],
      ['payments_team', ['payments_team'], ['ivy@acme.com', 'jon@acme.com']],
    ]);
    expect(ir.pools[1].members.map((m) => m.weight)).toEqual([2, 1]);
    expect(ir.pools[0].members[0]).toEqual({ name: 'alice', weight: 1, bid: 0, cap: null, soldCap: null, calendar: null, when: null });
    expect(ir.pools[0].calendar).toBeNull();
    const smbCalendar = { tz: 'America/New_York', hours: weekdays(480, 1080), holidays: [] };
    expect(ir.pools[4].calendar).toEqual(smbCalendar);
    for (const m of ir.pools[4].members) {
      expect(m.cap).toEqual({ count: 40, per: 'day' });
      expect(m.calendar).toEqual(smbCalendar);
    }
  });

  test('rules: index, line, source, condition, targets, modifiers, escalation', () => {
    expect(ir.rules.map((r) => [r.index, r.line, r.source])).toEqual([
      [0, 41, 'when account.status = customer and account.owner is not blank route owner sla 4h'],
      [1, 42, 'when type = support route queue support'],
      [2, 43, 'when product = payments route round_robin(payments_team) or queue payments_overflow sla 10m priority high'],
      [3, 44, 'when intent = high route by segment then geo then round_robin(pool) sla 5m priority high'],
      [4, 45, 'else by segment then geo then round_robin(pool) sla 1d escalate to next, queue exceptions'],
    ]);
    const [owner, support, payments, intent, otherwise] = ir.rules;
    expect(owner.cond).toEqual({
      kind: 'and',
      args: [
        { kind: 'test', subject: { kind: 'path', path: path('account.status') }, test: { kind: 'eq', text: 'customer', num: null }, source: 'account.status = customer' },
        { kind: 'test', subject: { kind: 'path', path: path('account.owner') }, test: { kind: 'blank', negated: true }, source: 'account.owner is not blank' },
      ],
    });
    expect(owner.targets).toEqual([{ kind: 'owner', path: path('account.owner') }]);
    expect(owner.sla).toEqual({ ms: 4 * 3_600_000, text: '4h', business: false });
    expect([owner.priority, owner.tags]).toEqual(['normal', []]);
    expect(support.targets).toEqual([{ kind: 'queue', name: 'support' }]);
    expect(support.sla).toBeNull();
    expect(payments.targets).toEqual([
      { kind: 'pool', strategy: 'round_robin', pool: 5 },
      { kind: 'queue', name: 'payments_overflow' },
    ]);
    expect([payments.sla, payments.priority]).toEqual([{ ms: 600_000, text: '10m', business: false }, 'high']);
    expect(intent.cond).toEqual({ kind: 'test', subject: { kind: 'dim', dim: 2 }, test: { kind: 'eq', text: 'high', num: null }, source: 'intent = high' });
    const bySegmentGeo = { kind: 'by', strategy: 'round_robin', values: [{ kind: 'dim', dim: 0 }, { kind: 'dim', dim: 1 }], keys: ['segment', 'geo'] };
    expect(intent.targets).toEqual([bySegmentGeo]);
    expect(otherwise.cond).toEqual({ kind: 'true' });
    expect(otherwise.targets).toEqual([bySegmentGeo]);
    expect(otherwise.sla).toEqual({ ms: 86_400_000, text: '1d', business: false });
    for (const r of ir.rules) {
      expect(r.escalation).toEqual([{ kind: 'next' }, { kind: 'queue', name: 'exceptions' }]);
      expect(r.escalationText).toEqual(['next', 'queue exceptions']);
    }
  });
});

describe('literals, normalized as compiler/values.ts compares', () => {
  test('`=` and `!=`: text trimmed and lower-cased; a number keeps both forms', () => {
    expect(firstTest(lower(`${HEADER}when x = " Gold " route queue q`))).toEqual({ kind: 'eq', text: 'gold', num: null });
    expect(firstTest(lower(`${HEADER}when x != 12.50 route queue q`))).toEqual({ kind: 'ne', text: '12.5', num: 12.5 });
  });

  test('`in`: texts and numbers, a number contributing to both', () => {
    expect(firstTest(lower(`${HEADER}when x not in [1, "A ", b, 2.50, a] route queue q`))).toEqual({ kind: 'in', texts: ['1', 'a', 'b', '2.5'], nums: [1, 2.5], negated: true });
  });

  test('orderings: numbers, numeric strings, datetimes and ISO dates as instants', () => {
    expect(firstTest(lower(`${HEADER}when x < 5 route queue q`))).toEqual({ kind: 'cmp', op: '<', num: 5, time: false });
    expect(firstTest(lower(`${HEADER}fields {\n  n: number\n}\nwhen n >= "1200" route queue q`))).toEqual({ kind: 'cmp', op: '>=', num: 1200, time: false });
    expect(firstTest(lower(`${HEADER}when x > "2026-01-01" route queue q`))).toEqual({ kind: 'cmp', op: '>', num: Date.UTC(2026, 0, 1), time: true });
    const typed = lower(`${HEADER}fields {\n  at: datetime\n}\nwhen at between "2026-01-01" and "2026-01-02T12:00:00Z" route queue q`);
    expect(firstTest(typed)).toEqual({ kind: 'between', low: Date.UTC(2026, 0, 1), high: Date.UTC(2026, 0, 2, 12), time: true });
    expect(firstTest(lower(`${HEADER}when x between 200 and 999 route queue q`))).toEqual({ kind: 'between', low: 200, high: 999, time: false });
  });

  test('text operators keep a number as written; `matches` keeps its pattern as is', () => {
    expect(firstTest(lower(`${HEADER}when zip starts with 021 route queue q`))).toEqual({ kind: 'starts_with', text: '021' });
    expect(firstTest(lower(`${HEADER}when x contains " Foo" route queue q`))).toEqual({ kind: 'contains', text: 'foo' });
    expect(firstTest(lower(`${HEADER}when x ends with ".io" route queue q`))).toEqual({ kind: 'ends_with', text: '.io' });
    expect(firstTest(lower(`${HEADER}when x matches "^A[0-9]+$" route queue q`))).toEqual({ kind: 'matches', pattern: '^A[0-9]+$' });
    expect(firstTest(lower(`${HEADER}when x is blank route queue q`))).toEqual({ kind: 'blank', negated: false });
  });

  test('lowered tests hold as the language says, through compiler/values.ts', () => {
    const test = (cond: string) => prepareTest(firstTest(lower(`${HEADER}when ${cond} route queue q`)));
    expect(holds('  DEMO ', test('type = demo'))).toBe(true);
    expect(holds('1200', test('employees >= 1000'))).toBe(true);
    expect(holds(12.5, test('x in [12.50, b]'))).toBe(true);
    expect(holds('12.50', test('x in [12.50, b]'))).toBe(true);
    expect(holds('2026-03-01T00:00:00Z', test('created > "2026-01-01"'))).toBe(true);
    expect(holds(undefined, test('x != 5'))).toBe(true);
  });

  test('and/or chains are flattened, `not` kept, parentheses respected', () => {
    const cond = lower(`${HEADER}when a = 1 and b = 2 and not (c = 3 or d = 4 or e = 5) route queue q`).rules[0].cond;
    const shape = (c: CondIR): unknown => (c.kind === 'test' ? c.source : c.kind === 'not' ? ['not', shape(c.arg)] : c.kind === 'true' ? true : [c.kind, ...c.args.map(shape)]);
    expect(shape(cond)).toEqual(['and', 'a = 1', 'b = 2', ['not', ['or', 'c = 3', 'd = 4', 'e = 5']]]);
  });
});

describe('dimensions', () => {
  test('in dependency order, read as dimensions wherever their name is used', () => {
    const ir = lower(`${HEADER}dimension tier by segment {\n  top when = big\n}\ndimension segment by employees {\n  big when >= 1000\n}\nwhen tier = top route queue q\nwhen segment is blank route queue r`);
    expect(ir.dimensions.map((d) => [d.name, d.by, d.canBeBlank])).toEqual([
      ['segment', { kind: 'path', path: 0 }, true],
      ['tier', { kind: 'dim', dim: 0 }, true],
    ]);
    expect(ir.dimensions[1].arms[0].cond).toEqual({ kind: 'test', subject: { kind: 'dim', dim: 0 }, test: { kind: 'eq', text: 'big', num: null }, source: 'segment = big' });
    expect(ir.rules.map((r) => (r.cond.kind === 'test' ? r.cond.subject : null))).toEqual([{ kind: 'dim', dim: 1 }, { kind: 'dim', dim: 0 }]);
    expect(ir.paths).toEqual([['employees']]);
  });

  test('arms after one that always holds are dropped', () => {
    const ir = lower(`${HEADER}dimension d by x {\n  a otherwise\n  b when = 1\n}\nwhen d = a route queue q`);
    expect(ir.dimensions[0].arms).toEqual([{ value: 'a', cond: { kind: 'true' } }]);
  });
});

describe('pools and calendars', () => {
  test('member hours and tz over the pool ones, each on its own; pool holidays on every member', () => {
    const ir = lower(
      `${HEADER}pool p = [a, b tz "Europe/London", c hours "Sat 10:00-14:00", d hours "24/7"] hours "Mon-Fri 09:00-17:00" tz "America/New_York" holidays [2026-12-25, 2026-01-01, 2026-12-25]\nwhen x = 1 route round_robin(p)`,
    );
    const holidays = ['2026-01-01', '2026-12-25'];
    const pool = ir.pools[0];
    expect(pool.calendar).toEqual({ tz: 'America/New_York', hours: weekdays(540, 1020), holidays });
    expect(pool.members.map((m) => m.calendar)).toEqual([
      { tz: 'America/New_York', hours: weekdays(540, 1020), holidays },
      { tz: 'Europe/London', hours: weekdays(540, 1020), holidays },
      { tz: 'America/New_York', hours: [{ weekday: 6, from: 600, to: 840 }], holidays },
      { tz: 'America/New_York', hours: null, holidays },
    ]);
  });

  test('no hours, tz or holidays anywhere: no calendar; a tz alone still gives one (for cap periods)', () => {
    const ir = lower(`${HEADER}pool p = [a, b tz "Asia/Tokyo"]\nwhen x = 1 route round_robin(p)`);
    expect(ir.pools[0].calendar).toBeNull();
    expect(ir.pools[0].members.map((m) => m.calendar)).toEqual([null, { tz: 'Asia/Tokyo', hours: null, holidays: [] }]);
  });

  test('weight, bid, cap, sold_cap, when; pool names ignore case, segments are lower-cased', () => {
    const ir = lower(`${HEADER}pool Sales.EU = [a weight 3 bid 2.5 cap 10/week sold_cap 4/month when lang = de, b]\nwhen x = 1 route by_bid(sales.eu)`);
    expect(ir.pools[0].name).toBe('Sales.EU');
    expect(ir.pools[0].segments).toEqual(['sales', 'eu']);
    expect(ir.pools[0].members[0]).toEqual({
      name: 'a',
      weight: 3,
      bid: 2.5,
      cap: { count: 10, per: 'week' },
      soldCap: { count: 4, per: 'month' },
      calendar: null,
      when: { kind: 'test', subject: { kind: 'path', path: 0 }, test: { kind: 'eq', text: 'de', num: null }, source: 'lang = de' },
    });
    expect(ir.rules[0].targets).toEqual([{ kind: 'pool', strategy: 'by_bid', pool: 0 }]);
  });
});

describe('targets, modifiers, escalation text', () => {
  test('every target form as text; names that are not identifiers are quoted', () => {
    const ir = lower(
      `${HEADER}pool "EMEA overflow" = [a]\npool team = [b]\nwhen x = 1 route queue q escalate to next, rep "Bob Smith", rep bob, owner, owner(account.csm), round_robin(team), weighted("EMEA overflow"), by segment then geo.region then least_loaded(pool), queue "EMEA overflow"`,
    );
    const r = ir.rules[0];
    expect(r.escalationText).toEqual([
      'next',
      'rep "Bob Smith"',
      'rep bob',
      'owner',
      'owner(account.csm)',
      'round_robin(team)',
      'weighted("EMEA overflow")',
      'by segment then geo.region then least_loaded(pool)',
      'queue "EMEA overflow"',
    ]);
    const account = (p: string) => ir.paths.findIndex((x) => x.join('.') === p);
    expect(r.escalation).toEqual([
      { kind: 'next' },
      { kind: 'rep', name: 'Bob Smith' },
      { kind: 'rep', name: 'bob' },
      { kind: 'owner', path: account('account.owner') },
      { kind: 'owner', path: account('account.csm') },
      { kind: 'pool', strategy: 'round_robin', pool: 1 },
      { kind: 'pool', strategy: 'weighted', pool: 0 },
      { kind: 'by', strategy: 'least_loaded', values: [{ kind: 'path', path: account('segment') }, { kind: 'path', path: account('geo.region') }], keys: ['segment', 'geo.region'] },
      { kind: 'queue', name: 'EMEA overflow' },
    ]);
  });

  test('the default escalation names the fallback (quoted when needed), or `unrouted` without one', () => {
    expect(lower('policy "t"\nfallback queue "Lost leads"\nwhen x = 1 route queue q').rules[0].escalationText).toEqual(['next', 'queue "Lost leads"']);
    const bare = lower('policy "t"\nwhen x = 1 route queue q');
    expect(bare.fallback).toBe('unrouted');
    expect(bare.rules[0].escalation).toEqual([{ kind: 'next' }, { kind: 'queue', name: 'unrouted' }]);
    expect(bare.rules[0].escalationText).toEqual(['next', 'queue unrouted']);
  });

  test('sla business, priority, tags (repeated ones once)', () => {
    const r = lower(`${HEADER}when x = 1 route queue q sla 2h business priority urgent tag vip tag "key account" tag vip`).rules[0];
    expect([r.sla, r.priority, r.tags]).toEqual([{ ms: 7_200_000, text: '2h', business: true }, 'urgent', ['vip', 'key account']]);
  });

  test('nameText', () => {
    expect([nameText('bob'), nameText('ivy@acme.com'), nameText('a b'), nameText('x-1')]).toEqual(['bob', '"ivy@acme.com"', '"a b"', 'x-1']);
  });
});

// A guard against superlinear checking or lowering, in CPU time with a wide margin (about 30 ms is usual): speed itself is in `npm run bench`.
test('checking and lowering a 1,000-rule policy takes no pathological time', () => {
  const rules = Array.from({ length: 1000 }, (_, i) => `when product = p${i} and employees >= ${i} route round_robin(team) or queue q${i} sla ${i + 1}m priority high tag t${i}`).join('\n');
  const src = `${HEADER}fields {\n  product: text\n  employees: number\n}\npool team = [a, b]\n${rules}\nelse queue rest`;
  const { ast, diagnostics } = parsePolicy(src);
  expect(diagnostics).toEqual([]);
  const { seconds, result: ir } = cpuSeconds(() => {
    const { checked } = checkPolicy(ast);
    return lowerPolicy(checked as NonNullable<typeof checked>);
  });
  expect(ir.rules).toHaveLength(1001);
  expect(seconds).toBeLessThan(2);
});
