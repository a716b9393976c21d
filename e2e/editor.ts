// The n8n editor in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core,
// which downloads no browser), logged in as the owner that api.ts set up: what a builder sees
// when searching the node picker, and a node's error panel. Screenshots go to the test output.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { BROWSER_ID, type PublicApi } from './api.ts';
import { launchChromium } from './chromium.ts';

export interface Editor {
  page: Page;
  /** Saves a full-page screenshot as `<name>.png` in the screenshot folder; returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** A logged-in editor page. `shots` is the folder for screenshots (created). */
export async function openEditor(api: PublicApi, shots: string): Promise<Editor> {
  mkdirSync(shots, { recursive: true });
  const browser = await launchChromium();
  try {
    const { context } = browser;
    const url = new URL(api.baseUrl);
    await context.addCookies(
      api.cookie.split('; ').map((pair) => {
        const at = pair.indexOf('=');
        return { name: pair.slice(0, at), value: pair.slice(at + 1), domain: url.hostname, path: '/' };
      }),
    );
    await context.addInitScript((id: string) => localStorage.setItem('n8n-browserId', id), BROWSER_ID);
    const page = context.pages()[0] ?? (await context.newPage());
    return {
      page,
      async screenshot(name) {
        const file = join(shots, `${name}.png`);
        await page.screenshot({ path: file, fullPage: true });
        return file;
      },
      close: browser.close,
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/**
 * The names the node picker lists for `words`, in order, when adding a step to the workflow
 * `workflowId` (one that has a trigger: the picker then offers every node, not triggers first).
 */
export async function searchNodes(editor: Editor, baseUrl: string, workflowId: string, words: string): Promise<string[]> {
  const { page } = editor;
  await page.goto(`${baseUrl}/workflow/${workflowId}`);
  await page.locator('[data-test-id="node-creator-plus-button"]').first().click();
  const search = page.locator('[data-test-id="node-creator-search-bar"] input, input[data-test-id="node-creator-search-bar"]').first();
  const names = page.locator('[data-test-id="node-creator-node-item"] [data-test-id="node-creator-item-name"]');
  // Before a search the picker lists categories, not nodes; the results come after a debounce.
  await search.fill(words);
  await names.first().waitFor({ timeout: 15_000 });
  let previous = '';
  for (let i = 0; i < 40; i++) {
    await page.waitForTimeout(300);
    const now = (await names.allInnerTexts()).map((n) => n.trim());
    const text = now.join('\n');
    if (text === previous) return now;
    previous = text;
  }
  throw new Error(`the node picker did not settle on results for "${words}"`);
}

/** Runs a workflow from the editor and opens a node's error panel; returns the panel's description as shown (innerText). */
export async function nodeErrorDescription(editor: Editor, baseUrl: string, workflowId: string, nodeName: string): Promise<string> {
  const { page } = editor;
  await page.goto(`${baseUrl}/workflow/${workflowId}`);
  await page.locator('[data-test-id="execute-workflow-button"]').first().click();
  const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`);
  await node.waitFor({ timeout: 15_000 });
  await node.dblclick();
  const description = page.locator('[data-test-id="node-error-description"]').first();
  await description.waitFor({ timeout: 30_000 });
  // Non-breaking spaces (what keeps a caret in place in the panel) read as spaces.
  return (await description.innerText()).replace(/\u00a0/g, ' ');
}
