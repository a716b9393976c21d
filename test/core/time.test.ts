import fc from 'fast-check';
import { isoUtc, parseInstant, toInstant } from '../../core/time';

describe('isoUtc', () => {
  test('writes what toISOString writes, for every instant a Date can hold', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.integer({ min: -62_200_000_000_000, max: 253_500_000_000_000 }), fc.double({ min: -1e14, max: 1e14, noNaN: true })), (t) => {
        expect(isoUtc(t)).toBe(new Date(t).toISOString());
      }),
      { numRuns: 3000 },
    );
    for (const t of [0, -1, 1, -0.5, 951_782_400_000 /* 2000-02-29 */, -62_167_219_200_000 /* year 0 */, -62_167_219_200_001, 253_402_300_799_999, 253_402_300_800_000]) {
      expect(isoUtc(t)).toBe(new Date(t).toISOString());
    }
  });
});

describe('instants given as text', () => {
  test('text without a zone is UTC, whatever the machine zone', () => {
    expect(toInstant('2026-11-23T15:00:00')).toBe(Date.UTC(2026, 10, 23, 15));
    expect(toInstant('2026-11-23 15:00')).toBe(Date.UTC(2026, 10, 23, 15));
    expect(toInstant('2026-11-23')).toBe(Date.UTC(2026, 10, 23));
    expect(toInstant('2026-11-23T10:00:00-05:00')).toBe(Date.UTC(2026, 10, 23, 15));
    expect(toInstant(' 2026-11-23T15:00:00.000Z ')).toBe(Date.UTC(2026, 10, 23, 15));
  });
  test('a day past the end of its month is not a date (Date.parse would roll it into the next month)', () => {
    expect(parseInstant('2026-02-30T10:00:00Z')).toBeNull();
    expect(parseInstant('2026-04-31')).toBeNull();
    expect(parseInstant('2026-13-01')).toBeNull();
    expect(parseInstant('2028-02-29')).toBe(Date.UTC(2028, 1, 29));
  });
  test('a Date and epoch ms pass through', () => {
    expect(toInstant(new Date(Date.UTC(2026, 0, 1)))).toBe(Date.UTC(2026, 0, 1));
    expect(toInstant(0)).toBe(0);
  });
  test.each([['yesterday', '"yesterday"'], [Number.NaN, 'NaN'], [1e20, '100000000000000000000'], [new Date('nope'), 'an invalid Date']])('%s is a RangeError naming it and what it is', (value, shown) => {
    expect(() => toInstant(value as string, 'routing time')).toThrow(`routing time must be a Date, epoch milliseconds or an ISO 8601 date-time; got ${shown}`);
  });
  test('a long text is cut in the message and not scanned', () => {
    expect(parseInstant(`2026-11-23T${'1'.repeat(100_000)}`)).toBeNull();
    expect(() => toInstant('x'.repeat(1000))).toThrow(/got "x{200}…"/);
  });
});
