/**
 * The report's chart thread's work (chart-worker-thread.ts loads it once it has lowered
 * its priority; chart-worker.ts starts the thread): loads vega and vega-lite, warms
 * their JIT up by rendering the warm-up sweep's charts (src/results/warm-up-results.ts) while the main
 * thread simulates, then renders the real charts it is sent. Rendering is vega's own
 * (src/report/svg.ts `renderAllSvg`), so the SVG bytes are those the main thread would
 * write. One job at a time, in the order they come; a job that arrives during the
 * warm-up waits only for the chart being warmed, not for the rest of the warm-up.
 */
import { restorePriority } from './chart-worker-priority.js';
import { parentPort } from 'node:worker_threads';
import { buildCharts, type ChartSet } from '../report/charts.js';
import { reportModel } from '../report/data.js';
import { renderAllSvg } from '../report/svg.js';
import { warmUpResults } from '../results/warm-up-results.js';
import { chartCacheDir, fileChartSpecCache } from './chart-spec-cache.js';

/**
 * What the main thread posts: charts to render, tagged so the reply finds its caller;
 * or word that a job is near (the simulation ended), so the warm-up starts no other chart
 * and the job does not wait for one.
 */
export type ChartJob = { readonly id: number; readonly set: ChartSet } | { readonly jobSoon: true };

/**
 * The reply: each chart's SVG in order, or why rendering failed; or, unasked, a point
 * the thread reached (`mark`, for HBSIM_TIMINGS), at a wall-clock time in ms since the
 * epoch (performance.timeOrigin + now: the main thread converts it to its own clock).
 */
export type ChartReply =
  | { readonly id: number; readonly svgs: readonly string[] }
  | { readonly id: number; readonly error: string }
  | { readonly mark: string; readonly atEpochMs: number };

/**
 * How many times the warm-up set is rendered when no real job comes first. vega's code
 * is warm after about two renders of a chart kind (P12b: 83–210 ms per chart cold,
 * 19–64 ms by the third render); each round costs ~0.3–0.6 s of CPU on the spare core.
 */
export const WARM_UP_ROUNDS = 2;

/**
 * The thread's work: warms up, then renders the jobs it is posted, until the thread is
 * ended. `beforeFirstReply` runs once, after the first job's charts are rendered and
 * before they are posted (the thread's entry writes vega's V8 code cache there, when it
 * has none: then it holds every function a real job compiled, and is written before the
 * main thread can end the thread).
 */
export async function runChartThread(beforeFirstReply: () => void = () => {}): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('chart-worker-jobs.ts must run in a worker thread');
  const jobs: { readonly id: number; readonly set: ChartSet }[] = [];
  /** The chart cache (chart-spec-cache.ts), for the warm-up's charts and the jobs' alike. */
  const cache = fileChartSpecCache(chartCacheDir());
  let jobSoon = false;
  let busy = false;
  let replied = false;

  const mark = (name: string): void => port.postMessage({ mark: name, atEpochMs: performance.timeOrigin + performance.now() } satisfies ChartReply);

  const drain = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      if (jobs.length > 0) restorePriority();
      for (let job = jobs.shift(); job !== undefined; job = jobs.shift()) {
        try {
          mark(`job ${job.id} starts`);
          // A real job's charts may be read back whole (svg.ts chartSvgKey); the warm-up's never are.
          const svgs = await renderAllSvg(job.set, [], cache, cache);
          mark(`job ${job.id} rendered`);
          if (!replied) {
            replied = true;
            beforeFirstReply();
          }
          port.postMessage({ id: job.id, svgs } satisfies ChartReply);
        } catch (error) {
          port.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) } satisfies ChartReply);
        }
      }
    } finally {
      busy = false;
    }
  };

  const warmUp = async (): Promise<void> => {
    busy = true;
    mark('vega loaded');
    try {
      const set = buildCharts(reportModel(warmUpResults()));
      for (let round = 0; round < WARM_UP_ROUNDS; round++) {
        for (const chart of set.charts) {
          // vega settles its promises in microtasks: without a turn of the event loop here,
          // a job's message would not be delivered before the whole warm-up ends.
          await new Promise((resolve) => setImmediate(resolve));
          if (jobs.length > 0 || jobSoon) return mark(`warm-up cut short in round ${round + 1}${jobs.length > 0 ? '' : ' (a job is near)'}`);
          await renderAllSvg({ datasets: set.datasets, charts: [chart] }, [], cache);
        }
        mark(`warm-up round ${round + 1} done`);
      }
    } catch {
      // A warm-up that fails only leaves the JIT cold; a real job reports its own errors.
    } finally {
      busy = false;
    }
  };

  port.on('message', (message: ChartJob) => {
    if ('jobSoon' in message) {
      jobSoon = true;
      return;
    }
    jobs.push(message);
    void drain();
  });

  await warmUp();
  await drain();
}
