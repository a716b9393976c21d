// Lead Queue Trigger: watches the queues of the routing ledger and starts the workflow once for
// each lead that has waited in a queue (or as an exception) longer than a set age, so a queue
// nobody watched gets an alert and an owner. Which leads are overdue is the library's
// (overdueItems); the node remembers, in its static data, the ones it has fired for. n8n runs
// one poll of a node at a time, so the static data is not written by two polls at once.

import { NodeConnectionTypes, NodeOperationError, type IDataObject, type INodeExecutionData, type INodeType, type INodeTypeDescription, type IPollFunctions } from 'n8n-workflow';
import { parseDuration } from '../../dsl/durations';
import { openItemJson, openItemMark, overdueItems } from '../../state';
import { ledgerStoreProperties, nodeStateStore, stateStoreMethods } from '../shared/store';

/** Where the node keeps the marks (openItemMark) of the overdue leads it has fired for. */
const FIRED = 'fired';

interface QueueAges {
  ages?: { queue?: string; olderThan?: string }[];
}

/** An age parameter in ms; a text that is not a duration fails the poll, naming the parameter. */
function ageOf(ctx: IPollFunctions, text: string, what: string): number {
  const parsed = parseDuration(text.trim());
  if (!parsed.ok) throw new NodeOperationError(ctx.getNode(), `${what}: ${parsed.message}`);
  return parsed.ms;
}

export class LeadQueueTrigger implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Lead Queue Trigger',
    name: 'leadQueueTrigger',
    icon: { light: 'file:leadQueueTrigger.svg', dark: 'file:leadQueueTrigger.dark.svg' },
    group: ['trigger'],
    version: 1,
    subtitle: '={{ ($parameter["queue"] || "any queue") + ", older than " + $parameter["olderThan"] }}',
    description: 'Starts the workflow when a routed lead has waited in a queue (or the exceptions queue) longer than a set age',
    defaults: { name: 'Lead Queue Trigger' },
    polling: true,
    inputs: [],
    outputs: [NodeConnectionTypes.Main],
    // Written out, not shared: n8n's lint reads the credential and its test from the node file.
    credentials: [{ name: 'leadRoutingRedis', required: true, testedBy: 'leadRoutingRedisConnectionTest', displayOptions: { show: { stateStore: ['redis'] } } }],
    properties: [
      {
        displayName:
          'Fires once for each lead that has waited longer than its age, with one item per lead; a lead taken from its queue (Lead Ledger, or <code>leadroute queue take</code>) and queued again fires again. A manual test run shows every lead waiting longer than its age now.',
        name: 'notice',
        type: 'notice',
        default: '',
      },
      {
        displayName: 'Queue',
        name: 'queue',
        type: 'string',
        default: '',
        placeholder: 'exceptions',
        description: 'The queue to watch. Empty: every queue, the fallback queue’s exceptions included.',
      },
      {
        displayName: 'Policy',
        name: 'policy',
        type: 'string',
        default: '',
        description: 'Only the leads of this policy. Empty: every policy’s.',
      },
      {
        displayName: 'Older Than',
        name: 'olderThan',
        type: 'string',
        default: '30m',
        description: 'How long a lead may wait before the trigger fires for it: a whole number and a unit (30s, 15m, 4h, 2d, 1w)',
      },
      {
        displayName: 'Ages by Queue',
        name: 'queueAges',
        type: 'fixedCollection',
        typeOptions: { multipleValues: true },
        placeholder: 'Add Queue Age',
        default: {},
        description: 'Other ages for some queues (e.g. exceptions 15m, overflow 4h); the other queues keep Older Than',
        options: [
          {
            displayName: 'Age',
            name: 'ages',
            values: [
              { displayName: 'Queue', name: 'queue', type: 'string', default: '', placeholder: 'exceptions' },
              { displayName: 'Older Than', name: 'olderThan', type: 'string', default: '15m', description: 'How long a lead of this queue may wait (30s, 15m, 4h, 2d, 1w)' },
            ],
          },
        ],
      },
      ...ledgerStoreProperties,
    ],
  };

  methods = stateStoreMethods;

  async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
    const queue = String(this.getNodeParameter('queue', '')).trim();
    const policy = String(this.getNodeParameter('policy', '')).trim();
    const age = ageOf(this, String(this.getNodeParameter('olderThan', '30m')), 'Older Than');
    const ages = new Map<string, number>();
    for (const entry of (this.getNodeParameter('queueAges', {}) as QueueAges).ages ?? []) {
      const name = entry.queue?.trim() ?? '';
      if (name !== '') ages.set(name, ageOf(this, entry.olderThan ?? '', `Ages by Queue › ${name}`));
    }
    const now = Date.now();
    const overdue = await overdueItems(await nodeStateStore(this), { queue: queue || undefined, policy: policy || undefined, age, ages }, now);

    let fire = overdue;
    // A test run shows what waits now and leaves the record of what fired alone.
    if (this.getMode() !== 'manual') {
      const data = this.getWorkflowStaticData('node');
      const fired = new Set(Array.isArray(data[FIRED]) ? (data[FIRED] as string[]) : []);
      fire = overdue.filter((item) => !fired.has(openItemMark(item)));
      // Only the leads still overdue are kept: one taken since is forgotten, so the list does not grow.
      const marks = overdue.map(openItemMark);
      // Set only when it changes: n8n saves the static data after a poll that changed it.
      if (fire.length > 0 || marks.length !== fired.size) data[FIRED] = marks;
    }
    if (fire.length === 0) return null;
    return [fire.map((item) => ({ json: openItemJson(item, now) as IDataObject }))];
  }
}
