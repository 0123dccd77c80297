/**
 * One node's schedule for the skipping walk: its *lives* and its *windows*.
 *
 * Lives. A node sends on the lattice phase + k·I (plus jitter) until it crashes; a
 * restarted node sends at once, at the restart instant r, and keeps that new phase:
 * r, r + I + J, r + 2I + J, … (src/sim/protocols/central/push-heartbeats.ts). So the
 * walk's heartbeat numbers run on across lives and the nominal instant is piecewise:
 * life i holds heartbeats [first_i, first_{i+1}) with nominal(j) = base_i + (j − first_i)·I,
 * where base_0 is the phase and base_i (i ≥ 1) a restart; its first heartbeat is sent at
 * base_i exactly (no jitter). A life's heartbeats are those whose nominal instant is
 * before its crash and at or before the run's end; one whose send (nominal + jitter)
 * reaches the crash is cancelled (a crash is a world event: it comes before a send at
 * its instant).
 *
 * Windows. Stretches where every heartbeat matters and is drawn raw: sender pauses and
 * CPU starvation (from ./pause-schedule.ts) and down times [crash, restart) — the
 * restart is +∞ when the node stays down to the end. Sorted by start; windows of one
 * kind are disjoint among themselves, windows of different kinds may overlap.
 *
 * Crash processes are the engine's own (src/sim/fast/crash-processes.ts compiles them
 * with faults.ts: same streams, same draws in the same order as the engine's crash
 * service), so a node crashes and restarts at the same instants on every path. Only
 * the node's real transitions are kept: a crash of a node already down, or a recovery
 * of one already up, changes nothing (the engine's epochs), though its process draws on.
 */
import type { NodeCrashProcesses } from '../fast/crash-processes.js';
import { ProcessEvent } from '../fast/crash-processes.js';
import type { PauseSchedule } from './pause-schedule.js';
import { DOUBLE_FIELD } from './walk-buffers.js';
import { grown } from '../grown.js';

export const WINDOW_PAUSE = 0;
export const WINDOW_DOWN = 1;
export const WINDOW_STARVE = 2;

/** Windows of one kind per node, as ./pause-schedule.ts lays them out. */
interface NodeWindows {
  readonly first: Int32Array;
  readonly startUs: Float64Array;
  readonly endUs: Float64Array;
}

export class NodeSchedule {
  /** Heartbeats of all lives with a nominal instant at or before the end. */
  K = 0;
  lifeCount = 1;
  lifeFirst = new Float64Array(8);
  lifeBase = new Float64Array(8);
  /** The crash that ends each life (+∞: none within the run). */
  lifeCrash = new Float64Array(8);
  windowCount = 0;
  windowStart = new Float64Array(16);
  windowEnd = new Float64Array(16);
  windowKind = new Uint8Array(16);
  /** Per pause window: heartbeats it held back since it began or the node last restarted (sent at its end if the timers burst). */
  windowMissed = new Float64Array(16);
  /** The node's down times as drawn: crash, restart, crash, restart (+∞), … */
  private downs = new Float64Array(8);
  private downCount = 0;

  // Doubles from construction (./walk-buffers.ts, DOUBLE_FIELD): nominal(j) = base + j·I must not be compiled for Smis.
  private readonly I: number = DOUBLE_FIELD;
  private readonly endUs: number = DOUBLE_FIELD;

  constructor(I: number, endUs: number) {
    this.I = I;
    this.endUs = endUs;
  }

  /** Builds node `node`'s lives and windows (phase: its first nominal instant). */
  build(node: number, phase: number, pauses: PauseSchedule | null, crashes: NodeCrashProcesses | null, starves: NodeWindows | null = null): void {
    this.downCount = 0;
    if (crashes !== null) this.drawDowns(node, crashes);
    // Lives.
    const { I, endUs } = this;
    let first = 0;
    let base = phase;
    this.lifeCount = 0;
    for (let d = 0; d <= this.downCount; d += 2) {
      const crash = d < this.downCount ? this.downs[d]! : Number.POSITIVE_INFINITY;
      const limit = Math.min(crash, endUs + 1); // nominal instants below it
      const count = limit <= base ? 0 : Math.ceil((limit - base) / I);
      this.pushLife(first, base, crash);
      first += count;
      if (d + 1 >= this.downCount) break;
      base = this.downs[d + 1]!;
      if (base === Number.POSITIVE_INFINITY) break;
    }
    this.K = first;
    // Windows: the node's pauses, starvation and down times, merged by start.
    this.windowCount = 0;
    let p = pauses === null ? 0 : pauses.first[node]!;
    const pEnd = pauses === null ? 0 : pauses.first[node + 1]!;
    let c = starves === null ? 0 : starves.first[node]!;
    const cEnd = starves === null ? 0 : starves.first[node + 1]!;
    let d = 0;
    while (p < pEnd || c < cEnd || d < this.downCount) {
      const ps = p < pEnd ? pauses!.startUs[p]! : Number.POSITIVE_INFINITY;
      const cs = c < cEnd ? starves!.startUs[c]! : Number.POSITIVE_INFINITY;
      const ds = d < this.downCount ? this.downs[d]! : Number.POSITIVE_INFINITY;
      if (p < pEnd && ps <= cs && ps <= ds) {
        this.pushWindow(ps, pauses!.endUs[p]!, WINDOW_PAUSE);
        p++;
      } else if (c < cEnd && cs <= ds) {
        this.pushWindow(cs, starves!.endUs[c]!, WINDOW_STARVE);
        c++;
      } else {
        this.pushWindow(ds, this.downs[d + 1]!, WINDOW_DOWN);
        d += 2;
      }
    }
  }

