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
import { describe, expect, it } from 'vitest';
import type { Fault, LinkConfig } from '../../../src/sim/config.js';
import { runProtocols, type ProtocolRunSpec } from '../../../src/sim/engine/run-protocols.js';
import { gossipHeartbeats, type GossipConfig } from '../../../src/sim/protocols/gossip/gossip.js';
import { divisibilityConstants, kernelSupported, MERGE_KERNEL_BYTES } from '../../../src/sim/protocols/gossip/merge-kernel.js';

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

/** Assembles the kernel's text form as merge-kernel.ts's header prints it (one function, the subset of instructions it uses). */
function assembleKernelText(source: string): Uint8Array {
  const start = source.indexOf(' * (func $merge');
  const end = source.indexOf('\n * )\n', start);
  const lines = source
    .slice(start, end)
    .split('\n')
    .map((line) => line.replace(/^ \*( |$)/, ''));
  const header = lines.slice(0, 3).join(' ');
  const TYPE: Record<string, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };
  const params = [...header.matchAll(/\(param \$(\w+) (\w+)\)/g)].map((x) => [x[1]!, x[2]!] as const);
  const results = [...header.matchAll(/\(result (\w+)\)/g)].map((x) => x[1]!);
  const locals = [...header.matchAll(/\(local \$(\w+) (\w+)\)/g)].map((x) => [x[1]!, x[2]!] as const);
  const index = new Map([...params, ...locals].map(([name], i) => [name, i]));
  const leb = (v: number): number[] => {
    const out: number[] = [];
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v) b |= 0x80;
      out.push(b);
    } while (v);
    return out;
  };
  const sleb = (v: number): number[] => {
    const out: number[] = [];
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) return [...out, b];
      out.push(b | 0x80);
    }
  };
  const PLAIN: Record<string, number[]> = {
    'i32.add': [0x6a], 'i32.sub': [0x6b], 'i32.shl': [0x74], 'i32.and': [0x71], 'i32.ge_u': [0x4f], 'i32.eqz': [0x45],
    end: [0x0b], block: [0x02, 0x40], loop: [0x03, 0x40], if: [0x04, 0x40],
  };
  const SIMD: Record<string, number> = {
    'i32x4.splat': 0x11, 'f64x2.splat': 0x14, 'i32x4.eq': 0x37, 'i32x4.gt_s': 0x3b, 'f64x2.eq': 0x47, 'f64x2.gt': 0x4a, 'f64x2.ge': 0x4c,
    'v128.not': 0x4d, 'v128.and': 0x4e, 'v128.andnot': 0x4f, 'v128.or': 0x50, 'v128.bitselect': 0x52, 'v128.any_true': 0x53,
    'f64x2.floor': 0x75, 'i16x8.extend_low_i8x16_u': 0x89, 'i32x4.bitmask': 0xa4, 'i32x4.extend_low_i16x8_u': 0xa9, 'i32x4.add': 0xae, 'i32x4.sub': 0xb1, 'i32x4.mul': 0xb5, 'i32x4.le_u': 0x3e,
    'i16x8.narrow_i32x4_u': 0x86, 'i64x2.extend_low_i32x4_s': 0xc7, 'i64x2.extend_high_i32x4_s': 0xc8, 'f64x2.add': 0xf0, 'f64x2.sub': 0xf1, 'f64x2.mul': 0xf2, 'f64x2.div': 0xf3,
    'f64x2.convert_low_i32x4_s': 0xfe,
  };
  const MEMORY: Record<string, number[]> = { 'v128.load': [0xfd, 0x00, 0], 'v128.store': [0xfd, 0x0b, 0], 'v128.load32_zero': [0xfd, 0x5c, 0], 'v128.load64_zero': [0xfd, 0x5d, 0], 'i32.store': [0x36, 2] };
  const tokens = lines.slice(3).join(' ').split(/\s+/).filter((t) => t !== '' && t !== ')');
  const code: number[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const op = tokens[k]!;
    const next = () => tokens[++k]!;
    if (op === 'local.get' || op === 'local.set' || op === 'local.tee') {
      const name = next().slice(1);
      expect(index.has(name), name).toBe(true);
      code.push(op === 'local.get' ? 0x20 : op === 'local.set' ? 0x21 : 0x22, ...leb(index.get(name)!));
    } else if (op === 'i32.const') code.push(0x41, ...sleb(Number(next())));
    else if (op === 'br' || op === 'br_if') code.push(op === 'br' ? 0x0c : 0x0d, ...leb(Number(next())));
    else if (op === 'i8x16.shuffle') code.push(0xfd, 0x0d, ...Array.from({ length: 16 }, () => Number(next())));
    else if (op === 'i32x4.extract_lane') code.push(0xfd, 0x1b, Number(next()));
    else if (op === 'v128.store64_lane') code.push(0xfd, 0x5b, 0, 0, Number(next())); // memarg (align 0, offset 0), lane
    else if (op in MEMORY) {
      const offset = tokens[k + 1]?.startsWith('offset=') ? Number(next().slice(7)) : 0;
      code.push(...MEMORY[op]!, ...leb(offset));
    } else if (op in PLAIN) code.push(...PLAIN[op]!);
    else if (op in SIMD) code.push(0xfd, ...leb(SIMD[op]!));
    else throw new Error(`unknown instruction ${op}`);
  }
  code.push(0x0b);
  const vec = (items: number[][]) => [...leb(items.length), ...items.flat()];
  const name = (s: string) => [...leb(s.length), ...Buffer.from(s, 'utf8')];
  const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
  const type = [0x60, ...vec(params.map(([, t]) => [TYPE[t]!])), ...vec(results.map((t) => [TYPE[t]!]))];
  const body = [...vec(locals.map(([, t]) => [1, TYPE[t]!])), ...code];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([type])),
    ...section(2, vec([[...name('m'), ...name('memory'), 0x02, 0x00, 1]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name('merge'), 0x00, 0]])),
    ...section(10, vec([[...leb(body.length), ...body]])),
  ]);
}

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

describe("the kernel's bytes", () => {
  it('are its text form assembled, and a valid module', () => {
    const source = readFileSync(new URL('../../../src/sim/protocols/gossip/merge-kernel.ts', import.meta.url), 'utf8');
    const assembled = assembleKernelText(source);
    expect(assembled.length).toBeGreaterThan(1000);
    expect([...assembled]).toEqual([...MERGE_KERNEL_BYTES]);
    expect(kernelSupported()).toBe(true); // WebAssembly.validate of these bytes
  });
});
