/**
 * Independent (Bernoulli) message loss for many links, decided by geometric skipping:
 * instead of one uniform draw per message, each link draws how many messages get
 * through before its next loss, K ~ Geometric(p) (failures before the first
 * success, with "success" = loss), and counts down. The sequence of outcomes is
 * exactly Bernoulli(p); at 1 % loss it costs one logarithm per hundred messages
 * instead of a hundred draws, which matters in the send path.
 */
import type { StreamBank } from './random.js';

export class BernoulliLoss {
  private readonly logKeep: number;
  private readonly probability: number;
  private readonly bank: StreamBank;
  private readonly streams: Int32Array;
  /** Messages each link still delivers before its next loss. */
  private readonly remaining: Float64Array;

  /** `streams[link]` is the index, in `bank`, of that link's loss stream. */
  constructor(probability: number, bank: StreamBank, streams: Int32Array) {
    if (!(probability >= 0 && probability <= 1)) throw new RangeError(`loss probability must be in [0, 1], got ${probability}`);
    this.probability = probability;
    this.logKeep = Math.log1p(-probability);
    this.bank = bank;
    this.streams = streams;
    this.remaining = new Float64Array(streams.length);
    for (let link = 0; link < streams.length; link++) this.remaining[link] = this.drawGap(link);
  }

  private drawGap(link: number): number {
    if (this.probability === 0) return Number.POSITIVE_INFINITY;
    if (this.probability === 1) return 0;
    return Math.floor(Math.log(this.bank.nextOpenZero(this.streams[link]!)) / this.logKeep);
  }

  /** Decides the fate of the link's next message. */
  shouldDrop(link: number): boolean {
    const left = this.remaining[link]!;
    if (left > 0) {
      this.remaining[link] = left - 1;
      return false;
    }
    this.remaining[link] = this.drawGap(link);
    return true;
  }
}
