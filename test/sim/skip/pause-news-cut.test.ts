/**
 * The pause-survival search's walks (`pausesOnly`) end the segment of a node's last pause
 * at the pause's first news (timeout-walk.ts `newsBy`) instead of W heartbeats past it.
 * A worked case pins where the walk stops and what it counts, by hand; the property in
 * timeout-walk-pauses.test.ts checks the two pause tallies against full walks.
 */
import { describe, expect, it } from 'vitest';
import { runTimeoutWalk } from '../../../src/sim/skip/timeout-walk.js';
import { heartbeatPhaseUs } from '../../../src/sim/fast/node-streams.js';
import { S, senderPause, walkConfig } from './walk-vs-engine.js';

describe('pausesOnly walks stop at the first news after the pause', () => {
  it('lossless, no jitter, constant delay: sends counted to one heartbeat past the first after the pause, pause tallies as a full walk and by hand', () => {
    const I = S;
    const startUs = 40_300_000;
    const lengthUs = 2_500_000;
    const endUs = startUs + lengthUs;
    const baseUs = 1_000;
    const delayUs = 700;
    const warmupUs = 15 * S;
    const c = walkConfig('pause-news-cut', {
      nodes: 12,
      durationUs: 120 * S,
      warmupUs,
      link: { lossProbability: 0, duplicateProbability: 0, delay: { baseUs, random: { kind: 'constant', valueUs: delayUs } } },
      faults: [senderPause({ kind: 'at', atUs: startUs }, { kind: 'constant', valueUs: lengthUs })],
    });
    // By hand: node phase φ sends at φ + kI; the pause holds back the sends in [s, e); the
    // first after it, k₁, arrives at φ + k₁I + b + d, after nominal(k₁) + b and before
    // nominal(k₁ + 1) + b: the walk stops after heartbeat k₁ + 1. A suspicion (exact
    // timers, T = 3 s) falls in the pause's window iff the silence k₁ − k₀ intervals
    // (k₀ the last send before s) exceeds T.
    let sent = 0;
    let suspected = 0;
    for (const name of c.nodeNames) {
      const phase = heartbeatPhaseUs({ seed: c.seed, replication: 0 }, name, I);
      const k0 = Math.ceil((startUs - phase) / I) - 1;
      const k1 = Math.ceil((endUs - phase) / I);
      for (let k = 0; k <= k1 + 1; k++) {
        const at = phase + k * I;
        if (at >= warmupUs && !(at >= startUs && at < endUs)) sent++;
      }
      if ((k1 - k0) * I > 3 * S) suspected++;
    }
    expect(suspected).toBeGreaterThan(0); // both outcomes occur among the 12 phases
    expect(suspected).toBeLessThan(12);
    const probe = runTimeoutWalk(c, undefined, { pausesOnly: true }).tallies;
    const full = runTimeoutWalk(c).tallies;
    expect(probe.pauses).toBe(12);
    expect(probe.pausesWithSuspicion).toBe(suspected);
    expect(full.pausesWithSuspicion).toBe(suspected);
    expect(probe.heartbeatsSent).toBe(sent);
    expect(full.heartbeatsSent).toBeGreaterThan(sent);
  });
});
