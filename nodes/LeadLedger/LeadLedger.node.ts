// Lead Ledger: what a workflow tells the routing ledger after routing, as the command line's
// `outcome` and `queue` commands do: an outcome of a routed lead (a CRM webhook's meeting
// booked, a deal won), a queued lead taken by a person, the leads waiting in queues. The
// ledger's logic is the library's (recordOutcome, takeFromQueue, openItems); this node reads
// parameters and shapes items.

import {
  NodeConnectionTypes,
  NodeOperationError,
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
} from 'n8n-workflow';
import { parseDuration } from '../../dsl/durations';
import { entryJson, openItemJson, openItems, outcomeEventProblem, recordOutcome, takeFromQueue, type EventEntry, type StateJson } from '../../state';
import { forEachItem, parameterInstant, withField } from '../shared/items';
import { ledgerStoreProperties, nodeStateStore, stateStoreMethods } from '../shared/store';

type Operation = 'recordOutcome' | 'takeFromQueue' | 'listOpenItems';

/** The value of the Event option that asks for a name of one's own. */
const CUSTOM = 'custom';

interface OutcomeFields {
  at?: unknown;
  by?: string;
  value?: number;
  data?: unknown;
}

/** The Data field: JSON text, or a value an expression gave. */
function dataOf(ctx: IExecuteFunctions, data: unknown, itemIndex: number): StateJson {
  if (data === undefined || data === '') return null;
  if (typeof data !== 'string') return data as StateJson;
  try {
    return JSON.parse(data) as StateJson;
  } catch (error) {
    throw new NodeOperationError(ctx.getNode(), `Data is not JSON: ${(error as Error).message}`, { itemIndex });
  }
}

/** The Lead parameter of an item: a routing id or a lead key, never empty. */
function leadOf(ctx: IExecuteFunctions, itemIndex: number): string {
  const lead = ctx.getNodeParameter('lead', itemIndex, '') as unknown;
  // An expression over an item without the field (no routing.id) gives nothing: empty.
  if (lead === undefined || lead === null || String(lead).trim() === '') {
    throw new NodeOperationError(ctx.getNode(), 'Lead is empty: give the routing ID (routing.id) or the lead key', { itemIndex });
  }
  if (typeof lead !== 'string' && typeof lead !== 'number') throw new NodeOperationError(ctx.getNode(), 'Lead must be a routing ID or a lead key', { itemIndex });
  return String(lead).trim();
}

