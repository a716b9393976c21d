// The library's front door (routing/route.ts) is the one way leads are routed: the command line,
// routeMany() and the Route node inside n8n's engine give the same decisions for the example
// export, each through its own fresh SQLite file; route() one lead at a time agrees with
// routeMany(), arrays and async iterables agree, a failing store becomes exception decisions,
// and a bug is thrown rather than dressed up as an exception lead.

import '../nodes/n8n-env';
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';
import { readLeads, type LeadRecord } from '../../cli/leads';
import { compilePolicy, type CompiledPolicy } from '../../compiler/compile';
import type { Decision } from '../../compiler/decision';
import { closeNodeStateStores } from '../../nodes/shared/store';
import { route, routeMany, STORE_FAILURE, unreadableDecision } from '../../routing/route';
import { MemoryStore, openStore, readState, type StateStore } from '../../state';
import { runCli } from '../cli/run-cli';
import { blankIds, withoutOpenItems } from '../state/helpers';
import { INPUT, ROUTE, runWorkflow } from '../nodes/harness';

jest.setTimeout(60_000);

const ROOT = join(__dirname, '..', '..');
const POLICY_FILE = join(ROOT, 'examples', 'acme-inbound.route');
const LEADS_FILE = join(ROOT, 'examples', 'leads.csv');
const NOW = '2026-11-23T15:00:00Z';
const ROUTED_AT = '2026-11-23T15:00:00.000Z';
const POLICY_SOURCE = readFileSync(POLICY_FILE, 'utf8');

/** The fields of LANGUAGE.md "The decision" (`warnings` when the decision has it); workflow fields such as `history` are left out. */
const DECISION_FIELDS = ['status', 'assignee', 'queue', 'pool', 'rule', 'path', 'candidates', 'sla', 'priority', 'tags', 'escalation', 'reason', 'policy', 'routed_at'] as const;

function decisionFields(value: unknown): Record<string, unknown> {
  const routing = value as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const field of DECISION_FIELDS) picked[field] = routing[field];
  if (Object.prototype.hasOwnProperty.call(routing, 'warnings')) picked.warnings = routing.warnings;
  return picked;
}

/** Every record of the example export, read by the command line's own CSV reader. */
async function readExampleLeads(): Promise<LeadRecord[]> {
  const records: LeadRecord[] = [];
  for await (const batch of readLeads(createReadStream(LEADS_FILE), 'csv', LEADS_FILE)) records.push(...batch);
  return records;
}

let dir = '';
let records: LeadRecord[] = [];
let leads: Record<string, unknown>[] = [];
let policy: CompiledPolicy;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'leadroute-front-door-'));
  records = await readExampleLeads();
  leads = records.flatMap((r) => (r.lead === null ? [] : [r.lead]));
  policy = compilePolicy(POLICY_SOURCE, { file: POLICY_FILE });
});

afterAll(async () => {
  await closeNodeStateStores();
  rmSync(dir, { recursive: true, force: true });
});

/** The CLI: `leadroute route` over the file, JSON lines out, the `routing` of each line. */
async function throughCli(file: string): Promise<Record<string, unknown>[]> {
  const run = await runCli(['route', POLICY_FILE, LEADS_FILE, '--now', NOW, '--state', `sqlite:${file}`]);
  expect(run.code).toBe(0);
  const lines = run.stdout.trimEnd().split('\n');
  return lines.map((line) => decisionFields((JSON.parse(line) as { routing: unknown }).routing));
}

/** The library: routeMany() over the same records, an unreadable record getting what the CLI gives it. */
async function throughLibrary(file: string): Promise<Record<string, unknown>[]> {
  const store = openStore({ kind: 'sqlite', file });
  try {
    const decided = await routeMany(policy, leads, { store, now: NOW });
    let next = 0;
    return records.map((r) => decisionFields(r.lead === null ? unreadableDecision(policy, NOW, r.problem ?? '') : decided[next++]));
  } finally {
    await store.close();
  }
}

