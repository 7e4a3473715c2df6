import { KeyedWriter } from './keyed-writer';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve: () => void = () => undefined;
  let reject: (e: Error) => void = () => undefined;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('KeyedWriter', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('write - one write per key at a time; a value written meanwhile goes next, older ones are skipped', async () => {
    const calls: [string, string | undefined][] = [];
    const gates: ReturnType<typeof deferred>[] = [];
    const w = new KeyedWriter((key, value) => {
      calls.push([key, value === undefined ? undefined : Buffer.from(value).toString()]);
      const d = deferred();
      gates.push(d);
      return d.promise;
    });
    const p1 = w.write('k', Buffer.from('1'));
    const p2 = w.write('k', Buffer.from('2'));
    const p3 = w.write('k', undefined);
    expect(calls).toEqual([['k', '1']]);
    gates[0]?.resolve();
    await p1;
    await Promise.resolve();
    expect(calls).toEqual([
      ['k', '1'],
      ['k', undefined],
    ]);
    gates[1]?.resolve();
    await Promise.all([p2, p3]);
    expect(w.backlog).toBe(0);
  });

  it('write - a delayed write coalesces; flush writes it now', async () => {
    jest.useFakeTimers();
    const calls: string[] = [];
    const w = new KeyedWriter((key) => {
      calls.push(key);
      return Promise.resolve();
    });
    const p = w.write('a', Buffer.from('1'), 2000);
    void w.write('a', Buffer.from('2'), 2000);
    void w.write('b', Buffer.from('x'), 2000);
    expect(calls).toEqual([]);
    await w.flush();
    await p;
    expect(calls.sort()).toEqual(['a', 'b']);
  });

  it('write - a failed write is retried with backoff until it succeeds', async () => {
    jest.useFakeTimers();
    let failures = 2;
    const errors: number[] = [];
    const w = new KeyedWriter(
      () => (failures-- > 0 ? Promise.reject(new Error('kv down')) : Promise.resolve()),
      { retryMinMs: 100, onError: (_e, _k, n) => errors.push(n) },
    );
    let done = false;
    void w.write('k', Buffer.from('v')).then(() => {
      done = true;
    });
    await jest.advanceTimersByTimeAsync(99);
    expect(errors).toEqual([1]);
    await jest.advanceTimersByTimeAsync(300);
    expect(errors).toEqual([1, 2]);
    expect(done).toBe(true);
  });

  it('durable - resolves at once for a key with nothing pending, else when its write lands', async () => {
    const gate = deferred();
    const w = new KeyedWriter(() => gate.promise);
    await w.durable('idle');
    void w.write('k', Buffer.from('v'));
    let durable = false;
    void w.durable('k').then(() => {
      durable = true;
    });
    await Promise.resolve();
    expect(durable).toBe(false);
    gate.resolve();
    await w.durable('k');
    expect(durable).toBe(true);
  });
});
