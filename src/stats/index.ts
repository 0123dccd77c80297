/**
 * Public surface of the statistics leaf module: exact Poisson rate bounds, sample
 * quantiles with distribution-free intervals, and mean intervals (plain and batch
 * means). Nothing in src/stats imports from the rest of src.
 */
export type { Interval } from './interval.js';
export {
  exposureNeededToShowRateBelow,
  poissonCountInterval,
  poissonRateInterval,
  poissonUpperBound,
} from './poisson-interval.js';
export {
  quantile,
  quantileInterval,
  quantileIntervalRanks,
  sortSamples,
  summarize,
  type QuantileIntervalRanks,
  type SampleSummary,
  type SortedSamples,
} from './quantiles.js';
export { batchMeans, meanInterval, type BatchMeansResult, type MeanInterval } from './mean-interval.js';
export { normalCritical, studentTCritical } from './student-t.js';
export { ratioInterval, type RatioInterval } from './ratio-interval.js';
export { proportionInterval } from './proportion-interval.js';
