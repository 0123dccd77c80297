/**
 * Sequential testing of tuning candidates: a candidate gets replications only until
 * its intervals settle every target. Looks are taken after 1, 2, 4, 8, … replications
 * (and at the cap): doubling keeps the number of looks — and so the inflation of the
 * error rate that repeated looks cause — to log₂ of the cap, while costing at most
 * twice the replications a one-at-a-time schedule would stop at. At each look every
 * target is judged exactly as the CI gate judges it (src/check `judge`): met when the
 * whole 95 % interval is on the right side, breached when it is on the wrong side.
 *
 *   - any target breached                  → `breaches` (stop)
 *   - every target met                     → `meets` (stop)
 *   - the objective already worse than the best candidate meeting every target
 *     (its whole interval, or its point value when it has none) → `dominated` (stop:
 *     it could not be chosen whatever the verdicts)
 *   - otherwise another look, until the cap → `undecided`
 *
 * All candidates of a batch advance together, one look at a time, so their
 * replications spread over the worker pool; a replication is the same pure task as
 * in a sweep (stream keys carry seed and replication), so results do not depend on
 * the worker count.
 */
import { judge, type Verdict } from '../check/judge.js';
import { measure } from '../check/measure.js';
import type { CellMetrics } from '../results/cell-metrics.js';
import type { TuneOutcome } from '../results/tune-summary.js';
import type { Threshold } from '../scenarios/expect.js';
import type { SimConfig } from '../sim/config.js';
import { poolCell, type PooledCell } from '../sweep/pool.js';
import { runTasks } from '../sweep/run-tasks.js';
import type { ReplicationResult, SweepTask } from '../sweep/tasks.js';
import type { Direction, Evaluated, Proposal } from './search.js';

export interface CandidateCell {
  readonly config: SimConfig;
}

export interface CandidateRecord extends Evaluated {
  readonly proposal: Proposal;
  readonly batch: number;
  /** Replications pooled in this verdict, and how many of them this evaluation ran (a second look continues the first). */
  readonly replications: number;
  readonly newReplications: number;
  readonly verdicts: readonly Verdict[];
  readonly pooled: PooledCell;
  /** The importance-sampling estimate the false-suspicion target was judged by, if any. */
  readonly rare: RateEstimate | null;
}

/** A false-suspicion rate estimated without simulation (src/rare), to judge that metric by. */
export interface RateEstimate {
  readonly perNodeDay: number;
  readonly ci95: readonly [number, number];
}

export interface EvaluatorOptions {
  /**
   * `--rare`: a cell's false-suspicion rate by importance sampling, or null where the
   * method does not apply; targets on `false_suspicions.per_node_day` are then judged on
   * its interval instead of the simulated count's.
   */
  readonly rareFor?: (config: SimConfig) => RateEstimate | null;
  readonly targets: readonly Threshold[];
  readonly objective: { readonly metric: string; readonly direction: Direction };
  readonly maxReplications: number;
  readonly workers: number;
  readonly timelineLimit: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (evaluated: number) => void;
}

/** A look with fewer tasks than this per worker runs inline. */
const MIN_TASKS_PER_WORKER = 4;

/** The looks: 1, 2, 4, … below the cap, then the cap. */
export function lookSchedule(maxReplications: number): number[] {
  const looks: number[] = [];
  for (let r = 1; r < maxReplications; r *= 2) looks.push(r);
  looks.push(maxReplications);
  return looks;
}

/** The objective's interval when the results carry one, else its point value as a degenerate interval. */
function objectiveRange(metric: string, metrics: CellMetrics): readonly [number, number] | null {
  const m = measure(metric, metrics);
  if (m.interval !== null) return m.interval;
  return m.value === null ? null : [m.value, m.value];
}

function worseThan(range: readonly [number, number] | null, incumbent: number | null, direction: Direction): boolean {
  if (range === null || incumbent === null) return false;
  return direction === 'minimise' ? range[0] > incumbent : range[1] < incumbent;
}

