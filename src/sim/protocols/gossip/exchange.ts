/**
 * The gossip exchange and echo at their receivers (Cassandra's GossipDigestSyn/Ack/Ack2
 * VerbHandlers, examineGossiper, markAlive → echo → realMarkAlive): what each message
 * does when it arrives. gossip.ts describes the model.
 */
import { Msg } from '../../metrics/membership-tallies.js';
import { DROPPED } from '../../network/network.js';
import { arrivePhi, arriveTimeout, closeBlock } from './arrival-windows.js';
import { GEN, GOSSIP_MESSAGE_BYTES, SLOTS } from './config.js';
import type { GossipMembers } from './members.js';
import { DOWN, UP } from './membership-accounting.js';
import { kernelBound32 } from './merge-kernel.js';

/** SYN from o at p: examineGossiper. */
export function onSyn(m: GossipMembers, p: number, slot: number, o: number, nowUs: number): void {
  const { ctx, pool } = m;
  ctx.delivered(nowUs);
  if (!ctx.nodes.isUp(p)) {
    pool.release(slot);
    return;
  }
  // examineGossiper: p's ACK carries its states newer than the digests and requests
  // for the digests newer than its own. Its row is snapshotted as it is now; the
  // initiator reads states and requests off (digest, snapshot) when the ACK arrives.
  const out = pool.acquire();
  m.copyRow(p, out);
  const at = ctx.send(m.linkTo(p, o), nowUs, m.kinds.ack, o, slot * SLOTS + out, p);
  if (at === DROPPED) {
    countAck(m, pool.rowOf(slot), pool.rowOf(out), nowUs);
    pool.release(slot);
    pool.release(out);
  } else if (m.duplicated(p, o)) {
    pool.retain(slot);
    pool.retain(out);
  }
}

/** ACK from p at initiator o: absorb it and answer with the ACK2. */
export function onAck(m: GossipMembers, o: number, slots: number, p: number, nowUs: number): void {
  const { ctx, pool } = m;
  ctx.delivered(nowUs);
  const slot = Math.floor(slots / SLOTS);
  const out = slots % SLOTS;
  if (!ctx.nodes.isUp(o)) countAck(m, pool.rowOf(slot), pool.rowOf(out), nowUs);
  else {
    // o's SYN digests are usually o's row as it still is (row-pool.ts): then the row itself
    // is read as the digests; o's other pending snapshots get their copies before it changes.
    const own = pool.takeOwn(slot, o);
    pool.materialize(o);
    // The ACK2: o's state of every endpoint p asked for, as a dense row (0 = not asked: never newer).
    const reply = pool.acquire();
    const count = m.kernel !== null ? mergeWithKernel(m, o, slot, own, out, reply, nowUs) : absorbAck(m, o, own ? m.verRows[o]! : pool.rowOf(slot), pool.rowOf(out), pool.rows[reply]!, nowUs);
    m.acc.count(Msg.ack, ackBytes(count, m.ackStates), nowUs);
    m.sendRow(o, p, m.kinds.ack2, Msg.ack2, GOSSIP_MESSAGE_BYTES.header + count * GOSSIP_MESSAGE_BYTES.state, reply, nowUs, count);
  }
  pool.release(slot);
  pool.release(out);
}

/** ACK2 at p. */
export function onAck2(m: GossipMembers, p: number, slot: number, _count: number, nowUs: number): void {
  m.ctx.delivered(nowUs);
  if (m.ctx.nodes.isUp(p)) {
    m.pool.materialize(p);
    if (m.kernel !== null) mergeWithKernel(m, p, -1, false, slot, -1, nowUs);
    else absorbAck2(m, p, m.pool.rows[slot]!, nowUs);
  }
  m.pool.release(slot);
}

/** Echo request from x at e: answered if e is up. */
export function onEchoRequest(m: GossipMembers, e: number, x: number, nowUs: number): void {
  const { ctx, n } = m;
  if (!ctx.nodes.isUp(e)) {
    m.echoInflight[x * n + e] = 0; // Cassandra: the request times out; retried at the next newer heartbeat
    return;
  }
  m.acc.count(Msg.echo, GOSSIP_MESSAGE_BYTES.echo, nowUs);
  if (ctx.send(m.linkTo(e, x), nowUs, m.kinds.echoRep, x, e, 0) === DROPPED) m.echoInflight[x * n + e] = 0;
}

