// How big a lead may be to be routed. A lead passes through JSON.stringify, object spreads and
// the value readers, some of which recurse: one lead thousands of levels deep overflowed the
// stack and ended a whole run, losing the leads after it. Readers check these limits as they read,
// so that such a lead becomes one exception decision and the run goes on.

/** Levels of objects and arrays, the lead itself being level 1 (`{"a": {"b": 1}}` is 2 deep). */
export const MAX_LEAD_DEPTH = 64;
/** Keys and array elements in one lead, counted at every level. */
export const MAX_LEAD_VALUES = 100_000;

/**
 * Why a parsed lead is past the limits (`nested deeper than 64 levels`), or null. Walks with its
 * own stack, so a lead of any depth is measured without recursion.
 */
export function leadLimitProblem(lead: unknown): string | null {
  const pending: { value: object; depth: number }[] = typeof lead === 'object' && lead !== null ? [{ value: lead, depth: 1 }] : [];
  let values = 0;
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.depth > MAX_LEAD_DEPTH) return `nested deeper than ${MAX_LEAD_DEPTH} levels`;
    const children: unknown[] = Array.isArray(next.value) ? next.value : Object.values(next.value);
    values += children.length;
    if (values > MAX_LEAD_VALUES) return `holding more than ${MAX_LEAD_VALUES} values`;
    for (const child of children) if (typeof child === 'object' && child !== null) pending.push({ value: child, depth: next.depth + 1 });
  }
  return null;
}
