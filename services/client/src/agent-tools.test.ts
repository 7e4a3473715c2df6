import {
  AgentStatus,
  Availability,
  ConversationEvent,
  ConversationEventType,
  ConversationState,
  ErrorCode,
  MessageKind,
  type Participant,
  type QueueSnapshot,
} from '@switchboard/proto';
import { collectMessages, nextEvent, record, rejection } from '../test/client-harness';
import { FakeGateway, type FakeParticipant } from '../test/fake-gateway';
import type { AgentStatusName } from './agent-status';
import { SwitchboardClient, type SwitchboardClientOptions } from './client';
import { isHiddenMessage } from './message-kinds';
import { TYPING_EXPIRY_MS, TYPING_IDLE_MS } from './typing';

let gateway: FakeGateway;
const clients: SwitchboardClient[] = [];

/** Short, jitter-free backoff. */
const FAST = { initialDelayMs: 5, maxDelayMs: 40, multiplier: 2, jitter: 0, rateLimitedDelayMs: 30 };

beforeEach(async () => {
  gateway = await FakeGateway.start();
});

afterEach(async () => {
  jest.useRealTimers();
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await gateway.stop();
});

function newClient(token: string, options: Partial<SwitchboardClientOptions> = {}): SwitchboardClient {
  const client = new SwitchboardClient({ url: gateway.wsUrl, token, reconnect: FAST, ...options });
  clients.push(client);
  return client;
}

function participant(p: FakeParticipant): Participant {
  return { role: p.role, id: p.id, displayName: p.displayName };
}

/** Fakes only the timers the typing indicators use, so sockets keep working. */
function fakeTimeouts(): void {
  jest.useFakeTimers({
    doNotFake: [
      'Date',
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
    ],
  });
}

/** A visitor and an agent in one chatting conversation, both connected. */
async function chatting(supervisor = false) {
  const { token: visitorToken, visitor, conversationId } = gateway.addVisitor('Ann');
  const { token: agentToken, agent } = gateway.addAgent('Alice', undefined, undefined, { supervisor });
  gateway.assign(conversationId, agent.id);
  const ann = newClient(visitorToken);
  const alice = newClient(agentToken);
  await ann.connect();
  await alice.connect();
  return { visitor, agent, conversationId, ann, alice, visitorToken, agentToken };
}