/** Echo reply from e at x: realMarkAlive. */
export function onEchoReply(m: GossipMembers, x: number, e: number, nowUs: number): void {
  const i = x * m.n + e;
  m.echoInflight[i] = 0;
  if (!m.ctx.nodes.isUp(x) || m.view[i] !== DOWN) return;
  m.acc.setView(x, e, UP, nowUs); // realMarkAlive
  m.liveOf[x]! += 1;
  const from = m.windows.convictFromUs(i);
  if (from < m.nextCheckUs[x]!) m.nextCheckUs[x] = from;
}

/**
 * Member x applies a newer state `key` of endpoint e it holds DOWN (the rare path):
 * a new generation clears the window first (fd.remove), then the report; markAlive.
 */
function arrivedDown(m: GossipMembers, x: number, e: number, key: number, old: number, l: number, nowUs: number): void {
  const i = x * m.n + e;
  if (Math.floor(key / GEN) !== Math.floor(old / GEN)) m.windows.start(i, l);
  else m.windows.report(i, l);
  markAlive(m, x, e, nowUs);
}

/**
 * GossipDigestAckVerbHandler at initiator o (the JavaScript path): applies p's states
 * (`q` newer than o's digest `d` and than o's own) and reports each to o's detector;
 * writes into `reply` o's state of each endpoint p asked for (digest newer than p's),
 * 0 elsewhere — the ACK2, as it leaves (now: an asked endpoint is not one applied
 * here, so its state is the same before and after). Returns how many were asked. An
 * endpoint's own entry never applies (nobody knows a member's heartbeat newer than the
 * member itself).
 *
 * Two passes, because whether o or p holds the newer version of an endpoint is a coin
 * flip: the first sorts every endpoint into "p asked" (d > q) and "p's is newer" (q > d)
 * without a branch (keys are below 2³¹, so the sign bit of q − d is the comparison); the
 * second (applyStates) applies the newer ones in endpoint order, as a one-pass loop would.
 */
function absorbAck(m: GossipMembers, o: number, digests: Int32Array, theirs: Int32Array, reply: Int32Array, nowUs: number): number {
  const n = m.n;
  const newer = m.scratch;
  const V = m.ver;
  const base = o * n;
  let asked = 0;
  let states = 0;
  for (let e = 0; e < n; e++) {
    const d = digests[e]!;
    const q = theirs[e]!;
    const a = (q - d) >>> 31;
    reply[e] = V[base + e]! & -a;
    asked += a;
    newer[2 * states] = e;
    newer[2 * states + 1] = q;
    states += (d - q) >>> 31;
  }
  m.ackStates = states;
  if (states > 0) applyStates(m, o, newer, states, nowUs);
  return asked;
}

/**
 * Merges a row with the kernel (merge-kernel.ts) at member x: an ACK (`digestSlot` =
 * x's SYN row, `inSlot` = p's snapshot, `outSlot` = the ACK2 row to fill; returns how
 * many endpoints were asked, m.ackStates = how many states the ACK held) or an ACK2
 * (`digestSlot` = `outSlot` = −1). `ownDigests`: the digests are x's live row (its SYN's
 * snapshot, not copied: the kernel loads a lane's digest before it writes that lane). The kernel decides the lanes it can; then, as
 * applyStates would, the lanes it listed (in endpoint order: echoes), the last n mod 4
 * endpoints, and the conviction instants that could lower the bound.
 */
