// The routing-state store of the pack's nodes: the parameters that choose it and
// one open store per process and configuration. Stores stay open across executions (a
// connection or a file handle per execution would cost more than routing), and the in-memory
// store must be shared by every node and execution of the process, or round robin would
// restart on each run.

import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  NodeOperationError,
  type ICredentialsDecrypted,
  type IExecuteFunctions,
  type INodeCredentialDescription,
  type INodeCredentialTestResult,
  type INodeProperties,
  type INodeType,
  type IPollFunctions,
  type IWebhookFunctions,
} from 'n8n-workflow';
import { openStore, redisOptionsFromCredentials, storeIdentity, testRedisConnection, type LedgerStore, type RedisStoreOptions, type StateStore, type StateValue } from '../../state';

export type StoreKind = 'sqlite' | 'redis' | 'memory';

/** The name of the Redis credential type (credentials/LeadRoutingRedis.credentials.ts). */
export const REDIS_CREDENTIAL = 'leadRoutingRedis';

export const stateStoreProperties: INodeProperties[] = [
  {
    displayName: 'State Store',
    name: 'stateStore',
    type: 'options',
    noDataExpression: true,
    options: [
      {
        name: 'Embedded (SQLite File)',
        value: 'sqlite',
        description: 'Exact and durable for one n8n instance; no server needed',
      },
      {
        name: 'Redis',
        value: 'redis',
        description: 'For n8n queue mode (several workers): rotation, caps and sticky owners stay exact across all of them',
      },
      {
        name: 'In Memory (Trying Out)',
        value: 'memory',
        description: 'Kept in this n8n process only and lost on restart',
      },
    ],
    default: 'sqlite',
    description: 'Where rotation pointers, caps, away flags and sticky owners are kept. Route and Escalate nodes that share a store share the rotation.',
  },
  {
    displayName: 'Database File',
    name: 'databaseFile',
    type: 'string',
    default: '',
    // The real default of this n8n, read when n8n loads the node.
    placeholder: defaultDatabaseFile(),
    description: 'Path of the SQLite file. Empty: leadroute-state.sqlite in the n8n user folder (N8N_USER_FOLDER/.n8n).',
    displayOptions: { show: { stateStore: ['sqlite'] } },
  },
];

/** The store parameters of the nodes that read the ledger (Lead Ledger, Lead Queue Trigger): the same store as Route's. */
export const ledgerStoreProperties: INodeProperties[] = stateStoreProperties.map((p) =>
  p.name === 'stateStore' ? { ...p, description: 'The store that keeps the ledger: the same store as the Route node’s' } : p,
);

/** The credential test the nodes offer for the Redis credential (n8n's test requests are for HTTP services). */
export const REDIS_CONNECTION_TEST = 'leadRoutingRedisConnectionTest';

/**
 * The Redis credential as a node declares it. Route and Escalate write it out literally (n8n's
 * lint only sees a credential test declared in the node file); the pack's test checks that every
 * node declares exactly this.
 */
export const stateStoreCredentials: INodeCredentialDescription[] = [
  { name: REDIS_CREDENTIAL, required: true, testedBy: REDIS_CONNECTION_TEST, displayOptions: { show: { stateStore: ['redis'] } } },
];

/** The `methods` of every node that uses the state store: the Redis credential's connection test. */
export const stateStoreMethods: INodeType['methods'] = {
  credentialTest: {
    async [REDIS_CONNECTION_TEST](credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
      return await testRedisConnection(redisOptionsFromCredentials(credential.data ?? {}));
    },
  },
};

/** Where the SQLite file goes when the node leaves the path empty: n8n's own folder, as n8n finds it. */
export function defaultDatabaseFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.N8N_USER_FOLDER ?? homedir(), '.n8n', 'leadroute-state.sqlite');
}

/**
 * Whether this n8n runs in queue mode: n8n's own setting, EXECUTIONS_MODE=queue, which the main,
 * webhook and worker processes of a queue-mode set-up all carry.
 */
