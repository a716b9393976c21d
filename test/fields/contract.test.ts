// LANGUAGE.md "Reading declared fields (v1.1)": every example of the section behaves as written
// there, through compilePolicy and decide() with both evaluators. The examples are taken from the
// contract's text, so an example added there fails here until its reading is written down below.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compilePolicy, type EvaluatorKind } from '../../compiler/compile';
import type { PendingDecision } from '../../compiler/decision';

const contract = readFileSync(join(__dirname, '../../docs/LANGUAGE.md'), 'utf8');
const section = contract.slice(contract.indexOf('### Reading declared fields (v1.1)'), contract.indexOf('## Conditions'));
const howRead = section.slice(section.indexOf('**How it is read.**'), section.indexOf('**When it cannot be read.**'));

/** The clause of "How it is read" about one type: from "`TYPE` takes" (or "is") to the next `;`-separated type. */
function clause(type: string): string {
  const start = howRead.search(new RegExp('`' + type + '` (takes|is|matches)'));
  if (start < 0) throw new Error(`the contract says nothing of ${type}`);
  const rest = howRead.slice(start + type.length + 2);
  const end = rest.search(/;\s+`\w+` (takes|is|matches)/);
  return end < 0 ? rest : rest.slice(0, end);
}

/** The quoted examples of a clause: `"1,200"` gives 1,200. */
const quoted = (text: string): string[] => [...text.matchAll(/`("(?:[^"\\]|\\.)*")`/g)].map((m) => JSON.parse(m[1]) as string);
/** The word pairs of a clause: `yes/no` gives yes and no. */
const pairs = (text: string): [string, string][] => [...text.matchAll(/`([^`/\s]+)\/([^`/\s]+)`/g)].map((m) => [m[1], m[2]]);

const NOW = '2026-11-23T15:00:00Z';
const EVALUATORS: EvaluatorKind[] = ['codegen', 'reference'];

/** A policy that declares the field (and the lead's country, in which phones are read) and routes to `hit` when it reads as `test`. */
function policy(field: string, type: string, test: string): string {
  return [
    'policy "reading"',
    'fields {',
    ...(field === 'country' ? [] : ['  country: country']),
    `  ${field}: ${type}`,
    '}',
    `when ${test} route queue hit`,
    'else queue miss',
    'fallback queue exceptions',
  ].join('\n');
}

function decideOne(source: string, lead: unknown, evaluator: EvaluatorKind): PendingDecision {
  return compilePolicy(source, { evaluator }).decide(lead, { now: NOW, trace: true });
}

/** What the trace says the field was read as (the read value, as text). */
function readAs(d: PendingDecision, field: string): unknown {
  const entry = d.trace?.find((t) => t.step === 'field' && t.source === field);
  return entry?.result;
}

/** The queue the decision's first option names (hit or miss). */
function queueOf(d: PendingDecision): string | null {
  const option = d.options[0];
  return option?.kind === 'queue' ? option.queue : null;
}

