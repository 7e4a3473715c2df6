import {
  Channel,
  ConversationEventType,
  ConversationState,
  ErrorCode,
  type ConversationEvent,
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
  return {
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
  };
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
    expect(projectConversation(undefined, opened)).toEqual({
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
