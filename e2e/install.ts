// Installs the pinned n8n into e2e/node_modules, once. A plain `npm install` of n8n fails here
// (a Kafka client downloads C sources at install time), so scripts are skipped and only the two
// native modules n8n needs at run time are rebuilt: sqlite3 (its database) and isolated-vm.
// A marker written after a complete install makes later runs a no-op; it records the n8n
// version, the lockfile and Node's ABI, so a changed pin, lockfile or Node major reinstalls.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeEnv, requireNode24, run } from './processes.ts';

interface InstallMarker {
  n8n: string;
  lockfile: string;
  nodeAbi: string;
}

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

function markerPath(e2eDir: string): string {
  return join(e2eDir, 'node_modules', '.leadroute-e2e-install.json');
}

function installedMarker(e2eDir: string): InstallMarker | null {
  try {
    return JSON.parse(readFileSync(markerPath(e2eDir), 'utf8')) as InstallMarker;
  } catch {
    return null;
  }
}

/** The n8n command-line entry point inside e2e/node_modules. */
export function n8nEntry(e2eDir: string): string {
  return join(e2eDir, 'node_modules', 'n8n', 'bin', 'n8n');
}

/** Whether e2e/node_modules already holds a complete install of the pinned n8n for this Node. */
function isN8nInstalled(e2eDir: string): boolean {
  const marker = installedMarker(e2eDir);
  const expected = expectedMarker(e2eDir);
  return marker !== null && marker.n8n === expected.n8n && marker.lockfile === expected.lockfile && marker.nodeAbi === expected.nodeAbi && existsSync(n8nEntry(e2eDir));
}

/** Installs the pinned n8n unless it is already there. Throws when npm fails or the native modules do not load. */
export async function ensureN8nInstalled(e2eDir: string): Promise<void> {
  requireNode24();
  if (isN8nInstalled(e2eDir)) return;
  const started = Date.now();
  rmSync(markerPath(e2eDir), { force: true });
  const env = nodeEnv();
  const npm = async (args: string[]): Promise<void> => {
    console.log(`e2e: npm ${args.join(' ')}`);
    const result = await run('npm', args, { cwd: e2eDir, env, echo: true });
    if (result.code !== 0) throw new Error(`npm ${args.join(' ')} failed with exit code ${result.code}`);
  };
  console.log(`e2e: installing n8n ${pinnedN8nVersion(e2eDir)} into ${join(e2eDir, 'node_modules')} (about 5 minutes on 2 cores the first time)`);
  await npm(['install', '--ignore-scripts', '--no-audit', '--no-fund']);
  await npm(['rebuild', 'sqlite3', 'isolated-vm']);
  const check = await run(process.execPath, ['-e', "require('sqlite3'); require('isolated-vm')"], { cwd: e2eDir, env });
  if (check.code !== 0) throw new Error(`n8n's native modules do not load after the rebuild:\n${check.stderr}`);
  writeFileSync(markerPath(e2eDir), JSON.stringify(expectedMarker(e2eDir)));
  console.log(`e2e: n8n installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
