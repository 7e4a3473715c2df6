import { randomBytes } from 'node:crypto';
import { credentials, status, type Server } from '@grpc/grpc-js';
import type { ClickHouseClient } from '@clickhouse/client';
import { headers as natsHeaders, type NatsConnection } from 'nats';
import {
  Channel,
  Headers,
  HistoryServiceClient,
  ListMessagesRequest,
  MessageKind,
  ParticipantRole,
  SubjectCatalog,
  UnifiedMessage,
  type ListMessagesResponse,
} from '@switchboard/proto';
import {
  SpanKind,
  startGrpcServer,
  startTelemetry,
  stopGrpcServer,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@switchboard/shared';
import { ClickHouseMessageStore } from '../src/adapters/clickhouse-store';
import {
  ConversationConsumer,
  DURABLE_NAME,
  ensureConversationConsumer,
} from '../src/adapters/conversation-consumer';
import { MessageBatcher } from '../src/domain/batcher';
import { HistoryReader } from '../src/domain/history';
import type { HistoryQuery, SearchQuery, MessageRow, MessageStore } from '../src/domain/ports';
import { CountingMetrics } from '../src/testing/fakes';
import { historyService } from '../src/transport/history-service';
import {
  clickHouseFor,
  closedPort,
  connectTestNats,
  deleteStreams,
  dropDatabase,
  freshDatabase,
  silentLogger,
  unique,
  waitFor,
} from './support';

let nc: NatsConnection;
let catalog: SubjectCatalog;
let client: ClickHouseClient;
let database: string;
let store: ClickHouseMessageStore;
let running: { consumer: ConversationConsumer; server: Server; history: HistoryServiceClient } | undefined;
const cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  nc = await connectTestNats();
  catalog = new SubjectCatalog(unique('p'));
  client = clickHouseFor();
  ({ database, store } = await freshDatabase(client));
});

afterEach(async () => {
  if (running !== undefined) {
    await running.consumer.stop();
    running.history.close();
    await stopGrpcServer(running.server, 1000);
    running = undefined;
  }
  for (const c of cleanups.splice(0)) await c();
  await deleteStreams(nc, catalog);
  await nc.close();
  await dropDatabase(client, database);
  await client.close();
});

/** Composes the real adapters as main.ts does, with a small batch so several batches are cut. */
async function startPipeline(opts: { sink?: MessageStore; tracer?: Tracer } = {}) {
  const metrics = new CountingMetrics();
  await ensureConversationConsumer(await nc.jetstreamManager(), catalog, 100);
  const durable = await nc.jetstream().consumers.get(catalog.streams.conv, DURABLE_NAME);
  const batcher = new MessageBatcher({
    sink: opts.sink ?? store,
    policy: { maxRows: 100, maxMs: 50, retryInitialMs: 50, retryMaxMs: 200, progressEveryMs: 10_000 },
    logger: silentLogger,
    metrics,
  });
  const consumer = new ConversationConsumer({
    consumer: durable,
    batcher,
    catalog,
    tracer: opts.tracer ?? trace.getTracer('test'),
    logger: silentLogger,
    metrics,
    fetchExpiresMs: 2000,
  });
  consumer.start();
  const { server, port } = await startGrpcServer(
    [historyService(new HistoryReader(store), trace.getTracer('test'), silentLogger)],
    0,
    '127.0.0.1',
  );
  const history = new HistoryServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
  running = { consumer, server, history };
  return { metrics, history };
}

function listMessages(
  history: HistoryServiceClient,
  req: Partial<ListMessagesRequest>,
): Promise<ListMessagesResponse> {
  return new Promise((resolve, reject) => {
    history.listMessages(ListMessagesRequest.fromPartial(req), (err, res) => {
      if (err) reject(err);
      else resolve(res);
    });
  });
}

