// What every node of the pack does with parameters and items: read a parameter once when it is
// a fixed value (per item only when it is an expression, which may differ by item), put a
// value on an item under a field name the user chose, and turn a per-item failure into
// either a thrown NodeOperationError or, with "continue on fail", an error on the item.

import {
  NodeOperationError,
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeProperties,
  type NodeParameterValueType,
} from 'n8n-workflow';
import { toInstant } from '../../core/time';

/**
 * The parameter's value for an item. A fixed value is read once: n8n's getNodeParameter costs
 * more than a routing decision, and a batch of 10,000 items would pay it 10,000 times.
 */
export function itemParameter<T extends NodeParameterValueType | object>(ctx: IExecuteFunctions, name: string, fallback: T): (itemIndex: number) => T {
  const raw: unknown = ctx.getNode().parameters[name];
  if (typeof raw === 'string' && raw.startsWith('=')) return (itemIndex) => ctx.getNodeParameter(name, itemIndex, fallback) as T;
  const value = ctx.getNodeParameter(name, 0, fallback) as T;
  return () => value;
}

/**
 * A time parameter's instant, in ms: a Date, epoch ms, ISO text (UTC unless it says) or a Luxon
 * DateTime (what n8n expressions such as `$now` give); empty is `fallback`. `name` is the
 * parameter's display name, for the error.
 */
export function parameterInstant(ctx: IExecuteFunctions, name: string, value: unknown, fallback: number, itemIndex: number): number {
  if (value === '' || value === undefined || value === null) return fallback;
  const given = typeof value === 'object' && typeof (value as { toMillis?: unknown }).toMillis === 'function' ? (value as { toMillis(): number }).toMillis() : value;
  try {
    return toInstant(given as Date | number | string, name);
  } catch (error) {
    throw new NodeOperationError(ctx.getNode(), (error as Error).message, { itemIndex });
  }
}

export const routingFieldProperty: INodeProperties = {
  displayName: 'Routing Field',
  name: 'routingField',
  type: 'string',
  default: 'routing',
  description: 'The field of each item that holds the routing decision',
};

/** The routing field's name, checked once: a name is any non-empty text. */
export function routingFieldName(ctx: IExecuteFunctions): string {
  const field = ctx.getNodeParameter('routingField', 0, 'routing');
  if (typeof field !== 'string' || field.trim() === '') {
    throw new NodeOperationError(ctx.getNode(), 'The routing field name is empty', { description: 'Set the field that holds the routing decision, e.g. `routing`.' });
  }
  return field;
}

/** A copy of the item's JSON with `field` set as an own property (so even `__proto__` is plain data). */
export function withField(json: IDataObject, field: string, value: unknown): IDataObject {
  const copy: IDataObject = { ...json };
  // Assignment is the fast path; only `__proto__` would set the prototype instead of a field.
  if (field === '__proto__') Object.defineProperty(copy, field, { value, enumerable: true, writable: true, configurable: true });
  else copy[field] = value as IDataObject[string];
  return copy;
}

/** The value of an item's own field, never a prototype's. */
export function ownField(json: IDataObject, field: string): unknown {
  return Object.prototype.hasOwnProperty.call(json, field) ? json[field] : undefined;
}

/** An error as the NodeOperationError n8n shows for item `itemIndex` (kept when it already is one). */
export function itemError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeOperationError {
  if (error instanceof NodeOperationError) return error;
  return new NodeOperationError(ctx.getNode(), error instanceof Error ? error : String(error), { itemIndex });
}

/**
 * The item that carries a failure when the node continues on fail: the input's JSON with
 * `error` (the message). The item's own `error` property is left unset on purpose: n8n would
 * replace the whole JSON with `{ error }`, and a lead that failed must not lose its data.
 */
export function failedItem(item: INodeExecutionData, error: NodeOperationError, itemIndex: number): INodeExecutionData {
  const failed: INodeExecutionData = { json: withField(item.json, 'error', error.message), pairedItem: { item: itemIndex } };
  if (item.binary !== undefined) failed.binary = item.binary;
  return failed;
}

/** A failed item: fails the node, or with "continue on fail" goes to `failedOutput` carrying the error. */
export function failItem(ctx: IExecuteFunctions, outputs: INodeExecutionData[][], failedOutput: number, item: INodeExecutionData, itemIndex: number, error: unknown): void {
  const failure = itemError(ctx, error, itemIndex);
  if (!ctx.continueOnFail()) throw failure;
  outputs[failedOutput].push(failedItem(item, failure, itemIndex));
}

/** Runs `each` for every item; a throw fails the item (see failItem). */
export async function forEachItem(
  ctx: IExecuteFunctions,
  items: INodeExecutionData[],
  outputs: INodeExecutionData[][],
  failedOutput: number,
  each: (item: INodeExecutionData, itemIndex: number) => Promise<void> | void,
): Promise<void> {
  for (let i = 0; i < items.length; i++) {
    try {
      // A synchronous step is not awaited: a promise tick per item adds up over a large batch.
      const step = each(items[i], i);
      if (step instanceof Promise) await step;
    } catch (error) {
      failItem(ctx, outputs, failedOutput, items[i], i, error);
    }
  }
}
