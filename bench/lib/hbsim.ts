/**
 * hbsim measured two ways. Whole process: `node bin/hbsim.cjs run <scenario>
 * --no-report` exactly as a user types it (TypeScript loading, worker threads, the
 * pause-survival search and the sample timeline included, whatever the defaults are).
 * In-process: bench/run-workload.ts in a fresh process times only the simulation call
 * (construction + run), on the engine or on `runOnce` (the fast path where it applies).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { lastJsonLine, measureProcess, type Measurement } from './measure.js';

export function runHbsimProcess(repo: string, scenario: string, extraArgs: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Measurement {
  const out = mkdtempSync(join(tmpdir(), 'hbsim-bench-'));
  try {
    return measureProcess(process.execPath, [resolve(repo, 'bin/hbsim.cjs'), 'run', scenario, '--no-report', '--out', out, ...extraArgs], {
      cwd: repo,
      env: { ...process.env, NO_COLOR: '1', ...env },
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

export interface Phase {
  readonly name: string;
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** The `timing:` lines a run prints under HBSIM_TIMINGS=1 (src/cli/timings.ts). */
export function phasesOf(stderr: string): Phase[] {
  const phases: Phase[] = [];
  for (const line of stderr.split(/\r?\n|\r/)) {
    const m = /^timing: (.*) (\d+) ms wall, (\d+) ms cpu$/.exec(line);
    if (m) phases.push({ name: m[1]!, wallMs: Number(m[2]), cpuMs: Number(m[3]) });
  }
  return phases;
}

/** A breakdown table's rows: each phase's wall and CPU, and its share of the whole process's CPU. */
export function phaseRows(label: string, phases: readonly Phase[], whole: { wallS: number; cpuS: number }): string[][] {
  const rows = phases.map((p) => [label, p.name, (p.wallMs / 1000).toFixed(3), (p.cpuMs / 1000).toFixed(3), `${((100 * p.cpuMs) / 1000 / whole.cpuS).toFixed(0)} %`]);
  const wallMs = phases.reduce((a, p) => a + p.wallMs, 0);
  const cpuMs = phases.reduce((a, p) => a + p.cpuMs, 0);
  rows.push([label, 'after the last phase (exit, worker threads ending)', Math.max(0, whole.wallS - wallMs / 1000).toFixed(3), Math.max(0, whole.cpuS - cpuMs / 1000).toFixed(3), '']);
  return rows;
}
