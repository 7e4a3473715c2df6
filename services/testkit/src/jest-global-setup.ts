// Jest globalSetup of the `integration` project: build the workspace, start the servers, export their URLs.
import { startServers, type ServerSet } from './server-set';
import { buildWorkspace, repoRoot } from './workspace-build';

export const SERVER_SET_KEY = '__switchboardTestkitServerSet';

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

  const set = await startServers({ env: process.env, progress });
  (globalThis as Record<string, unknown>)[SERVER_SET_KEY] = set;
  // Jest workers are forked after global setup, so they inherit these.
  process.env.NATS_URL = set.natsUrl;
  process.env.CLICKHOUSE_URL = set.clickhouseUrl;
  process.env.MONGO_URL = set.mongoUrl;
}

export function takeServerSet(): ServerSet | undefined {
  const store = globalThis as Record<string, unknown>;
  const set = store[SERVER_SET_KEY] as ServerSet | undefined;
  delete store[SERVER_SET_KEY];
  return set;
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}
