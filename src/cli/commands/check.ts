/**
 * `hbsim check SCENARIO...`: the CI gate (docs/ci.md). Validates every scenario (and
 * reads every baseline) first, then runs each one — every cell of its sweep, or only
 * the cell `--cell` / `expect_options.cell` names — writes `<out>/<name>.json` and `.html`
 * like `hbsim run`, judges each `expect:` threshold (src/check), compares with a
 * baseline when asked, and reports: the terminal table always; `--junit FILE`; on
 * GitHub Actions, `::error`/`::warning` annotations at the thresholds' lines and a
 * Markdown step summary.
 *
 * Exit codes: 0 every threshold held (undecided ones only warned); 1 a threshold was
 * breached, an undecided one under `inconclusive: fail`, or a regression under
 * --fail-on-regression; 2 bad input (a scenario, a threshold, a baseline, an option,
 * an unwritable output); 130 interrupted. A scenario without `expect:` is a warning,
 * not an error: there is nothing to check, so it is not run (unless a baseline is
 * being saved or compared).
 */
import { breachScreen } from '../../check/screen.js';
import { appendFileSync, existsSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import {
  annotationsFor,
  BaselineError,
  baselineMismatch,
  baselineOf,
  missingBaselineMetrics,
  checkLines,
  checkResults,
  closingLine,
  compareWithBaseline,
  directionOf,
  formatAnnotation,
  gateFails,
  junitXml,
  MAX_SUMMARY_BYTES,
  parseBaseline,
  serializeBaseline,
  stepSummary,
  type BaselineFile,
  type Direction,
  type ScenarioCheck,
} from '../../check/index.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { FileReadError, readBoundedText } from '../../io/bounded-read.js';
import { lockOutput, requireWritableDir } from '../../io/output-pair.js';
import { serializeResults, type ResultsFile } from '../../results/results-file.js';
import { recommendationTargetsOf } from '../../scenarios/build.js';
import { expandSweep, gateSpecOf, presetPath, type GateCells, type GateSpec, type LoadedScenario } from '../../scenarios/load.js';
import { closest } from '../../scenarios/suggest.js';
import { formatDuration } from '../../scenarios/units.js';
import { planOf } from '../../sweep/run-scenario.js';
import { SweepAborted } from '../../sweep/run-tasks.js';
import { paletteFor } from '../colour.js';
import { ExitCode } from '../exit-codes.js';
import { UsageError, type CliIo } from '../io.js';
import { loadScenarios, overridesFrom, printWarnings, type OverrideOptions } from './common.js';
import { onlyCell, asCell } from './one-cell.js';
import type { PieceOutcome } from './pieces.js';
import { INTERRUPTED, runsInline, simulate, workerCount, writePair } from './run.js';
import { startChartWorker, stopChartWorker, wantsChartWorker } from '../chart-worker.js';
import { shardOf } from './shard-options.js';
import type { ShardSpec } from '../../sweep/shard.js';

export interface CheckOptions extends OverrideOptions {
  readonly scenarios: readonly string[];
  /** all, recommended or a cell id; overrides each scenario's `expect_options.cell`. */
  readonly cell?: string;
  readonly junit?: string;
  readonly baseline?: string;
  readonly saveBaseline?: string;
  readonly failOnRegression: boolean;
  readonly out: string;
  readonly report: boolean;
  readonly workers?: string;
  /** Compute one shard and write partial results; `hbsim merge` then judges (docs/scale-out.md). */
  readonly shard?: string;
  readonly shardCount?: string;
  /** Read back the tasks an interrupted run finished instead of recomputing them. */
  readonly resume?: boolean;
  /** Internal (`hbsim merge` of check shards): judge these results instead of simulating. */
  readonly merged?: { readonly loaded: LoadedScenario; readonly results: ResultsFile };
}

/** GitHub refuses a step summary file over 1 MiB. */
const GITHUB_SUMMARY_LIMIT = 1024 * 1024;

interface Planned {
  readonly loaded: LoadedScenario;
  readonly spec: GateSpec;
  /** The baseline to compare with: undefined when none was asked for, null when none exists for this scenario. */
  readonly baseline: BaselineFile | null | undefined;
  readonly run: boolean;
}

export async function checkCommand(options: CheckOptions, io: CliIo, signal?: AbortSignal): Promise<number> {
  const workers = workerCount(options.workers);
  if (options.failOnRegression && options.baseline === undefined) throw new UsageError('--fail-on-regression needs --baseline DIR to compare with');
  const cellOverride = options.cell === undefined ? undefined : parseCellOption(options.cell);
  const shard = shardOf(options, io.env);
  if (shard !== undefined) refuseGateOptionsOnShard(options);
  const loaded = options.merged ? [options.merged.loaded] : loadScenarios(options.scenarios, overridesFrom(options));
  refuseDuplicateNames(loaded, options);
  if (options.baseline !== undefined) requireDirectory(options.baseline, '--baseline');
  requireWritableDir(options.out);
  printWarnings(io, loaded);
  // Everything that can be refused is refused before the first simulation.
  const planned = loaded.map((l) => planCheck(l, options, cellOverride));

  const err = paletteFor(io.stderr, io.env);
  const out = paletteFor(io.stdout, io.env);
  const checks: ScenarioCheck[] = [];
  for (const p of planned) {
    if (!p.run) {
      io.stderr.write(`${err.yellow('warning:')} ${p.loaded.origin.file}: no expect: block, so nothing to check; not run\n`);
      checks.push(emptyCheck(p.loaded, p.spec, 'no expect: block, so nothing to check; not run'));
      continue;
    }
    const startedMs = performance.now();
    const got = await resultsToCheck(p, options, io, { workers, shard, signal });
    if (got.kind === 'interrupted') return INTERRUPTED;
    if (got.kind === 'partial') continue;
    const { results, written } = got;
    const check = judgeWithBaseline(results, p, options);
    if (options.saveBaseline !== undefined) {
      const path = join(options.saveBaseline, `${results.name}.json`);
      writeOrRefuse(path, serializeBaseline(baselineOf(results)), '--save-baseline');
      written.push(path);
    }
    const elapsedS = (performance.now() - startedMs) / 1000;
    io.stderr.write(`${err.green('wrote')} ${written.join(', ')} ${err.dim(`(${elapsedS.toFixed(1)} s)`)}\n`);
    checks.push(check);
    io.stdout.write(`${checks.length > 1 ? '\n' : ''}${checkLines(check, out, { heading: heading(results, check), failOnRegression: options.failOnRegression }).join('\n')}\n`);
  }
  // A shard computes only: the verdict comes from `hbsim merge`.
  if (shard !== undefined) return ExitCode.ok;
  return closeGate(checks, options, io);
}

/** Gate options on a shard are refused: a shard only computes, and `hbsim merge` judges. */
function refuseGateOptionsOnShard(options: CheckOptions): void {
  const gateOptions = [options.junit === undefined ? [] : ['--junit'], options.baseline === undefined ? [] : ['--baseline'], options.saveBaseline === undefined ? [] : ['--save-baseline'], options.failOnRegression ? ['--fail-on-regression'] : []].flat();
  if (gateOptions.length > 0) throw new UsageError(`${gateOptions.join(', ')}: a shard only computes; give ${gateOptions.length > 1 ? 'them' : 'it'} to hbsim merge, which judges the merged results`);
}

/** What the gate will do with one scenario: its cells, its baseline, whether it runs at all. Refuses what cannot work. */
function planCheck(l: LoadedScenario, options: CheckOptions, cellOverride: GateCells | undefined): Planned {
  const spec = gateSpecOf(l);
  const cells = cellOverride ?? spec.cells;
  if (cells.kind === 'cell') requireCell(l, cells.id);
  const baseline = options.baseline === undefined ? undefined : readBaseline(options.baseline, l.scenario.name);
  // A gate that compares with another scenario's numbers (or none) proves nothing: refuse it.
  if (options.failOnRegression && baseline !== undefined) {
    const path = join(options.baseline!, `${l.scenario.name}.json`);
    if (baseline === null) throw new UsageError(`--fail-on-regression: no baseline ${path} for ${l.scenario.name}; save one with --save-baseline ${options.baseline}`);
    if (baseline.name !== l.scenario.name) throw new UsageError(`baseline ${path} ${baselineMismatch(baseline, l.scenario.name, null)}`);
  }
  const run = spec.expectations.length > 0 || options.baseline !== undefined || options.saveBaseline !== undefined;
  return { loaded: l, spec: { ...spec, cells }, baseline, run };
}

type Obtained = { readonly kind: 'results'; readonly results: ResultsFile; readonly written: string[] } | { readonly kind: 'partial' } | { readonly kind: 'interrupted' };

/**
 * The results the gate judges, written beside their report: simulated (the gated cell
 * alone when the gate names one), or the merged results `hbsim merge` passes in. A
 * shard writes its partial file instead; Ctrl-C writes nothing.
 */
async function resultsToCheck(p: Planned, options: CheckOptions, io: CliIo, how: { readonly workers: number; readonly shard: ShardSpec | undefined; readonly signal: AbortSignal | undefined }): Promise<Obtained> {
  const l = p.loaded;
  const { shard } = how;
  const err = paletteFor(io.stderr, io.env);
  let results: ResultsFile;
  let done = () => {};
  // One run at a time per output name (a lock file); shards write partial files side by side.
  const lock = shard || options.merged ? { release() {} } : lockOutput(options.out, l.scenario.name);
  let written: string[];
  try {
    if (options.merged) results = options.merged.results;
    else {
      let outcome: PieceOutcome;
      try {
        const pauseSurvival = checkNeedsPauseSurvival(p.spec);
        const target = p.spec.cells.kind === 'cell' ? onlyCell(l, p.spec.cells.id) : undefined;
        const run = target?.loaded ?? l;
        const checkCells = p.spec.cells.kind === 'cell' ? p.spec.cells.id : p.spec.cells.kind;
        // As in `hbsim run`: an inline run's report renders on a thread warmed up meanwhile (chart-worker.ts);
        // a gate over many scenarios renders every report after the first on a warm thread.
        if (wantsChartWorker(options.report && shard === undefined, runsInline(planOf(run, pauseSurvival)), availableParallelism(), loadavg()[0]!, io.env.HBSIM_CHART_THREAD)) startChartWorker();
        else void stopChartWorker(); // a run on worker threads needs every core (or no report is written)
        outcome = await simulate(run, io, options.workers === undefined ? workersFor(run, pauseSurvival, how.workers) : how.workers, pauseSurvival, how.signal, {
          outDir: options.out,
          resume: options.resume === true,
          command: 'check',
          checkCells,
          ...(shard ? { shard } : {}),
          ...(target ? { asCell: { id: target.cell.id, params: target.cell.params }, recordFrom: l } : {}),
        });
        if (outcome.kind === 'partial') {
          io.stderr.write(`${err.green('wrote')} ${outcome.path} (shard ${shard!.index}/${shard!.count}; hbsim merge judges the merged results)\n`);
          return { kind: 'partial' };
        }
        results = target !== undefined ? asCell(outcome.results, target.cell, l) : outcome.results;
        done = outcome.done;
      } catch (e) {
        if (e instanceof SweepAborted) {
          io.stderr.write(`${err.yellow('stopped')}: ${l.scenario.name} was interrupted; nothing written for it (finished tasks are checkpointed: run again with --resume to continue)\n`);
          return { kind: 'interrupted' };
        }
        throw e;
      }
    }
    written = await writeResults(results, l, options);
  } finally {
    lock.release();
  }
  done();
  return { kind: 'results', results, written };
}

/** The verdicts on one scenario's results, compared with its baseline when one was given. */
function judgeWithBaseline(results: ResultsFile, p: Planned, options: CheckOptions): ScenarioCheck {
  const check = checkResults(results, p.spec, p.loaded.origin.file);
  if (p.baseline === null) return { ...check, notes: [...check.notes, `no baseline ${join(options.baseline!, `${results.name}.json`)} to compare with`] };
  if (p.baseline === undefined) return check;
  const extra = new Map<string, Direction>(p.spec.expectations.map((e) => [e.metric, directionOf(e.op)]));
  if (options.failOnRegression) {
    // The scenario as run (a gate on one cell runs that cell alone), against the baseline's.
    const mismatch = baselineMismatch(p.baseline, results.name, results.scenario);
    if (mismatch !== null) throw new UsageError(`baseline ${join(options.baseline!, `${results.name}.json`)} ${mismatch}`);
    const missing = missingBaselineMetrics(results, check.cells, p.baseline, extra.keys());
    if (missing.length > 0) {
      throw new UsageError(`baseline ${join(options.baseline!, `${results.name}.json`)} lacks what the gate compares (${missing.slice(0, 4).join('; ')}${missing.length > 4 ? ` and ${missing.length - 4} more` : ''}); re-save it with --save-baseline`);
    }
  }
  return { ...check, baseline: compareWithBaseline(results, check.cells, p.baseline, extra) };
}

/** The closing line, the CI's annotations and JUnit file, and the gate's exit code. */
function closeGate(checks: readonly ScenarioCheck[], options: CheckOptions, io: CliIo): number {
  const out = paletteFor(io.stdout, io.env);
  io.stdout.write(`\n${closingLine(checks, options.failOnRegression, out)}\n`);
  if (io.env.GITHUB_ACTIONS === 'true') reportToGitHub(checks, options, io);
  if (options.junit !== undefined) {
    // No wall-clock times: the same verdicts give the same bytes (docs/ci.md), so a JUnit
    // file can be committed or compared; the run time is on stderr above.
    writeOrRefuse(options.junit, junitXml(checks, { failOnRegression: options.failOnRegression }), '--junit');
    io.stderr.write(`${paletteFor(io.stderr, io.env).green('wrote')} ${options.junit}\n`);
  }
  return gateFails(checks, options.failOnRegression) ? ExitCode.checkFailed : ExitCode.ok;
}

/** The gate searches pauses only when a threshold needs them. */
export function checkNeedsPauseSurvival(spec: GateSpec): boolean {
  return spec.expectations.some((e) => e.metric === 'longest_pause_survived_ms');
}

/**
 * A run expected to take less than this much CPU on one core (`ScenarioPlan.cpuMs`, each
 * task priced on the path that runs it, src/sweep/cost-model.ts) uses one worker thread
 * (and runs inline below run.ts's INLINE_BELOW_MS): worker threads each load the
 * simulator and warm its JIT up again, which a small run does not repay.
 */
const ONE_WORKER_BELOW_MS = 3000;

/**
 * Without --workers, a scenario expected to simulate in less time than the worker
 * threads take to start runs on one thread: a CI gate over a dozen small scenarios would
 * otherwise spend most of its time starting threads. Results do not depend on it.
 */
function workersFor(l: LoadedScenario, pauseSurvival: boolean, workers: number): number {
  return planOf(l, pauseSurvival).cpuMs < ONE_WORKER_BELOW_MS ? 1 : workers;
}

function parseCellOption(text: string): GateCells {
  const cell = text.trim();
  if (cell === '') throw new UsageError('--cell needs a value: all, recommended or a cell id such as 500ms/3x');
  return cell === 'all' || cell === 'recommended' ? { kind: cell } : { kind: 'cell', id: cell };
}

function requireCell(l: LoadedScenario, id: string): void {
  const ids = expandSweep(l).map((c) => c.id);
  if (ids.includes(id)) return;
  const guess = closest(id, ids);
  throw new UsageError(
    `--cell ${id}: ${l.scenario.name} has no such cell; its cells are ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', …' : ''} (or all, recommended)${guess === undefined ? '' : `; did you mean "${guess}"?`}`,
  );
}

function refuseDuplicateNames(loaded: readonly LoadedScenario[], options: CheckOptions): void {
  const names = new Map<string, string>();
  for (const l of loaded) {
    const other = names.get(l.scenario.name);
    if (other !== undefined) {
      throw new UsageError(`${other} and ${l.source} are both named "${l.scenario.name}", so both would write ${join(options.out, `${l.scenario.name}.json`)}; give one another name`);
    }
    names.set(l.scenario.name, l.source);
  }
}

/** A baseline holds a few numbers per cell; 20 MB is far beyond any real one. */
const MAX_BASELINE_BYTES = 20_000_000;

function requireDirectory(dir: string, option: string): void {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new UsageError(`${option} ${dir}: no such directory (save one first with hbsim check --save-baseline ${dir})`);
  }
  if (!isDir) throw new UsageError(`${option} ${dir}: not a directory`);
}

