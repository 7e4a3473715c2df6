import { ConversationState, ErrorCode, isSubjectToken, type ConversationSummary } from '@switchboard/proto';
import { SwitchboardError, type Logger } from '@switchboard/shared';
import type { ConsoleDirectory } from '../adapters/directory';
import { isAgent, type Identity } from '../domain/identity';
import type { HistorySearch } from '../domain/ports';
import type { TokenService } from '../domain/tokens';
import { logIfInternal, type PendingResponse, type RequestInfo } from './http';
import {
  cannedReplyBody,
  conversationListQuery,
  MAX_JSON_BODY_BYTES,
  MAX_LIST_LIMIT,
  parse,
  queryObject,
  searchQuery,
} from './http-requests';
import { agentJson, cannedReplyJson, conversationJson, groupJson, searchHitJson } from './json-views';

/** How many of a visitor's other conversations a conversation's record lists. */
export const MAX_PREVIOUS_CONVERSATIONS = 20;

/**
 * The agent console's REST endpoints (`/v1/agent/...`, Authorization: Bearer <agent token>). The tenant and
 * the agent always come from the token: nothing in the request can name another tenant.
 */
export class AgentEndpoints {
  constructor(
    private readonly tokens: TokenService,
    private readonly directory: ConsoleDirectory,
    private readonly history: HistorySearch,
    private readonly logger: Logger,
  ) {}

  /** GET /v1/agent/canned-replies: the tenant's shared replies and the agent's own. */
  cannedReplies(res: PendingResponse, req: RequestInfo): Promise<void> {
    return this.answer(res, async () => {
      const agent = await this.agentOf(req);
      const replies = await this.visibleReplies(agent);
      res.json(200, { replies: replies.map(cannedReplyJson) });
    });
  }

  /**
   * POST /v1/agent/canned-replies: creates or updates a reply. Without `id`, the owner's reply with the same
   * shortcut is updated (else one is created); with `id`, that reply (the owner never changes).
   */
  saveCannedReply(res: PendingResponse, req: RequestInfo): Promise<void> {
    return this.answer(res, async () => {
      // uWS delivers the body only to an onData registered before the handler returns: both calls start
      // synchronously here, before the first await.
      const [agent, raw] = await Promise.all([this.agentOf(req), res.readJson(MAX_JSON_BODY_BYTES)]);
      const body = parse(cannedReplyBody, raw);
      const visible = await this.visibleReplies(agent);
      const id = body.id ?? '';
      let owner: string;
      let existing: string | undefined;
      if (id !== '') {
        const current = visible.find((r) => r.id === id);
        if (current === undefined) throw notFound(`no canned reply ${id}`);
        if (body.shared != null && body.shared !== (current.agentId === '')) {
          throw new SwitchboardError(
            ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
            'shared: a reply cannot move between the tenant and an agent',
          );
        }
        owner = current.agentId;
        existing = current.id;
      } else {
        owner = body.shared === true ? '' : agent.participantId;
        existing = visible.find((r) => r.agentId === owner && r.shortcut === body.shortcut)?.id;
      }
      if (owner === '' && !agent.admin) throw forbidden('only admins may change shared canned replies');
      const stored = await this.directory.upsertCannedReply({
        tenantId: agent.tenantId,
        id: existing ?? '',
        agentId: owner,
        shortcut: body.shortcut,
        text: body.text,
      });
      res.json(existing === undefined ? 201 : 200, cannedReplyJson(stored));
    });
  }

  /** DELETE /v1/agent/canned-replies/:id: the agent's own reply, or (admins) a shared one. */
  deleteCannedReply(res: PendingResponse, req: RequestInfo): Promise<void> {
    return this.answer(res, async () => {
      const agent = await this.agentOf(req);
      const id = pathId(req, 'id', 'canned reply');
      // Another agent's reply is invisible: 404, like one that does not exist.
      const reply = (await this.visibleReplies(agent)).find((r) => r.id === id);
      if (reply === undefined) throw notFound(`no canned reply ${id}`);
      if (reply.agentId === '' && !agent.admin)
        throw forbidden('only admins may delete shared canned replies');
      await this.directory.deleteCannedReply(agent.tenantId, id, reply.agentId);
      res.noContent();
    });
  }

  /**
   * GET /v1/agent/conversations/:id: the record plus the same visitor's other conversations, newest first.
   * Any agent of the conversation's tenant may read it.
   */
  conversation(res: PendingResponse, req: RequestInfo): Promise<void> {
    return this.answer(res, async () => {
      const agent = await this.agentOf(req);
      const id = pathId(req, 'id', 'conversation');
      const c = await this.directory.getConversation(agent.tenantId, id);
      if (c === undefined || c.tenantId !== agent.tenantId) throw notFound(`no conversation ${id}`);
      const previous =
        c.visitorId === ''
          ? []
          : newestFirst(
              (
                await this.directory.listConversations(agent.tenantId, {
                  visitorId: c.visitorId,
                  limit: MAX_PREVIOUS_CONVERSATIONS + 1,
                })
              ).filter(
                (p) =>
                  p.conversationId !== c.conversationId &&
                  p.tenantId === agent.tenantId &&
                  p.visitorId === c.visitorId,
              ),
            ).slice(0, MAX_PREVIOUS_CONVERSATIONS);
      res.json(200, { ...conversationJson(c), previous_conversations: previous.map(conversationJson) });
    });
  }

