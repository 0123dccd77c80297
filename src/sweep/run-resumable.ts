/**
 * Runs some or all tasks of a prepared scenario (a shard's, or every one), with a
 * checkpoint: outputs an earlier attempt finished are read back instead of
 * recomputed (when resuming), and each new output is recorded as it arrives. The
 * caller writes the results (or the partial file) and then removes the checkpoint.
 */
import { Checkpoint } from './checkpoint.js';
import type { PreparedScenario } from './run-scenario.js';
import { runTasks } from './run-tasks.js';
import { shardTasks, type ShardSpec } from './shard.js';
import type { TaskResult } from './tasks.js';

export interface ResumableOptions {
  readonly workers: number;
  /** Folder of the results: checkpoints go to <outDir>/.hbsim-checkpoints/. */
  readonly outDir: string;
  readonly digest: string;
  readonly resume: boolean;
  readonly shard?: ShardSpec;
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

export interface ResumableRun {
  /** Outputs of the tasks asked for (the shard's, or all), by task index. */
  readonly outputs: ReadonlyMap<number, TaskResult>;
  readonly checkpoint: Checkpoint;
  /** Tasks read back from the checkpoint, and tasks computed now. */
  readonly restored: number;
  readonly computed: number;
  /** Checkpoint lines that were unreadable (cut short by the crash) and so recomputed. */
  readonly discarded: number;
}

/** Opens the checkpoint before anything runs, so that a caller can say what will be resumed. */
export function openCheckpoint(prepared: PreparedScenario, options: ResumableOptions): Checkpoint {
  return Checkpoint.open(options.outDir, { name: prepared.loaded.scenario.name, digest: options.digest, tasks: prepared.tasks.length, ...(options.shard ? { shard: options.shard } : {}) }, options.resume);
}

export async function runResumable(prepared: PreparedScenario, checkpoint: Checkpoint, options: ResumableOptions): Promise<ResumableRun> {
  const wanted = options.shard ? shardTasks(prepared.tasks.length, options.shard) : prepared.tasks.map((_, k) => k);
  const outputs = new Map<number, TaskResult>();
  for (const k of wanted) {
    const r = checkpoint.restored.get(k);
    if (r !== undefined) outputs.set(k, r);
  }
  const missing = wanted.filter((k) => !outputs.has(k));
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
        },
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
  } finally {
    checkpoint.close();
  }
  return { outputs, checkpoint, restored: wanted.length - missing.length, computed: missing.length, discarded: checkpoint.discarded };
}

/** Every task's output in task order, for `assembleResults`. */
export function allOutputs(prepared: PreparedScenario, outputs: ReadonlyMap<number, TaskResult>): TaskResult[] {
  return prepared.tasks.map((_, k) => {
    const o = outputs.get(k);
    if (o === undefined) throw new RangeError(`no output for task ${k}`);
    return o;
  });
}
