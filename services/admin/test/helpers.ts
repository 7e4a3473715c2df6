import { randomBytes } from 'node:crypto';
import {
  credentials,
  type ClientReadableStream,
  type ClientUnaryCall,
  type ServiceError,
} from '@grpc/grpc-js';
import {
  ConfigServiceClient,
  type AuthenticateAgentRequest,
  type AuthenticateAgentResponse,
  type DeleteCannedReplyRequest,
  type DeleteCannedReplyResponse,
  type DeleteGroupRequest,
  type DeleteGroupResponse,
  type GetConversationRequest,
  type GetConversationResponse,
  type GetTenantRequest,
  type GetTenantResponse,
  type ListAgentsRequest,
  type ListAgentsResponse,
  type ListCannedRepliesRequest,
  type ListCannedRepliesResponse,
  type ListConversationsRequest,
  type ListConversationsResponse,
  type ListGroupsRequest,
  type ListWidgetKeysRequest,
  type ListWidgetKeysResponse,
  type ListGroupsResponse,
  type ResolveWidgetKeyRequest,
  type ResolveWidgetKeyResponse,
  type UpdateTenantSettingsRequest,
  type UpdateTenantSettingsResponse,
  type UpsertAgentRequest,
  type UpsertAgentResponse,
  type UpsertCannedReplyRequest,
  type UpsertCannedReplyResponse,
  type UpsertGroupRequest,
  type UpsertGroupResponse,
  type WatchResponse,
} from '@switchboard/proto';
import { createLogger, startTelemetry } from '@switchboard/shared';
import { MongoClient } from 'mongodb';
import { loadAdminConfig, type AdminConfig } from '../src/config';
import { startAdmin, type AdminService } from '../src/main';

/** Servers come from the integration project's globalSetup (or the caller's environment). */
export function serverUrls(): { natsUrl: string; mongoUrl: string } {
  const natsUrl = process.env.NATS_URL;
  const mongoUrl = process.env.MONGO_URL;
  if (natsUrl === undefined || mongoUrl === undefined) {
    throw new Error('NATS_URL and MONGO_URL must be set (the testkit globalSetup sets them)');
  }
  return { natsUrl, mongoUrl };
}

/** A fresh database and subject namespace, so tests can share one server and run in parallel. */
export function isolation(): { database: string; namespace: string } {
  const id = randomBytes(5).toString('hex');
  return { database: `admin_test_${id}`, namespace: `adm${id}` };
}

export function testConfig(overrides: Record<string, string> = {}): AdminConfig {
  const { natsUrl, mongoUrl } = serverUrls();
  const { database, namespace } = isolation();
  return loadAdminConfig({
    NATS_URL: natsUrl,
    MONGO_URL: mongoUrl,
    MONGO_DATABASE: database,
    SB_NAMESPACE: namespace,
    GRPC_PORT: '0',
    HEALTH_PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...overrides,
  });
}

export async function startTestAdmin(config: AdminConfig): Promise<AdminService> {
  const logger = createLogger('admin-test', config.LOG_LEVEL);
  return startAdmin(config, { logger, telemetry: startTelemetry({ serviceName: 'admin-test' }) });
}

export function configClient(port: number): ConfigServiceClient {
  return new ConfigServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
}

type Unary<Req, Res> = (req: Req, cb: (err: ServiceError | null, res: Res) => void) => ClientUnaryCall;

function promised<Req, Res>(fn: Unary<Req, Res>): (req: Req) => Promise<Res> {
  return (req) =>
    new Promise<Res>((resolve, reject) => {
      fn(req, (err, res) => {
        if (err) reject(err);
        else resolve(res);
      });
    });
}

/** ConfigService's unary calls as promises. */
export interface ConfigApi {
  getTenant(req: GetTenantRequest): Promise<GetTenantResponse>;
  resolveWidgetKey(req: ResolveWidgetKeyRequest): Promise<ResolveWidgetKeyResponse>;
  authenticateAgent(req: AuthenticateAgentRequest): Promise<AuthenticateAgentResponse>;
  listAgents(req: ListAgentsRequest): Promise<ListAgentsResponse>;
  getConversation(req: GetConversationRequest): Promise<GetConversationResponse>;
  listConversations(req: ListConversationsRequest): Promise<ListConversationsResponse>;
  upsertAgent(req: UpsertAgentRequest): Promise<UpsertAgentResponse>;
  listGroups(req: ListGroupsRequest): Promise<ListGroupsResponse>;
  listWidgetKeys(req: ListWidgetKeysRequest): Promise<ListWidgetKeysResponse>;
  upsertGroup(req: UpsertGroupRequest): Promise<UpsertGroupResponse>;
  deleteGroup(req: DeleteGroupRequest): Promise<DeleteGroupResponse>;
  listCannedReplies(req: ListCannedRepliesRequest): Promise<ListCannedRepliesResponse>;
  upsertCannedReply(req: UpsertCannedReplyRequest): Promise<UpsertCannedReplyResponse>;
  deleteCannedReply(req: DeleteCannedReplyRequest): Promise<DeleteCannedReplyResponse>;
  updateTenantSettings(req: UpdateTenantSettingsRequest): Promise<UpdateTenantSettingsResponse>;
}

