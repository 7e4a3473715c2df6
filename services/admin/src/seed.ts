#!/usr/bin/env node
import {
  agentRoleToJSON,
  AgentRole,
  SubjectCatalog,
  type Agent,
  type Tenant,
  type WidgetKey,
} from '@switchboard/proto';
import { createLogger, type Logger } from '@switchboard/shared';
import { connect, type NatsConnection } from 'nats';
import { connectMongo, ensureIndexes } from './adapters/mongo';
import { createMongoRepositories } from './adapters/mongo-repositories';
import { NatsConfigNotifications, SilentAnnouncer } from './adapters/nats-config-notifications';
import { loadSeedConfig, type SeedConfig } from './config';
import { ConfigAdministration } from './domain/config-administration';
import { PasswordHasher } from './domain/password';
import type { AgentRepository, WidgetKeyRepository } from './domain/ports';

/** The demo tenant every local stack and end-to-end test starts from. */
export const DEMO = {
  tenantId: 'demo',
  tenantName: 'Demo Shop',
  widgetKey: 'demo-widget-key',
  widgetKeyName: 'Demo Shop website',
  agents: [
    { email: 'alice@demo.test', displayName: 'Alice', role: AgentRole.AGENT_ROLE_ADMIN, maxConcurrent: 3 },
    { email: 'bob@demo.test', displayName: 'Bob', role: AgentRole.AGENT_ROLE_AGENT, maxConcurrent: 3 },
  ],
} as const;

export const DEFAULT_SEED_PASSWORD = 'switchboard';

export interface SeedTarget {
  readonly administration: ConfigAdministration;
  readonly agents: AgentRepository;
  readonly widgetKeys: WidgetKeyRepository;
}

export interface SeedOptions {
  /** Password of every demo agent; default `switchboard`. */
  readonly agentPassword?: string;
}

/** What exists after seeding, and the change-log revisions this run appended (none when re-run). */
export interface SeedSummary {
  readonly tenant: Tenant;
  readonly agents: readonly Agent[];
  readonly widgetKeys: readonly WidgetKey[];
  readonly revisions: readonly number[];
}

/**
 * Creates or updates the demo tenant, its agents and widget key. Idempotent: running it again with the
 * same password writes nothing and appends no change.
 */
export async function seedDemo(target: SeedTarget, opts: SeedOptions = {}): Promise<SeedSummary> {
  const password = opts.agentPassword ?? DEFAULT_SEED_PASSWORD;
  const { administration } = target;
  const revisions: number[] = [];
  const track = <T>(r: { value: T; revision: number | undefined }): T => {
    if (r.revision !== undefined) revisions.push(r.revision);
    return r.value;
  };
  const tenant = track(await administration.upsertTenant({ id: DEMO.tenantId, name: DEMO.tenantName }));
  for (const agent of DEMO.agents) {
    track(await administration.upsertAgent({ ...agent, tenantId: tenant.id, password }));
  }
  track(
    await administration.upsertWidgetKey({
      tenantId: tenant.id,
      key: DEMO.widgetKey,
      name: DEMO.widgetKeyName,
    }),
  );
  return {
    tenant,
    agents: await target.agents.list(tenant.id),
    widgetKeys: await target.widgetKeys.list(tenant.id),
    revisions,
  };
}

/** A human-readable summary; never includes passwords or hashes. */
export function formatSeedSummary(summary: SeedSummary, database: string): string {
  const roleName = (role: AgentRole) => agentRoleToJSON(role).replace('AGENT_ROLE_', '').toLowerCase();
  const lines = [
    `Seeded MongoDB database "${database}" (${summary.revisions.length === 0 ? 'already up to date' : `${summary.revisions.length} change(s), revisions ${summary.revisions.join(', ')}`})`,
    `  tenant      ${summary.tenant.id}  "${summary.tenant.name}"`,
    ...summary.agents.map(
      (a, i) =>
        `  ${i === 0 ? 'agents' : '      '}      ${a.email}  "${a.displayName}"  ${roleName(a.role)}  max_concurrent=${a.maxConcurrent}  id=${a.id}`,
    ),
    ...summary.widgetKeys.map((k, i) => `  ${i === 0 ? 'widget key' : '          '}  ${k.key}  "${k.name}"`),
    '  password    the value of SEED_AGENT_PASSWORD (default "switchboard") for every demo agent',
  ];
  return `${lines.join('\n')}\n`;
}

async function tryConnectNats(url: string, logger: Logger): Promise<NatsConnection | undefined> {
  try {
    return await connect({ servers: url.split(','), name: 'admin-seed', timeout: 3_000 });
  } catch (err) {
    logger.warn(
      { err, url },
      'NATS unreachable; running admin instances will pick the changes up by polling',
    );
    return undefined;
  }
}

/** Connects, seeds, disconnects. NATS is optional: it only wakes running Watch streams sooner. */
export async function runSeed(config: SeedConfig, logger: Logger): Promise<SeedSummary> {
  const mongo = await connectMongo(config.MONGO_URL, config.MONGO_DATABASE, 'switchboard-admin-seed');
  try {
    await ensureIndexes(mongo.db);
    const repos = createMongoRepositories(mongo.db);
    const nc = await tryConnectNats(config.NATS_URL, logger);
    try {
      const announcer =
        nc === undefined
          ? new SilentAnnouncer()
          : new NatsConfigNotifications(nc, new SubjectCatalog(config.SB_NAMESPACE), logger);
      const administration = new ConfigAdministration({ ...repos, announcer, hasher: new PasswordHasher() });
      return await seedDemo({ administration, ...repos }, { agentPassword: config.SEED_AGENT_PASSWORD });
    } finally {
      await nc?.drain();
    }
  } finally {
    await mongo.close();
  }
}

async function main(): Promise<void> {
  const config = loadSeedConfig();
  // Logs go to stderr so stdout carries only the summary.
  const logger = createLogger('admin-seed', config.LOG_LEVEL, process.stderr);
  try {
    const summary = await runSeed(config, logger);
    process.stdout.write(formatSeedSummary(summary, config.MONGO_DATABASE));
  } catch (err) {
    logger.error({ err }, 'seed failed');
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
