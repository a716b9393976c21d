// `leadroute explain POLICY LEAD.json`: one lead, decided with a trace and assigned against a
// fresh in-memory state, told in plain language: the values the policy reads, every rule tried
// and the conditions that held or failed, dimensions, pools and skipped members, the outcome.

import type { CompiledPolicy } from '../../compiler/compile';
import type { Decision, TraceEntry } from '../../compiler/decision';
import { showValue } from '../../compiler/reference';
import { readPath } from '../../core/values';
import { MemoryStore } from '../../state';
import { CliError, errorMessage, EXIT_FAILED, EXIT_OK, parseCommandArgs, parseNow, readInputText, write, type CliIO } from '../io';
import type { Lead } from '../leads';
import { formatWarnings, loadPolicy, parseColumnMap } from '../policy';
import { route } from '../../routing/route';

export const EXPLAIN_HELP = `Usage: leadroute explain POLICY LEAD.json [options]

Routes one lead (a JSON file holding one object; - reads standard input) and explains, in plain
language, how the decision was reached: the values the policy reads from the lead, every rule
tried in order with each condition and why it held or failed, the dimension values, the pools
looked for and which members were eligible or left out (and why), then the decision, as a
sentence and as the JSON that route prints (without the trace).

The state (rotation, caps, sticky owners) is a fresh in-memory one, as for the first lead of a
route run.

Options:
  --now ISO    The routing clock, e.g. 2026-11-23T15:00:00Z (UTC when no offset is given).
               Default: now.
  --map FIELD=COLUMN
               Read the declared FIELD from COLUMN, in place of its "from" names
               (repeatable).
  -h, --help   Show this help.

Exit status: 0 when explained, 1 when the policy has errors or the lead is not a JSON object,
2 on a usage error.
`;

export async function explainCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals, help } = parseCommandArgs('explain', argv, { now: { type: 'string' }, map: { type: 'string', multiple: true } }, ['POLICY', 'LEAD']);
  if (help) {
    write(io.stdout, EXPLAIN_HELP);
    return EXIT_OK;
  }
  const [policyFile, leadFile] = positionals;
  const now = parseNow('explain', values.now) ?? new Date();
  const leadText = await readInputText('explain', 'lead', leadFile, io);
  const label = leadFile === '-' ? 'stdin' : leadFile;
  const lead = parseOneLead(leadText, label);
  const policy = await loadPolicy('explain', policyFile, io, { columns: parseColumnMap('explain', values.map) });
  const warnings = formatWarnings(policy, policyFile);
  if (warnings !== '') write(io.stderr, `${warnings}\n`);

  const decision = await route(policy, lead, { store: new MemoryStore(), now, trace: true });
  write(io.stdout, explainDecision(policy, lead, decision, { policyFile, leadFile: label, now }));
  return EXIT_OK;
}

function parseOneLead(text: string, label: string): Lead {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CliError(`${label}: invalid JSON: ${errorMessage(err).replace(/\s*\n\s*/g, ' ')}`, EXIT_FAILED);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CliError(`${label}: expected one lead, a JSON object; found ${Array.isArray(value) ? 'an array (route takes arrays)' : value === null ? 'null' : `a ${typeof value}`}`, EXIT_FAILED);
  }
  return value as Lead;
}

/** The whole explanation, for people; the decision's JSON last. */
export function explainDecision(policy: CompiledPolicy, lead: Lead, decision: Decision, where: { policyFile: string; leadFile: string; now: Date }): string {
  const out: string[] = [];
  out.push(`Policy ${policy.name} (${where.policyFile}), lead ${where.leadFile}, at ${where.now.toISOString()}, with a fresh in-memory state`);
  out.push('');
  out.push('Values the policy reads:');
  const paths = policy.ir.paths.map((segments) => segments.join('.'));
  const width = Math.max(0, ...paths.map((p) => p.length));
  for (let i = 0; i < paths.length; i++) out.push(`  ${paths[i].padEnd(width)}  ${showValue(readPath(lead, policy.ir.paths[i]))}`);
  out.push('');
  out.push('Steps:');
  out.push(...traceLines(decision.trace ?? []));
  out.push('');
  out.push(`Decision: ${outcomeSentence(decision)}`);
  // The trace was told above; the JSON is the decision as route prints it without --trace.
  out.push(JSON.stringify({ ...decision, trace: undefined }, null, 2));
  return out.join('\n');
}

