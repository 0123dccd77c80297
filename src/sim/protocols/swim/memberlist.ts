/**
 * hashicorp/memberlist's numbers, exactly as the Go code computes them: the three
 * default configurations, the suspicion timeout and its Lifeguard shrinking, the
 * gossip retransmit limit, the push/pull scaling and the awareness (Local Health
 * Multiplier) counter. Reference ../shared/reference/failure-detectors.md §3.3;
 * source hashicorp/memberlist `config.go`, `util.go`, `suspicion.go`, `awareness.go`,
 * `state.go` (the timeout/multiplier defaults have not changed since commit f5f2aba,
 * 2017-07-17, which lowered the LAN SuspicionMult from 5 to 4).
 *
 * Pure functions, table-tested against memberlist's own test vectors
 * (util_test.go TestSuspicionTimeout / TestRetransmitLimit, suspicion_test.go
 * TestSuspicion_remainingSuspicionTime).
 */

/** The memberlist fields the simulator models. Durations in µs. */
export interface MemberlistConfig {
  readonly probeIntervalUs: number;
  readonly probeTimeoutUs: number;
  readonly indirectChecks: number;
  readonly suspicionMult: number;
  readonly suspicionMaxTimeoutMult: number;
  readonly retransmitMult: number;
  readonly gossipIntervalUs: number;
  readonly gossipNodes: number;
  readonly gossipToTheDeadTimeUs: number;
  readonly pushPullIntervalUs: number;
  readonly tcpTimeoutUs: number;
  readonly awarenessMaxMultiplier: number;
  readonly disableTcpPings: boolean;
}

const S = 1_000_000;
const MS = 1_000;

/** `DefaultLANConfig()` (config.go). */
export const DEFAULT_LAN_CONFIG: MemberlistConfig = {
  probeIntervalUs: 1 * S,
  probeTimeoutUs: 500 * MS,
  indirectChecks: 3,
  suspicionMult: 4,
  suspicionMaxTimeoutMult: 6,
  retransmitMult: 4,
  gossipIntervalUs: 200 * MS,
  gossipNodes: 3,
  gossipToTheDeadTimeUs: 30 * S,
  pushPullIntervalUs: 30 * S,
  tcpTimeoutUs: 10 * S,
  awarenessMaxMultiplier: 8,
  disableTcpPings: false,
};

/** `DefaultWANConfig()`: the LAN config with these fields changed. */
export const DEFAULT_WAN_CONFIG: MemberlistConfig = {
  ...DEFAULT_LAN_CONFIG,
  probeIntervalUs: 5 * S,
  probeTimeoutUs: 3 * S,
  suspicionMult: 6,
  gossipIntervalUs: 500 * MS,
  gossipNodes: 4,
  gossipToTheDeadTimeUs: 60 * S,
  pushPullIntervalUs: 60 * S,
  tcpTimeoutUs: 30 * S,
};

/** `DefaultLocalConfig()`: the LAN config with these fields changed. */
export const DEFAULT_LOCAL_CONFIG: MemberlistConfig = {
  ...DEFAULT_LAN_CONFIG,
  probeIntervalUs: 1 * S,
  probeTimeoutUs: 200 * MS,
  indirectChecks: 1,
  suspicionMult: 3,
  retransmitMult: 2,
  gossipIntervalUs: 100 * MS,
  gossipToTheDeadTimeUs: 15 * S,
  pushPullIntervalUs: 15 * S,
  tcpTimeoutUs: 1 * S,
};

export const MEMBERLIST_DEFAULTS = { lan: DEFAULT_LAN_CONFIG, wan: DEFAULT_WAN_CONFIG, local: DEFAULT_LOCAL_CONFIG } as const;
export type MemberlistBase = keyof typeof MEMBERLIST_DEFAULTS;

// Go's math.Log10 is `math.Log2(x) * (Ln2/Ln10)` with `Log2(x) = Log(frac)·(1/Ln2) + exp`
// (frac, exp = Frexp(x)), the constants being exact and rounded once. That is not
// always the same double as JavaScript's Math.log10, and memberlist truncates
// `nodeScale·1000` to an integer, so one ulp can move a timeout by a millisecond.
const INV_LN2 = 1.4426950408889634; // 1/ln 2, correctly rounded
const LOG10_2 = 0.3010299956639812; // ln 2 / ln 10, correctly rounded

/** Go's `math.Log10(x)` for x ≥ 1 (the range memberlist uses). */
export function goLog10(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return Math.log10(x);
  // Frexp: x = frac · 2^exp with frac in [0.5, 1).
  let exp = Math.ceil(Math.log2(x));
  let frac = x / 2 ** exp;
  if (frac >= 1) {
    frac /= 2;
    exp++;
  }
  if (frac < 0.5) {
    frac *= 2;
    exp--;
  }
  const log2 = frac === 0.5 ? exp - 1 : Math.log(frac) * INV_LN2 + exp;
  return log2 * LOG10_2;
}

