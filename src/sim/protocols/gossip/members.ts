/**
 * The gossip members' state, flat over (observer, endpoint) pairs: version rows, arrival
 * windows, views (through the accounting), conviction bounds, echo flags, links — and
 * the few operations every part uses (send a pooled row, restart a member). gossip.ts
 * describes the model; round.ts and exchange.ts act on this state.
 */
import { DROPPED } from '../../network/network.js';
import type { ProtocolContext } from '../protocol.js';
import { arenaBytes, MAX_ARENA_BYTES, MemoryArena, plainArena, type Arena } from './arena.js';
import { ArrivalWindows, blockArenaBytes, compactWindows } from './arrival-windows.js';
import { censorHorizonUs, GEN, MAX_GENERATION, type GossipConfig } from './config.js';
import { divisibilityConstants, instantiateMergeKernel, kernelSupported, type MergeFn } from './merge-kernel.js';
import { MembershipAccounting } from './membership-accounting.js';
import { RowPool } from './row-pool.js';
import { instantiateScanKernel } from './scan-kernel.js';

/** Message rows carved from the kernel's memory (more in flight are ordinary arrays, copied in when merged). */
const ARENA_ROWS = 128;

/**
 * The merge kernel and the byte offsets of what it reads (merge-kernel.ts): the per-pair
 * arrays' starts, and its scratch rows — a zero row (an ACK2 has no digests), a row the
 * ACK2 merge writes its unused output to, three rows to copy ordinary message rows into,
 * the two index lists and the result words.
 */
export interface KernelState {
  readonly merge: MergeFn;
  readonly ver: number;
  readonly view: number;
  /** The windows' count (Uint16), tLast − epoch and sum (Int32) per pair. */
  readonly count: number;
  readonly rel: number;
  readonly sum: number;
  /** The block-close test's constants (merge-kernel.ts `divisibilityConstants`). */
  readonly blockM: number;
  readonly blockM1: number;
  readonly zero: number;
  readonly sink: number;
  readonly copies: readonly [Int32Array, Int32Array, Int32Array];
  readonly lists: Int32Array;
  readonly checks: Int32Array;
  readonly res: Int32Array;
}

/** The event kinds gossip defines (set at install, in this order: round, syn, ack, ack2, echo, echo reply). */
export interface GossipKinds {
  tick: number;
  syn: number;
  ack: number;
  ack2: number;
  echoReq: number;
  echoRep: number;
}

export class GossipMembers {
  readonly n: number;
  readonly ver: Int32Array; // o·n + e → key
  /** Member o's row of `ver` as its own view, made once (a copy then allocates no view). */
  readonly verRows: Int32Array[];
  readonly windows: ArrivalWindows;
  readonly acc: MembershipAccounting;
  readonly view: Uint8Array;
  readonly liveOf: Int32Array; // o → endpoints it holds UP (not itself)
  /** o → its own heartbeat key, as `ver[o·n + o]` holds it: the round increments this copy and only stores into the row (a 4 MB table reached at random: a read there waits for a cache miss, a store does not). */
  readonly ownKey: Int32Array;
  readonly nextCheckUs: Float64Array; // o → lower bound of its earliest conviction (local)
  readonly lastInterpretUs: Float64Array;
  readonly lastPauseUs: Float64Array;
  readonly echoInflight: Uint8Array;
  readonly linkOf: Int32Array; // o·n + p → link o → p
  readonly dupOf: Uint8Array; // o·n + p → the link o → p may duplicate a message (UDP with duplication)
  /** The links are a fresh mesh (network.ts `mesh`): link o → p is o·(n − 1) + p − (p > o), computed rather than read from `linkOf` (a 4 MB table: a cache miss per message). */
  private meshIds = false;
  /** Some link may duplicate a message (else `dupOf` is all zeros and is not read). */
  private duplicates = false;
  readonly peerStream: Int32Array;
  readonly chosen: Int32Array; // scratch: this round's targets
  readonly scratch: Int32Array; // scratch: an ACK's newer states as (endpoint, key) pairs
  readonly asked: Int32Array; // scratch: the endpoints an ACK asked for (JavaScript path)
  readonly phaseUs: Float64Array;
  readonly pool: RowPool;
  /** The merge kernel (phi rule, WebAssembly SIMD available), or null: the JavaScript path. */
  readonly kernel: KernelState | null;
  readonly kinds: GossipKinds = { tick: 0, syn: 0, ack: 0, ack2: 0, echoReq: 0, echoRep: 0 };
  /** States in the last ACK absorbed. */
  ackStates = 0;
  /** What the kernel left to JavaScript (for tests). */
  readonly kernelCounters = { listed: 0, checked: 0, copied: 0, closed: 0 };

