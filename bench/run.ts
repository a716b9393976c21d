// `npm run bench`: decisions per second against a hand-written function (for two policy shapes)
// and three rule engines, how decide() scales with the size of a territory table, and compile
// time of a large policy, and `leadroute simulate` on a million leads against a JSON.parse pass
// (bench/simulate.ts). Every number is measured in this run; nothing is hard-coded. Before
// timing, each hand-written function must agree with decide() on every benchmark lead, or the run aborts.

import { compilePolicy, type CompiledPolicy, type EvaluatorKind } from '../compiler/compile';
import { createCodegenEvaluator } from '../compiler/codegen/generate';
import type { Evaluator, PendingDecision } from '../compiler/decision';
import { createReferenceEvaluator } from '../compiler/reference';
import { createHandwrittenDecide, decisionDifference, handwrittenMatch, stickyProbes, type StickyProbe } from './handwritten';
import { createTerritoriesDecide } from './handwritten-territories';
import {
  asyncSubject,
  formatInt,
  formatRatio,
  loadLine,
  loopStepLine,
  machineLine,
  measure,
  median,
  onCpuShare,
  passFail,
  processChecksum,
  renderTable,
  syncSubject,
  timeOnce,
  type Measurement,
  type Subject,
  type Table,
  type TimingOptions,
} from './harness';
import { pingTreeTable } from './ping-tree';
import { acmeSource, BASE_NOW, benchLeads, territoriesSource, type BenchLeads } from './inputs';
import { normalizeBenchmarks } from './normalize';
import { simulateTable } from './simulate';
import { stateBenchmarks } from './state';
import { createJsonLogicPeer, createJsonRulesEnginePeer, createZenPeer, PEER_COVERAGE, PEERS_DO_NOT_COVER, type PeerOutcome } from './peers';
import { manyRulesPolicy, SCALING_ARMS, scalingLeads, scalingPolicy } from './policies';

const LEAD_COUNT = 50_000;
/** Leads the (slow) peers are checked on before timing. */
const PEER_CHECK_COUNT = 5_000;
/** How many zen-engine evaluations are kept in flight for its throughput row. */
const ZEN_IN_FLIGHT = 64;

/** Rounds are interleaved across the contenders, so each round of each sees the machine alike. */
const THROUGHPUT: TimingOptions = { warmupMs: 300, rounds: 12, roundMs: 150 };
const SCALING: TimingOptions = { warmupMs: 200, rounds: 12, roundMs: 100 };
const SCALING_SIZES = [10, 100, 1_000, 10_000, 100_000];
const SCALING_LEADS = 20_000;
const SCALING_CONTROL_VALUES = 10;
const COMPILE_RULES = 1_000;
const COMPILE_RUNS = 7;

const GOAL_CODEGEN_VS_HANDWRITTEN = 0.5;
const GOAL_REFERENCE_VS_JSONLOGIC = 5;
const GOAL_SCALING_RATIO = 1.5;
/** Dirty values may cost at most this much more time per decision than clean ones (issue 13). */
const GOAL_DIRTY_VS_CLEAN = 1.5;
const GOAL_COMPILE_MS = 250;

// ---------------------------------------------------------------- agreement

/** Throws, naming the first leads that differ, unless `candidate` decides every lead as `oracle` does. */
function assertAgreement(
  what: string,
  oracle: (i: number) => PendingDecision,
  candidate: (i: number) => PendingDecision,
  bench: BenchLeads,
  probes: readonly StickyProbe[],
): void {
  const problems: string[] = [];
  let differing = 0;
  for (let i = 0; i < bench.leads.length; i++) {
    const d = decisionDifference(oracle(i), candidate(i), probes);
    if (d === null) continue;
    differing++;
    if (problems.length < 5) problems.push(`  lead ${i} ${JSON.stringify(bench.leads[i])} at ${new Date(bench.options[i].now).toISOString()}: ${d}`);
  }
  if (differing > 0) {
    throw new Error(`${what}: ${differing} of ${bench.leads.length} leads decided differently (first value is decide()'s):\n${problems.join('\n')}`);
  }
}

/** Whether a peer's outcome is decide()'s: same rule, and the same segment and geo where a `by` rule used them. */
function peerAgrees(outcome: PeerOutcome, decision: PendingDecision): boolean {
  if (decision.rule === null || outcome.rule !== decision.rule.index) return false;
  if (!('segment' in decision.path)) return true;
  return outcome.segment === decision.path.segment && outcome.geo === decision.path.geo;
}

