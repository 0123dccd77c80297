/**
 * Seeded random streams. Every random decision in a simulation draws from a stream
 * owned by one entity and one purpose (`link/n3>monitor/loss`, `node/n3/jitter`, keys
 * spelled in stream-keys.ts), seeded from (scenario seed, replication, key). Keys are
 * stable names, never creation order, so adding a node, a link or a sweep cell leaves
 * every other stream's draws untouched, and cells that differ only in their detector
 * see the same network and faults (common random numbers). Since a stream's state
 * depends on nothing but its key, streams may be created lazily (a link's on its first
 * message) without changing a draw.
 *
 * Seeding (`STREAMS_VERSION` hbsim.streams/2, /3 and /4): the seed string is hashed once to 64
 * bits, the replication folded in, and the key's 64-bit digest (stream-keys.ts) mixed
 * with that root by three MurmurHash3 lanes (hash.ts) into the generator's three
 * 32-bit state words; the carry starts at 1, as seedrandom's Mash seeding leaves it.
 * No string is built or kept per stream. (Version 1 ran seedrandom's Mash over
 * `<seed>/rep/<r>/<key>`: ~7 µs and a long string per stream.)
 *
 * Generator: Alea (Johannes Baagøe), the step seedrandom's lib/alea.js runs (`me.next`),
 * on a shared Uint32Array holding every stream's state side by side — 16 bytes a
 * stream, packed, so four streams share a cache line. The state is kept as integers
 * (s·2³²), which makes the step exact integer arithmetic below 2⁵³ and every output
 * bit-identical to seedrandom's: a test restores seedrandom's Alea to the same state
 * and compares. Only this file and its test know the algorithm.
 */
import { absorb, finish, hash4, hashString, LANE_A, LANE_C } from './hash.js';
import type { StreamKey } from './stream-keys.js';

/**
 * Names the derivation of every stream from (seed, replication, key), and what draws
 * from them; recorded in results files. /3 seeds as /2; it is bumped because
 * fixed-timeout cells now run on the skipping walk (src/sim/skip), which draws only the
 * heartbeats that can change a verdict, from one `skip` stream per link: the same laws,
 * other draws, so a /2 file and a /3 file differ in every such cell. /4 seeds as /2 too;
 * it is bumped because the walk now also takes fixed-timeout cells with crashes (no
 * racks), link overrides (UDP, no duplication), slow I/O, CPU starvation and the nodes'
 * clock faults, which /3 ran on the engine or the per-node kernel: a /3 file and a /4
 * file differ in those cells. /5 seeds as /2 too; it is bumped because fixed-rate pull
 * checks on UDP links (crashes without racks, sender pauses) now run on the pull walk
 * (src/sim/skip/pull-walk.ts), which draws only the probes that can fail, from one
 * `pair/<node>/probe-skip` stream per node: a /4 file and a /5 file differ in those cells.
 * /6 seeds as /2 too; it is bumped because NFD-S cells on UDP links (crashes without
 * racks or sender pauses, the nodes' clock drift) now run on the NFD-S walk
 * (src/sim/skip/nfd-s-walk.ts), which draws only the heartbeats that can change a
 * verdict from the timeout walk's `link/<node>><monitor>/skip` stream: a /5 file and a
 * /6 file differ in those cells.
 */
export const STREAMS_VERSION = 'hbsim.streams/7';

/** Seed material for one replication of one scenario. */
export interface SeedRoot {
  readonly seed: string;
  readonly replication: number;
}

const STRIDE = 4; // c, s0, s1, s2 (s as integers: s·2^32)
/** Numbers `StreamBank.saveStream` writes per stream: the four words, whether a spare normal is kept, and its value. */
export const STREAM_STATE_LENGTH = 6;
const TWO_32 = 4_294_967_296;
const INV_TWO_32 = 2.3283064365386963e-10; // 2^-32
const MULTIPLIER = 2_091_639;

/** Lane seeds of the three state words (distinct from the key lanes of hash.ts). */
const STATE_LANES = [0x3707344a, 0xa4093822, 0x299f31d0] as const;

