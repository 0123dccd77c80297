/**
 * The CI gate (docs/ci.md): judges a scenario's `expect:` thresholds against its
 * results file, compares with a baseline, and writes what CI systems read (JUnit XML,
 * GitHub annotations, a step summary) and a terminal table. Reads results only; never
 * simulates, never sets exit codes.
 */
export { annotationsFor, escapeData, escapeProperty, formatAnnotation, MAX_PER_LEVEL, type Annotation, type AnnotationLevel } from './annotations.js';
export {
  BASELINE_SCHEMA,
  BaselineError,
  baselineMismatch,
  baselineOf,
  missingBaselineMetrics,
  scenarioDigest,
  changedPaths,
  compareWithBaseline,
  COMPARED_METRICS,
  directionOf,
  parseBaseline,
  POINT_TOLERANCE,
  serializeBaseline,
  type BaselineComparison,
  type BaselineFile,
  type Direction,
  type MetricChange,
} from './baseline.js';
export { cellsToCheck, checkResults, expectationPlace, gateFails, severityOf, tally, thresholdLabel, type CheckItem, type ScenarioCheck, type Tally } from './gate.js';
export { judge, neededToDecide, poissonDaysToDecide, type Needed, type Outcome, type Verdict } from './judge.js';
export { junitXml, testcaseName, verdictDetails, verdictMessage, xmlAttribute, xmlText } from './junit.js';
export { measure, type Measurement } from './measure.js';
export { breachScreen } from './screen.js';
export { checkLines, closingLine, PLAIN, type Style } from './report.js';
export { headline, markdownText, MAX_SUMMARY_BYTES, stepSummary } from './summary.js';
