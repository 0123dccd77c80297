/**
 * `hbsim run [SCENARIO...]`: validates every scenario first (so a typo in the third
 * file costs nothing), then runs each one — every cell of its sweep, on the worker
 * pool — writes `<out>/<name>.json` and `<out>/<name>.html` atomically and prints a
 * summary table (or the results JSON with --json). Ctrl-C stops the run cleanly:
 * workers end, nothing is written for the interrupted scenario, exit code 130; its
 * finished tasks stay checkpointed for --resume. With --shard i/n it computes one
 * shard and writes partial results for `hbsim merge` (pieces.ts, docs/scale-out.md).
 */
import { loadReportRenderer, preloadReportRenderer } from '../lazy-report.js';
import { chartJobSoon, chartRenderer, startChartWorker, stopChartWorker, wantsChartWorker } from '../chart-worker.js';
import { breachScreen } from '../../check/screen.js';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { lockOutput, requireWritableDir, writeResultsPair } from '../../io/output-pair.js';
import type { ReportOptions } from '../../report/data.js';
import { serializeResults, type ResultsFile } from '../../results/results-file.js';
import { rareFalseSuspicions } from '../../rare/index.js';
import { build, recommendationTargetsOf } from '../../scenarios/build.js';
import { expandSweep, type LoadedScenario } from '../../scenarios/load.js';
import { SweepAborted } from '../../sweep/run-tasks.js';
import { prestartWorkers } from '../../sweep/worker-pool.js';
import { markPhase, printPhases } from '../timings.js';
import { PAUSE_SEARCH_BUDGET_HEARTBEATS } from '../../sweep/pause-survival.js';
import { planOf, type ScenarioPlan } from '../../sweep/run-scenario.js';
import { paletteFor } from '../colour.js';
import { ExitCode } from '../exit-codes.js';
import { UsageError, type CliIo } from '../io.js';
import { formatEta, startProgress } from '../progress.js';
import { summaryLines } from '../table.js';
import { knobsText, renderKnobs } from '../../scenarios/knobs.js';
import { loadScenarios, overridesFrom, printWarnings, type OverrideOptions } from './common.js';
import { runInPieces, type PieceOptions, type PieceOutcome } from './pieces.js';
import { shardOf } from './shard-options.js';

export interface RunOptions extends OverrideOptions {
  readonly scenarios: readonly string[];
  readonly out: string;
  readonly json: boolean;
  /** Worker threads; undefined = one per available core. */
  readonly workers?: string;
  readonly report: boolean;
  readonly pauseSurvival: boolean;
  /** Add each cell's false-suspicion rate by importance sampling (`rare_false_suspicions`). */
  readonly rare?: boolean;
  /** Compute one shard and write partial results (docs/scale-out.md). */
  readonly shard?: string;
  readonly shardCount?: string;
  /** Read back the tasks an interrupted run finished instead of recomputing them. */
  readonly resume?: boolean;
}

/**
 * A run expected to take less than this much CPU on one core (`ScenarioPlan.cpuMs`:
 * each task priced at the speed of the simulator path that runs it, src/sweep/cost-model.ts)
 * runs on the main thread and starts no worker thread. Each worker thread loads the
 * simulator and warms its JIT up again (+0.7–0.8 s of CPU per thread, P12b), so two
 * workers repay only runs of a few seconds: measured 2026-12-04 (load 4–6), npm start's
 * db-ha sweep (estimate 1.7 s) simulates in 1.3–1.6 s CPU / 2.2–2.8 s wall inline
 * against 2.6–2.9 s CPU / 4.2–5.0 s wall on 2 workers; workload B (estimate 0.25 s)
 * 0.40 s CPU inline against 0.68–0.73 s on 2 workers. Ctrl-C is heard between tasks.
 */
