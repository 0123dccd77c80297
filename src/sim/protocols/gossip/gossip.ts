/**
 * Gossip heartbeats (van Renesse, Minsky & Hayden 1998) as Cassandra runs them
 * (gms/Gossiper.java, FailureDetector.java; reference §2.3, §4.5).
 *
 * Every gossip interval (1 s) each live member's GossipTask: increments its own
 * heartbeat version; sends a GossipDigestSyn — one digest (endpoint, generation, max
 * version) per endpoint it knows — to `fanout` random members it holds UP (Cassandra:
 * one); with probability unreachable/(live + 1) to one random member it holds DOWN
 * (maybeGossipToUnreachableMember); to a random seed when the live target was not a
 * seed or fewer members are UP than there are seeds, with probability
 * seeds/(live + unreachable), or always when it holds nobody UP (maybeGossipToSeed);
 * then checks every endpoint (doStatusCheck → FailureDetector.interpret).
 *
 * The exchange (GossipDigestSyn/Ack/Ack2VerbHandler, examineGossiper): the receiver of
 * a SYN answers with an ACK holding its states newer than the digests and requests
 * for the digests newer than its own; the initiator applies the states and answers
 * with an ACK2 holding the requested states; so versions flow both ways. Whoever
 * applies a state whose heartbeat (generation, version) is newer than its own
 * records an arrival for that endpoint (notifyFailureDetector → FailureDetector.report);
 * a newer generation seen while the endpoint is held DOWN clears its window first
 * (fd.remove: "clearing interval times due to generation change").
 *
 * Conviction (FailureDetector.interpret, Gossiper.convict): at its status check a
 * member convicts every endpoint it holds UP whose silence exceeds the rule
 * (arrival-windows.ts: Cassandra's phi, or a fixed timeout = van Renesse's T_fail),
 * unless its own rounds were more than MAX_LOCAL_PAUSE apart (then nobody is convicted
 * that round nor for the next MAX_LOCAL_PAUSE). A conviction marks the endpoint DOWN
 * at that member only — nothing announces a death; each member convicts on its own.
 * It is marked UP again (Gossiper.markAlive → echo → realMarkAlive) when a newer
 * heartbeat of it is applied and an echo request to it is answered; an echo lost
 * is retried at the next newer heartbeat (Cassandra: after the request's timeout).
 *
 * Restarts: a restarted member has a new generation (Cassandra: seconds since the
 * epoch at start; here 1 + its restarts so far), version 0; it knows the other members
 * (its saved peers) but none of their versions, holds them UP with fresh windows
 * started at its restart, and learns their states from its first exchanges.
 *
 * Tractable at 1 000 members × 1 h (how): versions are (generation·2²² + version)
 * keys in one Int32Array row per member, so "newer" is `>` and a merge is an
 * element-wise max over a flat row; a message carries a snapshot row from a pool of
 * rows (no allocation in the run). The detector state of every (observer, endpoint)
 * pair is in flat typed arrays, one per field (arrival-windows.ts: the 1 000-interval
 * window as 10 block sums, written only when a block closes; what a report touches is
 * tLast as an Int32 relative to a per-member epoch, the window's sum and the count — 10
 * bytes). A message's snapshot row is copied only if its member writes its row before
 * the message is merged (row-pool.ts: usually not: the live row is read in its place,
 * and an ACK's own SYN digests are the initiator's row). Versions, views, windows and message
 * rows live in one WebAssembly memory (arena.ts), and a SIMD kernel merges a whole row
 * per ACK or ACK2, four endpoints a step, with masks instead of branches: the ACK's
 * states and requests, the version, the window report (merge-kernel.ts; reports that close
 * a block in a second pass, their misses overlapping); the rare lanes
 * (an endpoint held DOWN, the same instant, a conviction instant that
 * could lower the bound) go back to the JavaScript path, which also runs the fixed
 * timeout (exchange.ts: the ACK sorted into "asked" and "newer" without a branch, the
 * newer states applied with the report inline). Either way the conviction instant is
 * computed only when it could lower the member's bound. No event is scheduled per
 * pair: a member's status check is one comparison against `nextCheckUs` (a lower
 * bound of the earliest instant any
 * endpoint it holds UP can be convicted, lowered by the arrivals that bring a
 * deadline closer); only when the bound is reached does it scan its row, convict
 * what is due and recompute the bound — about once per conviction horizon (≈ 18 s at
 * threshold 8) instead of every round. Memory: see `bytesPerMember`.
 *
 * Model limits: only the heartbeat state is gossiped (Cassandra also gossips
 * application states — STATUS, LOAD, SCHEMA… — that make messages larger); the
 * digest list is not shuffled (order does not matter without size limits); message
 * sizes are estimates (GOSSIP_MESSAGE_BYTES); the cluster starts converged (every
 * member knows every other at version 0).
 *
 * Member faults (ctx.faults): every event is a member event — the round on its member,
 * each message on its receiver — so a paused member neither gossips nor handles
 * messages and then runs its round and its backlog (the round sees its own pause:
 * MAX_LOCAL_PAUSE), a CPU-starved member handles messages late; partitions, one-way
 * cuts and slow I/O are the Network's. The detector reads the monotonic clock
 * (System.nanoTime): drift applies, a wall-clock step does not.
 *
 * The parts, one concern each (src/sim/protocols/gossip/): config.ts (configuration,
 * message sizes, version keys); members.ts (the flat per-pair state, start, restart);
 * round.ts (GossipTask: heartbeat, SYNs, status check); exchange.ts (SYN/ACK/ACK2 and
 * echo at their receivers; the kernel's lanes left to JavaScript); arrival-windows.ts
 * (the detector per pair); merge-kernel.ts (the SIMD merge); arena.ts (the WebAssembly
 * memory the big arrays live in); membership-accounting.ts (views against the truth);
 * row-pool.ts (message rows).
 */
