/**
 * Gossip heartbeats (van Renesse, Minsky & Hayden 1998) as Cassandra runs them
 * (gms/Gossiper.java, FailureDetector.java; reference §2.3, §4.5).
 *
 * Every gossip interval (1 s) each live member's GossipTask: increments its own
 * heartbeat version; sends a GossipDigestSyn — one digest (endpoint, generation, max
 * version) per endpoint it knows — to `fanout` random members it holds UP (Cassandra:
 * one); with probability unreachable/(live + 1) to one random member it holds DOWN
 * (maybeGossipToUnreachableMember); to a random seed when the live target was not a
 * seed or fewer members are UP than there are seeds, with probability
 * seeds/(live + unreachable), or always when it holds nobody UP (maybeGossipToSeed);
 * then checks every endpoint (doStatusCheck → FailureDetector.interpret).
 *
 * The exchange (GossipDigestSyn/Ack/Ack2VerbHandler, examineGossiper): the receiver of
 * a SYN answers with an ACK holding its states newer than the digests and requests
 * for the digests newer than its own; the initiator applies the states and answers
 * with an ACK2 holding the requested states; so versions flow both ways. Whoever
 * applies a state whose heartbeat (generation, version) is newer than its own
 * records an arrival for that endpoint (notifyFailureDetector → FailureDetector.report);
 * a newer generation seen while the endpoint is held DOWN clears its window first
 * (fd.remove: "clearing interval times due to generation change").
 *
 * Conviction (FailureDetector.interpret, Gossiper.convict): at its status check a
 * member convicts every endpoint it holds UP whose silence exceeds the rule
 * (arrival-windows.ts: Cassandra's phi, or a fixed timeout = van Renesse's T_fail),
 * unless its own rounds were more than MAX_LOCAL_PAUSE apart (then nobody is convicted
 * that round nor for the next MAX_LOCAL_PAUSE). A conviction marks the endpoint DOWN
 * at that member only — nothing announces a death; each member convicts on its own.
 * It is marked UP again (Gossiper.markAlive → echo → realMarkAlive) when a newer
 * heartbeat of it is applied and an echo request to it is answered; an echo lost
 * is retried at the next newer heartbeat (Cassandra: after the request's timeout).
 *
 * Restarts: a restarted member has a new generation (Cassandra: seconds since the
 * epoch at start; here 1 + its restarts so far), version 0; it knows the other members
 * (its saved peers) but none of their versions, holds them UP with fresh windows
 * started at its restart, and learns their states from its first exchanges.
 *
 * Tractable at 1 000 members × 1 h (how): versions are (generation·2²² + version)
 * keys in one Int32Array row per member, so "newer" is `>` and a merge is an
 * element-wise max over a flat row; a message carries a snapshot row from a pool of
 * rows (no allocation in the run). The detector state of every (observer, endpoint)
 * pair is in flat typed arrays (arrival-windows.ts: the 1 000-interval window as 10
 * block sums). No event is scheduled per pair: a member's status check is one
 * comparison against `nextCheckUs` (a lower bound of the earliest instant any
 * endpoint it holds UP can be convicted, lowered by the arrivals that bring a
 * deadline closer); only when the bound is reached does it scan its row, convict
 * what is due and recompute the bound — about once per conviction horizon (≈ 18 s at
 * threshold 8) instead of every round. Memory: see `bytesPerMember`.
 *
 * Model limits: only the heartbeat state is gossiped (Cassandra also gossips
 * application states — STATUS, LOAD, SCHEMA… — that make messages larger); the
 * digest list is not shuffled (order does not matter without size limits); message
 * sizes are estimates (GOSSIP_MESSAGE_BYTES); the cluster starts converged (every
 * member knows every other at version 0).
 *
 * Member faults (ctx.faults): every event is a member event — the round on its member,
 * each message on its receiver — so a paused member neither gossips nor handles
 * messages and then runs its round and its backlog (the round sees its own pause:
 * MAX_LOCAL_PAUSE), a CPU-starved member handles messages late; partitions, one-way
 * cuts and slow I/O are the Network's. The detector reads the monotonic clock
 * (System.nanoTime): drift applies, a wall-clock step does not.
 */
