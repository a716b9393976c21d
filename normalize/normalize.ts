// normalizeLead: what forms, imports and CRMs send, made into the lead a policy expects. Every
// field is read by its kind (fields/read.ts, as decide() reads a policy's declared fields), other text is trimmed and blank words made
// null, the account is matched, the campaign context gathered, and the result validated against
// the policy's schema. Nothing here throws on any lead: what cannot be cleaned is a problem
// (review) or a warning, named with its field, value and reason. The input is never changed:
// the result is a copy, sharing what did not change, with the values it replaced kept under
// `original.<path>`.

import type { ValidateFunction } from 'ajv';
import { isBlank, readPath } from '../core/values';
import type { PolicyAst } from '../dsl/ast';
import type { CheckedPolicy } from '../dsl/checker';
import { BlankWords, DEFAULT_BLANK_WORDS } from '../fields/blank';
import type { CleanEmail } from '../fields/email';
import type { RangePoint } from '../fields/numbers';
import { Picklist, type SynonymMap } from '../fields/picklists';
import { firstValue, valueReader, type ValueReader } from '../fields/read';
import { isOwn, isRecord, kindOf, makeProblem, MAX_SHORT_CHARS, MAX_TEXT_CHARS, nfc, setOwn, type Problem } from '../fields/text';
import { StateStoreError } from '../state/store';
import { AccountIndex, readAccounts, type AccountFieldPaths, type AccountMatch } from './accounts';
import { campaignContext, sameContext } from './campaign';
import { checkDuplicate, type DuplicateOf, type DuplicateOptions } from './duplicates';
import { fieldsFromPolicy, resolveFields, spec, type FieldDeclaration, type FieldSpec } from './fields';
import { compileSchema, fieldValues, schemaFromFields, schemaProblems, type JsonSchema } from './schema';

export type Lead = Record<string, unknown>;

export interface NormalizeOptions {
  /** The policy whose `fields` block declares the lead's fields and gives the schema (text, checked policy or syntax tree). */
  policy?: string | CheckedPolicy | PolicyAst;
  /** A JSON Schema the whole lead must also meet (given by the user). */
  schema?: JsonSchema;
  /** Fields declared by the caller (over the policy's): path -> kind. */
  fields?: Readonly<Record<string, FieldDeclaration>>;
  /** Clean conventional fields (email, phone, country, employees, ...) even when undeclared. Default true. */
  conventions?: boolean;
  /** Picklist spellings: path -> value -> other spellings. */
  synonyms?: SynonymMap;
  /** CRM account records to match leads to (see normalize/accounts.ts for the fields read). */
  accounts?: readonly unknown[];
  accountFields?: Partial<AccountFieldPaths>;
  /** Paths that must not be blank (a problem: `missing`). */
  required?: readonly string[];
  /** Which number a range such as "51-200" becomes: 'low' (default), 'mid' or 'high'. */
  ranges?: RangePoint;
  /** More words that mean "nothing given" (besides normalize/blank.ts BLANK_WORDS). */
  blankWords?: readonly string[];
}

/** One value normalization changed. `from` is absent for a value it added. */
export interface Change {
  field: string;
  from?: unknown;
  to: unknown;
}

export interface NormalizeResult {
  lead: Lead;
  changes: Change[];
  /** Reasons to send the lead to review. */
  problems: Problem[];
  /** What could not be cleaned in fields the policy does not rely on; the lead stays clean. */
  warnings: Problem[];
  status: 'clean' | 'review';
}

/** Where the values a lead had before normalization are kept. */
export const ORIGINAL_KEY = 'original';
/** Where the campaign context goes. */
export const CAMPAIGN_KEY = 'campaign_context';
/** Nested objects deeper than this are not walked by the general text clean-up. */
const MAX_DEPTH = 6;

/** Problems go to review for declared fields, to warnings otherwise. */
interface Report {
  problems: Problem[];
  warnings: Problem[];
}

