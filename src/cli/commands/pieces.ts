/**
 * Runs one scenario for `hbsim run` and `hbsim check` in resumable pieces: every task
 * output is checkpointed as it finishes (src/sweep/checkpoint.ts), `--resume` reads
 * back what an interrupted attempt finished, and `--shard i/n` computes only that
 * shard's tasks and writes a partial results file for `hbsim merge` (docs/scale-out.md).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-write.js';
import type { ResultsFile } from '../../results/results-file.js';
import { loadScenarioText, presetText, type LoadedScenario, type SweepCell } from '../../scenarios/load.js';
import { allOutputs, runResumable } from '../../sweep/run-resumable.js';
import { Checkpoint } from '../checkpoint.js';
import { assembleResults, prepareScenario, type PreparedScenario } from '../../sweep/run-scenario.js';
import { identityOf, partialFileOf, runDigest, serializePartial, shardTasks, type RunIdentity, type ScenarioRecipe, type ShardSpec } from '../../sweep/shard.js';
import { paletteFor } from '../colour.js';
import { UsageError, type CliIo } from '../io.js';
import { toolVersion } from '../../results/tool-version.js';
import { onlyCell } from './one-cell.js';
import { markPhase } from '../timings.js';

export interface PieceOptions {
  readonly outDir: string;
  readonly resume: boolean;
  readonly shard?: ShardSpec;
  readonly command: RunIdentity['command'];
  /** `check` of one cell: the cell id and params (the loaded scenario is that cell alone) … */
  readonly asCell?: RunIdentity['as_cell'];
  /** … and the whole scenario it was cut from, which the partial file records. */
  readonly recordFrom?: LoadedScenario;
  /** `check`: the cells the gate judges (all, recommended or an id), for `hbsim merge` to judge the same. */
  readonly checkCells?: string;
}

export type PieceOutcome = { readonly kind: 'results'; readonly results: ResultsFile; readonly done: () => void } | { readonly kind: 'partial'; readonly path: string };

/** The file name of a shard's partial results. */
export function partialPath(outDir: string, name: string, shard: ShardSpec): string {
  return join(outDir, `${name}.shard-${shard.index}-of-${shard.count}.json`);
}

