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
 *
 * And the module's bytes are what its text form (merge-kernel.ts's header) says: the
 * text is assembled again here, instruction by instruction (the binary encoding of the
 * WebAssembly core and SIMD specifications: opcodes, LEB128 immediates, memargs).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Fault, LinkConfig } from '../../../src/sim/config.js';
import { runProtocols, type ProtocolRunSpec } from '../../../src/sim/engine/run-protocols.js';
import { ArrivalWindows, type ConvictionRule } from '../../../src/sim/protocols/gossip/arrival-windows.js';
import { gossipHeartbeats, type GossipConfig } from '../../../src/sim/protocols/gossip/gossip.js';
import { arenaBytes, MemoryArena } from '../../../src/sim/protocols/gossip/arena.js';
import { divisibilityConstants, kernelBound32, kernelSupported, MERGE_KERNEL_BYTES } from '../../../src/sim/protocols/gossip/merge-kernel.js';
import { instantiateScanKernel, SCAN_KERNEL_BYTES } from '../../../src/sim/protocols/gossip/scan-kernel.js';
import { assembleKernelText } from './wasm-text.js';

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
  /** What the kernel must have left to JavaScript (or, `closed`, done itself) in this run (so the comparison covers it). */
  readonly leaves: readonly ('listed' | 'checked' | 'closed')[];
  readonly config: Partial<GossipConfig>;
  readonly spec: Partial<ProtocolRunSpec>;
}

/** Runs one case on either path; returns everything a member holds, the tallies, and the module (for its counters). */
function run(c: Case, kernel: boolean, copyOnWrite = kernel, compactWindows = kernel) {
  const m = gossipHeartbeats({ intervalUs: I, fanout: 1, seeds: 2, gossipToUnreachable: true, maxLocalPauseUs: 5 * I, rule: phi(1000), ...c.config, mergeKernel: kernel, copyOnWrite, compactWindows });
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
    leaves: ['listed', 'closed'], // no lane is decided by the main pass: each report closes a block (the kernel's second pass)
    config: { rule: phi(7), fanout: 2 },
    spec: { links: { default: link(0.1, 0.03) }, crashes: [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 90 * I, mttrUs: 25 * I }] },
  },
  // 30 = 7·4 + 2; blocks of 3; pauses, starvation and drift (views DOWN, rounds far apart).
  'two tail lanes, blocks of 3, pauses, CPU starvation, clock drift': {
    members: 30,
    leaves: ['listed', 'checked', 'closed'],
    config: { rule: phi(25) },
    spec: { faults: pauses, crashes: [{ kind: 'crashAt', nodes: { kind: 'named', names: ['m3'] }, atUs: 100 * I, downUs: 40 * I }] },
  },
  // sample_size 1: one block of one interval, so every recorded report closes it and evicts it (the ring's next block is itself).
  'a one-interval window: every report closes and evicts the only block': {
    members: 9,
    leaves: ['closed'],
    config: { rule: phi(1), fanout: 2 },
    spec: { links: { default: link(0.05) }, crashes: [{ kind: 'crashAt', nodes: { kind: 'named', names: ['m4'] }, atUs: 120 * I, downUs: 50 * I }] },
  },
  // MAX_INTERVAL below the round: many intervals not recorded (the base moves); heavy loss.
  'intervals over MAX_INTERVAL, 30 % loss': {
    members: 16,
    leaves: ['listed', 'checked'],
    config: { rule: phi(1000, 1_100_000) },
    spec: { links: { default: link(0.3) }, crashes: [{ kind: 'crashAt', nodes: { kind: 'named', names: ['m6'] }, atUs: 150 * I, downUs: 60 * I }] },
  },
};

