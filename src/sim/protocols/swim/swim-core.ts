/**
 * SWIM's member state and plumbing, shared by the protocol's layers
 * (swim-dissemination.ts, swim-simulation.ts): the event and packet kinds, every
 * member's typed-array state, the packet and relay pools, link classes and
 * partitions, sending (with the eventless delivery of packets that carry no news),
 * crash bookkeeping, random peer choice (kRandomNodes) and Lifeguard's awareness.
 * The constructor builds all of it from the scenario (setup in three steps below).
 */
import type { SimConfig } from '../../config.js';
import { DurationSampler, exponentialUs } from '../../random/distributions.js';
import { compileCrashes, compileFaults, firstOnsetUs, selectNodes, type FaultProcess } from '../../faults/faults.js';
import { DROPPED, LinkTable } from '../../network/links.js';
import type { RunTallies, TransitionLog } from '../../metrics/recorder.js';
import { StreamBank, streamFor, type SeedRoot } from '../../random/streams.js';
import { faultDelayStreamKey, nodeStreamKey } from '../../random/stream-keys.js';
import { Scheduler } from '../../engine/scheduler.js';
import type { SwimProtocolConfig } from '../config.js';
import { applyAwarenessDelta, pushPullScaleUs, retransmitLimit, suspicionBounds, type MemberlistConfig } from './memberlist.js';
import { KeyedPermutation } from './permutation.js';
import { NO_RECORD, View, Views, VR, V_CHANGE_US, V_DEADLINE, V_INC, V_STATE, V_TIMER_K, V_TIMER_N } from './views.js';
import { SwimMetrics } from './swim-metrics.js';
import { SideQueues } from './side-queue.js';
import type { Clocks } from '../../faults/clock.js';
import { memberClocks } from './member-clocks.js';
import { linkClasses } from './link-classes.js';
import { REC, R_AWARENESS, R_PASS_INDEX, R_PROBE_PHASE_US, R_SUCCESS_AT_US } from './member-record.js';
import { grown } from '../../grown.js';
import { BroadcastQueues, COMPOUND_HEADER, COMPOUND_OVERHEAD, F_ALIVE, F_DEAD, Facts, PIGGY_MAX, UDP_BUFFER } from './broadcasts.js';

export * from './member-record.js';

// Event kinds.
export const EV_PROBE_TICK = 1; // target = member, arg = epoch
export const EV_DIRECT_TIMEOUT = 2; // target = member, arg = probe seq
export const EV_PROBE_DEADLINE = 3; // target = member, arg = probe seq
export const EV_PACKET = 4; // target = packet
export const EV_RELAY_TIMEOUT = 5; // target = relay entry, arg = its generation
export const EV_GOSSIP_TICK = 6; // target = member, arg = epoch
export const EV_SUSPICION = 7; // target = record, arg = generation, arg2 = deadline
export const EV_PUSHPULL_TICK = 8; // target = member, arg = epoch
export const EV_PUSHPULL = 9; // target = member (initiator), arg = peer, arg2 = epoch
export const EV_CRASH = 10;
export const EV_RECOVER = 11;
export const EV_FAULT_START = 12;
export const EV_FAULT_END = 13; // arg = episode end
export const EV_TCP_DONE = 14; // target = member (prober), arg = probe seq

// Packet types.
export const PK_PING = 1;
export const PK_ACK = 2;
export const PK_PING_REQ = 3;
export const PK_NACK = 4;
export const PK_GOSSIP = 5;

/** Period of the view compaction sweep (simulated time; a representation change only). */
export const COMPACTION_US = 10_000_000;
/** Linux's initial TCP retransmission timeout (RFC 6298 §2.1): 1 s. */
export const TCP_RTO_US = 1_000_000;

