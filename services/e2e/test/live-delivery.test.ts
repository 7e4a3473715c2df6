import { createVisitorSession, SwitchboardClient } from '@switchboard/client';
import { Headers, ParticipantRole, SubjectCatalog, UnifiedMessage } from '@switchboard/proto';
import { connect, headers, type NatsConnection } from 'nats';
import { serverUrl, startTestStack, type TestStack } from '../src/stack';
import { waitFor } from '../src/wait';

let stack: TestStack;
let nc: NatsConnection;
const clients: SwitchboardClient[] = [];

beforeAll(async () => {
  stack = await startTestStack('ld');
  nc = await connect({ servers: serverUrl('NATS_URL') });
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await nc.close();
  await stack.stop();
});

async function visitorTab(token: string): Promise<UnifiedMessage[]> {
  const client = new SwitchboardClient({ url: stack.wsUrl, token });
  clients.push(client);
  const got: UnifiedMessage[] = [];
  client.on('message', (m) => got.push(m));
  await client.connect();
  return got;
}

test('live delivery - a publish the stream rejects (a fenced stale writer) never reaches a participant', async () => {
  const session = await createVisitorSession(stack.httpUrl, { widgetKey: 'demo-widget-key' });
  const tab = await visitorTab(session.token);
  const sender = new SwitchboardClient({ url: stack.wsUrl, token: session.token });
  clients.push(sender);
  await sender.connect();
  await sender.send(session.conversationId, 'first');

  // A stale owner's write: seq 2, fenced by an expected last subject sequence that is out of date.
  const catalog = new SubjectCatalog(stack.namespace);
  const forged = UnifiedMessage.fromPartial({
    tenantId: 'demo',
    conversationId: session.conversationId,
    seq: 2,
    clientMsgId: 'stale-writer',
    sender: { role: ParticipantRole.PARTICIPANT_ROLE_VISITOR, id: session.visitorId },
    text: 'never stored',
  });
  const h = headers();
  h.set(Headers.seq, '2');
  await expect(
    nc
      .jetstream()
      .publish(catalog.conversation('demo', session.conversationId), UnifiedMessage.encode(forged).finish(), {
        headers: h,
        expect: { lastSubjectSequence: 999_999 },
      }),
  ).rejects.toThrow(/wrong last sequence/i);

  const second = await sender.send(session.conversationId, 'second');
  expect(second.seq).toBe(2);
  await waitFor('both stored messages on the other tab', () => (tab.length >= 2 ? true : undefined));
  expect(tab.map((m) => [m.seq, m.text])).toEqual([
    [1, 'first'],
    [2, 'second'],
  ]);
});

test('live delivery - two tabs of one visitor converge on the same sequence', async () => {
  const session = await createVisitorSession(stack.httpUrl, { widgetKey: 'demo-widget-key' });
  const [a, b] = await Promise.all([visitorTab(session.token), visitorTab(session.token)]);
  const writer = new SwitchboardClient({ url: stack.wsUrl, token: session.token });
  clients.push(writer);
  await writer.connect();
  await Promise.all(Array.from({ length: 20 }, (_, i) => writer.send(session.conversationId, `m${i}`)));
  await waitFor('20 messages on both tabs', () => (a.length >= 20 && b.length >= 20 ? true : undefined));
  expect(a.map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  expect(b.map((m) => [m.seq, m.clientMsgId])).toEqual(a.map((m) => [m.seq, m.clientMsgId]));
});
