/**
 * Every stream key of the simulator, spelled once. A key names the entity that owns
 * a stream and the purpose it draws for; keys are names, never creation order, so
 * adding a node, a link or a fault rule leaves every other stream untouched (see
 * streams.ts). Changing a spelling here changes every result: the golden files and
 * CI baselines pin them, and `STREAMS_VERSION` (streams.ts) names the derivation.
 *
 * A key is not kept as a string. It is the 64-bit digest of a tuple — an entity kind,
 * the owners' names, rule numbers, the purpose — hashed word by word (hash.ts), so
 * a million nodes cost no key strings on the heap and no hashing of long strings.
 * The kinds below are the tuple's first word: two keys of different kinds never share
 * a tuple, whatever their names. `describeStreamKey`-style labels are not stored; the
 * comments give each key's reading (`link/<from>><to>/<purpose>`), which is how the
 * tuples are documented in docs/results.md.
 */
import { absorb, finish, hashString, LANE_A, LANE_B, LANE_C, LANE_D, stringLane, type Digest } from './hash.js';

/** A stream's identity: the 64-bit digest of its (kind, owners, purpose) tuple. */
export interface StreamKey {
  readonly hi: number;
  readonly lo: number;
}

/** The first word of every key tuple: which kind of entity owns the stream. Never renumber. */
const Kind = {
  link: 1,
  node: 2,
  pair: 3,
  observedPair: 4,
  fault: 5,
  faultDelay: 6,
  crash: 7,
  named: 8,
  monitor: 9,
  senderLink: 10,
} as const;

/** Member kinds of fault and crash keys. */
const MemberKind = { node: 1, rack: 2, observer: 3, group: 4 } as const;

/**
 * Purposes are few ("delay", "loss", "jitter", a protocol's own), so their digests are
 * memoised; names are hashed afresh each time (short, and there may be millions).
 */
const PURPOSES = new Map<string, Digest>();
function purposeDigest(purpose: string): Digest {
  let d = PURPOSES.get(purpose);
  if (d === undefined) {
    d = hashString(purpose);
    if (PURPOSES.size < 4096) PURPOSES.set(purpose, d);
  }
  return d;
}

/**
 * The digest of a tuple of up to nine words (`length` of them; the rest are 0): two
 * lanes, locals only, nothing allocated but the key (seeding a million-node run hashes
 * millions of keys).
 */
function tuple(length: number, w0: number, w1: number, w2: number, w3: number, w4: number, w5: number, w6 = 0, w7 = 0, w8 = 0): StreamKey {
  let c = absorb(absorb(absorb(absorb(absorb(absorb(LANE_C, w0), w1), w2), w3), w4), w5);
  let d = absorb(absorb(absorb(absorb(absorb(absorb(LANE_D, w0), w1), w2), w3), w4), w5);
  if (length > 6) {
    c = absorb(absorb(absorb(c, w6), w7), w8);
    d = absorb(absorb(absorb(d, w6), w7), w8);
  }
  return { hi: finish(c, length), lo: finish(d, length) };
}

/**
 * A name's two lanes, hashed once and remembered for the next call or two: callers
 * key one entity for several purposes, or many nodes against one monitor.
 */
let cachedName0 = '';
let cachedA0 = stringLane('', LANE_A);
let cachedB0 = stringLane('', LANE_B);
let cachedName1 = '';
let cachedA1 = cachedA0;
let cachedB1 = cachedB0;
let flip = false;

function remember(s: string): boolean {
  if (s === cachedName0) return false;
  if (s === cachedName1) return true;
  const ha = stringLane(s, LANE_A);
  const hb = stringLane(s, LANE_B);
  flip = !flip;
  if (flip) {
    cachedName1 = s;
    cachedA1 = ha;
    cachedB1 = hb;
    return true;
  }
  cachedName0 = s;
  cachedA0 = ha;
  cachedB0 = hb;
  return false;
}
const a = (s: string): number => (remember(s) ? cachedA1 : cachedA0);
const b = (s: string): number => (remember(s) ? cachedB1 : cachedB0);

/** A directed link's stream: `link/<from>><to>/<purpose>` (delay, loss, duplicate, …). */
export function linkStreamKey(fromName: string, toName: string, purpose: string): StreamKey {
  const p = purposeDigest(purpose);
  return tuple(7, Kind.link, a(fromName), b(fromName), a(toName), b(toName), p.hi, p.lo);
}

/**
 * A sender link's stream: `link/<from>>*<class>/<purpose>` — one link per (sender, link
 * class) for messages a node sends to many (broadcasts), owned by the sender.
 */
