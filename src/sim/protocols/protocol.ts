/**
 * The protocol-module interface. A protocol (push heartbeats, pull probes, leases,
 * a ring, all-to-all, gossip, SWIM…) is a `ProtocolModule`: it owns its event kinds
 * and their handlers, its per-node and per-pair state, and the detectors its
 * observers run. The kernel, the network, the crash/fault services, the clocks and
 * the book-keeper are shared; a module reaches them only through the narrow
 * `ProtocolContext` it receives at install, so a new protocol never edits the kernel.
 *
 * Life of a module in one run (engine/run-protocols.ts):
 *   1. `install(ctx)` — define event kinds (`ctx.events.defineEvent`), register the
 *      links it will use (`ctx.network.link(from, to)`) and the (observer, target)
 *      pairs it will judge (`ctx.books.observe(observer, target)`), create its
 *      streams, schedule its first events. Nothing is sent yet.
 *   2. The network and the books open (sizes are now final); the crash service
 *      schedules its first crashes.
 *   3. The kernel runs: the module's handlers fire; it sends with `ctx.send`, reads
 *      local clocks with `ctx.clocks`, sees member faults through `ctx.faults` (events
 *      defined with `ctx.faults.defineMemberEvent` wait out their member's pauses and
 *      starvation; the network drops messages across partitions), and reports every verdict with
 *      `ctx.books.verdict(pair, status, nowUs, cause)`.
 *   4. `onNodeDown` / `onNodeUp` tell it of crashes and restarts (after the books
 *      have booked the truth); a down node's own events should do nothing (check
 *      `ctx.nodes.isUp` or carry the node's epoch in the event's argument).
 *
 * See notes/kernel-interface.md and test/sim/protocols/toy-protocol.test.ts for a
 * complete module written from test code alone.
 */
import type { EventScheduling } from '../engine/kernel.js';
import type { NodeLife } from '../faults/crash-service.js';
import type { MemberFaults } from '../faults/member-faults.js';
import type { PairBooks } from '../metrics/books.js';
import type { Network } from '../network/network.js';
import type { StreamKey } from '../random/stream-keys.js';
import type { StreamBank } from '../random/streams.js';

/** Local clocks: what a node's timers and detectors read (true time in, local out, and back). */
export interface LocalClocks {
  /** True when every clock reads true time (no drift, no steps): conversions may be skipped. */
  readonly isIdentity: boolean;
  /** `node`'s clock at true instant `trueUs` (monotonic, or wall when `wall`). */
  reading(node: number, trueUs: number, wall: boolean): number;
  /** The earliest true instant ≥ `notBeforeUs` at which `node`'s clock reads ≥ `localUs`. */
  trueInstantOf(node: number, localUs: number, wall: boolean, notBeforeUs: number): number;
}

export interface ProtocolContext {
  readonly nodeNames: readonly string[];
  readonly nodeCount: number;
  readonly warmupUs: number;
  readonly durationUs: number;
  /** Event kinds, scheduling, the current instant. */
  readonly events: EventScheduling;
  /** Node-to-node links (register in install; `send` during the run). */
  readonly network: Network;
  /** The (observer, target) pairs and their Chen accounting. */
  readonly books: PairBooks;
  /** Crash state and incarnations of the nodes. */
  readonly nodes: NodeLife;
  readonly clocks: LocalClocks;
  /**
   * Faults of the members (pauses, CPU starvation, slow I/O, partitions, one-way links):
   * the network applies partitions and slow I/O to every message; define events with
   * `faults.defineMemberEvent` (instead of `events.defineEvent`) so a paused member
   * handles them at its resume and a starved one reads messages late.
   */
  readonly faults: MemberFaults;
  /** Draw with `bank.next(stream)` (uniform [0, 1)) or a DurationSampler. */
  readonly bank: StreamBank;
  /** The stream of a key spelled by random/stream-keys.ts (created on first use). */
  stream(key: StreamKey): number;
  /** The first uniform [0, 1) draw of the stream of `key`, for one-off draws (phases) that need no stream kept. */
  firstDraw(key: StreamKey): number;
  /** A stream owned by `node` for `purpose` (`node/<name>/<purpose>`). */
  nodeStream(node: number, purpose: string): number;
  /** A stream owned by the pair `observer` watches `target` in (`pair/<obs>><target>/<purpose>`). */
  pairStream(observer: number, target: number, purpose: string): number;
  /**
   * Sends one message over `link`, leaving at `departUs`: counts it, decides loss,
   * partition, delay and duplication through the link's class, and schedules `kind`
   * for `entity` at each arrival. Returns the arrival instant, or DROPPED (-1).
   */
  send(link: number, departUs: number, kind: number, entity: number, arg: number, arg2: number): number;
  /** Counts a message delivered (call from the arrival handler). */
  delivered(nowUs: number): void;
  /**
   * As `send`, for the observer's own messages that are not heartbeats (probes, lease
   * grants): not counted, and over TCP when the link's class says so.
   */
  post(link: number, departUs: number, kind: number, entity: number, arg: number, arg2: number): void;
}

export interface ProtocolModule {
  /** For messages and traces: "push-heartbeat", "ring", "swim"… */
  readonly name: string;
  install(ctx: ProtocolContext): void;
  /** `node` crashed (its incarnation ended). */
  onNodeDown?(node: number, nowUs: number): void;
  /** `node` restarted (a new incarnation). */
  onNodeUp?(node: number, nowUs: number): void;
}
