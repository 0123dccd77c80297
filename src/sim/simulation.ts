/**
 * One run of the centralized heartbeat protocol (the seed's architecture): every
 * monitored node pushes a heartbeat every interval over its own link to an observer
 * (the monitor), whose detector turns arrivals into ALIVE / SUSPECTED / DEAD. Faults
 * act on nodes (crashes, pauses, CPU starvation, slow I/O, clocks), on links
 * (partitions) and on the observer (pauses, clocks).
 *
 * The observer is an entity like any node (entity index = node count), and
 * heartbeats travel along (observer, target) pairs over directed links, so ring,
 * all-to-all and gossip topologies are more pairs, not a different engine.
 *
 * The dispatch in `stepUntil()` is hot: handlers touch typed arrays and preallocated
 * objects only. Timers are never cancelled; a scheduled wake-up carries its deadline
 * and is ignored if the pair's deadline has moved; fault episodes carry their end.
 */
import { Clocks } from './clock.js';
import type { CrashFault, Fault, LinkConfig, SimConfig } from './config.js';
import { createDetector, detectorHorizonUs, detectorUsesWallClock } from './detectors/create.js';
import { isPullDetector, isReadinessDetector, type Detector, type PullDetector, type ReadinessDetector } from './detectors/detector.js';
import { DurationSampler, exponentialUs, validateDistribution } from './distributions.js';
import { compileCrashes, compileFaults, firstOnsetUs, nextOnsetUs, ProcessKind, selectNodes, type FaultProcess } from './faults.js';
import { DROPPED, DropReason, LinkTable, lossModelOf } from './links.js';
import { fastPathApplies, runTimeoutKernel } from './fast/index.js';
import { validateLossModel } from './loss.js';
import { Cause, MetricsRecorder, type CauseCode, type RunTallies, type TransitionLog } from './metrics.js';
import { StreamBank, streamFor, type SeedRoot } from './random.js';
import { Scheduler, type SchedulerOptions } from './scheduler.js';
import { Status, type StatusCode } from './status.js';
import { NEVER } from './time.js';

/**
 * What a caller may ask of a run besides its result: to be told, now and then, the
 * fraction of simulated time done (every PROGRESS_EVERY_EVENTS events or so). The
 * engine knows nothing of wall clocks or signals; the caller decides what to do.
 */
export interface RunHooks {
  readonly onProgress?: (fraction: number) => void;
}

const PROGRESS_EVERY_EVENTS = 1 << 20;

/** Event kinds. At equal instants, events fire in scheduling order. */
const EV_SEND = 1; // target = node, arg = node epoch
const EV_DELIVER = 2; // target = pair, arg = heartbeat seq, arg2 = sender's wall-clock send time
const EV_CHECK = 3; // target = observer
const EV_WAKE = 4; // target = pair, arg = the deadline (true µs) this wake-up was set for
const EV_CRASH = 5; // target = crash episode
const EV_RECOVER = 6; // target = crash episode
const EV_FAULT_START = 7; // target = fault episode
const EV_FAULT_END = 8; // target = fault episode, arg = the episode end this event was set for
const EV_DELIVER_UNHEALTHY = 9; // as EV_DELIVER, from a node that reports itself unhealthy
const EV_PROBE = 10; // target = pair, arg = the instant (true µs) this probe was set for
const EV_PROBE_ARRIVE = 11; // target = pair, arg = probe seq, arg2 = observer's send time
const EV_GRANT = 12; // target = pair, arg = renewal seq, arg2 = the node's monotonic send time of the renewal
const EV_LEASE_CHECK = 13; // target = node, arg = the lease expiry (node monotonic µs) this check was set for
const EV_TRACE = 14; // target = node, arg = index of the recorded arrival
const EV_REPLY = 15; // a probe reply, when the nodes also push heartbeats: target = pair, arg = probe seq, arg2 = observer's send time
const EV_REPLY_UNHEALTHY = 16; // as EV_REPLY, from a node that reports itself unhealthy

/** How many messages an observer pause may queue before the backlog grows (it grows as needed). */
const INITIAL_BACKLOG = 256;

export interface RunResult {
  readonly tallies: RunTallies;
  readonly log: TransitionLog;
  readonly events: number;
  readonly endUs: number;
}

export class Simulation {
  readonly config: SimConfig;
  private readonly scheduler: Scheduler;
  private readonly detector: Detector;
  private readonly metrics: MetricsRecorder;
  private readonly nodeCount: number;
  private readonly observerEntity: number;

  // Nodes (monitored senders), by dense index.
  private readonly nodeUp: Uint8Array;
  private readonly nodeEpoch: Float64Array;
  private readonly nodeSeq: Float64Array;
  /** First heartbeat number of each node's current process, and of the process each pair's detector knows. */
  private readonly nodeIncarnationFirstSeq: Float64Array;
  private readonly pairIncarnationFirstSeq: Float64Array;
  private readonly nodeNextNominalUs: Float64Array;
  private readonly nodeJitterStream: Int32Array;
  private readonly nodePausedDepth: Int32Array;
  private readonly nodeMissedWhilePaused: Float64Array;
  private readonly nodeStarvingDepth: Int32Array;
  private readonly nodeStarvingRule: Int32Array;
  private readonly nodeSlowIoRule: Int32Array;
  /** Stream of node i for the extra send delays of rule r: `extraDelayStream[i * faultCount + r]`. */
  private readonly extraDelayStream: Int32Array;
  private readonly extraDelaySamplers: (DurationSampler | null)[];
  private readonly hasExtraSendDelays: boolean;
  private readonly nodeFirstPair: Int32Array;
  private readonly nodePairCount: Int32Array;
  private readonly nodeUnhealthyDepth: Int32Array;
  // Leases, on the node's side: expiry on its monotonic clock, and a fence owed after a pause.
  private readonly nodeLeaseExpiryUs: Float64Array;
  private readonly nodeFencePending: Uint8Array;

