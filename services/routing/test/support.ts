import { randomBytes } from 'node:crypto';
import { ConversationEvent, SubjectCatalog, type ConversationSummary } from '@switchboard/proto';
import { ensureStreams } from '@switchboard/shared';
import { connect, StorageType, type KV, type NatsConnection } from 'nats';
import { loadRoutingConfig } from '../src/config';
import { event } from '../src/testing/fixtures';

export { silentLogger } from '../src/testing/fixtures';

/** The NATS server the testkit's globalSetup started (NATS_URL), read through the service's config. */
export function natsUrl(): string {
  return loadRoutingConfig({ ...process.env, ADMIN_GRPC_ADDR: process.env.ADMIN_GRPC_ADDR ?? '127.0.0.1:1' })
    .NATS_URL;
}

/** A lowercase name unique to one test: namespaces, tenants. */
export function unique(prefix: string): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

export function connectTestNats(name = 'routing-test'): Promise<NatsConnection> {
  return connect({ servers: natsUrl(), name });
}

export interface TestBed {
  readonly nc: NatsConnection;
  readonly catalog: SubjectCatalog;
  readonly routingKv: KV;
  readonly statusKv: KV;
  /** Publishes a lifecycle event to SB_EVENTS as session does; resolves to its stream seq. */
  publishEvent(summary: ConversationSummary, over?: Partial<ConversationEvent>): Promise<number>;
  cleanup(): Promise<void>;
}

/** A namespace of its own: streams, SB_ROUTING and SB_AGENT_STATUS, removed by cleanup(). */
export async function testBed(): Promise<TestBed> {
  const nc = await connectTestNats();
  const catalog = new SubjectCatalog(unique('r'));
  const jsm = await nc.jetstreamManager();
  await ensureStreams(jsm, catalog);
  const js = nc.jetstream();
  const routingKv = await js.views.kv(catalog.buckets.routing, { history: 1, storage: StorageType.File });
  const statusKv = await js.views.kv(catalog.buckets.agentStatus, { history: 1, storage: StorageType.File });
  return {
    nc,
    catalog,
    routingKv,
    statusKv,
    publishEvent: async (summary, over = {}) => {
      const e = event(summary, over);
      const ack = await js.publish(
        catalog.conversationEvent(e.tenantId, e.type),
        ConversationEvent.encode(e).finish(),
      );
      return ack.seq;
    },
    cleanup: async () => {
      const m = await nc.jetstreamManager();
      for (const name of [
        catalog.streams.conv,
        catalog.streams.events,
        `KV_${catalog.buckets.routing}`,
        `KV_${catalog.buckets.agentStatus}`,
      ]) {
        await m.streams.delete(name).catch(() => false);
      }
      await nc.close();
    },
  };
}

/** Polls until `condition` holds (for effects that arrive over the network). */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what = 'condition',
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
