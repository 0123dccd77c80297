/**
 * Fault rules compiled into processes. A process is one rule acting on one target (a
 * node, a group of nodes cut off together, a rack, or the observer), with its own
 * stream for onsets and durations (`fault/<rule>-<kind>/node/<name>`), so adding a node
 * or a rule leaves the other processes' draws untouched. Crashes are processes too:
 * `crash/<rule>/node/<name>` or `crash/<rule>/rack/<k>`.
 *
 * The engine turns processes into START/END events; here are only the compilation and
 * the onset arithmetic.
 */
import type { CrashFault, Fault, NodeSelector, Onset } from '../config.js';
import { DurationSampler, exponentialUs } from '../random/distributions.js';
import { RandomStream, type SeedRoot, type StreamBank } from '../random/streams.js';
import { crashStreamKey, faultStreamKey, memberGroup, memberObserver, memberOfNode, memberOfRack, type StreamMember } from '../random/stream-keys.js';

export const ProcessKind = {
  senderPause: 1,
  observerPause: 2,
  partition: 3,
  cpuStarvation: 4,
  clockStep: 5,
  crash: 6,
  unhealthy: 7,
} as const;

export interface FaultProcess {
  /** Index of the rule in `faults` (or in `crashes` for crash processes). */
  readonly rule: number;
  readonly kind: number;
  /** Nodes this process acts on (empty when it acts on the observer only). */
  readonly nodes: readonly number[];
  readonly observer: boolean;
  readonly stream: RandomStream;
  readonly onset: Onset | null;
  /** Length of each episode; null for instantaneous faults (clock steps) and crashes. */
  readonly duration: DurationSampler | null;
  /** Is an episode under way, and until when (true µs). */
  active: boolean;
  activeUntilUs: number;
}

export function selectNodes(selector: NodeSelector | null, names: readonly string[]): number[] {
  if (selector === null) return [];
  if (selector.kind === 'all') return names.map((_, i) => i);
  return selector.names.map((name) => {
    const index = names.indexOf(name);
    if (index < 0) throw new RangeError(`a fault names the unknown node "${name}"`);
    return index;
  });
}

function kindOf(fault: Fault): number {
  switch (fault.kind) {
    case 'senderPause':
      return ProcessKind.senderPause;
    case 'observerPause':
      return ProcessKind.observerPause;
    case 'partition':
      return ProcessKind.partition;
    case 'cpuStarvation':
      return ProcessKind.cpuStarvation;
    case 'clockStep':
      return ProcessKind.clockStep;
    case 'unhealthy':
      return ProcessKind.unhealthy;
    default:
      return 0;
  }
}

/** Processes of the episodic faults (slow I/O and drift are static and not processes). */
export function compileFaults(faults: readonly Fault[], names: readonly string[], root: SeedRoot, bank: StreamBank): FaultProcess[] {
  const processes: FaultProcess[] = [];
  faults.forEach((fault, rule) => {
    const kind = kindOf(fault);
    if (kind === 0) return;
    // One sampler for all the rule's processes (it keeps no state: each draws from its own
    // stream), made when the first is (a rule on no node makes none, as before).
    let duration: DurationSampler | null | undefined;
    const durationOf = (): DurationSampler | null => (duration ??= 'duration' in fault ? new DurationSampler(fault.duration, bank, `fault rule ${rule} (${fault.kind}) duration`) : null);
    const make = (nodes: number[], observer: boolean, key: StreamMember): FaultProcess => ({
      rule,
      kind,
      nodes,
      observer,
      stream: new RandomStream(bank, bank.add(root, faultStreamKey(rule, fault.kind, key))),
      onset: 'onset' in fault ? fault.onset : null,
      duration: durationOf(),
      active: false,
      activeUntilUs: 0,
    });
    switch (fault.kind) {
      case 'observerPause':
        processes.push(make([], true, memberObserver));
        return;
      case 'clockStep': {
        for (const node of selectNodes(fault.nodes, names)) processes.push(make([node], false, memberOfNode(names[node]!)));
        if (fault.observer) processes.push(make([], true, memberObserver));
        return;
      }
      case 'partition':
        if (fault.scope === 'group') {
          processes.push(make(selectNodes(fault.nodes, names), false, memberGroup));
          return;
        }
        for (const node of selectNodes(fault.nodes, names)) processes.push(make([node], false, memberOfNode(names[node]!)));
        return;
      default:
        for (const node of selectNodes(fault.nodes, names)) processes.push(make([node], false, memberOfNode(names[node]!)));
    }
  });
  return processes;
}

export function compileCrashes(crashes: readonly CrashFault[], names: readonly string[], root: SeedRoot, bank: StreamBank): FaultProcess[] {
  const processes: FaultProcess[] = [];
  crashes.forEach((crash, rule) => {
    const nodes = selectNodes(crash.nodes, names);
    const make = (members: number[], key: StreamMember): FaultProcess => ({
      rule,
      kind: ProcessKind.crash,
      nodes: members,
      observer: false,
      stream: new RandomStream(bank, bank.add(root, crashStreamKey(rule, key))),
      onset: null,
      duration: null,
      active: false,
      activeUntilUs: 0,
    });
    const rackSize = crash.kind === 'crashRecover' ? (crash.rackSize ?? 1) : 1;
    if (rackSize > 1) {
      for (let start = 0, rack = 0; start < nodes.length; start += rackSize, rack++) {
        processes.push(make(nodes.slice(start, start + rackSize), memberOfRack(rack)));
      }
      return;
    }
    for (const node of nodes) processes.push(make([node], memberOfNode(names[node]!)));
  });
  return processes;
}

/** First onset of a process, or null if it never strikes. */
export function firstOnsetUs(onset: Onset, stream: RandomStream): number | null {
  switch (onset.kind) {
    case 'at':
      return onset.atUs;
    case 'poisson':
      return exponentialUs(stream, onset.meanGapUs);
    case 'periodic':
      return Math.floor(stream.next() * onset.periodUs);
    case 'uniformOnce':
      return onset.fromUs + Math.floor(stream.next() * (onset.toUs - onset.fromUs));
  }
}

/** The onset after one at `lastUs`, or null. */
export function nextOnsetUs(onset: Onset, stream: RandomStream, lastUs: number): number | null {
  switch (onset.kind) {
    case 'poisson':
      return lastUs + Math.max(1, exponentialUs(stream, onset.meanGapUs));
    case 'periodic':
      return lastUs + onset.periodUs;
    default:
      return null;
  }
}
