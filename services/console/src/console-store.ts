import {
  type AgentStatusName,
  ClientError,
  type ClientEvents,
  type ConnectionState,
  newClientMsgId,
  type SwitchboardClient,
  type TransferTarget,
} from '@switchboard/client';
import {
  ConversationEventType,
  type ConversationSummary,
  ErrorCode,
  ParticipantRole,
  type QueueSnapshot,
} from '@switchboard/proto/wire';
import { type AgentInfo, type AgentSession, ApiError, type ConsoleApi, type GroupInfo } from './api';
import { pruneAlerts } from './domain/attention';
import type { CannedReplyView } from './domain/canned';
import { knownVisitorName } from './domain/conversation-list';
import { queueVisitorNames } from './domain/queue';
import {
  type ConversationRecord,
  isMine,
  isOfferedTo,
  isOpen,
  newerRecord,
  recordFromSummary,
  upsertRecords,
} from './domain/records';
import {
  type ChatMessage,
  type FetchRange,
  firstGap,
  latestRange,
  mergeMessages,
  messageFromUnified,
  olderRange,
  rangeToReach,
} from './domain/timeline';

export interface TimelineState {
  messages: readonly ChatMessage[];
  /** A fetch (older page, newest page, a gap) is under way. */
  loading: boolean;
  error: string | undefined;
}

export interface PendingMessage {
  clientMsgId: string;
  conversationId: string;
  text: string;
  note: boolean;
  atMs: number;
  /** Why it failed; undefined while it is on its way. */
  failed: string | undefined;
}

export type DetailState =
  | { status: 'loading' }
  | { status: 'ready'; previous: readonly ConversationRecord[] }
  | { status: 'error'; error: string };

export type ListScope = 'all' | 'closed';
export type LoadState = 'idle' | 'loading' | 'ready' | 'error';

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export interface ConsoleState {
  me: AgentSession;
  /** Supervisor or admin: sees every conversation, may take over. */
  supervisor: boolean;
  connection: ConnectionState;
  reconnectAttempt: number;
  connectionError: string | undefined;
  /** The agent chose Offline: the socket is closed on purpose. */
  offline: boolean;
  status: AgentStatusName | undefined;
  records: Readonly<Record<string, ConversationRecord>>;
  timelines: Readonly<Record<string, TimelineState | undefined>>;
  pending: readonly PendingMessage[];
  unread: Readonly<Record<string, number>>;
  /** Display names of whoever is typing, per conversation. */
  typing: Readonly<Record<string, readonly string[] | undefined>>;
  /** How far the visitor has read, per conversation (read receipts). */
  visitorReadSeq: Readonly<Record<string, number>>;
  /** Visitor display names by visitor id, from their messages and the queue. */
  visitorNames: Readonly<Record<string, string>>;
  queue: QueueSnapshot | undefined;
  agents: readonly AgentInfo[] | undefined;
  groups: readonly GroupInfo[] | undefined;
  cannedReplies: readonly CannedReplyView[];
  details: Readonly<Record<string, DetailState | undefined>>;
  lists: Readonly<Record<ListScope, LoadState>>;
  /** Conversations offered to the agent that still want attention, oldest first. */
  alerts: readonly string[];
  toasts: readonly Toast[];
  /** The gateway refused the token: back to the login page. */
  expired: boolean;
}

/** Attention-getters for a new offer (a sound, a desktop notification); the browser implements them. */
export interface OfferSignals {
  /** `visitorName` is '' when the visitor gave none. */
  offered(record: ConversationRecord, visitorName: string): void;
}

export interface ConsoleStoreOptions {
  session: AgentSession;
  client: SwitchboardClient;
  api: ConsoleApi;
  pageSize: number;
  signals?: OfferSignals;
  /** How often an open conversation that is not delivered live (someone else's) is re-read while shown. */
  watchIntervalMs?: number;
  now?: () => number;
}

const TOAST_MS = 7_000;
const MAX_FETCH = 500;
/** A history jump never loads more than this many messages at once. */
const MAX_RANGE_MESSAGES = 3_000;
const CANNED_REFRESH_MS = 30_000;

type Listener = () => void;

