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
import { LinkLoss, validateLossModel, type LossModel } from './loss.js';
import type { StreamBank } from '../random/streams.js';

export const DROPPED = -1;

/** Why a message did not arrive. */
export const DropReason = { none: 0, loss: 1, partition: 2 } as const;

export function linkLossModel(link: LinkConfig): LossModel {
  return link.loss ?? { kind: 'bernoulli', probability: link.lossProbability };
}

export class LinkTable {
  readonly linkCount: number;
  private readonly bank: StreamBank;
  private readonly profileOf: Uint16Array;
  private readonly baseDelayUs: Float64Array;
  private readonly duplicateProbability: Float64Array;
  private readonly samplers: DurationSampler[];
  private readonly delayStream: Int32Array;
  private readonly duplicateStream: Int32Array;
  private readonly duplicateDelayStream: Int32Array;
  private readonly downCount: Int32Array;
  /** Sum of `downCount`: while 0 (no partition), a message reads no per-link counter. */
  private cuts = 0;
  private readonly profiles: readonly LinkConfig[];
  private readonly streamKey: (link: number, purpose: string) => number;
  /** 1 once the link's streams exist (see `seed`). */
  private readonly seeded: Uint8Array;
  readonly loss: LinkLoss;
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
    this.profileOf = Uint16Array.from(profileOfLink);
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
    this.profiles = profiles;
    this.streamKey = streamKey;
    this.seeded = new Uint8Array(n);
    // Bad settings are refused now, not at a link's first message.
    profiles.forEach((p, k) => validateLossModel(linkLossModel(p), `link class ${k} loss`));
  }

  /**
   * Creates a link's streams on its first message, and only those its class draws
   * from: a link that carries nothing (the observer → node direction of pushed
   * heartbeats) costs no stream. A stream's draws depend on its key alone
   * (streams.ts), so when a stream is created changes nothing.
   */
  private seed(link: number): void {
    this.seeded[link] = 1;
    const profile = this.profileOf[link]!;
    const key = this.streamKey;
    if (!this.samplers[profile]!.isConstant) this.delayStream[link] = key(link, 'delay');
    this.loss.configure(link, linkLossModel(this.profiles[profile]!), (purpose) => key(link, purpose));
    if (this.duplicateProbability[profile]! > 0) {
      this.duplicateStream[link] = key(link, 'duplicate');
      this.duplicateDelayStream[link] = key(link, 'duplicate-delay');
    }
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
    if (this.seeded[link] === 0) this.seed(link);
    if (this.loss.shouldDrop(link)) {
      this.lastDropReason = DropReason.loss;
      return DROPPED;
    }
    const profile = this.profileOf[link]!;
    return departUs + this.baseDelayUs[profile]! + this.samplers[profile]!.sampleUs(this.delayStream[link]!);
  }

  /** One message leaves at `departUs`: its arrival instant, or DROPPED. */
  transmit(link: number, departUs: number): number {
    this.duplicateArrivalUs = DROPPED;
    if (this.cuts > 0 && this.downCount[link]! > 0) {
      this.lastDropReason = DropReason.partition;
      return DROPPED;
    }
    if (this.seeded[link] === 0) this.seed(link);
    if (this.loss.shouldDrop(link)) {
      this.lastDropReason = DropReason.loss;
      return DROPPED;
    }
    const profile = this.profileOf[link]!;
    const sampler = this.samplers[profile]!;
    const base = departUs + this.baseDelayUs[profile]!;
    const duplicate = this.duplicateProbability[profile]!;
    if (duplicate > 0 && this.bank.next(this.duplicateStream[link]!) < duplicate) {
      this.duplicateArrivalUs = base + sampler.sampleUs(this.duplicateDelayStream[link]!);
    }
    return base + sampler.sampleUs(this.delayStream[link]!);
  }
}
