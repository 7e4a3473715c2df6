import {
  Channel,
  channelFromJSON,
  channelToJSON,
  MessageKind,
  messageKindFromJSON,
  messageKindToJSON,
  ParticipantRole,
  participantRoleFromJSON,
  participantRoleToJSON,
  type UnifiedMessage,
} from '@switchboard/proto';
import type { MessageRow } from './ports';

const MAX_DATETIME_SECONDS = 0xffff_ffff;

/** Maps a message to its row: enums as their proto names, metadata as two arrays sorted by key. */
export function toMessageRow(message: UnifiedMessage): MessageRow {
  const keys = Object.keys(message.metadata).sort();
  return {
    tenant_id: message.tenantId,
    conversation_id: message.conversationId,
    seq: message.seq,
    client_msg_id: message.clientMsgId,
    sender_role: participantRoleToJSON(message.sender?.role ?? ParticipantRole.PARTICIPANT_ROLE_UNSPECIFIED),
    sender_id: message.sender?.id ?? '',
    sender_name: message.sender?.displayName ?? '',
    channel: channelToJSON(message.channel),
    kind: messageKindToJSON(message.kind),
    text: message.text,
    client_sent_at_ms: message.clientSentAtMs,
    accepted_at_ms: message.acceptedAtMs,
    // DateTime is an unsigned 32-bit count of seconds; clamp so a bad clock cannot wrap around.
    accepted_at: Math.min(MAX_DATETIME_SECONDS, Math.max(0, Math.floor(message.acceptedAtMs / 1000))),
    metadata_keys: keys,
    metadata_values: keys.map((k) => message.metadata[k] ?? ''),
  };
}

/** Maps a stored row back to the message; enum names this build does not know become UNSPECIFIED. */
export function fromMessageRow(row: MessageRow): UnifiedMessage {
  const metadata: Record<string, string> = {};
  row.metadata_keys.forEach((key, i) => {
    metadata[key] = row.metadata_values[i] ?? '';
  });
  const role = known(participantRoleFromJSON(row.sender_role), ParticipantRole.PARTICIPANT_ROLE_UNSPECIFIED);
  const hasSender =
    role !== ParticipantRole.PARTICIPANT_ROLE_UNSPECIFIED || row.sender_id !== '' || row.sender_name !== '';
  return {
    tenantId: row.tenant_id,
    conversationId: row.conversation_id,
    seq: row.seq,
    clientMsgId: row.client_msg_id,
    sender: hasSender ? { role, id: row.sender_id, displayName: row.sender_name } : undefined,
    channel: known(channelFromJSON(row.channel), Channel.CHANNEL_UNSPECIFIED),
    kind: known(messageKindFromJSON(row.kind), MessageKind.MESSAGE_KIND_UNSPECIFIED),
    text: row.text,
    clientSentAtMs: row.client_sent_at_ms,
    acceptedAtMs: row.accepted_at_ms,
    metadata,
  };
}

// ts-proto maps unknown names to UNRECOGNIZED (-1), which would not survive protobuf encoding.
function known<E extends number>(value: E, fallback: E): E {
  return value < 0 ? fallback : value;
}
