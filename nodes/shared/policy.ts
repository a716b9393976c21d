// The policy parameter of the Route and Escalate nodes: its description, and compiling it the
// way n8n users should see it fail (every diagnostic with line, column and caret).

import { NodeOperationError, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { compilePolicy, type CompiledPolicy, type EvaluatorKind } from '../../compiler/compile';
import { PolicyError } from '../../dsl/diagnostics';
import { itemParameter } from './items';

const POLICY_PLACEHOLDER = `policy "inbound"
pool sales = [alice, bob]
when type = support route queue support
else round_robin(sales) sla 15m
fallback queue exceptions`;

export const policyProperty: INodeProperties = {
  displayName: 'Policy',
  name: 'policy',
  type: 'string',
  typeOptions: { rows: 12 },
  default: '',
  required: true,
  placeholder: POLICY_PLACEHOLDER,
  description:
    'The routing policy in the leadroute language. An expression works too (e.g. {{ $vars.routingPolicy }} or a field set by an earlier node); it is evaluated per item and each distinct text is compiled once.',
};

export const evaluatorOption: INodeProperties = {
  displayName: 'Evaluator',
  name: 'evaluator',
  type: 'options',
  options: [
    { name: 'Generated Code (Fastest)', value: 'codegen' },
    { name: 'Reference (No Code Generation)', value: 'reference', description: 'For environments that forbid generating code' },
  ],
  default: 'codegen',
  description: 'How the compiled policy runs; both give the same decisions',
};

// Backticks too: the panel turns `text` into a code element, which would drop them from a source line.
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/**
 * Text as n8n's error panel should show it. The panel renders a description as sanitized HTML
 * (tags such as `code` and `br`, no styles), where line breaks and runs of spaces collapse. So
 * each line ends in a break and the spaces that align a caret (at the start of a line, or
 * several together) are non-breaking, all inside a code element for its fixed-width font: each
 * diagnostic keeps its own lines and the caret stays under its spot.
 */
export function panelText(text: string): string {
  const lines = text.split('\n').map((line) =>
    line
      .replace(/[&<>"'`]/g, (c) => HTML_ESCAPES[c])
      .replace(/^ +| {2,}/g, (spaces) => '&nbsp;'.repeat(spaces.length)),
  );
  return `<code>${lines.join('<br>')}</code>`;
}

/** A policy that does not compile: the count and the first error in the message, every diagnostic (line, column, caret) in the description. */
export function policyFailure(ctx: IExecuteFunctions, error: PolicyError, itemIndex: number): NodeOperationError {
  const errors = error.diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0];
  const where = first === undefined ? '' : `: line ${first.span.line}, column ${first.span.column}: ${first.message}`;
  return new NodeOperationError(ctx.getNode(), `The routing policy has ${errors.length} error${errors.length === 1 ? '' : 's'}${where}`, {
    itemIndex,
    description: panelText(error.message),
  });
}

/**
 * The compiled policy for an item. Texts seen in this execution are kept by text (an expression
 * may give each item its own policy); compilePolicy's cache by hash keeps them across executions.
 */
export function itemPolicies(ctx: IExecuteFunctions): (itemIndex: number) => CompiledPolicy {
  const text = itemParameter<string>(ctx, 'policy', '');
  const evaluator: EvaluatorKind = ctx.getNodeParameter('options.evaluator', 0, 'codegen') === 'reference' ? 'reference' : 'codegen';
  const compiled = new Map<string, CompiledPolicy>();
  return (itemIndex) => {
    const source = text(itemIndex);
    let policy = compiled.get(source);
    if (policy !== undefined) return policy;
    if (typeof source !== 'string' || source.trim() === '') {
      throw new NodeOperationError(ctx.getNode(), 'The routing policy is empty', {
        itemIndex,
        description: 'Write the policy in the Policy field, or an expression that gives its text.',
      });
    }
    try {
      policy = compilePolicy(source, { evaluator, file: 'policy' });
    } catch (error) {
      if (error instanceof PolicyError) throw policyFailure(ctx, error, itemIndex);
      throw new NodeOperationError(ctx.getNode(), error instanceof Error ? error : String(error), { itemIndex });
    }
    compiled.set(source, policy);
    return policy;
  };
}
