/**
 * One TCP connection's RTT estimate for a walk that skips most of its samples
 * (./tcp-walk.ts): the last exactly known state (SRTT, RTTVAR, or "no sample yet"),
 * the samples since it — exact values, or runs of *ordinary* samples known only to lie
 * in [lo, hi] — and bounds on SRTT and RTTVAR that hold whatever those values are.
 *
 * The EWMAs are tcp.ts's (RFC 6298; Linux tcp_rtt_estimator): a first sample R sets
 * SRTT = R, RTTVAR = R/2; then RTTVAR ← ¾RTTVAR + ¼|SRTT − R|, SRTT ← ⅞SRTT + ⅛R; and
 * RTO = min(rto_max, round(SRTT + max(4·RTTVAR, rto_min))), rto_initial before a sample.
 *
 * Bounds. After n samples R_i ∈ [lo, hi] from SRTT₀ ∈ [s⁻, s⁺], RTTVAR₀ ∈ [v⁻, v⁺]:
 *   SRTT_n = (⅞)ⁿSRTT₀ + Σ ⅛(⅞)^{n−i}R_i  ∈ [(⅞)ⁿs⁻ + (1 − (⅞)ⁿ)lo, (⅞)ⁿs⁺ + (1 − (⅞)ⁿ)hi],
 *   RTTVAR_n = (¾)ⁿRTTVAR₀ + Σ ¼(¾)^{n−i}|SRTT_{i−1} − R_i|  ∈ [(¾)ⁿv⁻, (¾)ⁿv⁺ + (1 − (¾)ⁿ)D],
 * D = max(s⁺, hi) − min(s⁻, lo), since every SRTT_{i−1} lies in the hull of [s⁻, s⁺] and
 * [lo, hi] and the weights sum to 1 − (¾)ⁿ. With no sample yet, the first ordinary one
 * gives SRTT ∈ [lo, hi], RTTVAR ∈ [lo/2, hi/2]. An exact sample goes through one EWMA
 * step in interval arithmetic. RTO is non-decreasing in SRTT and RTTVAR, so
 * `rtoUpperAfter` (with +1 µs for rounding and floating-point error) bounds it.
 *
 * Materialisation (`rto`). When the exact RTO is needed, each undrawn run is drawn from
 * the conditional law of an ordinary sample (the caller's `drawOrdinary`) and the EWMA
 * is run. At most MEMORY samples of a run are drawn, the latest: an older sample, and
 * the state before the run, weighs at most (⅞)^600 < 1e-34 in SRTT, and of that order
 * in RTTVAR (through |SRTT − R|) — far below a double's resolution at an RTO's
 * magnitude — so the RTO is the full history's, up to floating-point rounding
 * (test/sim/skip/rtt-record.test.ts checks it on long runs).
 */
import type { TcpSettings } from '../config.js';
import { NumberList } from './walk-buffers.js';

/** Samples of one run drawn at most by a materialisation (see the header). */
export const MEMORY = 600;

export class RttRecord {
  /** The exact state (NaN: no sample since the connection opened). */
  srtt = Number.NaN;
  rttvar = 0;
  /** Entries since the exact state: ≥ 0 an exact sample, < 0 minus a count of ordinary samples. */
  private readonly entries = new NumberList();
  /** Some sample since the connection opened (exact or not). */
  private known = false;
  sLo = 0;
  sHi = 0;
  vLo = 0;
  vHi = 0;
  /** Times the undrawn samples were drawn, and how many that drew. */
  materialisations = 0;
  materialisedSamples = 0;
  // boundsAfter's results.
  private bSLo = 0;
  private bSHi = 0;
  private bVLo = 0;
  private bVHi = 0;

  constructor(
    private readonly settings: TcpSettings,
    /** An ordinary sample lies in [lo, hi]. */
    readonly lo: number,
    readonly hi: number,
    /** Draws one ordinary sample from its conditional law. */
    private readonly drawOrdinary: () => number,
  ) {}

  /** A new connection: no sample, RTO = rto_initial (exactly known). */
  reset(): void {
    this.srtt = Number.NaN;
    this.rttvar = 0;
    this.entries.length = 0;
    this.known = false;
  }

  /** Whether samples are undrawn (the state is known only within the bounds). */
  get pending(): boolean {
    return this.entries.length > 0;
  }

