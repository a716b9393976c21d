// Replay in time: each lead routed at its own time, read from one of its fields, so that caps,
// hours, holidays and rotation behave as they did when the leads arrived. routeMany's `at`
// option uses the reading here; inTimeOrder puts a re-readable source in time order without
// holding its leads.

import type { IANAZone } from 'luxon';
import { toInstant } from '../core/time';
import { zoneNamed } from '../fields/datetime';
import { defaultReading, fieldSources, firstValue, readValue, type FieldSource } from '../fields/read';

/** How the reason of a lead whose time cannot be read begins. */
export const NO_TIME = 'no time to route at: ';

/** Where a lead's time is read and how: the `at` and `tz` options of routeMany. */
export interface LeadClock {
  field: string;
  sources: readonly FieldSource[];
  zone: IANAZone | null;
}

const DATETIME = defaultReading('datetime');

/**
 * The clock of `at` (a column as written, `Created Time`, or a dotted path) and `tz` (the IANA
 * zone of times written without one; UTC when absent). Throws a RangeError naming a bad one.
 */
export function leadClock(at: string, tz?: string): LeadClock {
  if (at.trim() === '') throw new RangeError('at must name the field that holds each lead\'s time');
  const zone = tz === undefined ? null : zoneNamed(tz);
  if (zone === null && tz !== undefined) throw new RangeError(`tz ${JSON.stringify(tz)} is not an IANA time zone (write e.g. America/New_York or UTC)`);
  // The column as written first (`Created Time`, `created.at` as one key), then as a path.
  return { field: at, sources: [{ name: at, segments: [at], exact: true }, ...fieldSources(at, []).filter((s) => s.segments.length > 1)], zone };
}

/** A lead's time in ms, read as a typed `datetime` field, or why it has none (naming the field and value). */
export function leadTime(clock: LeadClock, lead: unknown): { ok: true; at: number } | { ok: false; reason: string } {
  const { raw } = firstValue(lead, clock.sources);
  const read = readValue(DATETIME, raw, { country: null, zone: clock.zone });
  if (!read.ok) return { ok: false, reason: `${NO_TIME}${clock.field}: ${read.message}` };
  if (read.value === null) return { ok: false, reason: `${NO_TIME}${clock.field} is blank` };
  return { ok: true, at: toInstant(read.value as string) };
}

/** A lead of a stream earlier than one before it: the stream is not in time order. */
export class OutOfTimeOrder extends Error {
  constructor(
    /** Its place in the stream, from 0. */
    readonly index: number,
    readonly at: number,
    readonly after: number,
  ) {
    super(`lead ${index + 1} of the stream is earlier (${new Date(at).toISOString()}) than a lead before it (${new Date(after).toISOString()}): leads replayed in time must come in time order`);
    this.name = 'OutOfTimeOrder';
  }
}

/** Leads held at once while inTimeOrder puts an unsorted source in order. */
export const ORDER_WINDOW = 100_000;

/**
 * The items of a source in time order (then source order), in batches. `open` reads the source
 * from its start; it is read once when it is in order already. When it is not, every item's
 * time is kept (16 bytes an item: time, order, rank), the order sorted, and the source read
 * again once per `window` items of that order, holding only those: memory grows with the
 * window, not the source. An item without a time (null) keeps its place after the item before it.
 */
export async function* inTimeOrder<T>(open: () => AsyncIterable<readonly T[]>, timeOf: (item: T) => number | null, window = ORDER_WINDOW): AsyncGenerator<T[]> {
  let times = new Float64Array(1024);
  let count = 0;
  let ordered = true;
  let last = Number.NEGATIVE_INFINITY;
  for await (const batch of open()) {
    for (const item of batch) {
      const t = timeOf(item) ?? last;
      if (t < last) ordered = false;
      last = Math.max(last, t);
      if (count === times.length) {
        const grown = new Float64Array(times.length * 2);
        grown.set(times);
        times = grown;
      }
      times[count++] = t;
    }
  }
  if (ordered) {
    for await (const batch of open()) yield [...batch];
    return;
  }
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  order.sort((a, b) => times[a] - times[b] || a - b);
  const rank = new Uint32Array(count);
  for (let r = 0; r < count; r++) rank[order[r]] = r;
  for (let from = 0; from < count; from += window) {
    const slots: T[] = new Array<T>(Math.min(window, count - from));
    let k = 0;
    for await (const batch of open()) {
      for (const item of batch) {
        const r = rank[k++] - from;
        if (r >= 0 && r < slots.length) slots[r] = item;
      }
    }
    for (let i = 0; i < slots.length; i += 1024) yield slots.slice(i, i + 1024);
  }
}
