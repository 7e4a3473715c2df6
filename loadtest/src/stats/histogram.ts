/**
 * Values below 2^SUB_BITS microseconds get one bucket each; above, every power of two is split into
 * 2^SUB_BITS linear sub-buckets, so a recorded value is known to within 1/128 (< 0.8 %) of itself.
 */
const SUB_BITS = 7;
const SUB_COUNT = 1 << SUB_BITS;
/** Values are clamped here (about 71 minutes in microseconds): `>>>` works on 32 bits. */
const MAX_MICROS = 0xffff_ffff;

/** The bucket of a non-negative integer number of microseconds. */
export function bucketIndex(micros: number): number {
  const v = Math.min(MAX_MICROS, Math.max(0, Math.round(micros)));
  if (v < SUB_COUNT) return v;
  const exponent = 31 - Math.clz32(v);
  const shift = exponent - SUB_BITS;
  return SUB_COUNT + shift * SUB_COUNT + ((v >>> shift) - SUB_COUNT);
}

/** The microseconds a bucket covers: [low, high). */
export function bucketBounds(index: number): { low: number; high: number } {
  if (index < SUB_COUNT) return { low: index, high: index + 1 };
  const shift = Math.floor((index - SUB_COUNT) / SUB_COUNT);
  const sub = (index - SUB_COUNT) % SUB_COUNT;
  const width = 2 ** shift;
  const low = (SUB_COUNT + sub) * width;
  return { low, high: low + width };
}

/** A histogram as plain data, for IPC and merging: [bucket, count] pairs plus exact extremes. */
export interface HistogramData {
  readonly buckets: readonly (readonly [number, number])[];
  readonly count: number;
  readonly sumMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

/**
 * A log-bucketed, mergeable latency histogram (HDR-like) in milliseconds with microsecond resolution.
 * Memory grows with the number of distinct buckets hit, not with the number of values (at most a few
 * thousand buckets whatever the range).
 */
export class LatencyHistogram {
  readonly #counts = new Map<number, number>();
  #count = 0;
  #sumMs = 0;
  #minMs = Number.POSITIVE_INFINITY;
  #maxMs = 0;

  static from(data: HistogramData): LatencyHistogram {
    const h = new LatencyHistogram();
    h.mergeData(data);
    return h;
  }

  get count(): number {
    return this.#count;
  }

  /** Exact smallest recorded value; 0 when empty. */
  get minMs(): number {
    return this.#count === 0 ? 0 : this.#minMs;
  }

  /** Exact largest recorded value; 0 when empty. */
  get maxMs(): number {
    return this.#maxMs;
  }

  get meanMs(): number {
    return this.#count === 0 ? 0 : this.#sumMs / this.#count;
  }

  record(ms: number): void {
    const value = Math.max(0, ms);
    const index = bucketIndex(value * 1000);
    this.#counts.set(index, (this.#counts.get(index) ?? 0) + 1);
    this.#count += 1;
    this.#sumMs += value;
    if (value < this.#minMs) this.#minMs = value;
    if (value > this.#maxMs) this.#maxMs = value;
  }

  merge(other: LatencyHistogram): void {
    this.mergeData(other.toData());
  }

  mergeData(data: HistogramData): void {
    if (data.count === 0) return;
    for (const [index, n] of data.buckets) this.#counts.set(index, (this.#counts.get(index) ?? 0) + n);
    this.#count += data.count;
    this.#sumMs += data.sumMs;
    this.#minMs = Math.min(this.#minMs, data.minMs);
    this.#maxMs = Math.max(this.#maxMs, data.maxMs);
  }

  /**
   * The nearest-rank percentile (the smallest recorded value with at least p % of values at or below
   * it), within the bucket resolution; p=0 and p=100 give the exact min and max. 0 when empty.
   */
  percentile(p: number): number {
    if (this.#count === 0) return 0;
    if (p <= 0) return this.minMs;
    if (p >= 100) return this.#maxMs;
    const rank = Math.max(1, Math.ceil((p / 100) * this.#count));
    let seen = 0;
    for (const index of [...this.#counts.keys()].sort((a, b) => a - b)) {
      seen += this.#counts.get(index) ?? 0;
      if (seen >= rank) {
        const { low, high } = bucketBounds(index);
        const mid = (low + (high - 1)) / 2 / 1000;
        return Math.min(this.#maxMs, Math.max(this.minMs, mid));
      }
    }
    return this.#maxMs;
  }

  toData(): HistogramData {
    return {
      buckets: [...this.#counts.entries()],
      count: this.#count,
      sumMs: this.#sumMs,
      minMs: this.minMs,
      maxMs: this.#maxMs,
    };
  }
}

/** Exact nearest-rank percentile of raw values (for tests and small samples). */
export function exactPercentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  if (p <= 0) return sorted[0] ?? 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? 0;
}
