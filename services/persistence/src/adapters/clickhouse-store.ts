import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { StoreQueryError, StoreUnavailableError } from '../domain/errors';
import type { HistoryQuery, SearchQuery, MessageRow, MessageStore } from '../domain/ports';
import { sqlIdentifier, sqlString, sqlUInt } from './sql';

export interface ClickHouseOptions {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** Per-request limit, so a hung server fails a batch instead of stalling it. */
  readonly requestTimeoutMs?: number;
}

/** A client for the HTTP interface. Tables are always named with their database, so none is bound here. */
export function createClickHouseClient(opts: ClickHouseOptions): ClickHouseClient {
  return createClient({
    url: opts.url,
    username: opts.username,
    password: opts.password,
    request_timeout: opts.requestTimeoutMs ?? 10_000,
    application: 'switchboard-persistence',
    // Failures surface as thrown errors that the caller logs with its own context.
    log: { level: ClickHouseLogLevel.OFF },
  });
}

// JSON formats quote 64-bit integers, so numbers may come back as strings.
const int64 = z.union([z.number(), z.string().regex(/^-?\d+$/)]).transform((v, ctx) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) {
    ctx.addIssue({ code: 'custom', message: `${String(v)} is not a safe integer` });
    return z.NEVER;
  }
  return n;
});

const storedRow = z.object({
  tenant_id: z.string(),
  conversation_id: z.string(),
  seq: int64,
  client_msg_id: z.string(),
  sender_role: z.string(),
  sender_id: z.string(),
  sender_name: z.string(),
  channel: z.string(),
  kind: z.string(),
  text: z.string(),
  client_sent_at_ms: int64,
  accepted_at_ms: int64,
  accepted_at_unix: int64,
  metadata_keys: z.array(z.string()),
  metadata_values: z.array(z.string()),
});

const COLUMNS = [
  'tenant_id',
  'conversation_id',
  'seq',
  'client_msg_id',
  'sender_role',
  'sender_id',
  'sender_name',
  'channel',
  'kind',
  'text',
  'client_sent_at_ms',
  'accepted_at_ms',
  'toUnixTimestamp(accepted_at) AS accepted_at_unix',
  'metadata_keys',
  'metadata_values',
].join(', ');

/** The `messages` table of one ClickHouse database. */
export class ClickHouseMessageStore implements MessageStore {
  private readonly table: string;

  constructor(
    private readonly client: ClickHouseClient,
    database: string,
  ) {
    this.table = `${sqlIdentifier(database)}.messages`;
  }

  async insert(rows: readonly MessageRow[]): Promise<void> {
    if (rows.length === 0) return;
    try {
      await this.client.insert({ table: this.table, values: [...rows], format: 'JSONEachRow' });
    } catch (err) {
      throw classify(err, `inserting ${rows.length} rows`);
    }
  }

  list(q: HistoryQuery): Promise<MessageRow[]> {
    // FINAL collapses rows stored twice (redeliveries) to one per (tenant, conversation, seq).
    return this.select(
      `SELECT ${COLUMNS} FROM ${this.table} FINAL
      WHERE tenant_id = ${sqlString(q.tenantId)}
        AND conversation_id = ${sqlString(q.conversationId)}
        AND seq > ${sqlUInt(q.afterSeq)}
      ORDER BY seq
      LIMIT ${sqlUInt(q.maxRows)}`,
      'listing messages',
    );
  }

  async findByClientMsgId(
    tenantId: string,
    conversationId: string,
    clientMsgId: string,
  ): Promise<MessageRow | undefined> {
    const rows = await this.select(
      `SELECT ${COLUMNS} FROM ${this.table} FINAL
      WHERE tenant_id = ${sqlString(tenantId)}
        AND conversation_id = ${sqlString(conversationId)}
        AND client_msg_id = ${sqlString(clientMsgId)}
      ORDER BY seq
      LIMIT 1`,
      'finding a message',
    );
    return rows[0];
  }

  search(q: SearchQuery): Promise<MessageRow[]> {
    const scope = [
      `tenant_id = ${sqlString(q.tenantId)}`,
      ...(q.conversationId === undefined ? [] : [`conversation_id = ${sqlString(q.conversationId)}`]),
      ...(q.participantId === undefined
        ? []
        : [
            `conversation_id IN (SELECT conversation_id FROM ${this.table}
              WHERE tenant_id = ${sqlString(q.tenantId)} AND sender_id = ${sqlString(q.participantId)})`,
          ]),
    ];
    return this.select(
      `SELECT ${COLUMNS} FROM ${this.table} FINAL
      WHERE ${scope.join(' AND ')}
        AND positionCaseInsensitiveUTF8(text, ${sqlString(q.text)}) > 0
      ORDER BY accepted_at_ms DESC, conversation_id, seq DESC
      LIMIT ${sqlUInt(q.maxRows)}`,
      'searching messages',
    );
  }

  private async select(query: string, what: string): Promise<MessageRow[]> {
    let raw: unknown;
    try {
      const rs = await this.client.query({ query, format: 'JSONEachRow' });
      raw = await rs.json();
    } catch (err) {
      throw classify(err, what);
    }
    const parsed = z.array(storedRow).safeParse(raw);
    if (!parsed.success) {
      throw new StoreQueryError(`stored rows have an unexpected shape: ${parsed.error.message}`, {
        cause: parsed.error,
      });
    }
    return parsed.data.map(({ accepted_at_unix, ...row }) => ({ ...row, accepted_at: accepted_at_unix }));
  }

  async ping(): Promise<void> {
    const res = await this.client.ping();
    if (!res.success) throw classify(res.error, 'ping');
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Network trouble and timeouts are "unavailable"; anything the server itself answered is a query error. */
function classify(err: unknown, what: string): Error {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  if ((typeof code === 'string' && NETWORK_CODES.has(code)) || /timeout|socket hang up/i.test(message)) {
    return new StoreUnavailableError(`ClickHouse unavailable while ${what}: ${message}`, { cause: err });
  }
  return new StoreQueryError(`ClickHouse failed while ${what}: ${message}`, { cause: err });
}
