/**
 * A gossip member's round (Cassandra's GossipTask.run): its heartbeat, the SYNs to
 * members held UP, to one held DOWN and to a seed, then its status check. gossip.ts
 * describes the model.
 */
import { Msg } from '../../metrics/membership-tallies.js';
import { GEN, GOSSIP_MESSAGE_BYTES } from './config.js';
import type { GossipMembers } from './members.js';
import { DOWN, UP } from './membership-accounting.js';

/** A uniformly random endpoint o holds in `state` (UP / DOWN), other than o; −1 if none. */
function pick(m: GossipMembers, o: number, state: number, count: number): number {
  if (count <= 0) return -1;
  const n = m.n;
  const view = m.view;
  const base = o * n;
  if (4 * count >= n - 1) {
    for (;;) {
      const r = Math.floor(m.draw(o) * (n - 1));
      const p = r >= o ? r + 1 : r;
      if (view[base + p] === state) return p;
    }
  }
  let k = Math.floor(m.draw(o) * count);
  for (let p = 0; p < n; p++) {
    if (p === o || view[base + p] !== state) continue;
    if (k-- === 0) return p;
  }
  return -1;
}

/** A GossipDigestSyn from o to p: o's row of versions as the digests. */
function syn(m: GossipMembers, o: number, p: number, nowUs: number): void {
  const n = m.n;
  const slot = m.pool.acquire();
  m.copyRow(o, slot);
  m.sendRow(o, p, m.kinds.syn, Msg.syn, GOSSIP_MESSAGE_BYTES.header + n * GOSSIP_MESSAGE_BYTES.digest, slot, nowUs, o);
}

/** GossipTask.run at member o. */
export function gossipRound(m: GossipMembers, o: number, nowUs: number): void {
  const { n, ver, config } = m;
  const l = m.local(o, nowUs);
  const key = m.ownKey[o]! + 1; // o's own entry of its row, read from the copy (members.ts `ownKey`)
  if (key % GEN === 0) throw new RangeError(`gossip: member ${m.ctx.nodeNames[o]} ran out of heartbeat versions (${GEN - 1} rounds): shorten the run or lengthen the interval`);
  m.pool.materialize(o); // before o's row changes: its pending snapshots get their copies
  m.ownKey[o] = key;
  ver[o * n + o] = key; // updateHeartBeat
  const live = m.liveOf[o]!;
  const unreachable = n - 1 - live;
  // doGossipToLiveMember (fanout distinct members held UP)
  const f = Math.min(config.fanout, live);
  const chosen = m.chosen;
  let gossipedToSeed = false;
  for (let k = 0; k < f; k++) {
    let p = pick(m, o, UP, live);
    for (let j = 0; j < k; j++) {
      if (chosen[j] === p) {
        p = pick(m, o, UP, live);
        j = -1;
      }
    }
    chosen[k] = p;
    if (p < config.seeds) gossipedToSeed = true;
    syn(m, o, p, nowUs);
  }
  // maybeGossipToUnreachableMember
  if (config.gossipToUnreachable && unreachable > 0 && m.draw(o) < unreachable / (live + 1)) syn(m, o, pick(m, o, DOWN, unreachable), nowUs);
  // maybeGossipToSeed
  const seedCount = config.seeds - (o < config.seeds ? 1 : 0);
  if (seedCount > 0 && (!gossipedToSeed || live < config.seeds)) {
    if (live === 0 || m.draw(o) <= seedCount / (live + unreachable)) {
      const r = Math.floor(m.draw(o) * seedCount);
      syn(m, o, o < config.seeds && r >= o ? r + 1 : r, nowUs);
    }
  }
  statusCheck(m, o, l, nowUs);
}

/** doStatusCheck: FailureDetector.interpret for every endpoint, lazily (see gossip.ts's header). */
function statusCheck(m: GossipMembers, o: number, l: number, nowUs: number): void {
  const { n, config, view, windows } = m;
  const diff = l - m.lastInterpretUs[o]!;
  m.lastInterpretUs[o] = l;
  if (diff > config.maxLocalPauseUs) {
    m.lastPauseUs[o] = l;
    return;
  }
  if (l - m.lastPauseUs[o]! < config.maxLocalPauseUs) return;
  if (l < m.nextCheckUs[o]!) return;
  // Every endpoint held UP, its conviction instant against l (arrival-windows.ts scanRow: the convicted in endpoint order, and the earliest other instant).
  m.nextCheckUs[o] = windows.scanRow(o, o, view, l);
  for (let k = 0; k < windows.convictedCount; k++) {
    m.acc.setView(o, windows.convicted[k]!, DOWN, nowUs); // Gossiper.convict → markDead
    m.liveOf[o]! -= 1;
  }
}
