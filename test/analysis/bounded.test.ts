// Figures stay bounded on any export: past MAX_KEYS distinct owners (or moves), the rest share
// one (others) row and the figures say which tables were cut; the state of a run holds no item per lead.
import { auditExport } from '../../analysis/audit';
import { BoundedTable, MAX_KEYS, OTHERS } from '../../analysis/records';
import { compilePolicy } from '../../compiler/compile';
import { routeMany } from '../../routing/route';
import { MemoryStore } from '../../state/memory';

test('a table keeps its first keys and counts the rest in one row', () => {
  const table = new BoundedTable(() => ({ name: OTHERS, n: 0 }), 2);
  for (const key of ['a', 'b', 'a', 'c', 'd']) table.row(key, () => ({ name: key, n: 0 })).n++;
  expect([...table.rows.values()]).toEqual([
    { name: 'a', n: 2 },
    { name: 'b', n: 1 },
    { name: OTHERS, n: 2 },
  ]);
  expect(table.cut).toBe(true);
});

test('an export with more distinct owners than a run keeps is cut, and says so', async () => {
  const policy = compilePolicy('policy "q"\nelse queue inbox\nfallback queue exceptions\n');
  const leads = Array.from({ length: MAX_KEYS + 2 }, (_, i) => ({ lead: { owner: `rep ${i}` }, where: `line ${i + 1}`, problem: null }));
  const figures = await auditExport(policy, [leads], { owner: 'owner', outcomes: [], now: '2026-11-23T15:00:00Z' });
  expect(figures.agreement).toEqual({ same: 0, different: MAX_KEYS + 2, no_owner: 0 });
  expect(Object.keys(figures.by_owner)).toHaveLength(MAX_KEYS + 1);
  expect(figures.by_owner[OTHERS]).toMatchObject({ leads: 2 });
  expect(figures.moves).toHaveLength(MAX_KEYS + 1);
  expect(figures.cut).toEqual(['by_owner', 'moves']);
});

test("a run's store, without a ledger, keeps the routing state but no open queue item per queued lead", async () => {
  const policy = compilePolicy('policy "q"\npool team = [ann, bo]\nwhen kind = hot route round_robin(team)\nelse queue inbox\nfallback queue exceptions\n');
  const leads = [{ kind: 'hot' }, { kind: 'cold' }, { kind: 'cold' }, { kind: 'hot' }];
  const run = new MemoryStore({ ledger: false });
  const plain = new MemoryStore();
  for (const store of [run, plain]) await routeMany(policy, leads, { store, now: '2026-11-23T15:00:00Z' });
  expect((await plain.list('open:')).size).toBe(2);
  expect((await run.list('open:')).size).toBe(0);
  expect(await run.list('rr:')).toEqual(await plain.list('rr:'));
  expect((await run.list('rr:')).size).toBe(1);
});
