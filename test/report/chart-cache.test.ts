/**
 * The chart cache (src/report/svg.ts `ChartSpecCache`, src/cli/chart-spec-cache.ts):
 * vega's runtime spec kept by the chart's shape and reused with other data. Every
 * claim is checked on the bytes: a chart rendered from a cache entry, whether the entry
 * was made for the same results or for others of the same shape, is the SVG rendered
 * without any cache; an entry the cache cannot vouch for is never used; the files are
 * checked, bounded and never required.
 */
import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartCacheDir, fileChartSpecCache, MAX_ENTRIES, readEntry } from '../../src/cli/chart-spec-cache.js';
import { buildCharts, type Chart, type ChartSet } from '../../src/report/charts.js';
import { reportModel } from '../../src/report/data.js';
import { chartSpecKey, chartSvgKey, renderAllSvg, renderSvg, type ChartSpecCache } from '../../src/report/svg.js';
import type { ResultsFile } from '../../src/results/results-file.js';
import { warmUpResults } from '../../src/results/warm-up-results.js';
import { keptSvgs, rendererFile } from '../../src/report/svg-key.js';
import { simulatedSweep, syntheticSweep } from './fixtures.js';

/** A cache in memory that counts what it was asked. */
function memoryCache(): ChartSpecCache & { entries: Map<string, string>; gets: number; hits: number; sets: number } {
  const entries = new Map<string, string>();
  const cache = {
    entries,
    gets: 0,
    hits: 0,
    sets: 0,
    get(key: string) {
      cache.gets++;
      const entry = entries.get(key);
      if (entry !== undefined) cache.hits++;
      return entry;
    },
    set(key: string, entry: string) {
      cache.sets++;
      entries.set(key, entry);
    },
  };
  return cache;
}

const chartsOf = (results: ResultsFile): ChartSet => buildCharts(reportModel(results));

