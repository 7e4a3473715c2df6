import { credentials, Metadata } from '@grpc/grpc-js';
import {
  agentLogin,
  createVisitorSession,
  SwitchboardClient,
  type AgentSession,
  type VisitorSession,
} from '@switchboard/client';
import {
  ConversationEventType,
  HistoryServiceClient,
  ParticipantRole,
  type ConversationEvent,
  type ListMessagesResponse,
  type UnifiedMessage,
} from '@switchboard/proto';
import { MongoClient } from 'mongodb';
import { serverUrl, startTestStack, type TestStack } from '../src/stack';
import { waitFor } from '../src/wait';

let stack: TestStack;
const clients: SwitchboardClient[] = [];

beforeAll(async () => {
  stack = await startTestStack('e');
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await stack.stop();
});

/** A connected client that records everything it receives. */
async function connect(
  token: string,
): Promise<{ client: SwitchboardClient; messages: UnifiedMessage[]; events: ConversationEvent[] }> {
  const client = new SwitchboardClient({ url: stack.wsUrl, token });
  clients.push(client);
  const messages: UnifiedMessage[] = [];
  const events: ConversationEvent[] = [];
  client.on('message', (m) => messages.push(m));
  client.on('conversation', (e) => events.push(e));
  await client.connect();
  return { client, messages, events };
}

function listMessages(tenantId: string, conversationId: string): Promise<ListMessagesResponse> {
  const history = new HistoryServiceClient(stack.historyGrpcAddr, credentials.createInsecure());
  return new Promise((resolve, reject) => {
    history.listMessages(
      { tenantId, conversationId, afterSeq: 0, limit: 100 },
      new Metadata(),
      (err, res) => {
        history.close();
        if (err) reject(err);
        else resolve(res);
      },
    );
  });
}

describe('chat pipeline (gateway → NATS → session → gateway, persistence → ClickHouse, admin → MongoDB)', () => {
  let agentSession: AgentSession;
  let visitorSession: VisitorSession;

  it('walking skeleton - a visitor and an online agent chat in order, and history lands in ClickHouse and MongoDB', async () => {
    agentSession = await agentLogin(stack.httpUrl, {
      tenantId: 'demo',
      email: 'alice@demo.test',
      password: 'switchboard',
    });
    const agent = await connect(agentSession.token);
    expect(agent.client.welcome?.role).toBe(ParticipantRole.PARTICIPANT_ROLE_AGENT);

    visitorSession = await createVisitorSession(stack.httpUrl, {
      widgetKey: 'demo-widget-key',
      displayName: 'Ann',
    });
    const visitor = await connect(visitorSession.token);
    const conv = visitorSession.conversationId;

    // 1. The visitor sends 3 messages; each is acked with the next seq.
    const acks = [];
    for (const text of ['hello', 'is anyone there?', 'I need help with my order']) {
      acks.push(await visitor.client.send(conv, text));
    }
    expect(acks.map((a) => a.seq)).toEqual([1, 2, 3]);

    // 2. The online agent is assigned the conversation and receives the 3 messages in order, seq 1..3.
    await waitFor('the agent to receive 3 messages', () => (agent.messages.length >= 3 ? true : undefined));
    expect(agent.messages.map((m) => [m.seq, m.text, m.sender?.role])).toEqual([
      [1, 'hello', ParticipantRole.PARTICIPANT_ROLE_VISITOR],
      [2, 'is anyone there?', ParticipantRole.PARTICIPANT_ROLE_VISITOR],
      [3, 'I need help with my order', ParticipantRole.PARTICIPANT_ROLE_VISITOR],
    ]);
    const assigned = await waitFor('the ASSIGNED update', () =>
      agent.events.find(
        (e) => e.conversationId === conv && e.type === ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED,
      ),
    );
    expect(assigned.agentId).toBe(agentSession.agentId);

    // 3. The agent replies and the visitor receives it.
    const reply = await agent.client.send(conv, 'Hi Ann, I am Alice. Let me look.');
    expect(reply.seq).toBe(4);
    const got = await waitFor('the visitor to receive the reply', () =>
      visitor.messages.find((m) => m.seq === 4),
    );
    expect(got).toMatchObject({
      text: 'Hi Ann, I am Alice. Let me look.',
      sender: { role: ParticipantRole.PARTICIPANT_ROLE_AGENT, id: agentSession.agentId },
    });
    expect(visitor.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);

    // 4. ListMessages over gRPC returns all 4 from ClickHouse.
    const history = await waitFor('4 messages in ClickHouse', async () => {
      const res = await listMessages('demo', conv);
      return res.messages.length === 4 ? res : undefined;
    });
    expect(history.messages.map((m) => [m.seq, m.text])).toEqual([
      [1, 'hello'],
      [2, 'is anyone there?'],
      [3, 'I need help with my order'],
      [4, 'Hi Ann, I am Alice. Let me look.'],
    ]);
    expect(history.hasMore).toBe(false);

    // 5. MongoDB holds the conversation's metadata, projected from the lifecycle events.
    const mongo = await MongoClient.connect(serverUrl('MONGO_URL'));
    try {
      const doc = await waitFor('the conversation document to show the assignment', async () => {
        const d = await mongo
          .db(stack.namespace)
          .collection('conversations')
          .findOne({ tenant_id: 'demo', conversation_id: conv });
        return d !== null && d['agent_id'] === agentSession.agentId ? d : undefined;
      });
      expect(doc).toMatchObject({
        tenant_id: 'demo',
        conversation_id: conv,
        visitor_id: visitorSession.visitorId,
      });
      expect(doc['state']).toBe('CONVERSATION_STATE_CHATTING');
    } finally {
      await mongo.close();
    }
  });

  it('walking skeleton - a retried send with the same client_msg_id returns the original seq', async () => {
    const visitor = await connect(visitorSession.token);
    const first = await visitor.client.send(visitorSession.conversationId, 'one more thing', {
      clientMsgId: 'retry-1',
    });
    const again = await visitor.client.send(visitorSession.conversationId, 'one more thing', {
      clientMsgId: 'retry-1',
    });
    expect(again.seq).toBe(first.seq);
    expect(again.duplicate).toBe(true);
    const history = await waitFor('the retried message stored once', async () => {
      const res = await listMessages('demo', visitorSession.conversationId);
      return res.messages.some((m) => m.seq === first.seq) ? res : undefined;
    });
    expect(history.messages.filter((m) => m.clientMsgId === 'retry-1')).toHaveLength(1);
  });

  it('walking skeleton - a reconnecting agent gets its open conversation and its history again', async () => {
    const again = await connect(agentSession.token);
    expect(again.client.welcome?.conversations.map((c) => c.conversationId)).toContain(
      visitorSession.conversationId,
    );
    await waitFor('history delivered to the new socket', () =>
      again.messages.length >= 5 ? true : undefined,
    );
    expect(again.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
  });
});
