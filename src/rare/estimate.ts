/**
 * False-suspicion rates far below what plain simulation can observe (10⁻³ per
 * node-day and lower need 10⁴+ node-days to see anything), by importance sampling
 * with a likelihood ratio, for the fixed-timeout family under Bernoulli loss,
 * Gilbert–Elliott (Markov) loss and independent sender pauses.
 *
 * Why it is exact in expectation. A false suspicion of the fixed timeout begins at
 * a + TO (or the first check after it, when polling) for exactly one arrival a: the
 * last one before it, with no other arrival in (a, a + TO]. So the onset rate is the
 * heartbeat rate 1/η times π = Pr(heartbeat 0 is delivered and nothing else arrives
 * in its window) (stationarity: jitter and delays i.i.d., the loss chain in its
 * stationary law, the check grid at a uniform phase — each node starts at a uniform
 * random phase). π depends only on the heartbeats near 0, so one sample is a short
 * window of heartbeats, not a run.
 *
 * The rare part is the losses after heartbeat 0. They are drawn from a tilted law g
 * (Bernoulli: loss probability q = max(p, 2^(−1/m)) for a window of m heartbeats, so
 * the all-lost event has probability ≈ 1/2 under g; Gilbert–Elliott: entering and
 * staying in the bad state, and losing in it, tilted the same way), and each sample is
 * weighted by the likelihood ratio f/h of its loss draws, h = α f + (1 − α) g a
 * defensive mixture (Hesterberg 1995) with α = 0.2, which bounds every weight by 1/α
 * so the variance is finite whatever the tilt. Delays, jitter and the losses before
 * heartbeat 0 keep their own law. E_h[I · f/h] = E_f[I] = π exactly; the interval is
 * the CLT interval of the mean of i.i.d. weighted samples (and with no hit at all,
 * the bound 3.689/(α N) — never zero).
 *
 * Pauses: onsets are Poisson, so the rate of suspicions a pause causes is the pause
 * rate times Pr(a pause causes an onset): a pause starting at a uniform phase, its
 * length drawn from a tilted law (lognormal: median moved to the timeout; exponential:
 * mean moved to the timeout; σ and shape kept) with the same defensive mixture, the
 * heartbeats sent during it missed, an onset counted when the window of an arrival
 * would have held the arrival of a heartbeat the pause suppressed. Suspicions from
 * losses alone are the loss part's; a pause and a burst together count in the pause
 * part. Two pauses within one window (probability ~ pause rate × window) are treated
 * as independent.
 *
 * Pure and deterministic: draws come from seeded streams (`rare/...`).
 */
import type { DelayDistribution } from '../sim/random/distributions.js';
import { DurationSampler } from '../sim/random/distributions.js';
import { delayLaw } from '../analytic/index.js';
import { StreamBank } from '../sim/random/streams.js';
import { namedStreamKey } from '../sim/random/stream-keys.js';
import type { RareModel } from './model.js';

const US_PER_DAY = 86_400e6;
/** Share of samples drawn from the nominal law (the defensive mixture): every weight ≤ 1/ALPHA. */
export const ALPHA = 0.2;
const Z95 = 1.959964;
/** Two-sided 95 % upper bound of a Poisson mean after zero events. */
const ZERO_EVENTS_95 = 3.689;

export interface ComponentEstimate {
  /** What is estimated: `losses` or `pauses #i`. */
  readonly source: string;
  readonly perNodeDay: number;
  readonly standardError: number;
  readonly samples: number;
  /** Samples in which the event happened. */
  readonly hits: number;
}

export interface RareEstimate {
  readonly perNodeDay: number;
  readonly standardError: number;
  /** 95 % interval: normal (CLT) on the weighted mean; [0, bound] when nothing was hit. */
  readonly ci95: readonly [number, number];
  readonly components: readonly ComponentEstimate[];
  readonly method: string;
}

export interface RareOptions {
  readonly seed: string;
  /** Samples per component (heartbeat windows for losses, pauses for each pause rule). */
  readonly samples?: number;
}

class Draws {
  private readonly bank = new StreamBank(8);
  private readonly uniformStream: number;
  readonly delay: DurationSampler;
  readonly jitter: DurationSampler;
  private readonly delayStream: number;
  private readonly jitterStream: number;
  readonly baseUs: number;

