/**
 * What the engine checks before a run: a configuration it cannot simulate faithfully
 * is refused with a RangeError naming the field (scenarios/ reports it with the file
 * and line); and the calendar queue's sizing for a configuration.
 */
import type { LinkConfig, SimConfig } from '../config.js';
import { detectorHorizonUs } from '../detectors/create.js';
import { linkLossModel } from '../network/links.js';
import { validateLossModel } from '../network/loss.js';
import { validateDistribution } from '../random/distributions.js';
import type { SchedulerOptions } from './scheduler.js';

export function validateConfig(config: SimConfig): void {
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
    validateLossModel(linkLossModel(link), what);
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
  const failover = config.monitorFailover;
  if (failover) {
    wholeUs(failover.takeoverUs, 'monitor takeover delay', 0);
    const onset = failover.onset;
    if (onset.kind === 'poisson') wholeUs(onset.meanGapUs, 'monitor crash mean time between onsets', 1);
    if (onset.kind === 'periodic') wholeUs(onset.periodUs, 'monitor crash period', 1);
    if (onset.kind === 'at') wholeUs(onset.atUs, 'monitor crash instant', 0);
    // A standby that probes would also have to rebuild its probe schedule: not modelled.
    if (config.detector.kind === 'pullCheck' || config.detector.kind === 'livenessReadiness') fail(`monitor failover is modelled for pushed heartbeats and leases, not for the ${config.detector.kind} detector`);
    if (config.trace) fail('monitor failover needs simulated senders, not a recorded trace');
  }
}

/**
 * Calendar sizing: about one heartbeat per bucket, and a window that spans a few
 * intervals plus the detector's timeout, so nearly every event lands in the ring. A
 * fixed timeout judged by polling rounds schedules nothing at its timeout (no per-pair
 * wake-ups), so its window leaves the timeout out: at 100 k nodes that halves the ring
 * (8 → 4 MB, touched as the window slides). Records: about one pending event per node
 * (its next send) plus messages in flight, within the ¾ the queue fills before growing.
 * Sizes are tuning only: the pop order does not depend on them (scheduler.ts).
 */
export function schedulerSizing(config: SimConfig, pairCount: number): SchedulerOptions {
  const intervalUs = config.heartbeat.intervalUs;
  const widthUs = Math.max(1, Math.floor(intervalUs / (2 * pairCount)));
  const detector = config.detector;
  const timersUs = detector.kind === 'timeout' && detector.checkIntervalUs > 0 ? 0 : detectorHorizonUs(detector, intervalUs);
  const horizonUs = 3 * intervalUs + timersUs + detector.checkIntervalUs;
  return { bucketWidthUs: widthUs, bucketCount: Math.ceil(horizonUs / widthUs), initialCapacity: 2 * pairCount + 64 };
}
