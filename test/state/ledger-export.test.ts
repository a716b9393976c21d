// The ledger as JSON Lines and CSV (state/ledger-export.ts): every entry once, in the order
// written, times as ISO 8601 UTC, CSV cells quoted where they must be and formulas made inert.

import { compilePolicy } from '../../compiler/compile';
import { route } from '../../routing/route';
import { csvCell, LEDGER_CSV_COLUMNS, ledgerLines, MemoryStore, recordOutcome, takeFromQueue, type LedgerFormat, type StateJson, type StateStore } from '../../state';
import { HOUR, MINUTE, T0 } from './helpers';

const POLICY = compilePolicy(`policy exported
pool team = [alice, bob]
when type = support route queue support
else round_robin(team) sla 15m
fallback queue exceptions
`);

async function lines(store: StateStore, format: LedgerFormat, query = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const line of ledgerLines(store, query, format)) out.push(line);
  return out;
}

/** A store with two decisions, a take and two outcomes (one whose text and data would trip a spreadsheet). */
async function filled(): Promise<{ store: MemoryStore; ids: [string, string] }> {
  const store = new MemoryStore();
  const sold = await route(POLICY, { email: 'Ann@X.com', type: 'demo' }, { store, now: T0 });
  const queued = await route(POLICY, { email: 'bo@y.com', type: 'support' }, { store, now: T0 + MINUTE });
  await takeFromQueue(store, 'bo@y.com', 'carol', T0 + 10 * MINUTE);
  await recordOutcome(store, { lead: sold.id, event: 'won', at: T0 + HOUR, by: '=cmd|calc', value: -1250.5, data: JSON.parse('{"note":"a \\"quoted\\", comma\\nline","__proto__":"plain"}') as StateJson });
  return { store, ids: [sold.id, queued.id] };
}

describe('JSON Lines', () => {
  test('one object per entry in the order written, times as ISO 8601 UTC, filtered like readLedger', async () => {
    const { store, ids } = await filled();
    const all = (await lines(store, 'jsonl')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(all.map((e) => [e.type, e.id, e.at])).toEqual([
      ['decision', ids[0], '2026-11-23T15:00:00.000Z'],
      ['decision', ids[1], '2026-11-23T15:01:00.000Z'],
      ['taken', ids[1], '2026-11-23T15:10:00.000Z'],
      ['won', ids[0], '2026-11-23T16:00:00.000Z'],
    ]);
    expect(all[0]).toMatchObject({ key: 'ann@x.com', status: 'assigned', assignee: 'alice', pool: 'team', due: '2026-11-23T15:15:00.000Z', policy: 'exported', hash: POLICY.hash });
    // `__proto__` in the data is kept as plain data.
    expect(Object.keys(all[3].data as object)).toEqual(['note', '__proto__']);
    expect((await lines(store, 'jsonl', { since: T0 + MINUTE, until: T0 + HOUR })).map((l) => (JSON.parse(l) as { type: string }).type)).toEqual(['decision', 'taken']);
  });
});

describe('CSV', () => {
  test('a header, then one record per entry with every column in place', async () => {
    const { store, ids } = await filled();
    const out = await lines(store, 'csv');
    expect(out[0]).toBe(`${LEDGER_CSV_COLUMNS.join(',')}\r\n`);
    expect(out).toHaveLength(5);
    expect(out.every((l) => l.endsWith('\r\n'))).toBe(true);
    const decision = out[1].trimEnd().split(',');
    const cell = (name: (typeof LEDGER_CSV_COLUMNS)[number]) => decision[LEDGER_CSV_COLUMNS.indexOf(name)];
    expect([cell('type'), cell('id'), cell('key'), cell('at'), cell('assignee'), cell('status'), cell('pool'), cell('rule_line'), cell('due'), cell('by'), cell('value')]).toEqual([
      'decision',
      ids[0],
      'ann@x.com',
      '2026-11-23T15:00:00.000Z',
      'alice',
      'assigned',
      'team',
      '4',
      '2026-11-23T15:15:00.000Z',
      '',
      '',
    ]);
    expect(out[3]).toBe(`taken,${ids[1]},bo@y.com,2026-11-23T15:10:00.000Z,exported,carol,,,,,,,,,,,carol,,"{""queue"":""support"",""waited_ms"":540000}"\r\n`);
  });

  test('quotes what holds a comma, a quote or a line break; text a spreadsheet would run is inert; numbers stay numbers', async () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(-1250.5)).toBe('-1250.5');
    for (const formula of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(csvCell(formula).replace(/^"/, '')).toMatch(/^'/);
    const { store } = await filled();
    const won = (await lines(store, 'csv'))[4];
    expect(won).toContain(",'=cmd|calc,-1250.5,");
    expect(won).toContain('"{""note"":""a \\""quoted\\"", comma\\nline"",""__proto__"":""plain""}"');
  });
});
