import { commonEnv, env, loadConfig } from '@switchboard/shared';
import { hostname } from 'node:os';
import { z } from 'zod';

export const gatewayEnvSchema = z.object({
  ...commonEnv,
  /** The public HTTP + WebSocket port (0 picks a free one). */
  PORT: env.port(8080),
  HOST: z.string().default('0.0.0.0'),
  GATEWAY_ID: z.string().min(1).default(`${hostname()}-${process.pid}`),
  /** Total number of session partitions; must match the session and routing services. */
  PARTITIONS: env.positiveInt(64),
  /** host:port of the admin service's ConfigService gRPC. */
  ADMIN_GRPC_ADDR: z.string().min(1).default('127.0.0.1:50053'),
  /** HMAC key for visitor and agent tokens (HS256); at least 32 characters. */
  TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters'),
  VISITOR_TOKEN_TTL_S: env.positiveInt(30 * 24 * 3600),
  AGENT_TOKEN_TTL_S: env.positiveInt(12 * 3600),
  MAX_FRAME_BYTES: env.positiveInt(64 * 1024),
  HELLO_TIMEOUT_MS: env.positiveInt(10_000),
  PING_INTERVAL_MS: env.positiveInt(25_000),
  /** Bytes queued for one slow socket before the gateway drops it (the client resumes). */
  MAX_BACKPRESSURE_BYTES: env.positiveInt(1024 * 1024),
  APPEND_TIMEOUT_MS: env.positiveInt(5000),
  PRESENCE_INTERVAL_MS: env.positiveInt(5000),
});

export type GatewayConfig = z.output<typeof gatewayEnvSchema>;

export function loadGatewayConfig(source: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(gatewayEnvSchema, source);
}