describe('notes and redaction', () => {
  test('sendNote - stores a note; agents get it, the visitor a redacted message in its place with no gap', async () => {
    const { visitor, conversationId, ann, alice } = await chatting();
    const gaps = record(ann, 'gap');
    const annSees = collectMessages(ann, conversationId, 3);
    const aliceSees = collectMessages(alice, conversationId, 3);

    await ann.send(conversationId, 'hello');
    const ack = await alice.sendNote(conversationId, 'VIP customer', { clientMsgId: 'note-1' });
    gateway.append(conversationId, visitor, 'still there?');

    expect(ack).toMatchObject({ clientMsgId: 'note-1', seq: 2 });
    expect(gateway.sends().at(-1)).toMatchObject({ clientMsgId: 'note-1', note: true });
    const agentView = await aliceSees;
    expect(agentView.map((m) => [m.seq, m.kind, m.text])).toEqual([
      [1, MessageKind.MESSAGE_KIND_TEXT, 'hello'],
      [2, MessageKind.MESSAGE_KIND_NOTE, 'VIP customer'],
      [3, MessageKind.MESSAGE_KIND_TEXT, 'still there?'],
    ]);
    const visitorView = await annSees;
    expect(visitorView.map((m) => [m.seq, isHiddenMessage(m)])).toEqual([
      [1, false],
      [2, true],
      [3, false],
    ]);
    expect(visitorView[1]).toMatchObject({
      sender: undefined,
      text: '',
      kind: MessageKind.MESSAGE_KIND_REDACTED,
    });
    expect(gaps).toEqual([]);
    expect(gateway.fetches()).toEqual([]);
    expect(ann.lastSeq(conversationId)).toBe(3);
  });

  test('sendNote - a visitor is refused with FORBIDDEN and nothing is stored', async () => {
    const { conversationId, ann } = await chatting();

    const err = await rejection(ann.sendNote(conversationId, 'psst'));

    expect(err).toMatchObject({ code: ErrorCode.ERROR_CODE_FORBIDDEN, source: 'server' });
    expect(gateway.messages(conversationId)).toEqual([]);
    expect(ann.pendingSends()).toEqual([]);
  });

  test('unread - redacted messages never count for the visitor, live or in a later Welcome', async () => {
    const { agent, conversationId, ann, visitorToken } = await chatting();
    const aliceP = { id: agent.id, role: agent.role, displayName: agent.displayName };
    const all = collectMessages(ann, conversationId, 4);

    gateway.append(conversationId, aliceP, 'one');
    gateway.appendNote(conversationId, aliceP, 'note a');
    gateway.appendNote(conversationId, aliceP, 'note b');
    gateway.append(conversationId, aliceP, 'two');
    await all;
    expect(ann.unreadCount(conversationId)).toBe(2);

    // The gateway's unread_count is last_seq - read_seq (4): the SDK takes out the notes it saw.
    const resumed = nextEvent(ann, 'resumed');
    gateway.closeAll(1001, 'restart');
    const { welcome } = await resumed;
    expect(welcome.readStates[0]?.unreadCount).toBe(4);
    expect(ann.unreadCount(conversationId)).toBe(2);

    // A new tab knows nothing yet: the count settles as the history comes in.
    const tab = newClient(visitorToken);
    const history = collectMessages(tab, conversationId, 4);
    await tab.connect();
    expect((await history).filter(isHiddenMessage).map((m) => m.seq)).toEqual([2, 3]);
    expect(tab.unreadCount(conversationId)).toBe(2);
    tab.markRead(conversationId, 4);
    expect(tab.unreadCount(conversationId)).toBe(0);
  });

  test('fetchMessages - a visitor fetches notes redacted', async () => {
    const { agent, conversationId, ann } = await chatting();
    const delivered = collectMessages(ann, conversationId, 2);
    gateway.append(conversationId, agent, 'hi');
    gateway.appendNote(conversationId, agent, 'secret');
    await delivered;

    const { messages } = await ann.fetchMessages(conversationId, 1);

    expect(messages.map((m) => [m.seq, m.kind, m.text])).toEqual([
      [1, MessageKind.MESSAGE_KIND_TEXT, 'hi'],
      [2, MessageKind.MESSAGE_KIND_REDACTED, ''],
    ]);
  });
});

