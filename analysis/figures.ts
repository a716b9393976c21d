// The shapes every report figure is made of: a spread of durations and a share of a count, with
// the one percentile rule they all use, so that two figures of the same kind always agree.

/** A spread of durations (ms). Median and 90th percentile interpolate between ranks (as a spreadsheet's PERCENTILE.INC does), rounded to the ms; null without values. */
export interface Spread {
  count: number;
  median: number | null;
  p90: number | null;
}

/** `count` of `of`, with the percentage (null when `of` is 0). */
export interface Share {
  count: number;
  of: number;
  percent: number | null;
}

/** The value at fraction `p` of the sorted values, interpolated between ranks, to the millisecond. */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = p * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.min(low + 1, sorted.length - 1);
  return Math.round(sorted[low] + (sorted[high] - sorted[low]) * (rank - low));
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { count: 0, median: null, p90: null };
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, median: percentile(sorted, 0.5), p90: percentile(sorted, 0.9) };
}

export function share(count: number, of: number): Share {
  return { count, of, percent: of === 0 ? null : (100 * count) / of };
}

/** Names in code-point order, null last. */
export function compareNames(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
