/**
 * The units of sweep work: one replication of one cell, or the pause-survival search
 * of one cell. A task is a pure function of its configuration (every stream is keyed
 * by seed, replication and entity), so any worker can run any task and the pooled
 * results do not depend on who ran what.
 */
import type { SimConfig } from '../sim/config.js';
import type { RunTallies, TransitionLog } from '../sim/metrics/recorder.js';
import { runOnce } from '../sim/run-once.js';
import { longestPauseSurvived, pauseSearchHeartbeats, type PauseSurvival } from './pause-survival.js';

export type SweepTask =
  | { readonly kind: 'replication'; readonly cell: number; readonly replication: number; readonly config: SimConfig }
  | { readonly kind: 'pauseSurvival'; readonly cell: number; readonly config: SimConfig };

export type TaskResult =
  | {
      readonly kind: 'replication';
      readonly cell: number;
      readonly replication: number;
      readonly tallies: RunTallies;
      /** The transition log, kept for replication 0 only. */
      readonly log: TransitionLog | null;
      readonly events: number;
    }
  | { readonly kind: 'pauseSurvival'; readonly cell: number; readonly survival: PauseSurvival };

export type ReplicationResult = Extract<TaskResult, { kind: 'replication' }>;

/** Heartbeats a task is expected to simulate: its weight in progress and time estimates. */
export function taskHeartbeats(task: SweepTask): number {
  const c = task.config;
  return task.kind === 'pauseSurvival' ? pauseSearchHeartbeats(c) : (c.nodeNames.length * c.durationUs) / c.heartbeat.intervalUs;
}

/** Runs a task; `onProgress` hears the fraction of it done, from within long tasks too. */
export function runTask(task: SweepTask, timelineLimit: number, onProgress?: (fraction: number) => void): TaskResult {
  if (task.kind === 'pauseSurvival') return { kind: 'pauseSurvival', cell: task.cell, survival: longestPauseSurvived(task.config, onProgress ? { onProgress } : {}) };
  const keepLog = task.replication === 0;
  const run = runOnce({ ...task.config, replication: task.replication, transitionLogLimit: keepLog ? timelineLimit : 0 }, onProgress ? { onProgress } : undefined);
  return { kind: 'replication', cell: task.cell, replication: task.replication, tallies: run.tallies, log: keepLog ? run.log : null, events: run.events };
}

/** The typed arrays a result owns, to transfer (not copy) across threads. */
export function transferablesOf(result: TaskResult): ArrayBuffer[] {
  if (result.kind !== 'replication') return [];
  const t = result.tallies;
  const arrays: ArrayBufferView[] = [
    t.mistakeDurationsUs,
    t.detectionLatenciesUs,
    t.deadLatenciesUs,
    t.perPairFalseSuspicions,
    t.perPairUpUs,
    t.perPairUpSuspectedUs,
  ];
  if (result.log) {
    const l = result.log;
    arrays.push(l.timeUs, l.kind, l.pair, l.from, l.to, l.cause);
  }
  const buffers = new Set<ArrayBuffer>();
  for (const a of arrays) buffers.add(a.buffer as ArrayBuffer);
  return [...buffers];
}
