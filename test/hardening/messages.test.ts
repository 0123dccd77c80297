/**
 * Issue 16 items 8 and 9: reserved names are data, never object keys; every error has
 * a location and a reason; control characters from a scenario never reach the terminal raw.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { terminalSafe } from '../../src/cli/terminal-text.js';
import { cli, tempDir, TINY, writeScenario } from './support.js';

describe('expect.__proto__', () => {
  it('is refused as an unknown metric, in a file and through --set (not silently dropped)', async () => {
    const dir = tempDir();
    const path = writeScenario(dir, `${TINY}expect: { __proto__: "<= 1ms" }\n`);
    const file = await cli(['check', path, '--no-report', '--out', dir]);
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(/tiny\.yaml:8:\d+ expect\.__proto__: unknown metric "__proto__"/);
    const set = await cli(['validate', writeScenario(dir, TINY, 'plain.yaml'), '--set', 'expect.__proto__=<= 1ms']);
    expect(set.code).toBe(2);
    expect(set.stderr).toBe('--set expect.__proto__=<= 1ms: unknown metric "__proto__"; metrics are named as in docs/results.md (e.g. false_suspicions.per_node_day)\n');
  });
});

describe('reserved names as data', () => {
  it('a replay log whose nodes are named constructor, toString, hasOwnProperty and valueOf replays (exit 0)', async () => {
    const dir = tempDir();
    const rows = ['node,arrival'];
    for (const n of ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__']) for (let t = 1; t <= 30; t++) rows.push(`${n},${t}`);
    writeFileSync(join(dir, 'log.csv'), `${rows.join('\n')}\n`);
    const r = await cli(['replay', join(dir, 'log.csv'), '--out', dir, '--crash', 'constructor@20']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/5 nodes/);
  });
});

describe('errors with a place and a reason', () => {
  it('a sweep over a missing list entry, or into a single value, names the file and line', async () => {
    const dir = tempDir();
    const a = writeScenario(dir, `${TINY}faults: [{ pause: { every: 1h, duration: 1s } }]\nsweep: { faults.3.pause.duration: [1s, 2s] }\n`, 'a.yaml');
    const ra = await cli(['validate', a]);
    expect(ra.code).toBe(2);
    expect(ra.stderr).toMatch(/a\.yaml:9:\d+: sweep faults\.3\.pause\.duration=1s: faults has 1 entries; the index must be at most 1\n/);
    const b = writeScenario(dir, `${TINY.replace('detector: { kind: timeout, timeout: 3x }', 'detector: 5s')}sweep: { detector.timeout: [1s, 2s] }\n`, 'b.yaml');
    const rb = await cli(['validate', b]);
    expect(rb.code).toBe(2);
    expect(rb.stderr).toMatch(/b\.yaml:8:\d+: sweep detector\.timeout=1s: detector is a single value/);
  });

  it('configure --detection-bound x says what was expected', async () => {
    const r = await cli(['configure', 'seed-demo', '--detection-bound', 'x', '--mistake-recurrence', '1d', '--mistake-duration', '1s']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('hbsim: --detection-bound x: expected a duration such as 2s, 500ms or 1d\n');
  });

  it('control characters in a scenario are escaped on the terminal', async () => {
    const dir = tempDir();
    const path = writeScenario(dir, `${TINY}"\\e]0;pwned\\a\\e[2J\\0": 1\n`);
    const r = await cli(['validate', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(r.stderr).toContain('unknown field "\\x1b]0;pwned\\x07\\x1b[2J\\x00"');
    expect(terminalSafe('a\u009bb\nc\rd')).toBe('a\\x9bb\nc\\x0dd');
  });
});