/** How much of the clock the measurements had: below ~90%, other processes slowed every number down. */
function cpuNote(share: number): string {
  const note = `The bench thread was on a CPU for ${(share * 100).toFixed(0)}% of the timed clock time (median over the synchronous rows)`;
  return share < 0.9 ? `${note}: other processes shared the CPUs, so absolute numbers are low; ratios are measured under the same load.` : `${note}.`;
}

// ---------------------------------------------------------------- table 1: throughput

const digestDecision = (d: PendingDecision) => (d.rule === null ? -1 : d.rule.index) + d.options.length + d.at;
const digestOutcome = (o: PeerOutcome) => o.rule + (o.geo === null ? 0 : o.geo.length);

/** An evaluator's rule matching and the segment and geo dimensions: the same work the peers do. */
function evaluatorMatch(policy: CompiledPolicy, evaluator: Evaluator): (lead: unknown) => PeerOutcome {
  const dims = policy.ir.dimensions.length;
  const segment = policy.ir.dimensions.findIndex((d) => d.name === 'segment');
  const geo = policy.ir.dimensions.findIndex((d) => d.name === 'geo');
  return (lead) => {
    const scratch: (string | null | undefined)[] = new Array(dims);
    const rule = evaluator.matchRule(lead, scratch);
    return { rule, segment: evaluator.dimension(segment, lead, scratch), geo: evaluator.dimension(geo, lead, scratch) };
  };
}

type HandwrittenDecide = (lead: unknown, options: { now: number }) => PendingDecision;

/** A policy compiled with both evaluators, and its whole decisions to time: decide() with each evaluator, and its hand-written function. */
interface WholeDecisions {
  codegen: CompiledPolicy;
  reference: CompiledPolicy;
  subjects: Subject[];
}

/** The subjects of a whole-decision table, after checking that the hand-written function decides every lead as decide() does. */
function wholeDecisions(source: string, createHandwritten: (policy: CompiledPolicy) => HandwrittenDecide, bench: BenchLeads): WholeDecisions {
  const { leads, options } = bench;
  const n = leads.length;
  const codegen = compilePolicy(source, { evaluator: 'codegen' });
  const reference = compilePolicy(source, { evaluator: 'reference' });
  const probes = stickyProbes(codegen.ir.pools);
  // Both evaluators carry the same policy hash, so one hand-written function answers for both.
  const handwritten = createHandwritten(codegen);
  assertAgreement('hand-written vs codegen decide()', (i) => codegen.decide(leads[i], options[i]), (i) => handwritten(leads[i], options[i]), bench, probes);
  assertAgreement('hand-written vs reference decide()', (i) => reference.decide(leads[i], options[i]), (i) => handwritten(leads[i], options[i]), bench, probes);
  const at = (decide: HandwrittenDecide) => (i: number) => decide(leads[i % n], options[i % n]);
  return {
    codegen,
    reference,
    subjects: [
      syncSubject('codegen decide()', at((lead, o) => codegen.decide(lead, o)), digestDecision),
      syncSubject('reference decide()', at((lead, o) => reference.decide(lead, o)), digestDecision),
      syncSubject('hand-written decide', at(handwritten), digestDecision),
    ],
  };
}

/** The rows of a whole-decision table (ops/sec, ns/op, vs the hand-written function), and its goal line. */
function wholeDecisionRows(results: Map<string, Measurement>, extraColumn: (m: Measurement) => string[]): { rows: string[][]; goal: string } {
  const hand = (results.get('hand-written decide') as Measurement).opsPerSec;
  const row = (label: string, name: string) => {
    const m = results.get(name) as Measurement;
    return [label, formatInt(m.opsPerSec), formatInt(m.nsPerOp), formatRatio(m.opsPerSec / hand), ...extraColumn(m)];
  };
  const vsHand = (results.get('codegen decide()') as Measurement).opsPerSec / hand;
  return {
    rows: [row('codegen decide()', 'codegen decide()'), row('reference decide()', 'reference decide()'), row('hand-written', 'hand-written decide')],
    goal: `Goal: codegen >= ${GOAL_CODEGEN_VS_HANDWRITTEN}x hand-written: ${formatRatio(vsHand)}  ${passFail(vsHand >= GOAL_CODEGEN_VS_HANDWRITTEN)}`,
  };
}

