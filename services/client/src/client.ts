import {
  ClientFrame,
  type CommandResult,
  type ConversationEvent,
  ConversationEventType,
  ConversationState,
  ConversationSummary,
  ErrorCode,
  type ErrorDetail,
  type Messages,
  type Participant,
  ParticipantRole,
  type QueueSnapshot,
  type QueueStatus,
  type ResumePoint,
  type SendAck,
  ServerFrame,
  type UnifiedMessage,
  type Welcome,
  type ConversationSignal,
} from '@switchboard/proto/wire';
import {
  type AgentStatusName,
  agentStatusName,
  agentStatusValue,
  type SelectableAgentStatus,
} from './agent-status';
import { type BackoffOptions, backoffDelay, checkBackoff } from './backoff';
import { CloseCode, closeDisposition, describeCloseCode, errorCodeForClose } from './close-codes';
import {
  checkCommand,
  type CommandOptions,
  type ConversationCommandKind,
  type TransferTarget,
  transferCommand,
} from './commands';
import { defaultWebSocket } from './default-web-socket';
import { ClientError } from './errors';
import { newClientMsgId } from './ids';
import { MessageSequencer } from './message-sequencer';
import { type ReadStateInfo, ReadTracker } from './read-tracker';
import { checkSend } from './send-rules';
import { TypedEmitter } from './typed-emitter';
import { type TypingInfo, TypingIndicators, TypingNotifier } from './typing';
import { CLIENT_VERSION } from './version';
import {
  binaryFrame,
  describeSocketError,
  ReadyState,
  type WebSocketConstructor,
  type WebSocketLike,
} from './web-socket';

/** Reconnect policy: a jittered exponential backoff, how many attempts in a row, and the rate-limit floor. */
export interface ReconnectOptions extends BackoffOptions {
  /** Attempts in a row without a Welcome before the client gives up and closes. Default Infinity. */
  maxAttempts: number;
  /** After a 4029 (rate limited) close the backoff starts from at least this. Default 10000. */
  rateLimitedDelayMs: number;
}

/** What refreshToken is told: the gateway refused the token (close 4001). */
export interface TokenRefreshContext {
  closeCode: number;
  error: ClientError;
}

export interface SwitchboardClientOptions {
  /** The gateway's WebSocket endpoint, e.g. `ws://127.0.0.1:8080/v1/ws`. */
  url: string;
  /** A visitor token (POST /v1/visitor/sessions) or an agent token (POST /v1/agent/login). */
  token: string;
  /** Sent in Hello.client for the gateway's logs. */
  clientName?: string;
  /** How long a Welcome, Pong, Messages or StatusUpdate answer may take. Default 10000. */
  requestTimeoutMs?: number;
  /**
   * How long a conversation command (accept, transfer, ...) may wait for its CommandResult before it rejects
   * (`source: 'timeout'`; the outcome is then unknown). Default 15000; each call may override it.
   */
  commandTimeoutMs?: number;
  /**
   * How long to wait for a SendAck before resending (same client_msg_id). Default 20000: longer than the
   * gateway's own retries (up to 15 s, docs/protocol.md section 7).
   */
  ackTimeoutMs?: number;
  /** Ping every Welcome.ping_interval_ms, and drop the socket (then reconnect) when a Pong is late. Default true. */
  autoPing?: boolean;
  /** Reconnect after a socket is lost; `false` turns it off. Defaults: DEFAULT_RECONNECT. */
  reconnect?: Partial<ReconnectOptions> | false;
  /** Gets a new token when the gateway refuses the current one (4001); without it, 4001 is final. */
  refreshToken?: (context: TokenRefreshContext) => string | Promise<string>;
  /** Where the app already is (e.g. resumePoints() saved before a page reload): the first Hello resumes there. */
  resume?: readonly ResumePoint[];
  /** For conversations with nothing to resume from, backfill only the newest N messages (0 = all). Default 0. */
  backfillLimit?: number;
  /** How long a send stays in the outbox, resent across reconnects, before it rejects. Default 300000. */
  outboxMaxAgeMs?: number;
  /** Messages held per conversation while a gap below them is fetched. Default 500. */
  maxHeldMessages?: number;
  /** Fetches of one gap before the client reconnects to resume instead. Default 3. */
  gapFetchAttempts?: number;
  /** The WebSocket class: the browser's, or any WHATWG-compatible one. Default: `ws` in Node, the global in browsers. */
  WebSocket?: WebSocketConstructor;
  /** Random source for jitter, [0, 1). Default Math.random. */
  random?: () => number;
}

export interface SendOptions {
  /** Reuse the id of an earlier attempt to retry it without creating a second message. */
  clientMsgId?: string;
}

/** Another participant read a conversation up to and including `readSeq` (the `readReceipt` event). */
export interface ReadReceiptInfo {
  conversationId: string;
  participant: Participant;
  readSeq: number;
  /** When the gateway saw it (server clock). */
  atMs: number;
}

/** A queued visitor's place in line (the `queueStatus` event); `position` 0 once no longer queued. */
export interface QueueStatusInfo extends QueueStatus {
  conversationId: string;
  /** When routing computed it (server clock). */
  atMs: number;
}

/** The conversation will be closed for inactivity at `closesAtMs` unless someone writes (`idleWarning`). */
export interface IdleWarningInfo {
  conversationId: string;
  /** Server clock. */
  closesAtMs: number;
  atMs: number;
}

/** The client stopped for good (close(), a final close code, reconnect given up). */
export interface CloseInfo {
  code: number;
  reason: string;
  /** Why it stopped, unless close() was called. */
  error?: ClientError;
}

/** One socket ended. */
export interface DisconnectInfo {
  code: number;
  reason: string;
  /** False when the client stops now (a `close` event follows). */
  willReconnect: boolean;
  /** What ended it, unless close() was called. */
  error?: ClientError;
}

export interface ReconnectingInfo {
  /** 1 for the first attempt after a drop. */
  attempt: number;
  /** How long the client waits before this attempt (0 right after a token refresh). */
  delayMs: number;
  /** The close code that ended the previous socket (1006 when it never opened). */
  closeCode: number;
  error: ClientError;
}

export interface ResumedInfo {
  welcome: Welcome;
  /** What the Hello carried. */
  resume: ResumePoint[];
  /** The failed attempts before this Welcome, counting the drop (so at least 1). */
  attempts: number;
}

/** A conversation is missing seqs from..to (to 0 = up to the newest); the SDK is fetching them. */
export interface GapInfo {
  conversationId: string;
  from: number;
  to: number;
}

/** An outbox entry was written again (after a reconnect, a retryable error or an ack timeout). */
export interface ResendInfo {
  clientMsgId: string;
  conversationId: string;
  /** 2 for the first resend. */
  attempt: number;
}

export interface FetchResult {
  /** In seq order, never more than asked for. */
  messages: UnifiedMessage[];
  /** The range holds more: fetch again from the last seq + 1. */
  hasMore: boolean;
}

/** A send not acknowledged yet. */
export interface PendingSend {
  clientMsgId: string;
  conversationId: string;
  text: string;
  clientSentAtMs: number;
  /** How many times it was written to a socket (0 while it waits for one). */
  attempts: number;
  /** A private note (sendNote). */
  note: boolean;
}

export interface ClientEvents {
  /** Every Welcome: the first connection and each reconnection. */
  welcome: [welcome: Welcome];
  /**
   * Exactly once per (conversation, seq), in seq order per conversation. Includes hidden messages
   * (MESSAGE_KIND_REDACTED, a note as a visitor gets it): skip those with isHiddenMessage().
   */
  message: [message: UnifiedMessage];
  /**
   * Every lifecycle update of a conversation the participant is in or is offered (opened, queued, assigned,
   * accepted, requeued, transfer_requested, taken_over, reopened, labeled, rated, closed, ...), as received:
   * `event.conversation` is the record after the change; `event.version` orders them.
   */
  conversation: [event: ConversationEvent];
  /** Every ConversationSignal as received, own ones included (the events below are the convenient views). */
  signal: [signal: ConversationSignal];
  /** Someone else started or stopped typing; `typing: false` also when their indicator expires (6 s). */
  typing: [info: TypingInfo];
  /** Someone else read a conversation up to a seq. */
  readReceipt: [info: ReadReceiptInfo];
  /** The visitor's conversation's place in its queue (and whether agents are available). */
  queueStatus: [info: QueueStatusInfo];
  /** The conversation will close for inactivity. */
  idleWarning: [info: IdleWarningInfo];
  /** Agents: the tenant's queues. */
  queue: [snapshot: QueueSnapshot];
  /** Agents: their status changed (from Welcome, setStatus, or another tab). */
  status: [status: AgentStatusName, previous: AgentStatusName | undefined];
  /** An error frame that answers no pending request, or a local report (bad frame, unrepairable gap). */
  error: [error: ErrorDetail];
  /** The client stopped for good. */
  close: [info: CloseInfo];
  state: [state: ConnectionState, previous: ConnectionState];
  disconnect: [info: DisconnectInfo];
  reconnecting: [info: ReconnectingInfo];
  /** A Welcome after a reconnect. */
  resumed: [info: ResumedInfo];
  gap: [info: GapInfo];
  /** A conversation's read state changed (unread count, read mark). */
  unread: [state: ReadStateInfo];
  resend: [info: ResendInfo];
}

