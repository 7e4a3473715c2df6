import {
  Channel,
  ClientFrame,
  CloseCode,
  ConversationEventType,
  ConversationState,
  ErrorCode,
  ParticipantRole,
  ServerFrame,
  type ConversationEvent,
  type ConversationSummary,
  type Hello,
  type SendMessage,
  type UnifiedMessage,
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
import type { SessionAppender } from '../adapters/session-appender';
import type { AgentPresenceTracker } from '../domain/agent-presence';
import { DeliveryCursor } from '../domain/delivery-cursor';
import { isAgent, type Identity } from '../domain/identity';
import { normalizeSend } from '../domain/normalize';
import type { TokenService } from '../domain/tokens';

/** The socket as the protocol sees it; the uWS transport implements it. */
export interface FrameSink {
  send(frame: Uint8Array): void;
  close(code: number, reason: string): void;
}

export interface ConnectionDeps {
  readonly tokens: TokenService;
  readonly directory: Directory;
  readonly appender: SessionAppender;
  readonly bus: ConversationBus;
  readonly presence: AgentPresenceTracker;
  readonly tracer: Tracer;
  readonly logger: Logger;
  readonly limits: {
    readonly maxFrameBytes: number;
    readonly helloTimeoutMs: number;
    readonly pingIntervalMs: number;
  };
  readonly metrics: { frameIn(kind: string): void; sendLatency(ms: number, ok: boolean): void };
}

interface JoinedConversation {
  readonly cursor: DeliveryCursor;
  unsubscribe: Unsubscribe;
  filling: boolean;
  pending: UnifiedMessage[];
}

type Phase = 'awaiting-hello' | 'authenticating' | 'ready' | 'closed';

const MAX_QUEUED_BEFORE_WELCOME = 32;

/**
 * One client socket's protocol: Hello → Welcome, sends acked only after the durable append, and
 * in-order, gap-free delivery of every conversation the participant is in.
 */
export class ClientConnection {
  private phase: Phase = 'awaiting-hello';
  private identity: Identity | undefined;
  private readonly conversations = new Map<string, JoinedConversation>();
  private readonly queued: ClientFrame[] = [];
  private unsubscribeEvents: Unsubscribe | undefined;
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
    const conversations = await this.initialConversations(identity);
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
          conversations,
          maxFrameBytes: this.deps.limits.maxFrameBytes,
          pingIntervalMs: this.deps.limits.pingIntervalMs,
          readStates: [],
        },
      },
    });
    this.unsubscribeEvents = this.deps.bus.onTenantEvents(identity.tenantId, (e) => {
      this.onEvent(e);
    });
    for (const c of conversations) this.join(c.conversationId);
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
      const ack = await context.with(trace.setSpan(context.active(), span), () =>
        this.deps.appender.append(message),
      );
      span.setAttribute('sb.seq', ack.seq);
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

  private onEvent(e: ConversationEvent): void {
    const identity = this.identity;
    if (identity === undefined || this.phase !== 'ready') return;
    const mine = this.conversations.has(e.conversationId);
    const assignedToMe =
      isAgent(identity) &&
      e.type === ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED &&
      e.agentId === identity.participantId;
    if (!mine && !assignedToMe) return;
    this.emit({ kind: { $case: 'conversation', value: { event: e } } });
    if (assignedToMe) this.join(e.conversationId);
  }

  private join(conversationId: string): void {
    const identity = this.identity;
    if (identity === undefined || this.conversations.has(conversationId)) return;
    const joined: JoinedConversation = {
      cursor: new DeliveryCursor(1),
      unsubscribe: () => undefined,
      filling: true,
      pending: [],
    };
    this.conversations.set(conversationId, joined);
    joined.unsubscribe = this.deps.bus.onMessages(identity.tenantId, conversationId, (m) => {
      this.onLive(joined, m);
    });
    void this.fill(conversationId, joined);
  }

  private onLive(joined: JoinedConversation, m: UnifiedMessage): void {
    if (joined.filling) {
      joined.pending.push(m);
      return;
    }
    switch (joined.cursor.offer(m.seq)) {
      case 'deliver':
        this.deliver(m);
        return;
      case 'duplicate':
        return;
      case 'gap':
        joined.pending.push(m);
        void this.fill(m.conversationId, joined);
        return;
    }
  }

  /** Reads what the socket has not seen from the stream, then releases live messages held meanwhile. */
  private async fill(conversationId: string, joined: JoinedConversation): Promise<void> {
    const identity = this.identity;
    if (identity === undefined) return;
    joined.filling = true;
    try {
      const stored = await this.deps.bus.readFrom(identity.tenantId, conversationId, joined.cursor.nextSeq);
      if (this.isClosed()) return;
      for (const m of stored) this.offerStored(joined, m);
      const held = joined.pending.sort((a, b) => a.seq - b.seq);
      joined.pending = [];
      joined.filling = false;
      for (const m of held) this.offerStored(joined, m);
    } catch (err) {
      this.log.error({ err, conversation: conversationId }, 'reading conversation history failed');
      this.fail(
        new SwitchboardError(ErrorCode.ERROR_CODE_UNAVAILABLE, 'history unavailable; reconnect', true),
        CloseCode.INTERNAL_ERROR,
      );
    }
  }

  private offerStored(joined: JoinedConversation, m: UnifiedMessage): void {
    const offer = joined.cursor.offer(m.seq);
    if (offer === 'gap') {
      // Older messages are gone from the stream; history beyond it is served from ClickHouse (later).
      joined.cursor.skipTo(m.seq);
      joined.cursor.offer(m.seq);
    } else if (offer === 'duplicate') {
      return;
    }
    this.deliver(m);
  }

  private deliver(message: UnifiedMessage): void {
    this.emit({ kind: { $case: 'deliver', value: { message } } });
  }

  private emit(frame: ServerFrame): void {
    if (this.phase === 'closed') return;
    this.sink.send(ServerFrame.encode(frame).finish());
  }

  /** Sends a typed error frame, then closes with the matching code. */
  private fail(err: SwitchboardError, closeCode: number): void {
    if (this.phase === 'closed') return;
    this.emit({ kind: { $case: 'error', value: err.toDetail() } });
    this.phase = 'closed';
    this.cleanup();
    this.sink.close(closeCode, err.message.slice(0, 100));
  }

  private cleanup(): void {
    clearTimeout(this.helloTimer);
    for (const c of this.conversations.values()) c.unsubscribe();
    this.conversations.clear();
    this.unsubscribeEvents?.();
    const identity = this.identity;
    if (identity !== undefined && identity.role === ParticipantRole.PARTICIPANT_ROLE_AGENT) {
      this.deps.bus.publishPresence(this.deps.presence.disconnect(identity.tenantId, identity.participantId));
    }
  }
}

function newConversation(identity: Identity): ConversationSummary {
  return {
    tenantId: identity.tenantId,
    conversationId: identity.conversationId,
    state: ConversationState.CONVERSATION_STATE_UNSPECIFIED,
    visitorId: identity.participantId,
    agentId: '',
    lastSeq: 0,
    openedAtMs: 0,
    updatedAtMs: 0,
    channel: Channel.CHANNEL_UNSPECIFIED,
    version: 0,
  };
}
