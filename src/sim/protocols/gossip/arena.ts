/**
 * Where the gossip members' big arrays live. The merge kernel (merge-kernel.ts) reads
 * and writes memory by address, so the arrays it touches — version rows, views, the
 * windows' per-pair fields, message rows, its scratch — are carved out of one
 * WebAssembly memory of a size fixed at set-up (`MemoryArena`; never grown, since
 * growing would detach every view). `plainArena` gives ordinary typed arrays (the
 * JavaScript path, tests).
 */
import { wasmMemory, type WasmMemory } from './merge-kernel.js';

export interface Arena {
  int32(length: number): Int32Array;
  float64(length: number): Float64Array;
  uint8(length: number): Uint8Array;
  uint16(length: number): Uint16Array;
  /** An Int32Array starting on a 64-byte boundary (a cache line) where the memory is addressed by the kernel. */
  int32Lines(length: number): Int32Array;
}

export const plainArena: Arena = {
  int32: (length) => new Int32Array(length),
  float64: (length) => new Float64Array(length),
  uint8: (length) => new Uint8Array(length),
  uint16: (length) => new Uint16Array(length),
  int32Lines: (length) => new Int32Array(length),
};

/** Bytes an array of `bytes` takes in a MemoryArena (each starts 16-byte aligned). */
export function arenaBytes(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

/** Bytes an `int32Lines` array of `length` takes in a MemoryArena (with the padding to its 64-byte start). */
export function arenaLineBytes(length: number): number {
  return arenaBytes(4 * length) + 48;
}

const PAGE = 65_536;
/** wasm32 addresses 4 GiB; V8 allows 2¹⁶ pages. Kept below, for headroom. */
export const MAX_ARENA_BYTES = 2 ** 32 - 2 * PAGE;

export class MemoryArena implements Arena {
  readonly memory: WasmMemory;
  private readonly buffer: ArrayBuffer;
  private top = 0;

  /** An arena of `bytes` (the sum of `arenaBytes` of every array it will hold). */
  constructor(readonly bytes: number) {
    if (!(bytes >= 0 && bytes <= MAX_ARENA_BYTES)) throw new RangeError(`arena of ${bytes} bytes: more than WebAssembly's 4 GiB`);
    this.memory = wasmMemory(Math.max(1, Math.ceil(bytes / PAGE)));
    this.buffer = this.memory.buffer;
  }

  private take(bytes: number): number {
    const at = this.top;
    this.top += arenaBytes(bytes);
    if (this.top > this.buffer.byteLength) throw new RangeError(`arena overflow: ${this.top} > ${this.buffer.byteLength} bytes (set-up miscounted)`);
    return at;
  }

  int32(length: number): Int32Array {
    return new Int32Array(this.buffer, this.take(4 * length), length);
  }

  float64(length: number): Float64Array {
    return new Float64Array(this.buffer, this.take(8 * length), length);
  }

  uint8(length: number): Uint8Array {
    return new Uint8Array(this.buffer, this.take(length), length);
  }

  uint16(length: number): Uint16Array {
    return new Uint16Array(this.buffer, this.take(2 * length), length);
  }

  int32Lines(length: number): Int32Array {
    this.take((64 - (this.top % 64)) % 64);
    return new Int32Array(this.buffer, this.take(4 * length), length);
  }
}
