/**
 * Gossip heartbeats' configuration, message sizes and version-key layout (gossip.ts
 * describes the model).
 */
import type { ConvictionRule } from './arrival-windows.js';

export interface GossipConfig {
  /** Gossip interval (Cassandra: 1 s, Gossiper.intervalInMillis). */
  readonly intervalUs: number;
  /** Members held UP gossiped to each round (Cassandra: 1). */
  readonly fanout: number;
  /** The first `seeds` members are seeds (Cassandra: seed_provider's list); 0 = none. */
  readonly seeds: number;
  /** Gossip to a member held DOWN with probability unreachable/(live + 1) (Cassandra: yes). */
  readonly gossipToUnreachable: boolean;
  readonly rule: ConvictionRule;
  /** Rounds more than this apart mean the member itself paused: no conviction (Cassandra: 5 s; +Infinity: no guard). */
  readonly maxLocalPauseUs: number;
  /** A false DOWN starting within this long after the previous one of the same member ended is a flap (default 60 s). */
  readonly flapWindowUs?: number;
  /** Merge rows with the WebAssembly SIMD kernel when it applies (phi rule; default true). false: the JavaScript path, same results (tests compare the two). */
  readonly mergeKernel?: boolean;
  /** A message's snapshot of a member's row is copied only if the member writes its row first (row-pool.ts; default true). false: copied when the message leaves, same results (tests compare). */
  readonly copyOnWrite?: boolean;
  /** Compact window records where provably equivalent (arrival-windows.ts `compactWindows`; default true; the kernel needs them). false: doubles, never rebased — same results (tests compare). */
  readonly compactWindows?: boolean;
  /** The kernel closes window blocks itself, the block lines in its memory when they fit (default true). false: JavaScript closes them, same results (tests compare). */
  readonly kernelCloses?: boolean;
}

/**
 * Message sizes, bytes on the wire (estimates: Cassandra 4.x messaging header ≈ 30 B +
 * IP/TCP 40 B; a digest = endpoint address and port 7 B + generation 4 + version 4 +
 * framing 2; a heartbeat-only endpoint state = address 7 + generation 4 + version 4 +
 * an empty application-state map 4 + framing 2).
 */
export const GOSSIP_MESSAGE_BYTES = { header: 70, digest: 17, state: 21, echo: 70 } as const;

/** key = generation·GEN + version, below 2³¹: up to 511 restarts of a member and 4 194 303 rounds. */
export const GEN = 4_194_304;
export const MAX_GENERATION = 511;
/** Two pooled rows travel in one ACK event argument: digests·SLOTS + snapshot. */
export const SLOTS = 1_048_576;

/** A crash this close to the end that nobody convicted is censored: the horizon of the rule plus a round. */
export function censorHorizonUs(config: GossipConfig): number {
  const r = config.rule;
  const horizon = r.kind === 'phi' ? Math.ceil(r.threshold * Math.LN10 * Math.max(r.initialIntervalUs, r.maxIntervalUs)) : r.timeoutUs;
  return horizon + 2 * config.intervalUs;
}