import type { DetectorConfig } from '../../config.js';
import { EventClass } from '../../engine/kernel.js';
import { MemberEventRole } from '../../faults/member-faults.js';
import { Msg } from '../../metrics/membership-tallies.js';
import type { MembershipTallies } from '../../metrics/membership-tallies.js';
import type { RunTallies } from '../../metrics/recorder.js';
import { DROPPED } from '../../network/network.js';
import type { ProtocolContext, ProtocolModule } from '../protocol.js';
import { ArrivalWindows, arrive, type ConvictionRule } from './arrival-windows.js';
import { DOWN, MembershipAccounting, UP } from './membership-accounting.js';
import { RowPool } from './row-pool.js';

export interface GossipConfig {
  /** Gossip interval (Cassandra: 1 s, Gossiper.intervalInMillis). */
  readonly intervalUs: number;
  /** Members held UP gossiped to each round (Cassandra: 1). */
  readonly fanout: number;
  /** The first `seeds` members are seeds (Cassandra: seed_provider's list); 0 = none. */
  readonly seeds: number;
  /** Gossip to a member held DOWN with probability unreachable/(live + 1) (Cassandra: yes). */
  readonly gossipToUnreachable: boolean;
  readonly rule: ConvictionRule;
  /** Rounds more than this apart mean the member itself paused: no conviction (Cassandra: 5 s; +Infinity: no guard). */
  readonly maxLocalPauseUs: number;
  /** A false DOWN starting within this long after the previous one of the same member ended is a flap (default 60 s). */
  readonly flapWindowUs?: number;
}

/**
 * Message sizes, bytes on the wire (estimates: Cassandra 4.x messaging header ≈ 30 B +
 * IP/TCP 40 B; a digest = endpoint address and port 7 B + generation 4 + version 4 +
 * framing 2; a heartbeat-only endpoint state = address 7 + generation 4 + version 4 +
 * an empty application-state map 4 + framing 2).
 */
export const GOSSIP_MESSAGE_BYTES = { header: 70, digest: 17, state: 21, echo: 70 } as const;

/** key = generation·GEN + version, below 2³¹: up to 511 restarts of a member and 4 194 303 rounds. */
const GEN = 4_194_304;
const MAX_GENERATION = 511;
/** Two pooled rows travel in one ACK event argument: digests·SLOTS + snapshot. */
const SLOTS = 1_048_576;

export interface GossipModule extends ProtocolModule {
  membership(endUs: number): MembershipTallies;
  clusterTallies(perPair: RunTallies): RunTallies;
  /** Member o's view of s: 0 UP, 2 DOWN (for tests). */
  viewOf(o: number, s: number): number;
  /** The heartbeat version o holds for s, and its generation (for tests). */
  versionOf(o: number, s: number): { generation: number; version: number };
  /** The local instant from which o would convict s without news (for tests). */
  convictFromUs(o: number, s: number): number;
  /** The arrival window's mean for (o, s) (µs, phi only; for tests). */
  meanIntervalUs(o: number, s: number): number;
  /** Member o's gossip phase: its rounds fall at phase + k·interval (µs; for tests). */
  phaseOf(o: number): number;
  /** Bytes of per-member state (version rows, windows, views, link ids), divided by members. */
  bytesPerMember(): number;
}

