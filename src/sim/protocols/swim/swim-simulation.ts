/**
 * SWIM with Lifeguard as hashicorp/memberlist runs it (state.go, net.go, suspicion.go,
 * awareness.go, queue.go), every member a peer, on the engine's scheduler, random
 * streams, link laws and fault processes. Reference §3.1–3.3.
 *
 * One probe round of member m (`probeNode`):
 *   - the next target: round-robin over a pass order reshuffled at every wrap-around
 *     (dead members skipped), or uniformly random (the paper's §3.1 analysis);
 *   - ping it (with a `suspect` message attached when m holds it suspect: Lifeguard's
 *     buddy system); the round lasts ProbeInterval·(awareness + 1);
 *   - no ack within ProbeTimeout (not scaled): ping-req to IndirectChecks random live
 *     members (each pings the target, relays its ack, sends a nack if it got none within
 *     its own ProbeTimeout), plus a TCP ping with the round's deadline;
 *   - an ack by the deadline: awareness −1; else awareness + missing nacks (or +1), and
 *     m suspects the target (`suspectNode`): a suspicion timer from max down to min as
 *     independent confirmations arrive, DEAD when it expires.
 * The probe ticker keeps the base period; a round that overran gets the buffered tick
 * at once (Go's ticker), so a degraded member probes less often.
 * Updates (alive / suspect / dead with incarnations) are broadcasts: each member queues
 * them (one per subject, newest wins), piggybacks them on every packet it sends and
 * gossips them to GossipNodes members every GossipInterval while any are left, each up
 * to RetransmitMult·⌈log10(n+1)⌉ times. A member refutes a suspicion of itself with a
 * higher incarnation. Push/pull anti-entropy every PushPullInterval (scaled above 32).
 *
 * Faults: a crashed member does nothing and loses its state (it rejoins with a higher
 * incarnation and a push/pull); a paused member handles everything it missed when the
 * pause ends; a CPU-starved member handles each arriving packet late (Lifeguard's case:
 * acks read after the probe timeout); slow I/O delays its sends; partitions cut the
 * links between a group and the rest (or one way). Links: the sender's link class
 * (`link` between classes), each sender's streams, so nothing is drawn per pair.
 *
 * Simplifications, each a choice stated: the estimated cluster size is N (memberlist
 * counts dead members until they are reaped); messages are never truncated by the
 * UDP buffer beyond the piggyback budget; TCP segments are lost with the link's law and
 * retransmitted after 1 s (Linux's initial RTO); clock drift does not apply.
 *
 * This file is long (one protocol, its handlers share the member state) — split by
 * concern: views.ts (who thinks what), permutation.ts, ../../metrics/membership-tallies.ts.
 */
import type { LinkConfig, SimConfig } from '../../config.js';
import { DurationSampler, exponentialUs } from '../../random/distributions.js';
import { compileCrashes, compileFaults, firstOnsetUs, nextOnsetUs, selectNodes, type FaultProcess } from '../../faults/faults.js';
import { DROPPED, LinkTable } from '../../network/links.js';
import type { RunTallies, TransitionLog } from '../../metrics/recorder.js';
import { StreamBank, streamFor, type SeedRoot } from '../../random/streams.js';
import { faultDelayStreamKey, linkStreamKey, nodeStreamKey } from '../../random/stream-keys.js';
import { Scheduler } from '../../engine/scheduler.js';
import type { SwimProtocolConfig } from '../config.js';
import { emptyMembershipTallies, Msg, type MembershipTallies } from '../../metrics/membership-tallies.js';
import { applyAwarenessDelta, failedProbeAwarenessDelta, pushPullScaleUs, remainingSuspicionTimeUs, retransmitLimit, suspicionBounds, type MemberlistConfig } from './memberlist.js';
import { KeyedPermutation } from './permutation.js';
import { NO_RECORD, View, Views } from './views.js';
import { SwimMetrics } from './swim-metrics.js';
import { BroadcastQueues, COMPOUND_HEADER, COMPOUND_OVERHEAD, F_ALIVE, F_DEAD, F_SUSPECT, Facts, grown, PIGGY_MAX, SIZE, UDP_BUFFER } from './broadcasts.js';

// Event kinds.
const EV_PROBE_TICK = 1; // target = member, arg = epoch
const EV_DIRECT_TIMEOUT = 2; // target = member, arg = probe seq
const EV_PROBE_DEADLINE = 3; // target = member, arg = probe seq
const EV_PACKET = 4; // target = packet
const EV_RELAY_TIMEOUT = 5; // target = relay entry, arg = its generation
const EV_GOSSIP_TICK = 6; // target = member, arg = epoch
const EV_SUSPICION = 7; // target = record, arg = generation, arg2 = deadline
const EV_PUSHPULL_TICK = 8; // target = member, arg = epoch
const EV_PUSHPULL = 9; // target = member (initiator), arg = peer, arg2 = epoch
const EV_CRASH = 10;
const EV_RECOVER = 11;
const EV_FAULT_START = 12;
const EV_FAULT_END = 13; // arg = episode end
const EV_TCP_DONE = 14; // target = member (prober), arg = probe seq

// Packet types.
const PK_PING = 1;
const PK_ACK = 2;
const PK_PING_REQ = 3;
const PK_NACK = 4;
const PK_GOSSIP = 5;

/** Period of the view compaction sweep (simulated time; a representation change only). */
const COMPACTION_US = 10_000_000;
/** Linux's initial TCP retransmission timeout (RFC 6298 §2.1): 1 s. */
const TCP_RTO_US = 1_000_000;

/** A partition between a group of members and the rest; `toObserver`: only messages leaving the group are cut, `fromObserver`: only those entering it. */
interface Cut {
  readonly inGroup: Uint8Array;
  readonly direction: 'both' | 'toObserver' | 'fromObserver';
}

export interface SwimRunResult {
  readonly tallies: RunTallies;
  readonly log: TransitionLog;
  readonly events: number;
  readonly endUs: number;
  /** View records in use at the end, and the most packets in flight (memory reports). */
  readonly viewRecords: number;
}

export class SwimSimulation {
  private readonly config: SimConfig;
  private readonly ml: MemberlistConfig;
  private readonly lifeguard: boolean;
  private readonly randomTargets: boolean;
  private readonly n: number;
  private readonly q: Scheduler;
  private readonly bank: StreamBank;
  private readonly links: LinkTable;
  private readonly classCount: number;
  private readonly nodeClass: Int32Array;
  private readonly views: Views;
  private readonly perm: KeyedPermutation;
  private readonly warmupUs: number;
  private readonly endUs: number;
  private readonly flapWindowUs: number;
  private readonly suspicionK: number;
  private readonly suspicionMinUs: number;
  private readonly suspicionMaxUs: number;
  private readonly transmitLimit: number;
  private readonly pushPullUs: number;

