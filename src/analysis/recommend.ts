/**
 * The recommendation: among the cells that meet every target, the one with the
 * lowest detection-latency p99; when none does, the closest cell and the targets no
 * cell can meet. Pure function over the cells of a results file.
 *
 * Targets are checked conservatively where the results carry an interval: the
 * false-suspicion rate by the upper end of its exact 95 % Poisson interval (so a
 * cell with no false suspicion in a short run does not pass a strict target), P_A by
 * the lower end of its 95 % interval. Detection p99 is compared as a point estimate.
 * Without a stated false-suspicion target, `DEFAULT_MAX_FALSE_SUSPICIONS_PER_NODE_DAY`
 * applies: "lowest latency" alone would always pick the most trigger-happy detector.
 */
import { exposureNeededToShowRateBelow } from '../stats/index.js';
import type { CellResult, Recommendation, RecommendationTargets, TargetName } from '../results/results-file.js';
import { cellLabel, formatAccuracy, formatDurationMs, formatSignificant } from './format.js';

/** At most one false suspicion per monitored node per day (upper 95 % bound), unless a target says otherwise. */
export const DEFAULT_MAX_FALSE_SUSPICIONS_PER_NODE_DAY = 1;

const TARGET_ORDER: readonly TargetName[] = ['maxFalseSuspicionsPerNodeDay', 'maxDetectionP99Ms', 'minQueryAccuracy'];

/** The targets with the default filled in; throws RangeError on a value that cannot be a target. */
export function effectiveTargets(targets: RecommendationTargets = {}): RecommendationTargets {
  const fs = targets.maxFalseSuspicionsPerNodeDay ?? DEFAULT_MAX_FALSE_SUSPICIONS_PER_NODE_DAY;
  if (!(fs >= 0 && Number.isFinite(fs))) throw new RangeError(`maxFalseSuspicionsPerNodeDay must be a finite rate ≥ 0, got ${fs}`);
  const out: { -readonly [K in TargetName]?: number } = { maxFalseSuspicionsPerNodeDay: fs };
  if (targets.maxDetectionP99Ms !== undefined) {
    const p99 = targets.maxDetectionP99Ms;
    if (!(p99 > 0 && Number.isFinite(p99))) throw new RangeError(`maxDetectionP99Ms must be a finite duration > 0 (ms), got ${p99}`);
    out.maxDetectionP99Ms = p99;
  }
  if (targets.minQueryAccuracy !== undefined) {
    const qa = targets.minQueryAccuracy;
    if (!(qa >= 0 && qa <= 1)) throw new RangeError(`minQueryAccuracy must be a probability in [0, 1], got ${qa}`);
    out.minQueryAccuracy = qa;
  }
  return out;
}

/** The value a target is checked against, or null when the cell cannot say (no sample). */
function checkedValue(cell: CellResult, target: TargetName): number | null {
  const m = cell.metrics;
  switch (target) {
    case 'maxFalseSuspicionsPerNodeDay':
      return m.false_suspicions.ci95_high;
    case 'maxDetectionP99Ms':
      return m.detection_latency_ms.p99;
    case 'minQueryAccuracy':
      return m.query_accuracy_ci95?.[0] ?? m.query_accuracy;
  }
}

function meets(cell: CellResult, target: TargetName, limit: number): boolean {
  const value = checkedValue(cell, target);
  if (value === null) return false;
  return target === 'minQueryAccuracy' ? value >= limit : value <= limit;
}

/**
 * How far a cell misses a target, on a log scale so that targets in different units
 * add up: ln(value / limit) for upper bounds, ln((1 − value) / (1 − limit)) for P_A.
 * 0 when met; +Infinity when the cell cannot say or the limit is 0.
 */
