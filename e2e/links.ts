// Following a lead through a running n8n as its workflow's users would: the execution that
// routed it (read through the public API), and the links its decision carries, called over HTTP.

import { listExecutions, type PublicApi } from './api.ts';
import { outputItems } from './n8n.ts';

/** The execution of a workflow whose Route node routed the lead with this email (newest first), once Route has run in it. */
export async function routedExecution<T extends { email?: unknown }>(api: PublicApi, workflowId: string, email: string): Promise<{ id: string; routed: T }> {
  // Bounded by tries, half a second apart, not by the clock.
  for (let tries = 0; tries < 60; tries++) {
    for (const execution of await listExecutions(api, workflowId)) {
      const ran = execution.data?.resultData.runData.Route !== undefined;
      const routed = (ran && execution.data !== undefined ? outputItems({ data: execution.data }, 'Route').flat() : []) as unknown as T[];
      const mine = routed.find((item) => item.email === email);
      if (mine !== undefined) return { id: execution.id, routed: mine };
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`no execution of ${workflowId} routed ${email} after 60 looks`);
}

/** Calls a link; the answer's body as JSON when it is JSON, else as text (n8n's own "The lead is marked as worked."). */
export async function call(link: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(link, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Text, kept as it came.
  }
  return { status: response.status, body };
}

export const postTo = (link: string, body: object): Promise<{ status: number; body: unknown }> =>
  call(link, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
