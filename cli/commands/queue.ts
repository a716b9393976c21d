// `leadroute queue list|take`: the leads waiting in queues (queued, and exceptions in the
// fallback queue) as the ledger keeps them open, and taking one out by a person.

import { parseDuration } from '../../dsl/durations';
import { openItemJson, openItems, takeFromQueue, type OpenItem } from '../../state';
import { isoUtc } from '../../core/time';
import { duration } from '../../pages/report';
import { EXIT_OK, EXIT_USAGE, parseCommandArgs, parseNow, usageError, write, type CliIO } from '../io';
import { KEPT_STATE_HELP, KEPT_STATE_OPTIONS, keptStoreSpec, withKeptStore } from '../store';
import { alignRows } from '../summary';

export const QUEUE_HELP = `Usage: leadroute queue list --state STORE [--queue QUEUE] [--policy NAME] [--older-than DURATION] [--now ISO] [--json]
       leadroute queue take ID_OR_KEY --by NAME --state STORE [--at ISO]

The leads routed to a queue, and the exceptions in the fallback queue, wait in the ledger until
someone takes them.

  list    The waiting leads, oldest first: queue, routing id, key, status, how long they have
          waited, since when, policy and the exception's reason.
  take    Take a lead out of its queue: NAME has it from then on (a 'taken' event in the
          ledger). Of two people taking the same lead, one gets it and the other an error.
          ID_OR_KEY is its routing id or its key (the latest decision of that key).

Options:
${KEPT_STATE_HELP}  --queue QUEUE   list: only this queue.
  --policy NAME   list: only this policy's leads.
  --older-than DURATION
                  list: only leads that have waited this long or longer (30m, 4h, 2d).
  --now ISO       list: the clock the waits are measured at. Default: now.
  --json          list: print the leads as a JSON array (since as ISO 8601, waited_ms).
  --by NAME       take: who takes the lead. Required.
  --at ISO        take: when. Default: now.
  -h, --help      Show this help.

Exit status: 0 ok, 1 the lead is unknown or not waiting in a queue, or the store failed, 2 usage
errors.
`;

const ACTIONS = ['list', 'take'] as const;
type Action = (typeof ACTIONS)[number];

export async function queueCommand(argv: string[], io: CliIO): Promise<number> {
  const [action, ...rest] = argv;
  if (action === undefined || action === '--help' || action === '-h') {
    write(action === undefined ? io.stderr : io.stdout, QUEUE_HELP);
    return action === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (!(ACTIONS as readonly string[]).includes(action)) throw usageError('queue', `unknown action '${action}' (use ${ACTIONS.join(', ')})`);
  const command = `queue ${action}`;
  const { values, positionals, help } = parseCommandArgs(
    command,
    rest,
    {
      ...KEPT_STATE_OPTIONS,
      queue: { type: 'string' },
      policy: { type: 'string' },
      'older-than': { type: 'string' },
      now: { type: 'string' },
      json: { type: 'boolean' },
      by: { type: 'string' },
      at: { type: 'string' },
    },
    action === 'take' ? ['ID_OR_KEY'] : [],
  );
  if (help) {
    write(io.stdout, QUEUE_HELP);
    return EXIT_OK;
  }
  const allowed: Record<Action, string[]> = { list: ['queue', 'policy', 'older-than', 'now', 'json'], take: ['by', 'at'] };
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && !name.startsWith('state') && !allowed[action as Action].includes(name)) throw usageError(command, `--${name} does not apply to ${action}`);
  }
  if (action === 'take') {
    const by = values.by?.trim();
    if (by === undefined || by === '') throw usageError(command, '--by NAME is required: who takes the lead');
    const at = parseNow(command, values.at, '--at') ?? new Date();
    const spec = keptStoreSpec(command, values, io);
    const entry = await withKeptStore(command, spec, (store) => takeFromQueue(store, positionals[0], by, at.getTime()));
    const waited = (entry.data as { queue: string; waited_ms: number }).waited_ms;
    write(io.stdout, `${by} took ${entry.id}${entry.key === null ? '' : ` (${entry.key})`} from queue ${(entry.data as { queue: string }).queue} of policy ${entry.policy} at ${at.toISOString()}, after ${duration(waited)} waiting.`);
    return EXIT_OK;
  }
  const now = (parseNow(command, values.now) ?? new Date()).getTime();
  const age = values['older-than'] === undefined ? undefined : parseAge(command, values['older-than']);
  const spec = keptStoreSpec(command, values, io);
  const items = await withKeptStore(command, spec, (store) =>
    openItems(store, { queue: values.queue, policy: values.policy, waitingSince: age === undefined ? undefined : now - age }),
  );
  write(io.stdout, values.json === true ? JSON.stringify(items.map((item) => openItemJson(item, now)), null, 2) : listText(items, now));
  return EXIT_OK;
}

function parseAge(command: string, text: string): number {
  const parsed = parseDuration(text);
  if (!parsed.ok) throw usageError(command, `--older-than: ${parsed.message}`);
  return parsed.ms;
}

function listText(items: readonly OpenItem[], now: number): string {
  if (items.length === 0) return 'No lead is waiting in a queue.';
  const rows = items.map((i) => [i.queue, i.id, i.key ?? '-', i.status, duration(now - i.since), isoUtc(i.since), i.policy, i.reason ?? '']);
  const lines = [`${items.length} ${items.length === 1 ? 'lead waits' : 'leads wait'} in queues, oldest first (waits at ${isoUtc(now)}):`];
  lines.push(...alignRows([['QUEUE', 'ID', 'KEY', 'STATUS', 'WAITED', 'SINCE', 'POLICY', 'REASON'], ...rows]));
  return lines.join('\n');
}
