/**
 * The loader throws only ScenarioError: random documents, mutated presets, mangled
 * text and random overrides either load or fail with a located, readable message.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ScenarioError, formatIssue, type ScenarioIssue } from '../../src/scenarios/errors.js';
import { loadScenarioText, presetText } from '../../src/scenarios/load.js';
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
const interesting = ['1s', '250ms', '3x', '1%', '150%', 'never', 'all', '0', '-1s', '1e9', 'uniform', 'exponential', 'timeout', 'crash', '', ' ', '__proto__', 'constructor'];

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
        const paths = pathsOf(mutated).filter((p) => typeof p.at(-1) === 'string' && !['dist', 'kind'].includes(String(p.at(-1))));
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
    const pathText = fc.oneof(fc.constantFrom(...allFieldPaths(), 'faults.0.crash.at', 'faults.1.crash.mttf', 'cluster.nodes.0'), fc.string({ maxLength: 12 }));
    const valueText = fc.oneof(fc.constantFrom(...interesting, '[a, b]', '{dist: uniform, max: 5ms}', '[', '{'), fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(preset, pathText, valueText, ({ text }, p, v) => {
        expectReadable(issuesOf(() => loadScenarioText(text, 'set.yaml', { sets: [parseSet(`${p}=${v}`)] })));
      }),
      runs,
    );
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
