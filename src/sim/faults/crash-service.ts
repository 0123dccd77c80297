/**
 * Crashes and recoveries as a shared service: it owns the `crash` and `recover`
 * event kinds (class `world`, so every other event at the same instant sees the new
 * state), keeps each node's up/down state and incarnation (epoch), tells the books
 * the truth (target down / up) and then every listener (the protocol modules).
 *
 * Draws, per crash process and in this order: its first up time (at install), its
 * down time at each crash and its next up time at each recovery — the same draws as
 * the engine has always made, from the streams `crash/<rule>/<member>`.
 */
import type { CrashFault } from '../config.js';
import { EventClass, type EventScheduling } from '../engine/kernel.js';
import type { PairBooks } from '../metrics/books.js';
import { exponentialUs } from '../random/distributions.js';
import type { SeedRoot, StreamBank } from '../random/streams.js';
import { compileCrashes, type FaultProcess } from './faults.js';

export interface NodeLifeListener {
  onNodeDown?(node: number, nowUs: number): void;
  onNodeUp?(node: number, nowUs: number): void;
}

/** Read-only view of the nodes' life, for protocols. */
export interface NodeLife {
  isUp(node: number): boolean;
  /** Incarnation counter: bumped at every crash and every restart. */
  epoch(node: number): number;
}

export class CrashService implements NodeLife {
  /** Incarnation per node; odd while the node is down (a crash and a restart each bump it), so "up" costs no second array. */
  private readonly epochs: Float64Array;
  private readonly processes: FaultProcess[];
  private readonly crashes: readonly CrashFault[];
  private readonly listeners: NodeLifeListener[] = [];
  private readonly crashKind: number;
  private readonly recoverKind: number;

  constructor(
    private readonly kernel: EventScheduling,
    private readonly books: PairBooks,
    crashes: readonly CrashFault[],
    names: readonly string[],
    root: SeedRoot,
    bank: StreamBank,
  ) {
    this.epochs = new Float64Array(names.length);
    this.crashes = crashes;
    this.processes = compileCrashes(crashes, names, root, bank);
    this.crashKind = kernel.defineEvent('crash', EventClass.world, (index, _a, _b, nowUs) => this.onCrash(index, nowUs));
    this.recoverKind = kernel.defineEvent('recover', EventClass.world, (index, _a, _b, nowUs) => this.onRecover(index, nowUs));
  }

  listen(listener: NodeLifeListener): void {
    this.listeners.push(listener);
  }

  isUp(node: number): boolean {
    return this.epochs[node]! % 2 === 0;
  }

  epoch(node: number): number {
    return this.epochs[node]!;
  }

  /** Schedules every process's first crash (draws its first up time). */
  start(): void {
    this.processes.forEach((episode, index) => {
      const fault = this.crashes[episode.rule]!;
      const atUs = fault.kind === 'crashAt' ? fault.atUs : exponentialUs(episode.stream, fault.mttfUs);
      this.kernel.schedule(atUs, this.crashKind, index);
    });
  }

  private onCrash(index: number, nowUs: number): void {
    const episode = this.processes[index]!;
    const fault = this.crashes[episode.rule]!;
    for (const node of episode.nodes) {
      if (!this.isUp(node)) continue; // already down by another rule
      this.epochs[node]!++;
      this.books.targetDown(node, nowUs);
      for (const l of this.listeners) l.onNodeDown?.(node, nowUs);
    }
    const downUs = fault.kind === 'crashRecover' ? (fault.restartDelayUs ?? 0) + exponentialUs(episode.stream, fault.mttrUs) : fault.downUs;
    if (downUs !== null) this.kernel.schedule(nowUs + Math.max(1, downUs), this.recoverKind, index);
  }

  private onRecover(index: number, nowUs: number): void {
    const episode = this.processes[index]!;
    for (const node of episode.nodes) {
      if (this.isUp(node)) continue;
      this.epochs[node]!++;
      this.books.targetUp(node, nowUs);
      for (const l of this.listeners) l.onNodeUp?.(node, nowUs);
    }
    const fault = this.crashes[episode.rule]!;
    if (fault.kind === 'crashRecover') this.kernel.schedule(nowUs + Math.max(1, exponentialUs(episode.stream, fault.mttfUs)), this.crashKind, index);
  }
}
