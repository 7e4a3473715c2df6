import { commonEnv, env, loadConfig } from '@switchboard/shared';
import { z } from 'zod';

/** host:port of a gRPC server (no scheme). */
const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port')
  .refine((s) => Number(s.slice(s.lastIndexOf(':') + 1)) <= 65535, 'port must be at most 65535');

export const routingEnvSchema = z.object({
  ...commonEnv,
  /** Total number of session partitions; must match the session and gateway. */
  PARTITIONS: env.positiveInt(64),
  /** Admin's ConfigService (gRPC): tenant settings, groups and agents, and their changes. */
  ADMIN_GRPC_ADDR: hostPort,
  /** An agent not reported by any gateway for this long is offline. */
  PRESENCE_TTL_MS: env.positiveInt(15_000),
  /** Session command and admin call timeout. */
  COMMAND_TIMEOUT_MS: env.positiveInt(5000),
  /** How often routing plans (offers, timeouts, idle closes, queue signals). */
  DISPATCH_TICK_MS: env.positiveInt(500),
  /** Queue status and snapshots are re-sent this often even when nothing changed. */
  QUEUE_STATUS_INTERVAL_MS: env.positiveInt(5000),
  /** Coalesced agent-stats writes to KV happen at most this long after a change. */
  STATS_FLUSH_MS: env.positiveInt(2000),
});

export type RoutingConfig = z.output<typeof routingEnvSchema>;

/** Validates the environment once; unknown variables are ignored. */
export function loadRoutingConfig(source: NodeJS.ProcessEnv = process.env): RoutingConfig {
  return loadConfig(routingEnvSchema, source);
}
