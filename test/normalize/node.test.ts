// The Normalize Lead node inside n8n's engine (test/nodes/harness.ts): the whole corpus in one
// execution, accounts on the second input. Every lead leaves by exactly one output, paired with
// its input, with the values and review reasons the corpus expects; nothing fails.

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NormalizeLead } from '../../nodes/NormalizeLead/NormalizeLead.node';
import type { Problem } from '../../fields/text';
import { INPUT, PACKAGE, runWorkflow, type WorkflowSpec } from '../nodes/harness';
import { corpusFailures, corpusSetup, loadCorpus } from './corpus/load';

const NORMALIZE = `${PACKAGE}.normalizeLead`;
const cases = loadCorpus();
const setup = corpusSetup();

function workflow(parameters: IDataObject): WorkflowSpec {
  return {
    nodes: [
      { name: 'Leads', type: INPUT },
      { name: 'CRM Accounts', type: INPUT },
      { name: 'Normalize Lead', type: NORMALIZE, parameters: { stateStore: 'memory', ...parameters } },
    ],
    links: [
      { from: 'Leads', to: 'Normalize Lead' },
      { from: 'CRM Accounts', to: 'Normalize Lead', input: 1 },
    ],
    types: { [NORMALIZE]: new NormalizeLead() },
  };
}

const corpusParameters: IDataObject = {
  policy: setup.policy,
  synonyms: JSON.stringify(setup.synonyms),
  options: { fieldTypes: JSON.stringify(setup.fields), duplicateScope: 'node-corpus' },
};

type Report = { status: string; problems: Problem[]; warnings: Problem[] };

describe('Normalize Lead node', () => {
  test('runs the corpus in n8n: each lead out of exactly one output, with its expected values and reasons', async () => {
    const run = await runWorkflow(workflow(corpusParameters), [
      { node: 'Leads', items: cases.map((c) => c.lead as IDataObject) },
      { node: 'CRM Accounts', items: setup.accounts as IDataObject[] },
    ]);
    expect(run.error).toBeUndefined();
    expect(run.status).toBe('success');
    const [clean, review] = run.outputs('Normalize Lead');
    expect(clean.length + review.length).toBe(cases.length);

    const seen = new Map<number, { item: INodeExecutionData; output: number }>();
    for (const [output, items] of [clean, review].entries()) {
      for (const item of items) {
        const index = (item.pairedItem as { item: number }).item;
        expect(seen.has(index)).toBe(false);
        seen.set(index, { item, output });
      }
    }
    expect(seen.size).toBe(cases.length);

    const failures: string[] = [];
    for (const [i, c] of cases.entries()) {
      const { item, output } = seen.get(i) as { item: INodeExecutionData; output: number };
      const report = item.json.normalization as Report;
      if (report.status !== (output === 0 ? 'clean' : 'review')) failures.push(`${c.id}: status ${report.status} came out of output ${output}`);
      const lead = { ...item.json };
      delete lead.normalization;
      failures.push(...corpusFailures(c, { lead, status: report.status, problems: report.problems, warnings: report.warnings }).map((f) => `${c.id}: ${f}`));
    }
    expect(failures).toEqual([]);
    expect(review.length).toBeGreaterThanOrEqual(60);
  }, 60_000);

  test('runs without the accounts input; the Accounts parameter is read instead', async () => {
    const spec = workflow({ accounts: JSON.stringify({ records: [{ Id: 'SF-1', Name: 'Globex', Website: 'globex.com', Type: 'Customer', OwnerId: 'U-7' }] }), checkDuplicates: false });
    spec.links = spec.links.slice(0, 1);
    const run = await runWorkflow(spec, { node: 'Leads', items: [{ email: 'Hank@GLOBEX.com', country: 'USA' }] });
    const [clean, review] = run.outputs('Normalize Lead');
    expect(review).toEqual([]);
    expect(clean.map((i) => i.json)).toEqual([
      {
        email: 'Hank@globex.com',
        country: 'US',
        email_domain: 'globex.com',
        email_freemail: false,
        account: { id: 'SF-1', status: 'Customer', owner: 'U-7', match: 'email_domain' },
        original: { email: 'Hank@GLOBEX.com', country: 'USA' },
        normalization: { status: 'clean', problems: [], warnings: [] },
      },
    ]);
  });

  test('a mistake in the parameters fails the node with what to fix', async () => {
    const bad = await runWorkflow(workflow({ policy: 'fields {\n  country: contry\n}', checkDuplicates: false }), { node: 'Leads', items: [{ country: 'DE' }] });
    expect(bad.status).toBe('error');
    expect(bad.nodeError('Normalize Lead')?.message).toMatch(/^The routing policy has 1 error: line 2, column 12: unknown type `contry`/);
    const json = await runWorkflow(workflow({ synonyms: '{"source": ', checkDuplicates: false }), { node: 'Leads', items: [{ country: 'DE' }] });
    expect(json.nodeError('Normalize Lead')?.message).toMatch(/^synonyms is not valid JSON/);
  });

  test('duplicates: the second fill of the same email in the workflow is flagged, and goes to review when asked', async () => {
    const leads = [{ email: 'same@initech.com' }, { email: ' SAME@initech.com ' }];
    const flagged = await runWorkflow(workflow({ options: { duplicateScope: 'node-dup-1' } }), { node: 'Leads', items: leads });
    expect(flagged.json('Normalize Lead', 0).map((j) => j.duplicate === undefined)).toEqual([true, false]);
    const reviewed = await runWorkflow(workflow({ options: { duplicateScope: 'node-dup-2', reviewDuplicates: true } }), { node: 'Leads', items: leads });
    const [clean, review] = reviewed.outputs('Normalize Lead');
    expect([clean.length, review.length]).toEqual([1, 1]);
    expect((review[0].json.normalization as Report).problems.map((p) => p.problem)).toEqual(['duplicate']);
  });
});
