import {
  AgentStatus,
  Channel,
  ClientFrame,
  CloseCode,
  ConversationEventType,
  ConversationState,
  ConversationSummary,
  ErrorCode,
  ParticipantRole,
  ServerFrame,
  UnifiedMessage,
  tenantPolicy,
  visitorContextToMetadata,
  type ConversationCommand,
  type ConversationEvent,
  type ConversationSignal,
  type FetchMessages,
  type Hello,
  type MarkRead,
  type QueueSnapshot,
  type ReadState,
  type SendMessage,
  type SetStatus,
  type TypingNotice,
} from '@switchboard/proto';
import {
  asSwitchboardError,
  context,
  SpanKind,
  SpanStatusCode,
  SwitchboardError,
  trace,
  type Logger,
  type Tracer,
} from '@switchboard/shared';
import type { ConversationBus, Unsubscribe } from '../adapters/conversation-bus';
import type { Directory } from '../adapters/directory';
import type { AgentStatusStore } from '../adapters/kv-agent-status';
import type { SessionAppender } from '../adapters/session-appender';
import type { SessionCommander } from '../adapters/session-commander';
import type { AgentPresenceTracker } from '../domain/agent-presence';
import {
  agentMayRead,
  forbidden,
  readAccess,
  validateFetch,
  validateMarkRead,
} from '../domain/client-requests';
import { routeCommand, validateStatus } from '../domain/conversation-commands';
import { DeliveryCursor } from '../domain/delivery-cursor';
import { isAgent, type Identity } from '../domain/identity';
import { fitToBytes, type MessageRangeReader } from '../domain/message-range';
import { normalizeSend } from '../domain/normalize';
import type { MessageLog } from '../domain/ports';
import { readStateOf, type ReadMarkCoalescer } from '../domain/read-marks';
import { conversationForVisitor, eventForVisitor, visibleTo } from '../domain/redaction';
import { needsLastSeq, resumePoints, startSeq } from '../domain/resume';
import type { TokenService } from '../domain/tokens';
import type { ConnectionRegistry, Resyncable } from './connection-registry';

/** The socket as the protocol sees it; the uWS transport implements it. */
export interface FrameSink {
  /** Queues one frame; false when the transport had to drop it (its own buffer limit). */
  send(frame: Uint8Array): boolean;
  close(code: number, reason: string): void;
  /** Bytes queued for this socket that the network has not taken yet. */
  bufferedAmount(): number;
  /** Resolves when some queued bytes were written out, or when the socket closed. */
  drained(): Promise<void>;
}

export interface ConnectionDeps {
  readonly tokens: TokenService;
  readonly directory: Directory;
  readonly appender: SessionAppender;
  readonly commander: SessionCommander;
  readonly agentStatus: AgentStatusStore;
  readonly bus: ConversationBus;
  /** The stream, for conversations' last seqs. */
  readonly log: MessageLog;
  /** Stored messages: the stream, and history for what it trimmed. */
  readonly messages: MessageRangeReader;
  readonly readMarks: ReadMarkCoalescer;
  readonly registry: ConnectionRegistry;
  readonly presence: AgentPresenceTracker;
  readonly tracer: Tracer;
  readonly logger: Logger;
  readonly limits: {
    readonly maxFrameBytes: number;
    readonly helloTimeoutMs: number;
    readonly pingIntervalMs: number;
    /** Past this many queued bytes after a send, the socket is closed as a slow consumer (4009). */
    readonly maxBackpressureBytes: number;
  };
  readonly metrics: {
    frameIn(kind: string): void;
    sendLatency(ms: number, ok: boolean): void;
    slowConsumer(): void;
  };
}

interface JoinedConversation {
  readonly conversationId: string;
  readonly cursor: DeliveryCursor;
  unsubscribe: Unsubscribe;
  /** A seq the conversation is known to have reached; lets a read skip history when the stream is empty. */
  knownLastSeq: number;
  /** The cursor has been placed at the resume point / backfill start. */
  started: boolean;
  /** A read from the stream is running: live messages are held meanwhile. */
  filling: boolean;
  /** Someone asked for another read while one was running. */
  refill: boolean;
  /** Live messages that arrived during a read or after a gap, released in seq order after it. */
  held: UnifiedMessage[];
}

type Phase = 'awaiting-hello' | 'authenticating' | 'ready' | 'closed';

const MAX_QUEUED_BEFORE_WELCOME = 32;
/** Messages per stream read while catching a socket up. */
const FILL_PAGE = 200;
/** Live messages held per conversation while a read runs; beyond it the oldest go (the read covers them). */
const MAX_HELD = 1000;
/** Encoded Deliver frames by message object, shared by the sockets a message goes to. */
const deliverFrames = new WeakMap<UnifiedMessage, Uint8Array>();
/** Encoded signal and queue frames, shared by the sockets they go to. */
const signalFrames = new WeakMap<ConversationSignal, Uint8Array>();
const queueFrames = new WeakMap<QueueSnapshot, Uint8Array>();
const MAX_COMMANDS_IN_FLIGHT = 8;
/** A participant's typing notices are passed on at most this often per conversation (a change always is). */
const TYPING_MIN_INTERVAL_MS = 1000;

