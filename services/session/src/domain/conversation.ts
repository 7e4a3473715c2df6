import {
  ConversationEventType,
  ConversationSummary,
  type Channel,
  ConversationState,
  ErrorCode,
  isSubjectToken,
  MessageKind,
  ParticipantRole,
  type Participant,
  type VisitorContext,
} from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import { codePoints } from './validation';

/** The lifecycle commands a conversation accepts (docs/lifecycle.md §2). */
export type LifecycleCommand =
  | {
      readonly kind: 'open';
      readonly visitorId: string;
      readonly channel: Channel;
      readonly context?: VisitorContext | undefined;
    }
  | { readonly kind: 'start_bot' }
  | { readonly kind: 'enqueue'; readonly groupId: string; readonly priority: number; readonly reason: string }
  | {
      readonly kind: 'assign';
      readonly agentId: string;
      readonly agentDisplayName?: string | undefined;
      readonly accepted?: boolean | undefined;
    }
  | { readonly kind: 'accept' }
  | { readonly kind: 'requeue'; readonly expectedAgentId: string; readonly reason: string }
  | {
      readonly kind: 'transfer';
      readonly toAgentId: string;
      readonly toGroupId: string;
      readonly note: string;
    }
  | { readonly kind: 'take_over' }
  | { readonly kind: 'close'; readonly reason: string; readonly reopenWindowMs?: number | undefined }
  | { readonly kind: 'reopen' }
  | { readonly kind: 'set_labels'; readonly labels: readonly string[] }
  | { readonly kind: 'rate'; readonly score: number; readonly comment: string };

export type CommandKind = LifecycleCommand['kind'];

/** Who issues a command. Routing and other services act as SYSTEM. */
export interface Actor {
  readonly role: ParticipantRole;
  readonly id: string;
  readonly displayName: string;
  /** An agent with the supervisor or admin role. */
  readonly supervisor: boolean;
}

export const SYSTEM_ACTOR: Actor = {
  role: ParticipantRole.PARTICIPANT_ROLE_SYSTEM,
  id: 'system',
  displayName: '',
  supervisor: false,
};

/** The actor of a command request; a request without one comes from a service (routing). */
export function actorOf(p: Participant | undefined, supervisor: boolean): Actor {
  if (p === undefined || p.role === ParticipantRole.PARTICIPANT_ROLE_UNSPECIFIED) return SYSTEM_ACTOR;
  return { role: p.role, id: p.id, displayName: p.displayName, supervisor };
}

export interface Decision {
  readonly next: ConversationSummary;
  readonly event: ConversationEventType;
}

export const MAX_LABELS = 20;
export const MAX_LABEL_CHARS = 32;
export const MAX_NOTE_CHARS = 4000;
export const MAX_REASON_CHARS = 200;
export const MAX_CSAT_COMMENT_CHARS = 1000;
const LABEL = /^[\p{L}\p{N}][\p{L}\p{N} _.-]*$/u;

const S = ConversationState;
const E = ConversationEventType;
const OPEN_STATES: readonly ConversationState[] = [
  S.CONVERSATION_STATE_WAITING,
  S.CONVERSATION_STATE_BOT,
  S.CONVERSATION_STATE_QUEUED,
  S.CONVERSATION_STATE_ASSIGNED,
  S.CONVERSATION_STATE_CHATTING,
  S.CONVERSATION_STATE_TRANSFERRING,
];

export function isOpen(state: ConversationState): boolean {
  return OPEN_STATES.includes(state);
}

function illegal(kind: CommandKind, state: ConversationState): SwitchboardError {
  return new SwitchboardError(
    ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION,
    `cannot ${kind.replace('_', ' ')} a conversation that is ${stateName(state)}`,
  );
}

function forbidden(message: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.ERROR_CODE_FORBIDDEN, message);
}

function invalid(message: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, message);
}

const isSystem = (a: Actor): boolean =>
  a.role === ParticipantRole.PARTICIPANT_ROLE_SYSTEM || a.role === ParticipantRole.PARTICIPANT_ROLE_BOT;
