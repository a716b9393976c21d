// Loading a policy for a command: read the file, compile it, and turn its diagnostics into a
// failure (exit 1) that prints them as `FILE:LINE:COL: error: ...` with the source line and caret.

import { compilePolicy, type CompiledPolicy, type CompileOptions, type EvaluatorKind } from '../compiler/compile';
import { formatDiagnostics, PolicyError } from '../dsl/diagnostics';
import { CliError, EXIT_FAILED, readInputText, usageError, type CliIO } from './io';

export const EVALUATORS: readonly EvaluatorKind[] = ['codegen', 'reference'];

/**
 * Compiles the policy in `file` (`-`: standard input); policy errors become a CliError carrying
 * every diagnostic, and a `--map` of a field the policy does not declare a usage error.
 */
export async function loadPolicy(command: string, file: string, io: CliIO, options: Pick<CompileOptions, 'evaluator' | 'columns'> = {}): Promise<CompiledPolicy> {
  const source = await readInputText(command, 'policy', file, io);
  const label = file === '-' ? 'stdin' : file;
  try {
    return compilePolicy(source, { file: label, ...options });
  } catch (err) {
    if (err instanceof PolicyError) throw new CliError(formatDiagnostics(err.diagnostics, source, label), EXIT_FAILED);
    if (err instanceof RangeError && options.columns !== undefined) throw usageError(command, `--map: ${err.message}`);
    throw err;
  }
}

/** `--map FIELD=COLUMN` (repeatable): the columns to read each field from in this run, in the order given. */
export function parseColumnMap(command: string, maps: readonly string[] | undefined): Record<string, string[]> | undefined {
  if (maps === undefined || maps.length === 0) return undefined;
  const columns: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const map of maps) {
    const eq = map.indexOf('=');
    const field = map.slice(0, eq).trim();
    const column = map.slice(eq + 1);
    if (eq < 0 || field === '' || column.trim() === '') throw usageError(command, `--map ${map}: expected FIELD=COLUMN, e.g. --map employees="No. of Employees"`);
    (columns[field] ??= []).push(column);
  }
  return columns;
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
