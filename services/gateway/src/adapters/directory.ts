import { credentials, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import {
  ConfigServiceClient,
  ConversationState,
  ErrorCode,
  type Agent,
  type CannedReply,
  type ConversationSummary,
  type Group,
  type Tenant,
  type TenantSettings,
  type WidgetKey,
} from '@switchboard/proto';
import { SwitchboardError, traceContextInterceptor, unaryCall, type UnaryMethod } from '@switchboard/shared';

/** What the gateway needs to know about tenants, agents and conversations (the admin service). */
export interface Directory {
  resolveWidgetKey(key: string): Promise<Tenant>;
  authenticateAgent(tenantId: string, email: string, password: string): Promise<Agent>;
  /** The tenant, or UNKNOWN_TENANT. Cached briefly: it is asked on every connect. */
  getTenant(tenantId: string): Promise<Tenant>;
  getConversation(tenantId: string, conversationId: string): Promise<ConversationSummary | undefined>;
  openConversationsOfAgent(tenantId: string, agentId: string): Promise<ConversationSummary[]>;
  ping(): Promise<void>;
  close(): void;
}

export interface ConversationFilter {
  /** Only this agent's conversations, when set. */
  readonly agentId?: string;
  /** Only this visitor's conversations, when set. */
  readonly visitorId?: string;
  readonly openOnly?: boolean;
  /** 1..500; default 100. */
  readonly limit?: number;
}

/** A canned reply to store: no id creates one; an empty agentId makes it shared by the tenant. */
export interface CannedReplyWrite {
  readonly tenantId: string;
  readonly id: string;
  readonly agentId: string;
  readonly shortcut: string;
  readonly text: string;
}

/**
 * What the agent console's REST endpoints and the widget's settings need of the admin service. Every
 * method takes the tenant explicitly; callers pass the one from the token, never one from the request.
 */
export interface ConsoleDirectory {
  /** The tenant, or UNKNOWN_TENANT. Cached briefly. */
  getTenant(tenantId: string): Promise<Tenant>;
  /** The tenant of a widget key, or UNKNOWN_TENANT. Known keys are cached briefly (it is a public call). */
  tenantOfWidgetKey(key: string): Promise<Tenant>;
  getConversation(tenantId: string, conversationId: string): Promise<ConversationSummary | undefined>;
  /** Newest first. */
  listConversations(tenantId: string, filter: ConversationFilter): Promise<ConversationSummary[]>;
  /** The tenant's shared replies plus `agentId`'s own. */
  listCannedReplies(tenantId: string, agentId: string): Promise<CannedReply[]>;
  upsertCannedReply(reply: CannedReplyWrite): Promise<CannedReply>;
  /** With `agentId` set, only that agent's own reply is deleted (FORBIDDEN otherwise); NOT_FOUND if none. */
  deleteCannedReply(tenantId: string, replyId: string, agentId: string): Promise<void>;
  listGroups(tenantId: string): Promise<Group[]>;
  listAgents(tenantId: string): Promise<Agent[]>;
}

/**
 * What the admin pages' REST endpoints need of the admin service. Writes are validated there; every
 * method takes the tenant explicitly (the caller's, from the token).
 */
export interface AdminDirectory {
  /** The tenant as stored now (no cache): what an admin edits. UNKNOWN_TENANT when there is none. */
  freshTenant(tenantId: string): Promise<Tenant>;
  listWidgetKeys(tenantId: string): Promise<WidgetKey[]>;
  listAgents(tenantId: string): Promise<Agent[]>;
  /** Creates (password required) or updates the agent with this email. */
  upsertAgent(agent: Agent, password: string): Promise<Agent>;
  listGroups(tenantId: string): Promise<Group[]>;
  upsertGroup(group: Group): Promise<Group>;
  deleteGroup(tenantId: string, groupId: string): Promise<void>;
  updateTenantSettings(tenantId: string, settings: TenantSettings): Promise<Tenant>;
}

/** Known widget keys remembered at most; the oldest is forgotten first. */
const MAX_CACHED_WIDGET_KEYS = 10_000;

/** Directory over the admin service's ConfigService gRPC. */
export class GrpcDirectory implements Directory, ConsoleDirectory, AdminDirectory {
  private readonly client: ConfigServiceClient;
  private readonly tenants = new Map<string, { tenant: Tenant; until: number }>();
  private readonly widgetKeys = new Map<string, { tenantId: string; until: number }>();

  constructor(
    address: string,
    private readonly timeoutMs = 3000,
    private readonly tenantCacheMs = 30_000,
  ) {
    this.client = new ConfigServiceClient(address, credentials.createInsecure(), {
      interceptors: [traceContextInterceptor],
    });
  }

  async resolveWidgetKey(key: string): Promise<Tenant> {
    const res = await this.call(this.client.resolveWidgetKey.bind(this.client), { key });
    if (res.tenant === undefined)
      throw new SwitchboardError(ErrorCode.ERROR_CODE_UNKNOWN_TENANT, 'unknown widget key');
    return res.tenant;
  }

  async authenticateAgent(tenantId: string, email: string, password: string): Promise<Agent> {
    const res = await this.call(this.client.authenticateAgent.bind(this.client), {
      tenantId,
      email,
      password,
    });
    if (res.agent === undefined)
      throw new SwitchboardError(ErrorCode.ERROR_CODE_UNAUTHENTICATED, 'bad credentials');
    return res.agent;
  }

  /** Drops every cached tenant and widget key: admin announced a configuration change. */
  forgetCached(): void {
    this.tenants.clear();
    this.widgetKeys.clear();
  }

  async getTenant(tenantId: string): Promise<Tenant> {
    const hit = this.tenants.get(tenantId);
    if (hit !== undefined && hit.until > Date.now()) return hit.tenant;
    return this.freshTenant(tenantId);
  }

  async freshTenant(tenantId: string): Promise<Tenant> {
    try {
      const res = await this.call(this.client.getTenant.bind(this.client), { tenantId });
      if (res.tenant === undefined) throw new SwitchboardError(ErrorCode.ERROR_CODE_NOT_FOUND, 'no tenant');
      this.tenants.set(tenantId, { tenant: res.tenant, until: Date.now() + this.tenantCacheMs });
      return res.tenant;
    } catch (err) {
      if (err instanceof SwitchboardError && err.code === ErrorCode.ERROR_CODE_NOT_FOUND) {
        throw new SwitchboardError(ErrorCode.ERROR_CODE_UNKNOWN_TENANT, 'unknown tenant', false, {
          cause: err,
        });
      }
      throw err;
    }
  }

  async tenantOfWidgetKey(key: string): Promise<Tenant> {
    const hit = this.widgetKeys.get(key);
    if (hit !== undefined && hit.until > Date.now()) return this.getTenant(hit.tenantId);
    const tenant = await this.resolveWidgetKey(key);
    this.widgetKeys.delete(key);
    if (this.widgetKeys.size >= MAX_CACHED_WIDGET_KEYS) {
      const oldest = this.widgetKeys.keys().next();
      if (oldest.done !== true) this.widgetKeys.delete(oldest.value);
    }
    this.widgetKeys.set(key, { tenantId: tenant.id, until: Date.now() + this.tenantCacheMs });
    this.tenants.set(tenant.id, { tenant, until: Date.now() + this.tenantCacheMs });
    return tenant;
  }

  async getConversation(tenantId: string, conversationId: string): Promise<ConversationSummary | undefined> {
    try {
      const res = await this.call(this.client.getConversation.bind(this.client), {
        tenantId,
        conversationId,
      });
      return res.conversation;
    } catch (err) {
      if (err instanceof SwitchboardError && err.code === ErrorCode.ERROR_CODE_NOT_FOUND) return undefined;
      throw err;
    }
  }

  async openConversationsOfAgent(tenantId: string, agentId: string): Promise<ConversationSummary[]> {
    const res = await this.call(this.client.listConversations.bind(this.client), {
      tenantId,
      agentId,
      visitorId: '',
      openOnly: true,
      limit: 500,
    });
    return res.conversations.filter((c) => c.state !== ConversationState.CONVERSATION_STATE_CLOSED);
  }

  async listConversations(tenantId: string, filter: ConversationFilter): Promise<ConversationSummary[]> {
    const res = await this.call(this.client.listConversations.bind(this.client), {
      tenantId,
      agentId: filter.agentId ?? '',
      visitorId: filter.visitorId ?? '',
      openOnly: filter.openOnly ?? false,
      limit: filter.limit ?? 0,
    });
    return res.conversations;
  }

  async listCannedReplies(tenantId: string, agentId: string): Promise<CannedReply[]> {
    const res = await this.call(this.client.listCannedReplies.bind(this.client), { tenantId, agentId });
    return res.replies;
  }

  async upsertCannedReply(reply: CannedReplyWrite): Promise<CannedReply> {
    const res = await this.call(this.client.upsertCannedReply.bind(this.client), {
      reply: { ...reply, createdAtMs: 0, updatedAtMs: 0 },
    });
    if (res.reply === undefined) {
      throw new SwitchboardError(ErrorCode.ERROR_CODE_INTERNAL, 'admin stored no canned reply');
    }
    return res.reply;
  }

  async deleteCannedReply(tenantId: string, replyId: string, agentId: string): Promise<void> {
    await this.call(this.client.deleteCannedReply.bind(this.client), { tenantId, replyId, agentId });
  }

  async listGroups(tenantId: string): Promise<Group[]> {
    const res = await this.call(this.client.listGroups.bind(this.client), { tenantId });
    return res.groups;
  }

  async listAgents(tenantId: string): Promise<Agent[]> {
    const res = await this.call(this.client.listAgents.bind(this.client), { tenantId });
    return res.agents;
  }

  async listWidgetKeys(tenantId: string): Promise<WidgetKey[]> {
    const res = await this.call(this.client.listWidgetKeys.bind(this.client), { tenantId });
    return res.widgetKeys;
  }

  async upsertAgent(agent: Agent, password: string): Promise<Agent> {
    const res = await this.call(this.client.upsertAgent.bind(this.client), { agent, password });
    if (res.agent === undefined)
      throw new SwitchboardError(ErrorCode.ERROR_CODE_INTERNAL, 'admin stored no agent');
    return res.agent;
  }

  async upsertGroup(group: Group): Promise<Group> {
    const res = await this.call(this.client.upsertGroup.bind(this.client), { group });
    if (res.group === undefined)
      throw new SwitchboardError(ErrorCode.ERROR_CODE_INTERNAL, 'admin stored no group');
    return res.group;
  }

  async deleteGroup(tenantId: string, groupId: string): Promise<void> {
    await this.call(this.client.deleteGroup.bind(this.client), { tenantId, groupId });
  }

  async updateTenantSettings(tenantId: string, settings: TenantSettings): Promise<Tenant> {
    const res = await this.call(this.client.updateTenantSettings.bind(this.client), { tenantId, settings });
    if (res.tenant === undefined)
      throw new SwitchboardError(ErrorCode.ERROR_CODE_INTERNAL, 'admin stored no tenant');
    // This gateway's widget settings and policy follow at once (others within the cache period).
    this.tenants.set(tenantId, { tenant: res.tenant, until: Date.now() + this.tenantCacheMs });
    return res.tenant;
  }

  async ping(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.client.waitForReady(Date.now() + this.timeoutMs, (err) => {
        if (err) reject(err);
        else resolve();
      });
    });
  }

  close(): void {
    this.client.close();
  }

  /** An admin without the RPC yet (during a rolling upgrade) is UNAVAILABLE, not an internal error. */
  private async call<Req, Res>(method: UnaryMethod<Req, Res>, req: Req): Promise<Res> {
    try {
      return await unaryCall(method, req, this.timeoutMs);
    } catch (err) {
      const cause =
        err instanceof SwitchboardError ? (err.cause as Partial<ServiceError> | undefined) : undefined;
      if (cause?.code === GrpcStatus.UNIMPLEMENTED) {
        throw new SwitchboardError(
          ErrorCode.ERROR_CODE_UNAVAILABLE,
          'the admin service does not serve this call yet',
          true,
          { cause: err },
        );
      }
      throw err;
    }
  }
}