  constructor(
    readonly ctx: ProtocolContext,
    readonly config: GossipConfig,
  ) {
    const n = ctx.nodeCount;
    this.n = n;
    if (n < 2) throw new RangeError('gossip needs at least 2 members');
    if (!(Number.isInteger(config.fanout) && config.fanout >= 1 && config.fanout <= n - 1)) {
      throw new RangeError(`fanout must be a whole number within 1..${n - 1} (members − 1), got ${config.fanout}`);
    }
    if (!(Number.isInteger(config.seeds) && config.seeds >= 0 && config.seeds <= n)) {
      throw new RangeError(`seeds must be a whole number within 0..${n}, got ${config.seeds}`);
    }
    if (!(config.intervalUs >= 1)) throw new RangeError('gossip interval must be ≥ 1 µs');
    const pairs = n * n;
    // The kernel reads the compact window records (arrival-windows.ts: Int32 tLast and sums; other phi settings keep doubles and the JavaScript merge).
    const compact = config.compactWindows !== false && compactWindows(config.rule);
    const arenaSize = compact ? arenaBytes(4 * pairs) * 3 + arenaBytes(2 * pairs) + arenaBytes(pairs) + arenaBytes(4 * n) * (ARENA_ROWS + 7) + arenaBytes(16) : 0;
    const closes = compact && config.kernelCloses !== false && arenaSize + blockArenaBytes(pairs) <= MAX_ARENA_BYTES; // the block lines in the kernel's memory (merge-kernel.ts closes blocks)
    const useKernel = compact && config.mergeKernel !== false && arenaSize <= MAX_ARENA_BYTES && kernelSupported();
    const arena: Arena = useKernel ? new MemoryArena(arenaSize + (closes ? blockArenaBytes(pairs) : 0)) : plainArena;
    this.ver = arena.int32(pairs).fill(GEN); // generation 1, version 0 everywhere
    this.verRows = Array.from({ length: n }, (_, o) => this.ver.subarray(o * n, o * n + n));
    const view = arena.uint8(pairs);
    this.windows = new ArrivalWindows(pairs, config.rule, arena, n, compact, useKernel && closes ? arena : null);
    this.pool = new RowPool(n, this.verRows, useKernel ? this.ver.byteOffset : -1, useKernel ? arena : null, ARENA_ROWS);
    this.kernel = useKernel
      ? {
          merge: instantiateMergeKernel((arena as MemoryArena).memory),
          ver: this.ver.byteOffset,
          view: view.byteOffset,
          count: this.windows.count.byteOffset,
          rel: this.windows.rel.byteOffset,
          sum: this.windows.sum.byteOffset,
          blockM: divisibilityConstants(this.windows.blockSize)[0],
          blockM1: divisibilityConstants(this.windows.blockSize)[1],
          zero: arena.int32(n).byteOffset,
          sink: arena.int32(n).byteOffset,
          copies: [arena.int32(n), arena.int32(n), arena.int32(n)],
          lists: arena.int32(n),
          checks: arena.int32(n),
          res: arena.int32(4),
        }
      : null;
    // The status check's row scan in the same memory (scan-kernel.ts); its list and result word are the merge kernel's scratch, idle between merges.
    if (this.kernel !== null) this.windows.useScanKernel(instantiateScanKernel((arena as MemoryArena).memory), this.kernel.lists, this.kernel.res);
    this.acc = new MembershipAccounting({
      view,
      members: n,
      warmupUs: ctx.warmupUs,
      isUp: (node) => ctx.nodes.isUp(node),
      flapWindowUs: config.flapWindowUs ?? 60_000_000,
      censorHorizonUs: censorHorizonUs(config),
    });
    this.view = this.acc.view;
    this.liveOf = new Int32Array(n).fill(n - 1);
    this.ownKey = new Int32Array(n).fill(GEN);
    this.nextCheckUs = new Float64Array(n);
    this.lastInterpretUs = new Float64Array(n);
    this.lastPauseUs = new Float64Array(n).fill(-Infinity);
    this.echoInflight = new Uint8Array(pairs);
    this.linkOf = new Int32Array(pairs).fill(-1);
    this.dupOf = new Uint8Array(pairs);
    this.peerStream = new Int32Array(n);
    this.chosen = new Int32Array(config.fanout);
    this.scratch = new Int32Array(2 * n);
    this.asked = new Int32Array(n);
    this.phaseUs = new Float64Array(n);
  }

