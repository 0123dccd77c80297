/**
 * Computes each cell's closed-form prediction (src/analytic) and compares it with
 * the pooled simulation, with standard errors from the run itself (batch means over
 * nodes for rates and fractions, the sample deviation for means). See
 * src/results/analytic-comparison.ts for what the fields mean.
 */
import { arrivalTimeoutDetectionLatency, arrivalTimeoutQos, nfdsQos } from '../analytic/index.js';
import type { SimConfig } from '../sim/config.js';
import { averageLinkLoss } from '../analytic/loss.js';
import { linkLossModel } from '../sim/network/links.js';
import type { RunTallies } from '../sim/metrics/recorder.js';
import type { AnalyticComparison, AnalyticValue } from '../results/analytic-comparison.js';
import { meanInterval, ratioInterval } from '../stats/index.js';

const Z_AGREE = 4;
const US_PER_DAY = 86_400e6;

function value(predicted: number | null, simulated: number | null, standardError: number | null): AnalyticValue {
  const round = (x: number | null) => (x === null || !Number.isFinite(x) ? null : Number(x.toPrecision(6)));
  const z = predicted !== null && simulated !== null && standardError !== null && standardError > 0 ? (simulated - predicted) / standardError : null;
  return { predicted: round(predicted), simulated: round(simulated), z: z === null ? null : Number(z.toFixed(2)) };
}

/** What the i.i.d. closed forms leave out of this configuration. */
export function assumptionViolations(config: SimConfig): string[] {
  const v: string[] = [];
  if (config.detector.checkIntervalUs > 0) v.push(`polling check every ${config.detector.checkIntervalUs / 1000} ms`);
  if (config.heartbeat.jitter.kind !== 'constant') v.push('send jitter');
  if (linkLossModel(config.link).kind === 'gilbertElliott') v.push('bursty (Gilbert–Elliott) loss');
  if (config.link.duplicateProbability > 0) v.push('duplicated messages');
  if ((config.linkOverrides ?? []).length > 0) v.push('heterogeneous link classes');
  const kinds = new Set((config.faults ?? []).map((f) => f.kind));
  const names: Record<string, string> = {
    senderPause: 'sender pauses',
    observerPause: 'observer pauses',
    partition: 'partitions',
    cpuStarvation: 'CPU starvation',
    slowIo: 'slow I/O on the send path',
    clockDrift: 'clock drift',
    clockStep: 'clock steps',
    unhealthy: 'unhealthy windows',
  };
  for (const k of kinds) v.push(names[k] ?? k);
  return v;
}

export function analyticComparison(config: SimConfig, tallies: RunTallies): AnalyticComparison | null {
  const d = config.detector;
  if (d.kind !== 'timeout' && d.kind !== 'nfdS') return null;
  const intervalUs = config.heartbeat.intervalUs;
  const lossProbability = averageLinkLoss(config.link);
  const delay = config.link.delay;
  let qos;
  let model: string;
  let detectionMeanUs: number | null = null;
  try {
    if (d.kind === 'timeout') {
      qos = arrivalTimeoutQos({ intervalUs, timeoutUs: d.timeoutUs, lossProbability, delay });
      detectionMeanUs = arrivalTimeoutDetectionLatency({ intervalUs, timeoutUs: d.timeoutUs, lossProbability, delay }).meanUs;
      model = 'arrival timeout under i.i.d. loss and delay (Chen–Toueg–Aguilera setting; reference §1.7)';
    } else {
      qos = nfdsQos({ intervalUs, shiftUs: d.shiftUs, lossProbability, delay });
      // Only the bound δ + η is closed-form for NFD-S detection (tested); no mean is predicted.
      detectionMeanUs = null;
      model = 'NFD-S under i.i.d. loss and delay (Chen, Toueg & Aguilera 2002; reference §1.3)';
    }
  } catch {
    return null; // a law the formulas cannot integrate (e.g. infinite-mean Pareto)
  }
  const rate = ratioInterval(tallies.perPairFalseSuspicions, tallies.perPairUpUs);
  const durations = meanInterval(Array.from(tallies.mistakeDurationsUs, (us) => us / 1000));
  const suspected = ratioInterval(tallies.perPairUpSuspectedUs, tallies.perPairUpUs);
  const detections = meanInterval(Array.from(tallies.detectionLatenciesUs, (us) => us / 1000));
  const falseSuspicions = value(
    qos.mistakeRatePerS * 86_400,
    tallies.upUs > 0 ? (tallies.falseSuspicions / tallies.upUs) * US_PER_DAY : null,
    rate ? rate.standardError * US_PER_DAY : null,
  );
  const mistakeDuration = value(Number.isFinite(qos.meanMistakeDurationS) && qos.mistakeRatePerS > 0 ? qos.meanMistakeDurationS * 1000 : null, durations?.mean ?? null, durations?.standardError ?? null);
  const queryAccuracy = value(qos.queryAccuracy, tallies.upUs > 0 ? 1 - tallies.upSuspectedUs / tallies.upUs : null, suspected?.standardError ?? null);
  const detection = value(detectionMeanUs !== null && Number.isFinite(detectionMeanUs) ? detectionMeanUs / 1000 : null, detections?.mean ?? null, detections?.standardError ?? null);
  const violations = assumptionViolations(config);
  const zs = [falseSuspicions, mistakeDuration, queryAccuracy, detection].map((x) => x.z).filter((z): z is number => z !== null);
  const agrees = zs.every((z) => Math.abs(z) <= Z_AGREE);
  const verdict = agrees
    ? violations.length === 0
      ? 'The simulation agrees with the closed form within sampling error.'
      : `The simulation agrees with the i.i.d. closed form within sampling error, despite ${violations.join(', ')}.`
    : violations.length === 0
      ? 'The simulation DISAGREES with the closed form beyond sampling error although the scenario meets its assumptions: please report this.'
      : `The simulation DISAGREES with the i.i.d. closed form beyond sampling error: ${violations.join(', ')} matter here, so formulas that assume independent loss would mislead.`;
  return {
    model,
    false_suspicions_per_node_day: falseSuspicions,
    mistake_duration_ms: mistakeDuration,
    query_accuracy: queryAccuracy,
    detection_latency_mean_ms: detection,
    violations,
    agrees,
    verdict,
  };
}
