import { MessageKind, type UnifiedMessage } from '@switchboard/proto/wire';

/**
 * True for a message a UI should not render: MESSAGE_KIND_REDACTED, what a visitor receives in place of an
 * agents' private note (same seq, no sender, no text). It still takes its place in the seq order, so the SDK
 * delivers it like any message; it never counts as unread.
 */
export function isHiddenMessage(message: Pick<UnifiedMessage, 'kind'>): boolean {
  return message.kind === MessageKind.MESSAGE_KIND_REDACTED;
}

/** True for a private note between agents (MESSAGE_KIND_NOTE); only agents receive notes. */
export function isNote(message: Pick<UnifiedMessage, 'kind'>): boolean {
  return message.kind === MessageKind.MESSAGE_KIND_NOTE;
}
