import {
  ClientError,
  type ClientEvents,
  type ConnectionState,
  type FetchResult,
  type SwitchboardClient,
  TypedEmitter,
} from '@switchboard/client';
import {
  ConversationEvent,
  ConversationEventType,
  ConversationState,
  ConversationSummary,
  ErrorCode,
  ParticipantRole,
  type SendAck,
  UnifiedMessage,
  Welcome,
} from '@switchboard/proto/wire';
import { type AgentSession, ConsoleApi } from './api';
import { ConsoleStore, type OfferSignals } from './console-store';
import type { ConversationRecord } from './domain/records';

/** The parts of SwitchboardClient the store uses, driven by the test. */
class FakeClient extends TypedEmitter<ClientEvents> {
  state: ConnectionState = 'idle';
  fetches: { id: string; from: number; to: number; limit: number }[] = [];
  sends: { id: string; text: string; note: boolean; clientMsgId: string }[] = [];
  marks: [string, number][] = [];
  history = new Map<string, UnifiedMessage[]>();
  sendResult: (clientMsgId: string) => Promise<SendAck> = () => new Promise(() => undefined);

  fire<K extends keyof ClientEvents>(event: K, ...args: ClientEvents[K]): void {
    this.emit(event, ...args);
  }

  connect(): Promise<Welcome> {
    this.state = 'open';
    return Promise.resolve(Welcome.fromPartial({}));
  }

  close(): Promise<void> {
    this.state = 'closed';
    return Promise.resolve();
  }

  readStates(): [] {
    return [];
  }

  conversation(): undefined {
    return undefined;
  }

  typingParticipants(): [] {
    return [];
  }

  fetchMessages(id: string, from: number, to = 0, limit = 0): Promise<FetchResult> {
    this.fetches.push({ id, from, to, limit });
    const all = (this.history.get(id) ?? []).filter((m) => m.seq >= from && (to === 0 || m.seq <= to));
    const page = limit > 0 ? all.slice(0, limit) : all;
    return Promise.resolve({ messages: page, hasMore: page.length < all.length });
  }

  send(id: string, text: string, opts: { clientMsgId: string }): Promise<SendAck> {
    this.sends.push({ id, text, note: false, clientMsgId: opts.clientMsgId });
    return this.sendResult(opts.clientMsgId);
  }

  sendNote(id: string, text: string, opts: { clientMsgId: string }): Promise<SendAck> {
    this.sends.push({ id, text, note: true, clientMsgId: opts.clientMsgId });
    return this.sendResult(opts.clientMsgId);
  }

  markRead(id: string, seq: number): void {
    this.marks.push([id, seq]);
  }

  accept(id: string): Promise<ConversationSummary> {
    return Promise.resolve(summary(id, ConversationState.CONVERSATION_STATE_CHATTING, 'me', 9));
  }

  setLabels(): Promise<ConversationSummary> {
    return Promise.reject(
      new ClientError(ErrorCode.ERROR_CODE_FORBIDDEN, 'not allowed here', { source: 'server' }),
    );
  }
}

const session: AgentSession = {
  token: 't',
  tenantId: 'demo',
  agentId: 'me',
  displayName: 'Bob',
  role: 'agent',
  expiresAtMs: 0,
};

function summary(
  id: string,
  state: ConversationState,
  agentId: string,
  version: number,
  lastSeq = 0,
): ConversationSummary {
  return ConversationSummary.fromPartial({
    conversationId: id,
    state,
    agentId,
    version,
    lastSeq,
    visitorId: `v-${id}`,
  });
}

function text(id: string, seq: number, from: 'visitor' | 'me', clientMsgId = `c${seq}`): UnifiedMessage {
  return UnifiedMessage.fromPartial({
    conversationId: id,
    seq,
    clientMsgId,
    text: `m${seq}`,
    acceptedAtMs: seq,
    sender:
      from === 'visitor'
        ? { role: ParticipantRole.PARTICIPANT_ROLE_VISITOR, id: `v-${id}`, displayName: 'Ann' }
        : { role: ParticipantRole.PARTICIPANT_ROLE_AGENT, id: 'me', displayName: 'Bob' },
  });
}

