import {
  AgentRole,
  Channel,
  ConversationState,
  ErrorCode,
  type Agent,
  type CannedReply,
  type ConversationSummary,
  type Group,
  type Tenant,
} from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import type {
  CannedReplyWrite,
  ConsoleDirectory,
  ConversationFilter,
  Directory,
} from '../../adapters/directory';
import type { RawHttpResponse, RequestInfo } from '../http';

/** A uWS response double: records what was written; `send` delivers a body the way uWS does. */
export class FakeResponse implements RawHttpResponse {
  status = '';
  readonly headers = new Map<string, string>();
  body: string | undefined;
  private dataHandler: ((chunk: ArrayBuffer, isLast: boolean) => void) | undefined;
  private abortHandler: (() => void) | undefined;

  get hasDataHandler(): boolean {
    return this.dataHandler !== undefined;
  }

  get statusCode(): number {
    return Number(this.status.split(' ')[0]);
  }

  json(): Record<string, unknown> {
    return JSON.parse(this.body ?? 'null') as Record<string, unknown>;
  }

  onAborted(handler: () => void): this {
    this.abortHandler = handler;
    return this;
  }

  onData(handler: (chunk: ArrayBuffer, isLast: boolean) => void): this {
    this.dataHandler = handler;
    return this;
  }

  cork(cb: () => void): this {
    cb();
    return this;
  }

  writeStatus(status: string): this {
    this.status = status;
    return this;
  }

  writeHeader(key: string, value: string): this {
    this.headers.set(key, value);
    return this;
  }

  end(body = ''): this {
    this.body = body;
    return this;
  }

  /** Delivers `body` (JSON-encoded unless a string) as the request body, in one chunk. */
  send(body: unknown): void {
    const bytes = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const chunk = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    if (this.dataHandler === undefined) throw new Error('no onData handler was registered');
    this.dataHandler(chunk, true);
  }

  abort(): void {
    this.abortHandler?.();
  }
}

export function request(over: Partial<Omit<RequestInfo, 'query'>> & { query?: string } = {}): RequestInfo {
  return {
    authorization: over.authorization ?? '',
    userAgent: over.userAgent ?? '',
    acceptLanguage: over.acceptLanguage ?? '',
    query: new URLSearchParams(over.query ?? ''),
    params: over.params ?? {},
  };
}

export function conversation(over: Partial<ConversationSummary> = {}): ConversationSummary {
  return {
    tenantId: 'demo',
    conversationId: 'c1',
    state: ConversationState.CONVERSATION_STATE_QUEUED,
    visitorId: 'v1',
    agentId: '',
    lastSeq: 3,
    openedAtMs: 1000,
    updatedAtMs: 1100,
    channel: Channel.CHANNEL_WEB_WIDGET,
    version: 2,
    groupId: 'general',
    priority: 0,
    labels: [],
    previousAgentId: '',
    transferToAgentId: '',
    queuedAtMs: 1050,
    assignedAtMs: 0,
    acceptedAtMs: 0,
    closedAtMs: 0,
    reopenUntilMs: 0,
    reopenCount: 0,
    visitorContext: undefined,
    csat: undefined,
    declinedAgentIds: [],
    agentDisplayName: '',
    ...over,
  };
}

export function agentRecord(over: Partial<Agent> & Pick<Agent, 'id'>): Agent {
  return {
    tenantId: 'demo',
    email: `${over.id}@demo.test`,
    displayName: over.id,
    role: AgentRole.AGENT_ROLE_AGENT,
    maxConcurrent: 3,
    createdAtMs: 1,
    updatedAtMs: 1,
    groupIds: ['general'],
    skills: [],
    languages: [],
    ...over,
  };
}

/** The admin service in memory, with its rules for canned replies and conversation lists. */
export class FakeDirectory implements Directory, ConsoleDirectory {
  readonly tenants = new Map<string, Tenant>([
    ['demo', { id: 'demo', name: 'Demo', createdAtMs: 1, updatedAtMs: 1 }],
  ]);
  readonly widgetKeys = new Map<string, string>([['demo-widget-key', 'demo']]);
  readonly conversations: ConversationSummary[] = [];
  readonly replies: CannedReply[] = [];
  readonly groups: Group[] = [];
  readonly agents: Agent[] = [];
  readonly calls: string[] = [];
  private nextId = 1;

  resolveWidgetKey(key: string): Promise<Tenant> {
    this.calls.push(`resolveWidgetKey ${key}`);
    const tenantId = this.widgetKeys.get(key);
    const tenant = tenantId === undefined ? undefined : this.tenants.get(tenantId);
    if (tenant === undefined) return Promise.reject(unknownTenant());
    return Promise.resolve(tenant);
  }

  tenantOfWidgetKey(key: string): Promise<Tenant> {
    return this.resolveWidgetKey(key);
  }