export function senderLinkStreamKey(fromName: string, classLabel: string, purpose: string): StreamKey {
  const p = purposeDigest(purpose);
  const c = hashString(classLabel);
  return tuple(9, Kind.senderLink, a(fromName), b(fromName), c.hi, c.lo, p.hi, p.lo, 0, 0);
}

/** A node's own stream: `node/<name>/<purpose>` (phase, jitter, or a protocol's own purpose). */
export function nodeStreamKey(name: string, purpose: string): StreamKey {
  const p = purposeDigest(purpose);
  return tuple(6, Kind.node, a(name), b(name), p.hi, p.lo, 0);
}

/** An (observer, target) pair's stream, named by its target: `pair/<target>/<purpose>`. */
export function pairStreamKey(targetName: string, purpose: string): StreamKey {
  const p = purposeDigest(purpose);
  return tuple(6, Kind.pair, a(targetName), b(targetName), p.hi, p.lo, 0);
}

/** A stream of the pair in which `observer` watches `target`: `pair/<observer>><target>/<purpose>`. */
export function observedPairStreamKey(observerName: string, targetName: string, purpose: string): StreamKey {
  const p = purposeDigest(purpose);
  return tuple(7, Kind.observedPair, a(observerName), b(observerName), a(targetName), b(targetName), p.hi, p.lo);
}

/** The member part of fault and crash keys: a node (by name), a rack (by number), the observer, a group. */
export interface StreamMember {
  readonly kind: number;
  readonly name: string;
  readonly index: number;
}
export const memberOfNode = (name: string): StreamMember => ({ kind: MemberKind.node, name, index: 0 });
export const memberOfRack = (rack: number): StreamMember => ({ kind: MemberKind.rack, name: '', index: rack });
export const memberObserver: StreamMember = { kind: MemberKind.observer, name: '', index: 0 };
/** A group partition's one process (the whole selection). */
export const memberGroup: StreamMember = { kind: MemberKind.group, name: '', index: 0 };

/** A fault rule's stream: `fault/<rule>-<kind>/<member>` (member: node/<name>, observer, group). */
export function faultStreamKey(rule: number, kind: string, member: StreamMember): StreamKey {
  const p = purposeDigest(kind);
  return tuple(9, Kind.fault, rule, p.hi, p.lo, member.kind, member.index, a(member.name), b(member.name));
}

/** A fault rule's per-node extra-delay stream (slow I/O, CPU starvation): `fault/<rule>-<kind>/node/<name>/delay`. */
export function faultDelayStreamKey(rule: number, kind: string, nodeName: string): StreamKey {
  const p = purposeDigest(kind);
  return tuple(7, Kind.faultDelay, rule, p.hi, p.lo, a(nodeName), b(nodeName));
}

/** A crash rule's stream: `crash/<rule>/<member>` (member: node/<name> or rack/<k>). */
export function crashStreamKey(rule: number, member: StreamMember): StreamKey {
  return tuple(6, Kind.crash, rule, member.kind, member.index, a(member.name), b(member.name));
}

/**
 * A stream named by a free path, for draws owned by no simulated entity (the rare-
 * event estimator's own streams, tests): `named/<path>`.
 */
export function namedStreamKey(path: string): StreamKey {
  return tuple(6, Kind.named, a(path), b(path), 0, 0, 0);
}

/** The monitor's crash onsets (issue #13, monitor failover): `monitor/<name>/failover`. */
export function monitorFailoverStreamKey(monitorName: string): StreamKey {
  return tuple(6, Kind.monitor, a(monitorName), b(monitorName), 0, 0, 0);
}

/**
 * A name's two lanes (stringLane under LANE_A and LANE_B), in one pass over its UTF-16
 * code units with MurmurHash3's block step written out (no calls): the per-node part of
 * every key of a node. The last name is remembered (a node is keyed for a few purposes
 * in a row).
 */
let lanesName = '';
let lanesA = stringLane('', LANE_A);
let lanesB = stringLane('', LANE_B);

function nameLanes(s: string): void {
  if (s === lanesName) return;
  let ha = LANE_A;
  let hb = LANE_B;
  const n = s.length;
  let i = 0;
  for (; i < n; i += 2) {
    // A word holds two code units; an odd last one stands alone (stringLane's tail).
    const word = i + 1 < n ? s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16) : s.charCodeAt(i);
    let k = Math.imul(word, 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    ha ^= k;
    ha = (Math.imul((ha << 13) | (ha >>> 19), 5) + 0xe6546b64) | 0;
    hb ^= k;
    hb = (Math.imul((hb << 13) | (hb >>> 19), 5) + 0xe6546b64) | 0;
  }
  lanesA = finish(ha, n);
  lanesB = finish(hb, n);
  lanesName = s;
}