describe('conversation commands', () => {
  test('accept - resolves with the conversation after it; both sides get the lifecycle updates', async () => {
    const { conversationId } = gateway.addVisitor('Ann');
    const { token, agent } = gateway.addAgent('Alice');
    const alice = newClient(token);
    await alice.connect();
    const offered = nextEvent(alice, 'conversation');
    gateway.offer(conversationId, agent.id);
    expect(await offered).toMatchObject({
      type: ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED,
      state: ConversationState.CONVERSATION_STATE_ASSIGNED,
      fromState: ConversationState.CONVERSATION_STATE_WAITING,
    });
    const accepted = nextEvent(alice, 'conversation');

    const summary = await alice.accept(conversationId);

    expect(summary).toMatchObject({
      conversationId,
      state: ConversationState.CONVERSATION_STATE_CHATTING,
      agentId: agent.id,
      version: 3,
    });
    const [command] = gateway.commands();
    expect(command).toMatchObject({ conversationId, command: { $case: 'accept', value: {} } });
    expect(command?.requestId).toBeGreaterThan(0);
    expect(await accepted).toMatchObject({
      type: ConversationEventType.CONVERSATION_EVENT_TYPE_ACCEPTED,
      conversation: { state: ConversationState.CONVERSATION_STATE_CHATTING, version: 3 },
    });
    expect(alice.conversation(conversationId)).toMatchObject({
      state: ConversationState.CONVERSATION_STATE_CHATTING,
      version: 3,
    });
  });

  test('command - a refusal rejects that command with the typed error carrying its request_id', async () => {
    const { conversationId, ann, alice } = await chatting();

    const forbidden = await rejection(ann.accept(conversationId));
    const illegal = await rejection(alice.accept(conversationId));

    const [first, second] = gateway.commands();
    expect(forbidden).toMatchObject({
      name: 'ClientError',
      code: ErrorCode.ERROR_CODE_FORBIDDEN,
      source: 'server',
      retryable: false,
      requestId: first?.requestId,
    });
    expect(illegal).toMatchObject({
      code: ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION,
      requestId: second?.requestId,
    });
    expect(illegal.codeName).toBe('ERROR_CODE_ILLEGAL_TRANSITION');
    // The socket stays usable.
    await expect(alice.setLabels(conversationId, ['vip'])).resolves.toMatchObject({ labels: ['vip'] });
  });

  test('transfer - to a group with a note: TRANSFERRING, and the note reaches the visitor redacted', async () => {
    const { conversationId, ann, alice } = await chatting();
    const redacted = collectMessages(ann, conversationId, 1);
    const update = nextEvent(ann, 'conversation');

    const summary = await alice.transfer(conversationId, { toGroupId: 'billing' }, 'wants a refund');

    expect(summary).toMatchObject({
      state: ConversationState.CONVERSATION_STATE_TRANSFERRING,
      groupId: 'billing',
    });
    expect(gateway.commands()[0]?.command).toEqual({
      $case: 'transfer',
      value: { toAgentId: '', toGroupId: 'billing', note: 'wants a refund' },
    });
    expect((await redacted).map((m) => m.kind)).toEqual([MessageKind.MESSAGE_KIND_REDACTED]);
    expect(await update).toMatchObject({
      type: ConversationEventType.CONVERSATION_EVENT_TYPE_TRANSFER_REQUESTED,
    });
  });

  test('transfer / rate / setLabels - bad arguments fail locally without a round trip', async () => {
    const { conversationId, ann, alice } = await chatting();

    const both = await rejection(
      alice.transfer(conversationId, { toAgentId: 'a-2', toGroupId: 'g' } as unknown as {
        toAgentId: string;
      }),
    );
    const neither = await rejection(alice.transfer(conversationId, { toAgentId: '' }));
    const score = await rejection(ann.rate(conversationId, 6));
    const label = await rejection(alice.setLabels(conversationId, ['ok', ' ']));
    const noConversation = await rejection(alice.accept(''));

    for (const err of [both, neither, score, label, noConversation]) {
      expect(err).toMatchObject({ code: ErrorCode.ERROR_CODE_INVALID_ARGUMENT, source: 'local' });
    }
    expect(gateway.commands()).toEqual([]);
  });

  test('closeConversation and rate - the visitor closes, then rates once', async () => {
    const { conversationId, ann } = await chatting();
    const closed = nextEvent(ann, 'conversation');

    const summary = await ann.closeConversation(conversationId, 'done');

    expect(summary.state).toBe(ConversationState.CONVERSATION_STATE_CLOSED);
    expect(gateway.commands()[0]?.command).toEqual({
      $case: 'close',
      value: { reason: 'done', reopenWindowMs: 0 },
    });
    expect(await closed).toMatchObject({
      type: ConversationEventType.CONVERSATION_EVENT_TYPE_CLOSED,
      reason: 'done',
    });
    expect(ann.resumePoints()).toEqual([]);
    await expect(ann.rate(conversationId, 5, 'great')).resolves.toMatchObject({
      csat: { score: 5, comment: 'great' },
    });
    expect(await rejection(ann.rate(conversationId, 4))).toMatchObject({
      code: ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION,
    });
  });

  test('takeOver - a supervisor takes the conversation; the previous agent stops resuming it', async () => {
    const { visitor, conversationId, alice } = await chatting();
    const { token } = gateway.addAgent('Sam', 'sam@demo.test', 'pw', { supervisor: true });
    const sam = newClient(token);
    const welcome = await sam.connect();
    expect(welcome.supervisor).toBe(true);
    const delivered = collectMessages(alice, conversationId, 1);
    gateway.append(conversationId, visitor, 'hello?');
    await delivered;
    expect(alice.resumePoints()).toEqual([{ conversationId, lastSeq: 1 }]);
    const takenOver = nextEvent(alice, 'conversation');
    const history = collectMessages(sam, conversationId, 1);

    const summary = await sam.takeOver(conversationId);

    expect(summary).toMatchObject({
      agentId: welcome.participantId,
      previousAgentId: alice.welcome?.participantId,
    });
    expect(await takenOver).toMatchObject({ type: ConversationEventType.CONVERSATION_EVENT_TYPE_TAKEN_OVER });
    expect(alice.resumePoints()).toEqual([]);
    expect((await history).map((m) => m.text)).toEqual(['hello?']);
    expect(await rejection(alice.takeOver(conversationId))).toMatchObject({
      code: ErrorCode.ERROR_CODE_FORBIDDEN,
    });
  });

  test('pick - an agent takes a queued conversation and receives its history', async () => {
    const { visitor, conversationId } = gateway.addVisitor('Ann');
    gateway.append(conversationId, visitor, 'anyone?');
    gateway.enqueue(conversationId, 'sales');
    const { token, agent } = gateway.addAgent('Alice');
    const alice = newClient(token);
    await alice.connect();
    const history = collectMessages(alice, conversationId, 1);

    const summary = await alice.pick(conversationId);

    expect(summary).toMatchObject({
      state: ConversationState.CONVERSATION_STATE_CHATTING,
      agentId: agent.id,
      groupId: 'sales',
    });
    expect((await history).map((m) => m.text)).toEqual(['anyone?']);
    expect(alice.resumePoints()).toEqual([{ conversationId, lastSeq: 1 }]);
  });

  test('command - no answer in time rejects with a timeout error; a late answer is ignored', async () => {
    const { conversationId, alice } = await chatting();
    gateway.onCommand = () => 'no-answer';

    const err = await rejection(alice.setLabels(conversationId, ['x'], { timeoutMs: 30 }));

    expect(err).toMatchObject({
      code: ErrorCode.ERROR_CODE_UNAVAILABLE,
      source: 'timeout',
      retryable: true,
      requestId: gateway.commands()[0]?.requestId,
    });
    gateway.onCommand = undefined;
    await expect(alice.setLabels(conversationId, ['y'])).resolves.toMatchObject({ labels: ['y'] });
  });

  test('command - a socket drop rejects pending commands (retryable) and they are never resent', async () => {
    const { conversationId, alice } = await chatting();
    gateway.onCommand = () => 'no-answer';
    const arrived = gateway.waitForFrame((f) => f.kind?.$case === 'command');
    const pending = rejection(alice.accept(conversationId));
    await arrived;
    const resumed = nextEvent(alice, 'resumed');

    gateway.terminateAll();

    expect(await pending).toMatchObject({
      code: ErrorCode.ERROR_CODE_UNAVAILABLE,
      source: 'close',
      retryable: true,
      closeCode: 1006,
    });
    await resumed;
    await alice.ping();
    expect(gateway.commands()).toHaveLength(1);
  });

  test('command - fails fast when not connected', async () => {
    const { token } = gateway.addAgent();
    const alice = newClient(token);

    const err = await rejection(alice.accept('c-1'));

    expect(err).toMatchObject({ code: ErrorCode.ERROR_CODE_UNAVAILABLE, source: 'local', retryable: true });
  });

  test('command - close() rejects a pending command', async () => {
    const { conversationId, alice } = await chatting();
    gateway.onCommand = () => 'no-answer';
    const arrived = gateway.waitForFrame((f) => f.kind?.$case === 'command');
    const pending = rejection(alice.pick(conversationId));
    await arrived;

    await alice.close();

    expect(await pending).toMatchObject({ source: 'close', retryable: true });
  });
});

