/**
 * Turns a validated scenario into what the engine runs: a `SimConfig` in integer
 * microseconds (replication 0; the runner sets the others), plus how many
 * replications to pool and how much timeline to keep. Relative values are
 * resolved here ("timeout: 3x" against the heartbeat interval, "dead_after: 2x"
 * against the timeout), after any overrides, so a swept interval carries its
 * timeout along. Bursty loss given as an average and a burst length becomes the
 * Gilbert–Elliott chain, and empirical delays their equally spaced quantiles.
 *
 * A pure function of its argument: a sweep builds one plan per cell. The seed goes
 * through unchanged and nothing else feeds the random streams, so cells that differ
 * only in the detector see the same network and faults. Knows no files, YAML or zod.
 */
import type { CrashFault, DetectorConfig, Fault, LinkConfig, LinkOverride, NodeSelector, Onset, SimConfig } from '../sim/config.js';
import type { DelayDistribution } from '../sim/random/distributions.js';
import type { LossModel } from '../sim/network/loss.js';
import { TCP_DEFAULTS, type TcpSettings } from '../sim/config.js';
import type { RecommendationTargets } from '../results/results-file.js';
import { averageLoss } from '../analytic/loss.js';
import { gilbertFromAverage, parseQuantileKey, quantilesFromPoints, quantilesFromSamples } from './laws.js';
import {
  deadAfterUsOf,
  faultEntry,
  LINK_CLASS_PRESETS,
  nodeNamesOf,
  protocolConfigOf,
  relativeUs,
  selectedNames,
  timeoutUsOf,
  type CrashSpec,
  type DistributionSpec,
  type DurationLawSpec,
  type FaultSpec,
  type LinkDelaySpec,
  type LinkSpec,
  type LossSpec,
  type NodeSelectorSpec,
  type PartialLinkSpec,
  type Scenario,
  type TcpSpec,
} from './schema/index.js';
import { rateMeanGapUs, type Rate } from './units.js';

export interface RunPlan {
  readonly config: SimConfig;
  readonly replications: number;
  /** Transitions kept for the sample timeline (replication 0). */
  readonly timelineLimit: number;
}

export function build(scenario: Scenario): RunPlan {
  const link = linkConfigOf(scenario.link);
  const reverse: LinkSpec | undefined = scenario.reverse_link === undefined ? undefined : mergeLink(scenario.link, scenario.reverse_link);
  const linkOverrides = linkOverridesOf(scenario, reverse ?? scenario.link);
  const faults = scenario.faults.flatMap((f) => faultOf(f));
  const protocol = protocolConfigOf(scenario.protocol, nodeNamesOf(scenario.cluster.nodes).length, scenario.heartbeat.interval);
  const config: SimConfig = {
    seed: String(scenario.seed),
    replication: 0,
    durationUs: scenario.duration,
    warmupUs: scenario.warmup,
    nodeNames: nodeNamesOf(scenario.cluster.nodes),
    monitorName: scenario.cluster.monitor,
    heartbeat: { intervalUs: scenario.heartbeat.interval, jitter: distributionOf(scenario.heartbeat.jitter) },
    link,
    ...(reverse === undefined ? {} : { reverseLink: linkConfigOf(reverse) }),
    ...(linkOverrides.length === 0 ? {} : { linkOverrides }),
    crashes: scenario.faults.flatMap((fault) => (fault.crash === undefined ? [] : [crashOf(fault.crash)])),
    faults,
    detector: detectorOf(scenario),
    flapWindowUs: scenario.flap_window,
    transitionLogLimit: scenario.timeline_limit,
    ...monitorFailoverOf(scenario),
    ...(protocol === null ? {} : { protocol }),
  };
  return { config, replications: scenario.replications, timelineLimit: scenario.timeline_limit };
}

/** The `monitor_crash` fault (the schema allows at most one) as the engine's failover. */
function monitorFailoverOf(scenario: Scenario): Pick<SimConfig, 'monitorFailover'> {
  const entry = scenario.faults.find((f) => f.monitor_crash !== undefined)?.monitor_crash;
  if (entry === undefined) return {};
  return { monitorFailover: { onset: onsetOf(entry), takeoverUs: entry.takeover, startup: entry.startup } };
}

/** The `targets:` block as the analysis reads it (durations in ms). */
export function recommendationTargetsOf(scenario: Pick<Scenario, 'targets'>): RecommendationTargets {
  const t = scenario.targets;
  return {
    ...(t.max_false_suspicions_per_node_day === undefined ? {} : { maxFalseSuspicionsPerNodeDay: t.max_false_suspicions_per_node_day }),
    ...(t.max_detection_p99 === undefined ? {} : { maxDetectionP99Ms: t.max_detection_p99 / 1000 }),
    ...(t.min_query_accuracy === undefined ? {} : { minQueryAccuracy: t.min_query_accuracy }),
  };
}

