import { checkDuplicate, duplicateKey, recordAssignee } from '../../normalize/duplicates';
import { stateKeys } from '../../state/keys';
import { MemoryStore, type StateRead, type StateStore, type TransactionStep } from '../../state';

const DAY = 86_400_000;

describe('duplicateKey', () => {
  test('email, else phone, else name and company, in normalized form', () => {
    expect(duplicateKey({ email: ' Jane@Acme.com ', phone: '+1 415 555 2671' })).toEqual({ kind: 'email', value: 'jane@acme.com' });
    expect(duplicateKey({ email: 'n/a-not-an-address', phone: '+1 (415) 555-2671' })).toEqual({ kind: 'phone', value: '+14155552671' });
    expect(duplicateKey({ first_name: 'José', last_name: 'García ', company: 'Acme, Inc.' })).toEqual({ kind: 'name_company', value: 'jose garcia|acme' });
    expect(duplicateKey({ name: 'Jose Garcia', company: 'ACME' })).toEqual({ kind: 'name_company', value: 'jose garcia|acme' });
    expect(duplicateKey({ first_name: 'Jane' })).toBeNull();
    expect(duplicateKey({ phone: '12' })).toBeNull();
    expect(duplicateKey(null)).toBeNull();
  });

  test('state keys escape user text', () => {
    expect(stateKeys.duplicate('flow:1', 'email', 'a:b@c.d')).toBe('dup:flow%003a1:email:a%003ab@c.d');
  });
});

describe('checkDuplicate', () => {
  let store: MemoryStore;
  beforeEach(() => {
    store = new MemoryStore({ strict: true });
  });
  const at = (iso: string) => ({ store, now: iso, windowMs: 30 * DAY });

  test('flags a lead seen within the window, with the earlier time and assignee', async () => {
    expect(await checkDuplicate({ email: 'a@x.com' }, at('2026-11-01T00:00:00Z'))).toBeNull();
    await recordAssignee({ email: 'a@x.com' }, 'alice', at('2026-11-01T00:00:00Z'));
    expect(await checkDuplicate({ email: 'A@X.com' }, at('2026-11-20T00:00:00Z'))).toEqual({ key: 'email', at: '2026-11-01T00:00:00.000Z', assignee: 'alice' });
    // The record now dates from the second lead: a third within 30 days of it is a duplicate again.
    expect(await checkDuplicate({ email: 'a@x.com' }, at('2026-12-15T00:00:00Z'))).toEqual({ key: 'email', at: '2026-11-20T00:00:00.000Z', assignee: 'alice' });
    expect(await checkDuplicate({ email: 'a@x.com' }, at('2027-03-01T00:00:00Z'))).toBeNull();
  });

  test("a lead's own created_at wins over the clock; out-of-order exports count both ways", async () => {
    await checkDuplicate({ email: 'b@x.com', created_at: '2026-06-10T00:00:00Z' }, at('2030-01-01T00:00:00Z'));
    expect(await checkDuplicate({ email: 'b@x.com', created_at: '2026-06-01T00:00:00Z' }, at('2030-01-01T00:00:00Z'))).toEqual({ key: 'email', at: '2026-06-10T00:00:00.000Z', assignee: null });
  });

  test('scopes keep flows apart', async () => {
    await checkDuplicate({ email: 'c@x.com' }, { ...at('2026-11-01T00:00:00Z'), scope: 'one' });
    expect(await checkDuplicate({ email: 'c@x.com' }, { ...at('2026-11-01T00:00:00Z'), scope: 'two' })).toBeNull();
    expect(await checkDuplicate({ email: 'c@x.com' }, { ...at('2026-11-01T00:00:00Z'), scope: 'one' })).not.toBeNull();
  });

  test('concurrent checks of the same person: exactly one is first', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => checkDuplicate({ email: 'd@x.com' }, at('2026-11-01T00:00:00Z'))));
    expect(results.filter((r) => r === null)).toHaveLength(1);
  });

  test('writes its record with an expiry at the end of the window', async () => {
    const writes: { key: string; expireAt?: number }[] = [];
    const spy: StateStore = {
      name: 'spy',
      transact<T>(keys: readonly string[], fn: (read: StateRead) => TransactionStep<T>) {
        const step = fn({ get: () => undefined, has: (k) => keys.includes(k) });
        if ('writes' in step) writes.push(...step.writes);
        return Promise.resolve('result' in step ? step.result : (undefined as T));
      },
      list: () => Promise.resolve(new Map()),
      close: () => Promise.resolve(),
    };
    await checkDuplicate({ email: 'e@x.com' }, { store: spy, now: '2026-11-01T00:00:00Z', windowMs: DAY });
    expect(writes).toEqual([{ key: 'dup:default:email:e@x.com', value: { at: Date.parse('2026-11-01T00:00:00Z'), assignee: null }, expireAt: Date.parse('2026-11-02T00:00:00Z') }]);
  });
});
