import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scriptBundles } from '../../src/report/bundles.js';
import { escapeHtml, extractResults, jsonForScript, PAUSE_METRIC, renderReportHtml } from '../../src/report/html.js';
import { writeReport } from '../../src/report/write.js';
import type { ResultsFile } from '../../src/results/results-file.js';
import { simulatedSweep, syntheticSweep } from './fixtures.js';

const bytes = (html: string) => Buffer.byteLength(html, 'utf8');
const MB = 1024 * 1024;

/** The 200-cell sweep of the size budget: 20 intervals × 10 timeouts, with a full 2000-entry timeline. */
function sweep200(): ResultsFile {
  return syntheticSweep({
    intervalsMs: Array.from({ length: 20 }, (_, i) => 50 * (i + 1)),
    timeoutFactors: [1.5, 2, 2.5, 3, 4, 5, 6, 8, 10, 12],
    timelineEntries: 2000,
  });
}

describe('the report page', () => {
  it('escapes every string that comes from a scenario file', async () => {
    const evil = '<script>alert(1)</script>';
    const base = syntheticSweep({ intervalsMs: [250, 1000], timeoutFactors: [2, 4], name: evil, description: '<img src=x onerror=alert(2)> & "q"' });
    const results: ResultsFile = {
      ...base,
      source: `scenarios/${evil}.yaml`,
      seed: evil,
      cells: base.cells.map((c, i) => (i === 0 ? { ...c, params: { ...c.params, 'detector.timeout': '<b onmouseover=alert(3)>2x</b>' } } : c)),
    };
    const html = await renderReportHtml(results);
    // The page's own scripts are the only ones: the bundles, two JSON blocks and the page script.
    expect(html.match(/<script/g)).toHaveLength(6);
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<b onmouseover');
    expect(html).toContain(`<h1>${escapeHtml(evil)}</h1>`);
    expect(html).toContain(`<title>${escapeHtml(evil)} · hbsim report</title>`);
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt; &amp; &quot;q&quot;');
    // Inline JSON cannot close its script element.
    for (const block of html.matchAll(/<script type="application\/json"[^>]*>([\s\S]*?)<\/script>/g)) expect(block[1]).not.toContain('<');
    expect(extractResults(html).name).toBe(evil);
  });

  it('inlines bundles that cannot end their script element', () => {
    const bundles = scriptBundles();
    expect(bundles.map((b) => b.name)).toEqual(['vega', 'vega-lite', 'vega-embed']);
    for (const b of bundles) expect(b.code).not.toMatch(/<\/script|<!--/i);
    expect(jsonForScript({ s: '</script><!-- \u2028' })).toBe('{"s":"\\u003c/script>\\u003c!-- \\u2028"}');
  });

  it('embeds the results file with its analysis, so it can be re-rendered or diffed', async () => {
    const results = syntheticSweep({ intervalsMs: [250, 500, 1000], timeoutFactors: [2, 4] });
    const html = await renderReportHtml(results);
    const embedded = extractResults(html);
    const { analysis, ...rest } = embedded;
    expect(rest).toEqual(results);
    expect(analysis?.targets).toEqual({ maxFalseSuspicionsPerNodeDay: 1 });
    expect(analysis?.frontier.length).toBeGreaterThan(0);
    expect(html.replaceAll('&nbsp;', ' ')).toContain(escapeHtml(analysis!.recommendation.sentence));
    // Re-rendering the embedded file gives the same page.
    expect(await renderReportHtml(embedded)).toBe(html);
  });

  it('is byte-identical for the same results, whatever was rendered before', async () => {
    const a = syntheticSweep();
    const first = await renderReportHtml(a);
    await renderReportHtml(syntheticSweep({ intervalsMs: [100, 200], timeoutFactors: [3] }));
    const second = await renderReportHtml(a);
    expect(second === first).toBe(true);
    expect(first).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/); // no timestamp
  });

  it('uses the targets it is given, and says which applied', async () => {
    const results = syntheticSweep({ intervalsMs: [250, 1000], timeoutFactors: [2, 4] });
    const html = await renderReportHtml(results, { targets: { maxFalseSuspicionsPerNodeDay: 5, maxDetectionP99Ms: 3000 } });
    expect(html).toContain('Targets: at most 5 false suspicions per node-day (95&nbsp;% upper bound); p99 detection at most 3&nbsp;s.');
    expect(extractResults(html).analysis?.targets).toEqual({ maxFalseSuspicionsPerNodeDay: 5, maxDetectionP99Ms: 3000 });
  });

  it('shows a column for the longest pause survived once results carry it', async () => {
    const results = syntheticSweep({ intervalsMs: [250, 1000], timeoutFactors: [2] });
    expect(await renderReportHtml(results)).not.toContain('longest pause survived');
    const withPause: ResultsFile = {
      ...results,
      cells: results.cells.map((c) => ({ ...c, metrics: { ...c.metrics, [PAUSE_METRIC]: 1500 } })),
    };
    const html = await renderReportHtml(withPause);
    expect(html).toContain('longest pause survived');
    expect(html).toContain('<td data-v="1500">1.5&nbsp;s</td>');
  });

  it('reads as a single configuration when nothing is swept (real simulation)', async () => {
    const results = simulatedSweep({ intervalsMs: [500], timeoutFactors: [4], minutes: 60, replications: 1, name: 'one' });
    expect(results.swept).toEqual([]);
    const html = await renderReportHtml(results);
    expect(html).toContain('id="chart-cdf"');
    expect(html).toContain('id="chart-timeline"');
    expect(html).not.toContain('id="chart-tradeoff"');
    expect(html).not.toContain('id="chart-heatmap-fs"');
    expect(html).toMatch(/The configuration (meets|misses) the/);
    expect(html).toContain('<details open><summary>Metrics</summary>');
  });

  it('stays under 2 MB for a 200-cell sweep, and reports its sizes', async () => {
    const sizes: Record<string, number> = {};
    const t0 = performance.now();
    const big = await renderReportHtml(sweep200());
    const renderMs = performance.now() - t0;
    sizes['200 cells'] = bytes(big);
    sizes['30 cells'] = bytes(await renderReportHtml(syntheticSweep()));
    sizes['1 cell'] = bytes(await renderReportHtml(syntheticSweep({ intervalsMs: [500], timeoutFactors: [4] })));
    console.info(`report sizes (bytes): ${JSON.stringify(sizes)}; 200-cell render ${renderMs.toFixed(0)} ms`);
    expect(sizes['200 cells']).toBeLessThan(2 * MB);
  });
});

describe('writeReport', () => {
  it('writes the rendered page atomically and leaves no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-report-'));
    const out = join(dir, 'nested', 'lossy-lan.html');
    const results = syntheticSweep({ intervalsMs: [250, 1000], timeoutFactors: [2, 4] });
    const written = await writeReport(results, out);
    const html = readFileSync(out, 'utf8');
    expect(html).toBe(await renderReportHtml(results));
    expect(written).toEqual({ path: out, bytes: bytes(html) });
    expect(readdirSync(join(dir, 'nested'))).toEqual(['lossy-lan.html']);
  });
});
