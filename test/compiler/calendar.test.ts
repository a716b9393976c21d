import { DateTime, IANAZone } from 'luxon';
import fc from 'fast-check';
import { businessDue, compileCalendar, describeClosed, hoursText, isOpen, period, periodKey } from '../../compiler/calendar';
import { calendar, hours, ms, WEEKDAYS } from './hand-ir';

const NY = 'America/New_York';
const HOUR = 3_600_000;
const nyOffice = () => calendar(NY, hours(WEEKDAYS, '08:00', '18:00'), ['2026-12-25']);

describe('isOpen and describeClosed', () => {
  const cal = nyOffice();

  test('inside and outside the hours, in the calendar zone', () => {
    expect(isOpen(cal, ms('2026-11-23T17:00:00Z'))).toBe(true); // Mon 12:00 in New York
    expect(isOpen(cal, ms('2026-11-23T13:00:00Z'))).toBe(true); // Mon 08:00 opens
    expect(isOpen(cal, ms('2026-11-23T12:59:59Z'))).toBe(false); // Mon 07:59:59
    expect(isOpen(cal, ms('2026-11-23T23:00:00Z'))).toBe(false); // Mon 18:00: the end is excluded
    expect(isOpen(cal, ms('2026-11-23T22:59:00Z'))).toBe(true);
    expect(isOpen(cal, ms('2026-11-28T17:00:00Z'))).toBe(false); // Saturday
  });

  test('plain words for why it is closed', () => {
    expect(describeClosed(cal, ms('2026-11-28T17:00:00Z'))).toBe('outside hours Mon-Fri 08:00-18:00 (America/New_York)');
    expect(describeClosed(cal, ms('2026-12-25T17:00:00Z'))).toBe('holiday 2026-12-25');
    expect(describeClosed(cal, ms('2026-11-23T17:00:00Z'))).toBeNull();
  });

  test('weekday and holiday are those of the zone, not of UTC', () => {
    // Tuesday 03:00 UTC is still Monday 22:00 in New York.
    const tuesdays = calendar(NY, hours([2], '00:00', '24:00'));
    expect(isOpen(tuesdays, ms('2026-11-24T03:00:00Z'))).toBe(false);
    expect(isOpen(tuesdays, ms('2026-11-24T05:00:00Z'))).toBe(true);
    expect(isOpen(tuesdays, ms('2026-11-25T04:59:00Z'))).toBe(true); // Tue 23:59
    const allDay = calendar(NY, null, ['2026-12-25']);
    expect(isOpen(allDay, ms('2026-12-25T03:00:00Z'))).toBe(true); // Dec 24, 22:00 in New York
    expect(isOpen(allDay, ms('2026-12-26T03:00:00Z'))).toBe(false); // Dec 25, 22:00
    expect(describeClosed(allDay, ms('2026-12-26T03:00:00Z'))).toBe('holiday 2026-12-25');
  });

  test('hours follow the wall clock across DST changes', () => {
    const daily = calendar(NY, hours([1, 2, 3, 4, 5, 6, 7], '08:00', '18:00'));
    // 2026-03-08: clocks spring forward; 08:00 is 13:00Z the day before and 12:00Z that day.
    expect(isOpen(daily, ms('2026-03-07T12:30:00Z'))).toBe(false);
    expect(isOpen(daily, ms('2026-03-07T13:00:00Z'))).toBe(true);
    expect(isOpen(daily, ms('2026-03-08T12:30:00Z'))).toBe(true);
    expect(isOpen(daily, ms('2026-03-08T22:00:00Z'))).toBe(false); // 18:00 EDT
    // 2026-11-01: clocks go back; 08:00 is 12:00Z the day before and 13:00Z that day.
    expect(isOpen(daily, ms('2026-10-31T12:30:00Z'))).toBe(true);
    expect(isOpen(daily, ms('2026-11-01T12:30:00Z'))).toBe(false);
    expect(isOpen(daily, ms('2026-11-01T13:00:00Z'))).toBe(true);
  });

  test('no hours is always open; empty hours never open; several windows a day', () => {
    expect(isOpen(calendar('UTC', null), ms('2026-11-28T03:00:00Z'))).toBe(true);
    const never = calendar('UTC', []);
    expect(isOpen(never, ms('2026-11-23T12:00:00Z'))).toBe(false);
    expect(describeClosed(never, ms('2026-11-23T12:00:00Z'))).toBe('outside hours no opening hours (UTC)');
    const split = calendar('Europe/Berlin', [...(hours([1], '09:00', '12:00') ?? []), ...(hours([1], '13:00', '17:00') ?? [])]);
    expect(isOpen(split, ms('2026-11-23T10:30:00Z'))).toBe(true); // 11:30 Berlin
    expect(isOpen(split, ms('2026-11-23T11:30:00Z'))).toBe(false); // 12:30 lunch
    expect(isOpen(split, ms('2026-11-23T12:00:00Z'))).toBe(true); // 13:00
  });

  test('an instant far before or after the cached days is answered correctly', () => {
    const cal2 = nyOffice();
    expect(isOpen(cal2, ms('2026-11-23T17:00:00Z'))).toBe(true);
    expect(isOpen(cal2, ms('2019-01-05T17:00:00Z'))).toBe(false); // Saturday
    expect(isOpen(cal2, ms('2031-01-06T17:00:00Z'))).toBe(true); // Monday
    expect(isOpen(cal2, ms('2026-11-24T17:00:00Z'))).toBe(true);
  });

  test('an unknown zone is a RangeError', () => {
    expect(() => compileCalendar(calendar('Mars/Olympus', null))).toThrow(RangeError);
  });
});

