/**
 * Analysis of a results file: the Pareto frontier and the recommendation, as the
 * `analysis` block of the results contract. Reads results only; never simulates.
 */
import type { CellResult, RecommendationTargets, ResultsAnalysis } from '../results/results-file.js';
import { paretoFrontier } from './frontier.js';
import { effectiveTargets, recommend, type BreachScreen } from './recommend.js';

export { dominates, paretoFrontier, tradeOffPoint, type TradeOffPoint } from './frontier.js';
export { DEFAULT_MAX_FALSE_SUSPICIONS_PER_NODE_DAY, describeCell, describeMetrics, effectiveTargets, recommend, type BreachScreen } from './recommend.js';
export * from './format.js';

export function analyze(cells: readonly CellResult[], targets: RecommendationTargets = {}, screen?: BreachScreen): ResultsAnalysis {
  return {
    targets: effectiveTargets(targets),
    frontier: paretoFrontier(cells).map((cell) => cell.id),
    recommendation: recommend(cells, targets, screen),
  };
}