  // (observer, target) pairs; link p carries target → observer, link P + p the reverse.
  private readonly pairCount: number;
  private readonly pairStatus: Uint8Array;
  private readonly pairWakeUs: Float64Array;
  private readonly pairTarget: Int32Array;
  private readonly links: LinkTable;
  // Pull detectors: the pending probe of each pair and the next probe number.
  private readonly pull: PullDetector | null;
  private readonly pairProbeUs: Float64Array;
  private readonly pairProbeSeq: Float64Array;
  /** Nodes push heartbeats: every non-pull detector, and pull detectors that say `push`. */
  private readonly push: boolean;
  /** Detectors with a second, readiness verdict; and that verdict per pair (1 = READY). */
  private readonly readiness: ReadinessDetector | null;
  private readonly pairReady: Uint8Array;
  private readonly leases: boolean;
  private readonly leaseUs: number;

  // The observer.
  private observerPausedDepth: number;
  private backlogPair: Int32Array;
  private backlogSeq: Float64Array;
  private backlogSentUs: Float64Array;
  /** 1 where the queued message is a probe reply that travels apart from heartbeats (EV_REPLY). */
  private backlogReply: Uint8Array;
  private backlogLength: number;

  // Faults and clocks.
  private readonly faults: readonly Fault[];
  private readonly faultProcesses: FaultProcess[];
  private readonly crashProcesses: FaultProcess[];
  private readonly clocks: Clocks;
  private readonly clocksAreIdentity: boolean;
  private readonly detectorUsesWall: boolean;

  // Randomness: every stream's state lives in one bank; laws are shared samplers.
  private readonly bank: StreamBank;
  private readonly jitter: DurationSampler;
  private readonly jitterIsConstant: boolean;

  private readonly intervalUs: number;
  private readonly pauseGraceUs: number;
  private readonly checkIntervalUs: number;
  private readonly exactTimers: boolean;
  private readonly warmupUs: number;
  private eventCount: number;

  constructor(config: SimConfig) {
    validateConfig(config);
    this.config = config;
    const root: SeedRoot = { seed: config.seed, replication: config.replication };
    const names = config.nodeNames;
    const n = names.length;
    this.nodeCount = n;
    this.observerEntity = n;
    this.intervalUs = config.heartbeat.intervalUs;
    this.checkIntervalUs = config.detector.checkIntervalUs;
    this.exactTimers = this.checkIntervalUs === 0;
    this.warmupUs = config.warmupUs;
    this.eventCount = 0;
    this.faults = config.faults ?? [];
    // Centralized topology: one pair per node, observed by the monitor.
    const pairCount = n;
    this.pairCount = pairCount;
    this.scheduler = new Scheduler(schedulerSizing(config, pairCount));
    this.detector = createDetector(config.detector, {
      pairCount,
      startLocalUs: 0,
      intervalUs: this.intervalUs,
      // Probes start at a uniformly random phase per pair, like heartbeats.
      firstProbeUs: (pair, periodUs = this.intervalUs) => Math.floor(streamFor(root, `pair/${names[pair]!}/probe-phase`).next() * periodUs),
    });
    this.detectorUsesWall = detectorUsesWallClock(config.detector);
    this.pull = isPullDetector(this.detector) ? this.detector : null;
    this.push = this.pull === null || this.pull.push === true;
    this.readiness = isReadinessDetector(this.detector) ? this.detector : null;
    this.leases = config.detector.kind === 'lease';
    this.leaseUs = config.detector.kind === 'lease' ? config.detector.leaseUs : 0;
    this.metrics = new MetricsRecorder(pairCount, config.warmupUs, config.transitionLogLimit, config.flapWindowUs ?? 60_000_000);
    if (this.readiness) this.metrics.trackReadiness();
    this.pauseGraceUs = this.intervalUs + config.link.delay.baseUs;

    this.nodeUp = new Uint8Array(n).fill(1);
    this.nodeEpoch = new Float64Array(n);
    this.nodeSeq = new Float64Array(n);
    this.nodeIncarnationFirstSeq = new Float64Array(n);
    this.pairIncarnationFirstSeq = new Float64Array(n);
    this.nodeNextNominalUs = new Float64Array(n);
    this.nodeJitterStream = new Int32Array(n);
    this.nodePausedDepth = new Int32Array(n);
    this.nodeMissedWhilePaused = new Float64Array(n);
    this.nodeStarvingDepth = new Int32Array(n);
    this.nodeStarvingRule = new Int32Array(n).fill(-1);
    this.nodeSlowIoRule = new Int32Array(n).fill(-1);
    this.nodeFirstPair = new Int32Array(n);
    this.nodePairCount = new Int32Array(n);
    this.nodeUnhealthyDepth = new Int32Array(n);
    this.nodeLeaseExpiryUs = new Float64Array(n);
    this.nodeFencePending = new Uint8Array(n);
    this.pairStatus = new Uint8Array(pairCount);
    this.pairWakeUs = new Float64Array(pairCount).fill(NEVER);
    this.pairTarget = new Int32Array(pairCount);
    this.pairProbeUs = new Float64Array(pairCount).fill(NEVER);
    this.pairProbeSeq = new Float64Array(pairCount);
    this.pairReady = new Uint8Array(pairCount).fill(1);
    for (let i = 0; i < n; i++) {
      this.nodeFirstPair[i] = i;
      this.nodePairCount[i] = 1;
      this.pairTarget[i] = i;
    }
    this.observerPausedDepth = 0;
    this.backlogPair = new Int32Array(INITIAL_BACKLOG);
    this.backlogSeq = new Float64Array(INITIAL_BACKLOG);
    this.backlogSentUs = new Float64Array(INITIAL_BACKLOG);
    this.backlogReply = new Uint8Array(INITIAL_BACKLOG);
    this.backlogLength = 0;

    const bank = new StreamBank(4 * n + 16);
    this.bank = bank;
    this.jitter = new DurationSampler(config.heartbeat.jitter, bank, 'heartbeat jitter');
    this.jitterIsConstant = this.jitter.isConstant;

    // Links: profile 0 is the default node → observer link, 1 the default reverse; overrides add classes.
    this.links = buildLinks(config, bank, root);
    if (!this.jitterIsConstant) for (let i = 0; i < n; i++) this.nodeJitterStream[i] = bank.add(root, `node/${names[i]!}/jitter`);

    // Faults: static per-node send delays, clocks, and episodic processes.
    const faultCount = this.faults.length;
    this.extraDelaySamplers = this.faults.map((f, rule) =>
      f.kind === 'slowIo' || f.kind === 'cpuStarvation' ? new DurationSampler(f.extraDelay, bank, `fault ${rule} extra delay`) : null,
    );
    this.hasExtraSendDelays = this.extraDelaySamplers.some((s) => s !== null);
    this.extraDelayStream = new Int32Array(this.hasExtraSendDelays ? n * faultCount : 0);
    this.clocks = new Clocks(n + 1);
    this.faults.forEach((fault, rule) => {
      if (fault.kind === 'slowIo' || fault.kind === 'cpuStarvation') {
        for (const node of selectNodes(fault.nodes, names)) {
          if (fault.kind === 'slowIo') this.nodeSlowIoRule[node] = rule;
          this.extraDelayStream[node * faultCount + rule] = bank.add(root, `fault/${rule}-${fault.kind}/node/${names[node]!}/delay`);
        }
      } else if (fault.kind === 'clockDrift') {
        for (const node of selectNodes(fault.nodes, names)) this.clocks.setDrift(node, fault.ppm);
        if (fault.observer) this.clocks.setDrift(this.observerEntity, fault.ppm);
      } else if (fault.kind === 'clockStep') {
        this.clocks.expectSteps();
      }
    });
    this.clocksAreIdentity = this.clocks.isIdentity;
    this.faultProcesses = compileFaults(this.faults, names, root, bank);
    this.crashProcesses = compileCrashes(config.crashes, names, root, bank);

    // Each node starts its schedule at a uniformly random phase, so a crash at a
    // fixed instant falls at a uniformly random point of each node's cycle.
    // Pull detectors probe instead (nodes only answer), unless they say they use pushes too.
    // A trace replaces senders altogether.
    const trace = config.trace;
    if (trace) {
      for (let i = 0; i < n; i++) if (trace.arrivalsUs[i]!.length > 0) this.scheduler.schedule(trace.arrivalsUs[i]![0]!, EV_TRACE, i, 0, 0);
    }
    for (let i = 0; i < n && this.push && !trace; i++) {
      const phaseUs = Math.floor(streamFor(root, `node/${names[i]!}/phase`).next() * this.intervalUs);
      this.nodeNextNominalUs[i] = phaseUs;
      this.scheduler.schedule(phaseUs + this.jitter.sampleUs(this.nodeJitterStream[i]!), EV_SEND, i, 0, 0);
    }
    if (this.pull) for (let pair = 0; pair < pairCount; pair++) this.armProbe(pair, 0);
    this.scheduleFirstCrashes();
    this.faultProcesses.forEach((episode, index) => {
      const atUs = firstOnsetUs(episode.onset!, episode.stream);
      if (atUs !== null && atUs <= config.durationUs) this.scheduler.schedule(atUs, EV_FAULT_START, index, 0, 0);
    });
    if (this.exactTimers) {
      for (let pair = 0; pair < pairCount; pair++) this.armWake(pair, 0);
    } else {
      this.scheduler.schedule(this.checkIntervalUs, EV_CHECK, 0, 0, 0);
    }
  }

