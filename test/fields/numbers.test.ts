import { parseFormNumber } from '../../fields/numbers';

const num = (v: unknown, ranges?: 'low' | 'mid' | 'high') => {
  const r = parseFormNumber(v, { ranges });
  return r.ok ? r.value : `!${r.problem}`;
};

describe('parseFormNumber', () => {
  test.each([
    ['1,000', 1000],
    ['1,000,000', 1000000],
    ['1.000.000', 1000000],
    ['1 000', 1000],
    ["1'000", 1000],
    ['1,5', 1.5],
    ['1,234.5', 1234.5],
    ['1.234,5', 1234.5],
    ['0.500', 0.5],
    ['1234.567', 1234.567],
    ['10M', 10_000_000],
    ['1.5k', 1500],
    ['$2.5 million', 2_500_000],
    ['EUR 3 Mio', 3_000_000],
    ['1.5E+07', 15_000_000],
    ['-12', -12],
    ['.5', 0.5],
    ['500 employees', 500],
    [42, 42],
  ])('%j -> %d', (input, expected) => expect(num(input)).toBe(expected));

  test('a range becomes its lower bound unless asked otherwise; open ranges their stated bound', () => {
    expect([num('51-200'), num('51-200', 'mid'), num('51-200', 'high')]).toEqual([51, 125.5, 200]);
    expect([num('10-50k'), num('10-50k', 'high')]).toEqual([10_000, 50_000]);
    expect([num('$1M-$5M'), num('1,001 – 5,000'), num('51 to 200')]).toEqual([1_000_000, 1001, 51]);
    expect([num('1k+'), num('1k+', 'high'), num('10,001 or more'), num('> 500')]).toEqual([1000, 1000, 10001, 500]);
    expect([num('under 10'), num('<10', 'high'), num('up to 50', 'mid')]).toEqual([0, 10, 25]);
  });

  test('problems', () => {
    expect(num('1.000')).toBe('!ambiguous_number');
    expect(num('12.500')).toBe('!ambiguous_number');
    expect(num('200-51')).toBe('!bad_range');
    expect(num('lots')).toBe('!not_a_number');
    expect(num('10 apples')).toBe('!not_a_number');
    expect(num('1,23,4')).toBe('!not_a_number');
    expect(num('1,2.3,4')).toBe('!not_a_number');
    expect(num('9'.repeat(65))).toBe('!not_a_number');
    expect(num(true)).toBe('!not_text');
    const r = parseFormNumber('1.000');
    expect(!r.ok && r.message).toBe('"1.000" could be 1000 or 1; write it without the dot');
  });
});
