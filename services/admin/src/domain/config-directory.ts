import {
  ErrorCode,
  type Agent,
  type CannedReply,
  type ConversationSummary,
  type Group,
  type Tenant,
  type WidgetKey,
} from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import type { PasswordHasher } from './password';
import type {
  AgentRepository,
  CannedReplyRepository,
  ConversationRepository,
  GroupRepository,
  TenantRepository,
  WidgetKeyRepository,
} from './ports';
import {
  listLimit,
  optionalSubjectToken,
  optionalVisitorId,
  requireSubjectToken,
  requireWidgetKey,
} from './validation';

export interface ConversationQuery {
  readonly tenantId: string;
  readonly agentId: string;
  readonly visitorId: string;
  readonly openOnly: boolean;
  readonly limit: number;
}

export interface ConfigDirectoryDeps {
  readonly tenants: TenantRepository;
  readonly agents: AgentRepository;
  readonly widgetKeys: WidgetKeyRepository;
  readonly conversations: ConversationRepository;
  readonly groups: GroupRepository;
  readonly cannedReplies: CannedReplyRepository;
  readonly hasher: PasswordHasher;
}

/** One message for every failed login, so callers cannot learn which emails or tenants exist. */
export const LOGIN_FAILED = 'invalid email or password';

/** The read side of configuration: lookups, login and conversation metadata, every one tenant-scoped. */
export class ConfigDirectory {
  constructor(private readonly deps: ConfigDirectoryDeps) {}

  async getTenant(tenantId: string): Promise<Tenant> {
    const tenant = await this.deps.tenants.findById(requireSubjectToken('tenant_id', tenantId));
    if (tenant === undefined) throw unknownTenant();
    return tenant;
  }

  async resolveWidgetKey(key: string): Promise<{ widgetKey: WidgetKey; tenant: Tenant }> {
    const widgetKey = await this.deps.widgetKeys.find(requireWidgetKey(key));
    const tenant = widgetKey === undefined ? undefined : await this.deps.tenants.findById(widgetKey.tenantId);
    if (widgetKey === undefined || tenant === undefined) {
      throw new SwitchboardError(ErrorCode.ERROR_CODE_UNKNOWN_TENANT, 'unknown widget key');
    }
    return { widgetKey, tenant };
  }

  /**
   * Unknown tenant, unknown email and wrong password all fail the same way and take the same scrypt
   * time. Malformed input (not an id, not an email) is refused before any lookup.
   */
  async authenticateAgent(tenantId: string, email: string, password: string): Promise<Agent> {
    const tenant = requireSubjectToken('tenant_id', tenantId);
    const normalized = email.trim().toLowerCase();
    if (normalized === '' || password === '') {
      throw new SwitchboardError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, 'email and password are required');
    }
    const stored =
      normalized.length <= 254 ? await this.deps.agents.findByEmail(tenant, normalized) : undefined;
    const ok =
      stored === undefined
        ? await this.deps.hasher.verifyAgainstDummy(password)
        : await this.deps.hasher.verify(password, stored.passwordHash);
    if (!ok || stored === undefined) {
      throw new SwitchboardError(ErrorCode.ERROR_CODE_UNAUTHENTICATED, LOGIN_FAILED);
    }
    return stored.agent;
  }

  async listAgents(tenantId: string): Promise<Agent[]> {
    await this.getTenant(tenantId);
    return this.deps.agents.list(tenantId);
  }

  /** The tenant's public widget keys, ordered by key; NOT_FOUND for an unknown tenant. */
  async listWidgetKeys(tenantId: string): Promise<WidgetKey[]> {
    await this.getTenant(tenantId);
    return this.deps.widgetKeys.list(tenantId);
  }

  /** Ordered by id; NOT_FOUND for an unknown tenant. */
  async listGroups(tenantId: string): Promise<Group[]> {
    await this.getTenant(tenantId);
    return this.deps.groups.list(tenantId);
  }

  /**
   * The tenant's shared replies plus, when `agentId` is set, that agent's own; sorted by shortcut, and
   * where an agent's reply has the same shortcut as a shared one, the agent's comes first (it wins in the
   * console).
   */
  async listCannedReplies(tenantId: string, agentId: string): Promise<CannedReply[]> {
    const agent = optionalSubjectToken('agent_id', agentId);
    await this.getTenant(tenantId);
    const replies = await this.deps.cannedReplies.list(tenantId, agent === undefined ? [''] : ['', agent]);
    return replies.sort(
      (a, b) =>
        compareStrings(a.shortcut, b.shortcut) ||
        Number(a.agentId === '') - Number(b.agentId === '') ||
        compareStrings(a.id, b.id),
    );
  }

  async getConversation(tenantId: string, conversationId: string): Promise<ConversationSummary> {
    const found = await this.deps.conversations.find(
      requireSubjectToken('tenant_id', tenantId),
      requireSubjectToken('conversation_id', conversationId),
    );
    if (found === undefined) {
      throw new SwitchboardError(ErrorCode.ERROR_CODE_NOT_FOUND, `conversation ${conversationId} not found`);
    }
    return found;
  }

  async listConversations(query: ConversationQuery): Promise<ConversationSummary[]> {
    const filter = {
      agentId: optionalSubjectToken('agent_id', query.agentId),
      visitorId: optionalVisitorId(query.visitorId),
      openOnly: query.openOnly,
      limit: listLimit(query.limit),
    };
    return this.deps.conversations.list(requireSubjectToken('tenant_id', query.tenantId), filter);
  }
}

/** Code-unit order, like MongoDB's default (binary) collation. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function unknownTenant(): SwitchboardError {
  return new SwitchboardError(ErrorCode.ERROR_CODE_UNKNOWN_TENANT, 'tenant not found');
}
