/** How retry delays grow: exponentially from initialDelayMs, capped at maxDelayMs, then jittered. */
export interface BackoffOptions {
  /** The delay before the first retry, before jitter. */
  initialDelayMs: number;
  /** No delay is longer than this. */
  maxDelayMs: number;
  /** Each further attempt multiplies the delay by this (>= 1). */
  multiplier: number;
  /**
   * The random share of each delay, 0..1: the delay is drawn from [d * (1 - jitter), d]. 0 disables jitter;
   * 1 is "full jitter" (0..d). Jitter spreads the reconnects of many clients after a gateway restart.
   */
  jitter: number;
}

/** The delay before retry number `attempt` (1 for the first retry). `random` returns [0, 1), as Math.random. */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const { initialDelayMs, maxDelayMs, multiplier, jitter } = options;
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const grown = initialDelayMs * multiplier ** exponent;
  const capped = Math.min(maxDelayMs, Number.isFinite(grown) ? grown : maxDelayMs);
  const share = clamp01(jitter) * clamp01(random());
  return Math.round(capped * (1 - share));
}

/** Throws a RangeError naming every bad field, so a misconfigured client fails when it is built. */
export function checkBackoff(name: string, options: BackoffOptions): void {
  const problems: string[] = [];
  if (!(options.initialDelayMs >= 0)) problems.push('initialDelayMs must be >= 0');
  if (!(options.maxDelayMs >= options.initialDelayMs)) problems.push('maxDelayMs must be >= initialDelayMs');
  if (!(options.multiplier >= 1)) problems.push('multiplier must be >= 1');
  if (!(options.jitter >= 0 && options.jitter <= 1)) problems.push('jitter must be between 0 and 1');
  if (problems.length > 0) throw new RangeError(`${name}: ${problems.join('; ')}`);
}

function clamp01(value: number): number {
  if (!(value > 0)) return 0;
  return value > 1 ? 1 : value;
}
