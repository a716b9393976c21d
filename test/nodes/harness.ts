// Runs workflows of the pack's nodes inside n8n's real engine (n8n-core's WorkflowExecute), the
// way n8n runs an execution, and resumes waiting executions the way n8n does:
// - runWorkflow: items are fed to start nodes (one or several, e.g. the two inputs of a
//   node), the workflow runs to its end or until a node puts it to wait.
// - resumeAtDeadline: what n8n's wait tracker does when `waitTill` passes: a new
//   WorkflowExecute over the stored execution data, where the engine disables the waiting
//   node so its input goes to output 0.
// - resumeByWebhook: what n8n's waiting-webhook handler does for a call of the resume URL:
//   the waiting node is disabled, its webhook() runs in n8n-core's WebhookContext on the
//   request, and its result is forwarded on every output.
// Between runs the execution data goes through JSON, as it does through n8n's database.
// Other node packages of this repo register their node types with `types`.

import './n8n-env';
import { ExecutionLifecycleHooks, PollContext, WebhookContext, WorkflowExecute } from 'n8n-core';
import {
  ICredentialsHelper,
  NodeConnectionTypes,
  Workflow,
  createRunExecutionData,
  type ICredentialDataDecryptedObject,
  type ICredentials,
  type IConnections,
  type IDataObject,
  type IExecuteFunctions,
  type IHttpRequestMethods,
  type IHttpRequestOptions,
  type INode,
  type INodeCredentials,
  type INodeExecutionData,
  type INodeParameters,
  type INodeProperties,
  type INodeType,
  type INodeTypes,
  type INodeTypeDescription,
  type IRun,
  type IRunExecutionData,
  type IWebhookData,
  type IWorkflowBase,
  type IWorkflowExecuteAdditionalData,
  type WorkflowExecuteMode,
} from 'n8n-workflow';
import { Escalate } from '../../nodes/Escalate/Escalate.node';
import { LeadLedger } from '../../nodes/LeadLedger/LeadLedger.node';
import { LeadQueueTrigger } from '../../nodes/LeadQueueTrigger/LeadQueueTrigger.node';
import { NormalizeLead } from '../../nodes/NormalizeLead/NormalizeLead.node';
import { Route } from '../../nodes/Route/Route.node';
import { SlaWait } from '../../nodes/SlaWait/SlaWait.node';

/** The package name: n8n names a community node `<package>.<node name>`. */
export const PACKAGE = 'n8n-nodes-leadroute';
export const ROUTE = `${PACKAGE}.route`;
export const SLA_WAIT = `${PACKAGE}.slaWait`;
export const ESCALATE = `${PACKAGE}.escalate`;
export const LEAD_LEDGER = `${PACKAGE}.leadLedger`;
export const LEAD_QUEUE_TRIGGER = `${PACKAGE}.leadQueueTrigger`;
export const NORMALIZE_LEAD = `${PACKAGE}.normalizeLead`;
/** A pass-through node the harness feeds items into (a stand-in for a trigger or any upstream node). */
export const INPUT = 'harness.input';

/** Passes its input on unchanged; where a test's items enter the workflow. */
class HarnessInput implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Harness Input',
    name: 'input',
    group: ['input'],
    version: 1,
    description: 'Test input',
    defaults: { name: 'Input' },
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    properties: [],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return [this.getInputData().map((item, i) => ({ ...item, pairedItem: { item: i } }))];
  }
}

export const PACK_TYPES: Record<string, INodeType> = {
  [ROUTE]: new Route(),
  [SLA_WAIT]: new SlaWait(),
  [ESCALATE]: new Escalate(),
  [LEAD_LEDGER]: new LeadLedger(),
  [LEAD_QUEUE_TRIGGER]: new LeadQueueTrigger(),
  [NORMALIZE_LEAD]: new NormalizeLead(),
  [INPUT]: new HarnessInput(),
};

export interface NodeSpec {
  name: string;
  type: string;
  parameters?: INodeParameters;
  typeVersion?: number;
  /** `continueRegularOutput` / `continueErrorOutput` for "continue on fail". */
  onError?: INode['onError'];
  credentials?: INodeCredentials;
}

export interface Link {
  from: string;
  to: string;
  /** Output of `from` (default 0). */
  output?: number;
  /** Input of `to` (default 0). */
  input?: number;
}

