import fc from 'fast-check';
import { isoTime } from '../../state/time';

describe('isoTime', () => {
  test('reads every toISOString text as Date.parse does', () => {
    // Years 0000-9999, where toISOString writes four digits.
    fc.assert(
      fc.property(fc.integer({ min: -62167219200000, max: 253402300799999 }), (ms) => {
        expect(isoTime(new Date(ms).toISOString())).toBe(ms);
      }),
      { numRuns: 2000 },
    );
  });

  test('times within one day (the date part is kept) and across days', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4102444800000 }), fc.array(fc.integer({ min: -2 * 86_400_000, max: 2 * 86_400_000 }), { maxLength: 20 }), (start, steps) => {
        for (const step of steps) expect(isoTime(new Date(start + step).toISOString())).toBe(start + step);
      }),
    );
  });

  test('times within one second (only the milliseconds are read) and across seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4102444800000 }), fc.array(fc.integer({ min: -1500, max: 1500 }), { maxLength: 30 }), (start, steps) => {
        for (const step of steps) expect(isoTime(new Date(start + step).toISOString())).toBe(start + step);
      }),
    );
  });

  test('other texts and out-of-range fields go to Date.parse', () => {
    const texts = [
      '2026-02-30T00:00:00.000Z',
      '2026-13-01T00:00:00.000Z',
      '2026-01-00T00:00:00.000Z',
      '2026-01-01T24:00:00.000Z',
      '2026-01-01T23:60:00.000Z',
      '2026-11-23T15:00:00Z',
      '2026-11-23T15:00:00.000+02:00',
      '2026-11-23',
      '2026-11-23T15:00:00.000Y',
      '2026-11-2xT15:00:00.000Z',
      '2026-11-23T15:0x:00.000Z',
      '2026-11-23T15:00:00,000Z',
      '2026-11-23T15:00:00.00xZ',
      '2026-11-23X15:00:00.000Z',
      '',
      'not a time',
    ];
    for (const text of texts) expect([text, isoTime(text)]).toEqual([text, Date.parse(text)]);
  });

  test('what is kept from one text never leaks into the next', () => {
    expect(isoTime('2026-11-23T15:00:00.000Z')).toBe(Date.parse('2026-11-23T15:00:00.000Z'));
    expect(isoTime('2026-11-23T25:00:00.000Z')).toBeNaN(); // same date part, impossible hour
    expect(isoTime('2026-11-23T15:00:00.000Z')).toBe(Date.parse('2026-11-23T15:00:00.000Z'));
    expect(isoTime('x')).toBeNaN();
    expect(isoTime('x')).toBeNaN();
    expect(isoTime('2026-11-24T00:00:00.000Z')).toBe(Date.parse('2026-11-24T00:00:00.000Z'));
    // The same second with broken milliseconds, or another ending.
    expect(isoTime('2026-11-24T00:00:00.0x1Z')).toBeNaN();
    expect(isoTime('2026-11-24T00:00:00.001X')).toBeNaN();
    expect(isoTime('2026-11-24T00:00:00.999Z')).toBe(Date.parse('2026-11-24T00:00:00.999Z'));
  });
});
