/**
 * The crash processes of the node the timeout kernel is running: when each strikes and
 * recovers, drawn as the engine's crash service draws them (processes compiled by
 * faults.ts itself: same order, same stream keys, same draws in the same sequence — a
 * process's first up time at the start, its down time at a crash, its next up time at a
 * recovery).
 *
 * The kernel asks for the earliest pending event (`nextUs`) and, when it comes, `fire`s
 * it: the process draws its next event and says whether it was a crash or a recovery;
 * what that does to the node (down, up, a restart's send) is the kernel's business.
 * Cold code: crash events are rare next to heartbeats.
 */
import type { CrashFault } from '../config.js';
import { compileCrashes, type FaultProcess } from '../faults/faults.js';
import { standardExponential } from '../random/ziggurat.js';
import type { SeedRoot, StreamBank } from '../random/streams.js';

/** What a process's event is. */
export const ProcessEvent = { crash: 0, recover: 1 } as const;

export class NodeCrashProcesses {
  private readonly crashes: readonly CrashFault[];
  private readonly processes: FaultProcess[];
  /** Processes of node i: list[start[i] .. start[i + 1]), in global order (their entity in the kernel). */
  private readonly start: Int32Array;
  private readonly list: Int32Array;
  private readonly bank: StreamBank;
  /** Per process of the current node: its next event's instant and what it is. */
  private readonly eventUs: Float64Array;
  private readonly eventKind: Uint8Array;
  private first = 0;
  private count = 0;
  /** The process whose event comes first (−1 when none). */
  private earliest = -1;
  /** Global index (the kernel's entity) of the process `fire` ran last. */
  firedEntity = 0;

  constructor(crashes: readonly CrashFault[], names: readonly string[], root: SeedRoot, bank: StreamBank) {
    const n = names.length;
    this.crashes = crashes;
    this.bank = bank;
    this.processes = compileCrashes(crashes, names, root, bank);
    const counts = new Int32Array(n);
    for (const p of this.processes) counts[p.nodes[0]!]!++;
    this.start = new Int32Array(n + 1);
    let maxPerNode = 1;
    for (let i = 0; i < n; i++) {
      this.start[i + 1] = this.start[i]! + counts[i]!;
      maxPerNode = Math.max(maxPerNode, counts[i]!);
    }
    this.list = new Int32Array(this.processes.length);
    const fill = this.start.slice(0, n);
    this.processes.forEach((p, g) => {
      this.list[fill[p.nodes[0]!]!++] = g;
    });
    this.eventUs = new Float64Array(maxPerNode);
    this.eventKind = new Uint8Array(maxPerNode);
  }

  /** The node's processes as the engine's constructor leaves them: each one's first crash drawn. */
  startNode(node: number): void {
    const first = this.start[node]!;
    this.first = first;
    this.count = this.start[node + 1]! - first;
    for (let j = 0; j < this.count; j++) {
      const episode = this.processes[this.list[first + j]!]!;
      const fault = this.crashes[episode.rule]!;
      this.eventUs[j] = fault.kind === 'crashAt' ? fault.atUs : this.exponentialUs(episode, fault.mttfUs);
      this.eventKind[j] = ProcessEvent.crash;
    }
    this.pick();
  }

  /** The earliest pending event's instant (∞ when none). */
  nextUs(): number {
    return this.earliest < 0 ? Number.POSITIVE_INFINITY : this.eventUs[this.earliest]!;
  }

  /** Runs the earliest event (at `t`): draws the process's next one; returns what this one was (ProcessEvent). */
  fire(t: number): number {
    const j = this.earliest;
    const global = this.list[this.first + j]!;
    this.firedEntity = global;
    const episode = this.processes[global]!;
    const fault = this.crashes[episode.rule]!;
    const kind = this.eventKind[j]!;
    if (kind === ProcessEvent.crash) {
      const downUs = fault.kind === 'crashRecover' ? (fault.restartDelayUs ?? 0) + this.exponentialUs(episode, fault.mttrUs) : fault.downUs;
      this.schedule(j, downUs === null ? null : t + Math.max(1, downUs), ProcessEvent.recover);
    } else {
      this.schedule(j, fault.kind === 'crashRecover' ? t + Math.max(1, this.exponentialUs(episode, fault.mttfUs)) : null, ProcessEvent.crash);
    }
    this.pick();
    return kind;
  }

  private schedule(j: number, atUs: number | null, kind: number): void {
    this.eventUs[j] = atUs ?? Number.POSITIVE_INFINITY;
    this.eventKind[j] = kind;
  }

  /** The process whose event comes first: by instant, then entity (the global index, ascending with j). */
  private pick(): void {
    let best = Number.POSITIVE_INFINITY;
    let earliest = -1;
    for (let k = 0; k < this.count; k++) {
      const at = this.eventUs[k]!;
      if (at < best) {
        best = at;
        earliest = k;
      }
    }
    this.earliest = earliest;
  }

  private exponentialUs(episode: FaultProcess, meanUs: number): number {
    return Math.round(meanUs * standardExponential(this.bank, episode.stream.index));
  }
}