export interface WorkflowSpec {
  nodes: NodeSpec[];
  links: Link[];
  /** Node types besides the pack's (e.g. another package's nodes under test). */
  types?: Record<string, INodeType>;
  /** Decrypted credential data by credential type, for nodes that declare credentials. */
  credentials?: Record<string, ICredentialDataDecryptedObject>;
  /** `$vars` of expressions. */
  variables?: IDataObject;
  /** The workflow's static data as n8n loads it from its database: runs given the same object share it. */
  staticData?: IDataObject;
}

/** Items fed to a node input at the start of the run. Plain objects become `{ json }` items. */
export interface Feed {
  node: string;
  items: (IDataObject | INodeExecutionData)[];
  /** Which input of `node` (default 0): two feeds to inputs 0 and 1 test a two-input node. */
  input?: number;
}

/** An HTTP call of the execution's resume URL. */
export interface ResumeRequest {
  method?: 'GET' | 'POST';
  /** The link called: its query is the request's (default: the first waiting item's `routing.resume_url`). */
  link?: string;
  body?: IDataObject;
  /** More query parameters, after the link's. */
  query?: IDataObject;
  headers?: Record<string, string>;
}

/** What the resume webhook answered when it wrote the response itself (it then resumes nothing). */
export interface WebhookAnswer {
  status: number;
  body: unknown;
}

const BASE = 'http://localhost:5678';

class TestCredentials extends ICredentialsHelper {
  constructor(private readonly data: Record<string, ICredentialDataDecryptedObject>) {
    super();
  }
  getParentTypes(): string[] {
    return [];
  }
  isCredentialUsableByNode(): boolean {
    return true;
  }
  async authenticate(_credentials: ICredentialDataDecryptedObject, _type: string, options: IHttpRequestOptions): Promise<IHttpRequestOptions> {
    return options;
  }
  async preAuthentication(): Promise<undefined> {
    return undefined;
  }
  async runPreAuthentication(): Promise<undefined> {
    return undefined;
  }
  async getCredentials(): Promise<ICredentials> {
    throw new Error('the harness has no encrypted credentials');
  }
  async getDecrypted(_additionalData: IWorkflowExecuteAdditionalData, _node: unknown, type: string): Promise<ICredentialDataDecryptedObject> {
    const found = this.data[type];
    if (found === undefined) throw new Error(`no test credentials of type ${type}`);
    return found;
  }
  async updateCredentials(): Promise<void> {}
  async updateCredentialsOauthTokenData(): Promise<void> {}
  getCredentialsProperties(): INodeProperties[] {
    return [];
  }
}

function nodeTypesOf(types: Record<string, INodeType>): INodeTypes {
  const get = (type: string): INodeType => {
    const found = types[type];
    if (found === undefined) throw new Error(`unknown node type ${type}`);
    return found;
  };
  return { getByName: get, getByNameAndVersion: get, getKnownTypes: () => ({}) };
}

function workflowData(spec: WorkflowSpec): IWorkflowBase {
  const connections: IConnections = {};
  for (const link of spec.links) {
    const main = (connections[link.from] ??= { main: [] }).main;
    const output = link.output ?? 0;
    while (main.length <= output) main.push([]);
    (main[output] ??= []).push({ node: link.to, type: NodeConnectionTypes.Main, index: link.input ?? 0 });
  }
  const nodes: INode[] = spec.nodes.map((n, i) => ({
    id: `node-${i}`,
    name: n.name,
    type: n.type,
    typeVersion: n.typeVersion ?? 1,
    position: [i * 200, 0],
    parameters: n.parameters ?? {},
    ...(n.onError === undefined ? {} : { onError: n.onError }),
    ...(n.credentials === undefined ? {} : { credentials: n.credentials }),
  }));
  const now = new Date();
  return { id: 'harness-wf', name: 'harness', active: false, nodes, connections, settings: { executionOrder: 'v1' }, createdAt: now, updatedAt: now, isArchived: false, activeVersionId: null };
}

let executions = 0;

/** One execution: its workflow, its id, and what the engine returned. */
export class HarnessRun {
  constructor(
    readonly spec: WorkflowSpec,
    readonly executionId: string,
    readonly run: IRun,
    /** Set by resumeByWebhook when the webhook answered the call itself. */
    readonly answer?: WebhookAnswer,
  ) {}

  get status(): IRun['status'] {
    return this.run.status;
  }

  /** When the execution waits, until when (n8n's `waitTill`). */
  get waitTill(): Date | undefined {
    return this.run.waitTill ?? undefined;
  }

  /** The error that stopped the execution, if any. */
  get error(): IRunExecutionData['resultData']['error'] {
    return this.run.data.resultData.error;
  }

