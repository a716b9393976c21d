// Reading results from a running n8n through its public REST API (/api/v1), as an operator
// would. n8n 2.41.1 has no command that creates an API key, so one is made the way its UI makes
// it: the owner account is set up (POST /rest/owner/setup, allowed once on a fresh instance,
// and it returns the login cookie), then POST /rest/api-keys with that cookie. The login token is
// bound to a `browser-id` header, which is sent with the same value on every call.

import type { ExecutionRun } from './n8n.ts';

const OWNER = { email: 'owner@leadroute.test', firstName: 'Lead', lastName: 'Route', password: 'E2e-leadroute-1' };

/** The `browser-id` the login token is bound to (the editor keeps it in localStorage as `n8n-browserId`). */
export const BROWSER_ID = 'leadroute-e2e';

export interface PublicApi {
  baseUrl: string;
  apiKey: string;
  /** The owner's login cookies (`name=value; ...`), valid with BROWSER_ID: for the editor tests. */
  cookie: string;
}

async function expectOk(response: Response, what: string): Promise<unknown> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status}: ${text.slice(0, 2000)}`);
  try {
    return text === '' ? null : (JSON.parse(text) as unknown);
  } catch {
    throw new Error(`${what}: HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`);
  }
}

/**
 * A call of n8n's REST API on a fresh n8n. n8n registers its REST routes after the production
 * webhooks answer; until a route is there its path answers 404, or the editor's page (HTML: seen
 * once while the API key was made), so such an answer is retried, 120 times at most, half a second apart.
 */
async function restCall(url: string, init: RequestInit): Promise<Response> {
  for (let tries = 1; ; tries++) {
    const response = await fetch(url, init);
    const early = response.status === 404 || (response.headers.get('content-type') ?? '').includes('text/html');
    if (!early || tries >= 120) return response;
    await response.text();
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Sets up the owner of a fresh n8n; the answer carries the login cookie. */
export async function setUpOwner(baseUrl: string): Promise<Response> {
  const setup = await restCall(`${baseUrl}/rest/owner/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'browser-id': BROWSER_ID },
    body: JSON.stringify(OWNER),
  });
  if (!setup.ok) await expectOk(setup, 'owner setup');
  return setup;
}

/** Sets up the owner of a fresh n8n and creates an API key with every scope the owner may grant. */
export async function createPublicApi(baseUrl: string): Promise<PublicApi> {
  const setup = await setUpOwner(baseUrl);
  const cookie = setup.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  const headers = { 'content-type': 'application/json', 'browser-id': BROWSER_ID, cookie };
  const scopes = (await expectOk(await restCall(`${baseUrl}/rest/api-keys/scopes`, { headers }), 'API key scopes')) as { data: string[] };
  const created = (await expectOk(
    await restCall(`${baseUrl}/rest/api-keys`, { method: 'POST', headers, body: JSON.stringify({ label: 'leadroute e2e', scopes: scopes.data, expiresAt: null }) }),
    'API key',
  )) as { data: { rawApiKey: string } };
  return { baseUrl, apiKey: created.data.rawApiKey, cookie };
}

/** One execution as the public API returns it (`includeData=true`). */
export interface Execution {
  id: string;
  workflowId: string;
  status: string;
  finished: boolean;
  data?: ExecutionRun['data'];
}

async function get(api: PublicApi, path: string): Promise<unknown> {
  return expectOk(await fetch(`${api.baseUrl}/api/v1${path}`, { headers: { 'X-N8N-API-KEY': api.apiKey, accept: 'application/json' } }), `GET ${path}`);
}

/** An execution with its data (every node's output items). */
export async function getExecution(api: PublicApi, id: string): Promise<Execution> {
  return (await get(api, `/executions/${encodeURIComponent(id)}?includeData=true`)) as Execution;
}

/**
 * The latest executions of a workflow (at most `limit`), newest first, with every node's output
 * items: page after page (250 each) of the API's cursor.
 */
export async function listExecutions(api: PublicApi, workflowId: string, limit = 250): Promise<Execution[]> {
  const found: Execution[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ workflowId, limit: String(Math.min(250, limit - found.length)), includeData: 'true' });
    if (cursor !== undefined) query.set('cursor', cursor);
    const page = (await get(api, `/executions?${query.toString()}`)) as { data: Execution[]; nextCursor?: string | null };
    found.push(...page.data);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && found.length < limit);
  return found;
}

/** Polls an execution (every second) until `until` holds for it; fails after `timeoutMs` with its last state. */
export async function waitForExecution(api: PublicApi, id: string, until: (execution: Execution) => boolean, timeoutMs: number): Promise<Execution> {
  const deadline = Date.now() + timeoutMs;
  let last: Execution | undefined;
  while (Date.now() < deadline) {
    last = await getExecution(api, id);
    if (until(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`execution ${id} did not reach the expected state in ${timeoutMs / 1000} s; last: status ${last?.status}, nodes run: ${Object.keys(last?.data?.resultData.runData ?? {}).join(', ')}`);
}