/** Reads in a row that deliver nothing before a gap is left for the next live message to re-trigger. */
const MAX_IDLE_REFILLS = 3;
const MAX_FETCHES_IN_FLIGHT = 4;
/** The largest Messages frame, so one answer does not fill a socket's buffer on its own. */
const MAX_MESSAGES_FRAME_BYTES = 512 * 1024;

/**
 * One client socket's protocol: Hello → Welcome, sends acked only after the durable append, in-order,
 * gap-free delivery of every conversation the participant is in (resumed from where the client was),
 * FetchMessages, MarkRead, and a close with 4009 when the client reads too slowly.
 */
export class ClientConnection implements Resyncable {
  private phase: Phase = 'awaiting-hello';
  private identity: Identity | undefined;
  private resume = new Map<string, number>();
  private backfillLimit = 0;
  private readonly conversations = new Map<string, JoinedConversation>();
  private readonly queued: ClientFrame[] = [];
  private unsubscribeEvents: Unsubscribe | undefined;
  private unsubscribeQueue: Unsubscribe | undefined;
  private fetchesInFlight = 0;
  private commandsInFlight = 0;
  /** A visitor's context rides on their messages until one was accepted (it opens the conversation). */
  private contextPending = true;
  private readonly lastTyping = new Map<string, { typing: boolean; atMs: number }>();
  private cleanedUp = false;
  private readonly helloTimer: NodeJS.Timeout;
  private readonly log: Logger;

  constructor(
    private readonly sink: FrameSink,
    private readonly deps: ConnectionDeps,
  ) {
    this.log = deps.logger.child({ component: 'connection' });
    this.helloTimer = setTimeout(() => {
      this.fail(
        new SwitchboardError(ErrorCode.ERROR_CODE_PROTOCOL_VIOLATION, 'no Hello within the time limit'),
        CloseCode.HELLO_TIMEOUT,
      );
    }, deps.limits.helloTimeoutMs);
  }

  /** A method, so the compiler does not assume the phase survived an await. */
  private isClosed(): boolean {
    return this.phase === 'closed';
  }

  /** Called synchronously with a copy of each binary frame. */
  onFrame(data: Uint8Array, isBinary: boolean): void {
    if (this.phase === 'closed') return;
    if (data.byteLength > this.deps.limits.maxFrameBytes) {
      this.fail(
        new SwitchboardError(
          ErrorCode.ERROR_CODE_FRAME_TOO_LARGE,
          `frames are limited to ${this.deps.limits.maxFrameBytes} bytes`,
        ),
        CloseCode.FRAME_TOO_LARGE,
      );
      return;
    }
    if (!isBinary) {
      this.fail(
        new SwitchboardError(ErrorCode.ERROR_CODE_BAD_FRAME, 'frames must be binary protobuf'),
        CloseCode.PROTOCOL_VIOLATION,
      );
      return;
    }
    let frame: ClientFrame;
    try {
      frame = ClientFrame.decode(data);
    } catch {
      this.fail(
        new SwitchboardError(ErrorCode.ERROR_CODE_BAD_FRAME, 'undecodable frame'),
        CloseCode.PROTOCOL_VIOLATION,
      );
      return;
    }
    this.deps.metrics.frameIn(frame.kind?.$case ?? 'empty');
    this.dispatch(frame);
  }

  /** Called once when the socket closed, for whatever reason. */
  onClose(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.cleanup();
  }

  /**
   * Catches up after NATS may have dropped live messages (reconnect, slow consumer): re-reads every joined
   * conversation from the stream from this socket's cursor and, for an agent, joins conversations assigned
   * meanwhile.
   */
  resync(): void {
    const identity = this.identity;
    if (this.phase !== 'ready' || identity === undefined) return;
    for (const joined of this.conversations.values()) void this.fill(joined);
    if (isAgent(identity)) void this.joinAssignedSince(identity);
  }

