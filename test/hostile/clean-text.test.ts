// Issue 11, item 6: control characters in anything echoed to a terminal are shown escaped, so a
// policy, a lead or a member's name cannot clear the screen, move the cursor or rewrite a line.
import { escapeControls } from '../../core/terminal';
import { runCli, scratchFolder } from '../cli/run-cli';

const scratch = scratchFolder('leadroute-clean-text-');
const NOW = '2026-11-23T15:00:00Z';
const CLEAR = '\u001b[2J';
// eslint-disable-next-line no-control-regex -- what must not appear
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

test('escapeControls: C0 (but tab and new line), DEL, C1 and bidirectional overrides as \\uXXXX', () => {
  expect(escapeControls(`a${CLEAR}b\tc\nd\u007f\u009b\u202e`)).toBe('a\\u001b[2Jb\tc\nd\\u007f\\u009b\\u202e');
});

test("check: the source excerpt and the message show the policy's control characters escaped", async () => {
  const policy = scratch.file('bad.route', `policy "x"\nwhen a = 1 route queue q ${CLEAR}\u009b\nfallback queue f\n`);
  const r = await runCli(['check', policy]);
  expect(r.code).toBe(1);
  expect(r.stderr).not.toMatch(RAW_CONTROL);
  expect(r.stderr).toContain('2 | when a = 1 route queue q \\u001b[2J\\u009b');
});

test("route: the invalid-JSON message, --summary, and state show escape what leads and names hold", async () => {
  const policy = scratch.file('p.route', `policy "esc"\npool team = ["${'\\u001b'}[2Jx"]\nelse round_robin(team)\nfallback queue f\n`);
  const leads = scratch.file('l.jsonl', `{"email":"a@x.com"}\n{"a":"${CLEAR}\n`);
  const db = scratch.path('esc.db');
  const routed = await runCli(['route', policy, leads, '--now', NOW, '--state', `sqlite:${db}`, '--summary']);
  expect(routed.code).toBe(0);
  expect(routed.stderr).toContain('invalid JSON on line 2');
  expect(routed.stdout + routed.stderr).not.toMatch(RAW_CONTROL);
  expect(routed.stdout).toContain('\\u001b[2Jx');
  const shown = await runCli(['state', 'show', 'esc', '--state', `sqlite:${db}`, '--now', NOW]);
  expect(shown.code).toBe(0);
  expect(shown.stdout).not.toMatch(RAW_CONTROL);
  expect(shown.stdout).toContain('\\u001b[2Jx');
});