/** The baseline of a scenario, null when the directory has none for it; a file that cannot be used is bad input. */
function readBaseline(dir: string, name: string): BaselineFile | null {
  const path = join(dir, `${name}.json`);
  if (!existsSync(path)) return null;
  try {
    return parseBaseline(readBoundedText(path, MAX_BASELINE_BYTES, 'a baseline'));
  } catch (e) {
    if (e instanceof FileReadError) throw new UsageError(`baseline ${path} cannot be read: ${e.message}`);
    if (e instanceof BaselineError) throw new UsageError(`baseline ${path} ${e.message}`);
    throw new UsageError(`baseline ${path} cannot be read: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function writeOrRefuse(path: string, text: string, option: string): void {
  try {
    writeFileAtomic(path, text);
  } catch (e) {
    throw new UsageError(`cannot write ${path}: ${e instanceof Error ? e.message : String(e)} (check ${option})`);
  }
}

/** The results file and, unless --no-report, the HTML report, as `hbsim run` writes them. */
async function writeResults(results: ResultsFile, l: LoadedScenario, options: CheckOptions): Promise<string[]> {
  return (await writePair(results, options.out, options.report ? { targets: recommendationTargetsOf(l.scenario), screen: breachScreen(l.expectations) } : null)).split(' and ');
}

function emptyCheck(l: LoadedScenario, spec: GateSpec, note: string): ScenarioCheck {
  return {
    name: l.scenario.name,
    source: l.source,
    file: l.origin.file,
    seed: String(l.scenario.seed),
    replications: l.scenario.replications,
    inconclusive: spec.inconclusive,
    cells: [],
    swept: false,
    items: [],
    notes: [note],
  };
}

/** "db-ha — presets/db-ha.yaml · seed 42 · 2 × 12h · 219 node-hours per cell" */
function heading(results: ResultsFile, check: ScenarioCheck): string {
  const scenario = results.scenario as { duration?: string };
  const first = results.cells.find((c) => c.id === check.cells[0]) ?? results.cells[0];
  const nodeHours = first?.metrics.node_hours;
  const cells = results.cells.length > 1 ? ` · ${check.cells.length} of ${results.cells.length} cells checked` : results.swept.length > 0 ? ` · cell ${results.cells[0]!.id} only` : '';
  const hours = nodeHours === undefined ? '' : ` · ${Number(nodeHours.toPrecision(3))} node-hours${results.cells.length > 1 ? ' per cell' : ''}`;
  return `${results.name} — ${check.file} · seed ${results.seed} · ${results.replications} × ${scenario.duration ?? formatDuration(0)}${hours}${cells}`;
}

/**
 * Where a scenario file is in the repository, for annotations: relative to
 * GITHUB_WORKSPACE (else the working directory), with "/" separators; a preset is
 * its file in this package; undefined when outside the repository.
 */
export function repositoryPath(file: string, source: string, env: CliIo['env'], cwd = process.cwd()): string | undefined {
  const root = env.GITHUB_WORKSPACE !== undefined && env.GITHUB_WORKSPACE !== '' ? env.GITHUB_WORKSPACE : cwd;
  const absolute = source.startsWith('preset:') ? presetPath(source.slice('preset:'.length)) : resolve(cwd, file);
  const rel = relative(resolve(root), absolute);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

function reportToGitHub(checks: readonly ScenarioCheck[], options: CheckOptions, io: CliIo): void {
  const annotations = annotationsFor(checks, { locate: (file, source) => repositoryPath(file, source, io.env), failOnRegression: options.failOnRegression });
  for (const a of annotations) io.stdout.write(`${formatAnnotation(a)}\n`);
  const path = io.env.GITHUB_STEP_SUMMARY;
  if (path === undefined || path === '') return;
  let existing = 0;
  try {
    existing = statSync(path).size;
  } catch {
    // Not there yet: appending creates it.
  }
  const room = Math.min(MAX_SUMMARY_BYTES, GITHUB_SUMMARY_LIMIT - existing - 1024);
  const warn = (why: string) => {
    io.stderr.write(`${paletteFor(io.stderr, io.env).yellow('warning:')} no step summary written: ${why}\n`);
  };
  if (room < 2048) {
    warn(`${path} already holds ${existing} bytes, close to GitHub's 1 MiB limit`);
    return;
  }
  try {
    appendFileSync(path, stepSummary(checks, { failOnRegression: options.failOnRegression, maxBytes: room }));
  } catch (e) {
    warn(`cannot append to ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
