// In-memory implementations of the domain's ports, for unit tests.
import type {
  Agent,
  CannedReply,
  ConversationSummary,
  Group,
  Tenant,
  TenantSettings,
  WidgetKey,
} from '@switchboard/proto';
import { ConversationState } from '@switchboard/proto';
import { PasswordHasher, type ScryptParams } from '../domain/password';
import type {
  AgentRepository,
  CannedReplyRepository,
  ChangeAnnouncer,
  ChangeSignal,
  ConfigChange,
  ConfigChangeLog,
  ConversationFilter,
  ConversationRepository,
  GroupRepository,
  RevisionMark,
  StoredAgent,
  TenantRepository,
  WidgetKeyRepository,
} from '../domain/ports';

/** Cheap scrypt so unit tests stay fast; the format and code path are the production ones. */
export const fastScrypt: ScryptParams = { N: 1024, r: 8, p: 1, keyLength: 32, saltLength: 16 };

export function fastHasher(): PasswordHasher {
  return new PasswordHasher(fastScrypt);
}

export class InMemoryTenants implements TenantRepository {
  readonly rows = new Map<string, Tenant>();

  findById(tenantId: string): Promise<Tenant | undefined> {
    return Promise.resolve(this.rows.get(tenantId));
  }

  save(tenant: Tenant): Promise<void> {
    const current = this.rows.get(tenant.id);
    this.rows.set(tenant.id, {
      ...tenant,
      createdAtMs: current?.createdAtMs ?? tenant.createdAtMs,
      settings: current?.settings,
    });
    return Promise.resolve();
  }

  saveSettings(tenantId: string, settings: TenantSettings, updatedAtMs: number): Promise<boolean> {
    const current = this.rows.get(tenantId);
    if (current !== undefined) this.rows.set(tenantId, { ...current, settings, updatedAtMs });
    return Promise.resolve(current !== undefined);
  }

  count(): Promise<number> {
    return Promise.resolve(this.rows.size);
  }
}

export class InMemoryAgents implements AgentRepository {
  readonly rows = new Map<string, StoredAgent>();

  findByEmail(tenantId: string, email: string): Promise<StoredAgent | undefined> {
    return Promise.resolve(
      [...this.rows.values()].find((s) => s.agent.tenantId === tenantId && s.agent.email === email),
    );
  }

  findById(tenantId: string, agentId: string): Promise<Agent | undefined> {
    const stored = this.rows.get(agentId);
    return Promise.resolve(stored?.agent.tenantId === tenantId ? stored.agent : undefined);
  }

  list(tenantId: string): Promise<Agent[]> {
    const agents = [...this.rows.values()].filter((s) => s.agent.tenantId === tenantId).map((s) => s.agent);
    return Promise.resolve(agents.sort((a, b) => a.email.localeCompare(b.email)));
  }

  async insert(stored: StoredAgent): Promise<'inserted' | 'duplicate'> {
    if ((await this.findByEmail(stored.agent.tenantId, stored.agent.email)) !== undefined) return 'duplicate';
    this.rows.set(stored.agent.id, stored);
    return 'inserted';
  }

  update(stored: StoredAgent): Promise<void> {
    this.rows.set(stored.agent.id, stored);
    return Promise.resolve();
  }

  count(tenantId: string): Promise<number> {
    return Promise.resolve([...this.rows.values()].filter((s) => s.agent.tenantId === tenantId).length);
  }
}

export class InMemoryWidgetKeys implements WidgetKeyRepository {
  readonly rows = new Map<string, WidgetKey>();

  find(key: string): Promise<WidgetKey | undefined> {
    return Promise.resolve(this.rows.get(key));
  }

  save(widgetKey: WidgetKey): Promise<'saved' | 'taken'> {
    const current = this.rows.get(widgetKey.key);
    if (current !== undefined && current.tenantId !== widgetKey.tenantId) return Promise.resolve('taken');
    this.rows.set(widgetKey.key, {
      ...widgetKey,
      createdAtMs: current?.createdAtMs ?? widgetKey.createdAtMs,
    });
    return Promise.resolve('saved');
  }

  list(tenantId: string): Promise<WidgetKey[]> {
    return Promise.resolve([...this.rows.values()].filter((k) => k.tenantId === tenantId));
  }
}

export class InMemoryGroups implements GroupRepository {
  readonly rows = new Map<string, Group>();

  find(tenantId: string, groupId: string): Promise<Group | undefined> {
    return Promise.resolve(this.rows.get(`${tenantId}:${groupId}`));
  }

  list(tenantId: string): Promise<Group[]> {
    const groups = [...this.rows.values()].filter((g) => g.tenantId === tenantId);
    return Promise.resolve(groups.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
  }

  insert(group: Group): Promise<'inserted' | 'duplicate'> {
    const key = `${group.tenantId}:${group.id}`;
    if (this.rows.has(key)) return Promise.resolve('duplicate');
    this.rows.set(key, group);
    return Promise.resolve('inserted');
  }

  save(group: Group): Promise<void> {
    const key = `${group.tenantId}:${group.id}`;
    const current = this.rows.get(key);
    this.rows.set(key, { ...group, createdAtMs: current?.createdAtMs ?? group.createdAtMs });
    return Promise.resolve();
  }

  delete(tenantId: string, groupId: string): Promise<boolean> {
    return Promise.resolve(this.rows.delete(`${tenantId}:${groupId}`));
  }
}

/** Enforces one shortcut per owner like the unique index does. */
export class InMemoryCannedReplies implements CannedReplyRepository {
  readonly rows = new Map<string, CannedReply>();

