/**
 * A delay law split at a threshold on its rounded draw: Pr(round(X) > m), and exact
 * samplers of X given round(X) > m ("above") and given round(X) ≤ m ("at most"). This is
 * what skipping needs: how likely a heartbeat is to be late, and, for the few heartbeats
 * that are drawn individually, their delay conditioned on being late or on being on time.
 *
 * `DurationSampler.sampleUs` returns Math.round(X), and Math.round(x) > m ⟺ x ≥ m + ½, so
 * every law is cut at c = m + ½ on its raw value. The conditional samplers are exact for
 * the continuous law (the engine's draws are, like these, exact up to the 2⁻³² resolution
 * of a uniform):
 *   - uniform, empirical: the inverse CDF, with the uniform restricted to [F(c), 1) or
 *     [0, F(c)) (for the empirical law F(c) is where the piecewise-linear quantile
 *     function first reaches c, so its flat pieces, atoms in X, are handled);
 *   - exponential: above, c + Exp(mean) (memoryless); at most, rejection from the law
 *     itself when that accepts at least half the draws, else the truncated inverse;
 *   - pareto: the inverse CDF on the restricted range, above and at most;
 *   - normal (truncated at 0) and lognormal: through the standard normal Z, cut at
 *     z_c; a tail Z ≥ a (a ≥ ½) by Robert's exponential-proposal rejection (C. P.
 *     Robert, "Simulation of truncated normal variables", Statistics and Computing 5,
 *     1995, §2.1, the optimal rate α* = (a + √(a² + 4))/2), a bulk by plain rejection;
 *   - constant: all or nothing.
 * Survival probabilities of the normal family come from analytic/normal.ts (Cody's
 * erfc, relative error ~1e-16), so skipping rates carry no approximation error worth
 * the name.
 *
 * Outputs are whole microseconds like `sampleUs`, clamped to their side of the cut:
 * that only guards against a floating-point rounding at x ≈ c (measure ~1e-16).
 */
import { normalSurvival } from '../../analytic/normal.js';
import { DurationSampler, exponentialDrawUs, validateDistribution, type DelayDistribution } from '../random/distributions.js';
import type { StreamBank } from '../random/streams.js';
import { standardExponential } from '../random/ziggurat.js';

const KIND_CONSTANT = 0;
const KIND_UNIFORM = 1;
const KIND_EXPONENTIAL = 2;
const KIND_NORMAL = 3;
const KIND_LOGNORMAL = 4;
const KIND_PARETO = 5;
const KIND_EMPIRICAL = 6;

/** Below this acceptance rate a conditional draw stops rejecting and uses the law's inverse or tail. */
const REJECTION_MIN_ACCEPTANCE = 0.5;
/** Z ≥ a by plain rejection from N(0, 1) below this a (acceptance ≥ Q(½) ≈ 0.31), Robert's method above. */
const ROBERT_FROM = 0.5;

/** One standard normal conditioned on Z ≥ a, exactly. */
export function normalAtLeast(bank: StreamBank, stream: number, a: number): number {
  if (a < ROBERT_FROM) {
    for (;;) {
      const z = bank.normal(stream);
      if (z >= a) return z;
    }
  }
  const rate = (a + Math.sqrt(a * a + 4)) / 2;
  for (;;) {
    const z = a + standardExponential(bank, stream) / rate;
    const d = z - rate;
    if (bank.next(stream) <= Math.exp(-0.5 * d * d)) return z;
  }
}

/** One standard normal conditioned on lo ≤ Z < hi (lo may be −∞), exactly, by rejection from the wider side. */
function normalBetween(bank: StreamBank, stream: number, lo: number, hi: number): number {
  // Draw from the one-sided law that holds most of the mass, reject the rest.
  if (hi <= 0 && -hi >= ROBERT_FROM) {
    for (;;) {
      const z = -normalAtLeast(bank, stream, -hi);
      if (z >= lo && z < hi) return z;
    }
  }
  for (;;) {
    const z = lo === Number.NEGATIVE_INFINITY ? bank.normal(stream) : normalAtLeast(bank, stream, lo);
    if (z >= lo && z < hi) return z;
  }
}

