// Normalize Lead: each item is a lead; the library cleans it (countries, phones, emails, numbers,
// picklists, blanks, campaign context), validates it against the policy's fields, matches it to
// an account and flags duplicates through the state store. Clean leads leave by Clean; what
// cannot be cleaned leaves by Needs Review with every reason. No cleaning logic lives here: it
// is normalize/, as in `leadroute normalize`.

import { NodeConnectionTypes, NodeOperationError, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { PolicyError } from '../../dsl/diagnostics';
import { parseDuration } from '../../dsl/durations';
import { accountList } from '../../normalize/accounts';
import type { DuplicateOptions } from '../../normalize/duplicates';
import { createNormalizer, flagDuplicate, type NormalizeOptions, type Normalizer } from '../../normalize/normalize';
import { readSynonyms } from '../../fields/picklists';
import { isRecord } from '../../fields/text';
import { policyFailure } from '../shared/policy';
import { withField } from '../shared/items';
import { nodeStateStore, stateStoreMethods, stateStoreProperties } from '../shared/store';

const CLEAN = 0;
const NEEDS_REVIEW = 1;
const ACCOUNTS_INPUT = 1;

export class NormalizeLead implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Lead Normalize',
    name: 'normalizeLead',
    icon: { light: 'file:normalizeLead.svg', dark: 'file:normalizeLead.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["policy"] ? "fields of the policy" : "common lead fields" }}',
    description: 'Clean what forms and CRMs send (countries, phones, emails, numbers, picklists, blanks), match accounts, flag duplicates; send what cannot be cleaned to review',
    defaults: { name: 'Normalize Lead' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
    inputNames: ['Leads', 'Accounts'],
    // Accounts are optional: the node runs when leads arrive, with or without the second input.
    requiredInputs: [0],
    outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
    outputNames: ['Clean', 'Needs Review'],
    credentials: [{ name: 'leadRoutingRedis', required: true, testedBy: 'leadRoutingRedisConnectionTest', displayOptions: { show: { stateStore: ['redis'] } } }],
    properties: [
      {
        displayName: 'Policy',
        name: 'policy',
        type: 'string',
        typeOptions: { rows: 8 },
        default: '',
        placeholder: 'fields {\n  email: email\n  country: country\n  employees: number\n  type: enum(demo, contact)\n}',
        description:
          "The routing policy (or just its fields block) whose fields the leads must hold: problems in those fields send a lead to review. Empty: common lead fields (email, phone, country, employees...) are cleaned and their problems are only warnings. E.g. {{ $('Route').params.policy }}.",
      },
      {
        displayName: 'Synonyms',
        name: 'synonyms',
        type: 'json',
        default: '{}',
        description: 'Other spellings of picklist values, by field: {"source": {"paid_search": ["PPC", "google ads"]}}. Case, spaces, _ and - never matter.',
      },
      {
        displayName: 'Accounts',
        name: 'accounts',
        type: 'json',
        default: '[]',
        description:
          'CRM accounts to match leads to, besides the items of the Accounts input: a JSON array, or an object with one under results, records, accounts or data. Matched by email domain, registrable domain, then company name.',
      },
      {
        displayName: 'Check Duplicates',
        name: 'checkDuplicates',
        type: 'boolean',
        default: true,
        description: 'Whether to flag a lead seen before within the window (same email, else phone, else name and company) with the earlier lead\'s time and assignee',
      },
      ...stateStoreProperties.map((p) => ({ ...p, displayOptions: { show: { ...p.displayOptions?.show, checkDuplicates: [true] } } })),
      {
        displayName: 'Report Field',
        name: 'reportField',
        type: 'string',
        default: 'normalization',
        description: 'The field of each item that receives the status, the problems (reasons for review) and the warnings',
      },
      {
        displayName: 'Options',
        name: 'options',
        type: 'collection',
        placeholder: 'Add Option',
        default: {},
        options: [
          {
            displayName: 'Blank Words',
            name: 'blankWords',
            type: 'string',
            default: '',
            description: 'More words that mean "nothing given", comma-separated (n/a, -, null, none, unknown and others are built in)',
          },
          {
            displayName: 'Duplicate Scope',
            name: 'duplicateScope',
            type: 'string',
            default: '',
            description: 'Keeps the duplicate records of this flow apart from others. Empty: the workflow.',
          },
          {
            displayName: 'Duplicate Window',
            name: 'duplicateWindow',
            type: 'string',
            default: '30d',
            description: 'How far back an earlier lead makes a duplicate (30m, 12h, 30d, 2w)',
          },
          {
            displayName: 'Field Types',
            name: 'fieldTypes',
            type: 'json',
            default: '{}',
            description:
              'Fields declared here besides the policy\'s: {"state": "region", "mobile": {"kind": "phone", "mobile": true}}. Kinds: text, number, boolean, email, phone, country, region, datetime, enum (with "values").',
          },
          {
            displayName: 'Lead Schema',
            name: 'schema',
            type: 'json',
            default: '{}',
            description: 'A JSON Schema every cleaned lead must also meet; what it rejects goes to review with the rule broken',
          },
          {
            displayName: 'Range Value',
            name: 'ranges',
            type: 'options',
            options: [
              { name: 'Lower Bound (51-200 Becomes 51)', value: 'low' },
              { name: 'Midpoint (51-200 Becomes 125.5)', value: 'mid' },
              { name: 'Upper Bound (51-200 Becomes 200)', value: 'high' },
            ],
            default: 'low',
            description: 'Which number a range such as an employee band becomes',
          },
          {
            displayName: 'Required Fields',
            name: 'required',
            type: 'string',
            default: '',
            description: 'Fields that must not be blank, comma-separated (e.g. email, country); a lead missing one goes to review',
          },
          {
            displayName: 'Review Duplicates',
            name: 'reviewDuplicates',
            type: 'boolean',
            default: false,
            description: 'Whether duplicates go to Needs Review instead of Clean (they are flagged either way)',
          },
        ],
      },
    ],
  };

  methods = stateStoreMethods;

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const outputs: INodeExecutionData[][] = [[], []];
    if (items.length === 0) return outputs;
    const normalizer = nodeNormalizer(this);
    const duplicates = await duplicateOptions(this);
    const field = reportFieldName(this);
    for (let i = 0; i < items.length; i++) {
      let result = normalizer.normalize(items[i].json);
      if (duplicates !== null) result = await flagDuplicate(result, duplicates);
      const out: INodeExecutionData = { json: withField(result.lead as INodeExecutionData['json'], field, { status: result.status, problems: result.problems, warnings: result.warnings }), pairedItem: { item: i } };
      if (items[i].binary !== undefined) out.binary = items[i].binary;
      outputs[result.status === 'clean' ? CLEAN : NEEDS_REVIEW].push(out);
    }
    return outputs;
  }
}