describe('conversation updates', () => {
  test('conversation - every lifecycle type is emitted; the stored record ignores an older version', async () => {
    const { conversationId, ann, alice } = await chatting();
    await ann.send(conversationId, 'hi');
    const events = record(ann, 'conversation');
    await alice.setLabels(conversationId, ['a']);
    const closed = nextEvent(
      ann,
      'conversation',
      (e) => e.type === ConversationEventType.CONVERSATION_EVENT_TYPE_CLOSED,
    );
    gateway.closeConversation(conversationId);
    await closed;
    expect(events.map((e) => e.type)).toEqual([
      ConversationEventType.CONVERSATION_EVENT_TYPE_LABELED,
      ConversationEventType.CONVERSATION_EVENT_TYPE_CLOSED,
    ]);
    const current = ann.conversation(conversationId);
    expect(current).toMatchObject({ state: ConversationState.CONVERSATION_STATE_CLOSED, labels: ['a'] });

    // A stale update (an older version) is still emitted, but does not replace the newer record.
    const stale = nextEvent(ann, 'conversation');
    gateway.pushTo(ann.welcome?.participantId ?? '', {
      kind: {
        $case: 'conversation',
        value: {
          event: ConversationEvent.fromPartial({
            tenantId: 'demo',
            conversationId,
            type: ConversationEventType.CONVERSATION_EVENT_TYPE_OPENED,
            state: ConversationState.CONVERSATION_STATE_WAITING,
            version: 1,
          }),
        },
      },
    });
    expect(await stale).toMatchObject({ version: 1 });
    expect(ann.conversation(conversationId)).toEqual(current);
    expect(ann.resumePoints()).toEqual([]);
    expect(ann.conversations()).toEqual([current]);
  });

  test('conversation - a reopened conversation is resumed again by the visitor', async () => {
    const { visitor, conversationId, ann } = await chatting();
    const delivered = collectMessages(ann, conversationId, 1);
    gateway.append(conversationId, visitor, 'hi');
    await delivered;
    const closed = nextEvent(ann, 'conversation');
    gateway.closeConversation(conversationId);
    await closed;
    expect(ann.resumePoints()).toEqual([]);

    const reopened = nextEvent(ann, 'conversation');
    gateway.enqueue(conversationId, 'general', ConversationEventType.CONVERSATION_EVENT_TYPE_REOPENED);
    expect(await reopened).toMatchObject({ state: ConversationState.CONVERSATION_STATE_QUEUED });

    expect(ann.resumePoints()).toEqual([{ conversationId, lastSeq: 1 }]);
  });

  test('conversation - an offer that is requeued away from the agent is no longer resumed by it', async () => {
    const { visitor, conversationId } = gateway.addVisitor('Ann');
    gateway.append(conversationId, visitor, 'hi');
    const { token, agent } = gateway.addAgent('Alice');
    const alice = newClient(token);
    await alice.connect();
    const history = collectMessages(alice, conversationId, 1);
    gateway.offer(conversationId, agent.id);
    await history;
    expect(alice.resumePoints()).toEqual([{ conversationId, lastSeq: 1 }]);

    const requeued = nextEvent(alice, 'conversation');
    gateway.enqueue(conversationId, 'general', ConversationEventType.CONVERSATION_EVENT_TYPE_REQUEUED);
    expect(await requeued).toMatchObject({ agentId: '', conversation: { previousAgentId: agent.id } });

    expect(alice.resumePoints()).toEqual([]);
  });
});

