// One lead through the router, as the CLI commands do it: decide() (pure), then assign()
// against the state store. Nothing leaves without a decision: a failing store, and input that is
// not a lead at all, both end in the fallback queue with a reason.

import type { CompiledPolicy, DecideOptions } from '../compiler/compile';
import type { Decision, PendingDecision } from '../compiler/decision';
import { assign, assignMany, exceptionDecision, StateStoreError, type StateStore } from '../state';
import { errorMessage } from './io';
import type { Lead } from './leads';

/** The reason of a lead that could not be assigned: `state store unavailable: ...` when the store failed. */
function failureReason(err: unknown): string {
  return err instanceof StateStoreError ? `state store unavailable: ${errorMessage(err)}` : errorMessage(err);
}

/** decide() then assign(); a store that fails gives an exception decision whose reason names the store. */
export async function routeLead(policy: CompiledPolicy, lead: Lead, options: DecideOptions, store: StateStore): Promise<Decision> {
  const pending = policy.decide(lead, options);
  try {
    return await assign(pending, store);
  } catch (err) {
    return exceptionDecision(pending, failureReason(err));
  }
}

/** routeLead() for many leads, in order, with the same decisions, in a few store transactions (assignMany). */
export async function routeLeads(policy: CompiledPolicy, leads: readonly Lead[], options: DecideOptions, store: StateStore): Promise<Decision[]> {
  const pendings = leads.map((lead) => policy.decide(lead, options));
  const results = await assignMany(pendings, store);
  return results.map((result, i) => (result instanceof Error ? exceptionDecision(pendings[i], failureReason(result)) : result));
}

/** The decision for input that is not a lead (bad JSON, not an object): the fallback queue, `reason` saying why. */
export function unreadableDecision(policy: CompiledPolicy, now: Date, reason: string): Decision {
  const pending: PendingDecision = {
    rule: null,
    path: {},
    priority: 'normal',
    tags: [],
    escalation: [],
    policy: { name: policy.name, hash: policy.hash },
    routed_at: now.toISOString(),
    options: [],
    sticky: null,
    fallback: policy.ir.fallback,
  };
  return exceptionDecision(pending, reason);
}