const isAgent = (a: Actor): boolean => a.role === ParticipantRole.PARTICIPANT_ROLE_AGENT;

/** Checks the command's own fields, whatever the state. */
export function validateCommand(command: LifecycleCommand): void {
  switch (command.kind) {
    case 'enqueue':
      if (!isSubjectToken(command.groupId)) throw invalid('group_id is missing or malformed');
      if (!Number.isInteger(command.priority) || command.priority < 0 || command.priority > 100)
        throw invalid('priority must be 0..100');
      return;
    case 'assign':
      if (!isSubjectToken(command.agentId)) throw invalid('agent_id is missing or malformed');
      return;
    case 'requeue':
      if (command.expectedAgentId !== '' && !isSubjectToken(command.expectedAgentId))
        throw invalid('expected_agent_id is malformed');
      return;
    case 'transfer': {
      const toAgent = command.toAgentId !== '';
      const toGroup = command.toGroupId !== '';
      if (toAgent === toGroup) throw invalid('transfer needs exactly one of to_agent_id and to_group_id');
      if (toAgent && !isSubjectToken(command.toAgentId)) throw invalid('to_agent_id is malformed');
      if (toGroup && !isSubjectToken(command.toGroupId)) throw invalid('to_group_id is malformed');
      if (codePoints(command.note) > MAX_NOTE_CHARS)
        throw invalid(`the note is longer than ${MAX_NOTE_CHARS} characters`);
      return;
    }
    case 'close':
      if (codePoints(command.reason) > MAX_REASON_CHARS)
        throw invalid(`reason is longer than ${MAX_REASON_CHARS} characters`);
      if (command.reopenWindowMs !== undefined && !(command.reopenWindowMs >= 0))
        throw invalid('reopen_window_ms must be >= 0');
      return;
    case 'set_labels': {
      if (command.labels.length > MAX_LABELS) throw invalid(`at most ${MAX_LABELS} labels`);
      for (const l of command.labels) {
        if (codePoints(l) > MAX_LABEL_CHARS || !LABEL.test(l))
          throw invalid(
            `label ${JSON.stringify(l.slice(0, 40))} must be 1-${MAX_LABEL_CHARS} letters, digits, space _ . -`,
          );
      }
      return;
    }
    case 'rate':
      if (!Number.isInteger(command.score) || command.score < 1 || command.score > 5)
        throw invalid('score must be an integer from 1 to 5');
      if (codePoints(command.comment) > MAX_CSAT_COMMENT_CHARS)
        throw invalid(`the comment is longer than ${MAX_CSAT_COMMENT_CHARS} characters`);
      return;
    case 'open':
    case 'start_bot':
    case 'accept':
    case 'take_over':
    case 'reopen':
      return;
  }
}

/** The empty record a conversation starts from. */
export function blankSummary(tenantId: string, conversationId: string): ConversationSummary {
  return ConversationSummary.fromPartial({ tenantId, conversationId });
}

/**
 * The conversation state machine (docs/lifecycle.md §2). Pure: given the current record (undefined for a
 * conversation not yet stored), a command, who sends it and the time, it returns the next record and the
 * event to publish, or throws ILLEGAL_TRANSITION / FORBIDDEN / INVALID_ARGUMENT and changes nothing.
 */
