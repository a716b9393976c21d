// Installs the pinned n8n for the end-to-end tests, once per machine. A plain `npm install` of
// n8n fails here (a Kafka client downloads C sources at install time), so scripts are skipped
// and only the two native modules n8n needs at run time are rebuilt: sqlite3 (its database) and
// isolated-vm. The install goes into a per-machine cache, one folder per n8n version, lockfile
// and Node ABI, and e2e/node_modules becomes a symlink to it, so a second clone, a fresh CI
// checkout or `git clean` does not cost another install; without a writable cache it goes into
// e2e/node_modules itself. A marker written after a complete install tells a complete install
// from an interrupted one; it records the n8n version, the lockfile and Node's ABI.

import { createHash } from 'node:crypto';
import { accessSync, constants, copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { nodeEnv, requireNode24, run } from './processes.ts';

interface InstallMarker {
  n8n: string;
  lockfile: string;
  nodeAbi: string;
}

const MARKER = '.leadroute-e2e-install.json';

/** The n8n version e2e/package.json pins (exactly, no range). */
export function pinnedN8nVersion(e2eDir: string): string {
  const manifest = JSON.parse(readFileSync(join(e2eDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const version = manifest.dependencies?.n8n;
  if (version === undefined || !/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`e2e/package.json must pin n8n to an exact version; found ${String(version)}`);
  return version;
}

function expectedMarker(e2eDir: string): InstallMarker {
  const lockPath = join(e2eDir, 'package-lock.json');
  const lockfile = existsSync(lockPath) ? createHash('sha256').update(readFileSync(lockPath)).digest('hex') : 'none';
  return { n8n: pinnedN8nVersion(e2eDir), lockfile, nodeAbi: process.versions.modules };
}

/** Whether `nodeModules` holds a complete install of what `expected` describes. */
function isComplete(nodeModules: string, expected: InstallMarker): boolean {
  try {
    const marker = JSON.parse(readFileSync(join(nodeModules, MARKER), 'utf8')) as InstallMarker;
    return marker.n8n === expected.n8n && marker.lockfile === expected.lockfile && marker.nodeAbi === expected.nodeAbi && existsSync(join(nodeModules, 'n8n', 'bin', 'n8n'));
  } catch {
    return false;
  }
}

/** The n8n command-line entry point inside e2e/node_modules. */
export function n8nEntry(e2eDir: string): string {
  return join(e2eDir, 'node_modules', 'n8n', 'bin', 'n8n');
}

/** The folder that keeps complete installs: $LEADROUTE_E2E_CACHE, else ~/.cache/leadroute-e2e. */
export function installCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env.LEADROUTE_E2E_CACHE?.trim();
  return chosen !== undefined && chosen !== '' ? chosen : join(homedir(), '.cache', 'leadroute-e2e');
}

/** The cache folder of this install: n8n-<version>-<12 hex of the lockfile's sha256>-abi<Node ABI>. */
export function installCacheFolder(e2eDir: string, root = installCacheRoot()): string {
  const { n8n, lockfile, nodeAbi } = expectedMarker(e2eDir);
  return join(root, `n8n-${n8n}-${lockfile.slice(0, 12)}-abi${nodeAbi}`);
}

/** Whether the cache root exists (or can be made) and we may write in it. */
function writableFolder(folder: string): boolean {
  try {
    mkdirSync(folder, { recursive: true });
    accessSync(folder, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** npm install + rebuild + load check in `projectDir` (which holds e2e's package.json and lockfile), then the marker. */
async function installInto(projectDir: string, expected: InstallMarker): Promise<void> {
  const env = nodeEnv();
  const npm = async (args: string[]): Promise<void> => {
    console.log(`e2e: npm ${args.join(' ')}`);
    const result = await run('npm', args, { cwd: projectDir, env, echo: true });
    if (result.code !== 0) throw new Error(`npm ${args.join(' ')} (in ${projectDir}) failed with exit code ${result.code}`);
  };
  await npm(['install', '--ignore-scripts', '--no-audit', '--no-fund']);
  await npm(['rebuild', 'sqlite3', 'isolated-vm']);
  const check = await run(process.execPath, ['-e', "require('sqlite3'); require('isolated-vm')"], { cwd: projectDir, env });
  if (check.code !== 0) throw new Error(`n8n's native modules do not load after the rebuild:\n${check.stderr}`);
  writeFileSync(join(projectDir, 'node_modules', MARKER), JSON.stringify(expected));
}

/** Fills the cache folder: installs in `<folder>.partial-<pid>` and renames it into place only when complete. */
async function fillCache(e2eDir: string, folder: string, expected: InstallMarker): Promise<void> {
  const partial = `${folder}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) if (existsSync(join(e2eDir, file))) copyFileSync(join(e2eDir, file), join(partial, file));
  try {
    await installInto(partial, expected);
    // Another run may have completed the same install meanwhile: keep that one.
    if (isComplete(join(folder, 'node_modules'), expected)) return;
    rmSync(folder, { recursive: true, force: true });
    renameSync(partial, folder);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

/** Points e2e/node_modules at `target`, replacing whatever is there (an old link or an in-place install). */
function linkNodeModules(e2eDir: string, target: string): void {
  const link = join(e2eDir, 'node_modules');
  let stat: ReturnType<typeof lstatSync> | null = null;
  try {
    stat = lstatSync(link);
  } catch {
    // nothing there yet
  }
  if (stat?.isDirectory() === true) rmSync(link, { recursive: true, force: true });
  // A new link renamed over the old one: a concurrent run never sees e2e/node_modules missing.
  const fresh = `${link}.${process.pid}`;
  rmSync(fresh, { force: true });
  symlinkSync(target, fresh, 'dir');
  renameSync(fresh, link);
}

/**
 * Installs the pinned n8n unless a complete install is there already: e2e/node_modules as a link
 * into the cache, or, when no cache folder is writable, e2e/node_modules itself. Throws when npm
 * fails or the native modules do not load.
 */
export async function ensureN8nInstalled(e2eDir: string): Promise<void> {
  requireNode24();
  const expected = expectedMarker(e2eDir);
  const local = join(e2eDir, 'node_modules');
  if (isComplete(local, expected)) return;
  const started = Date.now();
  const root = installCacheRoot();
  const cached = writableFolder(root) ? installCacheFolder(e2eDir, root) : null;
  if (cached !== null) {
    if (!isComplete(join(cached, 'node_modules'), expected)) {
      console.log(`e2e: installing n8n ${expected.n8n} into the cache ${cached} (about 5 minutes on 2 cores, once per machine)`);
      await fillCache(e2eDir, cached, expected);
      console.log(`e2e: n8n installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
    linkNodeModules(e2eDir, join(cached, 'node_modules'));
    console.log(`e2e: e2e/node_modules -> ${join(cached, 'node_modules')}`);
    return;
  }
  console.log(`e2e: no writable cache at ${root}; installing n8n ${expected.n8n} into ${local} (about 5 minutes on 2 cores)`);
  // An old link into a cache is not ours to fill.
  if (lstatSync(local, { throwIfNoEntry: false })?.isSymbolicLink() === true) rmSync(local, { force: true });
  rmSync(join(local, MARKER), { force: true });
  await installInto(e2eDir, expected);
  console.log(`e2e: n8n installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