function setup(): { store: ConsoleStore; client: FakeClient; offers: ConversationRecord[] } {
  const client = new FakeClient();
  const offers: ConversationRecord[] = [];
  const signals: OfferSignals = { offered: (r) => offers.push(r) };
  const api = new ConsoleApi({
    baseUrl: 'http://gw',
    token: 't',
    fetch: () => Promise.reject(new Error('no REST in this test')),
  });
  const store = new ConsoleStore({
    session,
    client: client as unknown as SwitchboardClient,
    api,
    pageSize: 10,
    signals,
  });
  return { store, client, offers };
}

const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('ConsoleStore', () => {
  it('ConsoleStore - an offer to me raises one alert and one signal; accepting it clears the alert', async () => {
    const { store, client, offers } = setup();
    const event = ConversationEvent.fromPartial({
      type: ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED,
      conversationId: 'c1',
      agentId: 'me',
      version: 3,
      conversation: summary('c1', ConversationState.CONVERSATION_STATE_ASSIGNED, 'me', 3),
    });
    client.fire('conversation', event);
    client.fire('conversation', event); // a resync repeats it
    expect(store.state.alerts).toEqual(['c1']);
    expect(offers.map((r) => r.id)).toEqual(['c1']);
    expect(store.state.records['c1']?.state).toBe('assigned');
    await expect(store.accept('c1')).resolves.toBe(true);
    expect(store.state.records['c1']?.state).toBe('chatting');
    expect(store.state.alerts).toEqual([]);
  });

  it('ConsoleStore - a stale update (older version) changes nothing', () => {
    const { store, client } = setup();
    client.fire(
      'conversation',
      ConversationEvent.fromPartial({
        conversationId: 'c1',
        version: 5,
        conversation: summary('c1', ConversationState.CONVERSATION_STATE_CLOSED, 'me', 5),
      }),
    );
    client.fire(
      'conversation',
      ConversationEvent.fromPartial({
        type: ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED,
        conversationId: 'c1',
        agentId: 'me',
        version: 4,
        conversation: summary('c1', ConversationState.CONVERSATION_STATE_ASSIGNED, 'me', 4),
      }),
    );
    expect(store.state.records['c1']?.state).toBe('closed');
    expect(store.state.alerts).toEqual([]);
  });

  it('ConsoleStore - a send shows as pending until its own delivery arrives; a failure can be retried with the same id', async () => {
    const { store, client } = setup();
    client.fire(
      'welcome',
      Welcome.fromPartial({
        conversations: [summary('c1', ConversationState.CONVERSATION_STATE_CHATTING, 'me', 1)],
      }),
    );
    let fail = true;
    client.sendResult = () =>
      fail
        ? Promise.reject(
            new ClientError(ErrorCode.ERROR_CODE_UNAVAILABLE, 'gateway busy', { source: 'server' }),
          )
        : new Promise(() => undefined);
    store.send('c1', 'hello', false);
    expect(store.state.pending).toHaveLength(1);
    await flush();
    expect(store.state.pending[0]?.failed).toBe('gateway busy');
    fail = false;
    const id = store.state.pending[0]?.clientMsgId ?? '';
    store.retry(id);
    expect(client.sends.map((s) => s.clientMsgId)).toEqual([id, id]);
    expect(store.state.pending[0]?.failed).toBeUndefined();
    client.fire('message', text('c1', 1, 'me', id));
    expect(store.state.pending).toEqual([]);
    expect(store.state.timelines['c1']?.messages.map((m) => m.text)).toEqual(['m1']);
  });

  it('ConsoleStore - scrolling up fetches the page above the oldest message and merges it in order', async () => {
    const { store, client } = setup();
    client.history.set(
      'c1',
      Array.from({ length: 30 }, (_, i) => text('c1', i + 1, 'visitor')),
    );
    for (let seq = 21; seq <= 30; seq++) client.fire('message', text('c1', seq, 'visitor'));
    await client.connect();
    await store.loadOlder('c1');
    expect(client.fetches).toEqual([{ id: 'c1', from: 11, to: 20, limit: 10 }]);
    expect(store.state.timelines['c1']?.messages.map((m) => m.seq)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 11),
    );
    expect(store.state.visitorNames['v-c1']).toBe('Ann');
  });

  it('ConsoleStore - opening at a search hit loads from just above that message', async () => {
    const { store, client } = setup();
    client.fire(
      'conversation',
      ConversationEvent.fromPartial({
        conversationId: 'c9',
        version: 1,
        conversation: summary('c9', ConversationState.CONVERSATION_STATE_CLOSED, 'x', 1, 40),
      }),
    );
    client.history.set(
      'c9',
      Array.from({ length: 40 }, (_, i) => text('c9', i + 1, 'visitor')),
    );
    await client.connect();
    await store.open('c9', 12);
    expect(client.fetches[0]).toEqual({ id: 'c9', from: 7, to: 0, limit: 500 });
    expect(store.state.timelines['c9']?.messages[0]?.seq).toBe(7);
    expect(store.state.timelines['c9']?.messages.at(-1)?.seq).toBe(40);
  });

  it("ConsoleStore - opening someone else's or a closed conversation reads its newest messages; my own arrive live", async () => {
    const { store, client } = setup();
    await client.connect();
    client.fire(
      'conversation',
      ConversationEvent.fromPartial({
        conversationId: 'old',
        version: 2,
        conversation: summary('old', ConversationState.CONVERSATION_STATE_CLOSED, 'me', 2, 0),
      }),
    );
    client.history.set('old', [text('old', 1, 'visitor'), text('old', 2, 'me')]);
    await store.open('old');
    expect(client.fetches).toEqual([{ id: 'old', from: 1, to: 0, limit: 500 }]);
    expect(store.state.timelines['old']?.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(store.state.visitorNames['v-old']).toBe('Ann');
    client.fire(
      'conversation',
      ConversationEvent.fromPartial({
        conversationId: 'live',
        version: 1,
        conversation: summary('live', ConversationState.CONVERSATION_STATE_CHATTING, 'me', 1, 50),
      }),
    );
    await store.open('live');
    expect(client.fetches).toHaveLength(1);
  });

  it('ConsoleStore - marks a conversation of mine read up to its newest message only when something is unread', () => {
    const { store, client } = setup();
    client.fire(
      'welcome',
      Welcome.fromPartial({
        conversations: [summary('c1', ConversationState.CONVERSATION_STATE_CHATTING, 'me', 1)],
      }),
    );
    client.fire('message', text('c1', 1, 'visitor'));
    store.markRead('c1');
    expect(client.marks).toEqual([]);
    client.fire('unread', { conversationId: 'c1', unreadCount: 1, readSeq: 0, lastSeq: 1 });
    store.markRead('c1');
    expect(client.marks).toEqual([['c1', 1]]);
  });

  it('ConsoleStore - a refused command becomes an error toast; a refused token signs out', async () => {
    const { store, client } = setup();
    await expect(store.setLabels('c1', ['x'])).resolves.toBe(false);
    expect(store.state.toasts.map((t) => [t.kind, t.text])).toEqual([['error', 'not allowed here']]);
    client.fire('close', {
      code: 4001,
      reason: 'expired',
      error: new ClientError(ErrorCode.ERROR_CODE_UNAUTHENTICATED, 'token expired', { source: 'close' }),
    });
    expect(store.state.expired).toBe(true);
    await store.stop();
  });

  it('ConsoleStore - notifies subscribers once per batch of changes', async () => {
    const { store, client } = setup();
    let calls = 0;
    store.subscribe(() => calls++);
    for (let seq = 1; seq <= 5; seq++) client.fire('message', text('c1', seq, 'visitor'));
    await flush();
    expect(calls).toBe(1);
  });
});
