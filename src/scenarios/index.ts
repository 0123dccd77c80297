/**
 * The scenarios layer's public surface: load a scenario (file, text or preset),
 * override fields, expand its sweep into cells, build the engine configuration, and
 * read the targets and thresholds the analysis and the CI gate apply. The CLI,
 * sweeps, the gate and the library entry import from here.
 */
export { build, distributionOf, lossModelOf, recommendationTargetsOf, type RunPlan } from './build.js';
export { ScenarioError, formatIssue, issueLocation, type ScenarioIssue } from './errors.js';
export { COMPARISONS, METRIC_PATHS, METRIC_UNITS, parseThreshold, type Comparison, type MetricUnit, type Threshold } from './expect.js';
export { gilbertFromAverage, quantilesFromPoints, quantilesFromSamples, type GilbertElliott, type QuantilePoint } from './laws.js';
export {
  expandSweep,
  gateSpecOf,
  listPresets,
  loadDefaultScenario,
  loadPreset,
  loadScenarioFile,
  loadScenarioText,
  MAX_SWEEP_CELLS,
  presetPath,
  presetText,
  resolveScenario,
  withSets,
  type Expectation,
  type GateCells,
  type GateSpec,
  type LoadedScenario,
  type LoadOptions,
  type PresetSummary,
  type SweepCell,
} from './load.js';
export { DEFAULT_PRESET, PRESET_NAMES, isPresetName, type PresetName } from './presets/index.js';
export { scenarioFields, type FieldRow } from './reference.js';
export {
  checkIntervalUsOf,
  deadAfterUsOf,
  DETECTOR_KINDS,
  FAULT_KINDS,
  LINK_CLASS_PRESETS,
  nodeNamesOf,
  normalizeScenario,
  scenarioSchema,
  scenarioWarnings,
  timeoutUsOf,
  type Scenario,
  type ScenarioInput,
  type ScenarioWarning,
} from './schema/index.js';
export { applyOverrides, applySets, formatPath, parsePath, parseSet, type PathSegment, type SetOverride } from './sets.js';
export { cellId, rangeValues, sweepValues, type ParamValue, type SweepEntry, type SweepRange } from './sweep.js';
export {
  formatDuration,
  formatRate,
  formatSignedDuration,
  parseDurationUs,
  parseProbability,
  parseRate,
  parseRelative,
  parseSignedDurationUs,
  rateMeanGapUs,
  type Rate,
  type Relative,
} from './units.js';
