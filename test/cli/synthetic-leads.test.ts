import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CSV_COLUMNS, generateLeads, leadToCsvRow } from '../../bench/leads';

test('the same seed gives the same leads; another seed gives others', () => {
  const a = [...generateLeads(200, { seed: 42 })];
  expect([...generateLeads(200, { seed: 42 })]).toEqual(a);
  expect([...generateLeads(200, { seed: 43 })]).not.toEqual(a);
});

test('leads carry the dirt the examples promise', () => {
  const leads = [...generateLeads(2000, { seed: 1 })];
  const countries = new Set(leads.map((l) => l.country));
  expect(countries.has('')).toBe(true);
  expect([...countries].some((c) => c.length > 3)).toBe(true); // spelled out: "United States", "Deutschland"
  expect(leads.some((l) => typeof l.employees === 'string' && /^\d+-\d+$/.test(l.employees))).toBe(true);
  expect(leads.some((l) => l.type !== l.type.trim() || (l.type !== l.type.toLowerCase() && l.type.trim() !== ''))).toBe(true);
  expect(leads.some((l) => l.account.status === 'customer' && l.account.owner !== '')).toBe(true);
  expect(leads.some((l) => l.account.status === 'customer' && l.account.owner === '')).toBe(true);
  expect(leads.some((l) => l.type === 'support')).toBe(true);
  expect(leads.some((l) => l.product === 'payments')).toBe(true);
  expect(new Set(leads.map((l) => l.email)).size).toBeLessThan(leads.length); // duplicates, for sticky
});

test('examples/leads.csv is the generator output for its fixed seed (npm run examples:leads)', () => {
  const file = readFileSync(join(__dirname, '../../examples/leads.csv'), 'utf8');
  const expected = [CSV_COLUMNS.join(','), ...[...generateLeads(600, { seed: 20261123 })].map(leadToCsvRow)].join('\n');
  expect(file).toBe(`${expected}\n`);
});
