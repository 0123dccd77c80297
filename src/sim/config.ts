/**
 * What the engine is asked to simulate: a fully resolved configuration in integer
 * microseconds and plain probabilities. Scenario files, units and defaults live in
 * src/scenarios, which builds one of these; the engine never parses anything.
 */
import type { DelayDistribution, LinkDelay } from './random/distributions.js';
import type { LossModel } from './network/loss.js';
import type { ProtocolConfig } from './protocols/config.js';

/** memberlist's defaults and suspicion bounds, for the scenario layer (part of the engine's surface). */
export { MEMBERLIST_DEFAULTS, suspicionBounds, type MemberlistBase, type MemberlistConfig } from './protocols/swim/memberlist.js';

export interface HeartbeatConfig {
  /** Nominal time between two heartbeats of one node. */
  readonly intervalUs: number;
  /**
   * Extra delay added to each nominal send instant (not cumulative, so the schedule
   * does not drift). Models a sender's timer and scheduling slack.
   */
  readonly jitter: DelayDistribution;
}

export interface LinkConfig {
  /** Each message is lost independently with this probability (Bernoulli). Ignored when `loss` is given. */
  readonly lossProbability: number;
  /** The loss model; overrides `lossProbability` (e.g. Gilbert–Elliott bursts). */
  readonly loss?: LossModel;
  /** Each delivered message is delivered a second time, with its own delay, with this probability. */
  readonly duplicateProbability: number;
  readonly delay: LinkDelay;
  /**
   * 'udp' (default): a lost message is gone. 'tcp': messages ride one connection per
   * direction; a lost segment is retransmitted (RTO, backoff), later ones wait behind
   * it, the connection breaks after `tcp.retries2` retries (src/sim/network/tcp.ts).
   * Duplication does not apply to TCP.
   */
  readonly transport?: 'udp' | 'tcp';
  /** TCP parameters (TCP_DEFAULTS when absent). */
  readonly tcp?: TcpSettings;
}

/** Which nodes a rule applies to: every monitored node, or the named ones. */
export type NodeSelector = { readonly kind: 'all' } | { readonly kind: 'named'; readonly names: readonly string[] };

/** Links of the selected nodes that differ from the default (a rack, a zone, a region). */
export interface LinkOverride {
  readonly nodes: NodeSelector;
  /** node → observer. */
  readonly toObserver?: LinkConfig;
  /** observer → node (probes, acks, lease grants). */
  readonly fromObserver?: LinkConfig;
}

export type CrashFault =
  /** The selected nodes crash at one instant and stay down (or come back after `downUs`). */
  | { readonly kind: 'crashAt'; readonly nodes: NodeSelector; readonly atUs: number; readonly downUs: number | null }
  /**
   * Each selected node (or each rack of `rackSize` consecutive nodes, which then crash
   * and recover together) alternates up (exponential, mean mttf) and down (a fixed
   * restart delay plus an exponential repair time, mean mttr).
   */
  | {
      readonly kind: 'crashRecover';
      readonly nodes: NodeSelector;
      readonly mttfUs: number;
      readonly mttrUs: number;
      readonly restartDelayUs?: number;
      readonly rackSize?: number;
    };

/** When a fault strikes. */
export type Onset =
  /** Once, at this instant. */
  | { readonly kind: 'at'; readonly atUs: number }
  /** Poisson arrivals: exponential gaps with this mean (the onset rate is its inverse). */
  | { readonly kind: 'poisson'; readonly meanGapUs: number }
  /** Every `periodUs`, starting at a uniformly random phase. */
  | { readonly kind: 'periodic'; readonly periodUs: number }
  /** Once per entity, at a uniformly random instant in [fromUs, toUs) (injected pauses). */
  | { readonly kind: 'uniformOnce'; readonly fromUs: number; readonly toUs: number };

export type LinkDirection = 'both' | 'toObserver' | 'fromObserver';

