// compilePolicy: text in, decision function out. Parses, checks and lowers once, then builds the
// chosen evaluator; compiled policies are cached by a hash of source, compiler version and options,
// so a Route node that sees the same policy on every execution compiles it once.

import { createHash } from 'node:crypto';
import { parsePolicy } from '../dsl/parse';
import { checkPolicy } from '../dsl/checker';
import { capDiagnostics, type Diagnostic, PolicyError } from '../dsl/diagnostics';
import { lowerPolicy } from './lower';
import { createReferenceEvaluator } from './reference';
import { createCodegenEvaluator } from './codegen/generate';
import { createDecider, type DecideOptions, type StepRequest } from './decide';
import type { PendingDecision } from './decision';
import type { PolicyIR } from './ir';

export type { DecideOptions, StepRequest };

/** Bumped whenever the meaning of compiled output changes, so cached policies are rebuilt. */
export const COMPILER_VERSION = '1';

export type EvaluatorKind = 'codegen' | 'reference';

export interface CompileOptions {
  /** Shown in diagnostics (`FILE:LINE:COL`). */
  file?: string;
  /** `codegen` (default) generates JavaScript; `reference` walks the IR and needs no `new Function`. */
  evaluator?: EvaluatorKind;
  /**
   * Columns to read declared fields from in this compile (`leadroute route --map FIELD=COLUMN`):
   * per field, the names that replace its `from` list. A field the policy does not declare is a
   * RangeError naming it.
   */
  columns?: Readonly<Record<string, readonly string[]>>;
}

export interface CompiledPolicy {
  readonly name: string;
  /** `sha256:` of source, compiler version and column map: the same for both evaluators, which decide alike. */
  readonly hash: string;
  readonly source: string;
  readonly evaluator: EvaluatorKind;
  readonly ir: PolicyIR;
  /** Warnings of a policy that compiled (errors throw). */
  readonly warnings: Diagnostic[];
  decide(lead: unknown, options?: DecideOptions): PendingDecision;
  /** Plans one escalation step of a rule for a lead, as decide() plans a rule's target, with this policy's evaluator. */
  decideStep(lead: unknown, request: StepRequest): PendingDecision;
  /** The lead's key in the ledger (a declared `key` field, else its email), normalized; null when blank. */
  leadKey(lead: unknown): string | null;
}

/** Every diagnostic of a policy (syntax, then checks when the syntax is sound), never throwing. */
export function checkPolicySource(source: string): Diagnostic[] {
  return analyse(source).diagnostics;
}

function analyse(source: string) {
  const parsed = parsePolicy(source);
  if (parsed.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: parsed.diagnostics, checked: null };
  const checked = checkPolicy(parsed.ast);
  const diagnostics = [...parsed.diagnostics, ...checked.diagnostics].sort((a, b) => a.span.start - b.span.start);
  return { diagnostics: capDiagnostics(diagnostics), checked: checked.checked };
}

/**
 * Every diagnostic, and the IR when there is no error. The syntax tree and the checker's tables,
 * the largest things a compile makes, become garbage when this returns, before an evaluator is
 * built: while a caller's local still held them, every young-generation collection during code
 * generation copied them again.
 */
function lower(source: string): { diagnostics: Diagnostic[]; ir: PolicyIR | null } {
  const { diagnostics, checked } = analyse(source);
  if (checked === null || diagnostics.some((d) => d.severity === 'error')) return { diagnostics, ir: null };
  return { diagnostics, ir: lowerPolicy(checked) };
}

const cache = new Map<string, CompiledPolicy>();
const CACHE_LIMIT = 64;

export function policyHash(source: string, columns: CompileOptions['columns'] = {}): string {
  const mapped = Object.keys(columns).sort().map((field) => [field, columns[field]]);
  const hash = createHash('sha256').update(`${COMPILER_VERSION}\0${source}`);
  if (mapped.length > 0) hash.update(`\0${JSON.stringify(mapped)}`);
  return `sha256:${hash.digest('hex')}`;
}

/** The IR with the `from` lists that `columns` gives (see CompileOptions.columns). */
function withColumns(ir: PolicyIR, columns: NonNullable<CompileOptions['columns']>): PolicyIR {
  const names = Object.keys(columns);
  if (names.length === 0) return ir;
  const declared = ir.fields?.map((f) => f.name) ?? [];
  for (const name of names) {
    if (!declared.includes(name)) {
      throw new RangeError(`${name} is not a declared field, so it has no columns to read it from (${declared.length === 0 ? 'the policy has no fields block' : `declared: ${declared.join(', ')}`})`);
    }
  }
  const fields = (ir.fields ?? []).map((f) => (Object.prototype.hasOwnProperty.call(columns, f.name) ? { ...f, from: [...columns[f.name]] } : f));
  return { ...ir, fields };
}

/** Compiles a policy, or throws a PolicyError that carries every diagnostic. */
export function compilePolicy(source: string, options: CompileOptions = {}): CompiledPolicy {
  const evaluator = options.evaluator ?? 'codegen';
  const hash = policyHash(source, options.columns);
  // The cache keeps one compiled policy per evaluator.
  const key = `${evaluator}:${hash}`;
  const hit = cache.get(key);
  if (hit) return hit;

  const { diagnostics, ir: lowered } = lower(source);
  if (lowered === null) throw new PolicyError(diagnostics, source, options.file ?? 'policy');
  const ir = withColumns(lowered, options.columns ?? {});
  const evaluate = evaluator === 'codegen' ? createCodegenEvaluator(ir) : createReferenceEvaluator(ir);
  const { decide, decideStep, leadKey } = createDecider(ir, evaluate, { name: ir.name, hash });
  const compiled: CompiledPolicy = { name: ir.name, hash, source, evaluator, ir, warnings: diagnostics, decide, decideStep, leadKey };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, compiled);
  return compiled;
}
