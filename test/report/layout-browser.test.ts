/**
 * The report's layout in headless Chromium (Debian's chromium + playwright-core), issue 14:
 * the All-cells table of a real multi-column sweep fits its card at a desktop width and
 * keeps its first column in view when a narrow window must scroll it; a node that did
 * nothing still has a lane in the timeline; the header's node-hours say they sum all cells
 * (the terminal's are one cell's, and say which).
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import type { CliIo } from '../../src/cli/io.js';
import { reportModel } from '../../src/report/data.js';
import { buildCharts } from '../../src/report/charts.js';
import { resultsOf, cellWith } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
/** The page's document, inside page.evaluate (the project compiles without the DOM library). */
declare const document: { querySelector(selector: string): any };
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

function capture() {
  const out: string[] = [];
  const io: CliIo = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: () => {} }, env: {} };
  return { io, text: () => out.join('') };
}

describe('report layout', () => {
  it.skipIf(!existsSync(CHROMIUM))(
    'the All-cells table of db-ha (11 columns) fits its card at 1280 px, and at 760 px scrolls with its first column kept in view',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'hbsim-layout-'));
      const c = capture();
      expect(await runCli(['run', 'db-ha', '--set', 'duration=10m', '--set', 'replications=1', '--out', dir], c.io)).toBe(0);
      // The terminal's node-hours are the first cell's, and say so.
      expect(c.text()).toMatch(/· cell 500ms\/2x: [\d.]+ node-hours ·/);
      const html = readFileSync(join(dir, 'db-ha.html'), 'utf8');
      expect(html).toContain('Node-hours, all 20 cells');

      const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'hbsim-chromium-')), { executablePath: CHROMIUM, args: ARGS, viewport: { width: 1280, height: 900 } });
      try {
        const page = await context.newPage();
        await page.goto(pathToFileURL(join(dir, 'db-ha.html')).href);
        await page.waitForSelector('html[data-charts="ready"]', { state: 'attached', timeout: 30_000 });
        const measure = () =>
          page.evaluate(() => {
            const wrap = document.querySelector('#cells .table-wrap')!;
            const table = wrap.querySelector('table')!;
            return { wrap: wrap.clientWidth, table: table.scrollWidth, columns: table.rows[0]!.cells.length };
          });
        const wide = await measure();
        expect(wide.columns).toBe(11);
        expect(wide.table, 'no hidden last columns at 1280 px').toBeLessThanOrEqual(wide.wrap);

        await page.setViewportSize({ width: 760, height: 900 });
        const narrow = await measure();
        if (narrow.table > narrow.wrap) {
          // Scrolled to the far right, the first column (the cell's parameters) is still where it was.
          const before = await page.evaluate(() => document.querySelector('#cells tbody tr td')!.getBoundingClientRect().left);
          const after = await page.evaluate(() => {
            const wrap = document.querySelector('#cells .table-wrap')!;
            wrap.scrollLeft = wrap.scrollWidth;
            return document.querySelector('#cells tbody tr td')!.getBoundingClientRect().left;
          });
          expect(Math.abs(after - before)).toBeLessThan(1);
          const last = await page.evaluate(() => {
            const wrap = document.querySelector('#cells .table-wrap')!.getBoundingClientRect();
            const cells = document.querySelector('#cells tbody tr')!.children;
            return { right: cells[cells.length - 1]!.getBoundingClientRect().right, wrapRight: wrap.right };
          });
          expect(last.right, 'the last column can be scrolled into view').toBeLessThanOrEqual(last.wrapRight + 1);
        }
      } finally {
        await context.close();
      }
    },
    120_000,
  );

  it('a node with no events has a lane in the timeline', () => {
    const cells = [cellWith('default', 2000, 0, { params: {} })];
    const results = resultsOf(cells, {
      swept: [],
      scenario: { name: 'quiet', duration: '1h', cluster: { nodes: 3 } },
      sample: { cell: 'default', duration_ms: 3_600_000, timeline: { entries: [{ t_ms: 1000, node: 'node-02', event: 'crash' }, { t_ms: 60_000, node: 'node-02', event: 'recover' }], dropped: 0 } },
    });
    const model = reportModel(results);
    expect(model.timeline?.nodes).toEqual(['node-01', 'node-02', 'node-03']);
    const lanes = buildCharts(model).datasets['lanes'] as { node: string }[];
    expect(lanes.map((l) => l.node)).toEqual(['node-01', 'node-02', 'node-03']);
  });
});