  get nowUs(): number {
    return this.scheduler.currentTimeUs;
  }

  /** Instant of the next event (+Infinity when nothing is left). */
  peekUs(): number {
    return this.scheduler.peekTimeUs();
  }

  /** Processes one event. Returns false when the queue is empty. */
  step(): boolean {
    return this.stepUntil(Number.POSITIVE_INFINITY);
  }

  /** Processes every event at or before `endUs`. */
  runUntil(endUs: number): void {
    while (this.stepUntil(endUs));
  }

  /** Runs to the configured duration and closes the books. */
  run(hooks?: RunHooks): RunResult {
    const endUs = this.config.durationUs;
    const onProgress = hooks?.onProgress;
    if (onProgress === undefined) this.runUntil(endUs);
    else {
      // In slices of events, so a caller (a worker thread) can report progress from
      // within a long run; the hot loop itself is untouched.
      let more = true;
      while (more) {
        for (let k = 0; k < PROGRESS_EVERY_EVENTS && (more = this.stepUntil(endUs)); k++);
        onProgress(Math.min(1, this.scheduler.currentTimeUs / endUs));
      }
    }
    const { tallies, log } = this.metrics.finish(endUs);
    return { tallies, log, events: this.eventCount, endUs };
  }

  /** Processes the next event if it is at or before `endUs`. The hot dispatch. */
  private stepUntil(endUs: number): boolean {
    const q = this.scheduler;
    if (!q.popUntil(endUs)) return false;
    this.eventCount++;
    const nowUs = q.currentTimeUs;
    const target = q.currentTarget;
    switch (q.currentKind) {
      case EV_SEND:
        this.onSend(target, q.currentArg, nowUs);
        break;
      case EV_DELIVER:
        this.onDeliver(target, q.currentArg, q.currentArg2, nowUs, true);
        break;
      case EV_DELIVER_UNHEALTHY:
        this.onDeliver(target, q.currentArg, q.currentArg2, nowUs, false);
        break;
      case EV_REPLY:
        this.onReply(target, q.currentArg, q.currentArg2, nowUs, true);
        break;
      case EV_REPLY_UNHEALTHY:
        this.onReply(target, q.currentArg, q.currentArg2, nowUs, false);
        break;
      case EV_CHECK:
        this.onCheck(nowUs);
        break;
      case EV_WAKE:
        this.onWake(target, q.currentArg, nowUs);
        break;
      case EV_CRASH:
        this.onCrash(target, nowUs);
        break;
      case EV_RECOVER:
        this.onRecover(target, nowUs);
        break;
      case EV_FAULT_START:
        this.onFaultStart(target, nowUs);
        break;
      case EV_FAULT_END:
        this.onFaultEnd(target, q.currentArg, nowUs);
        break;
      case EV_PROBE:
        this.onProbe(target, q.currentArg, nowUs);
        break;
      case EV_PROBE_ARRIVE:
        this.onProbeArrive(target, q.currentArg, q.currentArg2, nowUs);
        break;
      case EV_GRANT:
        this.onGrant(target, q.currentArg2, nowUs);
        break;
      case EV_LEASE_CHECK:
        this.onLeaseCheck(target, q.currentArg, nowUs);
        break;
      case EV_TRACE:
        this.onTrace(target, q.currentArg, nowUs);
        break;
    }
    return true;
  }