/** The 64-bit digest of (seed, replication). */
function rootDigest(root: SeedRoot): { hi: number; lo: number } {
  const seed = hashString(root.seed);
  const replication = root.replication;
  if (!Number.isInteger(replication) || replication < 0 || replication > 0x7fffffff) {
    throw new RangeError(`a replication index is a non-negative 31-bit integer, got ${replication}`);
  }
  const hi = finish(absorb(absorb(absorb(LANE_A, seed.hi), seed.lo), replication), 3);
  const lo = finish(absorb(absorb(absorb(LANE_C, seed.hi), seed.lo), replication), 3);
  return { hi, lo };
}

/**
 * The initial state of the stream `key` under `root`: [c, s0, s1, s2]. Pure: the same
 * inputs give the same state in any process, in any order.
 */
export function initialState(root: SeedRoot, key: StreamKey): [number, number, number, number] {
  const r = rootDigest(root);
  return initialStateOf(r.hi, r.lo, key);
}

function initialStateOf(rootHi: number, rootLo: number, key: StreamKey): [number, number, number, number] {
  return [
    1,
    hash4(rootHi, rootLo, key.hi, key.lo, STATE_LANES[0]),
    hash4(rootHi, rootLo, key.hi, key.lo, STATE_LANES[1]),
    hash4(rootHi, rootLo, key.hi, key.lo, STATE_LANES[2]),
  ];
}

/**
 * hash4(rootHi, rootLo, ·, ·, lane) up to the key: the lane after the root's two words.
 * hash4's block steps are sequential, so finishing from here with the key's two words
 * gives the same word.
 */
function rootLane(rootHi: number, rootLo: number, lane: number): number {
  return absorb(absorb(lane, rootHi), rootLo);
}

let firstRoot: SeedRoot | null = null;
let firstSeed = '';
let firstReplication = -1;
let firstRootLane = 0;

/** The first uniform of the stream `key`, without keeping the stream (one-off draws: phases). */
export function firstUniform(root: SeedRoot, key: StreamKey): number {
  return firstUniformOf(root, key.hi, key.lo);
}

/** firstUniform of the stream whose key digest is (keyHi, keyLo) (a key derived in place). */
export function firstUniformOf(root: SeedRoot, keyHi: number, keyLo: number): number {
  // The root's lane is remembered across calls (a run draws one phase per node from one root).
  if (root !== firstRoot || root.seed !== firstSeed || root.replication !== firstReplication) {
    const r = rootDigest(root);
    firstRootLane = rootLane(r.hi, r.lo, STATE_LANES[0]);
    firstRoot = root;
    firstSeed = root.seed;
    firstReplication = root.replication;
  }
  // initialState's c (1) and s0, nothing allocated.
  const t = MULTIPLIER * finish(absorb(absorb(firstRootLane, keyHi), keyLo), 4) + 1;
  return (t - Math.floor(t * INV_TWO_32) * TWO_32) * INV_TWO_32;
}

/** The state of many streams, addressed by index. */
export class StreamBank {
  private state: Uint32Array;
  /** 32-bit words per stream: the state's 4, then the owner's (see `words`). */
  private readonly stride: number;
  private count = 0;
  /** The polar method yields two normals per pair of uniforms; the spare is kept here (made on first use). */
  private spareNormal: Float64Array | null = null;
  private hasSpareNormal: Uint8Array | null = null;
  /** The last root seen and its state lanes (rootLane): a bank's streams nearly always share one root. */
  private lastRoot: SeedRoot | null = null;
  private lastSeed = '';
  private lastReplication = -1;
  private rootLane0 = 0;
  private rootLane1 = 0;
  private rootLane2 = 0;

  /**
   * `wordsPerStream` above 4 gives each stream a record whose words from 4 on belong to
   * the bank's owner (`words`): a table of links keeps each link's other hot fields in
   * the cache line of its delay stream (network/links.ts). Draws are the same either way.
   */
  constructor(initialCapacity = 64, wordsPerStream = STRIDE, storage?: Uint32Array) {
    if (!Number.isInteger(wordsPerStream) || wordsPerStream < STRIDE) throw new RangeError(`a stream needs at least ${STRIDE} words, got ${wordsPerStream}`);
    this.stride = wordsPerStream;
    const words = Math.max(4, initialCapacity) * wordsPerStream;
    if (storage !== undefined && storage.length < words) throw new RangeError(`a bank of ${words / wordsPerStream} streams needs ${words} words of storage, got ${storage.length}`);
    // `storage`: fresh (zero) words the owner placed — links.ts puts a mesh's records in
    // cache-line-aligned memory —, used as if allocated here (and left behind if the bank grows).
    this.state = storage === undefined ? new Uint32Array(words) : storage.subarray(0, words);
  }

