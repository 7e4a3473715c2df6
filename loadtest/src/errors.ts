/** A bad command line: unknown flag or scenario, a value that is not a number or out of range. Exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = 2;
}

/** The benchmark could not run to the end (a server or service failed, setup timed out). Exit 1. */
export class BenchError extends Error {
  override readonly name = 'BenchError';
}
