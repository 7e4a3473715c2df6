import { ConversationState, type ConversationSummary } from '@switchboard/proto';
import type { NatsConnection } from 'nats';
import { KvRoutingStore } from '../src/adapters/kv-routing-store';
import type { MirrorChange } from '../src/domain/conversation-book';
import type { RoutingStore, StoredRouting } from '../src/domain/ports';
import { RoutingService } from '../src/domain/routing-service';
import type { StatRecord } from '../src/domain/stats';
import { FakeConfig, FakeSession, RecordingPublisher, summary } from '../src/testing/fixtures';
import { DURABLE_NAME, LifecycleConsumer } from '../src/transport/lifecycle-consumer';
import { connectTestNats, silentLogger, testBed, waitFor, type TestBed } from './support';

const S = ConversationState;

/** A store that, once `hold` is set, never completes a write: events after that are applied but never acked. */
class HoldingStore implements RoutingStore {
  hold = false;
  constructor(private readonly inner: RoutingStore) {}
  load(): Promise<StoredRouting> {
    return this.inner.load();
  }
  writeConversation(change: MirrorChange): Promise<void> {
    return this.hold ? new Promise(() => undefined) : this.inner.writeConversation(change);
  }
  conversationDurable(tenantId: string, conversationId: string): Promise<void> {
    return this.hold
      ? new Promise(() => undefined)
      : this.inner.conversationDurable(tenantId, conversationId);
  }
  writeStats(records: readonly StatRecord[], urgent: boolean): Promise<void> {
    return this.hold ? new Promise(() => undefined) : this.inner.writeStats(records, urgent);
  }
}

interface Instance {
  readonly nc: NatsConnection;
  readonly store: KvRoutingStore;
  readonly service: RoutingService;
  readonly consumer: LifecycleConsumer;
  readonly holding: HoldingStore;
}

let bed: TestBed;
const instances: Instance[] = [];

/** One routing process: its own connection, KV store, service and durable consumer. */
async function startRouting(): Promise<Instance> {
  const nc = await connectTestNats('routing-instance');
  const js = nc.jetstream();
  const kv = await js.views.kv(bed.catalog.buckets.routing);
  const store = new KvRoutingStore(kv, bed.catalog, { statsFlushMs: 50 }, silentLogger);
  const holding = new HoldingStore(store);
  const service = new RoutingService(
    {
      commands: new FakeSession(),
      store: holding,
      publisher: new RecordingPublisher(),
      config: new FakeConfig(),
      clock: { now: () => Date.now() },
      log: silentLogger,
    },
    { presenceTtlMs: 15_000, queueStatusIntervalMs: 5000, commandSettleMs: 15_000 },
  );
  await service.restore();
  const consumer = new LifecycleConsumer(
    js,
    await nc.jetstreamManager(),
    bed.catalog,
    service,
    () => undefined,
    silentLogger,
  );
  await consumer.start();
  const instance = { nc, store, service, consumer, holding };
  instances.push(instance);
  return instance;
}

function view(i: Instance): ConversationSummary[] {
  return [...i.service.view.conversations.all()]
    .map((c) => c.summary)
    .sort((a, b) => a.conversationId.localeCompare(b.conversationId));
}

async function ackPending(): Promise<number> {
  const jsm = await bed.nc.jetstreamManager();
  return (await jsm.consumers.info(bed.catalog.streams.events, DURABLE_NAME)).num_ack_pending;
}

async function history(): Promise<void> {
  await bed.publishEvent(
    summary({ conversationId: 'c1', state: S.CONVERSATION_STATE_WAITING, groupId: '', version: 1 }),
    {
      firstMessagePreview: 'I want a refund',
    },
  );
  await bed.publishEvent(summary({ conversationId: 'c2', version: 1 }));
  await bed.publishEvent(
    summary({ conversationId: 'c3', state: S.CONVERSATION_STATE_CHATTING, agentId: 'a1', version: 1 }),
  );
  await bed.publishEvent(summary({ conversationId: 'c4', version: 1 }));
  await bed.publishEvent(summary({ conversationId: 'c4', state: S.CONVERSATION_STATE_CLOSED, version: 2 }));
}

beforeEach(async () => {
  bed = await testBed();
});

afterEach(async () => {
  for (const i of instances.splice(0)) {
    await i.consumer.stop().catch(() => undefined);
    i.store.close();
    if (!i.nc.isClosed()) await i.nc.close();
  }
  await bed.cleanup();
});

test('lifecycle - a first start replays SB_EVENTS, mirrors open conversations and only then is caught up', async () => {
  await history();
  const a = await startRouting();
  await a.consumer.caughtUp;
  expect(view(a).map((c) => [c.conversationId, c.state])).toEqual([
    ['c1', S.CONVERSATION_STATE_WAITING],
    ['c2', S.CONVERSATION_STATE_QUEUED],
    ['c3', S.CONVERSATION_STATE_CHATTING],
  ]);
  await waitFor(async () => (await ackPending()) === 0, 'acks');
  const keys: string[] = [];
  for await (const k of await bed.routingKv.keys()) keys.push(k);
  // c4 was deleted on close; c3's ACCEPTED also wrote the agent's last assignment and the visitor's sticky agent.
  expect(keys.sort()).toEqual(['conv.t1.c1', 'conv.t1.c2', 'conv.t1.c3', 'stats.t1.a1', 'sticky.t1.v1']);
});

