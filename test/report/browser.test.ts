/**
 * Opens a generated report in headless Chromium (Debian's `chromium`, driven by
 * playwright-core; .ci/run installs it) from file://, as a user double-clicking it
 * would. Skipped where Chromium is absent. Saves test-results/report.png.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report/write.js';
import { simulatedSweep } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
/** docs/reference stack.md §3; the profile directory is passed as launchPersistentContext's first argument. */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const SCREENSHOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-results', 'report.png');
const EVIL = '<script>alert(1)</script>';

describe('the report in a browser', () => {
  it.skipIf(!existsSync(CHROMIUM))(
    'draws every chart live from file://, with no console error, no dialog and no network request, and reads without JavaScript',
    async () => {
      // A real sweep (runReplications per cell), with a hostile scenario name.
      const results = simulatedSweep({ intervalsMs: [250, 500, 1000, 2000, 4000], timeoutFactors: [1.5, 2, 3, 5], minutes: 60, replications: 1, name: EVIL });
      const path = join(mkdtempSync(join(tmpdir(), 'hbsim-report-')), 'report.html');
      await writeReport(results, path);

      const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'hbsim-chromium-')), {
        executablePath: CHROMIUM,
        args: ARGS,
        viewport: { width: 1280, height: 900 },
      });
      try {
        const page = await context.newPage();
        const problems: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') problems.push(`console: ${m.text()}`);
        });
        page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
        page.on('request', (r) => {
          if (!r.url().startsWith('file://')) problems.push(`request: ${r.url()}`);
        });
        page.on('dialog', (d) => {
          problems.push(`dialog: ${d.message()}`);
          void d.dismiss();
        });

        await page.goto(pathToFileURL(path).href);
        await page.waitForSelector('html[data-charts="ready"]', { state: 'attached', timeout: 15_000 });

        const ids = await page.locator('figure.chart').evaluateAll((els) => els.map((e) => e.id));
        expect(ids).toEqual(['chart-tradeoff', 'chart-heatmap-fs', 'chart-heatmap-p99', 'chart-heatmap-qa', 'chart-cost', 'chart-cdf', 'chart-timeline']);
        for (const id of ids) {
          expect(await page.locator(`#${id} .static`).count(), `${id} static copy replaced`).toBe(0);
          const marks = page.locator(`#${id} .live svg g.role-mark > path, #${id} .live svg g.role-mark > line`);
          expect(await marks.count(), `${id} marks`).toBeGreaterThan(0);
        }
        expect(await page.locator('h1').textContent()).toBe(EVIL);

        // The cells table sorts by a column on click (ascending first).
        await page.locator('table.cells th', { hasText: 'p99 (95 %)' }).click();
        const keys = await page.locator('table.cells tbody tr td:nth-child(4)').evaluateAll((tds) => tds.map((td) => td.getAttribute('data-v')));
        const numbers = keys.filter((k) => k !== '').map(Number);
        expect(numbers).toEqual([...numbers].sort((a, b) => a - b));

        mkdirSync(dirname(SCREENSHOT), { recursive: true });
        await page.screenshot({ path: SCREENSHOT, fullPage: true });
        expect(problems).toEqual([]);

        // Without JavaScript the static SVG copies carry the charts.
        const still = await context.newPage();
        const cdp = await context.newCDPSession(still);
        await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
        await still.goto(pathToFileURL(path).href);
        for (const id of ids) {
          const marks = still.locator(`#${id} .static svg g.role-mark > path, #${id} .static svg g.role-mark > line`);
          expect(await marks.count(), `${id} static marks`).toBeGreaterThan(0);
        }
        expect(await still.locator('#recommendation .sentence').textContent()).toBe(await page.locator('#recommendation .sentence').textContent());
      } finally {
        await context.close();
      }
    },
    30_000,
  );
});
