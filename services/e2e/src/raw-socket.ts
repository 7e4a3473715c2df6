import {
  ClientFrame,
  ServerFrame,
  type AgentStatus,
  type ConversationCommand,
  type ConversationSignal,
  type ConversationSummary,
  type QueueSnapshot,
  type QueueStatus,
  type ConversationEvent,
  type ErrorDetail,
  type Messages,
  type ResumePoint,
  type SendAck,
  type UnifiedMessage,
  type Welcome,
} from '@switchboard/proto';
import WebSocket from 'ws';
import { waitFor } from './wait';

/** A gateway socket on the bare wire (ws + generated codecs): no SDK, so tests see exactly what was sent. */
export class RawSocket {
  readonly frames: ServerFrame[] = [];
  /** Resolves with the close code and reason, whoever closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private closeInfo: { code: number; reason: string } | undefined;
  private nonce = 0;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.frames.push(ServerFrame.decode(data));
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString('utf8') };
        resolve(this.closeInfo);
      });
    });
  }

  /** Opens a socket, sends Hello and resolves once Welcome arrived (rejects if the socket closes first). */
  static async connect(
    url: string,
    token: string,
    opts: { resume?: ResumePoint[]; backfillLimit?: number } = {},
  ): Promise<RawSocket> {
    const ws = new WebSocket(url);
    const socket = new RawSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => {
        resolve();
      });
      ws.once('error', reject);
    });
    socket.send({
      kind: {
        $case: 'hello',
        value: {
          token,
          client: 'e2e-raw',
          resume: opts.resume ?? [],
          backfillLimit: opts.backfillLimit ?? 0,
        },
      },
    });
    await socket.until('Welcome', () => {
      if (socket.closeInfo !== undefined) throw new Error(`closed ${socket.closeInfo.code} before Welcome`);
      return socket.welcomeOrUndefined();
    });
    return socket;
  }

  send(frame: ClientFrame): void {
    this.ws.send(ClientFrame.encode(frame).finish(), { binary: true });
  }

  get welcome(): Welcome {
    const w = this.welcomeOrUndefined();
    if (w === undefined) throw new Error('no Welcome yet');
    return w;
  }

  get isClosed(): boolean {
    return this.closeInfo !== undefined;
  }

  /** Every delivered message, in arrival order (optionally of one conversation). */
  delivered(conversationId?: string): UnifiedMessage[] {
    return this.frames.flatMap((f) =>
      f.kind?.$case === 'deliver' &&
      f.kind.value.message !== undefined &&
      (conversationId === undefined || f.kind.value.message.conversationId === conversationId)
        ? [f.kind.value.message]
        : [],
    );
  }

  seqs(conversationId: string): number[] {
    return this.delivered(conversationId).map((m) => m.seq);
  }

  errors(): ErrorDetail[] {
    return this.frames.flatMap((f) => (f.kind?.$case === 'error' ? [f.kind.value] : []));
  }

  events(): ConversationEvent[] {
    return this.frames.flatMap((f) =>
      f.kind?.$case === 'conversation' && f.kind.value.event !== undefined ? [f.kind.value.event] : [],
    );
  }

  /** Sends a text and resolves with its ack; rejects with the error frame's message. */
  sendText(conversationId: string, text: string, clientMsgId: string): Promise<SendAck> {
    this.sendTextNoWait(conversationId, text, clientMsgId);
    return this.ackOf(clientMsgId);
  }

  /** Sends a text without waiting (pipelining); see ackOf. */
  sendTextNoWait(conversationId: string, text: string, clientMsgId: string): void {
    this.send({
      kind: {
        $case: 'send',
        value: { clientMsgId, conversationId, text, clientSentAtMs: Date.now(), note: false },
      },
    });
  }

  /** Resolves with the ack of a sent message; rejects with its error frame. */
  async ackOf(clientMsgId: string): Promise<SendAck> {
    const answer = await this.until(`the answer to ${clientMsgId}`, () =>
      this.frames.find(
        (f) =>
          (f.kind?.$case === 'ack' && f.kind.value.clientMsgId === clientMsgId) ||
          (f.kind?.$case === 'error' && f.kind.value.clientMsgId === clientMsgId),
      ),
    );
    if (answer.kind?.$case === 'ack') return answer.kind.value;
    throw new Error(`send ${clientMsgId} failed: ${JSON.stringify(answer.kind?.value)}`);
  }

  /** Sends FetchMessages and resolves with its Messages or ErrorDetail. */
  async fetch(
    requestId: number,
    conversationId: string,
    fromSeq: number,
    toSeq = 0,
    limit = 0,
  ): Promise<Messages | ErrorDetail> {
    this.send({ kind: { $case: 'fetch', value: { requestId, conversationId, fromSeq, toSeq, limit } } });
    const answer = await this.until(`the answer to fetch ${requestId}`, () =>
      this.frames.find(
        (f) =>
          (f.kind?.$case === 'messages' && f.kind.value.requestId === requestId) ||
          (f.kind?.$case === 'error' && f.kind.value.requestId === requestId),
      ),
    );
    if (answer.kind?.$case === 'messages' || answer.kind?.$case === 'error') return answer.kind.value;
    throw new Error('unreachable');
  }

  /**
   * Sends a ConversationCommand and resolves with the conversation from its CommandResult; rejects with an
   * error carrying the ErrorDetail's code.
   */
  async command(
    conversationId: string,
    command: ConversationCommand['command'],
  ): Promise<ConversationSummary> {
    const requestId = ++this.nonce + 1_000_000;
    this.send({ kind: { $case: 'command', value: { requestId, conversationId, command } } });
    const answer = await this.until(`the answer to command ${command?.$case ?? '?'}`, () =>
      this.frames.find(
        (f) =>
          (f.kind?.$case === 'result' && f.kind.value.requestId === requestId) ||
          (f.kind?.$case === 'error' && f.kind.value.requestId === requestId),
      ),
    );
    if (answer.kind?.$case === 'result' && answer.kind.value.conversation !== undefined)
      return answer.kind.value.conversation;
    const detail = answer.kind?.$case === 'error' ? answer.kind.value : undefined;
    throw Object.assign(new Error(`command ${command?.$case ?? '?'} failed: ${detail?.message ?? '?'}`), {
      code: detail?.code,
    });
  }

  /** Sends a private note (agents). */
  sendNote(conversationId: string, text: string, clientMsgId: string): Promise<SendAck> {
    this.send({
      kind: {
        $case: 'send',
        value: { clientMsgId, conversationId, text, clientSentAtMs: Date.now(), note: true },
      },
    });
    return this.ackOf(clientMsgId);
  }

  typing(conversationId: string, typing: boolean): void {
    this.send({ kind: { $case: 'typing', value: { conversationId, typing } } });
  }

  setStatus(status: AgentStatus): void {
    this.send({ kind: { $case: 'setStatus', value: { status } } });
  }

  signals(conversationId?: string): ConversationSignal[] {
    return this.frames.flatMap((f) =>
      f.kind?.$case === 'signal' &&
      (conversationId === undefined || f.kind.value.conversationId === conversationId)
        ? [f.kind.value]
        : [],
    );
  }

  /** The queue statuses received for a conversation, oldest first. */
  queueStatuses(conversationId: string): QueueStatus[] {
    return this.signals(conversationId).flatMap((s) => (s.kind?.$case === 'queue' ? [s.kind.value] : []));
  }

  queueSnapshots(): QueueSnapshot[] {
    return this.frames.flatMap((f) => (f.kind?.$case === 'queue' ? [f.kind.value] : []));
  }

  markRead(conversationId: string, seq: number): void {
    this.send({ kind: { $case: 'markRead', value: { conversationId, seq } } });
  }

  /** Round trip: resolves once the gateway answered a Ping sent now (the socket is open and served). */
  async ping(): Promise<void> {
    const nonce = ++this.nonce;
    this.send({ kind: { $case: 'ping', value: { nonce } } });
    await this.until(`pong ${nonce}`, () =>
      this.frames.some((f) => f.kind?.$case === 'pong' && f.kind.value.nonce === nonce) ? true : undefined,
    );
  }

  until<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
    return waitFor(what, probe, timeoutMs);
  }

  /** Stops reading from the TCP socket: the gateway's writes pile up in the kernel, then in its buffer. */
  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.ws.resume();
  }

  async close(): Promise<void> {
    if (this.closeInfo === undefined) {
      this.ws.close(1000);
      await this.closed;
    }
  }

  terminate(): void {
    this.ws.terminate();
  }

  private welcomeOrUndefined(): Welcome | undefined {
    const f = this.frames.find((x) => x.kind?.$case === 'welcome');
    return f?.kind?.$case === 'welcome' ? f.kind.value : undefined;
  }
}

