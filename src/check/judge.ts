/**
 * The CI gate's verdict on one threshold for one cell: pure, (threshold, cell metrics)
 * → pass, fail or inconclusive, with the value measured, the interval used and why.
 *
 * The rule (docs/ci.md): for `<=` and `<` the threshold holds when the upper end of
 * the metric's 95 % interval meets the bound, is breached when its lower end already
 * breaks it, and is inconclusive when the interval straddles the bound ("not enough
 * simulated time to tell"); `>=` and `>` mirror it. A metric the results carry no
 * interval for is judged on its point value (the verdict says so). A metric without
 * a value (no crash detected, say) is inconclusive.
 *
 * For an inconclusive verdict the judge also says how much simulated time would decide
 * it if the estimate stayed where it is: exactly for Poisson rates (zero events: the
 * closed form of `exposureNeededToShowRateBelow`; otherwise the exposure at which the
 * Garwood interval of the same rate clears the bound, found by scaling the exposure
 * and the count together), and by the 1/√n shrinking of an interval for the others
 * (marked approximate).
 */
import { exposureNeededToShowRateBelow, poissonRateInterval } from '../stats/index.js';
import type { Comparison, Threshold } from '../scenarios/expect.js';
import { formatBound, formatFactor, formatInterval, formatNodeHours, formatValue } from './format.js';
import { measure, type IntervalKind, type Measurement, type MetricUnit } from './measure.js';

export type Outcome = 'pass' | 'fail' | 'inconclusive';

export interface Needed {
  /** Node-hours in all (this run's included) at which the interval would clear the bound. */
  readonly nodeHours: number;
  /** How many times this run's simulated time that is. */
  readonly factor: number;
  /** False for Poisson rates (solved exactly), true for the 1/√n approximation. */
  readonly approximate: boolean;
}

export interface Verdict {
  readonly metric: string;
  readonly op: Comparison;
  readonly bound: number;
  /** The condition as written ("<= 5s"). */
  readonly written: string;
  readonly unit: MetricUnit;
  readonly outcome: Outcome;
  /** The point estimate; null when the results have none. */
  readonly value: number | null;
  /** The 95 % interval judged; null when the point value was judged (or there was nothing). */
  readonly interval: readonly [number, number] | null;
  readonly intervalKind: IntervalKind | null;
  /** What decided: the interval, the point value alone, or nothing to judge. */
  readonly basis: 'interval' | 'point' | 'missing';
  /** Why, in one sentence without the threshold itself ("the whole 95 % interval (…) is ≤ 5 s"). */
  readonly reason: string;
  /** For an inconclusive verdict on an interval: how much simulated time would decide it. */
  readonly needed?: Needed;
  readonly nodeHours: number | null;
}

const upper = (op: Comparison) => op === '<=' || op === '<';

function holds(op: Comparison, x: number, bound: number): boolean {
  switch (op) {
    case '<=':
      return x <= bound;
    case '<':
      return x < bound;
    case '>=':
      return x >= bound;
    case '>':
      return x > bound;
  }
}

const OP_WORDS: Readonly<Record<Comparison, string>> = { '<=': '≤', '<': '<', '>=': '≥', '>': '>' };
const BROKEN_WORDS: Readonly<Record<Comparison, string>> = { '<=': 'above', '<': 'at or above', '>=': 'below', '>': 'at or below' };

