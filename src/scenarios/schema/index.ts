/**
 * The scenario file format, declared once. Each field's type, range, default (as a
 * user would write it), unit and meaning live in this folder; from it come the
 * TypeScript types (`ScenarioInput` as written, `Scenario` with units resolved),
 * the reference table in docs/scenarios.md (see ../reference.ts) and, through zod's
 * codecs, the normalised form written into results files (`normalizeScenario`).
 *
 * One file per concern:
 *   leaves.ts         field builders (durations, probabilities, rates, "Nx"), field metadata
 *   sample-files.ts   `csv:` sample files, read through a reader the loader lends
 *   distributions.ts  delay laws (`dist:`), jitter, link delays, lengths of faults
 *   cluster.ts        cluster, heartbeat, node selectors
 *   links.ts          link, reverse_link, link classes and their presets
 *   faults.ts         fault kinds
 *   detectors.ts      detector families
 *   protocol.ts       protocol: central, swim, ring, monitors
 *   sweep.ts, targets.ts, tune.ts, knobs.ts   sweep, targets/expect, tune, knobs
 *   sections.ts       the top-level object, section by section
 *   rules.ts          cross-field rules (refinements with a path, for the loader to locate)
 *   timings.ts        the detector's timings in µs; the one place "Nx" becomes µs (`relativeUs`)
 *   scenario.ts       the schema, its types, normalizeScenario
 *   warnings.ts       soft problems (`scenarioWarnings`)
 *
 * Adding a detector family or a fault kind: add a variant to `detectorSchema` (a
 * union on `kind`) or a key to `faultSchema` (one key per entry), then teach
 * ../build.ts to map it onto the engine's configuration.
 */
export { nodeNamesOf, selectedNames, type NodeSelectorSpec } from './cluster.js';
export { DETECTOR_KINDS, type DetectorSpec } from './detectors.js';
export type { DistKind } from './distributions.js';
export { FAULT_KINDS, faultEntry, type CrashSpec, type DurationLawSpec, type FaultKind, type FaultSpec } from './faults.js';
export { MAX_NODES, MAX_REPLICATIONS, NAME_PATTERN, type DeadAfter, type FieldMeta } from './leaves.js';
export { LINK_CLASS_PRESETS, type LinkClassPreset, type LinkClassSpec, type LinkSpec, type LossSpec, type PartialLinkSpec, type TcpSpec } from './links.js';
export {
  AKKA_MONITORED_BY,
  memberlistOf,
  PROTOCOL_KINDS,
  protocolConfigOf,
  protocolRules,
  watchedOf,
  type ProtocolIssue,
  type ProtocolKind,
  type ProtocolSpec,
  type ProtocolSurroundings,
} from './protocol.js';
export { withSampleFileReader, type SampleFileReader, type SampleFileResult, type SampleFileSpec } from './sample-files.js';
export {
  normalizeScenario,
  scenarioSchema,
  type DistributionSpec,
  type ExpectOptionsSpec,
  type KnobsSpec,
  type LinkDelaySpec,
  type Scenario,
  type ScenarioInput,
  type TargetsSpec,
} from './scenario.js';
export type { SweepSpec } from './sweep.js';
export { checkIntervalUsOf, deadAfterUsOf, isRelativeField, RELATIVE_FIELDS, relativeUs, timeoutUsOf, type RelativeField, type TimingSpec } from './timings.js';
export { MAX_TUNE_REPLICATIONS, TUNE_DEFAULT_STEPS } from './tune.js';
export { roughTime, scenarioWarnings, type ScenarioWarning } from './warnings.js';
