import {
  Channel,
  ConversationEventType,
  ConversationState,
  ErrorCode,
  type ConversationEvent,
  type ConversationSummary,
} from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import type { ConversationRepository } from './ports';
import { requireSubjectToken } from './validation';

/** Refuses events that cannot be projected; the consumer terminates them rather than retrying forever. */
export function validateConversationEvent(event: ConversationEvent): void {
  requireSubjectToken('tenant_id', event.tenantId);
  requireSubjectToken('conversation_id', event.conversationId);
  if (event.agentId !== '') requireSubjectToken('agent_id', event.agentId);
  const bad = (message: string) => new SwitchboardError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, message);
  if (!Number.isSafeInteger(event.version) || event.version < 1) throw bad('version must be >= 1');
  switch (event.type) {
    case ConversationEventType.CONVERSATION_EVENT_TYPE_OPENED:
    case ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED:
    case ConversationEventType.CONVERSATION_EVENT_TYPE_CLOSED:
      break;
    case ConversationEventType.CONVERSATION_EVENT_TYPE_UNSPECIFIED:
    case ConversationEventType.UNRECOGNIZED:
      throw bad('event type is not set');
  }
  switch (event.state) {
    case ConversationState.CONVERSATION_STATE_WAITING:
    case ConversationState.CONVERSATION_STATE_CHATTING:
    case ConversationState.CONVERSATION_STATE_CLOSED:
      break;
    case ConversationState.CONVERSATION_STATE_UNSPECIFIED:
    case ConversationState.UNRECOGNIZED:
      throw bad('state is not set');
  }
}

/**
 * The projection rule: an event applies only when its version is newer than the stored one, so
 * redelivered and reordered events never move a conversation backwards. Returns the new summary, or
 * undefined for a stale event. Visitor and channel never change, so an event that leaves them empty
 * keeps the stored ones; a conversation back in the queue has no agent.
 */
export function projectConversation(
  current: ConversationSummary | undefined,
  event: ConversationEvent,
): ConversationSummary | undefined {
  if (current !== undefined && event.version <= current.version) return undefined;
  const waiting = event.state === ConversationState.CONVERSATION_STATE_WAITING;
  return {
    tenantId: event.tenantId,
    conversationId: event.conversationId,
    state: event.state,
    visitorId: event.visitorId !== '' ? event.visitorId : (current?.visitorId ?? ''),
    agentId: event.agentId !== '' || waiting ? event.agentId : (current?.agentId ?? ''),
    lastSeq: Math.max(event.lastSeq, current?.lastSeq ?? 0),
    openedAtMs:
      event.type === ConversationEventType.CONVERSATION_EVENT_TYPE_OPENED || current === undefined
        ? event.atMs
        : current.openedAtMs,
    updatedAtMs: event.atMs,
    channel:
      event.channel !== Channel.CHANNEL_UNSPECIFIED ? event.channel : (current?.channel ?? event.channel),
    version: event.version,
  };
}

export type ProjectionOutcome = 'applied' | 'stale';

/** Applies conversation lifecycle events to the stored metadata; safe to run on several instances. */
export class ConversationProjector {
  constructor(private readonly conversations: ConversationRepository) {}

  async apply(event: ConversationEvent): Promise<ProjectionOutcome> {
    validateConversationEvent(event);
    // A concurrent writer can win between read and write; saveIfNewer refuses to go backwards, so re-read.
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await this.conversations.find(event.tenantId, event.conversationId);
      const next = projectConversation(current, event);
      if (next === undefined) return 'stale';
      if (await this.conversations.saveIfNewer(next)) return 'applied';
    }
    // Only reachable if the store contradicts itself; the consumer retries the event later.
    throw new SwitchboardError(ErrorCode.ERROR_CODE_UNAVAILABLE, 'conversation write kept conflicting', true);
  }
}