  // Members.
  private readonly up: Uint8Array;
  private readonly epoch: Float64Array;
  private readonly pausedDepth: Int32Array;
  private readonly pausedUntilUs: Float64Array;
  private readonly starvingDepth: Int32Array;
  private readonly starvingRule: Int32Array;
  private readonly slowIoRule: Int32Array;
  private readonly extraStream: Int32Array;
  private readonly extraSamplers: (DurationSampler | null)[];
  private readonly stream: Int32Array;
  private readonly selfInc: Float64Array;
  private readonly awareness: Uint8Array;
  private readonly probePhaseUs: Float64Array;
  private readonly gossipPhaseUs: Float64Array;
  private readonly gossipArmed: Uint8Array;
  private readonly passKey: Int32Array;
  private readonly passIndex: Int32Array;
  // The probe round in progress.
  private readonly probeSeq: Float64Array;
  private readonly probeActive: Uint8Array;
  private readonly probeTarget: Int32Array;
  private readonly probeSentUs: Float64Array;
  private readonly probeDeadlineUs: Float64Array;
  private readonly probeNacksExpected: Uint8Array;
  private readonly probeNacks: Uint8Array;
  private readonly probeTcpOkUs: Float64Array;
  /** Arrival of a direct ack that carried no broadcasts (recorded without an event; see onPacket). */
  private readonly probeAckUs: Float64Array;
  /** 1 while the round's direct timeout is not scheduled yet (the ping's arrival decides). */
  private readonly timeoutUnarmed: Uint8Array;
  /** Arrival of the ack that ended the round, until its awareness −1 is applied (∞: none). */
  private readonly successAtUs: Float64Array;
  /** Acks can skip their own event only when no member ever reads packets late. */
  private readonly eventlessAcks: boolean;
  // Broadcast facts (immutable) and each member's queue of them.
  private readonly facts = new Facts();
  private readonly queues: BroadcastQueues;
  // Packets in flight.
  private pkType: Uint8Array;
  private pkSrc: Int32Array;
  private pkDst: Int32Array;
  private pkSeq: Float64Array;
  private pkSubject: Int32Array;
  private pkKind: Uint8Array;
  private pkFacts: Int32Array;
  private pkFactCount: Uint8Array;
  private pkFree: number[] = [];
  private pkSize = 0;
  // Relays of indirect probes.
  private relayRequester: Int32Array;
  private relaySeq: Float64Array;
  private relayNode: Int32Array;
  private relayAcked: Uint8Array;
  private relayWantsNack: Uint8Array;
  private relayGen: Float64Array;
  private relayFree: number[] = [];
  private relaySize = 0;
  // Partitions: active cuts (members, direction).
  private readonly cuts: Cut[] = [];
  private readonly cutOf = new Map<FaultProcess, Cut>();
  private readonly faultProcesses: FaultProcess[];
  private readonly crashProcesses: FaultProcess[];
  /** Instant of each crash episode's pending crash (∞: none), and each member's episodes. */
  private readonly crashPendingUs: Float64Array;
  private readonly crashEpisodesOf: number[][];
  private readonly memberCrashUs: Float64Array;

  private readonly metrics: SwimMetrics;
  private eventCount = 0;
  private nextCompactionUs = COMPACTION_US;

  constructor(config: SimConfig, protocol: SwimProtocolConfig) {
    this.config = config;
    this.ml = protocol.memberlist;
    this.lifeguard = protocol.lifeguard;
    this.randomTargets = protocol.targetSelection === 'random';
    const names = config.nodeNames;
    const n = names.length;
    this.n = n;
    this.warmupUs = config.warmupUs;
    this.endUs = config.durationUs;
    this.flapWindowUs = config.flapWindowUs ?? 60_000_000;
    const bounds = suspicionBounds(this.ml, n);
    this.suspicionK = this.lifeguard ? bounds.k : 0;
    this.suspicionMinUs = bounds.minUs;
    this.suspicionMaxUs = bounds.maxUs;
    this.transmitLimit = retransmitLimit(this.ml.retransmitMult, n);
    this.pushPullUs = pushPullScaleUs(this.ml.pushPullIntervalUs, n);
    const root: SeedRoot = { seed: config.seed, replication: config.replication };
    const probeUs = this.ml.probeIntervalUs;
    const width = Math.max(1, Math.floor(probeUs / (4 * n)));
    this.q = new Scheduler({ bucketWidthUs: width, bucketCount: Math.ceil((3 * probeUs) / width), initialCapacity: 8 * n + 64 });
    this.bank = new StreamBank(4 * n + 16);
    this.views = new Views(n);
    this.perm = new KeyedPermutation(n);

    // Link classes: a member's class is the last override naming it; a message between
    // two members of one class uses that class's link, any other the default `link`.
    const profiles: LinkConfig[] = [config.link];
    this.nodeClass = new Int32Array(n);
    for (const o of config.linkOverrides ?? []) {
      const link = o.toObserver ?? o.fromObserver;
      if (!link) continue;
      profiles.push(link);
      for (const node of selectNodes(o.nodes, names)) this.nodeClass[node] = profiles.length - 1;
    }
    this.classCount = profiles.length;
    const profileOfLink = new Uint16Array(n * this.classCount);
    for (let node = 0; node < n; node++) for (let c = 0; c < this.classCount; c++) profileOfLink[node * this.classCount + c] = c;
    const classKey = (c: number) => (c === 0 ? 'default' : `class-${c}`);
    this.links = new LinkTable(this.bank, profiles, profileOfLink, (link, purpose) =>
      // Per sender and link class, not per pair: `link/<sender>>*/<class>/<purpose>`.
      this.bank.add(root, linkStreamKey(names[Math.floor(link / this.classCount)]!, '*', `${classKey(link % this.classCount)}/${purpose}`)),
    );

    this.up = new Uint8Array(n).fill(1);
    this.epoch = new Float64Array(n);
    this.pausedDepth = new Int32Array(n);
    this.pausedUntilUs = new Float64Array(n);
    this.starvingDepth = new Int32Array(n);
    this.starvingRule = new Int32Array(n).fill(-1);
    this.slowIoRule = new Int32Array(n).fill(-1);
    const faults = config.faults ?? [];
    this.extraSamplers = faults.map((f, rule) => (f.kind === 'slowIo' || f.kind === 'cpuStarvation' ? new DurationSampler(f.extraDelay, this.bank, `fault ${rule} extra delay`) : null));
    this.extraStream = new Int32Array(this.extraSamplers.some((s) => s) ? n * faults.length : 0);
    faults.forEach((f, rule) => {
      if (f.kind !== 'slowIo' && f.kind !== 'cpuStarvation') return;
      for (const node of selectNodes(f.nodes, names)) {
        if (f.kind === 'slowIo') this.slowIoRule[node] = rule;
        this.extraStream[node * faults.length + rule] = this.bank.add(root, faultDelayStreamKey(rule, f.kind, names[node]!));
      }
    });
    this.stream = new Int32Array(n);
    for (let i = 0; i < n; i++) this.stream[i] = this.bank.add(root, nodeStreamKey(names[i]!, 'swim'));
    this.selfInc = new Float64Array(n);
    this.awareness = new Uint8Array(n);
    this.probePhaseUs = new Float64Array(n);
    this.gossipPhaseUs = new Float64Array(n);
    this.gossipArmed = new Uint8Array(n);
    this.passKey = new Int32Array(n);
    this.passIndex = new Int32Array(n).fill(n); // the first probe starts a pass
    this.probeSeq = new Float64Array(n);
    this.probeActive = new Uint8Array(n);
    this.probeTarget = new Int32Array(n);
    this.probeSentUs = new Float64Array(n);
    this.probeDeadlineUs = new Float64Array(n);
    this.probeNacksExpected = new Uint8Array(n);
    this.probeNacks = new Uint8Array(n);
    this.probeTcpOkUs = new Float64Array(n);
    this.probeAckUs = new Float64Array(n);
    this.timeoutUnarmed = new Uint8Array(n);
    this.successAtUs = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    this.eventlessAcks = !faults.some((f) => f.kind === 'cpuStarvation');
    this.queues = new BroadcastQueues(n, this.facts, this.transmitLimit);
    const pk = 1024;
    this.pkType = new Uint8Array(pk);
    this.pkSrc = new Int32Array(pk);
    this.pkDst = new Int32Array(pk);
    this.pkSeq = new Float64Array(pk);
    this.pkSubject = new Int32Array(pk);
    this.pkKind = new Uint8Array(pk);
    this.pkFacts = new Int32Array(pk * PIGGY_MAX);
    this.pkFactCount = new Uint8Array(pk);
    const rl = 256;
    this.relayRequester = new Int32Array(rl);
    this.relaySeq = new Float64Array(rl);
    this.relayNode = new Int32Array(rl);
    this.relayAcked = new Uint8Array(rl);
    this.relayWantsNack = new Uint8Array(rl);
    this.relayGen = new Float64Array(rl);

    this.metrics = new SwimMetrics(this.up, this.warmupUs, this.flapWindowUs);

    // Timers start at a random stagger (state.go triggerFunc, pushPullTrigger).
    for (let i = 0; i < n; i++) {
      const phase = streamFor(root, nodeStreamKey(names[i]!, 'swim-phase'));
      this.probePhaseUs[i] = Math.floor(phase.next() * probeUs);
      this.gossipPhaseUs[i] = Math.floor(phase.next() * this.ml.gossipIntervalUs);
      this.q.schedule(this.probePhaseUs[i]!, EV_PROBE_TICK, i, 0, 0);
      if (this.ml.pushPullIntervalUs > 0 && n > 1) this.q.schedule(Math.floor(phase.next() * this.pushPullUs), EV_PUSHPULL_TICK, i, 0, 0);
    }
    this.faultProcesses = compileFaults(faults, names, root, this.bank);
    this.crashProcesses = compileCrashes(config.crashes, names, root, this.bank);
    this.crashPendingUs = new Float64Array(this.crashProcesses.length).fill(Number.POSITIVE_INFINITY);
    this.memberCrashUs = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    this.crashEpisodesOf = Array.from({ length: n }, () => [] as number[]);
    this.crashProcesses.forEach((episode, index) => {
      for (const node of episode.nodes) this.crashEpisodesOf[node]!.push(index);
    });
    this.crashProcesses.forEach((episode, index) => {
      const fault = config.crashes[episode.rule]!;
      const atUs = fault.kind === 'crashAt' ? fault.atUs : exponentialUs(episode.stream, fault.mttfUs);
      this.scheduleCrash(index, atUs);
    });
    this.faultProcesses.forEach((episode, index) => {
      const atUs = firstOnsetUs(episode.onset!, episode.stream);
      if (atUs !== null && atUs <= config.durationUs) this.q.schedule(atUs, EV_FAULT_START, index, 0, 0);
    });
  }

