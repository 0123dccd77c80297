/**
 * Runs a loaded scenario end to end: expands its sweep into cells, builds each cell's
 * engine configuration, runs every cell's replications (and pause searches) on the
 * worker pool, pools them, adds the closed-form comparison and the latency quantiles,
 * analyses the cells (frontier, recommendation against the scenario's targets) and
 * assembles the results file, whose sample timeline is the recommended cell's.
 *
 * Deterministic: the results depend on the scenario and seed only, never on the
 * worker count, timing or the machine. The tool version is passed in (only the CLI
 * knows it).
 */
import { analyze } from '../analysis/index.js';
import type { CellMetrics } from '../results/cell-metrics.js';
import type { Timeline } from '../results/timeline.js';
import { latencyQuantilesMs, RESULTS_SCHEMA, STREAMS_VERSION, type CellResult, type ResultsFile } from '../results/results-file.js';
import { build, recommendationTargetsOf, type RunPlan } from '../scenarios/build.js';
import { expandSweep, type LoadedScenario, type SweepCell } from '../scenarios/load.js';
import { normalizeScenario } from '../scenarios/schema/index.js';
import { breachScreen } from '../check/screen.js';
import { analyticComparison } from './analytic-check.js';
import { cellCost } from './cost-model.js';
import { poolSweep, sweepTasks } from './run-sweep.js';
import { runTasks } from './run-tasks.js';
import type { SweepTask, TaskResult } from './tasks.js';

export interface ScenarioRunOptions {
  readonly toolVersion: string;
  readonly workers: number;
  /** Search each cell's longest survivable pause (costs about 0.2–0.5 s of CPU per cell). */
  readonly pauseSurvival: boolean;
  /** Tasks done of all, and the fraction of the expected work done (see RunTasksOptions). */
  readonly onProgress?: (done: number, total: number, work: number) => void;
  readonly signal?: AbortSignal;
}

export interface ScenarioPlan {
  readonly cells: number;
  readonly tasks: number;
  /** Heartbeats the run will simulate (for progress and the long-run warning). */
  readonly heartbeats: number;
  /**
   * One-core CPU the run is expected to take, in ms: each task priced at the speed of
   * the path that runs it (cost-model.ts). Decides inline vs worker threads; an estimate.
   */
  readonly cpuMs: number;
}

/** How big a run is, before running it. */
export function planOf(loaded: LoadedScenario, pauseSurvival: boolean): ScenarioPlan {
  const cells = expandSweep(loaded);
  let heartbeats = 0;
  let cpuMs = 0;
  for (const cell of cells) {
    const { config, replications } = build(cell.scenario);
    const cost = cellCost(config, replications, pauseSurvival);
    heartbeats += cost.heartbeats;
    cpuMs += cost.cpuMs;
  }
  const replications = loaded.scenario.replications;
  return { cells: cells.length, tasks: cells.length * (replications + (pauseSurvival ? 1 : 0)), heartbeats, cpuMs };
}

/**
 * A scenario ready to run: its cells, each cell's engine configuration, and every
 * task in the fixed order that task indices, shards and checkpoints refer to.
 */
export interface PreparedScenario {
  readonly loaded: LoadedScenario;
  readonly cells: readonly SweepCell[];
  readonly plans: readonly RunPlan[];
  readonly tasks: readonly SweepTask[];
  readonly pauseSurvival: boolean;
  readonly timelineLimit: number;
}

export function prepareScenario(loaded: LoadedScenario, pauseSurvival: boolean): PreparedScenario {
  const cells = expandSweep(loaded);
  const plans = cells.map((cell) => build(cell.scenario));
  const tasks = sweepTasks(
    plans.map((p) => ({ config: p.config })),
    loaded.scenario.replications,
    pauseSurvival,
  );
  return { loaded, cells, plans, tasks, pauseSurvival, timelineLimit: plans[0]!.timelineLimit };
}

