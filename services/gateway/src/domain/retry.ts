/** Time as the retry loop sees it; tests pass a fake one. */
export interface RetryClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Uniform in [0, 1). */
  random(): number;
}

export interface RetryPolicy {
  /** Give up when the next attempt would start later than this after the first one. */
  readonly deadlineMs: number;
  /** Longest wait for one attempt; the last attempt gets what is left of the deadline. */
  readonly attemptTimeoutMs: number;
  /** First backoff; it doubles per attempt up to maxDelayMs. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const systemClock: RetryClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

/** Exponential backoff with jitter: uniform in [half, full] of min(max, base * 2^attempt). */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: number): number {
  const full = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt, 30));
  return Math.round(full / 2 + (full / 2) * random);
}

/** The deadline passed; `lastError` is what the last attempt failed with. */
export class RetryDeadlineError extends Error {
  override readonly name = 'RetryDeadlineError';
  constructor(
    readonly attempts: number,
    readonly lastError: unknown,
  ) {
    super(`gave up after ${attempts} attempts`, { cause: lastError });
  }
}

/**
 * Runs `attempt` until it succeeds, fails with an error `retryable` refuses, or the deadline passes
 * (then RetryDeadlineError). Each attempt is told how long it may take.
 */
export async function retryUntilDeadline<T>(
  attempt: (timeoutMs: number, attemptNo: number) => Promise<T>,
  retryable: (err: unknown) => boolean,
  policy: RetryPolicy,
  clock: RetryClock,
  onRetry: (err: unknown, attemptNo: number, delayMs: number) => void = () => undefined,
): Promise<T> {
  const started = clock.now();
  for (let n = 0; ; n++) {
    const left = policy.deadlineMs - (clock.now() - started);
    try {
      return await attempt(Math.max(1, Math.min(policy.attemptTimeoutMs, left)), n);
    } catch (err) {
      if (!retryable(err)) throw err;
      const delay = backoffDelayMs(n, policy, clock.random());
      if (clock.now() - started + delay >= policy.deadlineMs) throw new RetryDeadlineError(n + 1, err);
      onRetry(err, n, delay);
      await clock.sleep(delay);
    }
  }
}
