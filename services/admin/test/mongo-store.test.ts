import {
  AgentRole,
  Channel,
  ConfigEntity,
  ConfigOp,
  ConversationState,
  ConversationSummary,
  SubjectCatalog,
  TenantSettings,
  type CannedReply,
  type Group,
} from '@switchboard/proto';
import { createLogger } from '@switchboard/shared';
import { connect, type NatsConnection } from 'nats';
import {
  Collections,
  connectMongo,
  ensureIndexes,
  isDuplicateKey,
  type MongoConnection,
} from '../src/adapters/mongo';
import { createMongoRepositories, type MongoRepositories } from '../src/adapters/mongo-repositories';
import { NatsConfigNotifications } from '../src/adapters/nats-config-notifications';
import { ConfigAdministration } from '../src/domain/config-administration';
import { PasswordHasher } from '../src/domain/password';
import { DEMO, runSeed, seedDemo } from '../src/seed';
import { loadSeedConfig } from '../src/config';
import { isolation, serverUrls } from './helpers';

// Real servers: startup, scrypt and JetStream round trips outlive jest's 5 s default.
jest.setTimeout(30_000);

const logger = createLogger('admin-test', 'silent');
const fast = new PasswordHasher({ N: 1024, r: 8, p: 1, keyLength: 32, saltLength: 16 });

/** Change-log entries the demo seed appends to an empty database. */
const SEEDED = 11;

