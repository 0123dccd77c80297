/**
 * Local clocks of the entities (nodes, then the observer). A clock has a rate error
 * (drift, ppm) and, for the wall clock only, an offset that steps when NTP steps it or
 * a VM resumes. The monotonic clock sees the drift but never the steps.
 *
 *   monotonic(t) = t + ⌊t · ppm · 10⁻⁶⌋,    wall(t) = monotonic(t) + offset(t)
 *
 * Steps are applied by the engine as events, so `offset` is the current value and
 * readings are only asked for the current instant or later. With no drift and no
 * steps anywhere, every reading is the true time (`isIdentity`), and the engine skips
 * the conversions.
 */
export class Clocks {
  private readonly driftPpm: Float64Array;
  private readonly offsetUs: Float64Array;
  private identity: boolean;

  constructor(entityCount: number) {
    this.driftPpm = new Float64Array(entityCount);
    this.offsetUs = new Float64Array(entityCount);
    this.identity = true;
  }

  get isIdentity(): boolean {
    return this.identity;
  }

  setDrift(entity: number, ppm: number): void {
    if (!Number.isFinite(ppm) || Math.abs(ppm) >= 1e6) throw new RangeError(`clock drift must be within ±10⁶ ppm, got ${ppm}`);
    this.driftPpm[entity] = ppm;
    if (ppm !== 0) this.identity = false;
  }

  /** Marks that steps will happen (so readings can no longer be skipped). */
  expectSteps(): void {
    this.identity = false;
  }

  step(entity: number, stepUs: number): void {
    this.offsetUs[entity]! += stepUs;
  }

  monotonicUs(entity: number, trueUs: number): number {
    const ppm = this.driftPpm[entity]!;
    return ppm === 0 ? trueUs : trueUs + Math.floor(trueUs * ppm * 1e-6);
  }

  wallUs(entity: number, trueUs: number): number {
    return this.monotonicUs(entity, trueUs) + this.offsetUs[entity]!;
  }

  reading(entity: number, trueUs: number, wall: boolean): number {
    return wall ? this.wallUs(entity, trueUs) : this.monotonicUs(entity, trueUs);
  }

  /**
   * The earliest true instant ≥ `notBeforeUs` at which the clock reads ≥ `localUs`,
   * assuming no step happens in between (a step makes the engine re-check anyway).
   */
  trueInstantOf(entity: number, localUs: number, wall: boolean, notBeforeUs: number): number {
    if (localUs === Number.POSITIVE_INFINITY) return localUs;
    const target = wall ? localUs - this.offsetUs[entity]! : localUs;
    const ppm = this.driftPpm[entity]!;
    let t = ppm === 0 ? target : Math.ceil(target / (1 + ppm * 1e-6));
    // Correct the rounding of the inverse by a step or two.
    while (t > notBeforeUs && this.monotonicUs(entity, t - 1) >= target) t--;
    while (this.monotonicUs(entity, t) < target) t++;
    return t < notBeforeUs ? notBeforeUs : t;
  }
}