  get size(): number {
    return this.count;
  }

  /** Adds the stream `key` under `root` and returns its index. */
  add(root: SeedRoot, key: StreamKey): number {
    return this.addDigest(root, key.hi, key.lo);
  }

  /**
   * Adds the stream whose key digest is (keyHi, keyLo) under `root` (a key derived in
   * place, stream-keys.ts's NodeKeyFamily) and returns its index. The same draws as `add`.
   */
  addDigest(root: SeedRoot, keyHi: number, keyLo: number): number {
    this.useRoot(root);
    const index = this.count;
    if ((index + 1) * this.stride > this.state.length) this.grow();
    this.count = index + 1;
    this.seedAt(index, keyHi, keyLo);
    return index;
  }

  /**
   * Seeds stream `index` (below the capacity the bank was made with: it does not grow)
   * with the stream `key` under `root`, for a bank whose stream indices are its owner's
   * record indices (a link's delay stream at the link's index, created on its first
   * message). The same draws as `add`.
   */
  addAt(index: number, root: SeedRoot, key: StreamKey): void {
    if (!(Number.isInteger(index) && index >= 0 && (index + 1) * this.stride <= this.state.length)) {
      throw new RangeError(`stream index ${index} is outside the bank's ${this.state.length / this.stride} streams`);
    }
    this.useRoot(root);
    if (index >= this.count) this.count = index + 1;
    this.seedAt(index, key.hi, key.lo);
  }

  private useRoot(root: SeedRoot): void {
    if (root !== this.lastRoot || root.seed !== this.lastSeed || root.replication !== this.lastReplication) {
      const r = rootDigest(root);
      this.rootLane0 = rootLane(r.hi, r.lo, STATE_LANES[0]);
      this.rootLane1 = rootLane(r.hi, r.lo, STATE_LANES[1]);
      this.rootLane2 = rootLane(r.hi, r.lo, STATE_LANES[2]);
      this.lastRoot = root;
      this.lastSeed = root.seed;
      this.lastReplication = root.replication;
    }
  }

  /**
   * Each state word is hash4(root, key, lane): the lanes' first two words (the root) are
   * absorbed once per root (`useRoot`), only the key's two per stream.
   */
  private seedAt(index: number, keyHi: number, keyLo: number): void {
    const at = index * this.stride;
    const st = this.state;
    st[at] = 1;
    st[at + 1] = finish(absorb(absorb(this.rootLane0, keyHi), keyLo), 4);
    st[at + 2] = finish(absorb(absorb(this.rootLane1, keyHi), keyLo), 4);
    st[at + 3] = finish(absorb(absorb(this.rootLane2, keyHi), keyLo), 4);
  }

  /**
   * Every stream's record: words 0–3 of each are its state (never write them), words
   * 4 to wordsPerStream − 1 the owner's. The same array until the bank grows (`add`
   * past its capacity), so an owner that keeps it never calls `add`.
   */
  words(): Uint32Array {
    return this.state;
  }

  /** Uniform in [0, 1), 32 bits of resolution (a multiple of 2^-32). */
  next(index: number): number {
    const st = this.state;
    const at = index * this.stride;
    // Alea: t = 2091639·s0 + c·2^-32, scaled by 2^32 (exact: below 2^53).
    const t = MULTIPLIER * st[at + 1]! + st[at]!;
    const c = Math.floor(t * INV_TWO_32);
    const s = t - c * TWO_32;
    st[at] = c;
    st[at + 1] = st[at + 2]!;
    st[at + 2] = st[at + 3]!;
    st[at + 3] = s;
    return s * INV_TWO_32;
  }

  /** Uniform in (0, 1]: safe to take the logarithm of. */
  nextOpenZero(index: number): number {
    return 1 - this.next(index);
  }