export class SplitLaw {
  /** m: "above" means round(X) > m. */
  readonly thresholdUs: number;
  /** Pr(round(X) > m). */
  readonly pAbove: number;
  private readonly kind: number;
  private readonly bank: StreamBank;
  private readonly base: DurationSampler;
  private readonly cut: number; // c = m + ½
  // Law parameters (meaning per kind, see the constructor).
  private readonly a: number;
  private readonly b: number;
  /** Uniform / empirical: F(c); normal family: z_c; pareto: (scale / c)^shape. */
  private readonly u: number;
  /** Normal: z₀ = −mean/sd, the truncation point at 0. */
  private readonly z0: number;
  private readonly table: Float64Array;

  constructor(law: DelayDistribution, thresholdUs: number, bank: StreamBank, what = 'delay') {
    validateDistribution(law, what);
    if (!Number.isSafeInteger(thresholdUs)) throw new RangeError(`${what}: the threshold must be a whole number of µs, got ${thresholdUs}`);
    this.thresholdUs = thresholdUs;
    this.bank = bank;
    this.base = new DurationSampler(law, bank, what);
    const c = thresholdUs + 0.5;
    this.cut = c;
    this.table = law.kind === 'empirical' ? Float64Array.from(law.quantilesUs) : new Float64Array(0);
    let a = 0;
    let b = 0;
    let u = 0;
    let z0 = Number.NEGATIVE_INFINITY;
    let pAbove: number;
    switch (law.kind) {
      case 'constant':
        this.kind = KIND_CONSTANT;
        a = Math.round(law.valueUs);
        pAbove = a > thresholdUs ? 1 : 0;
        break;
      case 'uniform': {
        this.kind = KIND_UNIFORM;
        a = law.minUs;
        b = law.maxUs - law.minUs;
        if (b === 0) {
          u = c <= a ? 0 : 1;
        } else {
          u = Math.min(1, Math.max(0, (c - a) / b));
        }
        pAbove = 1 - u;
        break;
      }
      case 'exponential':
        this.kind = KIND_EXPONENTIAL;
        a = law.meanUs;
        pAbove = c <= 0 ? 1 : a === 0 ? 0 : Math.exp(-c / a);
        break;
      case 'normal': {
        this.kind = KIND_NORMAL;
        a = law.meanUs;
        b = law.sdUs;
        if (b === 0) {
          pAbove = Math.round(a) > thresholdUs ? 1 : 0;
          break;
        }
        z0 = -a / b;
        u = (c - a) / b;
        pAbove = u <= z0 ? 1 : normalSurvival(u) / normalSurvival(z0);
        break;
      }
      case 'lognormal':
        this.kind = KIND_LOGNORMAL;
        a = Math.log(law.medianUs);
        b = law.sigma;
        if (b === 0) {
          pAbove = Math.round(law.medianUs) > thresholdUs ? 1 : 0;
          break;
        }
        u = c <= 0 ? Number.NEGATIVE_INFINITY : (Math.log(c) - a) / b;
        pAbove = normalSurvival(u);
        break;
      case 'pareto':
        this.kind = KIND_PARETO;
        a = law.scaleUs;
        b = law.shape;
        u = c <= a ? 1 : Math.pow(a / c, b);
        pAbove = u;
        break;
      case 'empirical': {
        this.kind = KIND_EMPIRICAL;
        const q = this.table;
        const n = q.length - 1;
        a = n;
        // u = inf{v : Q(v) ≥ c} for the piecewise-linear quantile function Q.
        if (q[0]! >= c) u = 0;
        else if (q[n]! < c) u = 1;
        else {
          let i = 0;
          while (q[i + 1]! < c) i++;
          u = (i + (c - q[i]!) / (q[i + 1]! - q[i]!)) / n;
        }
        pAbove = 1 - u;
        break;
      }
    }
    this.a = a;
    this.b = b;
    this.u = u;
    this.z0 = z0;
    this.pAbove = pAbove;
  }

