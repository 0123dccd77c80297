/**
 * The closed-form prediction beside the simulated value, per cell (results contract,
 * `cells[].analytic`). Where a closed form exists (the fixed-timeout detector,
 * reference §1.7; NFD-S, §1.3) it assumes independent Bernoulli loss, i.i.d. delays, a
 * punctual sender and exact timers. `violations` lists what in the scenario breaks
 * those assumptions; `agrees` says whether every simulated value is within 4 standard
 * errors of the prediction. A disagreement with no violation would be a simulator bug;
 * a disagreement with violations is the point: bursts, pauses or coarse checks matter.
 */
export interface AnalyticValue {
  readonly predicted: number | null;
  readonly simulated: number | null;
  /** (simulated − predicted) / standard error of the simulated value; null when either is missing. */
  readonly z: number | null;
}

export interface AnalyticComparison {
  /** The formula used, with its reference section. */
  readonly model: string;
  readonly false_suspicions_per_node_day: AnalyticValue;
  readonly mistake_duration_ms: AnalyticValue;
  readonly query_accuracy: AnalyticValue;
  readonly detection_latency_mean_ms: AnalyticValue;
  /** Scenario features the formula does not model (empty: the formula should hold). */
  readonly violations: readonly string[];
  readonly agrees: boolean;
  /** One sentence for the report. */
  readonly verdict: string;
}