describe('the merge kernel (compact windows, snapshots copied on write) leaves every member state as the JavaScript path (windows in doubles, snapshots copied as messages leave) does', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      const js = run(c, false);
      const k = run(c, true);
      expect(js.module.usesKernel()).toBe(false);
      expect(k.module.usesKernel()).toBe(true);
      expect(js.module.windowLayout().compact).toBe(false);
      expect(k.module.windowLayout().compact).toBe(true);
      const left = k.module.kernelCounters();
      for (const what of c.leaves) expect(left[what], what).toBeGreaterThan(0);
      // Both ways of handling a snapshot occurred: copied because its member wrote its row first, and read live.
      expect(js.module.snapshotCounters()).toEqual({ copiedOnWrite: 0, readLive: 0 });
      const cow = k.module.snapshotCounters();
      expect(cow.copiedOnWrite).toBeGreaterThan(0);
      expect(cow.readLive).toBeGreaterThan(0);
      expect(k.result).toEqual(js.result);
    });
  }

  it('blocks closed by JavaScript when the block lines are not in the kernel memory (kernelCloses: false), each window as the reference', () => {
    const c: Case = {
      members: 13,
      leaves: [],
      config: { rule: phi(13), fanout: 2, kernelCloses: false },
      spec: { links: { default: link(0.1, 0.03) }, faults: pauses, crashes: [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 90 * I, mttrUs: 25 * I }] },
    };
    const js = run(c, false);
    const k = run(c, true);
    const closing = run({ ...c, config: { ...c.config, kernelCloses: true } }, true);
    expect(k.module.usesKernel()).toBe(true);
    const left = k.module.kernelCounters();
    const closed = closing.module.kernelCounters();
    expect(left.closed).toBe(0);
    expect(closed.closed).toBeGreaterThan(1_000);
    expect(left.listed).toBe(closed.listed + closed.closed); // the same lanes, listed to JavaScript instead
    expect(k.result).toEqual(js.result);
    expect(closing.result).toEqual(js.result);
  });

  it('snapshots copied on write on the JavaScript path too (duplicates, restarts, pauses)', () => {
    const c: Case = {
      members: 13,
      leaves: [],
      config: { fanout: 2 },
      spec: { links: { default: link(0.1, 0.05) }, faults: pauses, crashes: [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 90 * I, mttrUs: 25 * I }] },
    };
    const eager = run(c, false, false);
    const lazy = run(c, false, true);
    expect(lazy.module.snapshotCounters().copiedOnWrite).toBeGreaterThan(0);
    expect(lazy.result).toEqual(eager.result);
  });

  it('compact windows over 40 simulated minutes (epochs moved, tLast clamped after a 20-minute pause), on both paths, equal windows in doubles', () => {
    // Member m2 pauses 20 min (> 2³⁰ µs): everyone's tLast of it, and its tLast of everyone, gets clamped when epochs move.
    const c: Case = {
      members: 7,
      leaves: [],
      config: {},
      spec: {
        durationUs: 2_400 * I,
        links: { default: link(0.02) },
        faults: [{ kind: 'senderPause', nodes: { kind: 'named', names: ['m2'] }, onset: { kind: 'at', atUs: 300 * I }, duration: { kind: 'constant', valueUs: 1_200 * I }, afterPause: 'skip' }],
      },
    };
    const reference = run(c, false, false, false);
    const k = run(c, true);
    const jsCompact = run(c, false, false, true);
    expect(reference.module.windowLayout()).toEqual({ compact: false, rebased: 0, clamped: 0 });
    for (const r of [k, jsCompact]) {
      const layout = r.module.windowLayout();
      expect(layout.compact).toBe(true);
      expect(layout.rebased).toBeGreaterThan(7 * 3); // every row's epoch moved at least every ~9 min
      expect(layout.clamped).toBeGreaterThan(6); // the paused member's row, and its column
      expect(r.result).toEqual(reference.result);
    }
    expect(k.module.usesKernel()).toBe(true);
    expect(reference.result.membership.deathsOriginated).toBeGreaterThan(0); // m2 was convicted (and it convicted nobody on waking)
  });

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