describe('signals', () => {
  test('typing - the other side gets typing events; our own echo is ignored; a message ends it', async () => {
    const { visitor, conversationId, ann, alice } = await chatting();
    const annTyping = record(ann, 'typing');
    const echo = nextEvent(ann, 'signal', (s) => s.kind?.$case === 'typing');
    const started = nextEvent(alice, 'typing');

    ann.setTyping(conversationId, true);

    expect(await started).toEqual({ conversationId, participant: participant(visitor), typing: true });
    expect(await echo).toMatchObject({ conversationId, from: { id: visitor.id } });
    expect(annTyping).toEqual([]);
    expect(alice.typingParticipants(conversationId)).toEqual([participant(visitor)]);

    const stopped = nextEvent(alice, 'typing');
    await ann.send(conversationId, 'hi');
    expect(await stopped).toEqual({ conversationId, participant: participant(visitor), typing: false });
    expect(alice.typingParticipants(conversationId)).toEqual([]);
    // Sending stopped our own typing too: one stop, before the message.
    expect(gateway.typingNotices()).toEqual([
      { conversationId, typing: true },
      { conversationId, typing: false },
    ]);
    expect(gateway.received.at(-1)?.kind?.$case).toBe('send');
  });

  test('typing - a remote indicator expires 6 s after its last renewal', async () => {
    const { visitor, conversationId, alice } = await chatting();
    const events = record(alice, 'typing');
    const started = nextEvent(alice, 'typing');
    fakeTimeouts();

    gateway.signal(conversationId, participant(visitor), { $case: 'typing', value: { typing: true } });
    await started;
    jest.advanceTimersByTime(TYPING_EXPIRY_MS - 1);
    expect(events.map((e) => e.typing)).toEqual([true]);
    jest.advanceTimersByTime(1);

    expect(events.map((e) => e.typing)).toEqual([true, false]);
    expect(alice.typingParticipants(conversationId)).toEqual([]);
  });

  test('setTyping - sends typing:false by itself 5 s after the last call', async () => {
    const { conversationId, ann } = await chatting();
    fakeTimeouts();
    const started = gateway.waitForFrame((f) => f.kind?.$case === 'typing');

    ann.setTyping(conversationId, true);
    ann.setTyping(conversationId, true);
    await started;
    const stopped = gateway.waitForFrame((f) => f.kind?.$case === 'typing');
    jest.advanceTimersByTime(TYPING_IDLE_MS);

    expect((await stopped).kind).toEqual({ $case: 'typing', value: { conversationId, typing: false } });
    expect(gateway.typingNotices().map((t) => t.typing)).toEqual([true, false]);
  });

  test('readReceipt - the other side learns how far we read; our own receipt is not reported', async () => {
    const { agent, conversationId, ann, alice } = await chatting();
    const delivered = collectMessages(alice, conversationId, 1);
    await ann.send(conversationId, 'question');
    await delivered;
    const aliceReceipts = record(alice, 'readReceipt');
    const echo = nextEvent(alice, 'signal', (s) => s.kind?.$case === 'read');
    const receipt = nextEvent(ann, 'readReceipt');

    alice.markRead(conversationId, 1);

    const info = await receipt;
    expect(info).toMatchObject({ conversationId, participant: participant(agent), readSeq: 1 });
    expect(info.atMs).toBeGreaterThan(0);
    await echo;
    expect(aliceReceipts).toEqual([]);
  });

  test("readReceipt - our own mark from another tab updates this tab's unread count", async () => {
    const { conversationId, ann, agentToken } = await chatting();
    const tabA = newClient(agentToken);
    const tabB = newClient(agentToken);
    await tabA.connect();
    await tabB.connect();
    const both = [collectMessages(tabA, conversationId, 1), collectMessages(tabB, conversationId, 1)];
    await ann.send(conversationId, 'question');
    await Promise.all(both);
    expect(tabB.unreadCount(conversationId)).toBe(1);
    const synced = nextEvent(tabB, 'unread');

    tabA.markRead(conversationId, 1);

    expect(await synced).toMatchObject({ conversationId, readSeq: 1, unreadCount: 0 });
  });

  test('queueStatus - the visitor hears its place in line; position 0 clears it', async () => {
    const { token, conversationId } = gateway.addVisitor('Ann');
    const ann = newClient(token);
    await ann.connect();
    gateway.enqueue(conversationId, 'billing');
    const status = nextEvent(ann, 'queueStatus');

    gateway.queueStatus(conversationId, {
      groupId: 'billing',
      position: 2,
      queueLength: 3,
      estimatedWaitS: 120,
      availability: Availability.AVAILABILITY_NO_AGENTS,
      offlineMessage: 'Leave us a message',
    });

    const info = await status;
    expect(info).toEqual({
      conversationId,
      groupId: 'billing',
      position: 2,
      queueLength: 3,
      estimatedWaitS: 120,
      availability: Availability.AVAILABILITY_NO_AGENTS,
      offlineMessage: 'Leave us a message',
      atMs: expect.any(Number) as number,
    });
    expect(ann.queueStatus(conversationId)).toEqual(info);
    const left = nextEvent(ann, 'queueStatus');
    gateway.queueStatus(conversationId, { position: 0 });
    await left;
    expect(ann.queueStatus(conversationId)).toBeUndefined();
  });

  test('idleWarning - the visitor is told when the conversation will close', async () => {
    const { conversationId, ann } = await chatting();
    const warning = nextEvent(ann, 'idleWarning');

    gateway.idleWarning(conversationId, 1_700_000_000_000);

    expect(await warning).toMatchObject({ conversationId, closesAtMs: 1_700_000_000_000 });
  });

  test('queue - agents receive QueueSnapshots and the latest is kept', async () => {
    const { alice, conversationId } = await chatting();
    const snapshot: QueueSnapshot = {
      tenantId: 'demo',
      atMs: 42,
      groups: [
        {
          groupId: 'general',
          manualPick: true,
          agentsOnline: 1,
          freeCapacity: 4,
          entries: [
            {
              conversationId,
              position: 1,
              priority: 0,
              queuedAtMs: 1,
              visitorId: 'v-1',
              visitorName: 'Ann',
              estimatedWaitS: 0,
            },
          ],
        },
      ],
    };
    const queue = nextEvent(alice, 'queue');

    gateway.pushQueue(snapshot);

    expect(await queue).toEqual(snapshot);
    expect(alice.queueSnapshot).toEqual(snapshot);
  });
});

