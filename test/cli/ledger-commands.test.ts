// `leadroute outcome`, `queue list|take` and `ledger export` on the ledger routing keeps:
// their usage errors, each naming the argument.

import { runCli, scratchFolder } from './run-cli';

const scratch = scratchFolder('leadroute-cli-ledger-');

describe('usage errors', () => {
  test.each([
    [['outcome', 'ann@x.com', 'won'], 'leadroute outcome: --state is required'],
    [['outcome', 'ann@x.com', 'won', '--state', 'memory'], '--state memory holds nothing between runs'],
    [['outcome', 'ann@x.com'], 'missing EVENT'],
    [['outcome', ' ', 'won', '--state', 'sqlite:x.db'], 'ID_OR_KEY is empty'],
    [['outcome', 'ann@x.com', 'Meeting Booked', '--state', 'sqlite:x.db'], 'EVENT: event "Meeting Booked" is not a name of lower-case letters'],
    [['outcome', 'ann@x.com', 'breached', '--state', 'sqlite:x.db'], 'EVENT: breached is recorded by routing itself'],
    [['outcome', 'ann@x.com', 'won', '--state', 'sqlite:x.db', '--value', '12k'], "--value '12k' is not a number"],
    [['outcome', 'ann@x.com', 'won', '--state', 'sqlite:x.db', '--data', '{crm: 1}'], '--data is not JSON'],
    [['outcome', 'ann@x.com', 'won', '--state', 'sqlite:x.db', '--at', 'yesterday'], "invalid --at 'yesterday'"],
    [['queue'], 'Usage: leadroute queue list'],
    [['queue', 'drop', '--state', 'sqlite:x.db'], "leadroute queue: unknown action 'drop'"],
    [['queue', 'list', '--state', 'sqlite:x.db', '--older-than', '1.5h'], '--older-than: duration `1.5h` is not a whole number; write `90m`'],
    [['queue', 'list', '--state', 'sqlite:x.db', '--by', 'ann'], '--by does not apply to list'],
    [['queue', 'take', 'r_1', '--state', 'sqlite:x.db'], '--by NAME is required'],
    [['queue', 'take', '--by', 'ann', '--state', 'sqlite:x.db'], 'missing ID_OR_KEY'],
    [['queue', 'take', 'r_1', '--by', 'ann', '--state', 'sqlite:x.db', '--queue', 'q'], '--queue does not apply to take'],
    [['ledger'], 'Usage: leadroute ledger export'],
    [['ledger', 'import', '--state', 'sqlite:x.db'], "unknown action 'import' (use export)"],
    [['ledger', 'export', '--state', 'sqlite:x.db', '--format', 'xlsx'], '--format xlsx: use jsonl or csv'],
    [['ledger', 'export', '--state', 'sqlite:x.db', '--since', 'last week'], "invalid --since 'last week'"],
    [['ledger', 'export'], 'leadroute ledger export: --state is required'],
  ])('%j is a usage error naming the argument', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });

  test('help is on stdout and exits 0', async () => {
    for (const args of [['outcome', '--help'], ['queue', '--help'], ['queue', 'take', '-h'], ['ledger', '--help']]) {
      const r = await runCli(args);
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(r.stdout).toMatch(/^Usage: leadroute (outcome|queue|ledger)/);
    }
  });

  test('an --output file that cannot be opened is a usage error naming it', async () => {
    const r = await runCli(['ledger', 'export', '--state', `sqlite:${scratch.path('o.db')}`, '-o', scratch.path('no/such/dir/out.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot write --output file '${scratch.path('no/such/dir/out.jsonl')}'`);
  });
});
