import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  ClientFrame,
  type ConversationEvent,
  ErrorCode,
  type ErrorDetail,
  type SendAck,
  ServerFrame,
  type UnifiedMessage,
  type Welcome,
} from '@switchboard/proto';
import WebSocket from 'ws';
import { CloseCode, describeCloseCode, errorCodeForClose } from './close-codes';
import { ClientError } from './errors';
import { checkSend } from './send-rules';
import { TypedEmitter } from './typed-emitter';
import { CLIENT_VERSION } from './version';

export interface SwitchboardClientOptions {
  /** The gateway's WebSocket endpoint, e.g. `ws://127.0.0.1:8080/v1/ws`. */
  url: string;
  /** A visitor token (POST /v1/visitor/sessions) or an agent token (POST /v1/agent/login). */
  token: string;
  /** Sent in Hello.client for the gateway's logs. */
  clientName?: string;
  /** How long connect(), send() and ping() wait for their answer. Default 10000. */
  requestTimeoutMs?: number;
  /** Ping every Welcome.ping_interval_ms, and drop the socket when a Pong is late. Default true. */
  autoPing?: boolean;
}

export interface SendOptions {
  /** Reuse the id of an earlier attempt to retry it without creating a second message. */
  clientMsgId?: string;
}

export interface CloseInfo {
  code: number;
  reason: string;
}

export interface ClientEvents {
  welcome: [welcome: Welcome];
  /** A message of one of the participant's conversations, at most once per (conversation, seq). */
  message: [message: UnifiedMessage];
  conversation: [event: ConversationEvent];
  /** An error frame that answers no pending send, or a bad frame from the gateway. */
  error: [error: ErrorDetail];
  close: [info: CloseInfo];
}

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'closing' | 'closed';

const DEFAULTS = {
  clientName: `@switchboard/client/${CLIENT_VERSION} node/${process.version}`,
  requestTimeoutMs: 10_000,
  autoPing: true,
} satisfies Partial<SwitchboardClientOptions>;

interface Pending<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (err: ClientError) => void;
}

interface Handshake {
  resolve: (welcome: Welcome) => void;
  reject: (err: ClientError) => void;
  timer: NodeJS.Timeout;
  serverError?: ErrorDetail;
  transportError?: Error;
}

/**
 * One participant's connection to the gateway: Hello/Welcome, sends with acks, deduplicated deliveries.
 *
 * Register listeners before calling connect(): the gateway delivers a conversation's history right after
 * Welcome and those frames may be emitted in the same tick connect() resolves.
 *
 * Per-conversation seq bookkeeping lives on the client, not on the socket, so a later reconnect can resume
 * from lastSeq() without losing it.
 */
export class SwitchboardClient extends TypedEmitter<ClientEvents> {
  readonly #options: Required<SwitchboardClientOptions>;
  readonly #lastSeqs = new Map<string, number>();
  readonly #pendingSends = new Map<string, Pending<SendAck>>();
  readonly #pendingPings = new Map<number, Pending<number>>();
  #socket: WebSocket | undefined;
  #state: ConnectionState = 'idle';
  #welcome: Welcome | undefined;
  #handshake: Handshake | undefined;
  #connecting: Promise<Welcome> | undefined;
  #closingByClient = false;
  #localFailure: ClientError | undefined;
  #pingTimer: NodeJS.Timeout | undefined;
  #nextNonce = 1;

