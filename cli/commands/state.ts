// `leadroute state show|reset|away|back`: the routing state in a SQLite file or a Redis server,
// for people: rotation order, last assignments, counts in the current cap periods, who is away;
// starting a policy's rotation afresh; marking people away and back.

import type { StateReport, StateStore } from '../../state';
import { markAway, markBack, readState, resetState } from '../../state';
import { EXIT_OK, EXIT_USAGE, parseCommandArgs, parseNow, usageError, write, type CliIO } from '../io';
import { loadPolicy } from '../policy';
import { alignRows } from '../summary';
import { KEPT_STATE_HELP, KEPT_STATE_OPTIONS, keptStoreSpec, withKeptStore } from '../store';

export const STATE_HELP = `Usage: leadroute state show POLICY --state STORE [--now ISO] [--json]
       leadroute state reset POLICY --state STORE [--pool POOL]
       leadroute state away MEMBER --state STORE [--until ISO] [--now ISO]
       leadroute state back MEMBER --state STORE

The routing state that 'route --state' and n8n's Route nodes keep: rotations, assignment counts,
away flags and sticky owners. Rotations and counts belong to a policy by its name, so editing a
policy's rules keeps them; away flags belong to a person, across policies.

  show    Each pool's rotation (who is next first), each member's last assignment and counts in
          the current cap periods, and who is away and until when.
  reset   Forget the policy's rotations, counts and sticky owners (with --pool, that pool's
          rotation only). Away flags stay: use 'back'.
  away    Mark a person away (skipped by every pool and sticky owner lookup) until --until, or
          until marked back.
  back    Clear a person's away flag.

POLICY is the policy's name (policy "acme-inbound") or a .route file, whose name is used.

Options:
${KEPT_STATE_HELP}  --now ISO       The clock: show counts the periods current then, away starts then. Default:
                  now.
  --json          show: print the report as JSON.
  --pool POOL     reset: only this pool's rotation.
  --until ISO     away: when the person is back by themselves.
  -h, --help      Show this help.

Exit status: 0 ok, 1 the store failed, 2 usage errors.
`;

const ACTIONS = ['show', 'reset', 'away', 'back'] as const;
type Action = (typeof ACTIONS)[number];

export async function stateCommand(argv: string[], io: CliIO): Promise<number> {
  const [action, ...rest] = argv;
  if (action === undefined || action === '--help' || action === '-h') {
    write(action === undefined ? io.stderr : io.stdout, STATE_HELP);
    return action === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (!(ACTIONS as readonly string[]).includes(action)) throw usageError('state', `unknown action '${action}' (use ${ACTIONS.join(', ')})`);
  const { values, positionals, help } = parseCommandArgs(
    `state ${action}`,
    rest,
    { ...KEPT_STATE_OPTIONS, now: { type: 'string' }, json: { type: 'boolean' }, pool: { type: 'string' }, until: { type: 'string' } },
    [action === 'show' || action === 'reset' ? 'POLICY' : 'MEMBER'],
  );
  if (help) {
    write(io.stdout, STATE_HELP);
    return EXIT_OK;
  }
  const command = `state ${action}`;
  const allowed: Record<Action, string[]> = { show: ['now', 'json'], reset: ['pool'], away: ['until', 'now'], back: [] };
  for (const name of ['now', 'json', 'pool', 'until']) {
    if ((values as Record<string, unknown>)[name] !== undefined && !allowed[action as Action].includes(name)) throw usageError(command, `--${name} does not apply to ${action}`);
  }
  const spec = keptStoreSpec(command, values, io);
  const now = parseNow(command, values.now) ?? new Date();
  const until = parseNow(command, values.until, '--until');
  const [subject] = positionals;
  if (until !== undefined && until.getTime() <= now.getTime()) throw usageError(command, `--until ${values.until} is not after --now`);
  const policy = action === 'show' || action === 'reset' ? await policyName(command, subject, io) : null;

  await withKeptStore(command, spec, async (store) => {
    switch (action as Action) {
      case 'show': {
        const report = await readState(store, policy as string, now.getTime());
        write(io.stdout, values.json === true ? JSON.stringify(report, null, 2) : formatReport(report, store, now));
        break;
      }
      case 'reset': {
        const deleted = await resetState(store, policy as string, values.pool);
        const what = values.pool === undefined ? `policy ${policy}` : `pool ${values.pool} of policy ${policy}`;
        write(io.stdout, `Reset ${what} in ${store.name}: ${deleted} ${deleted === 1 ? 'key' : 'keys'} deleted.`);
        break;
      }
      case 'away':
        await markAway(store, subject, until === undefined ? null : until.getTime(), now.getTime());
        write(io.stdout, `${subject} is away${until === undefined ? ' until marked back' : ` until ${until.toISOString()}`} (${store.name}).`);
        break;
      case 'back':
        await markBack(store, subject);
        write(io.stdout, `${subject} is back (${store.name}).`);
        break;
    }
  });
  return EXIT_OK;
}

/** A policy name, or the name in a .route file. */
async function policyName(command: string, subject: string, io: CliIO): Promise<string> {
  if (!subject.endsWith('.route')) return subject;
  return (await loadPolicy(command, subject, io)).name;
}

export function formatReport(report: StateReport, store: StateStore, now: Date): string {
  const lines = [`Routing state of policy ${report.policy} in ${store.name}, at ${now.toISOString()}`, ''];
  lines.push('Rotations (next first):');
  if (report.rotations.length === 0) lines.push('  none');
  else lines.push(...alignRows(report.rotations.map((r) => [r.pool, r.order.join(', '), `${r.seq} assigned`])));
  lines.push('', 'Members (last assignment; counts in the periods current now):');
  if (report.members.length === 0) lines.push('  none');
  else {
    const counts = (m: StateReport['members'][number]) =>
      m.counts.length === 0 ? 'no assignment in a current period' : m.counts.map((c) => `${c.count} this ${c.per} (${c.period} ${c.tz})`).join(', ');
    lines.push(...alignRows(report.members.map((m) => [m.member, m.lastAssigned, counts(m)])));
  }
  lines.push('', 'Away:');
  if (report.away.length === 0) lines.push('  nobody');
  else lines.push(...alignRows(report.away.map((a) => [a.member, `since ${a.since}`, a.until === null ? 'until marked back' : `until ${a.until}`])));
  return lines.join('\n');
}
