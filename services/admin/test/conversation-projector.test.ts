import { status } from '@grpc/grpc-js';
import {
  Channel,
  ConversationEvent,
  ConversationEventType,
  ConversationState,
  ConversationSummary,
  SubjectCatalog,
  type ConfigServiceClient,
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
  statusOf,
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

  const statusOfGet = (tenantId: string, conversationId: string) =>
    statusOf(api.getConversation({ tenantId, conversationId }));

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
      ...ConversationSummary.fromPartial({}),
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

  it('conversation projector - an event carrying the whole record stores every field of it', async () => {
    const record: ConversationSummary = {
      tenantId: 'full',
      conversationId: 'rec-1',
      state: S.CONVERSATION_STATE_CLOSED,
      visitorId: 'visitor-9',
      agentId: 'agent-alice',
      lastSeq: 14,
      openedAtMs: 1_700_000_100_000,
      updatedAtMs: 1_700_000_190_000,
      channel: Channel.CHANNEL_WEB_WIDGET,
      version: 9,
      groupId: 'sales',
      priority: 2,
      labels: ['vip', 'pricing'],
      previousAgentId: 'agent-bob',
      transferToAgentId: '',
      queuedAtMs: 1_700_000_110_000,
      assignedAtMs: 1_700_000_120_000,
      acceptedAtMs: 1_700_000_130_000,
      closedAtMs: 1_700_000_180_000,
      reopenUntilMs: 1_700_000_780_000,
      reopenCount: 1,
      visitorContext: {
        pageUrl: 'https://shop.example/pricing',
        referrer: 'https://search.example/?q=价格',
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
        language: 'zh-CN',
        name: '小明',
        email: 'xm@example.com',
        groupId: 'sales',
        fields: { order: 'A-17', 'company.name': 'ACME', $plan: 'pro' },
      },
      csat: { score: 5, comment: '谢谢!', atMs: 1_700_000_190_000, agentId: 'agent-alice' },
      declinedAgentIds: ['agent-carol'],
      agentDisplayName: 'Alice',
    };
    const rated = event('rec-1', {
      type: T.CONVERSATION_EVENT_TYPE_RATED,
      tenantId: 'full',
      state: S.CONVERSATION_STATE_CLOSED,
      fromState: S.CONVERSATION_STATE_CLOSED,
      visitorId: 'visitor-9',
      agentId: 'agent-alice',
      lastSeq: 14,
      atMs: 1_700_000_190_000,
      version: 9,
      conversation: record,
    });
    // An older event without the record arrives after it: the record must stay.
    const stale = event('rec-1', { tenantId: 'full', visitorId: 'visitor-9', version: 3 });
    const other: ConversationSummary = {
      ...ConversationSummary.fromPartial({}),
      tenantId: 'full',
      conversationId: 'rec-2',
      state: S.CONVERSATION_STATE_QUEUED,
      visitorId: 'visitor-10',
      openedAtMs: 1_700_000_200_000,
      updatedAtMs: 1_700_000_200_000,
      channel: Channel.CHANNEL_WEB_WIDGET,
      version: 2,
      groupId: 'general',
      queuedAtMs: 1_700_000_200_000,
    };
    const queued = event('rec-2', {
      type: T.CONVERSATION_EVENT_TYPE_QUEUED,
      tenantId: 'full',
      state: S.CONVERSATION_STATE_QUEUED,
      fromState: S.CONVERSATION_STATE_WAITING,
      visitorId: 'visitor-10',
      atMs: 1_700_000_200_000,
      version: 2,
      conversation: other,
    });
    for (const e of [rated, stale, queued]) await publish(e);

    await eventually(
      () => list({ tenantId: 'full' }),
      (cs) => cs.length === 2,
      'both records projected',
    );
    const jsm = await nc.jetstreamManager();
    await eventually(
      () => jsm.consumers.info(catalog.streams.events, CONVERSATIONS_DURABLE),
      (i) => i.num_ack_pending === 0 && i.num_pending === 0,
      'consumer drained',
    );
    expect(await get('full', 'rec-1')).toEqual(record);
    expect(await get('full', 'rec-2')).toEqual(other);
    // The existing filters work on projected records.
    const ids = async (filter: Parameters<typeof list>[0]) =>
      (await list({ tenantId: 'full', ...filter })).map((c) => c.conversationId);
    expect(await ids({})).toEqual(['rec-2', 'rec-1']);
    expect(await ids({ openOnly: true })).toEqual(['rec-2']);
    expect(await ids({ agentId: 'agent-alice' })).toEqual(['rec-1']);
    expect(await ids({ visitorId: 'visitor-10' })).toEqual(['rec-2']);
  });

  it('conversation projector - a record naming another tenant than its subject is terminated', async () => {
    const forged = event('rec-x', {
      tenantId: 'full',
      version: 1,
      conversation: ConversationSummary.fromPartial({
        tenantId: 'victim',
        conversationId: 'rec-x',
        state: S.CONVERSATION_STATE_WAITING,
        version: 1,
      }),
    });
    await publish(forged);
    await publish(event('rec-y', { tenantId: 'full', visitorId: 'visitor-y', atMs: 1_700_000_300_000 }));
    await eventually(
      () => get('full', 'rec-y').catch(() => undefined),
      (c) => c !== undefined,
      'the next event projected',
    );
    expect(await statusOfGet('full', 'rec-x')).toBe(status.NOT_FOUND);
    expect(await statusOfGet('victim', 'rec-x')).toBe(status.NOT_FOUND);
  });
});
