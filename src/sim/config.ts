/**
 * What the engine is asked to simulate: a fully resolved configuration in integer
 * microseconds and plain probabilities. Scenario files, units and defaults live in
 * src/scenarios, which builds one of these; the engine never parses anything.
 */
import type { DelayDistribution, LinkDelay } from './distributions.js';

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
  /** Each message is lost independently with this probability (Bernoulli). */
  readonly lossProbability: number;
  /** Each delivered message is delivered a second time, with its own delay, with this probability. */
  readonly duplicateProbability: number;
  readonly delay: LinkDelay;
}

/** Which nodes a fault applies to: every monitored node, or the named ones. */
export type NodeSelector = { readonly kind: 'all' } | { readonly kind: 'named'; readonly names: readonly string[] };

export type CrashFault =
  /** The selected nodes crash at one instant and stay down (or come back after `downUs`). */
  | { readonly kind: 'crashAt'; readonly nodes: NodeSelector; readonly atUs: number; readonly downUs: number | null }
  /** Each selected node alternates up (exponential, mean mttf) and down (exponential, mean mttr). */
  | { readonly kind: 'crashRecover'; readonly nodes: NodeSelector; readonly mttfUs: number; readonly mttrUs: number };

export type DetectorConfig = {
  /**
   * The seed's monitor: SUSPECTED when local now − last arrival > timeoutUs, DEAD when
   * it exceeds deadAfterUs, ALIVE again on the next arrival.
   */
  readonly kind: 'timeout';
  readonly timeoutUs: number;
  /** Silence after which a node is declared DEAD; +Infinity for no DEAD state. */
  readonly deadAfterUs: number;
  /** 0 = exact per-node timers; otherwise the monitor polls all nodes this often. */
  readonly checkIntervalUs: number;
};

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
  readonly link: LinkConfig;
  readonly crashes: readonly CrashFault[];
  readonly detector: DetectorConfig;
  /** Keep at most this many state transitions for the timeline (0 = keep none). */
  readonly transitionLogLimit: number;
}
