/**
 * The recommendation's screen (src/analysis `BreachScreen`): the `expect:` thresholds
 * a cell breaches, judged exactly as the CI gate judges them, so the recommended cell
 * is never one that `hbsim check --cell recommended` reports BREACHED. "Cannot tell"
 * does not rule a cell out: it is the run's length, not the setting, that fails it.
 */
import type { BreachScreen } from '../analysis/index.js';
import type { Threshold } from '../scenarios/expect.js';
import { judge } from './judge.js';

export function breachScreen(thresholds: readonly Threshold[]): BreachScreen | undefined {
  if (thresholds.length === 0) return undefined;
  return (cell) => thresholds.filter((t) => judge(t, cell.metrics).outcome === 'fail').map((t) => `${t.metric} ${t.written}`);
}
