// An in-process stand-in for the gateway that speaks docs/protocol.md, for the client's unit tests.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AgentStatus,
  Availability,
  Channel,
  ClientFrame,
  type ConversationCommand,
  ConversationEvent,
  ConversationEventType,
  type ConversationSignal,
  ConversationState,
  ConversationSummary,
  ErrorCode,
  errorCodeToJSON,
  type FetchMessages,
  type Hello,
  MessageKind,
  type Participant,
  ParticipantRole,
  type QueueSnapshot,
  type QueueStatus,
  type ReadState,
  type SendMessage,
  ServerFrame,
  type UnifiedMessage,
} from '@switchboard/proto';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';

export const WIDGET_KEY = 'demo-widget-key';
export const TENANT = 'demo';
export const AGENT_EMAIL = 'alice@demo.test';
export const AGENT_PASSWORD = 'switchboard';

export interface FakeParticipant {
  id: string;
  role: ParticipantRole;
  displayName: string;
  /** Hello with this participant's token answers UNKNOWN_TENANT. */
  tenantGone?: boolean;
  /** An agent who may take over (Welcome.supervisor). */
  supervisor?: boolean;
}

interface FakeConversation {
  summary: ConversationSummary;
  messages: UnifiedMessage[];
  byClientMsgId: Map<string, UnifiedMessage>;
}

interface Connection {
  /** 1 for the first socket the fake accepted, then 2, 3, ... */
  id: number;
  ws: WebSocket;
  participant: FakeParticipant | undefined;
  helloTimer: NodeJS.Timeout;
}

/**
 * What to do with a SendMessage instead of the normal behaviour: answer with a frame, never answer, or store
 * the message and deliver it but lose the SendAck (the client cannot tell whether it was stored).
 */
export type SendOverride = (
  send: SendMessage,
  from: FakeParticipant,
) => ServerFrame | 'no-answer' | 'store-no-ack' | undefined;

/** What to do with a FetchMessages instead of answering it from the store. */
export type FetchOverride = (
  fetch: FetchMessages,
  from: FakeParticipant,
) => ServerFrame | 'no-answer' | undefined;

/** What to do with a ConversationCommand instead of applying it: answer with a frame, or never answer. */
export type CommandOverride = (
  command: ConversationCommand,
  from: FakeParticipant,
) => ServerFrame | 'no-answer' | undefined;

/** Whether a Deliver of `message` goes to one socket (false drops it: a gap for that socket). */
export type DeliveryFilter = (
  message: UnifiedMessage,
  participantId: string,
  connectionId: number,
) => boolean;

/** Refuse a Hello: answer with an error frame and close with closeCode. */
export interface HelloRefusal {
  code: ErrorCode;
  closeCode: number;
  message?: string;
}

export interface FakeGatewayOptions {
  helloTimeoutMs?: number;
  maxFrameBytes?: number;
  pingIntervalMs?: number;
  /** On resume, also redeliver this many messages at or before last_seq (an overlapping replay). Default 0. */
  resumeOverlap?: number;
  /**
   * Welcome's conversation records carry last_seq 0, as the real gateway's may: its record's last_seq moves
   * only with lifecycle events, so the read states' last_seq is the one to trust. Default false.
   */
  recordLagsMessages?: boolean;
}

const CLIENT_MSG_ID = /^[A-Za-z0-9_-]{1,64}$/;