/**
 * The lead being normalized: a shallow copy of the input whose nested objects are copied when
 * first written (so the input is never changed and unchanged parts are shared), recording each
 * change and the value it replaced.
 */
class Draft {
  readonly lead: Lead;
  readonly changes: Change[] = [];
  /** Containers that are this draft's own copies (safe to write into); a few per lead, so a list. */
  private readonly copies: object[] = [];
  originalsBlocked = false;

  constructor(input: Lead) {
    // Spread copies own properties as data, `__proto__` included.
    this.lead = { ...input };
    this.copies.push(this.lead);
  }

  read(segments: readonly string[]): unknown {
    return readPath(this.lead, segments);
  }

  /**
   * Sets a value where the router reads it (nested, or a flat `"a.b"` key when that is where it
   * is), recording the change and the original. False when a parent on the path is not an object.
   */
  set(segments: readonly string[], path: string, value: unknown): boolean {
    const before = this.read(segments);
    if (Object.is(before, value)) return true;
    const flat = segments.length > 1 && isOwn(this.lead, path) && readNested(this.lead, segments) === undefined;
    if (!(flat ? this.place([path], value, false) : this.place(segments, value, false))) return false;
    this.changes.push(before === undefined ? { field: path, to: value } : { field: path, from: before, to: value });
    if (before !== undefined && !this.originalsBlocked) {
      // The first original wins: a lead normalized twice keeps what it came in with.
      if (!this.place([ORIGINAL_KEY, ...segments], before, true)) this.originalsBlocked = true;
    }
    return true;
  }

  /** Writes at a path, copying containers on the way; `keep`: leave an existing value alone. */
  private place(segments: readonly string[], value: unknown, keep: boolean): boolean {
    let container: Record<string, unknown> = this.lead;
    for (let i = 0; i < segments.length - 1; i++) {
      const key = segments[i];
      const next = isOwn(container, key) ? container[key] : undefined;
      let child: Record<string, unknown>;
      if (next === undefined || next === null) {
        child = {};
      } else if (isRecord(next)) {
        if (this.copies.includes(next)) {
          container = next;
          continue;
        }
        child = { ...next };
      } else {
        return false;
      }
      this.copies.push(child);
      setOwn(container, key, child);
      container = child;
    }
    const last = segments[segments.length - 1];
    if (keep && isOwn(container, last)) return true;
    setOwn(container, last, value);
    return true;
  }
}

/** readPath without the flat-key fallback. */
function readNested(lead: Lead, segments: readonly string[]): unknown {
  let cur: unknown = lead;
  for (const s of segments) {
    if (!isRecord(cur) || !isOwn(cur, s)) return undefined;
    cur = cur[s];
  }
  return cur;
}

/** A normalizer set up once for a set of options: fields resolved, picklists built, accounts indexed, schemas compiled. */
export class Normalizer {
  readonly fields: readonly FieldSpec[];
  /** The schema derived from the declared fields (null when nothing is declared). */
  readonly derivedSchema: JsonSchema | null;
  private readonly declared: readonly FieldSpec[];
  private readonly derivedValidator: ValidateFunction | null;
  private readonly userValidator: ValidateFunction | null;
  private readonly picklists = new Map<string, Picklist>();
  private readonly accounts: AccountIndex | null;
  private readonly blank: BlankWords;
  private readonly fieldPaths: ReadonlySet<string>;
  /** The field paths split at each dot: the part before -> the parts after, so that a nested key is checked without joining its path. */
  private readonly fieldKeysUnder = new Map<string, Set<string>>();
  /** Lead key (a path's first segment, or a flat dotted key) -> indexes in `fields` of the fields under it. */
  private readonly fieldsByKey = new Map<string, number[]>();
  /** Per email field: where its domain and free-mail facts go. */
  private readonly emailFacts = new Map<FieldSpec, EmailFactPaths>();
  private readonly required: readonly string[];
  /** How each of `fields` is read (fields/read.ts), by index. */
  private readonly readers: readonly ValueReader[];