export function decide(
  prev: ConversationSummary | undefined,
  tenantId: string,
  conversationId: string,
  command: LifecycleCommand,
  actor: Actor,
  now: number,
): Decision {
  validateCommand(command);
  const cur = prev ?? blankSummary(tenantId, conversationId);
  const state = cur.state;
  const bump = (changes: Partial<ConversationSummary>, event: ConversationEventType): Decision => ({
    next: { ...cur, ...changes, updatedAtMs: now, version: cur.version + 1 },
    event,
  });
  const requireState = (...allowed: ConversationState[]): void => {
    if (!allowed.includes(state)) throw illegal(command.kind, state);
  };
  const requireSystem = (): void => {
    if (!isSystem(actor)) throw forbidden(`only the system may ${command.kind.replace('_', ' ')}`);
  };
  const isCurrentAgent = isAgent(actor) && actor.id === cur.agentId && cur.agentId !== '';

  switch (command.kind) {
    case 'open':
      requireState(S.CONVERSATION_STATE_UNSPECIFIED);
      if (actor.role !== ParticipantRole.PARTICIPANT_ROLE_VISITOR && !isSystem(actor))
        throw forbidden('only a visitor opens a conversation');
      return bump(
        {
          state: S.CONVERSATION_STATE_WAITING,
          visitorId: command.visitorId,
          channel: command.channel,
          openedAtMs: now,
          visitorContext: command.context,
        },
        E.CONVERSATION_EVENT_TYPE_OPENED,
      );
    case 'start_bot':
      requireSystem();
      requireState(S.CONVERSATION_STATE_WAITING);
      return bump({ state: S.CONVERSATION_STATE_BOT }, E.CONVERSATION_EVENT_TYPE_BOT_STARTED);
    case 'enqueue':
      requireSystem();
      requireState(S.CONVERSATION_STATE_WAITING, S.CONVERSATION_STATE_BOT);
      return bump(
        {
          state: S.CONVERSATION_STATE_QUEUED,
          groupId: command.groupId,
          priority: command.priority,
          queuedAtMs: now,
          declinedAgentIds: [],
        },
        E.CONVERSATION_EVENT_TYPE_QUEUED,
      );
    case 'assign': {
      requireSystem();
      const accepted = command.accepted === true;
      if (accepted) requireState(S.CONVERSATION_STATE_QUEUED);
      else requireState(S.CONVERSATION_STATE_QUEUED, S.CONVERSATION_STATE_TRANSFERRING);
      const fromTransfer = state === S.CONVERSATION_STATE_TRANSFERRING;
      return bump(
        {
          state: accepted ? S.CONVERSATION_STATE_CHATTING : S.CONVERSATION_STATE_ASSIGNED,
          agentId: command.agentId,
          agentDisplayName: command.agentDisplayName ?? '',
          assignedAtMs: now,
          acceptedAtMs: accepted ? now : 0,
          transferToAgentId: '',
          previousAgentId: fromTransfer ? cur.agentId : cur.previousAgentId,
        },
        accepted ? E.CONVERSATION_EVENT_TYPE_ACCEPTED : E.CONVERSATION_EVENT_TYPE_ASSIGNED,
      );
    }
    case 'accept':
      requireState(S.CONVERSATION_STATE_ASSIGNED);
      if (!isCurrentAgent) throw forbidden('the conversation is not offered to this agent');
      return bump(
        { state: S.CONVERSATION_STATE_CHATTING, acceptedAtMs: now },
        E.CONVERSATION_EVENT_TYPE_ACCEPTED,
      );
    case 'requeue': {
      requireSystem();
      requireState(S.CONVERSATION_STATE_ASSIGNED, S.CONVERSATION_STATE_TRANSFERRING);
      if (command.expectedAgentId !== '' && command.expectedAgentId !== cur.agentId)
        throw illegal(command.kind, state);
      const declined =
        state === S.CONVERSATION_STATE_ASSIGNED && !cur.declinedAgentIds.includes(cur.agentId)
          ? [...cur.declinedAgentIds, cur.agentId]
          : cur.declinedAgentIds;
      return bump(
        {
          state: S.CONVERSATION_STATE_QUEUED,
          previousAgentId: cur.agentId,
          agentId: '',
          agentDisplayName: '',
          transferToAgentId: '',
          declinedAgentIds: declined,
          queuedAtMs: state === S.CONVERSATION_STATE_TRANSFERRING ? now : cur.queuedAtMs,
          acceptedAtMs: 0,
        },
        E.CONVERSATION_EVENT_TYPE_REQUEUED,
      );
    }
    case 'transfer':
      requireState(S.CONVERSATION_STATE_CHATTING);
      if (!isCurrentAgent && !(isAgent(actor) && actor.supervisor))
        throw forbidden('only the conversation’s agent or a supervisor may transfer it');
      if (command.toAgentId !== '' && command.toAgentId === cur.agentId)
        throw invalid('the conversation is already with this agent');
      return bump(
        {
          state: S.CONVERSATION_STATE_TRANSFERRING,
          transferToAgentId: command.toAgentId,
          groupId: command.toGroupId !== '' ? command.toGroupId : cur.groupId,
          declinedAgentIds: [],
        },
        E.CONVERSATION_EVENT_TYPE_TRANSFER_REQUESTED,
      );
    case 'take_over':
      requireState(
        S.CONVERSATION_STATE_QUEUED,
        S.CONVERSATION_STATE_ASSIGNED,
        S.CONVERSATION_STATE_CHATTING,
        S.CONVERSATION_STATE_TRANSFERRING,
      );
      if (!isAgent(actor) || !actor.supervisor) throw forbidden('only a supervisor may take over');
      if (actor.id === cur.agentId && state === S.CONVERSATION_STATE_CHATTING)
        throw illegal(command.kind, state);
      return bump(
        {
          state: S.CONVERSATION_STATE_CHATTING,
          previousAgentId: cur.agentId !== '' ? cur.agentId : cur.previousAgentId,
          agentId: actor.id,
          agentDisplayName: actor.displayName,
          transferToAgentId: '',
          assignedAtMs: now,
          acceptedAtMs: now,
        },
        E.CONVERSATION_EVENT_TYPE_TAKEN_OVER,
      );
    case 'close': {
      if (!isOpen(state)) throw illegal(command.kind, state);
      const allowed =
        isSystem(actor) ||
        (actor.role === ParticipantRole.PARTICIPANT_ROLE_VISITOR && actor.id === cur.visitorId) ||
        isCurrentAgent ||
        (isAgent(actor) && actor.supervisor);
      if (!allowed)
        throw forbidden('only the visitor, the conversation’s agent or a supervisor may close it');
      const window = command.reopenWindowMs ?? 0;
      return bump(
        {
          state: S.CONVERSATION_STATE_CLOSED,
          closedAtMs: now,
          reopenUntilMs: window > 0 ? now + window : 0,
          transferToAgentId: '',
          // An offer nobody accepted was never the agent's conversation: nothing to rate them for.
          ...(state === S.CONVERSATION_STATE_ASSIGNED ? { agentId: '', agentDisplayName: '' } : {}),
        },
        E.CONVERSATION_EVENT_TYPE_CLOSED,
      );
    }
    case 'reopen':
      requireState(S.CONVERSATION_STATE_CLOSED);
      if (actor.role !== ParticipantRole.PARTICIPANT_ROLE_VISITOR || actor.id !== cur.visitorId)
        throw forbidden('only the visitor reopens a conversation');
      if (!(now < cur.reopenUntilMs))
        throw new SwitchboardError(ErrorCode.ERROR_CODE_CONVERSATION_CLOSED, 'the conversation is closed');
      return bump(
        {
          // Back into its group's queue; one closed before routing placed it starts over as waiting.
          state: cur.groupId !== '' ? S.CONVERSATION_STATE_QUEUED : S.CONVERSATION_STATE_WAITING,
          previousAgentId: cur.agentId !== '' ? cur.agentId : cur.previousAgentId,
          agentId: '',
          agentDisplayName: '',
          queuedAtMs: now,
          assignedAtMs: 0,
          acceptedAtMs: 0,
          closedAtMs: 0,
          reopenUntilMs: 0,
          reopenCount: cur.reopenCount + 1,
          csat: undefined,
          declinedAgentIds: [],
        },
        E.CONVERSATION_EVENT_TYPE_REOPENED,
      );
    case 'set_labels':
      if (state === S.CONVERSATION_STATE_UNSPECIFIED) throw illegal(command.kind, state);
      if (!isAgent(actor) && !isSystem(actor)) throw forbidden('only agents label conversations');
      return bump({ labels: [...new Set(command.labels)] }, E.CONVERSATION_EVENT_TYPE_LABELED);
    case 'rate':
      requireState(S.CONVERSATION_STATE_CLOSED);
      if (actor.role !== ParticipantRole.PARTICIPANT_ROLE_VISITOR || actor.id !== cur.visitorId)
        throw forbidden('only the conversation’s visitor may rate it');
      if (cur.csat !== undefined)
        throw new SwitchboardError(
          ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION,
          'the conversation was already rated',
        );
      return bump(
        { csat: { score: command.score, comment: command.comment, atMs: now, agentId: cur.agentId } },
        E.CONVERSATION_EVENT_TYPE_RATED,
      );
  }
}

