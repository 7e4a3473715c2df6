import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  Channel,
  ConversationEventType,
  ConversationState,
  ErrorCode,
  MessageKind,
  ParticipantRole,
  type ServerFrame,
  type UnifiedMessage,
} from '@switchboard/proto';
import { WebSocketServer } from 'ws';
import { collectMessages, nextEvent, record, rejection } from '../test/client-harness';
import { FakeGateway } from '../test/fake-gateway';
import { SwitchboardClient, type SwitchboardClientOptions } from './client';
import { ClientError } from './errors';

let gateway: FakeGateway;
const clients: SwitchboardClient[] = [];

beforeEach(async () => {
  gateway = await FakeGateway.start();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await gateway.stop();
});

function newClient(token: string, options: Partial<SwitchboardClientOptions> = {}): SwitchboardClient {
  const client = new SwitchboardClient({ url: gateway.wsUrl, token, ...options });
  clients.push(client);
  return client;
}

function deliver(message: Partial<UnifiedMessage> & { conversationId: string; seq: number }): ServerFrame {
  return {
    kind: {
      $case: 'deliver',
      value: {
        message: {
          tenantId: 'demo',
          clientMsgId: `m${message.seq}`,
          sender: { role: ParticipantRole.PARTICIPANT_ROLE_AGENT, id: 'a1', displayName: 'Alice' },
          channel: Channel.CHANNEL_WEB_WIDGET,
          kind: MessageKind.MESSAGE_KIND_TEXT,
          text: `text ${message.seq}`,
          clientSentAtMs: 0,
          acceptedAtMs: 0,
          metadata: {},
          ...message,
        },
      },
    },
  };
}

