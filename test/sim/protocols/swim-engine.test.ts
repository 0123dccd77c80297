/**
 * The SWIM engine's shortcuts change no result: view compaction (converged views
 * dropped, views.ts), the eventless delivery of gossip packets that carry no news
 * (swim-core.ts knowsAll) and the side queues (side-queue.ts: near-sorted event kinds
 * kept beside the engine's queue). Each is compared with the engine run without it, on
 * scenarios with restarts, pauses and partitions, tally for tally and view for view.
 */
import { describe, expect, it } from 'vitest';
import { SwimSimulation, type SwimEngineOptions } from '../../../src/sim/protocols/swim/swim-simulation.js';
import { View } from '../../../src/sim/protocols/swim/views.js';
import { S, swimConfig, type SwimTestOptions } from './support.js';

const lan = { lossProbability: 0.01, duplicateProbability: 0, delay: { baseUs: 200, random: { kind: 'exponential' as const, meanUs: 300 } } };

function sim(o: SwimTestOptions, engine: SwimEngineOptions = {}): SwimSimulation {
  const config = swimConfig(o);
  return new SwimSimulation(config, config.protocol, engine);
}

function allViews(s: SwimSimulation, n: number): string {
  const out: number[] = [];
  for (let o = 0; o < n; o++) for (let t = 0; t < n; t++) if (o !== t) out.push(s.viewOf(o, t).state, s.viewOf(o, t).inc);
  return out.join(',');
}

/**
 * The same scenario with and without an engine shortcut: the views of every pair agree
 * at 1/3 and 2/3 of the run and at its end, and so do the tallies and view records.
 */
function runBothWays(o: SwimTestOptions, without: SwimEngineOptions) {
  const on = sim(o);
  const off = sim(o, without);
  const end = o.durationUs / S;
  for (const t of [end / 3, (2 * end) / 3]) {
    on.runUntil(Math.round(t) * S);
    off.runUntil(Math.round(t) * S);
    expect(allViews(on, o.members)).toBe(allViews(off, o.members));
  }
  const a = on.finishRun();
  const b = off.finishRun();
  expect(a.tallies).toEqual(b.tallies);
  expect(allViews(on, o.members)).toBe(allViews(off, o.members));
  expect(a.viewRecords).toBe(b.viewRecords);
  return { on, off, a, b };
}

const churn: SwimTestOptions = {
  members: 40,
  durationUs: 900 * S,
  link: lan,
  crashes: [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 1200 * S, mttrUs: 30 * S }],
  faults: [
    { kind: 'senderPause', nodes: { kind: 'all' }, onset: { kind: 'poisson', meanGapUs: 900 * S }, duration: { kind: 'exponential', meanUs: 4 * S }, afterPause: 'skip' },
    { kind: 'partition', nodes: { kind: 'named', names: ['node-01', 'node-02', 'node-03'] }, scope: 'group', direction: 'both', onset: { kind: 'poisson', meanGapUs: 300 * S }, duration: { kind: 'exponential', meanUs: 15 * S } },
  ],
};

describe('engine shortcuts change no result', () => {
  it('view compaction: same tallies and the same view of every pair at every checkpoint, fewer records', () => {
    const on = sim(churn);
    const off = sim(churn, { compactionUs: Number.POSITIVE_INFINITY });
    for (let t = 100; t <= 900; t += 100) {
      on.runUntil(t * S);
      off.runUntil(t * S);
      expect(allViews(on, 40)).toBe(allViews(off, 40));
    }
    const a = on.finishRun();
    const b = off.finishRun();
    expect(a.tallies).toEqual(b.tallies);
    expect(a.tallies.crashes).toBeGreaterThan(10);
    expect(a.viewRecords).toBeLessThan(b.viewRecords / 2);
  });

  it('eventless gossip: same tallies and views, fewer events', () => {
    const on = sim(churn);
    const off = sim(churn, { eventlessGossip: false });
    const a = on.run();
    const b = off.run();
    expect(a.tallies).toEqual(b.tallies);
    expect(allViews(on, 40)).toBe(allViews(off, 40));
    expect(a.events).toBeLessThan(b.events);
  });
});