export function stateName(state: ConversationState): string {
  switch (state) {
    case S.CONVERSATION_STATE_UNSPECIFIED:
      return 'new';
    case S.CONVERSATION_STATE_WAITING:
      return 'waiting';
    case S.CONVERSATION_STATE_BOT:
      return 'with the bot';
    case S.CONVERSATION_STATE_QUEUED:
      return 'queued';
    case S.CONVERSATION_STATE_ASSIGNED:
      return 'assigned';
    case S.CONVERSATION_STATE_CHATTING:
      return 'chatting';
    case S.CONVERSATION_STATE_TRANSFERRING:
      return 'transferring';
    case S.CONVERSATION_STATE_CLOSED:
      return 'closed';
    case S.UNRECOGNIZED:
      return 'unrecognized';
  }
}

/** What appending a message needs first: nothing, accepting the offer, or reopening the conversation. */
export type AppendPrelude = 'none' | 'accept' | 'reopen';

/**
 * Who may append which message in which state (docs/lifecycle.md §3). Returns the transition the append
 * implies (an assigned agent's first message accepts; a visitor's message reopens within the window), or
 * throws a typed error.
 */
export function checkMayAppend(
  c: Pick<ConversationSummary, 'state' | 'visitorId' | 'agentId' | 'reopenUntilMs'>,
  role: ParticipantRole,
  senderId: string,
  kind: MessageKind,
  now: number,
): AppendPrelude {
  const closed = c.state === S.CONVERSATION_STATE_CLOSED;
  if (kind === MessageKind.MESSAGE_KIND_REDACTED)
    throw invalid('kind REDACTED is what visitors receive in place of notes; it cannot be sent');
  if (kind === MessageKind.MESSAGE_KIND_NOTE) {
    if (role !== ParticipantRole.PARTICIPANT_ROLE_AGENT) throw forbidden('only agents write notes');
    if (closed)
      throw new SwitchboardError(ErrorCode.ERROR_CODE_CONVERSATION_CLOSED, 'the conversation is closed');
    return 'none';
  }
  switch (role) {
    case ParticipantRole.PARTICIPANT_ROLE_VISITOR:
      if (c.visitorId !== '' && c.visitorId !== senderId)
        throw forbidden('not the visitor of this conversation');
      if (closed) {
        if (now < c.reopenUntilMs) return 'reopen';
        throw new SwitchboardError(ErrorCode.ERROR_CODE_CONVERSATION_CLOSED, 'the conversation is closed');
      }
      return 'none';
    case ParticipantRole.PARTICIPANT_ROLE_AGENT:
      if (closed)
        throw new SwitchboardError(ErrorCode.ERROR_CODE_CONVERSATION_CLOSED, 'the conversation is closed');
      if (c.agentId !== senderId) throw forbidden('the conversation is not assigned to this agent');
      if (c.state === S.CONVERSATION_STATE_ASSIGNED) return 'accept';
      if (c.state === S.CONVERSATION_STATE_CHATTING || c.state === S.CONVERSATION_STATE_TRANSFERRING)
        return 'none';
      throw forbidden('the conversation is not assigned to this agent');
    case ParticipantRole.PARTICIPANT_ROLE_BOT:
    case ParticipantRole.PARTICIPANT_ROLE_SYSTEM:
      if (closed)
        throw new SwitchboardError(ErrorCode.ERROR_CODE_CONVERSATION_CLOSED, 'the conversation is closed');
      return 'none';
    case ParticipantRole.PARTICIPANT_ROLE_UNSPECIFIED:
    case ParticipantRole.UNRECOGNIZED:
      throw invalid('sender role is required');
  }
}
