import {
  backoffDelayMs,
  retryUntilDeadline,
  RetryDeadlineError,
  type RetryClock,
  type RetryPolicy,
} from './retry';

const policy: RetryPolicy = { deadlineMs: 1000, attemptTimeoutMs: 300, baseDelayMs: 50, maxDelayMs: 400 };

/** Time passes only when the code under test sleeps or an attempt says it took a while. */
class FakeClock implements RetryClock {
  t = 0;
  readonly sleeps: number[] = [];
  constructor(private readonly r = 0.5) {}
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += ms;
    return Promise.resolve();
  }
  random(): number {
    return this.r;
  }
}

describe('backoffDelayMs', () => {
  it('backoffDelayMs - doubles per attempt, capped, with jitter between half and all of it', () => {
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffDelayMs(n, policy, 1))).toEqual([
      50, 100, 200, 400, 400, 400,
    ]);
    expect([0, 1, 2, 3].map((n) => backoffDelayMs(n, policy, 0))).toEqual([25, 50, 100, 200]);
    expect(backoffDelayMs(1, policy, 0.5)).toBe(75);
  });
});

describe('retryUntilDeadline', () => {
  it('retryUntilDeadline - retries retryable failures and returns the first success', async () => {
    const clock = new FakeClock();
    const timeouts: number[] = [];
    let calls = 0;
    const result = await retryUntilDeadline(
      (timeoutMs) => {
        timeouts.push(timeoutMs);
        return ++calls < 3 ? Promise.reject(new Error('no responders')) : Promise.resolve('ok');
      },
      () => true,
      policy,
      clock,
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(clock.sleeps).toEqual([38, 75]);
    expect(timeouts).toEqual([300, 300, 300]);
  });

  it('retryUntilDeadline - a non-retryable failure goes straight back, without waiting', async () => {
    const clock = new FakeClock();
    const err = new Error('forbidden');
    await expect(
      retryUntilDeadline(
        () => Promise.reject(err),
        () => false,
        policy,
        clock,
      ),
    ).rejects.toBe(err);
    expect(clock.sleeps).toEqual([]);
  });

  it('retryUntilDeadline - gives up before the deadline, carrying the last error', async () => {
    const clock = new FakeClock(1);
    const timeouts: number[] = [];
    let n = 0;
    const outcome = retryUntilDeadline(
      (timeoutMs) => {
        timeouts.push(timeoutMs);
        clock.t += timeoutMs; // every attempt times out
        return Promise.reject(new Error(`timeout ${++n}`));
      },
      () => true,
      policy,
      clock,
    );
    await expect(outcome).rejects.toBeInstanceOf(RetryDeadlineError);
    await outcome.catch((e: unknown) => {
      expect((e as RetryDeadlineError).lastError).toEqual(new Error(`timeout ${n}`));
      expect((e as RetryDeadlineError).attempts).toBe(n);
    });
    // 300 + 50 + 300 + 100 = 750, then the last attempt gets the 250 ms left; the next wait would pass 1000.
    expect(timeouts).toEqual([300, 300, 250]);
    expect(clock.sleeps).toEqual([50, 100]);
    expect(clock.t).toBeLessThanOrEqual(policy.deadlineMs);
  });
});
