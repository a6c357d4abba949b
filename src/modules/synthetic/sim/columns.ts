/**
 * Growable typed columns: event tables of a batch are built as columns (no per-row objects),
 * then trimmed to their length.
 */

type TypedArray = Float64Array | Int32Array | Uint8Array;
type TypedArrayConstructor<T extends TypedArray> = { new (length: number): T };

/** An append-only typed column that doubles its capacity as needed. */
export class ColumnBuilder<T extends TypedArray> {
  private data: T;
  length = 0;

  constructor(
    private readonly make: TypedArrayConstructor<T>,
    initialCapacity = 256,
  ) {
    this.data = new make(initialCapacity);
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new this.make(this.data.length * 2);
      grown.set(this.data as never);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  /** A right-sized copy of the pushed values. */
  finish(): T {
    return this.data.slice(0, this.length) as T;
  }
}

export const f64 = (capacity?: number) => new ColumnBuilder(Float64Array, capacity);
export const i32 = (capacity?: number) => new ColumnBuilder(Int32Array, capacity);
export const u8 = (capacity?: number) => new ColumnBuilder(Uint8Array, capacity);
