// SLA Wait: parks the execution with n8n's own waiting until the lead's SLA is due, and wakes it
// early when the current assignee's link is called (the rep touched the lead). n8n resumes a
// deadline by sending the node's INPUT items to output 0 without running execute() again, so
// output 0 is Breached and the breach is recorded downstream (Escalate); a call of the resume
// URL runs webhook(), which checks the link first (routing/links.ts): the current link returns
// the items for both outputs (none on Breached, all on Worked with a `worked` event); an earlier
// attempt's link returns no items, which leaves the execution waiting, and keeps a `late_touch`
// in the state store.

import {
  NodeConnectionTypes,
  NodeOperationError,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
  type IWebhookFunctions,
  type IWebhookResponseData,
} from 'n8n-workflow';
import { ledgerTouch, markWorked, readRoutingRecord, routingIdOf, type RoutingRecord } from '../../routing/escalate';
import { callData, checkLink, movedOnAnswer, recordLateTouch, type LinkCheck } from '../../routing/links';
import { dueFrom, slaClock, slaDeadline, SlaSettingError, type SlaClock } from '../../routing/sla';
import { forEachItem, ownField, routingFieldName, routingFieldProperty, withField } from '../shared/items';
import { nodeStateStore, refuseMemoryInQueueMode, stateStoreMethods, stateStoreProperties, type StoreKind } from '../shared/store';

type DeadlineSource = 'decision' | 'duration';

interface WaitOptions {
  fallbackDuration?: string;
  businessHours?: string;
  timeZone?: string;
}

/** The node's wait of `duration` (its Duration or Fallback Duration), with its business hours; a setting that cannot be read fails the node, naming it. */
function nodeClock(ctx: IExecuteFunctions, duration: string, durationName: string, options: WaitOptions): SlaClock {
  const tz = options.timeZone?.trim() || ctx.getTimezone();
  try {
    return slaClock(duration, { hours: options.businessHours ?? '', tz });
  } catch (error) {
    if (!(error instanceof SlaSettingError)) throw new NodeOperationError(ctx.getNode(), error as Error);
    const name = error.setting === 'duration' ? durationName : error.setting === 'hours' ? 'Business Hours' : 'Time Zone';
    throw new NodeOperationError(ctx.getNode(), `${name}: ${error.message}`);
  }
}

