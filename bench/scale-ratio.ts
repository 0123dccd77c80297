/**
 * The engine's cost per heartbeat at 100 k nodes against its cost at 1 k (issue 12:
 * within 2×), measured so that the figure is stable on a machine whose speed drifts:
 * interleaved fresh processes — B, B-100k, B, B-100k, … — each pair giving one ratio
 * (both workloads send 3.6 M heartbeats), and the median and range of the pairs'
 * ratios reported, with set-up (construction) and without it. A best-of or a mean
 * over separate batches compares runs minutes apart; this VM measured identical code
 * at 2.2 and 3.9 s CPU back to back, so only near-simultaneous pairs say anything.
 *
 *   node --import tsx bench/scale-ratio.ts [--pairs 5]     prints the pairs and the summary
 *
 * `npm run bench -- --only scale` runs the same measurement (bench/suites/scale.ts).
 */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { runInProcess, type InProcessRun } from './lib/hbsim.js';

export const SMALL = 'B';
export const LARGE = 'B-100k';

export interface EnginePair {
  readonly small: InProcessRun;
  readonly large: InProcessRun;
  /** CPU per heartbeat at 100 k over CPU per heartbeat at 1 k, construction included. */
  readonly ratio: number;
  /** The same without construction (the run alone). */
  readonly runRatio: number;
}

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export interface EngineRatio {
  readonly pairs: readonly EnginePair[];
  readonly withSetup: Spread;
  readonly withoutSetup: Spread;
}

const perBeatNs = (r: InProcessRun) => (r.cpuS * 1e9) / r.heartbeats;
const runPerBeatNs = (r: InProcessRun) => ((r.cpuS - r.setupCpuS) * 1e9) / r.heartbeats;

/** Median (mean of the middle two for an even count), min and max. */
export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError('spreadOf: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** One ratio per pair of fresh processes run back to back, small first. */
export function pairOf(small: InProcessRun, large: InProcessRun): EnginePair {
  return { small, large, ratio: perBeatNs(large) / perBeatNs(small), runRatio: runPerBeatNs(large) / runPerBeatNs(small) };
}

export function summarise(pairs: readonly EnginePair[]): EngineRatio {
  return { pairs, withSetup: spreadOf(pairs.map((p) => p.ratio)), withoutSetup: spreadOf(pairs.map((p) => p.runRatio)) };
}

export function measureEngineRatio(repo: string, pairs: number, progress: (message: string) => void = () => {}): EngineRatio {
  if (!(Number.isInteger(pairs) && pairs >= 1)) throw new RangeError(`pairs must be a whole number ≥ 1, got ${pairs}`);
  const measured: EnginePair[] = [];
  for (let k = 0; k < pairs; k++) {
    progress(`engine ratio: pair ${k + 1}/${pairs} (${SMALL}, then ${LARGE}, fresh processes)`);
    const small = runInProcess(repo, SMALL, 'engine');
    const large = runInProcess(repo, LARGE, 'engine');
    measured.push(pairOf(small, large));
  }
  return summarise(measured);
}

export function describeSpread(s: Spread): string {
  return `${s.median.toFixed(2)}× (range ${s.min.toFixed(2)}–${s.max.toFixed(2)}×)`;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--pairs');
  const pairs = at > 0 ? Number(process.argv[at + 1]) : 5;
  const repo = resolve(import.meta.dirname, '..');
  const result = measureEngineRatio(repo, pairs, (m) => process.stderr.write(`${m}\n`));
  for (const [k, p] of result.pairs.entries()) {
    const s = p.small;
    const l = p.large;
    console.log(
      `pair ${k + 1}: ${SMALL} ${s.cpuS.toFixed(3)} s CPU (set-up ${s.setupCpuS.toFixed(3)}), ${LARGE} ${l.cpuS.toFixed(3)} s CPU (set-up ${l.setupCpuS.toFixed(3)}, peak ${l.peakRssMb.toFixed(0)} MB) → ${p.ratio.toFixed(2)}× with set-up, ${p.runRatio.toFixed(2)}× without`,
    );
  }
  console.log(`median of ${result.pairs.length} pairs: ${describeSpread(result.withSetup)} with set-up; ${describeSpread(result.withoutSetup)} without`);
}
