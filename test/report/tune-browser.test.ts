/**
 * The tuning report in headless Chromium (skipped where it is absent): the tuning
 * section is there, the search-path chart draws live with one numbered point per
 * candidate, and nothing errs, opens a dialog or goes to the network.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report/write.js';
import { loadScenarioText } from '../../src/scenarios/load.js';
import { runTune, tuneSpecOf } from '../../src/tune/index.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

const SCENARIO = `name: tune-report
description: "<img src=x onerror=alert(1)> tuning"
seed: 5
duration: 1h
cluster: { nodes: 5 }
heartbeat: { interval: 1s }
link: { loss: 1% }
faults:
  - crash: { mttf: 10m, mttr: 1m }
detector: { kind: timeout, timeout: 3x }
tune:
  targets: { detection_latency_ms.p99: "<= 6s", false_suspicions.per_node_day: "<= 20" }
  params: { heartbeat.interval: [500ms, 1s, 2s], detector.timeout: [2x, 3x, 5x] }
  max_replications: 2
`;

describe('the tuning report in a browser', () => {
  it.skipIf(!existsSync(CHROMIUM))('shows the tuning section and draws the search path live, with no error', async () => {
    const loaded = loadScenarioText(SCENARIO, 'tune-report.yaml');
    const results = await runTune(loaded, tuneSpecOf(loaded.scenario), { toolVersion: 'test', workers: 1 });
    const path = join(mkdtempSync(join(tmpdir(), 'hbsim-tune-report-')), 'report.html');
    await writeReport(results, path);
    const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'hbsim-chromium-')), { executablePath: CHROMIUM, args: ARGS, viewport: { width: 1280, height: 900 } });
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
      expect(await page.locator('#tuning .sentence').textContent()).toBe(results.tune!.sentence);
      expect(await page.locator('#tuning tbody tr').count()).toBe(results.tune!.path.length);
      const marks = page.locator('#chart-tune .live svg g.role-mark > path');
      expect(await marks.count()).toBeGreaterThan(0);
      const labels = await page.locator('#chart-tune .live svg g.role-mark text').allTextContents();
      // One step number per candidate that has a detection p99 to place it by.
      const placed = results.tune!.path.filter((s) => results.cells.find((c) => c.id === s.cell)!.metrics.detection_latency_ms.p99 !== null);
      expect(labels.map(Number).sort((a, b) => a - b)).toEqual(placed.map((s) => s.step));
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
