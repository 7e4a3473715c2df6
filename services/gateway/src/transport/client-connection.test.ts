import {
  AgentStatus,
  Channel,
  ClientFrame,
  ConversationSummary,
  MessageKind,
  type ConversationSignal,
  type SessionCommandRequest,
  CloseCode,
  ConversationEventType,
  ConversationState,
  ErrorCode,
  ParticipantRole,
  ServerFrame,
  UnifiedMessage,
  type AgentPresence,
  type AppendAck,
  type ConversationEvent,
  type ErrorDetail,
  type Messages,
  type ReadState,
  type ResumePoint,
} from '@switchboard/proto';
import { createLogger, SwitchboardError, trace } from '@switchboard/shared';
import type { ConversationBus, Unsubscribe } from '../adapters/conversation-bus';
import type { Directory } from '../adapters/directory';
import type { AgentStatusStore } from '../adapters/kv-agent-status';
import type { SessionAppender } from '../adapters/session-appender';
import type { SessionCommander } from '../adapters/session-commander';
import { AgentPresenceTracker } from '../domain/agent-presence';
import type { Identity } from '../domain/identity';
import { MessageRangeReader } from '../domain/message-range';
import type { HistoryArchive, HistoryPage, MessageLog, ReadMarkStore, StreamRun } from '../domain/ports';
import { ReadMarkCoalescer } from '../domain/read-marks';
import { TokenService } from '../domain/tokens';
import { ClientConnection, type FrameSink } from './client-connection';
import { ConnectionRegistry } from './connection-registry';

const msg = (seq: number, conversationId = 'c1'): UnifiedMessage => ({
  ...UnifiedMessage.fromPartial({}),
  tenantId: 'demo',
  conversationId,
  seq,
  text: `#${seq}`,
});
const range = (from: number, to: number): number[] =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/** The stream: every stored message per conversation, the oldest `trimmed` of each gone. */
class FakeStream implements MessageLog {
  readonly stored = new Map<string, UnifiedMessage[]>();
  trimmedBelow = 1;
  /** Runs once, during the next read: lets a test publish live while the gateway reads. */
  onNextRead: (() => void) | undefined;

  store(...ms: UnifiedMessage[]): void {
    for (const m of ms) this.stored.set(m.conversationId, [...(this.stored.get(m.conversationId) ?? []), m]);
  }

  readFrom(_t: string, c: string, fromSeq: number, limit: number): Promise<StreamRun> {
    const hook = this.onNextRead;
    this.onNextRead = undefined;
    hook?.();
    const all = (this.stored.get(c) ?? []).filter((m) => m.seq >= this.trimmedBelow);
    return Promise.resolve({
      messages: all.filter((m) => m.seq >= fromSeq).slice(0, limit),
      lastSeq: all.at(-1)?.seq ?? 0,
    });
  }

  lastSeq(_t: string, c: string): Promise<number> {
    return Promise.resolve((this.stored.get(c) ?? []).at(-1)?.seq ?? 0);
  }
}

class FakeHistory implements HistoryArchive {
  failing = false;
  constructor(private readonly stream: FakeStream) {}
  listAfter(_t: string, c: string, afterSeq: number, limit: number): Promise<HistoryPage> {
    if (this.failing)
      return Promise.reject(new SwitchboardError(ErrorCode.ERROR_CODE_UNAVAILABLE, 'history down', true));
    const all = (this.stream.stored.get(c) ?? []).filter((m) => m.seq > afterSeq);
    return Promise.resolve({ messages: all.slice(0, limit), hasMore: all.length > limit });
  }
}

class FakeBus implements ConversationBus {
  private readonly listeners = new Map<string, Set<(m: UnifiedMessage) => void>>();
  private readonly eventListeners = new Set<(e: ConversationEvent) => void>();
  readonly presence: AgentPresence[] = [];

  onMessages(_t: string, c: string, listener: (m: UnifiedMessage) => void): Unsubscribe {
    const set = this.listeners.get(c) ?? new Set();
    set.add(listener);
    this.listeners.set(c, set);
    return () => set.delete(listener);
  }

