// Runs once before the end-to-end test files: installs the pinned n8n into e2e/node_modules
// unless it is there already, then builds and packs leadroute into .e2e/pack/ for every test
// file to install as a community package. Any failure fails the run (no skipping, in CI or not).

import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildAndPack } from './community-package.ts';
import { ensureN8nInstalled } from './install.ts';
import { packedRecordFile } from './prepare.ts';

export default async function globalSetup(): Promise<void> {
  const repoRoot = resolve(__dirname, '..');
  await ensureN8nInstalled(join(repoRoot, 'e2e'));
  const packFolder = join(repoRoot, '.e2e', 'pack');
  rmSync(packFolder, { recursive: true, force: true });
  const packed = await buildAndPack(repoRoot, packFolder);
  writeFileSync(packedRecordFile(repoRoot), JSON.stringify(packed, null, 2));
  console.log(`e2e: packed ${packed.name}@${packed.version} into ${packed.tarball}`);
}
