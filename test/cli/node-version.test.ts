// The Node version gate of the `leadroute` command: the check itself, and the command's entry
// file compiled as the build compiles it and run by a real old Node, where one is installed.

import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, sep } from 'node:path';
import * as ts from 'typescript';
import { MIN_NODE_MAJOR, unsupportedNodeMessage } from '../../cli/node-version';

const ROOT = join(__dirname, '..', '..');

describe('unsupportedNodeMessage', () => {
  test.each(['20.20.2', '22.0.0', '23.11.1'])('Node %s is too old: one line naming it, Node.js 24 and how to get it', (version) => {
    const message = unsupportedNodeMessage(version);
    expect(message).toMatch(/^leadroute needs Node\.js 24 or later/);
    expect(message).not.toContain('\n');
    expect(message).toContain(`Node.js ${version}`);
    expect(message).toContain('install Node.js 24 LTS');
    expect(message).toContain('npx leadroute');
  });

  test.each(['24.0.0', '24.21.0', '25.1.0', '100.0.0'])('Node %s is new enough', (version) => {
    expect(unsupportedNodeMessage(version)).toBeUndefined();
  });

  test('checks the version package.json "engines" names', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(`>=${MIN_NODE_MAJOR}`);
  });
});

interface NodeBinary {
  path: string;
  version: string;
}

/** The first Node older than MIN_NODE_MAJOR on PATH outside node_modules, or in the usual system places. */
function findOldNode(): NodeBinary | undefined {
  const onPath = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '' && !dir.split(sep).includes('node_modules'))
    .map((dir) => join(dir, 'node'));
  for (const path of new Set([...onPath, '/usr/bin/node', '/usr/local/bin/node'])) {
    try {
      accessSync(path, constants.X_OK);
    } catch {
      continue;
    }
    const version = spawnSync(path, ['--version'], { encoding: 'utf8' }).stdout.trim().replace(/^v/, '');
    if (Number.parseInt(version, 10) < MIN_NODE_MAJOR) return { path, version };
  }
  return undefined;
}

describe('the leadroute command', () => {
  let dir = '';
  let entry = '';
  beforeAll(() => {
    // cli/main.ts and cli/node-version.ts compiled with the build's options, and nothing else the
    // entry could load but a stand-in for the command line that says when it is loaded and run.
    dir = mkdtempSync(join(tmpdir(), 'leadroute-gate-'));
    const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.build.json'), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    });
    for (const name of ['main', 'node-version']) {
      const fileName = join(ROOT, 'cli', `${name}.ts`);
      writeFileSync(join(dir, `${name}.js`), ts.transpileModule(readFileSync(fileName, 'utf8'), { compilerOptions: config?.options, fileName }).outputText);
    }
    writeFileSync(join(dir, 'program.js'), "process.stdout.write('loaded\\n');\nexports.runFromProcess = () => process.stdout.write('ran\\n');\n");
    entry = join(dir, 'main.js');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test(`on this Node (${process.versions.node}) loads and runs the command line`, () => {
    const run = spawnSync(process.execPath, [entry, '--help'], { encoding: 'utf8' });
    expect(run).toMatchObject({ status: 0, stdout: 'loaded\nran\n', stderr: '' });
  });

  const oldNode = findOldNode();
  if (oldNode === undefined) {
    test.skip(`on an old Node: skipped, as there is no Node older than ${MIN_NODE_MAJOR} on PATH (outside node_modules), at /usr/bin/node or at /usr/local/bin/node`, () => {});
  } else {
    test(`on Node ${oldNode.version} (${oldNode.path}) says in one line that it needs Node 24, loads nothing and exits 1`, () => {
      const run = spawnSync(oldNode.path, [entry, 'check', 'policy.route'], { encoding: 'utf8' });
      expect(run.status).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^leadroute needs Node\.js 24 or later[^\n]*\n$/);
      expect(run.stderr).toBe(`${unsupportedNodeMessage(oldNode.version)}\n`);
    });
  }
});