  run(): SwimRunResult {
    const q = this.q;
    const end = this.endUs;
    while (q.popUntil(end)) {
      if (q.currentTimeUs >= this.nextCompactionUs) this.compactViews(q.currentTimeUs);
      this.eventCount++;
      this.dispatch(q.currentKind, q.currentTarget, q.currentArg, q.currentArg2, q.currentTimeUs);
    }
    return this.finish();
  }

  /**
   * Every COMPACTION_US, drops the records of subjects whose views have converged
   * (views.ts). Changes no view, draws nothing, schedules nothing: results are the same
   * with or without it; only memory is.
   */
  private compactViews(nowUs: number): void {
    this.nextCompactionUs = nowUs + COMPACTION_US;
    const views = this.views;
    for (const s of views.dirty) {
      if (views.countOf(s) === 0) continue;
      views.compact(s, this.metrics.upCount - this.up[s]!, this.up);
    }
  }

  /** The member an event belongs to (-1: none), for pauses. */
  private ownerOf(kind: number, target: number): number {
    switch (kind) {
      case EV_PACKET:
        return this.pkDst[target]!;
      case EV_RELAY_TIMEOUT:
        return this.relayNode[target]!;
      case EV_SUSPICION:
        return this.views.observer[target]!;
      case EV_CRASH:
      case EV_RECOVER:
      case EV_FAULT_START:
      case EV_FAULT_END:
        return -1;
      default:
        return target;
    }
  }

  private dispatch(kind: number, target: number, arg: number, arg2: number, nowUs: number): void {
    const owner = this.ownerOf(kind, target);
    if (owner >= 0) {
      // A direct ping that will not be answered now: its prober's timeout is needed.
      if (kind === EV_PACKET && (this.up[owner] === 0 || this.pausedDepth[owner]! > 0) && this.pkType[target] === PK_PING && this.pkSeq[target]! > 0) {
        this.directPingArrived(this.pkSrc[target]!, this.pkSeq[target]!, DROPPED);
      }
      if (this.up[owner] === 0) {
        if (kind === EV_PACKET) this.freePacket(target);
        return;
      }
      // A paused member handles what it missed when the pause ends, in order.
      if (this.pausedDepth[owner]! > 0) {
        this.q.schedule(Math.max(nowUs, this.pausedUntilUs[owner]!), kind, target, arg, arg2);
        return;
      }
      // A starved member reads each packet (and TCP reply) late: arg2 = 1 marks one already delayed.
      if ((kind === EV_PACKET || kind === EV_TCP_DONE) && arg2 === 0 && this.starvingDepth[owner]! > 0) {
        const rule = this.starvingRule[owner]!;
        const extra = this.extraSamplers[rule]!.sampleUs(this.extraStream[owner * (this.config.faults ?? []).length + rule]!);
        this.q.schedule(nowUs + extra, kind, target, arg, 1);
        return;
      }
    }
    switch (kind) {
      case EV_PROBE_TICK:
        if (arg === this.epoch[target]) this.onProbeTick(target, nowUs);
        return;
      case EV_DIRECT_TIMEOUT:
        this.onDirectTimeout(target, arg, nowUs);
        return;
      case EV_PROBE_DEADLINE:
        this.onProbeDeadline(target, arg, nowUs);
        return;
      case EV_TCP_DONE:
        if (this.probeActive[target] === 1 && this.probeSeq[target] === arg && nowUs <= this.probeDeadlineUs[target]! && this.probeTcpOkUs[target]! > nowUs) this.probeTcpOkUs[target] = nowUs;
        return;
      case EV_PACKET:
        this.onPacket(target, nowUs);
        return;
      case EV_RELAY_TIMEOUT:
        this.onRelayTimeout(target, arg, nowUs);
        return;
      case EV_GOSSIP_TICK:
        if (arg === this.epoch[target]) this.onGossipTick(target, nowUs);
        return;
      case EV_SUSPICION:
        this.onSuspicionTimer(target, arg, arg2, nowUs);
        return;
      case EV_PUSHPULL_TICK:
        if (arg === this.epoch[target]) this.onPushPullTick(target, nowUs);
        return;
      case EV_PUSHPULL:
        if (arg2 === this.epoch[target]) this.onPushPull(target, arg, nowUs);
        return;
      case EV_CRASH:
        this.onCrash(target, nowUs);
        return;
      case EV_RECOVER:
        this.onRecover(target, nowUs);
        return;
      case EV_FAULT_START:
        this.onFaultStart(target, nowUs);
        return;
      case EV_FAULT_END:
        this.onFaultEnd(target, arg, nowUs);
        return;
    }
  }

  // ---- probing ----------------------------------------------------------------------

  private nextTarget(m: number): number {
    const n = this.n;
    const views = this.views;
    if (this.randomTargets) {
      for (let tries = 0; tries < 3 * n; tries++) {
        const c = Math.floor(this.bank.next(this.stream[m]!) * (n - 1));
        const target = c >= m ? c + 1 : c;
        if (views.stateOf(m, target) !== View.dead) return target;
      }
      return -1;
    }
    for (let checked = 0; checked <= n; checked++) {
      if (this.passIndex[m]! >= n) {
        this.passIndex[m] = 0;
        this.passKey[m] = Math.floor(this.bank.next(this.stream[m]!) * 4294967296) | 0;
      }
      const target = this.perm.at(this.passIndex[m]!++, this.passKey[m]!);
      if (target === m || views.stateOf(m, target) === View.dead) continue;
      return target;
    }
    return -1;
  }

