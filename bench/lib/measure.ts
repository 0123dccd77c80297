/**
 * Measuring a whole process as a user runs it: wall time, CPU time (user + system, all
 * threads) and peak resident memory, read from GNU time (/usr/bin/time -f) so that the
 * child's own figures are not mixed with this process's. Without GNU time, wall time
 * only. Wall time on a shared machine is noisy; CPU time is steadier, so both are kept
 * and every ratio is shown on both.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export type Scope = 'whole process' | 'in-process';

export interface Measurement {
  readonly wallS: number;
  /** NaN when unknown. */
  readonly cpuS: number;
  /** NaN when unknown. */
  readonly peakRssMb: number;
  readonly stdout: string;
  /** The child's stderr (GNU time's own line removed). */
  readonly stderr: string;
}

const GNU_TIME = '/usr/bin/time';
const MARK = '@@bench-time@@';

export const gnuTimeAvailable = existsSync(GNU_TIME);

/** Runs `command args` to completion; throws with its stderr when it fails. */
export function measureProcess(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Measurement {
  const started = performance.now();
  const spawned = gnuTimeAvailable
    ? spawnSync(GNU_TIME, ['-f', `${MARK} %e %U %S %M`, command, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options })
    : spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  const elapsedS = (performance.now() - started) / 1000;
  if (spawned.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${spawned.status}:\n${spawned.stderr}`);
  }
  if (!gnuTimeAvailable) return { wallS: elapsedS, cpuS: Number.NaN, peakRssMb: Number.NaN, stdout: spawned.stdout, stderr: spawned.stderr };
  const line = spawned.stderr.split('\n').find((l) => l.startsWith(MARK));
  if (!line) throw new Error(`no timing line from ${GNU_TIME}:\n${spawned.stderr}`);
  const [wall, user, sys, rssKb] = line.slice(MARK.length).trim().split(/\s+/).map(Number) as [number, number, number, number];
  const stderr = spawned.stderr.split('\n').filter((l) => !l.startsWith(MARK)).join('\n');
  return { wallS: wall, cpuS: user + sys, peakRssMb: rssKb / 1024, stdout: spawned.stdout, stderr };
}

/** The fastest of `repeat` runs by wall time (the least disturbed one), with the least CPU time seen. */
export function bestOf<T extends { wallS: number; cpuS: number; peakRssMb: number }>(repeat: number, run: () => T): T & { runs: number } {
  const runs: T[] = [];
  for (let i = 0; i < Math.max(1, repeat); i++) runs.push(run());
  const best = runs.reduce((a, b) => (b.wallS < a.wallS ? b : a));
  return { ...best, cpuS: Math.min(...runs.map((r) => r.cpuS)), peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)), runs: runs.length };
}

/**
 * The run with the median wall time of `runs` runs (the lower middle one of an even
 * count), with the median CPU time of all runs: for a yardstick every ratio divides by
 * (the SimPy model's ~16-24 s run moves by a third from one run to the next on this VM),
 * where the fastest run would flatter the peer and one run would move every ratio.
 */
export function medianOf<T extends { wallS: number; cpuS: number; peakRssMb: number }>(runs: number, run: () => T): T & { runs: number; wallRangeS: readonly [number, number] } {
  const all: T[] = [];
  for (let i = 0; i < Math.max(1, runs); i++) all.push(run());
  const byWall = [...all].sort((a, b) => a.wallS - b.wallS);
  const cpus = all.map((r) => r.cpuS).sort((a, b) => a - b);
  const mid = (all.length - 1) >> 1;
  return { ...byWall[mid]!, cpuS: cpus[mid]!, peakRssMb: Math.max(...all.map((r) => r.peakRssMb)), runs: all.length, wallRangeS: [byWall[0]!.wallS, byWall[byWall.length - 1]!.wallS] };
}

/** The last line of a process's stdout, parsed as JSON. */
export function lastJsonLine<T>(stdout: string): T {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}