  private dispatch(frame: ClientFrame): void {
    const kind = frame.kind;
    if (kind === undefined) {
      this.fail(
        new SwitchboardError(ErrorCode.ERROR_CODE_BAD_FRAME, 'empty frame'),
        CloseCode.PROTOCOL_VIOLATION,
      );
      return;
    }
    if (this.phase === 'awaiting-hello' && kind.$case !== 'hello') {
      this.fail(
        new SwitchboardError(ErrorCode.ERROR_CODE_PROTOCOL_VIOLATION, 'the first frame must be Hello'),
        CloseCode.PROTOCOL_VIOLATION,
      );
      return;
    }
    if (this.phase === 'authenticating') {
      if (kind.$case === 'hello' || this.queued.length >= MAX_QUEUED_BEFORE_WELCOME) {
        this.fail(
          new SwitchboardError(ErrorCode.ERROR_CODE_PROTOCOL_VIOLATION, 'wait for Welcome'),
          CloseCode.PROTOCOL_VIOLATION,
        );
      } else {
        this.queued.push(frame);
      }
      return;
    }
    switch (kind.$case) {
      case 'hello':
        if (this.phase === 'ready') {
          this.fail(
            new SwitchboardError(ErrorCode.ERROR_CODE_PROTOCOL_VIOLATION, 'Hello was already sent'),
            CloseCode.PROTOCOL_VIOLATION,
          );
          return;
        }
        this.phase = 'authenticating';
        clearTimeout(this.helloTimer);
        void this.hello(kind.value);
        return;
      case 'send':
        void this.sendMessage(kind.value);
        return;
      case 'ping':
        this.emit({ kind: { $case: 'pong', value: { nonce: kind.value.nonce } } });
        return;
      case 'fetch':
        void this.fetch(kind.value);
        return;
      case 'markRead':
        void this.markRead(kind.value);
        return;
      case 'typing':
        this.typing(kind.value);
        return;
      case 'command':
        void this.command(kind.value);
        return;
      case 'setStatus':
        void this.setStatus(kind.value);
        return;
    }
  }

  private async hello(hello: Hello): Promise<void> {
    let identity: Identity;
    try {
      identity = await this.deps.tokens.verify(hello.token);
      await this.checkTenant(identity.tenantId);
    } catch (err) {
      const e = asSwitchboardError(err);
      const code =
        e.code === ErrorCode.ERROR_CODE_UNKNOWN_TENANT
          ? CloseCode.UNKNOWN_TENANT
          : e.code === ErrorCode.ERROR_CODE_UNAUTHENTICATED
            ? CloseCode.UNAUTHENTICATED
            : CloseCode.INTERNAL_ERROR;
      this.fail(e, code);
      return;
    }
    if (this.isClosed()) return;
    this.identity = identity;
    this.resume = resumePoints(hello.resume);
    this.backfillLimit = hello.backfillLimit;
    const conversations = await this.initialConversations(identity);
    if (this.isClosed()) return;
    const readStates = await this.readStates(identity, conversations);
    if (this.isClosed()) return;
    const agentStatus = isAgent(identity)
      ? await this.statusOf(identity)
      : AgentStatus.AGENT_STATUS_UNSPECIFIED;
    if (this.isClosed()) return;
    this.phase = 'ready';
    this.emit({
      kind: {
        $case: 'welcome',
        value: {
          tenantId: identity.tenantId,
          participantId: identity.participantId,
          role: identity.role,
          displayName: identity.displayName,
          conversations: isAgent(identity) ? conversations : conversations.map(conversationForVisitor),
          maxFrameBytes: this.deps.limits.maxFrameBytes,
          pingIntervalMs: this.deps.limits.pingIntervalMs,
          readStates,
          agentStatus,
          supervisor: identity.supervisor,
        },
      },
    });
    if (this.isClosed()) return;
    this.deps.registry.add(this);
    this.unsubscribeEvents = this.deps.bus.onTenantEvents(identity.tenantId, (e) => {
      this.onEvent(e);
    });
    const lastSeqs = new Map(readStates.map((r) => [r.conversationId, r.lastSeq]));
    for (const c of conversations) {
      this.join(c.conversationId, Math.max(c.lastSeq, lastSeqs.get(c.conversationId) ?? 0));
    }
    if (isAgent(identity)) {
      this.unsubscribeQueue = this.deps.bus.onQueue(identity.tenantId, (q) => {
        this.sendShared(queueFrames, q, () => ({ kind: { $case: 'queue', value: q } }));
      });
    }
    if (isAgent(identity))
      this.deps.bus.publishPresence(this.deps.presence.connect(identity.tenantId, identity.participantId));
    this.log.debug(
      { tenant: identity.tenantId, participant: identity.participantId, role: identity.role },
      'welcomed',
    );
    for (const f of this.queued.splice(0)) this.dispatch(f);
  }

  /** An unknown tenant is refused; an unreachable admin service is not a reason to refuse a signed token. */
  private async checkTenant(tenantId: string): Promise<void> {
    try {
      await this.deps.directory.getTenant(tenantId);
    } catch (err) {
      const e = asSwitchboardError(err);
      if (e.code === ErrorCode.ERROR_CODE_UNKNOWN_TENANT) throw e;
      this.log.warn({ err, tenant: tenantId }, 'tenant check skipped: admin unavailable');
    }
  }

