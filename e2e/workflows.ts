// The workflows the end-to-end tests import next to the example workflows: built here so that
// each test knows its policy, its webhook path and its node names. Node types of the pack are
// `<package name>.<node name>`, as n8n names the nodes of a community package.

import { randomUUID } from 'node:crypto';

export interface WorkflowNode {
  id: string;
  name: string;
  type: string;
  typeVersion: number;
  position: [number, number];
  parameters: Record<string, unknown>;
  webhookId?: string;
  credentials?: Record<string, { id: string; name: string }>;
}

type Connections = Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }>;

export interface WorkflowJson {
  /** At most 21 characters (n8n's workflow id column). */
  id: string;
  name: string;
  active: boolean;
  nodes: WorkflowNode[];
  connections: Connections;
  settings: Record<string, unknown>;
}

/** A workflow from nodes (laid out left to right) and `[from, output, to]` links. */
export function workflow(id: string, name: string, nodes: Array<Omit<WorkflowNode, 'id' | 'position'>>, links: Array<[string, number, string]>): WorkflowJson {
  if (id.length > 21) throw new Error(`workflow id ${id} is longer than 21 characters`);
  const connections: Connections = {};
  for (const [from, output, to] of links) {
    const main = (connections[from] ??= { main: [] }).main;
    while (main.length <= output) main.push([]);
    main[output].push({ node: to, type: 'main', index: 0 });
  }
  return {
    id,
    name,
    active: false,
    nodes: nodes.map((node, i) => ({ ...node, id: randomUUID(), position: [i * 220, 0] })),
    connections,
    settings: { executionOrder: 'v1' },
  };
}

const manualTrigger = (name: string): Omit<WorkflowNode, 'id' | 'position'> => ({ name, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} });

/** A Code node that outputs fixed leads (test data written by the test, one item each). */
const fixedLeads = (name: string, leads: object[]): Omit<WorkflowNode, 'id' | 'position'> => ({
  name,
  type: 'n8n-nodes-base.code',
  typeVersion: 2,
  parameters: { jsCode: `return ${JSON.stringify(leads)}.map((json) => ({ json }));` },
});

/** A production webhook that answers with what its Respond to Webhook node sends. */
const webhookNode = (name: string, path: string): Omit<WorkflowNode, 'id' | 'position'> => ({
  name,
  type: 'n8n-nodes-base.webhook',
  typeVersion: 2.1,
  webhookId: randomUUID(),
  parameters: { httpMethod: 'POST', path, responseMode: 'responseNode', options: {} },
});

/** Edit Fields in raw mode: the item becomes the request body (the lead), with `extra` (expressions) added. */
const leadFromBody = (name: string, extra = ''): Omit<WorkflowNode, 'id' | 'position'> => ({
  name,
  type: 'n8n-nodes-base.set',
  typeVersion: 3.4,
  parameters: { mode: 'raw', jsonOutput: `={{ JSON.stringify({ ...$json.body${extra} }) }}`, options: {} },
});

/** The Lead node: the request body, with the name of the n8n process running it under `worker.field` when given. */
const workerLead = (worker?: { field: string; variable: string }): Omit<WorkflowNode, 'id' | 'position'> =>
  leadFromBody('Lead', worker === undefined ? '' : `, ${JSON.stringify(worker.field)}: $env[${JSON.stringify(worker.variable)}]`);

const respond = (name: string): Omit<WorkflowNode, 'id' | 'position'> => ({
  name,
  type: 'n8n-nodes-base.respondToWebhook',
  typeVersion: 1.5,
  parameters: { respondWith: 'firstIncomingItem', options: {} },
});

export interface PackWorkflowOptions {
  packageName: string;
  policy: string;
  /** The Route node's state store; the pack's default (the embedded SQLite file) when left out. */
  stateStore?: 'sqlite' | 'memory' | 'redis';
  /** The SQLite store's file (the default one in the user folder when left out). */
  databaseFile?: string;
  /** The Redis store's credential (an imported Lead Routing Redis credential). */
  redisCredential?: { id: string; name: string };
  /** The Route node's Routing Time (when the node runs, when left out). */
  routingTime?: string;
}

