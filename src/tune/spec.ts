/**
 * What `hbsim tune` is asked: the targets, the objective, the parameters with their
 * candidate values, and the replication cap — from the scenario's `tune:` block, with
 * command-line options replacing the matching parts. Pure: no files.
 *
 * A command-line target reads `metric<=bound` (`detection_latency_ms.p99<=5s`), a
 * parameter `path=values` where the values are written as in a `sweep:` entry (a
 * YAML list or range: `heartbeat.interval={from: 250ms, to: 4s, steps: 9, scale: log}`).
 */
import { parse as parseYaml } from 'yaml';
import { ScenarioError } from '../scenarios/errors.js';
import { boundPhrase, METRIC_PATHS, METRIC_UNITS, parseThreshold, THRESHOLD_EXAMPLES, type Threshold } from '../scenarios/expect.js';
import type { Scenario } from '../scenarios/schema/index.js';
import { closest } from '../scenarios/suggest.js';
import type { SweepEntry } from '../scenarios/sweep.js';

export type Direction = 'minimise' | 'maximise';

export interface TuneParam {
  /** A field path as `--set` writes it. */
  readonly path: string;
  readonly entry: SweepEntry;
}

export interface TuneSpec {
  readonly targets: readonly Threshold[];
  readonly objective: { readonly metric: string; readonly direction: Direction };
  readonly params: readonly TuneParam[];
  readonly maxReplications: number;
}

export interface TuneCliOptions {
  readonly targets?: readonly string[];
  readonly minimise?: string;
  readonly maximise?: string;
  readonly params?: readonly string[];
  readonly maxReplications?: number;
}

export const DEFAULT_OBJECTIVE = 'messages_per_node_s';

const cliError = (label: string, message: string, suggestion?: string) =>
  new ScenarioError([{ file: '', set: label, path: '', message, ...(suggestion === undefined ? {} : { suggestion }) }]);

/** Reads `--target 'metric<=bound'`. */
export function parseTargetOption(text: string): Threshold {
  const label = `--target ${text}`;
  const m = /^\s*([A-Za-z0-9_.]+)\s*((?:<=|>=|<|>|≤|≥).*)$/.exec(text);
  if (!m) throw cliError(label, `expected metric<=bound, e.g. --target 'detection_latency_ms.p99<=5s'`);
  const metric = m[1]!;
  const unit = METRIC_UNITS.get(metric);
  if (unit === undefined) throw cliError(label, `unknown metric "${metric}"; metrics are named as in docs/results.md`, closest(metric, METRIC_PATHS));
  const parsed = parseThreshold(metric, unit, m[2]!);
  if (!parsed.ok) throw cliError(label, `expected a condition such as ${THRESHOLD_EXAMPLES}, with ${boundPhrase(unit)}${parsed.reason === '' ? '' : ` (${parsed.reason})`}`);
  return parsed.value;
}

function checkMetric(metric: string, option: string): string {
  if (!METRIC_UNITS.has(metric)) throw cliError(`${option} ${metric}`, `unknown metric "${metric}"; metrics are named as in docs/results.md`, closest(metric, METRIC_PATHS));
  return metric;
}

/** Reads `--param 'path=values'` (values as a `sweep:` entry is written). */
export function parseParamOption(text: string): TuneParam {
  const label = `--param ${text}`;
  const eq = text.indexOf('=');
  if (eq <= 0) throw cliError(label, "expected path=values, e.g. --param 'detector.timeout=[2x, 3x, 5x]' or --param 'heartbeat.interval={from: 250ms, to: 4s, steps: 9, scale: log}'");
  const path = text.slice(0, eq).trim();
  let entry: unknown;
  try {
    entry = parseYaml(text.slice(eq + 1), { strict: true, uniqueKeys: true, logLevel: 'error' });
  } catch (e) {
    throw cliError(label, `the values are not valid YAML: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  const isMap = entry !== null && typeof entry === 'object' && !Array.isArray(entry);
  if (!Array.isArray(entry) && !isMap) throw cliError(label, 'expected a list such as [2x, 3x, 5x] or a range such as {from: 250ms, to: 4s, steps: 9, scale: log}');
  return { path, entry: (isMap ? { steps: 9, scale: 'linear', ...(entry as object) } : entry) as SweepEntry };
}

/** The spec: the scenario's `tune:` block, each part replaced by the command line's when given. */
export function tuneSpecOf(scenario: Scenario, cli: TuneCliOptions = {}): TuneSpec {
  const block = scenario.tune;
  const targets = cli.targets !== undefined && cli.targets.length > 0 ? cli.targets.map(parseTargetOption) : (block?.targets ?? []);
  if (cli.minimise !== undefined && cli.maximise !== undefined) throw cliError('--maximise', 'give --minimise or --maximise, not both');
  const objective =
    cli.minimise !== undefined
      ? { metric: checkMetric(cli.minimise, '--minimise'), direction: 'minimise' as const }
      : cli.maximise !== undefined
        ? { metric: checkMetric(cli.maximise, '--maximise'), direction: 'maximise' as const }
        : block?.maximise !== undefined
          ? { metric: block.maximise, direction: 'maximise' as const }
          : { metric: block?.minimise ?? DEFAULT_OBJECTIVE, direction: 'minimise' as const };
  const params =
    cli.params !== undefined && cli.params.length > 0
      ? cli.params.map(parseParamOption)
      : Object.entries(block?.params ?? {}).map(([path, entry]) => ({ path, entry: entry as SweepEntry }));
  if (targets.length === 0) throw cliError('--target', "no targets: give --target 'metric<=bound' (e.g. 'false_suspicions.per_node_day<=0.1') or a tune.targets block");
  if (params.length === 0) throw cliError('--param', "no parameters to tune: give --param 'path=values' or a tune.params block");
  const maxReplications = cli.maxReplications ?? block?.max_replications ?? 16;
  if (!(Number.isInteger(maxReplications) && maxReplications >= 1 && maxReplications <= 1000)) throw cliError('--max-replications', 'expected a whole number from 1 to 1000');
  return { targets, objective, params, maxReplications };
}
