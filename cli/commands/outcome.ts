// `leadroute outcome ID_OR_KEY EVENT`: records what happened to a routed lead after routing (a
// meeting booked, a deal won, a buyer's answer) in the ledger, against its routing id or its key.

import { entryJson, OFFER_ANSWERS, OUTCOMES, outcomeEventProblem, recordOutcome, type StateJson } from '../../state';
import { EXIT_OK, parseCommandArgs, parseNow, usageError, write, type CliIO } from '../io';
import { KEPT_STATE_HELP, KEPT_STATE_OPTIONS, keptStoreSpec, withKeptStore } from '../store';

export const OUTCOME_HELP = `Usage: leadroute outcome ID_OR_KEY EVENT --state STORE [options]

Records what happened to a routed lead after routing, in the ledger of the store that routed it:
EVENT is one of ${OUTCOMES.join(', ')}, 'worked', a buyer's answer to an
offer (${OFFER_ANSWERS.join(', ')}: accepted counts a sale toward the buyer's sold_cap,
returned takes it back; --by names the buyer), or a name of your own in lower-case letters,
digits and _, with a value if it has one. The lead is ID_OR_KEY: its
routing id (routing.id of its decision), or its key (the policy's declared key field, else its
email; the latest decision of that key), compared ignoring case and surrounding white space.

Options:
${KEPT_STATE_HELP}  --at ISO        When it happened (UTC unless it gives an offset). Default: now.
  --by NAME       Who did it (the rep, the CRM user).
  --value N       A number that goes with it: a deal's amount, a buyer's price.
  --data JSON     Anything else, as a JSON value: '{"crm":"deal-7"}'.
  --json          Print the entry recorded as JSON.
  -h, --help      Show this help.

Exit status: 0 recorded, 1 the ledger has no such lead or the store failed, 2 usage errors.
`;

const COMMAND = 'outcome';

export async function outcomeCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals, help } = parseCommandArgs(
    COMMAND,
    argv,
    { ...KEPT_STATE_OPTIONS, at: { type: 'string' }, by: { type: 'string' }, value: { type: 'string' }, data: { type: 'string' }, json: { type: 'boolean' } },
    ['ID_OR_KEY', 'EVENT'],
  );
  if (help) {
    write(io.stdout, OUTCOME_HELP);
    return EXIT_OK;
  }
  const [lead, event] = positionals;
  if (lead.trim() === '') throw usageError(COMMAND, 'ID_OR_KEY is empty: give a routing id or a lead key');
  const problem = outcomeEventProblem(event);
  if (problem !== null) throw usageError(COMMAND, `EVENT: ${problem} (e.g. ${OUTCOMES.slice(0, 3).join(', ')})`);
  const at = parseNow(COMMAND, values.at, '--at') ?? new Date();
  const value = values.value === undefined ? null : parseValue(values.value);
  const data = values.data === undefined ? null : parseData(values.data);
  const by = values.by?.trim() || null;
  const spec = keptStoreSpec(COMMAND, values, io);
  const entry = await withKeptStore(COMMAND, spec, (store) => recordOutcome(store, { lead, event, at: at.getTime(), by, value, data }));
  if (values.json === true) write(io.stdout, JSON.stringify(entryJson(entry)));
  else write(io.stdout, `Recorded ${entry.type} for ${entry.id}${entry.key === null ? '' : ` (${entry.key})`} of policy ${entry.policy} at ${at.toISOString()}.`);
  return EXIT_OK;
}

function parseValue(text: string): number {
  const value = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(value)) throw usageError(COMMAND, `--value '${text}' is not a number`);
  return value;
}

function parseData(text: string): StateJson {
  try {
    return JSON.parse(text) as StateJson;
  } catch (err) {
    throw usageError(COMMAND, `--data is not JSON: ${(err as Error).message}`);
  }
}
