// SLA deadlines for waiting on a routed lead (the SLA Wait node): the decision's own `sla.due`,
// or a duration counted from now in clock time or in business hours. The node only reads its
// parameters and waits; when a lead is due is decided here.

import { compileCalendar, type CalendarClock } from '../compiler/calendar';
import { parseInstant } from '../core/time';
import { parseDuration } from '../dsl/durations';
import { parseHours } from '../dsl/hours';
import type { RoutingRecord } from './escalate';

/** A wait: `ms` of clock time, or of business time when `calendar` is set. */
export interface SlaClock {
  readonly ms: number;
  readonly calendar: CalendarClock | null;
}

/** A setting of a wait that cannot be read; `setting` says which (`duration`, `hours` or `tz`). */
export class SlaSettingError extends Error {
  constructor(
    readonly setting: 'duration' | 'hours' | 'tz',
    message: string,
  ) {
    super(message);
    this.name = 'SlaSettingError';
  }
}

/**
 * A wait of `duration` (the language's syntax: `15m`, `4h`), counted only inside `hours`
 * (`Mon-Fri 09:00-17:00`) in zone `tz` when hours are given. Throws a SlaSettingError naming the
 * setting that cannot be read.
 */
export function slaClock(duration: string, business?: { hours: string; tz: string }): SlaClock {
  const parsed = parseDuration(duration);
  if (!parsed.ok) throw new SlaSettingError('duration', parsed.message);
  const hours = business?.hours.trim() ?? '';
  if (business === undefined || hours === '') return { ms: parsed.ms, calendar: null };
  const windows = parseHours(hours);
  if (!windows.ok) throw new SlaSettingError('hours', windows.message);
  let calendar: CalendarClock;
  try {
    calendar = compileCalendar({ tz: business.tz, hours: windows.windows, holidays: [] });
    calendar.businessDue(0, 1); // an unknown zone fails on first use
  } catch (error) {
    throw new SlaSettingError('tz', error instanceof Error ? error.message : String(error));
  }
  return { ms: parsed.ms, calendar };
}

/** When a wait that starts at `now` (ms) ends. */
export function dueFrom(now: number, clock: SlaClock): number {
  return clock.calendar === null ? now + clock.ms : clock.calendar.businessDue(now, clock.ms);
}

/**
 * When the wait for a routed lead ends (ms): its decision's `sla.due`, else `fallback` counted
 * from `now`; null when it has neither. A `due` that is not a time is a RangeError.
 */
export function slaDeadline(routing: RoutingRecord, now: number, fallback: SlaClock | null): number | null {
  if (routing.sla === null) return fallback === null ? null : dueFrom(now, fallback);
  const due = typeof routing.sla.due === 'string' ? parseInstant(routing.sla.due) : null;
  if (due === null) throw new RangeError(`routing.sla.due is not a time: ${JSON.stringify(routing.sla.due)}`);
  return due;
}
