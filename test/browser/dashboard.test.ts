import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

/**
 * The built dashboard (/app) in Debian's headless Chromium, driven by playwright-core, against the real app on a
 * fresh database: seed a demo farm from the seed-run page, open a batch from the overview, check its charts.
 * Screenshots go to test-results/ (gitignored; CI keeps them as artefacts).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.resolve('test-results');
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

let app: TestApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's package (apt-get install -y chromium; .ci/run does it) or set CHROMIUM_PATH`,
    );
  }
  // Build the dashboard from the current sources (codegen, type-check, vite build into dashboard/dist).
  const build = spawnSync('npm', ['run', '--silent', 'dashboard:build'], { encoding: 'utf8', timeout: 60_000 });
  if (build.status !== 0) throw new Error(`npm run dashboard:build failed:\n${build.stdout}\n${build.stderr}`);
  fs.mkdirSync(SHOTS, { recursive: true });
  // playwright gives the browser a new empty profile (user data directory) of its own.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 20_000 });
  app = await startTestApp();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${message.text()} ${message.location().url}`);
  });
  (page as Page & { jsErrors?: string[] }).jsErrors = errors;
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const jsErrors = () => (page as Page & { jsErrors?: string[] }).jsErrors ?? [];

describe('dashboard in headless Chromium', () => {
  it('on an empty database starts a demo seed run, shows its progress reach 100 %, then opens one of its batches', async () => {
    await page.goto(`${app.url}/app/#/seed`);
    await page.getByRole('button', { name: 'Start a demo run' }).click();
    await page.locator('#run[data-status="SUCCEEDED"]').waitFor({ timeout: 45_000 });
    expect(await page.locator('#run').getAttribute('data-percent')).toBe('100');
    await expect.poll(() => page.locator('#percent').textContent()).toBe('100 %');
    await page.locator('#checks').waitFor();
    expect(await page.locator('#tables tbody tr').count()).toBeGreaterThan(3);
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-seed-run.png'), fullPage: true });

    await page.locator('#open-batches').click();
    await page.locator('#batches tbody tr').first().waitFor();
    expect(await page.locator('#batches tbody tr').count()).toBe(4);
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-overview.png'), fullPage: true });

    await page.locator('#batches tbody tr a').first().click();
    await page.locator('#app[data-ready="true"] #chart-weight canvas').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-batch-after-seed.png'), fullPage: true });
    expect(jsErrors()).toEqual([]);
  });

  it('renders the batch page charts with one point per weekly bucket of the series', async () => {
    const list = await app.graphql<{ batches: { nodes: Array<{ id: string; batchNumber: string; dailySeries: unknown[]; growthSamples: { totalCount: number } }> } }>(
      `{ batches(first: 10) { nodes { id batchNumber dailySeries(bucket: WEEK) { lastDate } growthSamples(first: 1) { totalCount } } } }`,
    );
    expect(list.errors).toBeUndefined();
    // The batch with the longest series.
    const batch = list.data!.batches.nodes.sort((a, b) => b.dailySeries.length - a.dailySeries.length)[0]!;
    expect(batch.dailySeries.length).toBeGreaterThan(10);

    await page.evaluate("sessionStorage.setItem('aquagraph.bucket', 'WEEK')");
    await page.goto(`${app.url}/app/#/batch/${encodeURIComponent(batch.id)}`);
    await page.reload();
    await page.locator('#app[data-ready="true"]').waitFor();
    expect(await page.locator('#batch-title').textContent()).toContain(batch.batchNumber);
    for (const chart of ['#chart-weight', '#chart-stock', '#chart-mortality']) {
      // uPlot draws into a canvas: one plotted chart per container, with the expected x values.
      await page.locator(`${chart} .uplot canvas`).waitFor();
      expect(await page.locator(chart).getAttribute('data-points')).toBe(String(batch.dailySeries.length));
    }
    // The points uPlot actually holds: its x values are the union of series days and sample days.
    const weightXs = await page.locator('#chart-weight').getAttribute('data-rendered-x');
    expect(Number(weightXs)).toBeGreaterThanOrEqual(batch.dailySeries.length);
    expect(await page.locator('#chart-stock').getAttribute('data-rendered-x')).toBe(String(batch.dailySeries.length));
    // The canvas is not blank.
    const painted = await page.evaluate<number>(`(() => {
      const canvas = document.querySelector('#chart-weight canvas');
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) n++;
      return n;
    })()`);
    expect(painted).toBeGreaterThan(1000);
    expect(await page.locator('#samples tbody tr').count()).toBe(batch.growthSamples.totalCount);
    expect(await page.locator('#gantt .bar').count()).toBeGreaterThan(1);
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-batch.png'), fullPage: true });

    // Recompute: the button queues a job, shows its live status and redraws the charts when it SUCCEEDED (seeded
    // batch ids are ≥ 2^32, so this also proves the recompute runner's lock takes such ids).
    await page.getByRole('button', { name: 'Recompute growth series' }).click();
    await expect.poll(() => page.locator('#recompute-status').textContent()).toMatch(/^Job (QUEUED|RUNNING|SUCCEEDED)|^Recomputed/);
    await expect.poll(() => page.locator('#recompute-status').textContent(), { timeout: 30_000 }).toMatch(/^Recomputed/);
    await page.locator('#chart-weight .uplot canvas').waitFor();
    expect(jsErrors()).toEqual([]);
  });

  it('serves GraphiQL at /explorer, bundled (no CDN), and runs a query with the schema docs loaded', async () => {
    const external: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(app.url) && !request.url().startsWith('data:')) external.push(request.url());
    });
    await page.goto(`${app.url}/explorer`);
    await page.locator('.graphiql-container').waitFor();
    // The docs list Query only once the schema is loaded; run the query after that.
    await page.locator('[aria-label="Show Documentation Explorer"]').click();
    await page.locator('.graphiql-doc-explorer').getByText('Query').first().waitFor({ timeout: 30_000 });
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => page.locator('.result-window').textContent(), { timeout: 30_000 }).toContain('"totalCount": 4');
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-explorer.png') });
    expect(external).toEqual([]);
    expect(jsErrors()).toEqual([]);
  });
});
