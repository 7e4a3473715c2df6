import { AgentRole, ConfigEntity, SubjectCatalog } from '@switchboard/proto';
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
    expect(first.revisions).toEqual([1, 2, 3, 4]);
    const counts = async () => ({
      tenants: await repos.tenants.count(),
      agents: await repos.agents.count(DEMO.tenantId),
      widgetKeys: (await repos.widgetKeys.list(DEMO.tenantId)).length,
      changes: await mongo.db.collection(Collections.configChanges).countDocuments({}),
    });
    const before = await counts();
    expect(before).toEqual({ tenants: 1, agents: 2, widgetKeys: 1, changes: 4 });
    const second = await seedDemo({ administration: admin, ...repos });
    expect(second.revisions).toEqual([]);
    expect(await counts()).toEqual(before);
    expect(second.agents.map((a) => a.id)).toEqual(first.agents.map((a) => a.id));
    expect(second.agents.map((a) => [a.email, a.displayName, a.role, a.maxConcurrent])).toEqual([
      ['alice@demo.test', 'Alice', AgentRole.AGENT_ROLE_ADMIN, 3],
      ['bob@demo.test', 'Bob', AgentRole.AGENT_ROLE_AGENT, 3],
    ]);
    expect(second.widgetKeys.map((k) => k.key)).toEqual(['demo-widget-key']);
  });

  it('mongo store - every change is logged and announced on NATS', async () => {
    await seedDemo({ administration: admin, ...repos });
    const changes = await repos.changes.changesBetween(undefined, 0, 100, 100);
    expect(changes.map((c) => c.revision)).toEqual([1, 2, 3, 4]);
    expect(changes.map((c) => c.entity)).toEqual([
      ConfigEntity.CONFIG_ENTITY_TENANT,
      ConfigEntity.CONFIG_ENTITY_AGENT,
      ConfigEntity.CONFIG_ENTITY_AGENT,
      ConfigEntity.CONFIG_ENTITY_WIDGET_KEY,
    ]);
    const agentChange = changes[1];
    expect(agentChange?.value?.$case).toBe('agent');
    const raw = await mongo.db.collection(Collections.configChanges).find({}).toArray();
    expect(JSON.stringify(raw)).not.toContain('scrypt');
    // The server sends our own publishes back before it answers the flush's PING.
    await nc.flush();
    expect(announced).toEqual(['1', '2', '3', '4']);
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
    expect(first.revisions).toHaveLength(4);
    expect(second.revisions).toHaveLength(0);
    expect(second.tenant).toMatchObject({ id: 'demo', name: 'Demo Shop' });
  });
});