  /** Throws on a mistake in the options (a policy with errors, a bad schema, conflicting synonyms). */
  constructor(options: NormalizeOptions = {}) {
    const policyFields = options.policy === undefined ? [] : fieldsFromPolicy(options.policy);
    this.fields = resolveFields(policyFields, options.fields ?? {}, options.conventions !== false);
    this.declared = this.fields.filter((f) => f.declared);
    this.derivedSchema = this.declared.length > 0 ? schemaFromFields(this.declared) : null;
    this.derivedValidator = this.derivedSchema === null ? null : compileSchema(this.derivedSchema);
    this.userValidator = options.schema === undefined ? null : compileSchema(options.schema);
    const synonyms = options.synonyms ?? {};
    for (const f of this.fields) {
      const own = isOwn(synonyms, f.path) ? synonyms[f.path] : undefined;
      if (f.kind === 'enum' || own !== undefined) this.picklists.set(f.path, new Picklist(f.path, f.values, own));
    }
    // Synonyms of a field no kind was given for make it a text field with a picklist.
    const extra: FieldSpec[] = [];
    for (const path of Object.keys(synonyms)) {
      if (this.picklists.has(path)) continue;
      this.picklists.set(path, new Picklist(path, [], synonyms[path]));
      extra.push(spec(path, 'text', false));
    }
    if (extra.length > 0) this.fields = [...this.fields, ...extra];
    const blank = options.blankWords === undefined ? DEFAULT_BLANK_WORDS : new BlankWords(options.blankWords);
    const ranges = options.ranges ?? 'low';
    this.readers = this.fields.map((f) => valueReader({ kind: f.kind, picklist: this.picklists.get(f.path) ?? null, mobile: f.mobile, ranges, blank }));
    this.fieldPaths = new Set(this.fields.map((f) => f.path));
    for (const path of this.fieldPaths) {
      for (let dot = path.indexOf('.'); dot !== -1; dot = path.indexOf('.', dot + 1)) {
        const before = path.slice(0, dot);
        const after = this.fieldKeysUnder.get(before) ?? new Set<string>();
        after.add(path.slice(dot + 1));
        this.fieldKeysUnder.set(before, after);
      }
    }
    for (const f of this.fields) if (f.kind === 'email') this.emailFacts.set(f, emailFactPaths(f));
    this.fields.forEach((f, i) => {
      // Under each key a source of the field may start with (its path, its `from` names), once.
      const keys = new Set(f.sources.flatMap((s) => (s.segments.length > 1 ? [s.segments[0], s.name] : [s.name])));
      for (const key of keys) {
        const list = this.fieldsByKey.get(key);
        if (list === undefined) this.fieldsByKey.set(key, [i]);
        else list.push(i);
      }
    });
    this.accounts = options.accounts === undefined ? null : new AccountIndex(readAccounts(options.accounts, options.accountFields).accounts);
    this.blank = blank;
    this.required = options.required ?? [];
  }