function shortfall(cell: CellResult, target: TargetName, limit: number): number {
  if (meets(cell, target, limit)) return 0;
  const value = checkedValue(cell, target);
  if (value === null) return Number.POSITIVE_INFINITY;
  const [have, allowed] = target === 'minQueryAccuracy' ? [1 - value, 1 - limit] : [value, limit];
  return allowed > 0 ? Math.log(have / allowed) : Number.POSITIVE_INFINITY;
}

/** Lower p99 first (cells without one last), then lower false-suspicion bound, then fewer messages, then input order. */
function preference(a: CellResult, b: CellResult): number {
  const p99 = (c: CellResult) => c.metrics.detection_latency_ms.p99 ?? Number.POSITIVE_INFINITY;
  const messages = (c: CellResult) => c.metrics.messages_per_node_s ?? Number.POSITIVE_INFINITY;
  const byP99 = p99(a) - p99(b);
  if (byP99 !== 0 && !Number.isNaN(byP99)) return byP99;
  const byFs = a.metrics.false_suspicions.ci95_high - b.metrics.false_suspicions.ci95_high;
  if (byFs !== 0) return byFs;
  const byMessages = messages(a) - messages(b);
  return byMessages !== 0 && !Number.isNaN(byMessages) ? byMessages : 0;
}

/** "the false-suspicion target (at most 1 per node-day, 95 % upper bound)" */
function targetPhrase(target: TargetName, limit: number): string {
  switch (target) {
    case 'maxFalseSuspicionsPerNodeDay':
      return `the false-suspicion target (at most ${formatSignificant(limit)} per node-day, 95 % upper bound)`;
    case 'maxDetectionP99Ms':
      return `the detection target (p99 at most ${formatDurationMs(limit)})`;
    case 'minQueryAccuracy':
      return `the accuracy target (P_A at least ${formatAccuracy(limit)}, 95 % lower bound)`;
  }
}

/** "p99 detection 2.3 s, at most 0.04 false suspicions per node-day (95 %)" */
export function describeMetrics(cell: CellResult, targets: RecommendationTargets = {}): string {
  const m = cell.metrics;
  const p99 = m.detection_latency_ms.p99;
  const parts = [
    p99 === null ? 'no crash detected, so no detection latency' : `p99 detection ${formatDurationMs(p99)}`,
    `at most ${formatSignificant(m.false_suspicions.ci95_high, 2)} false suspicions per node-day (95 %)`,
  ];
  if (targets.minQueryAccuracy !== undefined) {
    const low = m.query_accuracy_ci95?.[0] ?? m.query_accuracy;
    parts.push(low === null ? 'P_A unknown' : `P_A at least ${formatAccuracy(low)} (95 %)`);
  }
  return parts.join(', ');
}

