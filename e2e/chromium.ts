// Debian's /usr/bin/chromium in headless mode, driven by playwright-core (which downloads no
// browser), with a fresh profile each time: shared by the editor tests (e2e/) and the page tests
// (test/pages/). A missing browser fails with what to install, never a silent skip.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export interface Chromium {
  context: BrowserContext;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile (playwright passes it as --user-data-dir). */
export async function launchChromium(viewport = { width: 1440, height: 900 }): Promise<Chromium> {
  const profile = mkdtempSync(join(tmpdir(), 'leadroute-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: FLAGS, viewport });
    return {
      context,
      async close() {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(`could not start ${CHROMIUM} (install Debian's chromium; .ci/run does): ${(error as Error).message}`);
  }
}
