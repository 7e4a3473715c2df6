import { status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import {
  AgentRole,
  ConfigEntity,
  SubjectCatalog,
  type ConfigServiceClient,
  type WatchRequest,
  type WatchResponse,
} from '@switchboard/proto';
import { createLogger } from '@switchboard/shared';
import { connect, type NatsConnection } from 'nats';
import { connectMongo, type MongoConnection } from '../src/adapters/mongo';
import { createMongoRepositories } from '../src/adapters/mongo-repositories';
import { NatsConfigNotifications } from '../src/adapters/nats-config-notifications';
import type { AdminConfig } from '../src/config';
import { ConfigAdministration } from '../src/domain/config-administration';
import { PasswordHasher } from '../src/domain/password';
import type { AdminService } from '../src/main';
import { seedDemo } from '../src/seed';
import {
  configApi,
  configClient,
  eventually,
  startTestAdmin,
  statusOf,
  testConfig,
  type ConfigApi,
} from './helpers';

// Real servers: startup, scrypt and JetStream round trips outlive jest's 5 s default.
jest.setTimeout(30_000);

/** Change-log entries the demo seed appends to an empty database. */
const SEEDED = 11;

/** A second writer with its own MongoDB and NATS connections: what another admin instance looks like. */
async function otherInstance(config: AdminConfig): Promise<{
  admin: ConfigAdministration;
  mongo: MongoConnection;
  nc: NatsConnection;
}> {
  const mongo = await connectMongo(config.MONGO_URL, config.MONGO_DATABASE, 'admin-test-writer');
  const nc = await connect({ servers: config.NATS_URL });
  const notifications = new NatsConfigNotifications(
    nc,
    new SubjectCatalog(config.SB_NAMESPACE),
    createLogger('w', 'silent'),
  );
  const admin = new ConfigAdministration({
    ...createMongoRepositories(mongo.db),
    announcer: notifications,
    hasher: new PasswordHasher({ N: 1024, r: 8, p: 1, keyLength: 32, saltLength: 16 }),
  });
  return { admin, mongo, nc };
}

interface Collected {
  messages: WatchResponse[];
  errors: ServiceError[];
  ended: boolean;
}

function collect(stream: ClientReadableStream<WatchResponse>): Collected {
  const c: Collected = { messages: [], errors: [], ended: false };
  stream.on('data', (m: WatchResponse) => c.messages.push(m));
  stream.on('error', (e: ServiceError) => c.errors.push(e));
  stream.on('end', () => {
    c.ended = true;
  });
  return c;
}

describe('config gRPC service', () => {
  let config: AdminConfig;
  let service: AdminService;
  let client: ConfigServiceClient;
  let api: ConfigApi;
  let writer: Awaited<ReturnType<typeof otherInstance>>;

  beforeAll(async () => {
    // A poll interval longer than the test: Watch must be woken by the NATS notification.
    config = testConfig({ WATCH_POLL_MS: '600000' });
    service = await startTestAdmin(config);
    client = configClient(service.ports.grpc);
    api = configApi(client);
    writer = await otherInstance(config);
    await seedDemo({ administration: writer.admin, ...createMongoRepositories(writer.mongo.db) });
  });

  afterAll(async () => {
    client.close();
    await service.stop();
    await writer.nc.drain();
    await writer.mongo.db.dropDatabase();
    await writer.mongo.close();
  });

  it('config gRPC service - GetTenant returns the tenant, NOT_FOUND for unknown, INVALID_ARGUMENT for bad ids', async () => {
    const res = await api.getTenant({ tenantId: 'demo' });
    expect(res.tenant).toMatchObject({ id: 'demo', name: 'Demo Shop' });
    expect(res.tenant?.createdAtMs).toBeGreaterThan(0);
    expect(await statusOf(api.getTenant({ tenantId: 'nope' }))).toBe(status.NOT_FOUND);
    expect(await statusOf(api.getTenant({ tenantId: 'no.pe' }))).toBe(status.INVALID_ARGUMENT);
  });

  it('config gRPC service - ResolveWidgetKey maps the key to its tenant', async () => {
    const res = await api.resolveWidgetKey({ key: 'demo-widget-key' });
    expect(res.widgetKey).toMatchObject({ key: 'demo-widget-key', tenantId: 'demo' });
    expect(res.tenant).toMatchObject({ id: 'demo', name: 'Demo Shop' });
    expect(await statusOf(api.resolveWidgetKey({ key: 'unknown-widget-key' }))).toBe(status.NOT_FOUND);
    expect(await statusOf(api.resolveWidgetKey({ key: '' }))).toBe(status.INVALID_ARGUMENT);
  });

  it('config gRPC service - AuthenticateAgent accepts the right password', async () => {
    const res = await api.authenticateAgent({
      tenantId: 'demo',
      email: 'Alice@Demo.Test',
      password: 'switchboard',
    });
    expect(res.agent).toMatchObject({
      tenantId: 'demo',
      email: 'alice@demo.test',
      displayName: 'Alice',
      role: AgentRole.AGENT_ROLE_ADMIN,
      maxConcurrent: 2,
      groupIds: ['general', 'sales', 'support'],
    });
    expect(res.agent?.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });

  it('config gRPC service - AuthenticateAgent fails the same way for bad password, unknown email and unknown tenant', async () => {
    const attempts = [
      { tenantId: 'demo', email: 'alice@demo.test', password: 'wrong-password' },
      { tenantId: 'demo', email: 'nobody@demo.test', password: 'switchboard' },
      { tenantId: 'unknown', email: 'alice@demo.test', password: 'switchboard' },
    ];
    const errors = await Promise.all(
      attempts.map((a) =>
        api.authenticateAgent(a).then(
          () => undefined,
          (err: unknown) => err as ServiceError,
        ),
      ),
    );
    for (const err of errors) {
      expect(err?.code).toBe(status.UNAUTHENTICATED);
      expect(err?.details).toBe('invalid email or password');
    }
    expect(
      await statusOf(
        api.authenticateAgent({
          tenantId: 'demo',
          email: 'alice@demo.test',
          password: '',
        }),
      ),
    ).toBe(status.INVALID_ARGUMENT);
  });

  it('config gRPC service - ListAgents returns the agents without password hashes', async () => {
    const res = await api.listAgents({ tenantId: 'demo' });
    expect(res.agents.map((a) => a.email)).toEqual(['alice@demo.test', 'bob@demo.test', 'carol@demo.test']);
    expect(JSON.stringify(res)).not.toMatch(/scrypt|hash/i);
    expect(await statusOf(api.listAgents({ tenantId: '' }))).toBe(status.INVALID_ARGUMENT);
    expect(await statusOf(api.listAgents({ tenantId: 'unknown' }))).toBe(status.NOT_FOUND);
  });

  it('config gRPC service - conversation RPCs validate input', async () => {
    const get = (tenantId: string, conversationId: string) =>
      statusOf(api.getConversation({ tenantId, conversationId }));
    expect(await get('demo', 'missing')).toBe(status.NOT_FOUND);
    expect(await get('demo', 'bad id')).toBe(status.INVALID_ARGUMENT);
    const list = (agentId: string) =>
      api.listConversations({
        tenantId: 'demo',
        agentId,
        visitorId: '',
        openOnly: false,
        limit: 0,
      });
    expect((await list('')).conversations).toEqual([]);
    expect(await statusOf(list('a.b'))).toBe(status.INVALID_ARGUMENT);
  });

  it('config gRPC service - Watch replays from revision 0, then streams a change made by another instance', async () => {
    const request: WatchRequest = { tenantId: 'demo', fromRevision: 0 };
    const stream = client.watch(request);
    const c = collect(stream);
    await eventually(
      () => Promise.resolve(c.messages.length),
      (n) => n >= SEEDED,
      'replay',
    );
    expect(c.messages.map((m) => m.revision)).toEqual(Array.from({ length: SEEDED }, (_, i) => i + 1));
    expect(c.messages.map((m) => m.entity)).toEqual([
      ConfigEntity.CONFIG_ENTITY_TENANT,
      ConfigEntity.CONFIG_ENTITY_GROUP,
      ConfigEntity.CONFIG_ENTITY_GROUP,
      ConfigEntity.CONFIG_ENTITY_GROUP,
      ConfigEntity.CONFIG_ENTITY_AGENT,
      ConfigEntity.CONFIG_ENTITY_AGENT,
      ConfigEntity.CONFIG_ENTITY_AGENT,
      ConfigEntity.CONFIG_ENTITY_WIDGET_KEY,
      ConfigEntity.CONFIG_ENTITY_TENANT,
      ConfigEntity.CONFIG_ENTITY_CANNED_REPLY,
      ConfigEntity.CONFIG_ENTITY_CANNED_REPLY,
    ]);
    expect(c.messages[0]?.value).toMatchObject({ $case: 'tenant', value: { id: 'demo', name: 'Demo Shop' } });
    expect(c.messages[4]?.value?.$case).toBe('agent');
    expect(c.messages[8]?.value).toMatchObject({
      $case: 'tenant',
      value: { id: 'demo', settings: { defaultGroupId: 'general' } },
    });
    expect(JSON.stringify(c.messages)).not.toContain('scrypt');

    await writer.admin.upsertAgent({
      tenantId: 'demo',
      email: 'dave@demo.test',
      displayName: 'Dave',
      role: AgentRole.AGENT_ROLE_SUPERVISOR,
      maxConcurrent: 5,
      password: 'dave-password',
    });
    await eventually(
      () => Promise.resolve(c.messages.length),
      (n) => n >= SEEDED + 1,
      'live change',
    );
    const live = c.messages[SEEDED];
    expect(live?.revision).toBe(SEEDED + 1);
    expect(live?.value).toMatchObject({
      $case: 'agent',
      value: { email: 'dave@demo.test', displayName: 'Dave' },
    });

    stream.cancel();
    await eventually(
      () => Promise.resolve(c.errors),
      (e) => e.length === 1,
      'cancellation',
    );
    expect(c.errors[0]?.code).toBe(status.CANCELLED);
  });

  it('config gRPC service - Watch resumes after from_revision and filters by tenant', async () => {
    await writer.admin.upsertTenant({ id: 'other', name: 'Other Shop' });
    // After the seed's last reply: its other reply, dave (previous test), then tenant "other".
    const from = SEEDED - 1;
    const all = collect(client.watch({ tenantId: '', fromRevision: from }));
    const demoOnly = collect(client.watch({ tenantId: 'demo', fromRevision: from }));
    await eventually(
      () => Promise.resolve(all.messages.length),
      (n) => n >= 3,
      'unfiltered replay',
    );
    await eventually(
      () => Promise.resolve(demoOnly.messages.length),
      (n) => n >= 2,
      'filtered replay',
    );
    expect(all.messages.map((m) => m.tenantId)).toEqual(['demo', 'demo', 'other']);
    expect(demoOnly.messages.every((m) => m.tenantId === 'demo')).toBe(true);
    expect(all.messages[0]?.revision).toBe(SEEDED);
  });

  it('config gRPC service - Watch refuses bad input with INVALID_ARGUMENT', async () => {
    const c = collect(client.watch({ tenantId: 'bad.tenant', fromRevision: 0 }));
    await eventually(
      () => Promise.resolve(c.errors),
      (e) => e.length === 1,
      'error',
    );
    expect(c.errors[0]?.code).toBe(status.INVALID_ARGUMENT);
  });

  it('config gRPC service - stopping the service ends open Watch streams cleanly', async () => {
    const own = await startTestAdmin({ ...config, GRPC_PORT: 0, HEALTH_PORT: 0 });
    const ownClient = configClient(own.ports.grpc);
    const c = collect(ownClient.watch({ tenantId: 'demo', fromRevision: 0 }));
    await eventually(
      () => Promise.resolve(c.messages.length),
      (n) => n >= 4,
      'replay',
    );
    await own.stop();
    await eventually(
      () => Promise.resolve(c.ended),
      (ended) => ended,
      'stream end',
    );
    expect(c.errors).toEqual([]);
    ownClient.close();
  });
});