  find(tenantId: string, replyId: string): Promise<CannedReply | undefined> {
    return Promise.resolve(this.rows.get(`${tenantId}:${replyId}`));
  }

  findByShortcut(tenantId: string, agentId: string, shortcut: string): Promise<CannedReply | undefined> {
    return Promise.resolve(
      [...this.rows.values()].find(
        (r) => r.tenantId === tenantId && r.agentId === agentId && r.shortcut === shortcut,
      ),
    );
  }

  list(tenantId: string, owners: readonly string[]): Promise<CannedReply[]> {
    return Promise.resolve(
      [...this.rows.values()].filter((r) => r.tenantId === tenantId && owners.includes(r.agentId)),
    );
  }

  async save(reply: CannedReply): Promise<'saved' | 'duplicate'> {
    const clash = await this.findByShortcut(reply.tenantId, reply.agentId, reply.shortcut);
    if (clash !== undefined && clash.id !== reply.id) return 'duplicate';
    const key = `${reply.tenantId}:${reply.id}`;
    const current = this.rows.get(key);
    this.rows.set(key, { ...reply, createdAtMs: current?.createdAtMs ?? reply.createdAtMs });
    return 'saved';
  }

  delete(tenantId: string, replyId: string): Promise<boolean> {
    return Promise.resolve(this.rows.delete(`${tenantId}:${replyId}`));
  }
}

export class InMemoryConversations implements ConversationRepository {
  readonly rows = new Map<string, ConversationSummary>();
  /** When set, the next saveIfNewer throws it (a database outage). */
  failNext: Error | undefined;

  find(tenantId: string, conversationId: string): Promise<ConversationSummary | undefined> {
    return Promise.resolve(this.rows.get(`${tenantId}:${conversationId}`));
  }

  list(tenantId: string, filter: ConversationFilter): Promise<ConversationSummary[]> {
    const rows = [...this.rows.values()]
      .filter((c) => c.tenantId === tenantId)
      .filter((c) => filter.agentId === undefined || c.agentId === filter.agentId)
      .filter((c) => filter.visitorId === undefined || c.visitorId === filter.visitorId)
      .filter((c) => !filter.openOnly || c.state !== ConversationState.CONVERSATION_STATE_CLOSED)
      .sort((a, b) => b.updatedAtMs - a.updatedAtMs);
    return Promise.resolve(rows.slice(0, filter.limit));
  }

  saveIfNewer(summary: ConversationSummary): Promise<boolean> {
    const failure = this.failNext;
    if (failure !== undefined) {
      this.failNext = undefined;
      return Promise.reject(failure);
    }
    const key = `${summary.tenantId}:${summary.conversationId}`;
    const current = this.rows.get(key);
    if (current !== undefined && current.version >= summary.version) return Promise.resolve(false);
    this.rows.set(key, summary);
    return Promise.resolve(true);
  }
}

/**
 * A change log whose entries can also be placed at chosen revisions, to model a writer that took a
 * revision but has not inserted it yet.
 */
export class InMemoryChangeLog implements ConfigChangeLog {
  readonly entries: ConfigChange[] = [];
  private counter = 0;
  queries = 0;

  append(change: Omit<ConfigChange, 'revision'>): Promise<ConfigChange> {
    const full = { ...change, revision: ++this.counter };
    this.put(full);
    return Promise.resolve(full);
  }

  /** Takes the next revision without writing it (the hole a slow writer leaves). */
  reserve(): number {
    return ++this.counter;
  }

  put(change: ConfigChange): void {
    this.entries.push(change);
    this.entries.sort((a, b) => a.revision - b.revision);
  }

  revisionsAfter(after: number, limit: number): Promise<RevisionMark[]> {
    this.queries++;
    return Promise.resolve(
      this.entries
        .filter((c) => c.revision > after)
        .slice(0, limit)
        .map((c) => ({ revision: c.revision, atMs: c.atMs })),
    );
  }

  changesBetween(
    tenantId: string | undefined,
    after: number,
    upTo: number,
    limit: number,
  ): Promise<ConfigChange[]> {
    return Promise.resolve(
      this.entries
        .filter((c) => c.revision > after && c.revision <= upTo)
        .filter((c) => tenantId === undefined || c.tenantId === tenantId)
        .slice(0, limit),
    );
  }
}

/** Records announcements and fans them out like the NATS subscription does. */
export class InMemoryNotifications implements ChangeAnnouncer, ChangeSignal {
  readonly announced: number[] = [];
  private readonly listeners = new Set<() => void>();

  announce(revision: number): void {
    this.announced.push(revision);
    this.notify();
  }

  notify(): void {
    for (const l of this.listeners) l();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}