/** Tables 1a (whole decisions) and 1b (matching only, against the peers), measured together, interleaved. */
async function throughputTables(): Promise<Table[]> {
  const bench = benchLeads(LEAD_COUNT);
  const { leads, options } = bench;
  const n = leads.length;
  const { codegen, reference, subjects: wholeSubjects } = wholeDecisions(acmeSource(), createHandwrittenDecide, bench);

  const jsonLogic = createJsonLogicPeer();
  const rulesEngine = createJsonRulesEnginePeer();
  const zen = createZenPeer();
  const codegenMatch = evaluatorMatch(codegen, createCodegenEvaluator(codegen.ir));
  const referenceMatch = evaluatorMatch(reference, createReferenceEvaluator(reference.ir));
  const matchers: [string, (lead: unknown) => PeerOutcome | Promise<PeerOutcome>][] = [
    ['codegen evaluator', codegenMatch],
    ['reference evaluator', referenceMatch],
    ['hand-written', handwrittenMatch],
    [jsonLogic.name, jsonLogic.decide],
    [rulesEngine.name, rulesEngine.decide],
    [zen.name, zen.decide],
  ];
  const agreeing = new Map<string, number>(matchers.map(([name]) => [name, 0]));
  for (let i = 0; i < PEER_CHECK_COUNT; i++) {
    const d = codegen.decide(leads[i], options[i]);
    for (const [name, match] of matchers) if (peerAgrees(await match(leads[i]), d)) agreeing.set(name, (agreeing.get(name) as number) + 1);
  }

  const at = <T>(f: (lead: unknown, o: { now: number }) => T) => (i: number) => f(leads[i % n], options[i % n]);
  const zenBatch = (i: number) => Promise.all(Array.from({ length: ZEN_IN_FLIGHT }, (_, k) => zen.decide(leads[(i * ZEN_IN_FLIGHT + k) % n])));
  const zenInFlight = `zen-engine, ${ZEN_IN_FLIGHT} in flight`;
  const syncSubjects: Subject[] = [
    ...wholeSubjects,
    syncSubject('codegen evaluator', at((lead) => codegenMatch(lead)), digestOutcome),
    syncSubject('reference evaluator', at((lead) => referenceMatch(lead)), digestOutcome),
    syncSubject('hand-written', at((lead) => handwrittenMatch(lead)), digestOutcome),
    syncSubject(jsonLogic.name, at((lead) => jsonLogic.decide(lead)), digestOutcome),
  ];
  const asyncSubjects: Subject[] = [
    asyncSubject(rulesEngine.name, at((lead) => rulesEngine.decide(lead)), digestOutcome),
    asyncSubject(zen.name, at((lead) => zen.decide(lead)), digestOutcome),
    asyncSubject(zenInFlight, zenBatch, (outs) => outs.reduce((sum, o) => sum + digestOutcome(o), 0), ZEN_IN_FLIGHT),
  ];
  const results = await measure([...syncSubjects, ...asyncSubjects], THROUGHPUT);
  zen.dispose();

  const ops = (name: string) => (results.get(name) as Measurement).opsPerSec;
  const logic = ops(jsonLogic.name);
  const row = (label: string, name: string, base: number) => {
    const m = results.get(name) as Measurement;
    return [label, formatInt(m.opsPerSec), formatInt(m.nsPerOp), formatRatio(m.opsPerSec / base), formatRatio(m.opsPerSec / logic)];
  };
  const head = ['', 'ops/sec', 'ns/op', 'vs hand-written', 'vs json-logic-js'];
  const wholeRows = wholeDecisionRows(results, (m) => [formatRatio(m.opsPerSec / logic)]);
  const handMatch = ops('hand-written');
  const decideVsLogic = ops('reference decide()') / logic;
  const matchVsLogic = ops('reference evaluator') / logic;
  const syncRows = syncSubjects.map((sub) => results.get(sub.name) as Measurement);
  const agree = (name: string) => `${formatInt(agreeing.get(name) as number)} of ${formatInt(PEER_CHECK_COUNT)}`;
  const timing = `median of ${THROUGHPUT.rounds} rounds of ${THROUGHPUT.roundMs} ms, interleaved across all rows of 1a and 1b`;

  const whole: Table = {
    title: `1a. Decisions per second, whole decision: acme-inbound policy, ${formatInt(n)} generated leads cycled (${timing})`,
    head,
    rows: wholeRows.rows,
    notes: [
      wholeRows.goal,
      `Goal: reference >= ${GOAL_REFERENCE_VS_JSONLOGIC}x json-logic-js: reference decide() (the whole decision) vs json-logic-js (matching only) ${formatRatio(decideVsLogic)}  ${passFail(decideVsLogic >= GOAL_REFERENCE_VS_JSONLOGIC)};`,
      `      the same work (reference evaluator, matching + dimensions, table 1b): ${formatRatio(matchVsLogic)}  ${passFail(matchVsLogic >= GOAL_REFERENCE_VS_JSONLOGIC)}`,
      '',
      'Each lead arrives at its own instant (the leads span one day), so the smb pool is open for some and closed for others.',
      'decide() and the hand-written function build the whole pending decision: rule, path, pool lookup with the wildcard',
      "fallback, eligible members (the smb pool's New York hours), sticky key, SLA due, priority, escalation. They gave the",
      `same decision for all ${formatInt(n)} leads, with both evaluators, before timing.`,
      'Each decision first reads the policy\'s declared fields as their types (LANGUAGE.md v1.1); times stay numbers until assign().',
      cpuNote(onCpuShare(syncRows)),
    ],
  };
  const matching: Table = {
    title: `1b. Decisions per second, rule matching + dimension classification only (what the peers express), same leads`,
    head,
    rows: [
      row('codegen evaluator', 'codegen evaluator', handMatch),
      row('reference evaluator', 'reference evaluator', handMatch),
      row('hand-written', 'hand-written', handMatch),
      row(jsonLogic.name, jsonLogic.name, handMatch),
      row(`${rulesEngine.name} (async)`, rulesEngine.name, handMatch),
      row(`${zen.name} (async, native)`, zen.name, handMatch),
      row(`${zenInFlight}`, zenInFlight, handMatch),
    ],
    notes: [
      'Each row returns the index of the first matching rule, the segment and the geo of the lead. The evaluator rows are',
      "decide()'s own compiled core (Evaluator.matchRule + dimension) without the decision around it. The peers do not do the",
      `${PEERS_DO_NOT_COVER}.`,
      `How each peer expresses the policy, and on how many of the first ${formatInt(PEER_CHECK_COUNT)} leads it agrees with decide():`,
      ...Object.entries(PEER_COVERAGE).map(([name, how]) => `  ${name} (${agree(name)}): ${how}.`),
      `  (codegen evaluator ${agree('codegen evaluator')}, reference evaluator ${agree('reference evaluator')}, hand-written ${agree('hand-written')}.)`,
      'json-rules-engine and zen-engine are async: one awaited call per decision. zen-engine is a native (Rust) engine behind',
      `N-API; its last row keeps ${ZEN_IN_FLIGHT} evaluations in flight (its throughput with concurrency, not per-call latency).`,
    ],
  };
  return [whole, matching];
}

