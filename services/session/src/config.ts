import { commonEnv, env, loadConfig } from '@switchboard/shared';
import { hostname } from 'node:os';
import { z } from 'zod';

const partitionList = z
  .string()
  .default('all')
  .refine((s) => s === 'all' || /^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(s), {
    message: 'must be "all" or a list like "0-15,32"',
  });

export const sessionEnvSchema = z.object({
  ...commonEnv,
  /** Total number of session partitions; every gateway and session instance must agree. */
  PARTITIONS: env.positiveInt(64),
  /** The partitions this instance owns. */
  OWNED_PARTITIONS: partitionList,
  INSTANCE_ID: z.string().min(1).default(`${hostname()}-${process.pid}`),
  /** How long a JetStream append may take before the sender is told to retry. */
  APPEND_TIMEOUT_MS: env.positiveInt(5000),
  MAX_LIVE_CONVERSATIONS: env.positiveInt(100_000),
});

export type SessionConfig = z.output<typeof sessionEnvSchema> & {
  readonly ownedPartitions: readonly number[];
};

export function loadSessionConfig(source: NodeJS.ProcessEnv = process.env): SessionConfig {
  const c = loadConfig(sessionEnvSchema, source);
  return { ...c, ownedPartitions: parsePartitions(c.OWNED_PARTITIONS, c.PARTITIONS) };
}

export function parsePartitions(spec: string, total: number): number[] {
  if (spec === 'all') return Array.from({ length: total }, (_, i) => i);
  const out = new Set<number>();
  for (const part of spec.split(',')) {
    const [a, b] = part.split('-').map(Number);
    if (a === undefined) continue;
    for (let p = a; p <= (b ?? a); p++) {
      if (p >= total)
        throw new RangeError(`OWNED_PARTITIONS names partition ${p}, but PARTITIONS is ${total}`);
      out.add(p);
    }
  }
  return [...out].sort((x, y) => x - y);
}
