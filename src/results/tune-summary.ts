/**
 * The `tune` block of a results file written by `hbsim tune` (docs/results.md): the
 * question asked (targets, objective, the lattice of parameter values), the answer
 * (chosen setting, runner-up, the target that binds, the setting in the scenario's
 * own terms), what it cost against the equivalent full grid, and the search path —
 * every candidate simulated, in order, with the verdict on each target and the
 * intervals behind it. Types only: src/tune builds it, src/report draws it.
 */
/** A value as written (results-file.ts's ParamValue; repeated to keep the two files free of a cycle). */
type ParamValue = string | number | boolean;

export type TuneOutcome = 'meets' | 'breaches' | 'undecided' | 'dominated';

/** One target's verdict on one candidate (as the CI gate's judge gives it). */
export interface TuneVerdict {
  readonly metric: string;
  /** The condition as written ("<= 5s"). */
  readonly condition: string;
  readonly outcome: 'pass' | 'fail' | 'inconclusive';
  /** `simulation`: the pooled replications; `importance sampling`: the rare-event estimate (`--rare`). */
  readonly estimator: 'simulation' | 'importance sampling';
  readonly value: number | null;
  /** The 95 % interval judged; null when the point value was judged. */
  readonly ci95: readonly [number, number] | null;
}

/** One candidate the search simulated. */
export interface TuneStep {
  /** Order of evaluation (0-based); candidates evaluated in the same batch share `batch`. */
  readonly step: number;
  readonly batch: number;
  /** `analytic`: where the closed form points; `coarse`: the coarse lattice; `refine`: neighbours of the best so far; `runner-up`: a dropped candidate taken up again. */
  readonly phase: 'analytic' | 'coarse' | 'refine' | 'runner-up';
  /** Lattice spacing (in lattice steps) of the refinement that proposed it; 0 for analytic and coarse. */
  readonly stride: number;
  /** The cell id (values joined by "/", as in `cells`). */
  readonly cell: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Replications pooled in the verdicts (a candidate taken up again continues its earlier ones). */
  readonly replications: number;
  /** Node-days simulated at this step (its new replications only). */
  readonly node_days: number;
  readonly outcome: TuneOutcome;
  /** The objective's point estimate after the last replication; null when the results have none. */
  readonly objective: number | null;
  readonly verdicts: readonly TuneVerdict[];
}

export interface TuneSummary {
  /** The targets, metric → condition as written. */
  readonly targets: Readonly<Record<string, string>>;
  readonly objective: { readonly metric: string; readonly direction: 'minimise' | 'maximise' };
  /** The lattice searched: each tuned path → its candidate values as written. */
  readonly lattice: Readonly<Record<string, readonly ParamValue[]>>;
  /** Valid cells in the lattice (combinations that are not valid scenarios are excluded). */
  readonly lattice_cells: number;
  /** Combinations left out because they are not valid scenarios together, with the loader's reason. */
  readonly excluded: readonly { readonly cell: string; readonly reason: string }[];
  readonly max_replications: number;
  /** The cell id of the chosen setting: the best objective among candidates meeting every target; null when none does. */
  readonly chosen: string | null;
  readonly runner_up: string | null;
  /** The target that stops the objective improving further, and the evidence for it. */
  readonly binding: { readonly metric: string; readonly condition: string; readonly reason: string } | null;
  /** The chosen setting as scenario fields (`heartbeat.interval: 2s`), with relative values resolved. */
  readonly settings: readonly string[];
  /** Where the closed form pointed (the first candidate), or null when no closed form applies. */
  readonly analytic_start: string | null;
  /** Simulated node-days the search spent (nodes × duration × replications, over every candidate). */
  readonly node_days: number;
  /** What the equivalent full grid costs: every lattice cell at `full_grid_replications`. */
  readonly full_grid_node_days: number;
  /** The most replications any candidate needed to settle: a fixed grid would need that many per cell. */
  readonly full_grid_replications: number;
  /** The answer in one paragraph, with its numbers. */
  readonly sentence: string;
  readonly path: readonly TuneStep[];
}
