#!/usr/bin/env node
// The `leadroute` command (package.json "bin"). It checks the Node version before it loads the
// command line, whose dependencies fail on Node < 24 with errors that do not say why (Chevrotain
// calls Object.groupBy). So it imports only ./node-version, and old Node can run both.

import { unsupportedNodeMessage } from './node-version';

const unsupported = unsupportedNodeMessage(process.versions.node);
if (unsupported === undefined) {
  // A require, not an import, so that the command line is loaded only after the check.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./program') as typeof import('./program')).runFromProcess();
} else {
  process.stderr.write(`${unsupported}\n`);
  // The exit code of a failed run (cli/io.ts EXIT_FAILED, which this file cannot import).
  process.exitCode = 1;
}
