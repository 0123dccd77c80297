/**
 * What a log too short for its false-suspicion target can and cannot show. With no false
 * suspicion in H node-hours the 95 % upper bound on the rate is still about 72/H per
 * node-day, so a 30-minute log of two nodes cannot show "under 1 per node-day" whatever
 * the setting: saying "no cell meets the targets" would blame the settings for the log's
 * length. It can show a setting that suspected (a count is a fact), and how often.
 */
import type { Recommendation, ResultsAnalysis } from '../results/results-file.js';
import type { CellMetrics } from '../results/cell-metrics.js';
import { exposureNeededToShowRateBelow } from '../stats/poisson-interval.js';

interface Cell {
  readonly id: string;
  readonly metrics: CellMetrics;
}

const sig = (x: number, digits = 3) => String(Number(x.toPrecision(digits)));

/** The analysis, with the recommendation restated when the log is too short to judge the target. */
export function judgeShortLog(analysis: ResultsAnalysis, cells: readonly Cell[]): ResultsAnalysis {
  const limit = analysis.targets.maxFalseSuspicionsPerNodeDay;
  if (analysis.recommendation.met || limit === undefined || !(limit > 0) || cells.length === 0) return analysis;
  const nodeHours = Math.max(...cells.map((c) => c.metrics.node_hours));
  const neededHours = exposureNeededToShowRateBelow(limit) * 24;
  if (nodeHours >= neededHours) return analysis;
  const suspecting = cells.filter((c) => c.metrics.false_suspicions.count > 0);
  const shownWorse = suspecting.filter((c) => c.metrics.false_suspicions.ci95_low > limit);
  const what =
    suspecting.length === 0
      ? `No setting suspected any node${cells.length === 1 ? '' : ` (all ${cells.length})`}, which is all it can say.`
      : `It does show that ${suspecting.map((c) => `${c.id} suspected ${c.metrics.false_suspicions.count} time${c.metrics.false_suspicions.count === 1 ? '' : 's'}`).join(', ')}` +
        (shownWorse.length > 0 ? `, and that ${shownWorse.map((c) => c.id).join(', ')} ${shownWorse.length === 1 ? 'misses' : 'miss'} the target (lower bound above it).` : '.');
  const recommendation: Recommendation = {
    ...analysis.recommendation,
    too_short: true,
    sentence:
      `This log (${sig(nodeHours)} node-hours) is too short to show a rate below ${sig(limit)} false suspicion${limit === 1 ? '' : 's'} per node-day: ` +
      `even with none, the 95 % upper bound would be ${sig((exposureNeededToShowRateBelow(limit) * limit * 24) / nodeHours)} per node-day; that takes at least ${sig(neededHours, 2)} node-hours of log. ${what}`,
  };
  return { ...analysis, recommendation };
}