export function gossipHeartbeats(config: GossipConfig): GossipModule {
  let ctx!: ProtocolContext;
  let n = 0;
  let ver!: Int32Array; // o·n + e → key
  let windows!: ArrivalWindows;
  let acc!: MembershipAccounting;
  let view!: Uint8Array;
  let liveOf!: Int32Array; // o → endpoints it holds UP (not itself)
  let nextCheckUs!: Float64Array; // o → lower bound of its earliest conviction (local)
  let lastInterpretUs!: Float64Array;
  let lastPauseUs!: Float64Array;
  let echoInflight!: Uint8Array;
  let linkOf!: Int32Array; // o·n + p → link o → p
  let peerStream!: Int32Array;
  let chosen!: Int32Array; // scratch: this round's targets
  let phaseUs!: Float64Array;
  const pool = new RowPool();
  let TICK = 0;
  let SYN = 0;
  let ACK = 0;
  let ACK2 = 0;
  let ECHO_REQ = 0;
  let ECHO_REP = 0;
  let ackStates = 0; // states in the last ACK absorbed
  let dupOf!: Uint8Array; // o·n + p → the link o → p may duplicate a message (UDP with duplication)

  const local = (node: number, nowUs: number) => (ctx.clocks.isIdentity ? nowUs : ctx.clocks.reading(node, nowUs, false));
  const draw = (o: number) => ctx.bank.next(peerStream[o]!);

  /** Sends `slot` (a pooled row) over o → p; `kind` fires at p. Counts it; on loss the row is released. */
  function sendRow(o: number, p: number, kind: number, msg: number, bytes: number, slot: number, nowUs: number, arg2: number): void {
    acc.message(msg, bytes, nowUs);
    const at = ctx.send(linkOf[o * n + p]!, nowUs, kind, p, slot, arg2);
    if (at === DROPPED) pool.release(slot);
    else if (dupOf[o * n + p] && ctx.network.duplicateArrivalUs !== DROPPED) pool.retain(slot);
  }

  /** A uniformly random endpoint o holds in `state` (UP / DOWN), other than o; −1 if none. */
  function pick(o: number, state: number, count: number): number {
    if (count <= 0) return -1;
    const base = o * n;
    if (4 * count >= n - 1) {
      for (;;) {
        const r = Math.floor(draw(o) * (n - 1));
        const p = r >= o ? r + 1 : r;
        if (view[base + p] === state) return p;
      }
    }
    let k = Math.floor(draw(o) * count);
    for (let p = 0; p < n; p++) {
      if (p === o || view[base + p] !== state) continue;
      if (k-- === 0) return p;
    }
    return -1;
  }

  function syn(o: number, p: number, nowUs: number): void {
    const slot = pool.acquire(2 * n);
    pool.rows[slot]!.set(ver.subarray(o * n, o * n + n));
    sendRow(o, p, SYN, Msg.syn, GOSSIP_MESSAGE_BYTES.header + n * GOSSIP_MESSAGE_BYTES.digest, slot, nowUs, o);
  }

  /** GossipTask.run at member o. */
  function round(o: number, nowUs: number): void {
    const l = local(o, nowUs);
    if ((ver[o * n + o]! + 1) % GEN === 0) throw new RangeError(`gossip: member ${ctx.nodeNames[o]} ran out of heartbeat versions (${GEN - 1} rounds): shorten the run or lengthen the interval`);
    ver[o * n + o]! += 1; // updateHeartBeat
    const live = liveOf[o]!;
    const unreachable = n - 1 - live;
    // doGossipToLiveMember (fanout distinct members held UP)
    const f = Math.min(config.fanout, live);
    let gossipedToSeed = false;
    for (let k = 0; k < f; k++) {
      let p = pick(o, UP, live);
      for (let j = 0; j < k; j++) {
        if (chosen[j] === p) {
          p = pick(o, UP, live);
          j = -1;
        }
      }
      chosen[k] = p;
      if (p < config.seeds) gossipedToSeed = true;
      syn(o, p, nowUs);
    }
    // maybeGossipToUnreachableMember
    if (config.gossipToUnreachable && unreachable > 0 && draw(o) < unreachable / (live + 1)) syn(o, pick(o, DOWN, unreachable), nowUs);
    // maybeGossipToSeed
    const seedCount = config.seeds - (o < config.seeds ? 1 : 0);
    if (seedCount > 0 && (!gossipedToSeed || live < config.seeds)) {
      if (live === 0 || draw(o) <= seedCount / (live + unreachable)) {
        const r = Math.floor(draw(o) * seedCount);
        syn(o, o < config.seeds && r >= o ? r + 1 : r, nowUs);
      }
    }
    statusCheck(o, l, nowUs);
  }

  /** doStatusCheck: FailureDetector.interpret for every endpoint, lazily (see the header). */
  function statusCheck(o: number, l: number, nowUs: number): void {
    const diff = l - lastInterpretUs[o]!;
    lastInterpretUs[o] = l;
    if (diff > config.maxLocalPauseUs) {
      lastPauseUs[o] = l;
      return;
    }
    if (l - lastPauseUs[o]! < config.maxLocalPauseUs) return;
    if (l < nextCheckUs[o]!) return;
    const base = o * n;
    let next = Infinity;
    for (let e = 0; e < n; e++) {
      if (e === o || view[base + e] !== UP) continue;
      const from = windows.convictFromUs(base + e);
      if (l >= from) {
        acc.setView(o, e, DOWN, nowUs); // Gossiper.convict → markDead
        liveOf[o]! -= 1;
      } else if (from < next) next = from;
    }
    nextCheckUs[o] = next;
  }

  /**
   * Member x applies a newer state `key` of endpoint e it holds DOWN (the rare path):
   * a new generation clears the window first (fd.remove), then the report; markAlive.
   */
  function arrivedDown(x: number, e: number, key: number, old: number, l: number, nowUs: number): void {
    const i = x * n + e;
    if (Math.floor(key / GEN) !== Math.floor(old / GEN)) windows.start(i, l);
    else windows.report(i, l);
    markAlive(x, e, nowUs);
  }

  /**
   * GossipDigestAckVerbHandler at initiator o: applies p's states (`q` newer than o's
   * digest `d` and than o's own) and reports each to o's detector; lists in `reply` the
   * endpoints p asked for (digest newer than p's) — the ACK2 carries o's state for each,
   * read when it leaves (now). Returns how many. The window update is
   * ArrivalWindows.record, inline: this loop runs a million times a simulated second
   * at 1 000 members. An endpoint's own entry never applies (nobody knows a member's
   * heartbeat newer than the member itself).
   */
  function absorbAck(o: number, digests: Int32Array, theirs: Int32Array, reply: Int32Array, nowUs: number): number {
    const base = o * n;
    const l = local(o, nowUs);
    const V = ver;
    const VW = view;
    const w = windows;
    let next = nextCheckUs[o]!;
    let asked = 0;
    let states = 0;
    for (let e = 0; e < n; e++) {
      const d = digests[e]!;
      const q = theirs[e]!;
      if (d > q) {
        reply[asked++] = e;
        continue;
      }
      if (q === d) continue;
      states++;
      const i = base + e;
      const v = V[i]!;
      if (q > v) {
        V[i] = q;
        if (VW[i] !== UP) {
          arrivedDown(o, e, q, v, l, nowUs);
          continue;
        }
        const from = arrive(w, i, l);
        if (from < next) next = from;
      }
    }
    nextCheckUs[o] = next;
    ackStates = states;
    return asked;
  }

  /** Bytes of an ACK with `requests` digests and `states` states. */
  function ackBytes(requests: number, states: number): number {
    return GOSSIP_MESSAGE_BYTES.header + requests * GOSSIP_MESSAGE_BYTES.digest + states * GOSSIP_MESSAGE_BYTES.state;
  }

  /** Counts an ACK that will not be absorbed (lost, or its initiator is down): its size from (digests, snapshot). */
  function countAck(digests: Int32Array, theirs: Int32Array, nowUs: number): void {
    let states = 0;
    let requests = 0;
    for (let e = 0; e < n; e++) {
      states += theirs[e]! > digests[e]! ? 1 : 0;
      requests += digests[e]! > theirs[e]! ? 1 : 0;
    }
    acc.message(Msg.ack, ackBytes(requests, states), nowUs);
  }

  /**
   * GossipDigestAck2VerbHandler at p: applies the states newer than its own. `states`
   * holds (endpoint, key) pairs: [e₀, k₀, e₁, k₁, …], `count` of them.
   */
  function absorbAck2(p: number, states: Int32Array, count: number, nowUs: number): void {
    const base = p * n;
    const l = local(p, nowUs);
    const V = ver;
    const VW = view;
    const w = windows;
    let next = nextCheckUs[p]!;
    for (let k = 0; k < count; k++) {
      const e = states[2 * k]!;
      const r = states[2 * k + 1]!;
      const i = base + e;
      const v = V[i]!;
      if (!(r > v)) continue;
      V[i] = r;
      if (VW[i] !== UP) {
        arrivedDown(p, e, r, v, l, nowUs);
        continue;
      }
      const from = arrive(w, i, l);
      if (from < next) next = from;
    }
    nextCheckUs[p] = next;
  }

  function markAlive(x: number, e: number, nowUs: number): void {
    const i = x * n + e;
    if (echoInflight[i]) return;
    echoInflight[i] = 1;
    acc.message(Msg.echo, GOSSIP_MESSAGE_BYTES.echo, nowUs);
    if (ctx.send(linkOf[i]!, nowUs, ECHO_REQ, e, x, 0) === DROPPED) echoInflight[i] = 0;
  }

  function bytesPerMember(): number {
    // ver 8 + windows + view 1 + echo flag 1 + link id 4, per pair; the rest per member.
    return n * (8 + windows.bytesPerPair + 1 + 1 + 4) + 8 * 3 + 4 * 2;
  }

  return {
    name: 'gossip',
    install(c) {
      ctx = c;
      n = c.nodeCount;
      if (n < 2) throw new RangeError('gossip needs at least 2 members');
      if (!(Number.isInteger(config.fanout) && config.fanout >= 1 && config.fanout <= n - 1)) {
        throw new RangeError(`fanout must be a whole number within 1..${n - 1} (members − 1), got ${config.fanout}`);
      }
      if (!(Number.isInteger(config.seeds) && config.seeds >= 0 && config.seeds <= n)) {
        throw new RangeError(`seeds must be a whole number within 0..${n}, got ${config.seeds}`);
      }
      if (!(config.intervalUs >= 1)) throw new RangeError('gossip interval must be ≥ 1 µs');
      const pairs = n * n;
      ver = new Int32Array(pairs).fill(GEN); // generation 1, version 0 everywhere
      windows = new ArrivalWindows(pairs, config.rule);
      acc = new MembershipAccounting({
        members: n,
        warmupUs: c.warmupUs,
        isUp: (node) => c.nodes.isUp(node),
        flapWindowUs: config.flapWindowUs ?? 60_000_000,
        censorHorizonUs: censorHorizonUs(config),
      });
      view = acc.view;
      liveOf = new Int32Array(n).fill(n - 1);
      nextCheckUs = new Float64Array(n);
      lastInterpretUs = new Float64Array(n);
      lastPauseUs = new Float64Array(n).fill(-Infinity);
      echoInflight = new Uint8Array(pairs);
      linkOf = new Int32Array(pairs).fill(-1);
      dupOf = new Uint8Array(pairs);
      peerStream = new Int32Array(n);
      chosen = new Int32Array(config.fanout);
      phaseUs = new Float64Array(n);

      TICK = c.faults.defineMemberEvent('gossip-round', EventClass.send, MemberEventRole.act, (o) => o, (o, epoch, _b, nowUs) => {
        if (epoch !== c.nodes.epoch(o) || !c.nodes.isUp(o)) return;
        round(o, nowUs);
        c.events.schedule(nowUs + config.intervalUs, TICK, o, epoch);
      });
      SYN = c.faults.defineMemberEvent('gossip-syn', EventClass.deliver, MemberEventRole.receive, (x) => x, (p, slot, o, nowUs) => {
        c.delivered(nowUs);
        if (!c.nodes.isUp(p)) {
          pool.release(slot);
          return;
        }
        // examineGossiper: p's ACK carries its states newer than the digests and requests
        // for the digests newer than its own. Its row is snapshotted as it is now; the
        // initiator reads states and requests off (digest, snapshot) when the ACK arrives.
        const out = pool.acquire(2 * n);
        pool.rows[out]!.set(ver.subarray(p * n, p * n + n));
        const at = c.send(linkOf[p * n + o]!, nowUs, ACK, o, slot * SLOTS + out, p);
        if (at === DROPPED) {
          countAck(pool.rows[slot]!, pool.rows[out]!, nowUs);
          pool.release(slot);
          pool.release(out);
        } else if (dupOf[p * n + o] && c.network.duplicateArrivalUs !== DROPPED) {
          pool.retain(slot);
          pool.retain(out);
        }
      });
      ACK = c.faults.defineMemberEvent('gossip-ack', EventClass.deliver, MemberEventRole.receive, (x) => x, (o, slots, p, nowUs) => {
        c.delivered(nowUs);
        const slot = Math.floor(slots / SLOTS);
        const out = slots % SLOTS;
        if (!c.nodes.isUp(o)) countAck(pool.rows[slot]!, pool.rows[out]!, nowUs);
        else {
          // The ACK2: o's state of every endpoint p asked for, as (endpoint, key) pairs.
          const asked = pool.acquire(2 * n);
          const list = pool.rows[asked]!;
          const count = absorbAck(o, pool.rows[slot]!, pool.rows[out]!, list, nowUs);
          acc.message(Msg.ack, ackBytes(count, ackStates), nowUs);
          const reply = pool.acquire(2 * n);
          const states = pool.rows[reply]!;
          const base = o * n;
          for (let k = 0; k < count; k++) {
            const e = list[k]!;
            states[2 * k] = e;
            states[2 * k + 1] = ver[base + e]!;
          }
          pool.release(asked);
          sendRow(o, p, ACK2, Msg.ack2, GOSSIP_MESSAGE_BYTES.header + count * GOSSIP_MESSAGE_BYTES.state, reply, nowUs, count);
        }
        pool.release(slot);
        pool.release(out);
      });
      ACK2 = c.faults.defineMemberEvent('gossip-ack2', EventClass.deliver, MemberEventRole.receive, (x) => x, (p, slot, count, nowUs) => {
        c.delivered(nowUs);
        if (c.nodes.isUp(p)) absorbAck2(p, pool.rows[slot]!, count, nowUs);
        pool.release(slot);
      });
      ECHO_REQ = c.faults.defineMemberEvent('gossip-echo', EventClass.deliver, MemberEventRole.receive, (x) => x, (e, x, _b, nowUs) => {
        if (!c.nodes.isUp(e)) {
          echoInflight[x * n + e] = 0; // Cassandra: the request times out; retried at the next newer heartbeat
          return;
        }
        acc.message(Msg.echo, GOSSIP_MESSAGE_BYTES.echo, nowUs);
        if (c.send(linkOf[e * n + x]!, nowUs, ECHO_REP, x, e, 0) === DROPPED) echoInflight[x * n + e] = 0;
      });
      ECHO_REP = c.faults.defineMemberEvent('gossip-echo-reply', EventClass.deliver, MemberEventRole.receive, (x) => x, (x, e, _b, nowUs) => {
        const i = x * n + e;
        echoInflight[i] = 0;
        if (!c.nodes.isUp(x) || view[i] !== DOWN) return;
        acc.setView(x, e, UP, nowUs); // realMarkAlive
        liveOf[x]! += 1;
        const from = windows.convictFromUs(i);
        if (from < nextCheckUs[x]!) nextCheckUs[x] = from;
      });

      windows.startRange(0, pairs, 0);
      for (let o = 0; o < n; o++) {
        for (let p = 0; p < n; p++) {
          if (p === o) continue;
          linkOf[o * n + p] = c.network.link(o, p);
          const cls = c.network.classOf(o, p);
          dupOf[o * n + p] = cls.duplicateProbability > 0 && cls.transport !== 'tcp' ? 1 : 0;
        }
        peerStream[o] = c.nodeStream(o, 'gossip-peer');
        nextCheckUs[o] = windows.convictFromUs(o * n + (o === 0 ? 1 : 0));
        const phase = Math.floor(c.bank.next(c.nodeStream(o, 'gossip-phase')) * config.intervalUs);
        phaseUs[o] = phase;
        c.events.schedule(phase, TICK, o, 0);
      }
    },
    onNodeDown(node, nowUs) {
      acc.nodeDown(node, nowUs);
    },
    onNodeUp(node, nowUs) {
      acc.nodeUp(node, nowUs);
      const base = node * n;
      const generation = Math.floor(ver[base + node]! / GEN) + 1;
      const l = local(node, nowUs);
      ver.fill(0, base, base + n);
      if (generation > MAX_GENERATION) throw new RangeError(`gossip: member ${ctx.nodeNames[node]} restarted more than ${MAX_GENERATION - 1} times`);
      ver[base + node] = generation * GEN;
      windows.startRange(base, base + n, l);
      echoInflight.fill(0, base, base + n);
      liveOf[node] = n - 1;
      nextCheckUs[node] = windows.convictFromUs(base + (node === 0 ? 1 : 0));
      lastInterpretUs[node] = l;
      lastPauseUs[node] = -Infinity;
      ctx.events.schedule(nowUs, TICK, node, ctx.nodes.epoch(node));
    },
    membership(endUs) {
      return acc.membership(endUs);
    },
    clusterTallies(perPair) {
      return acc.clusterTallies(perPair);
    },
    viewOf(o, s) {
      return view[o * n + s]!;
    },
    versionOf(o, s) {
      const key = ver[o * n + s]!;
      return { generation: Math.floor(key / GEN), version: key % GEN };
    },
    convictFromUs(o, s) {
      return windows.convictFromUs(o * n + s);
    },
    meanIntervalUs(o, s) {
      return windows.mean(o * n + s);
    },
    phaseOf(o) {
      return phaseUs[o]!;
    },
    bytesPerMember,
  };
}

