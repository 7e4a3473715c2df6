import {
  Channel,
  ConversationEventType,
  ConversationEvent,
  ConversationState,
  ConversationSummary,
  ErrorCode,
} from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import { InMemoryConversations } from '../testing/fakes';
import {
  ConversationProjector,
  projectConversation,
  validateConversationEvent,
} from './conversation-projection';

const T = ConversationEventType;
const S = ConversationState;

function event(overrides: Partial<ConversationEvent>): ConversationEvent {
  return ConversationEvent.fromPartial({
    type: T.CONVERSATION_EVENT_TYPE_OPENED,
    tenantId: 'demo',
    conversationId: 'c1',
    state: S.CONVERSATION_STATE_WAITING,
    visitorId: 'v1',
    agentId: '',
    lastSeq: 0,
    atMs: 1_000,
    channel: Channel.CHANNEL_WEB_WIDGET,
    actor: undefined,
    reason: '',
    version: 1,
    ...overrides,
  });
}

const opened = event({});
const assigned = event({
  type: T.CONVERSATION_EVENT_TYPE_ASSIGNED,
  state: S.CONVERSATION_STATE_CHATTING,
  agentId: 'alice',
  lastSeq: 3,
  atMs: 2_000,
  version: 2,
  visitorId: '',
  channel: Channel.CHANNEL_UNSPECIFIED,
});
const closed = event({
  type: T.CONVERSATION_EVENT_TYPE_CLOSED,
  state: S.CONVERSATION_STATE_CLOSED,
  agentId: '',
  lastSeq: 9,
  atMs: 3_000,
  version: 3,
});

