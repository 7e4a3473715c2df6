import { ParticipantRole } from '@switchboard/proto';

/** Who is on a socket, as proven by their token. */
export interface Identity {
  readonly tenantId: string;
  readonly role: ParticipantRole.PARTICIPANT_ROLE_VISITOR | ParticipantRole.PARTICIPANT_ROLE_AGENT;
  readonly participantId: string;
  readonly displayName: string;
  /** A visitor's conversation. */
  readonly conversationId: string;
}

export function isAgent(i: Identity): boolean {
  return i.role === ParticipantRole.PARTICIPANT_ROLE_AGENT;
}
