/**
 * One run of the centralized heartbeat protocol (the seed's architecture): every
 * monitored node pushes a heartbeat every interval over its own link to an observer
 * (the monitor), whose detector turns arrivals into ALIVE / SUSPECTED / DEAD.
 *
 * The observer is an entity like any node, and heartbeats travel along (observer,
 * target) pairs, so ring, all-to-all and gossip topologies are more pairs, not a
 * different engine.
 *
 * The dispatch `switch` in `step()` is hot: handlers touch typed arrays and
 * preallocated objects only. Timers are never cancelled; each scheduled wake-up
 * carries its deadline and is ignored if the pair's deadline has moved.
 */
import type { CrashFault, NodeSelector, SimConfig } from './config.js';
import { createDetector } from './detectors/create.js';
import type { Detector } from './detectors/detector.js';
import { DurationSampler, exponentialUs, validateDistribution } from './distributions.js';
import { Cause, MetricsRecorder, type RunTallies, type TransitionLog } from './metrics.js';
import { BernoulliLoss } from './loss.js';
import { RandomStream, StreamBank, streamFor, type SeedRoot } from './random.js';
import { Scheduler, type SchedulerOptions } from './scheduler.js';
import { Status, type StatusCode } from './status.js';
import { NEVER } from './time.js';

