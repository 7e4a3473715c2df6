import { bucketBounds, bucketIndex, exactPercentile, LatencyHistogram } from './histogram';

/** A deterministic pseudo-random sequence (mulberry32), so the data is known and repeatable. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PERCENTILES = [1, 25, 50, 75, 90, 95, 99, 99.9];

describe('bucketIndex - bucketBounds', () => {
  it('bucketIndex - every value falls inside the bounds of its bucket, which are at most 1/128 wide', () => {
    for (const v of [0, 1, 127, 128, 129, 255, 256, 1000, 4095, 65_537, 1_234_567, 2 ** 31, 2 ** 32 - 1]) {
      const { low, high } = bucketBounds(bucketIndex(v));
      expect(v).toBeGreaterThanOrEqual(low);
      expect(v).toBeLessThan(high);
      if (v >= 128) expect((high - low) / low).toBeLessThanOrEqual(1 / 128);
      else expect(high - low).toBe(1);
    }
  });

  it('bucketIndex - is monotonic, so sorted buckets give sorted values', () => {
    let last = -1;
    for (let v = 0; v < 300_000; v += 7) {
      const index = bucketIndex(v);
      expect(index).toBeGreaterThanOrEqual(last);
      last = index;
    }
  });
});

describe('LatencyHistogram', () => {
  it('percentile - matches exact nearest-rank percentiles of a known log-normal sample within 1 %', () => {
    const next = random(42);
    const values: number[] = [];
    const h = new LatencyHistogram();
    for (let i = 0; i < 20_000; i++) {
      // Box-Muller: log-normal latencies around 3 ms with a long tail.
      const z = Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
      const v = Math.exp(1.1 + 0.8 * z);
      values.push(v);
      h.record(v);
    }
    for (const p of PERCENTILES) {
      const exact = exactPercentile(values, p);
      expect(Math.abs(h.percentile(p) - exact) / exact).toBeLessThan(0.01);
    }
    expect(h.percentile(100)).toBe(Math.max(...values));
    expect(h.percentile(0)).toBe(Math.min(...values));
    expect(h.count).toBe(values.length);
  });

  it('percentile - whole milliseconds 1..100 come back within the bucket resolution', () => {
    const h = new LatencyHistogram();
    for (let v = 100; v >= 1; v--) h.record(v);
    expect(h.percentile(50)).toBeCloseTo(50, 0);
    expect(h.percentile(99)).toBeCloseTo(99, 0);
    expect(h.percentile(1)).toBeCloseTo(1, 1);
    expect(h.meanMs).toBeCloseTo(50.5, 6);
  });

  it('percentile - sub-millisecond values keep microsecond resolution', () => {
    const h = new LatencyHistogram();
    for (const v of [0.05, 0.06, 0.07, 0.08]) h.record(v);
    expect(h.percentile(50)).toBeCloseTo(0.06, 6);
    expect(h.minMs).toBeCloseTo(0.05, 6);
  });

  it('merge - two halves merged give the same percentiles as one histogram of everything', () => {
    const next = random(7);
    const whole = new LatencyHistogram();
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (let i = 0; i < 5000; i++) {
      const v = next() * 200;
      whole.record(v);
      (i % 2 === 0 ? a : b).record(v);
    }
    const merged = LatencyHistogram.from(a.toData());
    merged.merge(b);
    for (const p of PERCENTILES) expect(merged.percentile(p)).toBe(whole.percentile(p));
    expect(merged.count).toBe(whole.count);
    expect(merged.maxMs).toBe(whole.maxMs);
    expect(merged.minMs).toBe(whole.minMs);
  });

  it('toData - survives a JSON round trip (the IPC path)', () => {
    const h = new LatencyHistogram();
    for (const v of [1.5, 2.5, 250, 3000]) h.record(v);
    const back = LatencyHistogram.from(JSON.parse(JSON.stringify(h.toData())) as ReturnType<typeof h.toData>);
    expect(back.percentile(75)).toBe(h.percentile(75));
    expect(back.count).toBe(4);
  });

  it('percentile - an empty histogram answers 0', () => {
    const h = new LatencyHistogram();
    expect(h.percentile(99)).toBe(0);
    expect(h.maxMs).toBe(0);
    expect(h.minMs).toBe(0);
    expect(h.meanMs).toBe(0);
  });
});
