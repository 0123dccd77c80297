/**
 * A progress bar on stderr for work that takes more than about a second: shown
 * only when stderr is a terminal, and only once the work is expected to last, or
 * has lasted, over a second. Silent otherwise, so pipes and logs stay clean.
 *
 * The bar measures work, not tasks: the fraction of the expected heartbeats simulated,
 * counting tasks still running (workers report from within long tasks), so a run of
 * one long task moves too, and the pause-survival searches count for their size. The
 * ETA is ours (elapsed × remaining / done), shown once some work is done; before
 * that it reads "–", never "NFs".
 */
import cliProgress from 'cli-progress';
import type { CliIo } from './io.js';

export interface Progress {
  /** Tasks done of all, and the fraction of the work done (defaults to done / total). */
  update(done: number, total: number, work?: number): void;
  stop(): void;
}

const SHOW_AFTER_MS = 1000;
const STEPS = 1000;

/** A duration in seconds as people read an ETA: "45s", "12m", "3h 20m", "5d". */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ${Math.round((seconds % 3600) / 60)}m`;
  if (seconds < 86_400 * 365) return `${Math.round(seconds / 86_400)}d`;
  return `${(seconds / (86_400 * 365)).toPrecision(2)} years`;
}

export function startProgress(io: CliIo, label: string, expectedMs: number): Progress {
  const stream = io.stderr as NodeJS.WriteStream;
  if (stream.isTTY !== true) return { update() {}, stop() {} };
  const startedMs = performance.now();
  let bar: cliProgress.SingleBar | undefined;
  return {
    update(done, total, work = total === 0 ? 1 : done / total) {
      const elapsedMs = performance.now() - startedMs;
      if (bar === undefined) {
        if (done >= total || (expectedMs < SHOW_AFTER_MS && elapsedMs < SHOW_AFTER_MS)) return;
        bar = new cliProgress.SingleBar(
          { stream, format: `${label} [{bar}] {percentage}% · {done}/{tasks} tasks · {duration_formatted} elapsed · ETA {eta_text}`, hideCursor: false, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(STEPS, 0, { done, tasks: total, eta_text: '–' });
      }
      // Before 1 % of the work, an extrapolation is noise; say so rather than guess.
      const eta = work >= 0.01 ? formatEta(((elapsedMs / work) * (1 - work)) / 1000) : expectedMs > 0 ? `~${formatEta(expectedMs / 1000)}` : '–';
      bar.update(Math.round(work * STEPS), { done, tasks: total, eta_text: eta });
    },
    stop() {
      bar?.stop();
    },
  };
}
