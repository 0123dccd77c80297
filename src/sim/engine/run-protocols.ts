/**
 * Runs protocol modules on the kernel with the shared services (run-services.ts):
 * node-to-node network, crash service, clocks, streams, books.
 */
import type { CrashFault, Fault } from '../config.js';
import type { LinkRules, NodePlacement } from '../network/network.js';
import type { ProtocolModule } from '../protocols/protocol.js';
import type { RunResult } from './run-result.js';
import { RunServices } from './run-services.js';

export interface ProtocolRunSpec {
  readonly seed: string;
  readonly replication: number;
  readonly nodeNames: readonly string[];
  readonly durationUs: number;
  readonly warmupUs: number;
  readonly links: LinkRules;
  readonly placement?: readonly NodePlacement[];
  readonly crashes?: readonly CrashFault[];
  /** Faults of any member: pauses, CPU starvation, slow I/O, partitions, clock drift and steps (faults/member-faults.ts). */
  readonly faults?: readonly Fault[];
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
  const intervalUs = spec.typicalIntervalUs ?? 1_000_000;
  const widthUs = Math.max(1, Math.floor(intervalUs / (2 * n)));
  const run = new RunServices({
    root: { seed: spec.seed, replication: spec.replication },
    entityNames: names,
    durationUs: spec.durationUs,
    warmupUs: spec.warmupUs,
    links: spec.links,
    placement: spec.placement ?? null,
    crashes: spec.crashes ?? [],
    queue: { bucketWidthUs: widthUs, bucketCount: Math.ceil((8 * intervalUs) / widthUs), initialCapacity: 8 * n + 64 },
    bankCapacity: 4 * n + 16,
    memberFaults: spec.faults ?? [],
  });
  spec.driftPpm?.forEach((ppm, node) => run.clocks.setDrift(node, ppm));
  for (const m of modules) run.install(m);
  run.open({ warmupUs: spec.warmupUs, transitionLogLimit: spec.transitionLogLimit ?? 0, flapWindowUs: spec.flapWindowUs ?? 60_000_000 });
  run.crashes.start();
  run.faults.start();
  const { kernel, books } = run;
  kernel.runUntil(spec.durationUs);
  const { tallies, log } = books.recorder.finish(spec.durationUs);
  return { tallies, log, events: kernel.eventCount, endUs: spec.durationUs };
}
