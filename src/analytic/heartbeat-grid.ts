/**
 * Products over a periodic train of heartbeats: the probability that none of them lands in
 * a given window. This is the common core of the arrival-timeout oracle (§1.7) and its
 * detection-latency law. Owns the truncation of the infinite product over heartbeats and
 * the Euler–Maclaurin tail that replaces it for heavy-tailed delays. Knows nothing about QoS.
 *
 * Setting (reference §1.1): heartbeats are sent every η, lost independently with
 * probability p_L, and otherwise delayed by an i.i.d. D. Heartbeats are independent, so
 * "none of them arrives in its window" is a product of 1 − c·Pr(D ∈ window_k), c = 1 − p_L.
 * Windows are written in delay coordinates on a grid: heartbeat k's window is
 * (x₀ + kη, x₀ + kη + w] for D_k (or (x₀ + kη, ∞) for the last-arrival law).
 *
 * Derived here (not from the paper), and checked in the tests against brute-force products:
 *  - Truncation. Windows of length w on a grid of step η overlap at most ⌈w/η⌉ + 1 times, so
 *    windows beyond Y hold at most (⌈w/η⌉+1)·Pr(D > Y) of probability and the log-product
 *    loses at most about c times that. For half-line windows the bound is
 *    Pr(D > Y) + E[(D − Y)⁺]/η (a sum of a decreasing function ≤ first term + integral).
 *    Y is chosen so the loss is ≤ 1e-15: a relative 1e-15 on the probability. At the
 *    other end, windows that end below the law's effective lower end (Pr(D ≤ x) ≤ 1e-18)
 *    are skipped the same way, which matters for laws whose formal support starts far below
 *    their mass (a normal truncated at 0 with its mean seconds above it).
 *  - Long tails. When Y is hundreds of periods away, the terms φ(x) = ln(1 − c·g(x)) past a
 *    point Y₀ are summed by Euler–Maclaurin instead of one by one:
 *      Σ_{k≥0} φ(p₀ + kη) ≈ (1/η)∫_{p₀}^∞ φ + φ(p₀)/2 − (η/12)·φ′(p₀),
 *    where g(x) = Pr(x < D ≤ x + w) (or Pr(D > x)). Y₀ lies a period above the support (no
 *    kinks past it), where Pr(D > Y₀) ≤ 0.1 (so ln(1 − c·g) is as smooth as g) and where the
 *    survival's local scale S/f is ≥ 16η; the neglected η³φ‴/720 term is then about
 *    (η/scale)⁴/720 ≤ 2e-8 of the tail sum. The integral is done numerically up to
 *    Y₁ = the 1e-5 survival quantile and, beyond, as −c·∫g (that is −c·∫_{Y₁}^{Y₁+w} S, or
 *    −c·E[(D − Y₁)⁺] for half-line windows),
 *    which drops (c·g)²/2 ≤ 5e-6·c·g per term. The mistake-start density needs Σ f/(1 − c·g)
 *    over the same positions and gets the same treatment (its far part is Pr(D > Y₁)/η).
 */

import type { DelayLaw } from './delay-law.js';
import { integrate, type QuadratureOptions } from './quadrature.js';

/** Drop windows whose total contribution to the log-product is below this. */
const DROP_BUDGET = 1e-15;
/** Explicit terms we accept without trying the tail approximation. */
const DIRECT_LIMIT = 512;
/** The tail approximation starts where the survival varies on ≥ this many periods … */
const TAIL_SMOOTHNESS = 16;
/** … and is at most this (so 1 − c·g stays away from 0). */
const TAIL_START_SURVIVAL = 0.1;
/** Beyond this survival level ln(1 − c·g) is replaced by −c·g. */
const FAR_SURVIVAL = 1e-5;
/** Work bound: more explicit terms than this per evaluation is refused, not approximated. */
const EXPLICIT_CAP = 20_000;

const TIGHT: QuadratureOptions = { relTol: 1e-13, absTol: 0, maxIntervals: 2000 };
const PANEL: QuadratureOptions = { relTol: 1e-13, absTol: 0, maxIntervals: 16 };