  private onProbeTick(m: number, nowUs: number): void {
    const target = this.n > 1 ? this.nextTarget(m) : -1;
    if (target < 0) {
      this.scheduleNextProbe(m, nowUs, nowUs);
      return;
    }
    const seq = this.probeSeq[m]! + 1;
    this.probeSeq[m] = seq;
    this.probeActive[m] = 1;
    this.probeTarget[m] = target;
    this.probeSentUs[m] = nowUs;
    this.settleAwareness(m, nowUs);
    const scaled = this.ml.probeIntervalUs * (this.lifeguard ? this.awareness[m]! + 1 : 1);
    this.probeDeadlineUs[m] = nowUs + scaled;
    this.probeNacks[m] = 0;
    this.probeNacksExpected[m] = 0;
    this.probeTcpOkUs[m] = Number.POSITIVE_INFINITY;
    this.probeAckUs[m] = Number.POSITIVE_INFINITY;
    this.timeoutUnarmed[m] = 0;
    if (nowUs >= this.warmupUs) this.metrics.t.probes++;
    // Buddy system: a suspect target gets the suspicion with the ping, so it can refute.
    let attach = -1;
    if (this.lifeguard && this.views.stateOf(m, target) !== View.alive) attach = this.newFact(target, F_SUSPECT, this.views.incOf(m, target), m);
    const arrival = this.sendPacket(m, target, PK_PING, seq, target, Msg.ping, SIZE.ping, attach, nowUs);
    // The direct timeout waits for the ping's arrival, which decides whether it is needed
    // (directPingArrived); the round's deadline event is scheduled only if the ping fails.
    if (this.eventlessAcks && arrival !== DROPPED && arrival <= nowUs + this.ml.probeTimeoutUs) this.timeoutUnarmed[m] = 1;
    else this.q.schedule(nowUs + this.ml.probeTimeoutUs, EV_DIRECT_TIMEOUT, m, seq, 0);
  }

  /**
   * Prober m's direct ping (round `seq`) reached its target, which acks it at
   * `ackUs` (DROPPED: no ack comes without an event — lost, not sent, or carried by a
   * packet). An ack in time ends the round at its arrival, as memberlist's select
   * returns on it, with no timeout event; otherwise the timeout is armed now.
   */
  private directPingArrived(m: number, seq: number, ackUs: number): void {
    if (this.timeoutUnarmed[m] === 0 || this.probeSeq[m] !== seq || this.probeActive[m] === 0) return;
    this.timeoutUnarmed[m] = 0;
    const timeoutUs = this.probeSentUs[m]! + this.ml.probeTimeoutUs;
    if (ackUs === DROPPED || ackUs > timeoutUs) {
      // A late ack still counts if it comes by the round's deadline.
      if (ackUs !== DROPPED && ackUs < this.probeAckUs[m]!) this.probeAckUs[m] = ackUs;
      this.q.schedule(timeoutUs, EV_DIRECT_TIMEOUT, m, seq, 0);
      return;
    }
    this.probeActive[m] = 0;
    // Lifeguard's awareness −1 takes effect at the ack's arrival (settleAwareness).
    if (this.lifeguard) this.successAtUs[m] = ackUs;
    this.scheduleNextProbe(m, this.probeSentUs[m]!, ackUs);
  }

  /** Applies a success whose ack has arrived by `nowUs` (see directPingArrived). */
  private settleAwareness(m: number, nowUs: number): void {
    if (this.successAtUs[m]! > nowUs) return;
    this.successAtUs[m] = Number.POSITIVE_INFINITY;
    this.awareness[m] = applyAwarenessDelta(this.awareness[m]!, -1, this.ml.awarenessMaxMultiplier);
  }

  private onDirectTimeout(m: number, seq: number, nowUs: number): void {
    if (this.probeActive[m] === 0 || this.probeSeq[m] !== seq) return;
    if (this.probeAckUs[m]! <= nowUs) {
      this.succeed(m, nowUs);
      return;
    }
    this.q.schedule(Math.max(nowUs, this.probeDeadlineUs[m]!), EV_PROBE_DEADLINE, m, seq, 0);
    const target = this.probeTarget[m]!;
    const relays = this.kRandom(m, this.ml.indirectChecks, target, false, nowUs);
    for (const relay of relays) {
      if (this.lifeguard) this.probeNacksExpected[m]!++;
      this.sendPacket(m, relay, PK_PING_REQ, seq, target, Msg.pingReq, SIZE.pingReq, -1, nowUs);
    }
    if (!this.ml.disableTcpPings) this.tcpPing(m, target, seq, nowUs);
  }

  /** memberlist's TCP fallback ping: connect, ping, ack, each segment over the link, lost ones resent after 1 s. */
  private tcpPing(m: number, target: number, seq: number, nowUs: number): void {
    if (nowUs >= this.warmupUs) {
      this.metrics.t.messages[Msg.tcpPing]!++;
      this.metrics.t.bytes[Msg.tcpPing]! += SIZE.tcpPing;
    }
    let atUs = nowUs;
    const deadline = this.probeDeadlineUs[m]!;
    for (let segment = 0; segment < 4; segment++) {
      const from = segment % 2 === 0 ? m : target;
      const to = segment % 2 === 0 ? target : m;
      for (;;) {
        if (atUs > deadline || this.blocked(from, to)) return;
        const arrival = this.links.transmit(this.linkOf(from, to), atUs);
        if (arrival !== DROPPED) {
          atUs = arrival;
          break;
        }
        atUs += TCP_RTO_US;
      }
    }
    // The target must be up to answer; a paused one answers when it resumes.
    if (this.up[target] === 0) return;
    if (this.pausedDepth[target]! > 0) atUs = Math.max(atUs, this.pausedUntilUs[target]!);
    if (atUs <= deadline) this.q.schedule(atUs, EV_TCP_DONE, m, seq, 0);
  }

  private onProbeDeadline(m: number, seq: number, nowUs: number): void {
    if (this.probeActive[m] === 0 || this.probeSeq[m] !== seq) return;
    this.probeActive[m] = 0;
    if (this.probeTcpOkUs[m]! <= nowUs || this.probeAckUs[m]! <= nowUs) {
      this.succeed(m, nowUs);
      return;
    }
    const target = this.probeTarget[m]!;
    if (nowUs >= this.warmupUs) this.metrics.t.failedProbes++;
    if (this.lifeguard) this.adjustAwareness(m, failedProbeAwarenessDelta(this.probeNacksExpected[m]!, this.probeNacks[m]!), nowUs);
    const inc = this.views.incOf(m, target);
    const fact = this.newFact(target, F_SUSPECT, inc, m);
    const before = this.views.stateOf(m, target);
    this.suspectNode(m, fact, nowUs);
    if (before === View.alive && this.views.stateOf(m, target) === View.suspect && this.up[target] === 1) this.metrics.suspicionOriginated(target, nowUs);
    this.scheduleNextProbe(m, this.probeSentUs[m]!, nowUs);
  }

  private succeed(m: number, nowUs: number): void {
    this.probeActive[m] = 0;
    if (this.lifeguard) this.adjustAwareness(m, -1, nowUs);
    this.scheduleNextProbe(m, this.probeSentUs[m]!, nowUs);
  }

  /** Go's ticker: ticks at phase + k·interval; a tick missed while busy is buffered (one). */
  private scheduleNextProbe(m: number, startedUs: number, nowUs: number): void {
    const interval = this.ml.probeIntervalUs;
    const phase = this.probePhaseUs[m]!;
    const firstAfterStart = phase + (Math.floor((startedUs - phase) / interval) + 1) * interval;
    const next = firstAfterStart <= nowUs ? nowUs : firstAfterStart;
    this.q.schedule(next, EV_PROBE_TICK, m, this.epoch[m]!, 0);
  }

  private adjustAwareness(m: number, delta: number, nowUs: number): void {
    this.settleAwareness(m, nowUs);
    const score = applyAwarenessDelta(this.awareness[m]!, delta, this.ml.awarenessMaxMultiplier);
    this.awareness[m] = score;
    if (nowUs >= this.warmupUs && score > this.metrics.t.maxAwareness) this.metrics.t.maxAwareness = score;
  }