describe('agent status', () => {
  test('status - from Welcome, setStatus (confirmed by StatusUpdate), and another tab', async () => {
    const { token, agent } = gateway.addAgent('Alice');
    const alice = newClient(token);
    const changes: [AgentStatusName, AgentStatusName | undefined][] = [];
    alice.on('status', (status, previous) => changes.push([status, previous]));
    await alice.connect();
    expect(alice.agentStatus).toBe('online');

    await expect(alice.setStatus('away')).resolves.toBe('away');
    expect(gateway.agentStatus(agent.id)).toBe(AgentStatus.AGENT_STATUS_AWAY);
    expect(alice.agentStatus).toBe('away');

    const fromOtherTab = nextEvent(alice, 'status');
    gateway.setAgentStatus(agent.id, AgentStatus.AGENT_STATUS_ONLINE);
    expect(await fromOtherTab).toBe('online');
    await expect(alice.setStatus('online')).resolves.toBe('online');

    expect(changes).toEqual([
      ['online', undefined],
      ['away', 'online'],
      ['online', 'away'],
    ]);
  });

  test('status - a reconnect takes the stored status from Welcome', async () => {
    const { token, agent } = gateway.addAgent('Alice');
    const alice = newClient(token);
    await alice.connect();
    await alice.setStatus('away');
    gateway.terminateAll();
    gateway.setAgentStatus(agent.id, AgentStatus.AGENT_STATUS_ONLINE);
    const resumed = nextEvent(alice, 'resumed');

    const { welcome } = await resumed;

    expect(welcome.agentStatus).toBe(AgentStatus.AGENT_STATUS_ONLINE);
    expect(alice.agentStatus).toBe('online');
  });

  test('status - visitors have none and may not set one', async () => {
    const { ann } = await chatting();

    const err = await rejection(ann.setStatus('away'));

    expect(ann.agentStatus).toBeUndefined();
    expect(err).toMatchObject({ code: ErrorCode.ERROR_CODE_FORBIDDEN, source: 'local' });
    expect(gateway.received.some((f) => f.kind?.$case === 'setStatus')).toBe(false);
  });
});
