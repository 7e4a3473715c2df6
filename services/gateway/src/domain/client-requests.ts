import {
  ErrorCode,
  isSubjectToken,
  ParticipantRole,
  type ConversationSummary,
  type FetchMessages,
  type MarkRead,
} from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import type { Identity } from './identity';

export const FETCH_DEFAULT_LIMIT = 100;
export const FETCH_MAX_LIMIT = 500;

/** A validated FetchMessages. */
export interface FetchRange {
  readonly conversationId: string;
  readonly fromSeq: number;
  /** Inclusive; Infinity for "up to the newest". */
  readonly toSeq: number;
  readonly limit: number;
}

/** Checks a FetchMessages frame; INVALID_ARGUMENT names the first bad field. */
export function validateFetch(f: FetchMessages): FetchRange {
  const conversationId = validConversationId(f.conversationId);
  if (!Number.isSafeInteger(f.fromSeq) || f.fromSeq < 1) throw invalid('from_seq must be 1 or more');
  if (!Number.isSafeInteger(f.toSeq) || (f.toSeq !== 0 && f.toSeq < f.fromSeq)) {
    throw invalid('to_seq must be 0 (up to the newest) or at least from_seq');
  }
  if (!Number.isInteger(f.limit) || f.limit < 0 || f.limit > FETCH_MAX_LIMIT) {
    throw invalid(`limit must be between 0 and ${FETCH_MAX_LIMIT} (0 means ${FETCH_DEFAULT_LIMIT})`);
  }
  return {
    conversationId,
    fromSeq: f.fromSeq,
    toSeq: f.toSeq === 0 ? Infinity : f.toSeq,
    limit: f.limit === 0 ? FETCH_DEFAULT_LIMIT : f.limit,
  };
}

/** Checks a MarkRead frame. */
export function validateMarkRead(m: MarkRead): { conversationId: string; seq: number } {
  const conversationId = validConversationId(m.conversationId);
  if (!Number.isSafeInteger(m.seq) || m.seq < 1) throw invalid('seq must be 1 or more');
  return { conversationId, seq: m.seq };
}

export type ReadAccess = 'allowed' | 'forbidden' | 'ask-directory';

/**
 * Whether a participant may read a conversation (fetch, mark read): a visitor only its own; an agent the
 * conversations joined on its socket, or (asked of the directory) those assigned to it.
 */
export function readAccess(identity: Identity, conversationId: string, joinedHere: boolean): ReadAccess {
  if (identity.role === ParticipantRole.PARTICIPANT_ROLE_VISITOR) {
    return conversationId === identity.conversationId ? 'allowed' : 'forbidden';
  }
  return joinedHere ? 'allowed' : 'ask-directory';
}

/**
 * The directory's answer for an agent: allowed when the conversation is (or was, before a transfer or
 * requeue) theirs, or is being transferred to them; supervisors read every conversation of their tenant.
 */
export function agentMayRead(identity: Identity, summary: ConversationSummary | undefined): boolean {
  // The directory answers within the identity's tenant only, so the agent id is enough.
  if (summary === undefined) return false;
  if (identity.supervisor) return true;
  const me = identity.participantId;
  return summary.agentId === me || summary.previousAgentId === me || summary.transferToAgentId === me;
}

export function forbidden(): SwitchboardError {
  return new SwitchboardError(ErrorCode.ERROR_CODE_FORBIDDEN, 'not a participant of that conversation');
}

function validConversationId(id: string): string {
  if (!isSubjectToken(id)) throw invalid('conversation_id must be 1-64 characters of [A-Za-z0-9_-]');
  return id;
}

function invalid(message: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, message);
}
