import { type ConversationCommand, ErrorCode } from '@switchboard/proto/wire';
import { ClientError } from './errors';

/** One ConversationCommand's `command` oneof: what to do to the conversation. */
export type ConversationCommandKind = NonNullable<ConversationCommand['command']>;

/** Where transfer() hands a conversation: exactly one agent or one group. */
export type TransferTarget =
  { toAgentId: string; toGroupId?: never } | { toGroupId: string; toAgentId?: never };

export interface CommandOptions {
  /** How long to wait for the CommandResult; default the client's `commandTimeoutMs`. */
  timeoutMs?: number;
}

/** Checks a command the way the gateway will, so a bad one fails fast without a round trip. */
export function checkCommand(
  conversationId: string,
  command: ConversationCommandKind,
): ClientError | undefined {
  const invalid = (message: string): ClientError =>
    new ClientError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, `${command.$case}: ${message}`, {
      source: 'local',
    });
  if (conversationId === '') return invalid('conversationId is empty');
  switch (command.$case) {
    case 'transfer': {
      const { toAgentId, toGroupId } = command.value;
      if ((toAgentId === '') === (toGroupId === ''))
        return invalid('give exactly one of toAgentId and toGroupId');
      return undefined;
    }
    case 'rate': {
      const { score } = command.value;
      if (!Number.isInteger(score) || score < 1 || score > 5)
        return invalid('score must be an integer from 1 to 5');
      return undefined;
    }
    case 'setLabels':
      if (command.value.labels.some((label) => typeof label !== 'string' || label.trim() === ''))
        return invalid('labels must be non-empty strings');
      return undefined;
    case 'accept':
    case 'close':
    case 'takeOver':
    case 'pick':
      return undefined;
  }
}

/** The command oneof for a transfer target, checking its shape at run time too (JavaScript callers). */
export function transferCommand(target: TransferTarget, note: string): ConversationCommandKind {
  const toAgentId = typeof target.toAgentId === 'string' ? target.toAgentId : '';
  const toGroupId = typeof target.toGroupId === 'string' ? target.toGroupId : '';
  return { $case: 'transfer', value: { toAgentId, toGroupId, note } };
}
