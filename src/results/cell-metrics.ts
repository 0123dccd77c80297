/**
 * Turns a configuration's pooled tallies into the metrics of the results contract
 * (docs/results.md): names, units and intervals as other tools and the CI gate read
 * them. Every rate carries an interval; a count of zero still yields an upper bound.
 * Values are rounded (µs resolution for times, 6 significant digits for rates) so
 * that results files diff cleanly.
 */
import type { RunTallies } from '../sim/metrics/recorder.js';
import { MESSAGE_KINDS } from '../sim/metrics/membership-tallies.js';
import { US_PER_HOUR, US_PER_S } from '../sim/time.js';
import { poissonRateInterval, proportionInterval, quantileInterval, ratioInterval, sortSamples, summarize } from '../stats/index.js';

export interface LatencyMetrics {
  readonly count: number;
  readonly mean: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly max: number | null;
  /** Distribution-free 95 % interval of p99 (order statistics); null when too few samples. */
  readonly p99_ci95: readonly [number, number] | null;
}

export interface DurationMetrics {
  readonly count: number;
  readonly mean: number | null;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

export interface EventRateMetrics {
  readonly count: number;
  readonly per_node_hour: number;
  readonly per_node_day: number;
  /** Exact (Garwood) 95 % Poisson interval of the per-node-day rate. */
  readonly ci95_low: number;
  readonly ci95_high: number;
}

export interface CellMetrics {
  readonly detection_latency_ms: LatencyMetrics;
  readonly detection_to_dead_ms: LatencyMetrics;
  readonly false_suspicions: EventRateMetrics;
  readonly false_deaths: EventRateMetrics;
  readonly mistake_duration_ms: DurationMetrics;
  /** Mean time between false suspicions of one node: node-time / count, with the Poisson interval inverted. */
  readonly mistake_recurrence_s: { readonly mean: number | null; readonly ci95_low: number | null; readonly ci95_high: number | null };
  /** Fraction of live-node time during which the observer trusted the node (P_A). */
  readonly query_accuracy: number | null;
  readonly query_accuracy_ci95: readonly [number, number] | null;
  readonly messages_per_node_s: number | null;
  readonly node_hours: number;
  readonly crashes: { readonly count: number; readonly detected: number; readonly undetected: number; readonly censored: number };
  /**
   * Leases: windows in which the observer had expired a live node that still acted on
   * its lease (a second holder could be granted meanwhile). Zero for other detectors.
   */
  readonly split_brain: EventRateMetrics & { readonly total_ms: number; readonly max_ms: number };
  readonly heartbeats: {
    readonly sent: number;
    readonly delivered: number;
    readonly lost: number;
    readonly partitioned: number;
    readonly missed_while_paused: number;
    /** Observer → node messages: pull-check probes and lease grants. */
    readonly probes: number;
  };
  /**
   * Readiness (the `liveness_readiness` detector's second verdict): latency from the start
   * of an unhealthy window to NOT_READY, NOT_READY verdicts on healthy live nodes (per
   * node-time healthy and up), and the fraction of that time observed READY. Zero / null
   * for other detectors.
   */
  readonly readiness: {
    readonly not_ready_detection_ms: DurationMetrics;
    readonly false_not_ready: EventRateMetrics;
    readonly ready_accuracy: number | null;
  };
  /** False suspicions that began within the flap window after the node's previous one ended. */
  readonly flaps: EventRateMetrics;
  /** The largest number of live nodes suspected at the same time, and how often that reached 10 % of nodes (≥ 2). */
  readonly max_simultaneous_false_suspicions: number;
  readonly mass_suspicion_events: number;
  /**
   * The longest single sender pause that causes no false suspicion with probability
   * ≥ 99 % (ms), found by bisection over injected pauses; absent when not computed.
   */
  readonly longest_pause_survived_ms?: number;
  /**
   * TCP links only (absent when every link is UDP): retransmissions, messages read late
   * behind a lost one (head-of-line stalls), connection breaks and the messages they
   * lost, and the share of false suspicions that began while TCP held back a message
   * of that node (exact 95 % interval).
   */
  readonly transport?: {
    readonly retransmissions: number;
    readonly head_of_line_stalls: number;
    readonly connection_breaks: number;
    readonly dropped_by_breaks: number;
    readonly false_suspicions_during_stall: number;
    readonly stall_share: number | null;
    readonly stall_share_ci95: readonly [number, number] | null;
  };
  /**
   * Monitor failover only (absent without a `monitor_crash` fault): the monitor's
   * crashes, the time without a working monitor, and the false suspicions that began
   * after a takeover before the node's first message reached the standby.
   */
  readonly failover?: {
    readonly monitor_crashes: number;
    readonly monitor_down_ms: number;
    readonly monitor_down_fraction: number | null;
    readonly takeover_false_suspicions: number;
  };
  /**
   * Decentralised protocols only (`protocol.kind` other than central): every member
   * observes every other. Absent for the central monitor.
   */
  readonly membership?: MembershipMetrics;
  /** Sender pauses and the fraction that caused a false suspicion (exact 95 % interval). */
  readonly pauses: {
    readonly count: number;
    readonly mean_ms: number | null;
    readonly caused_false_suspicion: number;
    readonly fraction: number | null;
    readonly ci95: readonly [number, number] | null;
  };
}

export interface MembershipMetrics {
  readonly members: number;
  /** Crash → the first member that suspects it; → the first DEAD anywhere; → every live member holds it DEAD. */
  readonly first_suspicion_ms: LatencyMetrics;
  readonly first_dead_ms: LatencyMetrics;
  readonly dissemination_ms: LatencyMetrics;
  /** Crashes whose DEAD had not reached every live member by the end of the run or the member's return. */
  readonly dissemination_incomplete: number;
  /** Mistakes where they start: suspicions of live members by a failed probe, DEAD by an expiring timer (per member-day). */
  readonly false_suspicions: EventRateMetrics;
  readonly false_deaths: EventRateMetrics;
  /** Mistakes as observers see them: views of live members turning SUSPECT / DEAD, per observing member-day. */
  readonly suspect_views: EventRateMetrics;
  readonly dead_views: EventRateMetrics;
  /** Fraction of (observer, live member) time the observer held the member ALIVE. */
  readonly view_accuracy: number | null;
  /** Per false-DEAD episode: the most members that held the live member DEAD at once, before the refutation won. */
  readonly false_dead_reach: DurationMetrics;
  readonly probes: number;
  readonly failed_probes: number;
  /** failed_probes / probes with its exact 95 % interval. */
  readonly probe_failure_fraction: number | null;
  readonly probe_failure_ci95: readonly [number, number] | null;
  readonly refutations: number;
  /** Per member-second of up-time, by kind (ping, ack, ping_req, indirect, nack, gossip, push_pull, tcp_ping) and in total. */
  readonly messages_per_member_s: Readonly<Record<string, number>>;
  readonly bytes_per_member_s: Readonly<Record<string, number>>;
  /** Highest Lifeguard awareness score reached (0 = always healthy). */
  readonly max_awareness: number;
}

const US_PER_DAY = 24 * US_PER_HOUR;

export function roundSignificant(value: number, digits = 6): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  return Number(value.toPrecision(digits));
}

