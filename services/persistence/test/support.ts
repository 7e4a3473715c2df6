import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { ClickHouseClient } from '@clickhouse/client';
import { connect, type NatsConnection } from 'nats';
import type { SubjectCatalog } from '@switchboard/proto';
import { ClickHouseMessageStore, createClickHouseClient } from '../src/adapters/clickhouse-store';
import { runMigrations } from '../src/adapters/migrations';
import { sqlIdentifier } from '../src/adapters/sql';
import { loadPersistenceConfig, type PersistenceConfig } from '../src/config';
import { silentLogger } from '../src/testing/fakes';

export { silentLogger, waitFor } from '../src/testing/fakes';

/** Server URLs come from the testkit's globalSetup through the environment, read via the service's config. */
export function serverConfig(): PersistenceConfig {
  return loadPersistenceConfig();
}

/** A lowercase name unique to one test: namespaces, database names, tenants. */
export function unique(prefix: string): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

export function clickHouseFor(url = serverConfig().CLICKHOUSE_URL): ClickHouseClient {
  const cfg = serverConfig();
  return createClickHouseClient({
    url,
    username: cfg.CLICKHOUSE_USER,
    password: cfg.CLICKHOUSE_PASSWORD,
    requestTimeoutMs: 5000,
  });
}

/** A fresh, migrated database of its own; drop it with `dropDatabase`. */
export async function freshDatabase(
  client: ClickHouseClient,
): Promise<{ database: string; store: ClickHouseMessageStore }> {
  const database = unique('sbtest_');
  await dropDatabase(client, database);
  await runMigrations(client, database, silentLogger);
  return { database, store: new ClickHouseMessageStore(client, database) };
}

export async function dropDatabase(client: ClickHouseClient, database: string): Promise<void> {
  await client.command({ query: `DROP DATABASE IF EXISTS ${sqlIdentifier(database)}` });
}

export function connectTestNats(): Promise<NatsConnection> {
  return connect({ servers: serverConfig().NATS_URL, name: 'persistence-test' });
}

/** Removes the streams a test's catalog created. */
export async function deleteStreams(nc: NatsConnection, catalog: SubjectCatalog): Promise<void> {
  const jsm = await nc.jetstreamManager();
  for (const name of [catalog.streams.conv, catalog.streams.events]) {
    await jsm.streams.delete(name).catch(() => false);
  }
}

/** A port nothing listens on: bound once by the OS, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