  authenticateAgent(tenantId: string, email: string, password: string): Promise<Agent> {
    const agent = this.agents.find((a) => a.tenantId === tenantId && a.email === email);
    if (agent === undefined || password !== 'switchboard') {
      return Promise.reject(new SwitchboardError(ErrorCode.ERROR_CODE_UNAUTHENTICATED, 'bad credentials'));
    }
    return Promise.resolve(agent);
  }

  getTenant(tenantId: string): Promise<Tenant> {
    const t = this.tenants.get(tenantId);
    return t === undefined ? Promise.reject(unknownTenant()) : Promise.resolve(t);
  }

  getConversation(tenantId: string, conversationId: string): Promise<ConversationSummary | undefined> {
    this.calls.push(`getConversation ${tenantId} ${conversationId}`);
    return Promise.resolve(
      this.conversations.find((c) => c.tenantId === tenantId && c.conversationId === conversationId),
    );
  }

  openConversationsOfAgent(tenantId: string, agentId: string): Promise<ConversationSummary[]> {
    return this.listConversations(tenantId, { agentId, openOnly: true, limit: 500 });
  }

  listConversations(tenantId: string, filter: ConversationFilter): Promise<ConversationSummary[]> {
    this.calls.push(`listConversations ${tenantId} ${JSON.stringify(filter)}`);
    const limit = filter.limit === undefined || filter.limit === 0 ? 100 : Math.min(filter.limit, 500);
    return Promise.resolve(
      this.conversations
        .filter(
          (c) =>
            c.tenantId === tenantId &&
            (filter.agentId === undefined || filter.agentId === '' || c.agentId === filter.agentId) &&
            (filter.visitorId === undefined || filter.visitorId === '' || c.visitorId === filter.visitorId) &&
            (filter.openOnly !== true || c.state !== ConversationState.CONVERSATION_STATE_CLOSED),
        )
        .sort((a, b) => b.openedAtMs - a.openedAtMs)
        .slice(0, limit),
    );
  }

  listCannedReplies(tenantId: string, agentId: string): Promise<CannedReply[]> {
    this.calls.push(`listCannedReplies ${tenantId} ${agentId}`);
    return Promise.resolve(
      this.replies.filter((r) => r.tenantId === tenantId && (r.agentId === '' || r.agentId === agentId)),
    );
  }

  upsertCannedReply(w: CannedReplyWrite): Promise<CannedReply> {
    this.calls.push(`upsertCannedReply ${JSON.stringify(w)}`);
    const current = this.replies.find((r) => r.tenantId === w.tenantId && r.id === w.id);
    if (current !== undefined && current.agentId !== w.agentId) {
      return Promise.reject(new SwitchboardError(ErrorCode.ERROR_CODE_FORBIDDEN, 'not yours'));
    }
    const clash = this.replies.find(
      (r) =>
        r.tenantId === w.tenantId && r.agentId === w.agentId && r.shortcut === w.shortcut && r.id !== w.id,
    );
    if (clash !== undefined) {
      return Promise.reject(new SwitchboardError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, 'shortcut taken'));
    }
    const reply: CannedReply = {
      ...w,
      id: w.id === '' ? `r${this.nextId++}` : w.id,
      createdAtMs: current?.createdAtMs ?? 5,
      updatedAtMs: 6,
    };
    if (current === undefined) this.replies.push(reply);
    else this.replies.splice(this.replies.indexOf(current), 1, reply);
    return Promise.resolve(reply);
  }

  deleteCannedReply(tenantId: string, replyId: string, agentId: string): Promise<void> {
    this.calls.push(`deleteCannedReply ${tenantId} ${replyId} ${agentId}`);
    const i = this.replies.findIndex((r) => r.tenantId === tenantId && r.id === replyId);
    const reply = this.replies[i];
    if (reply === undefined) {
      return Promise.reject(new SwitchboardError(ErrorCode.ERROR_CODE_NOT_FOUND, 'no such reply'));
    }
    if (agentId !== '' && reply.agentId !== agentId) {
      return Promise.reject(new SwitchboardError(ErrorCode.ERROR_CODE_FORBIDDEN, 'not yours'));
    }
    this.replies.splice(i, 1);
    return Promise.resolve();
  }

  listGroups(tenantId: string): Promise<Group[]> {
    return Promise.resolve(this.groups.filter((g) => g.tenantId === tenantId));
  }

  listAgents(tenantId: string): Promise<Agent[]> {
    return Promise.resolve(this.agents.filter((a) => a.tenantId === tenantId));
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {
    // nothing to release
  }
}

function unknownTenant(): SwitchboardError {
  return new SwitchboardError(ErrorCode.ERROR_CODE_UNKNOWN_TENANT, 'unknown tenant');
}
