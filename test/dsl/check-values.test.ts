import { parseDuration } from '../../dsl/durations';
import { parseHours } from '../../dsl/hours';

describe('parseDuration', () => {
  test.each([
    ['30s', 30_000],
    ['10m', 600_000],
    ['4h', 14_400_000],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['1.0h', 3_600_000],
    ['3650d', 3650 * 86_400_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, ms });
  });

  test.each([
    ['0m', /is zero/],
    ['-5m', /is negative/],
    ['1.5h', /not a whole number; write `90m`/],
    ['2.5d', /write `60h`/],
    ['0.5s', /whole number of seconds/],
    ['10y', /unknown duration unit `y`/],
    ['10', /has no unit/],
    ['3651d', /longer than ten years/],
    ['soon', /invalid duration/],
  ])('%s is refused', (text, message) => {
    const d = parseDuration(text);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.message).toMatch(message);
  });
});

describe('parseHours', () => {
  const days = (from: number, to: number, weekdays: number[]) => weekdays.map((weekday) => ({ weekday, from, to }));

  test('days and ranges, several groups', () => {
    expect(parseHours('Mon-Fri 09:00-17:00, Sat 10:00-14:00')).toEqual({ ok: true, windows: [...days(540, 1020, [1, 2, 3, 4, 5]), { weekday: 6, from: 600, to: 840 }] });
  });

  test('24/7 is always open', () => {
    expect(parseHours(' 24/7 ')).toEqual({ ok: true, windows: null });
  });

  test('day lists, full names, any case, and a range that wraps the week', () => {
    expect(parseHours('mon,Wednesday 08:00-12:00')).toEqual({ ok: true, windows: days(480, 720, [1, 3]) });
    expect(parseHours('Sun-Tue 9:00-10:00')).toEqual({ ok: true, windows: days(540, 600, [1, 2, 7]) });
  });

  test('several ranges a day, split by space or comma; overlapping ones merge', () => {
    expect(parseHours('Mon 09:00-12:00 13:00-17:00')).toEqual({ ok: true, windows: [{ weekday: 1, from: 540, to: 720 }, { weekday: 1, from: 780, to: 1020 }] });
    expect(parseHours('Mon 09:00-12:00, 11:00-13:00 Tue 08:00-09:00')).toEqual({ ok: true, windows: [{ weekday: 1, from: 540, to: 780 }, { weekday: 2, from: 480, to: 540 }] });
  });

  test('a range without days is every day; 24:00 ends a day', () => {
    expect(parseHours('00:00-24:00')).toEqual({ ok: true, windows: days(0, 1440, [1, 2, 3, 4, 5, 6, 7]) });
  });

  test('a range crossing midnight runs into the next day (Sunday into Monday)', () => {
    expect(parseHours('Fri 22:00-06:00')).toEqual({ ok: true, windows: [{ weekday: 5, from: 1320, to: 1440 }, { weekday: 6, from: 0, to: 360 }] });
    expect(parseHours('Sun 23:00-01:00')).toEqual({ ok: true, windows: [{ weekday: 1, from: 0, to: 60 }, { weekday: 7, from: 1380, to: 1440 }] });
    expect(parseHours('Sat 20:00-00:00')).toEqual({ ok: true, windows: [{ weekday: 6, from: 1200, to: 1440 }] });
  });

  test.each([
    ['Mon-Fri 9-5', 8, 1, /invalid time `9`; write times as HH:MM/],
    ['Mon-Fri 09:00-17:60', 14, 5, /invalid time `17:60`/],
    ['Mon-Fry 09:00-17:00', 4, 3, /unknown day `Fry`.*did you mean `Fri`/],
    ['Mon 09:00-09:00', 4, 11, /empty range/],
    ['Mon', 0, 3, /`Mon` needs a time range/],
    ['Mon 09:00', 9, 0, /end too early/],
    ['', 0, 0, /empty hours/],
    ['Mon 09:00-17:00,', 15, 1, /end with `,`/],
    ['Mon 24:00-02:00', 4, 5, /cannot start at 24:00/],
    ['Mon 09:00+17:00', 9, 1, /unexpected `\+`/],
  ])('%j is refused at offset %d', (text, offset, length, message) => {
    const h = parseHours(text);
    expect(h).toMatchObject({ ok: false, offset, length });
    if (!h.ok) expect(h.message).toMatch(message);
  });

  test('a hostile length is refused without work', () => {
    expect(parseHours('Mon 09:00-17:00 '.repeat(100)).ok).toBe(false);
  });
});