/** The scenario's text and overrides, to load it again in `hbsim merge`. */
export function recipeOf(loaded: LoadedScenario): ScenarioRecipe {
  const preset = loaded.source.startsWith('preset:') ? loaded.source.slice('preset:'.length) : undefined;
  let text: string;
  if (preset !== undefined) text = presetText(preset);
  else {
    try {
      text = readFileSync(loaded.origin.file, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${loaded.origin.file} again to record it in the partial results: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  }
  return { text, file: loaded.origin.file, source: loaded.source, dir: loaded.origin.dir, sets: loaded.origin.sets };
}

/** The scenario as recorded, and the one simulated (the recorded one, or one cell of it: one-cell.ts). */
export function loadRecipe(recipe: ScenarioRecipe, asCell: RunIdentity['as_cell']): { recorded: LoadedScenario; run: LoadedScenario; cell?: SweepCell } {
  const recorded = loadScenarioText(recipe.text, recipe.file, { sets: recipe.sets, source: recipe.source, dir: recipe.dir });
  if (asCell === undefined) return { recorded, run: recorded };
  const only = onlyCell(recorded, asCell.id);
  if (only === undefined) throw new UsageError(`${recipe.file} has no cell ${asCell.id} to check alone`);
  return { recorded, run: only.loaded, cell: only.cell };
}

/**
 * Runs the scenario's tasks (a shard's, or all) with checkpoints; returns the results
 * (the caller writes them, then calls `done` to delete the checkpoint) or, for a
 * shard, writes the partial file and returns its path.
 */
export async function runInPieces(
  loaded: LoadedScenario,
  io: CliIo,
  run: { readonly workers: number; readonly pauseSurvival: boolean; readonly onProgress?: (done: number, total: number, work: number) => void; readonly onWorkerIdle?: () => void; readonly signal?: AbortSignal; readonly inline?: boolean },
  options: PieceOptions,
): Promise<PieceOutcome> {
  const prepared = prepareScenario(loaded, run.pauseSurvival);
  const version = toolVersion();
  const identity = identityOf(prepared, version, options.command, options.asCell, options.checkCells);
  const digest = runDigest(prepared, identity);
  const recipe = options.shard ? checkedRecipe(options.recordFrom ?? loaded, prepared, identity, digest) : undefined;
  const resumable = { workers: run.workers, ...(options.shard ? { shard: options.shard } : {}), ...(run.onProgress ? { onProgress: run.onProgress } : {}), ...(run.onWorkerIdle ? { onWorkerIdle: run.onWorkerIdle } : {}), ...(run.signal ? { signal: run.signal } : {}), ...(run.inline ? { inline: true } : {}) };
  let checkpoint: Checkpoint;
  try {
    const key = { name: loaded.scenario.name, digest, tasks: prepared.tasks.length, ...(options.shard ? { shard: options.shard } : {}) };
    checkpoint = Checkpoint.open(options.outDir, key, options.resume);
  } catch (e) {
    // Refused before any simulation: the results could not be written there either.
    const target = options.shard ? partialPath(options.outDir, loaded.scenario.name, options.shard) : join(options.outDir, `${loaded.scenario.name}.json`);
    throw new UsageError(`cannot write ${target}: ${e instanceof Error ? e.message : String(e)} (check --out)`);
  }
  const p = paletteFor(io.stderr, io.env);
  if (options.resume) {
    const wanted = options.shard ? shardTasks(prepared.tasks.length, options.shard).length : prepared.tasks.length;
    const restored = checkpoint.restored.size;
    const damaged = checkpoint.discarded > 0 ? `; ${checkpoint.discarded} damaged checkpoint line${checkpoint.discarded === 1 ? '' : 's'} ignored` : '';
    const from = restored === 0 ? 'no finished tasks to resume from' : `${restored} of ${wanted} tasks read back from ${checkpoint.path}`;
    io.stderr.write(`${p.dim('resume')}: ${loaded.scenario.name}: ${from}${damaged}; computing ${wanted - restored}\n`);
  }
  markPhase('prepare tasks');
  const done = await runResumable(prepared, checkpoint, resumable);
  markPhase(run.inline ? 'simulate (inline)' : 'simulate (worker threads)');
  if (options.shard && recipe) {
    const path = partialPath(options.outDir, loaded.scenario.name, options.shard);
    try {
      writeFileAtomic(path, serializePartial(partialFileOf(digest, identity, options.shard, recipe, done.outputs)));
    } catch (e) {
      throw new UsageError(`cannot write ${path}: ${e instanceof Error ? e.message : String(e)} (check --out)`);
    }
    checkpoint.remove();
    return { kind: 'partial', path };
  }
  const results = assembleResults(prepared, allOutputs(prepared, done.outputs), version, done.assembled);
  markPhase('assemble results (pool, statistics, analysis)');
  return { kind: 'results', results, done: () => checkpoint.remove() };
}

/** The recipe, checked to load back into the very run being sharded (so `merge` cannot fail on it later). */
function checkedRecipe(loaded: LoadedScenario, prepared: PreparedScenario, identity: RunIdentity, digest: string): ScenarioRecipe {
  const recipe = recipeOf(loaded);
  const again = prepareScenario(loadRecipe(recipe, identity.as_cell).run, prepared.pauseSurvival);
  if (runDigest(again, identity) !== digest) {
    throw new UsageError(`${loaded.origin.file} changed while hbsim was reading it (or reads files that did); run again`);
  }
  return JSON.parse(JSON.stringify(recipe)) as ScenarioRecipe;
}