/** A JSON parameter as data: text is parsed, an expression's object passes; empty gives `fallback`. */
function jsonParameter(ctx: IExecuteFunctions, name: string, fallback: unknown): unknown {
  const value: unknown = ctx.getNodeParameter(name, 0, fallback);
  if (typeof value !== 'string') return value;
  if (value.trim() === '') return fallback;
  try {
    return JSON.parse(value) as unknown;
  } catch (error) {
    throw new NodeOperationError(ctx.getNode(), `${name} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function listParameter(ctx: IExecuteFunctions, name: string): string[] {
  const text = ctx.getNodeParameter(name, 0, '') as string;
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** The Accounts input's items (none when it is not connected or sent nothing) and the Accounts parameter. */
function accountRecords(ctx: IExecuteFunctions): unknown[] {
  let fromInput: INodeExecutionData[] = [];
  try {
    fromInput = ctx.getInputData(ACCOUNTS_INPUT);
  } catch {
    // n8n throws for an input that is connected but has not produced data: no accounts.
  }
  const fromParameter = accountList(jsonParameter(ctx, 'accounts', []));
  if (fromParameter === null) throw new NodeOperationError(ctx.getNode(), 'Accounts must be a JSON array, or an object with one under results, records, accounts or data');
  return [...fromInput.map((item) => item.json), ...fromParameter];
}

/** The normalizer the parameters describe; a mistake in them (policy, JSON, synonyms, schema) fails the node with what to fix. */
function nodeNormalizer(ctx: IExecuteFunctions): Normalizer {
  const policy = (ctx.getNodeParameter('policy', 0, '') as string).trim();
  const schema = jsonParameter(ctx, 'options.schema', {});
  const fieldTypes = jsonParameter(ctx, 'options.fieldTypes', {});
  if (!isRecord(fieldTypes)) throw new NodeOperationError(ctx.getNode(), 'Field Types must be a JSON object of field -> kind');
  const synonyms = jsonParameter(ctx, 'synonyms', {});
  const options: NormalizeOptions = {
    accounts: accountRecords(ctx),
    fields: fieldTypes as NonNullable<NormalizeOptions['fields']>,
    ranges: ctx.getNodeParameter('options.ranges', 0, 'low') as NormalizeOptions['ranges'],
    required: listParameter(ctx, 'options.required'),
    blankWords: listParameter(ctx, 'options.blankWords'),
  };
  if (policy !== '') options.policy = policy;
  if (isRecord(schema) && Object.keys(schema).length > 0) options.schema = schema;
  try {
    options.synonyms = readSynonyms(synonyms);
    return createNormalizer(options);
  } catch (error) {
    if (error instanceof PolicyError) throw policyFailure(ctx, error, 0);
    throw new NodeOperationError(ctx.getNode(), error instanceof Error ? error.message : String(error));
  }
}

/** Duplicate checking as the parameters set it, or null when it is off. */
async function duplicateOptions(ctx: IExecuteFunctions): Promise<(DuplicateOptions & { review: boolean }) | null> {
  if (ctx.getNodeParameter('checkDuplicates', 0, true) !== true) return null;
  const window = parseDuration((ctx.getNodeParameter('options.duplicateWindow', 0, '30d') as string).trim());
  if (!window.ok) throw new NodeOperationError(ctx.getNode(), `Duplicate Window: ${window.message}`);
  const scope = (ctx.getNodeParameter('options.duplicateScope', 0, '') as string).trim();
  return {
    store: await nodeStateStore(ctx),
    windowMs: window.ms,
    scope: scope === '' ? `workflow:${ctx.getWorkflow().id ?? ''}` : scope,
    now: Date.now(),
    review: ctx.getNodeParameter('options.reviewDuplicates', 0, false) === true,
  };
}

function reportFieldName(ctx: IExecuteFunctions): string {
  const field = ctx.getNodeParameter('reportField', 0, 'normalization');
  if (typeof field !== 'string' || field.trim() === '') throw new NodeOperationError(ctx.getNode(), 'The report field name is empty', { description: 'Set the field that receives the status and reasons, e.g. `normalization`.' });
  return field;
}