function mergeWithKernel(m: GossipMembers, x: number, digestSlot: number, ownDigests: boolean, inSlot: number, outSlot: number, nowUs: number): number {
  const k = m.kernel!;
  const { n, pool, windows: w } = m;
  const base = x * n;
  const l = m.local(x, nowUs);
  w.fit(x, l);
  const L = l - w.epoch[x]!;
  const dig = digestSlot < 0 ? k.zero : ownDigests ? k.ver + 4 * base : inArena(m, digestSlot, 0);
  const inc = inArena(m, inSlot, 1);
  const outOffset = outSlot < 0 ? k.sink : pool.offsetOf(outSlot);
  const out = outOffset < 0 ? k.copies[2] : null;
  const n4 = n & ~3;
  let next = m.nextCheckUs[x]!;
  const bound = (next - l - 1) * (1 + 1e-9); // applyStates' bound (the close pass's doubles test); the main pass tests in f32 (merge-kernel.ts kernelBound32)
  const blk = w.blocksInArena ? w.blocks.byteOffset + 4 * w.stride * base : 0;
  const specials = k.merge(dig, inc, out !== null ? out.byteOffset : outOffset, k.ver + 4 * base, k.view + base, k.count + 2 * base, k.rel + 4 * base, k.sum + 4 * base, n4, k.lists.byteOffset, k.checks.byteOffset, k.res.byteOffset, L, w.maxIntervalUs, w.factor, bound, k.blockM, k.blockM1, blk, w.blockSize, w.capacity, w.B, kernelBound32(bound, w.factor));
  let states = k.res[0]!;
  let asked = k.res[1]!;
  const checks = k.res[2]!;
  const closes = k.res[3]!;
  m.kernelCounters.listed += specials;
  m.kernelCounters.checked += checks;
  if (blk !== 0) m.kernelCounters.closed += closes;
  else m.kernelCounters.listed += closes;
  const theirs = pool.rowOf(inSlot);
  for (let j = 0; j < specials; j++) {
    const e = k.lists[j]!;
    next = applyOne(m, x, e, theirs[e]!, l, L, nowUs, next);
  }
  // The lanes whose report closes a block, listed from the top of `lists` down: closed by the kernel when the block lines are in its memory, else here.
  if (blk === 0) for (let j = 0; j < closes; j++) next = applyOne(m, x, k.lists[n4 - 1 - j]!, theirs[k.lists[n4 - 1 - j]!]!, l, L, nowUs, next);
  const V = m.ver;
  const digests = digestSlot < 0 ? null : ownDigests ? m.verRows[x]! : pool.rowOf(digestSlot);
  const reply = outSlot < 0 ? null : pool.rows[outSlot]!;
  for (let e = n4; e < n; e++) {
    const d = digests === null ? 0 : digests[e]!;
    const q = theirs[e]!;
    if (reply !== null) reply[e] = d > q ? V[base + e]! : 0;
    if (d > q) asked++;
    if (q > d) {
      states++;
      if (q > V[base + e]!) next = applyOne(m, x, e, q, l, L, nowUs, next);
    }
  }
  for (let j = 0; j < checks; j++) {
    const from = w.convictFromUs(base + k.checks[j]!);
    if (from < next) next = from;
  }
  m.nextCheckUs[x] = next;
  if (out !== null) reply!.set(out.subarray(0, n4), 0);
  m.ackStates = states;
  return asked;
}

/** Byte offset of message row `slot` in the kernel's memory: in place, or copied into scratch row `copy`. */
function inArena(m: GossipMembers, slot: number, copy: 0 | 1): number {
  const at = m.pool.offsetOf(slot);
  if (at >= 0) return at;
  const scratch = m.kernel!.copies[copy];
  scratch.set(m.pool.rowOf(slot));
  m.kernelCounters.copied++;
  return scratch.byteOffset;
}

/**
 * Member x applies one newer state `r` of endpoint e (the kernel's listed lanes, the
 * last n mod 4): applyStates' loop body (phi), with `next` the running bound; returns it.
 */
function applyOne(m: GossipMembers, x: number, e: number, r: number, l: number, L: number, nowUs: number, next: number): number {
  const i = x * m.n + e;
  const v = m.ver[i]!;
  if (!(r > v)) return next;
  m.ver[i] = r;
  if (m.view[i] !== UP) {
    arrivedDown(m, x, e, r, v, l, nowUs);
    return next;
  }
  const from = arrivePhi(m.windows, i, L, l);
  return from < next ? from : next;
}

/**
 * Member x applies the states [e₀, k₀, e₁, k₁, …] (`count` of them, endpoints in
 * increasing order) that are newer than its own, and reports each to its detector
 * (FailureDetector.report, ArrivalWindows.report inline: this loop runs a million
 * times a simulated second at 1 000 members); the conviction bound `nextCheckUs`
 * is lowered where an arrival brings a conviction closer.
 *
 * The conviction instant tLast + ⌊f·S/c⌋ + 1 (f = threshold·ln 10, S/c the window's
 * mean) is computed only when it could fall before the bound N: with K = N − tLast − 1,
 * a whole number, it does iff ⌊f·S/c⌋ < K. The loop skips it when f·S ≥ K·(1 + 10⁻⁹)·c
 * in doubles: each of those products is within 2⁻⁵³ of exact, so then f·S/c ≥ K·(1 + 10⁻⁹
 * − 2⁻⁵¹) and the detector's rounded f·(S/c) is still ≥ K — the skipped instant is ≥ N
 * and would not have lowered it (K ≤ 0: f·S ≥ 0 ≥ the bound, and the instant ≥ tLast + 1
 * ≥ N; N = ∞: never skipped). A multiplication instead of a division per arrival.
 */