/** Table 1c: whole decisions on a second policy shape (bench/territories.route) against its hand-written function. */
async function territoriesTable(): Promise<Table> {
  const bench = benchLeads(LEAD_COUNT);
  const { subjects } = wholeDecisions(territoriesSource(), createTerritoriesDecide, bench);
  const results = await measure(subjects, THROUGHPUT);
  const { rows, goal } = wholeDecisionRows(results, () => []);
  return {
    title: `1c. Decisions per second, whole decision: acme-territories policy, the same ${formatInt(bench.leads.length)} leads (median of ${THROUGHPUT.rounds} rounds of ${THROUGHPUT.roundMs} ms, interleaved)`,
    head: ['', 'ops/sec', 'ns/op', 'vs hand-written'],
    rows,
    notes: [
      goal,
      '',
      'A second shape (bench/territories.route): two owner rules first (an open opportunity without an owner goes to a queue),',
      'support, a product pool, smb leads split by source into two pools, then `by segment then geo` over nine exact pools',
      '(3 segments x 3 geos, no wildcards, no hours). The hand-written function (bench/handwritten-territories.ts) gave the',
      `same decision as decide() for all ${formatInt(bench.leads.length)} leads, with both evaluators, before timing.`,
      cpuNote(onCpuShare([...results.values()])),
    ],
  };
}

