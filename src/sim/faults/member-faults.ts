/**
 * Faults of members, as a shared service of the protocol kernel: every member of a
 * decentralised protocol (ring, monitors, gossip…) may be paused, starved of CPU,
 * slow to write, cut off from others, or have a drifting or stepping clock — the
 * detecting members as much as the detected ones (Lifeguard's case: a member starved
 * of CPU reads its acks late and accuses healthy peers).
 *
 * What each fault means (the semantics SWIM's module has always had, now shared):
 * - **pause** (GC, VM steal): the member handles nothing while paused; everything it
 *   missed — its own timers and the messages that reached it — it handles when the
 *   pause ends, in the kernel's order (its timers first, then the messages, then its
 *   deadlines: class order). A paused watched member stops answering; a paused watcher
 *   stops judging, then judges its backlog. `after: burst/skip` does not apply: a timer
 *   missed during a pause fires once, at the resume (Go's and Akka's tickers).
 * - **cpu_starvation**: while a window lasts, each message the member receives is
 *   handled `extra_delay` late (a draw per message); its own timers are not delayed.
 * - **slow_io**: every message the member sends leaves `extra_delay` late.
 * - **partition**: a group (scope `group`) or each selected member alone (scope `each`,
 *   and `isolate`) is cut off from the rest: messages between the two sides are lost,
 *   both ways, or one way — `to_monitor`: only messages leaving the selected members,
 *   `from_monitor`: only messages entering them. Messages in flight still arrive.
 * - **clock_drift** / **clock_step**: the members' local clocks (`ctx.clocks`).
 *
 * The network applies partitions and slow I/O inside its transmit (Network.guard), so
 * modules need not care; pauses and starvation apply to the events a module defines
 * with `defineMemberEvent` (it names the member an event runs on).
 *
 * Draws: onsets and durations from each process's stream `fault/<rule>-<kind>/<member>`
 * (faults.ts), extra delays from `fault/<rule>-<kind>/node/<name>/delay`: every stream
 * owned by one member (or by the one group of a group partition).
 */
import type { Fault } from '../config.js';
import { EventClass, type EventClassCode, type EventHandler, type EventScheduling } from '../engine/kernel.js';
import { DurationSampler } from '../random/distributions.js';
import { faultDelayStreamKey } from '../random/stream-keys.js';
import type { SeedRoot, StreamBank } from '../random/streams.js';
import type { Clocks } from './clock.js';
import { compileFaults, firstOnsetUs, nextOnsetUs, selectNodes, type FaultProcess } from './faults.js';
import { Partitions } from './partitions.js';

/** How a member event is held by its owner's faults. */
export const MemberEventRole = {
  /** The member's own timer or deadline: deferred to the end of its pause. */
  act: 0,
  /** A message arriving at the member: deferred to the end of its pause, handled late while it starves. */
  receive: 1,
} as const;
export type MemberEventRoleCode = (typeof MemberEventRole)[keyof typeof MemberEventRole];

/** Which member an event of a kind runs on (−1: none, never held). */
export type EventOwner = (entity: number, arg: number, arg2: number) => number;

/** Told of pause edges (optional: deferred events already carry the backlog). */
export interface MemberFaultListener {
  onPause?(node: number, nowUs: number): void;
  onResume?(node: number, nowUs: number): void;
  /** `node`'s wall clock stepped: deadlines computed on it may have moved. */
  onClockStep?(node: number, nowUs: number): void;
}

/** What a protocol module sees of the member faults (`ctx.faults`). */
export interface MemberFaults {
  /** Some member fault is configured; false: every answer below is "no fault". */
  readonly active: boolean;
  isPaused(node: number): boolean;
  /** The instant the current pause of `node` ends (true µs); only meaningful while paused. */
  pauseEndUs(node: number): number;
  isStarving(node: number): boolean;
  /** How late `node` handles a message arriving now (CPU starvation: a draw from its stream; 0 when not starving). */
  handlingDelayUs(node: number): number;
  /** How late a message `node` sends now leaves (slow I/O: a draw; 0 when none). The network already applies it. */
  sendDelayUs(node: number): number;
  /** Is a message from → to cut now (partitions, isolation, one way)? The network already applies it. */
  blocked(from: number, to: number): boolean;
  listen(listener: MemberFaultListener): void;
  /**
   * An event kind whose handler runs on member `owner(entity, arg, arg2)`: while that
   * member is paused the event waits for the resume; a `receive` event (a message
   * arriving) is also handled late while the member starves. With no member fault
   * configured this is the kernel's plain `defineEvent`.
   */
  defineMemberEvent(name: string, eventClass: EventClassCode, role: MemberEventRoleCode, owner: EventOwner, handler: EventHandler): number;
}

