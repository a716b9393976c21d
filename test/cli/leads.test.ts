import { Readable } from 'node:stream';
import { CliError } from '../../cli/io';
import { csvColumns, csvRowToLead, leadFormatOf, readCsv, readJsonArray, readJsonLines, readLeads, type LeadRecord } from '../../cli/leads';

async function collect(batches: AsyncIterable<LeadRecord[]>): Promise<LeadRecord[]> {
  const all: LeadRecord[] = [];
  for await (const batch of batches) all.push(...batch);
  return all;
}

/** A byte stream cut into pieces of `size` bytes, so readers meet lines (and characters) split across chunks. */
function bytes(text: string, size = 1 << 16): Readable {
  const buf = Buffer.from(text, 'utf8');
  const pieces: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) pieces.push(buf.subarray(i, i + size));
  return Readable.from(pieces);
}

describe('leadFormatOf', () => {
  test.each([
    ['leads.jsonl', 'jsonl'],
    ['LEADS.NDJSON', 'jsonl'],
    ['-', 'jsonl'],
    ['export.json', 'json'],
    ['crm/export.CSV', 'csv'],
    ['leads.txt', null],
  ])('%s is %s', (file, format) => {
    expect(leadFormatOf(file)).toBe(format);
  });
});

describe('JSON Lines', () => {
  const text = ['{"email":"a@x.com"}', '{"email": "b@x.com", oops}', '', '{"email":"c@x.com"}', '42', '[1,2]', 'null', '{"email":"d@x.com"}\r'].join('\n');

  test('a bad line in the middle becomes a problem record at its line; the rest read on', async () => {
    const records = await collect(readJsonLines(bytes(text)));
    expect(records.map((r) => r.where)).toEqual(['line 1', 'line 2', 'line 4', 'line 5', 'line 6', 'line 7', 'line 8']);
    expect(records[0]).toEqual({ lead: { email: 'a@x.com' }, where: 'line 1', problem: null });
    expect(records[1].lead).toBeNull();
    expect(records[1].problem).toMatch(/^invalid JSON on line 2: /);
    expect(records[2].lead).toEqual({ email: 'c@x.com' });
    expect(records[3].problem).toBe('lead on line 5 is not a JSON object but a number');
    expect(records[4].problem).toBe('lead on line 6 is not a JSON object but an array');
    expect(records[5].problem).toBe('lead on line 7 is not a JSON object but null');
    expect(records[6].lead).toEqual({ email: 'd@x.com' });
  });

  test('gives the same records whatever the chunk size, multi-byte characters included', async () => {
    const unicode = '\ufeff{"name":"Jürgen Müller","city":"東京"}\n{"name":"Zoë"}';
    const whole = await collect(readJsonLines(bytes(unicode)));
    expect(whole.map((r) => r.lead)).toEqual([{ name: 'Jürgen Müller', city: '東京' }, { name: 'Zoë' }]);
    for (const size of [1, 2, 3, 7]) expect(await collect(readJsonLines(bytes(unicode, size)))).toEqual(whole);
    expect(await collect(readJsonLines(bytes(text, 5)))).toEqual(await collect(readJsonLines(bytes(text))));
  });

  test('a line longer than the bound is reported, not held, and the next line still reads', async () => {
    const long = `{"note":"${'x'.repeat(500)}"}`;
    const records = await collect(readJsonLines(bytes(`{"a":1}\n${long}\n{"b":2}\n${long}`, 16), 100));
    expect(records.map((r) => [r.where, r.lead, r.problem])).toEqual([
      ['line 1', { a: 1 }, null],
      ['line 2', null, 'lead on line 2 is longer than 100 characters'],
      ['line 3', { b: 2 }, null],
      ['line 4', null, 'lead on line 4 is longer than 100 characters'],
    ]);
  });

  test('__proto__ in a lead stays plain data', async () => {
    const [record] = await collect(readJsonLines(bytes('{"__proto__":{"polluted":true},"email":"a@x.com"}')));
    expect(Object.prototype.hasOwnProperty.call(record.lead, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('reads string chunks too (standard input in tests)', async () => {
    const records = await collect(readLeads(Readable.from(['{"a":', '1}\n{"a":2}\n']), 'jsonl', 'stdin'));
    expect(records.map((r) => r.lead)).toEqual([{ a: 1 }, { a: 2 }]);
  });
});

describe('JSON array', () => {
  test('elements become leads in order; a non-object element is a problem naming its index', async () => {
    const records = await collect(readJsonArray(bytes('[{"email":"a@x.com"}, "nope", {"email":"b@x.com"}]'), 'leads.json'));
    expect(records.map((r) => [r.where, r.lead, r.problem])).toEqual([
      ['index 0', { email: 'a@x.com' }, null],
      ['index 1', null, 'lead on index 1 is not a JSON object but a string'],
      ['index 2', { email: 'b@x.com' }, null],
    ]);
  });

  test('invalid JSON and a non-array are errors that name the file', async () => {
    await expect(collect(readJsonArray(bytes('[{"a":1},'), 'leads.json'))).rejects.toThrow(/^leads\.json: invalid JSON: /);
    const notArray = collect(readJsonArray(bytes('{"a":1}'), 'leads.json'));
    await expect(notArray).rejects.toThrow(CliError);
    await expect(collect(readJsonArray(bytes('{"a":1}'), 'leads.json'))).rejects.toThrow(
      'leads.json: expected a JSON array of leads, or an object with the list under records, results, data, items; found an object',
    );
  });

  test.each(['records', 'results', 'data', 'items'])('an object that wraps its leads under `%s`, as CRM exports and APIs do, is read as its list', async (key) => {
    const text = JSON.stringify({ totalSize: 2, done: true, [key]: [{ Email: 'a@x.com' }, 'not a lead'] });
    const records = (await collect(readJsonArray(bytes(text), 'export.json'))).flat();
    expect(records.map((r) => [r.where, r.lead])).toEqual([
      [`${key}[0]`, { Email: 'a@x.com' }],
      [`${key}[1]`, null],
    ]);
  });
});

describe('CSV', () => {
  const csv = [
    '\ufeffemail,first_name,company,account.status,account.owner,employees',
    'anna@bluepeak.de,Anna,"Bluepeak, GmbH",customer,tom.becker@acme.com,1200',
    '"ivy@harbor.com",Ivy,"Harbor ""Labs""\nInternational",,,51-200',
    '',
    'bob@cedar.com,Bob,Cedar,none',
    'eve@x.com,Eve,X,none,,12,extra',
  ].join('\r\n');

  test('dotted headers nest, quoted commas, quotes and new lines survive, empty cells are absent', async () => {
    const records = await collect(readCsv(bytes(csv), 'leads.csv'));
    expect(records[0]).toEqual({
      lead: { email: 'anna@bluepeak.de', first_name: 'Anna', company: 'Bluepeak, GmbH', account: { status: 'customer', owner: 'tom.becker@acme.com' }, employees: '1200' },
      where: 'line 2',
      problem: null,
    });
    expect(records[1].lead).toEqual({ email: 'ivy@harbor.com', first_name: 'Ivy', company: 'Harbor "Labs"\nInternational', employees: '51-200' });
    expect(records[1].where).toBe('line 3');
  });

  test('line numbers count multi-line cells and skipped empty lines; short rows read, long rows are problems', async () => {
    const records = await collect(readCsv(bytes(csv, 3), 'leads.csv'));
    expect(records.map((r) => r.where)).toEqual(['line 2', 'line 3', 'line 6', 'line 7']);
    expect(records[2].lead).toEqual({ email: 'bob@cedar.com', first_name: 'Bob', company: 'Cedar', account: { status: 'none' } });
    expect(records[3]).toEqual({ lead: null, where: 'line 7', problem: 'CSV row on line 7 has 7 cells, the header has 6' });
  });

  test('an unclosed quote stops the run with the file and line', async () => {
    const broken = 'email,company\na@x.com,Acme\nb@x.com,"Acme\nc@x.com,Beta\n';
    await expect(collect(readCsv(bytes(broken), 'leads.csv'))).rejects.toThrow(/^leads\.csv:\d+: cannot read CSV: /);
  });

  test('header problems name the columns', () => {
    expect(() => csvColumns(['email', 'Email ', 'email'], 'leads.csv')).toThrow("leads.csv:1: columns 1 and 3 are both named 'email'");
    expect(() => csvColumns(['account', 'account.status'], 'leads.csv')).toThrow("leads.csv:1: column 'account' holds a value, so column 'account.status' cannot nest under it");
    expect(csvColumns([' email ', '', 'a.b.c'], 'leads.csv')).toEqual([['email'], null, ['a', 'b', 'c']]);
  });

  test('only a header written as a path nests; any other header with dots is one key as written', () => {
    const columns = csvColumns(['No. of Employees', 'Street No.', 'U.S. State', 'account..status', 'account.status', 'No'], 'leads.csv');
    expect(columns).toEqual([['No. of Employees'], ['Street No.'], ['U.S. State'], ['account..status'], ['account', 'status'], ['No']]);
    expect(csvRowToLead(columns, ['5,000', '12', 'NY', 'x', 'customer', 'n'])).toEqual({
      'No. of Employees': '5,000',
      'Street No.': '12',
      'U.S. State': 'NY',
      'account..status': 'x',
      account: { status: 'customer' },
      No: 'n',
    });
  });

  test('any header is plain data: __proto__ and constructor do not reach a prototype', () => {
    const lead = csvRowToLead(csvColumns(['__proto__.polluted', 'constructor', 'x'], 'leads.csv'), ['yes', 'c', '']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(lead)).toEqual(['__proto__', 'constructor']);
    expect(JSON.parse(JSON.stringify(lead))).toEqual(JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":"c"}'));
  });

  test('a header-only file has no leads', async () => {
    expect(await collect(readCsv(bytes('email,country\n'), 'leads.csv'))).toEqual([]);
  });
});