  constructor(seed: string, key: string, model: RareModel) {
    const root = { seed, replication: 0 };
    this.uniformStream = this.bank.add(root, namedStreamKey(`rare/${key}/uniform`));
    this.delayStream = this.bank.add(root, namedStreamKey(`rare/${key}/delay`));
    this.jitterStream = this.bank.add(root, namedStreamKey(`rare/${key}/jitter`));
    this.delay = new DurationSampler(model.delay.random, this.bank, 'link delay');
    this.jitter = new DurationSampler(model.jitter, this.bank, 'jitter');
    this.baseUs = model.delay.baseUs;
  }

  u(): number {
    return this.bank.next(this.uniformStream);
  }
  delayUs(): number {
    return this.baseUs + this.delay.sampleUs(this.delayStream);
  }
  jitterUs(): number {
    return this.jitter.sampleUs(this.jitterStream);
  }
  normal(): number {
    // Box–Muller on two uniforms; 1 − u keeps the logarithm finite.
    return Math.sqrt(-2 * Math.log(1 - this.u())) * Math.cos(2 * Math.PI * this.u());
  }
}

/** Heartbeats before 0 that could still arrive after heartbeat 0 (delay tail beyond K·η below 1e-12). */
function lookBack(model: RareModel): number {
  const law = delayLaw(model.delay);
  let k = 1;
  while (k < 10_000 && law.survival(k * model.intervalUs) > 1e-12) k++;
  return k;
}

/** The end of the silent window of an arrival at `a`: a + TO, or the first check after it. */
function windowEnd(a: number, model: RareModel, phaseUs: number): number {
  const t = a + model.timeoutUs;
  const c = model.checkIntervalUs;
  if (c === 0) return t;
  // The first grid point φ + k·c strictly after t.
  return phaseUs + (Math.floor((t - phaseUs) / c) + 1) * c;
}

/** Loss parameters of the chain (Bernoulli is a one-state chain). */
interface Chain {
  readonly enterBad: number;
  readonly leaveBad: number;
  readonly lossGood: number;
  readonly lossBad: number;
}

function chainOf(model: RareModel): Chain {
  const l = model.loss;
  return l.kind === 'bernoulli'
    ? { enterBad: 0, leaveBad: 1, lossGood: l.probability, lossBad: l.probability }
    : { enterBad: l.enterBadProbability, leaveBad: l.leaveBadProbability, lossGood: l.lossInGoodProbability, lossBad: l.lossInBadProbability };
}

/** The tilted chain: bursts that cover a window of m heartbeats about half the time. */
function tiltedChain(c: Chain, m: number): Chain {
  const q = Math.pow(0.5, 1 / Math.max(1, m));
  // A probability of 0 (or 1) stays put: what cannot happen under f must not be sampled under g.
  const up = (x: number, to: number) => (x > 0 && x < 1 ? Math.max(x, to) : x);
  const down = (x: number, to: number) => (x > 0 && x < 1 ? Math.min(x, to) : x);
  const bernoulli = c.enterBad === 0 && c.lossGood === c.lossBad;
  if (bernoulli) return { ...c, lossGood: up(c.lossGood, q), lossBad: up(c.lossBad, q) };
  return { enterBad: up(c.enterBad, 0.5), leaveBad: down(c.leaveBad, 1 - q), lossGood: c.lossGood, lossBad: up(c.lossBad, q) };
}

function mean(xs: Float64Array, n: number): { mean: number; se: number } {
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i]!;
  const m = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (xs[i]! - m) ** 2;
  return { mean: m, se: Math.sqrt(v / (n - 1) / n) };
}

/** One Bernoulli draw with probability `nominal` under f and `tilted` under g; returns the outcome and adds log(f/g). */
function draw(d: Draws, nominal: number, tilted: number, useTilted: boolean, log: { v: number }): boolean {
  const p = useTilted ? tilted : nominal;
  const hit = d.u() < p;
  if (nominal !== tilted) log.v += hit ? Math.log(nominal / tilted) : Math.log((1 - nominal) / (1 - tilted));
  return hit;
}

/** Weight f/h of a sample whose tilted-block log-likelihood ratio is log(f/g), h = α f + (1 − α) g. */
function mixtureWeight(logFOverG: number): number {
  return 1 / (ALPHA + (1 - ALPHA) * Math.exp(-logFOverG));
}