// ------------------------------------------------------------------------ laws

export function distributionOf(d: DistributionSpec | LinkDelaySpec): DelayDistribution {
  switch (d.dist) {
    case 'constant':
      return { kind: 'constant', valueUs: d.value };
    case 'uniform':
      return { kind: 'uniform', minUs: d.min, maxUs: d.max };
    case 'exponential':
      return { kind: 'exponential', meanUs: d.mean };
    case 'normal':
      return { kind: 'normal', meanUs: d.mean, sdUs: d.sd };
    case 'lognormal':
      return { kind: 'lognormal', medianUs: d.median, sigma: d.sigma };
    case 'pareto':
      return { kind: 'pareto', scaleUs: d.scale, shape: d.shape };
    case 'empirical':
      return { kind: 'empirical', quantilesUs: empiricalQuantilesUs(d) };
  }
}

/** Equally spaced quantiles of an empirical law, from whichever form it was given in. */
function empiricalQuantilesUs(d: Extract<DistributionSpec, { dist: 'empirical' }>): number[] {
  if (d.samples !== undefined) return quantilesFromSamples(d.samples);
  if (d.csv !== undefined) return [...d.csv.samplesUs]; // sorted when read
  let decimals = 0;
  const points = Object.entries(d.quantiles ?? {}).map(([key, valueUs]) => {
    const parsed = parseQuantileKey(key);
    // The schema has checked every key.
    if (!parsed.ok) throw new RangeError(`not a quantile name: ${key}`);
    decimals = Math.max(decimals, parsed.decimals);
    return { probability: parsed.probability, valueUs };
  });
  return quantilesFromPoints(points, decimals);
}

/** A duration or a law: a plain duration is a constant law. */
function durationLawOf(d: DurationLawSpec): DelayDistribution {
  return typeof d === 'number' ? { kind: 'constant', valueUs: d } : distributionOf(d);
}

// ----------------------------------------------------------------------- links

export function lossModelOf(loss: LossSpec): LossModel {
  if (typeof loss === 'number') return { kind: 'bernoulli', probability: loss };
  if ('average' in loss) {
    const g = gilbertFromAverage(loss.average, loss.burst);
    // The schema refuses averages the burst length cannot reach.
    if (!g.ok) throw new RangeError(`loss ${loss.average} cannot have bursts of ${loss.burst}`);
    return { kind: 'gilbertElliott', enterBadProbability: g.model.enterBad, leaveBadProbability: g.model.leaveBad, lossInGoodProbability: 0, lossInBadProbability: 1 };
  }
  return { kind: 'gilbertElliott', enterBadProbability: loss.enter_bad, leaveBadProbability: loss.leave_bad, lossInGoodProbability: loss.loss_in_good, lossInBadProbability: loss.loss_in_bad };
}

function linkConfigOf(l: LinkSpec): LinkConfig {
  const model = lossModelOf(l.loss);
  const delay = { baseUs: l.delay.base, random: distributionOf(l.delay) };
  // TCP links carry their parameters; UDP links stay as they were (no extra fields).
  const transport: Pick<LinkConfig, 'transport' | 'tcp'> = l.transport === 'tcp' ? { transport: 'tcp', tcp: l.tcp ? tcpSettingsOf(l.tcp) : TCP_DEFAULTS } : {};
  if (model.kind === 'bernoulli') return { lossProbability: model.probability, duplicateProbability: l.duplicate, delay, ...transport };
  return { lossProbability: averageLoss(model), loss: model, duplicateProbability: l.duplicate, delay, ...transport };
}

function tcpSettingsOf(t: TcpSpec): TcpSettings {
  return { rtoMinUs: t.rto_min, rtoInitialUs: t.rto_initial, rtoMaxUs: t.rto_max, retries2: t.retries2, reconnectDelayUs: t.reconnect_delay, userTimeoutUs: t.user_timeout };
}

/** `over`'s fields where given, else `base`'s. */
function mergeLink(base: LinkSpec, over: PartialLinkSpec): LinkSpec {
  return {
    loss: over.loss ?? base.loss,
    duplicate: over.duplicate ?? base.duplicate,
    delay: over.delay ?? base.delay,
    transport: over.transport ?? base.transport,
    tcp: over.tcp ?? base.tcp,
  };
}

const hasFields = (l: PartialLinkSpec | undefined) =>
  l !== undefined && (l.loss !== undefined || l.duplicate !== undefined || l.delay !== undefined || l.transport !== undefined || l.tcp !== undefined);