export class MemberFaultService implements MemberFaults {
  readonly active: boolean;
  private readonly kernel: EventScheduling;
  private readonly faults: readonly Fault[];
  private readonly processes: FaultProcess[];
  private readonly durationUs: number;
  private readonly clocks: Clocks;
  private readonly pausedDepth: Int32Array;
  private readonly pausedUntil: Float64Array;
  private readonly starvingDepth: Int32Array;
  private readonly starvingRule: Int32Array;
  private readonly slowIoRule: Int32Array;
  private readonly delaySamplers: (DurationSampler | null)[];
  /** Stream of node i for the extra delays of rule r: `delayStream[i * faultCount + r]`. */
  private readonly delayStream: Int32Array;
  private readonly partitions: Partitions;
  private readonly listeners: MemberFaultListener[] = [];
  private readonly startKind: number;
  private readonly endKind: number;
  /** Counters for the results and tests. */
  pauses = 0;
  messagesHeldByPause = 0;
  messagesHandledLate = 0;

  constructor(kernel: EventScheduling, clocks: Clocks, faults: readonly Fault[], names: readonly string[], durationUs: number, root: SeedRoot, bank: StreamBank) {
    // Nothing per member when nothing is configured (the central run at 100 k nodes pays nothing).
    const n = faults.length > 0 ? names.length : 0;
    this.kernel = kernel;
    this.clocks = clocks;
    this.faults = faults;
    this.durationUs = durationUs;
    this.active = faults.length > 0;
    this.pausedDepth = new Int32Array(n);
    this.pausedUntil = new Float64Array(n);
    this.starvingDepth = new Int32Array(n);
    this.starvingRule = new Int32Array(n).fill(-1);
    this.slowIoRule = new Int32Array(n).fill(-1);
    this.partitions = new Partitions(n);
    this.delaySamplers = faults.map((f, rule) => (f.kind === 'slowIo' || f.kind === 'cpuStarvation' ? new DurationSampler(f.extraDelay, bank, `fault ${rule} extra delay`) : null));
    this.delayStream = new Int32Array(this.delaySamplers.some((s) => s !== null) ? n * faults.length : 0);
    faults.forEach((fault, rule) => {
      switch (fault.kind) {
        case 'slowIo':
        case 'cpuStarvation':
          for (const node of selectNodes(fault.nodes, names)) {
            if (fault.kind === 'slowIo') this.slowIoRule[node] = rule;
            this.delayStream[node * faults.length + rule] = bank.add(root, faultDelayStreamKey(rule, fault.kind, names[node]!));
          }
          return;
        case 'clockDrift':
          for (const node of selectNodes(fault.nodes, names)) clocks.setDrift(node, fault.ppm);
          return;
        case 'clockStep':
          clocks.expectSteps();
          return;
        case 'senderPause':
        case 'partition':
          return;
        default:
          throw new RangeError(`the member fault service does not serve ${fault.kind} faults (no monitor, no health checks in a membership protocol)`);
      }
    });
    this.processes = compileFaults(faults, names, root, bank).filter((p) => !p.observer);
    // No event kinds at all when nothing is configured (the central run, crash-only runs).
    this.startKind = this.active ? kernel.defineEvent('member-fault-start', EventClass.world, (index, _a, _b, nowUs) => this.onStart(index, nowUs)) : -1;
    this.endKind = this.active ? kernel.defineEvent('member-fault-end', EventClass.world, (index, endUs, _b, nowUs) => this.onEnd(index, endUs, nowUs)) : -1;
  }

  /** Schedules each process's first onset (draws it). */
  start(): void {
    this.processes.forEach((episode, index) => {
      const atUs = firstOnsetUs(episode.onset!, episode.stream);
      if (atUs !== null && atUs <= this.durationUs) this.kernel.schedule(atUs, this.startKind, index);
    });
  }

  listen(listener: MemberFaultListener): void {
    this.listeners.push(listener);
  }

  isPaused(node: number): boolean {
    return this.active && this.pausedDepth[node]! > 0;
  }

  pauseEndUs(node: number): number {
    return this.pausedUntil[node]!;
  }

  isStarving(node: number): boolean {
    return this.active && this.starvingDepth[node]! > 0;
  }

  handlingDelayUs(node: number): number {
    if (!this.active || this.starvingDepth[node] === 0) return 0;
    const rule = this.starvingRule[node]!;
    return this.delaySamplers[rule]!.sampleUs(this.delayStream[node * this.faults.length + rule]!);
  }

  sendDelayUs(node: number): number {
    if (!this.active) return 0;
    const rule = this.slowIoRule[node]!;
    if (rule < 0) return 0;
    return this.delaySamplers[rule]!.sampleUs(this.delayStream[node * this.faults.length + rule]!);
  }

