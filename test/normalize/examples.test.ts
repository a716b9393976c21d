// examples/leads.csv through examples/acme-inbound.route, raw and after normalization: fewer
// leads may reach the exception queue after (the acceptance test). Both runs route every
// lead at the same instant with a fresh in-memory store, as `leadroute route --now` does.

import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLeads, type Lead } from '../../cli/leads';
import { compilePolicy } from '../../compiler/compile';
import type { Decision } from '../../compiler/decision';
import { recordAssignee } from '../../normalize/duplicates';
import { createNormalizer, flagDuplicate, type NormalizeResult } from '../../normalize/normalize';
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

const count = (decisions: Decision[]) => decisions.filter((d) => d.status === 'exception').length;

test('examples/leads.csv: normalization lowers the number of leads sent to the exception queue', async () => {
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
  const results: NormalizeResult[] = [];
  const cleaned: Decision[] = [];
  for (const lead of leads) {
    const result = await flagDuplicate(normalizer.normalize(lead), duplicates);
    results.push(result);
    const decision = await assign(policy.decide(result.lead, { now: NOW }), store);
    if (decision.assignee !== null) await recordAssignee(result.lead, decision.assignee, duplicates);
    cleaned.push(decision);
  }
  const review = results.filter((r) => r.status === 'review').length;
  const cleanOnly = cleaned.filter((_, i) => results[i].status === 'clean');
  console.log(
    [
      `raw: ${count(raw)} of ${leads.length} leads to the exception queue ${JSON.stringify([...exceptionReasons(raw)])}`,
      `normalized: ${count(cleaned)} of ${leads.length} ${JSON.stringify([...exceptionReasons(cleaned)])}`,
      `normalized, clean leads only: ${count(cleanOnly)} of ${cleanOnly.length}; ${review} sent to review`,
      `leads whose segment or geo differs after normalization: ${cleaned.filter((d, i) => JSON.stringify(d.path) !== JSON.stringify(raw[i].path)).length}`,
    ].join('\n'),
  );
  expect(count(cleaned)).toBeLessThan(count(raw));
  // Every lead still gets a decision, and nothing is lost on the way.
  expect(cleaned).toHaveLength(leads.length);
});
