// Issue 13's first leak, closed: a demo request from a US company as a form writes it
// ("5,000" employees, "United States") routes to enterprise.na under the contract policy
// (LANGUAGE.md "A whole policy", examples/acme-inbound.route), through the CLI and through the
// Route node inside n8n's engine, with no Normalize Lead before it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';
import type { Decision } from '../../compiler/decision';
import { runCli, scratchFolder } from '../cli/run-cli';
import { INPUT, ROUTE, runWorkflow } from '../nodes/harness';

const POLICY = join(__dirname, '../../examples/acme-inbound.route');
const NOW = '2026-11-23T15:00:00.000Z';
const DEMO = { email: 'kim@bigco.com', employees: '5,000', country: 'United States', type: 'demo' };
/** What the contract's decision says of this lead: the intent = high rule, enterprise.na, the first of its members. */
const EXPECTED = { status: 'assigned', assignee: 'alice', pool: 'enterprise.na', path: { segment: 'enterprise', geo: 'na' }, rule: { index: 3 }, warnings: [] };

const scratch = scratchFolder('leadroute-demo-');

/** A form feeding the Route node with the contract policy; no Normalize Lead. */
const spec = {
  nodes: [
    { name: 'Form', type: INPUT },
    { name: 'Route', type: ROUTE, parameters: { policy: readFileSync(POLICY, 'utf8'), stateStore: 'memory', routingTime: NOW } },
  ],
  links: [{ from: 'Form', to: 'Route' }],
};

describe('the demo request {"employees":"5,000","country":"United States","type":"demo"}', () => {
  test('leadroute route sends it to enterprise.na, and leaves the lead as it came', async () => {
    const r = await runCli(['route', POLICY, scratch.file('demo.json', JSON.stringify([DEMO])), '--now', NOW]);
    expect(r.code).toBe(0);
    const line = JSON.parse(r.stdout) as IDataObject & { routing: Decision };
    expect(line.routing).toMatchObject(EXPECTED);
    expect(line).toMatchObject(DEMO);
  });

  test('leadroute explain tells how employees and country were read', async () => {
    const r = await runCli(['explain', POLICY, '-', '--now', NOW], JSON.stringify(DEMO));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('employees "5,000" read as 5000 (number)');
    expect(r.stdout).toContain('country "United States" read as "US" (country)');
    expect(r.stdout).toMatch(/Decision: assigned to alice from pool enterprise\.na \(segment=enterprise, geo=na\) by rule 3/);
  });

  test('the Route node sends it out of Assigned to enterprise.na, without Normalize Lead', async () => {
    const run = await runWorkflow(spec, { node: 'Form', items: [DEMO] });
    expect(run.status).toBe('success');
    const [assigned, queued, exception] = run.outputs('Route');
    expect([assigned.length, queued.length, exception.length]).toEqual([1, 0, 0]);
    expect(assigned[0].json.routing).toMatchObject(EXPECTED);
    expect(assigned[0].json).toMatchObject(DEMO);
  });

  test('the same lead with "lots" of employees: the Route node carries the warning, and the lead falls to smb (a different person: no sticky owner)', async () => {
    const run = await runWorkflow(spec, { node: 'Form', items: [{ ...DEMO, email: 'lee@bigco.com', employees: 'lots' }] });
    const routing = run.json('Route', 0)[0].routing as Decision;
    expect(routing).toMatchObject({ pool: 'smb.*', path: { segment: 'smb', geo: 'na' }, warnings: [{ field: 'employees', value: 'lots', problem: 'not a number' }] });
  });
});
