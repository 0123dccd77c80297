/**
 * Issue 16, "done when": the whole CLI under adversarial input. Every preset is
 * mutated the ways the audit found defects — extreme numbers, huge and special
 * strings, reserved names, deep nesting, aliases, encodings — and `hbsim validate`
 * runs on it in-process. It must exit 0 or 2 (never 3), put a location on every
 * line of an exit 2, print nothing on stderr that is not an hbsim message, and stay
 * within bounded time. A few mutants that validate are then run for real, capped
 * (one replication, one minute, no pause search), as spawned processes with a heap
 * limit: exit 0 or 2 again, within bounded time and memory.
 *
 * Fixed seed in CI (test/support/setup.ts); HBSIM_FC_SEED=random explores new cases.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { presetText } from '../../src/scenarios/load.js';
import { PRESET_NAMES } from '../../src/scenarios/presets/index.js';
import type { PathSegment } from '../../src/scenarios/sets.js';
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
  fc.constantFrom<unknown>(deep(50), deep(300, 'x'), { __proto__: 1 }, [RESERVED], Object.fromEntries(RESERVED.map((r) => [r, '1s']))),
  fc.double(),
  fc.integer(),
);

type Mutant = { readonly preset: string; readonly text: string | Buffer; readonly how: string };

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
    return { preset: p.name, text: stringify(doc), how: `${path.join('.')} renamed ${reserved}` };
  }
  parent[last] = value;
  return { preset: p.name, text: stringify(doc, { aliasDuplicateObjects: false }), how: `${path.join('.')} = ${String(JSON.stringify(value))?.slice(0, 40)}` };
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

const mutant = fc.oneof({ weight: 3, arbitrary: structural }, { weight: 1, arbitrary: textual });

/** A line an exit 2 may print: located at the file, a --set, or an hbsim: message. */
function located(line: string, file: string): boolean {
  return line.startsWith(`${file}:`) || line.startsWith(`${file} `) || line.startsWith('--set ') || line.startsWith('hbsim: ') || line.startsWith('warning: ');
}

describe('the CLI under mutated presets', () => {
  const dir = tempDir('hbsim-h16-fuzz-');
  const valid: { file: string; how: string }[] = [];

  it('validate exits 0 or 2, every error located, nothing but hbsim messages on stderr, each within 10 s', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(mutant, async (m) => {
        const file = join(dir, `m${n++}.yaml`);
        writeFileSync(file, m.text);
        const started = performance.now();
        const r = await cli(['validate', file]);
        const tookMs = performance.now() - started;
        expect([0, 2], `${m.how}: ${r.stderr}`).toContain(r.code);
        expect(tookMs, m.how).toBeLessThan(10_000);
        const lines = r.stderr.split('\n').filter((l) => l !== '');
        for (const line of lines) {
          expect(located(line, file), `${m.how}: ${line}`).toBe(true);
          expect(line, m.how).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]|undefined|\[object Object\]|"NaN|NaN(us|ms|µs|s)\b|Infinity µs|    at /);
        }
        if (r.code === 2) expect(lines.length, m.how).toBeGreaterThan(0);
        if (r.code === 0 && valid.length < 200) valid.push({ file, how: m.how });
      }),
      { numRuns: 160 },
    );
    expect(valid.length).toBeGreaterThan(0);
  });

  it('a capped run of a few mutants that validate exits 0 or 2 within bounded time and memory', () => {
    // The first and the last mutant that validated; two spawned runs keep this test short.
    const picks = [0, valid.length - 1].map((i) => valid[i]!).filter((v, i, a) => v !== undefined && a.indexOf(v) === i);
    for (const v of picks) {
      const started = performance.now();
      const r = spawnSync(process.execPath, ['--max-old-space-size=768', BIN, 'run', v.file, '--set', 'duration=1m', '--set', 'warmup=0s', '--set', 'replications=1', '--no-pause-survival', '--workers', '1', '--out', join(dir, 'out')], {
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