  /** Normalizes one lead. Never throws; never changes `input`. */
  normalize(input: unknown): NormalizeResult {
    if (!isRecord(input)) {
      const problem = makeProblem('(lead)', input, 'not_an_object', `a lead must be a JSON object, not ${kindOf(input)}`);
      return { lead: {}, changes: [], problems: [problem], warnings: [], status: 'review' };
    }
    const draft = new Draft(input);
    const report: Report = { problems: [], warnings: [] };
    const context: FieldContext = { country: null, emailDomain: null };
    // Countries and emails first (phones and regions are read in the country; accounts match by
    // the email's domain), then accounts, then every other field, so that filled values are cleaned too.
    const present = this.presentFields(Object.keys(input));
    for (let i = 0; i < this.fields.length; i++) if (present[i] === 1 && isPrimary(this.fields[i])) this.normalizeField(draft, i, context, report);
    if (this.matchAccount(draft, context, report) && !isOwn(input, 'account')) this.markPresent(present, 'account');
    for (let i = 0; i < this.fields.length; i++) if (present[i] === 1 && !isPrimary(this.fields[i])) this.normalizeField(draft, i, context, report);
    this.tidyRest(draft, draft.lead, [], 0, report);
    this.addCampaignContext(draft);
    for (const path of this.required) {
      const segments = path.split('.');
      if (isBlank(draft.read(segments))) add(report, true, makeProblem(path, draft.read(segments), 'missing', 'is required and missing'));
    }
    this.validate(draft.lead, report);
    if (draft.originalsBlocked) {
      add(report, false, makeProblem(ORIGINAL_KEY, draft.lead[ORIGINAL_KEY], 'original_not_kept', `is not an object, so the values normalization replaced are not kept there`));
    }
    return { lead: draft.lead, changes: draft.changes, problems: report.problems, warnings: report.warnings, status: report.problems.length > 0 ? 'review' : 'clean' };
  }

  /**
   * Which fields (1 at their index in `fields`) are under the lead's keys: found from the keys,
   * which are fewer than the fields known by convention. A nested path is found under its first
   * segment and under its flat key, and marked once.
   */
  private presentFields(keys: readonly string[]): Uint8Array {
    const present = new Uint8Array(this.fields.length);
    for (const key of keys) this.markPresent(present, key);
    return present;
  }

  private markPresent(present: Uint8Array, key: string): void {
    const indexes = this.fieldsByKey.get(key);
    if (indexes !== undefined) for (const i of indexes) present[i] = 1;
  }

  private normalizeField(draft: Draft, i: number, context: FieldContext, report: Report): void {
    const f = this.fields[i];
    const { raw, from } = firstValue(draft.lead, f.sources);
    // A value read from a `from` column is written to the field's path: nothing is there to compare with.
    const here = from === f.sources[0] ? raw : undefined;
    // Missing, null and "" are blank already: nothing to clean, nothing to report.
    if (raw === undefined || raw === null || raw === '') return;
    const read = this.readers[i](raw, context);
    if (!read.ok) return this.fieldProblem(report, f, raw, read.problem, read.message);
    if (read.value === null) {
      draft.set(f.segments, f.path, null);
      return;
    }
    // The first country field is the lead's country: phones and regions are read in it.
    if (f.kind === 'country' && context.country === null) context.country = read.value as string;
    if (read.email !== undefined) {
      if (setClean(draft, f, here, read.value)) this.setEmailFacts(draft, f, read.email, context);
      return;
    }
    if (!setClean(draft, f, here, read.value)) this.fieldProblem(report, f, raw, 'not_an_object', 'cannot be written: a parent on the path is not an object');
  }

  private fieldProblem(report: Report, f: FieldSpec, value: unknown, code: string, message: string): void {
    add(report, f.declared, makeProblem(f.path, value, code, message));
  }

  /** `<email>_domain` and `<email>_freemail` beside the first email field; the domain is what accounts match by. */
  private setEmailFacts(draft: Draft, f: FieldSpec, email: CleanEmail, context: FieldContext): void {
    const { domain, freeMail } = this.emailFacts.get(f) as EmailFactPaths;
    draft.set(domain.segments, domain.path, email.domain);
    draft.set(freeMail.segments, freeMail.path, email.freeMail);
    context.emailDomain ??= email.domain;
  }

