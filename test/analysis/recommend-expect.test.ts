/**
 * The recommendation honours the scenario's `expect:` (#14: `run db-ha` recommended
 * 500 ms / 4x, which `check db-ha --cell recommended` then reported BREACHED on
 * longest_pause_survived_ms >= 1.5s). The screen is the CI gate's own judgement.
 */
import { describe, expect, it } from 'vitest';
import { recommend } from '../../src/analysis/recommend.js';
import { breachScreen } from '../../src/check/screen.js';
import { judge } from '../../src/check/judge.js';
import { parseThreshold } from '../../src/scenarios/expect.js';
import { cellWith } from '../report/fixtures.js';

const threshold = (metric: string, unit: 'ms', text: string) => {
  const parsed = parseThreshold(metric, unit, text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
};
const pause = threshold('longest_pause_survived_ms', 'ms', '>= 1.5s');
const withPause = (id: string, p99: number, survivedMs: number) => {
  const cell = cellWith(id, p99, 0.1, { fsHigh: 0.3 });
  return { ...cell, metrics: { ...cell.metrics, longest_pause_survived_ms: survivedMs } };
};

describe('the recommendation and expect:', () => {
  const cells = [withPause('500ms/4x', 1700, 1390), withPause('500ms/6x', 2600, 2400), withPause('1s/8x', 7000, 6000)];

  it('never recommends a cell the gate finds breached, and says which threshold constrained it', () => {
    expect(recommend(cells).cell).toBe('500ms/4x');
    const r = recommend(cells, {}, breachScreen([pause]));
    expect(r.cell).toBe('500ms/6x');
    expect(judge(pause, cells[1]!.metrics).outcome).toBe('pass');
    expect(r.excluded_by).toEqual([{ threshold: 'longest_pause_survived_ms >= 1.5s', cells: 1 }]);
    expect(r.sentence).toMatch(/expect: longest_pause_survived_ms >= 1\.5s rules out 1 of 3 cells/);
  });

  it('when every cell breaches, it says so and does not claim the targets are met', () => {
    const strict = threshold('longest_pause_survived_ms', 'ms', '>= 1h');
    const r = recommend(cells, {}, breachScreen([strict]));
    expect(r.met).toBe(false);
    expect(r.sentence).toMatch(/none is left that the CI gate would pass/);
  });

  it('no expect: means no screen and the same recommendation as before', () => {
    expect(breachScreen([])).toBeUndefined();
    expect(recommend(cells, {}, breachScreen([]))).toEqual(recommend(cells));
  });
});
