import { ParticipantRole, type VisitorContext } from '@switchboard/proto';

/** Who is on a socket, as proven by their token. */
export interface Identity {
  readonly tenantId: string;
  readonly role: ParticipantRole.PARTICIPANT_ROLE_VISITOR | ParticipantRole.PARTICIPANT_ROLE_AGENT;
  readonly participantId: string;
  readonly displayName: string;
  /** A visitor's conversation. */
  readonly conversationId: string;
  /** An agent with the supervisor or admin role: may take over, sees every conversation of the tenant. */
  readonly supervisor: boolean;
  /** An admin agent: may change tenant settings, agents, groups and shared canned replies. */
  readonly admin: boolean;
  /** A visitor's page, referrer, user agent, language and pre-chat answers, from their session request. */
  readonly context?: VisitorContext | undefined;
}

export function isAgent(i: Identity): boolean {
  return i.role === ParticipantRole.PARTICIPANT_ROLE_AGENT;
}