/** The Route node inside n8n's WorkflowExecute with an SQLite file; items put back in input order by their pairing. */
async function throughNode(file: string): Promise<Record<string, unknown>[]> {
  const run = await runWorkflow(
    {
      nodes: [
        { name: 'Input', type: INPUT },
        { name: 'Route', type: ROUTE, parameters: { policy: POLICY_SOURCE, stateStore: 'sqlite', databaseFile: file, routingTime: NOW } },
      ],
      links: [{ from: 'Input', to: 'Route' }],
    },
    { node: 'Input', items: leads as IDataObject[] },
  );
  expect(run.status).toBe('success');
  const byInput = new Map<number, Record<string, unknown>>();
  for (const items of run.outputs('Route')) {
    for (const item of items) byInput.set((item.pairedItem as { item: number }).item, decisionFields(item.json.routing));
  }
  expect(byInput.size).toBe(leads.length);
  return leads.map((_, i) => byInput.get(i) as Record<string, unknown>);
}

describe('examples/leads.csv with examples/acme-inbound.route, each way through a fresh SQLite file', () => {
  let cli: Record<string, unknown>[] = [];
  let library: Record<string, unknown>[] = [];
  let node: Record<string, unknown>[] = [];

  beforeAll(async () => {
    cli = await throughCli(join(dir, 'cli.sqlite'));
    library = await throughLibrary(join(dir, 'library.sqlite'));
    node = await throughNode(join(dir, 'node.sqlite'));
  });

  test('the export is the 600 leads the example promises, every one of them routed at the fixed clock', () => {
    expect(records).toHaveLength(600);
    expect(cli).toHaveLength(600);
    expect(cli.every((d) => d.routed_at === ROUTED_AT)).toBe(true);
    expect(cli.every((d) => (d.policy as Decision['policy']).name === 'acme-inbound')).toBe(true);
  });

  test('the command line and routeMany() give the same decisions, in input order', () => {
    expect(library).toEqual(cli);
  });

  test('the Route node in WorkflowExecute gives the same decisions, in input order', () => {
    // Items are lead objects: an unreadable CSV row (none in this export, checked here) could not be an item.
    expect(records.filter((r) => r.lead === null)).toEqual([]);
    expect(node).toEqual(cli);
  });

  test('each way left the same routing state in its SQLite file', async () => {
    const states = [];
    for (const name of ['cli', 'library', 'node']) {
      const store = openStore({ kind: 'sqlite', file: join(dir, `${name}.sqlite`) });
      try {
        states.push({ keys: Object.fromEntries(withoutOpenItems(await store.list(''))), report: await readState(store, 'acme-inbound', Date.parse(NOW)) });
      } finally {
        await store.close();
      }
    }
    expect(states[0].report.rotations.map((r) => r.pool).sort()).toEqual(['enterprise.*', 'enterprise.emea', 'enterprise.na', 'midmarket.*', 'payments_team', 'smb.*']);
    expect(states[1]).toEqual(states[0]);
    expect(states[2]).toEqual(states[0]);
  });

  test('the decisions are not trivial: every status, many assignees, round robin visible', () => {
    const decisions = cli as unknown as Decision[];
    const statuses = new Set(decisions.map((d) => d.status));
    expect([...statuses].sort()).toEqual(['assigned', 'exception', 'queued']);
    const assignees = new Set(decisions.flatMap((d) => (d.assignee === null ? [] : [d.assignee])));
    expect(assignees.size).toBeGreaterThanOrEqual(6);
    expect(new Set(decisions.flatMap((d) => (d.queue === null ? [] : [d.queue]))).size).toBeGreaterThanOrEqual(2);

    // Round robin from a fresh store: the first three leads a rule sends to enterprise.na go to
    // alice, bob and carol in turn, and the pool's members share its leads within one.
    const enterpriseNa = decisions.filter((d) => d.pool === 'enterprise.na' && d.rule !== null && d.status === 'assigned').map((d) => d.assignee);
    expect(enterpriseNa.slice(0, 3)).toEqual(['alice', 'bob', 'carol']);
    const midmarket = decisions.filter((d) => d.pool === 'midmarket.*' && d.rule !== null && d.status === 'assigned').map((d) => d.assignee);
    expect(new Set(midmarket)).toEqual(new Set(['mia', 'noah']));
    const mia = midmarket.filter((a) => a === 'mia').length;
    expect(Math.abs(mia - (midmarket.length - mia))).toBeLessThanOrEqual(1);
  });
});

