/**
 * Seeded random streams. Every random decision in a simulation draws from a stream
 * owned by one entity and one purpose (`link/n3>monitor/loss`, `node/n3/jitter`),
 * seeded from (scenario seed, replication, key) by seedrandom's string hashing. Keys
 * are stable names, never creation order, so adding a node, a link or a sweep cell
 * leaves every other stream's draws untouched, and cells that differ only in their
 * detector see the same network and faults (common random numbers).
 *
 * Speed trick (this file is on the hot path): seedrandom seeds each stream (its Mash
 * hash of the key, Alea algorithm — seedrandom's default ARC4 is 5–8× slower,
 * ../shared/reference/stack.md §2), and the Alea step is then run here on a shared
 * Float64Array holding every stream's state side by side. With 10 000 nodes, state
 * scattered over per-stream objects cost a cache miss per draw; packed, two streams
 * share a cache line. The step is seedrandom's own (lib/alea.js, `me.next`), and a
 * test checks both produce the same sequence bit for bit. Only this file knows
 * seedrandom.
 */
import seedrandom from 'seedrandom';

interface AleaState {
  c: number;
  s0: number;
  s1: number;
  s2: number;
}

/** Seed material for one replication of one scenario. */
export interface SeedRoot {
  readonly seed: string;
  readonly replication: number;
}

export function streamKey(root: SeedRoot, key: string): string {
  return `${root.seed}/rep/${root.replication}/${key}`;
}

const STRIDE = 4; // c, s0, s1, s2

/**
 * Seeding costs ~7 µs per stream (seedrandom's Mash over the key), and sweeps seed
 * the same keys again and again: every cell of a sweep and every probe of a
 * pause-survival search uses the same stream names (that is what common random
 * numbers means). So initial states are memoised by key. The cache changes nothing
 * but speed; it is bounded, and simply dropped when full.
 */
const SEEDED = new Map<string, AleaState>();
const SEEDED_LIMIT = 500_000;

function seededState(fullKey: string): AleaState {
  let state = SEEDED.get(fullKey);
  if (state === undefined) {
    const seeded = seedrandom.alea(fullKey, { state: true }) as seedrandom.PRNG & { state(): AleaState };
    state = seeded.state();
    if (SEEDED.size >= SEEDED_LIMIT) SEEDED.clear();
    SEEDED.set(fullKey, state);
  }
  return state;
}

/** The state of many streams, addressed by index. */
export class StreamBank {
  private state: Float64Array;
  /** The polar method yields two normals per pair of uniforms; the spare is kept here. */
  private spareNormal: Float64Array;
  private hasSpareNormal: Uint8Array;
  private readonly keys: string[];

  constructor(initialCapacity = 64) {
    const capacity = Math.max(4, initialCapacity);
    this.state = new Float64Array(capacity * STRIDE);
    this.spareNormal = new Float64Array(capacity);
    this.hasSpareNormal = new Uint8Array(capacity);
    this.keys = [];
  }

  get size(): number {
    return this.keys.length;
  }

  keyOf(index: number): string {
    return this.keys[index]!;
  }

  /** Adds the stream named `key` under `root` and returns its index. */
  add(root: SeedRoot, key: string): number {
    const fullKey = streamKey(root, key);
    const s = seededState(fullKey);
    const index = this.keys.length;
    if (index * STRIDE === this.state.length) this.grow();
    this.keys.push(fullKey);
    const at = index * STRIDE;
    this.state[at] = s.c;
    this.state[at + 1] = s.s0;
    this.state[at + 2] = s.s1;
    this.state[at + 3] = s.s2;
    return index;
  }

  /** Uniform in [0, 1), 32 bits of resolution (a multiple of 2^-32). */
  next(index: number): number {
    const st = this.state;
    const at = index * STRIDE;
    const t = 2091639 * st[at + 1]! + st[at]! * 2.3283064365386963e-10; // 2^-32
    st[at + 1] = st[at + 2]!;
    st[at + 2] = st[at + 3]!;
    const c = t | 0;
    st[at] = c;
    const u = t - c;
    st[at + 3] = u;
    return u;
  }

  /** Uniform in (0, 1]: safe to take the logarithm of. */
  nextOpenZero(index: number): number {
    return 1 - this.next(index);
  }

  /** Standard normal by Marsaglia's polar method; the pair's second value is kept. */
  normal(index: number): number {
    if (this.hasSpareNormal[index] === 1) {
      this.hasSpareNormal[index] = 0;
      return this.spareNormal[index]!;
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
    this.spareNormal[index] = v * f;
    this.hasSpareNormal[index] = 1;
    return u * f;
  }

  private grow(): void {
    const capacity = (this.state.length / STRIDE) * 2;
    const state = new Float64Array(capacity * STRIDE);
    state.set(this.state);
    this.state = state;
    const spare = new Float64Array(capacity);
    spare.set(this.spareNormal);
    this.spareNormal = spare;
    const has = new Uint8Array(capacity);
    has.set(this.hasSpareNormal);
    this.hasSpareNormal = has;
  }
}

/** One stream of a bank, for code off the hot path that wants an object. */
export class RandomStream {
  constructor(
    readonly bank: StreamBank,
    readonly index: number,
  ) {}

  get key(): string {
    return this.bank.keyOf(this.index);
  }

  next(): number {
    return this.bank.next(this.index);
  }

  nextOpenZero(): number {
    return this.bank.nextOpenZero(this.index);
  }
}

/** A stream with a bank of its own (tests, one-off draws). */
export function streamFor(root: SeedRoot, key: string): RandomStream {
  const bank = new StreamBank(1);
  return new RandomStream(bank, bank.add(root, key));
}
