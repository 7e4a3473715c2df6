import { commonEnv, env, loadConfig } from '@switchboard/shared';
import { z } from 'zod';

export const routingEnvSchema = z.object({
  ...commonEnv,
  /** Total number of session partitions; must match the session and gateway. */
  PARTITIONS: env.positiveInt(64),
  /** An agent not reported by any gateway for this long is offline. */
  PRESENCE_TTL_MS: env.positiveInt(15_000),
  MAX_CONVERSATIONS_PER_AGENT: env.positiveInt(5),
  COMMAND_TIMEOUT_MS: env.positiveInt(5000),
  /** How often waiting conversations are retried. */
  DISPATCH_TICK_MS: env.positiveInt(1000),
});

export type RoutingConfig = z.output<typeof routingEnvSchema>;

export function loadRoutingConfig(source: NodeJS.ProcessEnv = process.env): RoutingConfig {
  return loadConfig(routingEnvSchema, source);
}
