// Route: each item is a lead; the policy decides (compiled once and cached), the state store
// assigns, and the item leaves by its status: Assigned, Queued or Exception. No routing logic
// lives here: compilePolicy, decide and assign are the library's, as in the command line.

import {
  NodeConnectionTypes,
  NodeOperationError,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
  type NodeParameterValueType,
} from 'n8n-workflow';
import type { Decision, PendingDecision } from '../../compiler/decision';
import { exceptionDecision, StateStoreError } from '../../state';
import { assignMany } from '../../state/assign';
import { routingRecord } from '../../state/escalate';
import { failItem, forEachItem, itemParameter, routingFieldName, routingFieldProperty, withField } from '../shared/items';
import { evaluatorOption, itemPolicies, policyProperty } from '../shared/policy';
import { nodeStateStore, stateStoreMethods, stateStoreProperties } from '../shared/store';

const OUTPUT: Record<Decision['status'], number> = { assigned: 0, queued: 1, exception: 2 };

/** The instant to route at: a Date, epoch ms, ISO text or a Luxon DateTime (what n8n expressions such as `$now` give); empty is `fallback`. */
function routingInstant(ctx: IExecuteFunctions, value: unknown, fallback: number, itemIndex: number): Date | number | string {
  if (value === '' || value === undefined || value === null) return fallback;
  if (typeof value === 'string' || typeof value === 'number' || value instanceof Date) return value;
  if (typeof value === 'object' && typeof (value as { toMillis?: unknown }).toMillis === 'function') return (value as { toMillis(): number }).toMillis();
  throw new NodeOperationError(ctx.getNode(), `Routing Time must be a date-time; got ${JSON.stringify(value)}`, { itemIndex });
}

/** The execution's resume URL (n8n's `$execution.resumeUrl`): one URL for the whole execution, read once. */
function resumeUrl(ctx: IExecuteFunctions): string | null {
  const url = ctx.evaluateExpression('{{ $execution.resumeUrl }}', 0);
  return typeof url === 'string' && url !== '' ? url : null;
}

export class Route implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Route',
    name: 'route',
    icon: { light: 'file:route.svg', dark: 'file:route.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["stateStore"] === "memory" ? "in-memory state" : $parameter["stateStore"] === "redis" ? "Redis state" : "SQLite state" }}',
    description: 'Route leads with a leadroute policy: assign a rep or a queue, with SLA and escalation',
    defaults: { name: 'Route' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
    outputNames: ['Assigned', 'Queued', 'Exception'],
    // Written out, not shared: n8n's lint reads the credential and its test from the node file.
    credentials: [{ name: 'leadRoutingRedis', required: true, testedBy: 'leadRoutingRedisConnectionTest', displayOptions: { show: { stateStore: ['redis'] } } }],
    properties: [
      policyProperty,
      ...stateStoreProperties,
      {
        displayName: 'Routing Time',
        name: 'routingTime',
        type: 'dateTime',
        default: '',
        description: 'The instant to route at (ISO 8601; UTC unless it says). Empty: when the node runs, one instant for the whole batch.',
      },
      {
        displayName: 'Include Trace',
        name: 'includeTrace',
        type: 'boolean',
        default: false,
        description: 'Whether to add `trace`: every rule tried, the values it read and why it held or failed (slower)',
      },
      { ...routingFieldProperty, displayName: 'Output Field', description: 'The field of each item that receives the routing decision' },
      {
        displayName: 'Options',
        name: 'options',
        type: 'collection',
        placeholder: 'Add Option',
        default: {},
        options: [
          evaluatorOption,
        ],
      },
    ],
  };

  methods = stateStoreMethods;

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const outputs: INodeExecutionData[][] = [[], [], []];
    if (items.length === 0) return outputs;
    const field = routingFieldName(this);
    const trace = this.getNodeParameter('includeTrace', 0, false) as boolean;
    const policyFor = itemPolicies(this);
    const routingTime = itemParameter<NodeParameterValueType | object>(this, 'routingTime', '');
    const runAt = Date.now();
    const url = resumeUrl(this);
    const store = await nodeStateStore(this);

    // decide() every lead, then assign them in store transactions of many leads (the same
    // decisions as one at a time, with one round trip to a durable store per batch).
    const pendings: PendingDecision[] = [];
    const itemOf: number[] = [];
    await forEachItem(this, items, outputs, OUTPUT.exception, (item, i) => {
      pendings.push(policyFor(i).decide(item.json, { now: routingInstant(this, routingTime(i), runAt, i), trace }));
      itemOf.push(i);
    });
    const settled = await assignMany(pendings, store);
    for (let k = 0; k < settled.length; k++) {
      const i = itemOf[k];
      const item = items[i];
      let decision = settled[k];
      if (decision instanceof StateStoreError) {
        // A store that fails (or could not open) fails no lead: it goes to the fallback queue with the reason.
        decision = exceptionDecision(pendings[k], `state store unavailable: ${decision.message}`);
      } else if (decision instanceof Error) {
        failItem(this, outputs, OUTPUT.exception, item, i, decision);
        continue;
      }
      const routed: INodeExecutionData = { json: withField(item.json, field, routingRecord(decision, url)), pairedItem: { item: i } };
      if (item.binary !== undefined) routed.binary = item.binary;
      outputs[OUTPUT[decision.status]].push(routed);
    }
    return outputs;
  }
}
