/**
 * What the commands share: turning `--set`, `--seed` and `--replications` into
 * overrides, loading several scenarios while collecting every problem (not just
 * the first file's), and printing problems and warnings.
 */
import { ScenarioError, formatIssue, issueLocation, type ScenarioIssue } from '../../scenarios/errors.js';
import { loadDefaultScenario, resolveScenario, type LoadedScenario } from '../../scenarios/load.js';
import { parseSet, type SetOverride } from '../../scenarios/sets.js';
import { paletteFor } from '../colour.js';
import type { CliIo } from '../io.js';
import { terminalSafe } from '../terminal-text.js';

export interface OverrideOptions {
  readonly set?: readonly string[];
  readonly seed?: string;
  readonly replications?: string;
}

/** `--seed N` and `--replications N` are `--set seed=N` and `--set replications=N`, applied last. */
export function overridesFrom(options: OverrideOptions): SetOverride[] {
  const issues: ScenarioIssue[] = [];
  const sets: SetOverride[] = [];
  const add = (text: string, label?: string) => {
    try {
      sets.push(parseSet(text, label));
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      issues.push(...e.issues);
    }
  };
  for (const text of options.set ?? []) add(text);
  if (options.seed !== undefined) add(`seed=${options.seed}`, `--seed ${options.seed}`);
  if (options.replications !== undefined) add(`replications=${options.replications}`, `--replications ${options.replications}`);
  if (issues.length > 0) throw new ScenarioError(issues);
  return sets;
}

/** Loads each reference (preset or path), or the default scenario when there is none. */
export function loadScenarios(refs: readonly string[], sets: readonly SetOverride[]): LoadedScenario[] {
  if (refs.length === 0) return [loadDefaultScenario({ sets })];
  const loaded: LoadedScenario[] = [];
  const issues: ScenarioIssue[] = [];
  for (const ref of refs) {
    try {
      loaded.push(resolveScenario(ref, { sets }));
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      issues.push(...e.issues);
    }
  }
  if (issues.length > 0) throw new ScenarioError(dedupeSetIssues(issues));
  return loaded;
}

/** The same bad --set fails every scenario it is applied to; say it once. */
function dedupeSetIssues(issues: readonly ScenarioIssue[]): ScenarioIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    if (i.set === undefined) return true;
    const key = formatIssue(i);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** One line per problem on stderr, the location in bold. */
export function printIssues(io: CliIo, issues: readonly ScenarioIssue[], kind: 'error' | 'warning'): void {
  const p = paletteFor(io.stderr, io.env);
  for (const issue of issues) {
    const line = terminalSafe(formatIssue(issue));
    const where = terminalSafe(issueLocation(issue));
    const shown = where !== '' && line.startsWith(where) ? p.bold(where) + line.slice(where.length) : line;
    io.stderr.write(kind === 'warning' ? `${p.yellow('warning:')} ${shown}\n` : `${shown}\n`);
  }
}

export function printWarnings(io: CliIo, loaded: readonly LoadedScenario[]): void {
  for (const l of loaded) printIssues(io, l.warnings, 'warning');
}
