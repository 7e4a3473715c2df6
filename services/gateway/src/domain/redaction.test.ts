import {
  ConversationEvent,
  ConversationEventType,
  ConversationSummary,
  MessageKind,
  ParticipantRole,
  UnifiedMessage,
} from '@switchboard/proto';
import { eventForVisitor, visibleTo } from './redaction';

const note = UnifiedMessage.fromPartial({
  tenantId: 't',
  conversationId: 'c',
  seq: 7,
  clientMsgId: 'n1',
  sender: { role: ParticipantRole.PARTICIPANT_ROLE_AGENT, id: 'a1', displayName: 'Alice' },
  kind: MessageKind.MESSAGE_KIND_NOTE,
  text: 'the customer is rude',
  acceptedAtMs: 99,
  metadata: { transfer_to: 'agent:a2' },
});

describe('redaction', () => {
  it('visibleTo - visitors get a placeholder with the seq and nothing of the note', () => {
    const r = visibleTo(ParticipantRole.PARTICIPANT_ROLE_VISITOR, note);
    expect(r).toMatchObject({
      seq: 7,
      kind: MessageKind.MESSAGE_KIND_REDACTED,
      text: '',
      clientMsgId: '',
      acceptedAtMs: 99,
    });
    expect(r.sender).toBeUndefined();
    expect(r.metadata).toEqual({});
    expect(JSON.stringify(UnifiedMessage.toJSON(r))).not.toMatch(/rude|Alice|a1|a2/);
    // Made once per message, so its frame can be encoded once for every visitor socket.
    expect(visibleTo(ParticipantRole.PARTICIPANT_ROLE_VISITOR, note)).toBe(r);
  });

  it('visibleTo - agents see notes, and everyone sees ordinary messages, unchanged', () => {
    expect(visibleTo(ParticipantRole.PARTICIPANT_ROLE_AGENT, note)).toBe(note);
    const text = { ...note, kind: MessageKind.MESSAGE_KIND_TEXT };
    expect(visibleTo(ParticipantRole.PARTICIPANT_ROLE_VISITOR, text)).toBe(text);
  });

  it('eventForVisitor - label changes are not sent to visitors, and records lose labels and declines', () => {
    const c = ConversationSummary.fromPartial({
      conversationId: 'c',
      labels: ['rude'],
      declinedAgentIds: ['a1'],
    });
    const e = ConversationEvent.fromPartial({
      type: ConversationEventType.CONVERSATION_EVENT_TYPE_LABELED,
      conversation: c,
    });
    expect(eventForVisitor(e)).toBeUndefined();
    const closed = eventForVisitor({ ...e, type: ConversationEventType.CONVERSATION_EVENT_TYPE_CLOSED });
    expect(closed?.conversation).toMatchObject({ labels: [], declinedAgentIds: [] });
    expect(c.labels).toEqual(['rude']);
  });
});
