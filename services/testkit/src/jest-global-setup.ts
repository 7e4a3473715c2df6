// Jest globalSetup of the `integration` project: build the workspace, start the servers, export their URLs.
import { newScreenshotRunDir, SCREENSHOT_DIR_ENV } from './paths';
import { startServers, type ServerSet } from './server-set';
import { buildWorkspace, repoRoot } from './workspace-build';

declare global {
  // Global setup and teardown run in the same process; this hands the ServerSet from one to the other.
  var __switchboardTestkitServerSet: ServerSet | undefined;
}

export default async function globalSetup(): Promise<void> {
  const progress = (line: string): void => void process.stderr.write(`testkit: ${line}\n`);

  if (isSet(process.env.SB_SKIP_BUILD)) {
    progress('skipping workspace build (SB_SKIP_BUILD is set)');
  } else {
    const root = repoRoot();
    progress('building workspace… (tsc -b services/tsconfig.json)');
    const startedAt = performance.now();
    await buildWorkspace(root);
    progress(`workspace built (${((performance.now() - startedAt) / 1000).toFixed(1)} s)`);
  }

  // One screenshot folder per run, shared by every worker; global teardown prints it.
  if (!isSet(process.env[SCREENSHOT_DIR_ENV])) process.env[SCREENSHOT_DIR_ENV] = newScreenshotRunDir();

  const set = await startServers({ env: process.env, progress });
  globalThis.__switchboardTestkitServerSet = set;
  // Jest workers are forked after global setup, so they inherit these.
  process.env.NATS_URL = set.natsUrl;
  process.env.CLICKHOUSE_URL = set.clickhouseUrl;
  process.env.MONGO_URL = set.mongoUrl;
}

export function takeServerSet(): ServerSet | undefined {
  const set = globalThis.__switchboardTestkitServerSet;
  globalThis.__switchboardTestkitServerSet = undefined;
  return set;
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}
