import type { NatsConnection } from 'nats';
import { AckPolicy, DeliverPolicy, nanos } from 'nats';
import { SubjectCatalog } from '@switchboard/proto';
import { DURABLE_NAME, ensureConversationConsumer } from '../src/adapters/conversation-consumer';
import { connectTestNats, deleteStreams, unique } from './support';

let nc: NatsConnection;
let catalog: SubjectCatalog;

beforeEach(async () => {
  nc = await connectTestNats();
  catalog = new SubjectCatalog(unique('c'));
});

afterEach(async () => {
  await deleteStreams(nc, catalog);
  await nc.close();
});

test('ensureConversationConsumer - creates SB_CONV and the durable pull consumer with explicit acks', async () => {
  const info = await ensureConversationConsumer(await nc.jetstreamManager(), catalog, 5000);
  expect(info.stream_name).toBe(catalog.streams.conv);
  expect(info.name).toBe(DURABLE_NAME);
  expect(info.config).toMatchObject({
    durable_name: DURABLE_NAME,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(10_000),
    max_ack_pending: 20_000,
    deliver_policy: DeliverPolicy.All,
    filter_subject: catalog.conversationsAll(),
  });
  // A pull consumer: no push delivery subject.
  expect(Object.keys(info.config)).not.toContain('deliver_subject');
});

test('ensureConversationConsumer - is idempotent and updates an existing durable whose settings changed', async () => {
  const jsm = await nc.jetstreamManager();
  await ensureConversationConsumer(jsm, catalog, 5000);
  const again = await ensureConversationConsumer(jsm, catalog, 5000);
  expect(again.config.max_ack_pending).toBe(20_000);
  const bigger = await ensureConversationConsumer(jsm, catalog, 10_000);
  expect(bigger.config.max_ack_pending).toBe(40_000);
  const names: string[] = [];
  for await (const c of jsm.consumers.list(catalog.streams.conv)) names.push(c.name);
  expect(names).toEqual([DURABLE_NAME]);
});
