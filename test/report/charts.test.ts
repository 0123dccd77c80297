import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildCharts, type Chart, type ChartSet } from '../../src/report/charts.js';
import { reportModel } from '../../src/report/data.js';
import { renderAllSvg } from '../../src/report/svg.js';
import type { ResultsFile } from '../../src/results/results-file.js';
import { cellWith, resultsOf, syntheticSweep } from './fixtures.js';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), 'golden', 'charts-small.json');

type Json = Record<string, unknown>;

interface Read {
  readonly data: string | undefined;
  readonly field: string;
  readonly where: string;
}

/**
 * Every field a spec reads from its dataset, with the dataset's name (names are
 * inherited by layers and concatenated views). Fields that a transform derives
 * (calculate, aggregate) on the way are not read from the dataset and are skipped.
 */
function fieldsRead(spec: Json, dataName: string | undefined, inherited: ReadonlySet<string>, out: Read[], where: string): void {
  const data = (spec['data'] as { name?: string } | undefined)?.name ?? dataName;
  const derived = new Set(inherited);
  const transforms = (spec['transform'] as Json[] | undefined) ?? [];
  for (const t of transforms) {
    const filter = t['filter'];
    if (typeof filter === 'string') {
      for (const m of filter.matchAll(/datum\.(\w+)/g)) if (!derived.has(m[1]!)) out.push({ data, field: m[1]!, where: `${where}.filter` });
    }
    if (typeof t['as'] === 'string') derived.add(t['as']);
    for (const a of (t['aggregate'] as Json[] | undefined) ?? []) derived.add(a['as'] as string);
  }
  for (const [channel, def] of Object.entries((spec['encoding'] as Json | undefined) ?? {})) {
    for (const d of Array.isArray(def) ? def : [def]) {
      const field = (d as Json | undefined)?.['field'];
      if (typeof field === 'string' && !derived.has(field)) out.push({ data, field, where: `${where}.${channel}` });
    }
  }
  for (const key of ['layer', 'vconcat', 'hconcat'] as const) {
    ((spec[key] as Json[] | undefined) ?? []).forEach((child, i) => fieldsRead(child, data, derived, out, `${where}.${key}[${i}]`));
  }
}

function chart(set: ChartSet, id: string): Chart {
  const found = set.charts.find((c) => c.id === id);
  if (!found) throw new Error(`no chart ${id}`);
  return found;
}

/** Three hand-made cells over one swept parameter, with a known frontier and recommendation. */
function handMade(): ResultsFile {
  const p = (v: string) => ({ 'heartbeat.interval': v });
  return resultsOf([
    cellWith('250ms', 600, 12, { fsHigh: 15, params: p('250ms') }),
    cellWith('500ms', 1500, 0.4, { fsHigh: 0.8, params: p('500ms') }),
    cellWith('750ms', 2000, 0.6, { fsHigh: 1.1, params: p('750ms') }), // dominated by 500ms
    cellWith('1s', 3000, 0, { fsHigh: 0.3, count: 0, params: p('1s') }),
  ]);
}

