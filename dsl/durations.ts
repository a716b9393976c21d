// Duration text (`30s`, `10m`, `4h`, `2d`, `1w`) to milliseconds.
// Whole numbers only, so `1.5h` is refused with the whole-number spelling (`90m`) instead of
// a silent rounding; zero, negative and over-long durations are refused too.

export const DURATION_UNITS: ReadonlyMap<string, number> = new Map([
  ['w', 7 * 24 * 3_600_000],
  ['d', 24 * 3_600_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
]);

/** Ten years: longer is a typo (`sla 5000d`), and it keeps every sum far from unsafe integers. */
export const MAX_DURATION_MS = 3650 * 24 * 3_600_000;

export type DurationResult = { ok: true; ms: number } | { ok: false; message: string };

const DURATION = /^(\d+(?:\.\d+)?)([a-z]*)$/i;
const HOW = 'write a whole number and a unit: `30s`, `10m`, `4h`, `2d`, `1w`';

export function parseDuration(text: string): DurationResult {
  const t = text.trim();
  if (t.startsWith('-')) return { ok: false, message: `duration \`${t}\` is negative; durations are positive, e.g. \`30m\`` };
  const m = t.length <= 40 ? DURATION.exec(t) : null;
  if (m === null) return { ok: false, message: `invalid duration \`${t}\`; ${HOW}` };
  const [, digits, unit] = m;
  if (unit === '') return { ok: false, message: `duration \`${t}\` has no unit; ${HOW}` };
  const unitMs = DURATION_UNITS.get(unit.toLowerCase());
  if (unitMs === undefined) return { ok: false, message: `unknown duration unit \`${unit}\` in \`${t}\`; units are s, m, h, d, w` };
  const amount = Number(digits);
  if (!Number.isInteger(amount)) return { ok: false, message: `duration \`${t}\` is not a whole number; write ${wholeSpelling(amount, unitMs)}` };
  const ms = amount * unitMs;
  if (ms === 0) return { ok: false, message: `duration \`${t}\` is zero; durations are positive, e.g. \`30m\`` };
  if (ms > MAX_DURATION_MS) return { ok: false, message: `duration \`${t}\` is longer than ten years (3650d)` };
  return { ok: true, ms };
}

/** `1.5h` -> "`90m`": the largest unit in which the amount is whole, or a hint when none is. */
function wholeSpelling(amount: number, unitMs: number): string {
  const ms = Math.round(amount * unitMs);
  for (const [unit, size] of DURATION_UNITS) {
    const n = ms / size;
    if (size < unitMs && Number.isInteger(n)) return `\`${n}${unit}\``;
  }
  return 'a whole number of seconds or more, e.g. `90m` for an hour and a half';
}
