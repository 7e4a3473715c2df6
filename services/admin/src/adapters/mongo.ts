import { ErrorCode } from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import {
  MongoClient,
  MongoNetworkError,
  MongoServerError,
  MongoServerSelectionError,
  type Db,
  type IndexDescription,
} from 'mongodb';

/**
 * Collection names and document shapes. Only plain CRUD, findOneAndUpdate ($inc, upsert) and
 * createIndexes are used: no transactions, no change streams, no aggregation, so the same code runs on
 * MongoDB and on FerretDB.
 */
export const Collections = {
  tenants: 'tenants',
  agents: 'agents',
  widgetKeys: 'widget_keys',
  conversations: 'conversations',
  groups: 'groups',
  cannedReplies: 'canned_replies',
  configChanges: 'config_changes',
  counters: 'counters',
} as const;

/** Protobuf JSON (lowerCamelCase, defaults left out) of a nested policy message, e.g. TenantSettings. */
export type ProtoJsonDoc = Record<string, unknown>;

export interface TenantDoc {
  _id: string;
  name: string;
  created_at: Date;
  updated_at: Date;
  /** TenantSettings; absent until UpdateTenantSettings first runs (then every default applies). */
  settings?: ProtoJsonDoc | null;
}

export interface AgentDoc {
  _id: string;
  tenant_id: string;
  email: string;
  display_name: string;
  role: string;
  max_concurrent: number;
  password_hash: string;
  created_at: Date;
  updated_at: Date;
  // Absent in documents written before groups existed.
  group_ids?: string[];
  skills?: string[];
  languages?: string[];
}

export interface WidgetKeyDoc {
  _id: string;
  tenant_id: string;
  name: string;
  created_at: Date;
}

export interface ConversationDoc {
  /** `${tenant_id}:${conversation_id}` */
  _id: string;
  tenant_id: string;
  conversation_id: string;
  state: string;
  visitor_id: string;
  agent_id: string;
  last_seq: number;
  opened_at: Date;
  updated_at: Date;
  channel: string;
  version: number;
  // The rest is absent in documents projected before ConversationEvent carried the whole record.
  group_id?: string;
  priority?: number;
  labels?: string[];
  previous_agent_id?: string;
  transfer_to_agent_id?: string;
  /** Times that are 0 in the record are stored as null. */
  queued_at?: Date | null;
  assigned_at?: Date | null;
  accepted_at?: Date | null;
  closed_at?: Date | null;
  reopen_until?: Date | null;
  reopen_count?: number;
  visitor_context?: VisitorContextDoc | null;
  csat?: CsatDoc | null;
  declined_agent_ids?: string[];
  agent_display_name?: string;
}

export interface VisitorContextDoc {
  page_url: string;
  referrer: string;
  user_agent: string;
  language: string;
  name: string;
  email: string;
  group_id: string;
  /** The pre-chat form's other fields as pairs: form keys are free text, and may contain `.` or start with `$`. */
  fields: { key: string; value: string }[];
}

export interface CsatDoc {
  score: number;
  comment: string;
  at: Date;
  agent_id: string;
}

export interface GroupDoc {
  /** `${tenant_id}:${group_id}`: group ids are unique per tenant only. */
  _id: string;
  tenant_id: string;
  group_id: string;
  name: string;
  skills: string[];
  languages: string[];
  manual_pick: boolean;
  max_concurrent_per_agent: number;
  /** BusinessHours; null when the group uses the tenant's. */
  business_hours: ProtoJsonDoc | null;
  created_at: Date;
  updated_at: Date;
}

export interface CannedReplyDoc {
  /** `${tenant_id}:${reply_id}` */
  _id: string;
  tenant_id: string;
  reply_id: string;
  /** '' for a reply shared by the tenant. */
  agent_id: string;
  shortcut: string;
  text: string;
  created_at: Date;
  updated_at: Date;
}

export interface ConfigChangeDoc {
  revision: number;
  tenant_id: string;
  entity: string;
  entity_id: string;
  op: string;
  at: Date;
  /** The record after the change, in the record's own document shape minus secrets; null for a DELETE. */
  value: Record<string, unknown> | null;
}

export interface CounterDoc {
  _id: string;
  value: number;
}

/** Index sets per collection; createIndexes is idempotent, so every instance runs it at startup. */
export const indexes: Readonly<Record<string, IndexDescription[]>> = {
  [Collections.agents]: [{ key: { tenant_id: 1, email: 1 }, name: 'tenant_email_unique', unique: true }],
  [Collections.widgetKeys]: [{ key: { tenant_id: 1 }, name: 'tenant' }],
  [Collections.conversations]: [
    { key: { tenant_id: 1, agent_id: 1, state: 1 }, name: 'tenant_agent_state' },
    { key: { tenant_id: 1, visitor_id: 1 }, name: 'tenant_visitor' },
    { key: { tenant_id: 1, updated_at: 1 }, name: 'tenant_updated' },
  ],
  [Collections.groups]: [{ key: { tenant_id: 1, group_id: 1 }, name: 'tenant_group' }],
  [Collections.cannedReplies]: [
    // One shortcut per owner: the tenant (agent_id '') or one agent.
    { key: { tenant_id: 1, agent_id: 1, shortcut: 1 }, name: 'tenant_owner_shortcut_unique', unique: true },
  ],
  [Collections.configChanges]: [
    { key: { revision: 1 }, name: 'revision_unique', unique: true },
    { key: { tenant_id: 1, revision: 1 }, name: 'tenant_revision' },
  ],
};

/**
 * One spec per createIndexes command: FerretDB 1.24 panics ("slice bounds out of range") when a single
 * command lists two or more indexes that already exist, which is every restart.
 */
export async function ensureIndexes(db: Db): Promise<void> {
  for (const [collection, specs] of Object.entries(indexes)) {
    for (const spec of specs) await db.collection(collection).createIndexes([spec]);
  }
}

export interface MongoConnection {
  readonly client: MongoClient;
  readonly db: Db;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function connectMongo(url: string, database: string, appName: string): Promise<MongoConnection> {
  const client = new MongoClient(url, { appName, serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  const db = client.db(database);
  return {
    client,
    db,
    ping: async () => {
      await db.command({ ping: 1 });
    },
    close: () => client.close(),
  };
}

export const DUPLICATE_KEY = 11000;

export function isDuplicateKey(err: unknown): boolean {
  return err instanceof MongoServerError && err.code === DUPLICATE_KEY;
}

/**
 * Runs a database call, turning "cannot reach the database" into a retryable UNAVAILABLE so callers
 * see a typed error instead of INTERNAL.
 */
export async function storeCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof MongoNetworkError || err instanceof MongoServerSelectionError) {
      throw new SwitchboardError(ErrorCode.ERROR_CODE_UNAVAILABLE, `database unavailable (${what})`, true, {
        cause: err,
      });
    }
    throw err;
  }
}
