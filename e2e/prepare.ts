// What every end-to-end test file starts from: a fresh n8n user folder in a temporary folder,
// leadroute installed there as a community package from the tarball that the global setup
// packed, the example workflows and the test's own workflows imported, some published.
// E2E_KEEP=1 keeps the folders (their path is printed) to look at after a failure.

import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { installCommunityPackage, type PackedPackage } from './community-package.ts';
import { importCredentials, importWorkflows, n8nHome, publishWorkflow, type N8nHome } from './n8n.ts';
import { freePort } from './processes.ts';
import type { WorkflowJson } from './workflows.ts';

/** Where the global setup leaves the packed tarball's description for the test files. */
export function packedRecordFile(repoRoot: string): string {
  return join(repoRoot, '.e2e', 'pack', 'packed.json');
}

export function readPackedRecord(repoRoot: string): PackedPackage {
  const file = packedRecordFile(repoRoot);
  if (!existsSync(file)) throw new Error(`${file} is missing: run the end-to-end tests with npm run test:e2e (its global setup packs leadroute)`);
  return JSON.parse(readFileSync(file, 'utf8')) as PackedPackage;
}

export interface ExampleWorkflow {
  file: string;
  workflow: WorkflowJson;
}

/** The example workflows shipped in examples/workflows/, by file name. */
export function exampleWorkflows(repoRoot: string): ExampleWorkflow[] {
  const folder = join(repoRoot, 'examples', 'workflows');
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({ file: join(folder, name), workflow: JSON.parse(readFileSync(join(folder, name), 'utf8')) as WorkflowJson }));
}

/** The example workflow with this id, as it ships. */
export function readExampleWorkflow(repoRoot: string, id: string): WorkflowJson {
  const found = exampleWorkflows(repoRoot).find((example) => example.workflow.id === id);
  if (found === undefined) throw new Error(`no example workflow with id ${id} in examples/workflows/`);
  return found.workflow;
}

/** Copies the example workflows into `folder` for `n8n import:workflow --separate`. */
export function stageExampleWorkflows(repoRoot: string, folder: string): void {
  mkdirSync(folder, { recursive: true });
  for (const example of exampleWorkflows(repoRoot)) copyFileSync(example.file, join(folder, `example-${basename(example.file)}`));
}

export interface PreparedN8n {
  home: N8nHome;
  packed: PackedPackage;
  /** Removes the user folder (kept with E2E_KEEP=1). */
  cleanup(): void;
}

export interface PrepareOptions {
  repoRoot: string;
  /** The test's own workflows, imported with the examples. */
  workflows: WorkflowJson[];
  /** Ids to publish (their production webhooks answer once n8n starts). */
  publish?: string[];
  /** A short tag for the temporary folder's name. */
  tag: string;
  /** Settings for every n8n command on top of the headless ones (queue mode: its database). */
  env?: NodeJS.ProcessEnv;
  /** Credentials to import (`n8n import:credentials`, clear data in, encrypted in n8n's database). */
  credentials?: object[];
}

export async function prepareN8n(options: PrepareOptions): Promise<PreparedN8n> {
  const packed = readPackedRecord(options.repoRoot);
  const userFolder = join(tmpdir(), `leadroute-e2e-${options.tag}-${process.pid}-${Date.now()}`);
  const home = await n8nHome({ e2eDir: join(options.repoRoot, 'e2e'), userFolder, port: await freePort(), env: options.env });
  await installCommunityPackage(userFolder, packed);
  const importFolder = join(userFolder, 'import');
  stageExampleWorkflows(options.repoRoot, importFolder);
  for (const wf of options.workflows) writeFileSync(join(importFolder, `${wf.id}.json`), JSON.stringify(wf, null, 2));
  await importWorkflows(home, importFolder);
  if (options.credentials !== undefined) await importCredentials(home, options.credentials);
  for (const id of options.publish ?? []) await publishWorkflow(home, id);
  return {
    home,
    packed,
    cleanup(): void {
      if (process.env.E2E_KEEP === '1') console.log(`e2e: kept n8n user folder ${userFolder}`);
      else rmSync(userFolder, { recursive: true, force: true });
    },
  };
}
