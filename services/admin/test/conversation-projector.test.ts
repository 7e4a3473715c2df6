import {
  Channel,
  ConversationEvent,
  ConversationEventType,
  ConversationState,
  SubjectCatalog,
  type ConfigServiceClient,
  type ConversationSummary,
} from '@switchboard/proto';
import { connect, type JetStreamClient, type NatsConnection } from 'nats';
import { CONVERSATIONS_DURABLE } from '../src/adapters/conversation-event-consumer';
import type { AdminConfig } from '../src/config';
import type { AdminService } from '../src/main';
import {
  configApi,
  configClient,
  dropDatabase,
  eventually,
  startTestAdmin,
  testConfig,
  type ConfigApi,
} from './helpers';

// Real servers: startup, scrypt and JetStream round trips outlive jest's 5 s default.
jest.setTimeout(30_000);

const T = ConversationEventType;
const S = ConversationState;

describe('conversation projector', () => {
  let config: AdminConfig;
  let service: AdminService;
  let client: ConfigServiceClient;
  let api: ConfigApi;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let catalog: SubjectCatalog;

  beforeAll(async () => {
    config = testConfig();
    catalog = new SubjectCatalog(config.SB_NAMESPACE);
    service = await startTestAdmin(config);
    client = configClient(service.ports.grpc);
    api = configApi(client);
    nc = await connect({ servers: config.NATS_URL });
    js = nc.jetstream();
  });

  afterAll(async () => {
    client.close();
    await service.stop();
    const jsm = await nc.jetstreamManager();
    for (const stream of [catalog.streams.conv, catalog.streams.events]) await jsm.streams.delete(stream);
    await nc.drain();
    await dropDatabase(config.MONGO_URL, config.MONGO_DATABASE);
  });

  function event(conversationId: string, overrides: Partial<ConversationEvent>): ConversationEvent {
    return ConversationEvent.fromPartial({
      type: T.CONVERSATION_EVENT_TYPE_OPENED,
      tenantId: 'demo',
      conversationId,
      state: S.CONVERSATION_STATE_WAITING,
      visitorId: 'visitor-1',
      atMs: 1_700_000_000_000,
      channel: Channel.CHANNEL_WEB_WIDGET,
      version: 1,
      ...overrides,
    });
  }

  async function publish(e: ConversationEvent): Promise<void> {
    await js.publish(catalog.conversationEvent(e.tenantId, e.type), ConversationEvent.encode(e).finish());
  }

  const get = (tenantId: string, conversationId: string) =>
    api.getConversation({ tenantId, conversationId }).then((r) => r.conversation);

  const list = (filter: { agentId?: string; visitorId?: string; openOnly?: boolean; tenantId?: string }) =>
    api
      .listConversations({
        tenantId: filter.tenantId ?? 'demo',
        agentId: filter.agentId ?? '',
        visitorId: filter.visitorId ?? '',
        openOnly: filter.openOnly ?? false,
        limit: 0,
      })
      .then((r) => r.conversations);

  it('conversation projector - reflects the newest version; stale duplicates and garbage change nothing', async () => {
    const opened = event('conv-1', {});
    const assigned = event('conv-1', {
      type: T.CONVERSATION_EVENT_TYPE_ASSIGNED,
      state: S.CONVERSATION_STATE_CHATTING,
      agentId: 'agent-alice',
      lastSeq: 4,
      atMs: 1_700_000_001_000,
      version: 2,
    });
    const closed = event('conv-1', {
      type: T.CONVERSATION_EVENT_TYPE_CLOSED,
      state: S.CONVERSATION_STATE_CLOSED,
      agentId: 'agent-alice',
      lastSeq: 9,
      atMs: 1_700_000_002_000,
      version: 3,
      reason: 'resolved',
    });
    for (const e of [opened, assigned, closed, assigned]) await publish(e);
    // Undecodable payload, then a valid event: the latter must still be projected.
    await js.publish(
      catalog.conversationEvent('demo', T.CONVERSATION_EVENT_TYPE_OPENED),
      new Uint8Array([0xff, 0xff]),
    );
    await publish(event('conv-2', { visitorId: 'visitor-2', atMs: 1_700_000_003_000 }));

    const conv2 = await eventually(
      () => get('demo', 'conv-2'),
      (c) => c !== undefined,
      'conv-2 projected',
    );
    expect(conv2).toMatchObject({ state: S.CONVERSATION_STATE_WAITING, visitorId: 'visitor-2', version: 1 });

    const conv1 = await get('demo', 'conv-1');
    expect(conv1).toEqual<ConversationSummary>({
      tenantId: 'demo',
      conversationId: 'conv-1',
      state: S.CONVERSATION_STATE_CLOSED,
      visitorId: 'visitor-1',
      agentId: 'agent-alice',
      lastSeq: 9,
      openedAtMs: 1_700_000_000_000,
      updatedAtMs: 1_700_000_002_000,
      channel: Channel.CHANNEL_WEB_WIDGET,
      version: 3,
    });

    // Everything was acked or terminated: nothing is waiting for redelivery.
    const jsm = await nc.jetstreamManager();
    const info = await eventually(
      () => jsm.consumers.info(catalog.streams.events, CONVERSATIONS_DURABLE),
      (i) => i.num_ack_pending === 0 && i.num_pending === 0,
      'consumer drained',
    );
    expect(info.config.filter_subject).toBe(catalog.conversationEventsAll());
  });

  it('conversation projector - out-of-order delivery converges to the newest version', async () => {
    await publish(
      event('conv-3', {
        type: T.CONVERSATION_EVENT_TYPE_ASSIGNED,
        state: S.CONVERSATION_STATE_CHATTING,
        agentId: 'agent-bob',
        atMs: 1_700_000_005_000,
        version: 2,
      }),
    );
    await publish(event('conv-3', { atMs: 1_700_000_004_000, version: 1 }));
    await publish(event('conv-4', { visitorId: 'visitor-2', atMs: 1_700_000_006_000 }));
    await eventually(
      () => get('demo', 'conv-4'),
      (c) => c !== undefined,
      'conv-4 projected',
    );
    expect(await get('demo', 'conv-3')).toMatchObject({
      state: S.CONVERSATION_STATE_CHATTING,
      agentId: 'agent-bob',
      version: 2,
    });
  });

  it('conversation projector - ListConversations filters by agent, visitor and open state, newest first', async () => {
    await eventually(
      () => list({}),
      (cs) => cs.length === 4,
      'all four conversations',
    );
    expect((await list({})).map((c) => c.conversationId)).toEqual(['conv-4', 'conv-3', 'conv-2', 'conv-1']);
    expect((await list({ openOnly: true })).map((c) => c.conversationId)).toEqual([
      'conv-4',
      'conv-3',
      'conv-2',
    ]);
    expect((await list({ agentId: 'agent-alice' })).map((c) => c.conversationId)).toEqual(['conv-1']);
    expect((await list({ agentId: 'agent-bob', openOnly: true })).map((c) => c.conversationId)).toEqual([
      'conv-3',
    ]);
    expect((await list({ visitorId: 'visitor-2' })).map((c) => c.conversationId)).toEqual([
      'conv-4',
      'conv-2',
    ]);
    const limited = await api.listConversations({
      tenantId: 'demo',
      agentId: '',
      visitorId: '',
      openOnly: false,
      limit: 2,
    });
    expect(limited.conversations.map((c) => c.conversationId)).toEqual(['conv-4', 'conv-3']);
  });

  it('conversation projector - tenants never see each other conversations', async () => {
    await publish(event('conv-1', { tenantId: 'other', visitorId: 'visitor-x', version: 7 }));
    await eventually(
      () => list({ tenantId: 'other' }),
      (cs) => cs.length === 1,
      'other tenant projected',
    );
    expect((await get('other', 'conv-1'))?.version).toBe(7);
    expect((await get('demo', 'conv-1'))?.version).toBe(3);
    expect((await list({})).every((c) => c.tenantId === 'demo')).toBe(true);
  });
});