  constructor(options: SwitchboardClientOptions) {
    super();
    this.#options = { ...DEFAULTS, ...options };
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** The Welcome of the current connection, once it arrived. */
  get welcome(): Welcome | undefined {
    return this.#welcome;
  }

  /** The highest seq delivered for a conversation; 0 when none was. */
  lastSeq(conversationId: string): number {
    return this.#lastSeqs.get(conversationId) ?? 0;
  }

  /** Opens the socket and sends Hello; resolves with Welcome. Idempotent while connecting or open. */
  connect(): Promise<Welcome> {
    if (this.#state === 'open' && this.#welcome !== undefined) return Promise.resolve(this.#welcome);
    if (this.#connecting !== undefined) return this.#connecting;
    if (this.#state === 'closing') {
      return Promise.reject(
        new ClientError(ErrorCode.ERROR_CODE_UNAVAILABLE, 'the previous connection is still closing', {
          source: 'local',
          retryable: true,
        }),
      );
    }
    const connecting = this.#open().finally(() => {
      this.#connecting = undefined;
    });
    this.#connecting = connecting;
    return connecting;
  }

  /**
   * Sends a text message and resolves once the gateway says it is durable. Rejects with a ClientError on an
   * error frame, a timeout or a closed socket; when `retryable` is true, send again with the same
   * clientMsgId (it is on the error) and the gateway will not create a second message.
   */
  send(conversationId: string, text: string, opts: SendOptions = {}): Promise<SendAck> {
    const clientMsgId = opts.clientMsgId ?? randomUUID();
    const invalid = checkSend(clientMsgId, conversationId, text);
    if (invalid !== undefined) return Promise.reject(invalid);
    const inFlight = this.#pendingSends.get(clientMsgId);
    if (inFlight !== undefined) return inFlight.promise;
    const socket = this.#openSocket(clientMsgId);
    if (socket instanceof ClientError) return Promise.reject(socket);

    const bytes = ClientFrame.encode({
      kind: { $case: 'send', value: { clientMsgId, conversationId, text, clientSentAtMs: Date.now() } },
    }).finish();
    const maxFrameBytes = this.#welcome?.maxFrameBytes ?? 0;
    if (maxFrameBytes > 0 && bytes.length > maxFrameBytes) {
      // The gateway would close the whole socket (1009) for this frame.
      return Promise.reject(
        new ClientError(
          ErrorCode.ERROR_CODE_FRAME_TOO_LARGE,
          `the frame is ${bytes.length} bytes; the gateway accepts at most ${maxFrameBytes}`,
          { source: 'local', clientMsgId },
        ),
      );
    }
    const pending = this.#track(this.#pendingSends, clientMsgId, () => {
      return new ClientError(
        ErrorCode.ERROR_CODE_UNAVAILABLE,
        `no SendAck within ${this.#options.requestTimeoutMs} ms; resend with the same clientMsgId`,
        { source: 'timeout', retryable: true, clientMsgId },
      );
    });
    socket.send(bytes, { binary: true });
    return pending;
  }

  /** Sends a Ping and resolves with the round trip in milliseconds when its Pong arrives. */
  ping(): Promise<number> {
    const socket = this.#openSocket();
    if (socket instanceof ClientError) return Promise.reject(socket);
    const nonce = this.#nextNonce++;
    const started = performance.now();
    const pong = this.#track(this.#pendingPings, nonce, () => {
      return new ClientError(
        ErrorCode.ERROR_CODE_UNAVAILABLE,
        `no Pong within ${this.#options.requestTimeoutMs} ms`,
        { source: 'timeout', retryable: true },
      );
    });
    this.#write(socket, { kind: { $case: 'ping', value: { nonce } } });
    return pong.then(() => performance.now() - started);
  }

  /** Closes the socket (1000 by default) and resolves once it is closed. Pending requests reject. */
  close(code: number = CloseCode.NORMAL, reason = 'client closed'): Promise<void> {
    const socket = this.#socket;
    if (socket === undefined) return Promise.resolve();
    this.#closingByClient = true;
    this.#state = 'closing';
    return new Promise<void>((resolve) => {
      this.once('close', () => {
        resolve();
      });
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close(code, reason);
    });
  }

  #open(): Promise<Welcome> {
    return new Promise<Welcome>((resolve, reject) => {
      const { url, requestTimeoutMs } = this.#options;
      this.#state = 'connecting';
      this.#welcome = undefined;
      this.#closingByClient = false;
      this.#localFailure = undefined;
      let socket: WebSocket;
      try {
        socket = new WebSocket(url, { handshakeTimeout: requestTimeoutMs });
      } catch (err) {
        this.#state = 'closed';
        reject(
          new ClientError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, `bad gateway url ${url}`, {
            source: 'local',
            cause: err,
          }),
        );
        return;
      }
      this.#socket = socket;
      const timer = setTimeout(() => {
        const handshake = this.#handshake;
        this.#handshake = undefined;
        const err =
          handshake?.serverError !== undefined
            ? ClientError.fromDetail(handshake.serverError)
            : new ClientError(
                ErrorCode.ERROR_CODE_UNAVAILABLE,
                `no Welcome from ${url} within ${requestTimeoutMs} ms`,
                { source: 'timeout', retryable: true },
              );
        reject(err);
        socket.terminate();
      }, requestTimeoutMs);
      this.#handshake = { resolve, reject, timer };

      socket.on('open', () => {
        if (socket !== this.#socket) return;
        this.#write(socket, {
          kind: {
            $case: 'hello',
            value: {
              token: this.#options.token,
              client: this.#options.clientName,
              resume: [],
              backfillLimit: 0,
            },
          },
        });
      });
      socket.on('message', (data, isBinary) => {
        this.#onMessage(socket, data, isBinary);
      });
      socket.on('error', (err) => {
        if (socket === this.#socket && this.#handshake !== undefined) this.#handshake.transportError = err;
      });
      socket.on('close', (code, reason) => {
        this.#onClose(socket, code, reason.toString('utf8'));
      });
    });
  }

  #onMessage(socket: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
    if (socket !== this.#socket) return;
    if (!isBinary) {
      this.#failProtocol(socket, 'the gateway sent a text frame');
      return;
    }
    let frame: ServerFrame;
    try {
      frame = ServerFrame.decode(toBytes(data));
    } catch (err) {
      this.#failProtocol(socket, 'the gateway sent a frame that is not a ServerFrame', err);
      return;
    }
    const kind = frame.kind;
    // A kind added by a newer gateway: skip it, as protobuf readers skip unknown fields.
    if (kind === undefined) return;
    switch (kind.$case) {
      case 'welcome':
        this.#onWelcome(socket, kind.value);
        return;
      case 'ack':
        this.#pendingSends.get(kind.value.clientMsgId)?.resolve(kind.value);
        return;
      case 'deliver':
        this.#onDeliver(kind.value.message);
        return;
      case 'error':
        this.#onErrorFrame(kind.value);
        return;
      case 'pong':
        this.#pendingPings.get(kind.value.nonce)?.resolve(kind.value.nonce);
        return;
      case 'conversation':
        if (kind.value.event !== undefined) this.emit('conversation', kind.value.event);
        return;
    }
  }

  #onWelcome(socket: WebSocket, welcome: Welcome): void {
    const handshake = this.#handshake;
    if (handshake === undefined) {
      this.#failProtocol(socket, 'the gateway sent a second Welcome');
      return;
    }
    clearTimeout(handshake.timer);
    this.#handshake = undefined;
    this.#welcome = welcome;
    this.#state = 'open';
    this.#startKeepAlive(socket, welcome.pingIntervalMs);
    this.emit('welcome', welcome);
    handshake.resolve(welcome);
  }

  #onDeliver(message: UnifiedMessage | undefined): void {
    if (message === undefined) {
      this.#emitLocalError(ErrorCode.ERROR_CODE_BAD_FRAME, 'the gateway sent a Deliver without a message');
      return;
    }
    // Around (re)subscription the gateway may deliver a message twice; seq says which ones are new.
    if (message.seq <= this.lastSeq(message.conversationId)) return;
    this.#lastSeqs.set(message.conversationId, message.seq);
    this.emit('message', message);
  }

  #onErrorFrame(detail: ErrorDetail): void {
    const pending = detail.clientMsgId === '' ? undefined : this.#pendingSends.get(detail.clientMsgId);
    if (pending !== undefined) {
      pending.reject(ClientError.fromDetail(detail));
      return;
    }
    if (this.#handshake !== undefined) {
      // The close that follows carries the close code; connect() rejects then.
      this.#handshake.serverError = detail;
      return;
    }
    this.emit('error', detail);
  }

  #onClose(socket: WebSocket, code: number, reason: string): void {
    if (socket !== this.#socket) return;
    this.#socket = undefined;
    this.#state = 'closed';
    clearInterval(this.#pingTimer);
    this.#pingTimer = undefined;

    const handshake = this.#handshake;
    this.#handshake = undefined;
    if (handshake !== undefined) {
      clearTimeout(handshake.timer);
      handshake.reject(this.#handshakeFailure(handshake, code, reason));
    }
    const closed = `socket closed (${code} ${reason || describeCloseCode(code)})`;
    for (const [clientMsgId, pending] of this.#pendingSends) {
      pending.reject(
        new ClientError(
          ErrorCode.ERROR_CODE_UNAVAILABLE,
          `${closed} before SendAck; the message may or may not be stored: resend with the same clientMsgId`,
          { source: 'close', retryable: true, clientMsgId, closeCode: code, closeReason: reason },
        ),
      );
    }
    for (const pending of this.#pendingPings.values()) {
      pending.reject(
        new ClientError(ErrorCode.ERROR_CODE_UNAVAILABLE, `${closed} before Pong`, {
          source: 'close',
          retryable: true,
          closeCode: code,
          closeReason: reason,
        }),
      );
    }
    this.#welcome = undefined;
    this.emit('close', { code, reason });
  }

  #handshakeFailure(handshake: Handshake, code: number, reason: string): ClientError {
    const closeInfo = { closeCode: code, closeReason: reason };
    if (this.#localFailure !== undefined) return this.#localFailure;
    if (handshake.serverError !== undefined) return ClientError.fromDetail(handshake.serverError, closeInfo);
    const { url } = this.#options;
    if (this.#closingByClient) {
      return new ClientError(ErrorCode.ERROR_CODE_UNAVAILABLE, 'closed by the client before Welcome', {
        source: 'local',
        ...closeInfo,
      });
    }
    if (handshake.transportError !== undefined && code === CloseCode.ABNORMAL) {
      return new ClientError(
        ErrorCode.ERROR_CODE_UNAVAILABLE,
        `cannot reach gateway at ${url}: ${handshake.transportError.message}`,
        { source: 'transport', retryable: true, cause: handshake.transportError, ...closeInfo },
      );
    }
    const errorCode = errorCodeForClose(code);
    return new ClientError(
      errorCode,
      `the gateway closed the socket before Welcome (${code} ${reason || describeCloseCode(code)})`,
      { source: 'close', retryable: errorCode === ErrorCode.ERROR_CODE_UNAVAILABLE, ...closeInfo },
    );
  }

  /** The gateway broke the protocol: report it and close with 4000, as the gateway does for clients. */
  #failProtocol(socket: WebSocket, message: string, cause?: unknown): void {
    const err = new ClientError(ErrorCode.ERROR_CODE_BAD_FRAME, message, { source: 'local', cause });
    if (this.#handshake !== undefined) this.#localFailure = err;
    else this.#emitLocalError(err.code, message);
    this.#state = 'closing';
    socket.close(CloseCode.PROTOCOL_VIOLATION, message);
  }

  #emitLocalError(code: ErrorCode, message: string): void {
    this.emit('error', { code, message, retryable: false, clientMsgId: '', requestId: 0 });
  }

  #startKeepAlive(socket: WebSocket, intervalMs: number): void {
    if (!this.#options.autoPing || intervalMs <= 0) return;
    this.#pingTimer = setInterval(() => {
      this.ping().catch((err: unknown) => {
        // A Pong that never comes means a dead path; closing lets the caller see it and reconnect.
        if (err instanceof ClientError && err.source === 'timeout' && socket === this.#socket)
          socket.terminate();
      });
    }, intervalMs);
    this.#pingTimer.unref();
  }

  #openSocket(clientMsgId?: string): WebSocket | ClientError {
    const socket = this.#socket;
    if (this.#state !== 'open' || socket === undefined) {
      return new ClientError(ErrorCode.ERROR_CODE_UNAVAILABLE, 'not connected; call connect() first', {
        source: 'local',
        retryable: true,
        clientMsgId,
      });
    }
    return socket;
  }

  #track<K, T>(map: Map<K, Pending<T>>, key: K, onTimeout: () => ClientError): Promise<T> {
    let resolve!: (value: T) => void;
    let reject!: (err: ClientError) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const timer = setTimeout(() => {
      settle.reject(onTimeout());
    }, this.#options.requestTimeoutMs);
    const settle: Pending<T> = {
      promise,
      resolve: (value) => {
        clearTimeout(timer);
        map.delete(key);
        resolve(value);
      },
      reject: (err) => {
        clearTimeout(timer);
        map.delete(key);
        reject(err);
      },
    };
    map.set(key, settle);
    return promise;
  }

  #write(socket: WebSocket, frame: ClientFrame): void {
    socket.send(ClientFrame.encode(frame).finish(), { binary: true });
  }
}

function toBytes(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