/** µs → ms, keeping µs resolution. */
function toMs(valueUs: number | null): number | null {
  return valueUs === null ? null : Math.round(valueUs) / 1000;
}

function latencyMetrics(samplesUs: Float64Array): LatencyMetrics {
  const sorted = sortSamples(samplesUs);
  const s = summarize(sorted);
  const p99 = quantileInterval(sorted, 0.99);
  return {
    count: s.count,
    mean: toMs(s.mean),
    p50: toMs(s.p50),
    p90: toMs(s.p90),
    p99: toMs(s.p99),
    max: toMs(s.max),
    p99_ci95: p99 ? [toMs(p99.low)!, toMs(p99.high)!] : null,
  };
}

function durationMetrics(samplesUs: Float64Array): DurationMetrics {
  const s = summarize(sortSamples(samplesUs));
  return { count: s.count, mean: toMs(s.mean), p50: toMs(s.p50), p99: toMs(s.p99), max: toMs(s.max) };
}

function eventRate(count: number, upUs: number): EventRateMetrics {
  const nodeDays = upUs / US_PER_DAY;
  if (!(nodeDays > 0)) return { count, per_node_hour: 0, per_node_day: 0, ci95_low: 0, ci95_high: 0 };
  const interval = poissonRateInterval(count, nodeDays);
  return {
    count,
    per_node_hour: roundSignificant(count / (upUs / US_PER_HOUR)),
    per_node_day: roundSignificant(count / nodeDays),
    ci95_low: roundSignificant(interval.low),
    ci95_high: roundSignificant(interval.high),
  };
}

