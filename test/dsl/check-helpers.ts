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

/** The whole policy of LANGUAGE.md ("A whole policy"), verbatim: every line number below counts in it. */
export const LANGUAGE_POLICY = `# Acme inbound routing
policy "acme-inbound"

fields {
  email: email
  country: country
  employees: number
  type: enum(demo, contact, content_download, support)
  source: text
  product: text
  account.status: enum(none, customer, open_opportunity, churned)
  account.owner: text
}

dimension segment by employees {
  enterprise when >= 1000
  midmarket  when >= 200
  smb        otherwise
}

dimension geo by country {
  na   when in [US, CA, MX]
  emea when in [GB, IE, DE, FR, NL, ES, IT, SE]
  apac otherwise
}

dimension intent {
  high when type = demo or source in [paid_search, partner]
  low  otherwise
}

pool enterprise.na   = [alice, bob, carol]
pool enterprise.emea = [dieter weight 2, emma]
pool enterprise.*    = [zoe]
pool midmarket.*     = [mia, noah]
pool smb.*           = [frank cap 40/day, gina cap 40/day] hours "Mon-Fri 08:00-18:00" tz "America/New_York"
pool payments_team   = ["ivy@acme.com", "jon@acme.com"]

sticky by email for 30d

when account.status = customer and account.owner is not blank route owner sla 4h
when type = support route queue support
when product = payments route round_robin(payments_team) or queue payments_overflow sla 10m priority high
when intent = high route by segment then geo then round_robin(pool) sla 5m priority high
else by segment then geo then round_robin(pool) sla 1d escalate to next, queue exceptions

fallback queue exceptions
`;