describe('the chart cache', () => {
  it('renders the same bytes from an entry as without a cache, on the run that made it and on later ones', async () => {
    const sets = [
      chartsOf(syntheticSweep({ intervalsMs: [100, 250, 1000, 2000], timeoutFactors: [1.5, 3, 8], timelineEntries: 300 })),
      chartsOf(simulatedSweep({ intervalsMs: [250, 1000], timeoutFactors: [2, 4], minutes: 20, nodes: 4 })),
      chartsOf(syntheticSweep({ intervalsMs: [1000], timeoutFactors: [3] })),
      chartsOf(warmUpResults()),
    ];
    for (const set of sets) {
      const plainWarnings: string[] = [];
      const plain = await renderAllSvg(set, plainWarnings);
      const cache = memoryCache();
      const made = await renderAllSvg(set, [], cache);
      expect(cache.sets).toBe(set.charts.length); // every chart's runtime spec could be kept
      expect(made).toEqual(plain);
      const warnings: string[] = [];
      const fromCache = await renderAllSvg(set, warnings, cache);
      expect(cache.hits).toBe(set.charts.length);
      expect(cache.sets).toBe(set.charts.length); // nothing rewritten
      expect(fromCache).toEqual(plain);
      expect(warnings).toEqual(plainWarnings);
    }
  });

  it('keeps the data out of an entry: the same specs over other rows reuse every entry and draw their own rows', async () => {
    const a = chartsOf(syntheticSweep({ intervalsMs: [250, 500, 1000], timeoutFactors: [2, 4, 8], timelineEntries: 200 }));
    // Other numbers in every row (the specs, and so the keys, stay a's).
    const scaled = (row: object) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'number' && v > 0 ? v * 1.37 : v]));
    const b: ChartSet = { charts: a.charts, datasets: Object.fromEntries(Object.entries(a.datasets).map(([name, rows]) => [name, rows.map(scaled)])) };
    const cache = memoryCache();
    const plainA = await renderAllSvg(a, [], cache);
    const plainB = await renderAllSvg(b, []);
    const cachedB = await renderAllSvg(b, [], cache);
    expect(cache.hits).toBe(b.charts.length);
    expect(cachedB).toEqual(plainB);
    // b's rows really were drawn: most charts differ from a's.
    expect(cachedB.filter((svg, i) => svg !== plainA[i]).length).toBeGreaterThanOrEqual(b.charts.length - 1);
  });

  it('misses when a spec holds numbers taken from the results (domains, thresholds): another sweep of the same grid reuses only what did not move', async () => {
    // Honest scope: the specs carry data-derived literals, so in practice an entry serves a
    // re-run of unchanged results (npm start, a CI re-run), not a changed scenario.
    const grid = { intervalsMs: [250, 500, 1000], timeoutFactors: [2, 4, 8], timelineEntries: 200 };
    const a = chartsOf(syntheticSweep({ ...grid, lossProbability: 0.02 }));
    const b = chartsOf(syntheticSweep({ ...grid, lossProbability: 0.2, hours: 3 }));
    const cache = memoryCache();
    await renderAllSvg(a, [], cache);
    const shared = b.charts.filter((c, i) => chartSpecKey(c, b.datasets) === chartSpecKey(a.charts[i]!, a.datasets)).length;
    expect(shared).toBeLessThan(b.charts.length);
    expect(await renderAllSvg(b, [], cache)).toEqual(await renderAllSvg(b, []));
    expect(cache.hits).toBe(shared);
  });

  it('keys an entry by everything compile and parse read: spec, config, dataset names', () => {
    const set = chartsOf(syntheticSweep({ intervalsMs: [250, 1000], timeoutFactors: [2, 4] }));
    const chart = set.charts[0]!;
    const key = chartSpecKey(chart, set.datasets)!;
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(chartSpecKey({ ...chart }, { ...set.datasets })).toBe(key);
    expect(chartSpecKey({ ...chart, spec: { ...chart.spec, width: 333 } as Chart['spec'] }, set.datasets)).not.toBe(key);
    expect(chartSpecKey({ ...chart, spec: { ...chart.spec, config: { ...(chart.spec.config ?? {}), padding: 3 } } as Chart['spec'] }, set.datasets)).not.toBe(key);
    expect(chartSpecKey(chart, { ...set.datasets, extra: [] })).not.toBe(key);
    // Data values are not part of it...
    const other = Object.fromEntries(Object.keys(set.datasets).map((k) => [k, []]));
    expect(chartSpecKey(chart, other)).toBe(key);
    // ...and a spec JSON would not keep as it is has no key: Infinity would read back as null.
    expect(chartSpecKey({ ...chart, spec: { ...chart.spec, width: Infinity } as Chart['spec'] }, set.datasets)).toBeUndefined();
  });

  it('never uses an entry it cannot read, and replaces it', async () => {
    const set = chartsOf(syntheticSweep({ intervalsMs: [250, 1000], timeoutFactors: [2, 4], timelineEntries: 50 }));
    const plain = await renderAllSvg(set, []);
    for (const spoil of [(e: string) => e.slice(0, e.length / 2), (e: string) => e.replace(/"\$hbsimDataset":"[^"]+"/, '"$hbsimDataset":"nosuch"'), () => 'null']) {
      const cache = memoryCache();
      await renderAllSvg(set, [], cache);
      for (const [k, e] of cache.entries) cache.entries.set(k, spoil(e));
      const sets = cache.sets;
      expect(await renderAllSvg(set, [], cache)).toEqual(plain);
      expect(cache.sets - sets).toBe(set.charts.length);
    }
  });

  it('repeats the warnings compile gave when a chart comes from its entry', async () => {
    const { set, chart } = warningChart();
    const plainWarnings: string[] = [];
    const plain = await renderSvg(chart, set.datasets, plainWarnings);
    expect(plainWarnings.length).toBeGreaterThan(0);
    const cache = memoryCache();
    const firstWarnings: string[] = [];
    expect(await renderSvg(chart, set.datasets, firstWarnings, cache)).toBe(plain);
    const againWarnings: string[] = [];
    expect(await renderSvg(chart, set.datasets, againWarnings, cache)).toBe(plain);
    expect(cache.hits).toBe(1);
    expect(firstWarnings).toEqual(plainWarnings);
    expect(againWarnings).toEqual(plainWarnings);
  });
});