/**
 * Trace entries as indented lines. A rule's conditions (and the dimensions they read) go under
 * the rule, its verdict after them; pool members go under their pool.
 */
export function traceLines(trace: readonly TraceEntry[]): string[] {
  const lines: string[] = [];
  // Rules are tried from the first, so the n-th rule entry is rule n.
  let ruleIndex = 0;
  let i = 0;
  while (i < trace.length) {
    const entry = trace[i];
    if (entry.step === 'rule') {
      // The rule's block runs to its last condition before the next step of another kind.
      let end = i;
      for (let j = i + 1; j < trace.length && (trace[j].step === 'condition' || trace[j].step === 'dimension'); j++) {
        if (trace[j].step === 'condition') end = j;
      }
      lines.push(`  rule ${ruleIndex++} (line ${entry.line ?? '?'}): ${entry.source}`);
      for (let j = i + 1; j <= end; j++) lines.push(`      ${entryText(trace[j])}`);
      lines.push(`    => ${entry.result === true ? 'holds: this rule decides' : 'does not hold'}`);
      i = end + 1;
      continue;
    }
    lines.push(entry.step === 'member' ? `      ${entryText(entry)}` : `  ${entryText(entry)}`);
    i++;
  }
  return lines;
}

function entryText(entry: TraceEntry): string {
  const what = entry.note ?? (entry.result === null ? '' : String(entry.result));
  switch (entry.step) {
    case 'condition':
      return what;
    case 'member':
      return `${entry.source}: ${what}`;
    case 'pool':
      // assign() adds the pick: the strategy in the note, the person in the result.
      return typeof entry.result === 'string' ? `pool ${entry.source}: ${what} chose ${entry.result}` : `pool ${entry.source}: ${what}`;
    case 'target':
    case 'dimension':
      return `${entry.step} ${entry.source}: ${what}`;
    default:
      return `${entry.step}: ${what}`;
  }
}

/** `assigned to mia from pool midmarket.* (segment=midmarket, geo=emea) by rule 4 (line 37); SLA 1d, due ...`. */
export function outcomeSentence(d: Decision): string {
  const by = d.rule !== null ? `by rule ${d.rule.index} (line ${d.rule.line})` : d.status === 'assigned' ? 'by the sticky owner (no rule)' : 'with no rule';
  const path = Object.entries(d.path).map(([k, v]) => `${k}=${v ?? '(blank)'}`);
  let head: string;
  switch (d.status) {
    case 'assigned':
      head = `assigned to ${d.assignee}${d.pool !== null ? ` from pool ${d.pool}` : ''}${path.length > 0 ? ` (${path.join(', ')})` : ''} ${by}`;
      break;
    case 'queued':
      head = `queued in ${d.queue} ${by}`;
      break;
    case 'exception':
      head = `exception: fallback queue ${d.queue} ${by}, because ${d.reason ?? 'no reason was given'}`;
      break;
  }
  const details = [`priority ${d.priority}`];
  if (d.sla !== null) details.unshift(`SLA ${d.sla.duration}${d.sla.business ? ' business' : ''}, due ${d.sla.due}`);
  if (d.candidates.length > 0) details.push(`next in line: ${d.candidates.join(', ')}`);
  if (d.escalation.length > 0) details.push(`escalation: ${d.escalation.join(', ')}`);
  if (d.tags.length > 0) details.push(`tags: ${d.tags.join(', ')}`);
  return `${head}; ${details.join('; ')}`;
}