  /**
   * GET /v1/agent/conversations?scope=mine|all|closed&limit=: mine = the agent's open ones; all = every open
   * one of the tenant (supervisors); closed = the agent's closed ones (a supervisor's: every closed one).
   */
  conversations(res: PendingResponse, req: RequestInfo): Promise<void> {
    return this.answer(res, async () => {
      const agent = await this.agentOf(req);
      const { scope, limit } = parse(conversationListQuery, queryObject(req.query));
      const tenantId = agent.tenantId;
      const me = agent.participantId;
      let list: ConversationSummary[];
      switch (scope) {
        case 'mine':
          list = (
            await this.directory.listConversations(tenantId, { agentId: me, openOnly: true, limit })
          ).filter((c) => c.agentId === me && !closed(c));
          break;
        case 'all':
          if (!agent.supervisor) throw forbidden('only supervisors may list every conversation');
          list = (await this.directory.listConversations(tenantId, { openOnly: true, limit })).filter(
            (c) => !closed(c),
          );
          break;
        case 'closed':
          // Admin has no "closed only" filter: the closed ones among the newest MAX_LIST_LIMIT.
          list = (
            await this.directory.listConversations(tenantId, {
              ...(agent.supervisor ? {} : { agentId: me }),
              openOnly: false,
              limit: MAX_LIST_LIMIT,
            })
          )
            .filter((c) => closed(c) && (agent.supervisor || c.agentId === me))
            .slice(0, limit);
          break;
      }
      res.json(200, {
        conversations: list.filter((c) => c.tenantId === tenantId).map(conversationJson),
      });
    });
  }

  /** GET /v1/agent/groups */
  groups(res: PendingResponse, req: RequestInfo): Promise<void> {
    return this.answer(res, async () => {
      const agent = await this.agentOf(req);
      const groups = await this.directory.listGroups(agent.tenantId);
      res.json(200, { groups: groups.map(groupJson) });
    });
  }

  /** GET /v1/agent/agents: transfer targets; no emails. */
  agents(res: PendingResponse, req: RequestInfo): Promise<void> {
    return this.answer(res, async () => {
      const agent = await this.agentOf(req);
      const agents = await this.directory.listAgents(agent.tenantId);
      res.json(200, { agents: agents.filter((a) => a.tenantId === agent.tenantId).map(agentJson) });
    });
  }

  /**
   * GET /v1/agent/search?q=&limit=&conversation_id=: stored messages containing `q`, newest first.
   * Supervisors search the whole tenant; agents the conversations they wrote in.
   */
  search(res: PendingResponse, req: RequestInfo): Promise<void> {
    return this.answer(res, async () => {
      const agent = await this.agentOf(req);
      const { q, limit, conversation_id } = parse(searchQuery, queryObject(req.query));
      const page = await this.history.search(agent.tenantId, q, {
        limit,
        ...(agent.supervisor ? {} : { participantId: agent.participantId }),
        ...(conversation_id === undefined ? {} : { conversationId: conversation_id }),
      });
      res.json(200, {
        hits: page.messages.filter((m) => m.tenantId === agent.tenantId).map(searchHitJson),
        has_more: page.hasMore,
      });
    });
  }

  private answer(res: PendingResponse, work: () => Promise<void>): Promise<void> {
    return answerWith(this.logger, res, work);
  }

  private agentOf(req: RequestInfo): Promise<Identity> {
    return agentOf(this.tokens, req);
  }

  private async visibleReplies(agent: Identity) {
    const replies = await this.directory.listCannedReplies(agent.tenantId, agent.participantId);
    return replies.filter((r) => r.agentId === '' || r.agentId === agent.participantId);
  }
}

/** Runs an endpoint's work; any failure becomes a problem+json answer (logged when it is the server's). */
export async function answerWith(
  logger: Logger,
  res: PendingResponse,
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (err) {
    logIfInternal(logger, err);
    res.problem(err);
  }
}

/** The agent behind the bearer token: 401 without a valid token, 403 for a visitor's. */
export async function agentOf(tokens: TokenService, req: RequestInfo): Promise<Identity> {
  const identity = await tokens.verify(bearerToken(req.authorization));
  if (!isAgent(identity)) throw forbidden('this endpoint is for agents; a visitor token was sent');
  return identity;
}

/** The token of an `Authorization: Bearer <token>` header; UNAUTHENTICATED when there is none. */
export function bearerToken(authorization: string): string {
  const m = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(authorization);
  if (m?.[1] === undefined) {
    throw new SwitchboardError(
      ErrorCode.ERROR_CODE_UNAUTHENTICATED,
      'an agent token is required: Authorization: Bearer <token>',
    );
  }
  return m[1];
}

/** A route's id parameter; one that cannot be an id names nothing: NOT_FOUND. */
export function pathId(req: RequestInfo, name: string, what: string): string {
  const id = req.params[name] ?? '';
  if (!isSubjectToken(id)) throw notFound(`no ${what} ${JSON.stringify(id.slice(0, 80))}`);
  return id;
}

function closed(c: ConversationSummary): boolean {
  return c.state === ConversationState.CONVERSATION_STATE_CLOSED;
}

function newestFirst(list: ConversationSummary[]): ConversationSummary[] {
  return [...list].sort((a, b) => b.openedAtMs - a.openedAtMs);
}

export function notFound(message: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.ERROR_CODE_NOT_FOUND, message);
}

export function forbidden(message: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.ERROR_CODE_FORBIDDEN, message);
}
