/**
 * Message loss on many links, each with its own model and its own streams.
 *
 * - Bernoulli(p): every message is lost independently. Decided by geometric skipping:
 *   each link draws how many messages get through before its next loss,
 *   K ~ Geometric(p), and counts down. The outcomes are exactly Bernoulli(p); at 1 %
 *   loss it costs one logarithm per hundred messages instead of a hundred draws.
 * - Gilbert–Elliott: a two-state Markov chain per link, stepped once per message, as
 *   Linux netem's `loss gemodel p r 1-h 1-k` (net/sched/sch_netem.c, loss_gilb_ell):
 *   each message first draws the chain's transition, then a second draw decides loss
 *   with the loss probability of the state the chain was in *before* the transition.
 *   Stationary Pr(bad) = p/(p+r); mean bad sojourn 1/r messages; average loss
 *   (lossGood·r + lossBad·p)/(p+r) (reference §5.3).
 */
import type { LossModelShape } from '../../analytic/loss.js';
import type { StreamBank } from '../random/streams.js';

/** A link's loss model (declared with its closed form in src/analytic/loss.ts). */
export type LossModel = LossModelShape;

const KIND_NONE = 0;
const KIND_BERNOULLI = 1;
const KIND_GILBERT_ELLIOTT = 2;

export function validateLossModel(model: LossModel, what: string): void {
  const probability = (v: number, name: string) => {
    if (!(v >= 0 && v <= 1)) throw new RangeError(`${what}: ${name} must be a probability in [0, 1], got ${v}`);
  };
  if (model.kind === 'bernoulli') {
    probability(model.probability, 'loss');
    return;
  }
  probability(model.enterBadProbability, 'enter-bad probability');
  probability(model.leaveBadProbability, 'leave-bad probability');
  probability(model.lossInGoodProbability, 'loss in the good state');
  probability(model.lossInBadProbability, 'loss in the bad state');
  if (model.enterBadProbability > 0 && model.leaveBadProbability === 0) {
    throw new RangeError(`${what}: leave-bad probability 0 would make the first burst last forever`);
  }
}

export { averageLoss } from '../../analytic/loss.js';

/**
 * The loss state of every link. Links are dense indices; `configure` gives a link its
 * model and streams once, and `shouldDrop(link)` decides each message.
 */
export class LinkLoss {
  private readonly bank: StreamBank;
  private readonly kind: Uint8Array;
  // Bernoulli
  private readonly logKeep: Float64Array;
  private readonly remaining: Float64Array;
  // Gilbert–Elliott
  private readonly bad: Uint8Array;
  private readonly enterBad: Float64Array;
  private readonly leaveBad: Float64Array;
  private readonly lossGood: Float64Array;
  private readonly lossBad: Float64Array;
  private readonly stateStream: Int32Array;
  // Both
  private readonly lossStream: Int32Array;

  constructor(linkCount: number, bank: StreamBank) {
    this.bank = bank;
    this.kind = new Uint8Array(linkCount);
    this.logKeep = new Float64Array(linkCount);
    this.remaining = new Float64Array(linkCount);
    this.bad = new Uint8Array(linkCount);
    this.enterBad = new Float64Array(linkCount);
    this.leaveBad = new Float64Array(linkCount);
    this.lossGood = new Float64Array(linkCount);
    this.lossBad = new Float64Array(linkCount);
    this.stateStream = new Int32Array(linkCount);
    this.lossStream = new Int32Array(linkCount);
  }

  /**
   * Gives `link` its model. `stream(purpose)` creates the link's stream for a purpose
   * ("loss", "loss-state"); it is called only for the streams the model draws from.
   */
  configure(link: number, model: LossModel, stream: (purpose: string) => number): void {
    validateLossModel(model, `link ${link} loss`);
    if (model.kind === 'bernoulli') {
      if (model.probability === 0) {
        this.kind[link] = KIND_NONE;
        return;
      }
      this.kind[link] = KIND_BERNOULLI;
      this.lossStream[link] = stream('loss');
      this.logKeep[link] = Math.log1p(-model.probability);
      this.remaining[link] = this.drawGap(link);
      return;
    }
    this.kind[link] = KIND_GILBERT_ELLIOTT;
    this.lossStream[link] = stream('loss');
    this.stateStream[link] = stream('loss-state');
    this.enterBad[link] = model.enterBadProbability;
    this.leaveBad[link] = model.leaveBadProbability;
    this.lossGood[link] = model.lossInGoodProbability;
    this.lossBad[link] = model.lossInBadProbability;
    // Start in the stationary distribution, so there is no transient to warm up.
    const p = model.enterBadProbability;
    const r = model.leaveBadProbability;
    const stationaryBad = p + r > 0 ? p / (p + r) : 0;
    this.bad[link] = this.bank.next(this.stateStream[link]!) < stationaryBad ? 1 : 0;
  }

  private drawGap(link: number): number {
    const logKeep = this.logKeep[link]!;
    if (logKeep === Number.NEGATIVE_INFINITY) return 0; // p = 1: every message is lost
    return Math.floor(Math.log(this.bank.nextOpenZero(this.lossStream[link]!)) / logKeep);
  }

  /** Decides the fate of the link's next message. */
  shouldDrop(link: number): boolean {
    const kind = this.kind[link]!;
    if (kind === KIND_NONE) return false;
    if (kind === KIND_BERNOULLI) {
      const left = this.remaining[link]!;
      if (left > 0) {
        this.remaining[link] = left - 1;
        return false;
      }
      this.remaining[link] = this.drawGap(link);
      return true;
    }
    const wasBad = this.bad[link] === 1;
    const u = this.bank.next(this.stateStream[link]!);
    if (wasBad ? u < this.leaveBad[link]! : u < this.enterBad[link]!) this.bad[link] = wasBad ? 0 : 1;
    return this.bank.next(this.lossStream[link]!) < (wasBad ? this.lossBad[link]! : this.lossGood[link]!);
  }
}
