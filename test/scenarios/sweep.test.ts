import { describe, expect, it } from 'vitest';
import { build } from '../../src/scenarios/build.js';
import { expandSweep, gateSpecOf, loadScenarioText, withSets } from '../../src/scenarios/load.js';
import { normalizeScenario, timeoutUsOf } from '../../src/scenarios/schema/index.js';
import { parseSet } from '../../src/scenarios/sets.js';
import { productIndices, rangeValues } from '../../src/scenarios/sweep.js';
import { refusedLines } from './refused.js';

const load = (text: string, sets: string[] = []) => loadScenarioText(text, 's.yaml', { sets: sets.map((t) => parseSet(t)) });

const lines = (text: string, sets: string[] = []): string[] => refusedLines(() => load(text, sets));

const GRID = `heartbeat: { interval: 1s }
detector: { kind: timeout, timeout: 3x }
sweep:
  heartbeat.interval: [250ms, 500ms, 1s]
  detector.timeout: [2x, 3x]
`;

describe('ranges', () => {
  it('spread durations on a log scale, the ends exact and the inner values at three significant digits', () => {
    expect(rangeValues({ from: '100ms', to: '5s', steps: 6, scale: 'log' })).toEqual({ ok: true, value: ['100ms', '219ms', '478ms', '1.05s', '2.29s', '5s'] });
  });

  it('spread multiples, percentages and numbers, keeping whole numbers whole', () => {
    expect(rangeValues({ from: '2x', to: '8x', steps: 4, scale: 'log' })).toEqual({ ok: true, value: ['2x', '3.17x', '5.04x', '8x'] });
    expect(rangeValues({ from: '0.1%', to: '10%', steps: 3, scale: 'log' })).toEqual({ ok: true, value: ['0.1%', '1%', '10%'] });
    expect(rangeValues({ from: 5, to: 16, steps: 12, scale: 'linear' })).toEqual({ ok: true, value: [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16] });
    expect(rangeValues({ from: 0, to: '1s', steps: 5, scale: 'linear' })).toEqual({ ok: true, value: ['0s', '250ms', '500ms', '750ms', '1s'] });
  });

  it('keep once the values that round to the same spelling', () => {
    expect(rangeValues({ from: 1, to: 2, steps: 5, scale: 'linear' })).toEqual({ ok: true, value: [1, 1.25, 1.5, 1.75, 2] });
    expect(rangeValues({ from: '1us', to: '3us', steps: 5, scale: 'linear' })).toEqual({ ok: true, value: ['1us', '2us', '3us'] });
  });

  it('refuse ends of two kinds, and a log scale through zero', () => {
    expect(rangeValues({ from: '1s', to: '3x', steps: 3, scale: 'linear' })).toMatchObject({ ok: false, reason: expect.stringMatching(/from is a duration and to is a multiple/) });
    expect(rangeValues({ from: 0, to: '1s', steps: 3, scale: 'log' })).toMatchObject({ ok: false, reason: expect.stringMatching(/log scale needs both ends above zero/) });
  });
});

