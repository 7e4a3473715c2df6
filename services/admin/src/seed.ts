#!/usr/bin/env node
import {
  agentRoleToJSON,
  AgentRole,
  SubjectCatalog,
  TenantSettings,
  type Agent,
  type CannedReply,
  type Group,
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
import type {
  AgentRepository,
  CannedReplyRepository,
  GroupRepository,
  WidgetKeyRepository,
} from './domain/ports';

const DEMO_PASSWORD_NOTE = 'the value of SEED_AGENT_PASSWORD (default "switchboard") for every demo agent';

/** The demo tenant every local stack and end-to-end test starts from. Ids and keys here are relied upon. */
export const DEMO = {
  tenantId: 'demo',
  tenantName: 'Demo Shop',
  widgetKey: 'demo-widget-key',
  widgetKeyName: 'Demo Shop website',
  groups: [
    { id: 'general', name: 'General' },
    { id: 'sales', name: 'Sales', skills: ['sales'], languages: ['en', 'zh-CN'] },
    { id: 'support', name: 'Support' },
  ],
  agents: [
    {
      email: 'alice@demo.test',
      displayName: 'Alice',
      role: AgentRole.AGENT_ROLE_ADMIN,
      maxConcurrent: 2,
      groupIds: ['general', 'sales', 'support'],
    },
    {
      email: 'bob@demo.test',
      displayName: 'Bob',
      role: AgentRole.AGENT_ROLE_AGENT,
      maxConcurrent: 2,
      groupIds: ['general', 'support'],
    },
    {
      email: 'carol@demo.test',
      displayName: 'Carol',
      role: AgentRole.AGENT_ROLE_SUPERVISOR,
      maxConcurrent: 2,
      groupIds: ['general', 'sales'],
    },
  ],
  settings: TenantSettings.fromPartial({
    defaultGroupId: 'general',
    rules: [{ id: 'pricing', groupId: 'sales', keywords: ['price', 'pricing', '报价', '价格'] }],
    widget: {
      title: 'Switchboard Demo',
      color: '#2563eb',
      position: 'right',
      preChatEnabled: false,
      // Ready for when the form is switched on; routing understands name, email and group.
      preChatFields: [
        { key: 'name', labelEn: 'Your name', labelZh: '您的姓名', required: false },
        { key: 'email', labelEn: 'Email', labelZh: '电子邮箱', required: false },
      ],
      welcomeMessage: 'Hi! How can we help you today?',
      offlineMessage: "We're offline right now. Leave a message and we'll get back to you.",
      csatEnabled: true,
    },
  }),
  cannedReplies: [
    { shortcut: 'hello', text: "Hi {{visitor.name}}, I'm {{agent.name}}. How can I help?" },
    { shortcut: 'bye', text: 'Thanks for chatting with us, {{visitor.name}}. Have a great day!' },
  ],
} as const;

export const DEFAULT_SEED_PASSWORD = 'switchboard';

export interface SeedTarget {
  readonly administration: ConfigAdministration;
  readonly agents: AgentRepository;
  readonly widgetKeys: WidgetKeyRepository;
  readonly groups: GroupRepository;
  readonly cannedReplies: CannedReplyRepository;
}

export interface SeedOptions {
  /** Password of every demo agent; default `switchboard`. */
  readonly agentPassword?: string;
  /** Every demo agent's max_concurrent instead of its own (tests and benchmarks with many conversations). */
  readonly agentMaxConcurrent?: number | undefined;
}

/** What exists after seeding, and the change-log revisions this run appended (none when re-run). */
export interface SeedSummary {
  readonly tenant: Tenant;
  readonly groups: readonly Group[];
  readonly agents: readonly Agent[];
  readonly widgetKeys: readonly WidgetKey[];
  readonly cannedReplies: readonly CannedReply[];
  readonly revisions: readonly number[];
}

/**
 * Creates or updates the demo tenant, its groups, agents, widget key, settings and shared canned replies,
 * in that order (agents and settings refer to groups). Idempotent: running it again with the same
 * password writes nothing and appends no change. Agents are found by email, so their (random) ids stay
 * the same across runs.
 */
export async function seedDemo(target: SeedTarget, opts: SeedOptions = {}): Promise<SeedSummary> {
  const password = opts.agentPassword ?? DEFAULT_SEED_PASSWORD;
  const { administration } = target;
  const revisions: number[] = [];
  const track = <T>(r: { value: T; revision: number | undefined }): T => {
    if (r.revision !== undefined) revisions.push(r.revision);
    return r.value;
  };
  const tenantId = track(await administration.upsertTenant({ id: DEMO.tenantId, name: DEMO.tenantName })).id;
  for (const group of DEMO.groups) track(await administration.upsertGroup({ ...group, tenantId }));
  for (const agent of DEMO.agents) {
    const maxConcurrent = opts.agentMaxConcurrent ?? agent.maxConcurrent;
    track(await administration.upsertAgent({ ...agent, maxConcurrent, tenantId, password }));
  }
  track(await administration.upsertWidgetKey({ tenantId, key: DEMO.widgetKey, name: DEMO.widgetKeyName }));
  const tenant = track(await administration.updateTenantSettings(tenantId, DEMO.settings));
  for (const reply of DEMO.cannedReplies) {
    // Reuse the id of a shared reply with this shortcut made by hand, rather than clash with it.
    const existing = await target.cannedReplies.findByShortcut(tenantId, '', reply.shortcut);
    track(await administration.upsertCannedReply({ ...reply, tenantId, id: existing?.id ?? reply.shortcut }));
  }
  const replies = await target.cannedReplies.list(tenantId, ['']);
  return {
    tenant,
    groups: await target.groups.list(tenantId),
    agents: await target.agents.list(tenantId),
    widgetKeys: await target.widgetKeys.list(tenantId),
    cannedReplies: replies.sort((a, b) => (a.shortcut < b.shortcut ? -1 : a.shortcut > b.shortcut ? 1 : 0)),
    revisions,
  };
}

/** A human-readable summary; never includes passwords or hashes. */
export function formatSeedSummary(summary: SeedSummary, database: string): string {
  const roleName = (role: AgentRole) => agentRoleToJSON(role).replace('AGENT_ROLE_', '').toLowerCase();
  const first = (label: string, i: number) => (i === 0 ? label : '').padEnd(12);
  const settings = summary.tenant.settings;
  const rules = (settings?.rules ?? []).map((r) => `${r.id} → ${r.groupId}`).join(', ');
  const lines = [
    `Seeded MongoDB database "${database}" (${summary.revisions.length === 0 ? 'already up to date' : `${summary.revisions.length} change(s), revisions ${summary.revisions.join(', ')}`})`,
    `  ${first('tenant', 0)}${summary.tenant.id}  "${summary.tenant.name}"`,
    ...summary.groups.map(
      (g, i) =>
        `  ${first('groups', i)}${g.id}  "${g.name}"${g.skills.length > 0 ? `  skills=${g.skills.join(',')}` : ''}${g.languages.length > 0 ? `  languages=${g.languages.join(',')}` : ''}`,
    ),
    ...summary.agents.map(
      (a, i) =>
        `  ${first('agents', i)}${a.email}  "${a.displayName}"  ${roleName(a.role)}  max_concurrent=${a.maxConcurrent}  groups=${a.groupIds.join(',')}  id=${a.id}`,
    ),
    ...summary.widgetKeys.map((k, i) => `  ${first('widget key', i)}${k.key}  "${k.name}"`),
    `  ${first('settings', 0)}default group ${settings?.defaultGroupId ?? '(default)'}; rules ${rules === '' ? 'none' : rules}`,
    ...summary.cannedReplies.map((r, i) => `  ${first('replies', i)}/${r.shortcut}  "${r.text}"`),
    `  ${first('password', 0)}${DEMO_PASSWORD_NOTE}`,
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
      return await seedDemo(
        { administration, ...repos },
        { agentPassword: config.SEED_AGENT_PASSWORD, agentMaxConcurrent: config.SEED_AGENT_MAX_CONCURRENT },
      );
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