  /** Fills account.* from the matched account; true when it filled something. */
  private matchAccount(draft: Draft, context: FieldContext, report: Report): boolean {
    if (this.accounts === null || !isBlank(draft.read(['account', 'id']))) return false;
    const company = draft.read(['company']) ?? draft.read(['company_name']);
    const match: AccountMatch | null = this.accounts.match(context.emailDomain, typeof company === 'string' && company.length <= MAX_SHORT_CHARS ? company : null);
    if (match === null) return false;
    const how = match.method.replace(/_/g, ' ');
    if (match.kind === 'ambiguous') {
      const ids = match.accounts.map((a) => a.id);
      add(report, true, makeProblem('account', ids, 'ambiguous_account', `matches ${ids.length} accounts by ${how} (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', ...' : ''})`));
      return false;
    }
    const { account } = match;
    const fills: [string, string | null][] = [
      ['id', account.id],
      ['status', account.status],
      ['owner', account.owner],
      ['match', match.method],
    ];
    for (const [key, value] of fills) {
      if (value !== null && !draft.set(['account', key], `account.${key}`, value)) {
        add(report, true, makeProblem('account', draft.read(['account']), 'not_an_object', `is ${kindOf(draft.read(['account']))}, so the matched account (${account.id}) cannot be filled in`));
        return false;
      }
    }
    return true;
  }

  /**
   * Every other text value, nested objects and lists of text included: trimmed, NFC, blank words
   * made null. Text longer than MAX_TEXT_CHARS is left alone with a warning.
   */
  private tidyRest(draft: Draft, container: Record<string, unknown>, parent: readonly string[], depth: number, report: Report): void {
    const parentPath = parent.join('.');
    // The keys here whose path is a field's: `parentPath.key` is one exactly when `key` is under `parentPath`.
    const fieldKeys = depth === 0 ? this.fieldPaths : this.fieldKeysUnder.get(parentPath);
    for (const key of Object.keys(container)) {
      if (depth === 0 && key === ORIGINAL_KEY) continue;
      if (fieldKeys !== undefined && fieldKeys.has(key)) continue;
      const path = depth === 0 ? key : `${parentPath}.${key}`;
      const value = container[key];
      if (typeof value === 'string') {
        const tidy = this.tidyText(value, path, report);
        if (tidy !== value) draft.set([...parent, key], path, tidy);
      } else if (Array.isArray(value)) {
        let changed = false;
        const items = value.map((item: unknown) => {
          if (typeof item !== 'string') return item;
          const tidy = this.tidyText(item, path, report);
          changed ||= tidy !== item;
          return tidy;
        });
        if (changed) draft.set([...parent, key], path, items);
      } else if (isRecord(value) && depth < MAX_DEPTH) {
        this.tidyRest(draft, value, [...parent, key], depth + 1, report);
      }
    }
  }

  private tidyText(value: string, path: string, report: Report): string | null {
    if (value.length > MAX_TEXT_CHARS) {
      add(report, false, makeProblem(path, value, 'too_long', `text of ${value.length} characters`));
      return value;
    }
    if (value !== '' && this.blank.isBlankText(value)) return null;
    return nfc(value.trim());
  }

  private addCampaignContext(draft: Draft): void {
    const context = campaignContext(draft.lead);
    if (context !== null && !sameContext(draft.lead[CAMPAIGN_KEY], context)) draft.set([CAMPAIGN_KEY], CAMPAIGN_KEY, context);
  }

  /** Schema problems, except for fields that already have one from normalization (one reason per field is enough). */
  private validate(lead: Lead, report: Report): void {
    const found: Problem[] = [];
    if (this.derivedValidator !== null) found.push(...schemaProblems(this.derivedValidator, fieldValues(lead, this.declared, readField)));
    if (this.userValidator !== null) {
      // The user's schema describes the lead, not the originals normalization keeps beside it.
      let data = lead;
      if (isOwn(lead, ORIGINAL_KEY)) {
        data = { ...lead };
        delete data[ORIGINAL_KEY];
      }
      found.push(...schemaProblems(this.userValidator, data));
    }
    if (found.length === 0) return;
    const known = new Set([...report.problems, ...report.warnings].map((p) => p.field));
    for (const p of found) {
      if (known.has(p.field)) continue;
      known.add(p.field);
      report.problems.push(p);
    }
  }
}

function readField(lead: Lead, f: FieldSpec): unknown {
  return readPath(lead, f.segments);
}