export async function runScenario(loaded: LoadedScenario, options: ScenarioRunOptions): Promise<ResultsFile> {
  const prepared = prepareScenario(loaded, options.pauseSurvival);
  const outputs = await runTasks(prepared.tasks, {
    workers: options.workers,
    timelineLimit: prepared.timelineLimit,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return assembleResults(prepared, outputs, options.toolVersion);
}

/** One cell's part of the results file, and its sample timeline (used if it is the recommended cell). */
export interface AssembledCell {
  readonly result: CellResult;
  readonly timeline: Timeline;
}

/**
 * One cell's result from the outputs of its own tasks (its replications and its pause
 * search, in task order): pooled tallies, metrics, latency quantiles, the closed-form
 * comparison. A pure function of those outputs, so it may run as soon as the cell's last
 * task is in, while other cells still simulate (`cellAssembler`), or at the end.
 */
export function assembleCell(prepared: PreparedScenario, index: number, outputsOfCell: readonly TaskResult[]): AssembledCell {
  const cell = prepared.cells[index]!;
  const config = prepared.plans[index]!.config;
  const p = poolSweep([{ config }], outputsOfCell.map((o) => ({ ...o, cell: 0 })))[0]!;
  const metrics: CellMetrics = p.pauseSurvival ? { ...p.metrics, longest_pause_survived_ms: p.pauseSurvival.longest_ms } : p.metrics;
  const quantiles = latencyQuantilesMs(p.tallies.detectionLatenciesUs);
  const analytic = analyticComparison(config, p.tallies);
  return {
    result: {
      id: cell.id,
      params: cell.params,
      metrics,
      ...(quantiles ? { detection_latency_quantiles_ms: quantiles } : {}),
      ...(p.pauseSurvival ? { pause_survival: p.pauseSurvival } : {}),
      ...(analytic ? { analytic } : {}),
    },
    timeline: p.timeline,
  };
}

/**
 * Assembles each cell as soon as the outputs of all its tasks are in: fed every output as
 * it arrives (`add`, by task index), it runs `assembleCell` on the main thread while the
 * worker threads simulate the other cells, which would otherwise wait, idle, until the
 * last task ends. `assembled` holds the cells done so far, for `assembleResults`.
 */
export function cellAssembler(prepared: PreparedScenario, known: ReadonlyMap<number, TaskResult>) {
  const tasksOfCell = prepared.cells.map(() => [] as number[]);
  prepared.tasks.forEach((task, k) => tasksOfCell[task.cell]!.push(k));
  const missing = tasksOfCell.map((ks) => ks.filter((k) => !known.has(k)).length);
  const outputs = new Map(known);
  const assembled = new Map<number, AssembledCell>();
  return {
    assembled: assembled as ReadonlyMap<number, AssembledCell>,
    add(task: number, output: TaskResult): void {
      if (outputs.has(task)) return;
      outputs.set(task, output);
      const cell = prepared.tasks[task]!.cell;
      if (--missing[cell]! === 0) assembled.set(cell, assembleCell(prepared, cell, tasksOfCell[cell]!.map((k) => outputs.get(k)!)));
    },
  };
}

/**
 * The results file from the outputs of every task (indexed like `prepared.tasks`),
 * however they were computed: in one run, on workers, or in shards merged later. The
 * only path to a results file, so a merge is byte-identical to a single run. Cells
 * already assembled (`cellAssembler`, from the same outputs) are taken as they are.
 */
export function assembleResults(prepared: PreparedScenario, outputs: readonly TaskResult[], toolVersion: string, assembled?: ReadonlyMap<number, AssembledCell>): ResultsFile {
  const { loaded, cells, plans } = prepared;
  const { scenario } = loaded;
  if (outputs.length !== prepared.tasks.length) throw new RangeError(`${outputs.length} task outputs for ${prepared.tasks.length} tasks`);
  const replications = scenario.replications;
  const swept = Object.keys(cells[0]!.params);
  const outputsOfCell = cells.map(() => [] as TaskResult[]);
  prepared.tasks.forEach((task, k) => outputsOfCell[task.cell]!.push(outputs[k]!));
  const parts = cells.map((_, i) => assembled?.get(i) ?? assembleCell(prepared, i, outputsOfCell[i]!));
  const results: CellResult[] = parts.map((part) => part.result);
  const analysis = analyze(results, recommendationTargetsOf(scenario), breachScreen(loaded.expectations));
  const sampleIndex = Math.max(0, cells.findIndex((c) => c.id === analysis.recommendation.cell));
  return {
    schema: RESULTS_SCHEMA,
    tool: { name: 'hbsim', version: toolVersion },
    name: scenario.name,
    source: loaded.source,
    seed: String(scenario.seed),
    streams: STREAMS_VERSION,
    replications,
    scenario: normalizeScenario(scenario),
    swept,
    cells: results,
    sample: { cell: cells[sampleIndex]!.id, duration_ms: plans[sampleIndex]!.config.durationUs / 1000, timeline: parts[sampleIndex]!.timeline },
    analysis,
  };
}