describe('expanding a sweep', () => {
  it('gives the cartesian product, the first path outermost, with ids of the values as written', () => {
    const cells = expandSweep(load(GRID));
    expect(cells.map((c) => c.id)).toEqual(['250ms/2x', '250ms/3x', '500ms/2x', '500ms/3x', '1s/2x', '1s/3x']);
    expect(cells[3]!.params).toEqual({ 'heartbeat.interval': '500ms', 'detector.timeout': '3x' });
    expect(productIndices([2, 3])).toEqual([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
  });

  it('is deterministic', () => {
    const a = expandSweep(load(GRID));
    const b = expandSweep(load(GRID));
    expect(b.map((c) => [c.id, c.params])).toEqual(a.map((c) => [c.id, c.params]));
    expect(b.map((c) => build(c.scenario).config)).toEqual(a.map((c) => build(c.scenario).config));
    expect(expandSweep(load(GRID)).map((c) => c.id)).toEqual(a.map((c) => c.id));
  });

  it('makes a swept 3x timeout follow a swept interval', () => {
    const timeouts = expandSweep(load(GRID)).map((c) => [c.id, timeoutUsOf(c.scenario), build(c.scenario).config.detector]);
    expect(timeouts).toEqual([
      ['250ms/2x', 500_000, expect.objectContaining({ timeoutUs: 500_000 })],
      ['250ms/3x', 750_000, expect.objectContaining({ timeoutUs: 750_000 })],
      ['500ms/2x', 1_000_000, expect.anything()],
      ['500ms/3x', 1_500_000, expect.anything()],
      ['1s/2x', 2_000_000, expect.anything()],
      ['1s/3x', 3_000_000, expect.anything()],
    ]);
  });

  it('gives cells with an empty sweep, that run on their own', () => {
    for (const cell of expandSweep(load(GRID))) expect(cell.scenario.sweep).toEqual({});
  });

  it('gives one "default" cell when nothing is swept', () => {
    const loaded = load('heartbeat: { interval: 2s }\n');
    expect(expandSweep(loaded)).toEqual([{ id: 'default', params: {}, scenario: loaded.scenario }]);
  });

  it('builds cells that differ only in the detector with the same seed, network and faults', () => {
    const cells = expandSweep(
      load(`seed: 7
faults:
  - pause: { every: 1h, duration: 1s }
link: { loss: { average: 1%, burst: 3 } }
sweep:
  detector: [x]
`.replace('  detector: [x]\n', '  detector.kind: [timeout, nfd_s, phi_akka, pull_check]\n')),
    );
    const configs = cells.map((c) => build(c.scenario).config);
    const { detector: _d, ...first } = configs[0]!;
    for (const c of configs.slice(1)) {
      const { detector, ...rest } = c;
      expect(rest).toEqual(first);
      expect(detector).not.toEqual(configs[0]!.detector);
    }
  });

  it('sweeps values inside lists and ranges of any field', () => {
    const cells = expandSweep(load(`faults:
  - pause: { every: 1h, duration: 1s }
sweep:
  faults.0.pause.duration: [100ms, 1s]
  link.loss: { from: 0.1%, to: 10%, steps: 3, scale: log }
`));
    expect(cells.map((c) => c.id)).toEqual(['100ms/0.1%', '100ms/1%', '100ms/10%', '1s/0.1%', '1s/1%', '1s/10%']);
    expect(build(cells[4]!.scenario).config).toMatchObject({ link: { lossProbability: 0.01 }, faults: [{ duration: { kind: 'constant', valueUs: 1_000_000 } }] });
  });

  it('gives a field that only the sweep names its first value in the scenario as loaded', () => {
    const loaded = load('sweep:\n  detector.check_interval: [100ms, 1s]\n');
    expect(loaded.scenario.detector).toMatchObject({ kind: 'timeout', check_interval: 100_000 });
    expect(expandSweep(loaded).map((c) => c.id)).toEqual(['100ms', '1s']);
  });

  it('normalises with its sweep, and loads back to the same scenario and cells', () => {
    const loaded = load(GRID);
    const again = loadScenarioText(JSON.stringify(normalizeScenario(loaded.scenario)), 'n.json');
    expect(again.scenario).toEqual(loaded.scenario);
    expect(expandSweep(again).map((c) => c.id)).toEqual(expandSweep(loaded).map((c) => c.id));
  });
});

describe('--set and sweeps', () => {
  it('replaces the sweep of the path it sets', () => {
    const loaded = load(GRID, ['detector.timeout=5s']);
    expect(loaded.scenario.sweep).toEqual({ 'heartbeat.interval': ['250ms', '500ms', '1s'] });
    expect(expandSweep(loaded).map((c) => [c.id, timeoutUsOf(c.scenario)])).toEqual([
      ['250ms', 5_000_000],
      ['500ms', 5_000_000],
      ['1s', 5_000_000],
    ]);
  });

  it('drops every sweep under a section it replaces', () => {
    const loaded = load(GRID, ['detector={kind: lease, lease: 10s}']);
    expect(Object.keys(loaded.scenario.sweep)).toEqual(['heartbeat.interval']);
  });

  it('can set a sweep, the rest of the path being one key', () => {
    const loaded = load(GRID, ['sweep.detector.timeout=[4x, 5x]']);
    expect(expandSweep(loaded).map((c) => c.id)).toEqual(['250ms/4x', '250ms/5x', '500ms/4x', '500ms/5x', '1s/4x', '1s/5x']);
    expect(expandSweep(load(GRID, ['sweep={}'])).map((c) => c.id)).toEqual(['default']);
  });

  it('applies to each cell through withSets, and a cell\'s overrides do not disturb the others', () => {
    const loaded = load(GRID);
    const cell = withSets(loaded, [parseSet('detector.timeout=4x')]);
    expect(expandSweep(cell).map((c) => c.id)).toEqual(['250ms', '500ms', '1s']);
    expect(expandSweep(loaded)).toHaveLength(6);
  });
});

describe('sweep errors', () => {
  it('point at the value\'s own line and index', () => {
    expect(lines('sweep:\n  heartbeat.interval: [1s, 2s]\n  detector.timeout: [2x, fast, 4x]\n')).toEqual([
      's.yaml:3:26 sweep.detector.timeout[1]: expected a duration such as 250ms, 1.5s, 5m, 1h or 1d, or a multiple of heartbeat.interval such as 3x, got "fast"',
    ]);
  });

  it('name the field a value breaks when it is another one', () => {
    expect(lines('detector: { kind: timeout, timeout: 3s }\nsweep:\n  heartbeat.interval: [1s, 3s]\n')).toEqual([
      's.yaml:3:28 sweep.heartbeat.interval[1]: detector.timeout: the timeout (3s) is not longer than heartbeat.interval (3s), so every node would be suspected between two heartbeats; set detector.allow_short_timeout: true if that is what you want',
    ]);
  });

  it('report a combination that is invalid although each value is fine, at the sweep, naming the cell', () => {
    expect(lines('detector: { kind: timeout, timeout: 5s }\nsweep:\n  heartbeat.interval: [1s, 2s]\n  detector.timeout: [2s, 3s]\n')).toEqual([
      's.yaml:2:1 sweep: the cell heartbeat.interval=2s, detector.timeout=2s is invalid: detector.timeout: the timeout (2s) is not longer than heartbeat.interval (2s), so every node would be suspected between two heartbeats; set detector.allow_short_timeout: true if that is what you want',
    ]);
  });

  it('refuse unknown paths, paths that cannot be swept, malformed ranges and duplicate-free lists', () => {
    expect(lines('sweep:\n  heartbeat.intervl: [1s]\n')).toEqual(['s.yaml:2:3 sweep.heartbeat.intervl: unknown field "intervl" (did you mean "interval"?)']);
    expect(lines('sweep:\n  replications: [1, 2]\n')).toEqual(['s.yaml:2:3 sweep.replications: replications cannot be swept']);
    expect(lines('sweep:\n  detector.timeout: { from: 1s, to: 3x, steps: 3 }\n')).toEqual(['s.yaml:2:21 sweep.detector.timeout: from is a duration and to is a multiple; both ends must be the same kind of value']);
    expect(lines('sweep:\n  detector.timeout: { from: 2x, to: 3x }\n')[0]).toMatch(/^s\.yaml:2:3 sweep\.detector\.timeout\.steps: missing; expected a whole number from 2 to 1000/);
    expect(lines('sweep:\n  detector.timeout: 3x\n')[0]).toMatch(/^s\.yaml:2:21 sweep\.detector\.timeout: expected a list of values such as \[100ms, 1s\], or a range/);
    expect(lines('sweep:\n  detector.timeout: []\n')[0]).toMatch(/sweep\.detector\.timeout: expected at least one value/);
  });

  it('name the --set that brought a bad sweep value', () => {
    expect(lines('heartbeat: { interval: 1s }\n', ['sweep.link.loss=[1%, 200%]'])).toEqual([
      '--set sweep.link.loss=[1%, 200%] sweep.link.loss[1]: expected a probability in [0, 1], such as 0.01 or 1%, got "200%" (above 100%)',
    ]);
  });

  it('refuse more than 10,000 cells', () => {
    const many = Array.from({ length: 101 }, (_, i) => `${i + 1}ms`).join(', ');
    expect(lines(`detector: { kind: timeout, timeout: 1h }\nsweep:\n  heartbeat.interval: [${many}]\n  link.loss: { from: 0, to: 1%, steps: 100 }\n`)).toEqual(['s.yaml:2:1 sweep: the sweep has 10100 cells (101 × 100); at most 10000']);
  });
});

describe('the cell the CI gate checks', () => {
  it('is all cells unless told, or the recommended one', () => {
    expect(gateSpecOf(load(GRID)).cells).toEqual({ kind: 'all' });
    expect(gateSpecOf(load(`${GRID}expect_options: { cell: recommended, inconclusive: fail }\n`))).toMatchObject({ cells: { kind: 'recommended' }, inconclusive: 'fail' });
  });

  it('is a cell named by its id or by its values', () => {
    expect(gateSpecOf(load(`${GRID}expect_options: { cell: 500ms/3x }\n`)).cells).toEqual({ kind: 'cell', id: '500ms/3x' });
    expect(gateSpecOf(load(`${GRID}expect_options:\n  cell: { heartbeat.interval: 1s, detector.timeout: 2x }\n`)).cells).toEqual({ kind: 'cell', id: '1s/2x' });
  });

  it('must exist, with a suggestion', () => {
    expect(lines(`${GRID}expect_options: { cell: 500ms/4x }\n`)).toEqual([
      's.yaml:6:25 expect_options.cell: no cell "500ms/4x"; expected all, recommended, or one of 250ms/2x, 250ms/3x, 500ms/2x, 500ms/3x, 1s/2x, 1s/3x (did you mean "500ms/2x"?)',
    ]);
    expect(lines(`${GRID}expect_options:\n  cell: { heartbeat.interval: 1s }\n`)[0]).toMatch(/expect_options\.cell: 2 cells have these values; give every swept path to pick one/);
    expect(lines(`${GRID}expect_options:\n  cell: { link.loss: 1% }\n`)[0]).toMatch(/"link\.loss" is not swept; the swept paths are heartbeat\.interval, detector\.timeout/);
  });
});
