// Lead Ledger inside n8n's engine: leads routed by the Route node into an SQLite file, then an
// outcome recorded, a queued lead taken and the waiting leads listed through the node, read
// back from the same file's ledger.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDataObject, IExecuteFunctions, INodeParameters } from 'n8n-workflow';
import { LeadLedger } from '../../nodes/LeadLedger/LeadLedger.node';
import { closeNodeStateStores, nodeStateStore } from '../../nodes/shared/store';
import { OFFER_ANSWERS, OUTCOMES, readLedger, type LedgerEntry } from '../../state';
import { INPUT, LEAD_LEDGER, ROUTE, runWorkflow, type WorkflowSpec } from './harness';

const POLICY = `policy "ledger-node"
pool sales = [alice, bob]
when type = support route queue support
else round_robin(sales) sla 15m
fallback queue exceptions`;

const ROUTED_AT = '2026-11-23T15:00:00Z';

let file = '';
beforeEach(() => {
  file = join(mkdtempSync(join(tmpdir(), 'leadroute-ledger-node-')), 'state.sqlite');
});
afterAll(closeNodeStateStores);

const store = { stateStore: 'sqlite', databaseFile: '' };

/** Input -> Route -> Lead Ledger (from every output of Route), one SQLite file for both. */
function ledgerWorkflow(parameters: INodeParameters, onError?: 'continueRegularOutput', routingTime = ROUTED_AT): WorkflowSpec {
  const shared = { ...store, databaseFile: file };
  return {
    nodes: [
      { name: 'Input', type: INPUT },
      { name: 'Route', type: ROUTE, parameters: { policy: POLICY, routingTime, ...shared } },
      { name: 'Lead Ledger', type: LEAD_LEDGER, parameters: { ...parameters, ...shared }, ...(onError === undefined ? {} : { onError }) },
    ],
    links: [0, 1, 2].map((output) => ({ from: 'Route', to: 'Lead Ledger', output })).concat([{ from: 'Input', to: 'Route', output: 0 }]),
  };
}

/** The ledger the nodes wrote, through the store the nodes opened on the file. */
async function ledger(query: { id?: string } = {}): Promise<LedgerEntry[]> {
  const opened = await nodeStateStore({ getNodeParameter: (name: string) => (name === 'stateStore' ? 'sqlite' : file) } as unknown as IExecuteFunctions);
  const entries: LedgerEntry[] = [];
  for await (const entry of readLedger(opened, query)) entries.push(entry);
  return entries;
}

const routingId = (json: IDataObject): string => (json.routing as { id: string }).id;

