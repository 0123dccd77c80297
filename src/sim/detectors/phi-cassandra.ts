/**
 * Cassandra's phi failure detector, as coded in gms/FailureDetector.java
 * (apache/cassandra, 3.x commit 07242de0 and 4.x/5.x trunk; reference §2.3):
 *
 * - ArrivalWindow: up to SAMPLE_SIZE inter-arrival times; the first report records
 *   INITIAL_VALUE (2 s) instead of an interval; intervals longer than MAX_INTERVAL (2 s)
 *   are not recorded. phi(now) = (now − tLast)/mean — an exponential model.
 * - interpret(): convict when PHI_FACTOR·phi > phi_convict_threshold, PHI_FACTOR =
 *   1/ln 10, i.e. when the silence exceeds threshold·ln 10·mean (18.4 × mean at 8).
 * - Evaluated once per gossip round (check_interval, 1 s in Cassandra), and guarded
 *   against the observer's own pauses: if more than MAX_LOCAL_PAUSE (5 s) passed since
 *   the previous round, nobody is convicted that round nor for the next 5 s.
 * - A convicted node is trusted again when its heartbeat advances (the next report).
 *
 * In Cassandra interpret() runs per endpoint and `lastInterpret` is shared; a gossip
 * round interprets all endpoints microseconds apart, so tracking it per round is the
 * same thing. With exact timers (no rounds) the guard never fires.
 */
import { Status, type StatusCode } from '../status.js';
import type { DetectorConfig } from '../config.js';
import { NEVER } from '../time.js';
import { confirmedNextChange, confirmedStatus } from './confirm.js';
import type { Detector } from './detector.js';

/** The `phiCassandra` detector configuration (declared once, in config.ts), less what the engine handles. */
export type PhiCassandraSettings = Omit<Extract<DetectorConfig, { kind: 'phiCassandra' }>, 'kind' | 'checkIntervalUs'>;

export const PHI_FACTOR = 1 / Math.log(10);

export class PhiCassandraDetector implements Detector {
  readonly family = 'phi-cassandra';
  private readonly s: PhiCassandraSettings;
  private readonly intervals: Float64Array;
  private readonly count: Int32Array;
  private readonly head: Int32Array;
  private readonly sum: Float64Array;
  private readonly lastUs: Float64Array;
  /** Local instant the pair was convicted (NaN while trusted). */
  private readonly convictedAtUs: Float64Array;
  private lastRoundUs: number;
  private lastLocalPauseUs: number;

  constructor(pairCount: number, settings: PhiCassandraSettings, startLocalUs: number) {
    if (!(settings.convictThreshold >= 5 && settings.convictThreshold <= 16)) {
      // DatabaseDescriptor rejects values outside [5, 16].
      throw new RangeError(`phi_convict_threshold must be within 5–16, got ${settings.convictThreshold}`);
    }
    if (!(Number.isInteger(settings.sampleSize) && settings.sampleSize >= 1)) throw new RangeError('sample size must be a whole number ≥ 1');
    this.s = settings;
    this.intervals = new Float64Array(pairCount * settings.sampleSize);
    this.count = new Int32Array(pairCount);
    this.head = new Int32Array(pairCount);
    this.sum = new Float64Array(pairCount);
    this.lastUs = new Float64Array(pairCount).fill(startLocalUs);
    this.convictedAtUs = new Float64Array(pairCount).fill(NaN);
    this.lastRoundUs = startLocalUs;
    this.lastLocalPauseUs = Number.NEGATIVE_INFINITY;
    // The first report of every endpoint, at the start: INITIAL_VALUE goes in.
    for (let pair = 0; pair < pairCount; pair++) this.record(pair, settings.initialIntervalUs);
  }

  private record(pair: number, intervalUs: number): void {
    const size = this.s.sampleSize;
    const base = pair * size;
    const count = this.count[pair]!;
    if (count === size) {
      this.sum[pair]! -= this.intervals[base + this.head[pair]!]!;
      this.intervals[base + this.head[pair]!] = intervalUs;
      this.head[pair] = (this.head[pair]! + 1) % size;
    } else {
      this.intervals[base + ((this.head[pair]! + count) % size)] = intervalUs;
      this.count[pair] = count + 1;
    }
    this.sum[pair]! += intervalUs;
  }

  /** The scaled φ nodetool shows: PHI_FACTOR · (now − tLast)/mean. */
  phi(pair: number, localUs: number): number {
    return (PHI_FACTOR * (localUs - this.lastUs[pair]!)) / (this.sum[pair]! / this.count[pair]!);
  }

  /** Local instant from which PHI_FACTOR·phi > threshold. */
  private convictFromUs(pair: number): number {
    const mean = this.sum[pair]! / this.count[pair]!;
    return this.lastUs[pair]! + Math.floor(this.s.convictThreshold * Math.LN10 * mean) + 1;
  }

  onHeartbeat(pair: number, arrivalLocalUs: number): void {
    const last = this.lastUs[pair]!;
    if (arrivalLocalUs <= last) return;
    const interval = arrivalLocalUs - last;
    if (interval <= this.s.maxIntervalUs) this.record(pair, interval);
    this.lastUs[pair] = arrivalLocalUs;
    this.convictedAtUs[pair] = NaN; // the heartbeat advanced: the node is up again
  }

  beginRound(localUs: number): void {
    if (localUs - this.lastRoundUs > this.s.maxLocalPauseUs) this.lastLocalPauseUs = localUs;
    this.lastRoundUs = localUs;
  }

  private guarded(localUs: number): boolean {
    return localUs - this.lastLocalPauseUs < this.s.maxLocalPauseUs;
  }

  statusAt(pair: number, localUs: number): StatusCode {
    let convictedAt = this.convictedAtUs[pair]!;
    if (convictedAt !== convictedAt) {
      if (localUs < this.convictFromUs(pair) || this.guarded(localUs)) return Status.alive;
      convictedAt = localUs;
      this.convictedAtUs[pair] = localUs;
    }
    return confirmedStatus(convictedAt, this.s.confirmAfterUs, localUs);
  }

  nextChangeUs(pair: number, localUs: number): number {
    const convictedAt = this.convictedAtUs[pair]!;
    if (convictedAt === convictedAt) return confirmedNextChange(convictedAt, this.s.confirmAfterUs, localUs);
    const from = this.convictFromUs(pair);
    return from > localUs ? from : this.guarded(localUs) ? this.lastLocalPauseUs + this.s.maxLocalPauseUs : localUs + 1;
  }
}