  private async initialConversations(identity: Identity): Promise<ConversationSummary[]> {
    try {
      if (isAgent(identity))
        return await this.deps.directory.openConversationsOfAgent(identity.tenantId, identity.participantId);
      const known = await this.deps.directory.getConversation(identity.tenantId, identity.conversationId);
      return [known ?? newConversation(identity)];
    } catch (err) {
      this.log.warn({ err }, 'conversation list unavailable; continuing with what the token says');
      return isAgent(identity) ? [] : [newConversation(identity)];
    }
  }

  /**
   * Each conversation's read mark and last seq. A conversation whose state cannot be read now is left out
   * (the client treats it as unknown) rather than failing the whole Hello.
   */
  private async readStates(identity: Identity, conversations: ConversationSummary[]): Promise<ReadState[]> {
    const states = await Promise.all(
      conversations.map(async (c) => {
        try {
          const [streamLast, readSeq] = await Promise.all([
            this.deps.log.lastSeq(identity.tenantId, c.conversationId),
            this.deps.readMarks.read(identity.tenantId, c.conversationId, identity.participantId),
          ]);
          return readStateOf(c.conversationId, readSeq, Math.max(streamLast, c.lastSeq));
        } catch (err) {
          this.log.warn({ err, conversation: c.conversationId }, 'read state unavailable');
          return undefined;
        }
      }),
    );
    return states.filter((s) => s !== undefined);
  }

  private async sendMessage(send: SendMessage): Promise<void> {
    const identity = this.identity;
    if (identity === undefined) return;
    const started = Date.now();
    const span = this.deps.tracer.startSpan('gateway.send', {
      kind: SpanKind.SERVER,
      attributes: {
        'sb.tenant': identity.tenantId,
        'sb.conversation': send.conversationId,
        'sb.client_msg_id': send.clientMsgId,
      },
    });
    try {
      const message = normalizeSend(identity, send);
      if (this.contextPending && identity.context !== undefined) {
        message.metadata = { ...visitorContextToMetadata(identity.context), ...message.metadata };
      }
      const ack = await context.with(trace.setSpan(context.active(), span), () =>
        this.deps.appender.append(message),
      );
      span.setAttribute('sb.seq', ack.seq);
      this.contextPending = false;
      // Writing a message means having read everything before it.
      this.deps.readMarks.mark(identity.tenantId, ack.conversationId, identity.participantId, ack.seq);
      this.emit({
        kind: {
          $case: 'ack',
          value: {
            clientMsgId: ack.clientMsgId,
            conversationId: ack.conversationId,
            seq: ack.seq,
            duplicate: ack.duplicate,
            acceptedAtMs: ack.acceptedAtMs,
          },
        },
      });
      this.deps.metrics.sendLatency(Date.now() - started, true);
    } catch (err) {
      const e = asSwitchboardError(err);
      span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
      if (e.code === ErrorCode.ERROR_CODE_INTERNAL) this.log.error({ err }, 'send failed');
      this.emit({ kind: { $case: 'error', value: e.toDetail(send.clientMsgId) } });
      this.deps.metrics.sendLatency(Date.now() - started, false);
    } finally {
      span.end();
    }
  }

  /** FetchMessages: one Messages frame, or one error carrying the request_id; the socket stays open. */
  private async fetch(f: FetchMessages): Promise<void> {
    const identity = this.identity;
    if (identity === undefined) return;
    if (this.fetchesInFlight >= MAX_FETCHES_IN_FLIGHT) {
      const e = new SwitchboardError(
        ErrorCode.ERROR_CODE_RATE_LIMITED,
        `at most ${MAX_FETCHES_IN_FLIGHT} fetches may be in flight`,
        true,
      );
      this.emit({ kind: { $case: 'error', value: e.toDetail('', f.requestId) } });
      return;
    }
    this.fetchesInFlight++;
    try {
      const range = validateFetch(f);
      await this.checkReadAccess(identity, range.conversationId);
      const result = await this.deps.messages.read({
        tenantId: identity.tenantId,
        conversationId: range.conversationId,
        fromSeq: range.fromSeq,
        toSeq: range.toSeq,
        limit: range.limit,
        // An explicit fetch may concern a conversation the stream has entirely trimmed: ask history.
        knownLastSeq: Number.MAX_SAFE_INTEGER,
      });
      const messages = fitToBytes(
        result.messages.map((m) => visibleTo(identity.role, m)),
        Math.min(MAX_MESSAGES_FRAME_BYTES, this.deps.limits.maxBackpressureBytes / 4),
        (m) => UnifiedMessage.encode(m).finish().byteLength + 8,
      );
      if (this.isClosed()) return;
      await this.paced();
      this.emit({
        kind: {
          $case: 'messages',
          value: {
            requestId: f.requestId,
            conversationId: range.conversationId,
            messages,
            hasMore: result.hasMore || messages.length < result.messages.length,
          },
        },
      });
    } catch (err) {
      const e = asSwitchboardError(err);
      if (e.code === ErrorCode.ERROR_CODE_INTERNAL) this.log.error({ err }, 'fetch failed');
      else if (e.code === ErrorCode.ERROR_CODE_UNAVAILABLE) this.log.warn({ err }, 'fetch unavailable');
      this.emit({ kind: { $case: 'error', value: e.toDetail('', f.requestId) } });
    } finally {
      this.fetchesInFlight--;
    }
  }