  onTenantEvents(_t: string, listener: (e: ConversationEvent) => void): Unsubscribe {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  publishPresence(p: AgentPresence): void {
    this.presence.push(p);
  }

  /** A live message as the core subscription would deliver it. */
  publish(m: UnifiedMessage): void {
    for (const l of this.listeners.get(m.conversationId) ?? []) l(m);
  }

  publishEvent(e: ConversationEvent): void {
    for (const l of this.eventListeners) l(e);
  }

  private readonly signalListeners = new Map<string, Set<(s: ConversationSignal) => void>>();
  readonly signals: ConversationSignal[] = [];

  onSignals(_t: string, c: string, listener: (s: ConversationSignal) => void): Unsubscribe {
    const set = this.signalListeners.get(c) ?? new Set();
    set.add(listener);
    this.signalListeners.set(c, set);
    return () => set.delete(listener);
  }

  publishSignal(sig: ConversationSignal): void {
    this.signals.push(sig);
    for (const l of this.signalListeners.get(sig.conversationId) ?? []) l(sig);
  }

  onQueue(): Unsubscribe {
    return () => undefined;
  }
}

class FakeCommander implements SessionCommander {
  readonly requests: SessionCommandRequest[] = [];
  failWith: SwitchboardError | undefined;
  command(request: SessionCommandRequest): Promise<ConversationSummary> {
    this.requests.push(request);
    if (this.failWith !== undefined) return Promise.reject(this.failWith);
    return Promise.resolve(summary(request.conversationId, request.actor?.id ?? ''));
  }
  pick(): Promise<ConversationSummary> {
    return Promise.reject(new SwitchboardError(ErrorCode.ERROR_CODE_UNAVAILABLE, 'no routing', true));
  }
}

class FakeStatus implements AgentStatusStore {
  readonly values = new Map<string, AgentStatus>();
  get(t: string, a: string): Promise<AgentStatus> {
    return Promise.resolve(this.values.get(`${t}.${a}`) ?? AgentStatus.AGENT_STATUS_ONLINE);
  }
  set(t: string, a: string, status: AgentStatus): Promise<void> {
    this.values.set(`${t}.${a}`, status);
    return Promise.resolve();
  }
}

class FakeSink implements FrameSink {
  readonly frames: ServerFrame[] = [];
  closed: { code: number; reason: string } | undefined;
  buffered = 0;
  /** Bytes each frame adds to the send buffer (0: the network takes everything at once). */
  growth = 0;
  private waiters: (() => void)[] = [];

  send(frame: Uint8Array): boolean {
    if (this.closed !== undefined) return true;
    this.frames.push(ServerFrame.decode(frame));
    this.buffered += this.growth === 0 ? 0 : frame.byteLength + this.growth;
    return true;
  }

  close(code: number, reason: string): void {
    this.closed = { code, reason };
    this.drain();
  }

  bufferedAmount(): number {
    return this.buffered;
  }

