// Issue 11, item 7: numbers outside what a double holds exactly are written out as they were
// read, wherever leadroute passes a lead through: CRM ids survive byte for byte.
import { runCli, scratchFolder } from '../cli/run-cli';

const scratch = scratchFolder('leadroute-lossless-');
const NOW = '2026-11-23T15:00:00Z';
const POLICY = 'policy "exact"\npool team = [ana, ben]\nwhen crm_id > 10 route rep ana\nelse round_robin(team)\nfallback queue exceptions\n';
const LEAD = '{"crm_id":12345678901234567890,"score":1e400,"deal":{"ids":[98765432109876543210,1.5],"amount":0.1000000000000000055511151231257827}}';

/** The output line without its routing or normalization part, as text. */
const passedThrough = (line: string, part: string) => line.slice(0, line.indexOf(`,"${part}":`)) + '}';

test('route: JSON Lines and a JSON array keep long integers, overflowing exponents and long decimals as written, nested too', async () => {
  const policy = scratch.file('p.route', POLICY);
  for (const leads of [scratch.file('l.jsonl', `${LEAD}\n`), scratch.file('l.json', `[${LEAD}]`)]) {
    const r = await runCli(['route', policy, leads, '--now', NOW]);
    expect(r.code).toBe(0);
    expect(passedThrough(r.stdout, 'routing')).toBe(LEAD);
    // Routing still reads the double: the CRM id compares as a number.
    expect(JSON.parse(r.stdout)).toMatchObject({ routing: { assignee: 'ana', rule: { index: 0 } } });
  }
});

test('normalize keeps them too; CSV cells stay the text they were', async () => {
  const r = await runCli(['normalize', scratch.file('l.jsonl', `${LEAD}\n`)]);
  expect(passedThrough(r.stdout, 'normalization')).toBe(LEAD);
  const csv = await runCli(['route', scratch.file('p.route', POLICY), scratch.file('l.csv', 'crm_id,score\n12345678901234567890,1e400\n'), '--now', NOW]);
  expect(csv.stdout).toMatch(/^\{"crm_id":"12345678901234567890","score":"1e400","routing":/);
});

test('numbers a double holds keep their usual form; one that underflows to 0 is kept as written', async () => {
  const r = await runCli(['route', scratch.file('p.route', POLICY), scratch.file('n.jsonl', '{"a":1.50,"b":100,"c":9007199254740991,"d":1e-400}\n'), '--now', NOW]);
  expect(passedThrough(r.stdout, 'routing')).toBe('{"a":1.5,"b":100,"c":9007199254740991,"d":1e-400}');
});
