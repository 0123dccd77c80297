/** A growable Float64Array: appends without allocating per sample (doubles when full). */
export class SampleBuffer {
  private data: Float64Array;
  private count: number;

  constructor(initialCapacity = 64) {
    this.data = new Float64Array(Math.max(4, initialCapacity));
    this.count = 0;
  }

  get length(): number {
    return this.count;
  }

  push(value: number): void {
    if (this.count === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.count++] = value;
  }

  /** A copy of the samples, exactly `length` long. */
  toArray(): Float64Array {
    return this.data.slice(0, this.count);
  }
}
