// `npm run n8n`: a local n8n 2.41.1 with leadroute installed the way users install community
// packages, for trying the nodes in a minute. The n8n user folder is kept in .e2e/n8n/user, so
// the owner account, workflows, executions and routing state survive a restart; every start
// packs and reinstalls leadroute from the working tree (so code changes show up), and the first
// start imports and publishes the example workflows. `--fresh` starts over with a new folder.
// Ctrl-C (SIGINT), SIGTERM or SIGHUP stops n8n with its whole process group.
//
// Usage: npm run n8n [-- --fresh] [-- --port 5678] [-- --folder DIR]
//   --folder DIR  keep the n8n user folder (DIR/user) and the packed tarball there (default .e2e/n8n)

import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildAndPack, installCommunityPackage } from './community-package.ts';
import { ensureN8nInstalled, pinnedN8nVersion } from './install.ts';
import { importWorkflows, n8nHome, publishWorkflow, startN8n, waitUntilReady, type N8nServer } from './n8n.ts';
import { exampleWorkflows, stageExampleWorkflows } from './prepare.ts';
import { freePort, isPortFree, requireNode24 } from './processes.ts';
import { webhookPath, type WorkflowJson } from './workflows.ts';

const DEFAULT_PORT = 5678;
// n8n prints this (at log level info) once its published workflows' webhooks are registered.
// Waiting for it probes nothing: probing a webhook before it is registered makes n8n log a stack trace.
const READY_LINE = 'Editor is now accessible via';
// A first start on a loaded 2-core machine migrates the database and loads every node for minutes.
const READY_TIMEOUT_MS = 15 * 60_000;

async function choosePort(requested: string | undefined): Promise<number> {
  if (requested !== undefined) {
    const port = Number(requested);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a port number; got ${requested}`);
    if (!(await isPortFree(port))) throw new Error(`port ${port} is in use`);
    return port;
  }
  return (await isPortFree(DEFAULT_PORT)) ? DEFAULT_PORT : freePort();
}

async function main(): Promise<void> {
  requireNode24();
  const { values } = parseArgs({ options: { fresh: { type: 'boolean', default: false }, port: { type: 'string' }, folder: { type: 'string' } } });
  const repoRoot = resolve(import.meta.dirname, '..');
  const e2eDir = join(repoRoot, 'e2e');
  const stateDir = resolve(values.folder ?? join(repoRoot, '.e2e', 'n8n'));
  const userFolder = join(stateDir, 'user');

  await ensureN8nInstalled(e2eDir);
  console.log('leadroute: building and packing the node pack ...');
  const packed = await buildAndPack(repoRoot, join(stateDir, 'pack'));

  if (values.fresh) rmSync(userFolder, { recursive: true, force: true });
  const firstStart = !existsSync(join(userFolder, '.n8n', 'database.sqlite'));
  const home = await n8nHome({ e2eDir, userFolder, port: await choosePort(values.port) });
  home.env.N8N_LOG_LEVEL = 'info';
  await installCommunityPackage(userFolder, packed);
  console.log(`leadroute: installed ${packed.name}@${packed.version} as a community package in ${userFolder}/.n8n/nodes`);

  const examples = exampleWorkflows(repoRoot).map((example) => example.workflow);
  if (firstStart && examples.length > 0) {
    console.log('leadroute: importing and publishing the example workflows ...');
    const importFolder = join(stateDir, 'import');
    rmSync(importFolder, { recursive: true, force: true });
    stageExampleWorkflows(repoRoot, importFolder);
    await importWorkflows(home, importFolder);
    for (const example of examples) await publishWorkflow(home, example.id);
  }

  const server = startN8n(home, true);
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\nleadroute: ${signal}: stopping n8n ...`);
    void server.stop().then(() => process.exit(0));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
  void server.exited.then((code) => {
    if (!stopping) {
      console.error(`leadroute: n8n exited by itself (code ${String(code)})`);
      process.exit(code === 0 ? 1 : (code ?? 1));
    }
  });

  try {
    await waitUntilReady(server, async () => server.output().includes(READY_LINE), READY_TIMEOUT_MS);
  } catch (error) {
    stopping = true;
    await server.stop();
    throw error;
  }
  printWelcome(server, pinnedN8nVersion(e2eDir), examples, firstStart);
}

function printWelcome(server: N8nServer, n8nVersion: string, examples: WorkflowJson[], firstStart: boolean): void {
  const { baseUrl, userFolder } = server.home;
  const lines = [
    '',
    `leadroute: n8n ${n8nVersion} with the leadroute nodes is running at ${baseUrl}/ (process group ${server.pid})`,
    firstStart ? '  First visit: create the owner account (it stays in this folder).' : '  Sign in with the owner account you created earlier.',
    `  n8n user folder: ${userFolder} (npm run n8n -- --fresh starts over)`,
  ];
  for (const example of examples) {
    const path = webhookPath(example);
    lines.push(`  Example "${example.name}": ${baseUrl}/workflow/${example.id}`);
    // Always printed: a workflow published earlier answers; one you unpublished answers 404.
    if (path !== null) {
      lines.push(`    try: curl -s -X POST ${baseUrl}/webhook/${path} -H 'content-type: application/json' -d '{"email":"ada@bigcorp.example","type":"demo","employees":1500}'`);
    }
  }
  lines.push('  Ctrl-C stops n8n.', '');
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
  console.error(`leadroute: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