export const INLINE_BELOW_MS = 2000;
/** Runs expected to last longer than this get a warning with the order of magnitude. */
const LONG_RUN_MS = 60_000;
/** Conventional exit code of a process stopped by SIGINT (128 + 2). */
export const INTERRUPTED = 130;

export function workerCount(text: string | undefined): number {
  if (text === undefined) return Math.max(1, availableParallelism());
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new UsageError(`--workers ${text}: expected a whole number from 1 to 256`);
  return n;
}

export async function runCommand(options: RunOptions, io: CliIo, signal?: AbortSignal): Promise<number> {
  markPhase('start-up (node, modules, arguments)');
  const workers = workerCount(options.workers);
  const shard = shardOf(options, io.env);
  // The estimate is added to whole results; a shard's partial file has no cells to add it to.
  if (shard && options.rare === true) throw new UsageError('--rare applies to a whole run, not a shard: run it without --shard (the estimate costs seconds, not node-days)');
  if (shard !== undefined && options.json) throw new UsageError('--json prints results, but a shard writes partial results: merge the shards with hbsim merge --json');
  const writesReport = options.report && shard === undefined;
  // The report's chart thread starts before the scenarios are read, so that vega loads
  // while this thread reads them: most runs that write a report simulate inline (npm
  // start's does); the plan below ends it again if the first one does not.
  const chartThread = (inline: boolean) => wantsChartWorker(writesReport, inline, availableParallelism(), loadavg()[0]!, io.env.HBSIM_CHART_THREAD);
  if (chartThread(true)) startChartWorker();
  else void stopChartWorker(); // started early (cli.ts) for a run that turns out to write no report
  const loaded = loadScenarios(options.scenarios, overridesFrom(options));
  // The worker threads load the simulator while this thread prepares the first run's
  // tasks (at most one per core and per task: a run of 3 tasks with --workers 64 uses
  // 3), unless that run is small enough to run inline.
  const first = planOf(loaded[0]!, options.pauseSurvival);
  // A report of an inline run renders its charts on a thread that warms vega up on the
  // idle core while this one simulates (chart-worker.ts); a run on worker threads needs that core.
  if (!runsInline(first)) {
    void stopChartWorker();
    prestartWorkers(Math.min(workers, availableParallelism(), first.tasks));
  }
  markPhase('read scenarios');
  const names = new Map<string, string>();
  for (const l of loaded) {
    const other = names.get(l.scenario.name);
    if (other !== undefined) {
      throw new UsageError(`${other} and ${l.source} are both named "${l.scenario.name}", so both would write ${join(options.out, `${l.scenario.name}.json`)}; give one another name (--set name=… applies to all)`);
    }
    names.set(l.scenario.name, l.source);
  }
  // A run that cannot write its results must fail before it simulates, not after.
  requireWritableDir(options.out);
  printWarnings(io, loaded);
  const palette = paletteFor(io.stderr, io.env);
  const all: ResultsFile[] = [];
  for (const l of loaded) {
    const startedMs = performance.now();
    let outcome: PieceOutcome;
    // One run at a time per output name (a lock file), taken before simulating. Shards
    // write their own partial files and may run side by side in one directory.
    const lock = shard ? { release() {} } : lockOutput(options.out, l.scenario.name);
    let written: string;
    let results: ResultsFile;
    try {
      try {
        // The report's modules (vega, ~0.2 s of CPU) load on the core the first idle worker leaves.
        const onWorkerIdle = writesReport ? preloadReportRenderer : undefined;
        if (l !== loaded[0] && chartThread(runsInline(planOf(l, options.pauseSurvival)))) startChartWorker();
        outcome = await simulate(l, io, workers, options.pauseSurvival, signal, { outDir: options.out, resume: options.resume === true, command: 'run', ...(shard ? { shard } : {}) }, onWorkerIdle);
      } catch (e) {
        if (e instanceof SweepAborted) {
          io.stderr.write(`${palette.yellow('stopped')}: ${l.scenario.name} was interrupted; nothing written for it (finished tasks are checkpointed: run again with --resume to continue)\n`);
          return INTERRUPTED;
        }
        throw e;
      }
      if (outcome.kind === 'partial') {
        const seconds = ((performance.now() - startedMs) / 1000).toFixed(1);
        io.stderr.write(`${palette.green('wrote')} ${outcome.path} (shard ${shard!.index}/${shard!.count}; merge every shard with hbsim merge) ${palette.dim(`(${seconds} s)`)}\n`);
        continue;
      }
      results = options.rare === true ? withRareEstimates(l, outcome.results) : outcome.results;
      // The last report's charts are in: the chart thread ends while this one writes and
      // prints (tearing down vega's heap takes ~30-60 ms, which the process's exit would wait for).
      const afterCharts = l === loaded[loaded.length - 1] ? () => void stopChartWorker() : undefined;
      written = await writePair(results, options.out, options.report ? { targets: recommendationTargetsOf(l.scenario), screen: breachScreen(l.expectations) } : null, afterCharts);
    } finally {
      lock.release();
    }
    outcome.done();
    const seconds = ((performance.now() - startedMs) / 1000).toFixed(1);
    io.stderr.write(`${palette.green('wrote')} ${written} ${palette.dim(`(${seconds} s)`)}\n`);
    all.push(results);
    if (!options.json) {
      const out = paletteFor(io.stdout, io.env);
      io.stdout.write(`${all.length > 1 ? '\n' : ''}${summaryLines(results, out, recommendedSettings(l, results)).join('\n')}\n`);
      if (options.rare === true) io.stdout.write(`${rareLines(results).join('\n')}\n`);
    }
  }
  // Ended after the last report's charts already (above); a run that failed or wrote no report ends it here.
  void stopChartWorker();
  if (options.json) io.stdout.write(all.length === 1 ? serializeResults(all[0]!) : `${JSON.stringify(all, null, 2)}\n`);
  markPhase('print');
  printPhases(io);
  return ExitCode.ok;
}