  drained(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The network took everything queued. */
  drain(): void {
    this.buffered = 0;
    for (const w of this.waiters.splice(0)) w();
  }

  get delivered(): number[] {
    return this.frames.flatMap((f) => (f.kind?.$case === 'deliver' ? [f.kind.value.message?.seq ?? -1] : []));
  }

  get deliveredMessages(): UnifiedMessage[] {
    return this.frames.flatMap((f) =>
      f.kind?.$case === 'deliver' && f.kind.value.message ? [f.kind.value.message] : [],
    );
  }

  get errors(): ErrorDetail[] {
    return this.frames.flatMap((f) => (f.kind?.$case === 'error' ? [f.kind.value] : []));
  }

  get answers(): Messages[] {
    return this.frames.flatMap((f) => (f.kind?.$case === 'messages' ? [f.kind.value] : []));
  }

  get readStates(): ReadState[] {
    const w = this.frames.find((f) => f.kind?.$case === 'welcome');
    return w?.kind?.$case === 'welcome' ? w.kind.value.readStates : [];
  }
}

class MemoryMarks implements ReadMarkStore {
  readonly values = new Map<string, number>();
  get(t: string, c: string, p: string): Promise<number> {
    return Promise.resolve(this.values.get(`${t}.${c}.${p}`) ?? 0);
  }
  advance(t: string, c: string, p: string, seq: number): Promise<void> {
    const k = `${t}.${c}.${p}`;
    this.values.set(k, Math.max(seq, this.values.get(k) ?? 0));
    return Promise.resolve();
  }
}

const summary = (conversationId: string, agentId = ''): ConversationSummary =>
  ConversationSummary.fromPartial({
    tenantId: 'demo',
    conversationId,
    state: ConversationState.CONVERSATION_STATE_CHATTING,
    visitorId: 'v1',
    agentId,
    channel: Channel.CHANNEL_WEB_WIDGET,
    version: 1,
  });

const tokens = new TokenService('s'.repeat(40), { visitorS: 600, agentS: 600 });
const visitor: Identity = {
  tenantId: 'demo',
  role: ParticipantRole.PARTICIPANT_ROLE_VISITOR,
  participantId: 'v1',
  displayName: 'Ann',
  conversationId: 'c1',
  supervisor: false,
  admin: false,
};
const agent: Identity = { ...visitor, role: ParticipantRole.PARTICIPANT_ROLE_AGENT, participantId: 'a1' };

interface Harness {
  readonly sink: FakeSink;
  readonly stream: FakeStream;
  readonly history: FakeHistory;
  readonly bus: FakeBus;
  readonly marks: MemoryMarks;
  readonly readMarks: ReadMarkCoalescer;
  readonly registry: ConnectionRegistry;
  readonly assigned: ConversationSummary[];
  readonly slowCloses: number[];
  readonly commander: FakeCommander;
  readonly agentStatus: FakeStatus;
  connection: ClientConnection;
  frame(f: ClientFrame): void;
}

function harness(maxBackpressureBytes = 1 << 20): Harness {
  const sink = new FakeSink();
  const stream = new FakeStream();
  const history = new FakeHistory(stream);
  const bus = new FakeBus();
  const commander = new FakeCommander();
  const agentStatus = new FakeStatus();
  const marks = new MemoryMarks();
  const readMarks = new ReadMarkCoalescer(
    marks,
    () => () => undefined,
    500,
    () => undefined,
  );
  const registry = new ConnectionRegistry();
  const assigned: ConversationSummary[] = [];
  const slowCloses: number[] = [];
  let nextSeq = 100;
  const directory: Directory = {
    resolveWidgetKey: () => Promise.reject(new Error('unused')),
    authenticateAgent: () => Promise.reject(new Error('unused')),
    getTenant: (tenantId) => Promise.resolve({ tenantId } as never),
    getConversation: (_t, id) =>
      Promise.resolve(assigned.find((c) => c.conversationId === id) ?? summary(id)),
    openConversationsOfAgent: () => Promise.resolve([...assigned]),
    ping: () => Promise.resolve(),
    close: () => undefined,
  };
  const appender: SessionAppender = {
    append: (m): Promise<AppendAck> =>
      Promise.resolve({
        conversationId: m.conversationId,
        clientMsgId: m.clientMsgId,
        seq: ++nextSeq,
        duplicate: false,
        acceptedAtMs: 1,
        state: ConversationState.CONVERSATION_STATE_CHATTING,
      }),
  };
  const h: Harness = {
    sink,
    stream,
    history,
    bus,
    marks,
    readMarks,
    registry,
    assigned,
    slowCloses,
    commander,
    agentStatus,
    connection: new ClientConnection(sink, {
      tokens,
      directory,
      appender,
      commander,
      agentStatus,
      bus,
      log: stream,
      messages: new MessageRangeReader(stream, history),
      readMarks,
      registry,
      presence: new AgentPresenceTracker('g1', () => 0),
      tracer: trace.getTracer('test'),
      logger: createLogger('test', 'silent'),
      limits: { maxFrameBytes: 65536, helloTimeoutMs: 10_000, pingIntervalMs: 25_000, maxBackpressureBytes },
      metrics: {
        frameIn: () => undefined,
        sendLatency: () => undefined,
        slowConsumer: () => slowCloses.push(1),
      },
    }),
    frame: (f) => {
      h.connection.onFrame(ClientFrame.encode(f).finish(), true);
    },
  };
  return h;
}

async function hello(
  h: Harness,
  who: Identity,
  resume: ResumePoint[] = [],
  backfillLimit = 0,
): Promise<void> {
  const { token } = await tokens.issue(who);
  h.frame({ kind: { $case: 'hello', value: { token, client: 'test', resume, backfillLimit } } });
  await until(() => h.sink.frames.some((f) => f.kind?.$case === 'welcome'));
}

/** Lets the event loop run until `done` holds (every fake answers at once, so this takes a few turns). */
async function until(done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 10_000 && !done(); turn++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(done()).toBe(true);
}

describe('ClientConnection', () => {
  it('resume - delivers exactly the missing messages, then the ones that arrived live during the read', async () => {
    const h = harness();
    h.stream.store(...range(1, 5).map((s) => msg(s)));
    // Seq 6 is published while the gateway reads the stream, before the stream has it.
    h.stream.onNextRead = () => {
      h.bus.publish(msg(6));
    };
    await hello(h, visitor, [{ conversationId: 'c1', lastSeq: 2 }]);
    await until(() => h.sink.delivered.length >= 4);
    expect(h.sink.delivered).toEqual([3, 4, 5, 6]);

    h.stream.store(msg(6), msg(7));
    h.bus.publish(msg(7));
    h.bus.publish(msg(7)); // NATS may repeat around resubscription
    h.bus.publish(msg(5));
    // 8 is stored but never arrives live; 9 does, which reveals the gap.
    h.stream.store(msg(8), msg(9));
    h.bus.publish(msg(9));
    await until(() => h.sink.delivered.length >= 7);
    expect(h.sink.delivered).toEqual([3, 4, 5, 6, 7, 8, 9]);
  });

  it('resume - without a resume point, backfill_limit delivers only the newest messages', async () => {
    const h = harness();
    h.stream.store(...range(1, 10).map((s) => msg(s)));
    await hello(h, visitor, [], 3);
    await until(() => h.sink.delivered.length >= 3);
    expect(h.sink.delivered).toEqual([8, 9, 10]);
  });

  it('resume - with neither, the whole conversation, stitched from history and the trimmed stream', async () => {
    const h = harness();
    h.stream.store(...range(1, 450).map((s) => msg(s)));
    h.stream.trimmedBelow = 301;
    await hello(h, visitor);
    await until(() => h.sink.delivered.length >= 450);
    expect(h.sink.delivered).toEqual(range(1, 450));
  });

  it('join - history unreachable for a trimmed range: an error frame, then close 1011, never a gap', async () => {
    const h = harness();
    h.stream.store(...range(1, 8).map((s) => msg(s)));
    h.stream.trimmedBelow = 5;
    h.history.failing = true;
    await hello(h, visitor);
    await until(() => h.sink.closed !== undefined);
    expect(h.sink.closed?.code).toBe(CloseCode.INTERNAL_ERROR);
    expect(h.sink.errors.map((e) => [e.code, e.retryable])).toEqual([
      [ErrorCode.ERROR_CODE_UNAVAILABLE, true],
    ]);
    expect(h.sink.delivered).toEqual([]);
  });

  it('welcome - carries the read mark, the last seq and the unread count of each conversation', async () => {
    const h = harness();
    h.stream.store(...range(1, 10).map((s) => msg(s)));
    h.marks.values.set('demo.c1.v1', 4);
    await hello(h, visitor);
    expect(h.sink.readStates).toEqual([{ conversationId: 'c1', readSeq: 4, lastSeq: 10, unreadCount: 6 }]);
  });

  it('mark read - MarkRead and acked sends raise the read mark, capped at the newest seq', async () => {
    const h = harness();
    h.stream.store(...range(1, 3).map((s) => msg(s)));
    await hello(h, visitor);
    h.frame({ kind: { $case: 'markRead', value: { conversationId: 'c1', seq: 99 } } });
    h.frame({ kind: { $case: 'markRead', value: { conversationId: 'c2', seq: 1 } } });
    h.frame({ kind: { $case: 'markRead', value: { conversationId: 'c1', seq: 0 } } });
    await until(() => h.sink.errors.length >= 2);
    expect(h.sink.errors.map((e) => e.code).sort()).toEqual([
      ErrorCode.ERROR_CODE_FORBIDDEN,
      ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
    ]);
    expect(await h.readMarks.read('demo', 'c1', 'v1')).toBe(3);
    h.frame({
      kind: {
        $case: 'send',
        value: { clientMsgId: 'm1', conversationId: 'c1', text: 'hi', clientSentAtMs: 0, note: false },
      },
    });
    await until(() => h.sink.frames.some((f) => f.kind?.$case === 'ack'));
    expect(await h.readMarks.read('demo', 'c1', 'v1')).toBe(101);
    expect(h.sink.closed).toBeUndefined();
  });

  it('fetch - answers Messages with the request id; bad input and other conversations get typed errors', async () => {
    const h = harness();
    h.stream.store(...range(1, 20).map((s) => msg(s)));
    await hello(h, visitor);
    const fetch = (
      requestId: number,
      conversationId: string,
      fromSeq: number,
      toSeq: number,
      limit: number,
    ): void => {
      h.frame({ kind: { $case: 'fetch', value: { requestId, conversationId, fromSeq, toSeq, limit } } });
    };
    fetch(1, 'c1', 5, 8, 0);
    fetch(2, 'c1', 1, 0, 3);
    fetch(3, 'c2', 1, 0, 0);
    fetch(4, 'c1', 0, 0, 0);
    fetch(5, 'c1', 9, 2, 0);
    fetch(6, 'c1', 1, 0, 501);
    await until(() => h.sink.answers.length + h.sink.errors.length >= 6);
    const byId = new Map(h.sink.answers.map((a) => [a.requestId, a]));
    expect(byId.get(1)?.messages.map((m) => m.seq)).toEqual([5, 6, 7, 8]);
    expect(byId.get(1)?.hasMore).toBe(false);
    expect(byId.get(2)?.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(byId.get(2)?.hasMore).toBe(true);
    expect(h.sink.errors.map((e) => [e.requestId, e.code]).sort()).toEqual([
      [3, ErrorCode.ERROR_CODE_FORBIDDEN],
      [4, ErrorCode.ERROR_CODE_INVALID_ARGUMENT],
      [5, ErrorCode.ERROR_CODE_INVALID_ARGUMENT],
      [6, ErrorCode.ERROR_CODE_INVALID_ARGUMENT],
    ]);
    expect(h.sink.closed).toBeUndefined();
  });

  it('fetch - an agent may fetch a conversation assigned to it but not joined, not someone else’s', async () => {
    const h = harness();
    h.assigned.push(summary('c7', 'a1'));
    h.stream.store(msg(1, 'c7'), msg(2, 'c7'), msg(1, 'c8'));
    await hello(h, agent);
    await until(() => h.sink.delivered.length >= 2);
    h.frame({
      kind: { $case: 'fetch', value: { requestId: 1, conversationId: 'c7', fromSeq: 2, toSeq: 0, limit: 0 } },
    });
    h.frame({
      kind: { $case: 'fetch', value: { requestId: 2, conversationId: 'c8', fromSeq: 1, toSeq: 0, limit: 0 } },
    });
    await until(() => h.sink.answers.length + h.sink.errors.length >= 2);
    expect(h.sink.answers.map((a) => [a.requestId, a.messages.map((m) => m.seq)])).toEqual([[1, [2]]]);
    expect(h.sink.errors.map((e) => [e.requestId, e.code])).toEqual([[2, ErrorCode.ERROR_CODE_FORBIDDEN]]);
  });

  it('backpressure - a send past the limit closes with 4009 and nothing more is sent', async () => {
    const h = harness(4096);
    await hello(h, visitor);
    h.sink.growth = 1500;
    for (let seq = 1; seq <= 10; seq++) {
      h.stream.store(msg(seq));
      h.bus.publish(msg(seq));
    }
    await until(() => h.sink.closed !== undefined);
    expect(h.sink.closed?.code).toBe(CloseCode.SLOW_CONSUMER);
    // The third frame took the buffer past 4096 bytes; nothing was sent after it.
    expect(h.sink.delivered).toEqual([1, 2, 3]);
    expect(h.slowCloses).toEqual([1]);
    expect(h.registry.size).toBe(0);
  });

  it('backpressure - catching up waits for the socket to drain instead of closing it', async () => {
    const h = harness(8192);
    h.stream.store(...range(1, 40).map((s) => msg(s)));
    h.sink.growth = 1000;
    await hello(h, visitor);
    await until(() => h.sink.delivered.length >= 3);
    for (let turn = 0; turn < 100; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(h.sink.delivered.length).toBeLessThan(10); // paused on a half-full buffer
    expect(h.sink.buffered).toBeLessThanOrEqual(8192);
    while (h.sink.delivered.length < 40) {
      h.sink.drain();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(h.sink.delivered).toEqual(range(1, 40));
    expect(h.sink.closed).toBeUndefined();
  });

  it('resync - after a NATS reconnect, missed messages are read from the stream and missed assignments joined', async () => {
    const h = harness();
    h.assigned.push(summary('c1', 'a1'));
    h.stream.store(msg(1));
    await hello(h, agent);
    await until(() => h.sink.delivered.length >= 1);
    // While NATS was down: two messages in c1 and a new assignment, none of it seen live.
    h.stream.store(msg(2), msg(3));
    h.assigned.push(summary('c2', 'a1'));
    h.stream.store(msg(1, 'c2'));
    expect(h.registry.resyncAll()).toBe(1);
    await until(() => h.sink.delivered.length >= 4);
    const deliveredOf = (c: string): number[] =>
      h.sink.frames.flatMap((f) =>
        f.kind?.$case === 'deliver' && f.kind.value.message?.conversationId === c
          ? [f.kind.value.message.seq]
          : [],
      );
    expect(deliveredOf('c1')).toEqual([1, 2, 3]);
    expect(deliveredOf('c2')).toEqual([1]);
    const updates = h.sink.frames.flatMap((f) =>
      f.kind?.$case === 'conversation' ? [f.kind.value.event] : [],
    );
    expect(updates.map((e) => e?.conversationId)).toEqual(['c2']);
  });

  it('deliver - a visitor gets a private note as a gap-free placeholder; an agent gets it as written', async () => {
    const note = { ...msg(2), kind: MessageKind.MESSAGE_KIND_NOTE, text: 'secret plan', clientMsgId: 'n1' };
    for (const who of [visitor, agent]) {
      const h = harness();
      h.assigned.push(summary('c1', 'a1'));
      h.stream.store(msg(1), note, msg(3));
      await hello(h, who);
      await until(() => h.sink.delivered.length === 3);
      expect(h.sink.delivered).toEqual([1, 2, 3]);
      const second = h.sink.deliveredMessages[1];
      if (who === visitor) {
        expect(second).toMatchObject({ kind: MessageKind.MESSAGE_KIND_REDACTED, text: '', clientMsgId: '' });
        expect(second?.sender).toBeUndefined();
      } else {
        expect(second).toMatchObject({ kind: MessageKind.MESSAGE_KIND_NOTE, text: 'secret plan' });
      }
    }
  });

  it('typing - passed on to the others (throttled), never echoed to the typist', async () => {
    const h = harness();
    await hello(h, visitor);
    const typing = (on: boolean): void => {
      h.frame({ kind: { $case: 'typing', value: { conversationId: 'c1', typing: on } } });
    };
    typing(true);
    typing(true); // within a second: dropped
    typing(false); // a change: passed on
    expect(h.bus.signals.map((x) => [x.from?.id, x.kind?.$case === 'typing' && x.kind.value.typing])).toEqual(
      [
        ['v1', true],
        ['v1', false],
      ],
    );
    expect(h.sink.frames.filter((f) => f.kind?.$case === 'signal')).toHaveLength(0);
    h.bus.publishSignal({
      tenantId: 'demo',
      conversationId: 'c1',
      from: { role: ParticipantRole.PARTICIPANT_ROLE_AGENT, id: 'a1', displayName: 'Al' },
      atMs: 1,
      kind: { $case: 'typing', value: { typing: true } },
    });
    expect(h.sink.frames.filter((f) => f.kind?.$case === 'signal')).toHaveLength(1);
    // Another conversation's typing is refused, not passed on.
    h.frame({ kind: { $case: 'typing', value: { conversationId: 'c2', typing: true } } });
    expect(h.sink.errors.map((e) => e.code)).toEqual([ErrorCode.ERROR_CODE_FORBIDDEN]);
    expect(h.bus.signals).toHaveLength(3);
  });

  it('command - answered with the request id; a visitor may rate and close but not accept', async () => {
    const h = harness();
    await hello(h, visitor);
    const command = (requestId: number, c: ClientFrame['kind']): void => {
      if (c?.$case !== 'command') throw new Error('not a command');
      h.frame({ kind: { $case: 'command', value: { ...c.value, requestId } } });
    };
    command(1, {
      $case: 'command',
      value: {
        requestId: 0,
        conversationId: 'c1',
        command: { $case: 'rate', value: { score: 5, comment: 'great' } },
      },
    });
    command(2, {
      $case: 'command',
      value: { requestId: 0, conversationId: 'c1', command: { $case: 'accept', value: {} } },
    });
    command(3, {
      $case: 'command',
      value: {
        requestId: 0,
        conversationId: 'c1',
        command: { $case: 'close', value: { reason: 'bye', reopenWindowMs: 0 } },
      },
    });
    await until(
      () =>
        h.sink.frames.filter((f) => f.kind?.$case === 'result').length === 2 && h.sink.errors.length === 1,
    );
    expect(h.sink.errors[0]).toMatchObject({ code: ErrorCode.ERROR_CODE_FORBIDDEN, requestId: 2 });
    const results = h.sink.frames.flatMap((f) =>
      f.kind?.$case === 'result' ? [f.kind.value.requestId] : [],
    );
    expect(results.sort()).toEqual([1, 3]);
    expect(h.commander.requests.map((r) => [r.command?.$case, r.actor?.id, r.actorIsSupervisor])).toEqual([
      ['rate', 'v1', false],
      ['close', 'v1', false],
    ]);
    // The tenant's reopen window (the default here) is added to a close.
    const close = h.commander.requests[1]?.command;
    expect(close?.$case === 'close' && close.value.reopenWindowMs).toBe(600_000);
    // A refusal from session reaches the client with its request id.
    h.commander.failWith = new SwitchboardError(ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION, 'already rated');
    command(4, {
      $case: 'command',
      value: {
        requestId: 0,
        conversationId: 'c1',
        command: { $case: 'rate', value: { score: 1, comment: '' } },
      },
    });
    await until(() => h.sink.errors.length === 2);
    expect(h.sink.errors[1]).toMatchObject({ code: ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION, requestId: 4 });
    expect(h.sink.closed).toBeUndefined();
  });

  it('setStatus - an agent goes away and back; the status is stored, echoed, and in the next Welcome', async () => {
    const h = harness();
    await hello(h, agent);
    const welcome = h.sink.frames.find((f) => f.kind?.$case === 'welcome')?.kind;
    expect(welcome?.$case === 'welcome' && welcome.value.agentStatus).toBe(AgentStatus.AGENT_STATUS_ONLINE);
    h.frame({ kind: { $case: 'setStatus', value: { status: AgentStatus.AGENT_STATUS_AWAY } } });
    await until(() => h.sink.frames.some((f) => f.kind?.$case === 'status'));
    expect(await h.agentStatus.get('demo', 'a1')).toBe(AgentStatus.AGENT_STATUS_AWAY);
    h.frame({ kind: { $case: 'setStatus', value: { status: AgentStatus.AGENT_STATUS_OFFLINE } } });
    await until(() => h.sink.errors.length === 1);
    expect(h.sink.errors[0]?.code).toBe(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);

    const again = harness();
    again.agentStatus.values.set('demo.a1', AgentStatus.AGENT_STATUS_AWAY);
    await hello(again, agent);
    const w = again.sink.frames.find((f) => f.kind?.$case === 'welcome')?.kind;
    expect(w?.$case === 'welcome' && w.value.agentStatus).toBe(AgentStatus.AGENT_STATUS_AWAY);
  });

  it('events - an agent leaves a conversation that was requeued away from them', async () => {
    const h = harness();
    h.assigned.push({ ...summary('c1', 'a1'), state: ConversationState.CONVERSATION_STATE_ASSIGNED });
    await hello(h, agent);
    const requeued = ConversationSummary.fromPartial({
      ...summary('c1'),
      state: ConversationState.CONVERSATION_STATE_QUEUED,
      previousAgentId: 'a1',
      version: 2,
    });
    h.bus.publishEvent({
      type: ConversationEventType.CONVERSATION_EVENT_TYPE_REQUEUED,
      tenantId: 'demo',
      conversationId: 'c1',
      state: requeued.state,
      visitorId: 'v1',
      agentId: '',
      lastSeq: 0,
      atMs: 1,
      channel: Channel.CHANNEL_WEB_WIDGET,
      actor: undefined,
      reason: 'accept_timeout',
      version: 2,
      conversation: requeued,
      fromState: ConversationState.CONVERSATION_STATE_ASSIGNED,
      firstMessagePreview: '',
    });
    // Told (that is the notification), and no longer delivered the conversation's messages.
    expect(
      h.sink.frames.some(
        (f) => f.kind?.$case === 'conversation' && f.kind.value.event?.reason === 'accept_timeout',
      ),
    ).toBe(true);
    const before = h.sink.delivered.length;
    h.bus.publish(msg(1));
    expect(h.sink.delivered.length).toBe(before);
  });
});
