import { MessageKind, ParticipantRole, type UnifiedMessage } from '@switchboard/proto/wire';

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

/** A participant role's short name, as UIs and logs show it. */
export type RoleName = 'visitor' | 'agent' | 'bot' | 'system';

/** `PARTICIPANT_ROLE_AGENT` → `agent`; undefined for an unspecified or unknown role (the caller decides). */
export function roleName(role: ParticipantRole | undefined): RoleName | undefined {
  switch (role) {
    case ParticipantRole.PARTICIPANT_ROLE_VISITOR:
      return 'visitor';
    case ParticipantRole.PARTICIPANT_ROLE_AGENT:
      return 'agent';
    case ParticipantRole.PARTICIPANT_ROLE_BOT:
      return 'bot';
    case ParticipantRole.PARTICIPANT_ROLE_SYSTEM:
      return 'system';
    case ParticipantRole.PARTICIPANT_ROLE_UNSPECIFIED:
    case ParticipantRole.UNRECOGNIZED:
    case undefined:
      return undefined;
  }
}
