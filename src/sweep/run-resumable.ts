/**
 * Runs some or all tasks of a prepared scenario (a shard's, or every one), with a
 * store of outputs (the CLI's is a checkpoint file: src/cli/checkpoint.ts): outputs an
 * earlier attempt finished are read back instead of recomputed, and each new output
 * is recorded as it arrives. The caller writes the results (or the partial file) and
 * then discards the store.
 */
import { cellAssembler, type AssembledCell, type PreparedScenario } from './run-scenario.js';
import { runTasks } from './run-tasks.js';
import { shardTasks, type ShardSpec } from './shard.js';
import type { TaskResult } from './tasks.js';

/** Where task outputs are kept as they finish, and what an earlier attempt left. */
export interface OutputStore {
  /** Outputs an earlier attempt finished, by task index. */
  readonly restored: ReadonlyMap<number, TaskResult>;
  record(task: number, output: TaskResult): void;
  close(): void;
}

export interface ResumableOptions {
  readonly workers: number;
  readonly shard?: ShardSpec;
  readonly onProgress?: (done: number, total: number, work: number) => void;
  readonly onWorkerIdle?: () => void;
  readonly signal?: AbortSignal;
  /** Run the tasks on this thread (RunTasksOptions.inline). */
  readonly inline?: boolean;
}

export interface ResumableRun {
  /** Outputs of the tasks asked for (the shard's, or all), by task index. */
  readonly outputs: ReadonlyMap<number, TaskResult>;
  /** Tasks read back from the store, and tasks computed now. */
  readonly restored: number;
  readonly computed: number;
  /**
   * A whole run's cells assembled while others still simulated (run-scenario.ts
   * cellAssembler), for assembleResults; a shard assembles nothing.
   */
  readonly assembled: ReadonlyMap<number, AssembledCell>;
}

export async function runResumable(prepared: PreparedScenario, checkpoint: OutputStore, options: ResumableOptions): Promise<ResumableRun> {
  const wanted = options.shard ? shardTasks(prepared.tasks.length, options.shard) : prepared.tasks.map((_, k) => k);
  const outputs = new Map<number, TaskResult>();
  for (const k of wanted) {
    const r = checkpoint.restored.get(k);
    if (r !== undefined) outputs.set(k, r);
  }
  const missing = wanted.filter((k) => !outputs.has(k));
  const assembler = options.shard ? undefined : cellAssembler(prepared, outputs);
  try {
    await runTasks(
      missing.map((k) => prepared.tasks[k]!),
      {
        workers: options.workers,
        timelineLimit: prepared.timelineLimit,
        onResult: (j, result) => {
          const k = missing[j]!;
          checkpoint.record(k, result);
          outputs.set(k, result);
          assembler?.add(k, result);
        },
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.onWorkerIdle ? { onWorkerIdle: options.onWorkerIdle } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.inline ? { inline: true } : {}),
      },
    );
  } finally {
    checkpoint.close();
  }
  return { outputs, restored: wanted.length - missing.length, computed: missing.length, assembled: assembler?.assembled ?? new Map() };
}

/** Every task's output in task order, for `assembleResults`. */
export function allOutputs(prepared: PreparedScenario, outputs: ReadonlyMap<number, TaskResult>): TaskResult[] {
  return prepared.tasks.map((_, k) => {
    const o = outputs.get(k);
    if (o === undefined) throw new RangeError(`no output for task ${k}`);
    return o;
  });
}