/**
 * idle: never connected. connecting: the first connect(). open: Welcome received. reconnecting: the socket was
 * lost and the client is waiting or re-handshaking. closing: close() was called. closed: stopped for good.
 */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closing' | 'closed';

export const DEFAULT_RECONNECT: Readonly<ReconnectOptions> = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  multiplier: 2,
  jitter: 0.5,
  maxAttempts: Number.POSITIVE_INFINITY,
  rateLimitedDelayMs: 10_000,
};

/** Backoff between resends of one message or fetch after a retryable error (the gateway has retried already). */
const RETRY_BACKOFF: BackoffOptions = { initialDelayMs: 500, maxDelayMs: 10_000, multiplier: 2, jitter: 0.5 };

/** Gap repairs fetching at once; the gateway allows 4 fetches in flight per socket, the rest is the app's. */
const MAX_GAP_REPAIRS = 2;

const DEFAULTS = {
  clientName: `@switchboard/client/${CLIENT_VERSION} ${runtimeName()}`,
  requestTimeoutMs: 10_000,
  commandTimeoutMs: 15_000,
  ackTimeoutMs: 20_000,
  autoPing: true,
  backfillLimit: 0,
  outboxMaxAgeMs: 300_000,
  maxHeldMessages: 500,
  gapFetchAttempts: 3,
  random: Math.random,
};

const MAX_FETCH_LIMIT = 500;
const SELECTABLE_STATUSES: ReadonlySet<string> = new Set<SelectableAgentStatus>(['online', 'away']);
/** Welcome.max_frame_bytes of the v1 gateway, assumed until a Welcome says otherwise. */
const DEFAULT_MAX_FRAME_BYTES = 64 * 1024;

type Timer = ReturnType<typeof setTimeout>;

interface Config {
  url: string;
  clientName: string;
  requestTimeoutMs: number;
  commandTimeoutMs: number;
  ackTimeoutMs: number;
  autoPing: boolean;
  reconnect: ReconnectOptions | undefined;
  refreshToken: SwitchboardClientOptions['refreshToken'];
  backfillLimit: number;
  outboxMaxAgeMs: number;
  maxHeldMessages: number;
  gapFetchAttempts: number;
  WebSocket: WebSocketConstructor | undefined;
  random: () => number;
}

/** One socket, from construction to close. */
interface Connection {
  readonly socket: WebSocketLike;
  welcomed: boolean;
  /** What its Hello carried. */
  resume: ResumePoint[];
  welcomeTimer: Timer | undefined;
  pingTimer: ReturnType<typeof setInterval> | undefined;
  closeTimer: Timer | undefined;
  /** An error frame received before Welcome (the close that follows explains it). */
  serverError: ErrorDetail | undefined;
  transportError: { message: string; cause: unknown } | undefined;
  /** Why the SDK itself ended the socket. */
  localFailure: ClientError | undefined;
  /** The SDK ended it for a reason reconnecting cannot fix (the gateway broke the protocol). */
  final: boolean;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (err: ClientError) => void;
}

interface OutboxEntry {
  readonly clientMsgId: string;
  readonly conversationId: string;
  readonly text: string;
  readonly clientSentAtMs: number;
  readonly note: boolean;
  readonly deferred: Deferred<SendAck>;
  readonly expiryTimer: Timer;
  attempts: number;
  ackTimer: Timer | undefined;
  retryTimer: Timer | undefined;
}

interface StatusWaiter {
  status: AgentStatusName;
  deferred: Deferred<AgentStatusName>;
  timer: Timer;
}

interface GapRepair {
  failures: number;
  retryTimer: Timer | undefined;
}

/**
 * One participant's reliable connection to the gateway.
 *
 * - Reconnects with jittered exponential backoff after any close that is not final, and resumes every
 *   conversation from the last seq it delivered (Hello.resume).
 * - Emits `message` exactly once per (conversation, seq) and in seq order: duplicates are dropped, messages
 *   after a gap are held while the gap is fetched (FetchMessages).
 * - Keeps sends in an outbox until acknowledged, resending them with the same client_msg_id after a
 *   reconnect, a retryable error or an ack timeout, in their original order.
 * - Agents' tools: notes, conversation commands (answered by request_id, never resent), status; live
 *   signals (typing, read receipts, queue status, idle warnings) as typed events.
 *
 * Register listeners before calling connect(): the gateway delivers history right after Welcome.
 */
export class SwitchboardClient extends TypedEmitter<ClientEvents> {
  readonly #config: Config;
  readonly #sequencer: MessageSequencer;
  readonly #reads = new ReadTracker();
  readonly #outbox = new Map<string, OutboxEntry>();
  readonly #pendingPings = new Map<number, Deferred<number>>();
  readonly #pendingFetches = new Map<number, Deferred<Messages>>();
  readonly #pendingCommands = new Map<number, Deferred<CommandResult>>();
  readonly #statusWaiters = new Set<StatusWaiter>();
  /** The newest record of each conversation seen (Welcome, updates, command results), by version. */
  readonly #summaries = new Map<string, ConversationSummary>();
  readonly #queueStatuses = new Map<string, QueueStatusInfo>();
  readonly #typingOut: TypingNotifier;
  readonly #typingIn: TypingIndicators;
  #agentStatus: AgentStatusName | undefined;
  #queueSnapshot: QueueSnapshot | undefined;
  readonly #gapRepairs = new Map<string, GapRepair>();
  /** Conversations with a gap waiting for a repair slot. */
  readonly #gapQueue = new Set<string>();
  /** conversation -> the first missing seq of a gap whose repair was given up on (followed by a reconnect). */
  readonly #gapsGivenUp = new Map<string, number>();
  /** markRead calls made while disconnected, sent after the next Welcome. */
  readonly #pendingMarks = new Map<string, number>();
  /** Conversations left out of resume points: closed, or reassigned away from this agent. */
  readonly #retired = new Set<string>();
  #token: string;
  #conn: Connection | undefined;
  #state: ConnectionState = 'idle';
  #welcome: Welcome | undefined;
  #maxFrameBytes = 0;
  /** Bumped by each connect() from idle/closed; stale async work compares it. */
  #session = 0;
  #welcomesInSession = 0;
  #failedAttempts = 0;
  #refreshedSinceWelcome = false;
  #reconnectTimer: Timer | undefined;
  #waiters: Deferred<Welcome>[] = [];
  #closeRequested: { code: number; reason: string } | undefined;
  #nextNonce = 1;
  #nextRequestId = 1;