  /** Standard normal by Marsaglia's polar method; the pair's second value is kept. */
  normal(index: number): number {
    let has = this.hasSpareNormal;
    if (has === null || has.length * this.stride < this.state.length) has = this.makeSpares();
    if (has[index] === 1) {
      has[index] = 0;
      return this.spareNormal![index]!;
    }
    let u = 0;
    let v = 0;
    let q = 0;
    do {
      u = 2 * this.next(index) - 1;
      v = 2 * this.next(index) - 1;
      q = u * u + v * v;
    } while (q >= 1 || q === 0);
    const f = Math.sqrt((-2 * Math.log(q)) / q);
    this.spareNormal![index] = v * f;
    has[index] = 1;
    return u * f;
  }

  /**
   * Copies stream `index`'s whole state (its four words, and the spare normal the polar
   * method kept, if any) into `to` from `at` on: STREAM_STATE_LENGTH numbers. With
   * `restoreStream`, a consumer resumes a stream exactly where it was (the pause-survival
   * search resumes each probe node's walk from the same instant: sim/skip/walk-shared.ts).
   */
  saveStream(index: number, to: Float64Array, at: number): void {
    const st = this.state;
    const s = index * this.stride;
    to[at] = st[s]!;
    to[at + 1] = st[s + 1]!;
    to[at + 2] = st[s + 2]!;
    to[at + 3] = st[s + 3]!;
    const has = this.hasSpareNormal !== null && index < this.hasSpareNormal.length && this.hasSpareNormal[index] === 1;
    to[at + 4] = has ? 1 : 0;
    to[at + 5] = has ? this.spareNormal![index]! : 0;
  }

  /** Puts back a state `saveStream` copied (from any stream of any bank: the state is the stream). */
  restoreStream(index: number, from: Float64Array, at: number): void {
    const st = this.state;
    const s = index * this.stride;
    st[s] = from[at]!;
    st[s + 1] = from[at + 1]!;
    st[s + 2] = from[at + 2]!;
    st[s + 3] = from[at + 3]!;
    if (from[at + 4] === 1) {
      let has = this.hasSpareNormal;
      if (has === null || has.length * this.stride < st.length) has = this.makeSpares();
      has[index] = 1;
      this.spareNormal![index] = from[at + 5]!;
    } else if (this.hasSpareNormal !== null && index < this.hasSpareNormal.length) {
      this.hasSpareNormal[index] = 0;
    }
  }

  private makeSpares(): Uint8Array {
    const capacity = this.state.length / this.stride;
    const spare = new Float64Array(capacity);
    const has = new Uint8Array(capacity);
    if (this.spareNormal !== null) spare.set(this.spareNormal);
    if (this.hasSpareNormal !== null) has.set(this.hasSpareNormal);
    this.spareNormal = spare;
    this.hasSpareNormal = has;
    return has;
  }

  /**
   * Makes room for `streams` streams in all without growing again (an owner that knows it
   * will add 10⁶ streams — a mesh's loss streams — saves the doublings and their copies).
   * Indices and draws are unchanged; like `add`, it replaces the array `words` returned.
   */
  reserve(streams: number): void {
    if (!(Number.isSafeInteger(streams) && streams >= 0)) throw new RangeError(`reserve: a stream count, got ${streams}`);
    if (streams * this.stride <= this.state.length) return;
    const state = new Uint32Array(streams * this.stride);
    state.set(this.state);
    this.state = state;
  }

  private grow(): void {
    const state = new Uint32Array(this.state.length * 2);
    state.set(this.state);
    this.state = state;
  }
}

/** One stream of a bank, for code off the hot path that wants an object. */
export class RandomStream {
  constructor(
    readonly bank: StreamBank,
    readonly index: number,
  ) {}

  next(): number {
    return this.bank.next(this.index);
  }

  nextOpenZero(): number {
    return this.bank.nextOpenZero(this.index);
  }
}

/** A stream with a bank of its own (tests, one-off draws). */
export function streamFor(root: SeedRoot, key: StreamKey): RandomStream {
  const bank = new StreamBank(1);
  return new RandomStream(bank, bank.add(root, key));
}
