/**
 * The event kernel: simulated time, one queue, and dispatch to the handler that
 * owns an event kind. It knows nothing of heartbeats, detectors or metrics; protocol
 * modules (src/sim/protocols) define their event kinds here and the shared services
 * (crashes, faults, clocks) do the same.
 *
 * The same-instant order is explicit. Events pop in the order
 *
 *     (time, event class, entity, scheduling sequence)
 *
 * - **Event class** says what kind of thing happens, and its order is physical:
 *   1. `world`   — the state of the world changes (crash, recovery, a fault starts or
 *                  ends): everything else at that instant sees the new state, so a node
 *                  that crashes at t does not send at t, and a partition cut at t drops
 *                  a message sent at t.
 *   2. `send`    — a node's own timer makes it act (send a heartbeat, a probe, a renewal).
 *   3. `deliver` — a message arrives at its receiver.
 *   4. `timer`   — an observer's deadline or polling round judges what it has seen:
 *                  a heartbeat arriving at exactly the instant a timeout expires counts
 *                  as on time (a deadline is "no news by t", and news at t is news by t).
 * - **Entity** is the event's target (a node, a pair, a fault episode: whatever the
 *   kind's handler indexes by): lower first. Arbitrary but fixed, so that two
 *   entities' same-instant events never depend on which was scheduled first; this is
 *   what lets a per-node fast path reproduce the global order by construction.
 * - **Sequence** (the insertion counter) orders what remains: events of one class for
 *   one entity, which that entity's own history scheduled in a definite order.
 *
 * An event scheduled for the current instant with a class below the one being
 * processed fires next (never "in the past").
 *
 * Hot path: `step` is one pop and one indirect call through a handler table; no
 * allocation. Kinds are small integers (≤ 255) handed out by `defineEvent`.
 */
import { Scheduler, type SchedulerOptions } from './scheduler.js';

/** The physical same-instant order of event classes (lower fires first). */
export const EventClass = { world: 0, send: 1, deliver: 2, timer: 3 } as const;
export type EventClassCode = (typeof EventClass)[keyof typeof EventClass];

/** What an event carries: its entity (target index) and two numeric arguments. */
export type EventHandler = (entity: number, arg: number, arg2: number, nowUs: number) => void;

const MAX_KINDS = 256;

/** The narrow view of the kernel a protocol module gets. */
export interface EventScheduling {
  /** The instant being processed (true µs). */
  readonly nowUs: number;
  /** Registers an event kind owned by the caller; `name` is for messages and traces. */
  defineEvent(name: string, eventClass: EventClassCode, handler: EventHandler): number;
  /** Schedules `kind` for `entity` at `atUs` (≥ now). */
  schedule(atUs: number, kind: number, entity: number, arg?: number, arg2?: number): void;
}

export class Kernel implements EventScheduling {
  private readonly queue: Scheduler;
  private readonly handlers: EventHandler[] = [];
  private readonly classOf: number[] = [];
  private readonly kindNames: string[] = [];
  private processed = 0;

  constructor(options: SchedulerOptions) {
    this.queue = new Scheduler(options);
  }

  defineEvent(name: string, eventClass: EventClassCode, handler: EventHandler): number {
    const kind = this.handlers.length;
    if (kind >= MAX_KINDS) throw new RangeError(`too many event kinds (at most ${MAX_KINDS})`);
    this.handlers.push(handler);
    this.classOf.push(eventClass);
    this.kindNames.push(name);
    return kind;
  }

  kindName(kind: number): string {
    return this.kindNames[kind] ?? `kind ${kind}`;
  }

  schedule(atUs: number, kind: number, entity: number, arg = 0, arg2 = 0): void {
    this.queue.schedule(atUs, kind, entity, arg, arg2, this.classOf[kind]!, entity);
  }

  get nowUs(): number {
    return this.queue.currentTimeUs;
  }

  /** Instant of the next event (+Infinity when nothing is left). */
  peekUs(): number {
    return this.queue.peekTimeUs();
  }

  /** Events processed so far. */
  get eventCount(): number {
    return this.processed;
  }

  /** Events waiting. */
  get pending(): number {
    return this.queue.length;
  }

  /** Processes one event at or before `endUs`; false when there is none. */
  step(endUs = Number.POSITIVE_INFINITY): boolean {
    const q = this.queue;
    if (!q.popUntil(endUs)) return false;
    this.processed++;
    this.handlers[q.currentKind]!(q.currentTarget, q.currentArg, q.currentArg2, q.currentTimeUs);
    return true;
  }

  /** Processes every event at or before `endUs`. */
  runUntil(endUs: number): void {
    while (this.step(endUs));
  }
}
