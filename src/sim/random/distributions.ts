/**
 * Random durations: the named laws a scenario can use for link delay, send jitter
 * and (later) pause lengths. A law is a discriminated union with named fields; a
 * `DurationSampler` is its compiled, allocation-free form for the event loop.
 * Rounding to whole microseconds happens here and nowhere else.
 */
import type { RandomStream, StreamBank } from './streams.js';
import { standardExponential } from './ziggurat.js';

export type DelayDistribution =
  | { readonly kind: 'constant'; readonly valueUs: number }
  | { readonly kind: 'uniform'; readonly minUs: number; readonly maxUs: number }
  | { readonly kind: 'exponential'; readonly meanUs: number }
  /** Normal with these parameters, conditioned on being ≥ 0 (resampled, not clamped). */
  | { readonly kind: 'normal'; readonly meanUs: number; readonly sdUs: number }
  /** ln X ~ N(ln medianUs, sigma²). */
  | { readonly kind: 'lognormal'; readonly medianUs: number; readonly sigma: number }
  /** Support [scaleUs, ∞), Pr(X > x) = (scaleUs / x)^shape. */
  | { readonly kind: 'pareto'; readonly scaleUs: number; readonly shape: number }
  /**
   * An empirical law: quantiles at equally spaced probabilities 0, 1/(n−1), …, 1 (sorted
   * samples are exactly that), linearly interpolated — a user's own ping statistics.
   */
  | { readonly kind: 'empirical'; readonly quantilesUs: readonly number[] };

export type DelayKind = DelayDistribution['kind'];

/** A fixed part plus a random part: one message's one-way delay. */
export interface LinkDelay {
  readonly baseUs: number;
  readonly random: DelayDistribution;
}

const KIND_CONSTANT = 0;
const KIND_UNIFORM = 1;
const KIND_EXPONENTIAL = 2;
const KIND_NORMAL = 3;
const KIND_LOGNORMAL = 4;
const KIND_PARETO = 5;
const KIND_EMPIRICAL = 6;

export function validateDistribution(law: DelayDistribution, what: string): void {
  const bad = (msg: string): never => {
    throw new RangeError(`${what}: ${msg}`);
  };
  const nonNegative = (v: number, name: string) => {
    if (!(Number.isFinite(v) && v >= 0)) bad(`${name} must be a finite number ≥ 0, got ${v}`);
  };
  switch (law.kind) {
    case 'constant':
      nonNegative(law.valueUs, 'value');
      return;
    case 'uniform':
      nonNegative(law.minUs, 'min');
      nonNegative(law.maxUs, 'max');
      if (law.maxUs < law.minUs) bad(`max (${law.maxUs} µs) is below min (${law.minUs} µs)`);
      return;
    case 'exponential':
      nonNegative(law.meanUs, 'mean');
      return;
    case 'normal':
      if (!Number.isFinite(law.meanUs)) bad(`mean must be finite, got ${law.meanUs}`);
      nonNegative(law.sdUs, 'sd');
      // Resampling below zero must terminate quickly: keep Pr(X ≥ 0) reasonable.
      if (law.sdUs > 0 && law.meanUs < -3 * law.sdUs) bad('mean is more than 3 sd below zero; the truncated law is degenerate');
      if (law.sdUs === 0 && law.meanUs < 0) bad('mean must be ≥ 0 when sd is 0');
      return;
    case 'lognormal':
      if (!(Number.isFinite(law.medianUs) && law.medianUs > 0)) bad(`median must be > 0, got ${law.medianUs}`);
      nonNegative(law.sigma, 'sigma');
      return;
    case 'pareto':
      if (!(Number.isFinite(law.scaleUs) && law.scaleUs > 0)) bad(`scale must be > 0, got ${law.scaleUs}`);
      if (!(Number.isFinite(law.shape) && law.shape > 0)) bad(`shape must be > 0, got ${law.shape}`);
      return;
    case 'empirical': {
      const q = law.quantilesUs;
      if (q.length < 2) bad('an empirical law needs at least 2 values');
      for (let i = 0; i < q.length; i++) {
        nonNegative(q[i]!, `value ${i + 1}`);
        if (i > 0 && q[i]! < q[i - 1]!) bad(`values must be in ascending order (value ${i + 1} is below value ${i})`);
      }
      return;
    }
  }
}

/**
 * A compiled law drawing from streams of one bank. `sampleUs(stream)` allocates
 * nothing: the law's parameters live in plain fields and the switch is on a small
 * integer. One sampler serves every link that shares the law; each link passes its
 * own stream index.
 */
/** 2^51 µs (about 71 years): beyond any run's end, and now + MAX_DRAW_US stays below 2^53. */
export const MAX_DRAW_US = 2 ** 51;

export class DurationSampler {
  /** The law and its two parameters, as `drawUs` takes them. */
  readonly kind: number;
  readonly a: number;
  readonly b: number;
  private readonly table: Float64Array;
  private readonly bank: StreamBank;