function failoverMetrics(t: RunTallies, measuredUs: number): Pick<CellMetrics, 'failover'> {
  const f = t.failover;
  if (!f) return {};
  return {
    failover: {
      monitor_crashes: f.monitorCrashes,
      monitor_down_ms: Math.round(f.monitorDownUs) / 1000,
      monitor_down_fraction: measuredUs > 0 ? roundSignificant(f.monitorDownUs / measuredUs) : null,
      takeover_false_suspicions: f.takeoverFalseSuspicions,
    },
  };
}

function transportMetrics(t: RunTallies): Pick<CellMetrics, 'transport'> {
  const r = t.transport;
  if (!r) return {};
  const ci = t.falseSuspicions > 0 ? proportionInterval(r.falseSuspicionsDuringStall, t.falseSuspicions) : null;
  return {
    transport: {
      retransmissions: r.retransmissions,
      head_of_line_stalls: r.headOfLineStalls,
      connection_breaks: r.connectionBreaks,
      dropped_by_breaks: r.droppedByBreaks,
      false_suspicions_during_stall: r.falseSuspicionsDuringStall,
      stall_share: t.falseSuspicions > 0 ? roundSignificant(r.falseSuspicionsDuringStall / t.falseSuspicions) : null,
      stall_share_ci95: ci ? [roundSignificant(ci.low), roundSignificant(ci.high)] : null,
    },
  };
}

function pauseMetrics(t: RunTallies): CellMetrics['pauses'] {
  if (t.pauses === 0) return { count: 0, mean_ms: null, caused_false_suspicion: 0, fraction: null, ci95: null };
  const ci = proportionInterval(t.pausesWithSuspicion, t.pauses);
  return {
    count: t.pauses,
    mean_ms: toMs(t.pausedUs / t.pauses),
    caused_false_suspicion: t.pausesWithSuspicion,
    fraction: roundSignificant(t.pausesWithSuspicion / t.pauses),
    ci95: [roundSignificant(ci.low), roundSignificant(ci.high)],
  };
}

function readinessMetrics(t: RunTallies): CellMetrics['readiness'] {
  const r = t.readiness;
  if (!r) return { not_ready_detection_ms: durationMetrics(new Float64Array(0)), false_not_ready: eventRate(0, 0), ready_accuracy: null };
  return {
    not_ready_detection_ms: durationMetrics(r.notReadyLatenciesUs),
    false_not_ready: eventRate(r.falseNotReady, r.healthyUpUs),
    ready_accuracy: r.healthyUpUs > 0 ? roundSignificant(r.healthyUpReadyUs / r.healthyUpUs, 9) : null,
  };
}

function countMetrics(samples: Float64Array): DurationMetrics {
  const s = summarize(sortSamples(samples));
  return { count: s.count, mean: s.mean === null ? null : roundSignificant(s.mean), p50: s.p50, p99: s.p99, max: s.max };
}

