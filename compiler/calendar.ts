// Business calendars: opening hours, holidays and time zones, the business-time SLA clock, and
// the periods that caps and least_loaded count in. decide() asks these questions for every
// member of every lead, so luxon (microseconds a call) runs only when a cached answer runs out:
// a calendar keeps a table of its local days as UTC instants (built a week or so at a time) and
// the last span of constant open/closed state, so the usual question is two comparisons.

import { DateTime, IANAZone } from 'luxon';
import type { SoldCapPeriod } from '../core/words';
import type { CalendarIR } from './ir';

const DAY = 86_400_000;
/** Days built per extension of a calendar's table. */
const CHUNK_DAYS = 8;
/** An instant this far before or after the table starts a new one; nearer, the table grows to it. */
const REACH = 400 * DAY;
/** A table that would grow past this many days is rebuilt around the asked instant instead. */
const TABLE_LIMIT_DAYS = 4_000;
/** How far business time is looked for before the SLA falls back to clock time (a calendar that never opens). */
const BUSINESS_HORIZON_DAYS = 3_700;

const WEEKDAY_NAMES = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function zoneError(tz: string): RangeError {
  return new RangeError(`unknown time zone ${JSON.stringify(tz)}`);
}

function instantError(ms: number): RangeError {
  return new RangeError(`not an instant: ${ms}`);
}

/** The wall-clock midnight (a local date written as UTC ms) of the day containing ms in a zone. */
function localDate(ms: number, zone: IANAZone): number {
  const wall = ms + zone.offset(ms) * 60_000;
  return wall - (((wall % DAY) + DAY) % DAY);
}