/** "interval 500 ms, timeout 2 s: p99 detection 2.3 s, at most 0.04 false suspicions per node-day (95 %)" */
export function describeCell(cell: CellResult, targets: RecommendationTargets = {}): string {
  return `${cellLabel(cell, Object.keys(cell.params))}: ${describeMetrics(cell, targets)}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "a, b and c" */
function joinAnd(items: readonly string[], conjunction = 'and'): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;
}

/**
 * When the false-suspicion target fails only because the runs were too short (a cell
 * saw no false suspicion, yet its upper bound is above the target), the exposure that
 * would be needed to show the target.
 */
function exposureHint(cells: readonly CellResult[], limit: number): string {
  const zero = cells.filter((c) => c.metrics.false_suspicions.count === 0);
  if (zero.length === 0 || !(limit > 0)) return '';
  const longest = Math.max(...zero.map((c) => c.metrics.node_hours));
  const neededHours = exposureNeededToShowRateBelow(limit) * 24;
  const who = cells.length === 1 ? 'It saw' : zero.length === 1 ? 'One cell saw' : `${zero.length} cells saw`;
  return (
    ` ${who} no false suspicion, but ${formatSignificant(longest)} node-hours cannot show a rate below ${formatSignificant(limit)} per node-day:` +
    ` that takes at least ${formatSignificant(neededHours, 2)} node-hours${cells.length === 1 ? '' : ' per cell'} (a longer run or more replications).`
  );
}

/**
 * The thresholds a cell breaches ("longest_pause_survived_ms >= 1.5s"), as the CI gate
 * judges them: the caller (who knows the scenario's `expect:`) supplies it, so that the
 * recommendation never names a cell that `hbsim check --cell recommended` fails.
 */
export type BreachScreen = (cell: CellResult) => readonly string[];

export function recommend(cells: readonly CellResult[], targets: RecommendationTargets = {}, screen?: BreachScreen): Recommendation {
  if (screen !== undefined && cells.length > 1) {
    const breaches = new Map(cells.map((c) => [c.id, screen(c)]));
    const allowed = cells.filter((c) => breaches.get(c.id)!.length === 0);
    const counts = new Map<string, number>();
    for (const list of breaches.values()) for (const t of new Set(list)) counts.set(t, (counts.get(t) ?? 0) + 1);
    if (counts.size > 0) {
      const excluded_by = [...counts].map(([threshold, n]) => ({ threshold, cells: n }));
      const why = `The scenario's expect: ${joinAnd(excluded_by.map((e) => `${e.threshold} rules out ${e.cells} of ${cells.length} cells`))}`;
      if (allowed.length === 0) {
        const inner = recommend(cells, targets);
        return { ...inner, met: false, excluded_by, sentence: `${why}, so none is left that the CI gate would pass. ${inner.sentence}` };
      }
      const inner = recommend(allowed, targets);
      return { ...inner, excluded_by, sentence: `${inner.sentence} ${why}.` };
    }
  }
  const applied = effectiveTargets(targets);
  const active = TARGET_ORDER.filter((t) => applied[t] !== undefined).map((t) => [t, applied[t]!] as const);
  if (cells.length === 0) return { cell: null, met: false, unreachable: [], sentence: 'No cells to recommend from.' };

  const qualifying = cells.filter((cell) => active.every(([t, limit]) => meets(cell, t, limit)));
  const single = cells.length === 1;
  if (qualifying.length > 0) {
    const best = [...qualifying].sort(preference)[0]!;
    const sentence = single ? `The configuration meets the targets: ${describeMetrics(best, applied)}.` : `${capitalize(describeCell(best, applied))}.`;
    return { cell: best.id, met: true, unreachable: [], sentence };
  }

  const unreachable = active.filter(([t, limit]) => !cells.some((cell) => meets(cell, t, limit)));
  const distance = (cell: CellResult) => active.reduce((sum, [t, limit]) => sum + shortfall(cell, t, limit), 0);
  const closest = [...cells].sort((a, b) => {
    const da = distance(a);
    const db = distance(b);
    return da === db ? preference(a, b) : da < db ? -1 : 1;
  })[0]!;
  const missed = active.filter(([t, limit]) => !meets(closest, t, limit) && !unreachable.some(([u]) => u === t)).map(([t, limit]) => targetPhrase(t, limit));
  const head = single
    ? `The configuration misses ${joinAnd(unreachable.map(([t, limit]) => targetPhrase(t, limit)))}: ${describeMetrics(closest, applied)}.`
    : unreachable.length > 0
      ? `No cell meets ${joinAnd(unreachable.map(([t, limit]) => targetPhrase(t, limit)))}.`
      : `No cell meets ${joinAnd(active.map(([t, limit]) => targetPhrase(t, limit)))} at once.`;
  const tail = single ? '' : ` Closest: ${describeCell(closest, applied)}${missed.length > 0 ? `; it misses ${joinAnd(missed)}` : ''}.`;
  const fsUnreachable = unreachable.some(([t]) => t === 'maxFalseSuspicionsPerNodeDay');
  const hint = fsUnreachable ? exposureHint(cells, applied.maxFalseSuspicionsPerNodeDay!) : '';
  return { cell: closest.id, met: false, unreachable: unreachable.map(([t]) => t), sentence: `${head}${tail}${hint}` };
}
