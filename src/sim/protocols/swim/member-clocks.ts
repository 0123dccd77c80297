/**
 * SWIM members' monotonic clocks under `clock_drift` (faults/clock.ts Clocks), or null
 * when no member drifts: the SWIM engine then computes every timer on true time, as
 * before drift was modelled, at no cost (swim-core.ts afterLocal).
 */
import type { Fault } from '../../config.js';
import { Clocks } from '../../faults/clock.js';
import { selectNodes } from '../../faults/faults.js';

/**
 * The members' clocks from the `clockDrift` rules on nodes (the last rule naming a
 * member wins, as in faults/member-faults.ts); null when no member drifts. Clock steps
 * do not apply: Go's timers and time.Since read the monotonic clock.
 */
export function memberClocks(faults: readonly Fault[], names: readonly string[]): { clocks: Clocks | null; slowestRate: number } {
  if (!faults.some((f) => f.kind === 'clockDrift' && f.nodes !== null && f.ppm !== 0)) return { clocks: null, slowestRate: 1 };
  const clocks = new Clocks(names.length);
  const ppm = new Float64Array(names.length);
  for (const f of faults) {
    if (f.kind !== 'clockDrift' || f.nodes === null) continue;
    for (const node of selectNodes(f.nodes, names)) {
      clocks.setDrift(node, f.ppm);
      ppm[node] = f.ppm;
    }
  }
  let slowest = 0;
  for (const p of ppm) slowest = Math.min(slowest, p);
  return { clocks, slowestRate: 1 + slowest * 1e-6 };
}

