import { commonEnv, ConfigError, env, loadConfig } from '@switchboard/shared';
import { hostname } from 'node:os';
import path from 'node:path';
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
  /** Bytes queued for one socket after a send past which it is closed with 4009 (the client resumes). */
  MAX_BACKPRESSURE_BYTES: env.positiveInt(1024 * 1024),
  /** How long one append request to the session partition owner may take. */
  APPEND_TIMEOUT_MS: env.positiveInt(3000),
  /** How long a conversation command (accept, transfer, close, ...) or a pick waits for session or routing. */
  COMMAND_TIMEOUT_MS: env.positiveInt(5000),
  /** How long the gateway keeps retrying an append (no owner, timeout, UNAVAILABLE) before telling the client. */
  APPEND_DEADLINE_MS: env.positiveInt(15_000),
  PRESENCE_INTERVAL_MS: env.positiveInt(5000),
  /** host:port of persistence's HistoryService gRPC: messages older than the stream keeps. */
  HISTORY_GRPC_ADDR: z.string().min(1).default('127.0.0.1:50052'),
  HISTORY_TIMEOUT_MS: env.positiveInt(5000),
  /** Read marks are written to NATS KV at most once per participant and conversation per this period. */
  READ_MARK_FLUSH_MS: env.positiveInt(5000),
  /** The built widget (widget.js) served at /widget.js; default: the @switchboard/widget package's build. */
  WIDGET_DIR: z
    .string()
    .min(1)
    .default(() => builtWebApp('@switchboard/widget')),
  /** The built agent console served under /console/; default: the @switchboard/console package's build. */
  CONSOLE_DIR: z
    .string()
    .min(1)
    .default(() => builtWebApp('@switchboard/console')),
});

/** `<package dir>/dist/public`, where services/build-web.mjs writes a web app's bundle. */
function builtWebApp(pkg: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), 'dist', 'public');
}

export type GatewayConfig = z.output<typeof gatewayEnvSchema>;

/** An attempt longer than the whole deadline could never be retried: refuse the combination. */
function checkAppendTimings(c: GatewayConfig): GatewayConfig {
  if (c.APPEND_TIMEOUT_MS > c.APPEND_DEADLINE_MS) {
    throw new ConfigError([
      `APPEND_TIMEOUT_MS: must not exceed APPEND_DEADLINE_MS (${c.APPEND_TIMEOUT_MS} > ${c.APPEND_DEADLINE_MS})`,
    ]);
  }
  return c;
}

export function loadGatewayConfig(source: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return checkAppendTimings(loadConfig(gatewayEnvSchema, source));
}
