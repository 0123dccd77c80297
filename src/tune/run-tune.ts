/**
 * `hbsim tune` end to end: turns the tuned parameters into a lattice (the loader
 * checks every value and combination exactly as it checks a sweep), finds where the
 * closed forms point, runs the search with sequential testing, and assembles a
 * results file whose cells are the candidates simulated (so the report's trade-off
 * chart shows them) and whose `tune` block holds the answer and the search path.
 *
 * Deterministic: the path depends only on the scenario, the spec and the seed (the
 * search order is a pure function of the outcomes; replications are pure tasks).
 */
import { analyze } from '../analysis/index.js';
import { formatValue } from '../check/format.js';
import { measure } from '../check/measure.js';
import type { CellMetrics } from '../results/cell-metrics.js';
import { latencyQuantilesMs, RESULTS_SCHEMA, STREAMS_VERSION, type CellResult, type ResultsFile } from '../results/results-file.js';
import type { TuneStep, TuneSummary, TuneVerdict } from '../results/tune-summary.js';
import { build, recommendationTargetsOf } from '../scenarios/build.js';
import { ScenarioError } from '../scenarios/errors.js';
import { renderKnobs } from '../scenarios/knobs.js';
import { expandSweep, withSets, type LoadedScenario, type SweepCell } from '../scenarios/load.js';
import { parsePath, type SetOverride } from '../scenarios/sets.js';
import { cellId, productIndices, sweepValues, type ParamValue } from '../scenarios/sweep.js';
import { normalizeScenario } from '../scenarios/schema/index.js';
import { formatDuration } from '../scenarios/units.js';
import type { SimConfig } from '../sim/config.js';
import { analyticComparison } from '../sweep/analytic-check.js';
import { DEFAULT_RARE_SAMPLES, estimateRareFalseSuspicions, rareModelOf } from '../rare/index.js';
import { analyticStart } from './analytic-start.js';
import { createEvaluator, type CandidateRecord } from './evaluate.js';
import { flatIndex, ranked, searchLattice } from './search.js';
import type { TuneSpec } from './spec.js';

export interface TuneRunOptions {
  readonly toolVersion: string;
  readonly workers: number;
  readonly signal?: AbortSignal;
  /** Judge false-suspicion targets by importance sampling where it applies (`--rare`). */
  readonly rare?: boolean;
  /** Start where the closed forms point (default true); false searches from the coarse lattice alone. */
  readonly closedFormStart?: boolean;
  /** Candidates settled so far (the total is not known in advance). */
  readonly onProgress?: (evaluated: number) => void;
}

const US_PER_DAY = 86_400e6;
const round = (x: number) => Number(x.toPrecision(6));

interface Lattice {
  /** In flat order; null where the combination is not a valid scenario (see `excluded`). */
  readonly cells: readonly (SweepCell | null)[];
  readonly sizes: readonly number[];
  readonly values: Readonly<Record<string, readonly (string | number | boolean)[]>>;
  readonly excluded: readonly { readonly cell: string; readonly reason: string }[];
}

const renamed = (e: ScenarioError) =>
  new ScenarioError(e.issues.map((i) => ({ ...i, path: i.path.replace(/^sweep\./, 'tune.params.'), message: i.message.replace(/\bsweep\b/g, 'tune.params') })));

/**
 * The lattice: the tuned paths as a sweep (replacing the scenario's own), validated by
 * the loader. When some combinations are invalid together (an absolute timeout below
 * some interval, say) but every value is valid in at least one, those combinations are
 * excluded from the search (and listed) instead of refusing the whole lattice; a value
 * valid nowhere is refused, with the loader's message.
 */
export function latticeOf(loaded: LoadedScenario, spec: TuneSpec): Lattice {
  const sweep = Object.fromEntries(spec.params.map((p) => [p.path, p.entry]));
  // The gate's `expect_options.cell` names a cell of the scenario's own sweep, which tune replaces.
  const gateOff = { label: 'tune.params', path: ['expect_options', 'cell'], value: 'all' };
  const paths = spec.params.map((p) => p.path);
  try {
    const cells = expandSweep(withSets(loaded, [{ label: 'tune.params', path: ['sweep'], value: sweep }, gateOff]));
    const values = Object.fromEntries(paths.map((path) => [path, [...new Map(cells.map((c) => [String(c.params[path]), c.params[path]!])).values()]]));
    const sizes = paths.map((path) => values[path]!.length);
    if (sizes.reduce((a, b) => a * b, 1) !== cells.length) throw new Error('tune: the lattice is not a product of its values');
    return { cells, sizes, values, excluded: [] };
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    const partial = partialLattice(loaded, spec, gateOff);
    if (partial === null) throw renamed(e);
    return partial;
  }
}

