/**
 * What a decentralised membership protocol run counts, beyond the central monitor's
 * tallies: every member is an observer of every other, so a crash has a first
 * suspicion *anywhere*, a first DEAD anywhere and a moment when every live member
 * knows; a mistake is counted once where it starts (the member whose probe failed,
 * or whose suspicion timer expired) and once per observer it reaches; a false DEAD
 * reaches some members before the refutation catches up; and the protocol's cost
 * is messages and bytes by kind.
 */

/** Message kinds, in the order of the `messages` / `bytes` arrays. */
export const MESSAGE_KINDS = ['ping', 'ack', 'ping_req', 'indirect', 'nack', 'gossip', 'push_pull', 'tcp_ping', 'syn', 'ack2', 'echo'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];
/** Gossip heartbeats (Cassandra) count GossipDigestSyn as `syn`, GossipDigestAck as `ack`, GossipDigestAck2 as `ack2`, echo requests and replies as `echo`. */
export const Msg = { ping: 0, ack: 1, pingReq: 2, indirect: 3, nack: 4, gossip: 5, pushPull: 6, tcpPing: 7, syn: 8, ack2: 9, echo: 10 } as const;

export interface MembershipTallies {
  /** Members in the run (for growth with N). */
  members: number;
  /** Sum over members of (observers alive) × time, the exposure of per-observer rates (µs). */
  observerSubjectUpUs: number;
  /** Part of it during which the observer's view of the (live) subject was not ALIVE (µs). */
  observerSubjectSuspectedUs: number;
  /** Crash → the first member that suspects the crashed one (µs), per crash that got one. */
  firstSuspicionLatenciesUs: Float64Array;
  /** Crash → the first member that declares it DEAD (µs). */
  firstDeadLatenciesUs: Float64Array;
  /** Crash → every live member holds it DEAD (µs). */
  disseminationLatenciesUs: Float64Array;
  /** Crashes whose DEAD had not reached every live member when the run ended (or the member came back). */
  disseminationIncomplete: number;
  /** Suspicions of live members started by a failed probe (one per mistake, where it began). */
  suspicionsOriginated: number;
  /** DEAD verdicts on live members by an expiring suspicion timer. */
  deathsOriginated: number;
  /** Observer views of live members that turned SUSPECT / DEAD (each observer counts). */
  suspectViews: number;
  deadViews: number;
  /** Per false-DEAD episode of a live member: the most members that held it DEAD at once. */
  falseDeadReach: Float64Array;
  /** Probes sent, failed (suspicion or confirmation followed), and refutations (alive with a higher incarnation). */
  probes: number;
  failedProbes: number;
  refutations: number;
  /** Messages and bytes sent after warm-up, by MESSAGE_KINDS. */
  messages: Float64Array;
  bytes: Float64Array;
  /** Highest Lifeguard awareness score any member reached after warm-up. */
  maxAwareness: number;
}

export function emptyMembershipTallies(members: number): MembershipTallies {
  return {
    members,
    observerSubjectUpUs: 0,
    observerSubjectSuspectedUs: 0,
    firstSuspicionLatenciesUs: new Float64Array(0),
    firstDeadLatenciesUs: new Float64Array(0),
    disseminationLatenciesUs: new Float64Array(0),
    disseminationIncomplete: 0,
    suspicionsOriginated: 0,
    deathsOriginated: 0,
    suspectViews: 0,
    deadViews: 0,
    falseDeadReach: new Float64Array(0),
    probes: 0,
    failedProbes: 0,
    refutations: 0,
    messages: new Float64Array(MESSAGE_KINDS.length),
    bytes: new Float64Array(MESSAGE_KINDS.length),
    maxAwareness: 0,
  };
}

function concat(arrays: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

/** Pools replications (in the order given). */
export function mergeMembershipTallies(parts: readonly MembershipTallies[]): MembershipTallies {
  const out = emptyMembershipTallies(parts[0]?.members ?? 0);
  for (const p of parts) {
    out.observerSubjectUpUs += p.observerSubjectUpUs;
    out.observerSubjectSuspectedUs += p.observerSubjectSuspectedUs;
    out.disseminationIncomplete += p.disseminationIncomplete;
    out.suspicionsOriginated += p.suspicionsOriginated;
    out.deathsOriginated += p.deathsOriginated;
    out.suspectViews += p.suspectViews;
    out.deadViews += p.deadViews;
    out.probes += p.probes;
    out.failedProbes += p.failedProbes;
    out.refutations += p.refutations;
    for (let k = 0; k < MESSAGE_KINDS.length; k++) {
      out.messages[k]! += p.messages[k]!;
      out.bytes[k]! += p.bytes[k]!;
    }
    out.maxAwareness = Math.max(out.maxAwareness, p.maxAwareness);
  }
  out.firstSuspicionLatenciesUs = concat(parts.map((p) => p.firstSuspicionLatenciesUs));
  out.firstDeadLatenciesUs = concat(parts.map((p) => p.firstDeadLatenciesUs));
  out.disseminationLatenciesUs = concat(parts.map((p) => p.disseminationLatenciesUs));
  out.falseDeadReach = concat(parts.map((p) => p.falseDeadReach));
  return out;
}
