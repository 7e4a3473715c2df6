import { ErrorCode, isSubjectToken, ParticipantRole, type UnifiedMessage } from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';

export const MAX_TEXT_CHARS = 4000;
export const MAX_METADATA_ENTRIES = 32;

/** Length in Unicode code points: an emoji outside the BMP counts once, as users count it. */
export function codePoints(s: string): number {
  return s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '_').length;
}

function invalid(message: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, message);
}

/** Rejects a message the session must not store; the error names the first bad field. */
export function validateAppend(m: UnifiedMessage): void {
  if (!isSubjectToken(m.tenantId)) throw invalid('tenant_id is missing or malformed');
  if (!isSubjectToken(m.conversationId)) throw invalid('conversation_id is missing or malformed');
  if (!isSubjectToken(m.clientMsgId))
    throw invalid('client_msg_id must be 1-64 characters of A-Z a-z 0-9 _ -');
  const sender = m.sender;
  if (sender === undefined || sender.id === '') throw invalid('sender is required');
  if (
    sender.role !== ParticipantRole.PARTICIPANT_ROLE_VISITOR &&
    sender.role !== ParticipantRole.PARTICIPANT_ROLE_AGENT &&
    sender.role !== ParticipantRole.PARTICIPANT_ROLE_BOT &&
    sender.role !== ParticipantRole.PARTICIPANT_ROLE_SYSTEM
  ) {
    throw invalid('sender.role is unknown');
  }
  if (m.text.trim() === '') throw invalid('text is empty');
  if (codePoints(m.text) > MAX_TEXT_CHARS) throw invalid(`text is longer than ${MAX_TEXT_CHARS} characters`);
  if (Object.keys(m.metadata).length > MAX_METADATA_ENTRIES) {
    throw invalid(`more than ${MAX_METADATA_ENTRIES} metadata entries`);
  }
}
