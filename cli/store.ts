// The store of the commands that read or change what routing kept (state, outcome, queue,
// ledger, report): `--state` is required and must outlive the run, so `memory` is refused.

import type { StateStore, StoreSpec } from '../state';
import { CliError, errorMessage, EXIT_FAILED, usageError, type CliIO } from './io';
import { openStateStore, parseStateOption } from './commands/route';

/** The help of `--state` and `--state-password-env` for those commands. */
export const KEPT_STATE_HELP = `  --state STORE   sqlite:FILE or redis://[USER:PASSWORD@]HOST[:PORT][/DB][?prefix=P&tls=1]
                  (rediss:// for TLS): the store routing kept its state and ledger in.
                  Required.
  --state-password-env VAR
                  Read the Redis password from the environment variable VAR, not the URL.
`;

/** The options `--state` and `--state-password-env`, for parseCommandArgs. */
export const KEPT_STATE_OPTIONS = { state: { type: 'string' }, 'state-password-env': { type: 'string' } } as const;

/**
 * The store `--state` names: a missing `--state`, `memory`, or a file that cannot be opened is a
 * usage error naming it (never a password). Opening comes last (after the other arguments are
 * checked): a Redis store connects on its first use, whose failure withKeptStore reports.
 */
export function keptStoreSpec(command: string, values: { state?: string; 'state-password-env'?: string }, io: CliIO): StoreSpec {
  if (values.state === undefined) throw usageError(command, '--state is required (sqlite:FILE or redis://...)');
  const spec = parseStateOption(command, values.state, values['state-password-env'], io);
  if (spec.kind === 'memory') throw usageError(command, '--state memory holds nothing between runs: use sqlite:FILE or redis://...');
  return spec;
}

/**
 * Opens the store, runs `work` on it and closes it; a failure that is not already a CliError (the store
 * fails, the lead is unknown, the store keeps no ledger) exits 1 with its message.
 */
export async function withKeptStore<T>(command: string, spec: StoreSpec, work: (store: StateStore) => Promise<T>): Promise<T> {
  const store = openStateStore(command, spec);
  try {
    return await work(store);
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`leadroute ${command}: ${errorMessage(err)}`, EXIT_FAILED);
  } finally {
    await store.close();
  }
}
