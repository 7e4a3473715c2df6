import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from '@switchboard/shared';
import { z } from 'zod';
import { sqlIdentifier } from './sql';

/** A server version as far as feature gates care. */
export interface ServerVersion {
  readonly major: number;
  readonly minor: number;
}

/** One schema change. Statements must be idempotent: two instances may start at once. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** Skipped (and retried at every start) on older servers, so an upgrade of ClickHouse picks it up. */
  readonly requires?: ServerVersion;
  /** `db` is the already-quoted database name. */
  statements(db: string): readonly string[];
}

/** Runs on 18.16 and current ClickHouse: no Map, DateTime64, CODEC, TTL or skip indexes here. */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'create messages',
    statements: (db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.messages (
        tenant_id String,
        conversation_id String,
        seq UInt64,
        client_msg_id String,
        sender_role String,
        sender_id String,
        sender_name String,
        channel String,
        kind String,
        text String,
        client_sent_at_ms Int64,
        accepted_at_ms Int64,
        accepted_at DateTime('UTC'),
        metadata_keys Array(String),
        metadata_values Array(String),
        inserted_at DateTime('UTC') DEFAULT now()
      ) ENGINE = ReplacingMergeTree()
      PARTITION BY toYYYYMM(accepted_at)
      ORDER BY (tenant_id, conversation_id, seq)`,
    ],
  },
  {
    version: 2,
    name: 'token index on text',
    // Skip indexes are GA (no experimental setting) from 21.1; 18.16 has none.
    requires: { major: 21, minor: 1 },
    statements: (db) => [
      `ALTER TABLE ${db}.messages ADD INDEX IF NOT EXISTS text_tokens text TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 4`,
    ],
  },
];

/** Thrown when the schema cannot be brought up to date. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** Parses `SELECT version()`, e.g. `18.16.1` or `24.8.4.13`. */
export function parseServerVersion(text: string): ServerVersion {
  const m = /^(\d+)\.(\d+)/.exec(text.trim());
  if (m === null) throw new MigrationError(`cannot parse ClickHouse version ${JSON.stringify(text)}`);
  return { major: Number(m[1]), minor: Number(m[2]) };
}

export function versionAtLeast(v: ServerVersion, min: ServerVersion): boolean {
  return v.major !== min.major ? v.major > min.major : v.minor >= min.minor;
}

export interface MigrationPlan {
  readonly apply: readonly Migration[];
  readonly skip: readonly Migration[];
}

/** Which pending migrations this server can run, in version order. */
export function planMigrations(
  all: readonly Migration[],
  applied: ReadonlySet<number>,
  server: ServerVersion,
): MigrationPlan {
  const pending = all.filter((m) => !applied.has(m.version)).sort((a, b) => a.version - b.version);
  return {
    apply: pending.filter((m) => m.requires === undefined || versionAtLeast(server, m.requires)),
    skip: pending.filter((m) => m.requires !== undefined && !versionAtLeast(server, m.requires)),
  };
}

export interface MigrationReport {
  readonly serverVersion: string;
  readonly applied: readonly number[];
  readonly skipped: readonly number[];
}

const versionRow = z.object({ version: z.string() });
const appliedRow = z.object({ version: z.coerce.number().int() });

/** Creates the database and brings its schema up to date. Safe to run at every start. */
export async function runMigrations(
  client: ClickHouseClient,
  database: string,
  logger: Logger,
  all: readonly Migration[] = migrations,
): Promise<MigrationReport> {
  const db = sqlIdentifier(database);
  const log = logger.child({ component: 'migrations', database });
  try {
    await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` });
    await client.command({
      query: `CREATE TABLE IF NOT EXISTS ${db}.schema_migrations (
        version UInt32,
        name String,
        applied_at DateTime('UTC')
      ) ENGINE = ReplacingMergeTree() ORDER BY version`,
    });
    const serverVersion = await queryRows(client, 'SELECT version() AS version', versionRow);
    const version = serverVersion[0]?.version ?? '';
    const server = parseServerVersion(version);
    const applied = await queryRows(
      client,
      `SELECT DISTINCT version FROM ${db}.schema_migrations`,
      appliedRow,
    );
    const plan = planMigrations(all, new Set(applied.map((r) => r.version)), server);
    for (const m of plan.skip) {
      log.info(
        { migration: m.version, name: m.name, server_version: version, requires: m.requires },
        'migration skipped: server too old',
      );
    }
    for (const m of plan.apply) {
      for (const statement of m.statements(db)) await client.command({ query: statement });
      await client.insert({
        table: `${db}.schema_migrations`,
        values: [{ version: m.version, name: m.name, applied_at: Math.floor(Date.now() / 1000) }],
        format: 'JSONEachRow',
      });
      log.info({ migration: m.version, name: m.name }, 'migration applied');
    }
    return {
      serverVersion: version,
      applied: plan.apply.map((m) => m.version),
      skipped: plan.skip.map((m) => m.version),
    };
  } catch (err) {
    if (err instanceof MigrationError) throw err;
    throw new MigrationError(`migrating ClickHouse database ${database} failed: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}

async function queryRows<T>(client: ClickHouseClient, query: string, schema: z.ZodType<T>): Promise<T[]> {
  const rs = await client.query({ query, format: 'JSONEachRow' });
  const rows: unknown = await rs.json();
  return z.array(schema).parse(rows);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