  /** The node's real crash/restart transitions up to the end, from its crash processes. */
  private drawDowns(node: number, crashes: NodeCrashProcesses): void {
    crashes.startNode(node);
    let up = true;
    for (;;) {
      const t = crashes.nextUs();
      if (t > this.endUs) break;
      const kind = crashes.fire(t);
      if (kind === ProcessEvent.crash && up) {
        up = false;
        this.pushDown(t);
      } else if (kind === ProcessEvent.recover && !up) {
        up = true;
        this.pushDown(t);
      }
    }
    if (!up) this.pushDown(Number.POSITIVE_INFINITY);
  }

  private pushDown(t: number): void {
    if (this.downCount === this.downs.length) this.downs = grown(this.downs, this.downCount * 2);
    this.downs[this.downCount++] = t;
  }

  private pushLife(first: number, base: number, crash: number): void {
    if (this.lifeCount === this.lifeFirst.length) {
      const n = this.lifeCount * 2;
      this.lifeFirst = grown(this.lifeFirst, n);
      this.lifeBase = grown(this.lifeBase, n);
      this.lifeCrash = grown(this.lifeCrash, n);
    }
    const i = this.lifeCount++;
    this.lifeFirst[i] = first;
    this.lifeBase[i] = base;
    this.lifeCrash[i] = crash;
  }

  private pushWindow(start: number, end: number, kind: number): void {
    if (this.windowCount === this.windowStart.length) {
      const n = this.windowCount * 2;
      this.windowStart = grown(this.windowStart, n);
      this.windowEnd = grown(this.windowEnd, n);
      this.windowMissed = grown(this.windowMissed, n);
      const k = new Uint8Array(n);
      k.set(this.windowKind);
      this.windowKind = k;
    }
    const w = this.windowCount++;
    this.windowStart[w] = start;
    this.windowEnd[w] = end;
    this.windowKind[w] = kind;
    this.windowMissed[w] = 0;
  }

  /** The life heartbeat j belongs to (an empty life shares its first number with the next: the later one wins). */
  lifeOf(j: number): number {
    for (let i = this.lifeCount - 1; i > 0; i--) if (this.lifeFirst[i]! <= j) return i;
    return 0;
  }

  /** Heartbeat j's nominal send instant. */
  nominal(j: number): number {
    if (this.lifeCount === 1) return this.lifeBase[0]! + j * this.I;
    const i = this.lifeOf(j);
    return this.lifeBase[i]! + (j - this.lifeFirst[i]!) * this.I;
  }

  /** The first heartbeat of a restarted life: sent at its nominal instant, with no jitter. */
  isRestart(j: number, life: number): boolean {
    return life > 0 && j === this.lifeFirst[life];
  }

  private lifeCountOf(i: number): number {
    return (i + 1 < this.lifeCount ? this.lifeFirst[i + 1]! : this.K) - this.lifeFirst[i]!;
  }

  /** The life in force at instant t (the last that began at or before it; life 0 before the phase). */
  private lifeAt(t: number): number {
    for (let i = this.lifeCount - 1; i > 0; i--) if (this.lifeBase[i]! <= t) return i;
    return 0;
  }

  /** The last heartbeat with a nominal instant at or before t in the life in force at t (below 0 before the first). */
  floorIndex(t: number): number {
    const i = this.lifeAt(t);
    const first = this.lifeFirst[i]!;
    return Math.min(first + Math.floor((t - this.lifeBase[i]!) / this.I), first + this.lifeCountOf(i) - 1);
  }

  /** The first heartbeat with a nominal instant at or after t (K when none). */
  ceilIndex(t: number): number {
    const i = this.lifeAt(t);
    const first = this.lifeFirst[i]!;
    return Math.min(first + Math.max(0, Math.ceil((t - this.lifeBase[i]!) / this.I)), first + this.lifeCountOf(i));
  }

  /** Whether the node is down at t (a crash at t is; a restart at t is not). */
  downAt(t: number): boolean {
    return this.within(t, WINDOW_DOWN, 0, this.windowCount);
  }

  /** Whether a window of `kind` among windows [from, to) holds t ([start, end): a fault's edges come before a send at their instant). */
  within(t: number, kind: number, from: number, to: number): boolean {
    for (let w = from; w < to; w++) {
      if (this.windowKind[w] === kind && this.windowStart[w]! <= t && t < this.windowEnd[w]!) return true;
    }
    return false;
  }
}
