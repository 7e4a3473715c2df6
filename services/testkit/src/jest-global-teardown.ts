// Jest globalTeardown of the `integration` project: stop what jest-global-setup started.
import { takeServerSet } from './jest-global-setup';

export default async function globalTeardown(): Promise<void> {
  const set = takeServerSet();
  if (set === undefined) return;
  const startedAt = performance.now();
  await set.stop();
  if (set.servers.length > 0) {
    process.stderr.write(
      `testkit: stopped ${set.servers.length} servers (${((performance.now() - startedAt) / 1000).toFixed(1)} s)\n`,
    );
  }
}
