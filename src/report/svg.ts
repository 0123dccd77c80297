/**
 * Server-side rendering of the report's charts to static SVG, so the page reads
 * without JavaScript and in CI artifact viewers. Vega runs headless (renderer
 * 'none', no canvas, no DOM); text widths are estimated, so the static copy is a few
 * pixels off the live one. The output is deterministic: the same spec gives the same
 * bytes (docs/report.md, "Determinism").
 *
 * A chart goes vega-lite spec → (vega-lite's compile) vega spec → (vega's parse) vega
 * runtime spec → (a vega View's dataflow) SVG. The first two steps read only the
 * spec's shape, never its data: vega-lite puts each named dataset into the vega spec
 * by reference and vega's parse into an ingest operator, by reference again. So their
 * output, the runtime spec with the datasets left out, can be kept (`ChartSpecCache`,
 * which the CLI backs with files: src/cli/chart-spec-cache.ts) and reused for a chart of
 * the same shape with other numbers; vega-lite then never even loads. They are ~60 % of
 * a warm render and most of a cold one (2026-12-05, npm start's 7 charts: 520–560 ms
 * CPU cold with them, 230–260 without).
 *
 * The last step, the View's dataflow and SVG writer, reads the data too, so its output
 * can only be kept by a key that holds the data as well (`chartSvgKey`): a chart whose
 * spec and rows are both unchanged — the same scenario run again (npm start, CI re-running
 * an unchanged gate: results are a function of the inputs) — is then read back whole and
 * vega does nothing at all. Renderers opt in (`svgCache`): the chart thread's warm-up must
 * really render to warm vega's JIT up, so it passes none.
 */
import { logger, parse, version as vegaVersion, View, Warn, type Spec } from 'vega';
import { hash } from 'node:crypto';
import type { Chart, ChartSet } from './charts.js';
import { installedVersion } from './bundles.js';
import { chartSvgKey, jsonSafe, staticSpec, svgEntry, svgOf } from './svg-key.js';

export { chartSvgKey, STATIC_FONT } from './svg-key.js';

/**
 * Where the runtime specs of charts already rendered are kept, by a key (a SHA-256 in
 * hex) that names everything they depend on (chartSpecKey). `get` returns what `set`
 * was given, or undefined; a store that loses or refuses an entry only costs time.
 */
export interface ChartSpecCache {
  get(key: string): string | undefined;
  set(key: string, entry: string): void;
}

/** Bumped whenever what a cache entry holds, or how it is read, changes. */
const ENTRY_FORMAT = 'hbsim-chart-runtime-1';

/** Where a dataset goes in a cached runtime spec: `{ "$hbsimDataset": name }`. */
const DATASET_MARK = '$hbsimDataset';

/** What a cache entry holds: the runtime spec (datasets marked) and the warnings compile and parse gave. */
interface CacheEntry {
  readonly warnings: readonly string[];
  readonly runtime: unknown;
}

/**
 * The cache key of a chart: SHA-256 of the entry format, vega's and vega-lite's
 * versions, the spec without its data and the datasets' names, in order. Undefined when
 * the spec holds a value JSON would not keep as it is (a non-finite number, undefined,
 * a function...): two such specs could share a key, so they are never cached.
 */
export function chartSpecKey(chart: Chart, datasets: ChartSet['datasets']): string | undefined {
  const shape = staticSpec(chart, {}) as unknown as Record<string, unknown>;
  delete shape['datasets'];
  if (!jsonSafe(shape)) return undefined;
  return hash('sha256', JSON.stringify([ENTRY_FORMAT, vegaVersion, installedVersion('vega-lite'), Object.keys(datasets), shape]), 'hex');
}

/**
 * vega-lite's compile then vega's parse of the chart's shape: each dataset is an empty
 * placeholder array, which comes out of the runtime spec as a mark. Returns the cache
 * entry's text, or undefined when the runtime spec is not plain JSON or a placeholder went
 * missing on the way (then nothing is cached and the chart renders as without a cache).
 */
async function compileShape(chart: Chart, datasets: ChartSet['datasets'], log: ReturnType<typeof logger>, warnings: string[]): Promise<string | undefined> {
  const { compile } = await import('vega-lite');
  const placeholders = new Map<readonly object[], string>(Object.keys(datasets).map((name) => [[], name]));
  const first = warnings.length;
  const vegaSpec = compile(staticSpec(chart, Object.fromEntries([...placeholders].map(([p, name]) => [name, p]))), { logger: log }).spec as Spec;
  const runtime = parse(vegaSpec) as object;
  // Each dataset the vega spec inlines must come out as a mark, or the entry would render it empty.
  const inlined = (vegaSpec.data ?? []).filter((d) => placeholders.has((d as { values?: object[] }).values!)).length;
  let marked = 0;
  let safe = true;
  const text = JSON.stringify({ warnings: warnings.slice(first), runtime } satisfies CacheEntry, (_key, value: unknown) => {
    if (Array.isArray(value) && placeholders.has(value)) {
      marked++;
      return { [DATASET_MARK]: placeholders.get(value) };
    }
    // A property whose value is undefined is left out, which vega's runtime reads alike
    // (it only ever reads such values, never asks whether the key is there); a function or
    // a number JSON would change is not.
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint' || (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0)))) safe = false;
    return value;
  });
  return safe && inlined > 0 && marked >= inlined ? text : undefined;
}

