import { LatencyHistogram } from '../stats/histogram';
import type { SecondSample } from './protocol';
import { Timeline } from './timeline';

function sample(second: number, delivered: number, latencies: number[]): SecondSample {
  const h = new LatencyHistogram();
  for (const v of latencies) h.record(v);
  return {
    second,
    sent: delivered,
    acked: delivered,
    failed: 0,
    delivered,
    duplicates: 0,
    gaps: 0,
    latency: h.toData(),
    maxLagMs: second,
    inFlight: 1,
    late: 0,
  };
}

describe('Timeline', () => {
  it('add - a second is complete once every worker reported it, and only once per worker', () => {
    const t = new Timeline(2);
    expect(t.add(0, sample(0, 10, [1]))).toBeUndefined();
    expect(t.add(0, sample(0, 10, [1]))).toBeUndefined();
    const done = t.add(1, sample(0, 5, [2]));
    expect(done?.delivered).toBe(15);
    expect(done?.inFlight).toBe(2);
    expect(done?.latency.count).toBe(2);
  });

  it('window - sums only the seconds inside [from, to)', () => {
    const t = new Timeline(1);
    t.add(0, sample(0, 100, [50]));
    t.add(0, sample(1, 10, [1, 2]));
    t.add(0, sample(2, 20, [3]));
    t.add(0, sample(3, 1000, [90]));
    const w = t.window(1, 3);
    expect(w).toMatchObject({ seconds: 2, delivered: 30, sent: 30, maxLagMs: 2 });
    expect(w.latency.count).toBe(3);
    expect(w.latency.maxMs).toBe(3);
    expect(t.seconds().map((s) => s.second)).toEqual([0, 1, 2, 3]);
  });
});