  // ---- heartbeats ---------------------------------------------------------------

  private onSend(node: number, epoch: number, nowUs: number): void {
    if (epoch !== this.nodeEpoch[node] || this.nodeUp[node] === 0) return;
    if (this.nodePausedDepth[node]! > 0) {
      this.nodeMissedWhilePaused[node]!++;
      if (nowUs >= this.warmupUs) this.metrics.heartbeatsMissedWhilePaused++;
    } else {
      this.transmitHeartbeat(node, nowUs);
    }
    const nextNominalUs = this.nodeNextNominalUs[node]! + this.intervalUs;
    this.nodeNextNominalUs[node] = nextNominalUs;
    // A constant jitter draws nothing: skip the sampler's stream entirely.
    const sendUs = this.jitterIsConstant ? nextNominalUs + this.jitter.sampleUs(0) : nextNominalUs + this.jitter.sampleUs(this.nodeJitterStream[node]!);
    this.scheduler.schedule(sendUs < nowUs ? nowUs : sendUs, EV_SEND, node, epoch, 0);
  }

  private transmitHeartbeat(node: number, nowUs: number): void {
    const seq = this.nodeSeq[node]!;
    this.nodeSeq[node] = seq + 1;
    const departUs = this.hasExtraSendDelays ? nowUs + this.extraSendDelayUs(node) : nowUs;
    // A heartbeat carries its wall-clock send time; a lease renewal, the node's monotonic one.
    const sentLocalUs = this.clocksAreIdentity ? departUs : this.leases ? this.clocks.monotonicUs(node, departUs) : this.clocks.wallUs(node, departUs);
    const kind = this.nodeUnhealthyDepth[node]! > 0 ? EV_DELIVER_UNHEALTHY : EV_DELIVER;
    const metrics = this.metrics;
    const counted = nowUs >= this.warmupUs;
    const links = this.links;
    const first = this.nodeFirstPair[node]!;
    const last = first + this.nodePairCount[node]!;
    for (let pair = first; pair < last; pair++) {
      if (counted) metrics.heartbeatsSent++;
      const arrivalUs = links.transmit(pair, departUs);
      if (arrivalUs === DROPPED) {
        if (counted) {
          if (links.lastDropReason === DropReason.partition) metrics.heartbeatsPartitioned++;
          else metrics.heartbeatsLost++;
        }
        continue;
      }
      this.scheduler.schedule(arrivalUs, kind, pair, seq, sentLocalUs);
      if (links.duplicateArrivalUs !== DROPPED) this.scheduler.schedule(links.duplicateArrivalUs, kind, pair, seq, sentLocalUs);
    }
  }

  /** Slow I/O always, CPU starvation while a window lasts: how long this send waits. */
  private extraSendDelayUs(node: number): number {
    const faultCount = this.faults.length;
    let delayUs = 0;
    const slowIo = this.nodeSlowIoRule[node]!;
    if (slowIo >= 0) delayUs += this.extraDelaySamplers[slowIo]!.sampleUs(this.extraDelayStream[node * faultCount + slowIo]!);
    if (this.nodeStarvingDepth[node]! > 0) {
      const rule = this.nodeStarvingRule[node]!;
      delayUs += this.extraDelaySamplers[rule]!.sampleUs(this.extraDelayStream[node * faultCount + rule]!);
    }
    return delayUs;
  }

  private onDeliver(pair: number, seq: number, sentLocalUs: number, nowUs: number, healthy: boolean): void {
    if (nowUs >= this.warmupUs) this.metrics.heartbeatsDelivered++;
    if (this.observerPausedDepth > 0) {
      this.queueBacklog(pair, healthy ? seq : -1 - seq, sentLocalUs, 0);
      return;
    }
    this.receive(pair, seq, sentLocalUs, nowUs, healthy);
  }

  /** A probe reply of a detector that also takes pushed heartbeats. */
  private onReply(pair: number, seq: number, sentLocalUs: number, nowUs: number, healthy: boolean): void {
    if (nowUs >= this.warmupUs) this.metrics.heartbeatsDelivered++;
    if (this.observerPausedDepth > 0) {
      this.queueBacklog(pair, healthy ? seq : -1 - seq, sentLocalUs, 1);
      return;
    }
    this.receiveReply(pair, seq, sentLocalUs, nowUs, healthy);
  }

  private receiveReply(pair: number, seq: number, sentLocalUs: number, nowUs: number, healthy: boolean): void {
    this.pull!.onProbeReply!(pair, this.observerLocalUs(nowUs), sentLocalUs, seq, healthy);
    this.evaluateReadiness(pair, nowUs);
    if (this.exactTimers) this.armWake(pair, nowUs);
    this.armProbe(pair, nowUs);
  }

  private evaluateReadiness(pair: number, nowUs: number): void {
    const ready = this.readiness!.readyAt(pair, this.observerLocalUs(nowUs)) ? 1 : 0;
    if (ready === this.pairReady[pair]) return;
    this.pairReady[pair] = ready;
    this.metrics.onReadiness(pair, nowUs, ready === 1);
  }

  /** The observer reads a heartbeat (or a probe reply) at `nowUs` (true time). */
  private receive(pair: number, seq: number, sentLocalUs: number, nowUs: number, healthy: boolean): void {
    const detector = this.detector;
    const localUs = this.observerLocalUs(nowUs);
    if (this.push) {
      // The first heartbeat of a restarted process (sequence numbers run on across restarts).
      const first = this.nodeIncarnationFirstSeq[this.pairTarget[pair]!]!;
      if (seq >= first && first > this.pairIncarnationFirstSeq[pair]!) {
        this.pairIncarnationFirstSeq[pair] = first;
        detector.onNewIncarnation?.(pair, localUs);
      }
    }
    detector.onHeartbeat(pair, localUs, sentLocalUs, seq, healthy);
    const verdict = detector.statusAt(pair, localUs);
    // News can only restore trust at once; new suspicions wait for a timer or check.
    // (A pull check's failures come with timeouts, i.e. timers, too.)
    if (verdict < this.pairStatus[pair]!) this.setStatus(pair, verdict, nowUs, Cause.heartbeat);
    if (this.readiness) this.evaluateReadiness(pair, nowUs);
    if (this.exactTimers) this.armWake(pair, nowUs);
    if (this.pull) this.armProbe(pair, nowUs);
    if (this.leases) this.sendGrant(pair, seq, sentLocalUs, nowUs);
  }

