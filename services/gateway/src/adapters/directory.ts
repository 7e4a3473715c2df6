import { credentials } from '@grpc/grpc-js';
import {
  ConfigServiceClient,
  ConversationState,
  ErrorCode,
  type Agent,
  type ConversationSummary,
  type Tenant,
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

/** Directory over the admin service's ConfigService gRPC. */
export class GrpcDirectory implements Directory {
  private readonly client: ConfigServiceClient;
  private readonly tenants = new Map<string, { tenant: Tenant; until: number }>();

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

  async getTenant(tenantId: string): Promise<Tenant> {
    const hit = this.tenants.get(tenantId);
    if (hit !== undefined && hit.until > Date.now()) return hit.tenant;
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

  private call<Req, Res>(method: UnaryMethod<Req, Res>, req: Req): Promise<Res> {
    return unaryCall(method, req, this.timeoutMs);
  }
}
