import { env, loadConfig } from '@switchboard/shared';
import { z } from 'zod';

export const devstackEnvSchema = z.object({
  LOG_LEVEL: env.logLevel().default('warn'),
  /** The gateway's port on 127.0.0.1. */
  SB_GATEWAY_PORT: env.port(8080),
  /** The demo shop (a customer's page with the widget) on 127.0.0.1, its own origin. */
  SB_DEMO_PORT: env.port(8081),
  /** Print every service log line. */
  SB_VERBOSE: env.bool(false),
  /** Token key for the local stack only; production sets its own. */
  TOKEN_SECRET: z.string().min(32).default('local-development-only-token-secret-change-me'),
  SEED_AGENT_PASSWORD: z.string().min(1).default('switchboard'),
});

export type DevstackConfig = z.output<typeof devstackEnvSchema>;

export function loadDevstackConfig(source: NodeJS.ProcessEnv = process.env): DevstackConfig {
  return loadConfig(devstackEnvSchema, source);
}
