/**
 * The ring of a watch-ring run and its constants: member order (the scenario's, or
 * Akka's HeartbeatNodeRing ordered by an address hash), and the geometry of the
 * (watcher, watched) pairs — member o's pair j (1 ≤ j ≤ W) watches the member j ring
 * positions after it, so a pair's index says both ends and the pairs cost O(n·W).
 */
import type { DetectorConfig } from '../../config.js';

/** Resends of an unacknowledged announcement, one heartbeat interval apart. */
export const ANNOUNCE_RETRIES = 5;

/** Ring positions past the first `k` a watcher may move on to. */
export const MOVE_ON_WINDOW = 8;

/** Message sizes (estimates, bytes on the wire incl. UDP/IP headers): Akka's heartbeat / response, a verdict. */
export const WATCH_MESSAGE_BYTES = { ping: 60, ack: 60, announce: 70 } as const;

/** A member's view of another. */
export const ALIVE = 0;
export const DEAD = 2;

export interface WatchRingConfig {
  readonly order: 'index' | 'hashed';
  /** Members each member watches (ring: successors; monitors: monitored-by-nr-of-members); ≥ n − 1 = all. */
  readonly watched: number;
  readonly intervalUs: number;
  readonly detector: DetectorConfig;
  /** A false DEAD starting within this long after the previous one of the same member ended is a flap (default 60 s). */
  readonly flapWindowUs?: number;
}

/** FNV-1a 32-bit of a name: a stable stand-in for Akka's UniqueAddress hash. */
export function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The ring: member indices in ring order. */
export function ringOrder(names: readonly string[], order: 'index' | 'hashed'): Int32Array {
  const idx = names.map((_, i) => i);
  if (order === 'hashed') {
    const h = names.map(nameHash);
    idx.sort((a, b) => h[a]! - h[b]! || a - b);
  }
  return Int32Array.from(idx);
}

export class RingGeometry {
  readonly n: number;
  /** Members each watches (capped at n − 1). */
  readonly k: number;
  /** Window: ring positions 1..W after a member (k + MOVE_ON_WINDOW, at most n − 1). */
  readonly W: number;
  /** position → member, member → position. */
  readonly ring: Int32Array;
  readonly pos: Int32Array;

  constructor(names: readonly string[], order: 'index' | 'hashed', watched: number) {
    const n = names.length;
    this.n = n;
    this.k = Math.min(watched, n - 1);
    this.W = Math.min(n - 1, this.k + MOVE_ON_WINDOW);
    this.ring = ringOrder(names, order);
    this.pos = new Int32Array(n);
    this.ring.forEach((m, i) => (this.pos[m] = i));
  }

  get pairCount(): number {
    return this.n * this.W;
  }

  pairOf(o: number, j: number): number {
    return o * this.W + (j - 1);
  }

  targetAt(o: number, j: number): number {
    return this.ring[(this.pos[o]! + j) % this.n]!;
  }

  watcherOf(p: number): number {
    return Math.floor(p / this.W);
  }

  targetOf(p: number): number {
    return this.targetAt(Math.floor(p / this.W), (p % this.W) + 1);
  }
}