describe('the SVG cache (finished charts, keyed by spec and data)', () => {
  const sets = () => [
    chartsOf(syntheticSweep({ intervalsMs: [100, 250, 1000, 2000], timeoutFactors: [1.5, 3, 8], timelineEntries: 300 })),
    chartsOf(simulatedSweep({ intervalsMs: [250, 1000], timeoutFactors: [2, 4], minutes: 20, nodes: 4 })),
    chartsOf(warmUpResults()),
  ];

  it('gives the bytes and warnings of a fresh render, and on a hit asks vega for nothing', async () => {
    for (const set of sets()) {
      const plainWarnings: string[] = [];
      const plain = await renderAllSvg(set, plainWarnings);
      const specs = memoryCache();
      const svgs = memoryCache();
      expect(await renderAllSvg(set, [], specs, svgs)).toEqual(plain);
      expect(svgs.sets).toBe(set.charts.length); // every chart's SVG could be kept
      const specGets = specs.gets;
      const warnings: string[] = [];
      expect(await renderAllSvg(set, warnings, specs, svgs)).toEqual(plain);
      expect(svgs.hits).toBe(set.charts.length);
      expect(specs.gets).toBe(specGets); // not even the runtime spec was looked up: no compile, parse or View
      expect(svgs.sets).toBe(set.charts.length);
      expect(warnings).toEqual(plainWarnings);
    }
  });

  it('misses when one number of the data moves, and draws the new number', async () => {
    const set = chartsOf(syntheticSweep({ intervalsMs: [250, 500, 1000], timeoutFactors: [2, 4, 8], timelineEntries: 100 }));
    const svgs = memoryCache();
    await renderAllSvg(set, [], undefined, svgs);
    // The same specs, one value of the first numeric field of each dataset's first row changed.
    const nudged: ChartSet['datasets'] = Object.fromEntries(
      Object.entries(set.datasets).map(([name, rows]) => {
        if (rows.length === 0) return [name, rows];
        const row = rows[0] as Record<string, unknown>;
        const field = Object.keys(row).find((k) => typeof row[k] === 'number' && (row[k] as number) > 0);
        return [name, field === undefined ? rows : [{ ...row, [field]: (row[field] as number) * 1.5 }, ...rows.slice(1)]];
      }),
    );
    const moved = { charts: set.charts, datasets: nudged };
    const changedKeys = set.charts.filter((c) => chartSvgKey(c, nudged) !== chartSvgKey(c, set.datasets)).length;
    expect(changedKeys).toBeGreaterThan(0);
    const hits = svgs.hits;
    const fromCache = await renderAllSvg(moved, [], undefined, svgs);
    expect(fromCache).toEqual(await renderAllSvg(moved, []));
    expect(svgs.hits - hits).toBe(set.charts.length - changedKeys);
  });

  it('keys by chart id, spec and data, and never keys data JSON would not keep', () => {
    const set = chartsOf(syntheticSweep({ intervalsMs: [250, 1000], timeoutFactors: [2, 4] }));
    const chart = set.charts[0]!;
    const key = chartSvgKey(chart, set.datasets)!;
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(key).not.toBe(chartSpecKey(chart, set.datasets));
    expect(chartSvgKey({ ...chart }, { ...set.datasets })).toBe(key);
    expect(chartSvgKey({ ...chart, id: `${chart.id}-b` }, set.datasets)).not.toBe(key);
    expect(chartSvgKey({ ...chart, spec: { ...chart.spec, width: 333 } as Chart['spec'] }, set.datasets)).not.toBe(key);
    const name = Object.keys(set.datasets).find((n) => set.datasets[n]!.length > 0)!;
    const rows = set.datasets[name]! as Record<string, unknown>[];
    const field = Object.keys(rows[0]!).find((k) => typeof rows[0]![k] === 'number')!;
    expect(chartSvgKey(chart, { ...set.datasets, [name]: [{ ...rows[0], [field]: Number.NaN }, ...rows.slice(1)] })).toBeUndefined();
  });

  it('never uses an entry it did not write for that chart, and replaces it', async () => {
    const set = chartsOf(syntheticSweep({ intervalsMs: [250, 1000], timeoutFactors: [2, 4], timelineEntries: 50 }));
    const plain = await renderAllSvg(set, []);
    const spoilers = [
      (e: string) => e.slice(0, e.length / 2),
      () => 'null',
      (e: string) => e.replace('"format":"hbsim-chart-svg-1"', '"format":"hbsim-chart-svg-0"'),
      (e: string) => JSON.stringify({ ...(JSON.parse(e) as object), chart: 'chart-other' }),
      (e: string) => JSON.stringify({ ...(JSON.parse(e) as object), warnings: [3] }),
    ];
    for (const spoil of spoilers) {
      const svgs = memoryCache();
      await renderAllSvg(set, [], undefined, svgs);
      for (const [k, e] of svgs.entries) svgs.entries.set(k, spoil(e));
      const written = svgs.sets;
      expect(await renderAllSvg(set, [], undefined, svgs)).toEqual(plain);
      expect(svgs.sets - written).toBe(set.charts.length);
    }
  });

  it('repeats every warning the render gave when a chart comes back whole', async () => {
    const { set, chart } = warningChart();
    const plainWarnings: string[] = [];
    const plain = await renderSvg(chart, set.datasets, plainWarnings);
    expect(plainWarnings.length).toBeGreaterThan(0);
    const specs = memoryCache();
    const svgs = memoryCache();
    for (let run = 0; run < 3; run++) {
      const warnings: string[] = ['earlier'];
      expect(await renderSvg(chart, set.datasets, warnings, specs, svgs)).toBe(plain);
      expect(warnings).toEqual(['earlier', ...plainWarnings]);
    }
    expect(svgs.hits).toBe(2);
  });

  it('gives a whole set back without vega only when every chart of it is kept (the CLI asks before any thread)', async () => {
    const set = chartsOf(syntheticSweep({ intervalsMs: [250, 1000], timeoutFactors: [2, 4], timelineEntries: 40 }));
    const svgs = memoryCache();
    expect(keptSvgs(set, svgs)).toBeUndefined();
    const warnings: string[] = [];
    const plain = await renderAllSvg(set, warnings, undefined, svgs);
    const replayed: string[] = [];
    expect(keptSvgs(set, svgs, replayed)).toEqual(plain);
    expect(replayed).toEqual(warnings);
    // One chart's entry gone: nothing is given back, and nothing is replayed.
    svgs.entries.delete(chartSvgKey(set.charts[1]!, set.datasets)!);
    const none: string[] = [];
    expect(keptSvgs(set, svgs, none)).toBeUndefined();
    expect(none).toEqual([]);
    // The rendering code is identified by its source file, here the TypeScript one.
    expect(rendererFile()).toMatch(/src[\\/]report[\\/]svg\.ts$/);
  });

  it('round-trips through the file cache the CLI uses', async () => {
    const set = chartsOf(syntheticSweep({ intervalsMs: [250, 1000], timeoutFactors: [2, 4], timelineEntries: 80 }));
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-svg-cache-'));
    const plain = await renderAllSvg(set, []);
    const first = fileChartSpecCache(dir, {})!;
    expect(await renderAllSvg(set, [], first, first)).toEqual(plain);
    const again = fileChartSpecCache(dir, {})!;
    expect(await renderAllSvg(set, [], again, again)).toEqual(plain);
    expect(again.counts).toEqual({ hits: set.charts.length, misses: 0, written: 0 });
  });
});

