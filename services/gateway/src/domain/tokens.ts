import { ErrorCode, isSubjectToken, ParticipantRole } from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import type { Identity } from './identity';

const ISSUER = 'switchboard';
const AUDIENCE = 'switchboard-gateway';

export interface IssuedToken {
  readonly token: string;
  readonly expiresAtMs: number;
}

/**
 * Signs and verifies visitor and agent tokens: HS256 JWTs (jose) naming the tenant, the participant and,
 * for visitors, their conversation.
 */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttl: { readonly visitorS: number; readonly agentS: number },
    private readonly now: () => number = () => Date.now(),
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(identity: Identity): Promise<IssuedToken> {
    const agent = identity.role === ParticipantRole.PARTICIPANT_ROLE_AGENT;
    const iat = Math.floor(this.now() / 1000);
    const exp = iat + (agent ? this.ttl.agentS : this.ttl.visitorS);
    const token = await new SignJWT({
      tid: identity.tenantId,
      role: agent ? 'agent' : 'visitor',
      name: identity.displayName,
      ...(agent ? {} : { cid: identity.conversationId }),
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(identity.participantId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAtMs: exp * 1000 };
  }

  /** The identity in a valid token; UNAUTHENTICATED for anything else. */
  async verify(token: string): Promise<Identity> {
    if (token === '') throw unauthenticated('a token is required');
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        currentDate: new Date(this.now()),
      }));
    } catch (err) {
      const expired = err instanceof joseErrors.JWTExpired;
      throw unauthenticated(expired ? 'the token has expired' : 'the token is invalid', err);
    }
    const { sub, tid, role, name, cid } = payload;
    if (typeof sub !== 'string' || !isSubjectToken(sub) || typeof tid !== 'string' || !isSubjectToken(tid)) {
      throw unauthenticated('the token is invalid');
    }
    const displayName = typeof name === 'string' ? name : '';
    if (role === 'agent') {
      return {
        tenantId: tid,
        role: ParticipantRole.PARTICIPANT_ROLE_AGENT,
        participantId: sub,
        displayName,
        conversationId: '',
      };
    }
    if (role === 'visitor' && typeof cid === 'string' && isSubjectToken(cid)) {
      return {
        tenantId: tid,
        role: ParticipantRole.PARTICIPANT_ROLE_VISITOR,
        participantId: sub,
        displayName,
        conversationId: cid,
      };
    }
    throw unauthenticated('the token is invalid');
  }
}

function unauthenticated(message: string, cause?: unknown): SwitchboardError {
  return new SwitchboardError(ErrorCode.ERROR_CODE_UNAUTHENTICATED, message, false, { cause });
}
