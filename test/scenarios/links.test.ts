import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/scenarios/build.js';
import { ScenarioError, formatIssue } from '../../src/scenarios/errors.js';
import { averageLoss } from '../../src/analytic/loss.js';
import { gilbertFromAverage, quantilesFromPoints } from '../../src/scenarios/laws.js';
import { loadScenarioFile, loadScenarioText } from '../../src/scenarios/load.js';
import { LINK_CLASS_PRESETS, normalizeScenario } from '../../src/scenarios/schema/index.js';
import { runOnce } from '../../src/sim/run-once.js';
import { refusedLines } from './refused.js';

const load = (text: string) => loadScenarioText(text, 'l.yaml');
const config = (text: string) => build(load(text).scenario).config;

const lines = (text: string, file = 'l.yaml'): string[] => refusedLines(() => loadScenarioText(text, file));

describe('bursty loss given as an average and a burst length', () => {
  it('gives the simple Gilbert chain: r = 1/burst, p = average·r/(1 − average)', () => {
    const g = gilbertFromAverage(0.01, 4);
    expect(g.ok).toBe(true);
    if (!g.ok) return;
    expect(g.model.leaveBad).toBe(0.25);
    expect(g.model.enterBad).toBeCloseTo((0.01 * 0.25) / 0.99, 15);
    expect(g.model.lossInGood).toBe(0);
    expect(g.model.lossInBad).toBe(1);
    // The stationary loss is the average asked for.
    expect(averageLoss({ kind: 'gilbertElliott', enterBadProbability: g.model.enterBad, leaveBadProbability: g.model.leaveBad, lossInGoodProbability: g.model.lossInGood, lossInBadProbability: g.model.lossInBad })).toBeCloseTo(0.01, 15);
  });

  it('reaches at most burst/(burst + 1) of the messages', () => {
    expect(gilbertFromAverage(0.5, 1).ok).toBe(true);
    expect(gilbertFromAverage(0.51, 1)).toEqual({ ok: false, maxAverage: 0.5 });
    expect(gilbertFromAverage(0.8, 4).ok).toBe(true);
  });

  it('builds the engine\'s Gilbert–Elliott model, with the average as the nominal loss', () => {
    const link = config('link: { loss: { average: 2%, burst: 5 } }').link;
    expect(link.loss).toEqual({ kind: 'gilbertElliott', enterBadProbability: (0.02 * 0.2) / 0.98, leaveBadProbability: 0.2, lossInGoodProbability: 0, lossInBadProbability: 1 });
    expect(link.lossProbability).toBeCloseTo(0.02, 15);
  });

  it('loses the average fraction of messages in a run, in bursts', () => {
    const c = config('duration: 1d\ncluster: { nodes: 20 }\nlink: { loss: { average: 5%, burst: 4 } }\ndetector: { kind: timeout, timeout: 10x }');
    const lost = runOnce(c).tallies;
    const fraction = lost.heartbeatsLost / lost.heartbeatsSent;
    // 1.7 M messages; bursts of 4 inflate the variance about 8-fold: z = 4 gives about ±0.0007.
    expect(Math.abs(fraction - 0.05)).toBeLessThan(0.0015);
  });

  it('takes netem\'s four parameters, defaulting to the simple Gilbert model', () => {
    expect(config('link: { loss: { enter_bad: 0.1%, leave_bad: 25% } }').link.loss).toEqual({
      kind: 'gilbertElliott',
      enterBadProbability: 0.001,
      leaveBadProbability: 0.25,
      lossInGoodProbability: 0,
      lossInBadProbability: 1,
    });
    expect(config('link: { loss: { enter_bad: 1%, leave_bad: 30%, loss_in_bad: 70%, loss_in_good: 0.1% } }').link.loss).toMatchObject({ lossInBadProbability: 0.7, lossInGoodProbability: 0.001 });
  });

  it('keeps a plain probability Bernoulli, as before', () => {
    const link = config('link: { loss: 1% }').link;
    expect(link.lossProbability).toBe(0.01);
    expect(link.loss).toBeUndefined();
  });

  it('refuses a burst below one message, an unreachable average and a chain that never recovers, with their lines', () => {
    expect(lines('link:\n  loss: { average: 1%, burst: 0.5 }\n')).toEqual(['l.yaml:2:31 link.loss.burst: expected a number ≥ 1 (a burst is at least one message), got 0.5']);
    expect(lines('link:\n  loss: { average: 60%, burst: 1 }\n')[0]).toMatch(/^l\.yaml:2:20 link\.loss\.average: with bursts of 1 messages on average, at most 50% of the messages can be lost/);
    expect(lines('link:\n  loss: { enter_bad: 1%, leave_bad: 0 }\n')[0]).toMatch(/^l\.yaml:2:37 link\.loss\.leave_bad: leave_bad 0 would make the first burst last forever/);
  });

  it('names the right form for a misplaced key, and the union for a value of no form', () => {
    expect(lines('link:\n  loss: { average: 1%, burstt: 4 }\n')).toContain('l.yaml:2:24 link.loss.burstt: unknown field "burstt" (did you mean "burst"?)');
    expect(lines('link: { loss: true }\n')[0]).toMatch(/^l\.yaml:1:15 link\.loss: expected a probability in \[0, 1\], such as 0\.01 or 1%, or a map \{ average, burst \}/);
  });
});