/**
 * `suspicionTimeout(suspicionMult, n, interval)` (util.go): the *minimum* suspicion
 * timeout, `SuspicionMult · max(1, log10(max(1, n))) · ProbeInterval`, with the scale
 * truncated to thousandths as Go's integer Durations do (n = 50 gives 1.698, not 1.69897).
 * Result in whole µs (Go works in ns; the floor loses under 1 µs).
 */
export function suspicionTimeoutUs(suspicionMult: number, n: number, probeIntervalUs: number): number {
  const nodeScale = Math.max(1, goLog10(Math.max(1, n)));
  const scaleMilli = Math.trunc(nodeScale * 1000);
  return Math.floor((suspicionMult * scaleMilli * probeIntervalUs) / 1000);
}

/** The suspicion timer's bounds and the confirmations it wants, as `suspectNode` sets them (state.go). */
export interface SuspicionBounds {
  readonly minUs: number;
  readonly maxUs: number;
  /** Independent confirmations that drive the timeout to `min`: SuspicionMult − 2, or 0 when n − 2 < that. */
  readonly k: number;
}

export function suspicionBounds(config: Pick<MemberlistConfig, 'suspicionMult' | 'suspicionMaxTimeoutMult' | 'probeIntervalUs'>, n: number): SuspicionBounds {
  let k = config.suspicionMult - 2;
  if (n - 2 < k) k = 0;
  const minUs = suspicionTimeoutUs(config.suspicionMult, n, config.probeIntervalUs);
  return { minUs, maxUs: config.suspicionMaxTimeoutMult * minUs, k };
}

/** The timer's first deadline after it starts (`newSuspicion`): max, or min when no confirmation is expected. */
export function initialSuspicionTimeoutUs(bounds: SuspicionBounds): number {
  return bounds.k < 1 ? bounds.minUs : bounds.maxUs;
}

/**
 * `remainingSuspicionTime(n, k, elapsed, min, max)` (suspicion.go): after `n`
 * confirmations, the total timeout is `max − (max − min)·ln(n+1)/ln(k+1)` floored to
 * whole milliseconds and at least `min`; the result is that minus the time elapsed,
 * and may be ≤ 0 (the node is then declared dead at once).
 */
export function remainingSuspicionTimeUs(n: number, k: number, elapsedUs: number, minUs: number, maxUs: number): number {
  const frac = Math.log(n + 1) / Math.log(k + 1);
  const raw = maxUs / S - frac * (maxUs / S - minUs / S);
  let timeoutUs = Math.floor(1000 * raw) * MS;
  if (timeoutUs < minUs) timeoutUs = minUs;
  return timeoutUs - elapsedUs;
}

/** `retransmitLimit(retransmitMult, n)` (util.go): RetransmitMult · ⌈log10(n + 1)⌉. */
export function retransmitLimit(retransmitMult: number, n: number): number {
  return retransmitMult * Math.ceil(goLog10(n + 1));
}

/** `pushPullScale(interval, n)` (util.go): above 32 nodes the push/pull interval grows as ⌈log2(n) − log2(32)⌉ + 1. */
export function pushPullScaleUs(intervalUs: number, n: number): number {
  const threshold = 32;
  if (n <= threshold) return intervalUs;
  const multiplier = Math.ceil(Math.log2(n) - Math.log2(threshold)) + 1;
  return multiplier * intervalUs;
}

/**
 * Lifeguard's Local Health Multiplier (awareness.go): a score in [0, max − 1], moved by
 * `ApplyDelta` and saturating at both ends; `ScaleTimeout(t) = t · (score + 1)`.
 */
export function applyAwarenessDelta(score: number, delta: number, awarenessMaxMultiplier: number): number {
  const next = score + delta;
  if (next < 0) return 0;
  if (next > awarenessMaxMultiplier - 1) return awarenessMaxMultiplier - 1;
  return next;
}

export function scaleByAwarenessUs(timeoutUs: number, score: number): number {
  return timeoutUs * (score + 1);
}

/**
 * What a failed probe does to the prober's score (state.go `probeNode`): with relays
 * that send nacks, + (expected − received) nacks; with none, +1. A successful probe
 * is −1; refuting a suspicion about oneself is +1 (`refute`).
 */
export function failedProbeAwarenessDelta(expectedNacks: number, receivedNacks: number): number {
  if (expectedNacks > 0) return receivedNacks < expectedNacks ? expectedNacks - receivedNacks : 0;
  return 1;
}
