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

/**
 * `FILE:LINE:COL: error: message`, the source line, a caret under the spot (as wide as the span
 * on that line), and the suggestion when there is one.
 */
export function formatDiagnostic(d: Diagnostic, source: string, file = 'policy'): string {
  const lines = source.split(/\r?\n/);
  const text = lines[d.span.line - 1] ?? '';
  const col = Math.max(1, d.span.column);
  const width = Math.max(1, Math.min(d.span.end - d.span.start, text.length - col + 1));
  const gutter = `${d.span.line} | `;
  const out = [
    `${file}:${d.span.line}:${col}: ${d.severity}: ${d.message}`,
    `${gutter}${text}`,
    `${' '.repeat(gutter.length + col - 1)}${'^'.repeat(width)}`,
  ];
  if (d.suggestion) out.push(`${' '.repeat(gutter.length)}${d.suggestion}`);
  return out.join('\n');
}

export function formatDiagnostics(ds: Diagnostic[], source: string, file = 'policy'): string {
  return ds.map((d) => formatDiagnostic(d, source, file)).join('\n\n');
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
