import {
  Channel,
  ConversationEvent,
  ConversationEventType,
  ConversationState,
  SubjectCatalog,
} from '@switchboard/proto';
import { createLogger, trace } from '@switchboard/shared';
import type { JsMsg, NatsConnection } from 'nats';
import { ConversationProjector } from '../domain/conversation-projection';
import { InMemoryConversations } from '../testing/fakes';
import { ConversationEventConsumer } from './conversation-event-consumer';

const catalog = new SubjectCatalog('unit');

function sut() {
  const repo = new InMemoryConversations();
  const consumer = new ConversationEventConsumer({
    nc: {} as NatsConnection, // handle() never touches the connection
    catalog,
    projector: new ConversationProjector(repo),
    tracer: trace.getTracer('test'),
    logger: createLogger('admin-test', 'silent'),
    retryBaseMs: 100,
    retryMaxMs: 1_000,
  });
  return { repo, consumer };
}

interface FakeMsg {
  msg: JsMsg;
  ack: jest.Mock<undefined, []>;
  nak: jest.Mock<undefined, [number?]>;
  term: jest.Mock<undefined, [string?]>;
}

function delivery(subject: string, data: Uint8Array, deliveryCount = 1): FakeMsg {
  const ack = jest.fn<undefined, []>();
  const nak = jest.fn<undefined, [number?]>();
  const term = jest.fn<undefined, [string?]>();
  const msg = { subject, data, seq: 1, headers: undefined, info: { deliveryCount }, ack, nak, term };
  return { msg: msg as unknown as JsMsg, ack, nak, term };
}

function opened(overrides: Partial<ConversationEvent> = {}): ConversationEvent {
  return ConversationEvent.fromPartial({
    type: ConversationEventType.CONVERSATION_EVENT_TYPE_OPENED,
    tenantId: 'demo',
    conversationId: 'c1',
    state: ConversationState.CONVERSATION_STATE_WAITING,
    visitorId: 'v1',
    atMs: 1_000,
    channel: Channel.CHANNEL_WEB_WIDGET,
    version: 1,
    ...overrides,
  });
}

function eventDelivery(event: ConversationEvent, deliveryCount = 1): FakeMsg {
  return delivery(
    catalog.conversationEvent(event.tenantId, event.type),
    ConversationEvent.encode(event).finish(),
    deliveryCount,
  );
}

describe('conversation event consumer', () => {
  it('conversation event consumer - acks after the write', async () => {
    const { repo, consumer } = sut();
    const d = eventDelivery(opened());
    expect(await consumer.handle(d.msg)).toBe('applied');
    expect(d.ack).toHaveBeenCalledTimes(1);
    expect((await repo.find('demo', 'c1'))?.version).toBe(1);
  });

  it('conversation event consumer - acks a stale duplicate without writing', async () => {
    const { repo, consumer } = sut();
    await consumer.handle(eventDelivery(opened({ version: 2 })).msg);
    const d = eventDelivery(opened({ version: 1, visitorId: 'changed' }));
    expect(await consumer.handle(d.msg)).toBe('stale');
    expect(d.ack).toHaveBeenCalledTimes(1);
    expect((await repo.find('demo', 'c1'))?.visitorId).toBe('v1');
  });

  it('conversation event consumer - terminates undecodable and invalid payloads', async () => {
    const { consumer } = sut();
    const garbage = delivery(
      catalog.conversationEvent('demo', opened().type),
      new Uint8Array([0xff, 0xff, 0xff]),
    );
    expect(await consumer.handle(garbage.msg)).toBe('terminated');
    expect(garbage.term).toHaveBeenCalledTimes(1);
    expect(garbage.ack).not.toHaveBeenCalled();
    const empty = delivery(catalog.conversationEvent('demo', opened().type), new Uint8Array());
    expect(await consumer.handle(empty.msg)).toBe('terminated');
    expect(empty.term).toHaveBeenCalledTimes(1);
  });

  it('conversation event consumer - terminates an event whose subject names another tenant', async () => {
    const { repo, consumer } = sut();
    const event = opened({ tenantId: 'victim' });
    const d = delivery(
      catalog.conversationEvent('attacker', event.type),
      ConversationEvent.encode(event).finish(),
    );
    expect(await consumer.handle(d.msg)).toBe('terminated');
    expect(await repo.find('victim', 'c1')).toBeUndefined();
  });

  it('conversation event consumer - naks with growing, capped delay when the write fails', async () => {
    const { repo, consumer } = sut();
    const delays: unknown[] = [];
    for (const count of [1, 2, 3, 10]) {
      repo.failNext = new Error('database down');
      const d = eventDelivery(opened(), count);
      expect(await consumer.handle(d.msg)).toBe('retry');
      expect(d.ack).not.toHaveBeenCalled();
      delays.push(d.nak.mock.calls[0]?.[0]);
    }
    expect(delays).toEqual([100, 200, 400, 1_000]);
  });
});