export class SlaWait implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Lead SLA Wait',
    name: 'slaWait',
    icon: { light: 'file:slaWait.svg', dark: 'file:slaWait.dark.svg' },
    group: ['organization'],
    version: 1,
    subtitle: '={{ $parameter["deadline"] === "duration" ? "wait " + $parameter["duration"] : "until the SLA is due" }}',
    description: 'Wait until a routed lead’s SLA is due, or until its assignee works it (calls their own link)',
    defaults: { name: 'SLA Wait' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
    outputNames: ['Breached', 'Worked'],
    // Written out, not shared: n8n's lint reads the credential and its test from the node file.
    credentials: [{ name: 'leadRoutingRedis', required: true, testedBy: 'leadRoutingRedisConnectionTest', displayOptions: { show: { stateStore: ['redis'] } } }],
    webhooks: [
      { name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: 'The lead is marked as worked.', path: '', restartWebhook: true },
      { name: 'default', httpMethod: 'GET', responseMode: 'onReceived', responseData: 'The lead is marked as worked.', path: '', restartWebhook: true },
    ],
    properties: [
      {
        displayName:
          'The execution resumes on Worked when the current assignee’s link is called (GET or POST): Route and Escalate put it on each item as <code>routing.resume_url</code>, one link per assignment, so the notification before this node can carry a "mark as contacted" link. A link of an earlier assignee answers that the lead has moved on and leaves the wait running. Otherwise it resumes on Breached when the deadline passes; n8n checks deadlines about once a minute, so a breach may come out up to a minute late.',
        name: 'notice',
        type: 'notice',
        default: '',
      },
      {
        displayName: 'Deadline',
        name: 'deadline',
        type: 'options',
        noDataExpression: true,
        options: [
          { name: 'The Decision’s SLA', value: 'decision', description: 'Wait until routing.sla.due, as the policy set it' },
          { name: 'A Duration Set Here', value: 'duration', description: 'Wait a duration from now, optionally counting business hours only' },
        ],
        default: 'decision',
      },
      {
        displayName: 'Duration',
        name: 'duration',
        type: 'string',
        default: '1h',
        placeholder: '15m',
        description: 'How long to wait: a whole number and a unit, as in the policy language (30s, 15m, 4h, 2d, 1w)',
        displayOptions: { show: { deadline: ['duration'] } },
      },
      routingFieldProperty,
      ...stateStoreProperties.map((p) => (p.name === 'stateStore' ? { ...p, description: 'Where late touches (calls of an earlier assignee’s link) are kept until the next step of the lead: the same store as the Route node’s' } : p)),
      {
        displayName: 'Options',
        name: 'options',
        type: 'collection',
        placeholder: 'Add Option',
        default: {},
        options: [
          {
            displayName: 'Fallback Duration',
            name: 'fallbackDuration',
            type: 'string',
            default: '',
            placeholder: '1d',
            description: 'For a lead whose decision has no SLA (its rule has no `sla`): how long to wait. Empty: such a lead fails the node.',
          },
          {
            displayName: 'Business Hours',
            name: 'businessHours',
            type: 'string',
            default: '',
            placeholder: 'Mon-Fri 09:00-17:00',
            description: 'Count the duration only inside these hours (the policy language’s hours syntax). Empty: clock time.',
          },
          {
            displayName: 'Time Zone',
            name: 'timeZone',
            type: 'string',
            default: '',
            placeholder: 'America/New_York',
            description: 'IANA zone of the business hours. Empty: the workflow’s time zone.',
          },
        ],
      },
    ],
  };

  // A restart webhook is served by n8n's waiting-webhook handler and never registered, so there is nothing to create or delete.
  webhookMethods = {
    default: {
      async checkExists(): Promise<boolean> {
        return true;
      },
      async create(): Promise<boolean> {
        return true;
      },
      async delete(): Promise<boolean> {
        return true;
      },
    },
  };

  methods = stateStoreMethods;

  async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
    const field = this.getNodeParameter('routingField', 'routing') as string;
    const request = this.getRequestObject();
    const query = this.getQueryData() as Record<string, unknown>;
    const data = callData(request.method, query, this.getBodyData());
    // The items the execution waits with (how n8n's own Form node reads them in a webhook).
    const waiting = this.evaluateExpression('{{ $input.all() }}') as INodeExecutionData[];
    let found: { index: number; routing: RoutingRecord; check: Exclude<LinkCheck, { kind: 'invalid' }> } | null = null;
    let why = 'no lead is waiting here';
    for (let i = 0; i < waiting.length && found === null; i++) {
      const routing = readRoutingRecord(ownField(waiting[i].json, field));
      if (typeof routing === 'string') continue;
      const check = checkLink(routing, query);
      if (check.kind === 'invalid') why = check.why;
      else found = { index: i, routing, check };
    }
    // Answered here and no items returned: n8n then leaves the execution waiting.
    const answer = (status: number, body: object): IWebhookResponseData => {
      this.getResponseObject().status(status).json(body);
      return { noWebhookResponse: true };
    };
    if (found === null) return answer(403, { status: 'invalid', message: `This link does not stop the lead's SLA: ${why}.` });
    const at = Date.now();
    const store = await nodeStateStore(this);
    const id = routingIdOf(ownField(waiting[found.index].json, field));
    if (found.check.kind === 'earlier') {
      const touch = await recordLateTouch(store, found.routing, found.check, at, data);
      await ledgerTouch(store, id, found.routing, touch);
      return answer(200, movedOnAnswer(found.routing));
    }
    const worked = await markWorked(store, id, found.routing, at, data);
    // One execution waits once: the other items (route one lead per execution) leave with it, unchanged.
    const items = waiting.map((item, i): INodeExecutionData => {
      const out: INodeExecutionData = { json: i === found.index ? withField(item.json, field, worked) : item.json, pairedItem: { item: i } };
      if (item.binary !== undefined) out.binary = item.binary;
      return out;
    });
    return { workflowData: [[], items] };
  }

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    // The resume call reads the store; refused there, the lead would wait for nothing.
    refuseMemoryInQueueMode(this, (this.getNodeParameter('stateStore', 0, '') || 'sqlite') as StoreKind);
    const items = this.getInputData();
    const field = routingFieldName(this);
    const source = this.getNodeParameter('deadline', 0, 'decision') as DeadlineSource;
    const options = this.getNodeParameter('options', 0, {}) as WaitOptions;
    const now = Date.now();
    const fallbackText = options.fallbackDuration?.trim() ?? '';
    const clock: SlaClock | null =
      source === 'duration'
        ? nodeClock(this, this.getNodeParameter('duration', 0) as string, 'Duration', options)
        : fallbackText === ''
          ? null
          : nodeClock(this, fallbackText, 'Fallback Duration', options);

    // One execution waits once: until the earliest deadline, so no lead waits past its own.
    let earliest = Infinity;
    const failed: INodeExecutionData[][] = [[]];
    await forEachItem(this, items, failed, 0, (item, i) => {
      let due: number | null;
      if (source === 'duration') due = dueFrom(now, clock as SlaClock);
      else {
        const routing = readRoutingRecord(ownField(item.json, field));
        if (typeof routing === 'string') throw new NodeOperationError(this.getNode(), `The field \`${field}\` is not a routing decision: ${routing}`, { itemIndex: i });
        due = slaDeadline(routing, now, clock);
        if (due === null) {
          const rule = routing.rule === null ? 'no rule' : `rule \`${routing.rule.source}\``;
          throw new NodeOperationError(this.getNode(), `The decision has no SLA (${rule}); set a Fallback Duration to wait for such leads`, { itemIndex: i });
        }
      }
      if (due < earliest) earliest = due;
    });

    // No deadline at all: every item failed and continues on fail, carrying its error.
    if (earliest === Infinity) return [failed[0], []];
    if (earliest > now) await this.putExecutionToWait(new Date(earliest));
    // Waiting: n8n discards this and, at the deadline, sends the input to Breached. Already due: Breached now.
    return [items.map((item, i): INodeExecutionData => ({ ...item, pairedItem: { item: i } })), []];
  }
}
