import { Channel, MessageKind, ParticipantRole, type UnifiedMessage } from '@switchboard/proto';
import { row } from '../testing/fakes';
import { fromMessageRow, toMessageRow } from './message-row';

const message: UnifiedMessage = {
  tenantId: 'acme',
  conversationId: 'conv-1',
  seq: 42,
  clientMsgId: 'cm-42',
  sender: { role: ParticipantRole.PARTICIPANT_ROLE_AGENT, id: 'agent-7', displayName: 'Ada' },
  channel: Channel.CHANNEL_WECOM,
  kind: MessageKind.MESSAGE_KIND_TEXT,
  text: 'hi there',
  clientSentAtMs: 1_700_000_000_123,
  acceptedAtMs: 1_700_000_001_999,
  metadata: { page: '/pricing', ext_id: 'x-1' },
};

test('toMessageRow - stores enums by proto name, metadata as arrays sorted by key and accepted_at in seconds', () => {
  expect(toMessageRow(message)).toEqual({
    tenant_id: 'acme',
    conversation_id: 'conv-1',
    seq: 42,
    client_msg_id: 'cm-42',
    sender_role: 'PARTICIPANT_ROLE_AGENT',
    sender_id: 'agent-7',
    sender_name: 'Ada',
    channel: 'CHANNEL_WECOM',
    kind: 'MESSAGE_KIND_TEXT',
    text: 'hi there',
    client_sent_at_ms: 1_700_000_000_123,
    accepted_at_ms: 1_700_000_001_999,
    accepted_at: 1_700_000_001,
    metadata_keys: ['ext_id', 'page'],
    metadata_values: ['x-1', '/pricing'],
  });
});

test('fromMessageRow - round-trips a message through its row', () => {
  expect(fromMessageRow(toMessageRow(message))).toEqual(message);
});

test('fromMessageRow - a message without a sender comes back without one', () => {
  const noSender = { ...message, sender: undefined };
  expect(fromMessageRow(toMessageRow(noSender)).sender).toBeUndefined();
});

test('fromMessageRow - enum names this build does not know become UNSPECIFIED, never UNRECOGNIZED', () => {
  const m = fromMessageRow(
    row(1, {
      sender_role: 'PARTICIPANT_ROLE_ALIEN',
      channel: 'CHANNEL_PIGEON',
      kind: 'MESSAGE_KIND_HOLOGRAM',
    }),
  );
  expect(m.sender?.role).toBe(ParticipantRole.PARTICIPANT_ROLE_UNSPECIFIED);
  expect(m.channel).toBe(Channel.CHANNEL_UNSPECIFIED);
  expect(m.kind).toBe(MessageKind.MESSAGE_KIND_UNSPECIFIED);
});

test('toMessageRow - clamps accepted_at to the DateTime range', () => {
  expect(toMessageRow({ ...message, acceptedAtMs: -5 }).accepted_at).toBe(0);
  expect(toMessageRow({ ...message, acceptedAtMs: 2 ** 40 * 1000 }).accepted_at).toBe(0xffff_ffff);
});