  private observerLocalUs(trueUs: number): number {
    return this.clocksAreIdentity ? trueUs : this.clocks.reading(this.observerEntity, trueUs, this.detectorUsesWall);
  }

  /** A recorded arrival: delivered as is, then the node's next one is scheduled. */
  private onTrace(node: number, index: number, nowUs: number): void {
    const trace = this.config.trace!;
    const seqs = trace.seqs[node];
    const sent = trace.sentUs[node];
    const arrivals = trace.arrivalsUs[node]!;
    if (index + 1 < arrivals.length) this.scheduler.schedule(arrivals[index + 1]!, EV_TRACE, node, index + 1, 0);
    if (nowUs >= this.warmupUs) this.metrics.heartbeatsSent++;
    this.onDeliver(node, seqs ? seqs[index]! : index, sent ? sent[index]! : nowUs, nowUs, true);
  }

  // ---- detector timers and checks -------------------------------------------------

  private onWake(pair: number, deadlineUs: number, nowUs: number): void {
    if (deadlineUs !== this.pairWakeUs[pair]) return; // superseded
    this.pairWakeUs[pair] = NEVER;
    if (this.observerPausedDepth > 0) return; // the resume re-checks every pair
    this.evaluate(pair, nowUs, Cause.timer);
    this.armWake(pair, nowUs);
    if (this.pull) this.armProbe(pair, nowUs);
  }

  /** Keeps one wake-up per pair, at the earliest instant its verdict may change. */
  private armWake(pair: number, nowUs: number): void {
    const localUs = this.observerLocalUs(nowUs);
    const nextLocalUs = this.detector.nextChangeUs(pair, localUs);
    if (nextLocalUs === NEVER) return;
    const nextUs = this.clocksAreIdentity ? nextLocalUs : this.clocks.trueInstantOf(this.observerEntity, nextLocalUs, this.detectorUsesWall, nowUs);
    if (nextUs >= this.pairWakeUs[pair]!) return;
    this.pairWakeUs[pair] = nextUs;
    this.scheduler.schedule(nextUs, EV_WAKE, pair, nextUs, 0);
  }

  private onCheck(nowUs: number): void {
    // A paused observer misses its check; the overdue one runs when it resumes.
    if (this.observerPausedDepth === 0) {
      this.detector.beginRound?.(this.observerLocalUs(nowUs));
      this.evaluateAll(nowUs, Cause.check);
    }
    this.scheduler.schedule(nowUs + this.checkIntervalUs, EV_CHECK, 0, 0, 0);
  }

  private evaluate(pair: number, nowUs: number, cause: CauseCode): void {
    const verdict = this.detector.statusAt(pair, this.observerLocalUs(nowUs));
    if (verdict !== this.pairStatus[pair]) this.setStatus(pair, verdict, nowUs, cause);
    if (this.readiness) this.evaluateReadiness(pair, nowUs);
  }

  private evaluateAll(nowUs: number, cause: CauseCode): void {
    for (let pair = 0; pair < this.pairCount; pair++) {
      this.evaluate(pair, nowUs, cause);
      if (this.exactTimers) this.armWake(pair, nowUs);
      if (this.pull) this.armProbe(pair, nowUs);
    }
  }

  // ---- pull checks ------------------------------------------------------------------

  /** Keeps one pending probe per pair, at the instant the detector wants it. */
  private armProbe(pair: number, nowUs: number): void {
    const localUs = this.pull!.nextProbeUs(pair, this.observerLocalUs(nowUs));
    if (localUs === NEVER) return;
    let atUs = this.clocksAreIdentity ? localUs : this.clocks.trueInstantOf(this.observerEntity, localUs, false, nowUs);
    if (atUs < nowUs) atUs = nowUs; // overdue (after an observer pause): send now
    if (atUs >= this.pairProbeUs[pair]!) return;
    this.pairProbeUs[pair] = atUs;
    this.scheduler.schedule(atUs, EV_PROBE, pair, atUs, 0);
  }

  private onProbe(pair: number, forUs: number, nowUs: number): void {
    if (forUs !== this.pairProbeUs[pair]) return; // superseded
    this.pairProbeUs[pair] = NEVER;
    if (this.observerPausedDepth > 0) return; // sent when the observer resumes
    const seq = this.pairProbeSeq[pair]!;
    this.pairProbeSeq[pair] = seq + 1;
    const localUs = this.observerLocalUs(nowUs);
    this.pull!.onProbeSent(pair, seq, localUs);
    if (nowUs >= this.warmupUs) this.metrics.probesSent++;
    const link = this.pairCount + pair;
    const arrivalUs = this.links.transmit(link, nowUs);
    if (arrivalUs !== DROPPED) {
      this.scheduler.schedule(arrivalUs, EV_PROBE_ARRIVE, pair, seq, localUs);
      if (this.links.duplicateArrivalUs !== DROPPED) this.scheduler.schedule(this.links.duplicateArrivalUs, EV_PROBE_ARRIVE, pair, seq, localUs);
    }
    this.armProbe(pair, nowUs);
    if (this.exactTimers) this.armWake(pair, nowUs);
  }

  /**
   * A probe reaches its target, which answers with its health. A crashed node cannot;
   * a paused one answers nothing either (its late answer would come after the probe
   * timed out, which counts as a failure all the same).
   */
  private onProbeArrive(pair: number, seq: number, observerSentUs: number, nowUs: number): void {
    const node = this.pairTarget[pair]!;
    if (this.nodeUp[node] === 0 || this.nodePausedDepth[node]! > 0) return;
    const departUs = this.hasExtraSendDelays ? nowUs + this.extraSendDelayUs(node) : nowUs;
    const counted = nowUs >= this.warmupUs;
    if (counted) this.metrics.heartbeatsSent++;
    const arrivalUs = this.links.transmit(pair, departUs);
    if (arrivalUs === DROPPED) {
      if (counted) {
        if (this.links.lastDropReason === DropReason.partition) this.metrics.heartbeatsPartitioned++;
        else this.metrics.heartbeatsLost++;
      }
      return;
    }
    const unhealthy = this.nodeUnhealthyDepth[node]! > 0;
    const kind = this.push ? (unhealthy ? EV_REPLY_UNHEALTHY : EV_REPLY) : unhealthy ? EV_DELIVER_UNHEALTHY : EV_DELIVER;
    this.scheduler.schedule(arrivalUs, kind, pair, seq, observerSentUs);
    if (this.links.duplicateArrivalUs !== DROPPED) this.scheduler.schedule(this.links.duplicateArrivalUs, kind, pair, seq, observerSentUs);
  }

