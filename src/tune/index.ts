/** `hbsim tune`: search a lattice of settings for the best one meeting targets, with sequential testing. */
export { runTune, latticeOf, type TuneRunOptions } from './run-tune.js';
export { tuneSpecOf, parseTargetOption, parseParamOption, DEFAULT_OBJECTIVE, type TuneSpec, type TuneCliOptions, type TuneParam } from './spec.js';
export { searchLattice, coarseStride, flatIndex, type Evaluate, type Evaluated, type Proposal } from './search.js';
export { lookSchedule } from './evaluate.js';
export { analyticStart, predictedMetrics } from './analytic-start.js';