/**
 * Writes `<out>/<name>.json` and (unless `report` is null) its report, as a consistent
 * pair (src/io/output-pair.ts); returns what was written, for the "wrote" line.
 * `afterCharts` runs once the report's page is made, before the files are written.
 */
export async function writePair(results: ResultsFile, out: string, report: ReportOptions | null, afterCharts?: () => void): Promise<string> {
  const jsonPath = join(out, `${results.name}.json`);
  const htmlPath = join(out, `${results.name}.html`);
  // The charts render on the chart thread if this run started one (chart-worker.ts), else here.
  const html = report === null ? null : await (await loadReportRenderer())(results, report, chartRenderer());
  afterCharts?.();
  if (html !== null) markPhase('report (render HTML)');
  try {
    writeResultsPair(jsonPath, serializeResults(results), htmlPath, html);
  } catch (e) {
    throw new UsageError(`cannot write ${jsonPath}: ${e instanceof Error ? e.message : String(e)} (check --out)`);
  }
  markPhase('write files');
  return html === null ? jsonPath : `${jsonPath} and ${htmlPath}`;
}

/**
 * Each cell's false-suspicion rate by importance sampling (src/rare), seeded by the
 * scenario's seed and the cell id, so the bytes stay a function of the inputs.
 */
export function withRareEstimates(loaded: LoadedScenario, results: ResultsFile): ResultsFile {
  const cells = expandSweep(loaded);
  return {
    ...results,
    cells: results.cells.map((cell, i) => ({
      ...cell,
      rare_false_suspicions: rareFalseSuspicions(build(cells[i]!.scenario).config, cell.metrics.false_suspicions, cell.metrics.node_hours, `${results.seed}/${cell.id}`),
    })),
  };
}