/** Countries and emails: normalized before the other fields. */
function isPrimary(f: FieldSpec): boolean {
  return f.kind === 'country' || f.kind === 'email';
}

/**
 * Writes a field's clean value, as Draft.set does; a value that is the one read (`raw`, most
 * values of a clean lead) is already in place, so set would find nothing to do.
 */
function setClean(draft: Draft, f: FieldSpec, raw: unknown, value: unknown): boolean {
  return Object.is(raw, value) || draft.set(f.segments, f.path, value);
}

interface FieldPath {
  segments: readonly string[];
  path: string;
}

interface EmailFactPaths {
  domain: FieldPath;
  freeMail: FieldPath;
}

function emailFactPaths(f: FieldSpec): EmailFactPaths {
  const parent = f.segments.slice(0, -1);
  const name = f.segments[f.segments.length - 1];
  const at = (suffix: string): FieldPath => {
    const segments = [...parent, `${name}_${suffix}`];
    return { segments, path: segments.join('.') };
  };
  return { domain: at('domain'), freeMail: at('freemail') };
}

interface FieldContext {
  /** The lead's country (alpha-2) once its country field is clean. */
  country: string | null;
  /** The domain of the lead's (first) email, for account matching. */
  emailDomain: string | null;
}

function add(report: Report, declared: boolean, problem: Problem): void {
  (declared ? report.problems : report.warnings).push(problem);
}

/** Where a duplicate lead carries the earlier lead's key, time and assignee. */
export const DUPLICATE_KEY = 'duplicate';

/**
 * Checks a normalized lead for an earlier one within the window (and records it), through the
 * state store. A duplicate gets `duplicate: { key, at, assignee }`; it stays clean unless
 * `review` is set (then `duplicate` is a reason for review). Never rejects: a store that fails
 * leaves the lead as it was, with a `duplicate_check_failed` warning.
 */
export async function flagDuplicate(result: NormalizeResult, options: DuplicateOptions & { review?: boolean }): Promise<NormalizeResult> {
  let earlier: DuplicateOf | null;
  try {
    earlier = await checkDuplicate(result.lead, options);
  } catch (err) {
    // Only a failing store is a warning on the lead; anything else is a bug and is thrown.
    if (!(err instanceof StateStoreError)) throw err;
    const warning = makeProblem(DUPLICATE_KEY, null, 'duplicate_check_failed', `could not be checked: ${err.message}`);
    return { ...result, warnings: [...result.warnings, warning] };
  }
  if (earlier === null) return result;
  const lead = { ...result.lead };
  setOwn(lead, DUPLICATE_KEY, earlier);
  const changes = [...result.changes, { field: DUPLICATE_KEY, to: earlier }];
  if (options.review !== true) return { ...result, lead, changes };
  const problem = makeProblem(DUPLICATE_KEY, earlier, 'duplicate', `the same lead (by ${earlier.key.replace('_', ' and ')}) came in at ${earlier.at}${earlier.assignee === null ? '' : ` and went to ${earlier.assignee}`}`);
  return { ...result, lead, changes, problems: [...result.problems, problem], status: 'review' };
}

const normalizers = new WeakMap<NormalizeOptions, Normalizer>();
let defaultNormalizer: Normalizer | null = null;

/**
 * Normalizes one lead. The options are set up once per options object (kept in a WeakMap), so
 * pass the same object for every lead of a run; `createNormalizer` does the same explicitly.
 * Throws only for mistakes in the options, never for a lead.
 */
export function normalizeLead(lead: unknown, options?: NormalizeOptions): NormalizeResult {
  if (options === undefined) return (defaultNormalizer ??= new Normalizer()).normalize(lead);
  let normalizer = normalizers.get(options);
  if (normalizer === undefined) {
    normalizer = new Normalizer(options);
    normalizers.set(options, normalizer);
  }
  return normalizer.normalize(lead);
}

export function createNormalizer(options: NormalizeOptions = {}): Normalizer {
  return new Normalizer(options);
}
