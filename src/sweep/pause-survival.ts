/**
 * "What is the longest pause I can survive?" — the longest single sender pause that
 * causes no false suspicion with probability ≥ 99 %, under the cell's network and
 * detector. Found by simulation: inject exactly one pause of length L into each of
 * many nodes at uniformly random phases, count the pauses that caused a false
 * suspicion, and bisect on L. Each probe keeps the cell's links, detector and static
 * sender slowness (slow I/O, drift) but drops crashes and episodic faults, so the
 * pause is the only disturbance besides the network's own loss and delay. All probes
 * share their random streams (same seed, same nodes), so the failure fraction moves
 * with L, not with noise.
 */
import type { Fault, SimConfig } from '../sim/config.js';
import { detectorHorizonUs } from '../sim/detectors/create.js';
import { runOnce } from '../sim/run-once.js';
import { proportionInterval } from '../stats/index.js';

export interface PauseSurvival {
  /** Longest pause (ms) whose failure fraction was ≤ 1 %; 0 when even the shortest probed pause failed. */
  readonly longest_ms: number;
  /** Pauses injected per probe, and the failures measured at `longest_ms`, with an exact 95 % interval. */
  readonly pauses_per_probe: number;
  readonly failures_at_longest: number;
  readonly failure_ci95: readonly [number, number];
  /** True when the search hit its upper limit (the detector survived every pause tried). */
  readonly capped: boolean;
}

export interface PauseSurvivalOptions {
  /** Nodes per probe (each pauses once). */
  readonly nodes?: number;
  /** Longest pause tried (µs). */
  readonly maxPauseUs?: number;
  /** Stop bisecting when the bracket is narrower than this fraction of its upper end. */
  readonly relativeResolution?: number;
}

const MAX_FAILURE_FRACTION = 0.01;

export function longestPauseSurvived(cell: SimConfig, options: PauseSurvivalOptions = {}): PauseSurvival {
  const nodes = options.nodes ?? 300;
  const maxPauseUs = options.maxPauseUs ?? 3_600_000_000;
  const resolution = options.relativeResolution ?? 0.02;
  const intervalUs = cell.heartbeat.intervalUs;
  const warmupUs = 10 * intervalUs + 5_000_000;
  const afterPause = cell.faults?.find((f) => f.kind === 'senderPause')?.afterPause ?? 'skip';
  const staticFaults: Fault[] = (cell.faults ?? []).filter((f) => f.kind === 'slowIo' || f.kind === 'clockDrift');
  const names = Array.from({ length: nodes }, (_, i) => `probe-${String(i).padStart(4, '0')}`);

  const probe = (pauseUs: number) => {
    const windowUs = 10 * intervalUs;
    const tallies = runOnce({
      ...cell,
      replication: 0,
      seed: `${cell.seed}/pause-survival`,
      nodeNames: names,
      warmupUs,
      // Room after the pause for the detector to react: the pause, a window, and a margin.
      durationUs: warmupUs + windowUs + pauseUs + 4 * intervalUs + 30_000_000 + 2 * detectorHorizonUs(cell.detector, intervalUs),
      crashes: [],
      faults: [
        ...staticFaults,
        { kind: 'senderPause', nodes: { kind: 'all' }, onset: { kind: 'uniformOnce', fromUs: warmupUs, toUs: warmupUs + windowUs }, duration: { kind: 'constant', valueUs: pauseUs }, afterPause },
      ],
      linkOverrides: cell.linkOverrides?.filter((o) => o.nodes.kind === 'all'),
      transitionLogLimit: 0,
    }).tallies;
    return { failures: tallies.pausesWithSuspicion, pauses: tallies.pauses };
  };
  const survives = (r: { failures: number; pauses: number }) => r.failures <= MAX_FAILURE_FRACTION * r.pauses;

  // Bracket: grow the pause until it fails (or the cap), then bisect.
  let good = 0;
  let goodResult = { failures: 0, pauses: nodes };
  let bad = Math.max(1_000, Math.floor(intervalUs / 2));
  let badResult = probe(bad);
  while (survives(badResult)) {
    good = bad;
    goodResult = badResult;
    if (bad >= maxPauseUs) return summary(good, goodResult, nodes, true);
    bad = Math.min(maxPauseUs, bad * 2);
    badResult = probe(bad);
  }
  while (bad - good > Math.max(1_000, resolution * bad)) {
    const mid = Math.floor((good + bad) / 2);
    const r = probe(mid);
    if (survives(r)) {
      good = mid;
      goodResult = r;
    } else {
      bad = mid;
      badResult = r;
    }
  }
  return summary(good, goodResult, nodes, false);
}

function summary(pauseUs: number, r: { failures: number; pauses: number }, nodes: number, capped: boolean): PauseSurvival {
  const ci = proportionInterval(r.failures, Math.max(1, r.pauses));
  const round = (x: number) => Number(x.toPrecision(6));
  return {
    longest_ms: Math.round(pauseUs) / 1000,
    pauses_per_probe: nodes,
    failures_at_longest: r.failures,
    failure_ci95: [round(ci.low), round(ci.high)],
    capped,
  };
}