describe.each(EVALUATORS)('reading declared fields as LANGUAGE.md says (%s)', (evaluator) => {
  const NUMBERS: Record<string, number> = { '1,200': 1200, ' 1 200 ': 1200, '$1.2M': 1_200_000, '10k': 10_000, '51-200': 51 };
  test('number: the contract lists these examples', () => expect(quoted(clause('number'))).toEqual(Object.keys(NUMBERS)));
  test.each(Object.entries(NUMBERS))('number %j reads as %d', (raw, value) => {
    const d = decideOne(policy('employees', 'number', `employees = ${value}`), { employees: raw }, evaluator);
    expect(queueOf(d)).toBe('hit');
    expect(readAs(d, 'employees')).toBe(String(value));
    expect(d.warnings).toEqual([]);
  });
  test('"51-200" reads as 51, the lower bound: not 200 and not the middle', () => {
    const d = decideOne(policy('employees', 'number', 'employees < 52'), { employees: '51-200' }, evaluator);
    expect(queueOf(d)).toBe('hit');
  });

  const COUNTRIES: Record<string, string> = { 'United States': 'US', 'U.K.': 'GB', Deutschland: 'DE', usa: 'US' };
  test('country: the contract lists these examples', () => expect(quoted(clause('country'))).toEqual(Object.keys(COUNTRIES)));
  test.each([...Object.entries(COUNTRIES), ['US', 'US'], ['USA', 'US'], ['GBR', 'GB'], ['de', 'DE']])('country %j reads as %s', (raw, code) => {
    const d = decideOne(policy('country', 'country', `country = ${code}`), { country: raw }, evaluator);
    expect(queueOf(d)).toBe('hit');
    expect(readAs(d, 'country')).toBe(code);
    expect(d.warnings).toEqual([]);
  });

  test('email: trimmed, with its domain lower-cased (the local part keeps its case)', () => {
    const d = decideOne(policy('email', 'email', 'email ends with "@bigco.com"'), { email: '  Kim.Lee@BigCo.COM \t' }, evaluator);
    expect(queueOf(d)).toBe('hit');
    expect(readAs(d, 'email')).toBe('Kim.Lee@bigco.com');
  });

  test.each([
    ['(415) 555-2671', 'United States', '+14155552671'],
    ['020 7946 0018', 'U.K.', '+442079460018'],
    ['+49 30 901820', 'usa', '+4930901820'],
  ])('phone %j in %j reads as E.164 %s', (raw, country, e164) => {
    const d = decideOne(policy('phone', 'phone', `phone = "${e164}"`), { phone: raw, country }, evaluator);
    expect(queueOf(d)).toBe('hit');
    expect(readAs(d, 'phone')).toBe(e164);
    expect(d.warnings).toEqual([]);
  });

  const BOOLEANS = pairs(clause('boolean'));
  test('boolean: the contract lists true/false, yes/no, y/n, 1/0, on/off', () =>
    expect(BOOLEANS).toEqual([
      ['true', 'false'],
      ['yes', 'no'],
      ['y', 'n'],
      ['1', '0'],
      ['on', 'off'],
    ]));
  test.each(BOOLEANS.flatMap(([yes, no]) => [[yes, true] as const, [no, false] as const, [` ${yes.toUpperCase()} `, true] as const]))('boolean %j reads as %s', (raw, value) => {
    const d = decideOne(policy('opted_in', 'boolean', `opted_in = ${value}`), { opted_in: raw }, evaluator);
    expect(queueOf(d)).toBe('hit');
    expect(d.warnings).toEqual([]);
  });

  // Each spelling is 2021-04-15 00:03 UTC: the export formats carry no zone and are read as UTC.
  const DATETIMES = ['15 Apr, 2021 00:03:00', '2021-04-15T00:03:00.000+0000', '04/15/2021 12:03 AM'];
  test('datetime: the contract lists these export formats', () => expect(quoted(clause('datetime'))).toEqual(DATETIMES));
  test.each([...DATETIMES, '2021-04-15T00:03:00Z', '2021-04-15T02:03:00+02:00'])('datetime %j reads as 2021-04-15T00:03:00Z', (raw) => {
    const d = decideOne(policy('created', 'datetime', 'created between "2021-04-15T00:03:00Z" and "2021-04-15T00:03:00Z"'), { created: raw }, evaluator);
    expect(queueOf(d)).toBe('hit');
    expect(readAs(d, 'created')).toBe('2021-04-15T00:03:00.000Z');
  });

  test.each(['Content Download', 'content-download', 'CONTENT_DOWNLOAD', ' content download ', 'content_download'])('enum %j matches content_download (case, spaces, - and _ ignored)', (raw) => {
    const d = decideOne(policy('type', 'enum(demo, contact, content_download, support)', 'type = content_download'), { type: raw }, evaluator);
    expect(queueOf(d)).toBe('hit');
    expect(readAs(d, 'type')).toBe('content_download');
    expect(d.warnings).toEqual([]);
  });

  test('text is unchanged', () => {
    const d = decideOne(policy('source', 'text', 'source = "Paid Search"'), { source: 'Paid Search' }, evaluator);
    expect(queueOf(d)).toBe('hit');
    expect(readAs(d, 'source')).toBe('Paid Search');
  });

  test('"Where it is read from": the path first, then each from name in order; the first that is not blank', () => {
    const source = policy('employees', 'number from "NumberOfEmployees", "No. of Employees"', 'employees >= 1000');
    const cases: [Record<string, unknown>, string | null][] = [
      [{ employees: '5,000', NumberOfEmployees: '10', 'No. of Employees': '20' }, '5000'],
      [{ employees: ' ', NumberOfEmployees: '5,000', 'No. of Employees': '20' }, '5000'],
      [{ NumberOfEmployees: '', 'No. of Employees': '1.2k' }, '1200'],
      [{ NumberOfEmployees: 'n/a' }, null],
    ];
    for (const [lead, read] of cases) {
      const d = decideOne(source, lead, evaluator);
      expect(readAs(d, 'employees')).toBe(read);
      expect(queueOf(d)).toBe(read === null ? 'miss' : 'hit');
    }
    const contractExample = decideOne(policy('country', 'country from "Country/Region"', 'country = US'), { 'Country/Region': 'United States' }, evaluator);
    expect(queueOf(contractExample)).toBe('hit');
    const email = decideOne(policy('email', 'email from "Email", "Email 1"', 'email is not blank'), { 'Email 1': 'a@B.com' }, evaluator);
    expect(readAs(email, 'email')).toBe('a@b.com');
  });

  test('"When it cannot be read": blank for the rules, and the warning of "The decision"', () => {
    const d = decideOne(policy('employees', 'number', 'employees is blank'), { employees: 'lots' }, evaluator);
    expect(queueOf(d)).toBe('hit');
    const example = contract.match(/`(\{ "field": "employees", "value": "lots", "problem": "not a number" \})`/);
    expect(example).not.toBeNull();
    expect(d.warnings).toEqual([JSON.parse(example![1])]);
  });

  test('unreadable values of every type are blank and warned, never half read', () => {
    const cases: [string, string, unknown][] = [
      ['employees', 'number', 'lots'],
      ['country', 'country', 'Atlantis'],
      ['email', 'email', 'kim at bigco'],
      ['opted_in', 'boolean', 'maybe'],
      ['created', 'datetime', 'last Tuesday'],
      ['type', 'enum(demo, contact)', 'webinar'],
    ];
    for (const [field, type, raw] of cases) {
      const d = decideOne(policy(field, type, `${field} is blank`), { [field]: raw }, evaluator);
      expect(queueOf(d)).toBe('hit');
      expect(d.warnings).toEqual([{ field, value: raw, problem: expect.any(String) }]);
    }
  });

  test('paths that are not declared are read as in v1: without a fields block nothing is read as a type', () => {
    const v1 = 'policy "v1"\nwhen employees >= 1000 route queue hit\nelse queue miss\nfallback queue exceptions';
    const cases: [unknown, string][] = [
      [1200, 'hit'],
      [' 1200 ', 'hit'],
      ['1,200', 'miss'],
      ['$1.2M', 'miss'],
    ];
    for (const [employees, queue] of cases) {
      const d = decideOne(v1, { employees }, evaluator);
      expect(queueOf(d)).toBe(queue);
      expect(d.warnings).toEqual([]);
      expect(d.trace?.some((t) => t.step === 'field')).toBe(false);
    }
  });
});