  /** An unconditional draw of round(X), exactly as the engine's sampler. */
  sampleUs(stream: number): number {
    return this.base.sampleUs(stream);
  }

  /** A draw of round(X) given round(X) > m. Only valid when pAbove > 0. */
  sampleAboveUs(stream: number): number {
    if (!(this.pAbove > 0)) throw new RangeError('the law never exceeds its threshold');
    if (this.kind === KIND_CONSTANT) return this.a; // draws nothing, as the engine's constant law
    const m = this.thresholdUs;
    if (this.pAbove >= REJECTION_MIN_ACCEPTANCE || this.kind === KIND_CONSTANT) {
      for (;;) {
        const x = this.base.sampleUs(stream);
        if (x > m) return x;
      }
    }
    const x = Math.round(this.rawAbove(stream));
    return x > m ? x : m + 1;
  }

  /** A draw of round(X) given round(X) ≤ m. Only valid when pAbove < 1. */
  sampleAtMostUs(stream: number): number {
    if (!(this.pAbove < 1)) throw new RangeError('the law always exceeds its threshold');
    if (this.kind === KIND_CONSTANT) return this.a; // draws nothing, as the engine's constant law
    const m = this.thresholdUs;
    if (1 - this.pAbove >= REJECTION_MIN_ACCEPTANCE || this.kind === KIND_CONSTANT) {
      if (this.kind === KIND_EXPONENTIAL) {
        // The most common delay law, drawn as its sampler draws it, two calls shallower.
        for (;;) {
          const x = exponentialDrawUs(this.bank, stream, this.a);
          if (x <= m) return x;
        }
      }
      for (;;) {
        const x = this.base.sampleUs(stream);
        if (x <= m) return x;
      }
    }
    const x = Math.round(this.rawAtMost(stream));
    return x <= m ? x : m;
  }

  private rawAbove(stream: number): number {
    const bank = this.bank;
    const c = this.cut;
    switch (this.kind) {
      case KIND_UNIFORM:
        return this.a + this.b * (this.u + (1 - this.u) * bank.next(stream));
      case KIND_EXPONENTIAL:
        return c + this.a * standardExponential(bank, stream);
      case KIND_NORMAL:
        return this.a + this.b * normalAtLeast(bank, stream, Math.max(this.u, this.z0));
      case KIND_LOGNORMAL:
        return Math.exp(this.a + this.b * normalAtLeast(bank, stream, this.u));
      case KIND_PARETO:
        return Math.max(this.a, c) * Math.pow(bank.nextOpenZero(stream), -1 / this.b);
      case KIND_EMPIRICAL:
        return this.quantile(this.u + (1 - this.u) * bank.next(stream));
      default:
        throw new Error('unreachable');
    }
  }

  private rawAtMost(stream: number): number {
    const bank = this.bank;
    switch (this.kind) {
      case KIND_UNIFORM:
        return this.a + this.b * (this.u * bank.next(stream));
      case KIND_EXPONENTIAL:
        // Inverse of the CDF restricted to [0, c): −mean·ln(1 − U·(1 − e^(−c/mean))).
        return -this.a * Math.log1p(bank.next(stream) * Math.expm1(-this.cut / this.a));
      case KIND_NORMAL:
        return this.a + this.b * normalBetween(bank, stream, this.z0, this.u);
      case KIND_LOGNORMAL:
        return Math.exp(this.a + this.b * normalBetween(bank, stream, Number.NEGATIVE_INFINITY, this.u));
      case KIND_PARETO: {
        // V uniform on (u, 1] with u = (scale/c)^shape, X = scale·V^(−1/shape) ∈ [scale, c).
        const v = 1 - bank.next(stream) * (1 - this.u);
        return this.a * Math.pow(v, -1 / this.b);
      }
      case KIND_EMPIRICAL:
        return this.quantile(this.u * bank.next(stream));
      default:
        throw new Error('unreachable');
    }
  }

  private quantile(v: number): number {
    const x = v * this.a;
    const i = Math.min(Math.floor(x), this.a - 1);
    const lo = this.table[i]!;
    return lo + (x - i) * (this.table[i + 1]! - lo);
  }
}