describe('empirical delays', () => {
  it('take sorted samples as equally spaced quantiles', () => {
    expect(config('link: { delay: { dist: empirical, base: 1ms, samples: [3ms, 1ms, 2ms] } }').link.delay).toEqual({ baseUs: 1000, random: { kind: 'empirical', quantilesUs: [1000, 2000, 3000] } });
  });

  it('resample quantiles piecewise linearly on a grid that holds every given probability', () => {
    const q = (config('link: { delay: { dist: empirical, quantiles: { p0: 1ms, p50: 2ms, p90: 5ms, p99: 20ms, p100: 30ms } } }').link.delay.random as { quantilesUs: readonly number[] }).quantilesUs;
    expect(q).toHaveLength(101);
    expect([q[0], q[50], q[90], q[99], q[100]]).toEqual([1000, 2000, 5000, 20_000, 30_000]);
    expect(q[25]).toBe(1500);
    expect(q[95]).toBeCloseTo(5000 + (5 / 9) * 15_000, 3);
    const fine = (config('link: { delay: { dist: empirical, quantiles: { p0: 0, p99.9: 9ms, p100: 10ms } } }').link.delay.random as { quantilesUs: readonly number[] }).quantilesUs;
    expect(fine).toHaveLength(1001);
    expect(fine[999]).toBe(9000);
  });

  it('start at 0 without p0, and extend the last slope to p100 without it', () => {
    expect(quantilesFromPoints([{ probability: 0.5, valueUs: 2000 }, { probability: 0.9, valueUs: 6000 }], 0)).toMatchObject({ 0: 0, 25: 1000, 50: 2000, 90: 6000, 100: 7000 });
  });

  it('refuse two forms at once, a bad quantile name, decreasing quantiles and fewer than two', () => {
    expect(lines('link: { delay: { dist: empirical, samples: [1ms, 2ms], quantiles: { p50: 1ms, p99: 2ms } } }')[0]).toMatch(/link\.delay\.quantiles: give only one of samples, quantiles or csv/);
    expect(lines('link: { delay: { dist: empirical } }')[0]).toMatch(/^l\.yaml:1:16 link\.delay: an empirical law needs one of samples, quantiles or csv/);
    expect(lines('link: { delay: { dist: empirical, quantiles: { median: 1ms, p99: 2ms } } }')[0]).toMatch(/link\.delay\.quantiles\.median: "median" is not a quantile name/);
    expect(lines('link: { delay: { dist: empirical, quantiles: { p50: 5ms, p99: 2ms } } }')).toEqual(['l.yaml:1:63 link.delay.quantiles.p99: p99 (2ms) is below p50 (5ms); quantiles must not decrease']);
    expect(lines('link: { delay: { dist: empirical, quantiles: { p50: 5ms } } }')[0]).toMatch(/give at least 2 quantiles/);
    expect(lines('link: { delay: { dist: empirical, samples: [1ms] } }')[0]).toMatch(/link\.delay\.samples: expected at least 2 samples/);
  });

  it('work for send jitter and fault durations too', () => {
    const c = config('heartbeat: { jitter: { dist: empirical, samples: [0, 5ms] } }\nfaults:\n  - pause: { every: 1h, duration: { dist: empirical, quantiles: { p0: 10ms, p100: 2s } } }');
    expect(c.heartbeat.jitter).toEqual({ kind: 'empirical', quantilesUs: [0, 5000] });
    expect(c.faults![0]).toMatchObject({ kind: 'senderPause', duration: { kind: 'empirical' } });
  });

  describe('from a CSV file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-csv-'));
    const scenario = (body: string, csv: string, name = 'pings.csv') => {
      writeFileSync(join(dir, name), csv);
      const path = join(dir, 's.yaml');
      writeFileSync(path, body);
      return path;
    };
    const refused = (path: string) => {
      try {
        loadScenarioFile(path);
      } catch (e) {
        if (e instanceof ScenarioError) return e.issues.map(formatIssue);
        throw e;
      }
      throw new Error('expected a refusal');
    };

    it('reads one duration per line, relative to the scenario file, skipping comments and blanks', () => {
      const path = scenario('link: { delay: { dist: empirical, csv: pings.csv } }\n', '# one-way delays\n2ms\n\n1ms\n1.5ms\n');
      const loaded = loadScenarioFile(path);
      expect(build(loaded.scenario).config.link.delay.random).toEqual({ kind: 'empirical', quantilesUs: [1000, 1500, 2000] });
      // The normalised scenario names the file again, not its contents.
      expect(normalizeScenario(loaded.scenario).link).toMatchObject({ delay: { dist: 'empirical', csv: 'pings.csv' } });
    });

    it('reads a named column of bare numbers in a stated unit, after a header', () => {
      const path = scenario('link: { delay: { dist: empirical, csv: { file: rtt.csv, column: rtt_ms, unit: ms } } }\n', 'host,rtt_ms\na,0.5\nb,0.25\n', 'rtt.csv');
      expect(build(loadScenarioFile(path).scenario).config.link.delay.random).toEqual({ kind: 'empirical', quantilesUs: [250, 500] });
    });

    it('reports a bad value at its line and column in the CSV file', () => {
      const path = scenario('link: { delay: { dist: empirical, csv: { file: rtt.csv, column: 2, unit: ms } } }\n', 'a,1\nb,2\nc,n/a\n', 'rtt.csv');
      expect(refused(path)).toEqual([`${join(dir, 'rtt.csv')}:3:3 link.delay.csv: expected a duration such as 2.5ms or a number, got "n/a"`]);
    });

    it('asks for a unit for bare numbers, and for a column in a wide file', () => {
      expect(refused(scenario('link: { delay: { dist: empirical, csv: pings.csv } }\n', '1\n2\n'))[0]).toMatch(/pings\.csv:1:1 link\.delay\.csv: 1 has no unit/);
      expect(refused(scenario('link: { delay: { dist: empirical, csv: pings.csv } }\n', '1ms,2ms\n'))[0]).toMatch(/pings\.csv:1:1 link\.delay\.csv: the file has 2 columns; say which/);
    });

    it('reports a missing file at the csv field of the scenario', () => {
      const path = scenario('link:\n  delay: { dist: empirical, csv: nope.csv }\n', '');
      expect(refused(path)).toEqual([`${path}:2:34 link.delay.csv: cannot read the sample file ${join(dir, 'nope.csv')}: no such file`]);
    });
  });
});

