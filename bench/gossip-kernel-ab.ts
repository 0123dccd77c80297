/**
 * A/B of two versions of the gossip merge kernel inside one run of the 1 000-member
 * gossip workload (bench/gossip-workload.ts's settings): the calls alternate between the
 * two kernels and each call is timed, so both see the same cache state, the same
 * machine load and the same rows. On this 2-core VM whole-process runs of identical
 * code vary by up to 1.8×; this measures a kernel change to about 1 % (A against A:
 * within 0.7 %). Both kernels must leave the same state (a kernel that changes results
 * changes the run for both).
 *
 *   node --import tsx bench/gossip-kernel-ab.ts <A.ts> <B.ts> [simulated seconds = 300] [swap]
 *
 * A.ts and B.ts are copies of merge-kernel.ts (e.g. `git show <commit>:src/sim/protocols/
 * gossip/merge-kernel.ts > /tmp/A.ts`). `swap` instantiates B first (run both orders:
 * the first instance should not matter, and this checks it). Prints ns a lane for each,
 * over calls of ≤ 30 µs (longer ones are counted as preempted and dropped).
 */
import { pathToFileURL } from 'node:url';
import { runProtocols } from '../src/sim/engine/run-protocols.js';
import { gossipHeartbeats } from '../src/sim/protocols/gossip/gossip.js';

type Merge = (...args: number[]) => number;
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

const [pathA, pathB] = [process.argv[2], process.argv[3]];
if (pathA === undefined || pathB === undefined) throw new Error('usage: gossip-kernel-ab.ts <A.ts> <B.ts> [seconds] [swap]');
const seconds = Number(process.argv[4] ?? 300);
const swap = process.argv[5] === 'swap';
const bytesA = ((await import(pathToFileURL(pathA).href)) as { MERGE_KERNEL_BYTES: Uint8Array }).MERGE_KERNEL_BYTES;
const bytesB = ((await import(pathToFileURL(pathB).href)) as { MERGE_KERNEL_BYTES: Uint8Array }).MERGE_KERNEL_BYTES;

const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
const Instance = wasm.Instance;
const time = [0, 0];
const lanes = [0, 0];
let calls = 0;
let dropped = 0;
// The members instantiate the merge kernel once (exports.merge); its export is replaced by a wrapper alternating A and B on the same memory.
wasm.Instance = function (module: object, imports: object) {
  const instance = new Instance(module, imports);
  if (typeof instance.exports.merge !== 'function') return instance;
  const first = swap ? bytesB : bytesA;
  const second = swap ? bytesA : bytesB;
  const fns = [first, second].map((b) => new Instance(new wasm.Module(b), imports).exports.merge as Merge);
  const merge: Merge = (...args) => {
    const which = calls & 1;
    const t0 = performance.now();
    const r = fns[which]!(...args);
    const dt = performance.now() - t0;
    if (dt < 0.03) {
      time[which]! += dt;
      lanes[which]! += args[8]!; // n4
    } else dropped++;
    calls++;
    return r;
  };
  return { exports: { ...instance.exports, merge } };
} as unknown as WasmApi['Instance'];

const members = 1_000;
const nodeNames = Array.from({ length: members }, (_, i) => `node-${String(i + 1).padStart(4, '0')}`);
const module = gossipHeartbeats({ intervalUs: 1e6, fanout: 1, seeds: 3, gossipToUnreachable: true, maxLocalPauseUs: 5e6, rule: { kind: 'phi', threshold: 8, initialIntervalUs: 2e6, maxIntervalUs: 2e6, sampleSize: 1_000 } });
const run = runProtocols(
  {
    seed: 'bench-gossip',
    replication: 0,
    nodeNames,
    durationUs: seconds * 1e6,
    warmupUs: 0,
    links: { default: { lossProbability: 0.001, duplicateProbability: 0, delay: { baseUs: 200, random: { kind: 'exponential', meanUs: 300 } } } },
    crashes: [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 100 * 3600e6, mttrUs: 120e6 }],
    typicalIntervalUs: 1e6,
  },
  [module],
);
const [a, b] = swap ? [1, 0] : [0, 1];
const ns = (k: number) => Number(((1e6 * time[k]!) / lanes[k]!).toFixed(3));
console.log(JSON.stringify({ events: run.events, A_ns_per_lane: ns(a), B_ns_per_lane: ns(b), B_vs_A: Number((ns(b) / ns(a) - 1).toFixed(4)), calls, dropped }));