/** A partition between a group of members and the rest; `toObserver`: only messages leaving the group are cut, `fromObserver`: only those entering it. */
export interface Cut {
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

/**
 * Engine switches that must not change any result (tests run both ways and compare):
 * the period of view compaction (∞: never), the eventless delivery of gossip packets
 * that carry no news, the side queues, and the direct timeouts left unarmed.
 */
export interface SwimEngineOptions {
  readonly compactionUs?: number;
  readonly eventlessGossip?: boolean;
  /** Near-sorted event kinds in side queues merged with the engine's (side-queue.ts); false: all in the engine's queue. */
  readonly sideQueues?: boolean;
  /** No direct-timeout event for a round whose ack packet arrives before it (swim-simulation.ts directPingCarried); false: always armed. */
  readonly eventlessTimeouts?: boolean;
}

/** Most places a side-queue insertion walks back before the event goes to the engine's queue instead. */
const SIDE_MAX_WALK = 48;

export abstract class SwimCore {
  protected readonly config: SimConfig;
  protected readonly ml: MemberlistConfig;
  protected readonly lifeguard: boolean;
  protected readonly randomTargets: boolean;
  protected readonly n: number;
  protected readonly q: Scheduler;
  protected readonly bank: StreamBank;
  protected readonly links: LinkTable;
  protected readonly classCount: number;
  protected readonly nodeClass: Int32Array;
  protected readonly views: Views;
  protected readonly perm: KeyedPermutation;
  protected readonly warmupUs: number;
  protected readonly endUs: number;
  protected readonly flapWindowUs: number;
  protected readonly suspicionK: number;
  protected readonly suspicionMinUs: number;
  protected readonly suspicionMaxUs: number;
  protected readonly transmitLimit: number;
  protected readonly pushPullUs: number;

  // Members.
  protected readonly up: Uint8Array;
  /** 1 while the member is down, paused or starved (swim-simulation.ts refreshHindered). */
  protected readonly hindered: Uint8Array;
  protected readonly pausedDepth: Int32Array;
  protected readonly pausedUntilUs: Float64Array;
  protected readonly starvingDepth: Int32Array;
  protected readonly starvingRule: Int32Array;
  protected readonly slowIoRule: Int32Array;
  /** Whether any member has slow I/O (else a send reads no per-member rule). */
  protected readonly anySlowIo: boolean;
  protected readonly extraStream: Int32Array;
  protected readonly extraSamplers: (DurationSampler | null)[];
  protected readonly stream: Int32Array;
  protected readonly selfInc: Float64Array;
  protected readonly gossipPhaseUs: Float64Array;
  protected readonly gossipArmed: Uint8Array;
  /**
   * Every member's probe-round state and tickers in one record of REC doubles (R_*
   * below; two cache lines) instead of sixteen arrays: a probe round — the tick, the
   * ping, the ack — reads and writes most of it for one member, and at 10 000 members
   * sixteen separate arrays were sixteen cache misses per round.
   */
  protected readonly rec: Float64Array;
  /**
   * Each member's life (bumped when it crashes; its older timers are stale), also in
   * `rec` (R_EPOCH) for the probe ticker: gossip and push/pull ticks read only this
   * small array (80 kB at 10 000 members) instead of a 128-byte record.
   */
  protected readonly epoch: Float64Array;
  /** Acks can skip their own event only when no member ever reads packets late. */
  protected readonly eventlessAcks: boolean;
  /**
   * The members' monotonic clocks when any of them drifts (`clock_drift` on nodes), else
   * null: every timer then runs on true time, exactly as before drift was modelled, and
   * at no cost. See `afterLocal`.
   */
  protected readonly clocks: Clocks | null;
  /** The slowest member clock's rate (1 + ppm·10⁻⁶, ≤ 1; 1 without drift): stretches the censoring bound. */
  protected readonly slowestRate: number;
  // Broadcast facts (immutable) and each member's queue of them.
  protected readonly facts = new Facts();
  protected readonly queues: BroadcastQueues;
  // Packets in flight.
  protected pkType: Uint8Array;
  protected pkSrc: Int32Array;
  protected pkDst: Int32Array;
  protected pkSeq: Float64Array;
  protected pkSubject: Int32Array;
  protected pkKind: Uint8Array;
  protected pkFacts: Int32Array;
  protected pkFactCount: Uint8Array;
  protected pkFree: number[] = [];
  protected pkSize = 0;
  // Relays of indirect probes.
  protected relayRequester: Int32Array;
  protected relaySeq: Float64Array;
  protected relayNode: Int32Array;
  protected relayAcked: Uint8Array;
  protected relayWantsNack: Uint8Array;
  protected relayGen: Float64Array;
  protected relayFree: number[] = [];
  protected relaySize = 0;
  // Partitions: active cuts (members, direction).
  protected readonly cuts: Cut[] = [];
  protected readonly cutOf = new Map<FaultProcess, Cut>();
  protected readonly faultProcesses: FaultProcess[];
  protected readonly crashProcesses: FaultProcess[];
  /** Instant of each crash episode's pending crash (∞: none), and each member's episodes. */
  protected readonly crashPendingUs: Float64Array;
  protected readonly crashEpisodesOf: number[][];
  protected readonly memberCrashUs: Float64Array;
  /** The earliest pending crash of any member (∞: none): a packet arriving before it needs no per-member read. */
  protected earliestCrashUs = Number.POSITIVE_INFINITY;