/**
 * The conviction rule and pause guard of a scenario's detector: Cassandra's phi
 * (phi_cassandra; its MAX_LOCAL_PAUSE guard) or a fixed timeout (van Renesse's
 * T_fail; no guard). Other families are not what gossip members run.
 */
export function gossipRule(detector: DetectorConfig): Pick<GossipConfig, 'rule' | 'maxLocalPauseUs'> {
  switch (detector.kind) {
    case 'phiCassandra':
      return {
        rule: {
          kind: 'phi',
          threshold: detector.convictThreshold,
          initialIntervalUs: detector.initialIntervalUs,
          maxIntervalUs: detector.maxIntervalUs,
          sampleSize: detector.sampleSize,
        },
        maxLocalPauseUs: detector.maxLocalPauseUs,
      };
    case 'timeout':
      return { rule: { kind: 'timeout', timeoutUs: detector.timeoutUs }, maxLocalPauseUs: Infinity };
    default:
      throw new RangeError(`gossip members convict with phi_cassandra or a fixed timeout, not ${detector.kind}`);
  }
}

/** A crash this close to the end that nobody convicted is censored: the horizon of the rule plus a round. */
function censorHorizonUs(config: GossipConfig): number {
  const r = config.rule;
  const horizon = r.kind === 'phi' ? Math.ceil(r.threshold * Math.LN10 * Math.max(r.initialIntervalUs, r.maxIntervalUs)) : r.timeoutUs;
  return horizon + 2 * config.intervalUs;
}
