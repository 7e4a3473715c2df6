import type {
  Agent,
  CannedReply,
  ConversationSummary,
  Group,
  Tenant,
  TenantSettings,
  WatchResponse,
  WidgetKey,
} from '@switchboard/proto';

// Interfaces the domain owns; adapters implement them (MongoDB, NATS), unit tests fake them.

/** One entry of the configuration change log, exactly as Watch streams it. */
export type ConfigChange = WatchResponse;

/** An agent with its credential. Only the domain ever sees `passwordHash`; no RPC returns it. */
export interface StoredAgent {
  readonly agent: Agent;
  readonly passwordHash: string;
}

export interface TenantRepository {
  findById(tenantId: string): Promise<Tenant | undefined>;
  /** Inserts or replaces the tenant's name and updated_at; created_at and settings are kept on update. */
  save(tenant: Tenant): Promise<void>;
  /** Replaces the settings and updated_at only; false when the tenant does not exist. */
  saveSettings(tenantId: string, settings: TenantSettings, updatedAtMs: number): Promise<boolean>;
  count(): Promise<number>;
}

export interface AgentRepository {
  findByEmail(tenantId: string, email: string): Promise<StoredAgent | undefined>;
  /** Without credentials. */
  findById(tenantId: string, agentId: string): Promise<Agent | undefined>;
  /** The tenant's agents ordered by email, without credentials. */
  list(tenantId: string): Promise<Agent[]>;
  /** 'duplicate' when (tenant_id, email) is already taken. */
  insert(stored: StoredAgent): Promise<'inserted' | 'duplicate'>;
  update(stored: StoredAgent): Promise<void>;
  count(tenantId: string): Promise<number>;
}

export interface WidgetKeyRepository {
  /** Widget keys are globally unique: resolving one is how a visitor's tenant is found. */
  find(key: string): Promise<WidgetKey | undefined>;
  /** 'taken' when the key already belongs to another tenant. */
  save(widgetKey: WidgetKey): Promise<'saved' | 'taken'>;
  list(tenantId: string): Promise<WidgetKey[]>;
}

export interface GroupRepository {
  find(tenantId: string, groupId: string): Promise<Group | undefined>;
  /** The tenant's groups ordered by id. */
  list(tenantId: string): Promise<Group[]>;
  /** Creates only: 'duplicate' when the tenant already has a group with that id. */
  insert(group: Group): Promise<'inserted' | 'duplicate'>;
  /** Creates or replaces; created_at is kept on replace. */
  save(group: Group): Promise<void>;
  /** False when there was no such group. */
  delete(tenantId: string, groupId: string): Promise<boolean>;
}

export interface CannedReplyRepository {
  find(tenantId: string, replyId: string): Promise<CannedReply | undefined>;
  /** The owner's reply with this shortcut; agentId '' is the tenant (shared replies). */
  findByShortcut(tenantId: string, agentId: string, shortcut: string): Promise<CannedReply | undefined>;
  /** Replies whose agent_id is one of `owners` ('' for shared ones), in no particular order. */
  list(tenantId: string, owners: readonly string[]): Promise<CannedReply[]>;
  /** Creates or replaces; 'duplicate' when the owner already has another reply with this shortcut. */
  save(reply: CannedReply): Promise<'saved' | 'duplicate'>;
  /** False when there was no such reply. */
  delete(tenantId: string, replyId: string): Promise<boolean>;
}

export interface ConversationFilter {
  readonly agentId?: string | undefined;
  readonly visitorId?: string | undefined;
  readonly openOnly: boolean;
  readonly limit: number;
}

export interface ConversationRepository {
  find(tenantId: string, conversationId: string): Promise<ConversationSummary | undefined>;
  /** Most recently updated first. */
  list(tenantId: string, filter: ConversationFilter): Promise<ConversationSummary[]>;
  /** Writes `summary` unless the stored version is already >= summary.version; true when written. */
  saveIfNewer(summary: ConversationSummary): Promise<boolean>;
}

/** Revision and time of a change, for spotting revisions that were allocated but not yet written. */
export interface RevisionMark {
  readonly revision: number;
  readonly atMs: number;
}

export interface ConfigChangeReader {
  /** Every tenant's revisions greater than `after`, ascending. */
  revisionsAfter(after: number, limit: number): Promise<RevisionMark[]>;
  /** Changes with after < revision <= upTo (one tenant's when tenantId is set), ascending. */
  changesBetween(
    tenantId: string | undefined,
    after: number,
    upTo: number,
    limit: number,
  ): Promise<ConfigChange[]>;
}

export interface ConfigChangeLog extends ConfigChangeReader {
  /** Allocates the next revision and appends the change under it. */
  append(change: Omit<ConfigChange, 'revision'>): Promise<ConfigChange>;
}

/** Tells every admin instance that the change log grew. Best effort: Watch also polls. */
export interface ChangeAnnouncer {
  announce(revision: number): void;
}

/** In-process fan-out of "the change log grew" notifications. */
export interface ChangeSignal {
  /** Returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

export type Clock = () => number;
