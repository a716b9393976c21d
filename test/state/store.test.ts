import fc from 'fast-check';
import { MemoryStore } from '../../state/memory';
import { keyPart, parseKeyPart, type StateRead, type StateValue, type StateWrite } from '../../state/store';

describe('keyPart', () => {
  test('plain names are unchanged; separators, escapes and control characters are escaped', () => {
    expect(keyPart('alice')).toBe('alice');
    expect(keyPart('ivy@acme.com')).toBe('ivy@acme.com');
    expect(keyPart('EMEA overflow')).toBe('EMEA overflow');
    expect(keyPart('a:b')).toBe('a%003ab');
    expect(keyPart('100%')).toBe('100%0025');
    expect(keyPart('x\ny')).toBe('x%000ay');
    expect(keyPart('__proto__')).toBe('__proto__');
  });

  test('never contains a separator and round-trips, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const part = keyPart(text);
        expect(part).not.toContain(':');
        expect(parseKeyPart(part)).toBe(text);
      }),
    );
  });

  test('is one-to-one', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        fc.pre(a !== b);
        expect(keyPart(a)).not.toBe(keyPart(b));
      }),
    );
  });
});

describe('MemoryStore', () => {
  const read = (store: MemoryStore, key: string) => store.transact([key], (r) => ({ writes: [], result: r.get(key) }));

  test('reads the keys asked for, writes and deletes', async () => {
    const store = new MemoryStore();
    const seen = await store.transact(['a', 'b'], (r) => ({
      writes: [
        { key: 'a', value: { n: 1 } },
        { key: 'b', value: [1, 2] },
      ],
      result: [r.has('a'), r.get('a'), r.has('zzz')],
    }));
    expect(seen).toEqual([true, undefined, false]);
    expect(await read(store, 'a')).toEqual({ n: 1 });
    await store.transact(['a'], () => ({ writes: [{ key: 'a', value: null }], result: null }));
    expect(await read(store, 'a')).toBeUndefined();
    expect(await read(store, 'b')).toEqual([1, 2]);
  });

  test('strict: reading a key not asked for throws', async () => {
    const strict = new MemoryStore({ strict: true });
    await expect(strict.transact(['a'], (r) => ({ writes: [], result: r.get('b') }))).rejects.toThrow('state transaction read b, which it did not ask for');
    await expect(strict.transact(['a'], (r) => (r.has('b') ? { writes: [], result: r.get('b') } : { need: ['b'] }))).resolves.toBeUndefined();
  });

  test('a later write of the same key wins', async () => {
    const store = new MemoryStore();
    await store.transact(['k'], () => ({
      writes: [
        { key: 'k', value: null },
        { key: 'k', value: { v: 2 } },
      ],
      result: null,
    }));
    expect(await read(store, 'k')).toEqual({ v: 2 });
  });

  test('a function that throws writes nothing and rejects', async () => {
    const store = new MemoryStore();
    await store.transact(['k'], () => ({ writes: [{ key: 'k', value: { v: 1 } }], result: null }));
    await expect(
      store.transact(['k'], () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await read(store, 'k')).toEqual({ v: 1 });
  });

  test('need reads more keys in the same transaction and runs the function again', async () => {
    const store = new MemoryStore();
    const writes: StateWrite[] = [
      { key: 'ptr', value: { to: 'target' } },
      { key: 'target', value: { v: 7 } },
    ];
    await store.transact(['ptr', 'target'], () => ({ writes, result: null }));
    let runs = 0;
    const v = await store.transact(['ptr'], (r: StateRead) => {
      runs++;
      const ptr = r.get('ptr') as { to: string };
      if (!r.has(ptr.to)) return { need: [ptr.to] };
      return { writes: [], result: r.get(ptr.to) };
    });
    expect(v).toEqual({ v: 7 });
    expect(runs).toBe(2);
    await expect(store.transact(['ptr'], () => ({ need: ['ptr'] }))).rejects.toThrow(/asked again/);
  });

  test('list finds keys by prefix and hands out copies; __proto__ is a plain key', async () => {
    const store = new MemoryStore();
    const value: StateValue = { deep: { n: 1 } };
    await store.transact([], () => ({
      writes: [
        { key: 'away:__proto__', value },
        { key: 'away:bob', value: { n: 2 } },
        { key: 'rr:x', value: { n: 3 } },
      ],
      result: null,
    }));
    const found = await store.list('away:');
    expect([...found.keys()].sort()).toEqual(['away:__proto__', 'away:bob']);
    expect(found.get('away:__proto__')).toEqual(value);
    expect(found.get('away:__proto__')).not.toBe(value);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});