  /** memberlist's kRandomNodes: up to 3n random draws, skipping self, `exclude` and non-alive (or, for gossip, long-dead) members. */
  private kRandom(m: number, k: number, exclude: number, gossip: boolean, nowUs: number): number[] {
    const out: number[] = [];
    const n = this.n;
    for (let i = 0; i < 3 * n && out.length < k; i++) {
      const c = Math.floor(this.bank.next(this.stream[m]!) * n);
      if (c === m || c === exclude || out.includes(c)) continue;
      const rec = this.views.find(m, c);
      const state = rec === NO_RECORD ? View.alive : this.views.state[rec]!;
      if (gossip) {
        if (state === View.dead && nowUs - this.views.changeUs[rec]! > this.ml.gossipToTheDeadTimeUs) continue;
      } else if (state !== View.alive) continue;
      out.push(c);
    }
    return out;
  }

  // ---- packets ----------------------------------------------------------------------

  private linkOf(from: number, to: number): number {
    const cf = this.nodeClass[from]!;
    return from * this.classCount + (cf !== 0 && cf === this.nodeClass[to] ? cf : 0);
  }

  private blocked(from: number, to: number): boolean {
    for (const cut of this.cuts) {
      const a = cut.inGroup[from] === 1;
      const b = cut.inGroup[to] === 1;
      if (a === b) continue;
      if (cut.direction === 'both' || (cut.direction === 'toObserver' ? a : b)) return true;
    }
    return false;
  }

  /**
   * Sends one UDP packet with whatever broadcasts fit (net.go sendMsg / rawSendMsgPacket),
   * plus `attach` (the buddy-system suspicion) first.
   */
  private sendPacket(from: number, to: number, type: number, seq: number, subject: number, kind: number, size: number, attach: number, nowUs: number): number {
    const pk = this.allocPacket();
    this.pkType[pk] = type;
    this.pkSrc[pk] = from;
    this.pkDst[pk] = to;
    this.pkSeq[pk] = seq;
    this.pkSubject[pk] = subject;
    this.pkKind[pk] = kind;
    let count = 0;
    let bytes = size;
    if (attach >= 0) {
      this.pkFacts[pk * PIGGY_MAX] = attach;
      count = 1;
      bytes += this.facts.size(attach) + COMPOUND_OVERHEAD;
    }
    if (type !== PK_GOSSIP) {
      const queues = this.queues;
      queues.take(from, this.pkFacts, pk * PIGGY_MAX, count, UDP_BUFFER - bytes - COMPOUND_HEADER);
      bytes += queues.takenBytes;
      count = queues.takenCount;
    }
    this.pkFactCount[pk] = count;
    return this.transmit(pk, from, to, kind, bytes, nowUs);
  }

  /**
   * Sends packet `pk`. `known`: the receiver already knows every fact it carries
   * (`knowsAll`): receiving it would change nothing, so when the receiver cannot crash
   * (and come back with fresh views) before it arrives, its arrival is not an event —
   * the same draws, tallies and views as the packet path. Never so with CPU starvation,
   * whose late reads draw from the receiver's stream at arrival.
   */
  private transmit(pk: number, from: number, to: number, kind: number, bytes: number, nowUs: number, known = false): number {
    let departUs = nowUs;
    const slow = this.slowIoRule[from]!;
    if (slow >= 0) departUs += this.extraSamplers[slow]!.sampleUs(this.extraStream[from * (this.config.faults ?? []).length + slow]!);
    if (nowUs >= this.warmupUs) {
      this.metrics.t.messages[kind]!++;
      this.metrics.t.bytes[kind]! += bytes;
    }
    if (this.blocked(from, to)) {
      this.freePacket(pk);
      return DROPPED;
    }
    const arrival = this.links.transmit(this.linkOf(from, to), departUs);
    if (arrival === DROPPED || (known && arrival < this.nextCrashUs(to))) {
      this.freePacket(pk);
      return DROPPED;
    }
    this.q.schedule(arrival, EV_PACKET, pk, 0, 0);
    return arrival;
  }

  /** Whether receiving facts pk[0..count) would leave member r's state as it is (see receiveFact). */
  private knowsAll(r: number, pk: number, count: number): boolean {
    if (!this.eventlessAcks || this.up[r] === 0) return false;
    const facts = this.facts;
    const views = this.views;
    for (let i = 0; i < count; i++) {
      const f = this.pkFacts[pk * PIGGY_MAX + i]!;
      const s = facts.subject[f]!;
      const inc = facts.inc[f]!;
      const kind = facts.kind[f]!;
      if (s === r) {
        if (kind === F_ALIVE ? inc > this.selfInc[r]! : inc >= this.selfInc[r]!) return false;
        continue;
      }
      const rec = views.find(r, s);
      if (rec === NO_RECORD) {
        // Implicit ALIVE view: only an older alive fact is no news.
        if (kind !== F_ALIVE || inc > views.implicitInc(r, s)) return false;
        continue;
      }
      const known = views.inc[rec]!;
      if (kind === F_ALIVE) {
        if (inc > known) return false;
      } else if (inc >= known) {
        const timing = !Number.isNaN(views.timerDeadlineUs[rec]!);
        if (kind === F_DEAD) {
          if (timing || views.state[rec] !== View.dead) return false;
        } else if (timing) {
          // A running suspicion takes a confirmation from a new accuser.
          if (views.timerN[rec]! < views.timerK[rec]! && !views.hasConfirmer(rec, facts.from[f]!)) return false;
        } else if (views.state[rec] === View.alive) return false;
      }
    }
    return true;
  }

  /** The earliest pending crash of member m (∞: none scheduled). */
  private nextCrashUs(m: number): number {
    return this.memberCrashUs[m]!;
  }

  /** Sets (or clears, ∞) crash episode `index`'s pending instant and its members' earliest. */
  private setCrashPending(index: number, atUs: number): void {
    this.crashPendingUs[index] = atUs;
    for (const node of this.crashProcesses[index]!.nodes) {
      let next = Number.POSITIVE_INFINITY;
      for (const e of this.crashEpisodesOf[node]!) next = Math.min(next, this.crashPendingUs[e]!);
      this.memberCrashUs[node] = next;
    }
  }

  private scheduleCrash(index: number, atUs: number): void {
    this.setCrashPending(index, atUs);
    this.q.schedule(atUs, EV_CRASH, index, 0, 0);
  }

  private onPacket(pk: number, nowUs: number): void {
    const type = this.pkType[pk]!;
    const src = this.pkSrc[pk]!;
    const dst = this.pkDst[pk]!;
    const seq = this.pkSeq[pk]!;
    const subject = this.pkSubject[pk]!;
    // The command first, then the piggybacked broadcasts (compound parts in order).
    switch (type) {
      case PK_PING:
        if (seq > 0 && this.eventlessAcks && this.ackWithoutEvent(dst, src, seq, nowUs)) break;
        this.sendPacket(dst, src, PK_ACK, seq, 0, seq < 0 ? Msg.indirect : Msg.ack, SIZE.ack, -1, nowUs);
        if (seq > 0) this.directPingArrived(src, seq, DROPPED);
        break;
      case PK_ACK:
        this.onAck(dst, seq, nowUs);
        break;
      case PK_PING_REQ:
        this.onPingReq(dst, src, seq, subject, nowUs);
        break;
      case PK_NACK:
        if (this.probeActive[dst] === 1 && this.probeSeq[dst] === seq) this.probeNacks[dst]!++;
        break;
      default:
        break;
    }
    const count = this.pkFactCount[pk]!;
    for (let i = 0; i < count; i++) this.receiveFact(dst, this.pkFacts[pk * PIGGY_MAX + i]!, nowUs);
    this.freePacket(pk);
  }

