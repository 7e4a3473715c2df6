import type { ReadMarkStore, Schedule } from './ports';
import { ReadMarkCoalescer, readStateOf } from './read-marks';

/** A store that records writes and keeps the max, like the KV compare-and-set does. */
class FakeStore implements ReadMarkStore {
  readonly values = new Map<string, number>();
  readonly writes: [string, number][] = [];
  failNext = 0;
  pending: (() => void) | undefined;
  hold = false;

  get(t: string, c: string, p: string): Promise<number> {
    return Promise.resolve(this.values.get(`${t}.${c}.${p}`) ?? 0);
  }

  async advance(t: string, c: string, p: string, seq: number): Promise<void> {
    if (this.hold) await new Promise<void>((resolve) => (this.pending = resolve));
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('kv down');
    }
    const key = `${t}.${c}.${p}`;
    this.writes.push([key, seq]);
    this.values.set(key, Math.max(seq, this.values.get(key) ?? 0));
  }
}

/** Timers fired by hand. */
class ManualTimers {
  readonly timers: { fn: () => void; ms: number; cancelled: boolean }[] = [];
  readonly schedule: Schedule = (fn, ms) => {
    const t = { fn, ms, cancelled: false };
    this.timers.push(t);
    return () => {
      t.cancelled = true;
    };
  };

  get armed(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Fires every armed timer once and lets the writes settle. */
  async fire(): Promise<void> {
    const due = this.timers.splice(0).filter((t) => !t.cancelled);
    for (const t of due) t.fn();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function setup(): { store: FakeStore; timers: ManualTimers; marks: ReadMarkCoalescer; errors: unknown[] } {
  const store = new FakeStore();
  const timers = new ManualTimers();
  const errors: unknown[] = [];
  const marks = new ReadMarkCoalescer(store, timers.schedule, 500, (err) => errors.push(err));
  return { store, timers, marks, errors };
}

describe('ReadMarkCoalescer', () => {
  it('mark - many marks of one key in an interval cost one write, of the highest seq', async () => {
    const { store, timers, marks } = setup();
    for (let seq = 1; seq <= 20; seq++) marks.mark('demo', 'c1', 'v1', seq);
    marks.mark('demo', 'c1', 'v1', 7);
    expect(timers.armed).toBe(1);
    expect(timers.timers[0]?.ms).toBe(500);
    expect(store.writes).toEqual([]);
    await timers.fire();
    expect(store.writes).toEqual([['demo.c1.v1', 20]]);
  });

  it('mark - different keys are written in the same flush; a lower mark later writes nothing', async () => {
    const { store, timers, marks } = setup();
    marks.mark('demo', 'c1', 'v1', 3);
    marks.mark('demo', 'c1', 'a1', 5);
    await timers.fire();
    expect(store.writes).toEqual([
      ['demo.c1.v1', 3],
      ['demo.c1.a1', 5],
    ]);
    marks.mark('demo', 'c1', 'v1', 4);
    marks.mark('demo', 'c1', 'a1', 2);
    await timers.fire();
    expect(store.writes.slice(2)).toEqual([
      ['demo.c1.v1', 4],
      ['demo.c1.a1', 2],
    ]);
    // The store keeps the max, so the stale 2 did not move a1 back.
    expect(await marks.read('demo', 'c1', 'a1')).toBe(5);
  });

  it('read - a pending mark is visible before it is written', async () => {
    const { store, marks } = setup();
    store.values.set('demo.c1.v1', 2);
    expect(await marks.read('demo', 'c1', 'v1')).toBe(2);
    marks.mark('demo', 'c1', 'v1', 9);
    expect(await marks.read('demo', 'c1', 'v1')).toBe(9);
    expect(await marks.read('demo', 'c1', 'other')).toBe(0);
  });

  it('flush - one write per key at a time: marks during a write wait for the next interval', async () => {
    const { store, timers, marks } = setup();
    store.hold = true;
    marks.mark('demo', 'c1', 'v1', 1);
    await timers.fire();
    expect(await marks.read('demo', 'c1', 'v1')).toBe(1); // in flight
    marks.mark('demo', 'c1', 'v1', 2);
    expect(timers.armed).toBe(0); // not while the first write runs
    store.hold = false;
    store.pending?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(timers.armed).toBe(1);
    await timers.fire();
    expect(store.writes).toEqual([
      ['demo.c1.v1', 1],
      ['demo.c1.v1', 2],
    ]);
  });

  it('flush - a failed write is reported and retried at the next interval', async () => {
    const { store, timers, marks, errors } = setup();
    store.failNext = 1;
    marks.mark('demo', 'c1', 'v1', 4);
    await timers.fire();
    expect(errors).toHaveLength(1);
    expect(store.writes).toEqual([]);
    expect(marks.pending).toBe(1);
    await timers.fire();
    expect(store.writes).toEqual([['demo.c1.v1', 4]]);
  });

  it('close - writes pending marks at once (shutdown) and cancels the timer', async () => {
    const { store, timers, marks } = setup();
    marks.mark('demo', 'c1', 'v1', 6);
    await marks.close();
    expect(store.writes).toEqual([['demo.c1.v1', 6]]);
    expect(timers.armed).toBe(0);
  });
});

describe('readStateOf', () => {
  it('readStateOf - unread counts what follows the mark and is never negative', () => {
    expect(readStateOf('c1', 3, 8)).toEqual({ conversationId: 'c1', readSeq: 3, lastSeq: 8, unreadCount: 5 });
    expect(readStateOf('c1', 9, 8).unreadCount).toBe(0);
    expect(readStateOf('c1', 0, 0).unreadCount).toBe(0);
  });
});