export type Fault =
  /** Stop-the-world pauses of senders: nothing is sent while paused. */
  | {
      readonly kind: 'senderPause';
      readonly nodes: NodeSelector;
      readonly onset: Onset;
      readonly duration: DelayDistribution;
      /** After the pause: 'skip' the missed beats, or send them all at once ('burst', fixed-rate timers). */
      readonly afterPause: 'skip' | 'burst';
    }
  /** Pauses of the observer: it neither receives nor checks, then works off its backlog. */
  | {
      readonly kind: 'observerPause';
      readonly onset: Onset;
      readonly duration: DelayDistribution;
      /** On resume, overdue checks run before queued heartbeats are read ('checksFirst'), or after. */
      readonly backlog: 'checksFirst' | 'messagesFirst';
    }
  /**
   * Links go down. scope 'each': every selected node has its own outages; 'group': the
   * selected nodes are cut off together. Messages already in flight still arrive.
   */
  | {
      readonly kind: 'partition';
      readonly nodes: NodeSelector;
      readonly scope: 'each' | 'group';
      readonly direction: LinkDirection;
      readonly onset: Onset;
      readonly duration: DelayDistribution;
    }
  /** CPU starvation windows: while one lasts, each send waits an extra scheduling delay. */
  | {
      readonly kind: 'cpuStarvation';
      readonly nodes: NodeSelector;
      readonly onset: Onset;
      readonly duration: DelayDistribution;
      readonly extraDelay: DelayDistribution;
    }
  /** Slow I/O on the heartbeat path (fsync before send): every send waits this extra delay. */
  | { readonly kind: 'slowIo'; readonly nodes: NodeSelector; readonly extraDelay: DelayDistribution }
  /** Clock rate error of the selected nodes, or of the observer (`observer: true`). */
  | { readonly kind: 'clockDrift'; readonly nodes: NodeSelector | null; readonly observer: boolean; readonly ppm: number }
  /** Wall-clock steps (NTP step, VM resume): monotonic clocks do not see them. */
  /** Windows during which a node is alive but unhealthy (fails readiness: its DB connection is down). */
  | { readonly kind: 'unhealthy'; readonly nodes: NodeSelector; readonly onset: Onset; readonly duration: DelayDistribution }
  | {
      readonly kind: 'clockStep';
      readonly nodes: NodeSelector | null;
      readonly observer: boolean;
      readonly onset: Onset;
      readonly stepUs: number;
    };

/** Settings every detector family shares. */
interface DetectorCommon {
  /** 0 = exact per-pair timers; otherwise the observer evaluates all pairs this often (a polling round). */
  readonly checkIntervalUs: number;
}

