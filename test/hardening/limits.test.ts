/**
 * Issue 16 item 3: input that validates never ends in exit 3. Ranges come from what
 * the engine can represent (integer µs below 2^53, finite means, finite φ crossing
 * times) and are refused at validation with file:line and the limit stated; heavy
 * tails are capped beyond every run's end.
 */
import { describe, expect, it } from 'vitest';
import { DurationSampler, MAX_DRAW_US } from '../../src/sim/random/distributions.js';
import { StreamBank } from '../../src/sim/random/streams.js';
import { cli, tempDir, TINY, writeScenario } from './support.js';
import { namedStreamKey } from '../../src/sim/random/stream-keys.js';

const LIMIT = 'at most 6500d, about 17.8 years: simulated time is whole µs below 2^53, and sums of a few spans must stay exact';

async function validate(extra: string) {
  const dir = tempDir();
  const path = writeScenario(dir, `${TINY}${extra}\n`);
  return { ...(await cli(['validate', path])), dir, path };
}

describe('limits derived from the engine', () => {
  it.each([
    ['link: { delay: { dist: pareto, scale: 1ms, shape: 0.01 } }', /tiny\.yaml:\d+:\d+ link\.delay\.shape: expected a number above 1 and at most 100 \(for a shape ≤ 1 the mean is infinite/],
    ['detector: { kind: timeout, timeout: 99999999999999999999x }', new RegExp(`tiny\\.yaml:\\d+:\\d+ detector\\.timeout: the detector's timeout resolves to 1\\.00e\\+26 µs; it must be ${LIMIT.replace(/[.^()]/g, '\\$&')}`)],
    ['heartbeat: { interval: 100000d }', /tiny\.yaml:\d+:\d+ heartbeat\.interval: .*too large; at most 6500d/],
    ['detector: { kind: phi_akka, threshold: 400 }', /tiny\.yaml:\d+:\d+ detector\.threshold: expected a number from 1e-9 to 300 .*got 400/],
    ['detector: { kind: phi_akka, threshold: 1e-20 }', /tiny\.yaml:\d+:\d+ detector\.threshold: expected a number from 1e-9 to 300 .*got 1e-20/],
    ['detector: { kind: lease, lease: 100000d }', /tiny\.yaml:\d+:\d+ detector\.lease: .*too large; at most 6500d/],
  ])('%s is refused at validation with its place and limit (exit 2)', async (extra, message) => {
    // The later key wins over TINY's: YAML refuses duplicate keys, so replace instead.
    const dir = tempDir();
    const key = extra.split(':')[0]!;
    const text = TINY.split('\n').filter((l) => !l.startsWith(`${key}:`)).join('\n') + `${extra}\n`;
    const path = writeScenario(dir, text);
    const r = await cli(['validate', path]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('a heavy tail that validates runs (exit 0): draws beyond every run end are capped, never Infinity', async () => {
    const dir = tempDir();
    for (const law of ['{ dist: pareto, scale: 1ms, shape: 1.01 }', '{ dist: lognormal, median: 1ms, sigma: 20 }']) {
      const path = writeScenario(dir, `${TINY}link: { delay: ${law} }\nfaults: [{ pause: { every: 10s, duration: ${law} } }]\n`);
      const r = await cli(['run', path, '--no-pause-survival', '--no-report', '--workers', '1', '--out', dir]);
      expect(r.code, r.stderr).toBe(0);
    }
  });

  it('DurationSampler never draws beyond MAX_DRAW_US, and a draw that large is past any run (2^51 µs > 6500d)', () => {
    const bank = new StreamBank();
    const stream = bank.add({ seed: 'cap', replication: 0 }, namedStreamKey('draws'));
    const sampler = new DurationSampler({ kind: 'lognormal', medianUs: 1000, sigma: 20 }, bank);
    let max = 0;
    for (let i = 0; i < 20_000; i++) max = Math.max(max, sampler.sampleUs(stream));
    expect(max).toBe(MAX_DRAW_US);
    expect(MAX_DRAW_US).toBeGreaterThan(2 * 6500 * 86_400_000_000);
    expect(MAX_DRAW_US + 2 * 6500 * 86_400_000_000).toBeLessThan(2 ** 53);
  });

  it('node names that are Object.prototype members run end to end (report included)', async () => {
    const dir = tempDir();
    const path = writeScenario(dir, `${TINY.replace('cluster: { nodes: 2 }', 'cluster: { nodes: [constructor, toString, hasOwnProperty, valueOf] }')}faults: [{ crash: { nodes: [constructor], mttf: 20s, mttr: 5s } }]\n`);
    const r = await cli(['run', path, '--no-pause-survival', '--workers', '1', '--out', dir]);
    expect(r.code, r.stderr).toBe(0);
  });
});