/** `08:00`, and `24:00` for the end of the day. */
function clockText(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/**
 * The hours as an ops person writes them: runs of consecutive weekdays with the same windows,
 * `Mon-Fri 08:00-18:00, Sat 10:00-14:00`.
 */
export function hoursText(hours: CalendarIR['hours']): string {
  if (hours === null) return 'always open';
  const byDay: string[] = new Array(8).fill('');
  for (let day = 1; day <= 7; day++) {
    byDay[day] = hours
      .filter((h) => h.weekday === day)
      .sort((a, b) => a.from - b.from)
      .map((h) => `${clockText(h.from)}-${clockText(h.to)}`)
      .join(' ');
  }
  const parts: string[] = [];
  for (let day = 1; day <= 7; ) {
    let last = day;
    while (last < 7 && byDay[last + 1] === byDay[day]) last++;
    if (byDay[day] !== '') {
      const days = last === day ? WEEKDAY_NAMES[day] : `${WEEKDAY_NAMES[day]}-${WEEKDAY_NAMES[last]}`;
      for (const window of byDay[day].split(' ')) parts.push(`${days} ${window}`);
    }
    day = last + 1;
  }
  return parts.length === 0 ? 'no opening hours' : parts.join(', ');
}

/**
 * One calendar made fast. Build with compileCalendar(); all methods take UTC milliseconds.
 * Local days are kept as parallel arrays: day k runs [dayStart[k], dayStart[k + 1]), and its
 * open intervals are openFrom/openTo[dayFirst[k] .. dayFirst[k + 1]), with the open time of all
 * intervals before each one in openBefore (for the business clock).
 */
export class CalendarClock {
  readonly tz: string;
  /** `outside hours Mon-Fri 08:00-18:00 (America/New_York)`. */
  readonly outsideHours: string;
  private readonly alwaysOpen: boolean;
  private readonly neverOpen: boolean;
  /** Windows per ISO weekday as flat [from, to, from, to, ...] minutes, merged and sorted. */
  private readonly windows: number[][];
  private readonly holidays: Set<string>;

  private dayStart: number[] = [];
  private dayDate: string[] = [];
  private dayHoliday: boolean[] = [];
  private dayFirst: number[] = [];
  private openFrom: number[] = [];
  private openTo: number[] = [];
  private openBefore: number[] = [];
  /** The local date after the table's last day (its wall-clock midnight as UTC ms), to extend from. */
  private nextWall = 0;
  private readonly zone: IANAZone;

  // The last span of constant state: [spanFrom, spanTo) is open or closed for `spanReason`.
  private spanFrom = 0;
  private spanTo = 0;
  private spanOpen = false;
  private spanReason: string | null = null;

  constructor(cal: CalendarIR) {
    this.tz = cal.tz;
    this.zone = IANAZone.create(cal.tz);
    if (!this.zone.isValid) throw zoneError(cal.tz);
    this.holidays = new Set(cal.holidays);
    this.windows = [];
    for (let day = 0; day <= 7; day++) {
      const spans = cal.hours === null ? [[0, 1440]] : cal.hours.filter((h) => h.weekday === day).map((h) => [h.from, h.to]);
      this.windows.push(mergeWindows(day === 0 ? [] : spans));
    }
    this.alwaysOpen = cal.hours === null && cal.holidays.length === 0;
    this.neverOpen = this.windows.every((w) => w.length === 0);
    this.outsideHours = `outside hours ${hoursText(cal.hours)} (${cal.tz})`;
  }

  /** Inside an opening window and not on a holiday. */
  isOpen(ms: number): boolean {
    if (ms >= this.spanFrom && ms < this.spanTo) return this.spanOpen;
    if (this.alwaysOpen) return true;
    this.findSpan(ms);
    return this.spanOpen;
  }

  /** Why the calendar is closed at ms (`holiday 2026-12-25`, `outside hours ...`), or null when open. */
  closedReason(ms: number): string | null {
    return this.isOpen(ms) ? null : this.spanReason;
  }

  /** The holiday (yyyy-mm-dd) ms falls on in this calendar's zone, or null. */
  holidayAt(ms: number): string | null {
    if (this.holidays.size === 0) return null;
    const k = this.dayIndex(ms);
    return this.dayHoliday[k] ? this.dayDate[k] : null;
  }

  /**
   * The instant at which `durationMs` of open time has passed since `startMs`: nights, closed
   * days and holidays do not count, and a start outside hours counts from the next opening.
   * A calendar with no opening at all counts clock time, so an SLA always has a due time.
   */
  businessDue(startMs: number, durationMs: number): number {
    if (this.alwaysOpen || this.neverOpen) return startMs + durationMs;
    this.dayIndex(startMs);
    // Extending only appends later intervals, so `first` stays right while the table grows.
    const first = firstAbove(this.openTo, startMs);
    const limit = startMs + BUSINESS_HORIZON_DAYS * DAY;
    while (first === this.openTo.length) {
      if (this.dayStart[this.dayStart.length - 1] > limit) return startMs + durationMs;
      this.extend(CHUNK_DAYS);
    }
    const target = this.openBefore[first] + Math.max(0, startMs - this.openFrom[first]) + durationMs;
    while (this.openTimeThrough(this.openTo.length - 1) < target) {
      if (this.dayStart[this.dayStart.length - 1] > limit) return startMs + durationMs;
      this.extend(CHUNK_DAYS);
    }
    // The interval in which the target amount of open time is reached (its end counts: a 2h SLA
    // from 16:00 with closing at 18:00 is due at 18:00, not at the next opening).
    let lo = first;
    let hi = this.openTo.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.openTimeThrough(mid) >= target) hi = mid;
      else lo = mid + 1;
    }
    return this.openFrom[lo] + (target - this.openBefore[lo]);
  }

  private openTimeThrough(i: number): number {
    return this.openBefore[i] + (this.openTo[i] - this.openFrom[i]);
  }

  /** Sets the cached span to the one containing ms. */
  private findSpan(ms: number): void {
    const k = this.dayIndex(ms);
    const dayEnd = this.dayStart[k + 1];
    if (this.dayHoliday[k]) {
      this.setSpan(this.dayStart[k], dayEnd, false, `holiday ${this.dayDate[k]}`);
      return;
    }
    let gapFrom = this.dayStart[k];
    for (let i = this.dayFirst[k]; i < this.dayFirst[k + 1]; i++) {
      if (ms < this.openFrom[i]) {
        this.setSpan(gapFrom, this.openFrom[i], false, this.outsideHours);
        return;
      }
      if (ms < this.openTo[i]) {
        this.setSpan(this.openFrom[i], this.openTo[i], true, null);
        return;
      }
      gapFrom = this.openTo[i];
    }
    this.setSpan(gapFrom, dayEnd, false, this.outsideHours);
  }

  private setSpan(from: number, to: number, open: boolean, reason: string | null): void {
    this.spanFrom = from;
    this.spanTo = to;
    this.spanOpen = open;
    this.spanReason = reason;
  }

  /** Index of the local day containing ms, building the table as needed. */
  private dayIndex(ms: number): number {
    if (!Number.isFinite(ms)) throw instantError(ms);
    const days = this.dayStart.length - 1;
    if (days <= 0 || ms < this.dayStart[0] - REACH || ms >= this.dayStart[days] + REACH || days > TABLE_LIMIT_DAYS) {
      // One day back, so an instant near midnight and "yesterday's" questions stay in the table.
      this.reset(localDate(ms, this.zone) - DAY);
    } else if (ms < this.dayStart[0]) {
      this.prepend(ms);
    }
    while (ms >= this.dayStart[this.dayStart.length - 1]) this.extend(CHUNK_DAYS);
    return firstAbove(this.dayStart, ms) - 1;
  }

  /** An empty table that starts on the local date `wall` (its wall-clock midnight as UTC ms). */
  private reset(wall: number): void {
    this.dayStart = [this.instantOf(wall)];
    this.dayDate = [];
    this.dayHoliday = [];
    this.dayFirst = [0];
    this.openFrom = [];
    this.openTo = [];
    this.openBefore = [];
    this.nextWall = wall;
  }

  /**
   * Grows the table back to cover ms (a few days further, for leads that come in going back in
   * time), keeping the days already built: their instants stay, their running open time shifts.
   */
  private prepend(ms: number): void {
    const old = { dayStart: this.dayStart, dayDate: this.dayDate, dayHoliday: this.dayHoliday, dayFirst: this.dayFirst, openFrom: this.openFrom, openTo: this.openTo, openBefore: this.openBefore, nextWall: this.nextWall };
    this.reset(localDate(ms, this.zone) - CHUNK_DAYS * DAY);
    while (this.dayStart[this.dayStart.length - 1] < old.dayStart[0]) this.extend(1);
    if (this.dayStart[this.dayStart.length - 1] !== old.dayStart[0]) {
      // Days that do not line up (never in a real zone): start afresh instead.
      this.reset(localDate(ms, this.zone) - DAY);
      return;
    }
    const intervals = this.openFrom.length;
    const openBefore = intervals === 0 ? 0 : this.openTimeThrough(intervals - 1);
    for (let k = 0; k < old.dayDate.length; k++) {
      this.dayStart.push(old.dayStart[k + 1]);
      this.dayDate.push(old.dayDate[k]);
      this.dayHoliday.push(old.dayHoliday[k]);
      this.dayFirst.push(old.dayFirst[k + 1] + intervals);
    }
    for (let i = 0; i < old.openFrom.length; i++) {
      this.openFrom.push(old.openFrom[i]);
      this.openTo.push(old.openTo[i]);
      this.openBefore.push(old.openBefore[i] + openBefore);
    }
    this.nextWall = old.nextWall;
  }

  /**
   * Appends local days. A day whose offset is the same at both ends (all but two a year, where
   * zones change clocks at all) is plain arithmetic; only a day with a change asks the zone.
   */
  private extend(days: number): void {
    for (let n = 0; n < days; n++) {
      const wall = this.nextWall;
      const start = this.dayStart[this.dayStart.length - 1];
      const startOffset = wall - start;
      let end = start + DAY;
      const steady = this.zone.offset(end) * 60_000 === startOffset;
      if (!steady) end = this.instantOf(wall + DAY);
      const day = new Date(wall);
      const date = day.toISOString().slice(0, 10);
      const holiday = this.holidays.has(date);
      if (!holiday) {
        const w = this.windows[day.getUTCDay() || 7];
        for (let i = 0; i < w.length; i += 2) {
          const from = steady ? start + w[i] * 60_000 : Math.max(start, Math.min(end, this.instantOf(wall + w[i] * 60_000)));
          const to = steady ? start + w[i + 1] * 60_000 : Math.max(start, Math.min(end, this.instantOf(wall + w[i + 1] * 60_000)));
          if (to <= from) continue;
          const last = this.openTo.length - 1;
          this.openBefore.push(last < 0 ? 0 : this.openTimeThrough(last));
          this.openFrom.push(from);
          this.openTo.push(to);
        }
      }
      this.dayStart.push(end);
      this.dayDate.push(date);
      this.dayHoliday.push(holiday);
      this.dayFirst.push(this.openFrom.length);
      this.nextWall = wall + DAY;
    }
  }

  /**
   * The first instant at which the zone's wall clock shows `wall` (a wall-clock time written as
   * UTC ms) or later: when clocks go back and a time occurs twice, its first occurrence; for a
   * time skipped when clocks go forward, the moment of the change.
   */
  private instantOf(wall: number): number {
    // Each offset in force a day either side (a zone changes clocks at most once a day) is tried.
    let first = Number.POSITIVE_INFINITY;
    for (const around of [wall - DAY, wall + DAY]) {
      const offset = this.zone.offset(around);
      const at = wall - offset * 60_000;
      if (this.zone.offset(at) === offset && at < first) first = at;
    }
    if (first !== Number.POSITIVE_INFINITY) return first;
    // Skipped: search the minutes between the two readings for the change.
    const after = this.zone.offset(wall + DAY);
    let before = wall - after * 60_000;
    let since = wall - this.zone.offset(wall - DAY) * 60_000;
    while (since - before > 60_000) {
      const mid = before + Math.floor((since - before) / 120_000) * 60_000;
      if (this.zone.offset(mid) === after) since = mid;
      else before = mid;
    }
    return since;
  }
}

