/**
 * `hbsim tune` as users run it: writes <name>.tune.json and .tune.html, prints the
 * answer, exits 0 when a setting meets the targets and 1 when none does, and refuses
 * bad input (targets, metrics, parameters) with exit 2 and a message naming it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import type { CliIo } from '../../src/cli/io.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, env: {} };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

const SCENARIO = `name: small
seed: 5
duration: 1h
cluster: { nodes: 5 }
heartbeat: { interval: 1s }
link: { loss: 1% }
faults:
  - crash: { mttf: 10m, mttr: 1m }
detector: { kind: timeout, timeout: 3x }
tune:
  targets:
    detection_latency_ms.p99: "<= 6s"
    false_suspicions.per_node_day: "<= 20"
  params:
    heartbeat.interval: [500ms, 1s, 2s]
    detector.timeout: [2x, 3x, 5x]
  max_replications: 4
`;

function scenarioFile(text = SCENARIO): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hbsim-tune-'));
  const file = join(dir, 'small.yaml');
  writeFileSync(file, text);
  return { dir, file };
}

describe('hbsim tune', () => {
  it('writes the results and the report with a tuning section, prints the answer, exit 0', async () => {
    const { dir, file } = scenarioFile();
    const c = capture();
    const code = await runCli(['tune', file, '--out', dir, '--workers', '1'], c.io);
    expect(c.stderr()).toMatch(/wrote .*small\.tune\.json and .*small\.tune\.html/);
    expect(code).toBe(0);
    expect(c.stdout()).toMatch(/^Chosen /);
    expect(c.stdout()).toMatch(/As scenario fields:\n {2}heartbeat\.interval: /);
    const results = JSON.parse(readFileSync(join(dir, 'small.tune.json'), 'utf8'));
    expect(results.tune.chosen).not.toBeNull();
    expect(results.cells.map((c: { id: string }) => c.id)).toContain(results.tune.chosen);
    const html = readFileSync(join(dir, 'small.tune.html'), 'utf8');
    expect(html).toContain('id="tuning"');
    expect(html).toContain('id="chart-tune"');
  });

  it('exit 1 when no setting meets the targets', async () => {
    const { dir, file } = scenarioFile();
    const c = capture();
    const code = await runCli(['tune', file, '--out', dir, '--no-report', '--target', 'detection_latency_ms.p99<=10ms', '--max-replications', '1'], c.io);
    expect(code).toBe(1);
    expect(c.stdout()).toMatch(/^No candidate meets every target/);
  });

  it('refuses bad targets, objectives and parameters with exit 2', async () => {
    const { dir, file } = scenarioFile();
    const cases: [string[], RegExp][] = [
      [['--target', 'detection_latency.p99<=5s'], /--target detection_latency\.p99<=5s: unknown metric/],
      [['--target', 'detection_latency_ms.p99=5s'], /expected metric<=bound/],
      [['--target', 'query_accuracy>=5s'], /--target query_accuracy>=5s: expected a condition/],
      [['--minimise', 'mesages_per_node_s'], /unknown metric "mesages_per_node_s".*did you mean/],
      [['--minimise', 'messages_per_node_s', '--maximise', 'query_accuracy'], /not both/],
      [['--param', 'heartbeat.interval'], /expected path=values/],
      [['--param', 'heartbeat.intervl=[1s, 2s]'], /tune\.params/],
      [['--param', 'heartbeat.interval=[1s, soon]'], /tune\.params\.heartbeat\.interval\[1\]/],
      [['--max-replications', '0'], /--max-replications 0/],
    ];
    for (const [args, message] of cases) {
      const c = capture();
      expect(await runCli(['tune', file, '--out', dir, ...args], c.io), args.join(' ')).toBe(2);
      expect(c.stderr(), args.join(' ')).toMatch(message);
    }
  });

  it('leaves out combinations that are invalid together (absolute timeout below the interval), and says so', async () => {
    const { dir, file } = scenarioFile();
    const c = capture();
    const code = await runCli(['tune', file, '--out', dir, '--no-report', '--json', '--max-replications', '2', '--param', 'heartbeat.interval=[500ms, 1s, 2s]', '--param', 'detector.timeout=[800ms, 1.5s, 3s]'], c.io);
    expect(code).toBeLessThan(2);
    const t = JSON.parse(c.stdout()).tune;
    expect(t.excluded.map((e: { cell: string }) => e.cell)).toEqual(['1s/800ms', '2s/800ms', '2s/1.5s']);
    expect(t.excluded[0].reason).toMatch(/not longer than heartbeat\.interval/);
    expect(t.lattice_cells).toBe(6);
    for (const step of t.path) expect(t.excluded.map((e: { cell: string }) => e.cell)).not.toContain(step.cell);
  });

  it('refuses a tune: block with an unknown objective metric at its line', async () => {
    const { dir, file } = scenarioFile(SCENARIO.replace('  max_replications: 4', '  minimise: latency\n  max_replications: 4'));
    const c = capture();
    expect(await runCli(['tune', file, '--out', dir], c.io)).toBe(2);
    expect(c.stderr()).toMatch(/small\.yaml:\d+:\d+ tune\.minimise: unknown metric "latency"/);
  });
});

describe('hbsim run --rare', () => {
  it('adds each cell’s importance-sampling estimate, documented in docs/results.md, and prints it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-rare-'));
    const file = join(dir, 'rare.yaml');
    writeFileSync(
      file,
      'name: rare\nseed: 1\nduration: 6h\ncluster: { nodes: 10 }\nheartbeat: { interval: 1s }\nlink: { loss: 1% }\ndetector: { kind: timeout, timeout: 3x }\nsweep:\n  detector.timeout: [2.5x, 4.5x]\n',
    );
    const c = capture();
    expect(await runCli(['run', file, '--rare', '--out', dir, '--no-report', '--no-pause-survival', '--workers', '1'], c.io)).toBe(0);
    expect(c.stdout()).toMatch(/False suspicions per node-day by importance sampling/);
    const results = JSON.parse(readFileSync(join(dir, 'rare.json'), 'utf8'));
    const docs = readFileSync(new URL('../../docs/results.md', import.meta.url), 'utf8');
    for (const cell of results.cells) {
      const rare = cell.rare_false_suspicions;
      expect(rare.applies).toBe(true);
      expect(rare.agrees_with_simulation).toBe(true);
      expect(rare.ci95[1]).toBeGreaterThan(0);
      for (const key of ['rare_false_suspicions', ...Object.keys(rare)]) expect(docs, key).toContain(`\`${key}\``);
    }
    // 4.5x with 1 % i.i.d. loss: (1 − p)·p⁴ per heartbeat ≈ 8.6e-4 per node-day, far below what 2.5 node-days can show.
    expect(results.cells[1].metrics.false_suspicions.count).toBe(0);
    expect(results.cells[1].rare_false_suspicions.per_node_day).toBeGreaterThan(0);
  });

  it('says why not, and the node-days a claim needs, where the method does not apply', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-rare-'));
    const c = capture();
    expect(await runCli(['run', 'akka-cluster', '--rare', '--set', 'duration=30m', '--out', dir, '--no-report', '--no-pause-survival', '--workers', '1'], c.io)).toBe(0);
    expect(c.stdout()).toMatch(/no estimate \(the phiAkka detector is not the fixed timeout.*\); with nothing observed, plain simulation needs 369 node-days to show < 0\.01/);
    const results = JSON.parse(readFileSync(join(dir, 'akka-cluster.json'), 'utf8'));
    expect(results.cells[0].rare_false_suspicions).toMatchObject({ applies: false, node_days_to_show_below: { '0.001': 3688.88 } });
  });
});

describe('docs/results.md names every field of a tune results file', () => {
  it('tune block, path entries and verdicts', async () => {
    const { dir, file } = scenarioFile();
    const c = capture();
    expect(await runCli(['tune', file, '--out', dir, '--no-report', '--workers', '1', '--max-replications', '2'], c.io)).toBeLessThan(2);
    const results = JSON.parse(readFileSync(join(dir, 'small.tune.json'), 'utf8'));
    const docs = readFileSync(new URL('../../docs/results.md', import.meta.url), 'utf8');
    const t = results.tune;
    const names = new Set(['tune', ...Object.keys(t), ...Object.keys(t.path[0]), ...Object.keys(t.path[0].verdicts[0])]);
    expect([...names].filter((n) => !docs.includes(`\`${n}\``))).toEqual([]);
  });
});