  protected readonly metrics: SwimMetrics;
  protected eventCount = 0;
  protected nextCompactionUs: number;
  protected readonly compactionUs: number;
  protected readonly eventlessGossip: boolean;
  protected readonly eventlessTimeouts: boolean;
  /** The instant of the event being handled. */
  protected nowUs = 0;
  /**
   * Side queues (side-queue.ts) for the event kinds scheduled almost in firing order:
   * packets, probe ticks, the probe round's timers (direct timeout, deadline, relay
   * timeout: all ProbeTimeout ahead), gossip ticks, suspicion timers (a new one is
   * always the maximum timeout ahead); null: every event in `q`.
   */
  protected readonly sides: SideQueues | null;

  constructor(config: SimConfig, protocol: SwimProtocolConfig, options: SwimEngineOptions = {}) {
    this.compactionUs = options.compactionUs ?? COMPACTION_US;
    this.nextCompactionUs = this.compactionUs;
    this.eventlessGossip = options.eventlessGossip ?? true;
    this.eventlessTimeouts = options.eventlessTimeouts ?? true;
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
    // About one event per bucket: 4 per member-interval in all, ~1/4 when side queues take
    // the near-sorted kinds (a tuning hint only: any width gives the same order). With
    // side queues, the window spans the longest suspicion timeout: the timers a crash
    // arms in every observer (and shortens with each confirmation) then land in buckets
    // instead of the overflow heap, where each push and pop was ~15 cache misses deep.
    const sideQueues = options.sideQueues ?? true;
    const width = Math.max(1, Math.floor(sideQueues ? (4 * probeUs) / n : probeUs / (4 * n)));
    const windowUs = sideQueues ? Math.max(3 * probeUs, this.suspicionMaxUs + probeUs) : 3 * probeUs;
    this.q = new Scheduler({ bucketWidthUs: width, bucketCount: Math.ceil(windowUs / width), initialCapacity: (sideQueues ? 2 : 8) * n + 64 });
    this.sides = sideQueues
      ? new SideQueues(this.q, [[EV_PACKET, EV_TCP_DONE], [EV_PROBE_TICK], [EV_DIRECT_TIMEOUT, EV_PROBE_DEADLINE, EV_RELAY_TIMEOUT], [EV_GOSSIP_TICK], [EV_SUSPICION]], [256, 2 * n, 256, 256, 256], SIDE_MAX_WALK)
      : null;
    this.bank = new StreamBank(4 * n + 16);
    this.views = new Views(n);
    this.perm = new KeyedPermutation(n);

    const classes = linkClasses(config, this.bank, root);
    this.links = classes.links;
    this.nodeClass = classes.nodeClass;
    this.classCount = classes.classCount;

    this.up = new Uint8Array(n).fill(1);
    this.hindered = new Uint8Array(n);
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
    this.anySlowIo = faults.some((f) => f.kind === 'slowIo');
    this.stream = new Int32Array(n);
    for (let i = 0; i < n; i++) this.stream[i] = this.bank.add(root, nodeStreamKey(names[i]!, 'swim'));
    this.selfInc = new Float64Array(n);
    this.gossipPhaseUs = new Float64Array(n);
    this.gossipArmed = new Uint8Array(n);
    this.rec = new Float64Array(n * REC);
    this.epoch = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      this.rec[i * REC + R_PASS_INDEX] = n; // the first probe starts a pass
      this.rec[i * REC + R_SUCCESS_AT_US] = Number.POSITIVE_INFINITY;
    }
    this.eventlessAcks = !faults.some((f) => f.kind === 'cpuStarvation');
    const drift = memberClocks(faults, names);
    this.clocks = drift.clocks;
    this.slowestRate = drift.slowestRate;
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
    this.faultProcesses = compileFaults(faults, names, root, this.bank);
    this.crashProcesses = compileCrashes(config.crashes, names, root, this.bank);
    this.crashPendingUs = new Float64Array(this.crashProcesses.length).fill(Number.POSITIVE_INFINITY);
    this.memberCrashUs = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    this.crashEpisodesOf = Array.from({ length: n }, () => [] as number[]);
    this.crashProcesses.forEach((episode, index) => {
      for (const node of episode.nodes) this.crashEpisodesOf[node]!.push(index);
    });
    this.scheduleFirstEvents(root);
  }