  /** How many times the node ran. */
  runs(node: string): number {
    return this.run.data.resultData.runData[node]?.length ?? 0;
  }

  /** Every output of the node's run `runIndex` (default: its last run). */
  outputs(node: string, runIndex?: number): INodeExecutionData[][] {
    const runs = this.run.data.resultData.runData[node];
    if (runs === undefined || runs.length === 0) throw new Error(`node ${node} did not run`);
    const task = runs[runIndex ?? runs.length - 1];
    if (task === undefined) throw new Error(`node ${node} has no run ${runIndex}`);
    return (task.data?.main ?? []).map((items) => items ?? []);
  }

  /** The items of one output. */
  items(node: string, output = 0, runIndex?: number): INodeExecutionData[] {
    return this.outputs(node, runIndex)[output] ?? [];
  }

  /** The JSON of one output's items. */
  json(node: string, output = 0, runIndex?: number): IDataObject[] {
    return this.items(node, output, runIndex).map((item) => item.json);
  }

  /** The error of the node's run (a node that failed). */
  nodeError(node: string, runIndex?: number): Error | undefined {
    const runs = this.run.data.resultData.runData[node];
    return runs?.[runIndex ?? runs.length - 1]?.error;
  }
}

function additionalData(spec: WorkflowSpec, executionId: string, workflow: IWorkflowBase): IWorkflowExecuteAdditionalData {
  const hooks = new ExecutionLifecycleHooks('webhook', executionId, workflow);
  const data = {
    credentialsHelper: new TestCredentials(spec.credentials ?? {}),
    executeWorkflow: () => Promise.reject(new Error('sub-workflows are not part of the harness')),
    getRunExecutionData: () => Promise.resolve(undefined),
    getRuntimeCredential: () => Promise.resolve(undefined),
    executionId,
    hooks,
    currentNodeExecutionIndex: 0,
    restApiUrl: `${BASE}/rest`,
    instanceBaseUrl: BASE,
    formBaseUrl: `${BASE}/form`,
    formWaitingBaseUrl: `${BASE}/form-waiting`,
    formTestBaseUrl: `${BASE}/form-test`,
    webhookBaseUrl: `${BASE}/webhook`,
    webhookWaitingBaseUrl: `${BASE}/webhook-waiting`,
    webhookTestBaseUrl: `${BASE}/webhook-test`,
    mcpBaseUrl: `${BASE}/mcp`,
    mcpTestBaseUrl: `${BASE}/mcp-test`,
    variables: spec.variables ?? {},
    logAiEvent: () => undefined,
    startRunnerTask: () => Promise.reject(new Error('task runners are not part of the harness')),
  };
  return data as unknown as IWorkflowExecuteAdditionalData;
}

function buildWorkflow(spec: WorkflowSpec, data: IWorkflowBase): Workflow {
  return new Workflow({
    id: data.id,
    name: data.name,
    nodes: data.nodes,
    connections: data.connections,
    active: false,
    nodeTypes: nodeTypesOf({ ...PACK_TYPES, ...spec.types }),
    settings: data.settings,
    staticData: spec.staticData,
  });
}

const asItem = (x: IDataObject | INodeExecutionData): INodeExecutionData =>
  typeof x.json === 'object' && x.json !== null && !Array.isArray(x.json) ? (x as INodeExecutionData) : { json: x as IDataObject };

/** Stored and loaded, as n8n's database does between a wait and its resumption. */
const stored = (data: IRunExecutionData): IRunExecutionData => JSON.parse(JSON.stringify(data)) as IRunExecutionData;

async function execute(spec: WorkflowSpec, executionId: string, data: IRunExecutionData, prepare?: (workflow: Workflow, additional: IWorkflowExecuteAdditionalData) => Promise<void>): Promise<HarnessRun> {
  const base = workflowData(spec);
  const workflow = buildWorkflow(spec, base);
  const additional = additionalData(spec, executionId, base);
  if (prepare !== undefined) await prepare(workflow, additional);
  const run = await new WorkflowExecute(additional, 'webhook', data).processRunExecutionData(workflow);
  return new HarnessRun(spec, executionId, run);
}

