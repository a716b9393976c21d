// Imported first by the harness: n8n-core reads its folder settings when it first needs them,
// and must not write into ~/.n8n from a test run.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'leadroute-n8n-'));
process.env.N8N_ENCRYPTION_KEY ??= 'leadroute-node-tests';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
// n8n logs every node error it catches; the tests assert those errors themselves.
process.env.N8N_LOG_LEVEL = 'silent';
