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
/**
 * A difference also has to matter: beyond sampling error AND more than 10 % apart (for
 * P_A, of the unavailability 1 − P_A). Otherwise a long run flags "P_A predicted 100 %,
 * simulated 100 %, z −6.45": significant, and of no consequence to anyone.
 */
const MATERIAL = 0.1;

function material(x: AnalyticValue, complement = false): boolean {
  if (x.z === null || Math.abs(x.z) <= Z_AGREE || x.predicted === null || x.simulated === null) return false;
  const [p, s] = complement ? [1 - x.predicted, 1 - x.simulated] : [x.predicted, x.simulated];
  const scale = Math.max(Math.abs(p), Math.abs(s));
  return scale > 0 && Math.abs(s - p) > MATERIAL * scale;
}
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
      model = 'fixed timeout with independent loss and delay (Chen, Toueg & Aguilera 2002)';
    } else {
      qos = nfdsQos({ intervalUs, shiftUs: d.shiftUs, lossProbability, delay });
      // Only the bound δ + η is closed-form for NFD-S detection (tested); no mean is predicted.
      detectionMeanUs = null;
      model = 'NFD-S with independent loss and delay (Chen, Toueg & Aguilera 2002)';
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
  const agrees = ![material(falseSuspicions), material(mistakeDuration), material(queryAccuracy, true), material(detection)].some(Boolean);
  const verdict = violations.length > 0
    ? `The formula assumes independent loss and delay and nothing else; this scenario also has ${violations.join(', ')}, so the simulation is the answer here${agrees ? ' (the two happen to agree)' : ''}.`
    : agrees
      ? 'The simulation matches the formula within sampling error.'
      : 'The simulation and the formula differ by more than sampling error, although the scenario meets every assumption of the formula. This may be a bug in hbsim: please report it with this scenario.';
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
