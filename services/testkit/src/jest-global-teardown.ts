// Jest globalTeardown of the `integration` project: stop what jest-global-setup started.
import fs from 'node:fs';
import path from 'node:path';

import { takeServerSet } from './jest-global-setup';
import { SCREENSHOT_DIR_ENV } from './paths';

export default async function globalTeardown(): Promise<void> {
  reportScreenshots(process.env[SCREENSHOT_DIR_ENV]);
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

/** Prints where this run's screenshots are, when any test saved one. */
function reportScreenshots(dir: string | undefined): void {
  if (dir === undefined || dir === '') return;
  const count = countFiles(path.resolve(dir));
  if (count > 0)
    process.stderr.write(`testkit: ${count} screenshot${count === 1 ? '' : 's'} in ${path.resolve(dir)}\n`);
}

function countFiles(dir: string): number {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  return entries.reduce(
    (sum, e) => sum + (e.isDirectory() ? countFiles(path.join(dir, e.name)) : e.isFile() ? 1 : 0),
    0,
  );
}
