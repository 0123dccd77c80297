/**
 * The scenarios layer's public surface: load a scenario (file, text or preset),
 * override fields, build the engine configuration. The CLI, sweeps and the library
 * entry import from here.
 */
export { build, type RunPlan } from './build.js';
export { ScenarioError, formatIssue, issueLocation, type ScenarioIssue } from './errors.js';
export {
  listPresets,
  loadDefaultScenario,
  loadPreset,
  loadScenarioFile,
  loadScenarioText,
  presetPath,
  presetText,
  resolveScenario,
  withSets,
  type LoadedScenario,
  type LoadOptions,
  type PresetSummary,
} from './load.js';
export { DEFAULT_PRESET, PRESET_NAMES, isPresetName, type PresetName } from './presets/index.js';
export { scenarioFields, type FieldRow } from './reference.js';
export {
  deadAfterUsOf,
  nodeNamesOf,
  normalizeScenario,
  scenarioSchema,
  scenarioWarnings,
  timeoutUsOf,
  type Scenario,
  type ScenarioInput,
  type ScenarioWarning,
} from './schema.js';
export { applySets, formatPath, parsePath, parseSet, type PathSegment, type SetOverride } from './sets.js';
export { formatDuration, parseDurationUs, parseProbability, parseRelative, type Relative } from './units.js';
