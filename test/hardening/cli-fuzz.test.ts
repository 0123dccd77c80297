/**
 * Issue 16, "done when": the whole CLI under adversarial input. Every preset is
 * mutated the ways the audit found defects — extreme numbers, huge and special
 * strings, reserved names, deep nesting, aliases, encodings — and `hbsim validate`
 * runs on it in-process. It must exit 0 or 2 (never 3), put a location on every
 * line of an exit 2, print nothing on stderr that is not an hbsim message, and stay
 * within bounded time. A `__proto__` key anywhere (a map of item 1: quantiles,
 * link_classes, sweep, tune, expect, expect_options.cell, knobs, protocol — in the
 * file or through --set) must be refused (exit 2, naming it): it used to vanish.
 * Mutants that validate are then run for real, capped (one replication, one minute,
 * no pause search): in-process when their plan is small (numbers and laws the
 * engine must represent: a Pareto shape, a phi threshold, a 100000d interval), and
 * one as a spawned process with a heap limit: exit 0 or 2 again, within bounded
 * time and memory. Shown to fail: with the phi threshold's upper bound removed
 * (scratch branch, not committed) the run phase catches exit 3.
 *
 * Fixed seed in CI (test/support/setup.ts); HBSIM_FC_SEED=random explores new cases.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadScenarioFile, presetText } from '../../src/scenarios/load.js';
import { PRESET_NAMES } from '../../src/scenarios/presets/index.js';
import { reservedKeys } from '../../src/scenarios/reserved-keys.js';
import { parseSet, type PathSegment } from '../../src/scenarios/sets.js';
import { planOf } from '../../src/sweep/run-scenario.js';
import { cli, tempDir } from './support.js';

const BIN = join(import.meta.dirname, '../../bin/hbsim.js');

const EXTREME_NUMBERS = [0, -1, 1e308, -1e308, 5e-324, 2 ** 53, 2 ** 53 + 2, 1e20, 0.1, 1e9, 1e-20, 400, Number.MAX_SAFE_INTEGER];
const SPECIAL_STRINGS = [
  '', ' ', '\u0000', '\u001b[2J\u001b]0;x\u0007', '\u202e', '\ud83d\ude00', '\r', 'NaN', 'Infinity', '-Infinity', '1e308s', '1e308ms', '0x10',
  '100000d', '6500d', '6500d1us', '1us', '99999999999999999999x', '1000000x', '0.000000001x', '1e-300x', '-1s', '1h30m', '<= 1ms', '>= 1e308',
  '9'.repeat(400) + 'd', 'x'.repeat(70_000), '1%', '1e-300%', '100.0000000001%',
];
const RESERVED = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];
const deep = (depth: number, leaf: unknown = 1): unknown => (depth === 0 ? leaf : [deep(depth - 1, leaf)]);
/** A map with `key` as an own entry ({ __proto__: v } as a literal would set the prototype instead). */
function own(key: string, value: unknown, rest: Record<string, unknown> = {}): Record<string, unknown> {
  const map: Record<string, unknown> = { ...rest };
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  return map;
}

const presets = PRESET_NAMES.map((name) => ({ name, text: presetText(name), doc: parse(presetText(name)) as unknown }));

/** Every path to a map entry or list item in a document. */
function pathsOf(value: unknown, prefix: PathSegment[] = []): PathSegment[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...pathsOf(v, [...prefix, i])]);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
  return [];
}

const replacement = fc.oneof(
  fc.constantFrom<unknown>(...EXTREME_NUMBERS),
  fc.constantFrom<unknown>(...SPECIAL_STRINGS),
  fc.constantFrom<unknown>(...RESERVED),
  fc.constantFrom<unknown>(deep(50), deep(300, 'x'), own('__proto__', 1), [RESERVED], Object.fromEntries(RESERVED.map((r) => [r, '1s']))),
  fc.double(),
  fc.integer(),
);

type Mutant = { readonly preset: string; readonly text: string | Buffer; readonly how: string; readonly sets?: readonly string[]; readonly protoKey?: boolean; /** Numbers or laws the engine must represent: run these first. */ readonly engine?: boolean };

const hasProtoKey = (doc: unknown) => reservedKeys(doc).length > 0;

