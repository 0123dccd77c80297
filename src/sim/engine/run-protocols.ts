/**
 * Runs protocol modules on the kernel with the shared services: node-to-node
 * network, crash service, clocks, streams, books. This is the composition root of a
 * module run; the kernel itself knows none of these.
 */
import type { CrashFault } from '../config.js';
import { Clocks } from '../faults/clock.js';
import { CrashService } from '../faults/crash-service.js';
import { PairBooks } from '../metrics/books.js';
import { DropReason } from '../network/links.js';
import { DROPPED, Network, type LinkRules, type NodePlacement } from '../network/network.js';
import type { ProtocolContext, ProtocolModule } from '../protocols/protocol.js';
import { nodeStreamKey, observedPairStreamKey } from '../random/stream-keys.js';
import { StreamBank, type SeedRoot } from '../random/streams.js';
import { Kernel } from './kernel.js';
import type { RunResult } from './run-result.js';

export interface ProtocolRunSpec {
  readonly seed: string;
  readonly replication: number;
  readonly nodeNames: readonly string[];
  readonly durationUs: number;
  readonly warmupUs: number;
  readonly links: LinkRules;
  readonly placement?: readonly NodePlacement[];
  readonly crashes?: readonly CrashFault[];
  /** Clock drift per node (ppm); absent = true time everywhere. */
  readonly driftPpm?: readonly number[];
  readonly transitionLogLimit?: number;
  readonly flapWindowUs?: number;
  /** About the gap between two events of one entity (sizes the calendar queue; any value is correct). */
  readonly typicalIntervalUs?: number;
}

/** One replication of `modules` together; the tallies are the books' Chen accounting over every pair. */
export function runProtocols(spec: ProtocolRunSpec, modules: readonly ProtocolModule[]): RunResult {
  const names = spec.nodeNames;
  const n = names.length;
  if (n === 0) throw new RangeError('at least one node is needed');
  if (!(Number.isSafeInteger(spec.durationUs) && spec.durationUs >= 1)) throw new RangeError(`duration must be a whole number of µs ≥ 1, got ${spec.durationUs}`);
  if (!(Number.isSafeInteger(spec.warmupUs) && spec.warmupUs >= 0 && spec.warmupUs < spec.durationUs)) {
    throw new RangeError('warm-up must be a whole number of µs shorter than the duration');
  }
  const root: SeedRoot = { seed: spec.seed, replication: spec.replication };
  const intervalUs = spec.typicalIntervalUs ?? 1_000_000;
  const widthUs = Math.max(1, Math.floor(intervalUs / (2 * n)));
  const kernel = new Kernel({ bucketWidthUs: widthUs, bucketCount: Math.ceil((8 * intervalUs) / widthUs), initialCapacity: 8 * n + 64 });
  const bank = new StreamBank(4 * n + 16);
  const network = new Network(names, spec.links, spec.placement ?? null);
  const books = new PairBooks(n);
  const clocks = new Clocks(n);
  spec.driftPpm?.forEach((ppm, node) => clocks.setDrift(node, ppm));
  const crashes = new CrashService(kernel, books, spec.crashes ?? [], names, root, bank);
  const warmupUs = spec.warmupUs;

  const ctx: ProtocolContext = {
    nodeNames: names,
    nodeCount: n,
    warmupUs,
    durationUs: spec.durationUs,
    events: kernel,
    network,
    books,
    nodes: crashes,
    clocks,
    bank,
    nodeStream: (node, purpose) => bank.add(root, nodeStreamKey(names[node]!, purpose)),
    pairStream: (observer, target, purpose) => bank.add(root, observedPairStreamKey(names[observer]!, names[target]!, purpose)),
    send(link, departUs, kind, entity, arg, arg2) {
      const counted = kernel.nowUs >= warmupUs;
      const r = books.recorder;
      if (counted) r.heartbeatsSent++;
      const arrivalUs = network.transmit(link, departUs);
      if (arrivalUs === DROPPED) {
        if (counted) {
          if (network.lastDropReason === DropReason.partition) r.heartbeatsPartitioned++;
          else r.heartbeatsLost++;
        }
        return DROPPED;
      }
      kernel.schedule(arrivalUs, kind, entity, arg, arg2);
      const dup = network.duplicateArrivalUs;
      if (dup !== DROPPED) kernel.schedule(dup, kind, entity, arg, arg2);
      return arrivalUs;
    },
    delivered(nowUs) {
      if (nowUs >= warmupUs) books.recorder.heartbeatsDelivered++;
    },
  };

  for (const m of modules) {
    m.install(ctx);
    if (m.onNodeDown || m.onNodeUp) crashes.listen(m);
  }
  network.open(bank, root);
  books.open({ warmupUs, transitionLogLimit: spec.transitionLogLimit ?? 0, flapWindowUs: spec.flapWindowUs ?? 60_000_000 });
  crashes.start();
  kernel.runUntil(spec.durationUs);
  const { tallies, log } = books.recorder.finish(spec.durationUs);
  return { tallies, log, events: kernel.eventCount, endUs: spec.durationUs };
}