/** Every combination validated on its own; null when some value is valid in no combination (or a list is unreadable). */
function partialLattice(loaded: LoadedScenario, spec: TuneSpec, gateOff: SetOverride): Lattice | null {
  const lists = spec.params.map((p) => sweepValues(p.entry));
  if (lists.some((l) => !l.ok)) return null;
  const values = spec.params.map((_, k) => (lists[k] as { ok: true; value: ParamValue[] }).value);
  const sizes = values.map((v) => v.length);
  const cells: (SweepCell | null)[] = [];
  const excluded: { cell: string; reason: string }[] = [];
  const used = values.map((v) => new Array<boolean>(v.length).fill(false));
  for (const tuple of productIndices(sizes)) {
    const picked = tuple.map((i, k) => values[k]![i]!);
    const id = cellId(picked);
    const sets: SetOverride[] = [{ label: 'tune.params', path: ['sweep'], value: {} }, gateOff, ...spec.params.map((p, k) => ({ label: `tune.params ${p.path}=${String(picked[k])}`, path: parsePath(p.path), value: picked[k] }))];
    try {
      const scenario = withSets(loaded, sets).scenario;
      cells.push({ id, params: Object.fromEntries(spec.params.map((p, k) => [p.path, picked[k]!])), scenario });
      tuple.forEach((i, k) => (used[k]![i] = true));
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      cells.push(null);
      excluded.push({ cell: id, reason: e.issues.map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`)).join('; ') });
    }
  }
  if (used.some((u) => u.some((x) => !x))) return null;
  return { cells, sizes, values: Object.fromEntries(spec.params.map((p, k) => [p.path, values[k]!])), excluded };
}

function nodeDaysOf(config: SimConfig): number {
  return (config.nodeNames.length * config.durationUs) / US_PER_DAY;
}

/** The importance-sampling estimate of a candidate (src/rare), or null where it does not apply. */
function rareRateOf(config: SimConfig, seed: string): { perNodeDay: number; ci95: readonly [number, number] } | null {
  const model = rareModelOf(config);
  if (!model.ok) return null;
  const e = estimateRareFalseSuspicions(model.model, { seed, samples: DEFAULT_RARE_SAMPLES });
  return { perNodeDay: Number(e.perNodeDay.toPrecision(6)), ci95: [Number(e.ci95[0].toPrecision(6)), Number(e.ci95[1].toPrecision(6))] };
}

function verdictsOf(record: CandidateRecord): TuneVerdict[] {
  return record.verdicts.map((v) => ({
    metric: v.metric,
    estimator: v.metric === 'false_suspicions.per_node_day' && record.rare !== null ? ('importance sampling' as const) : ('simulation' as const),
    condition: v.written,
    outcome: v.outcome,
    value: v.value,
    ci95: v.interval === null ? null : [v.interval[0], v.interval[1]],
  }));
}

/** The chosen setting as scenario fields, with the detector's effective timing. */
function settingsOf(cell: SweepCell, config: SimConfig): string[] {
  const lines = Object.entries(cell.params).map(([path, value]) => `${path}: ${String(value)}`);
  const d = config.detector;
  if ('timeoutUs' in d && typeof d.timeoutUs === 'number') {
    lines.push(`effective: a heartbeat every ${formatDuration(config.heartbeat.intervalUs)}, suspected after ${formatDuration(d.timeoutUs)} of silence`);
  } else {
    lines.push(`effective: a heartbeat every ${formatDuration(config.heartbeat.intervalUs)}`);
  }
  // In the modelled system's own settings, ready to paste, when the scenario names them.
  const knobs = cell.scenario.knobs;
  if (knobs !== undefined) {
    const rendered = renderKnobs(knobs, cell.scenario);
    for (const s of rendered.settings) lines.push(`${rendered.system}: ${s.text}`);
  }
  return lines;
}

/** The target that stops the objective improving: the one the better-objective candidates breach most. */
function bindingOf(chosen: CandidateRecord, records: readonly CandidateRecord[], spec: TuneSpec): TuneSummary['binding'] {
  const better = records.filter(
    (r) => r !== chosen && r.outcome !== 'meets' && r.objective !== null && chosen.objective !== null && (spec.objective.direction === 'minimise' ? r.objective < chosen.objective : r.objective > chosen.objective),
  );
  if (better.length === 0) return null;
  let best: { metric: string; condition: string; fails: number; open: number } | null = null;
  for (const t of spec.targets) {
    const fails = better.filter((r) => r.verdicts.some((v) => v.metric === t.metric && v.outcome === 'fail')).length;
    const open = better.filter((r) => r.verdicts.some((v) => v.metric === t.metric && v.outcome === 'inconclusive')).length;
    if (fails + open === 0) continue;
    if (best === null || fails > best.fails || (fails === best.fails && open > best.open)) best = { metric: t.metric, condition: t.written, fails, open };
  }
  if (best === null) return null;
  return {
    metric: best.metric,
    condition: best.condition,
    reason: `of the ${better.length} simulated candidates with a better ${spec.objective.metric}, ${best.fails} breach ${best.metric} ${best.condition}${best.open > 0 ? ` and ${best.open} could not show it within ${spec.maxReplications} replications` : ''}`,
  };
}

function describeVerdicts(record: CandidateRecord): string {
  return record.verdicts
    .map((v) => {
      const unit = measure(v.metric, record.pooled.metrics).unit;
      const ci = v.interval === null ? '' : ` (95 % ${formatValue(v.interval[0], unit)}–${formatValue(v.interval[1], unit)})`;
      return `${v.metric} ${formatValue(v.value, unit)}${ci}`;
    })
    .join(', ');
}

export async function runTune(loaded: LoadedScenario, spec: TuneSpec, options: TuneRunOptions): Promise<ResultsFile> {
  const { scenario } = loaded;
  const lattice = latticeOf(loaded, spec);
  const plans = new Map<number, ReturnType<typeof build>>();
  const planAt = (flat: number) => {
    let plan = plans.get(flat);
    if (plan === undefined) plans.set(flat, (plan = build(lattice.cells[flat]!.scenario)));
    return plan;
  };
  const unflatten = (flat: number) => {
    const index: number[] = [];
    for (let d = lattice.sizes.length - 1; d >= 0; d--) {
      index.unshift(flat % lattice.sizes[d]!);
      flat = Math.floor(flat / lattice.sizes[d]!);
    }
    return index;
  };
  const start = options.closedFormStart === false ? null : analyticStart(
    lattice.cells.flatMap((cell, flat) => (cell === null ? [] : [{ index: unflatten(flat), config: planAt(flat).config }])),
    spec.targets,
    spec.objective,
  );
  const timelineLimit = planAt(0).timelineLimit;
  const { evaluate, records } = createEvaluator((index) => ({ key: flatIndex(index, lattice.sizes), config: planAt(flatIndex(index, lattice.sizes)).config }), {
    targets: spec.targets,
    objective: spec.objective,
    maxReplications: spec.maxReplications,
    workers: options.workers,
    timelineLimit,
    ...(options.rare === true ? { rareFor: (config: SimConfig) => rareRateOf(config, `${scenario.seed}/tune`) } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  await searchLattice(lattice.sizes, spec.objective.direction, evaluate, start, (index) => lattice.cells[flatIndex(index, lattice.sizes)] !== null);

  const cellOf = (r: CandidateRecord) => lattice.cells[flatIndex(r.index, lattice.sizes)]!;
  const configOf = (r: CandidateRecord) => planAt(flatIndex(r.index, lattice.sizes)).config;
  // A cell looked at twice (runner-up) counts by its last verdict.
  const latest = new Map<number, CandidateRecord>();
  for (const r of records) latest.set(flatIndex(r.index, lattice.sizes), r);
  const best = ranked(latest.values(), lattice.sizes, spec.objective.direction) as CandidateRecord[];
  const chosen = best[0] ?? null;
  const runnerUp = best[1] ?? null;

  const path: TuneStep[] = records.map((r, step) => ({
    step,
    batch: r.batch,
    phase: r.proposal.phase,
    stride: r.proposal.stride,
    cell: cellOf(r).id,
    params: cellOf(r).params,
    replications: r.replications,
    node_days: round(r.newReplications * nodeDaysOf(configOf(r))),
    outcome: r.outcome,
    objective: r.objective,
    verdicts: verdictsOf(r),
  }));
  const spent = records.reduce((n, r) => n + r.newReplications * nodeDaysOf(configOf(r)), 0);
  const gridReplications = Math.max(1, ...records.filter((r) => r.outcome === 'meets' || r.outcome === 'breaches').map((r) => r.replications));
  const gridNodeDays = lattice.cells.reduce((n, cell, flat) => n + (cell === null ? 0 : gridReplications * nodeDaysOf(planAt(flat).config)), 0);
  const validCells = lattice.cells.filter((c) => c !== null).length;
  const binding = chosen === null ? null : bindingOf(chosen, [...latest.values()], spec);
  const objectiveUnit = measure(spec.objective.metric, records[0]!.pooled.metrics).unit;
  const cost = `The search simulated ${latest.size} of ${validCells} lattice cells${lattice.excluded.length > 0 ? ` (${lattice.excluded.length} more are invalid combinations)` : ''}, ${round(spent)} node-days; the full grid at ${gridReplications} replication${gridReplications === 1 ? '' : 's'} per cell (what the hardest candidate needed) would take ${round(gridNodeDays)} node-days.`;
  const sentence =
    chosen === null
      ? `No candidate meets every target (${spec.targets.map((t) => `${t.metric} ${t.written}`).join(', ')}) with ${spec.maxReplications} replications at most. ${cost}`
      : `Chosen ${cellOf(chosen).id}: ${spec.objective.metric} ${formatValue(chosen.objective, objectiveUnit)}, meeting every target after ${chosen.replications} replication${chosen.replications === 1 ? '' : 's'}: ${describeVerdicts(chosen)}. ` +
        (runnerUp === null ? 'No runner-up meets every target. ' : `Runner-up ${cellOf(runnerUp).id} (${spec.objective.metric} ${formatValue(runnerUp.objective, objectiveUnit)}). `) +
        (binding === null ? 'No target binds within the lattice: the best value of the objective it offers meets them all (widen the ranges). ' : `Binding target: ${binding.metric} ${binding.condition} (${binding.reason}). `) +
        cost;

  const tune: TuneSummary = {
    targets: Object.fromEntries(spec.targets.map((t) => [t.metric, t.written])),
    objective: spec.objective,
    lattice: lattice.values,
    lattice_cells: validCells,
    excluded: lattice.excluded,
    max_replications: spec.maxReplications,
    chosen: chosen === null ? null : cellOf(chosen).id,
    runner_up: runnerUp === null ? null : cellOf(runnerUp).id,
    binding,
    settings: chosen === null ? [] : settingsOf(cellOf(chosen), configOf(chosen)),
    analytic_start: start === null ? null : lattice.cells[flatIndex(start, lattice.sizes)]!.id,
    node_days: round(spent),
    full_grid_node_days: round(gridNodeDays),
    full_grid_replications: gridReplications,
    sentence,
    path,
  };

  const cells: CellResult[] = [...latest.values()].map((r) => {
    const metrics: CellMetrics = r.pooled.metrics;
    const quantiles = latencyQuantilesMs(r.pooled.tallies.detectionLatenciesUs);
    const analytic = analyticComparison(configOf(r), r.pooled.tallies);
    return { id: cellOf(r).id, params: cellOf(r).params, metrics, ...(quantiles ? { detection_latency_quantiles_ms: quantiles } : {}), ...(analytic ? { analytic } : {}) };
  });
  const analysis = analyze(cells, recommendationTargetsOf(scenario));
  const sample = chosen ?? records[0]!;
  return {
    schema: RESULTS_SCHEMA,
    tool: { name: 'hbsim', version: options.toolVersion },
    name: scenario.name,
    source: loaded.source,
    seed: String(scenario.seed),
    streams: STREAMS_VERSION,
    replications: spec.maxReplications,
    scenario: normalizeScenario(scenario),
    swept: spec.params.map((p) => p.path),
    cells,
    sample: { cell: cellOf(sample).id, duration_ms: configOf(sample).durationUs / 1000, timeline: sample.pooled.timeline },
    analysis,
    tune,
  };
}
