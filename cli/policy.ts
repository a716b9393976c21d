// Loading a policy for a command: read the file, compile it, and turn its diagnostics into a
// failure (exit 1) that prints them as `FILE:LINE:COL: error: ...` with the source line and caret.

import { compilePolicy, type CompiledPolicy, type EvaluatorKind } from '../compiler/compile';
import { formatDiagnostics, PolicyError } from '../dsl/diagnostics';
import { CliError, EXIT_FAILED, readInputText, usageError, type CliIO } from './io';

export const EVALUATORS: readonly EvaluatorKind[] = ['codegen', 'reference'];

/** Compiles the policy in `file` (`-`: standard input); policy errors become a CliError carrying every diagnostic. */
export async function loadPolicy(command: string, file: string, io: CliIO, evaluator: EvaluatorKind = 'codegen'): Promise<CompiledPolicy> {
  const source = await readInputText(command, 'policy', file, io);
  const label = file === '-' ? 'stdin' : file;
  try {
    return compilePolicy(source, { file: label, evaluator });
  } catch (err) {
    if (err instanceof PolicyError) throw new CliError(formatDiagnostics(err.diagnostics, source, label), EXIT_FAILED);
    throw err;
  }
}

/** Warnings of a compiled policy, formatted, or '' when there are none. */
export function formatWarnings(policy: CompiledPolicy, file: string): string {
  return policy.warnings.length === 0 ? '' : formatDiagnostics(policy.warnings, policy.source, file === '-' ? 'stdin' : file);
}

/** `--evaluator`: codegen (the default) or reference. */
export function chooseEvaluator(command: string, evaluator: string | undefined): EvaluatorKind {
  if (evaluator === undefined) return 'codegen';
  if (!(EVALUATORS as readonly string[]).includes(evaluator)) {
    throw usageError(command, `--evaluator ${evaluator}: unknown evaluator (use ${EVALUATORS.join(' or ')})`);
  }
  return evaluator as EvaluatorKind;
}
