// `leadroute normalize` in-process: JSON Lines out in input order, the summary on stderr, the
// option files, and failures with the right exit codes.

import { join } from 'node:path';
import { runCli, scratchFolder } from '../cli/run-cli';

const ROOT = join(__dirname, '../..');
const POLICY = join(ROOT, 'examples/acme-inbound.route');

const scratch = scratchFolder('leadroute-normalize-');

const file = scratch.file;

const lines = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('leadroute normalize', () => {
  test('examples/leads.csv with the acme policy: one cleaned line per lead, the summary on stderr', async () => {
    const r = await runCli(['normalize', join(ROOT, 'examples/leads.csv'), '--policy', POLICY, '--now', '2026-11-23T15:00:00Z']);
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out).toHaveLength(600);
    expect(out[0]).toMatchObject({ email: 'rahul.gupta2561@rediffmail.com', employees: 875, type: 'demo', email_freemail: true, original: { employees: '875', type: 'DEMO' }, normalization: { status: 'clean' } });
    expect(out.every((l) => typeof l.employees !== 'string' || l.employees === '')).toBe(true);
    expect(r.stderr).toMatch(/^leadroute normalize: .*leads\.csv: 600 leads, \d+ clean, \d+ need review; \d+ had values changed\nchanged, by field:\n {2}employees +\d+\n/);
    expect(r.stderr).toContain('added, by field:\n  email_domain      600\n');
    expect(r.stderr).toContain('warnings (lead stays clean), by reason:\n  phone: invalid_phone');
    expect(r.stderr).toMatch(/duplicates, by key:\n {2}email +\d+/);
  });

  test('JSON Lines: unreadable lines still get an output line, for review; duplicates within the run are flagged', async () => {
    const leads = file('leads.jsonl', ['{"email": "a@x.com", "country": "Holland"}', '{not json', '[1]', '{"email": " A@X.com "}'].join('\n'));
    const r = await runCli(['normalize', leads, '--now', '2026-11-23T15:00:00Z']);
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out.map((l) => (l.normalization as { status: string }).status)).toEqual(['clean', 'review', 'review', 'clean']);
    expect(out[0]).toMatchObject({ country: 'NL', original: { country: 'Holland' } });
    expect((out[1].normalization as { problems: { problem: string; message: string }[] }).problems[0]).toMatchObject({ problem: 'unreadable', message: expect.stringContaining('invalid JSON on line 2') });
    expect(out[3].duplicate).toEqual({ key: 'email', at: '2026-11-23T15:00:00.000Z', assignee: null });
    expect(r.stderr).toContain('need review, by reason:\n  (lead): unreadable  2');
  });

  test('--accounts, --synonyms and --ranges', async () => {
    const accounts = file('accounts.json', JSON.stringify({ records: [{ Id: 'SF-1', Name: 'Globex', Website: 'globex.com', Type: 'customer', OwnerId: 'owen.hughes@acme.com' }] }));
    const synonyms = file('synonyms.json', JSON.stringify({ source: { paid_search: ['PPC'] } }));
    const leads = file('one.json', JSON.stringify([{ email: 'cto@globex.com', source: 'ppc', employees: '51-200' }]));
    const r = await runCli(['normalize', leads, '--policy', POLICY, '--accounts', accounts, '--synonyms', synonyms, '--ranges', 'high']);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)[0]).toMatchObject({ source: 'paid_search', employees: 200, account: { id: 'SF-1', status: 'customer', owner: 'owen.hughes@acme.com', match: 'email_domain' } });
  });

  test('usage errors exit 2; files that cannot be used exit 1 with what is wrong', async () => {
    const leads = file('l.jsonl', '{}\n');
    expect((await runCli(['normalize'])).code).toBe(2);
    expect((await runCli(['normalize', leads, '--ranges', 'median'])).stderr).toContain('--ranges median: use low, mid, high');
    expect((await runCli(['normalize', leads, '--window', 'soon'])).code).toBe(2);
    expect((await runCli(['normalize', scratch.path('missing.csv')])).code).toBe(2);
    const badPolicy = await runCli(['normalize', leads, '--policy', file('bad.route', 'fields {\n  a: nope\n}\n')]);
    expect([badPolicy.code, badPolicy.stderr]).toEqual([1, expect.stringContaining('bad.route:2:6: error: unknown type `nope`')]);
    const badSynonyms = await runCli(['normalize', leads, '--synonyms', file('s.json', '{"source": {"a": ["x"], "b": ["X"]}}')]);
    expect([badSynonyms.code, badSynonyms.stderr]).toEqual([1, expect.stringContaining('"X" is given for both "a" and "b"')]);
    const badAccounts = await runCli(['normalize', leads, '--accounts', file('a.json', '{"items": []}')]);
    expect([badAccounts.code, badAccounts.stderr]).toEqual([1, expect.stringContaining('expected a JSON array of accounts')]);
    const help = await runCli(['normalize', '--help']);
    expect([help.code, help.stdout]).toEqual([0, expect.stringContaining('Usage: leadroute normalize LEADS [options]')]);
  });
});