/**
 * The keys of one purpose for node after node, bit for bit those of nodeStreamKey (or
 * linkStreamKey towards one fixed peer), derived without a StreamKey object, a closure
 * or a string per node: what does not depend on the node (its kind, the peer, the
 * purpose) is hashed once, and per node only its name's lanes and the words after it.
 * `of(name)` leaves the key in `hi` and `lo` (seeding a thousand-node walk derives two
 * keys per node, and its first run is interpreted: calls and objects are what cost).
 */
export class NodeKeyFamily {
  hi = 0;
  lo = 0;
  /** Lanes C and D after the tuple's words before the name (its kind). */
  private readonly headC: number;
  private readonly headD: number;
  /** The words after the name, and the tuple's length. */
  private readonly tail: Int32Array;
  private readonly length: number;

  private constructor(kind: number, tail: readonly number[], length: number) {
    this.headC = absorb(LANE_C, kind);
    this.headD = absorb(LANE_D, kind);
    this.tail = Int32Array.from(tail);
    this.length = length;
  }

  /** `node/<name>/<purpose>` for every name (nodeStreamKey). */
  static node(purpose: string): NodeKeyFamily {
    const p = purposeDigest(purpose);
    return new NodeKeyFamily(Kind.node, [p.hi, p.lo, 0], 6);
  }

  /** `link/<name>><to>/<purpose>` for every name (linkStreamKey from each node to one peer). */
  static linkTo(toName: string, purpose: string): NodeKeyFamily {
    const p = purposeDigest(purpose);
    // tuple(7, …): six words, then w6 = p.lo and the two zero words of a long tuple.
    return new NodeKeyFamily(Kind.link, [stringLane(toName, LANE_A), stringLane(toName, LANE_B), p.hi, p.lo, 0, 0], 7);
  }

  /** Derives the key of node `name` into `hi`, `lo`. */
  of(name: string): void {
    nameLanes(name);
    let c = absorb(absorb(this.headC, lanesA), lanesB);
    let d = absorb(absorb(this.headD, lanesA), lanesB);
    const tail = this.tail;
    for (let i = 0; i < tail.length; i++) {
      c = absorb(c, tail[i]!);
      d = absorb(d, tail[i]!);
    }
    this.hi = finish(c, this.length);
    this.lo = finish(d, this.length);
  }
}

/**
 * linkStreamKey for the directed links between the nodes of one list, bit for bit,
 * with each node's name hashed once (its two lanes kept per node index, computed on
 * first use): a full mesh of 1 000 gossip members seeds ≈ 10⁶ links on first use, in a
 * random order, and linkStreamKey's two-name cache missed on nearly every one (two
 * string hashes and string compares per key). `key(from, to, purpose)` returns a fresh
 * key, like linkStreamKey.
 */
export class LinkKeys {
  private readonly names: readonly string[];
  private readonly laneA: Int32Array;
  private readonly laneB: Int32Array;
  private readonly known: Uint8Array;
  /** The last link's tuple lanes after (kind, from, to), for its next purpose. */
  private lastFrom = -1;
  private lastTo = -1;
  private headC = 0;
  private headD = 0;

  constructor(names: readonly string[]) {
    this.names = names;
    this.laneA = new Int32Array(names.length);
    this.laneB = new Int32Array(names.length);
    this.known = new Uint8Array(names.length);
  }

  private lanes(node: number): void {
    if (this.known[node] === 1) return;
    const name = this.names[node]!;
    this.laneA[node] = stringLane(name, LANE_A);
    this.laneB[node] = stringLane(name, LANE_B);
    this.known[node] = 1;
  }

  /** The key of `link/<names[from]>><names[to]>/<purpose>` (linkStreamKey). */
  key(from: number, to: number, purpose: string): StreamKey {
    if (from !== this.lastFrom || to !== this.lastTo) {
      this.lanes(from);
      this.lanes(to);
      const aF = this.laneA[from]!;
      const bF = this.laneB[from]!;
      const aT = this.laneA[to]!;
      const bT = this.laneB[to]!;
      this.headC = absorb(absorb(absorb(absorb(absorb(LANE_C, Kind.link), aF), bF), aT), bT);
      this.headD = absorb(absorb(absorb(absorb(absorb(LANE_D, Kind.link), aF), bF), aT), bT);
      this.lastFrom = from;
      this.lastTo = to;
    }
    const p = purposeDigest(purpose);
    // tuple(7, …): the sixth word p.hi, then w6 = p.lo and the two zero words of a long tuple.
    const c = absorb(absorb(absorb(absorb(this.headC, p.hi), p.lo), 0), 0);
    const d = absorb(absorb(absorb(absorb(this.headD, p.hi), p.lo), 0), 0);
    return { hi: finish(c, 7), lo: finish(d, 7) };
  }
}