interface TailPlan {
  /** Positions ≥ cut are either dropped (useTail false) or summed by Euler–Maclaurin. */
  readonly cut: number;
  readonly useTail: boolean;
}

/** The smallest y ≥ start with bound(y) ≤ target, for a non-increasing bound. */
function smallestWith(bound: (y: number) => number, target: number, start: number, scale: number): number {
  if (bound(start) <= target) return start;
  let step = Math.max(scale, 1);
  let lo = start;
  let hi = start + step;
  while (!(bound(hi) <= target)) {
    lo = hi;
    step *= 2;
    hi = start + step;
    if (!Number.isFinite(hi)) return Number.POSITIVE_INFINITY;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-9 * Math.max(1, Math.abs(hi)); i++) {
    const mid = 0.5 * (lo + hi);
    if (bound(mid) <= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * Where the Euler–Maclaurin tail may start (see the header): ≥ one period above the support,
 * Pr(D > y) ≤ 0.1 and S/f ≥ 16η. S/f grows along power-law and lognormal tails, so doubling
 * the distance finds that point; along a light tail it may never come (returns +∞, and the
 * caller multiplies explicitly).
 */
function smoothTailStart(law: DelayLaw, intervalUs: number, yEnd: number): number {
  let y = Math.max(law.survivalQuantile(TAIL_START_SURVIVAL), law.lowerUs + intervalUs);
  for (let i = 0; i < 200 && y < yEnd; i++) {
    const f = law.pdf(y);
    if (f > 0 && law.survival(y) / f >= TAIL_SMOOTHNESS * intervalUs) return y;
    y = law.lowerUs + 2 * (y - law.lowerUs);
  }
  return Number.POSITIVE_INFINITY;
}

function planTail(
  law: DelayLaw,
  intervalUs: number,
  firstPosition: number,
  dropBound: (y: number) => number,
  what: string,
): TailPlan {
  if (Number.isFinite(law.upperUs)) {
    const count = (law.upperUs - firstPosition) / intervalUs;
    if (count > EXPLICIT_CAP) {
      throw new RangeError(
        `${what}: the delay range spans ${Math.round(count)} heartbeat intervals (limit ${EXPLICIT_CAP}); ` +
          `the oracle would have to multiply that many factors per point`,
      );
    }
    return { cut: law.upperUs, useTail: false };
  }
  const scale = Math.max(intervalUs, law.survivalQuantile(0.5) - law.lowerUs);
  const yEnd = smallestWith(dropBound, DROP_BUDGET, law.lowerUs, scale);
  if (!Number.isFinite(yEnd)) {
    throw new RangeError(`${what}: the delay tail is too heavy to truncate the product over heartbeats`);
  }
  const span = (yEnd - firstPosition) / intervalUs;
  if (span <= DIRECT_LIMIT) return { cut: yEnd, useTail: false };
  const y0 = smoothTailStart(law, intervalUs, yEnd);
  if (Number.isFinite(y0) && (y0 - firstPosition) / intervalUs <= EXPLICIT_CAP) return { cut: y0, useTail: true };
  if (span <= EXPLICIT_CAP) return { cut: yEnd, useTail: false };
  throw new RangeError(
    `${what}: about ${Math.round(span)} heartbeats are in flight with non-negligible probability ` +
      `(limit ${EXPLICIT_CAP}); use a longer interval or a lighter delay tail`,
  );
}

/**
 * Euler–Maclaurin sums Σ_{k≥0} h(p₀ + kη) for p₀ ≥ cut:
 *   (1/η)·∫_{p₀}^∞ h + h(p₀)/2 − (η/12)·h′(p₀),
 * with ∫ h done numerically up to `far` and by `farTail(y)` = ∫_y^∞ h beyond it. The piece
 * from the anchor cut + η to `far` is the same for every p₀ ∈ [cut, cut + η) — the only
 * starts the window products need — so it is computed once, and each call integrates one
 * smooth panel [p₀, anchor].
 */
class SmoothTailSum {
  private readonly anchor: number;
  private readonly beyondAnchor: number;
  private readonly h: (x: number) => number;
  private readonly dh: (x: number) => number;
  private readonly far: number;
  private readonly farTail: (y: number) => number;
  private readonly intervalUs: number;

  constructor(
    h: (x: number) => number,
    dh: (x: number) => number,
    cut: number,
    intervalUs: number,
    far: number,
    farTail: (y: number) => number,
  ) {
    this.h = h;
    this.dh = dh;
    this.intervalUs = intervalUs;
    this.far = far;
    this.farTail = farTail;
    this.anchor = cut + intervalUs;
    this.beyondAnchor = this.integralToInfinity(this.anchor);
  }

  private integralToInfinity(from: number): number {
    if (from >= this.far) return this.farTail(from);
    const pts = [from, this.far];
    for (let d = this.intervalUs; from + d < this.far; d *= 2) pts.push(from + d);
    return integrate(this.h, pts, TIGHT).value + this.farTail(this.far);
  }

  sum(p0: number): number {
    const integral =
      p0 < this.anchor
        ? integrate(this.h, [p0, this.anchor], PANEL).value + this.beyondAnchor
        : this.integralToInfinity(p0);
    return integral / this.intervalUs + 0.5 * this.h(p0) - (this.intervalUs / 12) * this.dh(p0);
  }
}

/**
 * ln Pr(no heartbeat k ∈ ℤ has D_k ∈ (x₀ + kη, x₀ + kη + w]), for a fixed window length w.
 * With x₀ = t − TO this is "nothing arrives in (t − TO, t]" (heartbeat k sent at −kη); with
 * excludeOwn the k = 0 term is left out, giving "no other heartbeat arrives in the TO after
 * heartbeat 0 arrived with delay x₀".
 */
export class WindowGrid {
  private readonly law: DelayLaw;
  private readonly lossProbability: number;
  private readonly deliver: number;
  private readonly intervalUs: number;
  private readonly windowUs: number;
  private readonly firstPosition: number;
  private readonly plan: TailPlan;
  private readonly logTail: SmoothTailSum | null;
  private readonly densityTail: SmoothTailSum | null;
  private readonly scratchLogs: Float64Array;
  private readonly scratchDensities: Float64Array;

  constructor(law: DelayLaw, lossProbability: number, intervalUs: number, windowUs: number) {
    this.law = law;
    this.lossProbability = lossProbability;
    this.deliver = 1 - lossProbability;
    this.intervalUs = intervalUs;
    this.windowUs = windowUs;
    // A window (x, x + w] can only catch D if x + w reaches the mass; the windows skipped
    // below hold at most (⌈w/η⌉+1)·1e-18 of probability.
    this.firstPosition = law.effectiveLowerUs - windowUs;
    const overlap = Math.ceil(windowUs / intervalUs) + 1;
    const c = this.deliver;
    this.plan =
      c === 0
        ? { cut: Number.NEGATIVE_INFINITY, useTail: false }
        : planTail(law, intervalUs, this.firstPosition, (y) => c * overlap * law.survival(y), 'arrival-timeout oracle');
    if (this.plan.useTail) {
      const w = windowUs;
      const far = Math.max(law.survivalQuantile(FAR_SURVIVAL), this.plan.cut + intervalUs);
      // Past `far`, ln(1 − c·g) ≈ −c·g and ∫_y^∞ g = ∫_y^{y+w} Pr(D > u) du.
      const farLog = (y: number): number => -c * integrate((u) => law.survival(u), [y, y + w], TIGHT).value;
      this.logTail = new SmoothTailSum(
        (x) => this.logFactor(x),
        (x) => (-c * (law.pdf(x + w) - law.pdf(x))) / (1 - c * law.intervalProbability(x, x + w)),
        this.plan.cut,
        intervalUs,
        far,
        farLog,
      );
      // Σ f/(1 − c·g): past `far`, f/(1 − c·g) ≈ f, whose integral is Pr(D > y).
      const psi = (x: number): number => law.pdf(x) / (1 - c * law.intervalProbability(x, x + w));
      const step = intervalUs * 1e-3;
      this.densityTail = new SmoothTailSum(
        psi,
        (x) => (psi(x + step) - psi(x - step)) / (2 * step),
        this.plan.cut,
        intervalUs,
        far,
        (y) => law.survival(y),
      );
    } else {
      this.logTail = null;
      this.densityTail = null;
    }
    const positions = Math.max(0, Math.ceil((this.plan.cut - this.firstPosition) / intervalUs)) + 2;
    this.scratchLogs = new Float64Array(Number.isFinite(positions) ? positions : 2);
    this.scratchDensities = new Float64Array(Number.isFinite(positions) ? positions : 2);
  }

  /** Whether heartbeats far out in the delay tail are summed by Euler–Maclaurin. */
  get usesTailApproximation(): boolean {
    return this.plan.useTail;
  }

  /** ln(1 − c·Pr(x < D ≤ x + w)). */
  private logFactor(x: number): number {
    const law = this.law;
    const p = law.intervalProbability(x, x + this.windowUs);
    const t = this.deliver * p;
    if (t === 0) return 0;
    if (t < 0.5) return Math.log1p(-t);
    // 1 − c·P = p_L + c·(Pr(D ≤ x) + Pr(D > x + w)), free of cancellation when P ≈ 1.
    return Math.log(this.lossProbability + this.deliver * (law.cdf(x) + law.survival(x + this.windowUs)));
  }

  logNoArrival(x0: number, excludeOwn: boolean): number {
    if (this.deliver === 0) return 0;
    const eta = this.intervalUs;
    // Work on the grid through the phase of x₀, so huge x₀ do not smear positions near 0.
    const r = x0 % eta;
    let j = Math.ceil((this.firstPosition - r) / eta);
    let sum = 0;
    const cut = this.plan.cut;
    const half = 0.5 * eta;
    for (;;) {
      const x = r + j * eta;
      if (x >= cut) break;
      if (!(excludeOwn && Math.abs(x - x0) < half)) sum += this.logFactor(x);
      j++;
    }
    if (this.logTail !== null) {
      const p0 = r + j * eta;
      sum += this.logTail.sum(p0);
      if (excludeOwn && x0 > p0 - half) sum -= this.logFactor(x0);
    }
    return sum;
  }

  /**
   * Σ_k f(x_k) · Π_{j≠k} [1 − c·g(x_j)] over the positions x_k = s + kη, where f is the delay
   * density and g(x) = Pr(x < D ≤ x + w): the density, at phase s, of "some heartbeat arrives
   * now and no other one in the next w". Factors that are exactly 0 (p_L = 0 and a window
   * that surely catches its heartbeat) are tracked separately instead of divided by.
   */
  arrivalThenSilenceDensity(s: number): number {
    if (this.deliver === 0) return 0;
    const law = this.law;
    const eta = this.intervalUs;
    const r = s % eta;
    let j = Math.ceil((this.firstPosition - r) / eta);
    const cut = this.plan.cut;
    const logs = this.scratchLogs;
    const dens = this.scratchDensities;
    let n = 0;
    let finiteLogSum = 0;
    let zeros = 0;
    let zeroDensity = 0;
    for (;;) {
      const x = r + j * eta;
      if (x >= cut) break;
      const l = this.logFactor(x);
      const f = law.pdf(x);
      if (l === Number.NEGATIVE_INFINITY) {
        zeros++;
        zeroDensity = f;
      } else {
        finiteLogSum += l;
        if (f > 0) {
          logs[n] = l;
          dens[n] = f;
          n++;
        }
      }
      j++;
    }
    if (zeros >= 2) return 0;
    let tailLog = 0;
    let tailDensity = 0;
    if (this.logTail !== null && this.densityTail !== null) {
      const p0 = r + j * eta;
      tailLog = this.logTail.sum(p0);
      tailDensity = this.densityTail.sum(p0);
    }
    const logAll = finiteLogSum + tailLog;
    if (zeros === 1) return zeroDensity * Math.exp(logAll);
    let sum = tailDensity * Math.exp(logAll);
    for (let i = 0; i < n; i++) sum += dens[i]! * Math.exp(logAll - logs[i]!);
    return sum;
  }
}

/**
 * ln Pr(no heartbeat k ≥ 0 has D_k > x₀ + kη): heartbeat k sent kη before a reference send,
 * none arriving after x₀ past that send. This is the CDF of the last arrival of the heartbeats
 * sent up to a crash (detection-latency law).
 */
export class LastArrivalGrid {
  private readonly law: DelayLaw;
  private readonly lossProbability: number;
  private readonly deliver: number;
  private readonly intervalUs: number;
  private readonly logLoss: number;
  private readonly plan: TailPlan;
  private readonly logTail: SmoothTailSum | null;
  /** Σ_k Pr(D > x₀ + kη) diverges when E(D) = ∞: some heartbeat always arrives later. */
  private readonly diverges: boolean;

  constructor(law: DelayLaw, lossProbability: number, intervalUs: number) {
    this.law = law;
    this.lossProbability = lossProbability;
    this.deliver = 1 - lossProbability;
    this.intervalUs = intervalUs;
    this.logLoss = Math.log(lossProbability);
    const c = this.deliver;
    this.diverges = c > 0 && !Number.isFinite(law.meanUs);
    this.plan =
      c === 0 || this.diverges
        ? { cut: Number.NEGATIVE_INFINITY, useTail: false }
        : planTail(
            law,
            intervalUs,
            law.effectiveLowerUs,
            (y) => c * (law.survival(y) + law.expectedExcess(y) / intervalUs),
            'arrival-timeout detection latency',
          );
    if (this.plan.useTail) {
      const far = Math.max(law.survivalQuantile(FAR_SURVIVAL), this.plan.cut + intervalUs);
      // Past `far`, ln(1 − c·S) ≈ −c·S, and ∫_y^∞ S = E[(D − y)⁺].
      this.logTail = new SmoothTailSum(
        (x) => this.logFactor(x),
        (x) => (c * law.pdf(x)) / (1 - c * law.survival(x)),
        this.plan.cut,
        intervalUs,
        far,
        (y) => -c * law.expectedExcess(y),
      );
    } else {
      this.logTail = null;
    }
  }

  /** Whether heartbeats far out in the delay tail are summed by Euler–Maclaurin. */
  get usesTailApproximation(): boolean {
    return this.plan.useTail;
  }

  /** ln(1 − c·Pr(D > x)). */
  private logFactor(x: number): number {
    const law = this.law;
    const t = this.deliver * law.survival(x);
    if (t === 0) return 0;
    if (t < 0.5) return Math.log1p(-t);
    return Math.log(this.lossProbability + this.deliver * law.cdf(x));
  }

  logNoneAfter(x0: number): number {
    if (this.deliver === 0) return 0;
    if (this.diverges) return Number.NEGATIVE_INFINITY;
    const law = this.law;
    const eta = this.intervalUs;
    // Heartbeats whose deadline is below the least possible delay surely arrive later
    // unless lost: a factor p_L each (p_L + c·F with F ≤ 1e-18 below effectiveLowerUs).
    const below = Math.max(0, Math.ceil((law.effectiveLowerUs - x0) / eta));
    let sum = below > 0 ? below * this.logLoss : 0;
    if (sum === Number.NEGATIVE_INFINITY) return sum;
    let k = below;
    for (;;) {
      const x = x0 + k * eta;
      if (x >= this.plan.cut) break;
      sum += this.logFactor(x);
      k++;
    }
    // x₀ may lie anywhere up the tail here (the mean-latency integral walks out along it);
    // the Euler–Maclaurin sum accepts any start past the cut.
    if (this.logTail !== null) sum += this.logTail.sum(x0 + k * eta);
    return sum;
  }
}