  /** tcp.ts's sample(), on the exact state. */
  private ewma(r: number): void {
    const srtt = this.srtt;
    if (srtt !== srtt) {
      this.srtt = r;
      this.rttvar = r / 2;
      return;
    }
    this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(srtt - r);
    this.srtt = 0.875 * srtt + 0.125 * r;
  }

  /** A sample whose value is known. */
  exact(r: number): void {
    if (this.entries.length === 0) this.ewma(r);
    else this.entries.push(r);
    if (!this.known) {
      this.known = true;
      this.sLo = this.sHi = r;
      this.vLo = this.vHi = r / 2;
      return;
    }
    const dMin = r < this.sLo ? this.sLo - r : r > this.sHi ? r - this.sHi : 0;
    const dMax = Math.max(Math.abs(this.sLo - r), Math.abs(this.sHi - r));
    this.vLo = 0.75 * this.vLo + 0.25 * dMin;
    this.vHi = 0.75 * this.vHi + 0.25 * dMax;
    this.sLo = 0.875 * this.sLo + 0.125 * r;
    this.sHi = 0.875 * this.sHi + 0.125 * r;
  }

  /** `c` ordinary samples, not drawn. */
  ordinary(c: number): void {
    if (c <= 0) return;
    const e = this.entries;
    if (e.length > 0 && e.items[e.length - 1]! < 0) e.items[e.length - 1]! -= c;
    else e.push(-c);
    this.boundsAfter(c);
    this.known = true;
    this.sLo = this.bSLo;
    this.sHi = this.bSHi;
    this.vLo = this.bVLo;
    this.vHi = this.bVHi;
  }

  /** The bounds after `c` more ordinary samples (into the b* fields; the record unchanged). */
  private boundsAfter(c: number): void {
    const { lo, hi } = this;
    let sLo = this.sLo;
    let sHi = this.sHi;
    let vLo = this.vLo;
    let vHi = this.vHi;
    if (!this.known && c > 0) {
      sLo = lo;
      sHi = hi;
      vLo = lo / 2;
      vHi = hi / 2;
      c--;
    }
    if (c > 0) {
      const f = Math.pow(0.875, c);
      const g = Math.pow(0.75, c);
      const D = Math.max(sHi, hi) - Math.min(sLo, lo);
      sLo = f * sLo + (1 - f) * lo;
      sHi = f * sHi + (1 - f) * hi;
      vLo = g * vLo;
      vHi = g * vHi + (1 - g) * D;
    }
    this.bSLo = sLo;
    this.bSHi = sHi;
    this.bVLo = vLo;
    this.bVHi = vHi;
  }

  /** The largest RTO the record allows after `c` more ordinary samples (exact when nothing is undrawn). */
  rtoUpperAfter(c: number): number {
    const s = this.settings;
    if (!this.known && c === 0) return s.rtoInitialUs;
    if (this.entries.length === 0 && c === 0) return this.rto();
    this.boundsAfter(c);
    return Math.min(s.rtoMaxUs, Math.round(this.bSHi + Math.max(4 * this.bVHi, s.rtoMinUs)) + 1);
  }

  /** The smallest RTO the record allows after `c` more ordinary samples (tests). */
  rtoLowerAfter(c: number): number {
    const s = this.settings;
    if (!this.known && c === 0) return s.rtoInitialUs;
    this.boundsAfter(c);
    return Math.max(1, Math.min(s.rtoMaxUs, Math.round(this.bSLo + Math.max(4 * this.bVLo, s.rtoMinUs)) - 1));
  }

  /** tcp.ts's rtoUs(), drawing the undrawn samples first (materialisation). */
  rto(): number {
    if (this.entries.length > 0) this.materialise();
    const s = this.settings;
    const srtt = this.srtt;
    if (srtt !== srtt) return s.rtoInitialUs;
    return Math.min(s.rtoMaxUs, Math.round(srtt + Math.max(4 * this.rttvar, s.rtoMinUs)));
  }

  private materialise(): void {
    const e = this.entries;
    this.materialisations++;
    for (let i = 0; i < e.length; i++) {
      const x = e.items[i]!;
      if (x >= 0) {
        this.ewma(x);
        continue;
      }
      // Only the latest MEMORY samples of a run are drawn (see the header).
      const c0 = Math.min(-x, MEMORY);
      for (let c = c0; c > 0; c--) this.ewma(this.drawOrdinary());
      this.materialisedSamples += c0;
    }
    e.length = 0;
    this.known = this.srtt === this.srtt;
    this.sLo = this.sHi = this.srtt;
    this.vLo = this.vHi = this.rttvar;
  }
}
