// Duplicate leads: the same person again within a window (a second form fill, a re-import). The
// key is the email, else the phone, else name and company, all in their normalized form. Each
// check reads and writes the key's record in one StateStore transaction, so two workers that see
// the same person at once cannot both miss the other. A duplicate is flagged with the earlier
// lead's time and assignee (filled in by recordAssignee once that lead is routed), so a policy
// can send it to the same owner (`owner(duplicate.assignee)`) and `sticky` has what it needs.

import { isoUtc } from '../core/time';
import { readPath, toTime } from '../core/values';
import { stateKeys } from '../state/keys';
import { withStore, type StateStore, type StateValue } from '../state/store';
import { companyKey } from './accounts';
import { foldAccents, isRecord, MAX_SHORT_CHARS } from '../fields/text';

export type DuplicateKeyKind = 'email' | 'phone' | 'name_company';

export interface DuplicateKey {
  kind: DuplicateKeyKind;
  value: string;
}

/** What a duplicate lead carries (as `duplicate` on the lead). */
export interface DuplicateOf {
  /** Which key matched. */
  key: DuplicateKeyKind;
  /** When the earlier lead arrived (ISO 8601, UTC). */
  at: string;
  /** Who the earlier lead went to, once known. */
  assignee: string | null;
}

export const DEFAULT_DUPLICATE_WINDOW_MS = 30 * 86_400_000;

export interface DuplicateOptions {
  store: StateStore;
  /** How long an earlier lead counts, ms (default 30 days). */
  windowMs?: number;
  /** Keeps the records of one flow apart from another's (a workflow, a policy name). Default `default`. */
  scope?: string;
  /** The clock when the lead carries no time of its own. Default: now. */
  now?: Date | number | string;
  /** Where a lead's own arrival time is read (CRM exports replay old leads). Default `created_at`. */
  timePath?: string;
}

/** The record kept per key. */
interface SeenRecord {
  at: number;
  assignee: string | null;
}

function asSeen(v: StateValue | undefined): SeenRecord | null {
  if (v === undefined || !isRecord(v) || typeof v.at !== 'number') return null;
  return { at: v.at, assignee: typeof v.assignee === 'string' ? v.assignee : null };
}

function textAt(lead: unknown, path: string): string | null {
  const v = readPath(lead, path.split('.'));
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t === '' || t.length > MAX_SHORT_CHARS ? null : t;
}

function personKey(s: string): string {
  return foldAccents(s).replace(/\s+/g, ' ').trim();
}

/** The key of a (normalized) lead, or null when it has none of email, phone, name and company. */
export function duplicateKey(lead: unknown): DuplicateKey | null {
  const email = textAt(lead, 'email');
  if (email !== null && email.includes('@')) return { kind: 'email', value: email.toLowerCase() };
  const phone = textAt(lead, 'phone') ?? textAt(lead, 'mobile');
  const digits = phone?.replace(/[^\d+]/g, '') ?? '';
  if (digits.replace('+', '').length >= 7) return { kind: 'phone', value: digits };
  const first = textAt(lead, 'first_name');
  const last = textAt(lead, 'last_name');
  const name = first !== null || last !== null ? `${first ?? ''} ${last ?? ''}` : (textAt(lead, 'name') ?? textAt(lead, 'full_name'));
  const company = textAt(lead, 'company') ?? textAt(lead, 'company_name');
  if (name === null || company === null) return null;
  const person = personKey(name);
  const org = companyKey(company);
  return person === '' || org === '' ? null : { kind: 'name_company', value: `${person}|${org}` };
}

function leadTime(lead: unknown, options: DuplicateOptions): number {
  const own = toTime(readPath(lead, (options.timePath ?? 'created_at').split('.')));
  if (own !== null) return own;
  const now = options.now === undefined ? null : toTime(options.now);
  return now ?? Date.now();
}

/**
 * Checks a normalized lead against the leads seen within the window, and records it. Returns the
 * earlier lead when this one is a duplicate, else null (also for a lead without a key). Leads may
 * arrive out of time order (an export sorted newest first): one within the window on either side
 * counts. A store that fails rejects with a StateStoreError.
 */
export async function checkDuplicate(lead: unknown, options: DuplicateOptions): Promise<DuplicateOf | null> {
  const key = duplicateKey(lead);
  if (key === null) return null;
  const stateKey = stateKeys.duplicate(options.scope ?? 'default', key.kind, key.value);
  const at = leadTime(lead, options);
  const windowMs = options.windowMs ?? DEFAULT_DUPLICATE_WINDOW_MS;
  return withStore(options.store, () => options.store.transact([stateKey], (read) => {
    const seen = asSeen(read.get(stateKey));
    const duplicate = seen !== null && Math.abs(at - seen.at) <= windowMs;
    const record: SeenRecord = { at: duplicate ? Math.max(at, seen.at) : at, assignee: duplicate ? seen.assignee : null };
    return {
      writes: [{ key: stateKey, value: { at: record.at, assignee: record.assignee }, expireAt: record.at + windowMs }],
      result: duplicate ? { key: key.kind, at: isoUtc(seen.at), assignee: seen.assignee } : null,
    };
  }));
}

/** Records who a lead went to, so that its later duplicates are flagged with that assignee. */
export async function recordAssignee(lead: unknown, assignee: string, options: DuplicateOptions): Promise<void> {
  const key = duplicateKey(lead);
  if (key === null) return;
  const stateKey = stateKeys.duplicate(options.scope ?? 'default', key.kind, key.value);
  const at = leadTime(lead, options);
  const windowMs = options.windowMs ?? DEFAULT_DUPLICATE_WINDOW_MS;
  await withStore(options.store, () => options.store.transact([stateKey], (read) => {
    const seenAt = Math.max(asSeen(read.get(stateKey))?.at ?? at, at);
    return { writes: [{ key: stateKey, value: { at: seenAt, assignee }, expireAt: seenAt + windowMs }], result: undefined };
  }));
}