describe("the status check's row scan (ArrivalWindows.scanRow)", () => {
  it('finds the convictable endpoints in order and the earliest other instant, as convictFromUs pair by pair (phi compact and in doubles, fixed timeout)', () => {
    const rules: [ConvictionRule, boolean][] = [
      [phi(25), true],
      [phi(25), false],
      [{ kind: 'timeout', timeoutUs: 5 * I }, false],
    ];
    let seed = 12345;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (const [rule, compact] of rules) {
      const R = 37;
      const rows = 5;
      const w = new ArrivalWindows(R * rows, rule, undefined, R, compact);
      w.startRange(0, R * rows, 0);
      const view = new Uint8Array(R * rows);
      let l = 0;
      let convicted = 0;
      for (let step = 0; step < 400; step++) {
        l += Math.floor(random() * 0.3 * I);
        for (let k = 0; k < 20; k++) {
          const pair = Math.floor(random() * R * rows);
          if (pair % 6 !== 0) w.report(pair, l); // every sixth pair silent: convicted after ≈ 18 initial intervals
        }
        for (let k = 0; k < 3; k++) view[Math.floor(random() * R * rows)] = random() < 0.5 ? 0 : 2; // UP / DOWN
        const row = step % rows;
        const self = (step * 7) % R;
        const expected: number[] = [];
        let next = Infinity;
        for (let e = 0; e < R; e++) {
          if (e === self || view[row * R + e] !== 0) continue;
          const from = w.convictFromUs(row * R + e);
          if (l >= from) expected.push(e);
          else if (from < next) next = from;
        }
        expect(w.scanRow(row, self, view, l)).toBe(next);
        expect([...w.convicted.subarray(0, w.convictedCount)]).toEqual(expected);
        convicted += expected.length;
      }
      expect(convicted).toBeGreaterThan(0); // the comparison covered convictions, not only bounds
    }
  });
});