describe('hoursText', () => {
  test('groups consecutive days with the same windows', () => {
    expect(hoursText([...(hours(WEEKDAYS, '09:00', '17:00') ?? []), ...(hours([6], '10:00', '14:00') ?? [])])).toBe('Mon-Fri 09:00-17:00, Sat 10:00-14:00');
    expect(hoursText(hours([1, 3], '08:00', '24:00'))).toBe('Mon 08:00-24:00, Wed 08:00-24:00');
    expect(hoursText(null)).toBe('always open');
  });
});

describe('businessDue', () => {
  const cal = nyOffice();

  test('counts only open time, across a weekend', () => {
    // Friday 17:00 New York + 2h business: one hour Friday, one hour Monday from 08:00.
    expect(new Date(businessDue(cal, ms('2026-11-27T22:00:00Z'), 2 * HOUR)).toISOString()).toBe('2026-11-30T14:00:00.000Z');
  });

  test('a start out of hours begins at the next opening', () => {
    expect(new Date(businessDue(cal, ms('2026-11-28T15:00:00Z'), HOUR)).toISOString()).toBe('2026-11-30T14:00:00.000Z'); // Saturday
    expect(new Date(businessDue(cal, ms('2026-11-24T02:00:00Z'), 30 * 60_000)).toISOString()).toBe('2026-11-24T13:30:00.000Z'); // Mon night
    expect(new Date(businessDue(cal, ms('2026-11-28T15:00:00Z'), 0)).toISOString()).toBe('2026-11-30T13:00:00.000Z');
  });

  test('an SLA that runs out at closing time is due at closing, not at the next opening', () => {
    expect(new Date(businessDue(cal, ms('2026-11-23T21:00:00Z'), 2 * HOUR)).toISOString()).toBe('2026-11-23T23:00:00.000Z');
  });

  test('holidays are skipped, and several business days add up', () => {
    // Thu 2026-12-24 17:00 + 2h: Friday the 25th is a holiday, so Monday the 28th 09:00.
    expect(new Date(businessDue(cal, ms('2026-12-24T22:00:00Z'), 2 * HOUR)).toISOString()).toBe('2026-12-28T14:00:00.000Z');
    // 40h business from Monday 08:00 is four ten-hour days: Thursday 18:00.
    expect(new Date(businessDue(cal, ms('2026-11-23T13:00:00Z'), 40 * HOUR)).toISOString()).toBe('2026-11-26T23:00:00.000Z');
  });

  test('across the switch back from daylight time', () => {
    // Friday 2026-10-30 17:00 EDT + 2h: Monday 2026-11-02 09:00 EST.
    expect(new Date(businessDue(cal, ms('2026-10-30T21:00:00Z'), 2 * HOUR)).toISOString()).toBe('2026-11-02T14:00:00.000Z');
  });

  test('always-open and never-open calendars count clock time; holidays alone skip whole days', () => {
    expect(businessDue(calendar('UTC', null), 1000, 5000)).toBe(6000);
    expect(businessDue(calendar('UTC', []), 1000, 5000)).toBe(6000);
    const holidaysOnly = calendar('UTC', null, ['2026-12-25']);
    expect(new Date(businessDue(holidaysOnly, ms('2026-12-24T23:00:00Z'), 2 * HOUR)).toISOString()).toBe('2026-12-26T01:00:00.000Z');
  });
});

