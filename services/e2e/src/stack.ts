import { startSwitchboard, type StackOptions, type SwitchboardStack } from '@switchboard/testkit';
import { uniqueId } from './wait';

/** A server URL that the integration project's global setup exported. */
export function serverUrl(name: 'NATS_URL' | 'CLICKHOUSE_URL' | 'MONGO_URL'): string {
  const v = process.env[name];
  if (v === undefined || v === '')
    throw new Error(`${name} is not set; run through the integration project's globalSetup`);
  return v;
}

/**
 * The five services as processes against the shared test servers, seeded with the demo tenant, in a
 * namespace of their own (subjects, streams, MongoDB and ClickHouse databases).
 */
export type TestStack = SwitchboardStack & { readonly namespace: string };

/**
 * Routing and presence settings for scenario tests: dispatch every 200 ms, queue positions every second,
 * an agent counted offline 4 s after their last heartbeat (sent every second), so changes show quickly.
 */
export const QUICK_ROUTING_ENV = {
  routing: { DISPATCH_TICK_MS: '200', QUEUE_STATUS_INTERVAL_MS: '1000', PRESENCE_TTL_MS: '4000' },
  gateway: { PRESENCE_INTERVAL_MS: '1000' },
} as const;

export function startTestStack(prefix: string, extra: Partial<StackOptions> = {}): Promise<TestStack> {
  const namespace = uniqueId(prefix);
  return startSwitchboard({
    natsUrl: serverUrl('NATS_URL'),
    clickhouseUrl: serverUrl('CLICKHOUSE_URL'),
    mongoUrl: serverUrl('MONGO_URL'),
    namespace,
    mongoDatabase: namespace,
    clickhouseDatabase: namespace,
    seed: true,
    ...extra,
    env: {
      ...extra.env,
      // Suites put more than the demo agents' capacity (2) on them unless they say otherwise.
      admin: { SEED_AGENT_MAX_CONCURRENT: '20', ...extra.env?.admin },
    },
  }).then((stack) => Object.assign(stack, { namespace }));
}
