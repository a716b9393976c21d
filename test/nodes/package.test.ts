// The package conventions n8n loads community packages by: the `n8n` field's paths, one class
// per node file named as its file, a codex file and light and dark icons beside each node, and
// every credential a node asks for being one the package ships. And what `npm pack` publishes.

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { ICredentialType, INodeType } from 'n8n-workflow';
import { stateStoreCredentials } from '../../nodes/shared/store';

const ROOT = join(__dirname, '..', '..');
/** Where package.json's "exports" map a path: a file, or conditions mapping to more of the same. */
type ExportTarget = string | { [condition: string]: ExportTarget };

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  main: string;
  types: string;
  bin: Record<string, string>;
  exports: Record<string, ExportTarget>;
  license: string;
  keywords: string[];
  files: string[];
  peerDependencies: Record<string, string>;
  n8n: { n8nNodesApiVersion: number; strict: boolean; nodes: string[]; credentials: string[] };
};

/** The TypeScript source of a `dist/...js` path of the `n8n` field. */
const sourceOf = (distPath: string): string => join(ROOT, distPath.replace(/^dist\//, '').replace(/\.js$/, '.ts'));

/** The class a node or credential file exports under its file stem (`Route.node.ts` exports Route). */
function exported<T>(file: string): T {
  const stem = basename(file).split('.')[0];
  const module = require(file) as Record<string, new () => T>; // eslint-disable-line @typescript-eslint/no-require-imports
  expect(Object.keys(module)).toContain(stem);
  return new module[stem]();
}

describe('package conventions', () => {
  it('is a community node package', () => {
    expect(pkg.name.startsWith('n8n-nodes-')).toBe(true);
    expect(pkg.keywords).toContain('n8n-community-node-package');
    expect(pkg.license).toBe('MIT');
    expect(pkg.files).toEqual(['dist']);
    expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
    expect(pkg.n8n).toMatchObject({ n8nNodesApiVersion: 1, strict: false });
  });

  it('lists every node of nodes/ and every credential of credentials/', () => {
    const nodeFiles = readdirSync(join(ROOT, 'nodes'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.node.ts'));
    expect(pkg.n8n.nodes.map((p) => p.replace(/^dist\/nodes\//, '').replace(/\.js$/, '.ts')).sort()).toEqual(nodeFiles.sort());
    const credentialDir = join(ROOT, 'credentials');
    const credentialFiles = existsSync(credentialDir) ? readdirSync(credentialDir).filter((f) => f.endsWith('.credentials.ts')) : [];
    expect(pkg.n8n.credentials.map((p) => basename(p).replace(/\.js$/, '.ts')).sort()).toEqual(credentialFiles.sort());
  });

  describe.each(pkg.n8n.nodes)('%s', (path) => {
    const file = sourceOf(path);
    const node = exported<INodeType>(file);
    const description = node.description;

    it('has its codex file and its own light and dark icons', () => {
      const codex = JSON.parse(readFileSync(file.replace(/\.ts$/, '.json'), 'utf8')) as { node: string; categories: string[] };
      expect(codex.node).toBe(`${pkg.name}.${description.name}`);
      expect(codex.categories.length).toBeGreaterThan(0);
      const icon = description.icon as { light: string; dark: string };
      const light = join(dirname(file), icon.light.replace(/^file:/, ''));
      const dark = join(dirname(file), icon.dark.replace(/^file:/, ''));
      expect(light).not.toBe(dark);
      expect(readFileSync(light, 'utf8')).toMatch(/^<svg /);
      expect(readFileSync(dark, 'utf8')).toMatch(/^<svg /);
    });

    it('asks only for credentials the package ships, each with a test the node has', () => {
      const shipped = pkg.n8n.credentials.map((p) => exported<ICredentialType>(sourceOf(p)).name);
      for (const credential of description.credentials ?? []) {
        expect(shipped).toContain(credential.name);
        expect(Object.keys(node.methods?.credentialTest ?? {})).toContain(credential.testedBy);
      }
      if (description.properties.some((p) => p.name === 'stateStore')) expect(description.credentials).toEqual(stateStoreCredentials);
    });
  });
});

describe('the packed package', () => {
  let dir = '';
  let packed: string[] = [];
  // Synchronous steps: the build takes seconds, and Jest's hook timeout does not apply to them.
  beforeAll(() => {
    // The build's compile step (tsconfig.build.json, which decides what dist/ holds) into a copy of
    // the package in a temporary folder, packed there: the repository's own dist/ may be stale.
    dir = mkdtempSync(join(tmpdir(), 'leadroute-pack-'));
    const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
    const pack = spawnSync('npm', ['pack', '--dry-run', '--json'], { cwd: dir, encoding: 'utf8' });
    expect(pack.status).toBe(0);
    packed = (JSON.parse(pack.stdout) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ships no benchmark: bench/ has its own build, and imports packages the package does not depend on', () => {
    expect(packed.filter((path) => /(^|\/)bench\//.test(path))).toEqual([]);
  });

  it('ships every file package.json points at: main, types, bin, exports and the n8n nodes and credentials', () => {
    const targets = (target: ExportTarget): string[] => (typeof target === 'string' ? [target] : Object.values(target).flatMap(targets));
    const named = [pkg.main, pkg.types, ...Object.values(pkg.bin), ...Object.values(pkg.exports).flatMap(targets), ...pkg.n8n.nodes, ...pkg.n8n.credentials];
    expect(named).toEqual(expect.arrayContaining(['dist/index.js', 'dist/cli/main.js']));
    for (const path of named) expect(packed).toContain(path.replace(/^\.\//, ''));
  });

  it('exports its main entry with its types, as main and types name them', () => {
    expect(pkg.exports['.']).toEqual({ types: `./${pkg.types}`, default: `./${pkg.main}` });
  });
});