describe('mongo store', () => {
  const { natsUrl, mongoUrl } = serverUrls();
  let mongo: MongoConnection;
  let nc: NatsConnection;
  let repos: MongoRepositories;
  let admin: ConfigAdministration;
  let announced: string[];

  beforeEach(async () => {
    const { database, namespace } = isolation();
    mongo = await connectMongo(mongoUrl, database, 'admin-test');
    await ensureIndexes(mongo.db);
    repos = createMongoRepositories(mongo.db);
    nc = await connect({ servers: natsUrl });
    const catalog = new SubjectCatalog(namespace);
    announced = [];
    nc.subscribe(catalog.configChanged(), { callback: (_err, msg) => announced.push(msg.string()) });
    await nc.flush();
    const notifications = new NatsConfigNotifications(nc, catalog, logger);
    admin = new ConfigAdministration({ ...repos, announcer: notifications, hasher: fast });
  });

  afterEach(async () => {
    await nc.drain();
    await mongo.db.dropDatabase();
    await mongo.close();
  });

  it('mongo store - creates the indexes idempotently', async () => {
    await ensureIndexes(mongo.db);
    await ensureIndexes(mongo.db);
    const indexesOf = async (collection: string) =>
      (await mongo.db.collection(collection).listIndexes().toArray()) as { name: string; unique?: boolean }[];
    const names = async (collection: string) => (await indexesOf(collection)).map((i) => i.name).sort();
    expect(await names(Collections.agents)).toEqual(['_id_', 'tenant_email_unique']);
    expect(await names(Collections.widgetKeys)).toEqual(['_id_', 'tenant']);
    expect(await names(Collections.conversations)).toEqual([
      '_id_',
      'tenant_agent_state',
      'tenant_updated',
      'tenant_visitor',
    ]);
    expect(await names(Collections.configChanges)).toEqual(['_id_', 'revision_unique', 'tenant_revision']);
    expect(await names(Collections.groups)).toEqual(['_id_', 'tenant_group']);
    expect(await names(Collections.cannedReplies)).toEqual(['_id_', 'tenant_owner_shortcut_unique']);
    const agentIndexes = await indexesOf(Collections.agents);
    expect(agentIndexes.find((i) => i.name === 'tenant_email_unique')?.unique).toBe(true);
  });

  it('mongo store - enforces one email per tenant, but not across tenants', async () => {
    const doc = (id: string, tenant: string) => ({
      _id: id,
      tenant_id: tenant,
      email: 'same@demo.test',
      display_name: 'X',
      role: 'AGENT_ROLE_AGENT',
      max_concurrent: 1,
      password_hash: 'x',
      created_at: new Date(),
      updated_at: new Date(),
    });
    const agents = mongo.db.collection<ReturnType<typeof doc>>(Collections.agents);
    await agents.insertOne(doc('a1', 'demo'));
    await agents.insertOne(doc('a2', 'other'));
    let err: unknown;
    try {
      await agents.insertOne(doc('a3', 'demo'));
    } catch (e) {
      err = e;
    }
    expect(isDuplicateKey(err)).toBe(true);
    expect(await agents.countDocuments({})).toBe(2);
  });

  it('mongo store - seeding twice leaves the same records and appends no change', async () => {
    const first = await seedDemo({ administration: admin, ...repos });
    expect(first.revisions).toEqual(Array.from({ length: SEEDED }, (_, i) => i + 1));
    const counts = async () => ({
      tenants: await repos.tenants.count(),
      agents: await repos.agents.count(DEMO.tenantId),
      widgetKeys: (await repos.widgetKeys.list(DEMO.tenantId)).length,
      groups: (await repos.groups.list(DEMO.tenantId)).length,
      replies: (await repos.cannedReplies.list(DEMO.tenantId, [''])).length,
      changes: await mongo.db.collection(Collections.configChanges).countDocuments({}),
    });
    const before = await counts();
    expect(before).toEqual({ tenants: 1, agents: 3, widgetKeys: 1, groups: 3, replies: 2, changes: SEEDED });
    const second = await seedDemo({ administration: admin, ...repos });
    expect(second.revisions).toEqual([]);
    expect(await counts()).toEqual(before);
    expect(second.agents.map((a) => a.id)).toEqual(first.agents.map((a) => a.id));
    expect(second.agents.map((a) => [a.email, a.displayName, a.role, a.maxConcurrent, a.groupIds])).toEqual([
      ['alice@demo.test', 'Alice', AgentRole.AGENT_ROLE_ADMIN, 2, ['general', 'sales', 'support']],
      ['bob@demo.test', 'Bob', AgentRole.AGENT_ROLE_AGENT, 2, ['general', 'support']],
      ['carol@demo.test', 'Carol', AgentRole.AGENT_ROLE_SUPERVISOR, 2, ['general', 'sales']],
    ]);
    expect(second.widgetKeys.map((k) => k.key)).toEqual(['demo-widget-key']);
    expect(second.tenant.settings).toEqual(DEMO.settings);
    expect((await repos.tenants.findById(DEMO.tenantId))?.settings).toEqual(DEMO.settings);
  });

  it('mongo store - every change is logged and announced on NATS', async () => {
    await seedDemo({ administration: admin, ...repos });
    const changes = await repos.changes.changesBetween(undefined, 0, 100, 100);
    const revisions = Array.from({ length: SEEDED }, (_, i) => i + 1);
    expect(changes.map((c) => c.revision)).toEqual(revisions);
    const E = ConfigEntity;
    expect(changes.map((c) => c.entity)).toEqual([
      E.CONFIG_ENTITY_TENANT,
      ...[1, 2, 3].map(() => E.CONFIG_ENTITY_GROUP),
      ...[1, 2, 3].map(() => E.CONFIG_ENTITY_AGENT),
      E.CONFIG_ENTITY_WIDGET_KEY,
      E.CONFIG_ENTITY_TENANT,
      E.CONFIG_ENTITY_CANNED_REPLY,
      E.CONFIG_ENTITY_CANNED_REPLY,
    ]);
    const agentChange = changes[4];
    expect(agentChange?.value?.$case).toBe('agent');
    expect(changes[8]?.value).toEqual({
      $case: 'tenant',
      value: expect.objectContaining({ id: 'demo', settings: DEMO.settings }) as unknown,
    });
    const raw = await mongo.db.collection(Collections.configChanges).find({}).toArray();
    expect(JSON.stringify(raw)).not.toContain('scrypt');
    // The server sends our own publishes back before it answers the flush's PING.
    await nc.flush();
    expect(announced).toEqual(revisions.map(String));
  });

  it('mongo store - stores agents with a salted scrypt hash and never lists it', async () => {
    await seedDemo({ administration: admin, ...repos }, { agentPassword: 'another-password' });
    const raw = await mongo.db.collection(Collections.agents).findOne({ email: 'alice@demo.test' });
    expect(String(raw?.password_hash)).toMatch(/^scrypt\$N=\d+,r=\d+,p=\d+\$/);
    expect(await fast.verify('another-password', String(raw?.password_hash))).toBe(true);
    const listed = await repos.agents.list(DEMO.tenantId);
    expect(JSON.stringify(listed)).not.toContain('scrypt');
  });

  it('mongo store - the seed tool connects, seeds and is idempotent', async () => {
    const database = mongo.db.databaseName;
    const config = loadSeedConfig({ MONGO_URL: mongoUrl, MONGO_DATABASE: database, NATS_URL: natsUrl });
    const first = await runSeed(config, logger);
    const second = await runSeed(config, logger);
    expect(first.revisions).toHaveLength(SEEDED);
    expect(second.revisions).toHaveLength(0);
    expect(second.tenant).toMatchObject({ id: 'demo', name: 'Demo Shop' });
  });

  it('mongo store - groups round-trip with their business hours; save keeps created_at', async () => {
    const group: Group = {
      id: 'sales',
      tenantId: 'demo',
      name: 'Sales',
      skills: ['sales', 'pricing'],
      languages: ['en', 'zh-CN'],
      manualPick: true,
      maxConcurrentPerAgent: 4,
      businessHours: {
        timeZone: 'Asia/Shanghai',
        windows: [
          { weekday: 0, startMinute: 0, endMinute: 1440 },
          { weekday: 1, startMinute: 540, endMinute: 1080 },
        ],
      },
      createdAtMs: 1_700_000_000_000,
      updatedAtMs: 1_700_000_000_000,
    };
    expect(await repos.groups.insert(group)).toBe('inserted');
    expect(await repos.groups.insert(group)).toBe('duplicate');
    expect(await repos.groups.find('demo', 'sales')).toEqual(group);
    expect(await repos.groups.find('other', 'sales')).toBeUndefined();
    const replaced = { ...group, businessHours: undefined, createdAtMs: 1, updatedAtMs: 1_700_000_001_000 };
    await repos.groups.save(replaced);
    expect(await repos.groups.find('demo', 'sales')).toEqual({ ...replaced, createdAtMs: group.createdAtMs });
    await repos.groups.save({ ...group, id: 'general', tenantId: 'other' });
    expect((await repos.groups.list('demo')).map((g) => g.id)).toEqual(['sales']);
    expect(await repos.groups.delete('demo', 'sales')).toBe(true);
    expect(await repos.groups.delete('demo', 'sales')).toBe(false);
  });

  it('mongo store - one shortcut per owner is enforced by the unique index', async () => {
    await ensureIndexes(mongo.db);
    const reply = (id: string, agentId: string, shortcut: string): CannedReply => ({
      id,
      tenantId: 'demo',
      agentId,
      shortcut,
      text: `text of ${id}`,
      createdAtMs: 1_700_000_000_000,
      updatedAtMs: 1_700_000_000_000,
    });
    expect(await repos.cannedReplies.save(reply('r1', '', 'hello'))).toBe('saved');
    expect(await repos.cannedReplies.save(reply('r2', 'alice', 'hello'))).toBe('saved');
    expect(await repos.cannedReplies.save(reply('r3', '', 'hello'))).toBe('duplicate');
    expect(await repos.cannedReplies.save({ ...reply('r1', '', 'hello'), text: 'edited' })).toBe('saved');
    expect(await repos.cannedReplies.find('demo', 'r1')).toEqual({
      ...reply('r1', '', 'hello'),
      text: 'edited',
    });
    expect((await repos.cannedReplies.findByShortcut('demo', 'alice', 'hello'))?.id).toBe('r2');
    expect((await repos.cannedReplies.list('demo', [''])).map((r) => r.id)).toEqual(['r1']);
    expect((await repos.cannedReplies.list('demo', ['', 'alice'])).map((r) => r.id).sort()).toEqual([
      'r1',
      'r2',
    ]);
    expect(await repos.cannedReplies.delete('demo', 'r2')).toBe(true);
    expect(await repos.cannedReplies.find('demo', 'r2')).toBeUndefined();
  });

  it('mongo store - tenant settings round-trip and a rename does not overwrite them', async () => {
    await admin.upsertTenant({ id: 'demo', name: 'Demo Shop' });
    const settings = TenantSettings.fromPartial({
      weights: { response: 0.5, csat: 0.25, idle: 0.25, responseDecay: 0.75 },
      businessHours: {
        timeZone: 'Europe/Berlin',
        windows: [{ weekday: 5, startMinute: 480, endMinute: 960 }],
      },
      rules: [
        { id: 'pricing', groupId: 'sales', keywords: ['price', '价格'], pattern: '^quote', priority: 3 },
      ],
      defaultGroupId: 'general',
      acceptTimeoutS: 45,
      idleCloseS: 3600,
      idleWarningS: 300,
      reopenWindowS: 900,
      defaultMaxConcurrent: 4,
      widget: {
        title: 'Demo',
        color: '#fff',
        position: 'left',
        preChatEnabled: true,
        preChatFields: [{ key: 'name', labelEn: 'Name', labelZh: '姓名', required: true }],
        welcomeMessage: 'Hi',
        offlineMessage: 'Bye',
        csatEnabled: true,
      },
      idleCloseDisabled: true,
      reopenDisabled: true,
    });
    expect(await repos.tenants.saveSettings('demo', settings, 1_700_000_000_000)).toBe(true);
    expect(await repos.tenants.saveSettings('missing', settings, 1_700_000_000_000)).toBe(false);
    expect((await repos.tenants.findById('demo'))?.settings).toEqual(settings);
    await admin.upsertTenant({ id: 'demo', name: 'Renamed' });
    const tenant = await repos.tenants.findById('demo');
    expect(tenant).toMatchObject({ name: 'Renamed', settings });
    const changes = await repos.changes.changesBetween('demo', 0, 100, 100);
    expect(changes.at(-1)?.value).toEqual({ $case: 'tenant', value: tenant });
  });

  it('mongo store - group and canned-reply changes, DELETEs included, come back from the log', async () => {
    await admin.upsertTenant({ id: 'demo', name: 'Demo Shop' });
    const { value: group } = await admin.upsertGroup({ tenantId: 'demo', name: 'Sales', skills: ['sales'] });
    const { value: reply } = await admin.upsertCannedReply({ tenantId: 'demo', shortcut: 'hi', text: 'Hi!' });
    await admin.deleteCannedReply('demo', reply.id);
    await admin.deleteGroup('demo', group.id);
    const changes = await repos.changes.changesBetween('demo', 1, 100, 100);
    expect(changes.map((c) => [c.entity, c.entityId, c.op])).toEqual([
      [ConfigEntity.CONFIG_ENTITY_GROUP, 'sales', ConfigOp.CONFIG_OP_UPSERT],
      [ConfigEntity.CONFIG_ENTITY_CANNED_REPLY, reply.id, ConfigOp.CONFIG_OP_UPSERT],
      [ConfigEntity.CONFIG_ENTITY_CANNED_REPLY, reply.id, ConfigOp.CONFIG_OP_DELETE],
      [ConfigEntity.CONFIG_ENTITY_GROUP, 'sales', ConfigOp.CONFIG_OP_DELETE],
    ]);
    expect(changes[0]?.value).toEqual({ $case: 'group', value: group });
    expect(changes[1]?.value).toEqual({ $case: 'cannedReply', value: reply });
    expect(changes[2]?.value).toBeUndefined();
    expect(changes[3]?.value).toBeUndefined();
  });

  it('mongo store - conversations round-trip every field; a newer record clears what it lacks', async () => {
    const full: ConversationSummary = {
      tenantId: 'demo',
      conversationId: 'c1',
      state: ConversationState.CONVERSATION_STATE_CLOSED,
      visitorId: 'v1',
      agentId: 'alice',
      lastSeq: 12,
      openedAtMs: 1_700_000_000_000,
      updatedAtMs: 1_700_000_009_000,
      channel: Channel.CHANNEL_WEB_WIDGET,
      version: 7,
      groupId: 'sales',
      priority: 3,
      labels: ['vip', 'refund'],
      previousAgentId: 'bob',
      transferToAgentId: 'carol',
      queuedAtMs: 1_700_000_002_000,
      assignedAtMs: 1_700_000_003_000,
      acceptedAtMs: 1_700_000_004_000,
      closedAtMs: 1_700_000_008_000,
      reopenUntilMs: 1_700_000_608_000,
      reopenCount: 1,
      visitorContext: {
        pageUrl: 'https://shop.example/pricing?x=1',
        referrer: 'https://search.example/',
        userAgent: 'Mozilla/5.0',
        language: 'zh-CN',
        name: '小明',
        email: 'xm@example.com',
        groupId: 'sales',
        fields: { order: 'A-17', 'dotted.key': 'x', $dollar: 'y', '': 'empty key' },
      },
      csat: { score: 4, comment: '很好', atMs: 1_700_000_008_500, agentId: 'alice' },
      declinedAgentIds: ['dave', 'erin'],
      agentDisplayName: 'Alice',
    };
    expect(await repos.conversations.saveIfNewer(full)).toBe(true);
    expect(await repos.conversations.find('demo', 'c1')).toEqual(full);
    const reopened: ConversationSummary = {
      ...full,
      state: ConversationState.CONVERSATION_STATE_QUEUED,
      version: 8,
      agentId: '',
      csat: undefined,
      visitorContext: undefined,
      closedAtMs: 0,
      labels: [],
    };
    expect(await repos.conversations.saveIfNewer(reopened)).toBe(true);
    expect(await repos.conversations.find('demo', 'c1')).toEqual(reopened);
    expect(await repos.conversations.saveIfNewer(full)).toBe(false);
  });

  it('mongo store - conversations projected before the new fields read as defaults', async () => {
    // The document shape this service wrote before ConversationSummary grew.
    await mongo.db
      .collection<{ _id: string; [field: string]: unknown }>(Collections.conversations)
      .insertOne({
        _id: 'demo:old',
        tenant_id: 'demo',
        conversation_id: 'old',
        state: 'CONVERSATION_STATE_CHATTING',
        visitor_id: 'v1',
        agent_id: 'alice',
        last_seq: 3,
        opened_at: new Date(1_000),
        updated_at: new Date(2_000),
        channel: 'CHANNEL_WEB_WIDGET',
        version: 2,
      });
    expect(await repos.conversations.find('demo', 'old')).toEqual(
      ConversationSummary.fromPartial({
        tenantId: 'demo',
        conversationId: 'old',
        state: ConversationState.CONVERSATION_STATE_CHATTING,
        visitorId: 'v1',
        agentId: 'alice',
        lastSeq: 3,
        openedAtMs: 1_000,
        updatedAtMs: 2_000,
        channel: Channel.CHANNEL_WEB_WIDGET,
        version: 2,
      }),
    );
  });
});
