import {
  AgentStatus,
  ErrorCode,
  isSubjectToken,
  ParticipantRole,
  type ConversationCommand,
  type SessionCommandRequest,
  type SetStatus,
} from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import { isAgent, type Identity } from './identity';

/** What a ConversationCommand becomes: a session command, or a pick that routing decides. */
export type RoutedCommand =
  | { readonly to: 'session'; readonly request: SessionCommandRequest }
  | { readonly to: 'routing-pick'; readonly conversationId: string };

/**
 * Checks who may send which command (the coarse part: visitors only close and rate their own conversation;
 * agents do the rest) and builds the request. Session's state machine makes the fine decisions (is this the
 * conversation's agent, is the state right) with the actor and supervisor flag set here from the token.
 */
export function routeCommand(identity: Identity, frame: ConversationCommand): RoutedCommand {
  const command = frame.command;
  if (command === undefined) throw invalid('command is required');
  if (!isSubjectToken(frame.conversationId))
    throw invalid('conversation_id must be 1-64 characters of [A-Za-z0-9_-]');
  const visitor = identity.role === ParticipantRole.PARTICIPANT_ROLE_VISITOR;
  if (visitor) {
    if (frame.conversationId !== identity.conversationId)
      throw new SwitchboardError(ErrorCode.ERROR_CODE_FORBIDDEN, 'not your conversation');
    if (command.$case !== 'close' && command.$case !== 'rate')
      throw new SwitchboardError(ErrorCode.ERROR_CODE_FORBIDDEN, `visitors cannot ${command.$case}`);
  } else if (command.$case === 'rate') {
    throw new SwitchboardError(ErrorCode.ERROR_CODE_FORBIDDEN, 'only the visitor rates a conversation');
  }
  if (command.$case === 'pick') return { to: 'routing-pick', conversationId: frame.conversationId };
  const base = {
    tenantId: identity.tenantId,
    conversationId: frame.conversationId,
    actor: { role: identity.role, id: identity.participantId, displayName: identity.displayName },
    actorIsSupervisor: isAgent(identity) && identity.supervisor,
  };
  const request = ((): SessionCommandRequest => {
    switch (command.$case) {
      case 'accept':
        return { ...base, command: { $case: 'accept', value: {} } };
      case 'transfer':
        return { ...base, command: { $case: 'transfer', value: command.value } };
      case 'close':
        // The reopen window is the tenant's policy, added by the caller from the tenant settings.
        return {
          ...base,
          command: { $case: 'close', value: { reason: command.value.reason, reopenWindowMs: 0 } },
        };
      case 'takeOver':
        return { ...base, command: { $case: 'takeOver', value: {} } };
      case 'setLabels':
        return { ...base, command: { $case: 'setLabels', value: command.value } };
      case 'rate':
        return { ...base, command: { $case: 'rate', value: command.value } };
    }
  })();
  return { to: 'session', request };
}

/** An agent's SetStatus: only online or away can be chosen. */
export function validateStatus(identity: Identity, s: SetStatus): AgentStatus {
  if (!isAgent(identity))
    throw new SwitchboardError(ErrorCode.ERROR_CODE_FORBIDDEN, 'only agents have a status');
  if (s.status !== AgentStatus.AGENT_STATUS_ONLINE && s.status !== AgentStatus.AGENT_STATUS_AWAY)
    throw invalid('status must be ONLINE or AWAY');
  return s.status;
}

function invalid(message: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, message);
}
