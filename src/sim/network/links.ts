/**
 * Every directed link of a run: for pair i, link i carries target → observer traffic
 * (heartbeats, replies) and link P + i carries observer → target traffic (probes,
 * grants). A link has a profile (its loss model, delay law and duplication, shared
 * with links of the same class), its own streams, and a partition state: it is down
 * while at least one partition covers it (a counter, so overlapping partitions nest),
 * as turmoil keeps one state per direction.
 *
 * `transmit` decides one message: dropped (returns DROPPED) or delivered at an
 * instant, with an optional duplicate in `duplicateArrivalUs`. Hot path: typed arrays
 * and one sampler per profile, nothing allocated.
 */
import type { LinkConfig } from '../config.js';
import { DurationSampler } from '../random/distributions.js';
import { compileLoss, LinkLoss, LossKind, type CompiledLoss, type LossModel } from './loss.js';
import type { StreamBank } from '../random/streams.js';

export const DROPPED = -1;

/** Why a message did not arrive. */
export const DropReason = { none: 0, loss: 1, partition: 2 } as const;

export function linkLossModel(link: LinkConfig): LossModel {
  return link.loss ?? { kind: 'bernoulli', probability: link.lossProbability };
}

/**
 * A link's entry in `LinkTable.links` (two int32 per link, read by every message):
 * its profile with a SEEDED bit once its streams exist, and its record — where its
 * hot state (loss record, delay and duplicate streams) sits, numbered in the order
 * links were seeded.
 */
const INFO = 0;
const RECORD = 1;
const SEEDED = 1 << 16;
const PROFILE_MASK = SEEDED - 1;

export class LinkTable {
  readonly linkCount: number;
  private readonly bank: StreamBank;
  /** Per link, interleaved: [2l + INFO] profile | SEEDED, [2l + RECORD]. */
  private readonly links: Int32Array;
  /**
   * Records handed out so far. A link's hot state lives at its record, not at its id:
   * links are seeded on their first message, so records follow the order links first
   * carried something — at 100 k nodes the order they carry heartbeats every interval —
   * and successive messages read successive records (one random line per message for
   * the entry, not one per array). Storage only: draws depend on stream keys alone.
   */
  private records = 0;
  private readonly delayStream: Int32Array;
  private readonly baseDelayUs: Float64Array;
  private readonly duplicateProbability: Float64Array;
  private readonly samplers: DurationSampler[];
  /** Each profile's loss law, compiled (and checked) once. */
  private readonly laws: readonly CompiledLoss[];
  private readonly duplicateStream: Int32Array;
  private readonly duplicateDelayStream: Int32Array;
  private readonly downCount: Int32Array;
  /** Sum of `downCount`: while 0 (no partition), a message reads no per-link counter. */
  private cuts = 0;
  private readonly streamKey: (link: number, purpose: string) => number;
  /** Loss state by record (see `records`), not by link id. */
  private readonly loss: LinkLoss;
  /** Arrival of the duplicate of the last transmitted message, or DROPPED. */
  duplicateArrivalUs: number;
  /** Why the last transmitted message was dropped. */
  lastDropReason: number;

  /**
   * `profiles[k]` is a link class; `profileOfLink[link]` picks one per link;
   * `streamKey(link, purpose)` creates the link's stream for a purpose (called on the
   * link's first message).
   */
  constructor(
    bank: StreamBank,
    profiles: readonly LinkConfig[],
    profileOfLink: ArrayLike<number>,
    streamKey: (link: number, purpose: string) => number,
  ) {
    const n = profileOfLink.length;
    this.linkCount = n;
    this.bank = bank;
    if (profiles.length > PROFILE_MASK) throw new RangeError(`at most ${PROFILE_MASK} link classes, got ${profiles.length}`);
    this.links = new Int32Array(2 * n);
    for (let link = 0; link < n; link++) this.links[2 * link + INFO] = profileOfLink[link]!;
    this.baseDelayUs = Float64Array.from(profiles, (p) => p.delay.baseUs);
    this.duplicateProbability = Float64Array.from(profiles, (p) => p.duplicateProbability);
    this.samplers = profiles.map((p, k) => new DurationSampler(p.delay.random, bank, `link class ${k} delay`));
    this.delayStream = new Int32Array(n);
    this.duplicateStream = new Int32Array(n);
    this.duplicateDelayStream = new Int32Array(n);
    this.downCount = new Int32Array(n);
    this.loss = new LinkLoss(n, bank);
    this.duplicateArrivalUs = DROPPED;
    this.lastDropReason = DropReason.none;
    this.streamKey = streamKey;
    // Bad settings are refused now, not at a link's first message.
    this.laws = profiles.map((p, k) => compileLoss(linkLossModel(p), `link class ${k} loss`));
  }

