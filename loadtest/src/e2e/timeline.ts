import { LatencyHistogram } from '../stats/histogram';
import type { SecondSample } from './protocol';

/** All workers' counters for one second, merged. */
export interface SecondTotals {
  readonly second: number;
  sent: number;
  acked: number;
  failed: number;
  delivered: number;
  duplicates: number;
  gaps: number;
  maxLagMs: number;
  inFlight: number;
  late: number;
  readonly latency: LatencyHistogram;
  readonly reported: Set<number>;
}

export interface WindowTotals {
  readonly seconds: number;
  readonly sent: number;
  readonly acked: number;
  readonly failed: number;
  readonly delivered: number;
  readonly duplicates: number;
  readonly gaps: number;
  readonly maxLagMs: number;
  readonly latency: LatencyHistogram;
}

/** Merges the workers' per-second samples; a second is complete once every worker reported it. */
export class Timeline {
  readonly #seconds = new Map<number, SecondTotals>();

  constructor(readonly workers: number) {}

  /** Adds one worker's sample; returns the merged second when this sample completed it. */
  add(workerId: number, s: SecondSample): SecondTotals | undefined {
    let t = this.#seconds.get(s.second);
    if (t === undefined) {
      t = {
        second: s.second,
        sent: 0,
        acked: 0,
        failed: 0,
        delivered: 0,
        duplicates: 0,
        gaps: 0,
        maxLagMs: 0,
        inFlight: 0,
        late: 0,
        latency: new LatencyHistogram(),
        reported: new Set(),
      };
      this.#seconds.set(s.second, t);
    }
    if (t.reported.has(workerId)) return undefined;
    t.reported.add(workerId);
    t.sent += s.sent;
    t.acked += s.acked;
    t.failed += s.failed;
    t.delivered += s.delivered;
    t.duplicates += s.duplicates;
    t.gaps += s.gaps;
    t.maxLagMs = Math.max(t.maxLagMs, s.maxLagMs);
    t.inFlight += s.inFlight;
    t.late += s.late;
    t.latency.mergeData(s.latency);
    return t.reported.size === this.workers ? t : undefined;
  }

  /** Every second seen so far, in order. */
  seconds(): SecondTotals[] {
    return [...this.#seconds.values()].sort((a, b) => a.second - b.second);
  }

  /** Totals over seconds [from, to). */
  window(from: number, to: number): WindowTotals {
    const latency = new LatencyHistogram();
    const w = { sent: 0, acked: 0, failed: 0, delivered: 0, duplicates: 0, gaps: 0, maxLagMs: 0 };
    for (const t of this.#seconds.values()) {
      if (t.second < from || t.second >= to) continue;
      w.sent += t.sent;
      w.acked += t.acked;
      w.failed += t.failed;
      w.delivered += t.delivered;
      w.duplicates += t.duplicates;
      w.gaps += t.gaps;
      w.maxLagMs = Math.max(w.maxLagMs, t.maxLagMs);
      latency.merge(t.latency);
    }
    return { ...w, seconds: Math.max(0, to - from), latency };
  }
}
