// Child processes for the concurrency tests. Jest compiles TypeScript only inside its own
// process, and Node's type stripping cannot load this project (extensionless imports, parameter
// properties), so the worker and the project files it imports are transpiled here, once per test
// file, to plain CommonJS in a temporary folder with the project's node_modules linked into it,
// and forked from there. A module the code runs on a thread of its own (an .mts file, imported
// for its types as .mjs) is copied as it is, for Node to strip its types.

import { fork, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '../../..');

function sourceOf(specifier: string, from: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = resolve(dirname(from), specifier);
  if (base.endsWith('.mjs') && existsSync(base.replace(/\.mjs$/, '.mts'))) return base.replace(/\.mjs$/, '.mts');
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) if (existsSync(candidate)) return candidate;
  throw new Error(`${relative(ROOT, from)}: cannot find ${specifier}`);
}

/** Transpiles `entry` and every project file it reaches; gives the folder and the entry's .js path. */
export function buildWorker(entry: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'leadroute-worker-'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const pending = [resolve(entry)];
  const done = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (done.has(file)) continue;
    done.add(file);
    const out = join(dir, relative(ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    if (file.endsWith('.mts')) {
      copyFileSync(file, out);
      continue;
    }
    const source = readFileSync(file, 'utf8');
    for (const imported of ts.preProcessFile(source, true, true).importedFiles) {
      const next = sourceOf(imported.fileName, file);
      if (next !== null) pending.push(next);
    }
    const { outputText } = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2023, esModuleInterop: true },
    });
    writeFileSync(out, outputText);
  }
  return { dir, file: join(dir, relative(ROOT, resolve(entry))).replace(/\.ts$/, '.js') };
}

export function removeWorker(built: { dir: string }): void {
  rmSync(built.dir, { recursive: true, force: true });
}

/** Forks the built worker (its folder links the project's node_modules) with an IPC channel. */
export function forkWorker(file: string, config: unknown): ChildProcess {
  return fork(file, [JSON.stringify(config)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** The worker's messages until it exits; rejects when it exits with an error. */
export function collect<M>(child: ChildProcess, onMessage?: (message: M) => void): Promise<M[]> {
  const messages: M[] = [];
  return new Promise((resolvePromise, reject) => {
    child.on('message', (message: M) => {
      messages.push(message);
      onMessage?.(message);
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolvePromise(messages);
      else reject(new Error(`worker exited with ${code ?? signal}`));
    });
  });
}