/** Table 1d: decide() on the acme policy (its fields block) over dirty values against the same policy over clean ones. */
async function fieldsTable(): Promise<Table> {
  const clean = benchLeads(LEAD_COUNT, 0);
  const dirty = benchLeads(LEAD_COUNT, 1);
  const codegen = compilePolicy(acmeSource(), { evaluator: 'codegen' });
  const warned = dirty.leads.filter((lead, i) => codegen.decide(lead, dirty.options[i]).warnings.length > 0).length;
  const at = (bench: BenchLeads) => (i: number) => codegen.decide(bench.leads[i % bench.leads.length], bench.options[i % bench.leads.length]);
  const results = await measure([syncSubject('clean', at(clean), digestDecision), syncSubject('dirty', at(dirty), digestDecision)], THROUGHPUT);
  const cleanNs = (results.get('clean') as Measurement).nsPerOp;
  const dirtyNs = (results.get('dirty') as Measurement).nsPerOp;
  const row = (label: string, name: string) => {
    const m = results.get(name) as Measurement;
    return [label, formatInt(m.opsPerSec), formatInt(m.nsPerOp), formatRatio(m.nsPerOp / cleanNs)];
  };
  return {
    title: `1d. Declared fields: codegen decide() on the acme-inbound policy, ${formatInt(LEAD_COUNT)} leads with clean values against ${formatInt(LEAD_COUNT)} with dirty ones (median of ${THROUGHPUT.rounds} rounds of ${THROUGHPUT.roundMs} ms, interleaved)`,
    head: ['values', 'ops/sec', 'ns/op', 'time vs clean'],
    rows: [row('clean', 'clean'), row('dirty', 'dirty')],
    notes: [
      `Goal: dirty <= ${GOAL_DIRTY_VS_CLEAN}x the time of clean: ${formatRatio(dirtyNs / cleanNs)}  ${passFail(dirtyNs / cleanNs <= GOAL_DIRTY_VS_CLEAN)}`,
      'Both sets come from the lead generator (bench/leads.ts) with one seed: clean leads hold numbers, ISO country codes and',
      'exact enum values; in the dirty set every field the generator can smudge is written carelessly (thousands separators,',
      'ranges such as "51-200", padded or spelled-out countries such as "Deutschland", enum values in other case and',
      `separators, blanks). Every decision reads the policy's declared fields as their types; ${formatInt(warned)} dirty leads carry a warning.`,
      cpuNote(onCpuShare([...results.values()])),
    ],
  };
}

// ---------------------------------------------------------------- table 2: scaling

async function scalingTable(): Promise<Table> {
  const options = { now: BASE_NOW };
  const compileMs: number[] = [];
  const largest = SCALING_SIZES[SCALING_SIZES.length - 1];
  const subjects = SCALING_SIZES.map((size) => {
    const source = scalingPolicy(size);
    const { ms, result: compiled } = timeOnce(() => compilePolicy(source, { evaluator: 'codegen' }));
    compileMs.push(ms);
    const leads = scalingLeads(size, SCALING_LEADS);
    return syncSubject(String(size), (i) => compiled.decide(leads[i % leads.length], options), digestDecision);
  });
  // A control: the largest table, but every lead on one of a few of its values. Against the spread
  // row, it separates the cost of the lookup from that of reaching a table bigger than the CPU caches.
  const control = `${formatInt(largest)}, leads on ${SCALING_CONTROL_VALUES} of them`;
  const largestPolicy = compilePolicy(scalingPolicy(largest), { evaluator: 'codegen' });
  const fewValues = scalingLeads(largest, SCALING_LEADS).slice(0, SCALING_CONTROL_VALUES);
  const controlLeads = Array.from({ length: SCALING_LEADS }, (_, i) => ({ ...fewValues[i % fewValues.length], email: `lead${i}@example.com` }));
  subjects.push(syncSubject(control, (i) => largestPolicy.decide(controlLeads[i % controlLeads.length], options), digestDecision));

  const results = await measure(subjects, SCALING);
  const ns = SCALING_SIZES.map((size) => (results.get(String(size)) as Measurement).nsPerOp);
  const controlNs = (results.get(control) as Measurement).nsPerOp;
  const rows = SCALING_SIZES.map((size, k) => [formatInt(size), formatInt(compileMs[k]), formatInt(ns[k]), formatRatio(ns[k] / ns[0])]);
  rows.push([control, '', formatInt(controlNs), formatRatio(controlNs / ns[0])]);
  const ratio = ns[ns.length - 1] / ns[0];
  return {
    title: `2. Scaling: codegen decide() with a territory dimension of N country codes (${formatInt(SCALING_LEADS)} leads spread over the list)`,
    head: ['values', 'compile ms', 'ns/decision', `vs ${SCALING_SIZES[0]}`],
    rows,
    notes: [
      `Goal: ${formatInt(largest)} values <= ${GOAL_SCALING_RATIO}x the time of ${SCALING_SIZES[0]}: ${formatRatio(ratio)}  ${passFail(ratio <= GOAL_SCALING_RATIO)}`,
      `The codes are split across ${SCALING_ARMS} arms of \`dimension geo by country\`, each arm with its own pool; rule: \`else by geo then round_robin(pool)\`.`,
      `All leads share one instant here, so the table shows the lookup (dates are formatted once); sizes are measured interleaved.`,
      `The last row is a control: the ${formatInt(largest)}-value policy with every lead on ${SCALING_CONTROL_VALUES} of its values (the lookup alone, in cache).`,
      cpuNote(onCpuShare([...results.values()])),
    ],
  };
}

