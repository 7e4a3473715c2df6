import {
  ConversationEventType,
  ConversationState,
  Channel,
  MessageKind,
  ParticipantRole,
  type UnifiedMessage,
} from '@switchboard/proto';
import { event, summary, T } from '../testing/fixtures';
import { EWMA_ALPHA, RoutingStats } from './stats';

const S = ConversationState;
const E = ConversationEventType;

function message(
  role: ParticipantRole,
  senderId: string,
  atMs: number,
  kind = MessageKind.MESSAGE_KIND_TEXT,
): UnifiedMessage {
  return {
    tenantId: T,
    conversationId: 'c1',
    seq: 1,
    clientMsgId: `m${atMs}`,
    sender: { role, id: senderId, displayName: '' },
    channel: Channel.CHANNEL_WEB_WIDGET,
    kind,
    text: 'hi',
    clientSentAtMs: atMs,
    acceptedAtMs: atMs,
    metadata: {},
  };
}

const chatting = summary({
  state: S.CONVERSATION_STATE_CHATTING,
  agentId: 'a1',
  assignedAtMs: 1000,
  acceptedAtMs: 1500,
});

describe('RoutingStats', () => {
  it('onMessage - first visitor message to the agent reply is one response sample, EWMA after', () => {
    const stats = new RoutingStats();
    stats.onMessage(message(ParticipantRole.PARTICIPANT_ROLE_VISITOR, 'v1', 10_000), chatting);
    stats.onMessage(message(ParticipantRole.PARTICIPANT_ROLE_VISITOR, 'v1', 11_000), chatting); // clock keeps running
    const [r] = stats.onMessage(message(ParticipantRole.PARTICIPANT_ROLE_AGENT, 'a1', 14_000), chatting);
    expect(r).toMatchObject({
      kind: 'agent',
      stats: { agentId: 'a1', avgResponseMs: 4000, responseSamples: 1 },
    });
    expect(stats.onMessage(message(ParticipantRole.PARTICIPANT_ROLE_AGENT, 'a1', 15_000), chatting)).toEqual(
      [],
    );
    stats.onMessage(message(ParticipantRole.PARTICIPANT_ROLE_VISITOR, 'v1', 20_000), chatting);
    stats.onMessage(message(ParticipantRole.PARTICIPANT_ROLE_AGENT, 'a1', 22_000), chatting);
    expect(stats.agent(T, 'a1')).toMatchObject({
      avgResponseMs: 4000 + EWMA_ALPHA * (2000 - 4000),
      responseSamples: 2,
    });
  });

  it('onMessage - the clock starts no earlier than the offer to the agent; notes and bots do not answer', () => {
    const stats = new RoutingStats();
    const late = { ...chatting, assignedAtMs: 50_000 };
    stats.onMessage(message(ParticipantRole.PARTICIPANT_ROLE_VISITOR, 'v1', 10_000), late);
    expect(
      stats.onMessage(
        message(ParticipantRole.PARTICIPANT_ROLE_AGENT, 'a1', 51_000, MessageKind.MESSAGE_KIND_NOTE),
        late,
      ),
    ).toEqual([]);
    expect(stats.onMessage(message(ParticipantRole.PARTICIPANT_ROLE_BOT, 'bot', 51_000), late)).toEqual([]);
    stats.onMessage(message(ParticipantRole.PARTICIPANT_ROLE_AGENT, 'a1', 53_000), late);
    expect(stats.agent(T, 'a1').avgResponseMs).toBe(3000);
  });

  it('onEvent - CSAT counts once per stream seq, for the rated agent', () => {
    const stats = new RoutingStats();
    const rated = event(
      summary({
        state: S.CONVERSATION_STATE_CLOSED,
        agentId: 'a1',
        csat: { score: 4, comment: '', atMs: 1, agentId: 'a2' },
      }),
      { type: E.CONVERSATION_EVENT_TYPE_RATED },
    );
    expect(stats.onEvent(rated, 7, 'ignored')).toHaveLength(1);
    expect(stats.onEvent(rated, 7, 'ignored')).toEqual([]); // redelivered
    expect(stats.onEvent(rated, 5, 'ignored')).toEqual([]); // older
    expect(stats.agent(T, 'a2')).toMatchObject({ csatSum: 4, csatCount: 1, csatThroughEventSeq: 7 });
    expect(stats.agent(T, 'a1').csatCount).toBe(0);
  });

  it('onEvent - handle time per group counts a close the view saw, accept to close', () => {
    const stats = new RoutingStats();
    const closed = event(
      summary({
        state: S.CONVERSATION_STATE_CLOSED,
        groupId: 'sales',
        acceptedAtMs: 1000,
        closedAtMs: 61_000,
      }),
    );
    expect(stats.onEvent(closed, 1, 'ignored')).toEqual([]);
    expect(stats.onEvent(closed, 1, 'closed')).toEqual([
      { kind: 'group', stats: { tenantId: T, groupId: 'sales', avgHandleMs: 60_000, samples: 1 } },
    ]);
    expect(stats.avgHandleMs(T, 'sales')).toBe(60_000);
    expect(stats.avgHandleMs(T, 'other')).toBeUndefined();
    const neverAccepted = event(
      summary({ state: S.CONVERSATION_STATE_CLOSED, groupId: 'sales', closedAtMs: 5 }),
    );
    expect(stats.onEvent(neverAccepted, 2, 'closed')).toEqual([]);
  });

  it('onEvent - ASSIGNED and ACCEPTED move last_assigned_at forward only; ACCEPTED writes the sticky agent', () => {
    const stats = new RoutingStats();
    stats.onEvent(
      event(summary({ state: S.CONVERSATION_STATE_ASSIGNED, agentId: 'a1', assignedAtMs: 5000 })),
      1,
      'put',
    );
    stats.onEvent(
      event(summary({ state: S.CONVERSATION_STATE_ASSIGNED, agentId: 'a1', assignedAtMs: 4000 })),
      2,
      'stale',
    );
    expect(stats.agent(T, 'a1').lastAssignedAtMs).toBe(5000);
    const accepted = stats.onEvent(event({ ...chatting, acceptedAtMs: 9000 }), 3, 'put');
    expect(accepted).toEqual([
      { kind: 'agent', stats: expect.objectContaining({ lastAssignedAtMs: 9000 }) as unknown },
      { kind: 'sticky', tenantId: T, visitorId: 'v1', sticky: { agentId: 'a1', atMs: 9000 } },
    ]);
    expect(stats.stickyAgent(T, 'v1')).toEqual({ agentId: 'a1', atMs: 9000 });
    expect(stats.onEvent(event({ ...chatting, acceptedAtMs: 9000 }), 3, 'stale')).toEqual([]);
  });

  it('forgetConversation - a close stops the reply clock', () => {
    const stats = new RoutingStats();
    stats.onMessage(message(ParticipantRole.PARTICIPANT_ROLE_VISITOR, 'v1', 10_000), chatting);
    expect(stats.runningReplyClocks).toBe(1);
    stats.onEvent(event(summary({ state: S.CONVERSATION_STATE_CLOSED })), 1, 'closed');
    expect(stats.runningReplyClocks).toBe(0);
  });
});
