/**
 * What a benchmark suite is: a file in bench/suites/ whose default export is a
 * `BenchSuite`. `npm run bench` discovers them (no registry to edit), runs them in
 * `order`, and prints each table. A suite measures; it asserts nothing.
 */
export interface BenchTable {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Lines printed under the table: what was measured, how, and caveats. */
  readonly notes: readonly string[];
}

export interface BenchContext {
  /** Repository root (the worktree), the cwd of every child process. */
  readonly repo: string;
  /** Runs per measurement; the fastest counts. */
  readonly repeat: number;
  /** Runs of the SimPy model of workload B (`--simpy-runs`, default 3); the median counts. */
  readonly simpyRuns: number;
  /** Skip the slowest measurements (1 M nodes). */
  readonly quick: boolean;
  /** Run the peers (SimPy, hand-tuned JS)? */
  readonly peers: boolean;
  /** Another checkout to compare workloads A–C with (`--against DIR`), if any. */
  readonly against?: string;
  /** Figures one suite leaves for another (e.g. the SimPy time of workload B). */
  readonly shared: Map<string, unknown>;
  /** Progress on stderr. */
  progress(message: string): void;
}

export interface BenchSuite {
  readonly id: string;
  readonly title: string;
  /** Print/run order: smaller first. Suites that read `shared` figures run after the one that sets them. */
  readonly order: number;
  run(context: BenchContext): Promise<BenchTable>;
}

/** Keys of `BenchContext.shared`. */
export const SHARED_SIMPY_B = 'simpy:B';

export interface PeerFigure {
  readonly wallS: number;
  readonly cpuS: number;
}