// ---------------------------------------------------------------- table 3: compile time

function compileTable(): Table {
  let variant = 0;
  let warnings = 0;
  const compileFresh = (evaluator: EvaluatorKind) => {
    const source = manyRulesPolicy(COMPILE_RULES, variant++);
    const { ms, cpuMs, result } = timeOnce(() => compilePolicy(source, { evaluator }));
    warnings = result.warnings.length;
    return { ms, cpuMs };
  };
  // The first compile of the process also pays for loading and optimizing the compiler itself.
  const first = compileFresh('codegen').ms;
  // The evaluators take turns, so load from elsewhere falls on both alike.
  const runs: Record<EvaluatorKind, { ms: number; cpuMs: number }[]> = { codegen: [], reference: [] };
  for (let run = 0; run < COMPILE_RUNS; run++) for (const evaluator of ['codegen', 'reference'] as const) runs[evaluator].push(compileFresh(evaluator));
  const rows = (['codegen', 'reference'] as const).map((evaluator) => {
    const t = runs[evaluator].map((r) => r.ms);
    const cpu = median(runs[evaluator].map((r) => r.cpuMs));
    return [evaluator, formatInt(COMPILE_RULES), median(t).toFixed(1), Math.min(...t).toFixed(1), Math.max(...t).toFixed(1), cpu.toFixed(1)];
  });
  const codegenMedian = median(runs.codegen.map((r) => r.ms));
  return {
    title: `3. Compile time: a generated policy with ${formatInt(COMPILE_RULES)} rules, cold cache (a distinct source per run), ${COMPILE_RUNS} runs each`,
    head: ['evaluator', 'rules', 'median ms', 'min ms', 'max ms', 'CPU median ms'],
    rows,
    notes: [
      `Goal: codegen compile < ${GOAL_COMPILE_MS} ms: ${codegenMedian.toFixed(1)} ms  ${passFail(codegenMedian < GOAL_COMPILE_MS)}`,
      `The first compile of the process took ${first.toFixed(1)} ms (it also warms up the compiler; not in the median).`,
      'Times are clock times; the last column is the CPU time of all the process\'s threads (V8 compiles and collects garbage on',
      'helper threads), which waiting for other processes does not inflate.',
      'Parse, check (types, shadowed rules, pool coverage), lower and build the evaluator. Conditions mix every test kind over',
      `12 fields and 2 dimensions, and every target kind; each rule also names its own campaign. The checker reports ${warnings} warnings.`,
    ],
  };
}

// ---------------------------------------------------------------- main

/** The sections, in the order printed; `node .bench/bench/run.js decide territories` runs only those named. */
const SECTIONS = new Map<string, () => Promise<Table[]>>([
  ['decide', throughputTables],
  ['territories', async () => [await territoriesTable()]],
  ['fields', async () => [await fieldsTable()]],
  ['scaling', async () => [await scalingTable()]],
  ['compile', async () => [compileTable()]],
  ['state', () => stateBenchmarks(LEAD_COUNT)],
  ['normalize', async () => [await normalizeBenchmarks()]],
  ['pingtree', async () => [await pingTreeTable()]],
  ['simulate', async () => [await simulateTable()]],
]);

async function main(argv: string[]): Promise<void> {
  const unknown = argv.filter((name) => !SECTIONS.has(name));
  if (unknown.length > 0) throw new Error(`unknown section ${unknown.join(', ')}; the sections are ${[...SECTIONS.keys()].join(', ')}`);
  const started = Date.now();
  console.log(`leadroute bench: ${machineLine()}\n${loadLine()} at the start; ${loopStepLine()}\n`);
  for (const [name, section] of SECTIONS) {
    if (argv.length > 0 && !argv.includes(name)) continue;
    for (const t of await section()) console.log(`${renderTable(t)}\n`);
  }
  console.log(`${loadLine()} at the end; checksum ${processChecksum()}; total ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(`\nBENCH ABORTED: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
