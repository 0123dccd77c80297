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
import { streamFor, type RandomStream, type SeedRoot } from './random.js';
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

/** Per-link random state: one stream per purpose. */
class LinkState {
  constructor(
    readonly delay: DurationSampler,
    readonly duplicate: RandomStream,
    readonly duplicateDelay: DurationSampler,
  ) {}
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
  private readonly nodeJitter: DurationSampler[];
  private readonly nodeCrashStream: RandomStream[];
  private readonly nodeFirstPair: Int32Array;
  private readonly nodePairCount: Int32Array;

  // (observer, target) pairs.
  private readonly pairTarget: Int32Array;
  private readonly pairStatus: Uint8Array;
  private readonly pairWakeUs: Float64Array;
  private readonly links: LinkState[];

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
    this.nodeJitter = [];
    this.nodeCrashStream = [];
    this.nodeFirstPair = new Int32Array(n);
    this.nodePairCount = new Int32Array(n);
    this.pairTarget = new Int32Array(pairCount);
    this.pairStatus = new Uint8Array(pairCount);
    this.pairWakeUs = new Float64Array(pairCount).fill(NEVER);
    this.links = [];

    const monitor = config.monitorName;
    const lossStreams: RandomStream[] = [];
    for (let i = 0; i < n; i++) {
      const name = names[i]!;
      this.nodeJitter.push(new DurationSampler(config.heartbeat.jitter, streamFor(root, `node/${name}/jitter`)));
      this.nodeCrashStream.push(streamFor(root, `node/${name}/crash`));
      this.nodeFirstPair[i] = i;
      this.nodePairCount[i] = 1;
      this.pairTarget[i] = i;
      const link = `link/${name}>${monitor}`;
      lossStreams.push(streamFor(root, `${link}/loss`));
      this.links.push(
        new LinkState(
          new DurationSampler(config.link.delay.random, streamFor(root, `${link}/delay`)),
          streamFor(root, `${link}/duplicate`),
          new DurationSampler(config.link.delay.random, streamFor(root, `${link}/duplicate-delay`)),
        ),
      );
    }

    this.loss = new BernoulliLoss(config.link.lossProbability, lossStreams);

    // Each node starts its schedule at a uniformly random phase, so a crash at a
    // fixed instant falls at a uniformly random point of each node's cycle.
    for (let i = 0; i < n; i++) {
      const phaseUs = Math.floor(streamFor(root, `node/${names[i]!}/phase`).next() * this.intervalUs);
      this.nodeNextNominalUs[i] = phaseUs;
      this.scheduler.schedule(phaseUs + this.nodeJitter[i]!.sampleUs(), EV_SEND, i, 0, 0);
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
    const q = this.scheduler;
    if (!q.pop()) return false;
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

  /** Processes every event at or before `endUs`. */
  runUntil(endUs: number): void {
    const q = this.scheduler;
    while (q.peekTimeUs() <= endUs) this.step();
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
      const link = this.links[pair]!;
      this.scheduler.schedule(nowUs + this.baseDelayUs + link.delay.sampleUs(), EV_DELIVER, pair, seq, nowUs);
      if (this.duplicateProbability > 0 && link.duplicate.next() < this.duplicateProbability) {
        this.scheduler.schedule(nowUs + this.baseDelayUs + link.duplicateDelay.sampleUs(), EV_DELIVER, pair, seq, nowUs);
      }
    }
    const nextNominalUs = this.nodeNextNominalUs[node]! + this.intervalUs;
    this.nodeNextNominalUs[node] = nextNominalUs;
    const sendUs = nextNominalUs + this.nodeJitter[node]!.sampleUs();
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
