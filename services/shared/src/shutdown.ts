import type { Logger } from './logger';

export interface ShutdownStep {
  readonly name: string;
  run(): Promise<void> | void;
}

/**
 * On SIGTERM or SIGINT, runs the steps in order (stop accepting, close sockets, drain NATS, close
 * databases, flush telemetry) and exits 0, or exits 1 when the grace period runs out first.
 * Returns the function that runs the same sequence, for tests and fatal errors.
 */
export function installShutdown(
  logger: Logger,
  graceMs: number,
  steps: readonly ShutdownStep[],
): (reason: string) => Promise<void> {
  let running: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    running ??= (async () => {
      logger.info({ reason, grace_ms: graceMs }, 'shutting down');
      const timer = setTimeout(() => {
        logger.error({ grace_ms: graceMs }, 'shutdown grace period exceeded; exiting');
        process.exit(1);
      }, graceMs);
      timer.unref();
      for (const step of steps) {
        try {
          await step.run();
          logger.debug({ step: step.name }, 'shutdown step done');
        } catch (err) {
          logger.error({ step: step.name, err }, 'shutdown step failed');
        }
      }
      clearTimeout(timer);
      logger.info('stopped');
      logger.flush();
    })();
    return running;
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void shutdown(signal).then(() => process.exit(0));
    });
  }
  return shutdown;
}
