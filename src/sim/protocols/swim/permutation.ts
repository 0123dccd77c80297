/**
 * memberlist probes round-robin over its node list and reshuffles the list at every
 * wrap-around (state.go `probe`, `resetNodes`). Keeping a shuffled list of N names per
 * member is N² memory at 10 000 members, so each member's pass order is a keyed
 * pseudo-random permutation of [0, n) computed on the fly: a 4-round balanced Feistel
 * network on the next even power of two, cycle-walked into [0, n). A new key per pass
 * is a new shuffle; the key comes from the member's own random stream.
 */

function mix32(x: number): number {
  // murmur3's finaliser: a good avalanche on 32 bits.
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

export class KeyedPermutation {
  private readonly n: number;
  private readonly halfBits: number;
  private readonly halfMask: number;

  constructor(n: number) {
    this.n = n;
    let bits = 2;
    while (2 ** bits < n) bits += 2;
    this.halfBits = bits / 2;
    this.halfMask = 2 ** this.halfBits - 1;
  }

  /** The position-th element of the permutation keyed by `key` (a 32-bit integer). */
  at(position: number, key: number): number {
    let x = position;
    do x = this.feistel(x, key);
    while (x >= this.n);
    return x;
  }

  private feistel(x: number, key: number): number {
    const h = this.halfBits;
    const mask = this.halfMask;
    let left = x >>> h;
    let right = x & mask;
    for (let round = 0; round < 4; round++) {
      const f = mix32((right ^ Math.imul(key, 0x9e3779b1) ^ (round * 0x7feb352d)) >>> 0) & mask;
      const next = left ^ f;
      left = right;
      right = next;
    }
    return ((left << h) | right) >>> 0;
  }
}
