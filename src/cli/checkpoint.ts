/**
 * Checkpoints: each task's output appended, as soon as the task finishes, to a file
 * keyed by the run's digest (src/sweep/shard.ts): the file-backed `OutputStore` of
 * src/sweep/run-resumable.ts, so that `--resume` after a crash
 * (a killed process, an evicted pod, Ctrl-C) recomputes only the tasks that did not
 * finish. One JSON line per task, `{"task":k,"sha256":…,"output":…}`: a line cut short
 * by the crash, or damaged since, fails its checksum and is simply recomputed. The
 * lines of one batch of results are written with one write(2) before the next batch is
 * accepted, so they survive the process dying; a machine crash may lose the last lines (no fsync per
 * task: it would cost more than small tasks do), which are then recomputed too.
 * Outputs are read back exactly (src/sweep/task-codec.ts), so a resumed run's results
 * are byte-identical to an uninterrupted one's.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { OutputStore } from '../sweep/run-resumable.js';
import { decodeOutput, encodeOutput } from '../sweep/task-codec.js';
import type { TaskResult } from '../sweep/tasks.js';

export const CHECKPOINT_DIR = '.hbsim-checkpoints';

export interface CheckpointKey {
  readonly name: string;
  readonly digest: string;
  /** The shard it belongs to, or undefined for a whole run. */
  readonly shard?: { readonly index: number; readonly count: number };
  /** Number of tasks in the run (a line naming another index is ignored). */
  readonly tasks: number;
}

export function checkpointPath(outDir: string, key: CheckpointKey): string {
  const shard = key.shard === undefined ? '' : `.shard-${key.shard.index}-of-${key.shard.count}`;
  return join(outDir, CHECKPOINT_DIR, `${key.name}.${key.digest.slice(0, 16)}${shard}.jsonl`);
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

export class Checkpoint implements OutputStore {
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    private readonly dir: string,
    /** Outputs restored from an earlier attempt, by task index. */
    readonly restored: ReadonlyMap<number, TaskResult>,
    /** Lines of the earlier attempt that were unreadable (cut short or damaged). */
    readonly discarded: number,
  ) {
    this.fd = openSync(path, 'a');
  }

  /**
   * Opens the checkpoint of a run. With `resume`, reads back what an earlier attempt
   * finished (and keeps it); without, starts afresh (an earlier attempt's file is
   * replaced).
   */
  static open(outDir: string, key: CheckpointKey, resume: boolean): Checkpoint {
    const dir = join(outDir, CHECKPOINT_DIR);
    mkdirSync(dir, { recursive: true });
    const path = checkpointPath(outDir, key);
    const restored = new Map<number, TaskResult>();
    let discarded = 0;
    const kept: string[] = [];
    if (resume && existsSync(path)) {
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (line === '') continue;
        const entry = readLine(line, key.tasks);
        if (entry === undefined || restored.has(entry.task)) {
          discarded++;
          continue;
        }
        restored.set(entry.task, entry.output);
        kept.push(line);
      }
    }
    if (resume) {
      // Rewrite without the damaged lines, so that appending never follows a torn one.
      writeFileAtomic(path, kept.map((l) => `${l}\n`).join(''));
    } else {
      // A fresh start only empties an earlier attempt's file: no temporary file, rename or
      // fsync (~1-3 ms of every run, and an fsync's wait on a real disk). Should the machine
      // crash before the emptying reaches the disk, that attempt's lines come back: they
      // are the outputs of the same tasks (the file is named by the run's digest), which
      // is all a resume asks of them.
      closeSync(openSync(path, 'w'));
    }
    return new Checkpoint(path, dir, restored, discarded);
  }

  /** Lines recorded in this turn of the event loop, written together at its end. */
  private pending: string[] = [];

  /**
   * Appends one finished task's output. The lines of the outputs recorded in one turn
   * of the event loop (a worker thread's batch of results: src/sweep/worker.ts) go out in
   * one write(2), at the end of that turn (a microtask), before the next batch is
   * accepted: 820 tasks of db-ha --replications 40 made 820 write calls (~0.2 s of the
   * main thread's CPU on a loaded machine), now one per batch.
   */
  record(task: number, output: TaskResult): void {
    if (this.fd === undefined) throw new Error('checkpoint already closed');
    const text = JSON.stringify(encodeOutput(output));
    if (this.pending.length === 0) queueMicrotask(() => this.flush());
    this.pending.push(`{"task":${task},"sha256":"${sha(text)}","output":${text}}\n`);
  }

  private flush(): void {
    if (this.fd === undefined || this.pending.length === 0) return;
    const lines = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    let offset = 0;
    while (offset < lines.length) offset += writeSync(this.fd, lines, offset, lines.length - offset);
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** The run's outputs are safely written elsewhere: delete the checkpoint (and its folder when empty). */
  remove(): void {
    this.close();
    rmSync(this.path, { force: true });
    try {
      rmdirSync(this.dir);
    } catch {
      // Other checkpoints (other scenarios, other shards) still there.
    }
  }
}

function readLine(line: string, tasks: number): { task: number; output: TaskResult } | undefined {
  try {
    const entry = JSON.parse(line) as { task?: unknown; sha256?: unknown; output?: unknown };
    if (typeof entry.task !== 'number' || !Number.isInteger(entry.task) || entry.task < 0 || entry.task >= tasks) return undefined;
    const text = JSON.stringify(entry.output);
    if (entry.sha256 !== sha(text)) return undefined;
    return { task: entry.task, output: decodeOutput(entry.output) as TaskResult };
  } catch {
    return undefined;
  }
}
