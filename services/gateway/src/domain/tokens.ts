import { ErrorCode, isSubjectToken, ParticipantRole, type VisitorContext } from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import { jwtVerify, SignJWT, errors as joseErrors, type JWTPayload } from 'jose';
import type { Identity } from './identity';
import {
  boundVisitorContext,
  emptyVisitorContext,
  isFormFieldKey,
  isWithinVisitorContextBounds,
} from './visitor-context-bounds';

const ISSUER = 'switchboard';
const AUDIENCE = 'switchboard-gateway';

export interface IssuedToken {
  readonly token: string;
  readonly expiresAtMs: number;
}

/** An agent's role as the `ar` claim spells it. */
export type AgentRank = 'agent' | 'supervisor' | 'admin';

export function rankOf(identity: Pick<Identity, 'supervisor' | 'admin'>): AgentRank {
  return identity.admin ? 'admin' : identity.supervisor ? 'supervisor' : 'agent';
}

/** The `ctx` claim: a visitor context with one-letter keys, empty values left out. */
interface ContextClaim {
  u?: string;
  r?: string;
  a?: string;
  l?: string;
  n?: string;
  e?: string;
  g?: string;
  f?: Record<string, string>;
}

const CONTEXT_CLAIM_KEYS = {
  u: 'pageUrl',
  r: 'referrer',
  a: 'userAgent',
  l: 'language',
  n: 'name',
  e: 'email',
  g: 'groupId',
} as const satisfies Record<string, keyof Omit<VisitorContext, 'fields'>>;

/**
 * Signs and verifies visitor and agent tokens: HS256 JWTs (jose) naming the tenant, the participant and,
 * for agents, their role (`ar`), for visitors, their conversation (`cid`) and context (`ctx`).
 *
 * A visitor context is cut to the limits of `boundVisitorContext` when issued (trimmed, never refused);
 * a token whose `ctx` is malformed or out of those limits is refused on verify, since this service could
 * not have issued it.
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
    const claims: JWTPayload = {
      tid: identity.tenantId,
      role: agent ? 'agent' : 'visitor',
      name: identity.displayName,
    };
    if (agent) {
      claims['ar'] = rankOf(identity);
    } else {
      claims['cid'] = identity.conversationId;
      const context = identity.context === undefined ? undefined : boundVisitorContext(identity.context);
      if (context !== undefined) claims['ctx'] = toClaim(context);
    }
    const token = await new SignJWT(claims)
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
    const { sub, tid, role, name, cid, ar, ctx } = payload;
    if (typeof sub !== 'string' || !isSubjectToken(sub) || typeof tid !== 'string' || !isSubjectToken(tid)) {
      throw unauthenticated('the token is invalid');
    }
    const displayName = typeof name === 'string' ? name : '';
    // Tokens issued before roles existed carry no `ar`: they are plain agents.
    if (role === 'agent' && (ar === undefined || ar === 'agent' || ar === 'supervisor' || ar === 'admin')) {
      return {
        tenantId: tid,
        role: ParticipantRole.PARTICIPANT_ROLE_AGENT,
        participantId: sub,
        displayName,
        conversationId: '',
        supervisor: ar === 'supervisor' || ar === 'admin',
        admin: ar === 'admin',
      };
    }
    if (role === 'visitor' && typeof cid === 'string' && isSubjectToken(cid)) {
      const context = ctx === undefined ? undefined : fromClaim(ctx);
      if (context === null) throw unauthenticated('the token is invalid');
      return {
        tenantId: tid,
        role: ParticipantRole.PARTICIPANT_ROLE_VISITOR,
        participantId: sub,
        displayName,
        conversationId: cid,
        supervisor: false,
        admin: false,
        ...(context === undefined ? {} : { context }),
      };
    }
    throw unauthenticated('the token is invalid');
  }
}

function toClaim(c: VisitorContext): ContextClaim {
  const claim: ContextClaim = {};
  for (const [short, field] of Object.entries(CONTEXT_CLAIM_KEYS) as [
    keyof typeof CONTEXT_CLAIM_KEYS,
    CtxField,
  ][]) {
    if (c[field] !== '') claim[short] = c[field];
  }
  if (Object.keys(c.fields).length > 0) claim.f = { ...c.fields };
  return claim;
}

type CtxField = (typeof CONTEXT_CLAIM_KEYS)[keyof typeof CONTEXT_CLAIM_KEYS];

/** The context in a `ctx` claim; undefined when it is empty, null when it is malformed or out of bounds. */
function fromClaim(claim: unknown): VisitorContext | undefined | null {
  if (!isRecord(claim)) return null;
  const c = emptyVisitorContext();
  for (const [short, field] of Object.entries(CONTEXT_CLAIM_KEYS) as [
    keyof typeof CONTEXT_CLAIM_KEYS,
    CtxField,
  ][]) {
    const v = claim[short];
    if (v === undefined) continue;
    if (typeof v !== 'string') return null;
    c[field] = v;
  }
  const fields = claim['f'];
  if (fields !== undefined) {
    if (!isRecord(fields)) return null;
    for (const [k, v] of Object.entries(fields)) {
      if (typeof v !== 'string' || !isFormFieldKey(k)) return null;
      c.fields[k] = v;
    }
  }
  if (!isWithinVisitorContextBounds(c)) return null;
  return boundVisitorContext(c);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unauthenticated(message: string, cause?: unknown): SwitchboardError {
  return new SwitchboardError(ErrorCode.ERROR_CODE_UNAUTHENTICATED, message, false, { cause });
}