describe('the chart cache on disk', () => {
  const entry = JSON.stringify({ warnings: [], runtime: { operators: [], text: 'µs — ≤' } });

  it('reads back what it wrote, and nothing else: a changed or cut file is a miss', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-chart-cache-'));
    const cache = fileChartSpecCache(dir, {})!;
    expect(cache.get('a'.repeat(64))).toBeUndefined();
    cache.set('a'.repeat(64), entry);
    expect(cache.get('a'.repeat(64))).toBe(entry);
    expect(cache.counts).toEqual({ hits: 1, misses: 1, written: 1 });
    const path = join(dir, `${'a'.repeat(64)}.json`);
    const file = readFileSync(path, 'utf8');
    writeFileSync(path, file.replace('operators', 'operatorz'));
    expect(readEntry(path)).toBeUndefined();
    writeFileSync(path, file.slice(0, file.length - 3));
    expect(readEntry(path)).toBeUndefined();
    writeFileSync(path, '');
    expect(readEntry(path)).toBeUndefined();
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps the newest entries only, and skips what it cannot write', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-chart-cache-'));
    const cache = fileChartSpecCache(dir, {})!;
    for (let i = 0; i < MAX_ENTRIES; i++) {
      const key = i.toString(16).padStart(64, '0');
      cache.set(key, entry);
      utimesSync(join(dir, `${key}.json`), 1000 + i, 1000 + i);
    }
    cache.set('f'.repeat(64), entry);
    const left = readdirSync(dir);
    expect(left.length).toBe(MAX_ENTRIES);
    expect(left).not.toContain(`${'0'.repeat(64)}.json`); // the oldest went
    expect(left).toContain(`${'f'.repeat(64)}.json`);
    if (process.getuid?.() !== 0) {
      const ro = mkdtempSync(join(tmpdir(), 'hbsim-chart-cache-ro-'));
      chmodSync(ro, 0o500);
      const readOnly = fileChartSpecCache(ro, {})!;
      expect(() => readOnly.set('b'.repeat(64), entry)).not.toThrow();
      expect(readOnly.counts.written).toBe(0);
    }
    const unwritable = fileChartSpecCache(join(dir, `${'f'.repeat(64)}.json`, 'below-a-file'), {})!;
    expect(() => unwritable.set('c'.repeat(64), entry)).not.toThrow();
    expect(unwritable.counts.written).toBe(0);
  });

  it('lives beside the code caches, and is off with HBSIM_CHART_CACHE=off', () => {
    expect(chartCacheDir({ HBSIM_CODE_CACHE_DIR: '/x/y' })).toBe(join('/x/y', 'charts'));
    expect(chartCacheDir({})).toMatch(/node_modules[\\/]\.cache[\\/]hbsim[\\/]charts$/);
    expect(fileChartSpecCache('/x', { HBSIM_CHART_CACHE: 'off' })).toBeUndefined();
  });
});

/** A sweep's charts and a chart vega-lite warns about (a log colour scale on a nominal field) yet still renders. */
function warningChart(): { set: ReturnType<typeof chartsOf>; chart: Chart } {
  const set = chartsOf(syntheticSweep({ intervalsMs: [250, 1000], timeoutFactors: [2, 4] }));
  const base = set.charts.find((c) => c.id === 'chart-cost')!;
  const spec = base.spec as unknown as Record<string, unknown>;
  const chart: Chart = { ...base, spec: { ...spec, encoding: { ...(spec['encoding'] as object), color: { field: 'id', type: 'nominal', scale: { type: 'log' } } } } as unknown as Chart['spec'] };
  return { set, chart };
}