  /** Links, streams, fresh windows and every member's first round at a random phase (after the kinds are defined). */
  start(): void {
    const { ctx, n, windows, config } = this;
    windows.startRange(0, n * n, 0);
    this.meshIds = ctx.network.mesh(this.linkOf);
    const uniform = ctx.network.uniformClass();
    for (let o = 0; o < n; o++) {
      if (uniform !== null) {
        if (uniform.duplicateProbability > 0 && uniform.transport !== 'tcp') this.dupOf.fill(1, o * n, o * n + n);
        this.dupOf[o * n + o] = 0;
      } else {
        for (let p = 0; p < n; p++) {
          if (p === o) continue;
          const cls = ctx.network.classOf(o, p);
          this.dupOf[o * n + p] = cls.duplicateProbability > 0 && cls.transport !== 'tcp' ? 1 : 0;
        }
      }
      if (!this.duplicates && this.dupOf.subarray(o * n, o * n + n).includes(1)) this.duplicates = true;
      this.peerStream[o] = ctx.nodeStream(o, 'gossip-peer');
      this.nextCheckUs[o] = windows.convictFromUs(o * n + (o === 0 ? 1 : 0));
      const phase = Math.floor(ctx.bank.next(ctx.nodeStream(o, 'gossip-phase')) * config.intervalUs);
      this.phaseUs[o] = phase;
      ctx.events.schedule(phase, this.kinds.tick, o, 0);
    }
  }

  /** Member `node` restarts: a new generation, version 0, nobody's versions known, everyone UP with fresh windows; its round now. */
  restart(node: number, nowUs: number): void {
    const { ctx, n, ver, windows } = this;
    this.acc.nodeUp(node, nowUs);
    const base = node * n;
    const generation = Math.floor(ver[base + node]! / GEN) + 1;
    const l = this.local(node, nowUs);
    this.pool.materialize(node);
    ver.fill(0, base, base + n);
    if (generation > MAX_GENERATION) throw new RangeError(`gossip: member ${ctx.nodeNames[node]} restarted more than ${MAX_GENERATION - 1} times`);
    ver[base + node] = generation * GEN;
    this.ownKey[node] = generation * GEN;
    windows.startRange(base, base + n, l);
    this.echoInflight.fill(0, base, base + n);
    this.liveOf[node] = n - 1;
    this.nextCheckUs[node] = windows.convictFromUs(base + (node === 0 ? 1 : 0));
    this.lastInterpretUs[node] = l;
    this.lastPauseUs[node] = -Infinity;
    ctx.events.schedule(nowUs, this.kinds.tick, node, ctx.nodes.epoch(node));
  }

  /** Message row `slot` is member `member`'s version row as it is now (a SYN's digests, an ACK's snapshot): copied on write (row-pool.ts). */
  copyRow(member: number, slot: number): void {
    if (this.config.copyOnWrite === false) this.pool.rows[slot]!.set(this.verRows[member]!);
    else this.pool.snapshot(slot, member);
  }

  /** Member `node`'s monotonic clock. */
  local(node: number, nowUs: number): number {
    return this.ctx.clocks.isIdentity ? nowUs : this.ctx.clocks.reading(node, nowUs, false);
  }

  /** Member o's next peer-selection draw. */
  draw(o: number): number {
    return this.ctx.bank.next(this.peerStream[o]!);
  }

  /** The link o → p (`linkOf` without reading it, for a fresh mesh). */
  linkTo(o: number, p: number): number {
    const n = this.n;
    return this.meshIds ? o * (n - 1) + p - (p > o ? 1 : 0) : this.linkOf[o * n + p]!;
  }

  /** Whether a message just sent over o → p (not dropped) also has a duplicate in flight (see `sendRow`). */
  duplicated(o: number, p: number): boolean {
    return this.duplicates && this.dupOf[o * this.n + p] === 1 && this.ctx.network.duplicateArrivalUs !== DROPPED;
  }

  /** Sends `slot` (a pooled row) over o → p; `kind` fires at p. Counts it; on loss the row is released. */
  sendRow(o: number, p: number, kind: number, msg: number, bytes: number, slot: number, nowUs: number, arg2: number): void {
    this.acc.count(msg, bytes, nowUs);
    const at = this.ctx.send(this.linkTo(o, p), nowUs, kind, p, slot, arg2);
    if (at === DROPPED) this.pool.release(slot);
    else if (this.duplicated(o, p)) this.pool.retain(slot);
  }

  /** Bytes of per-member state (version rows, windows, views, link ids), divided by members. */
  bytesPerMember(): number {
    // (The kernel's scratch and message rows are per member too, but a few rows in all: left out.)
    // ver 8 + windows + view 1 + echo flag 1 + link id 4, per pair; the rest per member.
    return this.n * (8 + this.windows.bytesPerPair + 1 + 1 + 4) + 8 * 3 + 4 * 2;
  }
}
