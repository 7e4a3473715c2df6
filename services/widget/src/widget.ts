import {
  backoffDelay,
  ClientError,
  createVisitorSession,
  DEFAULT_RECONNECT,
  gatewayWebSocketUrl,
  isHiddenMessage,
  MAX_TEXT_CHARS,
  newClientMsgId,
  roleName,
  SwitchboardClient,
  type IdleWarningInfo,
  type QueueStatusInfo,
  type ReadReceiptInfo,
  type TypingInfo,
  type VisitorSession,
} from '@switchboard/client';
import {
  Availability,
  ConversationEventType,
  ConversationState,
  ErrorCode,
  ParticipantRole,
  type ConversationEvent,
  type ConversationSummary,
  type UnifiedMessage,
} from '@switchboard/proto/wire';
import { queueLine, roundUpMinutes } from './format';
import { translator, type Translate } from './i18n';
import type { WidgetConfig } from './options';
import { type PageInfo, visitorContext } from './profile';
import type { OutboxEntry, WidgetStore } from './storage';
import { type SenderRole, Thread } from './thread';
import { type CsatState, View } from './view';

/** Messages delivered on connect for a conversation's history; older ones come with "Show earlier messages". */
export const HISTORY_PAGE = 50;
/** After a send failed with a retryable error on an open connection, try again after this long. */
const RESEND_DELAY_MS = 2000;
/** Deliveries within this long are marked read with one MarkRead. */
const MARK_READ_DELAY_MS = 150;

/** What the widget needs from the page; main.ts passes the real window, tests could pass fakes. */
export interface WidgetEnvironment {
  readonly store: WidgetStore;
  page(): PageInfo;
  online(): boolean;
  visible(): boolean;
  /** Tells the host page (CustomEvents on window: switchboard:open, :close, :unread, :message). */
  emit(name: string, detail: unknown): void;
  readonly WebSocket?: typeof WebSocket;
}

type OfflineMode = 'hidden' | 'form' | 'sent';

/**
 * The widget's controller: the visitor's session and connection (the SDK does delivery, order, resends and
 * reconnects), the local outbox that survives reloads and offline spells, and what the view shows.
 *
 * Every session gets a generation number; callbacks from an older session's client compare it and do
 * nothing, so starting a new conversation never mixes two threads.
 */
export class Widget {
  readonly #config: WidgetConfig;
  readonly #env: WidgetEnvironment;
  readonly #t: Translate;
  readonly #view: View;
  readonly #thread = new Thread();
  #generation = 0;
  #session: VisitorSession | undefined;
  /** The conversation the thread shows ('' before the first session): another one means a fresh thread. */
  #threadConversation = '';
  #client: SwitchboardClient | undefined;
  #starting = false;
  /** The last session request failed for good (the error card shows); the network coming back retries it. */
  #startFailed = false;
  #connectFailures = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** The visitor's unacknowledged messages, oldest first; mirrored in storage. Sent one at a time, in order. */
  #outbox: OutboxEntry[] = [];
  #inflight: string | undefined;
  #summary: ConversationSummary | undefined;
  #queue: QueueStatusInfo | undefined;
  #agentReadSeq = 0;
  /** The lowest seq received (hidden ones included): "Show earlier messages" fetches below it. */
  #lowestSeq = 0;
  readonly #typing = new Map<string, string>();
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #markTimer: ReturnType<typeof setTimeout> | undefined;
  #csat: CsatState = 'hidden';
  #offline: OfflineMode = 'hidden';
  #networkOffline = false;
  /** The client was closed by the widget (the browser went offline), not by a failure. */
  #closedByUs = false;