/** Structural mutants: a value replaced, or a key renamed to a reserved name. */
const structural = fc.tuple(fc.constantFrom(...presets), fc.nat(), replacement, fc.boolean(), fc.constantFrom(...RESERVED)).map(([p, pick, value, rename, reserved]): Mutant => {
  const doc = structuredClone(p.doc) as Record<PathSegment, unknown>;
  const paths = pathsOf(doc);
  const path = paths[pick % paths.length]!;
  let parent: Record<PathSegment, unknown> = doc;
  for (const s of path.slice(0, -1)) parent = parent[s] as Record<PathSegment, unknown>;
  const last = path.at(-1)!;
  if (rename && !Array.isArray(parent)) {
    const v = parent[last];
    delete parent[last];
    Object.defineProperty(parent, reserved, { value: v, enumerable: true, writable: true, configurable: true });
    return { preset: p.name, text: stringify(doc), how: `${path.join('.')} renamed ${reserved}`, protoKey: hasProtoKey(doc) };
  }
  parent[last] = value;
  return { preset: p.name, text: stringify(doc, { aliasDuplicateObjects: false }), how: `${path.join('.')} = ${String(JSON.stringify(value))?.slice(0, 40)}`, protoKey: hasProtoKey(doc) };
});

/** Sets `value` at `path` as own properties, creating maps on the way. */
function putAt(doc: Record<PathSegment, unknown>, path: readonly PathSegment[], value: unknown): void {
  let node = doc;
  for (const s of path.slice(0, -1)) {
    if (node[s] === null || typeof node[s] !== 'object') Object.defineProperty(node, s, { value: {}, enumerable: true, writable: true, configurable: true });
    node = node[s] as Record<PathSegment, unknown>;
  }
  Object.defineProperty(node, path.at(-1)!, { value, enumerable: true, writable: true, configurable: true });
}

