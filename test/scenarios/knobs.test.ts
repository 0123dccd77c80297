/**
 * Answers in the system's own settings (#14 item 3): `knobs:` renders a cell as the
 * system's settings, rounded to values the system accepts; every preset that has a
 * block renders every setting; `configure` prints whole milliseconds, a fixed-timeout
 * equivalent and the knobs, with no 999us or 1e294.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import type { CliIo } from '../../src/cli/io.js';
import { knobsText, renderKnobs } from '../../src/scenarios/knobs.js';
import { expandSweep, loadPreset, loadScenarioText } from '../../src/scenarios/load.js';
import { PRESET_NAMES } from '../../src/scenarios/presets/index.js';
import { parseSet } from '../../src/scenarios/sets.js';

describe('knobs', () => {
  it('renders etcd flags from the cell, timeout rounded up and interval down to whole ms', () => {
    const etcd = loadPreset('etcd', { sets: [parseSet('heartbeat.interval=99.6ms'), parseSet('detector.timeout=1000.2ms')] });
    const r = renderKnobs(etcd.scenario.knobs!, etcd.scenario);
    expect(knobsText(r)).toBe('--heartbeat-interval=99 --election-timeout=1001');
    expect(r.settings[1]).toMatchObject({ value: 1001, unrounded: 1000.2 });
  });

  it('resolves relative values and the nominal timeout, and names settings a cell cannot give', () => {
    const s = loadScenarioText(
      'heartbeat: { interval: 2s }\ndetector: { kind: timeout, timeout: 3x }\nknobs:\n  system: X\n  settings:\n    - { name: t, from: detector.timeout, unit: s }\n    - { name: n, from: timeout, unit: ms }\n    - { name: q, from: detector.threshold, unit: number }\n',
      'x.yaml',
    ).scenario;
    const r = renderKnobs(s.knobs!, s);
    expect(r.settings.map((k) => k.text)).toEqual(['t=6', 'n=6000']);
    expect(r.missing).toEqual(['q']);
  });

  it('refuses a template without {value} and an unknown unit, at the field', () => {
    expect(() => loadScenarioText('knobs: { system: X, settings: [ { name: a, from: heartbeat.interval, unit: ms, format: "a=" } ] }\n', 'x.yaml')).toThrow(/knobs\.settings\.0\.format/);
    expect(() => loadScenarioText('knobs: { system: X, settings: [ { name: a, from: heartbeat.interval, unit: min } ] }\n', 'x.yaml')).toThrow(/knobs\.settings\.0\.unit/);
  });

  it('every preset with knobs renders every setting for every cell of its sweep', () => {
    const withKnobs = PRESET_NAMES.filter((n) => loadPreset(n).scenario.knobs !== undefined);
    expect(withKnobs.length).toBeGreaterThanOrEqual(8);
    for (const name of withKnobs) {
      const loaded = loadPreset(name);
      for (const cell of expandSweep(loaded)) {
        const r = renderKnobs(loaded.scenario.knobs!, cell.scenario);
        expect(r.missing, `${name} ${cell.id}`).toEqual([]);
        for (const k of r.settings) expect(Number.isFinite(k.value) && k.value > 0, `${name} ${k.text}`).toBe(true);
      }
    }
  });
});

describe('hbsim configure', () => {
  it('answers in whole milliseconds, with a fixed-timeout equivalent and the preset’s own settings', async () => {
    const out: string[] = [];
    const io: CliIo = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: () => {} }, env: {} };
    const code = await runCli(['configure', 'etcd', '--detection-bound', '1s', '--mistake-recurrence', '1d', '--mistake-duration', '1s'], io);
    const text = out.join('');
    expect(code).toBe(0);
    expect(text).toMatch(/heartbeat: \{ interval: \d+ms \}/);
    expect(text).toMatch(/detector: \{ kind: timeout, timeout: [\d.]+m?s \}/);
    expect(text).toMatch(/--heartbeat-interval=\d+\n--election-timeout=\d+\n/);
    const answer = text.slice(text.indexOf('As scenario fields'));
    expect(answer).not.toMatch(/\d\.\d{3}ms|\d+us|e\+\d/);
    expect(text).not.toMatch(/e\+\d|§/);
  });
});