  /** MarkRead: raises the read mark (never past the conversation's newest seq). Errors keep the socket. */
  private async markRead(m: MarkRead): Promise<void> {
    const identity = this.identity;
    if (identity === undefined) return;
    try {
      const { conversationId, seq } = validateMarkRead(m);
      await this.checkReadAccess(identity, conversationId);
      const joined = this.conversations.get(conversationId);
      let upTo = seq;
      // What this socket was delivered is certainly there; beyond that, ask the stream.
      if (joined === undefined || seq >= joined.cursor.nextSeq) {
        const last = await this.deps.log.lastSeq(identity.tenantId, conversationId);
        upTo = Math.min(seq, Math.max(last, joined?.knownLastSeq ?? 0));
      }
      if (upTo >= 1) {
        this.deps.readMarks.mark(identity.tenantId, conversationId, identity.participantId, upTo);
        this.publishSignal(identity, conversationId, { $case: 'read', value: { readSeq: upTo } });
      }
    } catch (err) {
      const e = asSwitchboardError(err);
      if (e.code === ErrorCode.ERROR_CODE_INTERNAL) this.log.error({ err }, 'mark read failed');
      this.emit({ kind: { $case: 'error', value: e.toDetail() } });
    }
  }

  private async checkReadAccess(identity: Identity, conversationId: string): Promise<void> {
    switch (readAccess(identity, conversationId, this.conversations.has(conversationId))) {
      case 'allowed':
        return;
      case 'forbidden':
        throw forbidden();
      case 'ask-directory': {
        let summary: ConversationSummary | undefined;
        try {
          summary = await this.deps.directory.getConversation(identity.tenantId, conversationId);
        } catch (err) {
          throw new SwitchboardError(
            ErrorCode.ERROR_CODE_UNAVAILABLE,
            'cannot check access to the conversation now; retry',
            true,
            { cause: err },
          );
        }
        if (!agentMayRead(identity, summary)) throw forbidden();
        return;
      }
    }
  }

  /**
   * Lifecycle updates: a visitor gets their conversation's; an agent those of conversations they are in, are
   * offered, are the transfer target of, or just lost (requeued, taken over, transferred away) — and a
   * supervisor every conversation's of the tenant. An agent joins a conversation when it becomes theirs and
   * leaves one that stopped being theirs.
   */
  private onEvent(e: ConversationEvent): void {
    const identity = this.identity;
    if (identity === undefined || this.phase !== 'ready') return;
    const mine = this.conversations.has(e.conversationId);
    if (!isAgent(identity)) {
      const visible = mine ? eventForVisitor(e) : undefined;
      if (visible !== undefined) this.emit({ kind: { $case: 'conversation', value: { event: visible } } });
      return;
    }
    const me = identity.participantId;
    const c = e.conversation;
    const agentNow = c?.agentId ?? e.agentId;
    const state = c?.state ?? e.state;
    const holds =
      agentNow === me &&
      (state === ConversationState.CONVERSATION_STATE_ASSIGNED ||
        state === ConversationState.CONVERSATION_STATE_CHATTING ||
        state === ConversationState.CONVERSATION_STATE_TRANSFERRING);
    const concerned =
      mine ||
      agentNow === me ||
      c?.previousAgentId === me ||
      c?.transferToAgentId === me ||
      identity.supervisor;
    if (!concerned) return;
    this.emit({ kind: { $case: 'conversation', value: { event: e } } });
    if (holds) this.join(e.conversationId, e.lastSeq);
    else if (mine && agentNow !== me && state !== ConversationState.CONVERSATION_STATE_CLOSED)
      this.leave(e.conversationId);
  }

  /** After a NATS hiccup: an ASSIGNED event may have been missed, so ask the directory. */
  private async joinAssignedSince(identity: Identity): Promise<void> {
    let open: ConversationSummary[];
    try {
      open = await this.deps.directory.openConversationsOfAgent(identity.tenantId, identity.participantId);
    } catch (err) {
      this.log.warn({ err }, 'cannot re-list assigned conversations after a NATS reconnect');
      return;
    }
    for (const c of open) {
      if (this.isClosed()) return;
      if (this.conversations.has(c.conversationId)) continue;
      this.emit({ kind: { $case: 'conversation', value: { event: assignedEventOf(c) } } });
      this.join(c.conversationId, c.lastSeq);
    }
  }