describe('link classes and directions', () => {
  const cluster = 'cluster: { nodes: [a, b, c] }\n';

  it('give a class\'s nodes a preset in both directions', () => {
    const c = config(`${cluster}link_classes:\n  far: { nodes: [c], preset: cross-region }\n`);
    expect(c.linkOverrides).toHaveLength(1);
    const o = c.linkOverrides![0]!;
    expect(o.nodes).toEqual({ kind: 'named', names: ['c'] });
    const preset = LINK_CLASS_PRESETS['cross-region'];
    expect(o.toObserver).toEqual({ lossProbability: preset.loss, duplicateProbability: 0, delay: { baseUs: 65_000, random: { kind: 'lognormal', medianUs: 2000, sigma: 1 } } });
    expect(o.fromObserver).toEqual(o.toObserver);
  });

  it('override one direction only, the other keeping the default link', () => {
    const c = config(`${cluster}link: { loss: 1% }\nlink_classes:\n  lossy-replies: { nodes: b, to_monitor: { loss: 5% } }\n`);
    expect(c.linkOverrides).toEqual([{ nodes: { kind: 'named', names: ['b'] }, toObserver: { lossProbability: 0.05, duplicateProbability: 0, delay: { baseUs: 0, random: { kind: 'constant', valueUs: 0 } } } }]);
  });

  it('merge field by field: class over preset, direction over class', () => {
    const c = config(`${cluster}link_classes:\n  x: { nodes: all, preset: same-rack, loss: 1%, from_monitor: { loss: { average: 2%, burst: 2 } } }\n`);
    const o = c.linkOverrides![0]!;
    expect(o.nodes).toEqual({ kind: 'all' });
    expect(o.toObserver).toMatchObject({ lossProbability: 0.01, delay: { baseUs: 50, random: { kind: 'exponential', meanUs: 50 } } });
    expect(o.fromObserver).toMatchObject({ loss: { kind: 'gilbertElliott', leaveBadProbability: 0.5 }, delay: { baseUs: 50 } });
  });

  it('keep the written order, so that a later class wins for a node both name', () => {
    const c = config(`${cluster}link_classes:\n  zone: { nodes: all, preset: cross-zone }\n  rack: { nodes: [a], preset: same-rack }\n`);
    expect(c.linkOverrides!.map((o) => o.nodes)).toEqual([{ kind: 'all' }, { kind: 'named', names: ['a'] }]);
  });

  it('take reverse_link for the monitor → node direction, with link\'s fields where it says nothing', () => {
    const c = config('link: { loss: 1%, delay: { dist: constant, value: 2ms } }\nreverse_link: { loss: 3% }\n');
    expect(c.reverseLink).toEqual({ lossProbability: 0.03, duplicateProbability: 0, delay: { baseUs: 0, random: { kind: 'constant', valueUs: 2000 } } });
    expect(config('link: { loss: 1% }').reverseLink).toBeUndefined();
  });

  it('start a class\'s from_monitor direction at reverse_link', () => {
    const c = config(`${cluster}reverse_link: { loss: 3% }\nlink_classes:\n  x: { nodes: [a], from_monitor: { duplicate: 1% } }\n`);
    expect(c.linkOverrides![0]!.fromObserver).toMatchObject({ lossProbability: 0.03, duplicateProbability: 0.01 });
  });

  it('refuse unknown nodes, unknown presets and numeric class names, with lines', () => {
    expect(lines(`${cluster}link_classes:\n  x: { nodes: [a, d] }\n`)).toEqual(['l.yaml:3:19 link_classes.x.nodes.1: no node named "d" in cluster.nodes']);
    expect(lines(`${cluster}link_classes:\n  x: { nodes: a, preset: same-rak }\n`)).toEqual(['l.yaml:3:26 link_classes.x.preset: expected one of same-rack, cross-zone, cross-region, got "same-rak" (did you mean "same-rack"?)']);
    expect(lines(`${cluster}link_classes:\n  "12": { nodes: a }\n`)[0]).toMatch(/^l\.yaml:3:3 link_classes\.12: expected a name .*with at least one letter, got "12"/);
    expect(lines(`${cluster}link_classes:\n  x: { nodes: a, to_monitr: { loss: 1% } }\n`)).toEqual(['l.yaml:3:18 link_classes.x.to_monitr: unknown field "to_monitr" (did you mean "to_monitor"?)']);
  });
});
