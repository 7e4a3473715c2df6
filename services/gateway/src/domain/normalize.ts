import {
  Channel,
  ErrorCode,
  MessageKind,
  ParticipantRole,
  type SendMessage,
  type UnifiedMessage,
} from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import type { Identity } from './identity';

/**
 * Turns a client's SendMessage into the UnifiedMessage every service understands. Identity comes from
 * the token, never from the frame. Content rules (length, ids) are the session's to enforce.
 */
export function normalizeSend(identity: Identity, send: SendMessage): UnifiedMessage {
  if (
    identity.role === ParticipantRole.PARTICIPANT_ROLE_VISITOR &&
    send.conversationId !== identity.conversationId
  ) {
    throw new SwitchboardError(
      ErrorCode.ERROR_CODE_FORBIDDEN,
      'visitors can only write to their own conversation',
    );
  }
  if (send.conversationId === '') {
    throw new SwitchboardError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, 'conversation_id is required');
  }
  const agent = identity.role === ParticipantRole.PARTICIPANT_ROLE_AGENT;
  if (send.note && !agent) {
    throw new SwitchboardError(ErrorCode.ERROR_CODE_FORBIDDEN, 'only agents write private notes');
  }
  return {
    tenantId: identity.tenantId,
    conversationId: send.conversationId,
    seq: 0,
    clientMsgId: send.clientMsgId,
    sender: { role: identity.role, id: identity.participantId, displayName: identity.displayName },
    channel: agent ? Channel.CHANNEL_CONSOLE : Channel.CHANNEL_WEB_WIDGET,
    kind: send.note ? MessageKind.MESSAGE_KIND_NOTE : MessageKind.MESSAGE_KIND_TEXT,
    text: send.text,
    clientSentAtMs: send.clientSentAtMs,
    acceptedAtMs: 0,
    metadata: {},
  };
}