export class LeadLedger implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Lead Ledger',
    name: 'leadLedger',
    icon: { light: 'file:leadLedger.svg', dark: 'file:leadLedger.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["operation"] }}',
    description: 'Record what happened to a routed lead (meeting booked, won, ...), take a lead from its queue, or list the leads waiting in queues',
    defaults: { name: 'Lead Ledger' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    // Written out, not shared: n8n's lint reads the credential and its test from the node file.
    credentials: [{ name: 'leadRoutingRedis', required: true, testedBy: 'leadRoutingRedisConnectionTest', displayOptions: { show: { stateStore: ['redis'] } } }],
    properties: [
      {
        displayName: 'Operation',
        name: 'operation',
        type: 'options',
        noDataExpression: true,
        options: [
          { name: 'List Open Items', value: 'listOpenItems', action: 'List the leads waiting in queues', description: 'One item per lead waiting in a queue (or an exception), oldest first' },
          { name: 'Record Outcome', value: 'recordOutcome', action: 'Record an outcome of a routed lead', description: 'What happened after routing: a first touch, a meeting booked, a deal won or lost' },
          { name: 'Take From Queue', value: 'takeFromQueue', action: 'Take a lead from its queue', description: 'Give a lead waiting in a queue to a person' },
        ],
        default: 'recordOutcome',
      },
      {
        displayName: 'Lead',
        name: 'lead',
        type: 'string',
        required: true,
        default: '={{ $json.routing.id }}',
        description: 'The routing ID the Route node put on the item, or the lead key (the policy’s declared key field, else the email; its latest decision)',
        displayOptions: { show: { operation: ['recordOutcome', 'takeFromQueue'] } },
      },
      {
        displayName: 'Event',
        name: 'event',
        type: 'options',
        options: [
          // Written out for n8n's lint; the node's test checks they are OUTCOMES, OFFER_ANSWERS and worked.
          { name: 'Buyer Accepted', value: 'accepted', description: 'A buyer took the lead it was offered: a sale (Value: the price), counted toward its sold_cap' },
          { name: 'Buyer Declined', value: 'declined', description: 'A buyer turned the offer down (Data: its reason)' },
          { name: 'Buyer Returned', value: 'returned', description: 'A buyer gave a lead back for a refund: the sale no longer counts toward its sold_cap' },
          { name: 'Buyer Timed Out', value: 'timed_out', description: 'A buyer did not answer the offer in time' },
          { name: 'Disqualified', value: 'disqualified' },
          { name: 'First Touch', value: 'first_touch' },
          { name: 'Lost', value: 'lost' },
          { name: 'Meeting Booked', value: 'meeting_booked' },
          { name: 'Opportunity', value: 'opportunity' },
          { name: 'Won', value: 'won' },
          { name: 'Worked', value: 'worked' },
          { name: 'Custom', value: CUSTOM, description: 'A name of your own (demo_attended, ...)' },
        ],
        default: 'meeting_booked',
        description: 'What happened',
        displayOptions: { show: { operation: ['recordOutcome'] } },
      },
      {
        displayName: 'Event Name',
        name: 'customEvent',
        type: 'string',
        required: true,
        default: '',
        placeholder: 'accepted',
        description: 'Lower-case letters, digits and _, starting with a letter',
        displayOptions: { show: { operation: ['recordOutcome'], event: [CUSTOM] } },
      },
      {
        displayName: 'Additional Fields',
        name: 'outcomeFields',
        type: 'collection',
        placeholder: 'Add Field',
        default: {},
        displayOptions: { show: { operation: ['recordOutcome'] } },
        options: [
          { displayName: 'At', name: 'at', type: 'dateTime', default: '', description: 'When it happened (UTC unless it says). Empty: now.' },
          { displayName: 'By', name: 'by', type: 'string', default: '', description: 'Who did it: the rep, the CRM user' },
          { displayName: 'Data', name: 'data', type: 'json', default: '{}', description: 'Anything else, as JSON' },
          { displayName: 'Value', name: 'value', type: 'number', default: 0, description: 'A number that goes with it: a deal’s amount, a buyer’s price' },
        ],
      },
      {
        displayName: 'Taken By',
        name: 'by',
        type: 'string',
        required: true,
        default: '',
        description: 'Who takes the lead: they have it from then on',
        displayOptions: { show: { operation: ['takeFromQueue'] } },
      },
      {
        displayName: 'Taken At',
        name: 'at',
        type: 'dateTime',
        default: '',
        description: 'When (UTC unless it says). Empty: now.',
        displayOptions: { show: { operation: ['takeFromQueue'] } },
      },
      {
        displayName: 'Filters',
        name: 'filters',
        type: 'collection',
        placeholder: 'Add Filter',
        default: {},
        displayOptions: { show: { operation: ['listOpenItems'] } },
        options: [
          { displayName: 'Older Than', name: 'olderThan', type: 'string', default: '', placeholder: '30m', description: 'Only leads that have waited this long or longer (30s, 15m, 4h, 2d, 1w)' },
          { displayName: 'Policy', name: 'policy', type: 'string', default: '', description: 'Only this policy’s leads' },
          { displayName: 'Queue', name: 'queue', type: 'string', default: '', description: 'Only this queue' },
        ],
      },
      {
        displayName: 'Output Field',
        name: 'outputField',
        type: 'string',
        default: 'ledger',
        description: 'The field of each item that receives the ledger entry written',
        displayOptions: { show: { operation: ['recordOutcome', 'takeFromQueue'] } },
      },
      ...ledgerStoreProperties,
    ],
  };

  methods = stateStoreMethods;

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const output: INodeExecutionData[][] = [[]];
    if (items.length === 0) return output;
    const operation = this.getNodeParameter('operation', 0, 'recordOutcome') as Operation;
    const store = await nodeStateStore(this);
    const now = Date.now();

    if (operation === 'listOpenItems') {
      await forEachItem(this, items, output, 0, async (_item, i) => {
        const filters = this.getNodeParameter('filters', i, {}) as { olderThan?: string; policy?: string; queue?: string };
        const age = filters.olderThan?.trim() ? parseDuration(filters.olderThan.trim()) : null;
        if (age !== null && !age.ok) throw new NodeOperationError(this.getNode(), `Older Than: ${age.message}`, { itemIndex: i });
        const found = await openItems(store, { queue: filters.queue?.trim() || undefined, policy: filters.policy?.trim() || undefined, waitingSince: age === null ? undefined : now - age.ms });
        for (const open of found) output[0].push({ json: openItemJson(open, now) as IDataObject, pairedItem: { item: i } });
      });
      return output;
    }

    const field = this.getNodeParameter('outputField', 0, 'ledger') as string;
    if (field.trim() === '') throw new NodeOperationError(this.getNode(), 'The output field name is empty');
    await forEachItem(this, items, output, 0, async (item, i) => {
      const lead = leadOf(this, i);
      let entry: EventEntry;
      if (operation === 'takeFromQueue') {
        const by = String(this.getNodeParameter('by', i, '')).trim();
        if (by === '') throw new NodeOperationError(this.getNode(), 'Taken By is empty: say who takes the lead', { itemIndex: i });
        const at = parameterInstant(this, 'Taken At', this.getNodeParameter('at', i, ''), now, i);
        entry = await takeFromQueue(store, lead, by, at);
      } else {
        const chosen = this.getNodeParameter('event', i, 'meeting_booked') as string;
        const event = chosen === CUSTOM ? String(this.getNodeParameter('customEvent', i, '')).trim() : chosen;
        const problem = outcomeEventProblem(event);
        if (problem !== null) throw new NodeOperationError(this.getNode(), `Event Name: ${problem}`, { itemIndex: i });
        const fields = this.getNodeParameter('outcomeFields', i, {}) as OutcomeFields;
        entry = await recordOutcome(store, {
          lead,
          event,
          at: parameterInstant(this, 'At', fields.at, now, i),
          by: fields.by?.trim() || null,
          value: fields.value ?? null,
          data: dataOf(this, fields.data, i),
        });
      }
      const out: INodeExecutionData = { json: withField(item.json, field, entryJson(entry)), pairedItem: { item: i } };
      if (item.binary !== undefined) out.binary = item.binary;
      output[0].push(out);
    });
    return output;
  }
}
