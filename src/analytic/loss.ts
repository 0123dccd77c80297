/**
 * Long-run loss of a link's loss model: the Bernoulli probability, or the stationary
 * average of a Gilbert–Elliott chain. One formula for the engine (src/sim/network),
 * the closed-form checks (src/sweep) and `hbsim configure`.
 */

/** A link's loss model: Bernoulli, or a Gilbert–Elliott chain (the engine's LossModel is this type). */
export type LossModelShape =
  | { readonly kind: 'bernoulli'; readonly probability: number }
  | {
      readonly kind: 'gilbertElliott';
      /** p: Pr(good → bad) per message. */
      readonly enterBadProbability: number;
      /** r: Pr(bad → good) per message; the mean burst lasts 1/r messages. */
      readonly leaveBadProbability: number;
      /** 1 − k: loss probability in the good state (0 for the simple Gilbert model). */
      readonly lossInGoodProbability: number;
      /** 1 − h: loss probability in the bad state (1 for the simple Gilbert model). */
      readonly lossInBadProbability: number;
    };

/** Long-run fraction of messages lost under a model. */
export function averageLoss(model: LossModelShape): number {
  if (model.kind === 'bernoulli') return model.probability;
  const p = model.enterBadProbability;
  const r = model.leaveBadProbability;
  if (p + r === 0) return model.lossInGoodProbability;
  return (model.lossInGoodProbability * r + model.lossInBadProbability * p) / (p + r);
}

/** A link's long-run loss: its `loss` model when it has one, else its Bernoulli `lossProbability`. */
export function averageLinkLoss(link: { readonly lossProbability: number; readonly loss?: LossModelShape }): number {
  return averageLoss(link.loss ?? { kind: 'bernoulli', probability: link.lossProbability });
}