function rareLines(results: ResultsFile): string[] {
  const lines = ['', 'False suspicions per node-day by importance sampling (--rare):'];
  for (const cell of results.cells) {
    const r = cell.rare_false_suspicions;
    if (r === undefined) continue;
    const simulated = `simulated ${cell.metrics.false_suspicions.count} in ${(cell.metrics.node_hours / 24).toPrecision(3)} node-days`;
    lines.push(
      r.applies
        ? `  ${cell.id}: ${r.per_node_day.toPrecision(3)} (95 % ${r.ci95[0].toPrecision(3)}–${r.ci95[1].toPrecision(3)}), ${simulated}${r.agrees_with_simulation === false ? ' — DISAGREES beyond 4 standard errors' : ''}`
        : `  ${cell.id}: no estimate (${r.reason}); with nothing observed, plain simulation needs ${Object.entries(r.node_days_to_show_below).map(([b, d]) => `${Math.round(d)} node-days to show < ${b}`).join(', ')}`,
    );
  }
  return lines;
}

/** Whether a run is small enough to simulate on the main thread (INLINE_BELOW_MS). */
export function runsInline(plan: ScenarioPlan): boolean {
  return plan.cpuMs < INLINE_BELOW_MS;
}

/** Runs one scenario (or one shard of it, checkpointed: pieces.ts) with a progress bar (cells × replications done, ETA). */
export async function simulate(
  loaded: LoadedScenario,
  io: CliIo,
  workers: number,
  pauseSurvival: boolean,
  signal: AbortSignal | undefined,
  pieces: PieceOptions,
  onWorkerIdle?: () => void,
): Promise<PieceOutcome> {
  const plan = planOf(loaded, pauseSurvival);
  const inline = runsInline(plan);
  const expectedMs = plan.cpuMs / (inline ? 1 : Math.min(workers, plan.tasks));
  if (expectedMs > LONG_RUN_MS) {
    const p = paletteFor(io.stderr, io.env);
    const search = pauseSurvival ? ` (with each cell's pause-survival search, at most ${PAUSE_SEARCH_BUDGET_HEARTBEATS.toExponential(0)} heartbeats; --no-pause-survival skips it)` : '';
    io.stderr.write(`${p.yellow('warning:')} ${loaded.scenario.name} simulates about ${plan.heartbeats.toExponential(1)} heartbeats${search}; expect about ${formatEta(expectedMs / 1000)} on ${Math.min(workers, plan.tasks)} core${Math.min(workers, plan.tasks) === 1 ? '' : 's'} (Ctrl-C stops it)\n`);
  }
  const progress = startProgress(io, loaded.scenario.name, expectedMs);
  progress.update(0, plan.tasks);
  try {
    return await runInPieces(
      loaded,
      io,
      {
        workers,
        pauseSurvival,
        onProgress: (done, total, work) => {
          progress.update(done, total, work);
          // The results (and the report's charts) are ~0.1 s away: the chart thread stops warming up.
          if (done === total) chartJobSoon();
        },
        ...(onWorkerIdle ? { onWorkerIdle } : {}),
        ...(signal ? { signal } : {}),
        ...(inline ? { inline } : {}),
      },
      pieces,
    );
  } finally {
    progress.stop();
  }
}

/** The recommended cell in the system's own settings (the scenario's `knobs:`), ready to paste. */
function recommendedSettings(l: LoadedScenario, results: ResultsFile): string | undefined {
  const knobs = l.scenario.knobs;
  const id = results.analysis?.recommendation.cell;
  if (knobs === undefined || id === undefined || id === null) return undefined;
  const cell = expandSweep(l).find((c) => c.id === id);
  if (cell === undefined) return undefined;
  const rendered = renderKnobs(knobs, cell.scenario);
  if (rendered.settings.length === 0) return undefined;
  const label = results.analysis!.recommendation.met ? 'As' : 'The closest cell as';
  return `${label} ${rendered.system} settings:\n${knobsText(rendered, true)}`;
}