describe('route() and routeMany()', () => {
  test('route() one lead at a time gives the decisions routeMany() gives for the same leads', async () => {
    const many = await routeMany(policy, leads, { store: new MemoryStore(), now: NOW });
    const store = new MemoryStore();
    const one: Decision[] = [];
    for (const lead of leads) one.push(await route(policy, lead, { store, now: NOW }));
    expect(blankIds(one)).toEqual(blankIds(many));
    expect(new Set(many.map((d) => d.status)).size).toBe(3);
  });

  test('an async iterable of leads yields the decisions of the array form, in order', async () => {
    const array = await routeMany(policy, leads, { store: new MemoryStore(), now: NOW });
    async function* generate(): AsyncGenerator<unknown> {
      for (const lead of leads) {
        await Promise.resolve();
        yield lead;
      }
    }
    const streamed: Decision[] = [];
    for await (const decision of routeMany(policy, generate(), { store: new MemoryStore(), now: NOW })) streamed.push(decision);
    expect(blankIds(streamed)).toEqual(blankIds(array));
  });
});

/** A store whose every transaction fails, as an unreachable server would. */
class FailingStore implements StateStore {
  readonly name = 'failing-test-store';
  transact<T>(): Promise<T> {
    return Promise.reject(new Error('connection refused'));
  }
  list(): Promise<never> {
    return Promise.reject(new Error('connection refused'));
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

describe('failures', () => {
  const some = (): Record<string, unknown>[] => leads.slice(0, 40);

  test('a store that fails gives every lead an exception decision whose reason says the state store is unavailable', async () => {
    const store = new FailingStore();
    const many = await routeMany(policy, some(), { store, now: NOW });
    const one = await route(policy, some()[0], { store, now: NOW });
    for (const decision of [...many, one]) {
      expect(decision).toMatchObject({ status: 'exception', assignee: null, queue: 'exceptions', routed_at: ROUTED_AT });
      expect(decision.reason).toMatch(new RegExp(`^${STORE_FAILURE}`));
      expect(decision.reason).toContain('connection refused');
    }
    expect(many).toHaveLength(some().length);
  });

  describe('a bug (decide throws a TypeError) is thrown, not turned into an exception decision', () => {
    /** What the promise rejected with (the test fails when it resolves). */
    const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
      try {
        await promise;
      } catch (error) {
        return error;
      }
      throw new Error('expected a rejection, got decisions');
    };
    const isTheBug = (error: unknown): boolean => error instanceof TypeError && error.message === 'decide broke';

    const broken = (): CompiledPolicy => ({
      ...policy,
      decide(lead, options) {
        if (lead === leads[3]) throw new TypeError('decide broke');
        return policy.decide(lead, options);
      },
    });

    test('route() rejects with it', async () => {
      expect(isTheBug(await rejection(route(broken(), some()[3], { store: new MemoryStore(), now: NOW })))).toBe(true);
    });

    test('routeMany() over an array fails with it', async () => {
      // Either way it may surface (see the next test), it is the bug itself, never decisions.
      expect(isTheBug(await rejection((async () => await routeMany(broken(), some(), { store: new MemoryStore(), now: NOW }))()))).toBe(true);
    });

    test('routeMany() over an array reports it through the promise it returns, not by a synchronous throw', async () => {
      let result: Promise<Decision[]> | undefined;
      let thrown: unknown;
      try {
        result = routeMany(broken(), some(), { store: new MemoryStore(), now: NOW });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeUndefined();
      expect(isTheBug(await rejection(result as Promise<Decision[]>))).toBe(true);
    });

    test('routeMany() over an async iterable throws it from the iteration', async () => {
      async function* generate(): AsyncGenerator<unknown> {
        yield* some();
      }
      const drain = async (): Promise<Decision[]> => {
        const out: Decision[] = [];
        for await (const d of routeMany(broken(), generate(), { store: new MemoryStore(), now: NOW })) out.push(d);
        return out;
      };
      expect(isTheBug(await rejection(drain()))).toBe(true);
    });
  });
});
