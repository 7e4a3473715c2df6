import { isSubjectToken, UnifiedMessage, type SubjectCatalog } from '@switchboard/proto';
import { toMessageRow } from './message-row';
import type { MessageRow } from './ports';

export type Intake =
  | { readonly kind: 'row'; readonly message: UnifiedMessage; readonly row: MessageRow }
  | { readonly kind: 'poison'; readonly reason: string };

/**
 * Reads one delivery of stream SB_CONV. Anything that cannot become a row of its own conversation is
 * poison: undecodable bytes, ids that are not subject tokens, seq 0, or a payload whose tenant and
 * conversation disagree with the subject it was published on (tenants never leak into each other).
 */
export function readDelivery(subject: string, data: Uint8Array, catalog: SubjectCatalog): Intake {
  let message: UnifiedMessage;
  try {
    message = UnifiedMessage.decode(data);
  } catch (err) {
    return {
      kind: 'poison',
      reason: `not a UnifiedMessage: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  if (!isSubjectToken(message.tenantId))
    return { kind: 'poison', reason: 'tenant_id is not a subject token' };
  if (!isSubjectToken(message.conversationId)) {
    return { kind: 'poison', reason: 'conversation_id is not a subject token' };
  }
  if (!Number.isSafeInteger(message.seq) || message.seq < 1)
    return { kind: 'poison', reason: 'seq must be >= 1' };
  if (subject !== catalog.conversation(message.tenantId, message.conversationId)) {
    return { kind: 'poison', reason: 'tenant_id/conversation_id do not match the subject' };
  }
  return { kind: 'row', message, row: toMessageRow(message) };
}
