// Runs the leadroute CLI in-process with captured streams, and gives the command tests a
// temporary folder for their input files.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../cli/program';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `env`: the environment the command sees (default process.env). */
export async function runCli(argv: string[], stdin = '', env?: Record<string, string>): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const code = await main(argv, { stdin: Readable.from([stdin]), stdout, stderr, stderrIsTTY: false, env });
  // Let the captured streams deliver their last chunks.
  await new Promise((r) => setImmediate(r));
  return { code, stdout: out.join(''), stderr: err.join('') };
}

export interface ScratchFolder {
  /** A path inside the folder (the folder itself without a name). */
  path(name?: string): string;
  /** Writes a file into the folder; gives its path. */
  file(name: string, text: string): string;
}

/** A temporary folder made before the test file's tests and removed after them. */
export function scratchFolder(prefix: string): ScratchFolder {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const path = (name = ''): string => join(dir, name);
  return {
    path,
    file(name, text) {
      writeFileSync(path(name), text);
      return path(name);
    },
  };
}