  /**
   * Timers start at a random stagger (state.go triggerFunc, pushPullTrigger), a local
   * duration from the start; the phases are kept as local readings (the tickers' grids);
   * then the first crash and fault onsets.
   */
  private scheduleFirstEvents(root: SeedRoot): void {
    const config = this.config;
    const names = config.nodeNames;
    const n = this.n;
    for (let i = 0; i < n; i++) {
      const phase = streamFor(root, nodeStreamKey(names[i]!, 'swim-phase'));
      this.rec[i * REC + R_PROBE_PHASE_US] = Math.floor(phase.next() * this.ml.probeIntervalUs);
      this.gossipPhaseUs[i] = Math.floor(phase.next() * this.ml.gossipIntervalUs);
      this.at(this.afterLocal(i, 0, this.rec[i * REC + R_PROBE_PHASE_US]!), EV_PROBE_TICK, i, 0, 0);
      if (this.ml.pushPullIntervalUs > 0 && n > 1) this.at(this.afterLocal(i, 0, Math.floor(phase.next() * this.pushPullUs)), EV_PUSHPULL_TICK, i, 0, 0);
    }
    this.crashProcesses.forEach((episode, index) => {
      const fault = config.crashes[episode.rule]!;
      const atUs = fault.kind === 'crashAt' ? fault.atUs : exponentialUs(episode.stream, fault.mttfUs);
      this.scheduleCrash(index, atUs);
    });
    this.faultProcesses.forEach((episode, index) => {
      const atUs = firstOnsetUs(episode.onset!, episode.stream);
      if (atUs !== null && atUs <= config.durationUs) this.at(atUs, EV_FAULT_START, index, 0, 0);
    });
  }

  /** Schedules an event: in its side queue when it fits there, else in the engine's queue (same order either way). */
  protected at(timeUs: number, kind: number, target: number, arg: number, arg2: number): void {
    if (this.sides === null) {
      this.q.schedule(timeUs, kind, target, arg, arg2);
      return;
    }
    if (!(timeUs >= this.nowUs)) throw new RangeError(`cannot schedule at ${timeUs} µs (now ${this.nowUs} µs)`);
    this.sides.schedule(timeUs, kind, target, arg, arg2);
  }

