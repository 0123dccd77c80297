/**
 * The loader throws only ScenarioError: random documents, mutated presets, mangled
 * text and random overrides either load or fail with a located, readable message.
 * And what it accepts, sweep cells included, builds into a configuration the engine
 * accepts too.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ScenarioError, formatIssue, type ScenarioIssue } from '../../src/scenarios/errors.js';
import { build } from '../../src/scenarios/build.js';
import { METRIC_PATHS } from '../../src/scenarios/expect.js';
import { expandSweep, loadScenarioText, presetText, type LoadedScenario } from '../../src/scenarios/load.js';
import { DETECTOR_KINDS, FAULT_KINDS, nodeNamesOf } from '../../src/scenarios/schema/index.js';
import { Simulation } from '../../src/sim/engine/simulation.js';
import { PRESET_NAMES } from '../../src/scenarios/presets/index.js';
import { allFieldPaths } from '../../src/scenarios/reference.js';
import { parseSet, type PathSegment } from '../../src/scenarios/sets.js';

/** Loads, and returns the issues if it failed; fails the test on any other exception. */
function issuesOf(load: () => unknown): readonly ScenarioIssue[] | null {
  try {
    load();
    return null;
  } catch (e) {
    if (e instanceof ScenarioError) return e.issues;
    throw new Error(`the loader threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
}

function expectReadable(issues: readonly ScenarioIssue[] | null): void {
  for (const issue of issues ?? []) {
    const line = formatIssue(issue);
    expect(line).not.toMatch(/\n|undefined|\[object Object\]|    at /);
    // Every problem in the file's own text has a place in it.
    if (issue.set === undefined) expect(issue.line, line).toBeGreaterThanOrEqual(1);
  }
}

const knownNames = [...new Set(allFieldPaths().flatMap((p) => p.split('.')))];
const interesting = [
  '1s', '250ms', '3x', '1%', '150%', 'never', 'all', '0', '-1s', '1e9', 'uniform', 'exponential', 'timeout', 'crash', '', ' ', '__proto__', 'constructor',
  '6/h', '0/h', '-500ms', 'empirical', 'p99', 'p100.5', '<= 5s', '>= 99.99%', '< fast', 'recommended', 'node-01', 'same-rack', 'skip', 'burst', 'wall',
  ...DETECTOR_KINDS, ...FAULT_KINDS,
];

const leaf = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom(...interesting),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const key = fc.oneof(fc.constantFrom(...knownNames, ...interesting), fc.string({ maxLength: 6 }));
const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('tree'), { maxLength: 3 }), fc.dictionary(key, tie('tree'), { maxKeys: 4 })),
}));
const document = fc.dictionary(key, tree, { maxKeys: 8 });

/** Every path to a map entry or list item in a document. */
function pathsOf(value: unknown, prefix: PathSegment[] = []): PathSegment[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...pathsOf(v, [...prefix, i])]);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
  return [];
}

function parentOf(doc: unknown, path: readonly PathSegment[]): Record<PathSegment, unknown> {
  let node = doc as Record<PathSegment, unknown>;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<PathSegment, unknown>;
  return node;
}

const presets = PRESET_NAMES.map((name) => ({ name, text: presetText(name), doc: parse(presetText(name)) as unknown }));
const preset = fc.constantFrom(...presets);
const runs = { numRuns: 300 };

describe('the loader under fuzzing', () => {
  it('loads random documents or refuses them with located ScenarioErrors', () => {
    fc.assert(
      fc.property(document, (doc) => {
        expectReadable(issuesOf(() => loadScenarioText(stringify(doc), 'random.yaml')));
      }),
      runs,
    );
  });

  it('handles random JSON text and arbitrary strings the same way', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string({ maxLength: 200 })), (text) => {
        expectReadable(issuesOf(() => loadScenarioText(text, 'random.json')));
      }),
      runs,
    );
  });

  it('reports a renamed key at its line and column', () => {
    const newKey = fc.stringMatching(/^[a-z][a-z0-9]{2,10}$/).filter((k) => !knownNames.includes(k));
    fc.assert(
      fc.property(preset, fc.nat(), newKey, ({ doc }, pick, renamed) => {
        const mutated = structuredClone(doc);
        // Discriminators pick the variant, so renaming one reports the missing discriminator instead.
        // Link class names are the user's own (any name is valid), so renaming one is no error.
        const paths = pathsOf(mutated).filter((p) => typeof p.at(-1) === 'string' && !['dist', 'kind'].includes(String(p.at(-1))) && !(p.length === 2 && p[0] === 'link_classes'));
        const path = paths[pick % paths.length]!;
        const parent = parentOf(mutated, path);
        const entries = Object.entries(parent).map(([k, v]) => [k === path.at(-1) ? renamed : k, v] as const);
        for (const k of Object.keys(parent)) delete parent[k];
        for (const [k, v] of entries) parent[k] = v;
        const text = stringify(mutated);
        const issues = issuesOf(() => loadScenarioText(text, 'mutated.yaml'));
        expect(issues).not.toBeNull();
        expectReadable(issues);
        const expectedPath = [...path.slice(0, -1), renamed].join('.');
        const issue = issues!.find((i) => i.path === expectedPath);
        expect(issue, `${expectedPath} in\n${issues!.map(formatIssue).join('\n')}`).toBeDefined();
        expect(issue!.message).toMatch(new RegExp(`"${renamed}"`));
        const line = text.split('\n')[issue!.line! - 1]!;
        expect(line.slice(issue!.column! - 1).startsWith(renamed), `${line} @ ${issue!.column}`).toBe(true);
      }),
      runs,
    );
  });

  it('refuses presets with a key dropped or a value replaced only through ScenarioError, with lines', () => {
    fc.assert(
      fc.property(preset, fc.nat(), fc.boolean(), tree, ({ doc }, pick, drop, value) => {
        const mutated = structuredClone(doc);
        const paths = pathsOf(mutated);
        const path = paths[pick % paths.length]!;
        const parent = parentOf(mutated, path);
        const last = path.at(-1)!;
        if (drop && !Array.isArray(parent)) delete parent[last];
        else parent[last] = value;
        expectReadable(issuesOf(() => loadScenarioText(stringify(mutated), 'mutated.yaml')));
      }),
      runs,
    );
  });

  it('survives mangled preset text: characters inserted, deleted or replaced', () => {
    const edit = fc.record({ at: fc.nat(), remove: fc.nat({ max: 3 }), insert: fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom(':', '- ', '{', '[', '"', '\t', '\n  ', '&a', '*a', '!!str', '#', '%')) });
    fc.assert(
      fc.property(preset, fc.array(edit, { minLength: 1, maxLength: 4 }), ({ text }, edits) => {
        let mangled = text;
        for (const e of edits) {
          const at = e.at % (mangled.length + 1);
          mangled = mangled.slice(0, at) + e.insert + mangled.slice(at + e.remove);
        }
        expectReadable(issuesOf(() => loadScenarioText(mangled, 'mangled.yaml')));
      }),
      runs,
    );
  });

  it('takes random --set overrides without throwing anything but ScenarioError', () => {
    const pathText = fc.oneof(
      fc.constantFrom(...allFieldPaths(), 'faults.0.crash.at', 'faults.1.crash.mttf', 'cluster.nodes.0', 'sweep.detector.timeout', 'sweep.heartbeat.interval', 'expect.query_accuracy', 'sweep', 'expect'),
      fc.string({ maxLength: 12 }),
    );
    const valueText = fc.oneof(fc.constantFrom(...interesting, '[a, b]', '{dist: uniform, max: 5ms}', '[', '{'), fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(preset, pathText, valueText, ({ text }, p, v) => {
        expectReadable(issuesOf(() => loadScenarioText(text, 'set.yaml', { sets: [parseSet(`${p}=${v}`)] })));
      }),
      runs,
    );
  });

  it('loads random uses of every block, and builds what it accepts into configurations the engine accepts', () => {
    fc.assert(fc.property(richDocument, (doc) => expectBuildable(doc)), { numRuns: 400 });
  });

  it('survives pathological YAML: deep nesting, alias bombs and odd keys', () => {
    const cases = [
      `${'['.repeat(5000)}${']'.repeat(5000)}`,
      `a: &a [${'x,'.repeat(10)}]\nb: &b [${'*a,'.repeat(10)}]\nc: &c [${'*b,'.repeat(10)}]\nd: [${'*c,'.repeat(10)}]\n`,
      '? [a, b]\n: 1\n',
      'a: *missing\n',
      '!!binary aGVsbG8=\n',
      'seed: !!float 1\n',
      'name: x\u0000y\n',
      '\ufeffname: bom\n',
    ];
    for (const text of cases) expectReadable(issuesOf(() => loadScenarioText(text, 'odd.yaml')));
  });
});

// ------------------------------------------------------------------ the newer blocks

const nodes = ['node-01', 'node-02', 'node-03', 'node-04'];
/** Mostly valid values, now and then one that is not: so that most documents load and reach the engine. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>) => fc.oneof({ weight: 30, arbitrary: valid }, { weight: 1, arbitrary: invalid });
const durationText = mostly(fc.oneof(fc.constantFrom('1ms', '250ms', '1s', '3s', '30s', '5m'), fc.integer({ min: 1, max: 5000 }).map((n) => `${n}ms`)), fc.constantFrom('0', '-1s', 'fast', 1000));
const probabilityText = mostly(fc.oneof(fc.constantFrom(0, 0.01, '1%', '5%'), fc.double({ min: 0, max: 0.5, noNaN: true })), fc.constantFrom('150%', -0.1, 1));
const selector = mostly(fc.oneof(fc.constant('all'), fc.constantFrom(...nodes), fc.subarray(nodes, { minLength: 1 })), fc.constantFrom('node-9', ['node-01', 'node-9'], []));
const law = mostly(
  fc.oneof(
    durationText,
    fc.record({ dist: fc.constant('constant'), value: durationText }),
    fc.record({ dist: fc.constant('exponential'), mean: durationText }),
    fc.record({ dist: fc.constant('lognormal'), median: durationText, sigma: fc.constantFrom(0, 0.5, 1, 2) }),
    fc.record({ dist: fc.constant('pareto'), scale: durationText, shape: fc.constantFrom(0.8, 1.5, 3) }),
    fc.record({ dist: fc.constant('uniform'), max: durationText }),
    fc.record({ dist: fc.constant('empirical'), samples: fc.array(durationText, { minLength: 2, maxLength: 4 }) }),
    fc.record({ dist: fc.constant('empirical'), quantiles: fc.constantFrom({ p50: '2ms', p99: '20ms' }, { p0: '1ms', 'p99.9': '30ms' }, { p10: '1ms', p90: '5ms', p100: '9ms' }) }),
  ),
  fc.constantFrom({ dist: 'expo', mean: '1s' }, { dist: 'uniform', min: '2s', max: '1s' }, { dist: 'empirical' }, { dist: 'empirical', quantiles: { median: '1s', p99: '2s' } }, { dist: 'empirical', quantiles: { p50: '5ms', p99: '1ms' } }),
);
const loss = mostly(
  fc.oneof(
    probabilityText,
    fc.record({ average: probabilityText, burst: fc.constantFrom(1, 2, 4, 100) }),
    fc.record({ enter_bad: probabilityText, leave_bad: fc.constantFrom(0.1, 0.5, 1), loss_in_bad: probabilityText, loss_in_good: probabilityText }, { requiredKeys: ['enter_bad', 'leave_bad'] }),
  ),
  fc.constantFrom({ average: 0.9, burst: 1 }, { average: 0.01, burst: 0.5 }, { enter_bad: 0.1, leave_bad: 0 }, { enter_bad: 0.1, burst: 2 }, true),
);
const linkDelay = law.map((l) => (typeof l === 'string' || typeof l === 'number' ? { dist: 'constant', value: l } : { ...l, base: '1ms' }));
const partialLink = fc.record({ loss, duplicate: probabilityText, delay: linkDelay }, { requiredKeys: [] });
const onset = mostly(
  fc.oneof(fc.record({ at: durationText }), fc.record({ every: durationText }), fc.record({ rate: fc.constantFrom('6/h', '1/m', '2/d') }), fc.record({ period: durationText })),
  fc.constantFrom({}, { at: '1s', every: '1h' }, { rate: '0/h' }, { rate: 3 }, { rate: '1/fortnight' }),
);
const fault = fc.oneof(
  fc.record({ crash: fc.oneof(fc.record({ at: durationText, nodes: selector }), fc.record({ mttf: durationText, mttr: durationText, restart_delay: durationText, rack_size: mostly(fc.integer({ min: 1, max: 5 }), fc.constant(0)) }, { requiredKeys: ['mttf', 'mttr'] })) }),
  fc.tuple(onset, law, mostly(fc.constantFrom('skip', 'burst'), fc.constant('sideways'))).map(([o, d, after]) => ({ pause: { ...o, duration: d, after } })),
  fc.tuple(onset, law, fc.constantFrom('checks_first', 'messages_first')).map(([o, d, backlog]) => ({ monitor_pause: { ...o, duration: d, backlog } })),
  fc.tuple(onset, durationText, selector, fc.constantFrom('each', 'group'), fc.constantFrom('both', 'to_monitor', 'from_monitor')).map(([o, f, n, scope, direction]) => ({ partition: { ...o, for: f, nodes: n, scope, direction } })),
  fc.tuple(onset, law, selector).map(([o, d, n]) => ({ isolate: { ...o, duration: d, nodes: n } })),
  fc.tuple(onset, law, law).map(([o, d, x]) => ({ cpu_starvation: { ...o, duration: d, extra_delay: x } })),
  law.map((x) => ({ slow_io: { extra_delay: x } })),
  fc.record({ nodes: selector, monitor: fc.boolean(), ppm: mostly(fc.constantFrom(-100, 0, 15, 5000), fc.constant(1e6)) }, { requiredKeys: ['nodes', 'ppm'] }).map((c) => ({ clock_drift: c })),
  fc.tuple(onset, mostly(fc.constantFrom('-500ms', '2s', '+1s'), fc.constant('left'))).map(([o, step]) => ({ clock_step: { ...o, monitor: true, step } })),
  fc.tuple(onset, law).map(([o, d]) => ({ unhealthy: { ...o, duration: d } })),
);
const detector = fc.oneof(
  fc.record({ kind: fc.constant('timeout'), timeout: fc.constantFrom('3x', '2.5x', '5s'), dead_after: fc.constantFrom('2x', 'never', '30s'), check_interval: fc.constantFrom(0, '100ms', '1s'), clock: fc.constantFrom('monotonic', 'wall') }, { requiredKeys: ['kind'] }),
  fc.record({ kind: fc.constant('phi_akka'), threshold: mostly(fc.constantFrom(1, 8, 12), fc.constant(0)), acceptable_pause: durationText, min_std_deviation: durationText, max_sample_size: mostly(fc.constantFrom(2, 200), fc.constant(1)), first_heartbeat_estimate: durationText, confirm_after: fc.constantFrom('never', '10s'), check_interval: fc.constantFrom(0, '1s') }, { requiredKeys: ['kind'] }),
  fc.record({ kind: fc.constant('phi_cassandra'), phi_convict_threshold: mostly(fc.constantFrom(5, 8, 16), fc.constantFrom(4, 17)), initial_value: durationText, max_interval: durationText, sample_size: fc.constantFrom(1, 1000), max_local_pause: durationText }, { requiredKeys: ['kind'] }),
  fc.record({ kind: fc.constant('nfd_s'), shift: mostly(fc.constantFrom('2x', '100ms', '0.5x'), fc.constantFrom('0x', '0')) }, { requiredKeys: ['kind'] }),
  fc.record({ kind: fc.constant('nfd_e'), margin: fc.constantFrom('2x', '100ms'), window: mostly(fc.constantFrom(1, 100), fc.constant(0)), bertier: mostly(fc.constantFrom({}, { gamma: 0.5 }), fc.constant({ gamma: 2 })) }, { requiredKeys: ['kind'] }),
  fc.record({ kind: fc.constant('pull_check'), probe_timeout: durationText, unhealthy_threshold: fc.constantFrom(1, 3), healthy_threshold: fc.constantFrom(1, 5), dead_threshold: mostly(fc.constantFrom(5, 'never'), fc.constant(1)), schedule: fc.constantFrom('fixed_rate', 'after_completion') }, { requiredKeys: ['kind'] }),
  fc.record({ kind: fc.constant('lease'), lease: mostly(fc.constantFrom('4x', '15s'), fc.constant('1x')), dead_after: fc.constantFrom('1x', '2x', 'never') }, { requiredKeys: ['kind'] }),
);
const sweep = mostly(
  fc.oneof(
    fc.constant({}),
    fc.constant({ 'heartbeat.interval': ['500ms', '1s'] }),
    fc.constant({ 'link.loss': { from: '0.1%', to: '10%', steps: 3, scale: 'log' } }),
    fc.constant({ 'detector.kind': ['timeout', 'nfd_s', 'phi_akka', 'pull_check', 'lease'] }),
    fc.constant({ seed: [1, 2], 'heartbeat.jitter.dist': ['constant'] }),
  ),
  fc.constantFrom({ 'heartbeat.intervl': ['1s'] }, { replications: [1, 2] }, { 'detector.timeout': [] }, { 'detector.timeout': { from: '1s', to: '2x', steps: 2 } }, { '': ['1s'] }, { 'heartbeat.interval': ['1s', 'fast'] }),
);
const richDocument = fc.record(
  {
    duration: fc.constantFrom('10m', '1h'),
    cluster: fc.constant({ nodes }),
    heartbeat: fc.record({ interval: fc.constantFrom('500ms', '1s', '2s') }),
    link: fc.record({ loss, delay: linkDelay }, { requiredKeys: [] }),
    reverse_link: partialLink,
    link_classes: mostly(
      fc.dictionary(fc.constantFrom('rack', 'far'), fc.record({ nodes: selector, preset: fc.constantFrom('same-rack', 'cross-zone', 'cross-region'), to_monitor: partialLink, from_monitor: partialLink }, { requiredKeys: ['nodes'] }), { maxKeys: 2 }),
      fc.constantFrom({ '12': { nodes: 'all' } }, { far: { nodes: 'all', preset: 'moon' } }),
    ),
    faults: fc.array(fault, { maxLength: 3 }),
    detector,
    flap_window: durationText,
    sweep,
    targets: fc.record({ max_false_suspicions_per_node_day: mostly(fc.constantFrom(0, 0.1), fc.constant(-1)), max_detection_p99: durationText, min_query_accuracy: probabilityText }, { requiredKeys: [] }),
    expect: mostly(
      fc.dictionary(fc.constantFrom(...METRIC_PATHS), fc.constantFrom('<= 5s', '< 0.1', '>= 0.5', '> 3'), { maxKeys: 3 }),
      fc.constantFrom({ 'detection_latency.p99': '<= 5s' }, { query_accuracy: '<= fast' }, { query_accuracy: 3 }, { 'false_suspicions.count': '== 1' }),
    ),
    expect_options: fc.record({ inconclusive: mostly(fc.constantFrom('fail', 'warn'), fc.constant('maybe')), cell: mostly(fc.constantFrom('all', 'recommended'), fc.constantFrom('nope', '1s')) }, { requiredKeys: [] }),
  },
  { requiredKeys: ['duration', 'cluster'] },
);

function expectBuildable(doc: unknown): void {
  let loaded: LoadedScenario;
  try {
    loaded = loadScenarioText(stringify(doc), 'rich.yaml');
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw new Error(`the loader threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    expectReadable(e.issues);
    return;
  }
  for (const cell of expandSweep(loaded)) {
    const config = build(cell.scenario).config;
    if (nodeNamesOf(cell.scenario.cluster.nodes).length <= 10) {
      // The engine validates its configuration in the constructor: anything it refuses, the schema should have refused.
      expect(() => new Simulation(config), JSON.stringify(cell.params)).not.toThrow();
    }
  }
}
