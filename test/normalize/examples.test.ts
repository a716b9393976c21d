// examples/leads.csv through examples/acme-inbound.route, raw and after Normalize Lead. The policy
// declares its fields, so decide() reads the raw leads' dirty values as Normalize Lead does: both
// runs route every lead alike. Each run routes at the same instant with a fresh in-memory store,
// as `leadroute route --now` does.

import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLeads, type Lead } from '../../cli/leads';
import { compilePolicy } from '../../compiler/compile';
import type { Decision } from '../../compiler/decision';
import { recordAssignee } from '../../normalize/duplicates';
import { createNormalizer, flagDuplicate } from '../../normalize/normalize';
import { assign, MemoryStore } from '../../state';

const ROOT = join(__dirname, '../..');
const NOW = '2026-11-23T15:00:00Z';

async function csvLeads(): Promise<Lead[]> {
  const leads: Lead[] = [];
  for await (const batch of readLeads(createReadStream(join(ROOT, 'examples/leads.csv')), 'csv', 'leads.csv')) {
    for (const record of batch) leads.push(record.lead as Lead);
  }
  return leads;
}

function exceptionReasons(decisions: Decision[]): Map<string, number> {
  const reasons = new Map<string, number>();
  for (const d of decisions) if (d.status === 'exception') reasons.set(d.reason ?? '', (reasons.get(d.reason ?? '') ?? 0) + 1);
  return reasons;
}

test('examples/leads.csv: routed raw or after Normalize Lead, every lead gets the same decision', async () => {
  const source = readFileSync(join(ROOT, 'examples/acme-inbound.route'), 'utf8');
  const policy = compilePolicy(source);
  const leads = await csvLeads();
  expect(leads).toHaveLength(600);

  const rawStore = new MemoryStore({ strict: true });
  const raw: Decision[] = [];
  for (const lead of leads) raw.push(await assign(policy.decide(lead, { now: NOW }), rawStore));

  const store = new MemoryStore({ strict: true });
  const normalizer = createNormalizer({ policy: source });
  const duplicates = { store, scope: 'examples', now: NOW };
  const cleaned: Decision[] = [];
  for (const lead of leads) {
    const result = await flagDuplicate(normalizer.normalize(lead), duplicates);
    const decision = await assign(policy.decide(result.lead, { now: NOW }), store);
    if (decision.assignee !== null) await recordAssignee(result.lead, decision.assignee, duplicates);
    cleaned.push(decision);
  }
  const outcome = (d: Decision) => [d.status, d.assignee, d.queue, d.pool, d.path, d.rule?.index ?? null, d.reason];
  expect(raw.map(outcome)).toEqual(cleaned.map(outcome));
  // Not a trivial agreement: the raw file holds values the rules could not compare as written.
  const dirty = leads.filter((l) => (typeof l.employees === 'string' && !/^\s*\d+\s*$/.test(l.employees)) || (typeof l.country === 'string' && !/^[A-Z]{2}$/.test(l.country)));
  expect(dirty.length).toBeGreaterThan(40);
  expect(new Set(raw.map((d) => d.status))).toEqual(new Set(['assigned', 'queued', 'exception']));
  expect(exceptionReasons(raw).size).toBeGreaterThan(0);
});