describe('Lead Ledger node', () => {
  it('offers every outcome, every buyer answer and worked as events, besides a custom name', () => {
    const event = new LeadLedger().description.properties.find((p) => p.name === 'event');
    const values = (event?.options as { value: string }[]).map((o) => o.value);
    expect(values.sort()).toEqual([...OUTCOMES, ...OFFER_ANSWERS, 'worked', 'custom'].sort());
  });

  it('records an outcome against the routing id on the item, and puts the entry on the item', async () => {
    const run = await runWorkflow(
      ledgerWorkflow({ event: 'won', outcomeFields: { at: '2026-11-25T10:00:00Z', by: 'mia', value: 12500, data: '{"crm":"deal-7"}' } }),
      { node: 'Input', items: [{ email: 'ann@example.com', type: 'demo' }] },
    );
    expect(run.status).toBe('success');
    const [out] = run.json('Lead Ledger');
    const id = routingId(out);
    expect(out.email).toBe('ann@example.com');
    expect(out.ledger).toEqual({ type: 'won', id, key: 'ann@example.com', at: '2026-11-25T10:00:00.000Z', policy: 'ledger-node', by: 'mia', assignee: 'alice', queue: null, value: 12500, data: { crm: 'deal-7' } });
    const entries = await ledger({ id });
    expect(entries.map((e) => e.type)).toEqual(['decision', 'won']);
    expect(entries[1]).toMatchObject({ at: Date.parse('2026-11-25T10:00:00Z'), value: 12500, by: 'mia' });
  });

  it('finds the lead by its key too, and records a custom event with no value or data', async () => {
    await runWorkflow(ledgerWorkflow({ event: 'first_touch' }), { node: 'Input', items: [{ email: 'bo@example.com', type: 'demo' }] });
    const spec = ledgerWorkflow({ lead: '={{ $json.email }}', event: 'custom', customEvent: 'accepted' });
    // Only the Lead Ledger node runs: the lead comes from a CRM webhook, not from Route.
    const run = await runWorkflow({ ...spec, links: [] }, { node: 'Lead Ledger', items: [{ email: ' BO@example.com' }] });
    expect(run.json('Lead Ledger')[0].ledger).toMatchObject({ type: 'accepted', key: 'bo@example.com', by: null, value: null, data: null });
    expect((await ledger()).map((e) => e.type)).toEqual(['decision', 'first_touch', 'accepted']);
  });

  it('refuses a custom event that is not a name, or is a routing event, naming the item', async () => {
    const bad = await runWorkflow(ledgerWorkflow({ event: 'custom', customEvent: 'Meeting Booked' }), { node: 'Input', items: [{ type: 'demo' }] });
    expect(bad.nodeError('Lead Ledger')?.message).toBe('Event Name: event "Meeting Booked" is not a name of lower-case letters, digits and _');
    const routing = await runWorkflow(ledgerWorkflow({ event: 'custom', customEvent: 'breached' }), { node: 'Input', items: [{ type: 'demo' }] });
    expect(routing.nodeError('Lead Ledger')?.message).toBe('Event Name: breached is recorded by routing itself, not as an outcome');
    expect((routing.nodeError('Lead Ledger') as { context?: { itemIndex?: number } }).context?.itemIndex).toBe(0);
  });

  it('fails on an unknown lead naming the item, or with continue on fail puts the error on that item only', async () => {
    const items = [{ email: 'known@example.com', type: 'demo' }, { email: 'nobody@example.com', type: 'demo' }];
    const parameters = { lead: "={{ $json.email === 'nobody@example.com' ? 'r_unknown' : $json.routing.id }}", event: 'meeting_booked' };
    const failed = await runWorkflow(ledgerWorkflow(parameters), { node: 'Input', items });
    const error = failed.nodeError('Lead Ledger') as Error & { context?: { itemIndex?: number } };
    expect(error.message).toBe('the ledger has no routing id or lead key "r_unknown"');
    expect(error.context?.itemIndex).toBe(1);

    const run = await runWorkflow(ledgerWorkflow(parameters, 'continueRegularOutput'), { node: 'Input', items });
    const [known, unknown] = run.json('Lead Ledger');
    expect(known.ledger).toMatchObject({ type: 'meeting_booked' });
    expect(unknown).toMatchObject({ email: 'nobody@example.com', error: 'the ledger has no routing id or lead key "r_unknown"' });
    expect(unknown.ledger).toBeUndefined();
  });

  it('fails an item without a lead (no routing.id for the default expression), and names a store that cannot be opened', async () => {
    const spec = ledgerWorkflow({ event: 'won' });
    const empty = await runWorkflow({ ...spec, links: [] }, { node: 'Lead Ledger', items: [{ email: 'x@example.com' }] });
    expect(empty.nodeError('Lead Ledger')?.message).toBe('Lead is empty: give the routing ID (routing.id) or the lead key');
    const broken = { ...spec, nodes: spec.nodes.map((n) => (n.name === 'Lead Ledger' ? { ...n, parameters: { ...n.parameters, databaseFile: tmpdir() } } : n)) };
    const run = await runWorkflow(broken, { node: 'Input', items: [{ type: 'demo' }] });
    expect(run.nodeError('Lead Ledger')?.message).toMatch(/^routing state store sqlite failed: could not be opened: /);
  });

  it('takes a queued lead from its queue, once', async () => {
    const take = { operation: 'takeFromQueue', by: 'carol', at: '2026-11-23T15:30:00Z' };
    const run = await runWorkflow(ledgerWorkflow(take), { node: 'Input', items: [{ email: 'sue@example.com', type: 'support' }] });
    const [out] = run.json('Lead Ledger');
    expect(out.ledger).toMatchObject({ type: 'taken', id: routingId(out), by: 'carol', assignee: 'carol', at: '2026-11-23T15:30:00.000Z', data: { queue: 'support', waited_ms: 30 * 60_000 } });

    const spec = ledgerWorkflow({ ...take, lead: '={{ $json.email }}', by: 'dan' });
    const again = await runWorkflow({ ...spec, links: [] }, { node: 'Lead Ledger', items: [{ email: 'sue@example.com' }] });
    expect(again.nodeError('Lead Ledger')?.message).toBe('lead "sue@example.com" is not waiting in a queue (taken already, or assigned to someone)');
  });

  it('lists the leads waiting in queues, oldest first, filtered by queue and age', async () => {
    const list = (filters: INodeParameters): WorkflowSpec => ({ ...ledgerWorkflow({ operation: 'listOpenItems', filters }), links: [] });
    // Routed two hours ago: older than 1h, not older than 3h.
    const routed = ledgerWorkflow({ event: 'first_touch' }, undefined, '={{ $now.minus({ hours: 2 }).toISO() }}');
    await runWorkflow(routed, { node: 'Input', items: [{ email: 'a@example.com', type: 'demo' }, { email: 'q@example.com', type: 'support' }] });
    const all = await runWorkflow(list({ olderThan: '1h' }), { node: 'Lead Ledger', items: [{}] });
    expect(all.json('Lead Ledger')).toEqual([expect.objectContaining({ key: 'q@example.com', queue: 'support', status: 'queued', policy: 'ledger-node', reason: null })]);
    const [item] = all.json('Lead Ledger');
    expect(item.waited_ms).toBeGreaterThanOrEqual(2 * 3_600_000);
    expect((await runWorkflow(list({ queue: 'exceptions' }), { node: 'Lead Ledger', items: [{}] })).json('Lead Ledger')).toEqual([]);
    expect((await runWorkflow(list({ olderThan: '3h' }), { node: 'Lead Ledger', items: [{}] })).json('Lead Ledger')).toEqual([]);
    const bad = await runWorkflow(list({ olderThan: 'soon' }), { node: 'Lead Ledger', items: [{}] });
    expect(bad.nodeError('Lead Ledger')?.message).toMatch(/^Older Than: /);
  });
});