/** Judges one threshold against one cell's metrics. */
export function judge(threshold: Threshold, metrics: unknown): Verdict {
  const m = measure(threshold.metric, metrics);
  const { op, bound } = threshold;
  const base = { metric: threshold.metric, op, bound, written: threshold.written, unit: m.unit, value: m.value, interval: m.interval, intervalKind: m.intervalKind, nodeHours: m.nodeHours };
  const b = formatBound(bound, m.unit);

  if (m.interval !== null) {
    const [low, high] = m.interval;
    const worst = upper(op) ? high : low;
    const best = upper(op) ? low : high;
    const shown = `${m.intervalKind} 95 % interval (${formatInterval(m.interval, m.unit)})`;
    if (holds(op, worst, bound)) return { ...base, outcome: 'pass', basis: 'interval', reason: `the whole ${shown} is ${OP_WORDS[op]} ${b}` };
    if (!holds(op, best, bound)) return { ...base, outcome: 'fail', basis: 'interval', reason: `the whole ${shown} is ${BROKEN_WORDS[op]} ${b}` };
    const needed = neededToDecide(m, bound);
    const estimate =
      m.value === null ? '' : holds(op, m.value, bound) ? `; the estimate ${formatValue(m.value, m.unit)} meets it` : `; the estimate ${formatValue(m.value, m.unit)} does not meet it`;
    const more =
      needed === undefined
        ? m.value !== null && m.value === bound
          ? '; the estimate sits on the bound, so no run length will tell'
          : ''
        : `; ${needed.approximate ? 'roughly' : 'about'} ${formatNodeHours(needed.nodeHours)} (${formatFactor(needed.factor)} this run) would tell if the estimate held`;
    return { ...base, outcome: 'inconclusive', basis: 'interval', reason: `not enough simulated time to tell: the ${shown} straddles ${b}${estimate}${more}`, ...(needed ? { needed } : {}) };
  }

  if (m.value === null) return { ...base, outcome: 'inconclusive', basis: 'missing', reason: `cannot tell: ${m.missing ?? 'the results have no value for it'}` };
  const ok = holds(op, m.value, bound);
  const why = m.pointOnly === undefined ? '' : ` (judged on the point value: ${m.pointOnly})`;
  return {
    ...base,
    outcome: ok ? 'pass' : 'fail',
    basis: 'point',
    reason: `${formatValue(m.value, m.unit)} is ${ok ? OP_WORDS[op] : BROKEN_WORDS[op]} ${b}${why}`,
  };
}

/** Beyond this many times the run's length, "would tell" is not advice anyone can use. */
const MAX_FACTOR = 1e6;

/** How much simulated time would move the interval clear of `bound`, if the estimate stayed; undefined when it never would. */
export function neededToDecide(m: Measurement, bound: number): Needed | undefined {
  const nodeHours = m.nodeHours;
  if (nodeHours === null || !(nodeHours > 0)) return undefined;
  if (m.poisson !== undefined) {
    const days = poissonDaysToDecide(m.poisson.count, m.poisson.nodeDays, m.poisson.toPerNodeDay(bound));
    return days === undefined ? undefined : { nodeHours: days * 24, factor: days / m.poisson.nodeDays, approximate: false };
  }
  if (m.interval === null || m.value === null || !Number.isFinite(m.value)) return undefined;
  // An interval's half-width shrinks as 1/√n: the side facing the bound must shrink
  // from its present width to the estimate's distance from the bound.
  const gap = Math.abs(bound - m.value);
  const side = bound > m.value ? m.interval[1] - m.value : m.value - m.interval[0];
  if (!(gap > 0) || !(side > 0) || !Number.isFinite(side)) return undefined;
  const factor = Math.max(1, (side / gap) ** 2);
  return factor > MAX_FACTOR ? undefined : { nodeHours: nodeHours * factor, factor, approximate: true };
}

/**
 * Node-days at which the two-sided 95 % Garwood interval of a rate observed as
 * `count` events in `nodeDays` would no longer contain `boundPerDay`, if the rate
 * stayed at count / nodeDays. Zero events: the closed form 3.689 / bound (the upper end
 * of the two-sided interval is the one-sided 97.5 % bound). Otherwise the count and the
 * exposure are scaled together (the count rounded to a whole number) and the scale
 * found by doubling, then bisection. Undefined when the rate sits on the bound.
 */
export function poissonDaysToDecide(count: number, nodeDays: number, boundPerDay: number): number | undefined {
  if (!(nodeDays > 0) || !Number.isFinite(boundPerDay) || !(boundPerDay >= 0)) return undefined;
  const rate = count / nodeDays;
  if (rate === boundPerDay) return undefined;
  if (count === 0) return boundPerDay > 0 ? Math.max(nodeDays, exposureNeededToShowRateBelow(boundPerDay, 0.975)) : undefined;
  const decided = (factor: number) => {
    const interval = poissonRateInterval(Math.round(count * factor), nodeDays * factor);
    return rate < boundPerDay ? interval.high < boundPerDay : interval.low > boundPerDay;
  };
  if (decided(1)) return nodeDays;
  let low = 1;
  let high = 2;
  while (!decided(high)) {
    low = high;
    high *= 2;
    if (high > MAX_FACTOR) return undefined;
  }
  for (let i = 0; i < 40 && high / low > 1.001; i++) {
    const mid = Math.sqrt(low * high);
    if (decided(mid)) high = mid;
    else low = mid;
  }
  return nodeDays * high;
}
