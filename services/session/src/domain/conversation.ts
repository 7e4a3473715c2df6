import {
  ConversationEventType,
  ConversationState,
  ErrorCode,
  ParticipantRole,
  type Channel,
  type ConversationSummary,
} from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';

/** The lifecycle commands a conversation accepts. */
export type LifecycleCommand =
  | { readonly kind: 'open'; readonly visitorId: string; readonly channel: Channel }
  | { readonly kind: 'assign'; readonly agentId: string }
  | { readonly kind: 'close'; readonly reason: string };

export interface Transition {
  readonly from: ConversationState;
  readonly to: ConversationState;
  readonly event: ConversationEventType;
}

/**
 * The conversation state machine: waiting → chatting → closed (waiting → closed too). Pure: it decides,
 * it does not store. Illegal commands throw ILLEGAL_TRANSITION.
 */
export function transition(state: ConversationState, command: LifecycleCommand): Transition {
  const S = ConversationState;
  const to = ((): ConversationState | undefined => {
    switch (command.kind) {
      case 'open':
        return state === S.CONVERSATION_STATE_UNSPECIFIED ? S.CONVERSATION_STATE_WAITING : undefined;
      case 'assign':
        return state === S.CONVERSATION_STATE_WAITING ? S.CONVERSATION_STATE_CHATTING : undefined;
      case 'close':
        return state === S.CONVERSATION_STATE_WAITING || state === S.CONVERSATION_STATE_CHATTING
          ? S.CONVERSATION_STATE_CLOSED
          : undefined;
    }
  })();
  if (to === undefined) {
    throw new SwitchboardError(
      ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION,
      `cannot ${command.kind} a conversation that is ${stateName(state)}`,
    );
  }
  const event = {
    open: ConversationEventType.CONVERSATION_EVENT_TYPE_OPENED,
    assign: ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED,
    close: ConversationEventType.CONVERSATION_EVENT_TYPE_CLOSED,
  }[command.kind];
  return { from: state, to, event };
}

export function stateName(state: ConversationState): string {
  switch (state) {
    case ConversationState.CONVERSATION_STATE_UNSPECIFIED:
      return 'new';
    case ConversationState.CONVERSATION_STATE_WAITING:
      return 'waiting';
    case ConversationState.CONVERSATION_STATE_CHATTING:
      return 'chatting';
    case ConversationState.CONVERSATION_STATE_CLOSED:
      return 'closed';
    case ConversationState.UNRECOGNIZED:
      return 'unrecognized';
  }
}

/**
 * Who may append a message in which state: the visitor while waiting or chatting, the assigned agent
 * while chatting. Throws a typed error otherwise.
 */
export function checkMayAppend(
  c: Pick<ConversationSummary, 'state' | 'visitorId' | 'agentId'>,
  role: ParticipantRole,
  senderId: string,
): void {
  if (c.state === ConversationState.CONVERSATION_STATE_CLOSED) {
    throw new SwitchboardError(ErrorCode.ERROR_CODE_CONVERSATION_CLOSED, 'the conversation is closed');
  }
  switch (role) {
    case ParticipantRole.PARTICIPANT_ROLE_VISITOR:
      if (c.visitorId !== '' && c.visitorId !== senderId) {
        throw new SwitchboardError(ErrorCode.ERROR_CODE_FORBIDDEN, 'not the visitor of this conversation');
      }
      return;
    case ParticipantRole.PARTICIPANT_ROLE_AGENT:
      if (c.state !== ConversationState.CONVERSATION_STATE_CHATTING || c.agentId !== senderId) {
        throw new SwitchboardError(
          ErrorCode.ERROR_CODE_FORBIDDEN,
          'the conversation is not assigned to this agent',
        );
      }
      return;
    case ParticipantRole.PARTICIPANT_ROLE_BOT:
    case ParticipantRole.PARTICIPANT_ROLE_SYSTEM:
      return;
    case ParticipantRole.PARTICIPANT_ROLE_UNSPECIFIED:
    case ParticipantRole.UNRECOGNIZED:
      throw new SwitchboardError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, 'sender role is required');
  }
}
