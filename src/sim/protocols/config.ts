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

export type ProtocolConfig = SwimProtocolConfig;