function message(tenantId: string, conversationId: string, seq: number): UnifiedMessage {
  return {
    tenantId,
    conversationId,
    seq,
    clientMsgId: `cm-${seq}`,
    sender: { role: ParticipantRole.PARTICIPANT_ROLE_VISITOR, id: 'v-1', displayName: 'Vera' },
    channel: Channel.CHANNEL_WEB_WIDGET,
    kind: MessageKind.MESSAGE_KIND_TEXT,
    text: `message ${seq}`,
    clientSentAtMs: 1_700_000_000_000 + seq,
    acceptedAtMs: 1_700_000_000_100 + seq,
    metadata: { page: '/help' },
  };
}

async function publish(m: UnifiedMessage, traceparent?: string): Promise<void> {
  const h = natsHeaders();
  if (traceparent !== undefined) h.set(Headers.traceparent, traceparent);
  await nc
    .jetstream()
    .publish(catalog.conversation(m.tenantId, m.conversationId), UnifiedMessage.encode(m).finish(), {
      msgID: `${m.conversationId}:${m.clientMsgId}`,
      headers: h,
    });
}

async function ackPending(): Promise<{ ackPending: number; pending: number }> {
  const info = await (await nc.jetstreamManager()).consumers.info(catalog.streams.conv, DURABLE_NAME);
  return { ackPending: info.num_ack_pending, pending: info.num_pending };
}

async function allAcked(): Promise<boolean> {
  const s = await ackPending();
  return s.ackPending === 0 && s.pending === 0;
}

