/**
 * docs/ci.md stays true: its example scenario loads and passes the gate as the page
 * says, its workflow files are valid YAML that run `hbsim check`, and the options it
 * documents exist.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { gateSpecOf, loadScenarioText } from '../../src/scenarios/load.js';

const page = readFileSync(new URL('../../docs/ci.md', import.meta.url), 'utf8');
const yamlBlocks = [...page.matchAll(/```yaml[^\n]*\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('docs/ci.md', () => {
  it('shows an example scenario whose thresholds load with their lines, and that passes the gate', async () => {
    const example = yamlBlocks.find((b) => b.startsWith('# scenarios/'))!;
    const spec = gateSpecOf(loadScenarioText(example, 'scenarios/db-failover.yaml'));
    expect(spec.expectations.map((e) => `${e.metric}@${e.line}`)).toEqual(['detection_latency_ms.p99@13', 'false_suspicions.per_node_day@14', 'query_accuracy@15', 'longest_pause_survived_ms@16']);
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-docs-'));
    writeFileSync(join(dir, 'db-failover.yaml'), example);
    const out: string[] = [];
    const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: () => {} }, env: {} };
    expect(await runCli(['check', join(dir, 'db-failover.yaml'), '--workers', '1', '--no-report', '--out', dir], io)).toBe(0);
    expect(out.join('')).toContain('hbsim check passed: all 4 thresholds in 1 scenario held');
  });

  it('gives a GitHub Actions workflow and a GitLab CI job that parse and run hbsim check, uploading the reports even on failure', () => {
    const github = parse(yamlBlocks.find((b) => b.startsWith('# .github/workflows/'))!);
    const steps = github.jobs['hbsim-check'].steps as { run?: string; uses?: string; if?: string; with?: { path?: string } }[];
    expect(steps.some((s) => s.run?.startsWith('npx hbsim check scenarios/*.yaml'))).toBe(true);
    expect(steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))).toMatchObject({ if: 'always()', with: { path: 'reports/' } });
    const gitlab = parse(yamlBlocks.find((b) => b.startsWith('# .gitlab-ci.yml'))!);
    expect(gitlab['hbsim-check'].script.some((s: string) => s.startsWith('npx hbsim check scenarios/*.yaml') && s.includes('--junit reports/hbsim-junit.xml'))).toBe(true);
    expect(gitlab['hbsim-check'].artifacts).toMatchObject({ when: 'always', paths: ['reports/'], reports: { junit: 'reports/hbsim-junit.xml' } });
  });

  it('documents only options that hbsim check has', async () => {
    const out: string[] = [];
    const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: () => {} }, env: {} };
    expect(await runCli(['check', '--help'], io)).toBe(0);
    const help = out.join('');
    const npmOptions = new Set(['--no-save']);
    const documented = [...new Set(page.match(/--[a-z][a-z-]+/g))].filter((o) => !npmOptions.has(o));
    expect(documented).toEqual(expect.arrayContaining(['--junit', '--baseline', '--save-baseline', '--fail-on-regression', '--cell', '--out', '--no-report']));
    for (const option of documented) expect(help, option).toContain(option);
  });
});