  constructor(config: WidgetConfig, env: WidgetEnvironment) {
    this.#config = config;
    this.#env = env;
    this.#t = translator(config.lang);
    this.#view = new View(config, this.#t, {
      toggle: () => {
        this.toggle();
      },
      close: () => {
        this.close();
      },
      send: (text) => this.send(text),
      input: (text) => {
        this.#onInput(text);
      },
      retryMessage: (id) => {
        this.#retryMessage(id);
      },
      retryConnection: () => {
        this.#retryConnection();
      },
      submitPrechat: (answers) => {
        this.#env.store.update((s) => {
          s.profile = answers;
        });
        void this.#startSession();
      },
      submitOffline: (answers) => {
        this.#leaveMessage(answers);
      },
      rate: (score, comment) => {
        this.#rate(score, comment);
      },
      newConversation: () => {
        this.#newConversation();
      },
      loadEarlier: () => {
        this.#loadEarlier();
      },
    });
  }

  get host(): HTMLElement {
    return this.#view.host;
  }

  /** Resumes a stored conversation (so agent replies raise the badge), and reopens the panel if it was open. */
  start(): void {
    const saved = this.#env.store.load();
    this.#networkOffline = !this.#env.online();
    this.#view.setScreen('starting');
    if (saved.token !== '') void this.#startSession();
    if (saved.open) this.open(false);
  }

  open(moveFocus = true): void {
    const wasOpen = this.#view.isOpen;
    this.#view.setOpen(true, moveFocus);
    if (!wasOpen) {
      this.#env.store.update((s) => {
        s.open = true;
      });
      this.#env.emit('open', {});
    }
    if (this.#session === undefined && !this.#starting) {
      if (this.#needsPrechat()) this.#view.setScreen('prechat');
      else void this.#startSession();
    }
    if (moveFocus) this.#view.focusMain();
    this.#markReadIfVisible();
    this.#updateBadge();
  }

  close(): void {
    if (!this.#view.isOpen) return;
    this.#view.setOpen(false, true);
    this.#env.store.update((s) => {
      s.open = false;
    });
    this.#env.emit('close', {});
    this.#updateBadge();
  }

  toggle(): void {
    if (this.#view.isOpen) this.close();
    else this.open();
  }

  /** The visitor wrote a message: shown at once, kept in the outbox until the gateway stored it. */
  send(text: string): boolean {
    const trimmed = text.trim();
    if (trimmed === '' || Array.from(trimmed).length > MAX_TEXT_CHARS) return false;
    if (this.#summary?.state === ConversationState.CONVERSATION_STATE_CLOSED) return false;
    const entry: OutboxEntry = {
      clientMsgId: newClientMsgId(),
      // '' = the conversation the session being started will name.
      conversationId: this.#session?.conversationId ?? '',
      text: trimmed,
      atMs: Date.now(),
    };
    this.#outbox.push(entry);
    this.#env.store.addToOutbox(entry);
    this.#thread.addPending(entry.clientMsgId, entry.text, entry.atMs);
    this.#renderThread(true);
    this.#updateSubtitle();
    if (this.#session === undefined && !this.#starting) void this.#startSession();
    this.#pump();
    return true;
  }

  /** The browser says the network is gone or back (window offline/online events). */
  setNetwork(online: boolean): void {
    if (online === !this.#networkOffline) return;
    this.#networkOffline = !online;
    const client = this.#client;
    if (!online) {
      // The socket is dead or about to be: stop now rather than after a missed Pong, and keep sends local.
      if (client !== undefined && isRunning(client)) {
        this.#closedByUs = true;
        void client.close(1000, 'browser offline');
      }
    } else {
      this.#reconnectNow();
    }
    this.#updateBanner();
  }

  /** The page became visible or hidden. */
  visibilityChanged(): void {
    this.#markReadIfVisible();
    this.#updateBadge();
  }

  /** Another tab changed the stored state: follow it to its conversation. */
  storageChanged(): void {
    const saved = this.#env.store.load();
    if (saved.token === '' || this.#starting) return;
    const current = this.#session?.conversationId;
    if (current === undefined || (saved.conversationId !== '' && saved.conversationId !== current)) {
      // startSession shows a fresh thread when the conversation it gets is not the one shown.
      this.#teardown();
      void this.#startSession();
    }
  }

  // --- session and connection ---

  #needsPrechat(): boolean {
    return this.#config.preChatEnabled && this.#env.store.load().profile === undefined;
  }

  async #startSession(): Promise<void> {
    if (this.#starting) return;
    this.#starting = true;
    const generation = ++this.#generation;
    clearTimeout(this.#retryTimer);
    this.#view.setScreen('starting');
    this.#updateSubtitle();
    const saved = this.#env.store.load();
    let session: VisitorSession;
    try {
      session = await createVisitorSession(this.#config.gateway, {
        widgetKey: this.#config.widgetKey,
        ...(saved.token === '' ? {} : { token: saved.token }),
        context: visitorContext(saved.profile, this.#env.page(), this.#config.group),
      });
    } catch (err) {
      if (generation !== this.#generation) return;
      this.#starting = false;
      this.#connectFailures++;
      if (isRetryable(err) && this.#connectFailures <= 3) {
        this.#retryTimer = setTimeout(() => void this.#startSession(), this.#backoff());
        return;
      }
      this.#startFailed = true;
      this.#view.showError(this.#t('error.start'));
      return;
    }
    if (generation !== this.#generation) return;
    this.#starting = false;
    this.#startFailed = false;
    const stored = this.#env.store.update((s) => {
      s.token = session.token;
      s.visitorId = session.visitorId;
      s.conversationId = session.conversationId;
      // Messages written before there was a conversation belong to this one; a closed one's are void.
      s.outbox = s.outbox.flatMap((e) =>
        e.conversationId === '' || e.conversationId === session.conversationId
          ? [{ ...e, conversationId: session.conversationId }]
          : [],
      );
    });
    if (this.#threadConversation !== session.conversationId) this.#resetConversation();
    this.#threadConversation = session.conversationId;
    this.#session = session;
    this.#thread.setOwnId(session.visitorId);
    const known = new Set(this.#outbox.map((e) => e.clientMsgId));
    this.#outbox = [
      ...stored.outbox.filter((e) => !known.has(e.clientMsgId)),
      ...this.#outbox.map((e) => ({ ...e, conversationId: session.conversationId })),
    ];
    for (const e of this.#outbox) this.#thread.addPending(e.clientMsgId, e.text, e.atMs);
    this.#view.setScreen('chat');
    this.#renderThread(true);
    this.#updateSubtitle();
    this.#openClient(session, generation);
    // From the pre-chat form's button (or a retry) to the composer; never steals focus from the page.
    if (this.#view.hasFocus()) this.#view.focusMain();
  }

  #openClient(session: VisitorSession, generation: number): void {
    const client = new SwitchboardClient({
      url: gatewayWebSocketUrl(this.#config.gateway),
      token: session.token,
      clientName: 'switchboard-widget',
      backfillLimit: HISTORY_PAGE,
      refreshToken: () => this.#refreshToken(generation),
      ...(this.#env.WebSocket === undefined ? {} : { WebSocket: this.#env.WebSocket }),
    });
    this.#client = client;
    const live = (): boolean => generation === this.#generation && this.#client === client;
    client.on('welcome', (welcome) => {
      if (!live()) return;
      this.#connectFailures = 0;
      const summary = welcome.conversations.find((c) => c.conversationId === this.#conversationId());
      if (summary !== undefined) this.#applySummary(summary);
      this.#updateBanner();
      this.#pump();
      this.#markReadIfVisible();
      this.#updateBadge();
    });
    client.on('message', (m) => {
      if (live()) this.#onMessage(m);
    });
    client.on('conversation', (e) => {
      if (live()) this.#onConversationEvent(e);
    });
    client.on('queueStatus', (q) => {
      if (live()) this.#onQueueStatus(q);
    });
    client.on('typing', (info) => {
      if (live()) this.#onTyping(info);
    });
    client.on('readReceipt', (info) => {
      if (live()) this.#onReadReceipt(info);
    });
    client.on('idleWarning', (info) => {
      if (live()) this.#onIdleWarning(info);
    });
    client.on('unread', (state) => {
      if (!live() || state.conversationId !== this.#conversationId()) return;
      // Welcome's read states arrive as `unread` events right after the `welcome` event.
      this.#markReadIfVisible();
      this.#updateBadge();
    });
    client.on('state', () => {
      if (live()) this.#updateBanner();
    });
    client.on('close', (info) => {
      if (!live() || this.#closedByUs) return;
      if (info.error?.code === ErrorCode.ERROR_CODE_UNAUTHENTICATED) {
        // The token was refused and could not be renewed: start over with a new session.
        this.#teardown();
        void this.#startSession();
        return;
      }
      this.#updateBanner();
    });
    if (this.#networkOffline) {
      this.#updateBanner();
      return;
    }
    this.#connect(client, generation);
  }

  #connect(client: SwitchboardClient, generation: number): void {
    this.#closedByUs = false;
    clearTimeout(this.#retryTimer);
    client.connect().then(
      () => undefined,
      (err: unknown) => {
        if (generation !== this.#generation || this.#closedByUs) return;
        this.#connectFailures++;
        if (err instanceof ClientError && err.code === ErrorCode.ERROR_CODE_UNAUTHENTICATED) {
          this.#teardown();
          this.#env.store.update((s) => {
            s.token = '';
          });
          void this.#startSession();
          return;
        }
        if (isRetryable(err)) {
          // The first connect fails fast; keep trying like the SDK does after a drop.
          this.#retryTimer = setTimeout(() => {
            if (generation === this.#generation && !this.#networkOffline) this.#connect(client, generation);
          }, this.#backoff());
        }
        this.#updateBanner();
      },
    );
    this.#updateBanner();
  }

  /** Reconnects at once (the network is back, or the visitor asked), skipping any backoff wait. */
  #reconnectNow(): void {
    const client = this.#client;
    if (client === undefined) {
      const resumable = this.#startFailed || this.#env.store.load().token !== '';
      if (!this.#starting && resumable) void this.#startSession();
      return;
    }
    if (client.state === 'closing') {
      client.once('close', () => {
        this.#reconnectNow();
      });
      return;
    }
    if (client.state !== 'open') this.#connect(client, this.#generation);
  }

  #retryConnection(): void {
    if (this.#session === undefined) {
      this.#connectFailures = 0;
      if (this.#needsPrechat()) this.#view.setScreen('prechat');
      else void this.#startSession();
      return;
    }
    this.#reconnectNow();
  }

  /** The gateway refused the token (expired): renew it, keeping the conversation when it is still open. */
  async #refreshToken(generation: number): Promise<string> {
    const saved = this.#env.store.load();
    const session = await createVisitorSession(this.#config.gateway, {
      widgetKey: this.#config.widgetKey,
      token: this.#session?.token ?? saved.token,
      context: visitorContext(saved.profile, this.#env.page(), this.#config.group),
    });
    if (generation !== this.#generation) return session.token;
    this.#env.store.update((s) => {
      s.token = session.token;
      s.visitorId = session.visitorId;
      s.conversationId = session.conversationId;
    });
    if (session.conversationId !== this.#threadConversation) this.#resetConversation();
    this.#threadConversation = session.conversationId;
    this.#session = session;
    this.#thread.setOwnId(session.visitorId);
    return session.token;
  }

  /** Stops the current session's client; its callbacks become stale. */
  #teardown(): void {
    this.#generation++;
    clearTimeout(this.#retryTimer);
    const client = this.#client;
    this.#client = undefined;
    this.#session = undefined;
    this.#starting = false;
    this.#inflight = undefined;
    if (client !== undefined) void client.close();
  }

  /** Forgets everything shown about the conversation (it closed, or another one took its place). */
  #resetConversation(): void {
    this.#thread.clear();
    this.#outbox = this.#outbox.filter((e) => e.conversationId === '');
    this.#summary = undefined;
    this.#queue = undefined;
    this.#agentReadSeq = 0;
    this.#lowestSeq = 0;
    this.#typing.clear();
    this.#clearIdle();
    this.#csat = 'hidden';
    this.#offline = 'hidden';
    this.#view.showClosed(false, 'hidden');
    this.#view.showOffline('hidden', '', '', {});
    this.#view.setQueue('');
    this.#view.setTyping('');
    this.#view.setLoadEarlier(false);
    this.#renderThread(true);
    this.#updateBadge();
  }

  #newConversation(): void {
    this.#teardown();
    this.#resetConversation();
    this.#env.store.update((s) => {
      s.conversationId = '';
      s.outbox = [];
    });
    if (this.#needsPrechat()) this.#view.setScreen('prechat');
    else void this.#startSession();
    if (this.#view.hasFocus()) this.#view.focusMain();
  }

  #backoff(): number {
    return backoffDelay(this.#connectFailures, DEFAULT_RECONNECT);
  }

  #conversationId(): string {
    return this.#session?.conversationId ?? '';
  }

  // --- sending ---

  /** Sends the oldest unacknowledged message, then the next once it is stored: the thread keeps their order. */
  #pump(): void {
    const client = this.#client;
    const conversationId = this.#conversationId();
    if (client === undefined || conversationId === '' || this.#inflight !== undefined) return;
    if (!isRunning(client) || this.#networkOffline) return;
    const entry = this.#outbox.find((e) => e.conversationId === conversationId);
    if (entry === undefined) return;
    const generation = this.#generation;
    this.#inflight = entry.clientMsgId;
    client.send(conversationId, entry.text, { clientMsgId: entry.clientMsgId }).then(
      (ack) => {
        if (generation !== this.#generation) return;
        this.#inflight = undefined;
        this.#dropFromOutbox(entry.clientMsgId);
        this.#thread.ack(entry.clientMsgId, ack.seq, ack.acceptedAtMs);
        this.#renderThread(false);
        this.#pump();
      },
      (err: unknown) => {
        if (generation !== this.#generation) return;
        this.#inflight = undefined;
        if (isRetryable(err)) {
          // Kept: sent again after the next Welcome, or shortly if the connection is still up.
          if (client.state === 'open')
            setTimeout(() => {
              this.#pump();
            }, RESEND_DELAY_MS);
          return;
        }
        this.#dropFromOutbox(entry.clientMsgId);
        this.#thread.fail(entry.clientMsgId);
        this.#renderThread(false);
        this.#pump();
      },
    );
  }

  #dropFromOutbox(clientMsgId: string): void {
    this.#outbox = this.#outbox.filter((e) => e.clientMsgId !== clientMsgId);
    this.#env.store.removeFromOutbox(clientMsgId);
  }

  #retryMessage(clientMsgId: string): void {
    const item = this.#thread.get(`o:${clientMsgId}`);
    const conversationId = this.#conversationId();
    if (item?.kind !== 'message' || item.status !== 'failed' || conversationId === '') return;
    // The same client_msg_id: if the first attempt was stored after all, the gateway answers with it.
    const entry: OutboxEntry = { clientMsgId, conversationId, text: item.text, atMs: item.atMs };
    this.#outbox.push(entry);
    this.#env.store.addToOutbox(entry);
    this.#thread.addPending(clientMsgId, item.text, item.atMs);
    this.#renderThread(false);
    this.#pump();
  }

  #onInput(text: string): void {
    const client = this.#client;
    const conversationId = this.#conversationId();
    if (client?.state !== 'open' || conversationId === '') return;
    client.setTyping(conversationId, text.trim() !== '');
  }

  // --- what the gateway tells ---

  #onMessage(m: UnifiedMessage): void {
    if (m.conversationId !== this.#conversationId()) return;
    if (this.#lowestSeq === 0 || m.seq < this.#lowestSeq) this.#lowestSeq = m.seq;
    this.#view.setLoadEarlier(this.#lowestSeq > 1);
    if (isHiddenMessage(m)) return;
    const senderId = m.sender?.id ?? '';
    const changed = this.#thread.deliver({
      seq: m.seq,
      clientMsgId: m.clientMsgId,
      senderId,
      role: roleOf(m.sender?.role),
      name: m.sender?.displayName ?? '',
      text: m.text,
      atMs: m.acceptedAtMs || m.clientSentAtMs,
    });
    if (!changed) return;
    const own = senderId === this.#session?.visitorId;
    if (own) {
      // Delivered (maybe sent by another tab): no longer ours to send.
      if (this.#outbox.some((e) => e.clientMsgId === m.clientMsgId) && this.#inflight !== m.clientMsgId)
        this.#dropFromOutbox(m.clientMsgId);
    } else {
      this.#typing.delete(senderId);
      this.#renderTyping();
    }
    this.#clearIdle();
    this.#renderThread(own);
    this.#updateSubtitle();
    this.#markReadIfVisible();
    this.#env.emit('message', { own, seq: m.seq, text: m.text, name: m.sender?.displayName ?? '' });
  }

  #onConversationEvent(e: ConversationEvent): void {
    if (e.conversationId !== this.#conversationId() || e.conversation === undefined) return;
    const before = this.#summary?.version ?? -1;
    this.#applySummary(e.conversation);
    if (e.version <= before) return;
    const name = e.conversation.agentDisplayName || this.#t('agent.fallback');
    const E = ConversationEventType;
    if (e.type === E.CONVERSATION_EVENT_TYPE_ACCEPTED || e.type === E.CONVERSATION_EVENT_TYPE_TAKEN_OVER) {
      this.#thread.notice(`joined-${e.version}`, this.#t('event.joined', { name }), e.lastSeq);
    } else if (e.type === E.CONVERSATION_EVENT_TYPE_TRANSFER_REQUESTED) {
      this.#thread.notice(`transfer-${e.version}`, this.#t('event.transfer'), e.lastSeq);
    } else {
      return;
    }
    this.#renderThread(false);
  }

  #applySummary(summary: ConversationSummary): void {
    if (this.#summary !== undefined && summary.version < this.#summary.version) return;
    this.#summary = summary;
    const closed = summary.state === ConversationState.CONVERSATION_STATE_CLOSED;
    if (summary.state !== ConversationState.CONVERSATION_STATE_QUEUED) this.#queue = undefined;
    if (closed) {
      this.#typing.clear();
      this.#clearIdle();
      this.#offline = 'hidden';
      const saved = this.#env.store.load();
      if (summary.csat !== undefined || saved.rated.includes(summary.conversationId)) {
        if (this.#csat !== 'thanks') this.#csat = 'hidden';
      } else if (this.#config.csatEnabled && summary.agentId !== '' && this.#csat === 'hidden') {
        this.#csat = 'ask';
      }
    } else {
      this.#csat = 'hidden';
    }
    this.#renderQueue();
    this.#renderTyping();
    this.#view.showClosed(closed, this.#csat);
    this.#updateSubtitle();
  }

  #onQueueStatus(q: QueueStatusInfo): void {
    if (q.conversationId !== this.#conversationId()) return;
    this.#queue = q.position > 0 ? q : undefined;
    this.#renderQueue();
  }

  #renderQueue(): void {
    const q = this.#queue;
    const open =
      this.#summary === undefined || this.#summary.state !== ConversationState.CONVERSATION_STATE_CLOSED;
    const unavailable =
      q !== undefined &&
      (q.availability === Availability.AVAILABILITY_NO_AGENTS ||
        q.availability === Availability.AVAILABILITY_OUTSIDE_HOURS);
    if (unavailable && open) {
      const left = this.#env.store.load().leftMessage.includes(this.#conversationId());
      if (this.#offline === 'hidden') this.#offline = left ? 'sent' : 'form';
    } else if (this.#offline === 'form') {
      this.#offline = 'hidden';
    }
    const hours = q?.availability === Availability.AVAILABILITY_OUTSIDE_HOURS;
    const profile = this.#env.store.load().profile ?? {};
    this.#view.showOffline(
      open ? this.#offline : 'hidden',
      this.#t(hours ? 'offline.title.hours' : 'offline.title.noAgents'),
      q?.offlineMessage || this.#config.offlineMessage || this.#t('offline.body'),
      { name: profile['name'] ?? '', email: profile['email'] ?? '' },
    );
    if (q === undefined || unavailable || !open) {
      this.#view.setQueue('');
      return;
    }
    this.#view.setQueue(queueLine(this.#t, q.position, q.estimatedWaitS));
  }

  #leaveMessage(answers: { name: string; email: string; message: string }): void {
    const name = answers.name.trim();
    const email = answers.email.trim();
    const contact = [
      name === '' ? '' : this.#t('offline.contactName', { name }),
      email === '' ? '' : this.#t('offline.contactEmail', { email }),
    ].filter((line) => line !== '');
    const text = [answers.message.trim(), ...(contact.length > 0 ? ['', ...contact] : [])].join('\n');
    if (!this.send(text)) return;
    const conversationId = this.#conversationId();
    this.#env.store.update((s) => {
      s.leftMessage.push(conversationId);
      // Remembered for the visitor's next conversation's context.
      s.profile = {
        ...s.profile,
        ...(name === '' ? {} : { name }),
        ...(email === '' ? {} : { email }),
      };
    });
    this.#offline = 'sent';
    this.#renderQueue();
  }

  #onTyping(info: TypingInfo): void {
    if (info.conversationId !== this.#conversationId()) return;
    if (info.participant.role === ParticipantRole.PARTICIPANT_ROLE_VISITOR) return;
    if (info.typing) {
      this.#typing.set(info.participant.id, info.participant.displayName || this.#t('agent.fallback'));
    } else {
      this.#typing.delete(info.participant.id);
    }
    this.#renderTyping();
  }

  #renderTyping(): void {
    const closed = this.#summary?.state === ConversationState.CONVERSATION_STATE_CLOSED;
    const names = closed ? [] : [...this.#typing.values()];
    this.#view.setTyping(names.length === 0 ? '' : this.#t('typing.one', { name: names.join(', ') }));
  }

  #onReadReceipt(info: ReadReceiptInfo): void {
    if (info.conversationId !== this.#conversationId()) return;
    if (info.participant.role === ParticipantRole.PARTICIPANT_ROLE_VISITOR) return;
    if (info.readSeq <= this.#agentReadSeq) return;
    this.#agentReadSeq = info.readSeq;
    this.#renderThread(false);
  }

  #onIdleWarning(info: IdleWarningInfo): void {
    if (info.conversationId !== this.#conversationId()) return;
    const remainingMs = Math.max(0, info.closesAtMs - info.atMs);
    this.#view.setIdle(this.#t('idle.warning', { minutes: roundUpMinutes(remainingMs / 1000) }));
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      this.#view.setIdle('');
    }, remainingMs + 5000);
  }

  #clearIdle(): void {
    clearTimeout(this.#idleTimer);
    this.#view.setIdle('');
  }

  #rate(score: number, comment: string): void {
    const client = this.#client;
    const conversationId = this.#conversationId();
    if (client === undefined || conversationId === '') return;
    this.#csat = 'sending';
    this.#view.showClosed(true, this.#csat);
    const generation = this.#generation;
    client.rate(conversationId, score, comment).then(
      () => {
        if (generation !== this.#generation) return;
        this.#env.store.update((s) => {
          s.rated.push(conversationId);
        });
        this.#csat = 'thanks';
        this.#view.showClosed(true, this.#csat);
      },
      () => {
        if (generation !== this.#generation) return;
        this.#csat = 'error';
        this.#view.showClosed(true, this.#csat);
      },
    );
  }

  #loadEarlier(): void {
    const client = this.#client;
    const conversationId = this.#conversationId();
    const below = this.#lowestSeq;
    if (client?.state !== 'open' || conversationId === '' || below <= 1) return;
    const generation = this.#generation;
    client.fetchMessages(conversationId, Math.max(1, below - HISTORY_PAGE), below - 1).then(
      (result) => {
        if (generation !== this.#generation) return;
        for (const m of result.messages) this.#onMessage(m);
      },
      () => undefined,
    );
  }

  // --- view state ---

  #renderThread(follow: boolean): void {
    const read = this.#thread.lastReadOwn(this.#agentReadSeq);
    this.#view.renderThread(this.#thread.items(), read?.key, follow);
  }

  /** Marks the conversation read (soon: a burst of deliveries makes one MarkRead) when the visitor can see it. */
  #markReadIfVisible(): void {
    if (this.#markTimer !== undefined) return;
    this.#markTimer = setTimeout(() => {
      this.#markTimer = undefined;
      this.#markRead();
    }, MARK_READ_DELAY_MS);
  }

  #markRead(): void {
    const client = this.#client;
    const conversationId = this.#conversationId();
    if (client?.state !== 'open' || conversationId === '') return;
    if (!this.#view.isOpen || !this.#env.visible()) return;
    if (client.unreadCount(conversationId) === 0) return;
    const seq = client.lastSeq(conversationId);
    if (seq >= 1) client.markRead(conversationId, seq);
  }

  #updateBadge(): void {
    const client = this.#client;
    const conversationId = this.#conversationId();
    const count =
      client === undefined || conversationId === '' || this.#view.isOpen
        ? 0
        : client.unreadCount(conversationId);
    if (count === this.#view.unread) return;
    this.#view.setBadge(count);
    this.#env.emit('unread', { count });
  }

  #updateBanner(): void {
    const client = this.#client;
    if (this.#networkOffline && (client !== undefined || this.#starting)) {
      this.#view.setBanner('reconnecting');
      return;
    }
    if (client === undefined) {
      this.#view.setBanner(this.#starting && this.#connectFailures > 0 ? 'reconnecting' : 'none');
      return;
    }
    switch (client.state) {
      case 'open':
      case 'idle':
        this.#view.setBanner('none');
        return;
      case 'connecting':
        this.#view.setBanner(this.#connectFailures > 0 ? 'reconnecting' : 'none');
        return;
      case 'reconnecting':
        this.#view.setBanner('reconnecting');
        return;
      case 'closing':
      case 'closed':
        this.#view.setBanner(
          this.#retryTimer !== undefined && this.#connectFailures > 0 ? 'reconnecting' : 'lost',
        );
        return;
    }
  }

  #updateSubtitle(): void {
    const s = this.#summary;
    let text = '';
    if (
      this.#starting ||
      (this.#session !== undefined && this.#client?.state === 'connecting' && s === undefined)
    ) {
      text = this.#t('status.connecting');
    } else if (s !== undefined) {
      const S = ConversationState;
      if (s.state === S.CONVERSATION_STATE_CLOSED) {
        text = this.#t('status.ended');
      } else if (s.state === S.CONVERSATION_STATE_CHATTING || s.state === S.CONVERSATION_STATE_TRANSFERRING) {
        text = this.#t('status.chatting', { name: s.agentDisplayName || this.#t('agent.fallback') });
      } else if (s.lastSeq > 0 || this.#thread.size > 0) {
        text = this.#t('status.waiting');
      }
    } else if (this.#thread.size > 0) {
      text = this.#t('status.waiting');
    }
    this.#view.setSubtitle(text);
  }
}

function isRunning(client: SwitchboardClient): boolean {
  return client.state === 'open' || client.state === 'connecting' || client.state === 'reconnecting';
}

/** Worth trying again unchanged: the gateway was unreachable or busy, or the socket dropped first. */
function isRetryable(err: unknown): boolean {
  return err instanceof ClientError && (err.retryable || err.source === 'close' || err.source === 'timeout');
}

/** Anyone the widget cannot place is shown on the other side, as an agent. */
function roleOf(role: ParticipantRole | undefined): SenderRole {
  return roleName(role) ?? 'agent';
}
