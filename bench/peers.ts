// The acme reference policy (LANGUAGE.md, "A whole policy") written by hand in three rule engines,
// to compare throughput with decide(). What they can express is the rule matching and the
// dimension classification: which rule decides, and the segment and geo a `by` rule would use.
// Pools, sticky owners, SLAs and the decision object are outside what they model, so each peer
// returns only a PeerOutcome and the bench says so in a footnote (PEER_COVERAGE).

import jsonLogic from 'json-logic-js';
import { Engine, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import { ZenEngine, type ZenDecision } from '@gorules/zen-engine';

/** What a peer decides: the index of the first matching rule, and the dimension values. */
export interface PeerOutcome {
  rule: number;
  segment: string | null;
  geo: string | null;
}

export interface SyncPeer {
  name: string;
  decide(lead: unknown): PeerOutcome;
}

export interface AsyncPeer {
  name: string;
  decide(lead: unknown): Promise<PeerOutcome>;
}

/** What each peer covers and how it expresses the policy, for the bench's footnotes. */
export const PEER_COVERAGE: Record<string, string> = {
  'json-logic-js':
    'one JSON Logic expression evaluated as [rule, segment, geo]; `if` chains for first-match; a custom `norm` operation (trim + lower case) for text; numbers by JS coercion (which, unlike the language, takes "0x400" or true as numbers); dimension `intent` inlined into rule 3',
  'json-rules-engine':
    'one engine with a rule per dimension arm and per routing rule (priority = order); custom operators for case/space-insensitive text and non-blank, built-in numeric operators (JS coercion); `intent` as a shared named condition; first match and first arm picked from the success events after run()',
  'zen-engine':
    'JDM graph of four first-hit decision tables (segment, geo, intent, rules) chained with passThrough; text via lower(trim(..)) in the column expressions, numbers via number(..); evaluated by the native Rust engine through N-API, one awaited evaluate() per lead',
};

/** Not covered by any peer: the rest of what decide() does for the same lead. */
export const PEERS_DO_NOT_COVER =
  'pool lookup with wildcard fallback, member eligibility (hours in a time zone, caps as data), sticky lookup, SLA due times, priority/tags/escalation, and building the decision object';

const HIGH_INTENT_TYPES = ['demo'];
const HIGH_INTENT_SOURCES = ['paid_search', 'partner'];
const NA = ['us', 'ca', 'mx'];
const EMEA = ['gb', 'ie', 'de', 'fr', 'nl', 'es', 'it', 'se'];

// ---------------------------------------------------------------- json-logic-js

/** Trimmed, lower-cased text; other values unchanged (JSON Logic has no string case operations). */
function norm(v: unknown): unknown {
  return typeof v === 'string' ? v.trim().toLowerCase() : v;
}

export function createJsonLogicPeer(): SyncPeer {
  jsonLogic.add_operation('norm', norm);
  const text = (path: string) => ({ norm: [{ var: path }] });
  const segment = {
    if: [{ '>=': [{ var: 'employees' }, 1000] }, 'enterprise', { '>=': [{ var: 'employees' }, 200] }, 'midmarket', 'smb'],
  };
  const geo = { if: [{ in: [text('country'), NA] }, 'na', { in: [text('country'), EMEA] }, 'emea', 'apac'] };
  const intentHigh = { or: [{ in: [text('type'), HIGH_INTENT_TYPES] }, { in: [text('source'), HIGH_INTENT_SOURCES] }] };
  const rule = {
    if: [
      { and: [{ '==': [text('account.status'), 'customer'] }, { '!!': [text('account.owner')] }] },
      0,
      { '==': [text('type'), 'support'] },
      1,
      { '==': [text('product'), 'payments'] },
      2,
      intentHigh,
      3,
      4,
    ],
  };
  // An array of expressions evaluates to the array of their values.
  const logic = [rule, segment, geo];
  return {
    name: 'json-logic-js',
    decide(lead) {
      const [r, s, g] = jsonLogic.apply(logic, lead) as [number, string, string];
      return { rule: r, segment: s, geo: g };
    },
  };
}

// ---------------------------------------------------------------- json-rules-engine

interface EngineEventParams {
  rule?: number;
  dimension?: 'segment' | 'geo' | 'intent';
  value?: string;
  order?: number;
}

export function createJsonRulesEnginePeer(): AsyncPeer {
  const engine = new Engine([], { allowUndefinedFacts: true });
  engine.addOperator('textEquals', (fact: unknown, value: string) => norm(fact) === value);
  engine.addOperator('textIn', (fact: unknown, values: string[]) => values.includes(norm(fact) as string));
  engine.addOperator('notBlank', (fact: unknown) => typeof fact === 'string' ? fact.trim() !== '' : fact !== null && fact !== undefined);

  const fact = (path: string) => {
    const [head, ...rest] = path.split('.');
    return rest.length > 0 ? { fact: head, path: `$.${rest.join('.')}` } : { fact: head };
  };
  engine.setCondition('intentHigh', {
    any: [
      { ...fact('type'), operator: 'textIn', value: HIGH_INTENT_TYPES },
      { ...fact('source'), operator: 'textIn', value: HIGH_INTENT_SOURCES },
    ],
  });

  // Higher priority runs first; order within the policy is kept in the event params.
  const rules: RuleProperties[] = [];
  const addArm = (dimension: EngineEventParams['dimension'], value: string, order: number, conditions: TopLevelCondition) =>
    rules.push({ conditions, priority: 100 - order, event: { type: 'dimension', params: { dimension, value, order } } });
  addArm('segment', 'enterprise', 0, { all: [{ ...fact('employees'), operator: 'greaterThanInclusive', value: 1000 }] });
  addArm('segment', 'midmarket', 1, { all: [{ ...fact('employees'), operator: 'greaterThanInclusive', value: 200 }] });
  addArm('segment', 'smb', 2, { all: [] });
  addArm('geo', 'na', 0, { all: [{ ...fact('country'), operator: 'textIn', value: NA }] });
  addArm('geo', 'emea', 1, { all: [{ ...fact('country'), operator: 'textIn', value: EMEA }] });
  addArm('geo', 'apac', 2, { all: [] });
  const addRule = (index: number, conditions: TopLevelCondition) =>
    rules.push({ conditions, priority: 50 - index, event: { type: 'rule', params: { rule: index } } });
  addRule(0, {
    all: [
      { ...fact('account.status'), operator: 'textEquals', value: 'customer' },
      { ...fact('account.owner'), operator: 'notBlank', value: true },
    ],
  });
  addRule(1, { all: [{ ...fact('type'), operator: 'textEquals', value: 'support' }] });
  addRule(2, { all: [{ ...fact('product'), operator: 'textEquals', value: 'payments' }] });
  addRule(3, { condition: 'intentHigh' });
  addRule(4, { all: [] });
  for (const r of rules) engine.addRule(r);

  return {
    name: 'json-rules-engine',
    async decide(lead) {
      const { events } = await engine.run(lead as Record<string, unknown>);
      const out: PeerOutcome = { rule: -1, segment: null, geo: null };
      let segmentOrder = Infinity;
      let geoOrder = Infinity;
      for (const e of events) {
        const p = e.params as EngineEventParams;
        if (p.rule !== undefined) {
          if (out.rule === -1 || p.rule < out.rule) out.rule = p.rule;
        } else if (p.dimension === 'segment' && (p.order as number) < segmentOrder) {
          segmentOrder = p.order as number;
          out.segment = p.value as string;
        } else if (p.dimension === 'geo' && (p.order as number) < geoOrder) {
          geoOrder = p.order as number;
          out.geo = p.value as string;
        }
      }
      return out;
    },
  };
}

// ---------------------------------------------------------------- zen-engine

type Cell = string;

/** A first-hit decision table node that passes its input through and adds its outputs. */
function zenTable(id: string, inputs: string[], outputs: string[], rows: [Cell[], Cell[]][]) {
  return {
    id,
    name: id,
    type: 'decisionTableNode',
    position: { x: 0, y: 0 },
    content: {
      hitPolicy: 'first',
      passThrough: true,
      inputField: null,
      outputPath: null,
      executionMode: 'single',
      inputs: inputs.map((field, i) => ({ id: `${id}_in${i}`, name: field, field })),
      outputs: outputs.map((field, i) => ({ id: `${id}_out${i}`, name: field, field })),
      rules: rows.map(([ins, outs], r) => {
        const row: Record<string, string> = { _id: `${id}_row${r}` };
        ins.forEach((cell, i) => (row[`${id}_in${i}`] = cell));
        outs.forEach((cell, i) => (row[`${id}_out${i}`] = cell));
        return row;
      }),
    },
  };
}

const quoted = (values: string[]) => values.map((v) => JSON.stringify(v)).join(', ');

/** The JDM graph: Request -> segment -> geo -> intent -> rules -> Response. */
export function acmeJdmGraph() {
  const nodes = [
    { id: 'request', name: 'Request', type: 'inputNode', position: { x: 0, y: 0 } },
    zenTable('segment', ['number(employees)'], ['segment'], [
      [['>= 1000'], ['"enterprise"']],
      [['>= 200'], ['"midmarket"']],
      [[''], ['"smb"']],
    ]),
    zenTable('geo', ['lower(trim(country))'], ['geo'], [
      [[quoted(NA)], ['"na"']],
      [[quoted(EMEA)], ['"emea"']],
      [[''], ['"apac"']],
    ]),
    zenTable('intent', ['lower(trim(type))', 'lower(trim(source))'], ['intent'], [
      [[quoted(HIGH_INTENT_TYPES), ''], ['"high"']],
      [['', quoted(HIGH_INTENT_SOURCES)], ['"high"']],
      [['', ''], ['"low"']],
    ]),
    zenTable('rules', ['lower(trim(account.status))', 'trim(account.owner)', 'lower(trim(type))', 'lower(trim(product))', 'intent'], ['rule'], [
      [['"customer"', 'len($) > 0', '', '', ''], ['0']],
      [['', '', '"support"', '', ''], ['1']],
      [['', '', '', '"payments"', ''], ['2']],
      [['', '', '', '', '"high"'], ['3']],
      [['', '', '', '', ''], ['4']],
    ]),
    { id: 'response', name: 'Response', type: 'outputNode', position: { x: 0, y: 0 } },
  ];
  const chain = ['request', 'segment', 'geo', 'intent', 'rules', 'response'];
  const edges = chain.slice(1).map((targetId, i) => ({ id: `edge${i}`, type: 'edge', sourceId: chain[i], targetId }));
  return { contentType: 'application/vnd.gorules.decision', nodes, edges };
}

export function createZenPeer(): AsyncPeer & { dispose(): void } {
  const engine = new ZenEngine();
  const decision: ZenDecision = engine.createDecision(acmeJdmGraph());
  return {
    name: 'zen-engine',
    async decide(lead) {
      const { result } = await decision.evaluate(lead);
      const r = result as { rule: number; segment: string; geo: string };
      return { rule: r.rule, segment: r.segment, geo: r.geo };
    },
    dispose: () => engine.dispose(),
  };
}
