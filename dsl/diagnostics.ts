import { escapeControls } from '../core/terminal';
import type { Span } from './ast';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  /** A stable short code for tests and tools, e.g. `syntax`, `unknown-pool`, `shadowed-rule`. */
  code: string;
  message: string;
  span: Span;
  /** "did you mean `ent_na`?" and the like; printed after the caret. */
  suggestion?: string;
}

/**
 * At most this many diagnostics of every kind together (lexical, syntax, checks) are reported,
 * then one more saying that the rest are not: a flood of errors (pasted junk, random bytes) must
 * cost time and output in proportion to the policy, and nobody reads past the first screens.
 */
export const MAX_DIAGNOSTICS = 50;

/** The code of the diagnostic that closes a capped list. */
export const TOO_MANY = 'too-many-problems';

/**
 * The first MAX_DIAGNOSTICS of `sorted` (in source order) and, when there are more or `stoppedAt`
 * says where reading stopped, a last one there saying that nothing after it is reported: an
 * error when reading stopped or an error is among those left out, so that a cut never hides one.
 */
export function capDiagnostics(sorted: readonly Diagnostic[], stoppedAt?: Span): Diagnostic[] {
  const at = sorted.length > MAX_DIAGNOSTICS ? sorted[MAX_DIAGNOSTICS].span : stoppedAt;
  if (at === undefined) return [...sorted];
  const kept = sorted.slice(0, MAX_DIAGNOSTICS).filter((d) => d.span.start <= at.start);
  const severity = stoppedAt !== undefined || sorted.slice(kept.length).some((d) => d.severity === 'error') ? 'error' : 'warning';
  return [...kept, { severity, code: TOO_MANY, message: `more than ${MAX_DIAGNOSTICS} problems: those after this point are not reported`, span: at }];
}

/** Thrown by compilePolicy when any diagnostic is an error; carries every diagnostic of the run. */
export class PolicyError extends Error {
  constructor(
    readonly diagnostics: Diagnostic[],
    readonly source: string,
    readonly file: string,
  ) {
    super(formatDiagnostics(diagnostics, source, file));
    this.name = 'PolicyError';
  }
}

/** Characters of a source line shown around the spot; a longer line is cut to this window. */
const EXCERPT_CHARS = 160;
/** Of the window, how many characters come before the spot. */
const EXCERPT_BEFORE = 60;

/**
 * `FILE:LINE:COL: error: message`, the source line (cut to a window around the spot when long,
 * control characters escaped), a caret under the spot (as wide as the span on that line), and
 * the suggestion when there is one. `lines` is the source split once by the caller.
 */
function formatOne(d: Diagnostic, lines: readonly string[], file: string): string {
  const text = lines[d.span.line - 1] ?? '';
  const col = Math.max(1, d.span.column);
  const from = text.length > EXCERPT_CHARS ? Math.max(0, Math.min(col - 1 - EXCERPT_BEFORE, text.length - EXCERPT_CHARS)) : 0;
  const to = Math.min(text.length, from + EXCERPT_CHARS);
  const spotEnd = Math.min(to, Math.max(col, col - 1 + d.span.end - d.span.start));
  const before = (from > 0 ? '…' : '') + escapeControls(text.slice(from, col - 1));
  const spot = escapeControls(text.slice(col - 1, spotEnd));
  const after = escapeControls(text.slice(spotEnd, to)) + (to < text.length ? '…' : '');
  const gutter = `${d.span.line} | `;
  const out = [
    `${file}:${d.span.line}:${col}: ${d.severity}: ${escapeControls(d.message)}`,
    `${gutter}${before}${spot}${after}`,
    `${' '.repeat(gutter.length + before.length)}${'^'.repeat(Math.max(1, spot.length))}`,
  ];
  if (d.suggestion) out.push(`${' '.repeat(gutter.length)}${escapeControls(d.suggestion)}`);
  return out.join('\n');
}

export function formatDiagnostic(d: Diagnostic, source: string, file = 'policy'): string {
  return formatOne(d, source.split(/\r?\n/), file);
}

export function formatDiagnostics(ds: readonly Diagnostic[], source: string, file = 'policy'): string {
  if (ds.length === 0) return '';
  const lines = source.split(/\r?\n/);
  return ds.map((d) => formatOne(d, lines, file)).join('\n\n');
}

/** Optimal string alignment distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2][j - 2] + 1);
      d[i][j] = v;
    }
  }
  return d[a.length][b.length];
}

/** The closest known name within a third of its length (at least 1, at most 3 edits), or undefined. */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const k of known) {
    // Names whose lengths differ by more than the limit cannot be close; skipping them keeps a
    // very long unknown name from costing its length times every known name's.
    if (Math.abs(k.length - name.length) > limit) continue;
    const dist = editDistance(name.toLowerCase(), k.toLowerCase());
    if (dist < bestDistance) {
      best = k;
      bestDistance = dist;
    }
  }
  return best;
}

/** "did you mean `x`?" when a known name is close. */
export function didYouMean(name: string, known: Iterable<string>): string | undefined {
  const c = closestName(name, known);
  return c === undefined ? undefined : `did you mean \`${c}\`?`;
}