/** POST /v1/visitor/sessions with plain fetch; `group` goes into the visitor context, `token` renews. */
export async function newVisitor(
  httpUrl: string,
  displayName = 'Visitor',
  opts: { group?: string; token?: string } = {},
): Promise<{ token: string; visitorId: string; conversationId: string }> {
  const res = await fetch(`${httpUrl}/v1/visitor/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      widget_key: 'demo-widget-key',
      display_name: displayName,
      ...(opts.token === undefined ? {} : { token: opts.token }),
      ...(opts.group === undefined
        ? {}
        : { context: { group: opts.group, page_url: 'https://shop.test/cart' } }),
    }),
  });
  if (res.status !== 201) throw new Error(`visitor session: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { token: string; visitor_id: string; conversation_id: string };
  return { token: body.token, visitorId: body.visitor_id, conversationId: body.conversation_id };
}

/** POST /v1/agent/login for a seeded demo agent. */
export async function agentLogin(
  httpUrl: string,
  email: string,
  password = 'switchboard',
): Promise<{ token: string; agentId: string }> {
  const res = await fetch(`${httpUrl}/v1/agent/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant_id: 'demo', email, password }),
  });
  if (res.status !== 200) throw new Error(`agent login: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { token: string; agent_id: string };
  return { token: body.token, agentId: body.agent_id };
}
