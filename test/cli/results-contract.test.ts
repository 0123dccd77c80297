/**
 * The results JSON against its documentation: every field a run writes is named in
 * docs/results.md, so the contract cannot grow silently.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';

const docs = readFileSync(new URL('../../docs/results.md', import.meta.url), 'utf8');

async function resultsOf(args: string[]): Promise<Record<string, unknown>> {
  const out: string[] = [];
  const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: () => {} }, env: {} };
  const code = await runCli(['run', ...args, '--json', '--out', mkdtempSync(join(tmpdir(), 'hbsim-contract-'))], io);
  expect(code).toBe(0);
  return JSON.parse(out.join('')) as Record<string, unknown>;
}

describe('docs/results.md', () => {
  it('names every field of a results file: top level, cell, metric and metric part', async () => {
    const results = await resultsOf(['seed-demo']);
    const cell = (results.cells as Record<string, unknown>[])[0]!;
    const metrics = cell.metrics as Record<string, unknown>;
    const names = new Set([...Object.keys(results), ...Object.keys(cell), ...Object.keys(metrics)]);
    for (const value of Object.values(metrics)) {
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) for (const k of Object.keys(value)) names.add(k);
    }
    const undocumented = [...names].filter((n) => !docs.includes(`\`${n}\``));
    expect(undocumented).toEqual([]);
    expect(results.schema).toBe('hbsim.results/1');
    expect(results.streams).toBe('hbsim.streams/7');
  });

  it('names the fields a TCP link adds (`transport`)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-contract-tcp-'));
    const file = join(dir, 'tcp.yaml');
    writeFileSync(file, 'duration: 10m\ncluster: { nodes: 5 }\nlink: { loss: 5%, transport: tcp, delay: { dist: constant, base: 1ms } }\ndetector: { kind: timeout, timeout: 1200ms }\n');
    const results = await resultsOf([file]);
    const metrics = (results.cells as { metrics: Record<string, unknown> }[])[0]!.metrics;
    const transport = metrics.transport as Record<string, unknown>;
    expect(transport.retransmissions).toBeGreaterThan(0);
    const undocumented = ['transport', ...Object.keys(transport)].filter((n) => !docs.includes(`\`${n}\``));
    expect(undocumented).toEqual([]);
    // The report says how much of the false-suspicion rate came from TCP stalls.
    const out = mkdtempSync(join(tmpdir(), 'hbsim-contract-tcp-out-'));
    const io = { stdout: { write: () => {} }, stderr: { write: () => {} }, env: {} };
    expect(await runCli(['run', file, '--out', out, '--no-pause-survival'], io)).toBe(0);
    const html = readFileSync(join(out, 'tcp.html'), 'utf8');
    expect(html).toContain(`${transport.retransmissions} retransmissions`);
    expect(html).toMatch(/% of the false suspicions began during a TCP stall/);
  });

  it('names the fields a monitor failover adds (`failover`)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-contract-failover-'));
    const file = join(dir, 'failover.yaml');
    writeFileSync(file, 'duration: 10m\ncluster: { nodes: 5 }\nfaults:\n  - monitor_crash: { at: 5m, takeover: 20s, startup: empty }\n');
    const results = await resultsOf([file]);
    const metrics = (results.cells as { metrics: Record<string, unknown> }[])[0]!.metrics;
    const failover = metrics.failover as Record<string, unknown>;
    expect(failover).toMatchObject({ monitor_crashes: 1, monitor_down_ms: 20_000, takeover_false_suspicions: 5 });
    const undocumented = ['failover', ...Object.keys(failover)].filter((n) => !docs.includes(`\`${n}\``));
    expect(undocumented).toEqual([]);
  });

  it('names every field of a decentralised protocol run, `membership` and its parts included', async () => {
    const results = await resultsOf(['serf', '--set', 'duration=2m', '--set', 'warmup=0', '--set', 'cluster.nodes=6']);
    const metrics = (results.cells as Record<string, unknown>[])[0]!.metrics as Record<string, unknown>;
    const membership = metrics.membership as Record<string, unknown>;
    const names = new Set(Object.keys(membership));
    for (const value of Object.values(membership)) {
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) for (const k of Object.keys(value)) names.add(k);
    }
    expect([...names].filter((n) => !docs.includes(`\`${n}\``))).toEqual([]);
  });

  it('describes a timeline entry as the run writes it', async () => {
    const results = await resultsOf(['seed-demo']);
    const entries = (results.sample as { timeline: { entries: Record<string, unknown>[] } }).timeline.entries;
    expect(entries.map((e) => e.event)).toEqual(['crash', 'verdict', 'verdict']);
    expect(Object.keys(entries[1]!)).toEqual(['t_ms', 'node', 'event', 'from', 'to', 'cause']);
    expect(entries[1]).toMatchObject({ node: 'worker-1', from: 'ALIVE', to: 'SUSPECTED' });
  });
});
