import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/scenarios/build.js';
import { listPresets, loadPreset, loadScenarioText, presetPath, presetText, withSets } from '../../src/scenarios/load.js';
import { DEFAULT_PRESET, PRESET_NAMES } from '../../src/scenarios/presets/index.js';
import { normalizeScenario, timeoutUsOf } from '../../src/scenarios/schema/index.js';
import { parseSet } from '../../src/scenarios/sets.js';
import { runReplications } from '../../src/sweep/replicate.js';

describe('presets', () => {
  it('are exactly the YAML files of the presets folder', () => {
    const files = readdirSync(dirname(presetPath('db-ha'))).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));
    expect([...files].sort()).toEqual([...PRESET_NAMES].sort());
    expect(PRESET_NAMES).toContain(DEFAULT_PRESET);
  });

  for (const name of PRESET_NAMES) {
    describe(name, () => {
      it('validates without warnings, under its own name, with a one-line description', () => {
        const loaded = loadPreset(name);
        expect(loaded.warnings).toEqual([]);
        expect(loaded.scenario.name).toBe(name);
        expect(loaded.scenario.description).toMatch(/^\S.{10,}$/);
      });

      it('opens with a comment citing its source and the version it applies to', () => {
        const header = presetText(name).split('\n').filter((l) => l.startsWith('#'));
        expect(header.length).toBeGreaterThanOrEqual(5);
        // A version (v1.32, 3.0, 7.x), a commit (@ 1eb7644) or the seed article it comes from.
        expect(header.join('\n')).toMatch(/\d+\.(\d+|x)|@ ?[0-9a-f]{7}|seed article/);
      });

      it('normalises to a document that loads back to the same scenario', () => {
        // The whole document, sweep and thresholds included, not just one section.
        const loaded = loadPreset(name);
        const again = loadScenarioText(JSON.stringify(normalizeScenario(loaded.scenario)), `${name}.json`);
        expect(again.scenario).toEqual(loaded.scenario);
      });

      it('runs, and detects the crashes it injects', () => {
        // Its own duration, one replication: under a second each.
        const short = withSets(loadPreset(name), [parseSet('replications=1'), parseSet('warmup=0')]);
        const plan = build(short.scenario);
        const { metrics } = runReplications(plan.config, { replications: 1, timelineLimit: 100 });
        expect(metrics.node_hours).toBeGreaterThan(0);
        expect(metrics.heartbeats.sent).toBeGreaterThan(0);
        if (metrics.crashes.count > 0) expect(metrics.crashes.detected).toBeGreaterThan(0);
      }, 30_000);
    });
  }

  it('lists every preset with its description, marking the default', () => {
    const list = listPresets();
    expect(list.map((p) => p.name)).toEqual([...PRESET_NAMES]);
    expect(list.filter((p) => p.isDefault).map((p) => p.name)).toEqual([DEFAULT_PRESET]);
  });

  it('model each system with the detector family it uses', () => {
    const kinds = Object.fromEntries(PRESET_NAMES.map((name) => [name, loadPreset(name).scenario.detector.kind]));
    expect(kinds).toMatchObject({
      'db-ha': 'timeout',
      'akka-cluster': 'phi_akka',
      'akka-remote-watch': 'phi_akka',
      cassandra: 'phi_cassandra',
      'aws-alb': 'pull_check',
      'k8s-liveness': 'pull_check',
      elasticsearch: 'pull_check',
      'redis-sentinel': 'pull_check',
      'k8s-leader-election': 'lease',
    });
  });

  it('detect a silent node after the times the reference gives', () => {
    const nominalS = (name: string) => timeoutUsOf(loadPreset(name).scenario) / 1e6;
    // Elasticsearch: 2 × (10 s + 1 s) + 10 s; Redis Sentinel: 30 PINGs; ALB: 30 s + 5 s; liveness: 2 × 10 s + 1 s.
    expect(nominalS('elasticsearch')).toBe(32);
    expect(nominalS('redis-sentinel')).toBe(30);
    expect(nominalS('aws-alb')).toBe(35);
    expect(nominalS('k8s-liveness')).toBe(21);
    expect(nominalS('k8s-leader-election')).toBe(15);
    // Cassandra: 8 × ln 10 × 1 s; Akka: 5.31 s with the starting σ of 250 ms (reference §2.2).
    expect(nominalS('cassandra')).toBeCloseTo(18.42, 2);
    expect(nominalS('akka-cluster')).toBeCloseTo(5.31, 2);
  });

  it('keep the Kubernetes grace period at 50 s from v1.32 and 40 s before', () => {
    expect(timeoutUsOf(loadPreset('k8s').scenario)).toBe(50_000_000);
    expect(timeoutUsOf(loadPreset('k8s-pre-1.32').scenario)).toBe(40_000_000);
    expect(readFileSync(presetPath('k8s'), 'utf8')).toMatch(/kubernetes#126287/);
  });

  it('the seed demo behaves as the seed describes: worker-1 SUSPECTED at 5–5.5 s and DEAD at 7–7.5 s, worker-2 never', () => {
    const plan = build(loadPreset('seed-demo').scenario);
    const { timeline, metrics } = runReplications(plan.config, { replications: 1, timelineLimit: 100 });
    const verdicts = timeline.entries.filter((e) => e.event === 'verdict');
    expect(verdicts.map((e) => e.node)).toEqual(['worker-1', 'worker-1']);
    const [suspected, dead] = verdicts as { t_ms: number; to: string }[];
    expect(suspected!.to).toBe('SUSPECTED');
    expect(suspected!.t_ms).toBeGreaterThanOrEqual(5000);
    expect(suspected!.t_ms).toBeLessThanOrEqual(5500);
    expect(dead!.to).toBe('DEAD');
    expect(dead!.t_ms).toBeGreaterThanOrEqual(7000);
    expect(dead!.t_ms).toBeLessThanOrEqual(7500);
    expect(metrics.false_suspicions.count).toBe(0);
  });
});
