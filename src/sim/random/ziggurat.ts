/**
 * Standard exponential draws by the ziggurat method (G. Marsaglia & W. W. Tsang,
 * "The Ziggurat Method for Generating Random Variables", J. Stat. Softw. 5(8), 2000,
 * the 256-layer EXP tables). ~98 % of draws cost one uniform, a compare and a
 * multiply; the rest fall back to the exact tail or wedge test. Used for exponential
 * link delays, the most common delay law, where Math.log per message was the
 * largest single cost of the send path.
 *
 * Unlike the paper's code, the layer index (low 8 bits) and the magnitude (high 24
 * bits) come from disjoint bits of one 32-bit draw, so they are independent. A
 * Kolmogorov–Smirnov test against 1 − e^−x checks the output.
 */
import type { StreamBank } from './streams.js';

const LAYERS = 256;
const MAGNITUDE_SCALE = 16_777_216; // 2^24
const R = 7.697117470131487; // start of the tail
const V = 3.949659822581572e-3; // area of each layer

const ke = new Float64Array(LAYERS);
const we = new Float64Array(LAYERS);
const fe = new Float64Array(LAYERS);

(function buildTables() {
  let de = R;
  let te = de;
  const q = V / Math.exp(-de);
  ke[0] = Math.floor((de / q) * MAGNITUDE_SCALE);
  ke[1] = 0;
  we[0] = q / MAGNITUDE_SCALE;
  we[LAYERS - 1] = de / MAGNITUDE_SCALE;
  fe[0] = 1;
  fe[LAYERS - 1] = Math.exp(-de);
  for (let i = LAYERS - 2; i >= 1; i--) {
    de = -Math.log(V / de + Math.exp(-de));
    ke[i + 1] = Math.floor((de / te) * MAGNITUDE_SCALE);
    te = de;
    fe[i] = Math.exp(-de);
    we[i] = de / MAGNITUDE_SCALE;
  }
})();

/** One draw from Exp(1). */
export function standardExponential(bank: StreamBank, stream: number): number {
  const u32 = bank.next(stream) * 4_294_967_296; // exact: alea yields multiples of 2^-32
  const iz = u32 & 255;
  const jz = Math.floor(u32 / 256);
  if (jz < ke[iz]!) return jz * we[iz]!;
  return exponentialFallback(bank, stream, iz, jz);
}

function exponentialFallback(bank: StreamBank, stream: number, iz: number, jz: number): number {
  for (;;) {
    if (iz === 0) return R - Math.log(bank.nextOpenZero(stream)); // the tail beyond R is R + Exp(1)
    const x = jz * we[iz]!;
    if (fe[iz]! + bank.next(stream) * (fe[iz - 1]! - fe[iz]!) < Math.exp(-x)) return x;
    const u32 = bank.next(stream) * 4_294_967_296;
    iz = u32 & 255;
    jz = Math.floor(u32 / 256);
    if (jz < ke[iz]!) return jz * we[iz]!;
  }
}