test('lifecycle - after a crash with events applied but unacknowledged, a rebuild gives the same view at once', async () => {
  await history();
  const a = await startRouting();
  await a.consumer.caughtUp;
  await waitFor(async () => (await ackPending()) === 0, 'acks of the history');

  // From here on A applies events in memory but its mirror writes (hence acks) never complete.
  a.holding.hold = true;
  await bed.publishEvent(
    summary({ conversationId: 'c2', state: S.CONVERSATION_STATE_ASSIGNED, agentId: 'a2', version: 2 }),
  );
  await bed.publishEvent(
    summary({ conversationId: 'c3', state: S.CONVERSATION_STATE_CLOSED, agentId: 'a1', version: 2 }),
  );
  await bed.publishEvent(summary({ conversationId: 'c5', version: 1 }));
  await waitFor(() => a.consumer.appliedCount === 8, 'A applied the new events');
  const before = view(a);
  expect(await ackPending()).toBe(3);

  // kill -9: the connection goes away without acks or a drain (then the dead consumer's timers are stopped).
  await a.nc.close();
  instances.splice(instances.indexOf(a), 1);
  a.store.close();
  await a.consumer.stop().catch(() => undefined);

  const startedAt = Date.now();
  const b = await startRouting();
  await b.consumer.caughtUp;
  // Well inside the 30 s ack wait: the durable restarted right after its ack floor.
  expect(Date.now() - startedAt).toBeLessThan(10_000);
  expect(view(b)).toEqual(before);
  expect(b.consumer.appliedCount).toBe(3);
  await waitFor(async () => (await ackPending()) === 0, 'B acknowledged the replay');
  const mirrored = (await b.store.load()).conversations.map((r) => r.conversation?.conversationId).sort();
  expect(mirrored).toEqual(['c1', 'c2', 'c5']);
});

test('lifecycle - a clean restart continues after the last acknowledged event', async () => {
  await history();
  const a = await startRouting();
  await a.consumer.caughtUp;
  await waitFor(async () => (await ackPending()) === 0, 'acks');
  await a.nc.flush();
  await a.consumer.stop();
  await a.nc.close();
  instances.splice(instances.indexOf(a), 1);
  a.store.close();

  // While routing is down, the lifecycle goes on.
  await bed.publishEvent(summary({ conversationId: 'c1', version: 2, groupId: 'billing' }));
  await bed.publishEvent(summary({ conversationId: 'c2', state: S.CONVERSATION_STATE_CLOSED, version: 2 }));

  const b = await startRouting();
  await b.consumer.caughtUp;
  expect(b.consumer.appliedCount).toBe(2);
  expect(view(b).map((c) => [c.conversationId, c.state, c.groupId])).toEqual([
    ['c1', S.CONVERSATION_STATE_QUEUED, 'billing'],
    ['c3', S.CONVERSATION_STATE_CHATTING, 'general'],
  ]);
  // The WAITING preview survived in the mirror until the conversation was queued.
  expect(b.service.view.conversations.get('t1', 'c1')?.firstMessagePreview).toBe('');
});

test('lifecycle - the mirror keeps the first message preview of a waiting conversation across a restart', async () => {
  await bed.publishEvent(
    summary({ conversationId: 'c1', state: S.CONVERSATION_STATE_WAITING, groupId: '', version: 1 }),
    {
      firstMessagePreview: 'refund please',
    },
  );
  const a = await startRouting();
  await a.consumer.caughtUp;
  await waitFor(async () => (await ackPending()) === 0, 'acks');
  await a.consumer.stop();
  await a.nc.close();
  instances.splice(instances.indexOf(a), 1);
  a.store.close();
  const b = await startRouting();
  await b.consumer.caughtUp;
  expect(b.consumer.appliedCount).toBe(0);
  expect(b.service.view.conversations.get('t1', 'c1')?.firstMessagePreview).toBe('refund please');
});

test('lifecycle - a durable deleted under a running consumer is set up again and consumption resumes', async () => {
  await history();
  const a = await startRouting();
  await a.consumer.caughtUp;
  await waitFor(async () => (await ackPending()) === 0, 'acks');
  const jsm = await bed.nc.jetstreamManager();
  await jsm.consumers.delete(bed.catalog.streams.events, DURABLE_NAME);
  await bed.publishEvent(summary({ conversationId: 'c6', version: 1 }));
  await waitFor(
    () => a.service.view.conversations.get('t1', 'c6') !== undefined,
    'c6 applied after the durable came back',
    20_000,
  );
});
