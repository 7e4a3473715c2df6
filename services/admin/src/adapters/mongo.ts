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
  configChanges: 'config_changes',
  counters: 'counters',
} as const;

export interface TenantDoc {
  _id: string;
  name: string;
  created_at: Date;
  updated_at: Date;
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
}

export interface ConfigChangeDoc {
  revision: number;
  tenant_id: string;
  entity: string;
  entity_id: string;
  op: string;
  at: Date;
  /** The record after the change, in the record's own document shape minus secrets. */
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
