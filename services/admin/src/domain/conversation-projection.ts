import {
  Channel,
  ConversationEventType,
  ConversationState,
  ConversationSummary,
  ErrorCode,
  type ConversationEvent,
} from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import type { ConversationRepository } from './ports';
import { requireSubjectToken } from './validation';

function bad(message: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, message);
}

function requireState(what: string, state: ConversationState): void {
  switch (state) {
    case ConversationState.CONVERSATION_STATE_WAITING:
    case ConversationState.CONVERSATION_STATE_CHATTING:
    case ConversationState.CONVERSATION_STATE_CLOSED:
    case ConversationState.CONVERSATION_STATE_BOT:
    case ConversationState.CONVERSATION_STATE_QUEUED:
    case ConversationState.CONVERSATION_STATE_ASSIGNED:
    case ConversationState.CONVERSATION_STATE_TRANSFERRING:
      return;
    case ConversationState.CONVERSATION_STATE_UNSPECIFIED:
    case ConversationState.UNRECOGNIZED:
      throw bad(`${what} is not set`);
  }
}

/** Refuses events that cannot be projected; the consumer terminates them rather than retrying forever. */
export function validateConversationEvent(event: ConversationEvent): void {
  requireSubjectToken('tenant_id', event.tenantId);
  requireSubjectToken('conversation_id', event.conversationId);
  if (event.agentId !== '') requireSubjectToken('agent_id', event.agentId);
  if (!Number.isSafeInteger(event.version) || event.version < 1) throw bad('version must be >= 1');
  switch (event.type) {
    case ConversationEventType.CONVERSATION_EVENT_TYPE_OPENED:
    case ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED:
    case ConversationEventType.CONVERSATION_EVENT_TYPE_CLOSED:
    case ConversationEventType.CONVERSATION_EVENT_TYPE_BOT_STARTED:
    case ConversationEventType.CONVERSATION_EVENT_TYPE_QUEUED:
    case ConversationEventType.CONVERSATION_EVENT_TYPE_ACCEPTED:
    case ConversationEventType.CONVERSATION_EVENT_TYPE_REQUEUED:
    case ConversationEventType.CONVERSATION_EVENT_TYPE_TRANSFER_REQUESTED:
    case ConversationEventType.CONVERSATION_EVENT_TYPE_TAKEN_OVER:
    case ConversationEventType.CONVERSATION_EVENT_TYPE_REOPENED:
    case ConversationEventType.CONVERSATION_EVENT_TYPE_LABELED:
    case ConversationEventType.CONVERSATION_EVENT_TYPE_RATED:
      break;
    case ConversationEventType.CONVERSATION_EVENT_TYPE_UNSPECIFIED:
    case ConversationEventType.UNRECOGNIZED:
      throw bad('event type is not set');
  }
  requireState('state', event.state);
  const record = event.conversation;
  if (record === undefined) return;
  // The record must be about the envelope's conversation: the subject's tenant was checked against the envelope.
  if (record.tenantId !== '' && record.tenantId !== event.tenantId) {
    throw bad('conversation.tenant_id differs from the event tenant_id');
  }
  if (record.conversationId !== '' && record.conversationId !== event.conversationId) {
    throw bad('conversation.conversation_id differs from the event conversation_id');
  }
  if (record.version !== 0 && record.version !== event.version) {
    throw bad('conversation.version differs from the event version');
  }
  requireState('conversation.state', record.state);
  if (record.agentId !== '') requireSubjectToken('conversation.agent_id', record.agentId);
}

/** States in which a conversation has no agent (docs/lifecycle.md, invariants). */
function hasNoAgent(state: ConversationState): boolean {
  return (
    state === ConversationState.CONVERSATION_STATE_WAITING ||
    state === ConversationState.CONVERSATION_STATE_QUEUED ||
    state === ConversationState.CONVERSATION_STATE_BOT
  );
}

/** The event carries the whole record (current producers): store it, keyed and versioned by the envelope. */
function fromRecord(
  current: ConversationSummary | undefined,
  event: ConversationEvent,
  record: ConversationSummary,
): ConversationSummary {
  return {
    ...record,
    tenantId: event.tenantId,
    conversationId: event.conversationId,
    version: event.version,
    // Identity and start time never change, so a record that leaves them empty keeps the stored ones.
    visitorId: record.visitorId !== '' ? record.visitorId : (current?.visitorId ?? event.visitorId),
    channel:
      record.channel !== Channel.CHANNEL_UNSPECIFIED ? record.channel : (current?.channel ?? event.channel),
    openedAtMs: record.openedAtMs !== 0 ? record.openedAtMs : (current?.openedAtMs ?? event.atMs),
    updatedAtMs: record.updatedAtMs !== 0 ? record.updatedAtMs : event.atMs,
    lastSeq: Math.max(record.lastSeq, current?.lastSeq ?? 0),
  };
}

/** An event without the record (older producers): map its fields and keep the rest of the stored record. */
function fromFields(current: ConversationSummary | undefined, event: ConversationEvent): ConversationSummary {
  const base = current ?? ConversationSummary.fromPartial({});
  return {
    ...base,
    tenantId: event.tenantId,
    conversationId: event.conversationId,
    state: event.state,
    visitorId: event.visitorId !== '' ? event.visitorId : base.visitorId,
    agentId: event.agentId !== '' || hasNoAgent(event.state) ? event.agentId : base.agentId,
    lastSeq: Math.max(event.lastSeq, base.lastSeq),
    openedAtMs:
      event.type === ConversationEventType.CONVERSATION_EVENT_TYPE_OPENED || current === undefined
        ? event.atMs
        : current.openedAtMs,
    updatedAtMs: event.atMs,
    channel: event.channel !== Channel.CHANNEL_UNSPECIFIED ? event.channel : base.channel,
    version: event.version,
  };
}

/**
 * The projection rule: an event applies only when its version is newer than the stored one, so
 * redelivered and reordered events never move a conversation backwards. Returns the new summary, or
 * undefined for a stale event. An event with the whole record (`conversation`) stores that record;
 * otherwise its fields are mapped onto the stored one. Visitor and channel never change, so an event
 * that leaves them empty keeps the stored ones; a waiting, queued or bot conversation has no agent.
 */
export function projectConversation(
  current: ConversationSummary | undefined,
  event: ConversationEvent,
): ConversationSummary | undefined {
  if (current !== undefined && event.version <= current.version) return undefined;
  return event.conversation === undefined
    ? fromFields(current, event)
    : fromRecord(current, event, event.conversation);
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
