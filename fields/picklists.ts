// Picklists: many spellings of one value made that value. The values of a field come from its
// `enum(...)` in the policy and from a synonym mapping the user gives, e.g.
//   { "source": { "paid_search": ["paid search", "PPC", "google ads"] } }
// Spellings are compared by picklistKey: case, accents, surrounding white space and the choice of
// space, `_` or `-` between words do not matter (`Paid Search` is `paid_search` with no synonym).

import { MAX_SHORT_CHARS, picklistKey, isRecord } from './text';

/** Field path -> canonical value -> its other spellings (one spelling may be given as a string). */
export type SynonymMap = Readonly<Record<string, Readonly<Record<string, readonly string[] | string>>>>;

/** A mistake in a synonym mapping: found when the normalizer is set up, never per lead. */
export class SynonymError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SynonymError';
  }
}

/** The spellings of one field's values, ready for lookups. */
export class Picklist {
  private readonly byKey = new Map<string, string>();
  /** The spellings given, as written -> their canonical value: most values arrive written so, and skip the fold. */
  private readonly given = new Map<string, string>();

  /**
   * `values`: the field's enum values (each its own canonical spelling), or empty for a free text
   * field. `synonyms`: canonical value -> other spellings. Two canonical values claiming one
   * spelling is an error.
   */
  constructor(
    readonly field: string,
    readonly values: readonly string[],
    synonyms: Readonly<Record<string, readonly string[] | string>> = {},
  ) {
    // Enum values that differ only by case or separator (the checker warns of them) keep the first.
    for (const value of values) if (!this.byKey.has(picklistKey(value))) this.byKey.set(picklistKey(value), value);
    const written = [...values];
    for (const canonical of Object.keys(synonyms)) {
      // A mapping may name an enum value in another spelling (`Paid Search` for `paid_search`): the enum's spelling is kept.
      const target = this.byKey.get(picklistKey(canonical)) ?? canonical;
      this.add(canonical, target);
      const listed = synonyms[canonical];
      const spellings = typeof listed === 'string' ? [listed] : listed;
      for (const spelling of spellings) this.add(spelling, target);
      written.push(canonical, ...spellings);
    }
    // What resolve finds for each of them, worked out once (long ones it never reads).
    for (const spelling of written) if (spelling.length <= MAX_SHORT_CHARS) this.given.set(spelling, this.byKey.get(picklistKey(spelling)) as string);
  }

  private add(spelling: string, canonical: string): void {
    const key = picklistKey(spelling);
    const known = this.byKey.get(key);
    if (known === undefined) {
      this.byKey.set(key, canonical);
      return;
    }
    if (picklistKey(known) !== picklistKey(canonical)) {
      throw new SynonymError(`synonyms of ${this.field}: ${JSON.stringify(spelling)} is given for both ${JSON.stringify(known)} and ${JSON.stringify(canonical)}`);
    }
  }

  /** The canonical value a spelling stands for, or null when it is none of them. */
  resolve(value: unknown): string | null {
    const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : null;
    if (text === null || text.length > MAX_SHORT_CHARS) return null;
    return this.given.get(text) ?? this.byKey.get(picklistKey(text)) ?? null;
  }
}

/**
 * Checks a synonym mapping read from JSON (a file, a node parameter) and returns it typed.
 * Throws SynonymError naming what is wrong.
 */
export function readSynonyms(json: unknown): SynonymMap {
  if (!isRecord(json)) throw new SynonymError('synonyms must be a JSON object: { "field": { "value": ["other spelling", ...] } }');
  for (const field of Object.keys(json)) {
    const byValue = json[field];
    if (!isRecord(byValue)) throw new SynonymError(`synonyms of ${field}: expected an object of value -> list of spellings`);
    for (const canonical of Object.keys(byValue)) {
      const spellings = byValue[canonical];
      const ok = typeof spellings === 'string' || (Array.isArray(spellings) && spellings.every((s) => typeof s === 'string'));
      if (!ok) throw new SynonymError(`synonyms of ${field}.${canonical}: expected a list of strings`);
    }
  }
  return json as SynonymMap;
}