import type { DetectorConfig } from '../../config.js';
import { EventClass } from '../../engine/kernel.js';
import { MemberEventRole } from '../../faults/member-faults.js';
import type { MembershipTallies } from '../../metrics/membership-tallies.js';
import type { RunTallies } from '../../metrics/recorder.js';
import type { ProtocolModule } from '../protocol.js';
import { GEN, type GossipConfig } from './config.js';
import { onAck, onAck2, onEchoReply, onEchoRequest, onSyn } from './exchange.js';
import { GossipMembers } from './members.js';
import { gossipRound } from './round.js';

export { GOSSIP_MESSAGE_BYTES, type GossipConfig } from './config.js';

export interface GossipModule extends ProtocolModule {
  membership(endUs: number): MembershipTallies;
  clusterTallies(perPair: RunTallies): RunTallies;
  /** Member o's view of s: 0 UP, 2 DOWN (for tests). */
  viewOf(o: number, s: number): number;
  /** The heartbeat version o holds for s, and its generation (for tests). */
  versionOf(o: number, s: number): { generation: number; version: number };
  /** The local instant from which o would convict s without news (for tests). */
  convictFromUs(o: number, s: number): number;
  /** The arrival window's mean for (o, s) (µs, phi only; for tests). */
  meanIntervalUs(o: number, s: number): number;
  /** Member o's lower bound of its earliest conviction (local µs; for tests: ≤ every convictFromUs it holds UP). */
  checkBoundUs(o: number): number;
  /** Member o's gossip phase: its rounds fall at phase + k·interval (µs; for tests). */
  phaseOf(o: number): number;
  /** Bytes of per-member state (version rows, windows, views, link ids), divided by members. */
  bytesPerMember(): number;
  /** Whether rows are merged by the WebAssembly kernel (merge-kernel.ts) rather than the JavaScript path (for tests). */
  usesKernel(): boolean;
  /** Message rows ever made (the most in flight at once; for tests). */
  messageRows(): number;
  /** What the kernel left to JavaScript so far: lanes listed, conviction instants checked, message rows copied in; and window blocks the kernel closed itself (for tests). */
  kernelCounters(): { listed: number; checked: number; copied: number; closed: number };
  /** Message snapshots of a member's row copied because the member wrote its row first, and own SYN snapshots read as the live row (row-pool.ts; for tests). */
  snapshotCounters(): { copiedOnWrite: number; readLive: number };
  /** Whether the windows use the compact records, how often a row's epoch moved and how many tLast values were clamped (arrival-windows.ts; for tests). */
  windowLayout(): { compact: boolean; rebased: number; clamped: number };
}