/** The runtime spec of a cache entry, with the datasets put in by reference (as vega-lite and vega would). */
function runtimeOf(entry: string, datasets: ChartSet['datasets'], warnings: string[]): object | undefined {
  const parsed = JSON.parse(entry, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && DATASET_MARK in value) {
      const name = (value as Record<string, unknown>)[DATASET_MARK] as string;
      if (!(name in datasets)) throw new Error(`cached chart reads a dataset "${name}" the report does not have`);
      return datasets[name];
    }
    return value;
  }) as CacheEntry;
  warnings.push(...parsed.warnings);
  return parsed.runtime as object;
}

/**
 * The chart as an SVG document; vega escapes every text it writes. Warnings of
 * vega-lite and vega go to `warnings` (tests require none) instead of the console; a
 * cached chart repeats the ones its compile and parse gave. With `cache`, the runtime
 * spec of a chart of the same shape is reused (see the header) and a new one stored.
 * With `svgCache`, a chart whose spec and data are both unchanged is read back whole
 * (svg-key.ts chartSvgKey, with the warnings its render gave) and a new one stored.
 */
export async function renderSvg(chart: Chart, datasets: ChartSet['datasets'], warnings: string[] = [], cache?: ChartSpecCache, svgCache?: ChartSpecCache): Promise<string> {
  const svgKey = svgCache === undefined ? undefined : chartSvgKey(chart, datasets);
  const kept = svgKey === undefined ? undefined : svgOf(svgCache!.get(svgKey), chart.id);
  if (kept !== undefined) {
    warnings.push(...kept.warnings);
    return kept.svg;
  }
  const first = warnings.length;
  const svg = await renderSvgAfresh(chart, datasets, warnings, cache);
  if (svgKey !== undefined) svgCache!.set(svgKey, svgEntry(chart.id, warnings.slice(first), svg));
  return svg;
}

async function renderSvgAfresh(chart: Chart, datasets: ChartSet['datasets'], warnings: string[], cache: ChartSpecCache | undefined): Promise<string> {
  const log = logger(Warn, 'warn', (_method, level, args) => {
    const message = args.map(String).join(' ');
    // Interactive charts listen to `window` events; headless there is no window, and no events.
    if (!message.startsWith('Can not resolve event source: window')) warnings.push(`${chart.id}: ${level} ${message}`);
  });
  const key = cache === undefined ? undefined : chartSpecKey(chart, datasets);
  let runtime: object | undefined;
  const stored = key === undefined ? undefined : cache!.get(key);
  if (stored !== undefined) {
    try {
      runtime = runtimeOf(stored, datasets, warnings);
    } catch {
      runtime = undefined; // an entry this code cannot read is one it did not write: made afresh and replaced
    }
  }
  if (runtime === undefined && key !== undefined) {
    // A new shape: its entry is made and then read back like any stored one, so that the
    // first run of a shape renders exactly what every later one will.
    const entry = await compileShape(chart, datasets, log, warnings);
    if (entry !== undefined) {
      cache!.set(key, entry);
      runtime = runtimeOf(entry, datasets, []);
    }
  }
  if (runtime === undefined) {
    const { compile } = await import('vega-lite');
    runtime = parse(compile(staticSpec(chart, datasets), { logger: log }).spec as Spec);
  }
  const view = new View(runtime as ReturnType<typeof parse>, { renderer: 'none', logger: log });
  try {
    return scopeIds(roundCoordinates(await view.toSVG()), chart.id);
  } finally {
    view.finalize();
  }
}

const GEOMETRY_ATTRIBUTE = /\s(d|transform|x|y|x1|x2|y1|y2|width|height)="([^"]*)"/g;

/** Geometry to 0.01 px: vega writes 15-digit coordinates, which only add bytes. Text is untouched. */
export function roundCoordinates(svg: string): string {
  return svg.replace(GEOMETRY_ATTRIBUTE, (_all, name: string, value: string) => {
    const rounded = value.replace(/-?\d+\.\d{3,}/g, (n) => String(Math.round(Number(n) * 100) / 100));
    return ` ${name}="${rounded}"`;
  });
}

/**
 * Vega numbers clip paths and gradients from a process-wide counter ("clip17"), so the
 * ids would depend on what was rendered before, and the live charts in the page count
 * from 1 again and would point at the static copies' clip paths. Each id becomes
 * "<chart id>-<kind><n>", numbered from 1 in order of appearance.
 */
export function scopeIds(svg: string, scope: string): string {
  const renamed = new Map<string, string>();
  const counts = new Map<string, number>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) {
    const id = m[1]!;
    if (renamed.has(id)) continue;
    const kind = id.replace(/[_-]?\d+$/, '');
    const n = (counts.get(kind) ?? 0) + 1;
    counts.set(kind, n);
    renamed.set(id, `${scope}-${kind}${n}`);
  }
  return svg.replace(/(\sid="|url\(#|href="#)([^")]+)/g, (all, lead: string, id: string) => {
    const to = renamed.get(id);
    return to === undefined ? all : `${lead}${to}`;
  });
}

/** Every chart of the set, in order (`cache`, `svgCache`: as renderSvg's). */
export async function renderAllSvg(set: ChartSet, warnings: string[] = [], cache?: ChartSpecCache, svgCache?: ChartSpecCache): Promise<string[]> {
  const out: string[] = [];
  // One at a time: vega views are cheap, and the order of warnings stays stable.
  for (const chart of set.charts) out.push(await renderSvg(chart, set.datasets, warnings, cache, svgCache));
  return out;
}