export type DetectorConfig =
  /**
   * The seed's monitor: SUSPECTED when local now − last arrival > timeoutUs, DEAD when
   * it exceeds deadAfterUs, ALIVE again on the next arrival.
   */
  | (DetectorCommon & {
      readonly kind: 'timeout';
      readonly timeoutUs: number;
      /** Silence after which a node is declared DEAD; +Infinity for no DEAD state. */
      readonly deadAfterUs: number;
      /** Which observer clock measures the silence: monotonic (immune to steps) or wall. */
      readonly clock?: 'monotonic' | 'wall';
    })
  /** Akka's phi accrual detector (akka-remote PhiAccrualFailureDetector.scala), reference §2.2. */
  | (DetectorCommon & {
      readonly kind: 'phiAkka';
      readonly threshold: number;
      readonly acceptablePauseUs: number;
      readonly minStdDeviationUs: number;
      readonly maxSampleSize: number;
      /** The expected interval used to seed the history (Akka's heartbeat-interval). */
      readonly firstHeartbeatEstimateUs: number;
      /** Time suspected before DEAD (+Infinity: never). */
      readonly confirmAfterUs: number;
    })
  /** Cassandra's phi detector (gms/FailureDetector.java), reference §2.3. */
  | (DetectorCommon & {
      readonly kind: 'phiCassandra';
      /** phi_convict_threshold, valid 5–16. */
      readonly convictThreshold: number;
      readonly initialIntervalUs: number;
      /** Longer inter-arrival times are not recorded. */
      readonly maxIntervalUs: number;
      readonly sampleSize: number;
      /** More than this between two evaluation rounds means the observer itself paused. */
      readonly maxLocalPauseUs: number;
      readonly confirmAfterUs: number;
    })
  /** Chen, Toueg & Aguilera's NFD-S (synchronized clocks), reference §1.2. */
  | (DetectorCommon & {
      readonly kind: 'nfdS';
      /** δ: freshness point τ_i = σ_i + δ. */
      readonly shiftUs: number;
      readonly confirmAfterUs: number;
    })
  /** NFD-E: expected arrivals estimated from the last n arrivals, plus a safety margin α (§1.6). */
  | (DetectorCommon & {
      readonly kind: 'nfdE';
      readonly marginUs: number;
      readonly windowSize: number;
      /** Bertier's adaptive margin instead of the fixed α (β·delay + φ·var, gain γ). */
      readonly bertier: { readonly beta: number; readonly phi: number; readonly gamma: number } | null;
      readonly confirmAfterUs: number;
    })
  /**
   * Pull health checks (AWS ALB, Kubernetes probes, Elasticsearch follower checks): the
   * observer probes every heartbeat interval; a probe fails without a healthy reply
   * within probeTimeoutUs; SUSPECTED after `unhealthyThreshold` consecutive failures,
   * DEAD after `deadThreshold`, ALIVE again after `healthyThreshold` consecutive successes.
   */
  | (DetectorCommon & {
      readonly kind: 'pullCheck';
      readonly probeTimeoutUs: number;
      readonly unhealthyThreshold: number;
      readonly healthyThreshold: number;
      readonly deadThreshold: number;
      /** 'fixedRate': a probe every interval (ALB, Kubernetes); 'afterCompletion': interval after the previous probe completed (Elasticsearch). */
      readonly schedule: 'fixedRate' | 'afterCompletion';
    })
  /**
   * Leases: each heartbeat renews a lease the observer grants (reply over the reverse
   * link). The observer expires the node leaseUs after the last renewal it received;
   * the node stops acting leaseUs after it sent the renewal that was granted, on its own
   * monotonic clock. Split-brain: the observer has expired a node that still believes.
   */
  /**
   * The seed's recommended combination: liveness from pushed heartbeats (exactly the
   * fixed timeout: `timeoutUs`, `deadAfterUs`), and a second verdict, readiness
   * (READY / NOT_READY), from the heartbeats' health status plus a slower pull probe
   * every `readinessIntervalUs` (Kubernetes readiness-probe semantics: NOT_READY after
   * `failureThreshold` consecutive failed probes, READY after `successThreshold`
   * healthy replies). The latest news wins.
   */
  | (DetectorCommon & {
      readonly kind: 'livenessReadiness';
      readonly timeoutUs: number;
      readonly deadAfterUs: number;
      readonly readinessIntervalUs: number;
      readonly probeTimeoutUs: number;
      readonly failureThreshold: number;
      readonly successThreshold: number;
      /** false: the heartbeats' health status is ignored; readiness comes from the probes alone. */
      readonly readinessFromHeartbeats: boolean;
    })
  | (DetectorCommon & {
      readonly kind: 'lease';
      readonly leaseUs: number;
      readonly deadAfterUs: number;
      /**
       * The renewing client's request timeout (0: none): a renewal whose grant has not
       * come back within it failed, and is retried `retryUs` later, again and again until
       * a grant arrives (Kubernetes lease clients; issue #13). The regular renewals go on.
       */
      readonly requestTimeoutUs?: number;
      readonly retryUs?: number;
    });

export type DetectorKind = DetectorConfig['kind'];

/**
 * Recorded arrivals to replay instead of simulating senders and links (`hbsim replay`):
 * the detector, faults on the observer, crashes marked by the user and all metrics work
 * as in a simulation. Nodes send nothing; the observer receives exactly these.
 */