  constructor(options: SwitchboardClientOptions) {
    super();
    const reconnect =
      options.reconnect === false ? undefined : { ...DEFAULT_RECONNECT, ...options.reconnect };
    if (reconnect !== undefined) {
      checkBackoff('reconnect', reconnect);
      if (!(reconnect.maxAttempts >= 0)) throw new RangeError('reconnect: maxAttempts must be >= 0');
    }
    const defined = Object.fromEntries(
      Object.entries(options).filter(([, value]) => value !== undefined),
    ) as SwitchboardClientOptions;
    this.#config = {
      ...DEFAULTS,
      ...defined,
      reconnect,
      refreshToken: options.refreshToken,
      WebSocket: options.WebSocket ?? defaultWebSocket,
    };
    const { backfillLimit, maxHeldMessages, gapFetchAttempts, commandTimeoutMs } = this.#config;
    if (!(commandTimeoutMs > 0)) throw new RangeError('commandTimeoutMs must be > 0');
    if (!isCount(backfillLimit)) throw new RangeError('backfillLimit must be an integer >= 0');
    if (!isCount(maxHeldMessages)) throw new RangeError('maxHeldMessages must be an integer >= 0');
    if (!isCount(gapFetchAttempts) || gapFetchAttempts < 1)
      throw new RangeError('gapFetchAttempts must be an integer >= 1');
    this.#token = options.token;
    this.#sequencer = new MessageSequencer(maxHeldMessages);
    this.#typingOut = new TypingNotifier((conversationId, typing) =>
      this.#writeTyping(conversationId, typing),
    );
    this.#typingIn = new TypingIndicators((info) => {
      this.emit('typing', info);
    });
    for (const point of options.resume ?? []) {
      if (point.conversationId === '' || !isCount(point.lastSeq))
        throw new RangeError('resume: each point needs a conversationId and an integer lastSeq >= 0');
      this.#sequencer.advanceTo(point.conversationId, point.lastSeq);
    }
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** The Welcome of the current connection, while it is open. */
  get welcome(): Welcome | undefined {
    return this.#welcome;
  }

  /** The highest seq delivered for a conversation with nothing missing below it; 0 when none was. */
  lastSeq(conversationId: string): number {
    return this.#sequencer.lastSeq(conversationId);
  }

  /** Where the client is in each conversation: what the next Hello will resume from. Persist it to resume a reload. */
  resumePoints(): ResumePoint[] {
    return this.#sequencer
      .positions()
      .filter((p) => !this.#retired.has(p.conversationId))
      .map((p) => ({ conversationId: p.conversationId, lastSeq: p.lastSeq }));
  }

  /** The read state of a conversation, seeded by Welcome and kept current. */
  readState(conversationId: string): ReadStateInfo | undefined {
    return this.#reads.get(conversationId);
  }

  /** Every conversation's read state. */
  readStates(): ReadStateInfo[] {
    return this.#reads.all();
  }

  unreadCount(conversationId: string): number {
    return this.#reads.get(conversationId)?.unreadCount ?? 0;
  }

  /** Sends not acknowledged yet, in the order they were sent. */
  pendingSends(): PendingSend[] {
    return [...this.#outbox.values()].map((e) => ({
      clientMsgId: e.clientMsgId,
      conversationId: e.conversationId,
      text: e.text,
      clientSentAtMs: e.clientSentAtMs,
      attempts: e.attempts,
      note: e.note,
    }));
  }

  /**
   * The newest record of a conversation the client has seen: from Welcome, ConversationUpdates (an older
   * `version` never replaces a newer one) and command results. Its `lastSeq` is as of that record; use
   * lastSeq() for the messages delivered.
   */
  conversation(conversationId: string): ConversationSummary | undefined {
    return this.#summaries.get(conversationId);
  }

  /** Every conversation record the client has seen (closed ones included). */
  conversations(): ConversationSummary[] {
    return [...this.#summaries.values()];
  }

  /** Agents: their current status (Welcome, then StatusUpdates); undefined for visitors and before Welcome. */
  get agentStatus(): AgentStatusName | undefined {
    return this.#agentStatus;
  }

  /** Agents: the latest QueueSnapshot received, if any. */
  get queueSnapshot(): QueueSnapshot | undefined {
    return this.#queueSnapshot;
  }

  /** The latest queue status of a queued conversation, if any (cleared when its position drops to 0). */
  queueStatus(conversationId: string): QueueStatusInfo | undefined {
    return this.#queueStatuses.get(conversationId);
  }

  /** Other participants typing in a conversation now, in the order they started. */
  typingParticipants(conversationId: string): Participant[] {
    return this.#typingIn.typing(conversationId);
  }

  /** Replaces the token used by the next Hello (e.g. refreshed ahead of its expiry). */
  setToken(token: string): void {
    this.#token = token;
  }

  /**
   * Connects and resolves with Welcome. The first connection fails fast: it rejects on the first failure
   * (the app decides whether to retry). Once connected, the client reconnects by itself. While connecting or
   * reconnecting, it resolves with the next Welcome (and a pending reconnect backoff is skipped).
   */
  connect(): Promise<Welcome> {
    switch (this.#state) {
      case 'open':
        if (this.#welcome !== undefined) return Promise.resolve(this.#welcome);
        return this.#nextWelcome();
      case 'connecting':
      case 'reconnecting': {
        const next = this.#nextWelcome();
        if (this.#reconnectTimer !== undefined) {
          clearTimeout(this.#reconnectTimer);
          this.#reconnectTimer = undefined;
          this.#openSocket();
        }
        return next;
      }
      case 'closing':
        return Promise.reject(
          new ClientError(ErrorCode.ERROR_CODE_UNAVAILABLE, 'the previous connection is still closing', {
            source: 'local',
            retryable: true,
          }),
        );
      case 'idle':
      case 'closed': {
        this.#session++;
        this.#welcomesInSession = 0;
        this.#failedAttempts = 0;
        this.#refreshedSinceWelcome = false;
        const next = this.#nextWelcome();
        this.#setState('connecting');
        this.#openSocket();
        return next;
      }
    }
  }

  /**
   * Sends a text message; resolves with its SendAck once the gateway has stored it (`duplicate` when an
   * earlier attempt with this clientMsgId was stored). The send waits in the outbox while disconnected and is
   * resent with the same clientMsgId until acknowledged. Rejects with a ClientError on a non-retryable error
   * frame, after outboxMaxAgeMs (`source: 'timeout'`), or when the client stops (`source: 'close'`).
   */
  send(conversationId: string, text: string, opts: SendOptions = {}): Promise<SendAck> {
    return this.#enqueue(conversationId, text, false, opts);
  }

  /**
   * Agents: adds a private note to a conversation (SendMessage.note). Same outbox semantics as send(). Other
   * agents receive it as MESSAGE_KIND_NOTE; the visitor gets a MESSAGE_KIND_REDACTED message with the same
   * seq and nothing of the note. A visitor's note is refused by the gateway (ERROR_CODE_FORBIDDEN).
   */
  sendNote(conversationId: string, text: string, opts: SendOptions = {}): Promise<SendAck> {
    return this.#enqueue(conversationId, text, true, opts);
  }

  /**
   * Says the participant is typing (or stopped) in a conversation. Call it on every keystroke: the SDK sends
   * `typing: true` at most every 2 s per conversation, `typing: false` once on stop, and stops by itself
   * 5 s after the last call. Sending a message in the conversation also stops it. Notices are ephemeral:
   * dropped while disconnected.
   */
  setTyping(conversationId: string, typing: boolean): void {
    if (conversationId === '') {
      throw new ClientError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, 'setTyping needs a conversationId', {
        source: 'local',
      });
    }
    this.#typingOut.set(conversationId, typing);
  }

  /**
   * Sends a conversation command and resolves with the conversation after it (CommandResult). Rejects with
   * the gateway's error as a ClientError (matched by request_id; e.g. ERROR_CODE_FORBIDDEN or
   * ERROR_CODE_ILLEGAL_TRANSITION), with `source: 'timeout'` when no answer comes within `commandTimeoutMs`,
   * or with `source: 'close'` (retryable) when the socket drops first. Commands are never resent: after a
   * timeout or a drop the outcome is unknown; check conversation() or the next update before retrying.
   * Needs an open connection (else rejects at once, retryable).
   */
  command(
    conversationId: string,
    command: ConversationCommandKind,
    opts: CommandOptions = {},
  ): Promise<ConversationSummary> {
    const invalid = checkCommand(conversationId, command);
    if (invalid !== undefined) return Promise.reject(invalid);
    const timeoutMs = opts.timeoutMs ?? this.#config.commandTimeoutMs;
    if (!(timeoutMs > 0)) {
      return Promise.reject(
        new ClientError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, 'timeoutMs must be > 0', { source: 'local' }),
      );
    }
    const conn = this.#openConnection();
    if (conn === undefined) return Promise.reject(this.#notConnected());
    const requestId = this.#nextRequestId++;
    const answer = this.#track(
      this.#pendingCommands,
      requestId,
      () =>
        new ClientError(
          ErrorCode.ERROR_CODE_UNAVAILABLE,
          `no answer to the ${command.$case} command within ${timeoutMs} ms; its outcome is unknown`,
          { source: 'timeout', retryable: true, requestId },
        ),
      timeoutMs,
    );
    this.#write(conn, { kind: { $case: 'command', value: { requestId, conversationId, command } } });
    return answer.then((result) => {
      const summary = result.conversation;
      if (summary === undefined) {
        throw new ClientError(
          ErrorCode.ERROR_CODE_BAD_FRAME,
          'the gateway sent a CommandResult without a conversation',
          {
            source: 'local',
            requestId,
          },
        );
      }
      this.#storeSummary(summary);
      return summary;
    });
  }

  /** Agents: accept the conversation offered to you (ASSIGNED -> CHATTING). See command(). */
  accept(conversationId: string, opts?: CommandOptions): Promise<ConversationSummary> {
    return this.command(conversationId, { $case: 'accept', value: {} }, opts);
  }

  /**
   * Agents (the conversation's) and supervisors: hand the conversation to one agent or one group
   * (CHATTING -> TRANSFERRING). The note is stored as a private note. See command().
   */
  transfer(
    conversationId: string,
    target: TransferTarget,
    note = '',
    opts?: CommandOptions,
  ): Promise<ConversationSummary> {
    return this.command(conversationId, transferCommand(target, note), opts);
  }

  /**
   * Closes a conversation (the conversation's agent, a supervisor, or the visitor). Named so because close()
   * closes the client. See command().
   */
  closeConversation(
    conversationId: string,
    reason = '',
    opts?: CommandOptions,
  ): Promise<ConversationSummary> {
    return this.command(conversationId, { $case: 'close', value: { reason, reopenWindowMs: 0 } }, opts);
  }

  /** Supervisors: take the conversation for yourself (-> CHATTING). See command(). */
  takeOver(conversationId: string, opts?: CommandOptions): Promise<ConversationSummary> {
    return this.command(conversationId, { $case: 'takeOver', value: {} }, opts);
  }

  /** Agents: replace the conversation's labels. See command(). */
  setLabels(
    conversationId: string,
    labels: readonly string[],
    opts?: CommandOptions,
  ): Promise<ConversationSummary> {
    return this.command(conversationId, { $case: 'setLabels', value: { labels: [...labels] } }, opts);
  }

  /** Visitors: rate a closed conversation, once (score 1..5). See command(). */
  rate(
    conversationId: string,
    score: number,
    comment = '',
    opts?: CommandOptions,
  ): Promise<ConversationSummary> {
    return this.command(conversationId, { $case: 'rate', value: { score, comment } }, opts);
  }

  /** Agents: take a queued conversation yourself (manual pick). See command(). */
  pick(conversationId: string, opts?: CommandOptions): Promise<ConversationSummary> {
    return this.command(conversationId, { $case: 'pick', value: {} }, opts);
  }

  /**
   * Agents: choose online (takes new conversations) or away. Resolves once the gateway confirms it with a
   * StatusUpdate (at once when it is already the status); rejects when not connected, for a visitor, after
   * requestTimeoutMs, or when the socket drops first. The `status` event reports every change.
   */
  setStatus(status: SelectableAgentStatus): Promise<AgentStatusName> {
    // Checked at run time too: JavaScript callers.
    if (!SELECTABLE_STATUSES.has(status)) {
      return Promise.reject(
        new ClientError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, "status must be 'online' or 'away'", {
          source: 'local',
        }),
      );
    }
    const conn = this.#openConnection();
    if (conn === undefined) return Promise.reject(this.#notConnected());
    if (this.#welcome?.role !== ParticipantRole.PARTICIPANT_ROLE_AGENT) {
      return Promise.reject(
        new ClientError(ErrorCode.ERROR_CODE_FORBIDDEN, 'only agents have a status', { source: 'local' }),
      );
    }
    this.#write(conn, { kind: { $case: 'setStatus', value: { status: agentStatusValue(status) } } });
    if (this.#agentStatus === status) return Promise.resolve(status);
    const deferred = createDeferred<AgentStatusName>();
    const waiter: StatusWaiter = {
      status,
      deferred,
      timer: setTimeout(() => {
        this.#statusWaiters.delete(waiter);
        deferred.reject(
          new ClientError(
            ErrorCode.ERROR_CODE_UNAVAILABLE,
            `no StatusUpdate within ${this.#config.requestTimeoutMs} ms`,
            { source: 'timeout', retryable: true },
          ),
        );
      }, this.#config.requestTimeoutMs),
    };
    this.#statusWaiters.add(waiter);
    return deferred.promise;
  }

  #enqueue(conversationId: string, text: string, note: boolean, opts: SendOptions): Promise<SendAck> {
    const clientMsgId = opts.clientMsgId ?? newClientMsgId();
    const invalid = checkSend(clientMsgId, conversationId, text);
    if (invalid !== undefined) return Promise.reject(invalid);
    const existing = this.#outbox.get(clientMsgId);
    if (existing !== undefined) return existing.deferred.promise;
    if (this.#state === 'idle' || this.#state === 'closed' || this.#state === 'closing') {
      return Promise.reject(this.#notConnected(clientMsgId));
    }
    const clientSentAtMs = Date.now();
    const tooLarge = this.#checkFrameSize(clientMsgId, conversationId, text, clientSentAtMs, note);
    if (tooLarge !== undefined) return Promise.reject(tooLarge);
    // The message says it better than an indicator; others' UIs drop it on our message too.
    this.#typingOut.stop(conversationId);

    const deferred = createDeferred<SendAck>();
    const entry: OutboxEntry = {
      clientMsgId,
      conversationId,
      text,
      clientSentAtMs,
      note,
      deferred,
      attempts: 0,
      ackTimer: undefined,
      retryTimer: undefined,
      expiryTimer: setTimeout(() => {
        this.#removeFromOutbox(entry);
        deferred.reject(
          new ClientError(
            ErrorCode.ERROR_CODE_UNAVAILABLE,
            `not acknowledged within ${this.#config.outboxMaxAgeMs} ms (${entry.attempts} attempt(s)); it may or may not be stored: send again with the same clientMsgId`,
            { source: 'timeout', retryable: true, clientMsgId },
          ),
        );
      }, this.#config.outboxMaxAgeMs),
    };
    this.#outbox.set(clientMsgId, entry);
    const conn = this.#openConnection();
    if (conn !== undefined) this.#writeSend(conn, entry);
    return deferred.promise;
  }

  /**
   * Fetches a range of a conversation's messages: fromSeq..toSeq inclusive (toSeq 0 = up to the newest), at
   * most `limit` (0 = the gateway's default of 100, at most 500). The messages are returned, not emitted.
   */
  fetchMessages(conversationId: string, fromSeq: number, toSeq = 0, limit = 0): Promise<FetchResult> {
    const invalid = checkFetch(conversationId, fromSeq, toSeq, limit);
    if (invalid !== undefined) return Promise.reject(invalid);
    const conn = this.#openConnection();
    if (conn === undefined) return Promise.reject(this.#notConnected());
    return this.#fetch(conn, conversationId, fromSeq, toSeq, limit).then((answer) => ({
      messages: answer.messages,
      hasMore: answer.hasMore,
    }));
  }

  /**
   * Marks a conversation read up to and including `seq`: resets its unread count locally at once (an
   * `unread` event), and tells the gateway (after the next Welcome when disconnected).
   */
  markRead(conversationId: string, seq: number): void {
    if (conversationId === '' || !Number.isInteger(seq) || seq < 1) {
      throw new ClientError(
        ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
        'markRead needs a conversationId and an integer seq >= 1',
        { source: 'local' },
      );
    }
    const changed = this.#reads.read(conversationId, seq);
    if (changed === undefined) return;
    this.emit('unread', changed);
    const conn = this.#openConnection();
    if (conn !== undefined) this.#writeMarkRead(conn, conversationId, seq);
    else this.#pendingMarks.set(conversationId, Math.max(seq, this.#pendingMarks.get(conversationId) ?? 0));
  }

  /** Sends a Ping and resolves with the round trip in milliseconds when its Pong arrives. */
  ping(): Promise<number> {
    const conn = this.#openConnection();
    if (conn === undefined) return Promise.reject(this.#notConnected());
    const nonce = this.#nextNonce++;
    const started = performance.now();
    const pong = this.#track(this.#pendingPings, nonce, () => {
      return new ClientError(
        ErrorCode.ERROR_CODE_UNAVAILABLE,
        `no Pong within ${this.#config.requestTimeoutMs} ms`,
        { source: 'timeout', retryable: true },
      );
    });
    this.#write(conn, { kind: { $case: 'ping', value: { nonce } } });
    return pong.then(() => performance.now() - started);
  }

  /**
   * Stops the client: closes the socket (1000 by default) and stops reconnecting. Resolves once closed.
   * Pending sends reject (retryable: resend them with their clientMsgId after the next connect()).
   */
  close(code: number = CloseCode.NORMAL, reason = 'client closed'): Promise<void> {
    if (this.#state === 'idle' || this.#state === 'closed') return Promise.resolve();
    const closed = new Promise<void>((resolve) => {
      this.once('close', () => {
        resolve();
      });
    });
    if (this.#state === 'closing') return closed;
    this.#closeRequested = { code, reason };
    const conn = this.#conn;
    if (conn === undefined) {
      // Waiting to reconnect, or refreshing the token: nothing to close but the client.
      this.#stop(code, reason, undefined);
      return closed;
    }
    this.#setState('closing');
    closeSocket(conn.socket, code, reason);
    // A dead path may never finish the closing handshake.
    conn.closeTimer = setTimeout(() => {
      this.#abandon(conn, code, reason);
    }, this.#config.requestTimeoutMs);
    return closed;
  }

  // --- connection lifecycle ---

  #openSocket(): void {
    const { url, requestTimeoutMs, WebSocket } = this.#config;
    let socket: WebSocketLike;
    try {
      if (WebSocket === undefined) throw new Error('no WebSocket implementation; pass options.WebSocket');
      socket = new WebSocket(url);
      socket.binaryType = 'arraybuffer';
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.#stop(
        CloseCode.ABNORMAL,
        '',
        new ClientError(
          ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
          `cannot open a WebSocket to ${url}: ${message}`,
          {
            source: 'local',
            cause: err,
          },
        ),
      );
      return;
    }
    const conn: Connection = {
      socket,
      welcomed: false,
      resume: [],
      welcomeTimer: undefined,
      pingTimer: undefined,
      closeTimer: undefined,
      serverError: undefined,
      transportError: undefined,
      localFailure: undefined,
      final: false,
    };
    this.#conn = conn;
    conn.welcomeTimer = setTimeout(() => {
      const failure =
        conn.serverError !== undefined
          ? ClientError.fromDetail(conn.serverError)
          : new ClientError(
              ErrorCode.ERROR_CODE_UNAVAILABLE,
              `no Welcome from ${url} within ${requestTimeoutMs} ms`,
              {
                source: 'timeout',
                retryable: true,
              },
            );
      this.#abandon(conn, CloseCode.ABNORMAL, 'no Welcome in time', failure);
    }, requestTimeoutMs);
    socket.onopen = () => {
      if (conn === this.#conn) this.#sendHello(conn);
    };
    socket.onmessage = (event) => {
      if (conn === this.#conn) this.#onFrame(conn, event.data);
    };
    socket.onerror = (event) => {
      if (conn === this.#conn) conn.transportError ??= describeSocketError(event);
    };
    socket.onclose = (event) => {
      this.#onSocketClosed(conn, event.code, event.reason);
    };
  }

  #sendHello(conn: Connection): void {
    const hello = (resume: ResumePoint[]): ClientFrame => ({
      kind: {
        $case: 'hello',
        value: {
          token: this.#token,
          client: this.#config.clientName,
          resume,
          backfillLimit: this.#config.backfillLimit,
        },
      },
    });
    // A Hello over the frame limit would be refused (1009) on every attempt: leave out the points seen
    // longest ago; those conversations are replayed and de-duplicated instead.
    const maxBytes = this.#maxFrameBytes > 0 ? this.#maxFrameBytes : DEFAULT_MAX_FRAME_BYTES;
    let resume = this.resumePoints();
    let bytes = ClientFrame.encode(hello(resume)).finish();
    while (bytes.length > maxBytes && resume.length > 0) {
      resume = resume.slice(Math.max(1, Math.ceil(resume.length / 10)));
      bytes = ClientFrame.encode(hello(resume)).finish();
    }
    conn.resume = resume;
    this.#writeBytes(conn, bytes);
  }

  #onWelcome(conn: Connection, welcome: Welcome): void {
    if (conn.welcomed) {
      this.#failProtocol(conn, 'the gateway sent a second Welcome');
      return;
    }
    clearTimeout(conn.welcomeTimer);
    conn.welcomed = true;
    const resumed = this.#welcomesInSession > 0;
    const attempts = this.#failedAttempts;
    this.#welcomesInSession++;
    this.#failedAttempts = 0;
    this.#refreshedSinceWelcome = false;
    this.#welcome = welcome;
    this.#maxFrameBytes = welcome.maxFrameBytes;
    // The record's last_seq moves only with lifecycle events; the read state's is the stream's newest.
    const newest = new Map(welcome.readStates.map((r) => [r.conversationId, r.lastSeq]));
    for (const summary of welcome.conversations) {
      this.#retired.delete(summary.conversationId);
      this.#storeSummary(summary);
      const lastSeq = Math.max(summary.lastSeq, newest.get(summary.conversationId) ?? 0);
      this.#applyBackfillFloor(summary.conversationId, lastSeq, conn.resume);
    }
    this.#setState('open');
    this.#startKeepAlive(conn, welcome.pingIntervalMs);
    this.emit('welcome', welcome);
    if (resumed) this.emit('resumed', { welcome, resume: conn.resume, attempts });
    if (welcome.role === ParticipantRole.PARTICIPANT_ROLE_AGENT)
      this.#setAgentStatus(agentStatusName(welcome.agentStatus));
    for (const info of this.#reads.welcome(welcome.participantId, welcome.readStates))
      this.emit('unread', info);
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(welcome);
    this.#flushMarks(conn);
    // Resend in the original order, with the original ids.
    for (const entry of [...this.#outbox.values()]) {
      if (conn !== this.#conn) return;
      this.#writeSend(conn, entry);
    }
  }

  /** Conversations with nothing to resume from get only the newest backfillLimit messages: that is no gap. */
  #applyBackfillFloor(conversationId: string, lastSeq: number, resume: readonly ResumePoint[]): void {
    const limit = this.#config.backfillLimit;
    if (limit === 0 || this.#sequencer.lastSeq(conversationId) > 0) return;
    if (resume.some((p) => p.conversationId === conversationId)) return;
    if (lastSeq > limit) this.#sequencer.advanceTo(conversationId, lastSeq - limit);
  }

  #onSocketClosed(conn: Connection, code: number, reason: string): void {
    if (conn !== this.#conn) return;
    this.#conn = undefined;
    clearTimeout(conn.welcomeTimer);
    clearInterval(conn.pingTimer);
    clearTimeout(conn.closeTimer);
    detach(conn.socket);
    this.#welcome = undefined;

    const closed = `socket closed (${code} ${reason || describeCloseCode(code)})`;
    const lost = (what: string): ClientError =>
      new ClientError(ErrorCode.ERROR_CODE_UNAVAILABLE, `${closed} before ${what}`, {
        source: 'close',
        retryable: true,
        closeCode: code,
        closeReason: reason,
      });
    for (const pending of this.#pendingPings.values()) pending.reject(lost('Pong'));
    for (const pending of this.#pendingFetches.values()) pending.reject(lost('Messages'));
    // Never resent: the gateway may have applied it. The app decides after looking at the conversation.
    for (const pending of this.#pendingCommands.values())
      pending.reject(lost('CommandResult (outcome unknown)'));
    this.#rejectStatusWaiters(lost('StatusUpdate'));
    for (const entry of this.#outbox.values()) {
      clearTimeout(entry.ackTimer);
      clearTimeout(entry.retryTimer);
      entry.ackTimer = undefined;
      entry.retryTimer = undefined;
    }
    for (const repair of this.#gapRepairs.values()) clearTimeout(repair.retryTimer);
    this.#gapRepairs.clear();
    this.#gapQueue.clear();
    // Held messages come again: the next Hello resumes from lastSeq.
    this.#sequencer.dropHeld();

    const failure = conn.welcomed
      ? this.#dropFailure(conn, code, reason)
      : this.#handshakeFailure(conn, code, reason);
    if (this.#closeRequested !== undefined) {
      this.emit('disconnect', { code, reason, willReconnect: false });
      this.#stop(code, reason, undefined, failure);
      return;
    }
    const next = this.#nextStep(conn, code);
    this.emit('disconnect', { code, reason, willReconnect: next !== 'stop', error: failure });
    switch (next) {
      case 'stop':
        this.#stop(code, reason, failure);
        return;
      case 'refresh':
        this.#refreshThenReconnect(code, reason, failure);
        return;
      case 'retry':
      case 'retry-slowly':
        this.#scheduleReconnect(code, reason, failure, next === 'retry-slowly');
        return;
    }
  }

  #nextStep(conn: Connection, code: number): 'stop' | 'refresh' | 'retry' | 'retry-slowly' {
    if (conn.final) return 'stop';
    let disposition = closeDisposition(code);
    // The error frame before the close says it too, should the close code have been lost.
    if (conn.serverError?.code === ErrorCode.ERROR_CODE_UNAUTHENTICATED) disposition = 'reauthenticate';
    if (conn.serverError?.code === ErrorCode.ERROR_CODE_UNKNOWN_TENANT) disposition = 'final';
    switch (disposition) {
      case 'final':
        return 'stop';
      case 'reauthenticate':
        return this.#config.refreshToken !== undefined && !this.#refreshedSinceWelcome ? 'refresh' : 'stop';
      case 'rate-limited':
      case 'reconnect':
        // The first connect() fails fast; after that, reconnect unless turned off.
        if (this.#config.reconnect === undefined || this.#welcomesInSession === 0) return 'stop';
        return disposition === 'rate-limited' ? 'retry-slowly' : 'retry';
    }
  }

  #scheduleReconnect(code: number, reason: string, failure: ClientError, rateLimited: boolean): void {
    const policy = this.#config.reconnect ?? DEFAULT_RECONNECT;
    this.#failedAttempts++;
    if (this.#failedAttempts > policy.maxAttempts) {
      this.#stop(
        code,
        reason,
        new ClientError(
          failure.code,
          `gave up reconnecting after ${policy.maxAttempts} attempt(s): ${failure.message}`,
          { source: failure.source, retryable: true, closeCode: code, closeReason: reason, cause: failure },
        ),
      );
      return;
    }
    const backoff = rateLimited
      ? {
          ...policy,
          initialDelayMs: Math.max(policy.initialDelayMs, policy.rateLimitedDelayMs),
          maxDelayMs: Math.max(policy.maxDelayMs, policy.rateLimitedDelayMs),
        }
      : policy;
    const delayMs = backoffDelay(this.#failedAttempts, backoff, this.#config.random);
    this.#setState('reconnecting');
    this.emit('reconnecting', { attempt: this.#failedAttempts, delayMs, closeCode: code, error: failure });
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.#openSocket();
    }, delayMs);
  }

  #refreshThenReconnect(code: number, reason: string, failure: ClientError): void {
    const refreshToken = this.#config.refreshToken;
    if (refreshToken === undefined) return;
    const session = this.#session;
    this.#refreshedSinceWelcome = true;
    this.#failedAttempts++;
    if (this.#welcomesInSession > 0) this.#setState('reconnecting');
    this.emit('reconnecting', { attempt: this.#failedAttempts, delayMs: 0, closeCode: code, error: failure });
    const current = (): boolean =>
      session === this.#session && this.#state !== 'closed' && this.#conn === undefined;
    void Promise.resolve()
      .then(() => refreshToken({ closeCode: code, error: failure }))
      .then(
        (token) => {
          if (!current()) return;
          if (token === '') throw new Error('refreshToken returned an empty token');
          this.#token = token;
          this.#openSocket();
        },
        (err: unknown) => {
          if (!current()) return;
          const message = err instanceof Error ? err.message : String(err);
          this.#stop(
            code,
            reason,
            new ClientError(
              ErrorCode.ERROR_CODE_UNAUTHENTICATED,
              `the token was refused and refreshToken failed: ${message}`,
              {
                source: 'local',
                closeCode: code,
                closeReason: reason,
                cause: err,
              },
            ),
          );
        },
      );
  }

  /**
   * The client stops for good: reject everything still waiting and emit `close`. `error` is why (undefined
   * after close()); `waiterError` is what connect() callers get when close() interrupted their handshake.
   */
  #stop(code: number, reason: string, error: ClientError | undefined, waiterError?: ClientError): void {
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    const conn = this.#conn;
    if (conn !== undefined) {
      this.#conn = undefined;
      clearTimeout(conn.welcomeTimer);
      clearInterval(conn.pingTimer);
      clearTimeout(conn.closeTimer);
      detach(conn.socket);
      closeSocket(conn.socket, CloseCode.NORMAL, reason);
    }
    this.#welcome = undefined;
    this.#closeRequested = undefined;
    this.#setState('closed');
    const stopped =
      waiterError ??
      error ??
      new ClientError(ErrorCode.ERROR_CODE_UNAVAILABLE, 'the client was closed', {
        source: 'local',
        closeCode: code,
        closeReason: reason,
      });
    for (const waiter of this.#waiters.splice(0)) waiter.reject(stopped);
    for (const pending of this.#pendingCommands.values()) pending.reject(stopped);
    this.#rejectStatusWaiters(stopped);
    this.#typingOut.clear();
    this.#typingIn.clear();
    for (const entry of [...this.#outbox.values()]) {
      this.#removeFromOutbox(entry);
      entry.deferred.reject(
        new ClientError(
          ErrorCode.ERROR_CODE_UNAVAILABLE,
          `the client stopped (${code} ${reason || describeCloseCode(code)}) before SendAck; the message may or may not be stored: resend with the same clientMsgId`,
          {
            source: 'close',
            retryable: true,
            clientMsgId: entry.clientMsgId,
            closeCode: code,
            closeReason: reason,
            cause: error,
          },
        ),
      );
    }
    this.emit('close', error === undefined ? { code, reason } : { code, reason, error });
  }

  /**
   * The SDK gives up on a socket without waiting for its closing handshake (a dead path may never finish
   * it): from here on the socket is ignored, and the client carries on as if it had closed with `code`.
   */
  #abandon(conn: Connection, code: number, reason: string, failure?: ClientError): void {
    if (conn !== this.#conn) return;
    conn.localFailure ??= failure;
    detach(conn.socket);
    closeSocket(conn.socket, conn.final ? CloseCode.PROTOCOL_VIOLATION : CloseCode.NORMAL, reason);
    this.#onSocketClosed(conn, code, reason);
  }

  #handshakeFailure(conn: Connection, code: number, reason: string): ClientError {
    const closeInfo = { closeCode: code, closeReason: reason };
    if (conn.localFailure !== undefined) return conn.localFailure;
    if (conn.serverError !== undefined) return ClientError.fromDetail(conn.serverError, closeInfo);
    const { url } = this.#config;
    if (this.#closeRequested !== undefined) {
      return new ClientError(ErrorCode.ERROR_CODE_UNAVAILABLE, 'closed by the client before Welcome', {
        source: 'local',
        ...closeInfo,
      });
    }
    if (conn.transportError !== undefined && code === CloseCode.ABNORMAL) {
      return new ClientError(
        ErrorCode.ERROR_CODE_UNAVAILABLE,
        `cannot reach gateway at ${url}: ${conn.transportError.message}`,
        { source: 'transport', retryable: true, cause: conn.transportError.cause, ...closeInfo },
      );
    }
    const errorCode = errorCodeForClose(code);
    return new ClientError(
      errorCode,
      `the gateway closed the socket before Welcome (${code} ${reason || describeCloseCode(code)})`,
      { source: 'close', retryable: isRetryableCode(errorCode), ...closeInfo },
    );
  }

  #dropFailure(conn: Connection, code: number, reason: string): ClientError {
    if (conn.localFailure !== undefined) return conn.localFailure;
    const errorCode = errorCodeForClose(code);
    return new ClientError(
      errorCode,
      `the connection closed (${code} ${reason || describeCloseCode(code)})`,
      {
        source: 'close',
        retryable: isRetryableCode(errorCode),
        closeCode: code,
        closeReason: reason,
      },
    );
  }

  /** The gateway broke the protocol: report it and close with 4000, as the gateway does for clients. */
  #failProtocol(conn: Connection, message: string, cause?: unknown): void {
    const err = new ClientError(ErrorCode.ERROR_CODE_BAD_FRAME, message, { source: 'local', cause });
    if (conn.welcomed) this.#emitLocalError(err.code, message);
    conn.final = true;
    this.#abandon(conn, CloseCode.PROTOCOL_VIOLATION, message, err);
  }

  #startKeepAlive(conn: Connection, intervalMs: number): void {
    if (!this.#config.autoPing || intervalMs <= 0) return;
    conn.pingTimer = setInterval(() => {
      this.ping().catch((err: unknown) => {
        // A Pong that never comes means a dead path: drop the socket and reconnect.
        if (err instanceof ClientError && err.source === 'timeout') {
          this.#abandon(conn, CloseCode.ABNORMAL, err.message, err);
        }
      });
    }, intervalMs);
    unref(conn.pingTimer);
  }

  // --- incoming frames ---

  #onFrame(conn: Connection, data: unknown): void {
    if (this.#closeRequested !== undefined) return;
    const bytes = binaryFrame(data);
    if (bytes === undefined) {
      this.#failProtocol(
        conn,
        typeof data === 'string'
          ? 'the gateway sent a text frame'
          : 'the WebSocket delivered a frame that is not an ArrayBuffer (binaryType must be arraybuffer)',
      );
      return;
    }
    let frame: ServerFrame;
    try {
      frame = ServerFrame.decode(bytes);
    } catch (err) {
      this.#failProtocol(conn, 'the gateway sent a frame that is not a ServerFrame', err);
      return;
    }
    const kind = frame.kind;
    // A kind added by a newer gateway: skip it, as protobuf readers skip unknown fields.
    if (kind === undefined) return;
    switch (kind.$case) {
      case 'welcome':
        this.#onWelcome(conn, kind.value);
        return;
      case 'ack':
        this.#onAck(kind.value);
        return;
      case 'deliver':
        if (kind.value.message === undefined) {
          this.#emitLocalError(
            ErrorCode.ERROR_CODE_BAD_FRAME,
            'the gateway sent a Deliver without a message',
          );
          return;
        }
        this.#accept(kind.value.message);
        this.#checkGap(kind.value.message.conversationId);
        return;
      case 'error':
        this.#onErrorFrame(conn, kind.value);
        return;
      case 'pong':
        this.#pendingPings.get(kind.value.nonce)?.resolve(kind.value.nonce);
        return;
      case 'conversation':
        if (kind.value.event !== undefined) this.#onConversationEvent(kind.value.event);
        return;
      case 'messages':
        this.#pendingFetches.get(kind.value.requestId)?.resolve(kind.value);
        return;
      case 'result':
        this.#pendingCommands.get(kind.value.requestId)?.resolve(kind.value);
        return;
      case 'signal':
        this.#onSignal(kind.value);
        return;
      case 'queue':
        this.#queueSnapshot = kind.value;
        this.emit('queue', kind.value);
        return;
      case 'status':
        this.#setAgentStatus(agentStatusName(kind.value.status));
        return;
    }
  }

  #onSignal(signal: ConversationSignal): void {
    this.emit('signal', signal);
    const { conversationId, from, atMs } = signal;
    const me = this.#welcome?.participantId ?? '';
    const own = from !== undefined && me !== '' && from.id === me;
    const kind = signal.kind;
    switch (kind?.$case) {
      case undefined:
        return;
      case 'typing':
        // Our own notices come back from the gateway (and from our other tabs): not someone else typing.
        if (from === undefined || from.id === '' || own) return;
        this.#typingIn.signal(conversationId, from, kind.value.typing);
        return;
      case 'read': {
        if (from === undefined || from.id === '') return;
        if (own) {
          // Our mark from another tab or device: keeps this one's unread count in step.
          const changed = this.#reads.read(conversationId, kind.value.readSeq);
          if (changed !== undefined) this.emit('unread', changed);
          return;
        }
        this.emit('readReceipt', { conversationId, participant: from, readSeq: kind.value.readSeq, atMs });
        return;
      }
      case 'queue': {
        const info: QueueStatusInfo = { ...kind.value, conversationId, atMs };
        if (info.position === 0) this.#queueStatuses.delete(conversationId);
        else this.#queueStatuses.set(conversationId, info);
        this.emit('queueStatus', info);
        return;
      }
      case 'idleWarning':
        this.emit('idleWarning', { conversationId, closesAtMs: kind.value.closesAtMs, atMs });
        return;
    }
  }

  #setAgentStatus(status: AgentStatusName | undefined): void {
    if (status === undefined) return;
    for (const waiter of [...this.#statusWaiters]) {
      if (waiter.status !== status) continue;
      clearTimeout(waiter.timer);
      this.#statusWaiters.delete(waiter);
      waiter.deferred.resolve(status);
    }
    const previous = this.#agentStatus;
    if (previous === status) return;
    this.#agentStatus = status;
    this.emit('status', status, previous);
  }

  /** Keeps the newest record per conversation; an older version never replaces a newer one. */
  #storeSummary(summary: ConversationSummary): void {
    const known = this.#summaries.get(summary.conversationId);
    if (known === undefined || summary.version >= known.version)
      this.#summaries.set(summary.conversationId, summary);
  }

  /** An update without the record (an older gateway): patch what the event says into the known one. */
  #summaryFromEvent(event: ConversationEvent): ConversationSummary {
    const known = this.#summaries.get(event.conversationId);
    return ConversationSummary.fromPartial({
      ...known,
      tenantId: event.tenantId,
      conversationId: event.conversationId,
      state: event.state,
      visitorId: event.visitorId || (known?.visitorId ?? ''),
      agentId: event.agentId,
      lastSeq: Math.max(event.lastSeq, known?.lastSeq ?? 0),
      channel: event.channel,
      version: event.version,
      updatedAtMs: event.atMs,
    });
  }

  #writeTyping(conversationId: string, typing: boolean): boolean {
    const conn = this.#openConnection();
    if (conn === undefined || conn.socket.readyState !== ReadyState.OPEN) return false;
    this.#write(conn, { kind: { $case: 'typing', value: { conversationId, typing } } });
    return true;
  }

  #onErrorFrame(conn: Connection, detail: ErrorDetail): void {
    const entry = detail.clientMsgId === '' ? undefined : this.#outbox.get(detail.clientMsgId);
    if (entry !== undefined) {
      this.#onSendError(conn, entry, detail);
      return;
    }
    const fetch = detail.requestId === 0 ? undefined : this.#pendingFetches.get(detail.requestId);
    if (fetch !== undefined) {
      fetch.reject(ClientError.fromDetail(detail));
      return;
    }
    const command = detail.requestId === 0 ? undefined : this.#pendingCommands.get(detail.requestId);
    if (command !== undefined) {
      command.reject(ClientError.fromDetail(detail));
      return;
    }
    if (!conn.welcomed) {
      // The close that follows carries the close code; the handshake fails then.
      conn.serverError = detail;
      return;
    }
    this.emit('error', detail);
  }

  #onConversationEvent(event: ConversationEvent): void {
    const id = event.conversationId;
    const welcome = this.#welcome;
    const known = this.#summaries.get(id);
    if (known !== undefined && event.version < known.version) {
      // Stale (overtaken by a newer update or record): reported, but it changes nothing here.
      this.emit('conversation', event);
      return;
    }
    const previousAgentId = known?.agentId;
    this.#storeSummary(event.conversation ?? this.#summaryFromEvent(event));
    if (
      event.type === ConversationEventType.CONVERSATION_EVENT_TYPE_CLOSED ||
      event.state === ConversationState.CONVERSATION_STATE_CLOSED
    ) {
      this.#retired.add(id);
    } else if (welcome?.role === ParticipantRole.PARTICIPANT_ROLE_VISITOR) {
      // A visitor only hears of its own conversation: open again (reopened) means resume it again.
      this.#retired.delete(id);
    } else if (welcome?.role === ParticipantRole.PARTICIPANT_ROLE_AGENT) {
      if (event.agentId === welcome.participantId) {
        this.#retired.delete(id);
        // Newly ours (offered, picked, taken over): its history follows, from the backfill floor.
        if (previousAgentId !== welcome.participantId) this.#applyBackfillFloor(id, event.lastSeq, []);
      } else if (!welcome.supervisor) {
        // Offered or handed to someone else, or requeued: no longer ours to resume.
        this.#retired.add(id);
      }
    }
    if (event.state !== ConversationState.CONVERSATION_STATE_QUEUED) this.#queueStatuses.delete(id);
    this.emit('conversation', event);
  }

  // --- ordering and gap repair ---

  /** Offers one message to the sequencer and emits whatever it releases, in order. */
  #accept(message: UnifiedMessage): void {
    for (const released of this.#sequencer.accept(message)) this.#emitMessage(released);
  }

  #emitMessage(message: UnifiedMessage): void {
    const changed = this.#reads.delivered(message);
    const senderId = message.sender?.id ?? '';
    if (senderId !== '') this.#typingIn.end(message.conversationId, senderId);
    this.emit('message', message);
    if (changed !== undefined) this.emit('unread', changed);
  }

  /** Starts repairing a conversation's gap, unless a repair is already under way (it re-checks when answered). */
  #checkGap(conversationId: string): void {
    const conn = this.#openConnection();
    if (conn === undefined || this.#gapRepairs.has(conversationId)) return;
    const gap = this.#sequencer.missing(conversationId);
    if (gap === undefined) {
      this.#gapQueue.delete(conversationId);
      return;
    }
    if (this.#gapRepairs.size >= MAX_GAP_REPAIRS) {
      this.#gapQueue.add(conversationId);
      return;
    }
    this.#gapQueue.delete(conversationId);
    this.emit('gap', { conversationId, from: gap.from, to: gap.to });
    if (this.#gapsGivenUp.get(conversationId) === gap.from) {
      // Fetching failed and resuming did not fill it either: skip it rather than stall the conversation.
      this.#skipGap(conversationId, gap.from, gap.to);
      return;
    }
    this.#repairGap(conn, conversationId, { failures: 0, retryTimer: undefined });
  }

  #repairGap(conn: Connection, conversationId: string, repair: GapRepair): void {
    const gap = this.#sequencer.missing(conversationId);
    if (gap === undefined) {
      this.#gapRepaired(conversationId);
      return;
    }
    this.#gapRepairs.set(conversationId, repair);
    repair.retryTimer = undefined;
    const isCurrent = (): boolean => this.#gapRepairs.get(conversationId) === repair && conn === this.#conn;
    this.#fetch(conn, conversationId, gap.from, gap.to, 0).then(
      (answer) => {
        if (!isCurrent()) return;
        const before = this.#sequencer.lastSeq(conversationId);
        for (const message of answer.messages) {
          if (message.conversationId === conversationId) this.#accept(message);
        }
        if (gap.to === 0 && !answer.hasMore) this.#sequencer.settle(conversationId);
        if (this.#sequencer.missing(conversationId) === undefined) {
          this.#gapRepaired(conversationId);
          return;
        }
        if (this.#sequencer.lastSeq(conversationId) > before) {
          repair.failures = 0;
          this.#repairGap(conn, conversationId, repair);
          return;
        }
        this.#gapFetchFailed(conn, conversationId, repair);
      },
      () => {
        if (isCurrent()) this.#gapFetchFailed(conn, conversationId, repair);
      },
    );
  }

  /** A repair ended with nothing missing: free its slot for a waiting conversation. */
  #gapRepaired(conversationId: string): void {
    this.#gapRepairs.delete(conversationId);
    this.#gapsGivenUp.delete(conversationId);
    this.#drainGapQueue();
  }

  #drainGapQueue(): void {
    for (const next of [...this.#gapQueue]) {
      if (this.#gapRepairs.size >= MAX_GAP_REPAIRS) return;
      this.#gapQueue.delete(next);
      this.#checkGap(next);
    }
  }

  #gapFetchFailed(conn: Connection, conversationId: string, repair: GapRepair): void {
    repair.failures++;
    if (repair.failures < this.#config.gapFetchAttempts) {
      const delayMs = backoffDelay(repair.failures, RETRY_BACKOFF, this.#config.random);
      repair.retryTimer = setTimeout(() => {
        if (this.#gapRepairs.get(conversationId) === repair && conn === this.#conn)
          this.#repairGap(conn, conversationId, repair);
      }, delayMs);
      return;
    }
    const gap = this.#sequencer.missing(conversationId);
    if (gap === undefined) {
      this.#gapRepaired(conversationId);
      return;
    }
    this.#gapRepairs.delete(conversationId);
    if (this.#config.reconnect === undefined || this.#gapsGivenUp.get(conversationId) === gap.from) {
      this.#skipGap(conversationId, gap.from, gap.to);
      return;
    }
    // Resuming from lastSeq redelivers everything after it, the gap included.
    this.#gapsGivenUp.set(conversationId, gap.from);
    this.#abandon(
      conn,
      CloseCode.NORMAL,
      `cannot fetch ${conversationId} seqs ${gap.from}..${gap.to || 'newest'}; resuming`,
    );
  }

  /** The last resort for a gap neither fetching nor resuming could fill: report it and deliver what follows. */
  #skipGap(conversationId: string, from: number, to: number): void {
    this.#gapsGivenUp.delete(conversationId);
    this.#emitLocalError(
      ErrorCode.ERROR_CODE_INTERNAL,
      `seqs ${from}..${to || 'newest'} of ${conversationId} could not be fetched; skipped`,
    );
    const lowest = this.#sequencer.lowestHeld(conversationId);
    if (lowest === undefined) this.#sequencer.settle(conversationId);
    else
      for (const released of this.#sequencer.advanceTo(conversationId, lowest - 1))
        this.#emitMessage(released);
    this.#checkGap(conversationId);
    this.#drainGapQueue();
  }

  // --- requests ---

  #fetch(
    conn: Connection,
    conversationId: string,
    fromSeq: number,
    toSeq: number,
    limit: number,
  ): Promise<Messages> {
    const requestId = this.#nextRequestId++;
    const answer = this.#track(this.#pendingFetches, requestId, () => {
      return new ClientError(
        ErrorCode.ERROR_CODE_UNAVAILABLE,
        `no answer to FetchMessages within ${this.#config.requestTimeoutMs} ms`,
        { source: 'timeout', retryable: true, requestId },
      );
    });
    this.#write(conn, {
      kind: { $case: 'fetch', value: { requestId, conversationId, fromSeq, toSeq, limit } },
    });
    return answer;
  }

  #writeSend(conn: Connection, entry: OutboxEntry): void {
    clearTimeout(entry.retryTimer);
    entry.retryTimer = undefined;
    const bytes = encodeSend(
      entry.clientMsgId,
      entry.conversationId,
      entry.text,
      entry.clientSentAtMs,
      entry.note,
    );
    const tooLarge = this.#frameTooLarge(entry.clientMsgId, bytes.length);
    if (tooLarge !== undefined) {
      this.#removeFromOutbox(entry);
      entry.deferred.reject(tooLarge);
      return;
    }
    entry.attempts++;
    if (entry.attempts > 1) {
      this.emit('resend', {
        clientMsgId: entry.clientMsgId,
        conversationId: entry.conversationId,
        attempt: entry.attempts,
      });
    }
    clearTimeout(entry.ackTimer);
    // No answer in time: the outcome is unknown, so send it again; the gateway never stores it twice.
    entry.ackTimer = setTimeout(() => {
      entry.ackTimer = undefined;
      if (conn === this.#conn && this.#outbox.get(entry.clientMsgId) === entry) this.#writeSend(conn, entry);
    }, this.#config.ackTimeoutMs);
    this.#writeBytes(conn, bytes);
  }

  #onAck(ack: SendAck): void {
    const entry = this.#outbox.get(ack.clientMsgId);
    if (entry === undefined) return;
    this.#removeFromOutbox(entry);
    const changed = this.#reads.read(ack.conversationId, ack.seq);
    if (changed !== undefined) this.emit('unread', changed);
    entry.deferred.resolve(ack);
  }

  #onSendError(conn: Connection, entry: OutboxEntry, detail: ErrorDetail): void {
    if (!detail.retryable) {
      this.#removeFromOutbox(entry);
      entry.deferred.reject(ClientError.fromDetail(detail));
      return;
    }
    clearTimeout(entry.ackTimer);
    entry.ackTimer = undefined;
    clearTimeout(entry.retryTimer);
    entry.retryTimer = setTimeout(
      () => {
        entry.retryTimer = undefined;
        if (conn === this.#conn && this.#outbox.get(entry.clientMsgId) === entry)
          this.#writeSend(conn, entry);
      },
      backoffDelay(entry.attempts, RETRY_BACKOFF, this.#config.random),
    );
  }

  #removeFromOutbox(entry: OutboxEntry): void {
    clearTimeout(entry.ackTimer);
    clearTimeout(entry.retryTimer);
    clearTimeout(entry.expiryTimer);
    if (this.#outbox.get(entry.clientMsgId) === entry) this.#outbox.delete(entry.clientMsgId);
  }

  #writeMarkRead(conn: Connection, conversationId: string, seq: number): void {
    this.#write(conn, { kind: { $case: 'markRead', value: { conversationId, seq } } });
  }

  #flushMarks(conn: Connection): void {
    for (const [conversationId, seq] of this.#pendingMarks) {
      // Welcome's read states replaced the local ones: apply the mark again.
      const changed = this.#reads.read(conversationId, seq);
      if (changed !== undefined) this.emit('unread', changed);
      this.#writeMarkRead(conn, conversationId, seq);
    }
    this.#pendingMarks.clear();
  }

  #checkFrameSize(
    clientMsgId: string,
    conversationId: string,
    text: string,
    clientSentAtMs: number,
    note: boolean,
  ): ClientError | undefined {
    if (this.#maxFrameBytes <= 0) return undefined;
    return this.#frameTooLarge(
      clientMsgId,
      encodeSend(clientMsgId, conversationId, text, clientSentAtMs, note).length,
    );
  }

  /** The gateway would close the whole socket (1009) for a frame over max_frame_bytes: refuse it here. */
  #frameTooLarge(clientMsgId: string, size: number): ClientError | undefined {
    const max = this.#maxFrameBytes;
    if (max <= 0 || size <= max) return undefined;
    return new ClientError(
      ErrorCode.ERROR_CODE_FRAME_TOO_LARGE,
      `the frame is ${size} bytes; the gateway accepts at most ${max}`,
      { source: 'local', clientMsgId },
    );
  }

  #openConnection(): Connection | undefined {
    const conn = this.#conn;
    return this.#state === 'open' && conn?.welcomed === true ? conn : undefined;
  }

  #notConnected(clientMsgId?: string): ClientError {
    const reconnecting = this.#state === 'reconnecting' || this.#state === 'connecting';
    return new ClientError(
      ErrorCode.ERROR_CODE_UNAVAILABLE,
      reconnecting
        ? 'not connected yet; try again once the client is open'
        : 'not connected; call connect() first',
      { source: 'local', retryable: true, clientMsgId },
    );
  }

  #rejectStatusWaiters(err: ClientError): void {
    for (const waiter of this.#statusWaiters) {
      clearTimeout(waiter.timer);
      waiter.deferred.reject(err);
    }
    this.#statusWaiters.clear();
  }

  #emitLocalError(code: ErrorCode, message: string): void {
    this.emit('error', { code, message, retryable: false, clientMsgId: '', requestId: 0 });
  }

  #nextWelcome(): Promise<Welcome> {
    const waiter = createDeferred<Welcome>();
    this.#waiters.push(waiter);
    return waiter.promise;
  }

  #setState(next: ConnectionState): void {
    const previous = this.#state;
    if (previous === next) return;
    this.#state = next;
    this.emit('state', next, previous);
  }

  #track<K, T>(
    map: Map<K, Deferred<T>>,
    key: K,
    onTimeout: () => ClientError,
    timeoutMs = this.#config.requestTimeoutMs,
  ): Promise<T> {
    const inner = createDeferred<T>();
    const timer = setTimeout(() => {
      settle.reject(onTimeout());
    }, timeoutMs);
    const settle: Deferred<T> = {
      promise: inner.promise,
      resolve: (value) => {
        clearTimeout(timer);
        map.delete(key);
        inner.resolve(value);
      },
      reject: (err) => {
        clearTimeout(timer);
        map.delete(key);
        inner.reject(err);
      },
    };
    map.set(key, settle);
    return inner.promise;
  }

  #write(conn: Connection, frame: ClientFrame): void {
    this.#writeBytes(conn, ClientFrame.encode(frame).finish());
  }

  #writeBytes(conn: Connection, bytes: Uint8Array): void {
    // A closing socket drops writes; what was in flight is resent after the reconnect.
    if (conn.socket.readyState === ReadyState.OPEN) conn.socket.send(bytes);
  }
}

