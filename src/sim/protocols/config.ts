/**
 * Decentralised protocols as the engine receives them (resolved, in µs). A run with
 * a `protocol` has no central monitor: every member of `nodeNames` runs the protocol
 * and observes every other.
 */
import type { MemberlistConfig } from './swim/memberlist.js';

export interface SwimProtocolConfig {
  readonly kind: 'swim';
  readonly memberlist: MemberlistConfig;
  /**
   * Lifeguard on (memberlist since 2017): awareness scales the probe round, nacks from
   * relays, suspicion timeouts that shrink with confirmations, buddy system. Off: SWIM
   * as published — fixed suspicion timeout (`min`), no awareness, no nacks, no buddy.
   */
  readonly lifeguard: boolean;
  /** memberlist: round-robin over a list reshuffled every pass; the paper's §3.1 analysis: uniformly random. */
  readonly targetSelection: 'roundRobin' | 'random';
}

export type ProtocolConfig = SwimProtocolConfig | WatchRingProtocolConfig | GossipProtocolConfig;

/**
 * Watch rings (protocols/watch-ring.ts): `ring` watches the next `watched` members in
 * the scenario's order; `monitors` is Akka's cluster heartbeat, each member monitored by
 * `watched` others on a ring ordered by address hash. Both run `detector` per pair on
 * heartbeat request/replies every `intervalUs` and broadcast verdicts.
 */
export interface WatchRingProtocolConfig {
  readonly kind: 'ring' | 'monitors';
  readonly watched: number;
  readonly intervalUs: number;
}

/**
 * Gossip heartbeats as Cassandra runs them (protocols/gossip/gossip.ts): every
 * `intervalUs` each member bumps its heartbeat and gossips SYN/ACK/ACK2 with `fanout`
 * members it holds UP (and, Cassandra's rules, an unreachable member and a seed); the
 * scenario's `detector:` (phi_cassandra, or a fixed timeout) convicts per member.
 */
export interface GossipProtocolConfig {
  readonly kind: 'gossip';
  readonly intervalUs: number;
  readonly fanout: number;
  /** The first `seeds` members of the cluster are seeds (0: none). */
  readonly seeds: number;
  readonly gossipToUnreachable: boolean;
}
