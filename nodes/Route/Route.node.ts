// Route: each item is a lead; the policy decides (compiled once and cached), the state store
// assigns, and the item leaves by its status: Assigned, Queued or Exception. No routing logic
// lives here: compilePolicy and routeMany are the library's, as in the command line.

import {
  NodeConnectionTypes,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
  type NodeParameterValueType,
} from 'n8n-workflow';
import type { CompiledPolicy } from '../../compiler/compile';
import type { Decision } from '../../compiler/decision';
import { routingRecord } from '../../routing/escalate';
import { routeMany } from '../../routing/route';
import { forEachItem, itemParameter, parameterInstant, routingFieldName, routingFieldProperty, withField } from '../shared/items';
import { evaluatorOption, itemPolicies, policyProperty } from '../shared/policy';
import { nodeStateStore, stateStoreMethods, stateStoreProperties } from '../shared/store';

/** Items routed together: consecutive, with one policy and one instant. */
interface Run {
  policy: CompiledPolicy;
  now: number;
  items: number[];
}

const OUTPUT: Record<Decision['status'], number> = { assigned: 0, queued: 1, exception: 2 };

/** The execution's resume URL (n8n's `$execution.resumeUrl`): one URL for the whole execution, read once. */
function resumeUrl(ctx: IExecuteFunctions): string | null {
  const url = ctx.evaluateExpression('{{ $execution.resumeUrl }}', 0);
  return typeof url === 'string' && url !== '' ? url : null;
}

export class Route implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Lead Router',
    name: 'route',
    icon: { light: 'file:route.svg', dark: 'file:route.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["stateStore"] === "memory" ? "in-memory state" : $parameter["stateStore"] === "redis" ? "Redis state" : "SQLite state" }}',
    description: 'Assign each lead to a rep or a queue by a routing policy: round robin, territories, caps, SLA and escalation',
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

    // Leads go to the library in runs that share a policy and an instant (usually the whole
    // batch), in item order, so rotation follows the items.
    const runs: Run[] = [];
    await forEachItem(this, items, outputs, OUTPUT.exception, (_item, i) => {
      const policy = policyFor(i);
      const now = parameterInstant(this, 'Routing Time', routingTime(i), runAt, i);
      const last = runs.at(-1);
      if (last !== undefined && last.policy === policy && last.now === now) last.items.push(i);
      else runs.push({ policy, now, items: [i] });
    });
    for (const { policy, now, items: indexes } of runs) {
      const decisions = await routeMany(policy, indexes.map((i) => items[i].json), { store, now, trace });
      indexes.forEach((i, k) => {
        const item = items[i];
        const routed: INodeExecutionData = { json: withField(item.json, field, routingRecord(decisions[k], url)), pairedItem: { item: i } };
        if (item.binary !== undefined) routed.binary = item.binary;
        outputs[OUTPUT[decisions[k].status]].push(routed);
      });
    }
    return outputs;
  }
}