/** Runs the workflow with items fed to the given node inputs (in order), until it ends or waits. */
export async function runWorkflow(spec: WorkflowSpec, feeds: Feed | Feed[]): Promise<HarnessRun> {
  const byNode = new Map<string, INodeExecutionData[][]>();
  for (const feed of Array.isArray(feeds) ? feeds : [feeds]) {
    const main = byNode.get(feed.node) ?? [];
    const input = feed.input ?? 0;
    while (main.length <= input) main.push([]);
    main[input] = feed.items.map(asItem);
    byNode.set(feed.node, main);
  }
  const nodes = new Map(workflowData(spec).nodes.map((n) => [n.name, n]));
  const nodeExecutionStack = [...byNode].map(([name, main]) => {
    const node = nodes.get(name);
    if (node === undefined) throw new Error(`no node ${name} to feed`);
    return { node, data: { main }, source: null };
  });
  executions += 1;
  return await execute(spec, String(executions), createRunExecutionData({ executionData: { nodeExecutionStack } }));
}

function assertWaiting(run: HarnessRun): IRunExecutionData {
  if (run.status !== 'waiting' || run.waitTill === undefined) throw new Error(`execution ${run.executionId} is ${run.status}, not waiting`);
  return stored(run.run.data);
}

/** The deadline passed: n8n runs the stored execution again and the engine sends the waiting node's input to output 0. */
export async function resumeAtDeadline(run: HarnessRun): Promise<HarnessRun> {
  return await execute(run.spec, run.executionId, assertWaiting(run));
}

/** The resume URL was called: the waiting node's webhook() answers the request and its items go out on every output. */
export async function resumeByWebhook(run: HarnessRun, request: ResumeRequest = {}): Promise<HarnessRun> {
  const data = assertWaiting(run);
  const stack = data.executionData?.nodeExecutionStack[0];
  const nodeName = data.resultData.lastNodeExecuted;
  if (stack === undefined || nodeName === undefined) throw new Error('the execution has no waiting node');
  const link = request.link ?? ((stack.data.main[0]?.[0]?.json.routing as IDataObject | undefined)?.resume_url as string | undefined);
  const query: IDataObject = { ...(link === undefined ? {} : Object.fromEntries(new URL(link).searchParams)), ...request.query };
  const method: IHttpRequestMethods = request.method ?? 'POST';
  const base = workflowData(run.spec);
  const workflow = buildWorkflow(run.spec, base);
  const additional = additionalData(run.spec, run.executionId, base);
  const node = workflow.getNode(nodeName) as INode;
  const type = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
  const description = type.description.webhooks?.find((w) => w.restartWebhook === true && w.httpMethod === method);
  if (description === undefined || type.webhook === undefined) throw new Error(`${nodeName} has no ${method} resume webhook`);
  let answer: WebhookAnswer | undefined;
  const res = {
    status(code: number) {
      return { json: (body: unknown) => void (answer = { status: code, body }) };
    },
  };
  additional.httpRequest = { method, body: request.body ?? {}, query, headers: request.headers ?? {}, params: {} } as unknown as IWorkflowExecuteAdditionalData['httpRequest'];
  additional.httpResponse = res as unknown as IWorkflowExecuteAdditionalData['httpResponse'];
  const webhookData: IWebhookData = { httpMethod: method, node: nodeName, path: '', webhookDescription: description, workflowId: workflow.id, workflowExecuteAdditionalData: additional };
  const context = new WebhookContext(workflow, node, additional, 'webhook', webhookData, [], data);
  const response = await type.webhook.call(context);
  // No items: n8n runs nothing and the execution stays as it was, waiting.
  if (response.workflowData === undefined) return new HarnessRun(run.spec, run.executionId, run.run, answer);
  stack.node.disabled = true;
  data.waitTill = undefined;
  data.resultData.runData[nodeName]?.pop();
  stack.data.main = response.workflowData;
  stack.metadata = { ...stack.metadata, forwardAllOutputs: true };
  return await execute(run.spec, run.executionId, data);
}

/**
 * One poll of a polling trigger node, as n8n's poller runs it: `trigger` for an active workflow,
 * `manual` for a test step. Polls of one spec share its static data, as n8n's database keeps it.
 */
export async function pollTrigger(spec: WorkflowSpec, nodeName: string, mode: WorkflowExecuteMode = 'trigger'): Promise<INodeExecutionData[][] | null> {
  const base = workflowData(spec);
  const workflow = buildWorkflow(spec, base);
  const node = workflow.getNode(nodeName);
  if (node === null) throw new Error(`no node ${nodeName}`);
  const type = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
  if (type.poll === undefined) throw new Error(`${nodeName} is not a polling trigger`);
  executions += 1;
  const context = new PollContext(workflow, node, additionalData(spec, String(executions), base), mode, mode === 'manual' ? 'manual' : 'activate');
  return await type.poll.call(context);
}
