// The example workflows of examples/workflows, as they are: their pack nodes use parameters the
// nodes have, their policies compile, and they run through n8n's engine (with small stand-ins
// for the n8n-nodes-base nodes around the pack: webhook, Set, Respond to Webhook, No-op). The
// real n8n runs them end to end in e2e/.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  NodeConnectionTypes,
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeParameters,
  type INodeType,
  type INodeTypeDescription,
  type IWorkflowBase,
} from 'n8n-workflow';
import { compilePolicy } from '../../compiler/compile';
import { PACK_TYPES, PACKAGE, resumeAtDeadline, resumeByWebhook, runWorkflow, type HarnessRun, type WorkflowSpec } from './harness';

const EXAMPLES = join(__dirname, '..', '..', 'examples', 'workflows');
const load = (file: string): IWorkflowBase => JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')) as IWorkflowBase;
const packageJson = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { name: string; n8n: { nodes: string[] } };

/**
 * A stand-in node of n8n-nodes-base: passes items on, or (Set) builds them as the real Set node's
 * raw and manual modes do. n8n calls execute() with the node's context as `this`, so the node's
 * type, not the instance, says which it is.
 */
class StandIn implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Stand-in',
    name: 'standIn',
    group: ['transform'],
    version: [1, 2.1, 3.4, 1.5],
    description: 'Test stand-in',
    defaults: { name: 'Stand-in' },
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    // The parameters the examples give these nodes: n8n keeps only parameters a node type declares.
    properties: [
      ...['httpMethod', 'path', 'responseMode', 'respondWith', 'responseBody', 'mode', 'jsonOutput', 'content', 'color'].map((name) => ({ displayName: name, name, type: 'string' as const, default: '' })),
      ...['height', 'width'].map((name) => ({ displayName: name, name, type: 'number' as const, default: 0 })),
      { displayName: 'Include Other Fields', name: 'includeOtherFields', type: 'boolean', default: false },
      { displayName: 'Fields to Set', name: 'assignments', type: 'assignmentCollection', default: {} },
      { displayName: 'Options', name: 'options', type: 'collection', default: {}, options: [] },
    ],
  };


  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const node = this.getNode();
    const out = items.map((item, i): INodeExecutionData => {
      if (node.type !== 'n8n-nodes-base.set') return { json: item.json, pairedItem: { item: i } };
      if (node.parameters.mode === 'raw') return { json: JSON.parse(this.getNodeParameter('jsonOutput', i) as string) as IDataObject, pairedItem: { item: i } };
      const json: IDataObject = node.parameters.includeOtherFields === true ? { ...item.json } : {};
      for (const a of (this.getNodeParameter('assignments', i) as { assignments: { name: string; value: unknown }[] }).assignments) json[a.name] = a.value as IDataObject[string];
      return { json, pairedItem: { item: i } };
    });
    return [out];
  }
}

const STAND_INS: Record<string, INodeType> = Object.fromEntries(
  ['webhook', 'set', 'respondToWebhook', 'noOp', 'stickyNote'].map((name) => [`n8n-nodes-base.${name}`, new StandIn()]),
);

/** The workflow as the harness runs it: its nodes and connections unchanged. */
function asSpec(workflow: IWorkflowBase): WorkflowSpec {
  const links = Object.entries(workflow.connections).flatMap(([from, byType]) =>
    (byType.main ?? []).flatMap((targets, output) => (targets ?? []).map((t) => ({ from, to: t.node, output, input: t.index }))),
  );
  return {
    nodes: workflow.nodes.map((n) => ({ name: n.name, type: n.type, typeVersion: n.typeVersion, parameters: n.parameters })),
    links,
    types: STAND_INS,
  };
}

const routingOf = (json: IDataObject): IDataObject => json.routing as IDataObject;

const EXAMPLE_FILES = ['agency-template.json', 'inbound-demo.json', 'ping-tree.json'];

