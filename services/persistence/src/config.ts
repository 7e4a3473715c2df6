import { commonEnv, env, loadConfig } from '@switchboard/shared';
import { z } from 'zod';

/** Environment of the persistence service; the only place process.env is read. */
export const persistenceEnv = z.object({
  ...commonEnv,
  CLICKHOUSE_URL: env.url(['http:', 'https:']).default('http://127.0.0.1:8123'),
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'letters, digits and underscores, not starting with a digit')
    .default('switchboard'),
  CLICKHOUSE_USER: z.string().min(1).default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  GRPC_PORT: env.port(50052),
  BATCH_MAX_ROWS: z.coerce.number().int().min(1).max(100_000).default(5000),
  BATCH_MAX_MS: z.coerce.number().int().min(1).max(60_000).default(200),
});

export type PersistenceConfig = z.output<typeof persistenceEnv>;

/** Validates the environment once at startup; throws a ConfigError listing every bad variable. */
export function loadPersistenceConfig(source: NodeJS.ProcessEnv = process.env): PersistenceConfig {
  return loadConfig(persistenceEnv, source);
}