export function inQueueMode(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.EXECUTIONS_MODE === 'queue';
}

/** The ids of the SQLite states this process opened (storeIdentity), by store. */
const identities = new WeakMap<StateStore, Promise<string>>();

/** Where a node keeps, in n8n's database (shared by every process), the id of the SQLite state it last routed with. */
const SEEN_STATE = 'leadrouteSqliteState';

/**
 * In queue mode, a SQLite file is exact only when every worker opens the same one. Each run
 * compares the file's state id with the one the node recorded in its workflow static data (kept
 * by n8n in its shared database) and records its own: a worker with a file of its own finds the
 * other workers' id there, and the node warns in its output. Nothing is refused: a shared file
 * on one machine is a valid set-up.
 */
async function warnUnsharedSqlite(ctx: IExecuteFunctions, store: StateStore): Promise<void> {
  let identity = identities.get(store);
  if (identity === undefined) {
    identity = storeIdentity(store);
    identities.set(store, identity);
  }
  const own = await identity.catch(() => null);
  if (own === null) return; // the store fails; its leads get exception decisions saying so
  const data = ctx.getWorkflowStaticData('node');
  const seen = data[SEEN_STATE];
  if (seen !== own) data[SEEN_STATE] = own;
  if (typeof seen === 'string' && seen !== own) {
    ctx.addExecutionHints({
      message: `n8n runs in queue mode, and this process's SQLite file (${store.name.replace(/^sqlite /, '')}) is not the one another process used for this node: each keeps its own rotation, caps and sticky owners. Give every worker the same file, or choose the Redis store.`,
      location: 'outputPane',
    });
  }
}

/** Open stores by configuration; a failed open is forgotten so the next execution tries again. */
const stores = new Map<string, Promise<StateStore>>();

function cached(key: string, open: () => Promise<StateStore>): Promise<StateStore> {
  let store = stores.get(key);
  if (store === undefined) {
    store = open();
    stores.set(key, store);
    store.catch(() => stores.delete(key));
  }
  return store;
}

/**
 * How long a workflow's nodes reuse the Redis credential they read. n8n reads a credential from
 * its database and resolves it on every call, which made the Route node's own time on a busy
 * queue-mode worker a p50 of 211 ms against 4 ms for the SQLite store, whose routing costs the
 * same (Redis spent 0.17 ms per transaction). So a credential that is edited, or no longer
 * shared with the workflow, takes effect within this time.
 */
export const CREDENTIAL_REUSE_MS = 60_000;

/** Redis options read from a credential, by workflow and credential id, with when to read them again (performance.now()). */
const credentialReads = new Map<string, { until: number; options: Promise<RedisStoreOptions> }>();

/** The Redis options of the node's credential, read from n8n at most once per CREDENTIAL_REUSE_MS for each workflow (a failed read is not kept). */
function redisCredentialOptions(ctx: IExecuteFunctions | IWebhookFunctions | IPollFunctions): Promise<RedisStoreOptions> {
  const read = async () => redisOptionsFromCredentials(await ctx.getCredentials(REDIS_CREDENTIAL));
  const id = ctx.getNode().credentials?.[REDIS_CREDENTIAL]?.id;
  // Without an id n8n has nothing to look up: it says so.
  if (typeof id !== 'string' || id === '') return read();
  // By workflow too: n8n checks a workflow's access to the credential when it reads it.
  const key = JSON.stringify([ctx.getWorkflow().id ?? null, id]);
  const now = performance.now();
  let entry = credentialReads.get(key);
  if (entry === undefined || now >= entry.until) {
    const made = { until: now + CREDENTIAL_REUSE_MS, options: read() };
    credentialReads.set(key, made);
    made.options.catch(() => {
      if (credentialReads.get(key) === made) credentialReads.delete(key);
    });
    entry = made;
  }
  return entry.options;
}

