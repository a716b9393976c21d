// Each page as a reader's browser shows it: Debian's headless Chromium opens the page file, and
// the test fails on any console error, script error or request (a page loads nothing), checks
// that the drawings are there with the number of shapes counted by hand from the fixtures, and
// saves a screenshot under .test-output/pages/.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { launchChromium, type Chromium } from '../../e2e/chromium';
import { policyPage } from '../../pages/policy-graph';
import { auditPage, diffPage } from '../../pages/audit';
import { reportPage } from '../../pages/report';
import { simulatePage } from '../../pages/simulate';
import { simulatePolicy } from '../../analysis/simulate';
import { readLeads } from '../../cli/leads';
import { compilePolicy } from '../../compiler/compile';
import { LEADS, NOW, POLICY } from '../analysis/simulate-fixture';
import { ACME, AUDIT, DIFF, HOSTILE, REPORT } from './fixtures';

/** The page type of the playwright-core that e2e/chromium.ts resolves (e2e/node_modules has n8n's own once it is installed). */
type Page = Awaited<ReturnType<Chromium['context']['newPage']>>;

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

test('the simulate page draws its charts, the filter funnel, the week grid and the policy with the leads on each path', async () => {
  const policy = compilePolicy(POLICY);
  const figures = await simulatePolicy(policy, readLeads(Readable.from([LEADS]), 'jsonl', 'leads.jsonl'), { now: NOW });
  const { page, problems } = await open('simulate', simulatePage(figures, policy.ir));
  expect(problems).toEqual([]);
  // By hand from test/analysis/simulate-fixture.ts: bars for 5 people, 4 pools, 1 queue, 5
  // exception reasons, the members of the 3 pools that saw leads or skips (2 each; spare's fay
  // was never reached), 3 SLA mixes: 24. Marked: the empty pool spare, the 3 reasons above 5%,
  // and dee (0 leads where the weights ask 0.5).
  expect(await page.locator('svg rect.bar').count()).toBe(24);
  expect(await page.locator('svg rect.bar.warn').count()).toBe(5);
  // The funnel has a step per rule; the grid a cell per hour of the week, 16 outlined as open
  // (big.gb's dee: Saturday and Sunday 09:00-17:00).
  expect(await page.locator('svg rect.step').count()).toBe(4);
  expect(await page.locator('svg rect.cell').count()).toBe(7 * 24);
  expect(await page.locator('svg rect.cell[stroke-width="2"]').count()).toBe(16);
  // The drawing: 4 rules, 4 targets, 4 pools; ends ann, ben, cal, dee, dan, eve, fay, support, exceptions.
  expect(await page.locator('svg.policy g.node.rule').count()).toBe(4);
  expect(await page.locator('svg.policy g.node').count()).toBe(21);
  // The else rule's path to the fallback carries its 8 leads (6-8, 11, 14-17); ben's, his 3.
  const edges = await page.locator('svg.policy g.link > title').allTextContents();
  expect(edges).toContainEqual(expect.stringMatching(/^line 22: else .* → fallback: queue exceptions: 8 leads$/));
  expect(edges).toContainEqual('pool big.us → ben: 3 leads');
  expect(await page.locator('script, img, b').count()).toBe(0);
  await page.close();
}, 60_000);