  // ---- leases -------------------------------------------------------------------------

  /** The observer renews the lease: the grant travels back to the node. */
  private sendGrant(pair: number, seq: number, nodeSentUs: number, nowUs: number): void {
    if (nowUs >= this.warmupUs) this.metrics.probesSent++;
    const arrivalUs = this.links.transmit(this.pairCount + pair, nowUs);
    if (arrivalUs !== DROPPED) this.scheduler.schedule(arrivalUs, EV_GRANT, pair, seq, nodeSentUs);
  }

  /** The node learns its lease runs until (its send time of the renewal) + lease, on its monotonic clock. */
  private onGrant(pair: number, nodeSentUs: number, nowUs: number): void {
    const node = this.pairTarget[pair]!;
    if (this.nodeUp[node] === 0) return;
    const expiryUs = nodeSentUs + this.leaseUs;
    if (expiryUs <= this.nodeLeaseExpiryUs[node]!) return;
    const nodeNowUs = this.clocksAreIdentity ? nowUs : this.clocks.monotonicUs(node, nowUs);
    if (expiryUs <= nodeNowUs) return; // granted too late to matter
    this.nodeLeaseExpiryUs[node] = expiryUs;
    this.nodeFencePending[node] = 0;
    this.metrics.onLeaseHeld(pair, true, nowUs);
    const checkUs = this.clocksAreIdentity ? expiryUs : this.clocks.trueInstantOf(node, expiryUs, false, nowUs);
    this.scheduler.schedule(checkUs, EV_LEASE_CHECK, node, expiryUs, 0);
  }

  /** The node's own timer: its lease has run out, so it stops acting (fences itself). */
  private onLeaseCheck(node: number, expiryUs: number, nowUs: number): void {
    if (expiryUs !== this.nodeLeaseExpiryUs[node] || this.nodeUp[node] === 0) return;
    // A paused episode cannot look at its timer: it fences only when it resumes.
    if (this.nodePausedDepth[node]! > 0) {
      this.nodeFencePending[node] = 1;
      return;
    }
    this.fence(node, nowUs);
  }

  private fence(node: number, nowUs: number): void {
    this.nodeFencePending[node] = 0;
    this.forEachPair(node, (pair) => this.metrics.onLeaseHeld(pair, false, nowUs));
  }

  private setStatus(pair: number, verdict: StatusCode, nowUs: number, cause: CauseCode): void {
    this.pairStatus[pair] = verdict;
    this.metrics.onVerdict(pair, nowUs, verdict, cause);
  }

  private queueBacklog(pair: number, seq: number, sentLocalUs: number, reply: number): void {
    if (this.backlogLength === this.backlogPair.length) {
      const capacity = this.backlogLength * 2;
      const pairs = new Int32Array(capacity);
      pairs.set(this.backlogPair);
      this.backlogPair = pairs;
      const seqs = new Float64Array(capacity);
      seqs.set(this.backlogSeq);
      this.backlogSeq = seqs;
      const sent = new Float64Array(capacity);
      sent.set(this.backlogSentUs);
      this.backlogSentUs = sent;
      const replies = new Uint8Array(capacity);
      replies.set(this.backlogReply);
      this.backlogReply = replies;
    }
    const i = this.backlogLength++;
    this.backlogPair[i] = pair;
    this.backlogSeq[i] = seq;
    this.backlogSentUs[i] = sentLocalUs;
    this.backlogReply[i] = reply;
  }

  private drainBacklog(nowUs: number): void {
    for (let i = 0; i < this.backlogLength; i++) {
      // Unhealthy messages were queued with their sequence number encoded as −1 − seq.
      const seq = this.backlogSeq[i]!;
      if (this.backlogReply[i] === 1) this.receiveReply(this.backlogPair[i]!, seq >= 0 ? seq : -1 - seq, this.backlogSentUs[i]!, nowUs, seq >= 0);
      else this.receive(this.backlogPair[i]!, seq >= 0 ? seq : -1 - seq, this.backlogSentUs[i]!, nowUs, seq >= 0);
    }
    this.backlogLength = 0;
  }

  // ---- crashes ----------------------------------------------------------------------

  private scheduleFirstCrashes(): void {
    this.crashProcesses.forEach((episode, index) => {
      const fault = this.config.crashes[episode.rule]!;
      const atUs = fault.kind === 'crashAt' ? fault.atUs : exponentialUs(episode.stream, fault.mttfUs);
      this.scheduler.schedule(atUs, EV_CRASH, index, 0, 0);
    });
  }

  private onCrash(index: number, nowUs: number): void {
    const episode = this.crashProcesses[index]!;
    const fault: CrashFault = this.config.crashes[episode.rule]!;
    for (const node of episode.nodes) this.crashNode(node, nowUs);
    const downUs =
      fault.kind === 'crashRecover'
        ? (fault.restartDelayUs ?? 0) + exponentialUs(episode.stream, fault.mttrUs)
        : fault.downUs;
    if (downUs !== null) this.scheduler.schedule(nowUs + Math.max(1, downUs), EV_RECOVER, index, 0, 0);
  }

  private crashNode(node: number, nowUs: number): void {
    if (this.nodeUp[node] === 0) return; // already down by another rule
    this.nodeUp[node] = 0;
    this.nodeEpoch[node]!++;
    this.nodeLeaseExpiryUs[node] = 0;
    this.nodeFencePending[node] = 0;
    const first = this.nodeFirstPair[node]!;
    const last = first + this.nodePairCount[node]!;
    for (let pair = first; pair < last; pair++) this.metrics.onCrash(pair, nowUs);
  }

