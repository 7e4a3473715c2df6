import { type BackoffOptions, backoffDelay, checkBackoff } from './backoff';

const options: BackoffOptions = { initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2, jitter: 0 };

describe('backoffDelay', () => {
  test('backoffDelay - grows exponentially from initialDelayMs and is capped at maxDelayMs', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffDelay(attempt, options, () => 0.5));

    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  test('backoffDelay - jitter draws each delay from [d * (1 - jitter), d] with the injected random source', () => {
    const jittered = { ...options, jitter: 0.5 };

    expect(backoffDelay(3, jittered, () => 0)).toBe(400);
    expect(backoffDelay(3, jittered, () => 0.5)).toBe(300);
    expect(backoffDelay(3, jittered, () => 0.999)).toBe(200);
    expect(backoffDelay(9, jittered, () => 0.25)).toBe(875);
  });

  test('backoffDelay - full jitter spans 0..d and the cap holds for every random value', () => {
    const full = { ...options, jitter: 1 };
    const randoms = [0, 0.1, 0.33, 0.5, 0.77, 0.999999];

    for (const attempt of [1, 2, 5, 10, 50]) {
      for (const r of randoms) {
        const delay = backoffDelay(attempt, full, () => r);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(1000);
      }
    }
    expect(backoffDelay(2, full, () => 0.5)).toBe(100);
  });

  test('backoffDelay - two clients with different random draws get different delays', () => {
    const jittered = { ...options, jitter: 0.5 };

    expect(backoffDelay(4, jittered, () => 0.1)).not.toBe(backoffDelay(4, jittered, () => 0.9));
  });

  test('backoffDelay - huge attempt numbers and out-of-range randoms stay finite and capped', () => {
    expect(backoffDelay(1_000_000, options)).toBe(1000);
    expect(backoffDelay(0, options, () => 0)).toBe(100);
    expect(backoffDelay(2, { ...options, jitter: 0.5 }, () => 7)).toBe(100);
    expect(backoffDelay(2, { ...options, jitter: 0.5 }, () => Number.NaN)).toBe(200);
  });

  test('checkBackoff - names every bad field', () => {
    expect(() => {
      checkBackoff('reconnect', { initialDelayMs: -1, maxDelayMs: 10, multiplier: 0.5, jitter: 2 });
    }).toThrow(
      'reconnect: initialDelayMs must be >= 0; multiplier must be >= 1; jitter must be between 0 and 1',
    );
    expect(() => {
      checkBackoff('reconnect', { ...options, maxDelayMs: 50 });
    }).toThrow('maxDelayMs must be >= initialDelayMs');
    expect(() => {
      checkBackoff('reconnect', options);
    }).not.toThrow();
  });
});