export interface ArrivalTrace {
  /** Per node (in nodeNames order): arrival instants at the observer, true µs, ascending. */
  readonly arrivalsUs: readonly Float64Array[];
  /** Per node: the heartbeats' sequence numbers, or null to number them 0, 1, 2, … */
  readonly seqs: readonly (Float64Array | null)[];
  /** Per node: the senders' send times (µs), or null to take the arrival instant. */
  readonly sentUs: readonly (Float64Array | null)[];
}

export interface SimConfig {
  /** Root of every random stream. */
  readonly seed: string;
  /** Replication index: part of every stream key, so replications are independent. */
  readonly replication: number;
  readonly durationUs: number;
  /** Nothing that happens before this instant is counted. */
  readonly warmupUs: number;
  /** Names of the monitored nodes; their order fixes the dense indices. */
  readonly nodeNames: readonly string[];
  readonly monitorName: string;
  readonly heartbeat: HeartbeatConfig;
  /** node → observer links (and observer → node unless `reverseLink` says otherwise). */
  readonly link: LinkConfig;
  readonly reverseLink?: LinkConfig;
  readonly linkOverrides?: readonly LinkOverride[];
  readonly crashes: readonly CrashFault[];
  readonly faults?: readonly Fault[];
  readonly detector: DetectorConfig;
  /** A false suspicion starting within this long after the previous one of the same node ended is a flap. */
  readonly flapWindowUs?: number;
  /** Keep at most this many state transitions for the timeline (0 = keep none). */
  readonly transitionLogLimit: number;
  /** Replay these arrivals instead of simulating heartbeats. */
  readonly trace?: ArrivalTrace;
  /** The monitor crashes and a standby takes over (issue #13); absent: the monitor never fails. */
  readonly monitorFailover?: MonitorFailover;
  /**
   * A decentralised protocol (src/sim/protocols): every node in `nodeNames` is a member
   * that runs it and observes every other; the monitor, heartbeat and detector settings
   * do not apply. Absent: the central monitor.
   */
  readonly protocol?: ProtocolConfig;
}

/**
 * The monitor is a single point of failure: it crashes at `onset`, and a standby takes
 * over `takeoverUs` later. Meanwhile nothing is judged (verdicts stay as they were:
 * stale) and messages to the monitor are lost. The standby starts with a fresh
 * detector: `empty` — it has seen no node, so every node is suspect until its first
 * message arrives (a burst of suspicions); `grace` — every node counts as heard at the
 * takeover, so it has a full timeout to report (the Kubernetes node lifecycle
 * controller gives each node a fresh probe timestamp, i.e. a full
 * node-monitor-grace-period, when it starts).
 */
export interface MonitorFailover {
  readonly onset: Onset;
  readonly takeoverUs: number;
  readonly startup: 'empty' | 'grace';
}

/** TCP parameters of a link (src/sim/network/tcp.ts), Linux's defaults below. */
export interface TcpSettings {
  /** Lower bound of the variance term (Linux TCP_RTO_MIN, 200 ms). */
  readonly rtoMinUs: number;
  /** RTO before the first RTT sample (1 s). */
  readonly rtoInitialUs: number;
  /** Ceiling of the backed-off RTO (TCP_RTO_MAX, 120 s). */
  readonly rtoMaxUs: number;
  /** Retransmissions of one segment before the connection breaks (tcp_retries2, 15). */
  readonly retries2: number;
  /** Time from a break until a new connection carries messages. */
  readonly reconnectDelayUs: number;
  /** 0 for none; else the connection breaks once a segment is unacknowledged this long. */
  readonly userTimeoutUs: number;
}

export const TCP_DEFAULTS: TcpSettings = {
  rtoMinUs: 200_000,
  rtoInitialUs: 1_000_000,
  rtoMaxUs: 120_000_000,
  retries2: 15,
  reconnectDelayUs: 1_000_000,
  userTimeoutUs: 0,
};
