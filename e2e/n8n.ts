// A real n8n, driven the way a self-hosting user drives it: its command line for importing,
// publishing and executing workflows, `n8n start` for the server, in a user folder of its own.
// Facts this relies on (n8n 2.41.1, see shared/N8N-NOTES.md): `n8n execute` prints the run
// through n8n's logger at level info; a published workflow's production webhooks answer a few
// seconds after /healthz does; each command line run binds the task-runner broker port, so every
// instance gets its own free one.

import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { n8nEntry } from './install.ts';
import { freePort, nodeEnv, run, type RunResult } from './processes.ts';

/** Where one n8n keeps its state, and how to reach it. */
export interface N8nHome {
  e2eDir: string;
  /** N8N_USER_FOLDER: n8n keeps its database, settings and community packages in `<userFolder>/.n8n`. */
  userFolder: string;
  port: number;
  baseUrl: string;
  env: NodeJS.ProcessEnv;
}

export interface N8nHomeOptions {
  e2eDir: string;
  userFolder: string;
  port: number;
  /** Settings on top of the headless ones (queue mode, its database, a worker's ports). */
  env?: NodeJS.ProcessEnv;
}

/** The settings for a headless n8n on the loopback interface that calls nothing outside. */
export async function n8nHome(options: N8nHomeOptions): Promise<N8nHome> {
  mkdirSync(options.userFolder, { recursive: true });
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const env = nodeEnv({
    N8N_USER_FOLDER: options.userFolder,
    N8N_PORT: String(options.port),
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_HOST: '127.0.0.1',
    N8N_PROTOCOL: 'http',
    // Resume URLs ($execution.resumeUrl) and webhook URLs are built from this.
    N8N_WEBHOOK_URL: `${baseUrl}/`,
    N8N_EDITOR_BASE_URL: `${baseUrl}/`,
    // Plain http on the loopback interface: the login cookie cannot be Secure.
    N8N_SECURE_COOKIE: 'false',
    N8N_RUNNERS_BROKER_PORT: String(await freePort()),
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_HIRING_BANNER_ENABLED: 'false',
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
    N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
    N8N_LOG_LEVEL: 'warn',
    ...options.env,
  });
  // Jest sets NODE_ENV=test, under which n8n's logger prints nothing (not even `execute`'s result).
  delete env.NODE_ENV;
  return { e2eDir: options.e2eDir, userFolder: options.userFolder, port: options.port, baseUrl, env };
}

/** Runs one n8n command (`import:workflow`, `publish:workflow`, `execute` ...) to its end. */
export function n8nCommand(home: N8nHome, args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return run(process.execPath, [n8nEntry(home.e2eDir), ...args], { cwd: home.userFolder, env: { ...home.env, ...env }, timeoutMs: 180_000 });
}

async function n8nCommandOk(home: N8nHome, args: string[]): Promise<void> {
  const result = await n8nCommand(home, args);
  if (result.code !== 0) throw new Error(`n8n ${args.join(' ')} exited with ${result.code}:\n${result.stdout}\n${result.stderr}`);
}

/** Imports every `*.json` workflow of a folder (each with an `id` of at most 21 characters). */
export async function importWorkflows(home: N8nHome, folder: string): Promise<void> {
  await n8nCommandOk(home, ['import:workflow', '--separate', `--input=${folder}`]);
}

/** Imports credentials given in clear (n8n encrypts them with N8N_ENCRYPTION_KEY into its database). */
export async function importCredentials(home: N8nHome, credentials: object[]): Promise<void> {
  const file = join(home.userFolder, 'credentials-import.json');
  writeFileSync(file, JSON.stringify(credentials));
  try {
    await n8nCommandOk(home, ['import:credentials', `--input=${file}`]);
  } finally {
    rmSync(file, { force: true });
  }
}

/** Publishes (activates) a workflow so its production webhooks answer; n8n must be stopped. */
export async function publishWorkflow(home: N8nHome, id: string): Promise<void> {
  await n8nCommandOk(home, ['publish:workflow', `--id=${id}`]);
}

/** The run of one node as n8n records it: the items of each output. */
export interface NodeRun {
  /** Milliseconds the node itself took, as n8n measured it. */
  executionTime?: number;
  data?: { main?: (Array<{ json: Record<string, unknown> }> | null)[] };
  error?: { message?: string };
}

/** What `n8n execute` reports (IRun), the parts read here. */
export interface ExecutionRun {
  data: { resultData: { runData: Record<string, NodeRun[]> } };
}

const SUCCESS_LINE = 'Execution was successful:';

