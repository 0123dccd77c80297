/**
 * A progress bar on stderr for work that takes more than about a second: shown
 * only when stderr is a terminal, and only once the work is expected to last, or
 * has lasted, over a second. Silent otherwise, so pipes and logs stay clean.
 */
import cliProgress from 'cli-progress';
import type { CliIo } from './io.js';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

const SHOW_AFTER_MS = 1000;

export function startProgress(io: CliIo, label: string, expectedMs: number): Progress {
  const stream = io.stderr as NodeJS.WriteStream;
  if (stream.isTTY !== true) return { update() {}, stop() {} };
  const startedMs = performance.now();
  let bar: cliProgress.SingleBar | undefined;
  return {
    update(done, total) {
      if (bar === undefined) {
        if (done >= total || (expectedMs < SHOW_AFTER_MS && performance.now() - startedMs < SHOW_AFTER_MS)) return;
        bar = new cliProgress.SingleBar(
          { stream, format: `${label} [{bar}] {value}/{total} tasks · {duration_formatted} elapsed · ETA {eta_formatted}`, hideCursor: false, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done);
      }
      bar.update(done);
    },
    stop() {
      bar?.stop();
    },
  };
}