/** The metrics with the false-suspicion rate and its interval replaced by an estimate (the count stays the simulated one). */
function withRareRate(metrics: CellMetrics, rare: RateEstimate): CellMetrics {
  const fs = metrics.false_suspicions;
  return { ...metrics, false_suspicions: { ...fs, per_node_day: rare.perNodeDay, per_node_hour: rare.perNodeDay / 24, ci95_low: rare.ci95[0], ci95_high: rare.ci95[1] } };
}

/** Creates the evaluator the search calls, keeping every candidate's record. */
export function createEvaluator(cellAt: (index: readonly number[]) => CandidateCell & { readonly key: number }, options: EvaluatorOptions) {
  const records: CandidateRecord[] = [];
  /** Replications already run, per lattice cell: a candidate looked at again continues where it stopped. */
  const ran = new Map<number, ReplicationResult[]>();
  let batches = 0;
  const looks = lookSchedule(options.maxReplications);

  const rareCache = new Map<number, RateEstimate | null>();
  const rareOf = (cell: CandidateCell & { readonly key: number }): RateEstimate | null => {
    if (options.rareFor === undefined) return null;
    if (!rareCache.has(cell.key)) rareCache.set(cell.key, options.rareFor(cell.config));
    return rareCache.get(cell.key)!;
  };

  async function evaluate(batch: readonly Proposal[], incumbent: Evaluated | null): Promise<CandidateRecord[]> {
    const batchNo = batches++;
    const cells = batch.map((p) => cellAt(p.index));
    const results: ReplicationResult[][] = cells.map((c) => {
      if (!ran.has(c.key)) ran.set(c.key, []);
      return ran.get(c.key)!;
    });
    const before = results.map((r) => r.length);
    const done: (CandidateRecord | null)[] = batch.map(() => null);
    for (const look of looks) {
      const active = batch.map((_, i) => i).filter((i) => done[i] === null);
      if (active.length === 0) break;
      const tasks: SweepTask[] = [];
      for (const i of active) for (let r = results[i]!.length; r < look; r++) tasks.push({ kind: 'replication', cell: i, replication: r, config: cells[i]!.config });
      // Starting worker threads costs more than a few replications: small looks run inline
      // (the results are the same either way; tasks are pure).
      const workers = tasks.length >= MIN_TASKS_PER_WORKER * options.workers ? options.workers : 1;
      const out = await runTasks(tasks, { workers, timelineLimit: options.timelineLimit, ...(options.signal ? { signal: options.signal } : {}) });
      for (const r of out) if (r.kind === 'replication') results[r.cell]!.push(r);
      for (const i of active) {
        const pooled = poolCell(results[i]!, cells[i]!.config.nodeNames);
        const rare = rareOf(cells[i]!);
        const judged = rare === null ? pooled.metrics : withRareRate(pooled.metrics, rare);
        const verdicts = options.targets.map((t) => judge(t, judged));
        const breached = verdicts.filter((v) => v.outcome === 'fail').length;
        const undecided = verdicts.filter((v) => v.outcome === 'inconclusive').length;
        const objective = measure(options.objective.metric, pooled.metrics).value;
        const have = results[i]!.length;
        let outcome: TuneOutcome | null = null;
        if (breached > 0) outcome = 'breaches';
        else if (undecided === 0) outcome = 'meets';
        else if (worseThan(objectiveRange(options.objective.metric, pooled.metrics), incumbent?.objective ?? null, options.objective.direction)) outcome = 'dominated';
        else if (have >= options.maxReplications) outcome = 'undecided';
        if (outcome !== null) {
          done[i] = { index: batch[i]!.index, proposal: batch[i]!, batch: batchNo, outcome, objective, breached, undecided, replications: have, newReplications: have - before[i]!, verdicts, pooled, rare };
        }
      }
    }
    const finished = done as CandidateRecord[];
    records.push(...finished);
    options.onProgress?.(records.length);
    return finished;
  }

  return { evaluate, records };
}
