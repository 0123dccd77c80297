/**
 * "3x": a relative duration is resolved in one place, `relativeUs`
 * (src/scenarios/schema/timings.ts). These tests pin what it means (which fields take
 * "Nx", what each x multiplies, rounding, `never`), that the rules, build and knobs
 * all get their lengths from it, and the errors for "Nx" where no multiple is allowed.
 */
import { describe, expect, it } from 'vitest';
import { build } from '../../src/scenarios/build.js';
import { knobSource } from '../../src/scenarios/knobs.js';
import { loadScenarioText, withSets } from '../../src/scenarios/load.js';
import { scenarioFields } from '../../src/scenarios/reference.js';
import { deadAfterUsOf, RELATIVE_FIELDS, relativeUs, timeoutUsOf, type RelativeField, type TimingSpec } from '../../src/scenarios/schema/index.js';
import { parseSet } from '../../src/scenarios/sets.js';
import { refusedLines } from './refused.js';

const load = (text: string, sets: string[] = []) => loadScenarioText(text, 'r.yaml', { sets: sets.map((s) => parseSet(s)) }).scenario;
const timing = (interval: string, detector: string): TimingSpec => load(`heartbeat: { interval: ${interval} }\ndetector: ${detector}\n`);

const errors = (text: string, sets: string[] = []): string[] => refusedLines(() => load(text, sets));

describe('relativeUs: the one place "Nx" becomes µs', () => {
  it('multiplies heartbeat.interval for timeout, lease, shift and margin', () => {
    expect(relativeUs(timing('1s', '{ kind: timeout, timeout: 3x }'), 'timeout')).toBe(3_000_000);
    expect(relativeUs(timing('10s', '{ kind: lease, lease: 4x }'), 'lease')).toBe(40_000_000);
    expect(relativeUs(timing('200ms', '{ kind: nfd_s, shift: 2.5x }'), 'shift')).toBe(500_000);
    expect(relativeUs(timing('200ms', '{ kind: nfd_e, margin: 0.5x }'), 'margin')).toBe(100_000);
    expect(relativeUs(timing('1s', '{ kind: liveness_readiness, timeout: 2x }'), 'timeout')).toBe(2_000_000);
  });

  it('multiplies the resolved timeout (the lease for a lease) for dead_after, not the interval', () => {
    // interval 500ms, timeout 3x = 1.5s, dead_after 2x = 3s (2 × the interval would be 1s).
    expect(relativeUs(timing('500ms', '{ kind: timeout, timeout: 3x, dead_after: 2x }'), 'dead_after')).toBe(3_000_000);
    expect(relativeUs(timing('500ms', '{ kind: timeout, timeout: 2s, dead_after: 1.5x }'), 'dead_after')).toBe(3_000_000);
    expect(relativeUs(timing('10s', '{ kind: lease, lease: 4x, dead_after: 1.5x }'), 'dead_after')).toBe(60_000_000);
  });

  it('rounds to the nearest µs, keeps absolute lengths as written, and reads dead_after: never as +Infinity', () => {
    expect(relativeUs(timing('333us', '{ kind: timeout, timeout: 1.5x, allow_short_timeout: true }'), 'timeout')).toBe(500); // 499.5 → 500
    expect(relativeUs(timing('3us', '{ kind: nfd_s, shift: 0.5x }'), 'shift')).toBe(2); // 1.5 → 2
    expect(relativeUs(timing('1s', '{ kind: timeout, timeout: 7s }'), 'timeout')).toBe(7_000_000);
    expect(relativeUs(timing('1s', '{ kind: timeout, dead_after: 4s }'), 'dead_after')).toBe(4_000_000);
    expect(relativeUs(timing('1s', '{ kind: timeout, dead_after: never }'), 'dead_after')).toBe(Number.POSITIVE_INFINITY);
  });

  it('throws for a field the detector does not have: a caller bug, not a scenario error', () => {
    expect(() => relativeUs(timing('1s', '{ kind: lease }'), 'shift')).toThrow(new RangeError('a lease detector has no shift'));
    expect(() => relativeUs(timing('1s', '{ kind: phi_akka }'), 'dead_after')).toThrow(new RangeError('a phi_akka detector has no dead_after'));
  });

  it('is what the timings, the engine configuration, the rules and the knobs use', () => {
    const s = load('heartbeat: { interval: 500ms }\ndetector: { kind: timeout, timeout: 3x, dead_after: 2x }\n');
    expect(timeoutUsOf(s)).toBe(relativeUs(s, 'timeout'));
    expect(deadAfterUsOf(s)).toBe(relativeUs(s, 'dead_after'));
    expect(build(s).config.detector).toMatchObject({ timeoutUs: 1_500_000, deadAfterUs: 3_000_000 });
    expect(knobSource(s, 'detector.timeout')).toBe(1_500_000);
    // dead_after is a multiple of the timeout for the knobs too (it once multiplied the interval: 1s).
    expect(knobSource(s, 'detector.dead_after')).toBe(3_000_000);
    expect(knobSource(load('detector: { kind: timeout, dead_after: never }\n'), 'detector.dead_after')).toBeUndefined();
    const nfd = load('heartbeat: { interval: 200ms }\ndetector: { kind: nfd_s, shift: 2.5x }\n');
    expect(build(nfd).config.detector).toMatchObject({ kind: 'nfdS', shiftUs: relativeUs(nfd, 'shift') });
    // The rule that a resolved shift is at least 1 µs: 0.1x of 1 µs rounds to 0.
    expect(errors('heartbeat: { interval: 1us }\ndetector: { kind: nfd_s, shift: 0.1x }\n')).toEqual(['r.yaml:2:33 detector.shift: resolves to 0; it must be at least 1us']);
  });

  it('follows an overridden heartbeat interval (a swept interval carries its timeout along)', () => {
    const s = withSets(loadScenarioText('detector: { kind: timeout, timeout: 3x }\n', 'r.yaml'), [parseSet('heartbeat.interval=250ms')]).scenario;
    expect(relativeUs(s, 'timeout')).toBe(750_000);
    expect(build(s).config.detector).toMatchObject({ timeoutUs: 750_000, deadAfterUs: 1_500_000 });
  });
});