  /**
   * The common case, done without an event: a direct ack with no broadcasts to carry.
   * Its fate is decided now; if it arrives, the prober's round notes the arrival instant
   * and reads it at its next timer (the direct timeout or the deadline), which is when
   * memberlist's select would have returned anyway — except that a successful probe
   * ends at the ack, which only moves the next round when the ack is later than the
   * next tick (never: ProbeTimeout < ProbeInterval). Same draws as the packet path.
   */
  private ackWithoutEvent(from: number, to: number, seq: number, nowUs: number): boolean {
    if (this.queues.length(from) > 0) return false;
    let departUs = nowUs;
    const slow = this.slowIoRule[from]!;
    if (slow >= 0) departUs += this.extraSamplers[slow]!.sampleUs(this.extraStream[from * (this.config.faults ?? []).length + slow]!);
    if (nowUs >= this.warmupUs) {
      this.metrics.t.messages[Msg.ack]!++;
      this.metrics.t.bytes[Msg.ack]! += SIZE.ack;
    }
    const arrival = this.blocked(from, to) ? DROPPED : this.links.transmit(this.linkOf(from, to), departUs);
    if (this.timeoutUnarmed[to] === 1) {
      this.directPingArrived(to, seq, arrival);
      return true;
    }
    if (arrival === DROPPED) return true;
    if (this.probeSeq[to] === seq && this.probeActive[to] === 1 && arrival < this.probeAckUs[to]!) this.probeAckUs[to] = arrival;
    return true;
  }

  private onAck(m: number, seq: number, nowUs: number): void {
    if (seq < 0) {
      // An ack for a relay's ping: pass it on to the requester (net.go handleIndirectPing).
      const relay = -seq - 1;
      if (this.relayNode[relay] !== m || this.relayAcked[relay] === 1) return;
      this.relayAcked[relay] = 1;
      this.sendPacket(m, this.relayRequester[relay]!, PK_ACK, this.relaySeq[relay]!, 0, Msg.indirect, SIZE.ack, -1, nowUs);
      return;
    }
    if (this.probeActive[m] === 1 && this.probeSeq[m] === seq) this.succeed(m, nowUs);
  }

  private onPingReq(relay: number, requester: number, seq: number, target: number, nowUs: number): void {
    const entry = this.allocRelay();
    this.relayRequester[entry] = requester;
    this.relaySeq[entry] = seq;
    this.relayNode[entry] = relay;
    this.relayAcked[entry] = 0;
    this.relayWantsNack[entry] = this.lifeguard ? 1 : 0;
    this.sendPacket(relay, target, PK_PING, -entry - 1, target, Msg.indirect, SIZE.ping, -1, nowUs);
    this.q.schedule(nowUs + this.ml.probeTimeoutUs, EV_RELAY_TIMEOUT, entry, this.relayGen[entry]!, 0);
  }

  private onRelayTimeout(entry: number, gen: number, nowUs: number): void {
    if (this.relayGen[entry] !== gen) return;
    const relay = this.relayNode[entry]!;
    if (this.relayAcked[entry] === 0 && this.relayWantsNack[entry] === 1) {
      this.sendPacket(relay, this.relayRequester[entry]!, PK_NACK, this.relaySeq[entry]!, 0, Msg.nack, SIZE.nack, -1, nowUs);
    }
    this.relayGen[entry]!++;
    this.relayNode[entry] = -1;
    this.relayFree.push(entry);
  }

  // ---- broadcasts ------------------------------------------------------------------------

  private newFact(subject: number, kind: number, inc: number, from: number): number {
    return this.facts.add(subject, kind, inc, from);
  }

  /** Queues a broadcast and arms the gossip ticker if it was idle. */
  private enqueue(m: number, fact: number, nowUs: number): void {
    this.queues.push(m, fact);
    if (this.gossipArmed[m] === 0 && this.ml.gossipNodes > 0) {
      this.gossipArmed[m] = 1;
      const g = this.ml.gossipIntervalUs;
      const phase = this.gossipPhaseUs[m]!;
      this.q.schedule(phase + (Math.floor((nowUs - phase) / g) + 1) * g, EV_GOSSIP_TICK, m, this.epoch[m]!, 0);
    }
  }

  private onGossipTick(m: number, nowUs: number): void {
    const queues = this.queues;
    if (queues.length(m) === 0) {
      this.gossipArmed[m] = 0;
      return;
    }
    const peers = this.kRandom(m, this.ml.gossipNodes, -1, true, nowUs);
    for (const peer of peers) {
      if (queues.length(m) === 0) break;
      const pk = this.allocPacket();
      this.pkType[pk] = PK_GOSSIP;
      this.pkSrc[pk] = m;
      this.pkDst[pk] = peer;
      queues.take(m, this.pkFacts, pk * PIGGY_MAX, 0, UDP_BUFFER - COMPOUND_HEADER);
      this.pkFactCount[pk] = queues.takenCount;
      this.transmit(pk, m, peer, Msg.gossip, queues.takenBytes + COMPOUND_HEADER, nowUs, this.knowsAll(peer, pk, queues.takenCount));
    }
    if (queues.length(m) === 0) {
      this.gossipArmed[m] = 0;
      return;
    }
    this.q.schedule(nowUs + this.ml.gossipIntervalUs, EV_GOSSIP_TICK, m, this.epoch[m]!, 0);
  }

  private receiveFact(o: number, fact: number, nowUs: number): void {
    const kind = this.facts.kind[fact]!;
    if (kind === F_ALIVE) this.aliveNode(o, fact, nowUs);
    else if (kind === F_SUSPECT) this.suspectNode(o, fact, nowUs);
    else this.deadNode(o, fact, nowUs);
  }

  // ---- state changes (state.go aliveNode / suspectNode / deadNode / refute) ----------------

  private aliveNode(o: number, fact: number, nowUs: number): void {
    const s = this.facts.subject[fact]!;
    const inc = this.facts.inc[fact]!;
    if (s === o) {
      // Someone claims an incarnation of ours we never had (a restart): refute.
      if (inc > this.selfInc[o]!) this.refute(o, inc, nowUs);
      return;
    }
    const rec = this.views.find(o, s);
    const known = rec === NO_RECORD ? this.views.implicitInc(o, s) : this.views.inc[rec]!;
    if (inc <= known) return;
    const r = rec === NO_RECORD ? this.views.ensure(o, s) : rec;
    this.views.timerDeadlineUs[r] = Number.NaN;
    this.enqueue(o, fact, nowUs);
    this.views.inc[r] = inc;
    if (this.views.state[r] !== View.alive) this.setState(r, o, s, View.alive, nowUs);
  }

  private suspectNode(o: number, fact: number, nowUs: number): void {
    const s = this.facts.subject[fact]!;
    const inc = this.facts.inc[fact]!;
    const from = this.facts.from[fact]!;
    if (s === o) {
      if (inc >= this.selfInc[o]!) this.refute(o, inc, nowUs);
      return;
    }
    const views = this.views;
    const rec = views.find(o, s);
    if (inc < (rec === NO_RECORD ? views.implicitInc(o, s) : views.inc[rec]!)) return;
    if (rec !== NO_RECORD && !Number.isNaN(views.timerDeadlineUs[rec]!)) {
      if (this.confirm(rec, from, nowUs)) this.enqueue(o, fact, nowUs);
      return;
    }
    if (rec !== NO_RECORD && views.state[rec] !== View.alive) return;
    const r = rec === NO_RECORD ? views.ensure(o, s) : rec;
    this.enqueue(o, fact, nowUs);
    views.inc[r] = inc;
    this.setState(r, o, s, View.suspect, nowUs);
    // newSuspicion: the originator is not a confirmation; start at max (min when k < 1).
    views.confirmerCount[r] = 0;
    views.addConfirmer(r, from);
    views.timerN[r] = 0;
    views.timerK[r] = this.suspicionK;
    views.timerMinUs[r] = this.suspicionMinUs;
    views.timerMaxUs[r] = this.suspicionMaxUs;
    views.timerStartUs[r] = nowUs;
    const timeout = this.suspicionK < 1 ? this.suspicionMinUs : this.suspicionMaxUs;
    this.armSuspicion(r, nowUs + timeout);
  }

