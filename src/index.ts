/**
 * hbsim as a library (docs/library.md): load a scenario, run it, check thresholds, from
 * a user's own code or test.
 *
 *   import { loadScenario, run, check } from 'hbsim';
 *   const results = await run(loadScenario('db-ha', { set: { 'detector.timeout': '4x' } }));
 *   expect(check(results, { 'false_suspicions.per_node_day': '< 1' }).passed).toBe(true);
 *
 * `simulate` is the lower-level engine entry point (one engine configuration in integer
 * microseconds, no scenario file); most users want `loadScenario` + `run`.
 */
export {
  check,
  loadScenario,
  run,
  ScenarioError,
  type CellMetrics,
  type CellResult,
  type CheckOptions,
  type CheckResult,
  type CheckVerdict,
  type LoadedScenario,
  type LoadScenarioOptions,
  type Outcome,
  type ResultsFile,
  type RunOptions,
  type ScenarioIssue,
  type SetInput,
  type Thresholds,
  type Verdict,
} from './api/index.js';
export type { SimConfig, CrashFault, DetectorConfig, HeartbeatConfig, LinkConfig, NodeSelector } from './sim/config.js';
export type { DelayDistribution, LinkDelay } from './sim/random/distributions.js';
export type { Timeline, TimelineEntry } from './results/timeline.js';
export { runReplications as simulate, type ConfigResult, type ReplicateOptions } from './sweep/replicate.js';
