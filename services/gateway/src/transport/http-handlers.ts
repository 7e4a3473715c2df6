import { ConversationState, ParticipantRole, type VisitorContext } from '@switchboard/proto';
import type { Logger } from '@switchboard/shared';
import { randomUUID } from 'node:crypto';
import type { ConsoleDirectory, Directory } from '../adapters/directory';
import type { Identity } from '../domain/identity';
import type { TokenService } from '../domain/tokens';
import { logIfInternal, type PendingResponse, type RequestInfo } from './http';
import {
  agentLoginBody,
  MAX_JSON_BODY_BYTES,
  parse,
  queryObject,
  visitorContextOf,
  visitorSessionBody,
  widgetSettingsQuery,
} from './http-requests';
import { agentRank, widgetSettingsJson } from './json-views';

/** How long browsers and proxies may keep a tenant's widget settings. */
const WIDGET_SETTINGS_MAX_AGE_S = 30;

/** The public REST endpoints: visitor sessions and widget settings for a widget key, and agent login. */
export class AuthEndpoints {
  constructor(
    private readonly tokens: TokenService,
    private readonly directory: Directory & ConsoleDirectory,
    private readonly logger: Logger,
  ) {}

  /**
   * POST /v1/visitor/sessions. A renewed session (a valid previous token whose conversation is still open)
   * keeps its context unless the body brings a new one; otherwise the context is the body's, completed with
   * the request's User-Agent and Accept-Language.
   */
  async visitorSession(res: PendingResponse, req: RequestInfo): Promise<void> {
    try {
      const body = parse(visitorSessionBody, await res.readJson(MAX_JSON_BODY_BYTES));
      const tenant = await this.directory.resolveWidgetKey(body.widget_key);
      const previous = await this.previousVisitor(body.token ?? undefined, tenant.id);
      const renewed = previous !== undefined && (await this.stillOpen(previous));
      const context: VisitorContext | undefined =
        renewed && body.context == null ? previous.context : visitorContextOf(body.context, req);
      const displayName = body.display_name ?? nonEmpty(context?.name) ?? previous?.displayName ?? '';
      const identity: Identity = {
        tenantId: tenant.id,
        role: ParticipantRole.PARTICIPANT_ROLE_VISITOR,
        participantId: previous?.participantId ?? randomUUID(),
        displayName,
        conversationId: renewed ? previous.conversationId : randomUUID(),
        supervisor: false,
        admin: false,
        context,
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
      logIfInternal(this.logger, err);
      res.problem(err);
    }
  }

  /** POST /v1/agent/login */
  async agentLogin(res: PendingResponse): Promise<void> {
    try {
      const body = parse(agentLoginBody, await res.readJson(MAX_JSON_BODY_BYTES));
      const agent = await this.directory.authenticateAgent(body.tenant_id, body.email, body.password);
      const role = agentRank(agent.role);
      const identity: Identity = {
        tenantId: agent.tenantId,
        role: ParticipantRole.PARTICIPANT_ROLE_AGENT,
        participantId: agent.id,
        displayName: agent.displayName,
        conversationId: '',
        supervisor: role !== 'agent',
        admin: role === 'admin',
      };
      const issued = await this.tokens.issue(identity);
      res.json(200, {
        token: issued.token,
        tenant_id: agent.tenantId,
        agent_id: agent.id,
        display_name: agent.displayName,
        role,
        expires_at_ms: issued.expiresAtMs,
      });
    } catch (err) {
      logIfInternal(this.logger, err);
      res.problem(err);
    }
  }

  /** GET /v1/widget/settings?key=<widget key>: what the widget shows before there is a session. */
  async widgetSettings(res: PendingResponse, req: RequestInfo): Promise<void> {
    try {
      const { key } = parse(widgetSettingsQuery, queryObject(req.query));
      const tenant = await this.directory.tenantOfWidgetKey(key);
      res.json(200, widgetSettingsJson(tenant.settings?.widget), {
        'cache-control': `public, max-age=${WIDGET_SETTINGS_MAX_AGE_S}`,
      });
    } catch (err) {
      logIfInternal(this.logger, err);
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
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}
