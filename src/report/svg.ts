/**
 * Server-side rendering of the report's charts to static SVG, so the page reads
 * without JavaScript and in CI artifact viewers. Vega runs headless (renderer
 * 'none', no canvas, no DOM); text widths are estimated, so the static copy is a few
 * pixels off the live one. The output is deterministic: the same spec gives the same
 * bytes (docs/report.md, "Determinism").
 */
import { logger, parse, View, Warn } from 'vega';
import { compile } from 'vega-lite';
import { withData, type Chart, type ChartSet } from './charts.js';

/**
 * The chart as an SVG document; vega escapes every text it writes. Warnings of
 * vega-lite and vega go to `warnings` (tests require none) instead of the console.
 */
export async function renderSvg(chart: Chart, datasets: ChartSet['datasets'], warnings: string[] = []): Promise<string> {
  const log = logger(Warn, 'warn', (_method, level, args) => {
    const message = args.map(String).join(' ');
    // Interactive charts listen to `window` events; headless there is no window, and no events.
    if (!message.startsWith('Can not resolve event source: window')) warnings.push(`${chart.id}: ${level} ${message}`);
  });
  // No aria descriptions in the static copy: they repeat every tooltip per mark and
  // would double the file; the table below the charts carries the same numbers. The
  // font stack is set once by the page's CSS rather than on every <text>.
  const spec = withData(chart, datasets);
  const config = { ...(spec.config ?? {}), aria: false, font: STATIC_FONT };
  const vegaSpec = compile({ ...spec, config } as typeof spec, { logger: log }).spec;
  const view = new View(parse(vegaSpec), { renderer: 'none', logger: log });
  try {
    return scopeIds(roundCoordinates(await view.toSVG()), chart.id);
  } finally {
    view.finalize();
  }
}

/** The font the static SVG names; html.ts styles `svg text` with the page's font stack. */
export const STATIC_FONT = 'sans-serif';

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

/** Every chart of the set, in order. */
export async function renderAllSvg(set: ChartSet, warnings: string[] = []): Promise<string[]> {
  const out: string[] = [];
  // One at a time: vega views are cheap, and the order of warnings stays stable.
  for (const chart of set.charts) out.push(await renderSvg(chart, set.datasets, warnings));
  return out;
}