  blocked(from: number, to: number): boolean {
    return this.active && this.partitions.blocked(from, to);
  }

  /** Active cuts (for tests). */
  get activeCuts(): number {
    return this.partitions.activeCount;
  }

  defineMemberEvent(name: string, eventClass: EventClassCode, role: MemberEventRoleCode, owner: EventOwner, handler: EventHandler): number {
    const kernel = this.kernel;
    if (!this.active) return kernel.defineEvent(name, eventClass, handler);
    const paused = this.pausedDepth;
    const until = this.pausedUntil;
    // The pause check alone: what a message already delayed by starvation goes through.
    let heldKind = 0;
    const held: EventHandler = (entity, arg, arg2, nowUs) => {
      const node = owner(entity, arg, arg2);
      if (node >= 0 && paused[node]! > 0) {
        kernel.schedule(Math.max(nowUs, until[node]!), heldKind, entity, arg, arg2);
        return;
      }
      handler(entity, arg, arg2, nowUs);
    };
    if (role === MemberEventRole.act) return (heldKind = kernel.defineEvent(name, eventClass, held));
    heldKind = kernel.defineEvent(`${name} (late)`, eventClass, held);
    const starving = this.starvingDepth;
    let kind = 0;
    kind = kernel.defineEvent(name, eventClass, (entity, arg, arg2, nowUs) => {
      const node = owner(entity, arg, arg2);
      if (node >= 0) {
        if (paused[node]! > 0) {
          this.messagesHeldByPause++;
          kernel.schedule(Math.max(nowUs, until[node]!), kind, entity, arg, arg2);
          return;
        }
        if (starving[node]! > 0) {
          this.messagesHandledLate++;
          kernel.schedule(nowUs + this.handlingDelayUs(node), heldKind, entity, arg, arg2);
          return;
        }
      }
      handler(entity, arg, arg2, nowUs);
    });
    return kind;
  }

  private onStart(index: number, nowUs: number): void {
    const episode = this.processes[index]!;
    const next = nextOnsetUs(episode.onset!, episode.stream, nowUs);
    if (next !== null && next <= this.durationUs) this.kernel.schedule(next, this.startKind, index);
    const fault = this.faults[episode.rule]!;
    if (fault.kind === 'clockStep') {
      for (const node of episode.nodes) {
        this.clocks.step(node, fault.stepUs);
        for (const l of this.listeners) l.onClockStep?.(node, nowUs);
      }
      return;
    }
    const endUs = nowUs + Math.max(1, episode.duration!.sampleUs(episode.stream.index));
    if (episode.active) {
      // A new episode while one lasts extends it.
      if (endUs > episode.activeUntilUs) {
        episode.activeUntilUs = endUs;
        if (fault.kind === 'senderPause') for (const node of episode.nodes) this.pausedUntil[node] = Math.max(this.pausedUntil[node]!, endUs);
        this.kernel.schedule(endUs, this.endKind, index, endUs);
      }
      return;
    }
    episode.active = true;
    episode.activeUntilUs = endUs;
    this.kernel.schedule(endUs, this.endKind, index, endUs);
    this.apply(episode, true, endUs, nowUs);
  }

  private onEnd(index: number, endUs: number, nowUs: number): void {
    const episode = this.processes[index]!;
    if (!episode.active || endUs !== episode.activeUntilUs) return; // superseded by an extension
    episode.active = false;
    this.apply(episode, false, endUs, nowUs);
  }

  private apply(episode: FaultProcess, starting: boolean, endUs: number, nowUs: number): void {
    const fault = this.faults[episode.rule]!;
    const delta = starting ? 1 : -1;
    switch (fault.kind) {
      case 'senderPause':
        for (const node of episode.nodes) {
          this.pausedDepth[node]! += delta;
          if (starting && endUs > this.pausedUntil[node]!) this.pausedUntil[node] = endUs;
          const depth = this.pausedDepth[node]!;
          if (starting && depth === 1) {
            this.pauses++;
            for (const l of this.listeners) l.onPause?.(node, nowUs);
          }
          if (!starting && depth === 0) for (const l of this.listeners) l.onResume?.(node, nowUs);
        }
        return;
      case 'cpuStarvation':
        for (const node of episode.nodes) {
          this.starvingDepth[node]! += delta;
          if (starting) this.starvingRule[node] = episode.rule;
        }
        return;
      case 'partition':
        if (starting) this.partitions.cut(episode, episode.nodes, fault.direction);
        else this.partitions.heal(episode);
        return;
      default:
        return;
    }
  }
}