  private join(conversationId: string, knownLastSeq: number): void {
    const identity = this.identity;
    if (identity === undefined || this.isClosed() || this.conversations.has(conversationId)) return;
    const joined: JoinedConversation = {
      conversationId,
      cursor: new DeliveryCursor(1),
      unsubscribe: () => undefined,
      knownLastSeq,
      started: false,
      filling: false,
      refill: false,
      held: [],
    };
    this.conversations.set(conversationId, joined);
    // Subscribe first, then read the stream: whatever is published meanwhile is held, not lost.
    const stopMessages = this.deps.bus.onMessages(identity.tenantId, conversationId, (m) => {
      this.onLive(joined, m);
    });
    const stopSignals = this.deps.bus.onSignals(identity.tenantId, conversationId, (sig) => {
      this.onSignal(identity, sig);
    });
    joined.unsubscribe = () => {
      stopMessages();
      stopSignals();
    };
    void this.fill(joined);
  }

  /** Stops delivering a conversation that is no longer the agent's. */
  private leave(conversationId: string): void {
    const joined = this.conversations.get(conversationId);
    if (joined === undefined) return;
    joined.unsubscribe();
    this.conversations.delete(conversationId);
    this.lastTyping.delete(conversationId);
  }

  private onSignal(identity: Identity, sig: ConversationSignal): void {
    if (this.isClosed()) return;
    // Your own typing and read receipts are no news to you.
    if (sig.from?.id === identity.participantId && sig.kind?.$case !== 'queue') return;
    this.sendShared(signalFrames, sig, () => ({ kind: { $case: 'signal', value: sig } }));
  }

  /** TypingNotice: passed on to the conversation's other participants, at most once a second unless it flips. */
  private typing(t: TypingNotice): void {
    const identity = this.identity;
    if (identity === undefined) return;
    const allowed = isAgent(identity)
      ? this.conversations.has(t.conversationId) || identity.supervisor
      : t.conversationId === identity.conversationId;
    if (!allowed) {
      this.emit({ kind: { $case: 'error', value: forbidden().toDetail() } });
      return;
    }
    const now = Date.now();
    const last = this.lastTyping.get(t.conversationId);
    if (last !== undefined && last.typing === t.typing && now - last.atMs < TYPING_MIN_INTERVAL_MS) return;
    this.lastTyping.set(t.conversationId, { typing: t.typing, atMs: now });
    this.publishSignal(identity, t.conversationId, { $case: 'typing', value: { typing: t.typing } });
  }

  private publishSignal(identity: Identity, conversationId: string, kind: ConversationSignal['kind']): void {
    this.deps.bus.publishSignal({
      tenantId: identity.tenantId,
      conversationId,
      from: { role: identity.role, id: identity.participantId, displayName: identity.displayName },
      atMs: Date.now(),
      kind,
    });
  }

  /** ConversationCommand: one CommandResult, or one error carrying the request_id; the socket stays open. */
  private async command(cmd: ConversationCommand): Promise<void> {
    const identity = this.identity;
    if (identity === undefined) return;
    if (this.commandsInFlight >= MAX_COMMANDS_IN_FLIGHT) {
      const e = new SwitchboardError(
        ErrorCode.ERROR_CODE_RATE_LIMITED,
        `at most ${MAX_COMMANDS_IN_FLIGHT} commands may be in flight`,
        true,
      );
      this.emit({ kind: { $case: 'error', value: e.toDetail('', cmd.requestId) } });
      return;
    }
    this.commandsInFlight++;
    try {
      const routed = routeCommand(identity, cmd);
      let conversation: ConversationSummary;
      if (routed.to === 'routing-pick') {
        conversation = await this.deps.commander.pick({
          tenantId: identity.tenantId,
          agentId: identity.participantId,
          conversationId: routed.conversationId,
          agentDisplayName: identity.displayName,
        });
      } else {
        const request = routed.request;
        if (request.command?.$case === 'close') {
          request.command.value.reopenWindowMs = await this.reopenWindowMs(identity.tenantId);
        }
        conversation = await this.deps.commander.command(request);
      }
      this.emit({ kind: { $case: 'result', value: { requestId: cmd.requestId, conversation } } });
    } catch (err) {
      const e = asSwitchboardError(err);
      if (e.code === ErrorCode.ERROR_CODE_INTERNAL) this.log.error({ err }, 'command failed');
      this.emit({ kind: { $case: 'error', value: e.toDetail('', cmd.requestId) } });
    } finally {
      this.commandsInFlight--;
    }
  }

  /** The tenant's reopen window; its default when admin cannot be asked (a close must not fail for that). */
  private async reopenWindowMs(tenantId: string): Promise<number> {
    try {
      return tenantPolicy((await this.deps.directory.getTenant(tenantId)).settings).reopenWindowMs;
    } catch (err) {
      this.log.warn({ err, tenant: tenantId }, 'tenant settings unavailable; default reopen window');
      return tenantPolicy(undefined).reopenWindowMs;
    }
  }