export function configApi(client: ConfigServiceClient): ConfigApi {
  return {
    getTenant: promised<GetTenantRequest, GetTenantResponse>((r, cb) => client.getTenant(r, cb)),
    resolveWidgetKey: promised<ResolveWidgetKeyRequest, ResolveWidgetKeyResponse>((r, cb) =>
      client.resolveWidgetKey(r, cb),
    ),
    authenticateAgent: promised<AuthenticateAgentRequest, AuthenticateAgentResponse>((r, cb) =>
      client.authenticateAgent(r, cb),
    ),
    listAgents: promised<ListAgentsRequest, ListAgentsResponse>((r, cb) => client.listAgents(r, cb)),
    getConversation: promised<GetConversationRequest, GetConversationResponse>((r, cb) =>
      client.getConversation(r, cb),
    ),
    listConversations: promised<ListConversationsRequest, ListConversationsResponse>((r, cb) =>
      client.listConversations(r, cb),
    ),
    upsertAgent: promised<UpsertAgentRequest, UpsertAgentResponse>((r, cb) => client.upsertAgent(r, cb)),
    listGroups: promised<ListGroupsRequest, ListGroupsResponse>((r, cb) => client.listGroups(r, cb)),
    listWidgetKeys: promised<ListWidgetKeysRequest, ListWidgetKeysResponse>((r, cb) =>
      client.listWidgetKeys(r, cb),
    ),
    upsertGroup: promised<UpsertGroupRequest, UpsertGroupResponse>((r, cb) => client.upsertGroup(r, cb)),
    deleteGroup: promised<DeleteGroupRequest, DeleteGroupResponse>((r, cb) => client.deleteGroup(r, cb)),
    listCannedReplies: promised<ListCannedRepliesRequest, ListCannedRepliesResponse>((r, cb) =>
      client.listCannedReplies(r, cb),
    ),
    upsertCannedReply: promised<UpsertCannedReplyRequest, UpsertCannedReplyResponse>((r, cb) =>
      client.upsertCannedReply(r, cb),
    ),
    deleteCannedReply: promised<DeleteCannedReplyRequest, DeleteCannedReplyResponse>((r, cb) =>
      client.deleteCannedReply(r, cb),
    ),
    updateTenantSettings: promised<UpdateTenantSettingsRequest, UpdateTenantSettingsResponse>((r, cb) =>
      client.updateTenantSettings(r, cb),
    ),
  };
}

/** What a Watch stream delivered so far. */
export interface CollectedWatch {
  messages: WatchResponse[];
  errors: ServiceError[];
  ended: boolean;
}

export function collectWatch(stream: ClientReadableStream<WatchResponse>): CollectedWatch {
  const c: CollectedWatch = { messages: [], errors: [], ended: false };
  stream.on('data', (m: WatchResponse) => c.messages.push(m));
  stream.on('error', (e: ServiceError) => c.errors.push(e));
  stream.on('end', () => {
    c.ended = true;
  });
  return c;
}

/** The gRPC status code a call failed with. */
export async function statusOf(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return (err as Partial<ServiceError>).code;
  }
}

/** The gRPC status and the typed `sb-error-code` a call failed with. */
export async function failureOf(
  p: Promise<unknown>,
): Promise<{ code: number | undefined; errorCode: string | undefined; details: string | undefined }> {
  try {
    await p;
  } catch (err) {
    const se = err as Partial<ServiceError>;
    const carried = se.metadata?.get('sb-error-code')[0];
    return {
      code: se.code,
      errorCode: typeof carried === 'string' ? carried : undefined,
      details: se.details,
    };
  }
  throw new Error('expected the call to fail');
}

/** Polls until `probe` returns a value that satisfies `cond`, or fails with the last value seen. */
export async function eventually<T>(
  probe: () => Promise<T>,
  cond: (value: T) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastErr: unknown;
  for (;;) {
    try {
      last = await probe();
      if (cond(last)) return last;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}; last value ${JSON.stringify(last)}${lastErr instanceof Error ? `, last error ${lastErr.message}` : ''}`,
      );
    }
    await new Promise<void>((resolve) => setTimeout(resolve, 25));
  }
}

/** Drops a test database after the test. */
export async function dropDatabase(mongoUrl: string, database: string): Promise<void> {
  const client = new MongoClient(mongoUrl);
  try {
    await client.db(database).dropDatabase();
  } finally {
    await client.close();
  }
}