/** Scenarios that exercise every path of the engine's shortcuts: restarts, pauses, starvation, partitions, slow I/O, ties. */
const named = (...names: string[]) => ({ kind: 'named' as const, names });
const crashes = [{ kind: 'crashRecover' as const, nodes: { kind: 'all' as const }, mttfUs: 600 * S, mttrUs: 20 * S }];
const exp = (meanUs: number) => ({ kind: 'exponential' as const, meanUs });
const scenarios: Record<string, SwimTestOptions> = {
  'churn + GC pauses': { members: 40, durationUs: 400 * S, link: lan, crashes, faults: [{ kind: 'senderPause', nodes: { kind: 'all' }, onset: { kind: 'poisson', meanGapUs: 200 * S }, duration: exp(2 * S), afterPause: 'skip' }] },
  'CPU starvation': { members: 30, durationUs: 300 * S, link: lan, crashes, faults: [{ kind: 'cpuStarvation', nodes: named('node-02', 'node-05'), onset: { kind: 'poisson', meanGapUs: 60 * S }, duration: { kind: 'constant', valueUs: 10 * S }, extraDelay: exp(400_000) }] },
  'partitions + slow I/O': {
    members: 40,
    durationUs: 400 * S,
    link: lan,
    crashes,
    faults: [
      { kind: 'partition', nodes: named('node-01', 'node-02', 'node-03'), scope: 'group', direction: 'both', onset: { kind: 'poisson', meanGapUs: 100 * S }, duration: exp(15 * S) },
      { kind: 'partition', nodes: named('node-07'), scope: 'group', direction: 'toObserver', onset: { kind: 'poisson', meanGapUs: 100 * S }, duration: exp(10 * S) },
      { kind: 'slowIo', nodes: named('node-04', 'node-09'), extraDelay: { kind: 'uniform', minUs: 0, maxUs: 300_000 } },
    ],
  },
  'random targets, no Lifeguard': { members: 40, durationUs: 400 * S, link: lan, crashes, lifeguard: false, targetSelection: 'random' },
  '10 % loss': { members: 50, durationUs: 300 * S, loss: 0.1, crashes },
  'high jitter (mean 200 ms)': { members: 40, durationUs: 300 * S, link: { lossProbability: 0.02, duplicateProbability: 0, delay: { baseUs: 0, random: exp(200_000) } }, crashes },
  // Every packet lands at the instant it is sent: same-instant ties everywhere.
  'zero delay + pauses': {
    members: 30,
    durationUs: 300 * S,
    link: { lossProbability: 0.005, duplicateProbability: 0, delay: { baseUs: 0, random: { kind: 'constant', valueUs: 0 } } },
    crashes,
    faults: [{ kind: 'senderPause', nodes: { kind: 'all' }, onset: { kind: 'poisson', meanGapUs: 100 * S }, duration: exp(S), afterPause: 'skip' }],
  },
};

describe('side queues change nothing, not even the event count', () => {
  for (const [name, o] of Object.entries(scenarios)) {
    it(`${name}: same tallies, events, records and views at every checkpoint; most events from side queues`, () => {
      const { on, off, a, b } = runBothWays(o, { sideQueues: false });
      expect(a.events).toBe(b.events);
      expect(a.tallies.crashes).toBeGreaterThan(5);
      expect(on.sideEvents()).toBeGreaterThan(0.8 * a.events);
      expect(off.sideEvents()).toBe(0);
    });
  }
});

describe('unarmed direct timeouts change nothing but the event count', () => {
  // A round whose ack is a packet (it carries broadcasts) arriving before the direct
  // timeout ends at the ack's own event; the timeout event would have found it over.
  for (const [name, o] of Object.entries(scenarios)) {
    it(`${name}: same tallies, records and views at every checkpoint; fewer events unless packets are read late`, () => {
      const { a, b } = runBothWays(o, { eventlessTimeouts: false });
      expect(a.tallies.crashes).toBeGreaterThan(5);
      if (name === 'CPU starvation') expect(a.events).toBe(b.events);
      else expect(a.events).toBeLessThan(b.events);
    });
  }
});

describe('compaction keeps memory linear in members', () => {
  it('once a restart has converged no record is left, and a member restarting later still learns the new incarnation', () => {
    const crashAt = (name: string, atUs: number, downUs: number) => ({ kind: 'crashAt' as const, nodes: { kind: 'named' as const, names: [name] }, atUs, downUs });
    // node-05 restarts at 40 s (incarnation 1); its views converge and are compacted;
    // node-09 restarts at 200 s with the initial views and must learn incarnation 1 by push/pull.
    const o: SwimTestOptions = { members: 30, durationUs: 400 * S, link: lan, crashes: [crashAt('node-05', 10 * S, 30 * S), crashAt('node-09', 150 * S, 50 * S)] };
    const on = sim(o);
    const off = sim(o, { compactionUs: Number.POSITIVE_INFINITY });
    on.runUntil(140 * S);
    off.runUntil(140 * S);
    expect(allViews(on, 30)).toBe(allViews(off, 30));
    for (let obs = 0; obs < 30; obs++) if (obs !== 4) expect(on.viewOf(obs, 4)).toEqual({ state: View.alive, inc: 1 });
    const a = on.finishRun();
    const b = off.finishRun();
    expect(allViews(on, 30)).toBe(allViews(off, 30));
    expect(on.viewOf(8, 4)).toEqual({ state: View.alive, inc: 1 });
    expect(a.tallies).toEqual(b.tallies);
    expect(a.viewRecords).toBe(0);
    expect(b.viewRecords).toBeGreaterThanOrEqual(2 * 29);
  });
});

describe('pauses', () => {
  it('a member paused past its probe round’s deadline ends the round when it resumes (was: an event scheduled in the past)', () => {
    const o: SwimTestOptions = {
      members: 100,
      durationUs: 600 * S,
      link: lan,
      faults: [{ kind: 'senderPause', nodes: { kind: 'all' }, onset: { kind: 'poisson', meanGapUs: 600 * S }, duration: { kind: 'exponential', meanUs: 3 * S }, afterPause: 'skip' }],
    };
    const r = sim(o).run();
    const m = r.tallies.membership!;
    expect(m.failedProbes).toBeGreaterThan(0);
    expect(m.suspicionsOriginated).toBeGreaterThan(0);
  });
});
