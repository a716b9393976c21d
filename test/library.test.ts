// The README's "Use it as a library" example runs as written against the package's entry, and
// prints what its comments say.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import ts from 'typescript';
import * as library from '../index';

const readme = readFileSync(resolve(__dirname, '../README.md'), 'utf8');

function librarySection(): string {
  const section = readme.slice(readme.indexOf('## Use it as a library'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (match === null) throw new Error('README: no ts block under "Use it as a library"');
  return match[1];
}

test('the README example runs and prints what its comments say', async () => {
  const example = librarySection();
  const expected = [...example.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]);
  expect(expected).toHaveLength(2);

  // Top-level await as a reader would run it (an ES module): here the imports stay on top and the rest runs in an async function.
  const imports = example.split('\n').filter((line) => line.startsWith('import '));
  const body = example.split('\n').filter((line) => !line.startsWith('import '));
  const { outputText } = ts.transpileModule(`${imports.join('\n')}\nexport default (async () => {\n${body.join('\n')}\n});`, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2023 } });
  const printed: string[] = [];
  const fakeConsole = { log: (...args: unknown[]) => printed.push(format(...args)) }; // as console.log writes it
  const requireFor = (name: string): unknown => {
    if (name !== 'n8n-nodes-leadroute') throw new Error(`the example imports ${name}`);
    return library;
  };
  const module = { exports: {} as { default?: () => Promise<void> } };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- runs the README's own text, in a test
  new Function('require', 'module', 'exports', 'console', outputText)(requireFor, module, module.exports, fakeConsole);

  const dir = mkdtempSync(join(tmpdir(), 'leadroute-readme-'));
  const cwd = process.cwd();
  process.chdir(dir); // the example's SQLite file lands here
  try {
    await module.exports.default?.();
  } finally {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  }
  expect(printed).toEqual(expected);
});

test('the entry exports the front door and no internals', () => {
  for (const name of ['compilePolicy', 'checkPolicySource', 'route', 'routeMany', 'openStore', 'escalate', 'normalizeLead', 'slaDeadline', 'MemoryStore', 'SqliteStore', 'RedisStore', 'StateStoreError', 'PolicyError', 'reportFigures', 'simulatePolicy', 'simulatePage', 'auditExport', 'diffPolicies', 'destinationOf', 'readLedger', 'recordOutcome', 'takeFromQueue', 'openItems', 'pruneLedger']) {
    expect(typeof (library as Record<string, unknown>)[name]).toBe('function');
  }
  for (const name of ['assign', 'assignMany', 'choosePoolMember', 'NO_ROTATION', 'countIn', 'ASSIGN_BATCH', 'createDecider', 'isoUtc', 'openWrite', 'decisionEntry']) {
    expect(library).not.toHaveProperty(name);
  }
});