  constructor(law: DelayDistribution, bank: StreamBank, what = 'duration') {
    validateDistribution(law, what);
    this.bank = bank;
    this.table = law.kind === 'empirical' ? Float64Array.from(law.quantilesUs) : new Float64Array(0);
    switch (law.kind) {
      case 'constant':
        this.kind = KIND_CONSTANT;
        this.a = law.valueUs;
        this.b = 0;
        break;
      case 'uniform':
        this.kind = KIND_UNIFORM;
        this.a = law.minUs;
        this.b = law.maxUs - law.minUs;
        break;
      case 'exponential':
        this.kind = KIND_EXPONENTIAL;
        this.a = law.meanUs;
        this.b = 0;
        break;
      case 'normal':
        this.kind = KIND_NORMAL;
        this.a = law.meanUs;
        this.b = law.sdUs;
        break;
      case 'lognormal':
        this.kind = KIND_LOGNORMAL;
        this.a = Math.log(law.medianUs);
        this.b = law.sigma;
        break;
      case 'pareto':
        this.kind = KIND_PARETO;
        this.a = law.scaleUs;
        this.b = 1 / law.shape;
        break;
      case 'empirical':
        this.kind = KIND_EMPIRICAL;
        this.a = law.quantilesUs.length - 1;
        this.b = 0;
        break;
    }
  }

  /** True when every draw is the same value (no stream is then consumed). */
  get isConstant(): boolean {
    return this.kind === KIND_CONSTANT;
  }

  /** One draw from `stream`, rounded to whole microseconds, never negative (see `drawUs`). */
  sampleUs(stream: number): number {
    return drawUs(this.bank, stream, this.kind, this.a, this.b, this);
  }

  /** Normal, lognormal, Pareto and empirical draws, unrounded (see `tailDrawUs`). */
  tailRawUs(stream: number): number {
    const bank = this.bank;
    switch (this.kind) {
      case KIND_NORMAL: {
        // Truncation at 0 by rejection keeps the shape of the normal above 0.
        for (;;) {
          const x = this.a + this.b * bank.normal(stream);
          if (x >= 0) return x;
        }
      }
      case KIND_LOGNORMAL:
        return Math.exp(this.a + this.b * bank.normal(stream));
      case KIND_PARETO:
        return this.a * Math.pow(bank.nextOpenZero(stream), -this.b);
      case KIND_EMPIRICAL: {
        // Inverse of the piecewise-linear CDF through the quantiles.
        const x = bank.next(stream) * this.a;
        const i = Math.floor(x);
        const lo = this.table[i]!;
        return lo + (x - i) * (this.table[i + 1]! - lo);
      }
      default:
        return 0;
    }
  }
}

/**
 * One draw of a law from `stream`, rounded to whole microseconds, never negative: one
 * small function per law, the arithmetic written once. `a`, `b` are the sampler's
 * parameters (its fields), passed apart so that a hot loop can keep them in registers.
 * The engine draws through `drawUs` (DurationSampler.sampleUs), which picks the law's
 * function by kind; the per-node fast path (sim/fast) picks it once with `lawDraw` and
 * calls it directly, so each of its call sites sees one law and the optimizer inlines
 * just that one (a shared dispatcher would carry every law any caller has drawn into
 * every call site, and overrun the inlining budget).
 */
export type LawDraw = (bank: StreamBank, stream: number, a: number, b: number, sampler: DurationSampler) => number;

function constantDrawUs(_bank: StreamBank, _stream: number, a: number): number {
  return wholeUs(a);
}

function uniformDrawUs(bank: StreamBank, stream: number, a: number, b: number): number {
  return wholeUs(a + b * bank.next(stream));
}

/** One draw of an exponential law of mean `a`, as every sampler of it draws (the skipping walk's conditional draws call it directly). */
export function exponentialDrawUs(bank: StreamBank, stream: number, a: number): number {
  return wholeUs(a * standardExponential(bank, stream));
}

/** Normal, lognormal, Pareto, empirical: the sampler's `tailRawUs` (a call; they cost a logarithm or more anyway). */
function tailDrawUs(_bank: StreamBank, stream: number, _a: number, _b: number, sampler: DurationSampler): number {
  return wholeUs(sampler.tailRawUs(stream));
}

/** The draw function of `sampler`'s law. */
export function lawDraw(sampler: DurationSampler): LawDraw {
  switch (sampler.kind) {
    case KIND_CONSTANT:
      return constantDrawUs;
    case KIND_UNIFORM:
      return uniformDrawUs;
    case KIND_EXPONENTIAL:
      return exponentialDrawUs;
    default:
      return tailDrawUs;
  }
}

/** One draw of the law `kind` (see LawDraw). */
export function drawUs(bank: StreamBank, stream: number, kind: number, a: number, b: number, sampler: DurationSampler): number {
  if (kind === KIND_EXPONENTIAL) return exponentialDrawUs(bank, stream, a);
  if (kind === KIND_CONSTANT) return constantDrawUs(bank, stream, a);
  if (kind === KIND_UNIFORM) return uniformDrawUs(bank, stream, a, b);
  return tailDrawUs(bank, stream, a, b, sampler);
}

/**
 * Rounded to whole microseconds and capped. Heavy tails (lognormal with a large σ,
 * Pareto near shape 1) can draw past any representable instant. A draw beyond
 * MAX_DRAW_US lands after the end of every run (durations are far shorter), so capping
 * it changes nothing observable and keeps every scheduled time an exact integer.
 */
function wholeUs(x: number): number {
  return Math.min(Math.round(x), 2_251_799_813_685_248); // MAX_DRAW_US, spelled as a literal the optimizer folds
}

/** One exponential draw (µs) from a stream object, for cold paths (fault schedules). */
export function exponentialUs(stream: RandomStream, meanUs: number): number {
  return Math.round(meanUs * standardExponential(stream.bank, stream.index));
}
