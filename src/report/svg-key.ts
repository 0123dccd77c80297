/**
 * What the report's chart caches are keyed by, without vega: the spec as the static
 * copy renders it, and the key and entry of a chart's finished SVG (svg.ts keeps
 * them; src/cli/chart-worker.ts looks a report's charts up before any thread or vega is
 * asked, so a re-run whose results did not change loads no vega at all).
 *
 * A finished SVG depends on the spec with its data, vega's and vega-lite's versions,
 * and hbsim's own rendering code (svg.ts: the static-copy config, coordinate rounding,
 * id scoping). That code is identified by the bytes of the file that holds it, read from
 * the package (dist/report/svg.js, which the bundles are built from; src/report/svg.ts
 * run from the sources): any edit to it is another key, on every thread alike.
 */
import { hash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { withData, type Chart, type ChartSet } from './charts.js';
import { installedVersion } from './bundles.js';

/** The font the static SVG names; html.ts styles `svg text` with the page's font stack. */
export const STATIC_FONT = 'sans-serif';

/**
 * The chart's vega-lite spec as rendered (static-copy config) and the names of the
 * datasets it can read: what compile and parse depend on, besides vega and vega-lite.
 */
export function staticSpec(chart: Chart, datasets: ChartSet['datasets']) {
  // No aria descriptions in the static copy: they repeat every tooltip per mark and
  // would double the file; the table below the charts carries the same numbers. The
  // font stack is set once by the page's CSS rather than on every <text>.
  const spec = withData(chart, datasets);
  return { ...spec, config: { ...(spec.config ?? {}), aria: false, font: STATIC_FONT } } as typeof spec;
}

/** True when JSON.parse(JSON.stringify(value)) is `value` again, structurally. */
export function jsonSafe(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.every(jsonSafe);
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value).every((v) => v !== undefined && jsonSafe(v));
}

/** Bumped whenever what an SVG entry holds, or how it is read, changes. */
const SVG_ENTRY_FORMAT = 'hbsim-chart-svg-1';

/** An SVG entry: the chart's finished SVG and every warning its render gave (replayed on a hit). */
interface SvgEntry {
  readonly format: string;
  readonly chart: string;
  readonly warnings: readonly string[];
  readonly svg: string;
}

/**
 * The file of the rendering code, from this module's place in the package: dist/<dir>/
 * (dist/report/, or dist/bundle/ for a bundle) or src/report/ — two levels below the
 * package root in each. The compiled file when there is one (the bundles are built from
 * it), else the TypeScript source (vitest, `npm run dev`).
 */
export function rendererFile(root: string = fileURLToPath(new URL('../..', import.meta.url))): string {
  const compiled = join(root, 'dist', 'report', 'svg.js');
  // tsx gives a module's URL a query (?tsx-namespace=…): look at the path alone.
  return existsSync(compiled) && !new URL(import.meta.url).pathname.endsWith('.ts') ? compiled : join(root, 'src', 'report', 'svg.ts');
}

let rendererDigest: string | null | undefined;
/** SHA-256 of the rendering code's file, read once per thread; null if it cannot be read (then nothing is kept). */
function rendererIdentity(): string | null {
  if (rendererDigest === undefined) {
    try {
      rendererDigest = hash('sha256', readFileSync(rendererFile()), 'hex');
    } catch {
      rendererDigest = null;
    }
  }
  return rendererDigest;
}

/**
 * The key of a chart's finished SVG: SHA-256 of the entry format, vega's and vega-lite's
 * versions, hbsim's rendering code (rendererIdentity), the chart's id (its SVG's ids are
 * scoped by it) and the spec as rendered, datasets and all. Undefined when the spec or
 * its data hold a value JSON would not keep as it is (two charts could then share a key):
 * such a chart is always rendered; so is every chart when the rendering code's file
 * cannot be read.
 */
export function chartSvgKey(chart: Chart, datasets: ChartSet['datasets']): string | undefined {
  const renderer = rendererIdentity();
  const spec = staticSpec(chart, datasets);
  if (renderer === null || !jsonSafe(spec)) return undefined;
  return hash('sha256', JSON.stringify([SVG_ENTRY_FORMAT, installedVersion('vega'), installedVersion('vega-lite'), renderer, chart.id, spec]), 'hex');
}

/** An SVG entry's text. */
export function svgEntry(chartId: string, warnings: readonly string[], svg: string): string {
  return JSON.stringify({ format: SVG_ENTRY_FORMAT, chart: chartId, warnings, svg } satisfies SvgEntry);
}

/** The SVG entry's content if it is one this code wrote for `chartId`, else undefined (then the chart is rendered and the entry replaced). */
export function svgOf(entry: string | undefined, chartId: string): { svg: string; warnings: readonly string[] } | undefined {
  if (entry === undefined) return undefined;
  try {
    const parsed = JSON.parse(entry) as Partial<SvgEntry>;
    if (parsed.format !== SVG_ENTRY_FORMAT || parsed.chart !== chartId || typeof parsed.svg !== 'string' || !Array.isArray(parsed.warnings) || !parsed.warnings.every((w) => typeof w === 'string')) return undefined;
    return { svg: parsed.svg, warnings: parsed.warnings };
  } catch {
    return undefined;
  }
}

/**
 * Every chart's SVG read back from `cache`, in order, or undefined unless all of them are
 * there (then the set is rendered as usual). Their warnings go to `warnings`.
 */
export function keptSvgs(set: ChartSet, cache: { get(key: string): string | undefined }, warnings: string[] = []): string[] | undefined {
  const svgs: string[] = [];
  const replayed: string[] = [];
  for (const chart of set.charts) {
    const key = chartSvgKey(chart, set.datasets);
    const kept = key === undefined ? undefined : svgOf(cache.get(key), chart.id);
    if (kept === undefined) return undefined;
    svgs.push(kept.svg);
    replayed.push(...kept.warnings);
  }
  warnings.push(...replayed);
  return svgs;
}
