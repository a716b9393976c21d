// Each page as a reader's browser shows it: Debian's headless Chromium opens the page file, and
// the test fails on any console error, script error or request (a page loads nothing), checks
// that the drawings are there with the number of shapes counted by hand from the fixtures, and
// saves a screenshot under .test-output/pages/.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { launchChromium, type Chromium } from '../../e2e/chromium';
import { policyPage } from '../../pages/policy-graph';
import { auditPage, diffPage } from '../../pages/audit';
import { reportPage } from '../../pages/report';
import { ACME, AUDIT, DIFF, HOSTILE, REPORT } from './fixtures';

const OUT = resolve(__dirname, '../../.test-output/pages');
let browser: Chromium;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  browser = await launchChromium({ width: 1280, height: 800 });
}, 60_000);
afterAll(async () => browser?.close());

/** Opens `markup` as the file `<name>.html`; returns the page and what went wrong while loading it. */
async function open(name: string, markup: string): Promise<{ page: Page; problems: string[] }> {
  const file = join(OUT, `${name}.html`);
  writeFileSync(file, markup);
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
  page.on('request', (r) => {
    if (r.url() !== pathToFileURL(file).href) problems.push(`request: ${r.url()}`);
  });
  page.on('requestfailed', (r) => problems.push(`failed request: ${r.url()}`));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
  return { page, problems };
}

test('the policy page draws every rule, target, pool, person and queue of the policy', async () => {
  const { page, problems } = await open('policy-acme', policyPage(ACME.ir, ACME.hash));
  expect(problems).toEqual([]);
  // Counted by hand from examples/acme-inbound.route: 5 rules, 6 targets, 6 pools, 16 ends; 32 edges.
  expect(await page.locator('svg.policy g.node').count()).toBe(33);
  expect(await page.locator('svg.policy path.edge').count()).toBe(32);
  expect(await page.locator('svg.policy g.node.rule').count()).toBe(5);
  const box = await page.locator('svg.policy').boundingBox();
  expect(box?.width).toBeGreaterThan(600);
  await page.close();
}, 60_000);

test('hostile names stay text in the browser: no script runs, no element is injected', async () => {
  const { page, problems } = await open('policy-hostile', policyPage(HOSTILE.ir, HOSTILE.hash));
  expect(problems).toEqual([]);
  expect(await page.locator('script, img, svg svg, b').count()).toBe(0);
  expect(await page.title()).toBe('Policy <img src=x onerror=alert(1)>');
  expect(await page.locator('svg.policy g.node.person > title').allTextContents()).toEqual(['<script>alert(1)</script>', `a"b'c`, 'constructor']);
  await page.close();
}, 60_000);

test('the report page draws its bars and keeps hostile owner names as text', async () => {
  const { page, problems } = await open('report', reportPage(REPORT));
  expect(problems).toEqual([]);
  // By hand from the fixture: 2 queues waiting, 4 owners, 2 weeks in each of the two weekly charts.
  expect(await page.locator('svg rect.bar').count()).toBe(10);
  expect(await page.locator('figure').count()).toBe(4);
  expect(await page.locator('script, b').count()).toBe(0);
  expect(await page.getByRole('cell', { name: '<script>alert(1)</script>' }).count()).toBe(1);
  await page.close();
}, 60_000);

test('the audit and diff pages draw their bars and load nothing', async () => {
  // By hand: audit: 3 agreement bars, 1 disagreement, CONVERTED=Yes for 2 owners; diff: 2 moves.
  for (const [name, markup, bars] of [['audit', auditPage(AUDIT), 6], ['diff', diffPage(DIFF), 2]] as const) {
    const { page, problems } = await open(name, markup);
    expect(problems).toEqual([]);
    expect(await page.locator('svg rect.bar').count()).toBe(bars);
    expect(await page.locator('script, img, b').count()).toBe(0);
    await page.close();
  }
}, 60_000);