  /** SetStatus: stored for every gateway and routing to see, and echoed to this socket. */
  private async setStatus(s: SetStatus): Promise<void> {
    const identity = this.identity;
    if (identity === undefined) return;
    try {
      const status = validateStatus(identity, s);
      await this.deps.agentStatus.set(identity.tenantId, identity.participantId, status);
      this.emit({ kind: { $case: 'status', value: { status } } });
    } catch (err) {
      const e = asSwitchboardError(err);
      if (e.code === ErrorCode.ERROR_CODE_INTERNAL) this.log.error({ err }, 'set status failed');
      this.emit({ kind: { $case: 'error', value: e.toDetail() } });
    }
  }

  private async statusOf(identity: Identity): Promise<AgentStatus> {
    try {
      return await this.deps.agentStatus.get(identity.tenantId, identity.participantId);
    } catch (err) {
      this.log.warn({ err }, 'agent status unavailable; assuming online');
      return AgentStatus.AGENT_STATUS_ONLINE;
    }
  }

  private onLive(joined: JoinedConversation, m: UnifiedMessage): void {
    if (this.isClosed()) return;
    joined.knownLastSeq = Math.max(joined.knownLastSeq, m.seq);
    if (joined.filling || !joined.started) {
      hold(joined, m);
      return;
    }
    switch (joined.cursor.offer(m.seq)) {
      case 'deliver':
        this.deliver(m);
        return;
      case 'duplicate':
        return;
      case 'gap':
        hold(joined, m);
        void this.fill(joined);
        return;
    }
  }

  /**
   * Delivers what the socket has not seen from the stored messages (stream, then history for what the
   * stream trimmed), then releases the live messages held meanwhile. Runs once at a time per
   * conversation; a request during a run makes it go round again.
   */
  private async fill(joined: JoinedConversation): Promise<void> {
    const identity = this.identity;
    if (identity === undefined || this.isClosed()) return;
    if (joined.filling) {
      joined.refill = true;
      return;
    }
    joined.filling = true;
    try {
      if (!joined.started) {
        await this.placeCursor(identity, joined);
        joined.started = true;
      }
      let idle = 0;
      do {
        joined.refill = false;
        const before = joined.cursor.nextSeq;
        await this.deliverStored(identity, joined);
        if (!this.isJoined(joined)) return;
        this.releaseHeld(joined);
        idle = joined.cursor.nextSeq === before ? idle + 1 : 0;
      } while (refillRequested(joined) && idle < MAX_IDLE_REFILLS && this.isJoined(joined));
    } catch (err) {
      if (!this.isJoined(joined)) return;
      this.log.error({ err, conversation: joined.conversationId }, 'reading conversation messages failed');
      // Never a silent gap: the client reconnects and resumes from its last seq.
      this.fail(
        new SwitchboardError(
          ErrorCode.ERROR_CODE_UNAVAILABLE,
          'conversation messages are unavailable; reconnect and resume',
          true,
          { cause: err },
        ),
        CloseCode.INTERNAL_ERROR,
      );
    } finally {
      joined.filling = false;
    }
  }

  /** Puts the cursor right after the client's resume point, or at the backfill start. */
  private async placeCursor(identity: Identity, joined: JoinedConversation): Promise<void> {
    const req = {
      resumeLastSeq: this.resume.get(joined.conversationId),
      backfillLimit: this.backfillLimit,
    };
    let last = 0;
    if (needsLastSeq(req)) {
      last = Math.max(
        await this.deps.log.lastSeq(identity.tenantId, joined.conversationId),
        joined.knownLastSeq,
      );
    }
    joined.cursor.skipTo(startSeq(req, last));
    joined.knownLastSeq = Math.max(joined.knownLastSeq, req.resumeLastSeq ?? 0);
  }

  private async deliverStored(identity: Identity, joined: JoinedConversation): Promise<void> {
    for (;;) {
      const page = await this.deps.messages.read({
        tenantId: identity.tenantId,
        conversationId: joined.conversationId,
        fromSeq: joined.cursor.nextSeq,
        toSeq: Infinity,
        limit: FILL_PAGE,
        knownLastSeq: joined.knownLastSeq,
      });
      for (const m of page.messages) {
        if (!this.isJoined(joined)) return;
        if (joined.cursor.offer(m.seq) !== 'deliver') continue;
        this.deliver(m);
        // Catching up is paced by the socket: wait for it to drain rather than queue without bound.
        if (this.overHalfBuffer()) await this.paced();
      }
      if (!page.hasMore || !this.isJoined(joined)) return;
    }
  }

  private releaseHeld(joined: JoinedConversation): void {
    const held = joined.held.sort((a, b) => a.seq - b.seq);
    joined.held = [];
    for (let i = 0; i < held.length; i++) {
      const m = held[i];
      if (m === undefined || this.isClosed()) return;
      switch (joined.cursor.offer(m.seq)) {
        case 'deliver':
          this.deliver(m);
          break;
        case 'duplicate':
          break;
        case 'gap':
          // Something between was missed live and not yet readable: read again.
          joined.held = held.slice(i);
          joined.refill = true;
          return;
      }
    }
  }