/** A node of the pack on the store `options` names (Route, Lead Ledger: the same store parameters and credential). */
function storeNode(name: string, type: string, options: PackWorkflowOptions, own: Record<string, unknown>): Omit<WorkflowNode, 'id' | 'position'> {
  const parameters: Record<string, unknown> = { ...own };
  if (options.stateStore !== undefined) parameters.stateStore = options.stateStore;
  if (options.databaseFile !== undefined) parameters.databaseFile = options.databaseFile;
  const node: Omit<WorkflowNode, 'id' | 'position'> = { name, type: `${options.packageName}.${type}`, typeVersion: 1, parameters };
  if (options.redisCredential !== undefined) node.credentials = { leadRoutingRedis: options.redisCredential };
  return node;
}

function routeNode(options: PackWorkflowOptions): Omit<WorkflowNode, 'id' | 'position'> {
  return storeNode('Route', 'route', options, options.routingTime === undefined ? { policy: options.policy } : { policy: options.policy, routingTime: options.routingTime });
}

/** Manual Trigger -> Leads (fixed) -> Route: for `n8n execute`. */
export function executeRouteWorkflow(id: string, options: PackWorkflowOptions, leads: object[]): WorkflowJson {
  return workflow(id, 'e2e: execute Route', [manualTrigger('Start'), fixedLeads('Leads', leads), routeNode(options)], [
    ['Start', 0, 'Leads'],
    ['Leads', 0, 'Route'],
  ]);
}

/**
 * Webhook -> Lead -> Route -> Respond, or the same without Route (n8n's own overhead). `worker`
 * adds to the lead the environment variable that names the n8n process running the execution
 * (queue mode: which worker; needs N8N_BLOCK_ENV_ACCESS_IN_NODE=false).
 */
export function latencyWorkflow(id: string, path: string, options: PackWorkflowOptions | null, worker?: { field: string; variable: string }): WorkflowJson {
  const lead = workerLead(worker);
  if (options === null) {
    return workflow(id, 'e2e: latency without Route', [webhookNode('Webhook', path), lead, respond('Respond')], [
      ['Webhook', 0, 'Lead'],
      ['Lead', 0, 'Respond'],
    ]);
  }
  return workflow(id, `e2e: latency with Route (${options.stateStore ?? 'sqlite'})`, [webhookNode('Webhook', path), lead, routeNode(options), respond('Respond')], [
    ['Webhook', 0, 'Lead'],
    ['Lead', 0, 'Route'],
    ['Route', 0, 'Respond'],
    ['Route', 1, 'Respond'],
    ['Route', 2, 'Respond'],
  ]);
}

/** The path of a workflow's production webhook (its Webhook node), or null without one. */
export function webhookPath(wf: WorkflowJson): string | null {
  const path = wf.nodes.find((node) => node.type === 'n8n-nodes-base.webhook')?.parameters.path;
  return typeof path === 'string' ? path : null;
}

export interface VariantChanges {
  id: string;
  name: string;
  /** The production webhook's path. */
  path: string;
  /** The policy text of the Route node (the example's Escalate reads the Route node's policy). */
  policy: string;
  /** Parameters of the SLA Wait node that replace the example's. */
  slaWait?: Record<string, unknown>;
}

/** An example workflow as it ships, under another id, name and webhook path, with another policy (a short SLA). */
export function exampleVariant(example: WorkflowJson, changes: VariantChanges): WorkflowJson {
  const only = (what: string, match: (node: WorkflowNode) => boolean): WorkflowNode => {
    const found = example.nodes.filter(match);
    if (found.length !== 1) throw new Error(`example "${example.name}" has ${found.length} ${what} nodes; expected 1`);
    return found[0];
  };
  only('Webhook', (node) => node.type === WEBHOOK);
  const route = only('Route', (node) => node.type.endsWith('.route'));
  const slaWait = only('SLA Wait', (node) => node.type.endsWith('.slaWait'));
  return renamedVariant(example, changes, (node) => {
    if (node === route) return { ...node, parameters: { ...node.parameters, policy: changes.policy } };
    if (node === slaWait && changes.slaWait !== undefined) return { ...node, parameters: { ...node.parameters, ...changes.slaWait } };
    return node;
  });
}

const WEBHOOK = 'n8n-nodes-base.webhook';

/** A workflow under another id, name and webhook path (a webhook id of its own), its other nodes as `change` gives them. */
function renamedVariant(example: WorkflowJson, names: { id: string; name: string; path: string }, change: (node: WorkflowNode) => WorkflowNode): WorkflowJson {
  return {
    ...example,
    id: names.id,
    name: names.name,
    active: false,
    nodes: example.nodes.map((node) => (node.type === WEBHOOK ? { ...node, webhookId: randomUUID(), parameters: { ...node.parameters, path: names.path } } : change(node))),
  };
}