function selectorOf(nodes: NodeSelectorSpec): NodeSelector {
  const names = selectedNames(nodes);
  return names === null ? { kind: 'all' } : { kind: 'named', names: [...names] };
}

/**
 * One override per class, in the order written (the engine lets a later class win
 * for a node two classes name). A direction is overridden only when the class says
 * something about it: a preset, class-wide fields, or that direction's own.
 */
function linkOverridesOf(scenario: Scenario, reverse: LinkSpec): LinkOverride[] {
  return Object.values(scenario.link_classes).flatMap((c) => {
    const preset = c.preset === undefined ? undefined : (LINK_CLASS_PRESETS[c.preset] as unknown as LinkSpec);
    const classWide = preset !== undefined || hasFields(c);
    const direction = (fallback: LinkSpec, own: PartialLinkSpec | undefined): LinkConfig | undefined => {
      if (!classWide && !hasFields(own)) return undefined;
      // A preset gives loss and delay; the transport stays the direction's own.
      const base = mergeLink(preset === undefined ? fallback : { ...fallback, ...preset }, c);
      return linkConfigOf(own === undefined ? base : mergeLink(base, own));
    };
    const toObserver = direction(scenario.link, c.to_monitor);
    const fromObserver = direction(reverse, c.from_monitor);
    if (toObserver === undefined && fromObserver === undefined) return [];
    return [{ nodes: selectorOf(c.nodes), ...(toObserver === undefined ? {} : { toObserver }), ...(fromObserver === undefined ? {} : { fromObserver }) }];
  });
}

// ---------------------------------------------------------------------- faults

function crashOf(c: CrashSpec): CrashFault {
  const nodes = selectorOf(c.nodes);
  if (c.at !== undefined) return { kind: 'crashAt', nodes, atUs: c.at, downUs: c.down ?? null };
  // The schema guarantees mttf and mttr together when `at` is absent.
  return {
    kind: 'crashRecover',
    nodes,
    mttfUs: c.mttf!,
    mttrUs: c.mttr!,
    ...(c.restart_delay === undefined ? {} : { restartDelayUs: c.restart_delay }),
    ...(c.rack_size === undefined ? {} : { rackSize: c.rack_size }),
  };
}

interface OnsetSpec {
  readonly at?: number | undefined;
  readonly every?: number | undefined;
  readonly rate?: Rate | undefined;
  readonly period?: number | undefined;
}

/** The one onset key given (the schema checks there is exactly one). */
function onsetOf(s: OnsetSpec): Onset {
  if (s.at !== undefined) return { kind: 'at', atUs: s.at };
  if (s.every !== undefined) return { kind: 'poisson', meanGapUs: s.every };
  if (s.rate !== undefined) return { kind: 'poisson', meanGapUs: rateMeanGapUs(s.rate) };
  return { kind: 'periodic', periodUs: s.period! };
}

/** An outage's length: `duration` (a law) or `for` (fixed). */
function lengthOf(s: { duration?: DurationLawSpec | undefined; for?: number | undefined }): DelayDistribution {
  return s.duration !== undefined ? durationLawOf(s.duration) : { kind: 'constant', valueUs: s.for! };
}

const DIRECTIONS = { both: 'both', to_monitor: 'toObserver', from_monitor: 'fromObserver' } as const;

/** The engine faults of one entry; crashes go to `crashes` instead. */
function faultOf(fault: FaultSpec): Fault[] {
  const { kind } = faultEntry(fault);
  switch (kind) {
    case 'crash':
    case 'monitor_crash':
      return [];
    case 'pause': {
      const p = fault.pause!;
      return [{ kind: 'senderPause', nodes: selectorOf(p.nodes), onset: onsetOf(p), duration: durationLawOf(p.duration), afterPause: p.after }];
    }
    case 'monitor_pause': {
      const p = fault.monitor_pause!;
      return [{ kind: 'observerPause', onset: onsetOf(p), duration: durationLawOf(p.duration), backlog: p.backlog === 'checks_first' ? 'checksFirst' : 'messagesFirst' }];
    }
    case 'partition': {
      const p = fault.partition!;
      return [{ kind: 'partition', nodes: selectorOf(p.nodes), scope: p.scope, direction: DIRECTIONS[p.direction], onset: onsetOf(p), duration: lengthOf(p) }];
    }
    case 'isolate': {
      const p = fault.isolate!;
      return [{ kind: 'partition', nodes: selectorOf(p.nodes), scope: 'each', direction: 'both', onset: onsetOf(p), duration: lengthOf(p) }];
    }
    case 'cpu_starvation': {
      const c = fault.cpu_starvation!;
      return [{ kind: 'cpuStarvation', nodes: selectorOf(c.nodes), onset: onsetOf(c), duration: durationLawOf(c.duration), extraDelay: durationLawOf(c.extra_delay) }];
    }
    case 'slow_io': {
      const c = fault.slow_io!;
      return [{ kind: 'slowIo', nodes: selectorOf(c.nodes), extraDelay: durationLawOf(c.extra_delay) }];
    }
    case 'clock_drift': {
      const c = fault.clock_drift!;
      return [{ kind: 'clockDrift', nodes: c.nodes === undefined ? null : selectorOf(c.nodes), observer: c.monitor, ppm: c.ppm }];
    }
    case 'clock_step': {
      const c = fault.clock_step!;
      return [{ kind: 'clockStep', nodes: c.nodes === undefined ? null : selectorOf(c.nodes), observer: c.monitor, onset: onsetOf(c), stepUs: c.step }];
    }
    case 'unhealthy': {
      const u = fault.unhealthy!;
      return [{ kind: 'unhealthy', nodes: selectorOf(u.nodes), onset: onsetOf(u), duration: durationLawOf(u.duration) }];
    }
  }
}

