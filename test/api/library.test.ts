/**
 * The library API (docs/library.md): loadScenario from a preset, a file or text, with
 * overrides; run returns the same results object as `hbsim run --json`; check judges
 * thresholds as `hbsim check` does.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { check, loadScenario, run, ScenarioError } from '../../src/index.js';
import { serializeResults } from '../../src/results/results-file.js';

const BIN = fileURLToPath(new URL('../../bin/hbsim.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hbsim-api-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SMALL = `name: small
seed: 3
duration: 30m
warmup: 0s
replications: 2
cluster: { nodes: 4 }
heartbeat: { interval: 1s }
link: { loss: 5% }
faults: [ { crash: { mttf: 20m, mttr: 1m } } ]
detector: { kind: timeout, timeout: 2x }
sweep: { detector.timeout: [2x, 4x] }
expect:
  detection_latency_ms.p99: "<= 10s"
expect_options: { cell: 4x }
`;

describe('loadScenario', () => {
  it('reads a preset name, a file and YAML or JSON text, applying overrides given as a map or as path=value', () => {
    expect(loadScenario('k8s').scenario.name).toBe('k8s');
    const file = join(dir, 'small.yaml');
    writeFileSync(file, SMALL);
    expect(loadScenario(file).scenario.cluster).toEqual(loadScenario(SMALL).scenario.cluster);
    expect(loadScenario(SMALL, { set: { 'link.loss': '2%', replications: 3 } }).scenario).toMatchObject({ replications: 3, link: { loss: 0.02 } });
    expect(loadScenario(SMALL, { set: ['link.loss=2%'] }).scenario.link.loss).toBe(0.02);
    expect(loadScenario('{"name": "j", "cluster": {"nodes": 2}}').scenario.name).toBe('j');
  });

  it('throws ScenarioError with the field and what was expected', () => {
    const error = (() => {
      try {
        loadScenario(SMALL, { set: { 'link.loss': '200%' } });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).issues[0]).toMatchObject({ path: 'link.loss' });
    expect(() => loadScenario('no-such-preset')).toThrow(/no such preset or file/);
  });
});

describe('run and check', () => {
  it('run returns exactly what `hbsim run --json` prints, whatever the worker count', async () => {
    writeFileSync(join(dir, 'same.yaml'), SMALL);
    const one = await run(loadScenario(join(dir, 'same.yaml')), { workers: 1, pauseSurvival: false });
    const two = await run(loadScenario(join(dir, 'same.yaml')), { workers: 2, pauseSurvival: false });
    expect(serializeResults(two)).toBe(serializeResults(one));
    const cli = execFileSync(process.execPath, [BIN, 'run', join(dir, 'same.yaml'), '--json', '--no-pause-survival', '--workers', '1'], { cwd: dir, encoding: 'utf8' });
    expect(cli).toBe(serializeResults(one));
  });

  it('check judges on the 95 % interval: pass, fail, inconclusive; and a scenario’s own expect: block with its cell', async () => {
    const scenario = loadScenario(SMALL);
    const results = await run(scenario, { pauseSurvival: false });
    const easy = check(results, { 'detection_latency_ms.p99': '<= 1h' });
    expect(easy.passed).toBe(true);
    expect(easy.verdicts.map((v) => v.cell)).toEqual(['2x', '4x']);
    const hard = check(results, { 'detection_latency_ms.p99': '<= 1ms' }, { cell: '4x' });
    expect(hard).toMatchObject({ passed: false, verdicts: [{ outcome: 'fail', cell: '4x' }] });
    expect(hard.summary).toMatch(/^FAIL 4x detection_latency_ms\.p99 <= 1ms: /);
    // 4 nodes × 30 min × 2 cannot show a false-suspicion rate below 0.001 per node-day either way.
    expect(check(results, { 'false_suspicions.per_node_day': '< 0.001' }, { cell: '4x' }).verdicts[0]!.outcome).not.toBe('pass');
    const own = check(results, scenario);
    expect(own.verdicts.map((v) => [v.cell, v.metric])).toEqual([['4x', 'detection_latency_ms.p99']]);
  });

  it('check refuses an unknown metric, a malformed condition and a missing cell', async () => {
    const results = await run(loadScenario(SMALL, { set: { sweep: {} } }), { pauseSurvival: false });
    expect(() => check(results, { 'false_suspicion.per_node_day': '< 1' })).toThrow(/unknown metric/);
    expect(() => check(results, { 'false_suspicions.per_node_day': '1' })).toThrow(/condition/);
    expect(() => check(results, { 'false_suspicions.per_node_day': '< 1' }, { cell: '9x' })).toThrow(/no cell "9x"/);
  });
});