describe.each(EVALUATORS)('declared fields named like prototype keys stay plain data (%s)', (evaluator) => {
  test('`__proto__`, `constructor` and `prototype` fields are read, routed on, and reach no prototype', () => {
    const source = [
      'policy "keys"',
      'fields {',
      '  __proto__: text',
      '  constructor.prototype: number',
      '  account.__proto__.polluted: text',
      '}',
      'when __proto__ = evil and constructor.prototype >= 1000 and account.__proto__.polluted = yes route queue hit',
      'else queue miss',
      'fallback queue exceptions',
    ].join('\n');
    const lead = JSON.parse('{"__proto__": "evil", "constructor": {"prototype": "1,200"}, "account": {"__proto__": {"polluted": "yes"}}}') as unknown;
    const d = decideOne(source, lead, evaluator);
    expect(queueOf(d)).toBe('hit');
    expect(readAs(d, 'constructor.prototype')).toBe('1200');
    // Inherited properties are no values: a lead without these keys reads them as blank.
    expect(queueOf(decideOne(source, {}, evaluator))).toBe('miss');
    const probe: Record<string, unknown> = {};
    expect([probe.polluted, Object.getPrototypeOf(probe), typeof probe.constructor]).toEqual([undefined, Object.prototype, 'function']);
  });
});
