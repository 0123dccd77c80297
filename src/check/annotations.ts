/**
 * GitHub Actions workflow commands for the CI gate's verdicts: a breached threshold
 * becomes `::error file=…,line=…,col=…,title=…::message` pointing at the threshold's
 * own line in the scenario file, so it shows on the pull request's diff; an undecided
 * one under `inconclusive: warn` and a regression against the baseline become
 * `::warning`.
 *
 * Escaping follows @actions/core (toolkit `command.ts`): in the message `%`, CR and LF
 * are percent-encoded; in a property also `:` and `,`, which would otherwise end the
 * property. GitHub shows only about ten annotations of each kind per step, so at most
 * `MAX_PER_LEVEL` are written per level, the last one saying how many more there are.
 * Where a file lives in the repository is the caller's business (`locate`).
 */
import type { Expectation } from '../scenarios/load.js';
import { verdictMessage } from './junit.js';
import { severityOf, thresholdLabel, type ScenarioCheck } from './gate.js';

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface Annotation {
  readonly level: AnnotationLevel;
  /** Path relative to the repository root; absent when the place is not a file there. */
  readonly file?: string;
  readonly line?: number;
  readonly col?: number;
  readonly title: string;
  readonly message: string;
}

/** GitHub shows about ten annotations of each level per step; more are dropped silently. */
export const MAX_PER_LEVEL = 10;

/** A workflow command's message: `%`, CR and LF percent-encoded. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A workflow command's property value: as `escapeData`, and `:` and `,` too. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::error file=a.yaml,line=3,col=5,title=…::message` */
export function formatAnnotation(a: Annotation): string {
  const props = [
    ...(a.file === undefined ? [] : [`file=${escapeProperty(a.file)}`]),
    ...(a.file === undefined || a.line === undefined ? [] : [`line=${a.line}`]),
    ...(a.file === undefined || a.line === undefined || a.col === undefined ? [] : [`col=${a.col}`]),
    `title=${escapeProperty(a.title)}`,
  ];
  return `::${a.level} ${props.join(',')}::${escapeData(a.message)}`;
}

export interface AnnotationOptions {
  /**
   * The repository path of a scenario file, from the file as named in messages and
   * the scenario's source ("preset:<name>" or the path given); undefined when it is
   * not in the repository (then the annotation has no file).
   */
  readonly locate: (file: string, source: string) => string | undefined;
  readonly failOnRegression?: boolean;
  readonly maxPerLevel?: number;
}

function placeOf(e: Expectation | undefined, check: ScenarioCheck, locate: AnnotationOptions['locate']): Pick<Annotation, 'file' | 'line' | 'col'> {
  const file = locate(e?.file ?? check.file, check.source);
  if (file === undefined) return {};
  if (e === undefined || e.line === undefined || e.set !== undefined) return { file };
  return { file, line: e.line, ...(e.column === undefined ? {} : { col: e.column }) };
}

/** The annotations of a run, errors first, each level capped. */
export function annotationsFor(checks: readonly ScenarioCheck[], options: AnnotationOptions): Annotation[] {
  const all: Annotation[] = [];
  for (const check of checks) {
    for (const item of check.items) {
      const severity = severityOf(item, check);
      if (severity === 'ok') continue;
      const v = item.verdict;
      const what = v.outcome === 'fail' ? 'threshold breached' : 'cannot tell';
      all.push({
        level: severity,
        ...placeOf(item.expectation, check, options.locate),
        title: `hbsim check ${check.name}: ${what}: ${thresholdLabel(item)}`,
        message: `${verdictMessage(item, check)}. ${capitalize(v.reason)}.${item.expectation.set === undefined ? '' : ` (threshold from ${item.expectation.set})`}`,
      });
    }
    for (const change of check.baseline?.regressions ?? []) {
      const e = check.items.find((i) => i.expectation.metric === change.metric)?.expectation;
      all.push({
        level: options.failOnRegression === true ? 'error' : 'warning',
        ...placeOf(e, check, options.locate),
        title: `hbsim check ${check.name}: worse than the baseline: ${change.metric}`,
        message: `${change.metric}${check.swept ? ` (cell ${change.cell})` : ''} got worse than the baseline: ${change.description}; ${change.basis === 'interval' ? 'the 95 % intervals do not overlap' : 'it moved beyond the tolerance'}.`,
      });
    }
  }
  const max = Math.max(1, options.maxPerLevel ?? MAX_PER_LEVEL);
  const out: Annotation[] = [];
  for (const level of ['error', 'warning', 'notice'] as const) {
    const of = all.filter((a) => a.level === level);
    if (of.length <= max) {
      out.push(...of);
      continue;
    }
    out.push(...of.slice(0, max - 1));
    const rest = of.length - (max - 1);
    out.push({
      level,
      title: `hbsim check: ${rest} more ${level === 'error' ? 'failures' : 'warnings'}`,
      message: `${rest} more ${level === 'error' ? 'failures' : 'warnings'} not annotated (GitHub shows about ${max} per step); see the job summary or the JUnit report.`,
    });
  }
  return out;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