/** π: Pr(heartbeat 0 delivered and no other arrival in its window), one weighted sample per call. */
export function estimateLossOnsets(model: RareModel, options: RareOptions): ComponentEstimate {
  const n = options.samples ?? 200_000;
  const d = new Draws(options.seed, 'losses', model);
  const eta = model.intervalUs;
  const chain = chainOf(model);
  const m = Math.max(1, Math.floor(model.timeoutUs / eta));
  const tilt = tiltedChain(chain, m);
  const K = lookBack(model);
  const stationaryBad = chain.enterBad + chain.leaveBad === 0 ? 0 : chain.enterBad / (chain.enterBad + chain.leaveBad);
  const values = new Float64Array(n);
  let hits = 0;
  const log = { v: 0 };
  for (let i = 0; i < n; i++) {
    const useTilted = d.u() >= ALPHA;
    const phase = model.checkIntervalUs > 0 ? Math.floor(d.u() * model.checkIntervalUs) : 0;
    log.v = 0;
    // The chain from K heartbeats back, in its stationary law, nominal up to heartbeat 0's loss.
    let bad = d.u() < stationaryBad;
    const early: number[] = [];
    for (let j = -K; j < 0; j++) {
      const lost = d.u() < (bad ? chain.lossBad : chain.lossGood);
      bad = bad ? !(d.u() < chain.leaveBad) : d.u() < chain.enterBad;
      const x = j * eta + d.jitterUs() + d.delayUs();
      if (!lost) early.push(x);
    }
    const lost0 = d.u() < (bad ? chain.lossBad : chain.lossGood);
    if (lost0) continue;
    const a0 = d.jitterUs() + d.delayUs();
    const end = windowEnd(a0, model, phase);
    let silent = early.every((x) => !(x > a0 && x <= end));
    // Transitions from heartbeat 0 on, and losses from heartbeat 1 on, are the tilted block.
    bad = bad ? !draw(d, chain.leaveBad, tilt.leaveBad, useTilted, log) : draw(d, chain.enterBad, tilt.enterBad, useTilted, log);
    for (let j = 1; silent && j * eta <= end; j++) {
      const lost = bad ? draw(d, chain.lossBad, tilt.lossBad, useTilted, log) : draw(d, chain.lossGood, tilt.lossGood, useTilted, log);
      bad = bad ? !draw(d, chain.leaveBad, tilt.leaveBad, useTilted, log) : draw(d, chain.enterBad, tilt.enterBad, useTilted, log);
      const x = j * eta + d.jitterUs() + d.delayUs();
      if (!lost && x > a0 && x <= end) silent = false;
    }
    if (!silent) continue;
    hits++;
    values[i] = mixtureWeight(log.v);
  }
  const { mean: pi, se } = mean(values, n);
  const perHeartbeatToDay = US_PER_DAY / eta;
  return { source: 'losses', perNodeDay: pi * perHeartbeatToDay, standardError: se * perHeartbeatToDay, samples: n, hits };
}

/** The pause-length law tilted towards the timeout, with its density ratio f/g; null when no tilt applies. */
function tiltedPause(law: DelayDistribution, timeoutUs: number): { sample: (d: Draws) => number; logFOverG: (x: number) => number; nominal: (d: Draws) => number } | null {
  if (law.kind === 'lognormal') {
    const mu = Math.log(law.medianUs);
    const mu2 = Math.max(mu, Math.log(timeoutUs));
    const s = law.sigma;
    if (s === 0) return null;
    return {
      nominal: (d) => Math.round(Math.exp(mu + s * d.normal())),
      sample: (d) => Math.round(Math.exp(mu2 + s * d.normal())),
      logFOverG: (x) => {
        const y = Math.log(Math.max(x, 0.5));
        return (-((y - mu) ** 2) + (y - mu2) ** 2) / (2 * s * s);
      },
    };
  }
  if (law.kind === 'exponential') {
    const m1 = law.meanUs;
    const m2 = Math.max(m1, timeoutUs);
    return {
      nominal: (d) => Math.round(-m1 * Math.log(1 - d.u())),
      sample: (d) => Math.round(-m2 * Math.log(1 - d.u())),
      logFOverG: (x) => Math.log(m2 / m1) - x / m1 + x / m2,
    };
  }
  return null;
}