/** Sorted, overlapping or touching windows merged, as flat [from, to, ...]. */
function mergeWindows(spans: number[][]): number[] {
  const sorted = spans.filter(([from, to]) => to > from).sort((a, b) => a[0] - b[0]);
  const flat: number[] = [];
  for (const [from, to] of sorted) {
    if (flat.length > 0 && from <= flat[flat.length - 1]) flat[flat.length - 1] = Math.max(flat[flat.length - 1], to);
    else flat.push(from, to);
  }
  return flat;
}

/** The first index whose value is above `value` (sorted.length when none). */
function firstAbove(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const clocks = new WeakMap<CalendarIR, CalendarClock>();

/** The fast form of a calendar, built once per CalendarIR object. Throws a RangeError for an unknown zone. */
export function compileCalendar(cal: CalendarIR): CalendarClock {
  let clock = clocks.get(cal);
  if (clock === undefined) {
    clock = new CalendarClock(cal);
    clocks.set(cal, clock);
  }
  return clock;
}

/** Inside an hours window in the calendar's zone, and not on a holiday. */
export function isOpen(cal: CalendarIR, ms: number): boolean {
  return compileCalendar(cal).isOpen(ms);
}

/** Plain words for why the calendar is closed at ms, or null when it is open. */
export function describeClosed(cal: CalendarIR, ms: number): string | null {
  return compileCalendar(cal).closedReason(ms);
}

/** The instant at which durationMs of working time has passed since startMs (see CalendarClock.businessDue). */
export function businessDue(cal: CalendarIR, startMs: number, durationMs: number): number {
  return compileCalendar(cal).businessDue(startMs, durationMs);
}

/** A cap period: from `from` (inclusive) to `to` (exclusive), named by `key` (see periodKey). */
export interface Period {
  readonly from: number;
  readonly to: number;
  readonly key: string;
}

/** Per zone, the last period asked for each of hour, day, week, month. */
const periods = new Map<string, (Period | null)[]>();
const PERIOD_SLOT: Record<SoldCapPeriod, number> = { hour: 0, day: 1, week: 2, month: 3 };
/** The last period given out, for the next call about the same zone and unit (most calls are). */
let lastPeriod: Period | null = null;
let lastTz = '';
let lastPer: SoldCapPeriod = 'day';

/** The cap period of unit `per` in zone `tz` that contains ms. Throws a RangeError for an unknown zone or a time that is not finite. */
export function period(ms: number, tz: string, per: SoldCapPeriod): Period {
  if (lastPeriod !== null && tz === lastTz && per === lastPer && ms >= lastPeriod.from && ms < lastPeriod.to) return lastPeriod;
  const found = lookUpPeriod(ms, tz, per);
  lastPeriod = found;
  lastTz = tz;
  lastPer = per;
  return found;
}

function lookUpPeriod(ms: number, tz: string, per: SoldCapPeriod): Period {
  let slots = periods.get(tz);
  if (slots === undefined) {
    slots = [null, null, null, null];
    periods.set(tz, slots);
  }
  const cached = slots[PERIOD_SLOT[per]];
  if (cached !== null && ms >= cached.from && ms < cached.to) return cached;
  if (!Number.isFinite(ms)) throw instantError(ms);
  const dt = DateTime.fromMillis(ms, { zone: tz });
  if (!dt.isValid) throw zoneError(tz);
  const start = dt.startOf(per);
  const end = start.plus(per === 'hour' ? { hours: 1 } : per === 'day' ? { days: 1 } : per === 'week' ? { weeks: 1 } : { months: 1 });
  let key: string;
  if (per === 'hour') {
    key = start.toFormat("yyyy-MM-dd'T'HH");
    // The hour repeated when clocks go back is a second period: its key carries the offset.
    if (start.minus({ hours: 1 }).toFormat("yyyy-MM-dd'T'HH") === key) key += start.toFormat('ZZ');
  } else {
    key = per === 'day' ? (start.toISODate() as string) : per === 'week' ? start.toFormat("kkkk-'W'WW") : start.toFormat('yyyy-MM');
  }
  const fresh = { from: start.toMillis(), to: end.toMillis(), key };
  slots[PERIOD_SLOT[per]] = fresh;
  return fresh;
}

/**
 * A stable key for the cap period containing ms in zone tz: `2026-11-23T10` (hour), `2026-11-23`
 * (day), `2026-W48` (ISO week, Monday first), `2026-11` (month). The hour that repeats when clocks go back gets
 * its offset appended (`2026-11-01T01-05:00`), so each real hour is its own period.
 */
export function periodKey(ms: number, tz: string, per: SoldCapPeriod): string {
  return period(ms, tz, per).key;
}
