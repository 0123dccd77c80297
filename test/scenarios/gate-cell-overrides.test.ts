/**
 * `expect_options.cell` pins a cell of the file's own sweep (db-ha pins 1s/3x). An
 * override of a swept path must not make `run` refuse the scenario (#14: `hbsim run
 * db-ha --set heartbeat.interval=500ms` exited 2 at presets/db-ha.yaml:61:9).
 */
import { describe, expect, it } from 'vitest';
import { gateSpecOf, loadPreset } from '../../src/scenarios/load.js';
import { parseSet } from '../../src/scenarios/sets.js';
import { ScenarioError } from '../../src/scenarios/errors.js';

const load = (...sets: string[]) => loadPreset('db-ha', { sets: sets.map((s) => parseSet(s)) });

describe('the gate cell under overrides', () => {
  it('without overrides it is the pinned cell', () => {
    expect(gateSpecOf(load()).cells).toEqual({ kind: 'cell', id: '1s/3x' });
  });

  it('fixing a swept path keeps the pinned values of the other paths', () => {
    expect(gateSpecOf(load('heartbeat.interval=500ms')).cells).toEqual({ kind: 'cell', id: '3x' });
    expect(gateSpecOf(load('detector.timeout=12s')).cells).toEqual({ kind: 'cell', id: '1s' });
    expect(gateSpecOf(load('sweep.heartbeat.interval=[1s, 3s]')).cells).toEqual({ kind: 'cell', id: '1s/3x' });
  });

  it('a sweep without the pinned cell loads (run needs no gate); the gate names the override, not the preset line', () => {
    const loaded = load('duration=1h', 'sweep.detector.timeout=[2x, 4x]');
    expect(loaded.scenario.name).toBe('db-ha');
    let error: unknown;
    try {
      gateSpecOf(loaded);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    const issue = (error as ScenarioError).issues[0]!;
    expect(issue.set).toBe('--set sweep.detector.timeout=[2x, 4x]');
    expect(issue.line).toBeUndefined();
    expect(issue.message).toMatch(/--cell recommended/);
  });

  it('a pinned cell that the file itself does not have is still the file’s error, at its line', () => {
    expect(() => loadPreset('db-ha', { sets: [parseSet('expect_options.cell=9s/9x')] })).toThrow(ScenarioError);
  });
});