/** The rate of false suspicions one pause rule causes, per node-day. */
export function estimatePauseOnsets(model: RareModel, index: number, options: RareOptions): ComponentEstimate {
  const pause = model.pauses[index]!;
  const n = options.samples ?? 200_000;
  const d = new Draws(options.seed, `pauses/${index}`, model);
  const eta = model.intervalUs;
  const chain = chainOf(model);
  const K = lookBack(model);
  const tilt = tiltedPause(pause.duration, model.timeoutUs);
  const plainBank = new StreamBank(1);
  const plainStream = plainBank.add({ seed: options.seed, replication: 0 }, namedStreamKey(`rare/pauses/${index}/duration`));
  const plain = new DurationSampler(pause.duration, plainBank, 'pause');
  const stationaryBad = chain.enterBad + chain.leaveBad === 0 ? 0 : chain.enterBad / (chain.enterBad + chain.leaveBad);
  const values = new Float64Array(n);
  let hits = 0;
  const sent: number[] = [];
  const arrivals: number[] = [];
  const suppressed: number[] = [];
  for (let i = 0; i < n; i++) {
    const phase = model.checkIntervalUs > 0 ? Math.floor(d.u() * model.checkIntervalUs) : 0;
    const start = Math.floor(d.u() * eta);
    let length: number;
    let weight = 1;
    if (tilt === null) length = plain.sampleUs(plainStream);
    else {
      length = d.u() < ALPHA ? tilt.nominal(d) : tilt.sample(d);
      weight = mixtureWeight(tilt.logFOverG(length));
    }
    const stop = start + length;
    sent.length = 0;
    arrivals.length = 0;
    suppressed.length = 0;
    let bad = d.u() < stationaryBad;
    const last = Math.ceil((stop + model.timeoutUs + model.checkIntervalUs) / eta) + K + 1;
    for (let j = -K; j <= last; j++) {
      const sendUs = j * eta + d.jitterUs();
      const lost = d.u() < (bad ? chain.lossBad : chain.lossGood);
      bad = bad ? !(d.u() < chain.leaveBad) : d.u() < chain.enterBad;
      const x = sendUs + d.delayUs();
      const missed = sendUs >= start && sendUs < stop;
      if (lost) continue;
      (missed ? suppressed : arrivals).push(x);
    }
    if (suppressed.length === 0) continue;
    arrivals.sort((a, b) => a - b);
    let caused = 0;
    for (let k = 0; k < arrivals.length; k++) {
      const a = arrivals[k]!;
      if (a >= stop + model.intervalUs + model.timeoutUs) break;
      const end = windowEnd(a, model, phase);
      const next = arrivals[k + 1];
      if (next !== undefined && next <= end) continue; // not an onset
      if (next === undefined && end > last * eta) continue; // beyond what was simulated
      if (suppressed.some((x) => x > a && x <= end)) caused++;
    }
    if (caused === 0) continue;
    hits++;
    values[i] = caused * weight;
  }
  const { mean: perPause, se } = mean(values, n);
  const pausesPerDay = US_PER_DAY / pause.meanGapUs;
  return { source: `pauses #${index}`, perNodeDay: perPause * pausesPerDay, standardError: se * pausesPerDay, samples: n, hits };
}

/** Every component, summed; independent streams, so the variances add. */
export function estimateRareFalseSuspicions(model: RareModel, options: RareOptions): RareEstimate {
  const components = [estimateLossOnsets(model, options), ...model.pauses.map((_, i) => estimatePauseOnsets(model, i, options))];
  const perNodeDay = components.reduce((s, c) => s + c.perNodeDay, 0);
  const standardError = Math.sqrt(components.reduce((s, c) => s + c.standardError ** 2, 0));
  const anyHit = components.some((c) => c.hits > 0);
  // Nothing hit: each component is bounded by 3.689 / (α N) times its scale (weights ≤ 1/α).
  const zeroBound = components.reduce((s, c) => s + (c.hits > 0 ? 0 : c.samples > 0 ? ZERO_EVENTS_95 / (ALPHA * c.samples) : 0) * scaleOf(c, model), 0);
  const ci95: [number, number] = anyHit ? [Math.max(0, perNodeDay - Z95 * standardError), perNodeDay + Z95 * standardError + zeroBound] : [0, zeroBound];
  return {
    perNodeDay,
    standardError,
    ci95,
    components,
    method: 'importance sampling with a likelihood ratio (defensive mixture, α = 0.2): losses after each arrival tilted towards a burst covering the timeout; pause lengths tilted towards the timeout',
  };
}

/** Events per node-day that one unit of a component's per-sample probability stands for. */
function scaleOf(c: ComponentEstimate, model: RareModel): number {
  if (c.source === 'losses') return US_PER_DAY / model.intervalUs;
  const index = Number(c.source.split('#')[1]);
  return US_PER_DAY / model.pauses[index]!.meanGapUs;
}
