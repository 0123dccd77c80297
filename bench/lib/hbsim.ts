/**
 * hbsim measured two ways. Whole process: `node bin/hbsim.js run <scenario>
 * --no-report` exactly as a user types it (TypeScript loading, worker threads, the
 * pause-survival search and the sample timeline included, whatever the defaults are).
 * In-process: bench/run-workload.ts in a fresh process times only the simulation call
 * (construction + run), on the engine or on `runOnce` (the fast path where it applies).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { lastJsonLine, measureProcess, type Measurement } from './measure.js';

export function runHbsimProcess(repo: string, scenario: string, extraArgs: readonly string[] = []): Measurement {
  const out = mkdtempSync(join(tmpdir(), 'hbsim-bench-'));
  try {
    return measureProcess(process.execPath, [resolve(repo, 'bin/hbsim.js'), 'run', scenario, '--no-report', '--out', out, ...extraArgs], {
      cwd: repo,
      env: { ...process.env, NO_COLOR: '1' },
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export interface InProcessRun {
  readonly id: string;
  /** 'engine', 'fast' (the per-node kernel ran), 'skip walk', or 'engine (…)' when runOnce could not take the fast path. */
  readonly path: string;
  readonly nodes: number;
  readonly durationS: number;
  readonly wallS: number;
  readonly cpuS: number;
  /** Construction alone (streams seeded, state laid out), wall. */
  readonly setupS: number;
  /** Construction alone, CPU (0 where it is not separable: the skipping walk). */
  readonly setupCpuS: number;
  readonly events: number;
  readonly heartbeats: number;
  readonly falseSuspicions: number;
  readonly peakRssMb: number;
}

/** 'fast' is runOnce's own choice (the walk, else the kernel, else the engine); the others are forced. */
export type InProcessPath = 'engine' | 'fast' | 'walk' | 'kernel';

export function runInProcess(repo: string, workload: string, path: InProcessPath, extraArgs: readonly string[] = []): InProcessRun {
  const m = measureProcess(
    process.execPath,
    ['--max-old-space-size=8192', '--import', 'tsx', resolve(repo, 'bench/run-workload.ts'), workload, ...(path === 'engine' ? ['--engine'] : path === 'walk' ? ['--walk'] : path === 'kernel' ? ['--kernel'] : []), ...extraArgs],
    { cwd: repo },
  );
  const run = lastJsonLine<InProcessRun>(m.stdout);
  // The child's own peak RSS from GNU time when available (it includes the TypeScript loader).
  return { ...run, peakRssMb: Number.isFinite(m.peakRssMb) ? m.peakRssMb : run.peakRssMb };
}