/** Closes every store this process opened for the nodes (a process that ends, a test that is done), and forgets the credentials read. */
export async function closeNodeStateStores(): Promise<void> {
  const open = [...stores.values()];
  stores.clear();
  credentialReads.clear();
  await Promise.all(open.map(async (store) => (await store.catch(() => null))?.close()));
}

/**
 * A store that could not be opened: every transaction fails with the reason, so the nodes
 * treat it like any store failure (the lead goes to the fallback queue with that reason)
 * instead of dropping leads.
 */
class UnavailableStore implements StateStore {
  constructor(
    readonly name: string,
    private readonly reason: string,
  ) {}

  /** The ledger nodes read it: it fails with the reason too, rather than as a store that keeps no ledger. */
  readonly ledger: LedgerStore = {
    read: () => ({ [Symbol.asyncIterator]: () => ({ next: () => this.failure() }) }),
    prune: () => this.failure(),
  };

  private failure<T>(): Promise<T> {
    return Promise.reject(new Error(`could not be opened: ${this.reason}`));
  }

  transact<T>(): Promise<T> {
    return this.failure();
  }

  list(): Promise<Map<string, StateValue>> {
    return this.failure();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Throws for the in-memory store in queue mode: each worker would keep its own rotation. SLA Wait
 * calls it before waiting too, so a lead is not left waiting on a store its resume call would refuse.
 */
export function refuseMemoryInQueueMode(ctx: IExecuteFunctions | IWebhookFunctions | IPollFunctions, kind: StoreKind): void {
  if (kind === 'memory' && inQueueMode()) {
    throw new NodeOperationError(ctx.getNode(), 'The In Memory state store cannot be used in queue mode', {
      description:
        'n8n runs in queue mode (EXECUTIONS_MODE=queue): each worker would keep its own rotation, caps and sticky owners, so leads would be handed out twice and caps exceeded. Choose the Redis store (a SQLite file works only when every worker opens the same file).',
    });
  }
}

/**
 * The store the node's parameters choose, opened once per process and configuration. It never
 * throws for a store that cannot be opened: that is returned as one whose transactions fail. In
 * queue mode it refuses the in-memory store (each process would keep its own rotation) and
 * warns when a SQLite file is not shared.
 */
export async function nodeStateStore(ctx: IExecuteFunctions | IWebhookFunctions | IPollFunctions): Promise<StateStore> {
  // A webhook (SLA Wait's resume call) and a poll (the queue trigger) read parameters without an item index.
  const parameter = (name: string): unknown => ('getInputData' in ctx ? ctx.getNodeParameter(name, 0, '') : ctx.getNodeParameter(name, ''));
  const kind = (parameter('stateStore') || 'sqlite') as StoreKind;
  refuseMemoryInQueueMode(ctx, kind);
  try {
    switch (kind) {
      case 'memory':
        return await cached('memory', async () => openStore({ kind: 'memory' }));
      case 'sqlite': {
        const chosen = String(parameter('databaseFile')).trim();
        const file = resolve(chosen === '' ? defaultDatabaseFile() : chosen);
        const store = await cached(`sqlite:${file}`, async () => {
          mkdirSync(dirname(file), { recursive: true });
          return openStore({ kind: 'sqlite', file });
        });
        if (inQueueMode() && 'getInputData' in ctx) await warnUnsharedSqlite(ctx, store);
        return store;
      }
      case 'redis': {
        const options = await redisCredentialOptions(ctx);
        // Keyed by a hash: the options hold the password.
        const key = `redis:${createHash('sha256').update(JSON.stringify(options)).digest('hex')}`;
        return await cached(key, async () => openStore(options));
      }
      default:
        throw new Error(`unknown state store ${JSON.stringify(kind)}`);
    }
  } catch (error) {
    return new UnavailableStore(String(kind), error instanceof Error ? error.message : String(error));
  }
}