describe('conversation projection', () => {
  it('conversation projection - first event creates the summary', () => {
    expect(projectConversation(undefined, opened)).toEqual<ConversationSummary>({
      ...ConversationSummary.fromPartial({}),
      tenantId: 'demo',
      conversationId: 'c1',
      state: S.CONVERSATION_STATE_WAITING,
      visitorId: 'v1',
      agentId: '',
      lastSeq: 0,
      openedAtMs: 1_000,
      updatedAtMs: 1_000,
      channel: Channel.CHANNEL_WEB_WIDGET,
      version: 1,
    });
  });

  it('conversation projection - a newer version applies and keeps what it leaves empty', () => {
    const v1 = projectConversation(undefined, opened);
    const v2 = projectConversation(v1, assigned);
    expect(v2).toMatchObject({
      state: S.CONVERSATION_STATE_CHATTING,
      agentId: 'alice',
      visitorId: 'v1',
      channel: Channel.CHANNEL_WEB_WIDGET,
      lastSeq: 3,
      openedAtMs: 1_000,
      updatedAtMs: 2_000,
      version: 2,
    });
    const v3 = projectConversation(v2, closed);
    expect(v3).toMatchObject({
      state: S.CONVERSATION_STATE_CLOSED,
      agentId: 'alice',
      lastSeq: 9,
      version: 3,
    });
  });

  it('conversation projection - equal or older versions are stale', () => {
    const v2 = projectConversation(projectConversation(undefined, opened), assigned);
    expect(projectConversation(v2, assigned)).toBeUndefined();
    expect(projectConversation(v2, opened)).toBeUndefined();
  });

  it('conversation projection - reordered delivery converges to the newest version', () => {
    const inOrder = [opened, assigned, closed].reduce(
      (acc, e) => projectConversation(acc, e) ?? acc,
      projectConversation(undefined, opened),
    );
    const shuffled = [closed, opened, assigned].reduce<ReturnType<typeof projectConversation>>(
      (acc, e) => projectConversation(acc, e) ?? acc,
      undefined,
    );
    expect(shuffled?.version).toBe(3);
    expect(shuffled?.state).toBe(inOrder?.state);
    expect(shuffled?.lastSeq).toBe(inOrder?.lastSeq);
  });

  it('conversation projection - a conversation back in the queue has no agent', () => {
    const v2 = projectConversation(projectConversation(undefined, opened), assigned);
    const requeued = event({
      type: T.CONVERSATION_EVENT_TYPE_OPENED,
      state: S.CONVERSATION_STATE_WAITING,
      version: 3,
    });
    expect(projectConversation(v2, requeued)?.agentId).toBe('');
  });

  it('conversation projection - refuses events that cannot be projected', () => {
    const bad: Partial<ConversationEvent>[] = [
      { tenantId: '' },
      { tenantId: 'a.b' },
      { conversationId: '' },
      { agentId: 'a>' },
      { version: 0 },
      { type: T.CONVERSATION_EVENT_TYPE_UNSPECIFIED },
      { state: S.CONVERSATION_STATE_UNSPECIFIED },
    ];
    for (const overrides of bad) {
      expect(() => {
        validateConversationEvent(event(overrides));
      }).toThrow(SwitchboardError);
    }
    try {
      validateConversationEvent(event({ version: 0 }));
    } catch (err) {
      expect((err as SwitchboardError).code).toBe(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    }
  });
});

/** Every field of the record set to something other than its default. */
function fullRecord(overrides: Partial<ConversationSummary> = {}): ConversationSummary {
  return {
    tenantId: 'demo',
    conversationId: 'c1',
    state: S.CONVERSATION_STATE_CLOSED,
    visitorId: 'v1',
    agentId: 'alice',
    lastSeq: 12,
    openedAtMs: 1_000,
    updatedAtMs: 9_000,
    channel: Channel.CHANNEL_WEB_WIDGET,
    version: 7,
    groupId: 'sales',
    priority: 3,
    labels: ['vip', 'refund'],
    previousAgentId: 'bob',
    transferToAgentId: 'carol',
    queuedAtMs: 2_000,
    assignedAtMs: 3_000,
    acceptedAtMs: 4_000,
    closedAtMs: 8_000,
    reopenUntilMs: 608_000,
    reopenCount: 1,
    visitorContext: {
      pageUrl: 'https://shop.example/pricing',
      referrer: 'https://search.example/',
      userAgent: 'Mozilla/5.0',
      language: 'zh-CN',
      name: '小明',
      email: 'xm@example.com',
      groupId: 'sales',
      fields: { order: 'A-17', 'dotted.key': 'x', $dollar: 'y' },
    },
    csat: { score: 5, comment: 'great', atMs: 8_500, agentId: 'alice' },
    declinedAgentIds: ['dave'],
    agentDisplayName: 'Alice',
    ...overrides,
  };
}

describe('conversation projection - whole records', () => {
  it('conversation projection - an event with the record stores the record', () => {
    const record = fullRecord();
    const e = event({
      type: T.CONVERSATION_EVENT_TYPE_RATED,
      state: S.CONVERSATION_STATE_CLOSED,
      version: 7,
      atMs: 9_000,
      conversation: record,
      fromState: S.CONVERSATION_STATE_CLOSED,
    });
    expect(() => {
      validateConversationEvent(e);
    }).not.toThrow();
    expect(projectConversation(undefined, e)).toEqual(record);
  });

  it('conversation projection - the envelope keys and versions the record; empty identity is kept', () => {
    const current = projectConversation(undefined, opened);
    const e = event({
      type: T.CONVERSATION_EVENT_TYPE_QUEUED,
      state: S.CONVERSATION_STATE_QUEUED,
      version: 2,
      atMs: 2_000,
      lastSeq: 1,
      conversation: fullRecord({
        tenantId: '',
        conversationId: '',
        version: 0,
        visitorId: '',
        channel: Channel.CHANNEL_UNSPECIFIED,
        openedAtMs: 0,
        updatedAtMs: 0,
        state: S.CONVERSATION_STATE_QUEUED,
        agentId: '',
        lastSeq: 0,
      }),
    });
    expect(projectConversation(current, e)).toMatchObject({
      tenantId: 'demo',
      conversationId: 'c1',
      version: 2,
      visitorId: 'v1',
      channel: Channel.CHANNEL_WEB_WIDGET,
      openedAtMs: 1_000,
      updatedAtMs: 2_000,
      lastSeq: 0,
      groupId: 'sales',
      labels: ['vip', 'refund'],
    });
  });

  it('conversation projection - a record is stale like any event', () => {
    const v7 = projectConversation(undefined, event({ version: 7, conversation: fullRecord() }));
    const older = event({ version: 6, conversation: fullRecord({ version: 6, labels: [] }) });
    expect(projectConversation(v7, older)).toBeUndefined();
  });

  it('conversation projection - a record that contradicts its envelope is refused', () => {
    const bad: Partial<ConversationSummary>[] = [
      { tenantId: 'other' },
      { conversationId: 'c2' },
      { version: 8 },
      { state: S.CONVERSATION_STATE_UNSPECIFIED },
      { agentId: 'a.b' },
    ];
    for (const overrides of bad) {
      const e = event({ version: 7, conversation: fullRecord(overrides) });
      expect(() => {
        validateConversationEvent(e);
      }).toThrow(SwitchboardError);
    }
  });

  it('conversation projection - without a record, new fields survive and queued ones have no agent', () => {
    const v7 = projectConversation(undefined, event({ version: 7, conversation: fullRecord() }));
    const reopened = projectConversation(
      v7,
      event({
        type: T.CONVERSATION_EVENT_TYPE_REOPENED,
        state: S.CONVERSATION_STATE_QUEUED,
        agentId: '',
        version: 8,
        atMs: 10_000,
      }),
    );
    expect(reopened).toMatchObject({
      state: S.CONVERSATION_STATE_QUEUED,
      agentId: '',
      labels: ['vip', 'refund'],
      groupId: 'sales',
      version: 8,
      updatedAtMs: 10_000,
      lastSeq: 12,
    });
    const transferring = projectConversation(
      reopened,
      event({
        type: T.CONVERSATION_EVENT_TYPE_TRANSFER_REQUESTED,
        state: S.CONVERSATION_STATE_TRANSFERRING,
        agentId: 'bob',
        version: 9,
      }),
    );
    expect(transferring?.agentId).toBe('bob');
  });

  it('conversation projection - every lifecycle event type and state is accepted', () => {
    const types = Object.values(T).filter(
      (t): t is ConversationEventType =>
        typeof t === 'number' && t !== T.CONVERSATION_EVENT_TYPE_UNSPECIFIED && t !== T.UNRECOGNIZED,
    );
    const states = Object.values(S).filter(
      (s): s is ConversationState =>
        typeof s === 'number' && s !== S.CONVERSATION_STATE_UNSPECIFIED && s !== S.UNRECOGNIZED,
    );
    expect(types).toHaveLength(12);
    expect(states).toHaveLength(7);
    for (const type of types) {
      for (const state of states) {
        expect(() => {
          validateConversationEvent(event({ type, state }));
        }).not.toThrow();
      }
    }
  });
});

describe('conversation projector', () => {
  it('conversation projector - applies new versions and reports duplicates as stale', async () => {
    const repo = new InMemoryConversations();
    const projector = new ConversationProjector(repo);
    expect(await projector.apply(opened)).toBe('applied');
    expect(await projector.apply(assigned)).toBe('applied');
    expect(await projector.apply(assigned)).toBe('stale');
    expect(await projector.apply(opened)).toBe('stale');
    expect(await projector.apply(closed)).toBe('applied');
    expect((await repo.find('demo', 'c1'))?.version).toBe(3);
  });

  it('conversation projector - lets storage errors through so the message is retried', async () => {
    const repo = new InMemoryConversations();
    repo.failNext = new Error('database down');
    const projector = new ConversationProjector(repo);
    await expect(projector.apply(opened)).rejects.toThrow('database down');
    expect(await projector.apply(opened)).toBe('applied');
  });

  it('conversation projector - gives up with a retryable error when the store keeps contradicting itself', async () => {
    const repo = new InMemoryConversations();
    repo.saveIfNewer = () => Promise.resolve(false);
    const projector = new ConversationProjector(repo);
    const err = await projector.apply(opened).then(
      () => undefined,
      (e: unknown) => e as SwitchboardError,
    );
    expect(err?.code).toBe(ErrorCode.ERROR_CODE_UNAVAILABLE);
    expect(err?.retryable).toBe(true);
  });

  it('conversation projector - keeps tenants apart', async () => {
    const repo = new InMemoryConversations();
    const projector = new ConversationProjector(repo);
    await projector.apply(opened);
    await projector.apply(event({ tenantId: 'other', version: 5 }));
    expect((await repo.find('demo', 'c1'))?.version).toBe(1);
    expect((await repo.find('other', 'c1'))?.version).toBe(5);
  });
});
