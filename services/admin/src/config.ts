import { commonEnv, env, loadConfig } from '@switchboard/shared';
import { z } from 'zod';

// The only module that reads process.env (through loadConfig's default argument).

const mongoUrl = () =>
  z
    .string()
    .regex(/^mongodb(\+srv)?:\/\/\S+$/, 'must be a mongodb:// or mongodb+srv:// connection string')
    .default('mongodb://127.0.0.1:27017');

const mongoDatabase = () =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, 'letters, digits, _ and - only, at most 63')
    .default('switchboard');

const mongoEnv = {
  MONGO_URL: mongoUrl(),
  MONGO_DATABASE: mongoDatabase(),
};

export const adminConfigSchema = z.object({
  ...commonEnv,
  ...mongoEnv,
  GRPC_PORT: env.port(50053),
  /** Watch streams re-query the change log this often even without a NATS notification. */
  WATCH_POLL_MS: env.positiveInt(2_000),
  /** How long a Watch stream waits for a missing revision (a writer between $inc and insert) before skipping it. */
  WATCH_GAP_GRACE_MS: env.positiveInt(10_000),
});

export type AdminConfig = z.output<typeof adminConfigSchema>;

/** Validates the environment once at startup; throws ConfigError listing every bad variable. */
export function loadAdminConfig(source?: NodeJS.ProcessEnv): AdminConfig {
  return source === undefined ? loadConfig(adminConfigSchema) : loadConfig(adminConfigSchema, source);
}

export const seedConfigSchema = z.object({
  LOG_LEVEL: commonEnv.LOG_LEVEL,
  NATS_URL: commonEnv.NATS_URL,
  SB_NAMESPACE: commonEnv.SB_NAMESPACE,
  ...mongoEnv,
  SEED_AGENT_PASSWORD: z.string().min(1).default('switchboard'),
  /**
   * Overrides every demo agent's max_concurrent (default: each agent's own, 2). Test suites and the
   * benchmark that put many conversations on the two demo agents raise it.
   */
  SEED_AGENT_MAX_CONCURRENT: z.coerce.number().int().min(1).max(100).optional(),
});

export type SeedConfig = z.output<typeof seedConfigSchema>;

export function loadSeedConfig(source?: NodeJS.ProcessEnv): SeedConfig {
  return source === undefined ? loadConfig(seedConfigSchema) : loadConfig(seedConfigSchema, source);
}
