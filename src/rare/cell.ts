/**
 * The rare-event estimate of one sweep cell, as the results file carries it: the
 * estimate with its interval where the model allows, compared with the simulated
 * count; otherwise the reason, and the node-days plain simulation would need to show
 * a rate below 10⁻², 10⁻³ and 10⁻⁴ per node-day with nothing observed.
 */
import type { EventRateMetrics } from '../results/cell-metrics.js';
import type { RareFalseSuspicions } from '../results/rare-result.js';
import type { SimConfig } from '../sim/config.js';
import { exposureNeededToShowRateBelow } from '../stats/index.js';
import { estimateRareFalseSuspicions } from './estimate.js';
import { rareModelOf } from './model.js';

const round = (x: number) => Number(x.toPrecision(6));
export const DEFAULT_RARE_SAMPLES = 50_000;

export function rareFalseSuspicions(config: SimConfig, simulated: EventRateMetrics, nodeHours: number, seed: string, samples = DEFAULT_RARE_SAMPLES): RareFalseSuspicions {
  const model = rareModelOf(config);
  if (!model.ok) {
    return {
      applies: false,
      reason: model.reason,
      node_days_to_show_below: Object.fromEntries([1e-2, 1e-3, 1e-4].map((b) => [String(b), round(exposureNeededToShowRateBelow(b, 0.975))])),
    };
  }
  const e = estimateRareFalseSuspicions(model.model, { seed, samples });
  const nodeDays = nodeHours / 24;
  const simulatedSe = nodeDays > 0 ? Math.sqrt(Math.max(simulated.count, 1)) / nodeDays : null;
  const agrees = simulatedSe === null ? null : Math.abs(simulated.count / nodeDays - e.perNodeDay) <= 4 * Math.sqrt(simulatedSe ** 2 + e.standardError ** 2);
  return {
    applies: true,
    per_node_day: round(e.perNodeDay),
    standard_error: round(e.standardError),
    ci95: [round(e.ci95[0]), round(e.ci95[1])],
    samples: e.components.reduce((n, c) => n + c.samples, 0),
    hits: e.components.reduce((n, c) => n + c.hits, 0),
    method: e.method,
    agrees_with_simulation: agrees,
  };
}