  /**
   * The true instant at which a timer of member m armed at `fromUs` for `durationUs`
   * fires: memberlist's timers (Go's time.Timer, Ticker, time.Since) run on the local
   * monotonic clock, so a member whose clock runs ppm fast waits L/(1 + ppm·10⁻⁶).
   * Without drift: exactly `fromUs + durationUs`.
   */
  protected afterLocal(m: number, fromUs: number, durationUs: number): number {
    const clocks = this.clocks;
    if (clocks === null) return fromUs + durationUs;
    return clocks.trueInstantOf(m, clocks.monotonicUs(m, fromUs) + durationUs, false, fromUs);
  }

  /** Member m's monotonic clock reading at true instant `trueUs` (the true time without drift). */
  protected localUs(m: number, trueUs: number): number {
    return this.clocks === null ? trueUs : this.clocks.monotonicUs(m, trueUs);
  }

  /** The first true instant ≥ `notBeforeUs` at which member m's clock reads `localUs`. */
  protected trueUs(m: number, localUs: number, notBeforeUs: number): number {
    return this.clocks === null ? localUs : this.clocks.trueInstantOf(m, localUs, false, notBeforeUs);
  }

  protected allocPacket(): number {
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

  protected freePacket(pk: number): void {
    this.pkFree.push(pk);
  }

  protected allocRelay(): number {
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

  /** When a message from `from` sent at `nowUs` leaves: later under slow I/O (a draw from its stream). */
  protected departureUs(from: number, nowUs: number): number {
    const slow = this.slowIoRule[from]!;
    return slow >= 0 ? nowUs + this.extraSamplers[slow]!.sampleUs(this.extraStream[from * (this.config.faults ?? []).length + slow]!) : nowUs;
  }

  protected linkOf(from: number, to: number): number {
    if (this.classCount === 1) return from; // one class: every member's one link
    const cf = this.nodeClass[from]!;
    return from * this.classCount + (cf !== 0 && cf === this.nodeClass[to] ? cf : 0);
  }

  protected blocked(from: number, to: number): boolean {
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
  protected sendPacket(from: number, to: number, type: number, seq: number, subject: number, kind: number, size: number, attach: number, nowUs: number): number {
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
  protected transmit(pk: number, from: number, to: number, kind: number, bytes: number, nowUs: number, known = false): number {
    const departUs = this.anySlowIo ? this.departureUs(from, nowUs) : nowUs;
    if (nowUs >= this.warmupUs) {
      this.metrics.t.messages[kind]!++;
      this.metrics.t.bytes[kind]! += bytes;
    }
    if (this.blocked(from, to)) {
      this.freePacket(pk);
      return DROPPED;
    }
    const arrival = this.links.transmit(this.linkOf(from, to), departUs);
    if (arrival === DROPPED || (known && (arrival < this.earliestCrashUs || arrival < this.nextCrashUs(to)))) {
      this.freePacket(pk);
      return DROPPED;
    }
    this.at(arrival, EV_PACKET, pk, 0, 0);
    return arrival;
  }

  /** Whether receiving facts pk[0..count) would leave member r's state as it is (see receiveFact). */
  protected knowsAll(r: number, pk: number, count: number): boolean {
    if (!this.eventlessGossip || !this.eventlessAcks || this.up[r] === 0) return false;
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
      const known = views.rec[rec * VR + V_INC]!;
      if (kind === F_ALIVE) {
        if (inc > known) return false;
      } else if (inc >= known) {
        const timing = !Number.isNaN(views.rec[rec * VR + V_DEADLINE]!);
        if (kind === F_DEAD) {
          if (timing || views.rec[rec * VR + V_STATE] !== View.dead) return false;
        } else if (timing) {
          // A running suspicion takes a confirmation from a new accuser.
          if (views.rec[rec * VR + V_TIMER_N]! < views.rec[rec * VR + V_TIMER_K]! && !views.hasConfirmer(rec, facts.from[f]!)) return false;
        } else if (views.rec[rec * VR + V_STATE] === View.alive) return false;
      }
    }
    return true;
  }

  /** The earliest pending crash of member m (∞: none scheduled). */
  protected nextCrashUs(m: number): number {
    return this.memberCrashUs[m]!;
  }

  /** Sets (or clears, ∞) crash episode `index`'s pending instant and its members' earliest. */
  protected setCrashPending(index: number, atUs: number): void {
    const was = this.crashPendingUs[index]!;
    this.crashPendingUs[index] = atUs;
    if (atUs < this.earliestCrashUs) this.earliestCrashUs = atUs;
    else if (was === this.earliestCrashUs && atUs > was) {
      let earliest = Number.POSITIVE_INFINITY;
      for (let e = 0; e < this.crashPendingUs.length; e++) if (this.crashPendingUs[e]! < earliest) earliest = this.crashPendingUs[e]!;
      this.earliestCrashUs = earliest;
    }
    for (const node of this.crashProcesses[index]!.nodes) {
      let next = Number.POSITIVE_INFINITY;
      for (const e of this.crashEpisodesOf[node]!) next = Math.min(next, this.crashPendingUs[e]!);
      this.memberCrashUs[node] = next;
    }
  }

  protected scheduleCrash(index: number, atUs: number): void {
    this.setCrashPending(index, atUs);
    this.at(atUs, EV_CRASH, index, 0, 0);
  }

  /** Members picked by the last kRandom (a scratch array: read them before calling it again). */
  protected picked = new Int32Array(8);

  /** memberlist's kRandomNodes (returns how many, in `picked`): up to 3n random draws, skipping self, `exclude` and non-alive (or, for gossip, long-dead) members. */
  protected kRandom(m: number, k: number, exclude: number, gossip: boolean, nowUs: number): number {
    if (this.picked.length < k) this.picked = new Int32Array(k);
    const out = this.picked;
    let count = 0;
    const n = this.n;
    for (let i = 0; i < 3 * n && count < k; i++) {
      const c = Math.floor(this.bank.next(this.stream[m]!) * n);
      if (c === m || c === exclude) continue;
      let dup = false;
      for (let j = 0; j < count; j++) if (out[j] === c) dup = true;
      if (dup) continue;
      const rec = this.views.find(m, c);
      const state = rec === NO_RECORD ? View.alive : this.views.state[rec]!;
      if (gossip) {
        // GossipToTheDeadTime: time.Since(StateChange), on m's clock.
        if (state === View.dead && this.localUs(m, nowUs) - this.localUs(m, this.views.rec[rec * VR + V_CHANGE_US]!) > this.ml.gossipToTheDeadTimeUs) continue;
      } else if (state !== View.alive) continue;
      out[count++] = c;
    }
    return count;
  }

  protected adjustAwareness(m: number, delta: number, nowUs: number): void {
    this.settleAwareness(m, nowUs);
    const score = applyAwarenessDelta(this.rec[m * REC + R_AWARENESS]!, delta, this.ml.awarenessMaxMultiplier);
    this.rec[m * REC + R_AWARENESS] = score;
    if (nowUs >= this.warmupUs && score > this.metrics.t.maxAwareness) this.metrics.t.maxAwareness = score;
  }

  /** Applies a success whose ack has arrived by `nowUs` (see directPingArrived). */
  protected settleAwareness(m: number, nowUs: number): void {
    if (this.rec[m * REC + R_SUCCESS_AT_US]! > nowUs) return;
    this.rec[m * REC + R_SUCCESS_AT_US] = Number.POSITIVE_INFINITY;
    this.rec[m * REC + R_AWARENESS] = applyAwarenessDelta(this.rec[m * REC + R_AWARENESS]!, -1, this.ml.awarenessMaxMultiplier);
  }
}