function applyStates(m: GossipMembers, x: number, states: Int32Array, count: number, nowUs: number): void {
  const base = x * m.n;
  const l = m.local(x, nowUs);
  const V = m.ver;
  const VW = m.view;
  const w = m.windows;
  let next = m.nextCheckUs[x]!;
  if (!w.phi) {
    for (let k = 0; k < count; k++) {
      const e = states[2 * k]!;
      const r = states[2 * k + 1]!;
      const i = base + e;
      const v = V[i]!;
      if (!(r > v)) continue;
      V[i] = r;
      if (VW[i] !== UP) arrivedDown(m, x, e, r, v, l, nowUs);
      else {
        const from = arriveTimeout(w, i, l);
        if (from < next) next = from;
      }
    }
    m.nextCheckUs[x] = next;
    return;
  }
  w.fit(x, l);
  const L = l - w.epoch[x]!;
  const T = w.rel;
  const TS = w.sum;
  const TC = w.count;
  const closesAt = w.closesAt;
  const maxIntervalUs = w.maxIntervalUs;
  const factor = w.factor;
  let bound = (next - l - 1) * (1 + 1e-9);
  for (let k = 0; k < count; k++) {
    const e = states[2 * k]!;
    const r = states[2 * k + 1]!;
    const i = base + e;
    const v = V[i]!;
    if (!(r > v)) continue;
    V[i] = r;
    if (VW[i] !== UP) {
      arrivedDown(m, x, e, r, v, l, nowUs);
      continue;
    }
    const interval = L - T[i]!;
    if (interval <= 0) {
      // Not a report (same instant): the bound is checked as before.
      const from = arrivePhi(w, i, L, l);
      if (from < next) {
        next = from;
        bound = (next - l - 1) * (1 + 1e-9);
      }
      continue;
    }
    T[i] = L;
    let c = TC[i]!;
    if (interval <= maxIntervalUs) {
      if (closesAt[c]) c = closeBlock(w, i);
      TS[i]! += interval;
      TC[i] = ++c;
    }
    const sum = TS[i]!;
    if (factor * sum >= bound * c) continue;
    const from = l + Math.floor(factor * (sum / c)) + 1;
    if (from < next) {
      next = from;
      bound = (next - l - 1) * (1 + 1e-9);
    }
  }
  m.nextCheckUs[x] = next;
}

/** Bytes of an ACK with `requests` digests and `states` states. */
function ackBytes(requests: number, states: number): number {
  return GOSSIP_MESSAGE_BYTES.header + requests * GOSSIP_MESSAGE_BYTES.digest + states * GOSSIP_MESSAGE_BYTES.state;
}

/** Counts an ACK that will not be absorbed (lost, or its initiator is down): its size from (digests, snapshot). */
function countAck(m: GossipMembers, digests: Int32Array, theirs: Int32Array, nowUs: number): void {
  let states = 0;
  let requests = 0;
  for (let e = 0; e < m.n; e++) {
    states += theirs[e]! > digests[e]! ? 1 : 0;
    requests += digests[e]! > theirs[e]! ? 1 : 0;
  }
  m.acc.count(Msg.ack, ackBytes(requests, states), nowUs);
}

/**
 * GossipDigestAck2VerbHandler at p (the JavaScript path): applies the states newer than
 * its own. `row` is dense: o's state per endpoint asked for, 0 elsewhere (never newer).
 */
function absorbAck2(m: GossipMembers, p: number, row: Int32Array, nowUs: number): void {
  const newer = m.scratch;
  let count = 0;
  for (let e = 0; e < m.n; e++) {
    const r = row[e]!;
    newer[2 * count] = e;
    newer[2 * count + 1] = r;
    count += -r >>> 31;
  }
  applyStates(m, p, newer, count, nowUs);
}

function markAlive(m: GossipMembers, x: number, e: number, nowUs: number): void {
  const i = x * m.n + e;
  if (m.echoInflight[i]) return;
  m.echoInflight[i] = 1;
  m.acc.count(Msg.echo, GOSSIP_MESSAGE_BYTES.echo, nowUs);
  if (m.ctx.send(m.linkTo(x, e), nowUs, m.kinds.echoReq, e, x, 0) === DROPPED) m.echoInflight[i] = 0;
}