export function gossipHeartbeats(config: GossipConfig): GossipModule {
  let m!: GossipMembers;

  return {
    name: 'gossip',
    install(c) {
      m = new GossipMembers(c, config);
      const kinds = m.kinds;
      // Defined in this order (round, syn, ack, ack2, echo, echo reply): kinds' order breaks same-instant ties.
      kinds.tick = c.faults.defineMemberEvent('gossip-round', EventClass.send, MemberEventRole.act, (o) => o, (o, epoch, _b, nowUs) => {
        if (epoch !== c.nodes.epoch(o) || !c.nodes.isUp(o)) return;
        gossipRound(m, o, nowUs);
        c.events.schedule(nowUs + config.intervalUs, kinds.tick, o, epoch);
      });
      kinds.syn = c.faults.defineMemberEvent('gossip-syn', EventClass.deliver, MemberEventRole.receive, (x) => x, (p, slot, o, nowUs) => onSyn(m, p, slot, o, nowUs));
      kinds.ack = c.faults.defineMemberEvent('gossip-ack', EventClass.deliver, MemberEventRole.receive, (x) => x, (o, slots, p, nowUs) => onAck(m, o, slots, p, nowUs));
      kinds.ack2 = c.faults.defineMemberEvent('gossip-ack2', EventClass.deliver, MemberEventRole.receive, (x) => x, (p, slot, count, nowUs) => onAck2(m, p, slot, count, nowUs));
      kinds.echoReq = c.faults.defineMemberEvent('gossip-echo', EventClass.deliver, MemberEventRole.receive, (x) => x, (e, x, _b, nowUs) => onEchoRequest(m, e, x, nowUs));
      kinds.echoRep = c.faults.defineMemberEvent('gossip-echo-reply', EventClass.deliver, MemberEventRole.receive, (x) => x, (x, e, _b, nowUs) => onEchoReply(m, x, e, nowUs));
      m.start();
    },
    onNodeDown(node, nowUs) {
      m.acc.nodeDown(node, nowUs);
    },
    onNodeUp(node, nowUs) {
      m.restart(node, nowUs);
    },
    membership(endUs) {
      return m.acc.membership(endUs);
    },
    clusterTallies(perPair) {
      return m.acc.clusterTallies(perPair);
    },
    viewOf(o, s) {
      return m.view[o * m.n + s]!;
    },
    versionOf(o, s) {
      const key = m.ver[o * m.n + s]!;
      return { generation: Math.floor(key / GEN), version: key % GEN };
    },
    convictFromUs(o, s) {
      return m.windows.convictFromUs(o * m.n + s);
    },
    meanIntervalUs(o, s) {
      return m.windows.mean(o * m.n + s);
    },
    phaseOf(o) {
      return m.phaseUs[o]!;
    },
    checkBoundUs(o) {
      return m.nextCheckUs[o]!;
    },
    bytesPerMember: () => m.bytesPerMember(),
    usesKernel: () => m.kernel !== null,
    messageRows: () => m.pool.size,
    kernelCounters: () => ({ ...m.kernelCounters }),
    windowLayout: () => ({ compact: m.windows.compact, rebased: m.windows.rebased, clamped: m.windows.clamped }),
    snapshotCounters: () => ({ copiedOnWrite: m.pool.copiedOnWrite, readLive: m.pool.readLive }),
  };
}

/**
 * The conviction rule and pause guard of a scenario's detector: Cassandra's phi
 * (phi_cassandra; its MAX_LOCAL_PAUSE guard) or a fixed timeout (van Renesse's
 * T_fail; no guard). Other families are not what gossip members run.
 */
export function gossipRule(detector: DetectorConfig): Pick<GossipConfig, 'rule' | 'maxLocalPauseUs'> {
  switch (detector.kind) {
    case 'phiCassandra':
      return {
        rule: {
          kind: 'phi',
          threshold: detector.convictThreshold,
          initialIntervalUs: detector.initialIntervalUs,
          maxIntervalUs: detector.maxIntervalUs,
          sampleSize: detector.sampleSize,
        },
        maxLocalPauseUs: detector.maxLocalPauseUs,
      };
    case 'timeout':
      return { rule: { kind: 'timeout', timeoutUs: detector.timeoutUs }, maxLocalPauseUs: Infinity };
    default:
      throw new RangeError(`gossip members convict with phi_cassandra or a fixed timeout, not ${detector.kind}`);
  }
}
