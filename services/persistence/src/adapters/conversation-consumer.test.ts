import type { Consumer, ConsumerMessages, JsMsg } from 'nats';
import { SubjectCatalog, UnifiedMessage } from '@switchboard/proto';
import { trace } from '@switchboard/shared';
import { MessageBatcher } from '../domain/batcher';
import { CountingMetrics, MemoryStore, silentLogger, waitFor } from '../testing/fakes';
import { ConversationConsumer } from './conversation-consumer';

const catalog = new SubjectCatalog('cu1');

class FakeMsg {
  acks = 0;
  terms = 0;
  naks = 0;
  readonly headers = undefined;
  readonly redelivered = false;
  constructor(
    readonly subject: string,
    readonly data: Uint8Array,
    readonly seq: number,
  ) {}
  ack(): void {
    this.acks += 1;
  }
  term(): void {
    this.terms += 1;
  }
  nak(): void {
    this.naks += 1;
  }
  working(): void {
    // Not needed here.
  }
}

/** A pull consumer fed by `push`; each fetch yields at most max_messages, waiting for more until closed. */
function fakeConsumer() {
  const pending: FakeMsg[] = [];
  const asked: number[] = [];
  let wake: (() => void) | undefined;
  const consumer = {
    fetch(opts: { max_messages: number }): Promise<ConsumerMessages> {
      asked.push(opts.max_messages);
      let closed = false;
      async function* messages(): AsyncGenerator<JsMsg> {
        let delivered = 0;
        while (!closed && delivered < opts.max_messages) {
          const m = pending.shift();
          if (m !== undefined) {
            delivered += 1;
            yield m as unknown as JsMsg;
            continue;
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      }
      const iterator = Object.assign(messages(), {
        close: () => {
          closed = true;
          wake?.();
          return Promise.resolve();
        },
      });
      return Promise.resolve(iterator as unknown as ConsumerMessages);
    },
  };
  return {
    consumer: consumer as unknown as Consumer,
    asked,
    push(...msgs: FakeMsg[]) {
      pending.push(...msgs);
      wake?.();
    },
  };
}

function message(seq: number): FakeMsg {
  const data = UnifiedMessage.encode(
    UnifiedMessage.fromPartial({ tenantId: 'acme', conversationId: 'c1', seq, text: `m${seq}` }),
  ).finish();
  return new FakeMsg(catalog.conversation('acme', 'c1'), data, 100 + seq);
}

function setup(store = new MemoryStore()) {
  const metrics = new CountingMetrics();
  const batcher = new MessageBatcher({
    sink: store,
    policy: { maxRows: 3, maxMs: 20, retryInitialMs: 5, retryMaxMs: 20, progressEveryMs: 10_000 },
    logger: silentLogger,
    metrics,
  });
  const source = fakeConsumer();
  const consumer = new ConversationConsumer({
    consumer: source.consumer,
    batcher,
    catalog,
    tracer: trace.getTracer('test'),
    logger: silentLogger,
    metrics,
  });
  return { store, metrics, source, consumer };
}

test('ConversationConsumer - stores messages and acks each one after its batch insert', async () => {
  const { store, source, consumer } = setup();
  consumer.start();
  const msgs = [1, 2, 3, 4].map(message);
  source.push(...msgs);
  await waitFor(() => msgs.every((m) => m.acks === 1), 5000, 'all acked');
  expect(store.batches.flat().map((r) => r.seq)).toEqual([1, 2, 3, 4]);
  await consumer.stop();
});

test('ConversationConsumer - terminates a poison message, counts it and keeps going', async () => {
  const { store, source, consumer, metrics } = setup();
  consumer.start();
  const poison = new FakeMsg(
    catalog.conversation('acme', 'c1'),
    Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f),
    7,
  );
  const after = message(1);
  source.push(poison, after);
  await waitFor(() => after.acks === 1, 5000, 'message after poison acked');
  expect(poison).toMatchObject({ terms: 1, acks: 0, naks: 0 });
  expect(metrics.poison).toBe(1);
  expect(store.batches.flat().map((r) => r.seq)).toEqual([1]);
  await consumer.stop();
});

test('ConversationConsumer - asks for no more messages than the batcher has room for', async () => {
  const store = new MemoryStore();
  store.failNext = Number.POSITIVE_INFINITY;
  const { source, consumer } = setup(store);
  consumer.start();
  const msgs = [1, 2, 3, 4, 5, 6, 7, 8].map(message);
  source.push(...msgs);
  // One stuck batch (3) plus one full batch (3) are held; the rest stay on the server.
  await waitFor(() => store.insertCalls >= 2 && msgs.slice(0, 6).every((m) => m.acks === 0), 5000, 'stuck');
  await waitFor(() => source.asked.length >= 2, 5000, 'second fetch');
  expect(source.asked.every((n) => n <= 3)).toBe(true);
  expect(msgs.some((m) => m.acks > 0)).toBe(false);
  store.failNext = 0;
  await waitFor(() => msgs.every((m) => m.acks === 1), 5000, 'all acked after recovery');
  await consumer.stop();
});

test('ConversationConsumer - stop ends promptly while ClickHouse is down and gives held messages back (nak)', async () => {
  const store = new MemoryStore();
  store.failNext = Number.POSITIVE_INFINITY;
  const { source, consumer } = setup(store);
  consumer.start();
  const msgs = [1, 2, 3, 4, 5, 6, 7].map(message);
  source.push(...msgs);
  // Stuck batch and full next batch: the consumer waits for room that does not come.
  await waitFor(() => store.insertCalls >= 2 && source.asked.length === 2, 5000, 'stuck with no room');
  await consumer.stop();
  expect(msgs.slice(0, 6).map((m) => [m.acks, m.naks])).toEqual(Array.from({ length: 6 }, () => [0, 1]));
  // Never pulled, so still on the server untouched.
  expect(msgs[6]).toMatchObject({ acks: 0, naks: 0, terms: 0 });
  expect(store.batches).toHaveLength(0);
});
