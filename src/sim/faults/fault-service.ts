/**
 * Episodic and static faults as a shared service of the central-monitor run: it owns
 * the `fault-start` and `fault-end` event kinds (class `world`), keeps the state the
 * protocols read (a node paused, starving, unhealthy; the observer paused), draws the
 * extra send delays of slow I/O and CPU starvation, applies clock drift and steps, and
 * cuts and repairs links for partitions. What a fault *means* to a protocol (a sender
 * that resumes with a burst, an observer that works off its backlog) is told to it
 * through `FaultEffects`.
 *
 * Pauses, partitions, starvation and unhealthy windows nest by depth counters; a new
 * episode while one of the same process lasts extends it.
 */
import type { Fault, SimConfig } from '../config.js';
import { EventClass, type EventScheduling } from '../engine/kernel.js';
import type { Network } from '../network/network.js';
import { DurationSampler } from '../random/distributions.js';
import { faultDelayStreamKey } from '../random/stream-keys.js';
import type { SeedRoot, StreamBank } from '../random/streams.js';
import type { Clocks } from './clock.js';
import { compileFaults, firstOnsetUs, nextOnsetUs, ProcessKind, selectNodes, type FaultProcess } from './faults.js';

/** What the protocols and the books make of a fault's edges. */
export interface FaultEffects {
  senderPaused(node: number, nowUs: number): void;
  senderResumed(node: number, burst: boolean, nowUs: number): void;
  observerResumed(backlog: 'checksFirst' | 'messagesFirst', nowUs: number): void;
  healthChanged(node: number, healthy: boolean, nowUs: number): void;
  /** The observer's wall clock stepped (it is not paused): deadlines moved. */
  observerClockStepped(nowUs: number): void;
}

export class FaultService {
  private readonly faults: readonly Fault[];
  private readonly processes: FaultProcess[];
  private readonly durationUs: number;
  private readonly observer: number;
  readonly nodePausedDepth: Int32Array;
  readonly nodeUnhealthyDepth: Int32Array;
  private readonly nodeStarvingDepth: Int32Array;
  private readonly nodeStarvingRule: Int32Array;
  private readonly nodeSlowIoRule: Int32Array;
  /** Stream of node i for the extra send delays of rule r: `extraDelayStream[i * faultCount + r]`. */
  private readonly extraDelayStream: Int32Array;
  private readonly extraDelaySamplers: (DurationSampler | null)[];
  /** Slow I/O or CPU starvation is configured: sends may wait. */
  readonly hasExtraSendDelays: boolean;
  observerPausedDepth = 0;
  /** Nodes paused / unhealthy now: while 0, a send reads no per-node depth (a cache miss each at 100 k nodes). */
  private pausedNodes = 0;
  private unhealthyNodes = 0;
  private effects: FaultEffects | null = null;
  private readonly startKind: number;
  private readonly endKind: number;

  constructor(
    private readonly kernel: EventScheduling,
    private readonly network: Network,
    private readonly clocks: Clocks,
    config: SimConfig,
    root: SeedRoot,
    bank: StreamBank,
  ) {
    const names = config.nodeNames;
    const n = names.length;
    this.faults = config.faults ?? [];
    this.durationUs = config.durationUs;
    this.observer = n;
    this.nodePausedDepth = new Int32Array(n);
    this.nodeUnhealthyDepth = new Int32Array(n);
    this.nodeStarvingDepth = new Int32Array(n);
    this.nodeStarvingRule = new Int32Array(n).fill(-1);
    this.nodeSlowIoRule = new Int32Array(n).fill(-1);
    const faultCount = this.faults.length;
    this.extraDelaySamplers = this.faults.map((f, rule) =>
      f.kind === 'slowIo' || f.kind === 'cpuStarvation' ? new DurationSampler(f.extraDelay, bank, `fault ${rule} extra delay`) : null,
    );
    this.hasExtraSendDelays = this.extraDelaySamplers.some((s) => s !== null);
    this.extraDelayStream = new Int32Array(this.hasExtraSendDelays ? n * faultCount : 0);
    this.faults.forEach((fault, rule) => {
      if (fault.kind === 'slowIo' || fault.kind === 'cpuStarvation') {
        for (const node of selectNodes(fault.nodes, names)) {
          if (fault.kind === 'slowIo') this.nodeSlowIoRule[node] = rule;
          this.extraDelayStream[node * faultCount + rule] = bank.add(root, faultDelayStreamKey(rule, fault.kind, names[node]!));
        }
      } else if (fault.kind === 'clockDrift') {
        for (const node of selectNodes(fault.nodes, names)) clocks.setDrift(node, fault.ppm);
        if (fault.observer) clocks.setDrift(this.observer, fault.ppm);
      } else if (fault.kind === 'clockStep') {
        clocks.expectSteps();
      }
    });
    this.processes = compileFaults(this.faults, names, root, bank);
    this.startKind = kernel.defineEvent('fault-start', EventClass.world, (index, _a, _b, nowUs) => this.onStart(index, nowUs));
    this.endKind = kernel.defineEvent('fault-end', EventClass.world, (index, endUs, _b, nowUs) => this.onEnd(index, endUs, nowUs));
  }

