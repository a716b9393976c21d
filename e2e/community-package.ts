// leadroute as users get it: `npm pack` of the repository, installed into an n8n user folder
// the way n8n 2.41's Community Nodes screen installs a package (CommunityPackagesService
// .downloadPackage): the tarball unpacked into `.n8n/nodes/node_modules/<name>`, its dev, peer
// and optional dependencies dropped from its package.json, `npm install` of its runtime
// dependencies inside it with n8n's flags, and the package listed in `.n8n/nodes/package.json`.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeEnv, run } from './processes.ts';

export interface PackedPackage {
  name: string;
  version: string;
  tarball: string;
}

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [key: string]: unknown;
}

function readManifest(file: string): Manifest {
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}

async function npmOk(args: string[], cwd: string): Promise<string> {
  const result = await run('npm', args, { cwd, env: nodeEnv(), timeoutMs: 600_000 });
  if (result.code !== 0) throw new Error(`npm ${args.join(' ')} (in ${cwd}) failed with exit code ${result.code}:\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`);
  return result.stdout;
}

/** Builds the package (its `build` script) and packs it with `npm pack` into `destination`. */
export async function buildAndPack(packageDir: string, destination: string): Promise<PackedPackage> {
  const manifest = readManifest(join(packageDir, 'package.json'));
  if (typeof (manifest.scripts as Record<string, string> | undefined)?.build === 'string') await npmOk(['run', 'build'], packageDir);
  mkdirSync(destination, { recursive: true });
  const printed = await npmOk(['pack', '--json', '--pack-destination', destination], packageDir);
  // `npm pack --json` prints an array with the file name; lifecycle scripts may print before it.
  const packed = JSON.parse(printed.slice(printed.indexOf('[\n'))) as Array<{ filename: string }>;
  const tarball = join(destination, packed[0].filename);
  if (!existsSync(tarball)) throw new Error(`npm pack reported ${tarball}, which does not exist`);
  return { name: manifest.name, version: manifest.version, tarball };
}

/** Installs a packed package into an n8n user folder as a community package; returns its folder. */
export async function installCommunityPackage(userFolder: string, packed: PackedPackage): Promise<string> {
  const nodesDir = join(userFolder, '.n8n', 'nodes');
  const packageDir = join(nodesDir, 'node_modules', packed.name);
  rmSync(packageDir, { recursive: true, force: true });
  mkdirSync(packageDir, { recursive: true });
  const unpacked = await run('tar', ['-xzf', packed.tarball, '-C', packageDir, '--strip-components=1'], { cwd: nodesDir, env: nodeEnv() });
  if (unpacked.code !== 0) throw new Error(`tar could not unpack ${packed.tarball}: ${unpacked.stderr}`);

  const manifestFile = join(packageDir, 'package.json');
  const runtime = readManifest(manifestFile);
  delete runtime.devDependencies;
  delete runtime.peerDependencies;
  delete runtime.optionalDependencies;
  writeFileSync(manifestFile, JSON.stringify(runtime, null, 2));
  // n8n's own flags: no lockfile, no scripts, no bin links, dependencies inside the package.
  await npmOk(['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false'], packageDir);

  const listFile = join(nodesDir, 'package.json');
  const list = existsSync(listFile) ? readManifest(listFile) : { name: 'installed-nodes', version: '1.0.0', private: true, dependencies: {} };
  list.dependencies = { ...(list.dependencies ?? {}), [packed.name]: packed.version };
  writeFileSync(listFile, JSON.stringify(list, null, 2));
  return packageDir;
}
