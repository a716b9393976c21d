// Which lead fields are normalized how. A field's kind comes from, in order of precedence: the
// caller's `fields` option, the policy's `fields` block, and the conventions below (the names
// forms and CRMs use for the same things). Declared fields (policy, option) are what the policy
// relies on: a problem there sends the lead to review. A field known only by convention is
// cleaned the same way, but a problem there is a warning and the lead stays clean (an invalid
// phone does not stop a lead that is routed by country and size).

import type { FieldDecl, FieldType, PolicyAst } from '../dsl/ast';
import { checkPolicy, type CheckedPolicy } from '../dsl/checker';
import { PolicyError } from '../dsl/diagnostics';
import { parsePolicy } from '../dsl/parse';
import { FIELD_KINDS, fieldSources, type FieldKind, type FieldSource } from '../fields/read';


export interface FieldSpec {
  /** `account.status`. */
  path: string;
  segments: readonly string[];
  kind: FieldKind;
  /** The values of an `enum` field, as declared. */
  values: readonly string[];
  /** A phone field that must be a mobile number. */
  mobile: boolean;
  /** Declared by the policy or the caller: problems send the lead to review (else they are warnings). */
  declared: boolean;
  /** Where the value is looked for: the path, then the policy's `from` names (fields/read.ts). */
  sources: readonly FieldSource[];
}

/** How a caller declares a field: a kind, or a kind with enum values or the mobile requirement. */
export type FieldDeclaration = FieldKind | { kind: FieldKind; values?: readonly string[]; mobile?: boolean };

/**
 * Field names with a conventional meaning, cleaned even when no policy declares them: plain form
 * names, and the names HubSpot (`numemployees`) and Salesforce (`NumberOfEmployees`) export.
 */
export const CONVENTIONAL_FIELDS: Readonly<Record<string, FieldKind>> = {
  email: 'email',
  Email: 'email',
  phone: 'phone',
  Phone: 'phone',
  mobile: 'phone',
  mobile_phone: 'phone',
  mobilephone: 'phone',
  MobilePhone: 'phone',
  phone_number: 'phone',
  country: 'country',
  Country: 'country',
  state: 'region',
  State: 'region',
  province: 'region',
  region: 'region',
  employees: 'number',
  employee_count: 'number',
  number_of_employees: 'number',
  numemployees: 'number',
  NumberOfEmployees: 'number',
  company_size: 'number',
  revenue: 'number',
  annual_revenue: 'number',
  annualrevenue: 'number',
  AnnualRevenue: 'number',
  first_name: 'text',
  firstname: 'text',
  FirstName: 'text',
  last_name: 'text',
  lastname: 'text',
  LastName: 'text',
  name: 'text',
  full_name: 'text',
  company: 'text',
  Company: 'text',
  company_name: 'text',
  title: 'text',
  Title: 'text',
  job_title: 'text',
  jobtitle: 'text',
  city: 'text',
  City: 'text',
};

export function spec(path: string, kind: FieldKind, declared: boolean, values: readonly string[] = [], mobile = false, from: readonly string[] = []): FieldSpec {
  return { path, segments: path.split('.'), kind, values, mobile, declared, sources: fieldSources(path, from) };
}

function fromDecl(f: FieldDecl): FieldSpec {
  const type = f.type as FieldType;
  const from = f.from.map((n) => n.text);
  return type.kind === 'enum' ? spec(f.path.text, 'enum', true, type.values.map((v) => v.text), false, from) : spec(f.path.text, type.kind, true, [], false, from);
}

/**
 * The declared fields of a policy: from its text (parsed and checked; a policy with errors
 * throws PolicyError with every diagnostic), its checked form, or its syntax tree.
 */
export function fieldsFromPolicy(policy: string | CheckedPolicy | PolicyAst, file = 'policy'): FieldSpec[] {
  if (typeof policy === 'string') {
    // A node sees the same policy text on every execution: parse and check it once.
    const known = fieldsByText.get(policy);
    if (known !== undefined) return known;
    const fields = fieldsFromText(policy, file);
    if (fieldsByText.size >= FIELDS_CACHE_LIMIT) fieldsByText.delete(fieldsByText.keys().next().value as string);
    fieldsByText.set(policy, fields);
    return fields;
  }
  if ('statements' in policy) {
    const specs: FieldSpec[] = [];
    for (const st of policy.statements) {
      if (st.kind !== 'fields') continue;
      for (const f of st.fields) if (f.type !== null) specs.push(fromDecl(f));
    }
    return specs;
  }
  if (policy.fields === null) return [];
  return [...policy.fields.values()].filter((f) => f.type !== null).map(fromDecl);
}

const fieldsByText = new Map<string, FieldSpec[]>();
const FIELDS_CACHE_LIMIT = 64;

function fieldsFromText(policy: string, file: string): FieldSpec[] {
  const parsed = parsePolicy(policy);
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new PolicyError(errors, policy, file);
  const checked = checkPolicy(parsed.ast);
  if (checked.checked === null || checked.diagnostics.some((d) => d.severity === 'error')) {
    throw new PolicyError(checked.diagnostics.filter((d) => d.severity === 'error'), policy, file);
  }
  return fieldsFromPolicy(checked.checked);
}

/**
 * Every field to normalize, in the order it is done: countries first (phones and regions are
 * read in the lead's country), then emails, then the rest in the order given. `declared`
 * overrides `policy`, which overrides the conventions (unless `conventions` is false).
 */
export function resolveFields(policy: readonly FieldSpec[], declared: Readonly<Record<string, FieldDeclaration>>, conventions: boolean): FieldSpec[] {
  const byPath = new Map<string, FieldSpec>();
  if (conventions) for (const path of Object.keys(CONVENTIONAL_FIELDS)) byPath.set(path, spec(path, CONVENTIONAL_FIELDS[path], false));
  for (const f of policy) byPath.set(f.path, f);
  for (const path of Object.keys(declared)) {
    const d = declared[path];
    const kind = typeof d === 'string' ? d : d.kind;
    if (!FIELD_KINDS.includes(kind)) throw new TypeError(`fields.${path}: unknown kind ${JSON.stringify(kind)} (kinds: ${FIELD_KINDS.join(', ')})`);
    byPath.set(path, typeof d === 'string' ? spec(path, d, true) : spec(path, kind, true, d.values ?? [], d.mobile === true));
  }
  const rank = (f: FieldSpec) => (f.kind === 'country' ? 0 : f.kind === 'email' ? 1 : 2);
  return [...byPath.values()].sort((a, b) => rank(a) - rank(b));
}
