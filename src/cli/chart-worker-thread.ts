/**
 * The report's chart thread (chart-worker.ts starts it): lowers its own priority first,
 * then loads the work (chart-worker-jobs.ts: vega, the warm-up, the jobs). A dynamic
 * import, so that vega loads at the lowered priority in the bundle too (a static import's
 * chunks would be evaluated before this module's own code).
 */
import { parentPort } from 'node:worker_threads';
import { CHART_THREAD_NICE, lowerPriority } from './chart-worker-priority.js';
import type { ChartReply } from './chart-worker-jobs.js';

if (lowerPriority()) parentPort?.postMessage({ mark: `nice ${CHART_THREAD_NICE}`, atEpochMs: performance.timeOrigin + performance.now() } satisfies ChartReply);
await import('./chart-worker-jobs.js');