  private isJoined(joined: JoinedConversation): boolean {
    return !this.isClosed() && this.conversations.get(joined.conversationId) === joined;
  }

  private deliver(stored: UnifiedMessage): void {
    const identity = this.identity;
    if (identity === undefined) return;
    const message = visibleTo(identity.role, stored);
    // Every local socket of the conversation gets the same decoded object: encode its frame once.
    let frame = deliverFrames.get(message);
    if (frame === undefined) {
      frame = ServerFrame.encode({ kind: { $case: 'deliver', value: { message } } }).finish();
      deliverFrames.set(message, frame);
    }
    this.send(frame);
  }

  /** Sends a frame built from a shared object, encoded once for every socket it goes to. */
  private sendShared<K extends object>(
    cache: WeakMap<K, Uint8Array>,
    key: K,
    build: () => ServerFrame,
  ): void {
    let frame = cache.get(key);
    if (frame === undefined) {
      frame = ServerFrame.encode(build()).finish();
      cache.set(key, frame);
    }
    this.send(frame);
  }

  private overHalfBuffer(): boolean {
    return this.sink.bufferedAmount() > this.deps.limits.maxBackpressureBytes / 2;
  }

  /** Waits while more than half the backpressure limit is queued for the socket. */
  private async paced(): Promise<void> {
    while (!this.isClosed() && this.overHalfBuffer()) await this.sink.drained();
  }

  private emit(frame: ServerFrame): void {
    if (this.phase === 'closed') return;
    this.send(ServerFrame.encode(frame).finish());
  }

  private send(bytes: Uint8Array): void {
    if (this.phase === 'closed') return;
    const accepted = this.sink.send(bytes);
    if (!accepted || this.sink.bufferedAmount() > this.deps.limits.maxBackpressureBytes) {
      this.closeSlowConsumer();
    }
  }

  /** Sends nothing more: the client reconnects and resumes from its last seq. */
  private closeSlowConsumer(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.cleanup();
    this.deps.metrics.slowConsumer();
    this.log.info(
      { participant: this.identity?.participantId, buffered: this.sink.bufferedAmount() },
      'closing a slow consumer',
    );
    this.sink.close(CloseCode.SLOW_CONSUMER, 'slow consumer: too much queued; reconnect and resume');
  }

  /** Sends a typed error frame, then closes with the matching code. */
  private fail(err: SwitchboardError, closeCode: number): void {
    if (this.phase === 'closed') return;
    this.emit({ kind: { $case: 'error', value: err.toDetail() } });
    if (this.isClosed()) return; // the error frame itself overflowed the buffer
    this.phase = 'closed';
    this.cleanup();
    this.sink.close(closeCode, err.message.slice(0, 100));
  }

  private cleanup(): void {
    if (this.cleanedUp) return;
    this.cleanedUp = true;
    clearTimeout(this.helloTimer);
    this.deps.registry.delete(this);
    for (const c of this.conversations.values()) c.unsubscribe();
    this.conversations.clear();
    this.unsubscribeEvents?.();
    this.unsubscribeQueue?.();
    const identity = this.identity;
    if (identity !== undefined && identity.role === ParticipantRole.PARTICIPANT_ROLE_AGENT) {
      this.deps.bus.publishPresence(this.deps.presence.disconnect(identity.tenantId, identity.participantId));
    }
  }
}

/** A function, so the compiler does not assume the flag survived the awaits of a round. */
function refillRequested(joined: JoinedConversation): boolean {
  return joined.refill;
}

function hold(joined: JoinedConversation, m: UnifiedMessage): void {
  joined.held.push(m);
  if (joined.held.length > MAX_HELD) joined.held.shift();
}

function newConversation(identity: Identity): ConversationSummary {
  return ConversationSummary.fromPartial({
    tenantId: identity.tenantId,
    conversationId: identity.conversationId,
    state: ConversationState.CONVERSATION_STATE_UNSPECIFIED,
    visitorId: identity.participantId,
    channel: Channel.CHANNEL_UNSPECIFIED,
  });
}

/** The ASSIGNED update an agent would have received, rebuilt from the directory after a missed event. */
function assignedEventOf(c: ConversationSummary): ConversationEvent {
  return {
    type: ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED,
    tenantId: c.tenantId,
    conversationId: c.conversationId,
    state: c.state,
    visitorId: c.visitorId,
    agentId: c.agentId,
    lastSeq: c.lastSeq,
    atMs: c.updatedAtMs,
    channel: c.channel,
    actor: undefined,
    reason: 'resync',
    version: c.version,
    conversation: c,
    fromState: ConversationState.CONVERSATION_STATE_UNSPECIFIED,
    firstMessagePreview: '',
  };
}
