/**
 * `hbsim run [SCENARIO...]`: validates every scenario first (so a typo in the
 * third file costs nothing), then simulates each, writes `<out>/<name>.json`
 * atomically and prints a summary table (or the results JSON with --json).
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { RESULTS_SCHEMA, serializeResults, type ResultsFile } from '../../results/results-file.js';
import { build } from '../../scenarios/build.js';
import type { LoadedScenario } from '../../scenarios/load.js';
import { nodeNamesOf, normalizeScenario } from '../../scenarios/schema.js';
import { runSweep } from '../../sweep/run-sweep.js';
import { paletteFor } from '../colour.js';
import { ExitCode } from '../exit-codes.js';
import { UsageError, type CliIo } from '../io.js';
import { startProgress } from '../progress.js';
import { summaryLines } from '../table.js';
import { toolVersion } from '../version.js';
import { loadScenarios, overridesFrom, printWarnings, type OverrideOptions } from './common.js';

export interface RunOptions extends OverrideOptions {
  readonly scenarios: readonly string[];
  readonly out: string;
  readonly json: boolean;
}

/** The id of the only cell while nothing is swept. */
const DEFAULT_CELL = 'default';

/** Rough engine speed, for deciding whether a progress bar is worth showing. */
const HEARTBEATS_PER_SECOND = 1_000_000;

export async function runCommand(options: RunOptions, io: CliIo): Promise<number> {
  const loaded = loadScenarios(options.scenarios, overridesFrom(options));
  const names = new Map<string, string>();
  for (const l of loaded) {
    const other = names.get(l.scenario.name);
    if (other !== undefined) {
      throw new UsageError(`${other} and ${l.source} are both named "${l.scenario.name}", so both would write ${join(options.out, `${l.scenario.name}.json`)}; give one another name (--set name=… applies to all)`);
    }
    names.set(l.scenario.name, l.source);
  }
  printWarnings(io, loaded);
  const palette = paletteFor(io.stderr, io.env);
  const all: ResultsFile[] = [];
  for (const l of loaded) {
    const startedMs = performance.now();
    const results = await simulate(l, io);
    const path = join(options.out, `${results.name}.json`);
    try {
      writeFileAtomic(path, serializeResults(results));
    } catch (e) {
      throw new UsageError(`cannot write ${path}: ${e instanceof Error ? e.message : String(e)} (check --out)`);
    }
    const seconds = ((performance.now() - startedMs) / 1000).toFixed(1);
    io.stderr.write(`${palette.green('wrote')} ${path} ${palette.dim(`(${seconds} s)`)}\n`);
    all.push(results);
    if (!options.json) {
      const out = paletteFor(io.stdout, io.env);
      io.stdout.write(`${all.length > 1 ? '\n' : ''}${summaryLines(results, out).join('\n')}\n`);
    }
  }
  if (options.json) io.stdout.write(all.length === 1 ? serializeResults(all[0]!) : `${JSON.stringify(all, null, 2)}\n`);
  return ExitCode.ok;
}

async function simulate(loaded: LoadedScenario, io: CliIo): Promise<ResultsFile> {
  const { scenario } = loaded;
  const plan = build(scenario);
  const heartbeats = nodeNamesOf(scenario.cluster.nodes).length * (scenario.duration / scenario.heartbeat.interval) * plan.replications;
  const progress = startProgress(io, scenario.name, (heartbeats / HEARTBEATS_PER_SECOND) * 1000);
  progress.update(0, plan.replications);
  let cell;
  try {
    [cell] = await runSweep([{ config: plan.config }], plan.replications, {
      workers: 1,
      timelineLimit: plan.timelineLimit,
      onProgress: (done, total) => progress.update(done, total),
    });
  } finally {
    progress.stop();
  }
  return {
    schema: RESULTS_SCHEMA,
    tool: { name: 'hbsim', version: toolVersion() },
    name: scenario.name,
    source: loaded.source,
    seed: String(scenario.seed),
    replications: plan.replications,
    scenario: normalizeScenario(scenario),
    swept: [],
    cells: [{ id: DEFAULT_CELL, params: {}, metrics: cell!.metrics }],
    sample: { cell: DEFAULT_CELL, duration_ms: plan.config.durationUs / 1000, timeline: cell!.timeline },
  };
}