describe('SwitchboardClient', () => {
  test('SwitchboardClient - connect sends Hello and resolves with Welcome listing the visitor conversation', async () => {
    const { token, visitor, conversationId } = gateway.addVisitor('Ann');
    const client = newClient(token, { clientName: 'unit-test/1' });
    const welcomeEvent = nextEvent(client, 'welcome');

    const welcome = await client.connect();

    expect(gateway.received[0]?.kind).toEqual({
      $case: 'hello',
      value: { token, client: 'unit-test/1', resume: [], backfillLimit: 0 },
    });
    expect(welcome.participantId).toBe(visitor.id);
    expect(welcome.role).toBe(ParticipantRole.PARTICIPANT_ROLE_VISITOR);
    expect(welcome.maxFrameBytes).toBe(64 * 1024);
    expect(welcome.conversations.map((c) => [c.conversationId, c.state])).toEqual([
      [conversationId, ConversationState.CONVERSATION_STATE_WAITING],
    ]);
    expect(await welcomeEvent).toEqual(welcome);
    expect(client.state).toBe('open');
    expect(client.welcome).toEqual(welcome);
    await expect(client.connect()).resolves.toEqual(welcome);
  });

  test('SwitchboardClient - delivers the history from seq 1 right after Welcome', async () => {
    const { token, visitor, conversationId } = gateway.addVisitor();
    gateway.append(conversationId, visitor, 'one');
    gateway.append(conversationId, visitor, 'two');
    const client = newClient(token);
    const history = collectMessages(client, conversationId, 2);

    await client.connect();

    expect((await history).map((m) => [m.seq, m.text])).toEqual([
      [1, 'one'],
      [2, 'two'],
    ]);
    expect(client.lastSeq(conversationId)).toBe(2);
  });

  test('SwitchboardClient - send resolves with the SendAck and the sender receives its own message', async () => {
    const { token, conversationId } = gateway.addVisitor('Ann');
    const client = newClient(token);
    await client.connect();
    const echo = collectMessages(client, conversationId, 1);

    const ack = await client.send(conversationId, 'hello', { clientMsgId: 'msg-1' });

    expect(ack).toMatchObject({ clientMsgId: 'msg-1', conversationId, seq: 1, duplicate: false });
    const [message] = await echo;
    expect(message).toMatchObject({ seq: 1, text: 'hello', clientMsgId: 'msg-1' });
    expect(message?.sender?.displayName).toBe('Ann');
    const sent = gateway.received[1]?.kind;
    expect(sent?.$case).toBe('send');
    if (sent?.$case === 'send') expect(sent.value.clientSentAtMs).toBeGreaterThan(0);
  });

  test('SwitchboardClient - send generates a client_msg_id when none is given', async () => {
    const { token, conversationId } = gateway.addVisitor();
    const client = newClient(token);
    await client.connect();

    const ack = await client.send(conversationId, 'hi');

    expect(ack.clientMsgId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });

  test('SwitchboardClient - a retry with the same clientMsgId resolves with the original seq and duplicate=true', async () => {
    const { token, conversationId } = gateway.addVisitor();
    const client = newClient(token);
    await client.connect();

    const first = await client.send(conversationId, 'once', { clientMsgId: 'retry-me' });
    const again = await client.send(conversationId, 'once', { clientMsgId: 'retry-me' });

    expect(first).toMatchObject({ seq: 1, duplicate: false });
    expect(again).toMatchObject({ seq: 1, duplicate: true });
    expect(gateway.messages(conversationId)).toHaveLength(1);
  });

  test('SwitchboardClient - send rejects with a typed ClientError on an error frame and keeps the socket open', async () => {
    const { token } = gateway.addVisitor();
    const other = gateway.addVisitor();
    const client = newClient(token);
    await client.connect();

    const err = await rejection(client.send(other.conversationId, 'not mine', { clientMsgId: 'x-1' }));

    expect(err).toBeInstanceOf(ClientError);
    expect(err.name).toBe('ClientError');
    expect(err.code).toBe(ErrorCode.ERROR_CODE_FORBIDDEN);
    expect(err.codeName).toBe('ERROR_CODE_FORBIDDEN');
    expect(err).toMatchObject({ source: 'server', clientMsgId: 'x-1', retryable: false });
    expect(client.state).toBe('open');
    await expect(client.ping()).resolves.toEqual(expect.any(Number));
  });

  test('SwitchboardClient - send resends after a retryable UNAVAILABLE with the same client_msg_id and resolves with the ack', async () => {
    const { token, conversationId } = gateway.addVisitor();
    const client = newClient(token);
    await client.connect();
    const resends = record(client, 'resend');
    gateway.onSend = (send) => {
      gateway.onSend = undefined;
      return {
        kind: {
          $case: 'error',
          value: {
            code: ErrorCode.ERROR_CODE_UNAVAILABLE,
            message: 'session owner moving',
            retryable: true,
            clientMsgId: send.clientMsgId,
            requestId: 0,
          },
        },
      };
    };

    const ack = await client.send(conversationId, 'hi', { clientMsgId: 'u-1' });

    expect(ack).toMatchObject({ clientMsgId: 'u-1', seq: 1, duplicate: false });
    expect(gateway.sends().map((s) => s.clientMsgId)).toEqual(['u-1', 'u-1']);
    expect(resends).toEqual([{ clientMsgId: 'u-1', conversationId, attempt: 2 }]);
    expect(client.pendingSends()).toEqual([]);
  });

  test('SwitchboardClient - send rejects locally on bad text or id without sending a frame', async () => {
    const { token, conversationId } = gateway.addVisitor();
    const client = newClient(token);
    await client.connect();
    const framesBefore = gateway.received.length;

    const empty = await rejection(client.send(conversationId, '   '));
    const long = await rejection(client.send(conversationId, 'x'.repeat(4001)));
    const badId = await rejection(client.send(conversationId, 'ok', { clientMsgId: 'has space' }));

    for (const err of [empty, long, badId]) {
      expect(err).toMatchObject({ code: ErrorCode.ERROR_CODE_INVALID_ARGUMENT, source: 'local' });
    }
    expect(gateway.received).toHaveLength(framesBefore);
  });

  test('SwitchboardClient - send accepts 4000 characters counted as code points', async () => {
    const { token, conversationId } = gateway.addVisitor();
    const client = newClient(token);
    await client.connect();

    const ack = await client.send(conversationId, '😀'.repeat(4000));

    expect(ack.seq).toBe(1);
  });

  test('SwitchboardClient - send resends on an ack timeout and rejects as retryable after outboxMaxAgeMs', async () => {
    const { token, conversationId } = gateway.addVisitor();
    // The ack timeout is due well before the max age, so at least one resend happens first.
    const client = newClient(token, { ackTimeoutMs: 50, outboxMaxAgeMs: 400 });
    await client.connect();
    gateway.onSend = () => 'no-answer';
    const resends = record(client, 'resend');

    const err = await rejection(client.send(conversationId, 'hi', { clientMsgId: 't-1' }));

    expect(err).toMatchObject({ code: ErrorCode.ERROR_CODE_UNAVAILABLE, source: 'timeout', retryable: true });
    expect(err.clientMsgId).toBe('t-1');
    expect(resends.length).toBeGreaterThanOrEqual(1);
    expect(resends.every((r) => r.clientMsgId === 't-1')).toBe(true);
    expect(client.pendingSends()).toEqual([]);
    expect(client.state).toBe('open');
  });

  test('SwitchboardClient - with reconnect off, a pending send rejects as retryable when the gateway closes the socket', async () => {
    const { token, conversationId } = gateway.addVisitor();
    const client = newClient(token, { reconnect: false });
    await client.connect();
    gateway.onSend = () => 'no-answer';
    const sentFrame = gateway.nextFrame();
    const closed = nextEvent(client, 'close');

    const pending = rejection(client.send(conversationId, 'hi', { clientMsgId: 'c-1' }));
    await sentFrame;
    gateway.closeAll(1001, 'going away');

    const err = await pending;
    expect(err).toMatchObject({
      code: ErrorCode.ERROR_CODE_UNAVAILABLE,
      source: 'close',
      retryable: true,
      clientMsgId: 'c-1',
      closeCode: 1001,
    });
    expect(await closed).toMatchObject({ code: 1001, reason: 'going away' });
    expect(client.state).toBe('closed');
    expect(gateway.hellos()).toHaveLength(1);
  });

  test('SwitchboardClient - drops deliveries whose seq it has already seen', async () => {
    const { token, visitor, conversationId } = gateway.addVisitor();
    const client = newClient(token);
    await client.connect();
    const delivered = collectMessages(client, conversationId, 3);

    for (const seq of [1, 2, 1, 2, 3]) gateway.pushTo(visitor.id, deliver({ conversationId, seq }));

    expect((await delivered).map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(client.lastSeq(conversationId)).toBe(3);
    expect(client.lastSeq('another')).toBe(0);
  });

  test('SwitchboardClient - keeps seq bookkeeping per conversation', async () => {
    const { token, visitor, conversationId } = gateway.addVisitor();
    const client = newClient(token);
    await client.connect();
    const delivered = collectMessages(client, 'c-other', 2);

    for (const [conv, seq] of [
      [conversationId, 1],
      ['c-other', 1],
      [conversationId, 1],
      ['c-other', 2],
    ] as const) {
      gateway.pushTo(visitor.id, deliver({ conversationId: conv, seq }));
    }

    expect((await delivered).map((m) => `${m.conversationId}#${m.seq}`)).toEqual([
      `${conversationId}#1`,
      'c-other#1',
      'c-other#2',
    ]);
  });

  test('SwitchboardClient - connect rejects with UNAUTHENTICATED and close code 4001 on a bad token', async () => {
    const client = newClient('not-a-token');

    const err = await rejection(client.connect());

    expect(err).toMatchObject({
      code: ErrorCode.ERROR_CODE_UNAUTHENTICATED,
      source: 'server',
      closeCode: 4001,
      retryable: false,
    });
    expect(client.state).toBe('closed');
  });

  test('SwitchboardClient - connect rejects with UNKNOWN_TENANT and close code 4004 when the tenant is gone', async () => {
    const { token } = gateway.addVisitor('Ann', { tenantGone: true });
    const client = newClient(token);

    const err = await rejection(client.connect());

    expect(err).toMatchObject({ code: ErrorCode.ERROR_CODE_UNKNOWN_TENANT, closeCode: 4004 });
  });

  test('SwitchboardClient - connect rejects with the close code when the gateway closes before Welcome without an error frame', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    wss.on('connection', (ws) => {
      ws.once('message', () => {
        ws.close(4008, 'no Hello in time');
      });
    });
    await new Promise((resolve) => wss.once('listening', resolve));
    const { port } = wss.address() as AddressInfo;
    const client = new SwitchboardClient({ url: `ws://127.0.0.1:${port}/v1/ws`, token: 't' });

    const err = await rejection(client.connect());
    await new Promise<void>((resolve) => {
      wss.close(() => {
        resolve();
      });
    });

    expect(err).toMatchObject({
      code: ErrorCode.ERROR_CODE_PROTOCOL_VIOLATION,
      source: 'close',
      closeCode: 4008,
      closeReason: 'no Hello in time',
    });
  });

  test('SwitchboardClient - connect rejects with a retryable transport error when nothing listens', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const client = new SwitchboardClient({ url: `ws://127.0.0.1:${port}/v1/ws`, token: 't' });

    const err = await rejection(client.connect());

    expect(err).toMatchObject({
      code: ErrorCode.ERROR_CODE_UNAVAILABLE,
      source: 'transport',
      retryable: true,
    });
    expect(err.message).toContain('cannot reach gateway');
    expect(err.cause).toHaveProperty('message');
  });

  test('SwitchboardClient - connect rejects with INVALID_ARGUMENT when the url is not a WebSocket url', async () => {
    const client = newClient('t', { url: 'not a url' });

    const err = await rejection(client.connect());

    expect(err).toMatchObject({ code: ErrorCode.ERROR_CODE_INVALID_ARGUMENT, source: 'local' });
    expect(err.message).toContain('cannot open a WebSocket to not a url');
    expect(client.state).toBe('closed');
  });

  test('SwitchboardClient - a Hello never exceeds the frame limit, however many resume points there are', async () => {
    const { token, conversationId } = gateway.addVisitor();
    const resume = Array.from({ length: 3000 }, (_, i) => ({
      conversationId: `c-${i}-${'x'.repeat(20)}`,
      lastSeq: i + 1,
    }));
    const client = newClient(token, { resume: [...resume, { conversationId, lastSeq: 0 }] });

    await client.connect();

    const [hello] = gateway.hellos();
    expect(hello?.resume.length).toBeGreaterThan(0);
    expect(hello?.resume.length).toBeLessThan(3000);
    // The newest points are kept.
    expect(hello?.resume.at(-1)).toEqual(resume.at(-1));
  });

  test('SwitchboardClient - send and ping reject before connect', async () => {
    const client = newClient('t');

    const send = await rejection(client.send('c', 'hi'));
    const ping = await rejection(client.ping());

    expect(send).toMatchObject({ code: ErrorCode.ERROR_CODE_UNAVAILABLE, source: 'local' });
    expect(ping).toMatchObject({ code: ErrorCode.ERROR_CODE_UNAVAILABLE, source: 'local' });
  });

  test('SwitchboardClient - ping resolves when the matching Pong arrives', async () => {
    const { token } = gateway.addVisitor();
    const client = newClient(token);
    await client.connect();

    const rtt = await client.ping();

    expect(rtt).toBeGreaterThanOrEqual(0);
    expect(gateway.received.at(-1)?.kind?.$case).toBe('ping');
  });

  test('SwitchboardClient - emits conversation events for assignment and close', async () => {
    const { token, conversationId } = gateway.addVisitor();
    const { agent } = gateway.addAgent();
    const client = newClient(token);
    await client.connect();

    const assigned = nextEvent(client, 'conversation');
    gateway.assign(conversationId, agent.id);
    expect(await assigned).toMatchObject({
      type: ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED,
      conversationId,
      agentId: agent.id,
      state: ConversationState.CONVERSATION_STATE_CHATTING,
    });

    const closed = nextEvent(client, 'conversation');
    gateway.closeConversation(conversationId, 'resolved');
    expect(await closed).toMatchObject({
      type: ConversationEventType.CONVERSATION_EVENT_TYPE_CLOSED,
      state: ConversationState.CONVERSATION_STATE_CLOSED,
      reason: 'resolved',
    });
  });

  test('SwitchboardClient - an agent receives the history of a conversation newly assigned to it', async () => {
    const { visitor, conversationId } = gateway.addVisitor();
    gateway.append(conversationId, visitor, 'anyone there?');
    const { token, agent } = gateway.addAgent();
    const client = newClient(token);
    const welcome = await client.connect();
    expect(welcome.conversations).toEqual([]);
    const history = collectMessages(client, conversationId, 1);

    gateway.assign(conversationId, agent.id);

    expect((await history).map((m) => m.text)).toEqual(['anyone there?']);
  });

  test('SwitchboardClient - emits error frames that answer no send as error events', async () => {
    const { token, visitor } = gateway.addVisitor();
    const client = newClient(token);
    await client.connect();
    const error = nextEvent(client, 'error');

    gateway.pushTo(visitor.id, {
      kind: {
        $case: 'error',
        value: {
          code: ErrorCode.ERROR_CODE_RATE_LIMITED,
          message: 'slow down',
          retryable: true,
          clientMsgId: '',
          requestId: 0,
        },
      },
    });

    expect(await error).toMatchObject({ code: ErrorCode.ERROR_CODE_RATE_LIMITED, message: 'slow down' });
  });

  test('SwitchboardClient - a text frame from the gateway is reported as BAD_FRAME and the client closes with 4000', async () => {
    const { token, visitor } = gateway.addVisitor();
    const client = newClient(token);
    await client.connect();
    const error = nextEvent(client, 'error');
    const closed = nextEvent(client, 'close');

    gateway.pushTo(visitor.id, 'hello as text');

    expect(await error).toMatchObject({ code: ErrorCode.ERROR_CODE_BAD_FRAME });
    expect((await closed).code).toBe(4000);
  });

  test('SwitchboardClient - close emits close with 1000 and later sends reject', async () => {
    const { token, conversationId } = gateway.addVisitor();
    const client = newClient(token);
    await client.connect();
    const closed = nextEvent(client, 'close');

    await client.close();

    expect(await closed).toEqual({ code: 1000, reason: 'client closed' });
    const err = await rejection(client.send(conversationId, 'late'));
    expect(err).toMatchObject({ code: ErrorCode.ERROR_CODE_UNAVAILABLE, source: 'local' });
  });

  test('SwitchboardClient - connect after close opens a new socket and keeps lastSeq', async () => {
    const { token, visitor, conversationId } = gateway.addVisitor();
    gateway.append(conversationId, visitor, 'first');
    const client = newClient(token);
    const history = collectMessages(client, conversationId, 1);
    await client.connect();
    await history;
    await client.close();
    const replay: UnifiedMessage[] = [];
    client.on('message', (m) => {
      replay.push(m);
    });
    const next = collectMessages(client, conversationId, 2);

    await client.connect();
    gateway.append(conversationId, visitor, 'second');

    // seq 1 is delivered again after Welcome and dropped; only seq 2 is new.
    expect((await next).map((m) => m.seq)).toEqual([2]);
    expect(replay.map((m) => m.seq)).toEqual([2]);
  });
});
