/**
 * Task outputs as JSON, exactly: a decoded output is equal, bit for bit, to the one
 * encoded, so results assembled from outputs read back from shard files or
 * checkpoints are byte-identical to a single run's (docs/scale-out.md).
 *
 * Generic over the shape of the output (the tallies grow as the engine does): plain
 * objects, arrays, strings, booleans and null pass through; numbers pass through when
 * JSON keeps them exactly (finite, not −0: JSON.stringify writes the shortest text
 * that reads back to the same double); typed arrays become `{"$": kind, "b64": …}`
 * of their little-endian bytes; other numbers `{"$": "num", "v": "Infinity"|…}`.
 */
import { endianness } from 'node:os';

type Typed = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

const KINDS: Record<string, new (buffer: ArrayBuffer) => Typed> = {
  f64: Float64Array,
  f32: Float32Array,
  i32: Int32Array,
  u32: Uint32Array,
  i16: Int16Array,
  u16: Uint16Array,
  i8: Int8Array,
  u8: Uint8Array,
};

function kindOf(value: ArrayBufferView): string | undefined {
  for (const [kind, ctor] of Object.entries(KINDS)) if (value.constructor === ctor) return kind;
  return undefined;
}

function requireLittleEndian(): void {
  // Every platform Node.js ships for is little-endian; refuse rather than write bytes another machine misreads.
  if (endianness() !== 'LE') throw new Error('task outputs can be encoded only on a little-endian machine');
}

/** A JSON-safe value that `decodeOutput` turns back into exactly `value`. */
export function encodeOutput(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0) ? value : { $: 'num', v: Object.is(value, -0) ? '-0' : String(value) };
  if (ArrayBuffer.isView(value)) {
    const kind = kindOf(value);
    if (kind === undefined) throw new TypeError(`cannot encode a ${value.constructor.name}`);
    requireLittleEndian();
    return { $: kind, b64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  }
  if (Array.isArray(value)) return value.map(encodeOutput);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = encodeOutput(v);
    return out;
  }
  throw new TypeError(`cannot encode a ${typeof value}`);
}

/** The inverse of `encodeOutput`; throws on anything it could not have written. */
export function decodeOutput(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') return value;
  if (Array.isArray(value)) return value.map(decodeOutput);
  if (typeof value !== 'object') throw new TypeError(`unexpected ${typeof value} in a task output`);
  const tagged = value as { $?: unknown; b64?: unknown; v?: unknown };
  if (typeof tagged.$ === 'string') {
    if (tagged.$ === 'num') {
      const numbers: Record<string, number> = { '-0': -0, Infinity: Infinity, '-Infinity': -Infinity, NaN: NaN };
      const n = typeof tagged.v === 'string' ? numbers[tagged.v] : undefined;
      if (n === undefined) throw new TypeError(`unexpected number ${String(tagged.v)} in a task output`);
      return n;
    }
    const ctor = KINDS[tagged.$];
    if (ctor === undefined || typeof tagged.b64 !== 'string') throw new TypeError(`unexpected tag ${tagged.$} in a task output`);
    requireLittleEndian();
    const bytes = Buffer.from(tagged.b64, 'base64');
    const copy = new ArrayBuffer(bytes.length);
    new Uint8Array(copy).set(bytes);
    const per = (ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    if (bytes.length % per !== 0) throw new TypeError(`a ${tagged.$} array of ${bytes.length} bytes`);
    return new ctor(copy);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = decodeOutput(v);
  return out;
}
