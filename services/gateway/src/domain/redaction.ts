import {
  ConversationEventType,
  MessageKind,
  ParticipantRole,
  type ConversationEvent,
  type ConversationSummary,
  type UnifiedMessage,
} from '@switchboard/proto';

const redacted = new WeakMap<UnifiedMessage, UnifiedMessage>();

/**
 * The message as a participant may see it: agents see everything; visitors get a private note as a
 * REDACTED placeholder with the same seq (no sender, text or metadata), so their sequence stays gap-free
 * and nothing of the note leaks. The placeholder is made once per message object.
 */
export function visibleTo(role: ParticipantRole, m: UnifiedMessage): UnifiedMessage {
  if (role !== ParticipantRole.PARTICIPANT_ROLE_VISITOR || m.kind !== MessageKind.MESSAGE_KIND_NOTE) return m;
  let r = redacted.get(m);
  if (r === undefined) {
    r = {
      tenantId: m.tenantId,
      conversationId: m.conversationId,
      seq: m.seq,
      clientMsgId: '',
      sender: undefined,
      channel: m.channel,
      kind: MessageKind.MESSAGE_KIND_REDACTED,
      text: '',
      clientSentAtMs: 0,
      acceptedAtMs: m.acceptedAtMs,
      metadata: {},
    };
    redacted.set(m, r);
  }
  return r;
}

/**
 * What a visitor may see of their conversation's record: everything except agents' internal bookkeeping
 * (labels, the agents who let an offer time out).
 */
export function conversationForVisitor(c: ConversationSummary): ConversationSummary {
  if (c.labels.length === 0 && c.declinedAgentIds.length === 0) return c;
  return { ...c, labels: [], declinedAgentIds: [] };
}

/** A lifecycle event as a visitor receives it; undefined for events that are agents' business (labels). */
export function eventForVisitor(e: ConversationEvent): ConversationEvent | undefined {
  if (e.type === ConversationEventType.CONVERSATION_EVENT_TYPE_LABELED) return undefined;
  return e.conversation === undefined ? e : { ...e, conversation: conversationForVisitor(e.conversation) };
}
