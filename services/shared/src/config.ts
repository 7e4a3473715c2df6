import { z } from 'zod';

/** Thrown at startup when the environment does not satisfy a service's schema; lists every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

/**
 * Validates `env` against a zod object schema whose keys are environment variable names.
 * Fails fast, listing every bad variable at once rather than the first one.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.map(String).join('.') || '(root)';
    const value = issue.path.length > 0 ? env[String(issue.path[0])] : undefined;
    const shown = value === undefined ? 'unset' : isSecret(key) ? 'set (hidden)' : JSON.stringify(value);
    return `${key}: ${issue.message} (${shown})`;
  });
  throw new ConfigError(problems);
}

function isSecret(key: string): boolean {
  return /SECRET|PASSWORD|TOKEN|KEY/i.test(key);
}

/** Reusable field schemas, so every service spells the same variable the same way. */
export const env = {
  port: (def: number) => z.coerce.number().int().min(0).max(65535).default(def),
  url: (protocols: readonly string[]) =>
    z.string().refine(
      (s) => {
        try {
          return protocols.includes(new URL(s).protocol);
        } catch {
          return false;
        }
      },
      { message: `must be a URL with scheme ${protocols.join(' or ')}` },
    ),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  bool: (def: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(def ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1'),
  /** A NATS subject namespace for isolated test runs; empty in production. */
  namespace: () =>
    z
      .string()
      .regex(/^[a-z0-9]{0,32}$/, 'lowercase letters and digits only')
      .default(''),
  positiveInt: (def: number) => z.coerce.number().int().positive().default(def),
};

/** Variables every service reads. */
export const commonEnv = {
  LOG_LEVEL: env.logLevel(),
  NATS_URL: env.url(['nats:', 'tls:', 'ws:', 'wss:']).default('nats://127.0.0.1:4222'),
  SB_NAMESPACE: env.namespace(),
  HEALTH_PORT: env.port(0),
  OTEL_EXPORTER_OTLP_ENDPOINT: env.url(['http:', 'https:']).optional(),
  SHUTDOWN_GRACE_MS: env.positiveInt(10_000),
};
