import { randomBytes } from 'node:crypto';
import { credentials, type ClientUnaryCall, type ServiceError } from '@grpc/grpc-js';
import {
  ConfigServiceClient,
  type AuthenticateAgentRequest,
  type AuthenticateAgentResponse,
  type GetConversationRequest,
  type GetConversationResponse,
  type GetTenantRequest,
  type GetTenantResponse,
  type ListAgentsRequest,
  type ListAgentsResponse,
  type ListConversationsRequest,
  type ListConversationsResponse,
  type ResolveWidgetKeyRequest,
  type ResolveWidgetKeyResponse,
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
  };
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