describe('periodKey and period', () => {
  test('keys for hour, day and ISO week', () => {
    const t = ms('2026-11-23T15:20:00Z');
    expect(periodKey(t, 'UTC', 'hour')).toBe('2026-11-23T15');
    expect(periodKey(t, 'UTC', 'day')).toBe('2026-11-23');
    expect(periodKey(t, 'UTC', 'week')).toBe('2026-W48');
    expect(periodKey(t, NY, 'hour')).toBe('2026-11-23T10');
    expect(period(t, NY, 'hour').to).toBe(ms('2026-11-23T16:00:00Z'));
  });

  test('a day boundary that differs between UTC and the zone', () => {
    const t = ms('2026-11-24T03:00:00Z'); // Monday 22:00 in New York
    expect(periodKey(t, 'UTC', 'day')).toBe('2026-11-24');
    expect(periodKey(t, NY, 'day')).toBe('2026-11-23');
    expect(period(t, NY, 'day').to).toBe(ms('2026-11-24T05:00:00Z'));
    // Sunday 23:00 in New York is already Monday (a new ISO week) in UTC.
    const sunday = ms('2026-11-30T04:00:00Z');
    expect(periodKey(sunday, NY, 'week')).toBe('2026-W48');
    expect(periodKey(sunday, 'UTC', 'week')).toBe('2026-W49');
    expect(period(sunday, NY, 'week').to).toBe(ms('2026-11-30T05:00:00Z'));
  });

  test('days around DST changes last 23 and 25 hours', () => {
    const spring = ms('2026-03-08T12:00:00Z');
    expect(periodKey(spring, NY, 'day')).toBe('2026-03-08');
    expect(period(spring, NY, 'day').to - ms('2026-03-08T05:00:00Z')).toBe(23 * HOUR);
    const fall = ms('2026-11-01T12:00:00Z');
    expect(periodKey(fall, NY, 'day')).toBe('2026-11-01');
    expect(period(fall, NY, 'day').to - ms('2026-11-01T04:00:00Z')).toBe(25 * HOUR);
    expect(periodKey(ms('2026-11-02T04:59:59Z'), NY, 'day')).toBe('2026-11-01');
  });

  test('each real hour is its own period, including the repeated one', () => {
    expect(periodKey(ms('2026-11-01T05:30:00Z'), NY, 'hour')).toBe('2026-11-01T01'); // 01:30 EDT
    expect(period(ms('2026-11-01T05:30:00Z'), NY, 'hour').to).toBe(ms('2026-11-01T06:00:00Z'));
    expect(periodKey(ms('2026-11-01T06:30:00Z'), NY, 'hour')).toBe('2026-11-01T01-05:00'); // 01:30 EST
    expect(period(ms('2026-11-01T06:30:00Z'), NY, 'hour').to).toBe(ms('2026-11-01T07:00:00Z'));
    expect(periodKey(ms('2026-11-01T07:30:00Z'), NY, 'hour')).toBe('2026-11-01T02');
    // Spring forward: 01:xx EST is followed by 03:00 EDT.
    expect(periodKey(ms('2026-03-08T06:30:00Z'), NY, 'hour')).toBe('2026-03-08T01');
    expect(period(ms('2026-03-08T06:30:00Z'), NY, 'hour').to).toBe(ms('2026-03-08T07:00:00Z'));
    expect(periodKey(ms('2026-03-08T07:00:00Z'), NY, 'hour')).toBe('2026-03-08T03');
  });

  test('an unknown zone or a non-instant is a RangeError', () => {
    expect(() => periodKey(0, 'Nowhere/Zone', 'day')).toThrow('unknown time zone "Nowhere/Zone"');
    expect(() => periodKey(Number.NaN, 'UTC', 'day')).toThrow('not an instant: NaN');
    expect(() => isOpen(nyOffice(), Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('caching: luxon runs when a cached answer runs out, not per question', () => {
  afterEach(() => jest.restoreAllMocks());

  /** Counts the luxon calls the calendar code makes (conversions and zone offsets). */
  function luxonCalls(): () => number {
    const spies = [jest.spyOn(DateTime, 'fromMillis'), jest.spyOn(DateTime, 'fromObject'), jest.spyOn(IANAZone.prototype, 'offset')];
    return () => spies.reduce((n, spy) => n + spy.mock.calls.length, 0);
  }

  test('isOpen over a day of minutes, and periodKey within a period, call luxon a handful of times', () => {
    const cal = nyOffice();
    isOpen(cal, ms('2026-11-23T00:00:00Z'));
    const calls = luxonCalls();
    const start = ms('2026-11-23T00:00:00Z');
    let open = 0;
    for (let minute = 0; minute < 24 * 60; minute++) if (isOpen(cal, start + minute * 60_000)) open++;
    expect(open).toBe(10 * 60);
    for (let i = 0; i < 1000; i++) periodKey(ms('2026-11-23T15:00:00Z') + i * 1000, NY, 'hour');
    expect(calls()).toBeLessThan(20);
    // The spies do see luxon: a cold calendar builds its days through them.
    const warm = calls();
    isOpen(nyOffice(), start);
    expect(calls() - warm).toBeGreaterThan(5);
  });

  test('business SLAs within the cached days use no luxon', () => {
    const cal = nyOffice();
    businessDue(cal, ms('2026-11-23T15:00:00Z'), 8 * HOUR);
    const calls = luxonCalls();
    for (let i = 0; i < 500; i++) businessDue(cal, ms('2026-11-23T15:00:00Z') + i * 60_000, 8 * HOUR);
    expect(calls()).toBe(0);
  });

  test('instants going back in time grow the table instead of rebuilding it', () => {
    const cal = nyOffice();
    const start = ms('2026-11-23T15:00:00Z');
    isOpen(cal, start);
    const calls = luxonCalls();
    // A year of leads, newest first, asked twice: the second pass is all cache.
    for (let day = 0; day < 365; day++) isOpen(cal, start - day * 86_400_000);
    const firstPass = calls();
    for (let day = 0; day < 365; day++) isOpen(cal, start - day * 86_400_000);
    expect(calls()).toBe(firstPass);
    expect(firstPass).toBeLessThan(365 * 10);
  });
});

describe('against a plain luxon reading of the calendar (property)', () => {
  const QUARTER = 15 * 60_000;
  const zones = ['America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'UTC'];
  const from = ms('2025-01-01T00:00:00Z');
  const to = ms('2028-12-31T00:00:00Z');
  // Windows between 05:00 and 23:00 on quarter hours: no DST change in these zones falls inside one,
  // so the wall clock reading is unambiguous.
  const window = fc.record({ weekday: fc.integer({ min: 1, max: 7 }), from: fc.integer({ min: 20, max: 88 }), length: fc.integer({ min: 1, max: 24 }) });
  const calendarArb = fc.record({
    tz: fc.constantFrom(...zones),
    windows: fc.array(window, { maxLength: 8 }),
    holidays: fc.array(fc.integer({ min: 0, max: 4 * 365 }), { maxLength: 40 }),
  }).map(({ tz, windows, holidays }) =>
    calendar(
      tz,
      windows.map((w) => ({ weekday: w.weekday, from: w.from * 15, to: Math.min(92, w.from + w.length) * 15 })),
      holidays.map((d) => DateTime.fromMillis(from + d * 86_400_000, { zone: 'UTC' }).toISODate() as string),
    ),
  );

  function plainOpen(cal: ReturnType<typeof calendar>, t: number): boolean {
    const dt = DateTime.fromMillis(t, { zone: cal.tz });
    if (cal.holidays.includes(dt.toISODate() as string)) return false;
    const minute = dt.hour * 60 + dt.minute;
    return (cal.hours ?? []).some((w) => w.weekday === dt.weekday && minute >= w.from && minute < w.to);
  }

  test('isOpen at instants asked in any order', () => {
    fc.assert(
      fc.property(calendarArb, fc.array(fc.integer({ min: from, max: to }), { minLength: 1, maxLength: 25 }), (cal, instants) => {
        for (const t of instants) {
          expect(isOpen(cal, t)).toBe(plainOpen(cal, t));
          // Nearby instants too: they hit the cached span, or the table grown around it.
          expect(isOpen(cal, t + 37 * 60_000)).toBe(plainOpen(cal, t + 37 * 60_000));
        }
      }),
      { numRuns: 150 },
    );
  });

  test('businessDue counts the same open quarter hours as stepping through them', () => {
    fc.assert(
      fc.property(
        calendarArb.filter((c) => (c.hours ?? []).length > 0 && c.holidays.length < 10),
        fc.integer({ min: from / QUARTER, max: to / QUARTER }),
        fc.integer({ min: 1, max: 48 }),
        fc.integer({ min: -20, max: 300 }),
        (cal, startQuarter, quarters, warmDays) => {
          const start = startQuarter * QUARTER;
          // A table already built around another day: the start extends it, grows it back, or starts anew.
          isOpen(cal, start + warmDays * 86_400_000);
          let t = start;
          let left = quarters;
          for (let steps = 0; left > 0 && steps < 20_000; steps++, t += QUARTER) if (plainOpen(cal, t)) left--;
          fc.pre(left === 0);
          expect(new Date(businessDue(cal, start, quarters * QUARTER)).toISOString()).toBe(new Date(t).toISOString());
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('wall-clock windows on the days clocks change', () => {
  test('a window over the repeated hour opens at its first occurrence and lasts three real hours', () => {
    const cal = calendar(NY, hours([7], '01:00', '03:00')); // 2026-11-01 is a Sunday
    expect(isOpen(cal, ms('2026-11-01T04:59:00Z'))).toBe(false); // 00:59 EDT
    expect(isOpen(cal, ms('2026-11-01T05:00:00Z'))).toBe(true); // 01:00 EDT
    expect(isOpen(cal, ms('2026-11-01T06:30:00Z'))).toBe(true); // 01:30 EST
    expect(isOpen(cal, ms('2026-11-01T07:59:00Z'))).toBe(true); // 02:59 EST
    expect(isOpen(cal, ms('2026-11-01T08:00:00Z'))).toBe(false); // 03:00 EST
    expect(businessDue(cal, ms('2026-11-01T05:00:00Z'), 3 * HOUR)).toBe(ms('2026-11-01T08:00:00Z'));
  });

  test('a window that starts in the skipped hour opens when the clock has passed its start', () => {
    const cal = calendar(NY, hours([7], '02:30', '05:00')); // 2026-03-08 is a Sunday
    expect(isOpen(cal, ms('2026-03-08T06:59:00Z'))).toBe(false); // 01:59 EST
    expect(isOpen(cal, ms('2026-03-08T07:00:00Z'))).toBe(true); // 03:00 EDT, straight after 01:59 EST
    expect(isOpen(cal, ms('2026-03-08T08:59:00Z'))).toBe(true); // 04:59 EDT
    expect(isOpen(cal, ms('2026-03-08T09:00:00Z'))).toBe(false); // 05:00 EDT
  });
});