describe('which fields take "Nx"', () => {
  it('RELATIVE_FIELDS names exactly the fields the reference documents as Nx, with the same reference', () => {
    const rows = scenarioFields().filter((r) => r.type.includes('Nx'));
    const seen = new Set<string>();
    for (const row of rows) {
      const [section, field] = row.path.split('.');
      expect(section, row.path).toBe('detector');
      expect(Object.keys(RELATIVE_FIELDS), row.path).toContain(field);
      const reference = RELATIVE_FIELDS[field as RelativeField];
      const written = /× ([\w.]+)/.exec(row.type)![1];
      // A lease's dead_after is written "× lease": the lease is that detector's timeout.
      expect(written === reference || (reference === 'timeout' && written === 'lease'), `${row.path} (${row.when}): × ${written}`).toBe(true);
      seen.add(field!);
    }
    expect([...seen].sort()).toEqual(Object.keys(RELATIVE_FIELDS).sort());
  });

  it('refuses "Nx" where no multiple is allowed, with the file, line, field and what was expected', () => {
    expect(errors('heartbeat:\n  interval: 3x\n')).toEqual([
      'r.yaml:2:13 heartbeat.interval: expected a duration such as 250ms, 1.5s, 5m, 1h or 1d, greater than 0, got "3x" (unknown unit "x"; use us, ms, s, m, h or d)',
    ]);
    expect(errors('detector:\n  kind: phi_akka\n  acceptable_pause: 2x\n')).toEqual([
      'r.yaml:3:21 detector.acceptable_pause: expected a duration such as 250ms, 1.5s, 5m, 1h or 1d, got "2x" (unknown unit "x"; use us, ms, s, m, h or d)',
    ]);
    expect(errors('detector:\n  kind: timeout\n  check_interval: 2x\n')).toEqual([
      'r.yaml:3:19 detector.check_interval: expected a duration such as 250ms, 1.5s, 5m, 1h or 1d, got "2x" (unknown unit "x"; use us, ms, s, m, h or d)',
    ]);
    expect(errors('name: r\n', ['heartbeat.interval=3x'])).toEqual([
      '--set heartbeat.interval=3x: expected a duration such as 250ms, 1.5s, 5m, 1h or 1d, greater than 0, got "3x" (unknown unit "x"; use us, ms, s, m, h or d)',
    ]);
  });

  it('refuses a multiple that is not > 0 where one is allowed', () => {
    expect(errors('detector: { kind: timeout, timeout: 0x }\n')[0]).toMatch(/^r\.yaml:1:37 detector\.timeout: expected a duration such as .*, or a multiple of heartbeat\.interval such as 3x, got "0x" \(the multiple must be > 0\)$/);
  });
});
