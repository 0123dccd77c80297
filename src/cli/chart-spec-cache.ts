/**
 * The report's chart cache on disk (src/report/svg.ts `ChartSpecCache`): vega's runtime
 * spec of each chart shape already rendered, so that a later report of the same shape
 * (the same scenario run again, another seed, other numbers) skips vega-lite's compile
 * and vega's parse, and never loads vega-lite. Measured on npm start's 7 charts
 * (2026-12-05): 520–560 ms of CPU to render them in a fresh thread without, 230–260 ms with.
 * The same store keeps the real charts' finished SVGs, under keys that hold their data
 * too (svg.ts chartSvgKey): a re-run with unchanged results renders no chart at all.
 *
 * Beside the code caches (bin/code-cache.js): node_modules/.cache/hbsim/charts/ of the
 * project hbsim is installed in (of the checkout, for a source checkout), or
 * HBSIM_CODE_CACHE_DIR/charts. One file per shape, `<key>.json`: a first line naming
 * the format, then the SHA-256 of the rest, checked on every read (a truncated or
 * damaged file is a miss, and is replaced); written whole or not at all (temporary file
 * + rename). At most MAX_ENTRIES files: the least recently written go first. Any failure
 * to read or write is a miss or a skipped write: the cache costs time, never a report.
 * HBSIM_CHART_CACHE=off renders every chart afresh.
 */
import { hash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChartSpecCache } from '../report/svg.js';

const MAGIC = 'hbsim-chart-cache-1';
/** ~40–140 kB an entry (runtime specs; finished SVGs, the timeline the largest): ~20 MB at most. */
export const MAX_ENTRIES = 200;

/**
 * The directory of the chart cache: as bin/code-cache.js's `codeCacheDir`, from this
 * file's place in the package (dist/cli/, dist/bundle/ or, under vitest, src/cli/: the
 * package root is two levels up in each).
 */
export function chartCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env.HBSIM_CODE_CACHE_DIR) return join(env.HBSIM_CODE_CACHE_DIR, 'charts');
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const parent = dirname(root.replace(/[\\/]$/, ''));
  const base = basename(parent) === 'node_modules' ? join(parent, '.cache', 'hbsim') : join(root, 'node_modules', '.cache', 'hbsim');
  return join(base, 'charts');
}

/** What a cache did, for tests and HBSIM_TIMINGS notes. */
export interface ChartCacheCounts {
  hits: number;
  misses: number;
  written: number;
}

/** The cache in `dir`, with counts of what it did; undefined when HBSIM_CHART_CACHE=off. */
export function fileChartSpecCache(dir: string, env: Readonly<Record<string, string | undefined>> = process.env): (ChartSpecCache & { readonly counts: ChartCacheCounts }) | undefined {
  if (env.HBSIM_CHART_CACHE === 'off') return undefined;
  const counts: ChartCacheCounts = { hits: 0, misses: 0, written: 0 };
  const pathOf = (key: string) => join(dir, `${key}.json`);
  return {
    counts,
    get(key) {
      const entry = readEntry(pathOf(key));
      if (entry === undefined) counts.misses++;
      else counts.hits++;
      return entry;
    },
    set(key, entry) {
      if (writeEntry(dir, pathOf(key), entry)) counts.written++;
    },
  };
}

/** The entry in the file at `path` if it is whole, else undefined. */
export function readEntry(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const first = text.indexOf('\n');
  const second = text.indexOf('\n', first + 1);
  if (first < 0 || second < 0 || text.slice(0, first) !== MAGIC) return undefined;
  const body = text.slice(second + 1);
  return hash('sha256', body, 'hex') === text.slice(first + 1, second) ? body : undefined;
}

function writeEntry(dir: string, path: string, entry: string): boolean {
  // (node:worker_threads loaded only when a chart is written: a run with no report never loads it.)
  const temporary = `${path}.${process.pid}-${process.getBuiltinModule('node:worker_threads').threadId}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(temporary, `${MAGIC}\n${hash('sha256', entry, 'hex')}\n${entry}`);
    renameSync(temporary, path);
    evictOldest(dir);
    return true;
  } catch {
    return false; // unwritable (a read-only install): the chart just renders afresh next time
  } finally {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // its directory cannot even be read: nothing was written there
    }
  }
}

/** Keeps the newest MAX_ENTRIES entries (by the time they were written). */
function evictOldest(dir: string): void {
  const entries = readdirSync(dir).filter((name) => name.endsWith('.json'));
  if (entries.length <= MAX_ENTRIES) return;
  const byAge = entries.map((name) => ({ name, at: statSync(join(dir, name)).mtimeMs })).sort((a, b) => a.at - b.at || (a.name < b.name ? -1 : 1));
  for (const { name } of byAge.slice(0, entries.length - MAX_ENTRIES)) rmSync(join(dir, name), { force: true });
}
