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

/** How a compiled loss model draws: nothing, geometric skipping, or the Gilbert–Elliott chain. */
export const LossKind = { none: 0, bernoulli: 1, gilbertElliott: 2 } as const;
const KIND_NONE = LossKind.none;
const KIND_BERNOULLI = LossKind.bernoulli;
const KIND_GILBERT_ELLIOTT = LossKind.gilbertElliott;

/**
 * A loss model as the draws below take it. Compiled once per link class; the engine's
 * links (`LinkLoss`) and the per-node fast path (sim/fast) both draw through
 * `geometricGap`, `gilbertStep` and `stationaryStart`, so the arithmetic is written once.
 */
export interface CompiledLoss {
  readonly kind: number;
  /** Bernoulli: log(1 − p) (−∞ when every message is lost). */
  readonly logKeep: number;
  readonly enterBad: number;
  readonly leaveBad: number;
  readonly lossGood: number;
  readonly lossBad: number;
  /** Gilbert–Elliott: stationary Pr(bad) = p/(p+r), the chain's starting law. */
  readonly stationaryBad: number;
}

export function compileLoss(model: LossModel, what: string): CompiledLoss {
  validateLossModel(model, what);
  if (model.kind === 'bernoulli') {
    const kind = model.probability === 0 ? KIND_NONE : KIND_BERNOULLI;
    return { kind, logKeep: Math.log1p(-model.probability), enterBad: 0, leaveBad: 0, lossGood: 0, lossBad: 0, stationaryBad: 0 };
  }
  const p = model.enterBadProbability;
  const r = model.leaveBadProbability;
  return {
    kind: KIND_GILBERT_ELLIOTT,
    logKeep: 0,
    enterBad: p,
    leaveBad: r,
    lossGood: model.lossInGoodProbability,
    lossBad: model.lossInBadProbability,
    stationaryBad: p + r > 0 ? p / (p + r) : 0,
  };
}

/** Bernoulli by geometric skipping: how many messages get through before the next loss (one draw). */
export function geometricGap(bank: StreamBank, lossStream: number, logKeep: number): number {
  if (logKeep === Number.NEGATIVE_INFINITY) return 0; // p = 1: every message is lost
  return Math.floor(Math.log(bank.nextOpenZero(lossStream)) / logKeep);
}

/**
 * One message on a Gilbert–Elliott link: the chain's transition (a draw from the state
 * stream), then loss with the probability of the state it was in before (a draw from
 * the loss stream), as netem. Returns 2·(bad after) + (1 if lost): small integers, so
 * nothing is boxed even where the call is not inlined.
 */
export function gilbertStep(
  bank: StreamBank,
  stateStream: number,
  lossStream: number,
  bad: number,
  enterBad: number,
  leaveBad: number,
  lossGood: number,
  lossBad: number,
): number {
  const wasBad = bad === 1;
  const u = bank.next(stateStream);
  const after = (wasBad ? u < leaveBad : u < enterBad) ? 1 - bad : bad;
  const lost = bank.next(lossStream) < (wasBad ? lossBad : lossGood) ? 1 : 0;
  return 2 * after + lost;
}

/** The chain's first state, drawn from its stationary law (no transient to warm up): 1 if bad. */
export function stationaryStart(bank: StreamBank, stateStream: number, stationaryBad: number): number {
  return bank.next(stateStream) < stationaryBad ? 1 : 0;
}

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

/** A link's hot loss record (see `LinkLoss`): doubles at STRIDE·link + … */
const STRIDE = 4;
const KIND = 0;
const REMAINING = 1;
const LOSS_STREAM = 2;
const LOG_KEEP = 3;

/**
 * The loss state of every link. Links are dense indices; `configure` gives a link its
 * model and streams once, and `shouldDrop(link)` decides each message.
 *
 * What every message reads — the model's kind, the Bernoulli countdown, the loss
 * stream, log(1 − p) — sits in one 32-byte record per link: at 100 k nodes each
 * separate per-link array was a cache miss per heartbeat. Gilbert–Elliott's chain
 * state and laws stay apart (read only on such links).
 */
export class LinkLoss {
  private readonly bank: StreamBank;
  private readonly hot: Float64Array;
  // Gilbert–Elliott
  private readonly bad: Uint8Array;
  private readonly enterBad: Float64Array;
  private readonly leaveBad: Float64Array;
  private readonly lossGood: Float64Array;
  private readonly lossBad: Float64Array;
  private readonly stateStream: Int32Array;

  constructor(linkCount: number, bank: StreamBank) {
    this.bank = bank;
    this.hot = new Float64Array(STRIDE * linkCount);
    this.bad = new Uint8Array(linkCount);
    this.enterBad = new Float64Array(linkCount);
    this.leaveBad = new Float64Array(linkCount);
    this.lossGood = new Float64Array(linkCount);
    this.lossBad = new Float64Array(linkCount);
    this.stateStream = new Int32Array(linkCount);
  }

  /**
   * Gives `link` its model. `stream(purpose)` creates the link's stream for a purpose
   * ("loss", "loss-state"); it is called only for the streams the model draws from.
   */
  configure(link: number, model: LossModel, stream: (purpose: string) => number): void {
    const law = compileLoss(model, `link ${link} loss`);
    const lossStream = law.kind === KIND_NONE ? 0 : stream('loss');
    this.configureCompiled(link, law, lossStream, law.kind === KIND_GILBERT_ELLIOTT ? stream('loss-state') : 0);
  }

  /**
   * `configure` with the law compiled once for a link class and the streams made by the
   * caller ("loss", then "loss-state" for Gilbert–Elliott; 0 where the law draws none).
   */
  configureCompiled(link: number, law: CompiledLoss, lossStream: number, stateStream: number): void {
    const at = STRIDE * link;
    const hot = this.hot;
    hot[at + KIND] = law.kind;
    if (law.kind === KIND_NONE) return;
    hot[at + LOSS_STREAM] = lossStream;
    if (law.kind === KIND_BERNOULLI) {
      hot[at + LOG_KEEP] = law.logKeep;
      hot[at + REMAINING] = geometricGap(this.bank, lossStream, law.logKeep);
      return;
    }
    this.stateStream[link] = stateStream;
    this.enterBad[link] = law.enterBad;
    this.leaveBad[link] = law.leaveBad;
    this.lossGood[link] = law.lossGood;
    this.lossBad[link] = law.lossBad;
    this.bad[link] = stationaryStart(this.bank, stateStream, law.stationaryBad);
  }

  /** Decides the fate of the link's next message. */
  shouldDrop(link: number): boolean {
    const hot = this.hot;
    const at = STRIDE * link;
    const kind = hot[at + KIND]!;
    if (kind === KIND_NONE) return false;
    if (kind === KIND_BERNOULLI) {
      const left = hot[at + REMAINING]!;
      if (left > 0) {
        hot[at + REMAINING] = left - 1;
        return false;
      }
      hot[at + REMAINING] = geometricGap(this.bank, hot[at + LOSS_STREAM]!, hot[at + LOG_KEEP]!);
      return true;
    }
    const step = gilbertStep(
      this.bank,
      this.stateStream[link]!,
      hot[at + LOSS_STREAM]!,
      this.bad[link]!,
      this.enterBad[link]!,
      this.leaveBad[link]!,
      this.lossGood[link]!,
      this.lossBad[link]!,
    );
    this.bad[link] = step >> 1;
    return (step & 1) === 1;
  }
}
