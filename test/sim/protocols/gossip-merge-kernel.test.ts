/**
 * The gossip merge kernel (src/sim/protocols/gossip/merge-kernel.ts) against the
 * JavaScript path it replaces: the same runs with `mergeKernel: false` and with the
 * kernel must leave every member's state equal — every version key, view, conviction
 * instant, window mean and conviction bound — and give equal tallies, membership and
 * event counts. The runs are chosen so that every kind of lane the kernel leaves to
 * JavaScript occurs: rows whose length is not a multiple of 4 (the tail), windows of
 * one interval per block (every report closes a block), intervals over MAX_INTERVAL,
 * endpoints held DOWN getting news (echoes, new generations after restarts), duplicated
 * messages (rows merged twice), and more message rows in flight than the kernel's
 * memory holds (rows copied in).
 */
import { describe, expect, it } from 'vitest';
import type { Fault, LinkConfig } from '../../../src/sim/config.js';
import { runProtocols, type ProtocolRunSpec } from '../../../src/sim/engine/run-protocols.js';
import { gossipHeartbeats, type GossipConfig } from '../../../src/sim/protocols/gossip/gossip.js';

const I = 1_000_000;
const link = (loss: number, duplicate = 0): LinkConfig => ({
  lossProbability: loss,
  duplicateProbability: duplicate,
  delay: { baseUs: 200, random: { kind: 'exponential', meanUs: 800 } },
});
const names = (n: number) => Array.from({ length: n }, (_, i) => `m${i}`);
const phi = (sampleSize: number, maxIntervalUs = 2 * I) => ({ kind: 'phi' as const, threshold: 8, initialIntervalUs: 2 * I, maxIntervalUs, sampleSize });

interface Case {
  readonly members: number;
  /** What the kernel must have left to JavaScript in this run (so the comparison covers it). */
  readonly leaves: readonly ('listed' | 'checked')[];
  readonly config: Partial<GossipConfig>;
  readonly spec: Partial<ProtocolRunSpec>;
}

/** Runs one case on either path; returns everything a member holds, the tallies, and the module (for its counters). */
function run(c: Case, kernel: boolean) {
  const m = gossipHeartbeats({ intervalUs: I, fanout: 1, seeds: 2, gossipToUnreachable: true, maxLocalPauseUs: 5 * I, rule: phi(1000), ...c.config, mergeKernel: kernel });
  const nodeNames = names(c.members);
  const r = runProtocols({ seed: 'merge-kernel', replication: 0, nodeNames, durationUs: 300 * I, warmupUs: 0, links: { default: link(0.05) }, typicalIntervalUs: I, ...c.spec }, [m]);
  const n = c.members;
  const state: number[][] = [];
  for (let o = 0; o < n; o++) {
    const row: number[] = [m.checkBoundUs(o)];
    for (let s = 0; s < n; s++) {
      const v = m.versionOf(o, s);
      row.push(v.generation, v.version, m.viewOf(o, s));
      if (s !== o) row.push(m.convictFromUs(o, s), m.meanIntervalUs(o, s));
    }
    state.push(row);
  }
  return { module: m, result: { state, tallies: r.tallies, membership: m.membership(r.endUs), events: r.events } };
}

const pauses: Fault[] = [
  { kind: 'senderPause', nodes: { kind: 'all' }, onset: { kind: 'poisson', meanGapUs: 60 * I }, duration: { kind: 'exponential', meanUs: 8 * I }, afterPause: 'skip' },
  { kind: 'cpuStarvation', nodes: { kind: 'named', names: ['m1', 'm5'] }, onset: { kind: 'poisson', meanGapUs: 40 * I }, duration: { kind: 'constant', valueUs: 6 * I }, extraDelay: { kind: 'exponential', meanUs: 3 * I } },
  { kind: 'clockDrift', nodes: { kind: 'all' }, observer: false, ppm: 150 },
];

const cases: Record<string, Case> = {
  // 13 = 3·4 + 1: a tail lane; one interval per block: every recorded report closes a block; crashes and restarts.
  'tail lane, a block closed by every report, crashes and restarts, duplicates': {
    members: 13,
    leaves: ['listed'], // no lane is decided by the kernel: each report closes a block
    config: { rule: phi(7), fanout: 2 },
    spec: { links: { default: link(0.1, 0.03) }, crashes: [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 90 * I, mttrUs: 25 * I }] },
  },
  // 30 = 7·4 + 2; blocks of 3; pauses, starvation and drift (views DOWN, rounds far apart).
  'two tail lanes, blocks of 3, pauses, CPU starvation, clock drift': {
    members: 30,
    leaves: ['listed', 'checked'],
    config: { rule: phi(25) },
    spec: { faults: pauses, crashes: [{ kind: 'crashAt', nodes: { kind: 'named', names: ['m3'] }, atUs: 100 * I, downUs: 40 * I }] },
  },
  // MAX_INTERVAL below the round: many intervals not recorded (the base moves); heavy loss.
  'intervals over MAX_INTERVAL, 30 % loss': {
    members: 16,
    leaves: ['listed', 'checked'],
    config: { rule: phi(1000, 1_100_000) },
    spec: { links: { default: link(0.3) }, crashes: [{ kind: 'crashAt', nodes: { kind: 'named', names: ['m6'] }, atUs: 150 * I, downUs: 60 * I }] },
  },
};

describe('the merge kernel leaves every member state as the JavaScript path does', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      const js = run(c, false);
      const k = run(c, true);
      expect(js.module.usesKernel()).toBe(false);
      expect(k.module.usesKernel()).toBe(true);
      const left = k.module.kernelCounters();
      for (const what of c.leaves) expect(left[what], what).toBeGreaterThan(0);
      expect(k.result).toEqual(js.result);
    });
  }

  it('with more message rows in flight than the kernel memory holds (rows copied in)', () => {
    // 40 members; 30 of them paused together for 40 s: the SYNs to them queue up (a row each).
    const c: Case = {
      members: 40,
      leaves: [],
      config: { fanout: 2 },
      spec: {
        durationUs: 120 * I,
        faults: [{ kind: 'senderPause', nodes: { kind: 'named', names: names(30) }, onset: { kind: 'at', atUs: 30 * I }, duration: { kind: 'constant', valueUs: 40 * I }, afterPause: 'skip' }],
      },
    };
    const js = run(c, false);
    const k = run(c, true);
    expect(k.module.messageRows()).toBeGreaterThan(128);
    expect(k.module.kernelCounters().copied).toBeGreaterThan(0);
    expect(k.module.usesKernel()).toBe(true);
    expect(k.result).toEqual(js.result);
  });

  it('a fixed timeout runs on the JavaScript path', () => {
    const m = gossipHeartbeats({ intervalUs: I, fanout: 1, seeds: 0, gossipToUnreachable: true, maxLocalPauseUs: Infinity, rule: { kind: 'timeout', timeoutUs: 5 * I } });
    runProtocols({ seed: 's', replication: 0, nodeNames: names(5), durationUs: 10 * I, warmupUs: 0, links: { default: link(0) }, typicalIntervalUs: I }, [m]);
    expect(m.usesKernel()).toBe(false);
  });
});