export interface PingTreeChanges {
  id: string;
  name: string;
  /** The production webhook's path. */
  path: string;
  /** Each buyer's ping and post URLs, by the buyer's name in the example's Buyers node. */
  buyerUrls: (name: string) => { ping_url: string; post_url: string };
}

/** The ping-tree example as it ships, under another id, name and webhook path, with its buyers' URLs pointed elsewhere (a test's own endpoints). */
export function pingTreeVariant(example: WorkflowJson, changes: PingTreeChanges): WorkflowJson {
  const buyersNode = example.nodes.filter((node) => node.name === 'Buyers');
  if (buyersNode.length !== 1) throw new Error(`example "${example.name}" has ${buyersNode.length} Buyers nodes; expected 1`);
  const { buyers } = JSON.parse(String(buyersNode[0].parameters.jsonOutput)) as { buyers: Array<{ name: string }> };
  const jsonOutput = JSON.stringify({ buyers: buyers.map((buyer) => ({ ...buyer, ...changes.buyerUrls(buyer.name) })) }, null, 2);
  return renamedVariant(example, changes, (node) => (node === buyersNode[0] ? { ...node, parameters: { ...node.parameters, jsonOutput } } : node));
}

/**
 * Webhook -> Lead -> Route -> Accept -> Respond: a buyer that takes every lead it is offered. Accept
 * records the assignee's `accepted` outcome through Lead Ledger, on Route's store, at the routing
 * time (a sold cap counts sales in the period of the routing time). Queued and exception leads go
 * straight to Respond. `worker` as in latencyWorkflow.
 */
export function saleWorkflow(id: string, path: string, options: PackWorkflowOptions & { routingTime: string }, worker: { field: string; variable: string }): WorkflowJson {
  const accept = storeNode('Accept', 'leadLedger', options, {
    operation: 'recordOutcome',
    lead: '={{ $json.routing.id }}',
    event: 'custom',
    customEvent: 'accepted',
    outcomeFields: { by: '={{ $json.routing.assignee }}', at: options.routingTime },
  });
  const lead = workerLead(worker);
  return workflow(id, 'e2e: sell every lead offered', [webhookNode('Webhook', path), lead, routeNode(options), accept, respond('Respond')], [
    ['Webhook', 0, 'Lead'],
    ['Lead', 0, 'Route'],
    ['Route', 0, 'Accept'],
    ['Route', 1, 'Respond'],
    ['Route', 2, 'Respond'],
    ['Accept', 0, 'Respond'],
  ]);
}

/** Webhook -> Lead Ledger (Record Outcome of `body.lead`, the event named by `body.event`) -> Respond: a CRM's webhook reporting what became of a lead. */
export function outcomeWorkflow(id: string, path: string, packageName: string): WorkflowJson {
  const ledger: Omit<WorkflowNode, 'id' | 'position'> = {
    name: 'Record outcome',
    type: `${packageName}.leadLedger`,
    typeVersion: 1,
    parameters: { operation: 'recordOutcome', lead: '={{ $json.body.lead }}', event: 'custom', customEvent: '={{ $json.body.event }}', outcomeFields: { by: '={{ $json.body.by }}' } },
  };
  return workflow(id, 'e2e: record outcomes', [webhookNode('Outcome', path), ledger, respond('Respond')], [
    ['Outcome', 0, 'Record outcome'],
    ['Record outcome', 0, 'Respond'],
  ]);
}

/** Lead Queue Trigger (a queue's leads waiting longer than `olderThan`, polled every minute) -> Alert. */
export function queueAlertWorkflow(id: string, packageName: string, queue: string, olderThan: string): WorkflowJson {
  const trigger: Omit<WorkflowNode, 'id' | 'position'> = {
    name: 'Waiting too long',
    type: `${packageName}.leadQueueTrigger`,
    typeVersion: 1,
    parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, queue, olderThan },
  };
  const alert: Omit<WorkflowNode, 'id' | 'position'> = { name: 'Alert', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} };
  return workflow(id, `e2e: alert on ${queue}`, [trigger, alert], [['Waiting too long', 0, 'Alert']]);
}
