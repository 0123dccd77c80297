/**
 * The report's chart thread (chart-worker.ts starts it): lowers its own priority first,
 * then loads the work (chart-worker-jobs.ts: vega, the warm-up, the jobs) and runs it.
 * Loaded after the priority is lowered, so that vega loads at the lowered priority.
 *
 * Compiled and bundled (dist/bundle/), the work comes from dist/bundle/report.cjs, the
 * report as one CommonJS file that bin/code-cache.js compiles with a V8 code cache
 * (build-dist.js says why it can be CommonJS: vega-canvas's top-level await is left
 * out): vega then loads from the bytecode an earlier run compiled, and renders its
 * first charts without compiling its functions first. Without that file, with
 * HBSIM_CODE_CACHE=off, or if it fails to load, the ES module (chart-worker-jobs.js) runs.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parentPort } from 'node:worker_threads';
import { CHART_THREAD_NICE, lowerPriority } from './chart-worker-priority.js';
import type { ChartReply, runChartThread } from './chart-worker-jobs.js';

if (lowerPriority()) parentPort?.postMessage({ mark: `nice ${CHART_THREAD_NICE}`, atEpochMs: performance.timeOrigin + performance.now() } satisfies ChartReply);

/** The report's CommonJS file beside this one, only where the bundle put it. */
const REPORT_BUNDLE = new URL('./report.cjs', import.meta.url);

interface CodeCacheLoader {
  loadWithCodeCache(root: string, bundle: string, argv: readonly string[]): { exports: { runChartThread?: typeof runChartThread }; finish(): void };
}

async function fromCommonJs(): Promise<{ run: typeof runChartThread; finish: () => void } | undefined> {
  if (process.env.HBSIM_CODE_CACHE === 'off' || !existsSync(REPORT_BUNDLE)) return undefined;
  try {
    // bin/ is two levels up from dist/bundle/; a computed specifier, so the bundler leaves it to node.
    const loader = (await import(new URL('../../bin/code-cache.js', import.meta.url).href)) as CodeCacheLoader;
    const loaded = loader.loadWithCodeCache(fileURLToPath(new URL('../..', import.meta.url)), fileURLToPath(REPORT_BUNDLE), ['run']);
    const run = loaded.exports.runChartThread;
    return typeof run === 'function' ? { run, finish: () => loaded.finish() } : undefined;
  } catch (error) {
    if (process.env.HBSIM_CODE_CACHE === 'trace') process.stderr.write(`hbsim: code cache (worker): failed to load ${fileURLToPath(REPORT_BUNDLE)} (${error instanceof Error ? error.message : String(error)}); running the ES bundle\n`);
    return undefined;
  }
}

const commonJs = await fromCommonJs();
if (commonJs !== undefined) await commonJs.run(commonJs.finish);
else await (await import('./chart-worker-jobs.js')).runChartThread();