test('persistence pipeline - stores every published message and serves them over gRPC in seq order', async () => {
  const { history, metrics } = await startPipeline();
  const n = 300;
  for (let seq = 1; seq <= n; seq++) await publish(message('acme', 'conv-1', seq));
  let page: ListMessagesResponse = { messages: [], hasMore: false };
  await waitFor(
    async () => {
      page = await listMessages(history, { tenantId: 'acme', conversationId: 'conv-1', limit: 1000 });
      return page.messages.length === n;
    },
    20_000,
    `${n} messages listed`,
  );
  expect(page.messages.map((m) => m.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  expect(page.messages[41]).toEqual(message('acme', 'conv-1', 42));
  expect(page.hasMore).toBe(false);
  await waitFor(allAcked, 10_000, 'consumer acks drained');
  expect(metrics.batches).toBeGreaterThanOrEqual(3);
  expect(metrics.rows).toBe(n);
});

test('persistence pipeline - a poison message is terminated and later messages are still stored', async () => {
  const { history, metrics } = await startPipeline();
  await nc
    .jetstream()
    .publish(catalog.conversation('acme', 'conv-p'), Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f));
  for (let seq = 1; seq <= 5; seq++) await publish(message('acme', 'conv-p', seq));
  await waitFor(
    async () =>
      (await listMessages(history, { tenantId: 'acme', conversationId: 'conv-p' })).messages.length === 5,
    10_000,
    'messages after the poison stored',
  );
  await waitFor(allAcked, 10_000, 'nothing left pending');
  expect(metrics.poison).toBe(1);
});

/** A store whose backend can be swapped, to take ClickHouse away and bring it back. */
class SwitchableStore implements MessageStore {
  constructor(public current: MessageStore) {}
  insert(rows: readonly MessageRow[]): Promise<void> {
    return this.current.insert(rows);
  }
  list(q: HistoryQuery): Promise<MessageRow[]> {
    return this.current.list(q);
  }
  findByClientMsgId(t: string, c: string, id: string): Promise<MessageRow | undefined> {
    return this.current.findByClientMsgId(t, c, id);
  }
  search(q: SearchQuery): Promise<MessageRow[]> {
    return this.current.search(q);
  }
  ping(): Promise<void> {
    return this.current.ping();
  }
}

test('persistence pipeline - keeps messages unacked while ClickHouse is down and drains them when it is back', async () => {
  const down = clickHouseFor(`http://127.0.0.1:${await closedPort()}`);
  cleanups.push(() => down.close());
  const sink = new SwitchableStore(new ClickHouseMessageStore(down, database));
  const { history, metrics } = await startPipeline({ sink });
  for (let seq = 1; seq <= 5; seq++) await publish(message('acme', 'conv-d', seq));
  await waitFor(
    async () => metrics.failures >= 2 && (await ackPending()).ackPending === 5,
    10_000,
    'all five delivered and none acked',
  );
  expect(metrics.rows).toBe(0);
  expect((await listMessages(history, { tenantId: 'acme', conversationId: 'conv-d' })).messages).toEqual([]);

  sink.current = store;
  await waitFor(
    async () =>
      (await listMessages(history, { tenantId: 'acme', conversationId: 'conv-d' })).messages.length === 5,
    10_000,
    'batch stored after recovery',
  );
  await waitFor(allAcked, 10_000, 'acks after recovery');
  expect(metrics.rows).toBe(5);
});

interface RecordedSpan {
  readonly name: string;
  readonly kind: SpanKind | undefined;
  readonly parentTraceId: string | undefined;
  readonly attributes: Record<string, unknown>;
  ended: boolean;
}

/** Records what the consumer starts; spans are non-recording ones that carry the parent's trace id. */
class RecordingTracer implements Tracer {
  readonly spans: RecordedSpan[] = [];

  startSpan(name: string, options?: Parameters<Tracer['startSpan']>[1], ctx?: Context): Span {
    const parent = ctx === undefined ? undefined : trace.getSpanContext(ctx);
    const record: RecordedSpan = {
      name,
      kind: options?.kind,
      parentTraceId: parent?.traceId,
      attributes: { ...options?.attributes },
      ended: false,
    };
    this.spans.push(record);
    const span = trace.wrapSpanContext({
      traceId: parent?.traceId ?? randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
      traceFlags: 1,
    });
    span.end = () => {
      record.ended = true;
    };
    return span;
  }

  startActiveSpan(): never {
    throw new Error('not used by the consumer');
  }
}

test('persistence pipeline - each message gets a persistence.store consumer span in the publisher trace, ended after insert', async () => {
  // As in main.ts: telemetry starts first and installs the W3C propagator that reads `traceparent`.
  startTelemetry({ serviceName: 'persistence-test' });
  const tracer = new RecordingTracer();
  const { history } = await startPipeline({ tracer });
  const traceIds = [1, 2, 3].map(() => randomBytes(16).toString('hex'));
  for (const [i, traceId] of traceIds.entries()) {
    await publish(message('acme', 'conv-t', i + 1), `00-${traceId}-${randomBytes(8).toString('hex')}-01`);
  }
  await waitFor(
    () => tracer.spans.length === 3 && tracer.spans.every((s) => s.ended),
    10_000,
    'three spans ended',
  );
  expect((await listMessages(history, { tenantId: 'acme', conversationId: 'conv-t' })).messages).toHaveLength(
    3,
  );
  expect(tracer.spans.map((s) => [s.name, s.kind, s.parentTraceId])).toEqual(
    traceIds.map((id) => ['persistence.store', SpanKind.CONSUMER, id]),
  );
  expect(tracer.spans[2]?.attributes).toMatchObject({
    'sb.tenant_id': 'acme',
    'sb.conversation_id': 'conv-t',
    'sb.seq': 3,
  });
});

test('HistoryService - answers bad ids and limits with INVALID_ARGUMENT and the typed error code', async () => {
  const { history } = await startPipeline();
  for (const req of [
    { tenantId: 'a.b', conversationId: 'c1' },
    { tenantId: "x' OR 1=1 --", conversationId: 'c1' },
    { tenantId: 'acme', conversationId: '' },
    { tenantId: 'acme', conversationId: 'c1', limit: 1001 },
  ]) {
    await expect(listMessages(history, req)).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
  }
  const err = await listMessages(history, { tenantId: '', conversationId: 'c1' }).catch((e: unknown) => e);
  expect((err as { metadata?: { get(k: string): unknown[] } }).metadata?.get('sb-error-code')).toEqual(['6']);
});
