// Changing the routing state by hand: people away and back (the nodes' and `leadroute state`'s
// away/back), and forgetting a policy's state (`state reset`); the state's own id.

import { randomUUID } from 'node:crypto';
import { stateKeys } from './keys';
import { keyPart, withStore, type StateStore, type StateWrite } from './store';

function checkTime(ms: number, what: string): void {
  if (!Number.isFinite(ms)) throw new RangeError(`${what} must be a time in milliseconds`);
}

/** Marks a person away (for every policy) until `untilMs`, or until marked back when null. */
export async function markAway(store: StateStore, member: string, untilMs: number | null, nowMs: number = Date.now()): Promise<void> {
  checkTime(nowMs, 'nowMs');
  if (untilMs !== null) checkTime(untilMs, 'untilMs');
  const key = stateKeys.away(member);
  const write: StateWrite = { key, value: { since: nowMs, until: untilMs } };
  if (untilMs !== null) write.expireAt = untilMs;
  await withStore(store, () => store.transact([key], () => ({ writes: [write], result: undefined })));
}

/** Clears a person's away flag. */
export async function markBack(store: StateStore, member: string): Promise<void> {
  const key = stateKeys.away(member);
  await withStore(store, () => store.transact([key], () => ({ writes: [{ key, value: null }], result: undefined })));
}

/** Keys deleted per transaction by resetState. */
const RESET_CHUNK = 500;

/**
 * Forgets a policy's routing state: rotations, counts and sticky owners (away flags are per
 * person, across policies: see markBack), or with `pool` that pool's rotation only. Deletes in
 * transactions of a few hundred keys. Gives the number of keys deleted.
 */
export async function resetState(store: StateStore, policy: string, pool?: string): Promise<number> {
  const keys: string[] = [];
  if (pool !== undefined) keys.push(stateKeys.rotation(policy, pool));
  else {
    const prefixes = [`rr:${keyPart(policy)}:`, `n:${keyPart(policy)}:`, `sticky:${keyPart(policy)}:`];
    for (const found of await withStore(store, () => Promise.all(prefixes.map((prefix) => store.list(prefix))))) keys.push(...found.keys());
  }
  let deleted = 0;
  for (let from = 0; from < keys.length; from += RESET_CHUNK) {
    const chunk = keys.slice(from, from + RESET_CHUNK);
    deleted += await withStore(store, () =>
      store.transact(chunk, (read) => {
        const present = chunk.filter((key) => read.get(key) !== undefined);
        return { writes: present.map((key) => ({ key, value: null })), result: present.length };
      }),
    );
  }
  return deleted;
}

/**
 * The id of the state a store holds, made by the first process that asks and kept with the
 * state: two processes that get the same id share one state (one SQLite file, one Redis prefix);
 * different ids mean each keeps its own rotation and caps.
 */
export async function storeIdentity(store: StateStore): Promise<string> {
  const key = stateKeys.identity;
  const made = randomUUID();
  return await withStore(store, () =>
    store.transact([key], (read) => {
      const id = (read.get(key) as { id?: unknown } | undefined)?.id;
      return typeof id === 'string' ? { writes: [], result: id } : { writes: [{ key, value: { id: made } }], result: made };
    }),
  );
}
