// The harness itself: a node with two inputs gets both, fed directly or through upstream nodes.

import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { INPUT, runWorkflow, type WorkflowSpec } from './harness';

/** Tags each item with the input it came in on. */
class TwoInputs implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Two Inputs',
    name: 'twoInputs',
    group: ['transform'],
    version: 1,
    description: 'Test node with two inputs',
    defaults: { name: 'Two Inputs' },
    inputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    properties: [],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const tagged = [0, 1].flatMap((input) => this.getInputData(input).map((item, i) => ({ json: { ...item.json, input }, pairedItem: { item: i, input } })));
    return [tagged];
  }
}

const spec = (links: WorkflowSpec['links']): WorkflowSpec => ({
  nodes: [
    { name: 'Left', type: INPUT },
    { name: 'Right', type: INPUT },
    { name: 'Join', type: 'test.twoInputs' },
  ],
  links,
  types: { 'test.twoInputs': new TwoInputs() },
});

describe('harness', () => {
  it('feeds the two inputs of a node directly', async () => {
    const run = await runWorkflow(spec([]), [
      { node: 'Join', items: [{ a: 1 }], input: 0 },
      { node: 'Join', items: [{ b: 2 }, { b: 3 }], input: 1 },
    ]);
    expect(run.json('Join')).toEqual([{ a: 1, input: 0 }, { b: 2, input: 1 }, { b: 3, input: 1 }]);
  });

  it('runs two upstream nodes into the two inputs', async () => {
    const run = await runWorkflow(
      spec([
        { from: 'Left', to: 'Join', input: 0 },
        { from: 'Right', to: 'Join', input: 1 },
      ]),
      [
        { node: 'Left', items: [{ a: 1 }] },
        { node: 'Right', items: [{ b: 2 }] },
      ],
    );
    expect(run.status).toBe('success');
    expect(run.json('Join')).toEqual([{ a: 1, input: 0 }, { b: 2, input: 1 }]);
    expect(run.runs('Join')).toBe(1);
  });
});