  private onRecover(index: number, nowUs: number): void {
    const episode = this.crashProcesses[index]!;
    for (const node of episode.nodes) this.recoverNode(node, nowUs);
    const fault = this.config.crashes[episode.rule]!;
    if (fault.kind === 'crashRecover') {
      this.scheduler.schedule(nowUs + Math.max(1, exponentialUs(episode.stream, fault.mttfUs)), EV_CRASH, index, 0, 0);
    }
  }

  private recoverNode(node: number, nowUs: number): void {
    if (this.nodeUp[node] === 1) return;
    this.nodeUp[node] = 1;
    const epoch = ++this.nodeEpoch[node]!;
    this.nodeMissedWhilePaused[node] = 0;
    this.nodeIncarnationFirstSeq[node] = this.nodeSeq[node]!;
    const first = this.nodeFirstPair[node]!;
    const last = first + this.nodePairCount[node]!;
    for (let pair = first; pair < last; pair++) this.metrics.onRecover(pair, nowUs);
    // A restarted episode sends at once and keeps its new phase (pull: it just answers).
    this.nodeNextNominalUs[node] = nowUs;
    if (this.push && !this.config.trace) this.scheduler.schedule(nowUs, EV_SEND, node, epoch, 0);
  }

  // ---- episodic faults ----------------------------------------------------------------

  private onFaultStart(index: number, nowUs: number): void {
    const episode = this.faultProcesses[index]!;
    const next = nextOnsetUs(episode.onset!, episode.stream, nowUs);
    if (next !== null && next <= this.config.durationUs) this.scheduler.schedule(next, EV_FAULT_START, index, 0, 0);
    if (episode.kind === ProcessKind.clockStep) {
      this.applyClockStep(episode, nowUs);
      return;
    }
    const endUs = nowUs + Math.max(1, episode.duration!.sampleUs(episode.stream.index));
    if (episode.active) {
      // A new episode while one lasts extends it.
      if (endUs > episode.activeUntilUs) {
        episode.activeUntilUs = endUs;
        this.scheduler.schedule(endUs, EV_FAULT_END, index, endUs, 0);
      }
      return;
    }
    episode.active = true;
    episode.activeUntilUs = endUs;
    this.scheduler.schedule(endUs, EV_FAULT_END, index, endUs, 0);
    this.applyFault(episode, true, nowUs);
  }

  private onFaultEnd(index: number, endUs: number, nowUs: number): void {
    const episode = this.faultProcesses[index]!;
    if (!episode.active || endUs !== episode.activeUntilUs) return; // superseded by an extension
    episode.active = false;
    this.applyFault(episode, false, nowUs);
  }

  private applyFault(episode: FaultProcess, starting: boolean, nowUs: number): void {
    const fault = this.faults[episode.rule]!;
    const delta = starting ? 1 : -1;
    switch (fault.kind) {
      case 'senderPause':
        for (const node of episode.nodes) {
          this.nodePausedDepth[node]! += delta;
          const depth = this.nodePausedDepth[node]!;
          if (starting && depth === 1) this.forEachPair(node, (pair) => this.metrics.onPauseStart(pair, nowUs));
          if (!starting && depth === 0) this.resumeSender(node, fault.afterPause === 'burst', nowUs);
        }
        return;
      case 'observerPause':
        this.observerPausedDepth += delta;
        if (!starting && this.observerPausedDepth === 0) this.resumeObserver(fault.backlog, nowUs);
        return;
      case 'partition':
        for (const node of episode.nodes) {
          this.forEachPair(node, (pair) => {
            if (fault.direction !== 'fromObserver') starting ? this.links.cut(pair) : this.links.repair(pair);
            if (fault.direction !== 'toObserver') starting ? this.links.cut(this.pairCount + pair) : this.links.repair(this.pairCount + pair);
          });
        }
        return;
      case 'cpuStarvation':
        for (const node of episode.nodes) {
          this.nodeStarvingDepth[node]! += delta;
          if (starting) this.nodeStarvingRule[node] = episode.rule;
        }
        return;
      case 'unhealthy':
        for (const node of episode.nodes) {
          this.nodeUnhealthyDepth[node]! += delta;
          const depth = this.nodeUnhealthyDepth[node]!;
          // Readiness truth: the node turned unhealthy, or healthy again.
          if (this.readiness && ((starting && depth === 1) || (!starting && depth === 0))) {
            this.forEachPair(node, (pair) => this.metrics.onHealth(pair, nowUs, !starting));
          }
        }
        return;
      default:
        return;
    }
  }

  private resumeSender(node: number, burst: boolean, nowUs: number): void {
    this.forEachPair(node, (pair) => this.metrics.onPauseEnd(pair, nowUs, this.pauseGraceUs));
    if (this.nodeFencePending[node] === 1) this.fence(node, nowUs);
    const missed = this.nodeMissedWhilePaused[node]!;
    this.nodeMissedWhilePaused[node] = 0;
    // A fixed-rate timer fires every missed beat at once; a fixed-delay one skips them.
    if (burst && this.nodeUp[node] === 1) for (let k = 0; k < missed; k++) this.transmitHeartbeat(node, nowUs);
  }

  private resumeObserver(backlog: 'checksFirst' | 'messagesFirst', nowUs: number): void {
    if (backlog === 'checksFirst') {
      this.evaluateAll(nowUs, Cause.check);
      this.drainBacklog(nowUs);
    } else {
      this.drainBacklog(nowUs);
      this.evaluateAll(nowUs, Cause.check);
    }
  }

  private applyClockStep(episode: FaultProcess, nowUs: number): void {
    const fault = this.faults[episode.rule]!;
    if (fault.kind !== 'clockStep') return;
    if (episode.observer) {
      this.clocks.step(this.observerEntity, fault.stepUs);
      // Deadlines on the observer's wall clock moved: re-check every pair now.
      if (this.observerPausedDepth === 0) this.evaluateAll(nowUs, Cause.timer);
    }
    for (const node of episode.nodes) this.clocks.step(node, fault.stepUs);
  }

  private forEachPair(node: number, visit: (pair: number) => void): void {
    const first = this.nodeFirstPair[node]!;
    const last = first + this.nodePairCount[node]!;
    for (let pair = first; pair < last; pair++) visit(pair);
  }
}

