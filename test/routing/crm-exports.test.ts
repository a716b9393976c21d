// Exports as three CRMs write them, routed through one policy whose fields name each product's
// columns (crm-exports/crm.route): Salesforce's REST query answer (leads wrapped under `records`,
// API field names, `CreatedDate` with a +0000 offset), HubSpot's contacts export (`Country/Region`,
// `Number of Employees` as ranges like `1000+`, `Create Date` without a zone) and Zoho CRM's leads
// export (`No. of Employees`, country names in the lead's language, `Created Time` as
// `18 Nov, 2026 09:15:00`). Each replayed at its own times (--at, --tz America/New_York), so the
// SMB pool's hours decide two leads. The outcomes were worked out by hand from the policy.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Decision } from '../../compiler/decision';
import { runCli } from '../cli/run-cli';

const DIR = join(__dirname, 'crm-exports');
const POLICY = join(DIR, 'crm.route');

/** status assignee-or-queue, then each warning as field=value (problem). */
function outcomes(stdout: string): string[] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => {
      const r = (JSON.parse(line) as { routing: Decision }).routing;
      const warnings = r.warnings.map((w) => ` ${w.field}=${JSON.stringify(w.value)} (${w.problem})`).join('');
      return `${r.status} ${r.assignee ?? r.queue}${warnings}`;
    });
}

async function route(file: string, at: string): Promise<{ outcomes: string[]; times: string[]; stdout: string }> {
  const r = await runCli(['route', POLICY, join(DIR, file), '--at', at, '--tz', 'America/New_York']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const times = r.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { routing: Decision }).routing.routed_at);
  return { outcomes: outcomes(r.stdout), times, stdout: r.stdout };
}

test('the policy compiles without a warning', async () => {
  const r = await runCli(['check', POLICY]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
});

test('Salesforce: the leads under `records`, read by their API names', async () => {
  const r = await route('salesforce-leads.json', 'CreatedDate');
  expect(r.outcomes).toEqual([
    'assigned alice', // United States, 5000: enterprise.na
    'queued partners', // LeadSource "Partner Referral"
    'assigned frank', // U.K., NumberOfEmployees null: smb, Monday 10:00 in New York
    'assigned bob', // USA, 3400: enterprise.na, the rotation's next
  ]);
  expect(r.times).toEqual(['2026-11-16T14:05:00.000Z', '2026-11-16T14:10:00.000Z', '2026-11-16T15:00:00.000Z', '2026-11-16T16:00:00.000Z']);
  // Each lead is written as the export had it, its attributes included, with the decision added.
  const first = JSON.parse(r.stdout.split('\n')[0]) as Record<string, unknown>;
  const exported = (JSON.parse(readFileSync(join(DIR, 'salesforce-leads.json'), 'utf8')) as { records: unknown[] }).records[0];
  expect(first).toEqual({ ...(exported as object), routing: first.routing });
});

test('HubSpot: Country/Region, ranges of employees, Create Date in the account\'s zone', async () => {
  const r = await route('hubspot-contacts.csv', 'Create Date');
  expect(r.outcomes).toEqual([
    'assigned alice', // United States, "1000+": enterprise.na
    'assigned mia', // España, "201-500" read as 201: midmarket
    'assigned bob', // Canada, "10k": enterprise.na
    'exception exceptions employees="lots" (not a number)', // Japan, smb, on a Saturday
  ]);
  expect(r.times[0]).toBe('2026-11-17T15:30:00.000Z');
});

test('Zoho CRM: No. of Employees, Österreich, Created Time as Zoho writes it', async () => {
  const r = await route('zoho-leads.csv', 'Created Time');
  expect(r.outcomes).toEqual([
    'assigned dieter', // Österreich, "2,500": enterprise.emea
    'assigned frank employees="1.000" (ambiguous number)', // DE, blank employees: smb, in hours
    'queued partners', // Lead Source "Partner"
    'exception exceptions', // Brasil, "51-200": smb, 19:30 in New York
  ]);
  expect(r.times).toEqual(['2026-11-18T14:15:00.000Z', '2026-11-18T14:20:00.000Z', '2026-11-18T14:30:00.000Z', '2026-11-19T00:30:00.000Z']);
});

test('--map names a column for one run; a field the policy does not declare is a usage error', async () => {
  // Zoho's Lead Source read as the country, in place of Country: no lead has a country it can
  // read, each says so, and all are apac.
  const mapped = await runCli(['route', POLICY, join(DIR, 'zoho-leads.csv'), '--map', 'country=Lead Source', '--now', '2026-11-18T15:00:00Z']);
  expect(mapped.code).toBe(0);
  expect(outcomes(mapped.stdout)).toEqual([
    'assigned zoe country="Web Download" (unknown country)',
    'assigned frank country="Web Research" (unknown country) employees="1.000" (ambiguous number)',
    'queued partners country="Partner" (unknown country)',
    'assigned frank country="Trade Show" (unknown country)',
  ]);

  const r = await runCli(['route', POLICY, join(DIR, 'zoho-leads.csv'), '--map', 'territory=Country']);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain('--map: territory is not a declared field');
});
