// Child processes and ports for the end-to-end harness: every command runs on the Node.js that
// runs us (the project's pinned Node 24, which n8n 2.x requires), with npm's own variables of
// the calling `npm run` removed so that an npm started in another folder reads that folder's
// configuration, not the root's.

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, delimiter } from 'node:path';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Also copy the child's output to ours as it comes (long installs). */
  echo?: boolean;
  /** Kill the child (SIGKILL) after this many ms. */
  timeoutMs?: number;
}

/** Fails unless this is Node.js 24 or later (n8n 2.x refuses older ones; `npm run` puts the project's Node 24 first on PATH). */
export function requireNode24(): void {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 24) throw new Error(`n8n 2.x needs Node.js 24; this is ${process.version}. Run through npm (npm run test:e2e, npm run n8n), which uses the project's Node 24.`);
}

/** The environment for child processes: ours, minus npm's per-run variables, with our Node first on PATH. */
export function nodeEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_(config|package|lifecycle)_/i.test(key)) env[key] = value;
  }
  env.PATH = [dirname(process.execPath), process.env.PATH ?? ''].join(delimiter);
  return { ...env, ...extra };
}

/** Runs a command to its end and returns its exit code and output. */
export function run(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      stdout.push(chunk);
      if (options.echo === true) process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr.push(chunk);
      if (options.echo === true) process.stderr.write(chunk);
    });
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal === null ? 1 : 128), stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
}

/** A TCP port on the loopback interface that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** Whether a TCP port on the loopback interface is free to listen on. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.on('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