function membershipMetrics(t: RunTallies): MembershipMetrics | undefined {
  const m = t.membership;
  if (!m) return undefined;
  const upS = t.upUs / US_PER_S;
  const perMemberS = (values: Float64Array) => {
    const out: Record<string, number> = {};
    let total = 0;
    MESSAGE_KINDS.forEach((kind, k) => {
      out[kind] = upS > 0 ? roundSignificant(values[k]! / upS) : 0;
      total += values[k]!;
    });
    out.total = upS > 0 ? roundSignificant(total / upS) : 0;
    return out;
  };
  const failure = m.probes > 0 ? proportionInterval(m.failedProbes, m.probes) : null;
  return {
    members: m.members,
    first_suspicion_ms: latencyMetrics(m.firstSuspicionLatenciesUs),
    first_dead_ms: latencyMetrics(m.firstDeadLatenciesUs),
    dissemination_ms: latencyMetrics(m.disseminationLatenciesUs),
    dissemination_incomplete: m.disseminationIncomplete,
    false_suspicions: eventRate(m.suspicionsOriginated, t.upUs),
    false_deaths: eventRate(m.deathsOriginated, t.upUs),
    suspect_views: eventRate(m.suspectViews, t.upUs),
    dead_views: eventRate(m.deadViews, t.upUs),
    view_accuracy: m.observerSubjectUpUs > 0 ? roundSignificant(1 - m.observerSubjectSuspectedUs / m.observerSubjectUpUs, 9) : null,
    false_dead_reach: countMetrics(m.falseDeadReach),
    probes: m.probes,
    failed_probes: m.failedProbes,
    probe_failure_fraction: m.probes > 0 ? roundSignificant(m.failedProbes / m.probes) : null,
    probe_failure_ci95: failure ? [roundSignificant(failure.low), roundSignificant(failure.high)] : null,
    refutations: m.refutations,
    messages_per_member_s: perMemberS(m.messages),
    bytes_per_member_s: perMemberS(m.bytes),
    max_awareness: m.maxAwareness,
  };
}

export function cellMetrics(t: RunTallies): CellMetrics {
  const membership = membershipMetrics(t);
  const upS = t.upUs / US_PER_S;
  const falseSuspicions = eventRate(t.falseSuspicions, t.upUs);
  const perNodeS = (rate: number) => (rate > 0 ? roundSignificant(86_400 / rate) : null);
  const suspectedFraction = ratioInterval(t.perPairUpSuspectedUs, t.perPairUpUs);
  return {
    detection_latency_ms: latencyMetrics(t.detectionLatenciesUs),
    detection_to_dead_ms: latencyMetrics(t.deadLatenciesUs),
    false_suspicions: falseSuspicions,
    false_deaths: eventRate(t.falseDeaths, t.upUs),
    mistake_duration_ms: durationMetrics(t.mistakeDurationsUs),
    mistake_recurrence_s: {
      mean: t.falseSuspicions > 0 ? roundSignificant(upS / t.falseSuspicions) : null,
      ci95_low: perNodeS(falseSuspicions.ci95_high),
      ci95_high: perNodeS(falseSuspicions.ci95_low),
    },
    query_accuracy: t.upUs > 0 ? roundSignificant(1 - t.upSuspectedUs / t.upUs, 9) : null,
    query_accuracy_ci95: suspectedFraction
      ? [
          roundSignificant(Math.max(0, 1 - suspectedFraction.high), 9),
          roundSignificant(Math.min(1, 1 - suspectedFraction.low), 9),
        ]
      : null,
    // Both directions: heartbeats or probe replies, plus probes or lease grants.
    messages_per_node_s: upS > 0 ? roundSignificant((t.heartbeatsSent + t.probesSent) / upS) : null,
    node_hours: roundSignificant(t.upUs / US_PER_HOUR),
    crashes: {
      count: t.crashes,
      detected: t.detectionLatenciesUs.length,
      undetected: t.crashesUndetected,
      censored: t.crashesCensored,
    },
    heartbeats: {
      sent: t.heartbeatsSent,
      delivered: t.heartbeatsDelivered,
      lost: t.heartbeatsLost,
      partitioned: t.heartbeatsPartitioned,
      missed_while_paused: t.heartbeatsMissedWhilePaused,
      probes: t.probesSent,
    },
    // Episodes as an event rate (count, per node-hour and node-day, exact interval), plus their length.
    split_brain: { ...eventRate(t.splitBrainEpisodes, t.upUs), total_ms: Math.round(t.splitBrainUs) / 1000, max_ms: Math.round(t.maxSplitBrainUs) / 1000 },
    flaps: eventRate(t.flaps, t.upUs),
    max_simultaneous_false_suspicions: t.maxSimultaneousFalseSuspicions,
    mass_suspicion_events: t.massSuspicionEvents,
    ...(membership ? { membership } : {}),
    pauses: pauseMetrics(t),
    readiness: readinessMetrics(t),
    ...transportMetrics(t),
    // The monitor's time is the run's measured time: node up-time over the nodes.
    ...failoverMetrics(t, t.perPairUpUs.length > 0 ? t.upUs / t.perPairUpUs.length : 0),
  };
}
