/**
 * Where the closed forms point: for the fixed-timeout detector, the arrival-timeout
 * QoS under i.i.d. loss and delay (src/sim/analytic, reference §1.7) predicts each
 * lattice cell's false-suspicion rate, detection-latency law and message rate; the
 * start is the cell with the best predicted objective among those predicted to meet
 * every target the closed form speaks to. The closed form leaves out faults, jitter
 * and polling (a pause or a burst only adds suspicions), so the prediction is a
 * starting point, never an answer: the search simulates it like any other candidate.
 *
 * Null when the detector is not the fixed timeout, when a law defeats the integrals,
 * when no cell is predicted to meet the targets, or when the lattice is too large to
 * predict cell by cell.
 */
import { arrivalTimeoutDetectionLatency, arrivalTimeoutQos } from '../analytic/index.js';
import type { SimConfig } from '../sim/config.js';
import { linkLossModel } from '../sim/network/links.js';
import { averageLoss } from '../sim/network/loss.js';
import type { Threshold } from '../scenarios/expect.js';
import type { Direction } from './search.js';

const MAX_PREDICTED_CELLS = 400;

/** Closed-form predictions of the metrics they cover (metric path → value); null when none applies. */
export function predictedMetrics(config: SimConfig): Map<string, number> | null {
  const d = config.detector;
  if (d.kind !== 'timeout') return null;
  const params = { intervalUs: config.heartbeat.intervalUs, timeoutUs: d.timeoutUs, lossProbability: averageLoss(linkLossModel(config.link)), delay: config.link.delay };
  try {
    const qos = arrivalTimeoutQos(params);
    const latency = arrivalTimeoutDetectionLatency(params);
    // A polling check adds up to one check interval to every detection.
    const check = d.checkIntervalUs;
    const perDay = qos.mistakeRatePerS * 86_400;
    return new Map([
      ['false_suspicions.per_node_day', perDay],
      ['detection_latency_ms.p99', (latency.quantileUs(0.99) + check) / 1000],
      ['detection_latency_ms.p90', (latency.quantileUs(0.9) + check) / 1000],
      ['detection_latency_ms.p50', (latency.quantileUs(0.5) + check / 2) / 1000],
      ['detection_latency_ms.mean', (latency.meanUs + check / 2) / 1000],
      ['query_accuracy', qos.queryAccuracy],
      ['messages_per_node_s', 1e6 / config.heartbeat.intervalUs],
    ]);
  } catch {
    return null;
  }
}

function holds(t: Threshold, value: number): boolean {
  switch (t.op) {
    case '<=':
      return value <= t.bound;
    case '<':
      return value < t.bound;
    case '>=':
      return value >= t.bound;
    case '>':
      return value > t.bound;
  }
}

/** The lattice position the closed forms point to, or null. `cells` are in lattice (flat) order. */
export function analyticStart(
  cells: readonly { readonly index: readonly number[]; readonly config: SimConfig }[],
  targets: readonly Threshold[],
  objective: { readonly metric: string; readonly direction: Direction },
): readonly number[] | null {
  if (cells.length > MAX_PREDICTED_CELLS) return null;
  let best: { index: readonly number[]; value: number } | null = null;
  for (const cell of cells) {
    const predicted = predictedMetrics(cell.config);
    if (predicted === null) return null;
    if (!targets.every((t) => !predicted.has(t.metric) || holds(t, predicted.get(t.metric)!))) continue;
    const value = predicted.get(objective.metric);
    if (value === undefined) return null;
    const better = best === null || (objective.direction === 'minimise' ? value < best.value : value > best.value);
    if (better) best = { index: cell.index, value };
  }
  return best?.index ?? null;
}