describe('report charts', () => {
  it('read only fields that their datasets carry', () => {
    for (const results of [syntheticSweep(), handMade(), syntheticSweep({ intervalsMs: [500], timeoutFactors: [4] })]) {
      const set = buildCharts(reportModel(results));
      for (const c of set.charts) {
        const reads: Read[] = [];
        fieldsRead(c.spec as unknown as Json, undefined, new Set(), reads, c.id);
        expect(reads.length).toBeGreaterThan(0);
        for (const r of reads) {
          expect(r.data, r.where).toBeDefined();
          const rows = set.datasets[r.data!] as Json[] | undefined;
          expect(rows, `${r.where}: dataset ${r.data}`).toBeDefined();
          if (rows!.length > 0) expect(rows!.some((row) => r.field in row), `${r.where}: ${r.data}.${r.field}`).toBe(true);
        }
      }
    }
  });

  it('flag the frontier and the recommended cell of a hand-made set correctly', () => {
    const set = buildCharts(reportModel(handMade()));
    const rows = set.datasets['cells'] as { id: string; frontier: boolean; recommended: boolean; fsZero: boolean; fsX: number; fsHi: number }[];
    expect(rows.filter((r) => r.frontier).map((r) => r.id)).toEqual(['250ms', '500ms', '1s']);
    expect(rows.filter((r) => r.recommended).map((r) => r.id)).toEqual(['500ms']);
    // The zero-count cell sits at the axis floor, its bar reaching its upper bound.
    const zero = rows.find((r) => r.id === '1s')!;
    expect(zero.fsZero).toBe(true);
    expect(zero.fsX).toBeLessThan(0.4);
    expect(zero.fsHi).toBe(0.3);
  });

  it('show a trade-off chart, three heatmaps, the CDF, the timeline and the cost for a sweep', () => {
    const set = buildCharts(reportModel(syntheticSweep()));
    expect(set.charts.map((c) => c.id)).toEqual([
      'chart-tradeoff',
      'chart-heatmap-fs',
      'chart-heatmap-p99',
      'chart-heatmap-qa',
      'chart-cost',
      'chart-cdf',
      'chart-timeline',
    ]);
    const tradeoff = chart(set, 'chart-tradeoff').spec as unknown as { layer: Json[]; encoding: Json };
    expect((tradeoff.encoding['x'] as Json)['scale']).toMatchObject({ type: 'log' });
    expect(tradeoff.layer[0]).toMatchObject({ transform: [{ filter: 'datum.frontier' }], mark: { type: 'line', interpolate: 'step-after' } });
    const points = tradeoff.layer.find((l) => Array.isArray((l['encoding'] as Json | undefined)?.['tooltip']))!;
    const tooltip = ((points['encoding'] as Json)['tooltip'] as { field: string }[]).map((t) => t.field);
    expect(tooltip).toEqual(expect.arrayContaining(['tP50', 'tP99', 'tFs', 'tFd', 'tMd', 'tMr', 'tQa', 'tMsgs', 'tCrashes', 'tNh']));
    expect((points['encoding'] as Json)['color']).toMatchObject({ field: 'a' });
    expect((points['encoding'] as Json)['shape']).toMatchObject({ field: 'b' });
  });

  it('the P_A heatmap promises labels only when it prints them (#14)', () => {
    for (const model of [reportModel(syntheticSweep()), { ...reportModel(syntheticSweep()), heatmapLabels: false }]) {
      const qa = chart(buildCharts(model), 'chart-heatmap-qa');
      const printsLabels = (qa.spec as unknown as { layer: Json[] }).layer.some((l) => (l['mark'] as Json | undefined)?.['type'] === 'text');
      expect(qa.caption.startsWith('Labels give P_A'), qa.caption).toBe(printsLabels);
    }
  });

  it('keep to the distribution and the timeline when nothing is swept', () => {
    const single = syntheticSweep({ intervalsMs: [500], timeoutFactors: [4] });
    const set = buildCharts(reportModel({ ...single, swept: [], cells: single.cells.map((c) => ({ ...c, params: {} })) }));
    expect(set.charts.map((c) => c.id)).toEqual(['chart-cdf', 'chart-timeline']);
  });

  it('compile and render without a vega or vega-lite warning', async () => {
    for (const results of [syntheticSweep(), handMade()]) {
      const warnings: string[] = [];
      const svgs = await renderAllSvg(buildCharts(reportModel(results)), warnings);
      expect(warnings).toEqual([]);
      for (const svg of svgs) expect(svg).toMatch(/^<svg [^>]*class="marks"/);
    }
  });

  it('match the golden specs and data (UPDATE_GOLDEN=1 rewrites them)', () => {
    const small = syntheticSweep({ intervalsMs: [250, 1000], timeoutFactors: [2, 4, 8], timelineEntries: 20, hours: 12 });
    const actual = `${JSON.stringify(buildCharts(reportModel(small)), null, 1)}\n`;
    if (process.env['UPDATE_GOLDEN'] === '1') {
      mkdirSync(dirname(GOLDEN), { recursive: true });
      writeFileSync(GOLDEN, actual);
    }
    expect(existsSync(GOLDEN), `${GOLDEN} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
    expect(actual).toBe(readFileSync(GOLDEN, 'utf8'));
  });
});

describe('the timeline model', () => {
  it('tells false suspicions from correct ones, and zooms on the first false one', () => {
    const results = resultsOf([cellWith('x', 1000, 1)], {
      scenario: { name: 'hand-made', duration: '2m' },
      sample: {
        cell: 'x',
        duration_ms: 120_000,
        timeline: {
          dropped: 0,
          entries: [
            { t_ms: 10_000, node: 'b', event: 'crash' },
            { t_ms: 12_500, node: 'b', event: 'verdict', from: 'ALIVE', to: 'SUSPECTED', cause: 'timer' },
            { t_ms: 20_000, node: 'a', event: 'verdict', from: 'ALIVE', to: 'SUSPECTED', cause: 'timer' },
            { t_ms: 20_400, node: 'a', event: 'verdict', from: 'SUSPECTED', to: 'ALIVE', cause: 'heartbeat' },
            { t_ms: 30_000, node: 'b', event: 'recover' },
            { t_ms: 30_800, node: 'b', event: 'verdict', from: 'SUSPECTED', to: 'ALIVE', cause: 'heartbeat' },
          ],
        },
      },
    });
    const t = reportModel(results).timeline!;
    expect(t.endS).toBe(120);
    expect(t.nodes).toEqual(['a', 'b']);
    expect(t.falseSuspicions).toBe(1);
    expect(t.states.map(({ node, s, e, state, wrong }) => ({ node, s, e, state, wrong }))).toEqual([
      { node: 'a', s: 20, e: 20.4, state: 'SUSPECTED', wrong: true },
      { node: 'b', s: 12.5, e: 30.8, state: 'SUSPECTED', wrong: false },
    ]);
    expect(t.down).toEqual([{ node: 'b', s: 10, e: 30 }]);
    expect(t.window![0]).toBeLessThan(20);
    expect(t.window![1]).toBeGreaterThan(20.4);
    expect(t.windowReason).toBe('around the first false suspicion');
  });
});