/** The JSON that `n8n execute` prints after its success line (and a ruler of `=`). */
export function parseExecuteOutput(stdout: string): ExecutionRun {
  const at = stdout.indexOf(SUCCESS_LINE);
  if (at < 0) throw new Error(`n8n execute printed no "${SUCCESS_LINE}" line:\n${stdout.slice(-4000)}`);
  const rest = stdout.slice(at + SUCCESS_LINE.length);
  const start = rest.indexOf('{');
  const end = rest.lastIndexOf('}');
  if (start < 0 || end < start) throw new Error(`no JSON after "${SUCCESS_LINE}":\n${rest.slice(0, 2000)}`);
  return JSON.parse(rest.slice(start, end + 1)) as ExecutionRun;
}

/** Runs a workflow that starts with a Manual Trigger through `n8n execute --id` and returns its run. */
export async function executeWorkflow(home: N8nHome, id: string): Promise<ExecutionRun> {
  // The result goes through n8n's logger at level info: at warn the command prints nothing.
  const result = await n8nCommand(home, ['execute', `--id=${id}`], { N8N_LOG_LEVEL: 'info' });
  if (result.code !== 0 || !result.stdout.includes(SUCCESS_LINE)) {
    throw new Error(`n8n execute --id=${id} failed (exit ${result.code}):\n${result.stdout.slice(-6000)}\n${result.stderr.slice(-3000)}`);
  }
  return parseExecuteOutput(result.stdout);
}

/** The items (their JSON) that a node sent to each of its outputs in one of its runs (a node in a loop runs again). */
export function outputItems(run: Pick<ExecutionRun, 'data'>, nodeName: string, runIndex = 0): Array<Array<Record<string, unknown>>> {
  const nodeRuns = run.data.resultData.runData[nodeName] ?? [];
  const nodeRun = nodeRuns[runIndex];
  if (nodeRun === undefined) throw new Error(`node "${nodeName}" has ${nodeRuns.length} runs, not ${runIndex + 1}; nodes run: ${Object.keys(run.data.resultData.runData).join(', ')}`);
  if (nodeRun.error !== undefined) throw new Error(`node "${nodeName}" failed: ${nodeRun.error.message ?? JSON.stringify(nodeRun.error)}`);
  return (nodeRun.data?.main ?? []).map((items) => (items ?? []).map((item) => item.json));
}

/** Whether the production webhook at `path` is registered (n8n answers its CORS preflight), without running its workflow. */
export async function webhookRegistered(baseUrl: string, path: string): Promise<boolean> {
  const response = await fetch(`${baseUrl}/webhook/${path}`, { method: 'OPTIONS', headers: { origin: baseUrl, 'access-control-request-method': 'POST' } });
  await response.arrayBuffer();
  return response.status >= 200 && response.status < 300;
}

/** A started `n8n start`, in a process group of its own (n8n starts task-runner children). */
export interface N8nServer {
  home: N8nHome;
  /** The n8n process, leader of its process group. */
  pid: number;
  /** All it printed so far (for failure messages). */
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  /** SIGTERM to the whole group, SIGKILL after STOP_GRACE_MS; resolves when it has exited. */
  stop(): Promise<void>;
}

/** How long n8n may take to shut down (N8N_GRACEFUL_SHUTDOWN_TIMEOUT is 10 s) before it is killed. */
const STOP_GRACE_MS = 15_000;

/** Starts `n8n start` (or, in queue mode, `n8n worker`); `echo` copies its output to ours (the launcher). */
export function startN8n(home: N8nHome, echo = false, command: 'start' | 'worker' = 'start'): N8nServer {
  const child = spawn(process.execPath, [n8nEntry(home.e2eDir), command], {
    cwd: home.userFolder,
    env: home.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${n8nEntry(home.e2eDir)}`);
  const pid = child.pid;
  let printed = '';
  const collect = (chunk: Buffer, to: NodeJS.WriteStream): void => {
    printed = (printed + chunk.toString('utf8')).slice(-200_000);
    if (echo) to.write(chunk);
  };
  child.stdout?.on('data', (chunk: Buffer) => collect(chunk, process.stdout));
  child.stderr?.on('data', (chunk: Buffer) => collect(chunk, process.stderr));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const signalGroup = (signal: NodeJS.Signals): void => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  return {
    home,
    pid,
    output: () => printed,
    exited,
    async stop(): Promise<void> {
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
      // Task runners may outlive the main process by a moment: take the group down.
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Nothing left.
      }
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until `ready()` holds, polling every half second; fails early when n8n exits, and after
 * `timeoutMs`. Production webhooks answer a few seconds after /healthz, so callers poll the
 * webhook itself.
 */
export async function waitUntilReady(server: N8nServer, ready: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void server.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`n8n exited (code ${String(exitCode)}) before it was ready:\n${server.output().slice(-6000)}`);
    try {
      if (await ready()) return;
    } catch {
      // Not listening yet.
    }
    await sleep(500);
  }
  throw new Error(`n8n was not ready after ${timeoutMs / 1000} s:\n${server.output().slice(-6000)}`);
}
