import { commonEnv, env, loadConfig } from '@switchboard/shared';
import { hostname } from 'node:os';
import { z } from 'zod';

export const sessionEnvSchema = z
  .object({
    ...commonEnv,
    /** Total number of session partitions; every gateway and session instance must agree. */
    PARTITIONS: env.positiveInt(64),
    /** Unique per instance: it names the instance in partition leases. */
    INSTANCE_ID: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 characters of [A-Za-z0-9_-]')
      .default(
        `${hostname()
          .replace(/[^A-Za-z0-9_-]/g, '-')
          .slice(0, 40)}-${process.pid}`,
      ),
    /** How long a partition lease lasts without renewal: the longest a dead owner's partitions wait. */
    LEASE_TTL_MS: env.positiveInt(4000),
    /** How often leases are renewed and partitions rebalanced. */
    LEASE_RENEW_MS: env.positiveInt(1000),
    /** How long a JetStream append may take before the sender is told to retry. */
    APPEND_TIMEOUT_MS: env.positiveInt(5000),
    MAX_LIVE_CONVERSATIONS: env.positiveInt(50_000),
    /** host:port of persistence's HistoryService, asked about retries of messages trimmed from SB_CONV. */
    HISTORY_GRPC_ADDR: z.string().min(1).default('127.0.0.1:50052'),
  })
  .refine((c) => c.LEASE_RENEW_MS * 3 <= c.LEASE_TTL_MS, {
    message: 'LEASE_RENEW_MS must be at most a third of LEASE_TTL_MS',
    path: ['LEASE_RENEW_MS'],
  });

export type SessionConfig = z.output<typeof sessionEnvSchema>;

export function loadSessionConfig(source: NodeJS.ProcessEnv = process.env): SessionConfig {
  return loadConfig(sessionEnvSchema, source);
}