  /** Who is told of the faults' edges (the central run wires its protocols here). */
  tell(effects: FaultEffects): void {
    this.effects = effects;
  }

  /** Schedules each process's first onset (draws it). */
  start(): void {
    this.processes.forEach((episode, index) => {
      const atUs = firstOnsetUs(episode.onset!, episode.stream);
      if (atUs !== null && atUs <= this.durationUs) this.kernel.schedule(atUs, this.startKind, index);
    });
  }

  isPaused(node: number): boolean {
    return this.pausedNodes > 0 && this.nodePausedDepth[node]! > 0;
  }

  isUnhealthy(node: number): boolean {
    return this.unhealthyNodes > 0 && this.nodeUnhealthyDepth[node]! > 0;
  }

  /** Slow I/O always, CPU starvation while a window lasts: how long this send waits. */
  extraSendDelayUs(node: number): number {
    const faultCount = this.faults.length;
    let delayUs = 0;
    const slowIo = this.nodeSlowIoRule[node]!;
    if (slowIo >= 0) delayUs += this.extraDelaySamplers[slowIo]!.sampleUs(this.extraDelayStream[node * faultCount + slowIo]!);
    if (this.nodeStarvingDepth[node]! > 0) {
      const rule = this.nodeStarvingRule[node]!;
      delayUs += this.extraDelaySamplers[rule]!.sampleUs(this.extraDelayStream[node * faultCount + rule]!);
    }
    return delayUs;
  }

  private onStart(index: number, nowUs: number): void {
    const episode = this.processes[index]!;
    const next = nextOnsetUs(episode.onset!, episode.stream, nowUs);
    if (next !== null && next <= this.durationUs) this.kernel.schedule(next, this.startKind, index);
    if (episode.kind === ProcessKind.clockStep) {
      this.applyClockStep(episode, nowUs);
      return;
    }
    const endUs = nowUs + Math.max(1, episode.duration!.sampleUs(episode.stream.index));
    if (episode.active) {
      // A new episode while one lasts extends it.
      if (endUs > episode.activeUntilUs) {
        episode.activeUntilUs = endUs;
        this.kernel.schedule(endUs, this.endKind, index, endUs);
      }
      return;
    }
    episode.active = true;
    episode.activeUntilUs = endUs;
    this.kernel.schedule(endUs, this.endKind, index, endUs);
    this.apply(episode, true, nowUs);
  }

  private onEnd(index: number, endUs: number, nowUs: number): void {
    const episode = this.processes[index]!;
    if (!episode.active || endUs !== episode.activeUntilUs) return; // superseded by an extension
    episode.active = false;
    this.apply(episode, false, nowUs);
  }

  private apply(episode: FaultProcess, starting: boolean, nowUs: number): void {
    const fault = this.faults[episode.rule]!;
    const effects = this.effects!;
    const delta = starting ? 1 : -1;
    switch (fault.kind) {
      case 'senderPause':
        for (const node of episode.nodes) {
          this.nodePausedDepth[node]! += delta;
          const depth = this.nodePausedDepth[node]!;
          if (starting && depth === 1) this.pausedNodes++;
          if (!starting && depth === 0) this.pausedNodes--;
          if (starting && depth === 1) effects.senderPaused(node, nowUs);
          if (!starting && depth === 0) effects.senderResumed(node, fault.afterPause === 'burst', nowUs);
        }
        return;
      case 'observerPause':
        this.observerPausedDepth += delta;
        if (!starting && this.observerPausedDepth === 0) effects.observerResumed(fault.backlog, nowUs);
        return;
      case 'partition':
        for (const node of episode.nodes) {
          if (fault.direction !== 'fromObserver') this.cutOrRepair(this.network.link(node, this.observer), starting);
          if (fault.direction !== 'toObserver') this.cutOrRepair(this.network.link(this.observer, node), starting);
        }
        return;
      case 'cpuStarvation':
        for (const node of episode.nodes) {
          this.nodeStarvingDepth[node]! += delta;
          if (starting) this.nodeStarvingRule[node] = episode.rule;
        }
        return;
      case 'unhealthy':
        for (const node of episode.nodes) {
          this.nodeUnhealthyDepth[node]! += delta;
          const depth = this.nodeUnhealthyDepth[node]!;
          if ((starting && depth === 1) || (!starting && depth === 0)) {
            this.unhealthyNodes += delta;
            effects.healthChanged(node, !starting, nowUs);
          }
        }
        return;
      default:
        return;
    }
  }

  private cutOrRepair(link: number, starting: boolean): void {
    if (starting) this.network.cut(link);
    else this.network.repair(link);
  }

  private applyClockStep(episode: FaultProcess, nowUs: number): void {
    const fault = this.faults[episode.rule]!;
    if (fault.kind !== 'clockStep') return;
    if (episode.observer) {
      this.clocks.step(this.observer, fault.stepUs);
      if (this.observerPausedDepth === 0) this.effects!.observerClockStepped(nowUs);
    }
    for (const node of episode.nodes) this.clocks.step(node, fault.stepUs);
  }
}
