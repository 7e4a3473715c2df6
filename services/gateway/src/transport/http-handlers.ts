import { ConversationState, ErrorCode, ParticipantRole } from '@switchboard/proto';
import { asSwitchboardError, SwitchboardError, type Logger } from '@switchboard/shared';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Directory } from '../adapters/directory';
import type { Identity } from '../domain/identity';
import type { TokenService } from '../domain/tokens';
import { HttpProblem, type PendingResponse } from './http';

export const MAX_JSON_BODY_BYTES = 64 * 1024;

const visitorSessionBody = z.object({
  widget_key: z.string().min(1).max(128),
  token: z.string().max(4096).optional(),
  display_name: z.string().trim().max(80).optional(),
});

const agentLoginBody = z.object({
  tenant_id: z.string().min(1).max(64),
  email: z.string().min(3).max(254),
  password: z.string().min(1).max(1024),
});

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const detail = r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
  throw new HttpProblem(400, ErrorCode.ERROR_CODE_INVALID_ARGUMENT, detail);
}

/** The REST endpoints: visitor sessions for a widget key, and agent login. */
export class AuthEndpoints {
  constructor(
    private readonly tokens: TokenService,
    private readonly directory: Directory,
    private readonly logger: Logger,
  ) {}

  /** POST /v1/visitor/sessions */
  async visitorSession(res: PendingResponse): Promise<void> {
    try {
      const body = parse(visitorSessionBody, await res.readJson(MAX_JSON_BODY_BYTES));
      const tenant = await this.directory.resolveWidgetKey(body.widget_key);
      const previous = await this.previousVisitor(body.token, tenant.id);
      const identity: Identity = {
        tenantId: tenant.id,
        role: ParticipantRole.PARTICIPANT_ROLE_VISITOR,
        participantId: previous?.participantId ?? randomUUID(),
        displayName: body.display_name ?? previous?.displayName ?? '',
        conversationId:
          previous !== undefined && (await this.stillOpen(previous)) ? previous.conversationId : randomUUID(),
      };
      const issued = await this.tokens.issue(identity);
      res.json(201, {
        token: issued.token,
        tenant_id: identity.tenantId,
        visitor_id: identity.participantId,
        conversation_id: identity.conversationId,
        expires_at_ms: issued.expiresAtMs,
      });
    } catch (err) {
      this.logIfInternal(err);
      res.problem(err);
    }
  }

  /** POST /v1/agent/login */
  async agentLogin(res: PendingResponse): Promise<void> {
    try {
      const body = parse(agentLoginBody, await res.readJson(MAX_JSON_BODY_BYTES));
      const agent = await this.directory.authenticateAgent(body.tenant_id, body.email, body.password);
      const identity: Identity = {
        tenantId: agent.tenantId,
        role: ParticipantRole.PARTICIPANT_ROLE_AGENT,
        participantId: agent.id,
        displayName: agent.displayName,
        conversationId: '',
      };
      const issued = await this.tokens.issue(identity);
      res.json(200, {
        token: issued.token,
        tenant_id: agent.tenantId,
        agent_id: agent.id,
        display_name: agent.displayName,
        expires_at_ms: issued.expiresAtMs,
      });
    } catch (err) {
      this.logIfInternal(err);
      res.problem(err);
    }
  }

  /** A previous visitor token keeps the visitor's id; an invalid one is simply ignored. */
  private async previousVisitor(token: string | undefined, tenantId: string): Promise<Identity | undefined> {
    if (token === undefined || token === '') return undefined;
    try {
      const identity = await this.tokens.verify(token);
      return identity.role === ParticipantRole.PARTICIPANT_ROLE_VISITOR && identity.tenantId === tenantId
        ? identity
        : undefined;
    } catch {
      return undefined;
    }
  }

  private async stillOpen(previous: Identity): Promise<boolean> {
    const c = await this.directory.getConversation(previous.tenantId, previous.conversationId);
    return c === undefined || c.state !== ConversationState.CONVERSATION_STATE_CLOSED;
  }

  private logIfInternal(err: unknown): void {
    if (err instanceof HttpProblem) return;
    const e = asSwitchboardError(err);
    if (e.code === ErrorCode.ERROR_CODE_INTERNAL || (e instanceof SwitchboardError && e.retryable)) {
      this.logger.error({ err }, 'HTTP request failed');
    }
  }
}
