/**
 * Integer hashing for stream seeding: MurmurHash3's 32-bit block and finalisation
 * steps (Austin Appleby, public domain; smhasher's MurmurHash3_x86_32), run in two
 * lanes with different seeds to give 64-bit digests, and in three lanes to give the
 * 96 bits of an Alea state. Used only at set-up, one call per stream: a few dozen
 * integer multiplies, nothing kept, nothing allocated but the returned digest.
 *
 * Why not seedrandom's Mash over a string key (hbsim.streams/1): Mash costs ~7 µs per
 * key, wants the key as one long string (`<seed>/rep/<r>/link/node-000001>monitor/
 * delay`), and made seeding a million-node run take minutes and keep the strings.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** Lane seeds (arbitrary odd constants: digits of π and e). */
export const LANE_A = 0x243f6a88;
export const LANE_B = 0x85a308d3;
export const LANE_C = 0x13198a2e;
export const LANE_D = 0xb7e15162;
export const LANE_E = 0x8aed2a6b;

export interface Digest {
  readonly hi: number;
  readonly lo: number;
}

/** Absorbs one 32-bit word into a lane (MurmurHash3 x86_32 body). */
export function absorb(h: number, word: number): number {
  let k = Math.imul(word, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3's finaliser (fmix32) after folding in the length: full avalanche. */
export function finish(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** One 32-bit lane over a string's UTF-16 code units, two to a word. */
export function stringLane(s: string, seed: number): number {
  let h = seed;
  const n = s.length;
  let i = 0;
  for (; i + 1 < n; i += 2) h = absorb(h, s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
  if (i < n) h = absorb(h, s.charCodeAt(i));
  return finish(h, n);
}

/** 64-bit digest of a string's UTF-16 code units. */
export function hashString(s: string): Digest {
  return { hi: stringLane(s, LANE_A), lo: stringLane(s, LANE_B) };
}

/** One 32-bit lane over four words (the state derivation of streams.ts). */
export function hash4(w0: number, w1: number, w2: number, w3: number, seed: number): number {
  return finish(absorb(absorb(absorb(absorb(seed, w0), w1), w2), w3), 4);
}
