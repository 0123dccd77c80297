/**
 * The report's protocol comparison (src/report/membership.ts) on a real sweep over
 * `protocol.kind` — a ring, Akka-style monitors and SWIM on the same cluster — checked
 * against the results file it is drawn from, and in headless Chromium (skipped where
 * Chromium is absent): both charts draw marks, with no console error, and a hostile description stays text.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCharts } from '../../src/report/charts.js';
import { reportModel } from '../../src/report/data.js';
import { renderReportHtml } from '../../src/report/html.js';
import { membershipModel } from '../../src/report/membership.js';
import { writeReport } from '../../src/report/write.js';
import type { ResultsFile } from '../../src/results/results-file.js';
import { loadScenarioText } from '../../src/scenarios/load.js';
import { runScenario } from '../../src/sweep/run-scenario.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

const SCENARIO = `
name: protocols
description: "<b>protocols</b>"
seed: 3
duration: 30m
warmup: 1m
cluster: { nodes: 16 }
link:
  loss: 2%
  delay: { base: 200us, dist: lognormal, median: 500us, sigma: 1 }
faults:
  - crash: { mttf: 2h, mttr: 2m }
heartbeat: { interval: 1s }
detector: { kind: timeout, timeout: 2500ms }
protocol: { kind: ring }
sweep:
  protocol.kind: [ring, monitors, swim]
`;

let results: ResultsFile;

beforeAll(async () => {
  results = await runScenario(loadScenarioText(SCENARIO, 'protocols.yaml'), { toolVersion: 'test', workers: 1, pauseSurvival: false });
}, 120_000);

describe('the protocol comparison in the report', () => {
  it('has one row per protocol cell, with the figures of the results file', () => {
    const model = reportModel(results);
    const members = membershipModel(results, model.rows)!;
    expect(members.rows.map((r) => r.label)).toEqual(['kind ring', 'kind monitors', 'kind swim']);
    for (const row of members.rows) {
      const m = results.cells.find((c) => c.id === row.id)!.metrics.membership!;
      const divisor = members.unit === 's' ? 1000 : 1;
      expect(row.deadP99).toBeCloseTo((m.first_dead_ms.p99 ?? NaN) / divisor, 9);
      expect(row.msgs).toBe(m.messages_per_member_s['total']);
      expect(row.fdHi).toBe(m.false_deaths.ci95_high);
      // A zero count sits at the axis floor, with only its upper bound drawn.
      expect(row.fdZero).toBe(m.false_deaths.count === 0);
      if (row.fdZero) expect(row.fdX).toBe(members.fdDomain[0]);
      else expect(row.fdX).toBe(m.false_deaths.per_node_day);
    }
    // The cost bars add up to each cell's total (kinds with no message are left out).
    for (const row of members.rows) {
      const sum = members.cost.filter((c) => c.id === row.id).reduce((s, c) => s + c.msgs, 0);
      expect(sum).toBeCloseTo(row.msgs, 4);
    }
    // SWIM sends kinds a ring never does (indirect probes).
    expect(members.cost.some((c) => c.label === 'kind swim' && c.kind === 'ping_req')).toBe(true);
    expect(members.cost.some((c) => c.label === 'kind ring' && c.kind === 'ping_req')).toBe(false);
  });

  it('adds the two charts and the table only when a cell has membership metrics', async () => {
    const ids = buildCharts(reportModel(results)).charts.map((c) => c.id);
    expect(ids).toContain('chart-membership');
    expect(ids).toContain('chart-membership-cost');
    const central: ResultsFile = { ...results, cells: results.cells.map((c) => ({ ...c, metrics: { ...c.metrics, membership: undefined } })) as ResultsFile['cells'] };
    expect(buildCharts(reportModel(central)).charts.map((c) => c.id)).not.toContain('chart-membership');
    const html = await renderReportHtml(results);
    expect(html).toContain('id="membership"');
    expect(html).not.toContain('<b>protocols</b>');
  });

  it.skipIf(!existsSync(CHROMIUM))(
    'draws both charts live in Chromium, with the table and no console error',
    async () => {
      const path = join(mkdtempSync(join(tmpdir(), 'hbsim-members-')), 'report.html');
      await writeReport(results, path);
      const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'hbsim-chromium-')), { executablePath: CHROMIUM, args: ARGS });
      try {
        const page = await context.newPage();
        const problems: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') problems.push(m.text());
        });
        page.on('pageerror', (e) => problems.push(e.message));
        await page.goto(pathToFileURL(path).href);
        await page.waitForSelector('html[data-charts="ready"]', { state: 'attached', timeout: 15_000 });
        for (const id of ['chart-membership', 'chart-membership-cost']) {
          const marks = page.locator(`#${id} .live svg g.role-mark > path, #${id} .live svg g.role-mark > line`);
          expect(await marks.count(), `${id} marks`).toBeGreaterThan(0);
        }
        expect(await page.locator('#membership table tbody tr').count()).toBe(3);
        expect(await page.locator('p.desc').textContent()).toBe('<b>protocols</b>');
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    },
    60_000,
  );
});
