/**
 * A copy of a typed array with room for `capacity` elements: the growable tables of the
 * walks and of SWIM double when full (rarely, so the copy is not on a hot path).
 */
export function grown<T extends Int32Array | Uint8Array | Float64Array>(a: T, capacity: number): T {
  const b = new (a.constructor as new (length: number) => T)(capacity);
  b.set(a);
  return b;
}
