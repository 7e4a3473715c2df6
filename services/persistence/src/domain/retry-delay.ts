/** Capped exponential backoff: initial, 2×initial, 4×initial, … never above max. `attempt` starts at 1. */
export function retryDelayMs(attempt: number, initialMs: number, maxMs: number): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  return Math.min(maxMs, initialMs * 2 ** exponent);
}
