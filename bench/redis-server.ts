// A redis-server of our own for the tests and the benchmarks: Debian's binary, on a free loopback
// port, with its files in a temporary folder; never a server the machine already runs.

import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CANDIDATES = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'];
const START_TIMEOUT_MS = 10_000;

/** The redis-server binary, or null when this machine has none. */
export function redisServerPath(): string | null {
  for (const path of CANDIDATES) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // try the next
    }
  }
  return null;
}

/** A free TCP port on 127.0.0.1 (bound, read, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RedisServerOptions {
  /** Keep the data across stop() and start() (append-only file, written on shutdown). */
  persistent?: boolean;
  /** Require a password (and this user, through an ACL). */
  user?: { name: string; password: string };
}

export class RedisServer {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly binary: string,
    private readonly options: RedisServerOptions,
  ) {}

  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const binary = redisServerPath();
    if (binary === null) throw new Error(`no redis-server (looked at ${CANDIDATES.join(', ')}); install Debian's redis-server package`);
    const dir = mkdtempSync(join(tmpdir(), 'leadroute-redis-'));
    const server = new RedisServer(await freePort(), dir, binary, options);
    await server.start();
    return server;
  }

  /** Starts (again) on the same port and folder. */
  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--daemonize', 'no', '--logfile', ''];
    args.push('--appendonly', this.options.persistent === true ? 'yes' : 'no');
    if (this.options.user !== undefined) {
      const { name, password } = this.options.user;
      args.push('--user', 'default', 'off', '--user', name, 'on', `>${password}`, '~*', '&*', '+@all');
    }
    const child = spawn(this.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start on port ${this.port} within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          child.stdout?.off('data', onData);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code} on port ${this.port}:\n${output}`));
      });
    });
    // Keep reading, so a full pipe never blocks the server.
    child.stdout?.resume();
    child.stderr?.resume();
  }

  /** Shuts the server down (SIGTERM: it writes its append-only file first) and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.child === null) return;
    this.child.kill('SIGTERM');
    await this.exited;
    this.child = null;
  }

  /** Stops the server and removes its folder. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