describe("the status check's row scan in WebAssembly (scan-kernel.ts)", () => {
  it('gives what the JavaScript scan gives — convicted endpoints in order, the earliest other instant — for even and odd rows, self anywhere', () => {
    let seed = 777;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    let convicted = 0;
    let scans = 0;
    for (const R of [37, 40, 2, 3]) {
      const rows = 4;
      const pairs = R * rows;
      const arena = new MemoryArena(arenaBytes(4 * pairs) * 2 + arenaBytes(2 * pairs) + arenaBytes(pairs) + arenaBytes(4 * R) + arenaBytes(16));
      const inKernel = new ArrivalWindows(pairs, phi(25), arena, R);
      const view = arena.uint8(pairs);
      inKernel.useScanKernel(instantiateScanKernel(arena.memory), arena.int32(R), arena.int32(4));
      const inJs = new ArrivalWindows(pairs, phi(25), undefined, R);
      expect(inKernel.compact && inJs.compact).toBe(true);
      for (const w of [inKernel, inJs]) w.startRange(0, pairs, 0);
      let l = 0;
      for (let step = 0; step < 300; step++) {
        l += Math.floor(random() * 0.4 * I);
        for (let k = 0; k < 12; k++) {
          const pair = Math.floor(random() * pairs);
          if (pair % 5 !== 1) for (const w of [inKernel, inJs]) w.report(pair, l); // every fifth pair silent: convictable after a while
        }
        for (let k = 0; k < 2; k++) view[Math.floor(random() * pairs)] = random() < 0.6 ? 0 : 2; // UP / DOWN
        const row = step % rows;
        const self = [0, R - 1, Math.floor(R / 2), step % R][step % 4]!;
        const next = inJs.scanRow(row, self, view, l);
        const expected = [...inJs.convicted.subarray(0, inJs.convictedCount)];
        expect(inKernel.scanRow(row, self, view, l)).toBe(next);
        expect([...inKernel.convicted.subarray(0, inKernel.convictedCount)]).toEqual(expected);
        convicted += expected.length;
        scans++;
      }
    }
    expect(scans).toBe(1_200);
    expect(convicted).toBeGreaterThan(100); // convictions and bounds both compared
  });

  it("its bytes are its text form assembled, and a valid module", () => {
    const source = readFileSync(new URL('../../../src/sim/protocols/gossip/scan-kernel.ts', import.meta.url), 'utf8');
    expect([...assembleKernelText(source, 'scan')]).toEqual([...SCAN_KERNEL_BYTES]);
    expect((globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly.validate(SCAN_KERNEL_BYTES)).toBe(true);
  });

  it('refuses fields outside its memory', () => {
    const arena = new MemoryArena(4096);
    const plain = new ArrivalWindows(16, phi(25), undefined, 4);
    expect(() => plain.useScanKernel(instantiateScanKernel(arena.memory), arena.int32(4), arena.int32(4))).toThrow(/memory/);
  });
});

describe("the kernel's block-close test", () => {
  it('c·M mod 2³² ≤ M − 1 (unsigned) iff the block size divides c, for every count below 2¹⁶', () => {
    const wrong: string[] = [];
    for (const bs of [1, 2, 3, 7, 64, 100, 101, 1_000, 4_096, 6_554, 65_535]) {
      const [m, m1] = divisibilityConstants(bs);
      for (let c = 0; c < 65_536; c++) if (Math.imul(c, m) >>> 0 <= m1 >>> 0 !== (c % bs === 0)) wrong.push(`${bs} ${c}`);
    }
    expect(wrong).toEqual([]);
    expect(() => divisibilityConstants(65_536)).toThrow(RangeError);
  });
});

describe("the kernel's f32 bound test (merge-kernel.ts kernelBound32)", () => {
  // The kernel's main pass, in JavaScript: f32x4.convert_i32x4_s rounds to nearest (Math.fround); the f32 product of two
  // f32 values is exact in a double (24 + 24 bits), so Math.fround of it is f32x4.mul's correctly rounded result.
  const skipsF32 = (s: number, c: number, b32: number) => Math.fround(s) >= Math.fround(Math.fround(c) * b32);
  const skipsF64 = (s: number, c: number, factor: number, bound: number) => factor * s >= bound * c;
  /** What a skip must guarantee (exchange.ts applyStates): the instant's offset ⌊factor·(s/c)⌋ is ≥ K, so it cannot lower the bound K + l + 1. */
  const safe = (s: number, c: number, factor: number, K: number) => Math.floor(factor * (s / c)) >= K;

  it('skips a lane only where the doubles test skips it, and then the conviction instant cannot lower the bound (random and boundary sums)', () => {
    let f32Skips = 0;
    let listedMore = 0;
    let boundaryCases = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 65_535 }),
        fc.integer({ min: -1_000, max: 2 ** 31 }),
        fc.double({ min: 0.5, max: 20, noNaN: true }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (c, K, threshold, random) => {
          const factor = threshold * Math.LN10;
          const bound = K * (1 + 1e-9);
          const b32 = kernelBound32(bound, factor);
          // The sums where the test turns: around c·bound/factor (clamped to the Int32 sums the kernel holds), and a random one.
          const turn = Math.ceil((c * bound) / factor);
          const sums = [random];
          for (let d = -40; d <= 40; d++) sums.push(Math.min(2 ** 31 - 1, Math.max(0, turn + d)));
          for (const s of sums) {
            if (s !== random) boundaryCases++;
            if (!skipsF32(s, c, b32)) {
              if (skipsF64(s, c, factor, bound)) listedMore++;
              continue;
            }
            f32Skips++;
            if (!skipsF64(s, c, factor, bound) || !safe(s, c, factor, K)) return false;
          }
          return true;
        },
      ),
      { seed: 15, numRuns: 3_000 },
    );
    expect(boundaryCases).toBeGreaterThan(100_000);
    expect(f32Skips).toBeGreaterThan(10_000); // the property was exercised where the kernel skips
    expect(listedMore).toBeGreaterThan(0); // and the margin is real: a few lanes the doubles test skips are listed
  });

  it('skips every lane when the bound is ≤ 0 and none when no conviction is pending (bound ∞)', () => {
    const factor = 8 * Math.LN10;
    for (const s of [0, 1, 999_999, 2 ** 31 - 1]) {
      for (const c of [1, 7, 1_000, 65_535]) {
        expect(skipsF32(s, c, kernelBound32(0, factor))).toBe(true);
        expect(skipsF32(s, c, kernelBound32(-5 * (1 + 1e-9), factor))).toBe(true);
        expect(skipsF32(s, c, kernelBound32(Infinity, factor))).toBe(false);
      }
    }
  });
});

describe("the kernel's bytes", () => {
  it('are its text form assembled, and a valid module', () => {
    const source = readFileSync(new URL('../../../src/sim/protocols/gossip/merge-kernel.ts', import.meta.url), 'utf8');
    const assembled = assembleKernelText(source);
    expect(assembled.length).toBeGreaterThan(1000);
    expect([...assembled]).toEqual([...MERGE_KERNEL_BYTES]);
    expect(kernelSupported()).toBe(true); // WebAssembly.validate of these bytes
  });
});