  private confirm(r: number, from: number, nowUs: number): boolean {
    const views = this.views;
    if (views.timerN[r]! >= views.timerK[r]!) return false;
    if (views.hasConfirmer(r, from)) return false;
    views.addConfirmer(r, from);
    const confirmations = ++views.timerN[r]!;
    const remaining = remainingSuspicionTimeUs(confirmations, views.timerK[r]!, nowUs - views.timerStartUs[r]!, views.timerMinUs[r]!, views.timerMaxUs[r]!);
    this.armSuspicion(r, remaining > 0 ? nowUs + remaining : nowUs);
    return true;
  }

  private armSuspicion(r: number, deadlineUs: number): void {
    this.views.timerDeadlineUs[r] = deadlineUs;
    this.q.schedule(deadlineUs, EV_SUSPICION, r, this.views.generation[r]!, deadlineUs);
  }

  private onSuspicionTimer(r: number, gen: number, deadlineUs: number, nowUs: number): void {
    const views = this.views;
    if (views.generation[r] !== gen || views.timerDeadlineUs[r] !== deadlineUs || views.state[r] !== View.suspect) return;
    const o = views.observer[r]!;
    const s = views.subject[r]!;
    const fact = this.newFact(s, F_DEAD, views.inc[r]!, o);
    if (this.up[s] === 1 && views.inc[r]! >= this.metrics.rejoinInc[s]! && nowUs >= this.warmupUs) this.metrics.t.deathsOriginated++;
    this.deadNode(o, fact, nowUs);
  }

  private deadNode(o: number, fact: number, nowUs: number): void {
    const s = this.facts.subject[fact]!;
    const inc = this.facts.inc[fact]!;
    if (s === o) {
      if (inc >= this.selfInc[o]!) this.refute(o, inc, nowUs);
      return;
    }
    const views = this.views;
    const rec = views.find(o, s);
    if (inc < (rec === NO_RECORD ? views.implicitInc(o, s) : views.inc[rec]!)) return;
    const r = rec === NO_RECORD ? views.ensure(o, s) : rec;
    views.timerDeadlineUs[r] = Number.NaN;
    if (views.state[r] === View.dead) return;
    this.enqueue(o, fact, nowUs);
    views.inc[r] = inc;
    this.setState(r, o, s, View.dead, nowUs);
  }

  private refute(o: number, accusedInc: number, nowUs: number): void {
    let inc = this.selfInc[o]! + 1;
    if (accusedInc >= inc) inc = accusedInc + 1;
    this.selfInc[o] = inc;
    if (this.lifeguard) this.adjustAwareness(o, 1, nowUs);
    if (nowUs >= this.warmupUs) this.metrics.t.refutations++;
    this.enqueue(o, this.newFact(o, F_ALIVE, inc, o), nowUs);
  }

  // ---- push/pull anti-entropy ------------------------------------------------------------

  private onPushPullTick(m: number, nowUs: number): void {
    this.q.schedule(nowUs + this.pushPullUs, EV_PUSHPULL_TICK, m, this.epoch[m]!, 0);
    const peers = this.kRandom(m, 1, -1, false, nowUs);
    if (peers.length === 0) return;
    const peer = peers[0]!;
    if (nowUs >= this.warmupUs) {
      this.metrics.t.messages[Msg.pushPull]! += 2;
      this.metrics.t.bytes[Msg.pushPull]! += 2 * this.n * SIZE.pushPullEntry;
    }
    if (this.blocked(m, peer) || this.blocked(peer, m)) return;
    // A TCP exchange: the peer merges our state on arrival, we merge its reply a round trip later.
    const there = this.links.transmit(this.linkOf(m, peer), nowUs);
    if (there === DROPPED) return;
    const back = this.links.transmit(this.linkOf(peer, m), there);
    if (back === DROPPED) return;
    this.q.schedule(back, EV_PUSHPULL, m, peer, this.epoch[m]!);
  }

  private onPushPull(m: number, peer: number, nowUs: number): void {
    if (this.up[peer] === 0 || this.pausedDepth[peer]! > 0) return;
    this.mergeState(peer, m, nowUs);
    this.mergeState(m, peer, nowUs);
  }

  /** mergeRemoteState: remote ALIVE → aliveNode; SUSPECT or DEAD → suspectNode (from: the local member). */
  private mergeState(local: number, remote: number, nowUs: number): void {
    const views = this.views;
    const subjects = views.dirty;
    for (let i = 0; i < subjects.length; i++) {
      const s = subjects[i]!;
      let state: number;
      let inc: number;
      if (s === remote) {
        state = View.alive;
        inc = this.selfInc[remote]!;
      } else {
        const rec = views.find(remote, s);
        if (rec === NO_RECORD) {
          // The remote's implicit view: ALIVE with its baseline (0: nothing to tell).
          inc = views.implicitInc(remote, s);
          if (inc === 0) continue;
          state = View.alive;
        } else {
          state = views.state[rec]!;
          inc = views.inc[rec]!;
        }
      }
      if (s === local) {
        if (state === View.alive) continue;
      } else {
        const localRec = views.find(local, s);
        if (localRec !== NO_RECORD) {
          if (views.state[localRec] === state && views.inc[localRec] === inc) continue;
        } else if (state === View.alive && views.implicitInc(local, s) === inc) continue;
      }
      const fact = this.newFact(s, state === View.alive ? F_ALIVE : F_SUSPECT, inc, local);
      if (state === View.alive) this.aliveNode(local, fact, nowUs);
      else this.suspectNode(local, fact, nowUs);
    }
    // The remote's own entry is always current.
    const alive = this.newFact(remote, F_ALIVE, this.selfInc[remote]!, remote);
    if (this.selfInc[remote]! > views.incOf(local, remote)) this.aliveNode(local, alive, nowUs);
  }

  // ---- views and metrics -----------------------------------------------------------------

  private setState(r: number, o: number, s: number, next: number, nowUs: number): void {
    const views = this.views;
    const prev = views.state[r]!;
    if (prev === next) return;
    views.state[r] = next;
    views.changeUs[r] = nowUs;
    this.metrics.viewChanged(o, s, prev, next, views.inc[r]!, nowUs);
  }

  // ---- crashes and faults -------------------------------------------------------------------

  private onCrash(index: number, nowUs: number): void {
    const episode = this.crashProcesses[index]!;
    const fault = this.config.crashes[episode.rule]!;
    this.setCrashPending(index, Number.POSITIVE_INFINITY);
    for (const node of episode.nodes) this.crashMember(node, nowUs);
    const downUs = fault.kind === 'crashRecover' ? (fault.restartDelayUs ?? 0) + exponentialUs(episode.stream, fault.mttrUs) : fault.downUs;
    if (downUs !== null) this.q.schedule(nowUs + Math.max(1, downUs), EV_RECOVER, index, 0, 0);
  }

  private crashMember(m: number, nowUs: number): void {
    if (this.up[m] === 0) return;
    this.metrics.memberDown(m, nowUs);
    this.up[m] = 0;
    this.epoch[m]!++;
    this.probeActive[m] = 0;
    this.timeoutUnarmed[m] = 0;
    if (this.lifeguard) this.settleAwareness(m, nowUs);
    this.successAtUs[m] = Number.POSITIVE_INFINITY; // an ack arriving after the crash is lost
    this.gossipArmed[m] = 0;
    this.queues.clear(m);
    // As observer: its views are gone (a restarted process starts afresh).
    const views = this.views;
    for (const s of views.dirty) {
      const rec = views.find(m, s);
      if (rec === NO_RECORD) continue;
      this.metrics.viewDropped(s, views.state[rec]!, nowUs);
      views.remove(rec);
    }
    for (const s of views.dirty) this.metrics.checkDissemination(s, nowUs);
  }