export class FakeGateway {
  /** Every frame clients sent, in arrival order. */
  readonly received: ClientFrame[] = [];
  onSend: SendOverride | undefined;
  onFetch: FetchOverride | undefined;
  onCommand: CommandOverride | undefined;
  /** Leave Pings unanswered, as on a dead path. */
  dropPings = false;
  deliveryFilter: DeliveryFilter | undefined;
  /** Called for each Hello with a known token; return a refusal to turn it away. */
  onHello: ((hello: Hello, participant: FakeParticipant) => HelloRefusal | undefined) | undefined;
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  readonly #options: Required<FakeGatewayOptions>;
  readonly #tokens = new Map<string, FakeParticipant>();
  readonly #agentsByEmail = new Map<string, { participant: FakeParticipant; password: string }>();
  readonly #conversations = new Map<string, FakeConversation>();
  readonly #connections = new Set<Connection>();
  readonly #frameWaiters: {
    predicate: (frame: ClientFrame) => boolean;
    resolve: (frame: ClientFrame) => void;
  }[] = [];
  /** participant id -> conversation id -> read seq */
  readonly #readSeqs = new Map<string, Map<string, number>>();
  /** agent id -> the status it chose */
  readonly #agentStatuses = new Map<string, AgentStatus>();
  #connectionIds = 0;

  private constructor(options: FakeGatewayOptions) {
    this.#options = {
      helloTimeoutMs: 10_000,
      maxFrameBytes: 64 * 1024,
      pingIntervalMs: 25_000,
      resumeOverlap: 0,
      recordLagsMessages: false,
      ...options,
    };
    this.#http = createServer((req, res) => {
      this.#onHttp(req, res);
    });
    // maxPayload above max_frame_bytes so the fake itself answers FRAME_TOO_LARGE, as the gateway does.
    this.#wss = new WebSocketServer({ server: this.#http, path: '/v1/ws', maxPayload: 1024 * 1024 });
    this.#wss.on('connection', (ws) => {
      this.#onConnection(ws);
    });
  }

  static async start(options: FakeGatewayOptions = {}): Promise<FakeGateway> {
    const gateway = new FakeGateway(options);
    await new Promise<void>((resolve) => gateway.#http.listen(0, '127.0.0.1', resolve));
    return gateway;
  }

  get baseUrl(): string {
    const { port } = this.#http.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  get wsUrl(): string {
    return `${this.baseUrl.replace('http:', 'ws:')}/v1/ws`;
  }

  /** A visitor with a new WAITING conversation. */
  addVisitor(
    displayName = 'Ann',
    extra: Partial<FakeParticipant> = {},
  ): {
    token: string;
    visitor: FakeParticipant;
    conversationId: string;
  } {
    const visitor: FakeParticipant = {
      id: `v-${randomUUID()}`,
      role: ParticipantRole.PARTICIPANT_ROLE_VISITOR,
      displayName,
      ...extra,
    };
    const token = `vt-${randomUUID()}`;
    this.#tokens.set(token, visitor);
    const conversationId = this.#openConversation(visitor.id);
    return { token, visitor, conversationId };
  }

  addAgent(
    displayName = 'Alice',
    email = AGENT_EMAIL,
    password = AGENT_PASSWORD,
    extra: Partial<FakeParticipant> = {},
  ): {
    token: string;
    agent: FakeParticipant;
  } {
    const agent: FakeParticipant = {
      id: `a-${randomUUID()}`,
      role: ParticipantRole.PARTICIPANT_ROLE_AGENT,
      displayName,
      ...extra,
    };
    const token = `at-${randomUUID()}`;
    this.#tokens.set(token, agent);
    this.#agentsByEmail.set(email, { participant: agent, password });
    return { token, agent };
  }

  /** Appends a message as if `from` had sent it, and delivers it live. */
  append(
    conversationId: string,
    from: FakeParticipant,
    text: string,
    kind: MessageKind = MessageKind.MESSAGE_KIND_TEXT,
  ): UnifiedMessage {
    const conversation = this.#conversation(conversationId);
    const message: UnifiedMessage = {
      tenantId: TENANT,
      conversationId,
      seq: conversation.messages.length + 1,
      clientMsgId: randomUUID(),
      sender: { role: from.role, id: from.id, displayName: from.displayName },
      channel: Channel.CHANNEL_WEB_WIDGET,
      kind,
      text,
      clientSentAtMs: Date.now(),
      acceptedAtMs: Date.now(),
      metadata: {},
    };
    conversation.messages.push(message);
    conversation.byClientMsgId.set(message.clientMsgId, message);
    conversation.summary.lastSeq = message.seq;
    this.#broadcastMessage(conversation, message);
    return message;
  }

  /** Appends an agent's private note: agents get it as is, the visitor a redacted copy with the same seq. */
  appendNote(conversationId: string, from: FakeParticipant, text: string): UnifiedMessage {
    return this.append(conversationId, from, text, MessageKind.MESSAGE_KIND_NOTE);
  }

  /** Stores a message without delivering it to anyone (it can only be fetched or resumed). */
  appendSilently(conversationId: string, from: FakeParticipant, text: string): UnifiedMessage {
    const filter = this.deliveryFilter;
    this.deliveryFilter = () => false;
    try {
      return this.append(conversationId, from, text);
    } finally {
      this.deliveryFilter = filter;
    }
  }

  /** Sends stored messages of a conversation, by seq and in the order given, to every socket of a participant. */
  replay(participantId: string, conversationId: string, seqs: readonly number[]): void {
    const messages = this.#conversation(conversationId).messages;
    for (const seq of seqs) {
      const message = messages[seq - 1];
      if (message === undefined) throw new Error(`fake gateway: ${conversationId} has no seq ${seq}`);
      this.pushTo(participantId, { kind: { $case: 'deliver', value: { message } } });
    }
  }

  /** A new token for an existing participant (e.g. what a token refresher gets). */
  issueToken(participant: FakeParticipant): string {
    const token = `t-${randomUUID()}`;
    this.#tokens.set(token, participant);
    return token;
  }

  /** The token stops working, as when it expires. */
  revokeToken(token: string): void {
    this.#tokens.delete(token);
  }

  /** A participant's read mark in a conversation (MarkRead or its own latest message). */
  readSeq(participantId: string, conversationId: string): number {
    return this.#readSeqs.get(participantId)?.get(conversationId) ?? 0;
  }

  /** Every Hello received, in order. */
  hellos(): Hello[] {
    return this.received.flatMap((f) => (f.kind?.$case === 'hello' ? [f.kind.value] : []));
  }

  /** Every SendMessage received, in order (retries included). */
  sends(): SendMessage[] {
    return this.received.flatMap((f) => (f.kind?.$case === 'send' ? [f.kind.value] : []));
  }

  /** Every ConversationCommand received, in order. */
  commands(): ConversationCommand[] {
    return this.received.flatMap((f) => (f.kind?.$case === 'command' ? [f.kind.value] : []));
  }

  /** Every TypingNotice received, in order. */
  typingNotices(): { conversationId: string; typing: boolean }[] {
    return this.received.flatMap((f) => (f.kind?.$case === 'typing' ? [f.kind.value] : []));
  }

  /** The status an agent chose last (ONLINE when never chosen). */
  agentStatus(agentId: string): AgentStatus {
    return this.#agentStatuses.get(agentId) ?? AgentStatus.AGENT_STATUS_ONLINE;
  }

  /** Sets an agent's status as another tab would, and tells every socket of the agent (StatusUpdate). */
  setAgentStatus(agentId: string, status: AgentStatus): void {
    this.#agentStatuses.set(agentId, status);
    this.pushTo(agentId, { kind: { $case: 'status', value: { status } } });
  }

  /** Sends a ConversationSignal to every socket in the conversation (the sender's own sockets included). */
  signal(conversationId: string, from: Participant, kind: ConversationSignal['kind']): void {
    const conversation = this.#conversation(conversationId);
    this.#broadcast(conversation, {
      kind: {
        $case: 'signal',
        value: { tenantId: TENANT, conversationId, from, atMs: Date.now(), kind },
      },
    });
  }

  /** Routing's queue status for a queued conversation (from SYSTEM). */
  queueStatus(conversationId: string, status: Partial<QueueStatus> = {}): void {
    this.signal(conversationId, SYSTEM, {
      $case: 'queue',
      value: {
        groupId: 'general',
        position: 1,
        queueLength: 1,
        estimatedWaitS: 0,
        availability: Availability.AVAILABILITY_OPEN,
        offlineMessage: '',
        ...status,
      },
    });
  }

  /** Routing's warning that the conversation closes for inactivity at closesAtMs. */
  idleWarning(conversationId: string, closesAtMs: number): void {
    this.signal(conversationId, SYSTEM, { $case: 'idleWarning', value: { closesAtMs } });
  }

  /** A QueueSnapshot to every agent socket. */
  pushQueue(snapshot: QueueSnapshot): void {
    for (const connection of this.#connections) {
      if (connection.participant?.role === ParticipantRole.PARTICIPANT_ROLE_AGENT)
        this.#send(connection.ws, { kind: { $case: 'queue', value: snapshot } });
    }
  }

  /** Every FetchMessages received, in order. */
  fetches(): FetchMessages[] {
    return this.received.flatMap((f) => (f.kind?.$case === 'fetch' ? [f.kind.value] : []));
  }

  /** Open sockets. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  messages(conversationId: string): readonly UnifiedMessage[] {
    return this.#conversation(conversationId).messages;
  }

  /**
   * Assigns the conversation, already accepted (the v1 shortcut): ConversationUpdate ASSIGNED to everyone in
   * it, then the history to the new agent.
   */
  assign(conversationId: string, agentId: string, updatedAtMs = Date.now()): void {
    this.#transition(
      conversationId,
      ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED,
      (s) => {
        s.agentId = agentId;
        s.state = ConversationState.CONVERSATION_STATE_CHATTING;
      },
      { updatedAtMs },
    );
  }

  /** Offers the conversation to an agent, who must accept it (state ASSIGNED), and delivers it the history. */
  offer(conversationId: string, agentId: string): void {
    this.#transition(conversationId, ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED, (s) => {
      s.agentId = agentId;
      s.state = ConversationState.CONVERSATION_STATE_ASSIGNED;
      s.assignedAtMs = Date.now();
    });
  }

  /** Puts the conversation in a group's queue (state QUEUED, no agent). */
  enqueue(
    conversationId: string,
    groupId = 'general',
    type = ConversationEventType.CONVERSATION_EVENT_TYPE_QUEUED,
  ): void {
    this.#transition(conversationId, type, (s) => {
      if (s.agentId !== '') s.previousAgentId = s.agentId;
      s.agentId = '';
      s.groupId = groupId;
      s.state = ConversationState.CONVERSATION_STATE_QUEUED;
      s.queuedAtMs = Date.now();
    });
  }

  closeConversation(conversationId: string, reason = 'resolved'): void {
    this.#transition(
      conversationId,
      ConversationEventType.CONVERSATION_EVENT_TYPE_CLOSED,
      (s) => {
        s.state = ConversationState.CONVERSATION_STATE_CLOSED;
        s.closedAtMs = Date.now();
      },
      { reason },
    );
  }

  /** The conversation's record as the fake holds it. */
  summary(conversationId: string): ConversationSummary {
    return { ...this.#conversation(conversationId).summary };
  }

  /**
   * Applies a change to a conversation's record and bumps its version, then sends the ConversationUpdate to
   * everyone in it before or after, and the history to an agent it newly belongs to.
   */
  #transition(
    conversationId: string,
    type: ConversationEventType,
    change: (summary: ConversationSummary) => void,
    extra: { reason?: string; updatedAtMs?: number; actor?: FakeParticipant } = {},
  ): ConversationSummary {
    const conversation = this.#conversation(conversationId);
    const summary = conversation.summary;
    const before = { state: summary.state, agentId: summary.agentId };
    const audience = this.#audience(conversation);
    change(summary);
    summary.updatedAtMs = extra.updatedAtMs ?? Date.now();
    summary.version++;
    for (const connection of this.#audience(conversation)) audience.add(connection);
    const frame = this.#event(conversation, type, before.state, extra.reason ?? '', extra.actor);
    for (const connection of audience) this.#send(connection.ws, frame);
    if (summary.agentId !== '' && summary.agentId !== before.agentId) {
      for (const connection of this.#connections) {
        if (connection.participant?.id !== summary.agentId) continue;
        for (const message of conversation.messages) this.#deliver(connection, message);
      }
    }
    return { ...summary };
  }

  #audience(conversation: FakeConversation): Set<Connection> {
    const out = new Set<Connection>();
    for (const connection of this.#connections) {
      const participant = connection.participant;
      if (participant !== undefined && this.#isMember(conversation, participant)) out.add(connection);
    }
    return out;
  }

  /** Sends a raw frame (binary) to every socket of a participant. */
  pushTo(participantId: string, frame: ServerFrame | string): void {
    for (const connection of this.#connections) {
      if (connection.participant?.id !== participantId) continue;
      if (typeof frame === 'string') connection.ws.send(frame);
      else this.#send(connection.ws, frame);
    }
  }

  /** Closes every socket with a code, as the gateway does when it shuts down (1001). */
  closeAll(code: number, reason = ''): void {
    for (const connection of this.#connections) connection.ws.close(code, reason);
  }

  /** Drops every socket without a close frame: clients see 1006. */
  terminateAll(): void {
    for (const connection of this.#connections) connection.ws.terminate();
  }

  /** Resolves with the next frame any client sends. */
  nextFrame(): Promise<ClientFrame> {
    return this.waitForFrame(() => true);
  }

  /** Resolves with the next frame (from now on) that matches. */
  waitForFrame(predicate: (frame: ClientFrame) => boolean): Promise<ClientFrame> {
    return new Promise((resolve) => this.#frameWaiters.push({ predicate, resolve }));
  }

  /** Resolves once `count` Hellos have been received in total (counting those already received). */
  async waitForHellos(count: number): Promise<Hello[]> {
    while (this.hellos().length < count) await this.waitForFrame((f) => f.kind?.$case === 'hello');
    return this.hellos();
  }

  async stop(): Promise<void> {
    for (const connection of this.#connections) {
      clearTimeout(connection.helloTimer);
      connection.ws.terminate();
    }
    await new Promise<void>((resolve) => {
      this.#wss.close(() => {
        resolve();
      });
    });
    this.#http.closeAllConnections();
    await new Promise<void>((resolve, reject) => {
      this.#http.close((err) => {
        if (err) reject(err);
        else resolve();
      });
    });
  }

  #openConversation(visitorId: string): string {
    const id = `c-${randomUUID()}`;
    const now = Date.now();
    this.#conversations.set(id, {
      summary: ConversationSummary.fromPartial({
        tenantId: TENANT,
        conversationId: id,
        state: ConversationState.CONVERSATION_STATE_WAITING,
        visitorId,
        agentId: '',
        lastSeq: 0,
        openedAtMs: now,
        updatedAtMs: now,
        channel: Channel.CHANNEL_WEB_WIDGET,
        version: 1,
      }),
      messages: [],
      byClientMsgId: new Map(),
    });
    return id;
  }

  #conversation(id: string): FakeConversation {
    const conversation = this.#conversations.get(id);
    if (conversation === undefined) throw new Error(`fake gateway: no conversation ${id}`);
    return conversation;
  }

  #isMember(conversation: FakeConversation, participant: FakeParticipant): boolean {
    const { visitorId, agentId } = conversation.summary;
    return participant.id === visitorId || participant.id === agentId;
  }

  #conversationsOf(participant: FakeParticipant): FakeConversation[] {
    return [...this.#conversations.values()].filter(
      (c) =>
        this.#isMember(c, participant) &&
        (participant.role === ParticipantRole.PARTICIPANT_ROLE_VISITOR ||
          c.summary.state !== ConversationState.CONVERSATION_STATE_CLOSED),
    );
  }

  #event(
    conversation: FakeConversation,
    type: ConversationEventType,
    fromState: ConversationState,
    reason: string,
    actor: FakeParticipant | undefined,
  ): ServerFrame {
    const s = conversation.summary;
    return {
      kind: {
        $case: 'conversation',
        value: {
          event: ConversationEvent.fromPartial({
            type,
            tenantId: TENANT,
            conversationId: s.conversationId,
            state: s.state,
            visitorId: s.visitorId,
            agentId: s.agentId,
            lastSeq: s.lastSeq,
            atMs: Date.now(),
            channel: s.channel,
            actor: actor === undefined ? SYSTEM : participantOf(actor),
            reason,
            version: s.version,
            conversation: ConversationSummary.fromPartial(s),
            fromState,
          }),
        },
      },
    };
  }

  #broadcastMessage(conversation: FakeConversation, message: UnifiedMessage): void {
    for (const connection of this.#connections) {
      const participant = connection.participant;
      if (participant !== undefined && this.#isMember(conversation, participant))
        this.#deliver(connection, message);
    }
  }

  #deliver(connection: Connection, message: UnifiedMessage): void {
    const participantId = connection.participant?.id ?? '';
    if (this.deliveryFilter !== undefined && !this.deliveryFilter(message, participantId, connection.id))
      return;
    this.#send(connection.ws, {
      kind: { $case: 'deliver', value: { message: this.#asSeenBy(connection.participant, message) } },
    });
  }

  /** A note as a visitor gets it: same seq, no sender, text or metadata (docs/lifecycle.md, 6). */
  #asSeenBy(participant: FakeParticipant | undefined, message: UnifiedMessage): UnifiedMessage {
    if (
      message.kind !== MessageKind.MESSAGE_KIND_NOTE ||
      participant?.role !== ParticipantRole.PARTICIPANT_ROLE_VISITOR
    )
      return message;
    return {
      tenantId: message.tenantId,
      conversationId: message.conversationId,
      seq: message.seq,
      clientMsgId: '',
      sender: undefined,
      channel: message.channel,
      kind: MessageKind.MESSAGE_KIND_REDACTED,
      text: '',
      clientSentAtMs: 0,
      acceptedAtMs: message.acceptedAtMs,
      metadata: {},
    };
  }

  #broadcast(conversation: FakeConversation, frame: ServerFrame): void {
    for (const connection of this.#connections) {
      const participant = connection.participant;
      if (participant !== undefined && this.#isMember(conversation, participant))
        this.#send(connection.ws, frame);
    }
  }

  #send(ws: WebSocket, frame: ServerFrame): void {
    ws.send(ServerFrame.encode(frame).finish(), { binary: true });
  }

  #setReadSeq(participantId: string, conversationId: string, seq: number): void {
    let byConversation = this.#readSeqs.get(participantId);
    if (byConversation === undefined) {
      byConversation = new Map();
      this.#readSeqs.set(participantId, byConversation);
    }
    byConversation.set(conversationId, Math.max(seq, byConversation.get(conversationId) ?? 0));
  }

  #readState(participant: FakeParticipant, conversation: FakeConversation): ReadState {
    const conversationId = conversation.summary.conversationId;
    const readSeq = this.readSeq(participant.id, conversationId);
    return {
      conversationId,
      readSeq,
      unreadCount: conversation.messages.filter((m) => m.seq > readSeq && m.sender?.id !== participant.id)
        .length,
      lastSeq: conversation.messages.at(-1)?.seq ?? 0,
    };
  }

  #fatal(connection: Connection, code: ErrorCode, closeCode: number, message: string): void {
    this.#send(connection.ws, {
      kind: { $case: 'error', value: { code, message, retryable: false, clientMsgId: '', requestId: 0 } },
    });
    connection.ws.close(closeCode, message);
  }

  #onConnection(ws: WebSocket): void {
    const connection: Connection = {
      id: ++this.#connectionIds,
      ws,
      participant: undefined,
      helloTimer: setTimeout(() => {
        ws.close(4008, 'no Hello in time');
      }, this.#options.helloTimeoutMs),
    };
    this.#connections.add(connection);
    ws.on('message', (data, isBinary) => {
      this.#onFrame(connection, data, isBinary);
    });
    ws.on('close', () => {
      clearTimeout(connection.helloTimer);
      this.#connections.delete(connection);
    });
  }

  #onFrame(connection: Connection, data: RawData, isBinary: boolean): void {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
    if (bytes.length > this.#options.maxFrameBytes) {
      this.#fatal(connection, ErrorCode.ERROR_CODE_FRAME_TOO_LARGE, 1009, 'frame too large');
      return;
    }
    if (!isBinary) {
      this.#fatal(connection, ErrorCode.ERROR_CODE_BAD_FRAME, 4000, 'text frames are not accepted');
      return;
    }
    let frame: ClientFrame;
    try {
      frame = ClientFrame.decode(bytes);
    } catch {
      this.#fatal(connection, ErrorCode.ERROR_CODE_BAD_FRAME, 4000, 'undecodable frame');
      return;
    }
    this.received.push(frame);
    for (const waiter of [...this.#frameWaiters]) {
      if (!waiter.predicate(frame)) continue;
      this.#frameWaiters.splice(this.#frameWaiters.indexOf(waiter), 1);
      waiter.resolve(frame);
    }
    const kind = frame.kind;
    if (kind === undefined) {
      this.#fatal(connection, ErrorCode.ERROR_CODE_BAD_FRAME, 4000, 'empty frame');
      return;
    }
    const participant = connection.participant;
    if (kind.$case === 'hello') {
      if (participant !== undefined) {
        this.#fatal(connection, ErrorCode.ERROR_CODE_PROTOCOL_VIOLATION, 4000, 'second Hello');
        return;
      }
      this.#onHello(connection, kind.value);
      return;
    }
    if (participant === undefined) {
      this.#fatal(connection, ErrorCode.ERROR_CODE_PROTOCOL_VIOLATION, 4000, 'Hello must come first');
      return;
    }
    switch (kind.$case) {
      case 'ping':
        if (!this.dropPings)
          this.#send(connection.ws, { kind: { $case: 'pong', value: { nonce: kind.value.nonce } } });
        return;
      case 'send':
        this.#onSend(connection, participant, kind.value);
        return;
      case 'fetch':
        this.#onFetch(connection, participant, kind.value);
        return;
      case 'markRead': {
        const conversation = this.#conversations.get(kind.value.conversationId);
        if (conversation !== undefined && this.#isMember(conversation, participant)) {
          this.#setReadSeq(participant.id, kind.value.conversationId, kind.value.seq);
          this.signal(kind.value.conversationId, participantOf(participant), {
            $case: 'read',
            value: { readSeq: this.readSeq(participant.id, kind.value.conversationId) },
          });
        }
        return;
      }
      case 'typing': {
        const conversation = this.#conversations.get(kind.value.conversationId);
        if (conversation !== undefined && this.#isMember(conversation, participant))
          this.signal(kind.value.conversationId, participantOf(participant), {
            $case: 'typing',
            value: { typing: kind.value.typing },
          });
        return;
      }
      case 'setStatus':
        if (participant.role !== ParticipantRole.PARTICIPANT_ROLE_AGENT) {
          this.#send(connection.ws, {
            kind: {
              $case: 'error',
              value: {
                code: ErrorCode.ERROR_CODE_FORBIDDEN,
                message: 'only agents have a status',
                retryable: false,
                clientMsgId: '',
                requestId: 0,
              },
            },
          });
          return;
        }
        this.setAgentStatus(participant.id, kind.value.status);
        return;
      case 'command':
        this.#onCommand(connection, participant, kind.value);
        return;
    }
  }

  #onCommand(connection: Connection, participant: FakeParticipant, command: ConversationCommand): void {
    const override = this.onCommand?.(command, participant);
    if (override === 'no-answer') return;
    if (override !== undefined) {
      this.#send(connection.ws, override);
      return;
    }
    const answer = this.#applyCommand(participant, command);
    this.#send(
      connection.ws,
      answer instanceof FakeCommandError
        ? {
            kind: {
              $case: 'error',
              value: {
                code: answer.code,
                message: answer.message,
                retryable: false,
                clientMsgId: '',
                requestId: command.requestId,
              },
            },
          }
        : { kind: { $case: 'result', value: { requestId: command.requestId, conversation: answer } } },
    );
  }

  /** A small model of docs/lifecycle.md section 2: enough for the SDK's round trips, not the real rules. */
  #applyCommand(
    actor: FakeParticipant,
    command: ConversationCommand,
  ): ConversationSummary | FakeCommandError {
    const conversation = this.#conversations.get(command.conversationId);
    const body = command.command;
    if (conversation === undefined)
      return new FakeCommandError(ErrorCode.ERROR_CODE_NOT_FOUND, 'no such conversation');
    if (body === undefined)
      return new FakeCommandError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, 'empty command');
    const s = conversation.summary;
    const id = s.conversationId;
    const isAgent = actor.role === ParticipantRole.PARTICIPANT_ROLE_AGENT;
    const isVisitor = actor.id === s.visitorId;
    const supervisor = isAgent && actor.supervisor === true;
    const open = s.state !== ConversationState.CONVERSATION_STATE_CLOSED;
    const forbidden = new FakeCommandError(
      ErrorCode.ERROR_CODE_FORBIDDEN,
      `${body.$case}: not allowed for you`,
    );
    const illegal = new FakeCommandError(
      ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION,
      `${body.$case}: not allowed in state ${s.state}`,
    );
    const T = ConversationEventType;
    const S = ConversationState;
    switch (body.$case) {
      case 'accept':
        if (!isAgent || s.agentId !== actor.id) return forbidden;
        if (s.state !== S.CONVERSATION_STATE_ASSIGNED) return illegal;
        return this.#transition(
          id,
          T.CONVERSATION_EVENT_TYPE_ACCEPTED,
          (c) => {
            c.state = S.CONVERSATION_STATE_CHATTING;
            c.acceptedAtMs = Date.now();
          },
          { actor },
        );
      case 'transfer': {
        if (!(isAgent && (s.agentId === actor.id || supervisor))) return forbidden;
        if (s.state !== S.CONVERSATION_STATE_CHATTING) return illegal;
        const { toAgentId, toGroupId, note } = body.value;
        if ((toAgentId === '') === (toGroupId === ''))
          return new FakeCommandError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, 'exactly one target');
        if (note !== '') this.appendNote(id, actor, note);
        return this.#transition(
          id,
          T.CONVERSATION_EVENT_TYPE_TRANSFER_REQUESTED,
          (c) => {
            c.state = S.CONVERSATION_STATE_TRANSFERRING;
            if (toAgentId !== '') c.transferToAgentId = toAgentId;
            else c.groupId = toGroupId;
          },
          { actor },
        );
      }
      case 'close':
        if (!(isVisitor || (isAgent && (s.agentId === actor.id || supervisor)))) return forbidden;
        if (!open) return illegal;
        return this.#transition(
          id,
          T.CONVERSATION_EVENT_TYPE_CLOSED,
          (c) => {
            c.state = S.CONVERSATION_STATE_CLOSED;
            c.closedAtMs = Date.now();
          },
          { actor, reason: body.value.reason },
        );
      case 'takeOver':
        if (!supervisor) return forbidden;
        if (!open || s.state === S.CONVERSATION_STATE_WAITING || s.state === S.CONVERSATION_STATE_BOT)
          return illegal;
        return this.#transition(
          id,
          T.CONVERSATION_EVENT_TYPE_TAKEN_OVER,
          (c) => {
            if (c.agentId !== '') c.previousAgentId = c.agentId;
            c.agentId = actor.id;
            c.state = S.CONVERSATION_STATE_CHATTING;
          },
          { actor },
        );
      case 'setLabels':
        if (!isAgent) return forbidden;
        return this.#transition(
          id,
          T.CONVERSATION_EVENT_TYPE_LABELED,
          (c) => {
            c.labels = [...body.value.labels];
          },
          { actor },
        );
      case 'rate': {
        if (!isVisitor) return forbidden;
        if (open || s.csat !== undefined) return illegal;
        const { score, comment } = body.value;
        if (score < 1 || score > 5)
          return new FakeCommandError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, 'score 1..5');
        return this.#transition(
          id,
          T.CONVERSATION_EVENT_TYPE_RATED,
          (c) => {
            c.csat = { score, comment, atMs: Date.now(), agentId: c.agentId };
          },
          { actor },
        );
      }
      case 'pick':
        if (!isAgent) return forbidden;
        if (s.state !== S.CONVERSATION_STATE_QUEUED) return illegal;
        return this.#transition(
          id,
          T.CONVERSATION_EVENT_TYPE_ACCEPTED,
          (c) => {
            c.agentId = actor.id;
            c.state = S.CONVERSATION_STATE_CHATTING;
            c.acceptedAtMs = Date.now();
          },
          { actor },
        );
    }
  }

  /** Answers a FetchMessages now, as the fake would have (for fetches an onFetch override left unanswered). */
  answerFetch(participant: FakeParticipant, fetch: FetchMessages): void {
    this.pushTo(participant.id, this.#fetchAnswer(participant, fetch));
  }

  #onFetch(connection: Connection, participant: FakeParticipant, fetch: FetchMessages): void {
    const override = this.onFetch?.(fetch, participant);
    if (override === 'no-answer') return;
    this.#send(connection.ws, override ?? this.#fetchAnswer(participant, fetch));
  }

  #fetchAnswer(participant: FakeParticipant, fetch: FetchMessages): ServerFrame {
    const fail = (code: ErrorCode, message: string): ServerFrame => ({
      kind: {
        $case: 'error',
        value: { code, message, retryable: false, clientMsgId: '', requestId: fetch.requestId },
      },
    });
    const conversation = this.#conversations.get(fetch.conversationId);
    if (conversation === undefined || !this.#isMember(conversation, participant)) {
      return fail(ErrorCode.ERROR_CODE_FORBIDDEN, 'not a participant of this conversation');
    }
    if (fetch.fromSeq < 1 || (fetch.toSeq !== 0 && fetch.toSeq < fetch.fromSeq) || fetch.limit > 500) {
      return fail(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, 'bad range or limit');
    }
    const limit = fetch.limit === 0 ? 100 : fetch.limit;
    const inRange = conversation.messages.filter(
      (m) => m.seq >= fetch.fromSeq && (fetch.toSeq === 0 || m.seq <= fetch.toSeq),
    );
    return {
      kind: {
        $case: 'messages',
        value: {
          requestId: fetch.requestId,
          conversationId: fetch.conversationId,
          messages: inRange.slice(0, limit).map((m) => this.#asSeenBy(participant, m)),
          hasMore: inRange.length > limit,
        },
      },
    };
  }

  #onHello(connection: Connection, hello: Hello): void {
    clearTimeout(connection.helloTimer);
    const participant = this.#tokens.get(hello.token);
    if (participant === undefined) {
      this.#fatal(connection, ErrorCode.ERROR_CODE_UNAUTHENTICATED, 4001, 'invalid or expired token');
      return;
    }
    if (participant.tenantGone === true) {
      this.#fatal(connection, ErrorCode.ERROR_CODE_UNKNOWN_TENANT, 4004, 'unknown tenant');
      return;
    }
    const refusal = this.onHello?.(hello, participant);
    if (refusal !== undefined) {
      this.#fatal(
        connection,
        refusal.code,
        refusal.closeCode,
        refusal.message ?? errorCodeToJSON(refusal.code),
      );
      return;
    }
    connection.participant = participant;
    const isAgent = participant.role === ParticipantRole.PARTICIPANT_ROLE_AGENT;
    const conversations = this.#conversationsOf(participant);
    this.#send(connection.ws, {
      kind: {
        $case: 'welcome',
        value: {
          tenantId: TENANT,
          participantId: participant.id,
          role: participant.role,
          displayName: participant.displayName,
          conversations: conversations.map((c) => ({
            ...c.summary,
            ...(this.#options.recordLagsMessages ? { lastSeq: 0 } : {}),
          })),
          maxFrameBytes: this.#options.maxFrameBytes,
          pingIntervalMs: this.#options.pingIntervalMs,
          readStates: conversations.map((c) => this.#readState(participant, c)),
          agentStatus: isAgent ? this.agentStatus(participant.id) : AgentStatus.AGENT_STATUS_UNSPECIFIED,
          supervisor: participant.supervisor === true,
        },
      },
    });
    // As the gateway does: the agent's status follows Welcome.
    if (isAgent)
      this.#send(connection.ws, {
        kind: { $case: 'status', value: { status: this.agentStatus(participant.id) } },
      });
    const resume = new Map(hello.resume.map((p) => [p.conversationId, p.lastSeq]));
    for (const conversation of conversations) {
      const { messages } = conversation;
      const lastSeq = resume.get(conversation.summary.conversationId);
      // Resume: exactly the messages after last_seq (plus a deliberate overlap); else the newest backfill_limit.
      let after = 0;
      if (lastSeq !== undefined) after = Math.max(0, lastSeq - this.#options.resumeOverlap);
      else if (hello.backfillLimit > 0) after = Math.max(0, messages.length - hello.backfillLimit);
      for (const message of messages.slice(after)) this.#deliver(connection, message);
    }
  }

  #onSend(connection: Connection, participant: FakeParticipant, send: SendMessage): void {
    const override = this.onSend?.(send, participant);
    if (override === 'no-answer') return;
    if (override !== undefined && override !== 'store-no-ack') {
      this.#send(connection.ws, override);
      return;
    }
    const fail = (code: ErrorCode, message: string): void => {
      this.#send(connection.ws, {
        kind: {
          $case: 'error',
          value: { code, message, retryable: false, clientMsgId: send.clientMsgId, requestId: 0 },
        },
      });
    };
    if (!CLIENT_MSG_ID.test(send.clientMsgId)) {
      fail(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, 'client_msg_id must be 1-64 characters of A-Z a-z 0-9 _ -');
      return;
    }
    const trimmed = send.text.trim();
    if (trimmed === '' || Array.from(trimmed).length > 4000) {
      fail(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, 'text must be 1-4000 characters');
      return;
    }
    if (send.note && participant.role !== ParticipantRole.PARTICIPANT_ROLE_AGENT) {
      fail(ErrorCode.ERROR_CODE_FORBIDDEN, 'only agents write notes');
      return;
    }
    const conversation = this.#conversations.get(send.conversationId);
    if (conversation === undefined || !this.#isMember(conversation, participant)) {
      fail(ErrorCode.ERROR_CODE_FORBIDDEN, 'not a participant of this conversation');
      return;
    }
    const earlier = conversation.byClientMsgId.get(send.clientMsgId);
    if (earlier !== undefined) {
      this.#ack(connection, send, earlier.seq, true);
      return;
    }
    if (conversation.summary.state === ConversationState.CONVERSATION_STATE_CLOSED) {
      fail(ErrorCode.ERROR_CODE_CONVERSATION_CLOSED, 'conversation is closed');
      return;
    }
    const seq = conversation.messages.length + 1;
    const message: UnifiedMessage = {
      tenantId: TENANT,
      conversationId: send.conversationId,
      seq,
      clientMsgId: send.clientMsgId,
      sender: { role: participant.role, id: participant.id, displayName: participant.displayName },
      channel: Channel.CHANNEL_WEB_WIDGET,
      kind: send.note ? MessageKind.MESSAGE_KIND_NOTE : MessageKind.MESSAGE_KIND_TEXT,
      text: send.text,
      clientSentAtMs: send.clientSentAtMs,
      acceptedAtMs: Date.now(),
      metadata: {},
    };
    conversation.messages.push(message);
    conversation.byClientMsgId.set(message.clientMsgId, message);
    conversation.summary.lastSeq = seq;
    this.#setReadSeq(participant.id, send.conversationId, seq);
    if (override !== 'store-no-ack') this.#ack(connection, send, seq, false);
    this.#broadcastMessage(conversation, message);
  }

  #ack(connection: Connection, send: SendMessage, seq: number, duplicate: boolean): void {
    this.#send(connection.ws, {
      kind: {
        $case: 'ack',
        value: {
          clientMsgId: send.clientMsgId,
          conversationId: send.conversationId,
          seq,
          duplicate,
          acceptedAtMs: Date.now(),
        },
      },
    });
  }

  #onHttp(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 64 * 1024) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) {
        problem(res, 413, ErrorCode.ERROR_CODE_INVALID_ARGUMENT, 'Payload too large', 'body over 64 KiB');
        return;
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        problem(res, 400, ErrorCode.ERROR_CODE_INVALID_ARGUMENT, 'Bad request', 'body is not JSON');
        return;
      }
      if (req.method === 'POST' && req.url === '/v1/visitor/sessions') this.#visitorSession(body, res);
      else if (req.method === 'POST' && req.url === '/v1/agent/login') this.#agentLogin(body, res);
      else
        problem(
          res,
          404,
          ErrorCode.ERROR_CODE_NOT_FOUND,
          'Not found',
          `${req.method ?? ''} ${req.url ?? ''}`,
        );
    });
  }

  #visitorSession(body: Record<string, unknown>, res: ServerResponse): void {
    if (body.widget_key !== WIDGET_KEY) {
      problem(
        res,
        404,
        ErrorCode.ERROR_CODE_UNKNOWN_TENANT,
        'Unknown tenant',
        'no tenant has this widget key',
      );
      return;
    }
    const displayName = typeof body.display_name === 'string' ? body.display_name : 'Visitor';
    const previous = typeof body.token === 'string' ? this.#tokens.get(body.token) : undefined;
    let token: string;
    let visitorId: string;
    let conversationId: string;
    const open =
      previous === undefined
        ? undefined
        : this.#conversationsOf(previous).find(
            (c) => c.summary.state !== ConversationState.CONVERSATION_STATE_CLOSED,
          );
    if (previous !== undefined && typeof body.token === 'string') {
      token = body.token;
      visitorId = previous.id;
      conversationId = open?.summary.conversationId ?? this.#openConversation(previous.id);
    } else {
      const created = this.addVisitor(displayName);
      token = created.token;
      visitorId = created.visitor.id;
      conversationId = created.conversationId;
    }
    json(res, 201, {
      token,
      tenant_id: TENANT,
      visitor_id: visitorId,
      conversation_id: conversationId,
      expires_at_ms: Date.now() + 3_600_000,
    });
  }

  #agentLogin(body: Record<string, unknown>, res: ServerResponse): void {
    const entry = typeof body.email === 'string' ? this.#agentsByEmail.get(body.email) : undefined;
    if (body.tenant_id !== TENANT || entry === undefined || entry.password !== body.password) {
      problem(res, 401, ErrorCode.ERROR_CODE_UNAUTHENTICATED, 'Unauthenticated', 'bad credentials');
      return;
    }
    const token = [...this.#tokens].find(([, p]) => p === entry.participant)?.[0] ?? '';
    json(res, 200, {
      token,
      tenant_id: TENANT,
      agent_id: entry.participant.id,
      display_name: entry.participant.displayName,
      expires_at_ms: Date.now() + 3_600_000,
    });
  }
}

/** Routing, as the sender of queue status and idle warnings. */
const SYSTEM: Participant = { role: ParticipantRole.PARTICIPANT_ROLE_SYSTEM, id: 'routing', displayName: '' };

function participantOf(p: FakeParticipant): Participant {
  return { role: p.role, id: p.id, displayName: p.displayName };
}

/** A command the fake refuses: answered as an ErrorDetail carrying the command's request_id. */
class FakeCommandError {
  constructor(
    readonly code: ErrorCode,
    readonly message: string,
  ) {}
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** A problem+json answer shaped as docs/protocol.md says. */
export function problem(
  res: ServerResponse,
  status: number,
  code: ErrorCode,
  title: string,
  detail: string,
): void {
  const name = errorCodeToJSON(code);
  const slug = name
    .replace(/^ERROR_CODE_/, '')
    .toLowerCase()
    .replace(/_/g, '-');
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(
    JSON.stringify({ type: `https://switchboard.dev/problems/${slug}`, title, status, detail, code: name }),
  );
}