  /**
   * Creates a link's streams on its first message, and only those its class draws
   * from: a link that carries nothing (the observer → node direction of pushed
   * heartbeats) costs no stream. A stream's draws depend on its key alone
   * (streams.ts), so when a stream is created changes nothing.
   */
  private seed(link: number): number {
    const profile = this.links[2 * link + INFO]! & PROFILE_MASK;
    const record = this.records++;
    this.links[2 * link + INFO] = profile | SEEDED;
    this.links[2 * link + RECORD] = record;
    const key = this.streamKey;
    if (!this.samplers[profile]!.isConstant) this.delayStream[record] = key(link, 'delay');
    // Streams in the order they always were made: delay, loss, loss-state, duplicate, duplicate-delay.
    const law = this.laws[profile]!;
    const lossStream = law.kind === LossKind.none ? 0 : key(link, 'loss');
    this.loss.configureCompiled(record, law, lossStream, law.kind === LossKind.gilbertElliott ? key(link, 'loss-state') : 0);
    if (this.duplicateProbability[profile]! > 0) {
      this.duplicateStream[record] = key(link, 'duplicate');
      this.duplicateDelayStream[record] = key(link, 'duplicate-delay');
    }
    return record;
  }

  isDown(link: number): boolean {
    return this.downCount[link]! > 0;
  }

  cut(link: number): void {
    this.downCount[link]!++;
    this.cuts++;
  }

  repair(link: number): void {
    this.downCount[link]!--;
    this.cuts--;
  }

  /** One transmission without duplication (a TCP segment): its arrival, or DROPPED. */
  attempt(link: number, departUs: number): number {
    if (this.cuts > 0 && this.downCount[link]! > 0) {
      this.lastDropReason = DropReason.partition;
      return DROPPED;
    }
    const info = this.links[2 * link + INFO]!;
    const record = (info & SEEDED) === 0 ? this.seed(link) : this.links[2 * link + RECORD]!;
    if (this.loss.shouldDrop(record)) {
      this.lastDropReason = DropReason.loss;
      return DROPPED;
    }
    const profile = info & PROFILE_MASK;
    return departUs + this.baseDelayUs[profile]! + this.samplers[profile]!.sampleUs(this.delayStream[record]!);
  }

  /** One message leaves at `departUs`: its arrival instant, or DROPPED. */
  transmit(link: number, departUs: number): number {
    this.duplicateArrivalUs = DROPPED;
    if (this.cuts > 0 && this.downCount[link]! > 0) {
      this.lastDropReason = DropReason.partition;
      return DROPPED;
    }
    const info = this.links[2 * link + INFO]!;
    const record = (info & SEEDED) === 0 ? this.seed(link) : this.links[2 * link + RECORD]!;
    if (this.loss.shouldDrop(record)) {
      this.lastDropReason = DropReason.loss;
      return DROPPED;
    }
    const profile = info & PROFILE_MASK;
    const sampler = this.samplers[profile]!;
    const base = departUs + this.baseDelayUs[profile]!;
    const duplicate = this.duplicateProbability[profile]!;
    if (duplicate > 0 && this.bank.next(this.duplicateStream[record]!) < duplicate) {
      this.duplicateArrivalUs = base + sampler.sampleUs(this.duplicateDelayStream[record]!);
    }
    return base + sampler.sampleUs(this.delayStream[record]!);
  }
}
