// `leadroute check POLICY`: compiles a policy and reports. Diagnostics go to stderr (errors and
// warnings alike), the one-line OK summary to stdout; exit 1 when there is an error.

import { EXIT_OK, parseCommandArgs, write, type CliIO } from '../io';
import { formatWarnings, loadPolicy } from '../policy';

export const CHECK_HELP = `Usage: leadroute check POLICY

Compiles a routing policy (a .route file; - reads standard input) and reports every problem
found: syntax errors, unknown fields, dimensions, pools and strategies, type errors, rules that
can never fire, pools no path reaches, invalid durations, caps, hours, time zones and regexes.

Each problem is printed to stderr as FILE:LINE:COL: error|warning: message, then the source
line, a caret under the spot, and a suggestion when one is close. On success a one-line
summary (policy name, rules, pools, dimensions) is printed to stdout.

Options:
  -h, --help   Show this help.

Exit status: 0 when the policy compiles (warnings may print), 1 when it has errors,
2 on a usage error (unknown option, unreadable file).
`;

export async function checkCommand(argv: string[], io: CliIO): Promise<number> {
  const { positionals, help } = parseCommandArgs('check', argv, {}, ['POLICY']);
  if (help) {
    write(io.stdout, CHECK_HELP);
    return EXIT_OK;
  }
  const file = positionals[0];
  const policy = await loadPolicy('check', file, io);
  const warnings = formatWarnings(policy, file);
  if (warnings !== '') write(io.stderr, `${warnings}\n`);
  const { ir } = policy;
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  const parts = [count(ir.rules.length, 'rule'), count(ir.pools.length, 'pool'), count(ir.dimensions.length, 'dimension')];
  if (policy.warnings.length > 0) parts.push(count(policy.warnings.length, 'warning'));
  write(io.stdout, `${file === '-' ? 'stdin' : file}: OK: policy ${ir.name}, ${parts.join(', ')}`);
  return EXIT_OK;
}
