// Escalate: takes a lead whose SLA passed (SLA Wait's Breached output) or whose assignee turned it
// down (a buyer's decline), records the breach, and applies the next escalation step of its rule
// through the same state store as Route (routing/escalate.ts). Reassigned goes back to SLA Wait; Exhausted is the end of the line:
// the lead is in the fallback queue as an exception.

import { NodeConnectionTypes, NodeOperationError, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { escalate, readRoutingRecord, type EscalationCause } from '../../routing/escalate';
import { forEachItem, ownField, routingFieldName, routingFieldProperty, withField } from '../shared/items';
import { evaluatorOption, itemPolicies, policyProperty } from '../shared/policy';
import { nodeStateStore, stateStoreMethods, stateStoreProperties } from '../shared/store';

const REASSIGNED = 0;
const EXHAUSTED = 1;

export class Escalate implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Lead Escalate',
    name: 'escalate',
    icon: { light: 'file:escalate.svg', dark: 'file:escalate.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: 'next step of the escalation',
    description: 'Reassign a lead whose SLA passed to the next candidate, another target or the fallback queue',
    defaults: { name: 'Escalate' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
    outputNames: ['Reassigned', 'Exhausted'],
    // Written out, not shared: n8n's lint reads the credential and its test from the node file.
    credentials: [{ name: 'leadRoutingRedis', required: true, testedBy: 'leadRoutingRedisConnectionTest', displayOptions: { show: { stateStore: ['redis'] } } }],
    properties: [
      {
        displayName:
          'Use the same policy and state store as the Route node, e.g. the expression {{ $(\'Route\').params.policy }}. Reassigned leads carry a new SLA: loop them back to SLA Wait.',
        name: 'notice',
        type: 'notice',
        default: '',
      },
      policyProperty,
      ...stateStoreProperties,
      routingFieldProperty,
      {
        displayName: 'Options',
        name: 'options',
        type: 'collection',
        placeholder: 'Add Option',
        default: {},
        options: [
          {
            displayName: 'Cause',
            name: 'cause',
            type: 'options',
            options: [
              { name: 'SLA Breached', value: 'breached', description: 'The deadline passed with nobody working the lead (from SLA Wait’s Breached output): recorded as a breach' },
              {
                name: 'Declined',
                value: 'declined',
                description: 'The assignee turned the lead down, e.g. a buyer declined the offer or let it time out: no breach is recorded (record the answer with Lead Ledger)',
              },
            ],
            default: 'breached',
            description: 'Why the lead moves on. Either way its assignee is left out of the steps that follow.',
          },
          evaluatorOption,
        ],
      },
    ],
  };

  methods = stateStoreMethods;

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const outputs: INodeExecutionData[][] = [[], []];
    const field = routingFieldName(this);
    const policyFor = itemPolicies(this);
    const store = await nodeStateStore(this);
    const now = Date.now();

    await forEachItem(this, items, outputs, EXHAUSTED, async (item, i) => {
      const routing = readRoutingRecord(ownField(item.json, field));
      if (typeof routing === 'string') {
        throw new NodeOperationError(this.getNode(), `The field \`${field}\` is not a routing decision: ${routing}`, {
          itemIndex: i,
          description: 'Escalate takes the items of a Route node (usually through SLA Wait’s Breached output).',
        });
      }
      const policy = policyFor(i);
      if (policy.name !== routing.policy.name) {
        throw new NodeOperationError(this.getNode(), `The lead was routed by policy "${routing.policy.name}", but this node has policy "${policy.name}"`, {
          itemIndex: i,
          description: 'Give Escalate the same policy as the Route node, so that rotation, caps and escalation steps are the ones the lead was routed with.',
        });
      }
      const { cause } = this.getNodeParameter('options', i, {}) as { cause?: EscalationCause };
      const result = await escalate({ policy, routing, lead: item.json, now, store, cause });
      const out: INodeExecutionData = { json: withField(item.json, field, result.routing), pairedItem: { item: i } };
      if (item.binary !== undefined) out.binary = item.binary;
      outputs[result.outcome === 'reassigned' ? REASSIGNED : EXHAUSTED].push(out);
    });
    return outputs;
  }
}
