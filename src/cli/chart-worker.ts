/**
 * The report's charts rendered on a thread that warmed up while the run simulated.
 *
 * Rendering a report's charts with vega costs ~0.65 s on a cold thread (load vega and
 * vega-lite, then 83–210 ms per chart while the JIT warms up) against ~0.2–0.3 s warm.
 * A run that simulates on the main thread (the cost model's inline decision) leaves the
 * other core idle for its whole length, so `hbsim run` starts this thread at once: it
 * loads vega and renders a small made-up sweep's charts (src/results/warm-up-results.ts) while the
 * main thread simulates, then renders the real charts — the same code on the same
 * specs, so the same bytes (test/cli/chart-worker.test.ts) — while the main thread
 * writes the rest of the page. The main thread never loads vega.
 *
 * Only where it can pay: a report will be written, the run is inline and the machine
 * has a second core to spare (`wantsChartWorker`). If the thread fails or exits, the charts
 * render on the main thread as they would without it. The thread is unref'd except while
 * it renders a job, so it never keeps the process alive.
 */
import { availableParallelism, loadavg } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { ChartSet } from '../report/charts.js';
import type { ChartRenderer } from '../report/html.js';
import type { ChartJob, ChartReply } from './chart-worker-jobs.js';
import { chartCacheDir, fileChartSpecCache } from './chart-spec-cache.js';
import { noteTiming } from './timings.js';

// Compiled, the thread's module sits beside this one (dist/cli/, or dist/bundle/ as the
// bundle's `chart-worker-thread` entry); run from the TypeScript sources (vitest), it
// is loaded through tsx by chart-worker-entry.mjs (as src/sweep/worker-entry.mjs does).
const THREAD_URL = import.meta.url.endsWith('.ts') ? new URL('./chart-worker-entry.mjs', import.meta.url) : new URL('./chart-worker-thread.js', import.meta.url);

/** The set's SVGs if the chart cache holds every one whole, else undefined (and whatever fails here only means rendering). */
async function keptHere(set: ChartSet): Promise<readonly string[] | undefined> {
  try {
    const cache = fileChartSpecCache(chartCacheDir());
    return cache === undefined ? undefined : (await import('../report/svg-key.js')).keptSvgs(set, cache);
  } catch {
    return undefined;
  }
}

/** vega on this thread, with the chart cache; svg.js (and vega with it) loads only if it comes to that. */
const renderHere: ChartRenderer = async (set) => {
  const cache = fileChartSpecCache(chartCacheDir());
  return (await import('../report/svg.js')).renderAllSvg(set, [], cache, cache);
};

interface Pending {
  readonly resolve: (svgs: readonly string[]) => void;
  readonly reject: (error: Error) => void;
}

let thread: { readonly worker: Worker; readonly pending: Map<number, Pending>; failed: boolean } | undefined;
let nextId = 0;

/**
 * Whether a run should render its charts on a warmed-up thread: it writes a report,
 * simulates inline, a second core exists and is not already taken — the last minute's
 * load average (os.loadavg; 0 where the OS has none) is under the core count. On a
 * machine whose run queue holds a task per core, the thread's warm-up (~1 s of CPU)
 * only slows the simulation down: measured at load 16–18 on 2 cores, npm start took
 * 3.8–4.2 s with the thread against 3.0–3.4 s without. HBSIM_CHART_THREAD=1 or 0 (the
 * `force` argument) decides instead, for benchmarks and tests.
 */
export function wantsChartWorker(writesReport: boolean, inline: boolean, cores: number, load: number, force?: string): boolean {
  if (!writesReport || !inline) return false;
  if (force === '1') return true;
  if (force === '0') return false;
  return cores >= 2 && load < cores;
}