it('checks every example workflow', () => {
  expect(readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')).sort()).toEqual(EXAMPLE_FILES);
});

describe.each(EXAMPLE_FILES)('example workflow %s', (file) => {
  const workflow = load(file);

  it('uses only node types of n8n and of this package, and parameters the pack nodes have', () => {
    expect(workflow.id.length).toBeLessThanOrEqual(21);
    for (const node of workflow.nodes) {
      if (node.type.startsWith('n8n-nodes-base.')) continue;
      expect(node.type.startsWith(`${packageJson.name}.`)).toBe(true);
      const type = PACK_TYPES[node.type];
      expect(type).toBeDefined();
      const stem = node.type.slice(PACKAGE.length + 1);
      expect(packageJson.n8n.nodes).toContain(`dist/nodes/${stem[0].toUpperCase()}${stem.slice(1)}/${stem[0].toUpperCase()}${stem.slice(1)}.node.js`);
      const properties = type.description.properties;
      for (const [name, value] of Object.entries(node.parameters)) {
        const property = properties.find((p) => p.name === name);
        expect(property).toBeDefined();
        if (property?.type === 'collection') {
          for (const option of Object.keys(value as INodeParameters)) expect(property.options?.map((o) => (o as { name: string }).name)).toContain(option);
        }
      }
    }
    for (const [from, byType] of Object.entries(workflow.connections)) {
      expect(workflow.nodes.some((n) => n.name === from)).toBe(true);
      for (const targets of byType.main ?? []) for (const t of targets ?? []) expect(workflow.nodes.some((n) => n.name === t.node)).toBe(true);
    }
  });
});

describe.each(['inbound-demo.json', 'agency-template.json'])('example workflow %s', (file) => {
  const workflow = load(file);

  it('runs a lead through Route, SLA Wait and Escalate until it is worked', async () => {
    const webhook = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.webhook');
    expect(webhook?.parameters).toMatchObject({ httpMethod: 'POST', responseMode: 'responseNode' });
    const spec = asSpec(workflow);
    const lead = { email: 'jo@bigco.example', employees: 5000, type: 'demo', country: 'US' };
    const started = await runWorkflow(spec, { node: webhook?.name as string, items: [{ headers: {}, params: {}, query: {}, body: lead }] });
    expect(started.error?.message).toBeUndefined();
    expect(started.status).toBe('waiting');
    const routed = routingOf(started.json('Route', 0)[0]);
    expect(routed).toMatchObject({ status: 'assigned', priority: 'high' });
    // The caller is answered with the public view only: no link, no secret (the e2e test reads the real response).
    const responders = workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.respondToWebhook');
    expect(responders.map((n) => n.parameters)).toEqual(responders.map(() => ({ respondWith: 'json', responseBody: '={{ JSON.stringify($json.routing.public) }}', options: {} })));
    expect(routed.public).toEqual({ status: 'assigned', assignee: routed.assignee, queue: null, due: (routed.sla as IDataObject).due });
    expect(started.waitTill?.toISOString()).toBe((routed.sla as IDataObject).due);

    const escalated = await resumeAtDeadline(started);
    const again = routingOf(escalated.json('Escalate', 0)[0]);
    expect(again).toMatchObject({ status: 'assigned', previous_assignee: routed.assignee, attempt: 1 });
    expect(escalated.runs('Notify new assignee')).toBe(1);
    expect(escalated.status).toBe('waiting');

    const worked = await resumeByWebhook(escalated, { method: 'GET', query: { rep: again.assignee as string } });
    expect(worked.status).toBe('success');
    const history = routingOf(worked.json('Worked')[0]).history as IDataObject[];
    expect(history.map((e) => e.event)).toEqual(['assigned', 'breached', 'reassigned', 'worked']);
  });
});

describe('the agency template', () => {
  const workflow = load('agency-template.json');
  const policyNode = workflow.nodes.find((n) => n.name === 'Client policy');
  const policyText = (policyNode?.parameters.assignments as { assignments: { name: string; value: string }[] }).assignments[0].value;

  it('keeps the policy in one node that Route and Escalate both read', () => {
    expect(compilePolicy(policyText).name).toBe('client-inbound');
    const readers = workflow.nodes.filter((n) => n.parameters.policy !== undefined);
    expect(readers.map((n) => n.name).sort()).toEqual(['Escalate', 'Route']);
    for (const n of readers) expect(n.parameters.policy).toBe("={{ $('Client policy').first().json.policy }}");
  });

  it('escalates down its steps to the backup pool and then the exceptions queue', async () => {
    const spec = asSpec(workflow);
    let run: HarnessRun = await runWorkflow(spec, { node: 'Lead webhook', items: [{ body: { email: 'a@b.example', type: 'demo' } }] });
    const owners: unknown[] = [routingOf(run.json('Route', 0)[0]).assignee];
    for (let breach = 0; breach < 3; breach++) {
      run = await resumeAtDeadline(run);
      owners.push(routingOf(run.json('Escalate', 0)[0]).assignee);
    }
    // The rotation goes on from earlier tests (the examples use the SQLite store): any rep first, then the other two, then the backup pool.
    expect([...owners.slice(0, 3)].sort()).toEqual(['rep_one', 'rep_three', 'rep_two']);
    expect(owners[3]).toBe('team_lead');
    run = await resumeAtDeadline(run);
    expect(run.status).toBe('success');
    expect(routingOf(run.json('Alert exceptions queue')[0])).toMatchObject({ status: 'exception', queue: 'exceptions', attempt: 4 });
  });
});

describe('the inbound demo', () => {
  it('answers a support request from its queue and waits on the queue’s SLA', async () => {
    const workflow = load('inbound-demo.json');
    const run = await runWorkflow(asSpec(workflow), { node: 'Demo request', items: [{ body: { email: 'help@x.example', type: 'support' } }] });
    expect(routingOf(run.json('Route', 1)[0])).toMatchObject({ status: 'queued', queue: 'support' });
    expect(run.status).toBe('waiting');
  });
});

describe('the ping tree', () => {
  const workflow = load('ping-tree.json');
  const named = (name: string): IWorkflowBase['nodes'][number] => {
    const node = workflow.nodes.find((n) => n.name === name);
    if (node === undefined) throw new Error(`no node ${name}`);
    return node;
  };

  it('sells by bid through a policy without warnings, unsold leads to the unsold queue, read by Normalize Lead and Escalate from Route', () => {
    const policy = compilePolicy(named('Route').parameters.policy as string);
    expect(policy.warnings).toEqual([]);
    expect(policy.ir.fallback).toBe('unsold');
    expect(policy.source).toMatch(/route by_bid\(buyers\) floor \d+ sla \d+s/);
    for (const reader of ['Normalize Lead', 'Escalate']) expect(named(reader).parameters.policy).toBe("={{ $('Route').params.policy }}");
  });

  it('keeps one endpoint entry per buyer of the policy in its Buyers node', () => {
    const policy = compilePolicy(named('Route').parameters.policy as string);
    const members = policy.ir.pools.find((p) => p.name === 'buyers')?.members.map((m) => m.name);
    const { buyers } = JSON.parse(named('Buyers').parameters.jsonOutput as string) as { buyers: { name: string; ping_url: string; post_url: string }[] };
    expect(buyers.map((b) => b.name)).toEqual(members);
    for (const b of buyers) expect([b.ping_url, b.post_url].every((url) => url.startsWith('https://'))).toBe(true);
  });

  it('pings and offers with a timeout, never failing the execution on a buyer that errs or stays silent', () => {
    for (const name of ['Ping buyers', 'Offer']) {
      const node = named(name);
      expect(node.onError).toBe('continueRegularOutput');
      expect(node.parameters).toMatchObject({ method: 'POST', options: { timeout: expect.anything(), response: { response: { neverError: true } } } });
    }
    expect(named('Escalate').type).toBe(`${PACKAGE}.escalate`);
    // A buyer's decline or silence moves the lead on without a breach: the answer is in the ledger.
    expect(named('Escalate').parameters.options).toEqual({ cause: 'declined' });
    expect(workflow.connections.Escalate.main.map((targets) => targets?.map((t) => t.node))).toEqual([['Offer to'], ['Respond unsold']]);
    expect(named('Record answer').parameters).toMatchObject({ operation: 'recordOutcome', event: 'custom', customEvent: '={{ $json.answer.outcome }}' });
  });
});
