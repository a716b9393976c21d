// A `from` name is an export's column as written, dots included: Zoho's `No. of Employees`
// header stays one key when the CLI reads the CSV (it used to nest as {"No": {"of Employees"}}
// and read nothing), and a lead holding that key is read alike by routeMany.
import { compilePolicy } from '../../compiler/compile';
import type { Decision } from '../../compiler/decision';
import { routeMany } from '../../routing/route';
import { runCli, scratchFolder } from '../cli/run-cli';

const NOW = '2026-11-23T15:00:00.000Z';
const policy = (from: string) => `policy "dotted"
fields {
  employees: number${from}
}
dimension segment by employees {
  enterprise when >= 1000
  smb        otherwise
}
when segment = enterprise route queue enterprise
else queue smb
fallback queue exceptions
`;
const WITH_FROM = policy(' from "No. of Employees"');
const CSV = 'Email,No. of Employees,Street No.\nkim@bigco.com,"5,000",12\nlee@tiny.com,8,\n';

const scratch = scratchFolder('leadroute-dotted-');
const queues = (stdout: string) => stdout.trim().split('\n').map((line) => (JSON.parse(line) as { routing: Decision }).routing.queue);

describe('a column whose name has dots', () => {
  test('leadroute route reads it from a CSV by its from name, and writes the lead with the column as written', async () => {
    const r = await runCli(['route', scratch.file('from.route', WITH_FROM), scratch.file('zoho.csv', CSV), '--now', NOW]);
    expect(r.code).toBe(0);
    expect(queues(r.stdout)).toEqual(['enterprise', 'smb']);
    expect(JSON.parse(r.stdout.split('\n')[0])).toMatchObject({ 'No. of Employees': '5,000', 'Street No.': '12' });
  });

  test('--map employees="No. of Employees" reads it for a policy without from', async () => {
    const r = await runCli(['route', scratch.file('plain.route', policy('')), scratch.file('zoho2.csv', CSV), '--now', NOW, '--map', 'employees=No. of Employees']);
    expect(r.code).toBe(0);
    expect(queues(r.stdout)).toEqual(['enterprise', 'smb']);
  });

  test('routeMany reads the key as written', async () => {
    const decisions = await routeMany(compilePolicy(WITH_FROM), [{ 'No. of Employees': '5,000' }, { 'No. of Employees': '8' }], { now: NOW });
    expect(decisions.map((d) => d.queue)).toEqual(['enterprise', 'smb']);
  });
});