/** Link classes and the directed link table of the centralized topology. */
function buildLinks(config: SimConfig, bank: StreamBank, root: SeedRoot): LinkTable {
  const names = config.nodeNames;
  const n = names.length;
  const profiles: LinkConfig[] = [config.link, config.reverseLink ?? config.link];
  const profileOfLink = new Uint16Array(2 * n);
  profileOfLink.fill(1, n);
  for (const override of config.linkOverrides ?? []) {
    const nodes = selectNodes(override.nodes, names);
    if (override.toObserver) {
      profiles.push(override.toObserver);
      for (const node of nodes) profileOfLink[node] = profiles.length - 1;
    }
    if (override.fromObserver) {
      profiles.push(override.fromObserver);
      for (const node of nodes) profileOfLink[n + node] = profiles.length - 1;
    }
  }
  const monitor = config.monitorName;
  const keyOf = (link: number) => (link < n ? `link/${names[link]!}>${monitor}` : `link/${monitor}>${names[link - n]!}`);
  return new LinkTable(bank, profiles, profileOfLink, (link, purpose) => bank.add(root, `${keyOf(link)}/${purpose}`));
}

function validateConfig(config: SimConfig): void {
  const fail = (msg: string): never => {
    throw new RangeError(msg);
  };
  const wholeUs = (v: number, what: string, min: number) => {
    if (!Number.isSafeInteger(v) || v < min) fail(`${what} must be a whole number of µs ≥ ${min}, got ${v}`);
  };
  wholeUs(config.durationUs, 'duration', 1);
  wholeUs(config.warmupUs, 'warm-up', 0);
  if (config.warmupUs >= config.durationUs) fail('warm-up must be shorter than the duration');
  wholeUs(config.heartbeat.intervalUs, 'heartbeat interval', 1);
  wholeUs(config.detector.checkIntervalUs, 'check interval', 0);
  const checkLink = (link: LinkConfig, what: string) => {
    wholeUs(link.delay.baseUs, `${what} base delay`, 0);
    if (!(link.lossProbability >= 0 && link.lossProbability <= 1)) fail(`${what} loss must be a probability in [0, 1], got ${link.lossProbability}`);
    if (!(link.duplicateProbability >= 0 && link.duplicateProbability <= 1)) {
      fail(`${what} duplication must be a probability in [0, 1], got ${link.duplicateProbability}`);
    }
    validateLossModel(lossModelOf(link), what);
    validateDistribution(link.delay.random, `${what} delay`);
  };
  checkLink(config.link, 'link');
  if (config.reverseLink) checkLink(config.reverseLink, 'reverse link');
  for (const o of config.linkOverrides ?? []) {
    if (o.toObserver) checkLink(o.toObserver, 'link override');
    if (o.fromObserver) checkLink(o.fromObserver, 'link override');
  }
  validateDistribution(config.heartbeat.jitter, 'heartbeat jitter');
  if (config.nodeNames.length === 0) fail('at least one node is needed');
  if (config.trace) {
    if (config.detector.kind === 'pullCheck' || config.detector.kind === 'lease' || config.detector.kind === 'livenessReadiness') fail(`a recorded trace cannot drive the ${config.detector.kind} detector (it needs replies)`);
    if (config.trace.arrivalsUs.length !== config.nodeNames.length) fail('the trace must have one arrival list per node');
    for (const arrivals of config.trace.arrivalsUs) {
      for (let i = 1; i < arrivals.length; i++) if (!(arrivals[i]! >= arrivals[i - 1]!)) fail('trace arrivals must be in ascending order');
    }
  }
  if (new Set(config.nodeNames).size !== config.nodeNames.length) fail('node names must be unique');
  for (const fault of config.crashes) {
    if (fault.kind === 'crashAt') {
      wholeUs(fault.atUs, 'crash instant', 0);
      if (fault.downUs !== null) wholeUs(fault.downUs, 'crash down-time', 1);
    } else {
      wholeUs(fault.mttfUs, 'MTTF', 1);
      wholeUs(fault.mttrUs, 'MTTR', 0);
      if (fault.restartDelayUs !== undefined) wholeUs(fault.restartDelayUs, 'restart delay', 0);
      if (fault.rackSize !== undefined && !(Number.isInteger(fault.rackSize) && fault.rackSize >= 1)) fail('rack size must be a whole number ≥ 1');
    }
  }
  for (const fault of config.faults ?? []) {
    if ('onset' in fault) {
      const onset = fault.onset;
      if (onset.kind === 'poisson') wholeUs(onset.meanGapUs, `${fault.kind} mean time between onsets`, 1);
      if (onset.kind === 'periodic') wholeUs(onset.periodUs, `${fault.kind} period`, 1);
      if (onset.kind === 'at') wholeUs(onset.atUs, `${fault.kind} instant`, 0);
      if (onset.kind === 'uniformOnce' && !(onset.toUs > onset.fromUs)) fail(`${fault.kind} window is empty`);
    }
    if ('duration' in fault) validateDistribution(fault.duration, `${fault.kind} duration`);
    if ('extraDelay' in fault) validateDistribution(fault.extraDelay, `${fault.kind} extra delay`);
    if (fault.kind === 'clockStep') wholeUs(Math.abs(fault.stepUs), 'clock step', 0);
  }
}

/**
 * Calendar sizing: about one heartbeat per bucket, and a window that spans a few
 * intervals plus the detector's timeout, so nearly every event lands in the ring.
 */
function schedulerSizing(config: SimConfig, pairCount: number): SchedulerOptions {
  const intervalUs = config.heartbeat.intervalUs;
  const widthUs = Math.max(1, Math.floor(intervalUs / (2 * pairCount)));
  const horizonUs = 3 * intervalUs + detectorHorizonUs(config.detector, intervalUs) + config.detector.checkIntervalUs;
  return { bucketWidthUs: widthUs, bucketCount: Math.ceil(horizonUs / widthUs), initialCapacity: 4 * pairCount + 64 };
}

/**
 * Runs one replication of a configuration: with the per-node timeout kernel when it
 * applies (identical tallies, no transition log; see src/sim/fast), else the engine.
 */
export function runOnce(config: SimConfig, hooks?: RunHooks): RunResult {
  return (fastPathApplies(config) && runTimeoutKernel(config, hooks)) || new Simulation(config).run(hooks);
}