function encodeSend(
  clientMsgId: string,
  conversationId: string,
  text: string,
  clientSentAtMs: number,
  note: boolean,
): Uint8Array {
  return ClientFrame.encode({
    kind: { $case: 'send', value: { clientMsgId, conversationId, text, clientSentAtMs, note } },
  }).finish();
}

function checkFetch(
  conversationId: string,
  fromSeq: number,
  toSeq: number,
  limit: number,
): ClientError | undefined {
  const invalid = (message: string): ClientError =>
    new ClientError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, message, { source: 'local' });
  if (conversationId === '') return invalid('conversationId is empty');
  if (!Number.isInteger(fromSeq) || fromSeq < 1) return invalid('fromSeq must be an integer >= 1');
  if (!isCount(toSeq) || (toSeq !== 0 && toSeq < fromSeq))
    return invalid('toSeq must be 0 (the newest) or an integer >= fromSeq');
  if (!isCount(limit) || limit > MAX_FETCH_LIMIT)
    return invalid(`limit must be an integer from 0 to ${MAX_FETCH_LIMIT}`);
  return undefined;
}

function isCount(value: number): boolean {
  return Number.isInteger(value) && value >= 0;
}

function isRetryableCode(code: ErrorCode): boolean {
  return code === ErrorCode.ERROR_CODE_UNAVAILABLE || code === ErrorCode.ERROR_CODE_RATE_LIMITED;
}

function createDeferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: ClientError) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const ignore = (): void => undefined;

/** Stops a socket's events from reaching the client. Handlers stay functions: `ws` throws on an unheard error. */
function detach(socket: WebSocketLike): void {
  socket.onopen = ignore;
  socket.onmessage = ignore;
  socket.onclose = ignore;
  socket.onerror = ignore;
}

/** close() that never throws: browsers refuse some codes (e.g. 1001) and reasons over 123 bytes. */
function closeSocket(socket: WebSocketLike, code: number, reason: string): void {
  if (socket.readyState === ReadyState.CLOSING || socket.readyState === ReadyState.CLOSED) return;
  try {
    socket.close(code, reason.slice(0, 120));
  } catch {
    socket.close();
  }
}

function unref(timer: unknown): void {
  (timer as { unref?: () => void }).unref?.();
}

function runtimeName(): string {
  const version = (globalThis as { process?: { version?: unknown } }).process?.version;
  return typeof version === 'string' ? `node/${version}` : 'browser';
}
