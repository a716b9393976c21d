// Issue 11, item 8: the smaller ones. Clocks outside what a Date holds and impossible offsets are
// usage errors, not a RangeError with no lead out; --until says it is --until; both evaluators
// give a policy the same hash; the state command takes the Redis password from the environment.
import { compilePolicy } from '../../compiler/compile';
import { runCli, scratchFolder } from '../cli/run-cli';

const scratch = scratchFolder('leadroute-smaller-');
const POLICY = 'policy "small"\npool team = [ana, ben]\nelse round_robin(team) sla 1w\nfallback queue exceptions\n';

test.each(['+275760-09-13T00:00:00.000Z', '275760-09-12T00:00:00Z', '2026-01-01T00:00:00-25:00', '2026-01-01T00:00:00+24:00'])('--now %s is a usage error naming it', async (now) => {
  const r = await runCli(['route', scratch.file('p.route', POLICY), scratch.file('l.jsonl', '{"email":"a@x.com"}\n'), '--now', now]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`invalid --now '${now}'`);
});

test('--now near the end of the Date range still routes, with a deadline past year 9999', async () => {
  const r = await runCli(['route', scratch.file('p.route', POLICY), scratch.file('l.jsonl', '{"email":"a@x.com"}\n'), '--now', '9999-12-31T23:59:59Z']);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ routing: { sla: { due: '+010000-01-07T23:59:59.000Z' } } });
});

test('state away --until garbage names --until', async () => {
  const r = await runCli(['state', 'away', 'bob', '--until', 'garbage', '--state', `sqlite:${scratch.path('s.db')}`]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("invalid --until 'garbage'");
  expect(r.stderr).not.toContain('--now');
});

test('routing.policy.hash is the same for both evaluators of the same text', () => {
  const codegen = compilePolicy(POLICY, { evaluator: 'codegen' });
  const reference = compilePolicy(POLICY, { evaluator: 'reference' });
  expect(reference).not.toBe(codegen);
  expect(reference.hash).toBe(codegen.hash);
  expect(reference.decide({}, { now: 0 }).policy).toEqual(codegen.decide({}, { now: 0 }).policy);
});

test('state --state-password-env: the password from the environment, never shown', async () => {
  const r = await runCli(['state', 'show', 'small', '--state', 'redis://router@127.0.0.1:1?timeout=100', '--state-password-env', 'LR_UNSET_FOR_TEST']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('--state-password-env: the environment variable LR_UNSET_FOR_TEST is not set');
});
