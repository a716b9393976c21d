import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// Helpers of the checker tests: parse policy text (which must be free of syntax errors), check
// it, and find a diagnostic by code together with the place it must point at.

import { checkPolicy } from '../../dsl/checker';
import type { Diagnostic } from '../../dsl/diagnostics';
import { parsePolicy } from '../../dsl/parse';

export function check(source: string): ReturnType<typeof checkPolicy> {
  const parsed = parsePolicy(source);
  expect(parsed.diagnostics).toEqual([]);
  return checkPolicy(parsed.ast);
}

export function codes(source: string): string[] {
  return check(source).diagnostics.map((d) => d.code);
}

/** Line and column (1-based) of the `nth` occurrence (0-based) of `needle` in `source`. */
export function position(source: string, needle: string, nth = 0): { line: number; column: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = source.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`${JSON.stringify(needle)} occurs fewer than ${nth + 1} times`);
  }
  const before = source.slice(0, at).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/**
 * The one diagnostic with `code`, asserting that it points at the `nth` `needle` of the source
 * and spans it exactly.
 */
export function expectDiagnostic(source: string, code: string, needle: string, nth = 0): Diagnostic {
  const found = check(source).diagnostics.filter((d) => d.code === code);
  expect(found).toHaveLength(1);
  const d = found[0];
  expect({ line: d.span.line, column: d.span.column, text: source.slice(d.span.start, d.span.end) }).toEqual({ ...position(source, needle, nth), text: needle });
  return d;
}

/** A header that keeps policy-level warnings (name, fallback) out of small tests. */
export const HEADER = 'policy "t"\nfallback queue exceptions\n';

export const TYPED = `${HEADER}fields {
  type: enum(demo, contact, support)
  employees: number
  country: country
  created: datetime
  active: boolean
  name: text
  account.status: enum(none, customer)
  account.owner: text
}
`;

/** The whole policy of LANGUAGE.md ("A whole policy"), verbatim (test/language.test.ts checks it against the contract). */
export const LANGUAGE_POLICY = readFileSync(join(__dirname, '../../examples/acme-inbound.route'), 'utf8');