/** Every leaf that is a number or a number-led string (a duration, 3x, 1%): where the engine's ranges bite. */
function numericLeaves(value: unknown, prefix: PathSegment[] = []): PathSegment[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => numericLeaves(v, [...prefix, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => numericLeaves(v, [...prefix, k]));
  return typeof value === 'number' || (typeof value === 'string' && /^[-+.\d]/.test(value)) ? [prefix] : [];
}
const EXTREME_QUANTITIES = ['0', '1e-300', '1e308', '99999999999999999999x', '1000000x', '0.000000001x', '100000d', '6500d', '6501d', '1us', '0us', '1e-9ms', '1e20', '100.0000000001%', '1e-300%'];

/** Numbers at their extremes where the presets have numbers. */
const numeric = fc.tuple(fc.constantFrom(...presets), fc.nat(), fc.oneof(fc.constantFrom<unknown>(...EXTREME_NUMBERS), fc.constantFrom<unknown>(...EXTREME_QUANTITIES))).map(([p, pick, value]): Mutant => {
  const doc = structuredClone(p.doc) as Record<PathSegment, unknown>;
  const leaves = numericLeaves(doc);
  const path = leaves[pick % leaves.length]!;
  putAt(doc, path, value);
  return { preset: p.name, text: stringify(doc, { aliasDuplicateObjects: false }), how: `${path.join('.')} = ${JSON.stringify(value)}`, engine: true };
});

/** Laws and detectors whose parameters decide whether the engine's numbers stay finite. */
const LAWS: readonly [PathSegment[], unknown][] = [
  ...[0.01, 0.5, 1, 1.0000001, 2, 100, 1e308].map((shape): [PathSegment[], unknown] => [['link', 'delay'], { dist: 'pareto', scale: '1ms', shape }]),
  ...[1e-20, 1e-9, 8, 300, 301, 400, 1e308].map((threshold): [PathSegment[], unknown] => [['detector'], { kind: 'phi_akka', threshold, acceptable_pause: '3s', min_std_deviation: '100ms', max_sample_size: 1000 }]),
  [['link', 'delay'], { dist: 'exponential', mean: '6500d' }],
  [['heartbeat', 'interval'], '100000d'],
  [['detector'], { kind: 'timeout', timeout: '99999999999999999999x' }],
];
const laws = fc.tuple(fc.constantFrom(...presets), fc.constantFrom(...LAWS)).map(([p, [path, value]]): Mutant => {
  const doc = structuredClone(p.doc) as Record<PathSegment, unknown>;
  putAt(doc, path, structuredClone(value));
  return { preset: p.name, text: stringify(doc), how: `${path.join('.')} = ${JSON.stringify(value)}`, engine: true };
});

/** Issue 16 item 1: reserved names as keys of every map, in the file or through --set. */
const MAPS: readonly ((r: string) => [PathSegment[], unknown])[] = [
  (r) => [['link_classes'], own(r, { nodes: ['a'], preset: 'same-rack' })],
  (r) => [['link', 'delay'], { dist: 'empirical', quantiles: own(r, '3ms', { p50: '1ms', p99: '5ms' }) }],
  (r) => [['sweep'], own(r, ['1s', '2s'])],
  (r) => [['tune'], { params: own(r, ['1s', '2s']), targets: { 'detection_latency_ms.p99': '<= 5s' } }],
  (r) => [['tune'], { params: { 'heartbeat.interval': ['1s', '2s'] }, targets: own(r, '<= 5s') }],
  (r) => [['expect'], own(r, '<= 1s')],
  (r) => [['expect_options'], { cell: own(r, '1s') }],
  (r) => [['knobs'], own(r, 1, { system: 'x', settings: [{ name: 'a', from: 'heartbeat.interval', unit: 'ms' }] })],
  (r) => [['protocol'], own(r, 1)],
  (r) => [['heartbeat'], own(r, '1s', { interval: '1s' })],
];
const reservedMaps = fc.tuple(fc.constantFrom(...presets), fc.constantFrom(...MAPS), fc.constantFrom(...RESERVED), fc.boolean()).map(([p, at, r, viaSet]): Mutant => {
  const [path, value] = at(r);
  const how = `${path.join('.')} with a key ${r}${viaSet ? ' (--set)' : ''}`;
  if (viaSet) return { preset: p.name, text: p.text, how, sets: [`${path.join('.')}=${stringify(value, { collectionStyle: 'flow' }).replace(/\s*\n\s*/g, ' ').trim()}`], protoKey: r === '__proto__' };
  const doc = structuredClone(p.doc) as Record<PathSegment, unknown>;
  putAt(doc, path, value);
  return { preset: p.name, text: stringify(doc), how, protoKey: r === '__proto__' };
});

/** Text-level mutants: encodings, line ends, aliases, nesting. */
const textual = fc.tuple(fc.constantFrom(...presets), fc.constantFrom('bom', 'utf16', 'latin1', 'cr', 'nul', 'aliases', 'nested-map', 'flow-nest', 'tab')).map(([p, kind]): Mutant => {
  const t = p.text;
  switch (kind) {
    case 'bom':
      return { preset: p.name, text: `\ufeff${t}`, how: kind };
    case 'utf16':
      return { preset: p.name, text: Buffer.from(`\ufeff${t}`, 'utf16le'), how: kind };
    case 'latin1':
      return { preset: p.name, text: Buffer.from(t.replace('description:', 'description: caf\u00e9 \u00ff'), 'latin1'), how: kind };
    case 'cr':
      return { preset: p.name, text: t.replace(/\n/g, '\r'), how: kind };
    case 'nul':
      return { preset: p.name, text: t.replace('\n', '\n\u0000'), how: kind };
    case 'aliases': {
      // A billion laughs: each level refers to the previous one ten times.
      const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
      for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
      return { preset: p.name, text: `${t}\n${lines.join('\n')}\n`, how: kind };
    }
    case 'nested-map':
      return { preset: p.name, text: `${t}\nextra: ${'{a: '.repeat(5000)}1${'}'.repeat(5000)}\n`, how: kind };
    case 'flow-nest':
      return { preset: p.name, text: `${t}\nextra: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`, how: kind };
    case 'tab':
      return { preset: p.name, text: t.replace(/\n {2}/g, '\n\t'), how: kind };
  }
  return { preset: p.name, text: t, how: 'none' };
});

const mutant = fc.oneof({ weight: 3, arbitrary: structural }, { weight: 1, arbitrary: textual }, { weight: 2, arbitrary: numeric }, { weight: 1, arbitrary: laws }, { weight: 2, arbitrary: reservedMaps });

/** The caps of every run here: one replication, one minute, no pause search. */
const CAPS = ['--set', 'duration=1m', '--set', 'warmup=0s', '--set', 'replications=1', '--no-pause-survival'];
/** In-process runs only below this plan (~0.5 s of simulation); bigger ones are left to the spawned run's kind. */
const IN_PROCESS_HEARTBEATS = 2_000_000;
const IN_PROCESS_RUNS = 30;

/** A line an exit 2 may print: located at the file, a --set, or an hbsim: message. */
function located(line: string, file: string): boolean {
  return line.startsWith(`${file}:`) || line.startsWith(`${file} `) || line.startsWith('--set ') || line.startsWith('hbsim: ') || line.startsWith('warning: ');
}

describe('the CLI under mutated presets', () => {
  const dir = tempDir('hbsim-h16-fuzz-');
  const valid: { file: string; how: string; sets: readonly string[]; engine: boolean }[] = [];

  it('validate exits 0 or 2, every error located, nothing but hbsim messages on stderr, each within 10 s', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(mutant, async (m) => {
        const file = join(dir, `m${n++}.yaml`);
        writeFileSync(file, m.text);
        const started = performance.now();
        const sets = m.sets ?? [];
        const r = await cli(['validate', file, ...sets.flatMap((x) => ['--set', x])]);
        const tookMs = performance.now() - started;
        expect([0, 2], `${m.how}: ${r.stderr}`).toContain(r.code);
        expect(tookMs, m.how).toBeLessThan(10_000);
        const lines = r.stderr.split('\n').filter((l) => l !== '');
        for (const line of lines) {
          expect(located(line, file), `${m.how}: ${line}`).toBe(true);
          expect(line, m.how).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]|undefined|\[object Object\]|"NaN|NaN(us|ms|µs|s)\b|Infinity µs|    at /);
        }
        if (r.code === 2) expect(lines.length, m.how).toBeGreaterThan(0);
        // A __proto__ key never vanishes: refused, by name.
        if (m.protoKey) {
          expect(r.code, `${m.how}: a __proto__ key was accepted`).toBe(2);
          expect(lines.some((l) => l.includes('"__proto__"')), `${m.how}: ${r.stderr}`).toBe(true);
        }
        if (r.code === 0 && valid.length < 200) valid.push({ file, how: m.how, sets, engine: m.engine === true });
      }),
      { numRuns: 200 },
    );
    expect(valid.length).toBeGreaterThan(0);
  });

  it('capped in-process runs of the mutants that validate (small plans) exit 0 or 2, never 3', async () => {
    let ran = 0;
    // Mutated numbers and laws first: where an engine range can be missed.
    for (const v of [...valid.filter((x) => x.engine), ...valid.filter((x) => !x.engine)]) {
      if (ran >= IN_PROCESS_RUNS) break;
      const sets = [...v.sets, ...CAPS.filter((_, i) => CAPS[i - 1] === '--set')];
      let heartbeats = 0;
      try {
        heartbeats = planOf(loadScenarioFile(v.file, { sets: sets.map((x) => parseSet(x)) }), false).heartbeats;
      } catch {
        // The CLI run below says what is wrong (an exit 3 here is a finding).
      }
      if (!(heartbeats <= IN_PROCESS_HEARTBEATS)) continue;
      ran++;
      const r = await cli(['run', v.file, ...v.sets.flatMap((x) => ['--set', x]), ...CAPS, '--workers', '1', '--no-report', '--out', join(dir, 'out-inproc')]);
      expect([0, 2], `${v.how}: ${r.stderr}`).toContain(r.code);
      for (const line of r.stderr.split('\n').filter((l) => l !== '')) {
        expect(/^(hbsim: |warning: |wrote |stopped|--set |\/|\S+\.ya?ml:)/.test(line), `${v.how}: ${line}`).toBe(true);
      }
    }
    expect(ran).toBeGreaterThan(0);
  });

  it('a capped run of a few mutants that validate exits 0 or 2 within bounded time and memory', () => {
    // The last mutant that validated, whatever its size: one spawned run keeps this test short.
    const picks = [valid.at(-1)!];
    for (const v of picks) {
      const started = performance.now();
      const r = spawnSync(process.execPath, ['--max-old-space-size=768', BIN, 'run', v.file, ...v.sets.flatMap((x) => ['--set', x]), ...CAPS, '--workers', '1', '--out', join(dir, 'out')], {
        encoding: 'utf8',
        timeout: 45_000,
        env: { ...process.env, NO_COLOR: '1' },
      });
      expect(r.error, v.how).toBeUndefined();
      expect([0, 2], `${v.how}: ${r.stderr}`).toContain(r.status);
      expect(performance.now() - started, v.how).toBeLessThan(45_000);
      for (const line of r.stderr.split('\n').filter((l) => l !== '')) {
        expect(/^(hbsim: |warning: |wrote |stopped|--set |\/|\S+\.ya?ml:)/.test(line), `${v.how}: ${line}`).toBe(true);
      }
    }
  });
});