  private onRecover(index: number, nowUs: number): void {
    const episode = this.crashProcesses[index]!;
    for (const node of episode.nodes) this.recoverMember(node, nowUs);
    const fault = this.config.crashes[episode.rule]!;
    if (fault.kind === 'crashRecover') this.scheduleCrash(index, nowUs + Math.max(1, exponentialUs(episode.stream, fault.mttfUs)));
  }

  private recoverMember(m: number, nowUs: number): void {
    if (this.up[m] === 1) return;
    this.metrics.memberUp(m, nowUs);
    this.up[m] = 1;
    this.views.reborn(m);
    const epoch = this.epoch[m]!;
    this.passIndex[m] = this.n;
    // Rejoin: announce a higher incarnation, then a push/pull with a random member.
    this.refute(m, this.selfInc[m]!, nowUs);
    this.metrics.rejoinInc[m] = this.selfInc[m]!;
    this.q.schedule(nowUs, EV_PROBE_TICK, m, epoch, 0);
    this.q.schedule(nowUs + this.pushPullUs, EV_PUSHPULL_TICK, m, epoch, 0);
    const peers = this.kRandom(m, 1, -1, false, nowUs);
    if (peers.length > 0 && this.up[peers[0]!] === 1) this.mergeState(m, peers[0]!, nowUs);
  }

  private onFaultStart(index: number, nowUs: number): void {
    const episode = this.faultProcesses[index]!;
    const next = nextOnsetUs(episode.onset!, episode.stream, nowUs);
    if (next !== null && next <= this.endUs) this.q.schedule(next, EV_FAULT_START, index, 0, 0);
    if (!episode.duration) return; // clock steps do not apply to the protocols
    const endUs = nowUs + Math.max(1, episode.duration.sampleUs(episode.stream.index));
    if (episode.active) {
      if (endUs > episode.activeUntilUs) {
        episode.activeUntilUs = endUs;
        this.extendPause(episode, endUs);
        this.q.schedule(endUs, EV_FAULT_END, index, endUs, 0);
      }
      return;
    }
    episode.active = true;
    episode.activeUntilUs = endUs;
    this.q.schedule(endUs, EV_FAULT_END, index, endUs, 0);
    this.applyFault(episode, true, endUs);
  }

  private extendPause(episode: FaultProcess, endUs: number): void {
    if (this.config.faults![episode.rule]!.kind !== 'senderPause') return;
    for (const node of episode.nodes) if (endUs > this.pausedUntilUs[node]!) this.pausedUntilUs[node] = endUs;
  }

  private onFaultEnd(index: number, endUs: number, _nowUs: number): void {
    const episode = this.faultProcesses[index]!;
    if (!episode.active || endUs !== episode.activeUntilUs) return;
    episode.active = false;
    this.applyFault(episode, false, endUs);
  }

  private applyFault(episode: FaultProcess, starting: boolean, endUs: number): void {
    const fault = this.config.faults![episode.rule]!;
    const delta = starting ? 1 : -1;
    switch (fault.kind) {
      case 'senderPause':
        for (const node of episode.nodes) {
          this.pausedDepth[node]! += delta;
          if (starting && endUs > this.pausedUntilUs[node]!) this.pausedUntilUs[node] = endUs;
        }
        return;
      case 'cpuStarvation':
        for (const node of episode.nodes) {
          this.starvingDepth[node]! += delta;
          if (starting) this.starvingRule[node] = episode.rule;
        }
        return;
      case 'partition': {
        if (starting) {
          const inGroup = new Uint8Array(this.n);
          for (const node of episode.nodes) inGroup[node] = 1;
          const cut: Cut = { inGroup, direction: fault.direction };
          this.cuts.push(cut);
          this.cutOf.set(episode, cut);
        } else {
          const cut = this.cutOf.get(episode);
          const at = cut ? this.cuts.indexOf(cut) : -1;
          if (at >= 0) this.cuts.splice(at, 1);
          this.cutOf.delete(episode);
        }
        return;
      }
      default:
        return;
    }
  }

  // ---- pools ---------------------------------------------------------------------------

  private allocPacket(): number {
    const reused = this.pkFree.pop();
    if (reused !== undefined) return reused;
    if (this.pkSize === this.pkType.length) {
      const cap = this.pkSize * 2;
      const g8 = (a: Uint8Array) => {
        const b = new Uint8Array(cap);
        b.set(a);
        return b;
      };
      const g32 = (a: Int32Array, w = 1) => {
        const b = new Int32Array(cap * w);
        b.set(a);
        return b;
      };
      const seq = new Float64Array(cap);
      seq.set(this.pkSeq);
      this.pkSeq = seq;
      this.pkType = g8(this.pkType);
      this.pkKind = g8(this.pkKind);
      this.pkFactCount = g8(this.pkFactCount);
      this.pkSrc = g32(this.pkSrc);
      this.pkDst = g32(this.pkDst);
      this.pkSubject = g32(this.pkSubject);
      this.pkFacts = g32(this.pkFacts, PIGGY_MAX);
    }
    return this.pkSize++;
  }

  private freePacket(pk: number): void {
    this.pkFree.push(pk);
  }

  private allocRelay(): number {
    const reused = this.relayFree.pop();
    if (reused !== undefined) return reused;
    if (this.relaySize === this.relayNode.length) {
      const cap = this.relaySize * 2;
      this.relayRequester = grown(this.relayRequester, cap);
      this.relaySeq = grown(this.relaySeq, cap);
      this.relayNode = grown(this.relayNode, cap);
      this.relayAcked = grown(this.relayAcked, cap);
      this.relayWantsNack = grown(this.relayWantsNack, cap);
      this.relayGen = grown(this.relayGen, cap);
    }
    return this.relaySize++;
  }

  // ---- the end -------------------------------------------------------------------------

  private finish(): SwimRunResult {
    const censorBoundUs = 2 * this.ml.probeIntervalUs * this.ml.awarenessMaxMultiplier + this.suspicionMaxUs;
    const tallies = this.metrics.finish(this.endUs, censorBoundUs);
    const log: TransitionLog = {
      timeUs: new Float64Array(0),
      kind: new Uint8Array(0),
      pair: new Int32Array(0),
      from: new Uint8Array(0),
      to: new Uint8Array(0),
      cause: new Uint8Array(0),
      length: 0,
      dropped: 0,
    };
    return { tallies, log, events: this.eventCount, endUs: this.endUs, viewRecords: this.views.records };
  }

  // ---- test hooks (read-only) --------------------------------------------------------------

  /** Observer o's view of subject s: 0 alive, 1 suspect, 2 dead; and its incarnation. */
  viewOf(o: number, s: number): { state: number; inc: number } {
    return { state: this.views.stateOf(o, s), inc: this.views.incOf(o, s) };
  }

  incarnationOf(m: number): number {
    return this.selfInc[m]!;
  }

  awarenessOf(m: number): number {
    if (this.successAtUs[m]! <= this.q.currentTimeUs) return applyAwarenessDelta(this.awareness[m]!, -1, this.ml.awarenessMaxMultiplier);
    return this.awareness[m]!;
  }

  /** Processes events up to `untilUs` (tests step through a scenario). */
  runUntil(untilUs: number): void {
    const q = this.q;
    while (q.popUntil(Math.min(untilUs, this.endUs))) {
      if (q.currentTimeUs >= this.nextCompactionUs) this.compactViews(q.currentTimeUs);
      this.eventCount++;
      this.dispatch(q.currentKind, q.currentTarget, q.currentArg, q.currentArg2, q.currentTimeUs);
    }
  }

  finishRun(): SwimRunResult {
    this.runUntil(this.endUs);
    return this.finish();
  }
}