// ------------------------------------------------------------------- detectors

const neverAsInfinity = (us: number | null) => (us === null ? Number.POSITIVE_INFINITY : us);

function detectorOf(scenario: Scenario): DetectorConfig {
  const d = scenario.detector;
  const intervalUs = scenario.heartbeat.interval;
  switch (d.kind) {
    case 'timeout':
      return { kind: 'timeout', timeoutUs: timeoutUsOf(scenario), deadAfterUs: deadAfterUsOf(scenario), checkIntervalUs: d.check_interval, ...(d.clock === 'wall' ? { clock: 'wall' as const } : {}) };
    case 'phi_akka':
      return {
        kind: 'phiAkka',
        threshold: d.threshold,
        acceptablePauseUs: d.acceptable_pause,
        minStdDeviationUs: d.min_std_deviation,
        maxSampleSize: d.max_sample_size,
        firstHeartbeatEstimateUs: d.first_heartbeat_estimate ?? intervalUs,
        confirmAfterUs: neverAsInfinity(d.confirm_after),
        checkIntervalUs: d.check_interval,
      };
    case 'phi_cassandra':
      return {
        kind: 'phiCassandra',
        convictThreshold: d.phi_convict_threshold,
        initialIntervalUs: d.initial_value,
        maxIntervalUs: d.max_interval,
        sampleSize: d.sample_size,
        maxLocalPauseUs: d.max_local_pause,
        confirmAfterUs: neverAsInfinity(d.confirm_after),
        checkIntervalUs: d.check_interval,
      };
    case 'nfd_s':
      return { kind: 'nfdS', shiftUs: relativeUs(scenario, 'shift'), confirmAfterUs: neverAsInfinity(d.confirm_after), checkIntervalUs: d.check_interval };
    case 'nfd_e':
      return {
        kind: 'nfdE',
        marginUs: relativeUs(scenario, 'margin'),
        windowSize: d.window,
        bertier: d.bertier === undefined ? null : { beta: d.bertier.beta, phi: d.bertier.phi, gamma: d.bertier.gamma },
        confirmAfterUs: neverAsInfinity(d.confirm_after),
        checkIntervalUs: d.check_interval,
      };
    case 'pull_check': {
      const dead = d.dead_threshold === undefined ? d.unhealthy_threshold : d.dead_threshold;
      return {
        kind: 'pullCheck',
        probeTimeoutUs: d.probe_timeout,
        unhealthyThreshold: d.unhealthy_threshold,
        healthyThreshold: d.healthy_threshold,
        deadThreshold: dead === null ? Number.POSITIVE_INFINITY : dead,
        schedule: d.schedule === 'fixed_rate' ? 'fixedRate' : 'afterCompletion',
        checkIntervalUs: 0,
      };
    }
    case 'lease':
      return {
        kind: 'lease',
        leaseUs: timeoutUsOf(scenario),
        deadAfterUs: deadAfterUsOf(scenario),
        checkIntervalUs: d.check_interval,
        ...(d.request_timeout ? { requestTimeoutUs: d.request_timeout, retryUs: d.retry_period ?? d.request_timeout } : {}),
      };
    case 'liveness_readiness':
      return {
        kind: 'livenessReadiness',
        timeoutUs: timeoutUsOf(scenario),
        deadAfterUs: deadAfterUsOf(scenario),
        checkIntervalUs: d.check_interval,
        readinessIntervalUs: d.readiness_interval,
        probeTimeoutUs: d.probe_timeout,
        failureThreshold: d.failure_threshold,
        successThreshold: d.success_threshold,
        readinessFromHeartbeats: d.heartbeat_status,
      };
  }
}