/** Event kinds. At equal instants, events fire in scheduling order. */
const EV_SEND = 1; // target = node, arg = node epoch
const EV_DELIVER = 2; // target = pair, arg = heartbeat seq, arg2 = send instant
const EV_CHECK = 3; // target = observer
const EV_WAKE = 4; // target = pair, arg = the deadline this wake-up was set for
const EV_CRASH = 5; // target = node, arg = crash rule index
const EV_RECOVER = 6; // target = node, arg = crash rule index

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

  // Nodes (monitored senders), by dense index.
  private readonly nodeUp: Uint8Array;
  private readonly nodeEpoch: Float64Array;
  private readonly nodeSeq: Float64Array;
  private readonly nodeNextNominalUs: Float64Array;
  private readonly nodeJitterStream: Int32Array;
  private readonly nodeCrashStream: RandomStream[];
  private readonly nodeFirstPair: Int32Array;
  private readonly nodePairCount: Int32Array;

  // (observer, target) pairs.
  private readonly pairTarget: Int32Array;
  private readonly pairStatus: Uint8Array;
  private readonly pairWakeUs: Float64Array;
  private readonly linkDelayStream: Int32Array;
  private readonly linkDuplicateStream: Int32Array;
  private readonly linkDuplicateDelayStream: Int32Array;

  // Randomness: every stream's state lives in one bank; laws are shared samplers.
  private readonly bank: StreamBank;
  private readonly jitter: DurationSampler;
  private readonly jitterIsConstant: boolean;
  private readonly delay: DurationSampler;

  private readonly intervalUs: number;
  private readonly baseDelayUs: number;
  private readonly loss: BernoulliLoss;
  private readonly duplicateProbability: number;
  private readonly checkIntervalUs: number;
  private readonly exactTimers: boolean;
  private eventCount: number;

  constructor(config: SimConfig) {
    validateConfig(config);
    this.config = config;
    const root: SeedRoot = { seed: config.seed, replication: config.replication };
    const names = config.nodeNames;
    const n = names.length;
    this.nodeCount = n;
    this.intervalUs = config.heartbeat.intervalUs;
    this.baseDelayUs = config.link.delay.baseUs;
    this.duplicateProbability = config.link.duplicateProbability;
    this.checkIntervalUs = config.detector.checkIntervalUs;
    this.exactTimers = this.checkIntervalUs === 0;
    this.eventCount = 0;
    // Centralized topology: one pair per node, observed by the monitor.
    const pairCount = n;
    this.scheduler = new Scheduler(schedulerSizing(config, pairCount));
    this.detector = createDetector(config.detector, pairCount, 0);
    this.metrics = new MetricsRecorder(pairCount, config.warmupUs, config.transitionLogLimit);

    this.nodeUp = new Uint8Array(n).fill(1);
    this.nodeEpoch = new Float64Array(n);
    this.nodeSeq = new Float64Array(n);
    this.nodeNextNominalUs = new Float64Array(n);
    this.nodeJitterStream = new Int32Array(n);
    this.nodeCrashStream = [];
    this.nodeFirstPair = new Int32Array(n);
    this.nodePairCount = new Int32Array(n);
    this.pairTarget = new Int32Array(pairCount);
    this.pairStatus = new Uint8Array(pairCount);
    this.pairWakeUs = new Float64Array(pairCount).fill(NEVER);
    this.linkDelayStream = new Int32Array(pairCount);
    this.linkDuplicateStream = new Int32Array(pairCount);
    this.linkDuplicateDelayStream = new Int32Array(pairCount);
    const lossStreams = new Int32Array(pairCount);
    const bank = new StreamBank(8 * n + 8);
    this.bank = bank;
    this.jitter = new DurationSampler(config.heartbeat.jitter, bank, 'heartbeat jitter');
    this.jitterIsConstant = this.jitter.isConstant;
    this.delay = new DurationSampler(config.link.delay.random, bank, 'link delay');

    // Streams are created only for the draws this configuration makes (seeding costs
    // ~7 µs each), and the hottest ones first, so that the delay streams of all links
    // are packed together in the bank: with 10 000 nodes that keeps them in cache.
    // Keys are names, so creation order never changes what a stream draws.
    const monitor = config.monitorName;
    const linkKey = (i: number) => `link/${names[i]!}>${monitor}`;
    const usesDelay = !this.delay.isConstant;
    const usesLoss = config.link.lossProbability > 0;
    const usesDuplicates = this.duplicateProbability > 0;
    const usesCrashStreams = config.crashes.some((f) => f.kind === 'crashRecover');
    for (let i = 0; i < n; i++) {
      this.nodeFirstPair[i] = i;
      this.nodePairCount[i] = 1;
      this.pairTarget[i] = i;
    }
    if (usesDelay) for (let i = 0; i < n; i++) this.linkDelayStream[i] = bank.add(root, `${linkKey(i)}/delay`);
    if (usesLoss) for (let i = 0; i < n; i++) lossStreams[i] = bank.add(root, `${linkKey(i)}/loss`);
    if (!this.jitterIsConstant) for (let i = 0; i < n; i++) this.nodeJitterStream[i] = bank.add(root, `node/${names[i]!}/jitter`);
    if (usesDuplicates) {
      for (let i = 0; i < n; i++) {
        this.linkDuplicateStream[i] = bank.add(root, `${linkKey(i)}/duplicate`);
        this.linkDuplicateDelayStream[i] = bank.add(root, `${linkKey(i)}/duplicate-delay`);
      }
    }
    if (usesCrashStreams) {
      for (let i = 0; i < n; i++) this.nodeCrashStream.push(new RandomStream(bank, bank.add(root, `node/${names[i]!}/crash`)));
    }
    this.loss = new BernoulliLoss(config.link.lossProbability, bank, lossStreams);

    // Each node starts its schedule at a uniformly random phase, so a crash at a
    // fixed instant falls at a uniformly random point of each node's cycle.
    for (let i = 0; i < n; i++) {
      const phaseUs = Math.floor(streamFor(root, `node/${names[i]!}/phase`).next() * this.intervalUs);
      this.nodeNextNominalUs[i] = phaseUs;
      this.scheduler.schedule(phaseUs + this.jitter.sampleUs(this.nodeJitterStream[i]!), EV_SEND, i, 0, 0);
    }
    this.scheduleCrashes(config.crashes);
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
        this.onDeliver(target, q.currentArg, q.currentArg2, nowUs);
        break;
      case EV_CHECK:
        this.onCheck(nowUs);
        break;
      case EV_WAKE:
        this.onWake(target, q.currentArg, nowUs);
        break;
      case EV_CRASH:
        this.onCrash(target, q.currentArg, nowUs);
        break;
      case EV_RECOVER:
        this.onRecover(target, q.currentArg, nowUs);
        break;
    }
    return true;
  }

  /** Runs to the configured duration and closes the books. */
  run(): RunResult {
    const endUs = this.config.durationUs;
    this.runUntil(endUs);
    const { tallies, log } = this.metrics.finish(endUs);
    return { tallies, log, events: this.eventCount, endUs };
  }

  private onSend(node: number, epoch: number, nowUs: number): void {
    if (epoch !== this.nodeEpoch[node] || this.nodeUp[node] === 0) return;
    const seq = this.nodeSeq[node]!;
    this.nodeSeq[node] = seq + 1;
    const metrics = this.metrics;
    const counted = nowUs >= this.config.warmupUs;
    const first = this.nodeFirstPair[node]!;
    const last = first + this.nodePairCount[node]!;
    for (let pair = first; pair < last; pair++) {
      if (counted) metrics.heartbeatsSent++;
      if (this.loss.shouldDrop(pair)) {
        if (counted) metrics.heartbeatsLost++;
        continue;
      }
      this.scheduler.schedule(nowUs + this.baseDelayUs + this.delay.sampleUs(this.linkDelayStream[pair]!), EV_DELIVER, pair, seq, nowUs);
      if (this.duplicateProbability > 0 && this.bank.next(this.linkDuplicateStream[pair]!) < this.duplicateProbability) {
        const again = nowUs + this.baseDelayUs + this.delay.sampleUs(this.linkDuplicateDelayStream[pair]!);
        this.scheduler.schedule(again, EV_DELIVER, pair, seq, nowUs);
      }
    }
    const nextNominalUs = this.nodeNextNominalUs[node]! + this.intervalUs;
    this.nodeNextNominalUs[node] = nextNominalUs;
    // A constant jitter draws nothing: skip the sampler (and its cache line) entirely.
    const sendUs = this.jitterIsConstant ? nextNominalUs + this.jitter.sampleUs(0) : nextNominalUs + this.jitter.sampleUs(this.nodeJitterStream[node]!);
    this.scheduler.schedule(sendUs < nowUs ? nowUs : sendUs, EV_SEND, node, epoch, 0);
  }

  private onDeliver(pair: number, seq: number, sentUs: number, nowUs: number): void {
    const metrics = this.metrics;
    if (nowUs >= this.config.warmupUs) metrics.heartbeatsDelivered++;
    const detector = this.detector;
    detector.onHeartbeat(pair, nowUs, sentUs, seq);
    const verdict = detector.statusAt(pair, nowUs);
    // News can only restore trust at once; new suspicions wait for a timer or check.
    if (verdict < this.pairStatus[pair]!) this.setStatus(pair, verdict, nowUs, Cause.heartbeat);
    if (this.exactTimers) {
      const nextUs = detector.nextChangeUs(pair, nowUs);
      if (nextUs < this.pairWakeUs[pair]!) {
        this.pairWakeUs[pair] = nextUs;
        this.scheduler.schedule(nextUs, EV_WAKE, pair, nextUs, 0);
      }
    }
  }

  private onWake(pair: number, deadlineUs: number, nowUs: number): void {
    if (deadlineUs !== this.pairWakeUs[pair]) return; // superseded
    this.pairWakeUs[pair] = NEVER;
    const verdict = this.detector.statusAt(pair, nowUs);
    if (verdict !== this.pairStatus[pair]) this.setStatus(pair, verdict, nowUs, Cause.timer);
    this.armWake(pair, nowUs);
  }

  private armWake(pair: number, nowUs: number): void {
    const nextUs = this.detector.nextChangeUs(pair, nowUs);
    if (nextUs === NEVER || nextUs >= this.pairWakeUs[pair]!) return;
    this.pairWakeUs[pair] = nextUs;
    this.scheduler.schedule(nextUs, EV_WAKE, pair, nextUs, 0);
  }

  private onCheck(nowUs: number): void {
    const detector = this.detector;
    const pairs = this.pairStatus.length;
    for (let pair = 0; pair < pairs; pair++) {
      const verdict = detector.statusAt(pair, nowUs);
      if (verdict !== this.pairStatus[pair]) this.setStatus(pair, verdict, nowUs, Cause.check);
    }
    this.scheduler.schedule(nowUs + this.checkIntervalUs, EV_CHECK, 0, 0, 0);
  }

  private setStatus(pair: number, verdict: StatusCode, nowUs: number, cause: 0 | 1 | 2): void {
    this.pairStatus[pair] = verdict;
    this.metrics.onVerdict(pair, nowUs, verdict, cause);
  }

  // ---- crash faults -------------------------------------------------------------

  private scheduleCrashes(crashes: readonly CrashFault[]): void {
    crashes.forEach((fault, rule) => {
      for (const node of this.selectNodes(fault.nodes)) {
        if (fault.kind === 'crashAt') {
          this.scheduler.schedule(fault.atUs, EV_CRASH, node, rule, 0);
        } else {
          this.scheduler.schedule(exponentialUs(this.nodeCrashStream[node]!, fault.mttfUs), EV_CRASH, node, rule, 0);
        }
      }
    });
  }

  private selectNodes(selector: NodeSelector): number[] {
    if (selector.kind === 'all') return Array.from({ length: this.nodeCount }, (_, i) => i);
    return selector.names.map((name) => {
      const index = this.config.nodeNames.indexOf(name);
      if (index < 0) throw new RangeError(`fault names unknown node "${name}"`);
      return index;
    });
  }

  private onCrash(node: number, rule: number, nowUs: number): void {
    const fault = this.config.crashes[rule]!;
    if (this.nodeUp[node] === 0) {
      // Already down by another rule: a crash/recover cycle just carries on.
      if (fault.kind === 'crashRecover') {
        this.scheduler.schedule(nowUs + exponentialUs(this.nodeCrashStream[node]!, fault.mttfUs), EV_CRASH, node, rule, 0);
      }
      return;
    }
    this.nodeUp[node] = 0;
    this.nodeEpoch[node]!++;
    const first = this.nodeFirstPair[node]!;
    const last = first + this.nodePairCount[node]!;
    for (let pair = first; pair < last; pair++) this.metrics.onCrash(pair, nowUs);
    const downUs =
      fault.kind === 'crashRecover' ? exponentialUs(this.nodeCrashStream[node]!, fault.mttrUs) : fault.downUs;
    if (downUs !== null) this.scheduler.schedule(nowUs + downUs, EV_RECOVER, node, rule, 0);
  }

  private onRecover(node: number, rule: number, nowUs: number): void {
    if (this.nodeUp[node] === 1) return;
    this.nodeUp[node] = 1;
    const epoch = ++this.nodeEpoch[node]!;
    const first = this.nodeFirstPair[node]!;
    const last = first + this.nodePairCount[node]!;
    for (let pair = first; pair < last; pair++) this.metrics.onRecover(pair, nowUs);
    // A restarted process sends at once and keeps its new phase.
    this.nodeNextNominalUs[node] = nowUs;
    this.scheduler.schedule(nowUs, EV_SEND, node, epoch, 0);
    const fault = this.config.crashes[rule]!;
    if (fault.kind === 'crashRecover') {
      this.scheduler.schedule(nowUs + exponentialUs(this.nodeCrashStream[node]!, fault.mttfUs), EV_CRASH, node, rule, 0);
    }
  }
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
  wholeUs(config.link.delay.baseUs, 'link base delay', 0);
  wholeUs(config.detector.checkIntervalUs, 'check interval', 0);
  const probability = (p: number, what: string) => {
    if (!(p >= 0 && p <= 1)) fail(`${what} must be a probability in [0, 1], got ${p}`);
  };
  probability(config.link.lossProbability, 'link loss');
  probability(config.link.duplicateProbability, 'link duplication');
  validateDistribution(config.link.delay.random, 'link delay');
  validateDistribution(config.heartbeat.jitter, 'heartbeat jitter');
  if (config.nodeNames.length === 0) fail('at least one node is needed');
  if (new Set(config.nodeNames).size !== config.nodeNames.length) fail('node names must be unique');
  for (const fault of config.crashes) {
    if (fault.kind === 'crashAt') {
      wholeUs(fault.atUs, 'crash instant', 0);
      if (fault.downUs !== null) wholeUs(fault.downUs, 'crash down-time', 1);
    } else {
      wholeUs(fault.mttfUs, 'MTTF', 1);
      wholeUs(fault.mttrUs, 'MTTR', 1);
    }
  }
}

/**
 * Calendar sizing: about one heartbeat per bucket, and a window that spans a few
 * intervals plus the detector's timeout, so nearly every event lands in the ring.
 */
function schedulerSizing(config: SimConfig, pairCount: number): SchedulerOptions {
  const intervalUs = config.heartbeat.intervalUs;
  const widthUs = Math.max(1, Math.floor((1 * intervalUs) / (2 * pairCount)));
  const horizonUs = 3 * intervalUs + config.detector.timeoutUs + config.detector.checkIntervalUs;
  return { bucketWidthUs: widthUs, bucketCount: Math.ceil(horizonUs / widthUs), initialCapacity: 4 * pairCount + 64 };
}

/** Runs one replication of a configuration. */
export function runOnce(config: SimConfig): RunResult {
  return new Simulation(config).run();
}