/**
 * The console's state and everything that changes it: SDK events (deliveries, conversation updates, queue,
 * typing, receipts, connection) and the agent's actions (commands, sends, fetches, REST reads). The views
 * read `state` and call the actions; nothing else talks to the gateway.
 */
export class ConsoleStore {
  readonly api: ConsoleApi;
  readonly pageSize: number;
  readonly #client: SwitchboardClient;
  readonly #signals: OfferSignals | undefined;
  readonly #watchIntervalMs: number;
  readonly #now: () => number;
  readonly #listeners = new Set<Listener>();
  readonly #gapFills = new Set<string>();
  readonly #toastTimers = new Map<number, ReturnType<typeof setTimeout>>();
  readonly #unsubscribe: (() => void)[] = [];
  #state: ConsoleState;
  #notifyScheduled = false;
  #nextToast = 1;
  #cannedLoadedAt = 0;
  #stopped = false;

  constructor(opts: ConsoleStoreOptions) {
    this.api = opts.api;
    this.pageSize = opts.pageSize;
    this.#client = opts.client;
    this.#signals = opts.signals;
    this.#watchIntervalMs = opts.watchIntervalMs ?? 4_000;
    this.#now = opts.now ?? Date.now;
    this.#state = {
      me: opts.session,
      supervisor: opts.session.role !== 'agent',
      connection: opts.client.state,
      reconnectAttempt: 0,
      connectionError: undefined,
      offline: false,
      status: undefined,
      records: {},
      timelines: {},
      pending: [],
      unread: {},
      typing: {},
      visitorReadSeq: {},
      visitorNames: {},
      queue: undefined,
      agents: undefined,
      groups: undefined,
      cannedReplies: [],
      details: {},
      lists: { all: 'idle', closed: 'idle' },
      alerts: [],
      toasts: [],
      expired: false,
    };
    this.#listen();
  }

  get state(): ConsoleState {
    return this.#state;
  }

  /** Calls `listener` after changes (batched: once per microtask however many changes). */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Connects and loads what the views need from REST. */
  start(): void {
    this.#connect();
    void this.#loadDirectory();
    void this.refreshCannedReplies(true);
  }

  /** Stops everything (logout): closes the socket, drops timers. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const off of this.#unsubscribe.splice(0)) off();
    for (const timer of this.#toastTimers.values()) clearTimeout(timer);
    this.#toastTimers.clear();
    await this.#client.close();
  }

  // --- connection and status ---

  #connect(): void {
    this.#client.connect().catch((err: unknown) => {
      if (isUnauthenticated(err)) {
        this.#set({ expired: true });
        return;
      }
      this.#set({ connectionError: describe(err) });
    });
  }

  /** The gateway refused the token (a REST 401 seen elsewhere): back to the login page. */
  expire(): void {
    this.#set({ expired: true });
  }

  /** Skips the reconnect backoff (or reconnects after the client gave up). */
  reconnectNow(): void {
    this.#set({ connectionError: undefined });
    this.#connect();
  }

  async setStatus(status: AgentStatusName): Promise<void> {
    if (status === 'offline') {
      this.#set({ offline: true, status: 'offline' });
      await this.#client.close(1000, 'agent went offline');
      return;
    }
    try {
      if (this.#state.offline || this.#client.state === 'closed') {
        this.#set({ offline: false, connectionError: undefined });
        await this.#client.connect();
      }
      await this.#client.setStatus(status);
    } catch (err) {
      this.#fail(err);
    }
  }

  // --- REST reads ---

  async #loadDirectory(): Promise<void> {
    try {
      const [agents, groups] = await Promise.all([this.api.agents(), this.api.groups()]);
      this.#set({ agents, groups });
    } catch (err) {
      this.#fail(err);
    }
  }

  /** Reloads the canned replies unless they were loaded recently (the `/` picker calls this as it opens). */
  async refreshCannedReplies(force = false): Promise<void> {
    const now = this.#now();
    if (!force && now - this.#cannedLoadedAt < CANNED_REFRESH_MS) return;
    this.#cannedLoadedAt = now;
    try {
      this.#set({ cannedReplies: await this.api.cannedReplies() });
    } catch (err) {
      this.#cannedLoadedAt = 0;
      this.#fail(err);
    }
  }

  /** Loads the All or Closed list from REST; live updates keep it current afterwards. */
  async loadList(scope: ListScope): Promise<void> {
    this.#set({ lists: { ...this.#state.lists, [scope]: 'loading' } });
    try {
      const list = await this.api.conversations(scope, 200);
      this.#set({
        records: upsertRecords(this.#state.records, list),
        lists: { ...this.#state.lists, [scope]: 'ready' },
      });
    } catch (err) {
      this.#set({ lists: { ...this.#state.lists, [scope]: 'error' } });
      this.#fail(err);
    }
  }

  /** Loads a conversation's record, visitor context and previous conversations (the context panel). */
  async loadDetail(id: string): Promise<void> {
    this.#setDetail(id, { status: 'loading' });
    try {
      const detail = await this.api.conversation(id);
      this.#set({ records: upsertRecords(this.#state.records, [detail.record, ...detail.previous]) });
      this.#setDetail(id, { status: 'ready', previous: detail.previous });
    } catch (err) {
      this.#setDetail(id, { status: 'error', error: describe(err) });
    }
  }

  #setDetail(id: string, detail: DetailState): void {
    this.#set({ details: { ...this.#state.details, [id]: detail } });
  }

  // --- opening conversations and history ---

  /**
   * Makes a conversation ready to show: its record (fetched when unknown), its newest page (unless it is
   * delivered live already) and, with `seq`, everything from just above that message.
   */
  async open(id: string, seq?: number): Promise<void> {
    this.#set({ alerts: this.#state.alerts.filter((a) => a !== id) });
    const detail = this.#state.details[id];
    const loading = detail === undefined || detail.status === 'error' ? this.loadDetail(id) : undefined;
    let record = this.#state.records[id];
    if (record === undefined) {
      await loading;
      record = this.#state.records[id];
    }
    const messages = this.#state.timelines[id]?.messages ?? [];
    if (seq !== undefined) {
      const range = rangeToReach(messages, seq);
      if (range !== undefined) await this.#load(id, range);
      return;
    }
    // The agent's own conversations arrive by themselves (the SDK's backfill); others are read here. A record's
    // last_seq may be stale or unknown (0): the fetch runs up to the newest either way.
    if (messages.length === 0 && record !== undefined && !isMine(record, this.#state.me.agentId)) {
      await this.#load(id, latestRange(record.lastSeq, this.pageSize));
    }
  }

  /** Loads the page above the oldest loaded message (scrolling up). */
  async loadOlder(id: string): Promise<void> {
    const timeline = this.#state.timelines[id];
    if (timeline?.loading === true) return;
    const range = olderRange(timeline?.messages ?? [], this.pageSize);
    if (range !== undefined) await this.#load(id, range);
  }

  /**
   * Re-reads the tail of a conversation that is not delivered to this socket (someone else's, watched by a
   * supervisor). Returns a stop function; the view calls it while the conversation is shown.
   */
  watch(id: string): () => void {
    const timer = setInterval(() => {
      const record = this.#state.records[id];
      if (record === undefined || !isOpen(record) || isMine(record, this.#state.me.agentId)) return;
      const last = this.#state.timelines[id]?.messages.at(-1)?.seq ?? 0;
      if (this.#state.timelines[id]?.loading === true) return;
      void this.#load(id, { fromSeq: last + 1, toSeq: 0, limit: 0 }, true);
    }, this.#watchIntervalMs);
    return () => {
      clearInterval(timer);
    };
  }

  async #load(id: string, range: FetchRange, quiet = false): Promise<void> {
    if (this.#client.state !== 'open') {
      if (!quiet) this.#patchTimeline(id, { error: undefined });
      return;
    }
    this.#patchTimeline(id, { loading: true, error: undefined });
    try {
      const fetched = await this.#fetchRange(id, range);
      this.#patchTimeline(id, {
        loading: false,
        messages: mergeMessages(this.#state.timelines[id]?.messages ?? [], fetched),
      });
      this.#learnVisitorNames(fetched);
      this.#fillGap(id);
    } catch (err) {
      this.#patchTimeline(id, { loading: false, error: quiet ? undefined : describe(err) });
    }
  }

  async #fetchRange(id: string, range: FetchRange): Promise<ChatMessage[]> {
    const out: ChatMessage[] = [];
    let from = range.fromSeq;
    for (;;) {
      const limit =
        range.limit > 0
          ? Math.min(MAX_FETCH, range.limit - out.length)
          : range.toSeq === 0
            ? MAX_FETCH
            : Math.min(MAX_FETCH, range.toSeq - from + 1);
      const page = await this.#client.fetchMessages(id, from, range.toSeq, limit);
      out.push(...page.messages.map(messageFromUnified));
      const last = page.messages.at(-1)?.seq;
      if (!page.hasMore || last === undefined || out.length >= MAX_RANGE_MESSAGES) return out;
      if (range.limit > 0 && out.length >= range.limit) return out;
      if (range.toSeq !== 0 && last >= range.toSeq) return out;
      from = last + 1;
    }
  }

  /** A hole between loaded messages (a fetched page and the live tail): fetch it. */
  #fillGap(id: string): void {
    const gap = firstGap(this.#state.timelines[id]?.messages ?? []);
    if (gap === undefined || this.#gapFills.has(id)) return;
    this.#gapFills.add(id);
    void this.#load(id, { fromSeq: gap.fromSeq, toSeq: gap.toSeq, limit: 0 }, true).finally(() => {
      this.#gapFills.delete(id);
    });
  }

  #patchTimeline(id: string, patch: Partial<TimelineState>): void {
    const current = this.#state.timelines[id] ?? { messages: [], loading: false, error: undefined };
    this.#set({ timelines: { ...this.#state.timelines, [id]: { ...current, ...patch } } });
  }

  // --- sending ---

  send(conversationId: string, text: string, note: boolean): void {
    const clientMsgId = newClientMsgId();
    this.#set({
      pending: [
        ...this.#state.pending,
        { clientMsgId, conversationId, text, note, atMs: this.#now(), failed: undefined },
      ],
    });
    this.#dispatch(clientMsgId, conversationId, text, note);
  }

  /** Sends a failed message again with the same client_msg_id: the gateway never stores it twice. */
  retry(clientMsgId: string): void {
    const p = this.#state.pending.find((x) => x.clientMsgId === clientMsgId);
    if (p === undefined) return;
    this.#patchPending(clientMsgId, { failed: undefined });
    this.#dispatch(clientMsgId, p.conversationId, p.text, p.note);
  }

  discard(clientMsgId: string): void {
    this.#set({ pending: this.#state.pending.filter((p) => p.clientMsgId !== clientMsgId) });
  }

  #dispatch(clientMsgId: string, conversationId: string, text: string, note: boolean): void {
    const sent = note
      ? this.#client.sendNote(conversationId, text, { clientMsgId })
      : this.#client.send(conversationId, text, { clientMsgId });
    sent.then(
      () => {
        // The delivery of the message itself removes the pending entry; the ack only confirms it.
      },
      (err: unknown) => {
        this.#patchPending(clientMsgId, { failed: describe(err) });
      },
    );
  }

  #patchPending(clientMsgId: string, patch: Partial<PendingMessage>): void {
    this.#set({
      pending: this.#state.pending.map((p) => (p.clientMsgId === clientMsgId ? { ...p, ...patch } : p)),
    });
  }

  /** The agent's own typing notice; the SDK throttles it. */
  typing(conversationId: string, typing: boolean): void {
    if (this.#client.state !== 'open') return;
    try {
      this.#client.setTyping(conversationId, typing);
    } catch {
      // typing notices are best effort
    }
  }

  /** Marks the conversation read up to its newest loaded message (it is on screen). */
  markRead(conversationId: string): void {
    const record = this.#state.records[conversationId];
    if (record === undefined || !isMine(record, this.#state.me.agentId)) return;
    const last = this.#state.timelines[conversationId]?.messages.at(-1)?.seq ?? 0;
    if (last < 1 || (this.#state.unread[conversationId] ?? 0) === 0) return;
    try {
      this.#client.markRead(conversationId, last);
    } catch (err) {
      this.#fail(err);
    }
  }

  // --- commands ---

  accept(id: string): Promise<boolean> {
    return this.#command(() => this.#client.accept(id));
  }

  pick(id: string): Promise<boolean> {
    return this.#command(() => this.#client.pick(id));
  }

  takeOver(id: string): Promise<boolean> {
    return this.#command(() => this.#client.takeOver(id));
  }

  closeConversation(id: string): Promise<boolean> {
    return this.#command(() => this.#client.closeConversation(id));
  }

  transfer(id: string, target: TransferTarget, note: string): Promise<boolean> {
    return this.#command(() => this.#client.transfer(id, target, note));
  }

  setLabels(id: string, labels: readonly string[]): Promise<boolean> {
    return this.#command(() => this.#client.setLabels(id, labels));
  }

  async #command(run: () => Promise<ConversationSummary>): Promise<boolean> {
    try {
      const summary = await run();
      this.#upsert([recordFromSummary(summary)]);
      return true;
    } catch (err) {
      this.#fail(err);
      return false;
    }
  }

  // --- toasts ---

  toast(kind: Toast['kind'], text: string): void {
    const id = this.#nextToast++;
    this.#set({ toasts: [...this.#state.toasts, { id, kind, text }].slice(-4) });
    this.#toastTimers.set(
      id,
      setTimeout(() => {
        this.dismissToast(id);
      }, TOAST_MS),
    );
  }

  dismissToast(id: number): void {
    clearTimeout(this.#toastTimers.get(id));
    this.#toastTimers.delete(id);
    this.#set({ toasts: this.#state.toasts.filter((t) => t.id !== id) });
  }

  #fail(err: unknown): void {
    if (this.#stopped) return;
    if (isUnauthenticated(err)) {
      this.#set({ expired: true });
      return;
    }
    this.toast('error', describe(err));
  }

  // --- SDK events ---

  #listen(): void {
    const c = this.#client;
    const on = <K extends keyof ClientEvents>(
      event: K,
      handler: (...args: ClientEvents[K]) => void,
    ): void => {
      c.on(event, handler);
      this.#unsubscribe.push(() => c.off(event, handler));
    };
    on('welcome', (welcome) => {
      this.#set({
        supervisor: welcome.supervisor || this.#state.me.role !== 'agent',
        connectionError: undefined,
      });
      // A record's last_seq is as of its last lifecycle change; the read states know the newest seq.
      const newest = new Map(c.readStates().map((r) => [r.conversationId, r.lastSeq]));
      this.#upsert(
        welcome.conversations.map((summary) => {
          const r = recordFromSummary(summary);
          return { ...r, lastSeq: Math.max(r.lastSeq, newest.get(r.id) ?? 0) };
        }),
      );
      const unread = { ...this.#state.unread };
      for (const r of c.readStates()) unread[r.conversationId] = r.unreadCount;
      this.#set({ unread });
    });
    on('status', (status) => {
      if (!this.#state.offline) this.#set({ status });
    });
    on('state', (state) => {
      const patch: Partial<ConsoleState> = { connection: state };
      if (state === 'open') Object.assign(patch, { reconnectAttempt: 0, connectionError: undefined });
      if (this.#state.offline) patch.status = 'offline';
      this.#set(patch);
    });
    on('reconnecting', (info) => {
      this.#set({ reconnectAttempt: info.attempt });
    });
    on('close', (info) => {
      if (info.error !== undefined && isUnauthenticated(info.error)) {
        this.#set({ expired: true });
        return;
      }
      if (!this.#state.offline && !this.#stopped)
        this.#set({ connectionError: info.error?.message ?? (info.reason || `closed (${info.code})`) });
    });
    on('conversation', (event) => {
      const summary = event.conversation ?? c.conversation(event.conversationId);
      if (summary === undefined) return;
      const known = this.#state.records[event.conversationId];
      const stale = known !== undefined && event.version < known.version;
      this.#upsert([recordFromSummary(summary)]);
      const record = this.#state.records[event.conversationId];
      if (
        !stale &&
        record !== undefined &&
        event.type === ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED &&
        event.agentId === this.#state.me.agentId &&
        !this.#state.alerts.includes(event.conversationId)
      ) {
        this.#set({ alerts: [...this.#state.alerts, event.conversationId] });
        this.#signals?.offered(record, knownVisitorName(record, this.#state.visitorNames));
      }
    });
    on('message', (message) => {
      const m = messageFromUnified(message);
      const id = message.conversationId;
      this.#patchTimeline(id, { messages: mergeMessages(this.#state.timelines[id]?.messages ?? [], [m]) });
      if (m.clientMsgId !== '' && this.#state.pending.some((p) => p.clientMsgId === m.clientMsgId)) {
        this.#set({ pending: this.#state.pending.filter((p) => p.clientMsgId !== m.clientMsgId) });
      }
      this.#learnVisitorNames([m]);
      const record = this.#state.records[id];
      if (record !== undefined && m.seq > record.lastSeq) {
        this.#set({ records: { ...this.#state.records, [id]: { ...record, lastSeq: m.seq } } });
      }
      this.#fillGap(id);
    });
    on('unread', (info) => {
      this.#set({ unread: { ...this.#state.unread, [info.conversationId]: info.unreadCount } });
    });
    on('typing', (info) => {
      const names = c
        .typingParticipants(info.conversationId)
        .map(
          (p) => p.displayName || (p.role === ParticipantRole.PARTICIPANT_ROLE_VISITOR ? 'visitor' : 'agent'),
        );
      this.#set({ typing: { ...this.#state.typing, [info.conversationId]: names } });
    });
    on('readReceipt', (info) => {
      if (info.participant.role !== ParticipantRole.PARTICIPANT_ROLE_VISITOR) return;
      const before = this.#state.visitorReadSeq[info.conversationId] ?? 0;
      if (info.readSeq > before)
        this.#set({ visitorReadSeq: { ...this.#state.visitorReadSeq, [info.conversationId]: info.readSeq } });
    });
    on('queue', (snapshot) => {
      this.#set({
        queue: snapshot,
        visitorNames: { ...this.#state.visitorNames, ...queueVisitorNames(snapshot) },
      });
    });
    on('error', (detail) => {
      this.toast('error', detail.message || 'error');
    });
  }

  #upsert(incoming: readonly ConversationRecord[]): void {
    let records = this.#state.records;
    for (const r of incoming) {
      const next = newerRecord(records[r.id], r);
      // lastSeq also moves with deliveries; a record never moves it back.
      const lastSeq = Math.max(next.lastSeq, records[r.id]?.lastSeq ?? 0);
      records = { ...records, [r.id]: lastSeq === next.lastSeq ? next : { ...next, lastSeq } };
    }
    const me = this.#state.me.agentId;
    const alerts = pruneAlerts(
      this.#state.alerts,
      (id) => {
        const r = records[id];
        return r !== undefined && isOfferedTo(r, me);
      },
      undefined,
    );
    this.#set({ records, alerts });
  }

  #learnVisitorNames(messages: readonly ChatMessage[]): void {
    let names: Record<string, string> | undefined;
    for (const m of messages) {
      if (m.senderRole !== 'visitor' || m.senderName === '' || m.senderId === '') continue;
      if (this.#state.visitorNames[m.senderId] === m.senderName) continue;
      names ??= { ...this.#state.visitorNames };
      names[m.senderId] = m.senderName;
    }
    if (names !== undefined) this.#set({ visitorNames: names });
  }

  // --- plumbing ---

  #set(patch: Partial<ConsoleState>): void {
    if (this.#stopped && patch.expired === undefined) return;
    this.#state = { ...this.#state, ...patch };
    if (this.#notifyScheduled) return;
    this.#notifyScheduled = true;
    queueMicrotask(() => {
      this.#notifyScheduled = false;
      for (const listener of [...this.#listeners]) listener();
    });
  }
}

function isUnauthenticated(err: unknown): boolean {
  if (err instanceof ClientError) return err.code === ErrorCode.ERROR_CODE_UNAUTHENTICATED;
  return err instanceof ApiError && err.unauthenticated;
}

/** The text a toast shows: the problem's detail, or the SDK error's message. */
export function describe(err: unknown): string {
  if (err instanceof ApiError) return err.detail || err.code;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Records newer than known ones replace them: used by views that got records elsewhere (search, REST). */
export { upsertRecords };