/**
 * Starts the chart thread as soon as the command line is known, ~0.3 s before the command's
 * own code runs (yargs and the command's modules load in between: that much more warm-up),
 * when it looks like `run` or `check` writing a report: no --no-report / --report option,
 * no shard, no --help. The command then decides for itself (wantsChartWorker, once its
 * scenarios are planned) and ends the thread if it has no use for it.
 */
export function startChartWorkerEarly(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): void {
  const [command, ...rest] = argv;
  if (command !== 'run' && command !== 'check') return;
  if (rest.some((a) => /^(--(no-)?report|--shard|--help|-h$)/.test(a))) return;
  if (env.HBSIM_SHARD_COUNT !== undefined && env.HBSIM_SHARD_COUNT.trim() !== '') return;
  if (wantsChartWorker(true, true, availableParallelism(), loadavg()[0]!, env.HBSIM_CHART_THREAD)) startChartWorker();
}

/** Starts the chart thread (once per process); it begins loading vega and warming up at once. */
export function startChartWorker(): void {
  if (thread !== undefined) return;
  // node:worker_threads is loaded here, not imported: a run that starts no thread never loads it (~1 ms of every start).
  const worker: Worker = new (process.getBuiltinModule('node:worker_threads').Worker)(THREAD_URL);
  const state = { worker, pending: new Map<number, Pending>(), failed: false };
  thread = state;
  const fail = (error: Error) => {
    state.failed = true;
    for (const p of state.pending.values()) p.reject(error);
    state.pending.clear();
  };
  worker.on('message', (reply: ChartReply) => {
    if ('mark' in reply) return noteTiming(`chart thread: ${reply.mark}`, reply.atEpochMs - performance.timeOrigin);
    const p = state.pending.get(reply.id);
    if (p === undefined) return;
    state.pending.delete(reply.id);
    if (state.pending.size === 0) worker.unref();
    if ('error' in reply) p.reject(new Error(reply.error));
    else p.resolve(reply.svgs);
  });
  worker.on('error', fail);
  worker.once('exit', (code) => fail(new Error(`the chart thread stopped (exit code ${code})`)));
  // After the listeners: adding a 'message' listener refs a Worker again, and a ref'd idle
  // thread would keep the process alive for ever (a run that fails before its report did).
  worker.unref();
}

/**
 * Tells the chart thread its job is near (the simulation is over; assembling the results
 * takes ~0.1 s): it starts no further warm-up chart, so the job waits for none.
 */
export function chartJobSoon(): void {
  if (thread !== undefined && !thread.failed) thread.worker.postMessage({ jobSoon: true } satisfies ChartJob);
}

function renderOnThread(set: ChartSet): Promise<readonly string[]> {
  const state = thread!;
  const id = nextId++;
  return new Promise((resolve, reject) => {
    state.pending.set(id, { resolve, reject });
    state.worker.ref();
    state.worker.postMessage({ id, set } satisfies ChartJob);
  });
}

/**
 * The renderer for `renderReportHtml`: on the chart thread when one was started and is
 * alive, else on this thread. Whatever goes wrong on the thread (it died, or vega threw
 * there), the charts are rendered again here, so an error reads as it would without
 * the thread and a broken thread costs time, not the report.
 */
export function chartRenderer(): ChartRenderer {
  return async (set) => {
    // A re-run whose charts are all kept whole (src/report/svg-key.ts) asks no thread and loads no vega.
    const kept = await keptHere(set);
    if (kept !== undefined) return kept;
    if (thread === undefined || thread.failed) return renderHere(set);
    try {
      return await renderOnThread(set);
    } catch {
      return renderHere(set);
    }
  };
}

/** The chart thread, if one was started (tests). */
export function chartWorkerThread(): Worker | undefined {
  return thread?.worker;
}

/** Ends the chart thread (a run that turned out to need every core; tests). The CLI otherwise leaves it unref'd. */
export async function stopChartWorker(): Promise<void> {
  const state = thread;
  thread = undefined;
  if (state !== undefined) await state.worker.terminate();
}
