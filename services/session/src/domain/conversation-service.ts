import {
  ConversationEventType,
  ConversationState,
  ErrorCode,
  MessageKind,
  ParticipantRole,
  visitorContextFromMetadata,
  type AppendAck,
  type ConversationEvent,
  type ConversationSummary,
  type UnifiedMessage,
} from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import { checkMayAppend, decide, SYSTEM_ACTOR, type Actor, type LifecycleCommand } from './conversation';
import { KeyedQueue } from './keyed-queue';
import {
  ConflictError,
  type Clock,
  type ConversationLog,
  type ConversationStateStore,
  type EventPublisher,
  type HistoryLookup,
} from './ports';
import { validateAppend } from './validation';

/** What the owner keeps in memory per conversation; all of it can be rebuilt from KV and the stream. */
interface LiveConversation {
  readonly conversationId: string;
  summary: ConversationSummary | undefined;
  revision: number;
  lastSeq: number;
  lastPosition: number;
  /** client_msg_id → seq of every message in the log: a retry is answered with its original seq. */
  readonly ids: Map<string, number>;
  /** Messages below this seq were trimmed from the log; their ids are looked up in history. */
  readonly firstLoggedSeq: number;
}

export interface ConversationServiceOptions {
  /** How many conversations to keep in memory before the least recently used idle one is dropped. */
  readonly maxLiveConversations: number;
  /**
   * False once this instance may no longer own the conversation's partition: it must not retry a write
   * that lost a race, because the new owner is writing.
   */
  readonly stillOwner: (conversationId: string) => boolean;
}

/**
 * The single writer of each conversation it owns: validates, applies the state machine, assigns the
 * contiguous seq and appends to the log. Work on one conversation is serialized; conversations run
 * concurrently.
 */
export class ConversationService {
  private readonly live = new Map<string, LiveConversation>();
  private readonly queue = new KeyedQueue();

  constructor(
    private readonly states: ConversationStateStore,
    private readonly log: ConversationLog,
    private readonly events: EventPublisher,
    private readonly history: HistoryLookup,
    private readonly clock: Clock,
    private readonly opts: ConversationServiceOptions,
  ) {}

  async append(message: UnifiedMessage): Promise<AppendAck> {
    validateAppend(message);
    const key = keyOf(message.tenantId, message.conversationId);
    return this.queue.run(key, () => this.withReloadOnConflict(key, () => this.appendNow(key, message)));
  }

  command(
    tenantId: string,
    conversationId: string,
    actor: Actor,
    command: LifecycleCommand,
  ): Promise<ConversationSummary> {
    const key = keyOf(tenantId, conversationId);
    return this.queue.run(key, () =>
      this.withReloadOnConflict(key, () => this.commandNow(key, tenantId, conversationId, actor, command)),
    );
  }

  /** Drops every cached conversation; the next operation on each reloads from the durable stores. */
  forgetAll(): void {
    this.live.clear();
  }

  /** Drops the cached conversations that match, e.g. those of a partition this instance just took over. */
  forgetWhere(matches: (conversationId: string) => boolean): void {
    for (const [key, c] of this.live) if (matches(c.conversationId)) this.live.delete(key);
  }

  get liveCount(): number {
    return this.live.size;
  }

  /** Waits for work in flight, for graceful shutdown. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private async withReloadOnConflict<T>(key: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      this.live.delete(key);
      if (!(err instanceof ConflictError)) throw err;
      // Another writer moved the conversation on. If that writer is the partition's new owner, stand back;
      // otherwise (a timed-out write of ours that landed) reload and try once more.
      const conversationId = key.slice(key.indexOf('.') + 1);
      if (!this.opts.stillOwner(conversationId)) {
        throw new SwitchboardError(
          ErrorCode.ERROR_CODE_UNAVAILABLE,
          'the conversation moved to another session instance; retry',
          true,
          { cause: err },
        );
      }
      return op();
    }
  }

  private async appendNow(key: string, message: UnifiedMessage): Promise<AppendAck> {
    const c = await this.load(key, message.tenantId, message.conversationId);
    const sender = message.sender;
    if (sender === undefined)
      throw new SwitchboardError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, 'sender is required');
    const known = c.ids.get(message.clientMsgId) ?? (await this.inTrimmedHistory(c, message));
    if (known !== undefined) return this.ack(message, known, true, c);

    const kind =
      message.kind === MessageKind.MESSAGE_KIND_UNSPECIFIED ? MessageKind.MESSAGE_KIND_TEXT : message.kind;
    const actor: Actor = {
      role: sender.role,
      id: sender.id,
      displayName: sender.displayName,
      supervisor: false,
    };
    if (c.summary === undefined) {
      if (
        sender.role !== ParticipantRole.PARTICIPANT_ROLE_VISITOR ||
        kind !== MessageKind.MESSAGE_KIND_TEXT
      ) {
        throw new SwitchboardError(ErrorCode.ERROR_CODE_NOT_FOUND, 'no such conversation');
      }
      await this.apply(
        c,
        message.tenantId,
        message.conversationId,
        actor,
        {
          kind: 'open',
          visitorId: sender.id,
          channel: message.channel,
          context: visitorContextFromMetadata(message.metadata),
        },
        message.text.slice(0, 500),
      );
    }
    const summary = c.summary;
    if (summary === undefined) throw new Error('unreachable: the conversation was just opened');
    const prelude = checkMayAppend(summary, sender.role, sender.id, kind, this.clock.now());
    if (prelude !== 'none') {
      await this.apply(c, message.tenantId, message.conversationId, actor, { kind: prelude });
    }
    return this.store(c, { ...message, kind });
  }

  /** Sequences and appends one message the state machine allowed. */
  private async store(c: LiveConversation, message: UnifiedMessage): Promise<AppendAck> {
    const seq = c.lastSeq + 1;
    const stored: UnifiedMessage = { ...message, seq, acceptedAtMs: this.clock.now() };
    const result = await this.log.append(stored, c.lastPosition);
    if (result.duplicate) {
      const original = await this.log.seqAt(result.position);
      c.ids.set(message.clientMsgId, original);
      return this.ack(stored, original, true, c);
    }
    c.lastSeq = seq;
    c.lastPosition = result.position;
    c.ids.set(message.clientMsgId, seq);
    return this.ack(stored, seq, false, c);
  }

  /** A retry of a message so old that retention trimmed it from the log is found in history. */
  private async inTrimmedHistory(c: LiveConversation, m: UnifiedMessage): Promise<number | undefined> {
    if (c.firstLoggedSeq <= 1) return undefined;
    try {
      return await this.history.findSeq(m.tenantId, m.conversationId, m.clientMsgId);
    } catch (err) {
      // Without an answer a retry could become a second message: refuse for now, the sender retries.
      throw new SwitchboardError(
        ErrorCode.ERROR_CODE_UNAVAILABLE,
        'history is unavailable to check for a duplicate; retry',
        true,
        { cause: err },
      );
    }
  }

  private async commandNow(
    key: string,
    tenantId: string,
    conversationId: string,
    actor: Actor,
    command: LifecycleCommand,
  ): Promise<ConversationSummary> {
    const c = await this.load(key, tenantId, conversationId);
    if (c.summary === undefined)
      throw new SwitchboardError(ErrorCode.ERROR_CODE_NOT_FOUND, 'no such conversation');
    // Decide first (it throws on an illegal command), so a refused transfer leaves no note behind.
    decide(c.summary, tenantId, conversationId, command, actor, this.clock.now());
    if (command.kind === 'transfer' && command.note.trim() !== '') {
      await this.store(c, {
        tenantId,
        conversationId,
        seq: 0,
        // One note per transfer attempt: a retried command finds the same id and does not add a second.
        clientMsgId: `transfer-v${c.summary.version + 1}`,
        sender: { role: actor.role, id: actor.id, displayName: actor.displayName },
        channel: c.summary.channel,
        kind: MessageKind.MESSAGE_KIND_NOTE,
        text: command.note,
        clientSentAtMs: this.clock.now(),
        acceptedAtMs: 0,
        metadata: {
          transfer_to: command.toAgentId !== '' ? `agent:${command.toAgentId}` : `group:${command.toGroupId}`,
        },
      });
    }
    const summary = await this.apply(c, tenantId, conversationId, actor, command);
    return { ...summary, lastSeq: c.lastSeq };
  }

  /** Runs one lifecycle transition: compare-and-set the state, then publish the event. */
  private async apply(
    c: LiveConversation,
    tenantId: string,
    conversationId: string,
    actor: Actor,
    command: LifecycleCommand,
    firstMessagePreview = '',
  ): Promise<ConversationSummary> {
    const prev = c.summary;
    const d = decide(prev, tenantId, conversationId, command, actor, this.clock.now());
    const next: ConversationSummary = { ...d.next, lastSeq: c.lastSeq };
    c.revision =
      prev === undefined ? await this.states.create(next) : await this.states.update(next, c.revision);
    c.summary = next;
    await this.events.publish(
      eventOf(
        next,
        d.event,
        prev?.state ?? ConversationState.CONVERSATION_STATE_UNSPECIFIED,
        actor,
        reasonOf(command),
        firstMessagePreview,
      ),
    );
    return next;
  }

  private async load(key: string, tenantId: string, conversationId: string): Promise<LiveConversation> {
    const cached = this.live.get(key);
    if (cached !== undefined) {
      // Refresh its place in the LRU order.
      this.live.delete(key);
      this.live.set(key, cached);
      return cached;
    }
    const [state, index] = await Promise.all([
      this.states.get(tenantId, conversationId),
      this.log.index(tenantId, conversationId),
    ]);
    const c: LiveConversation = {
      conversationId,
      summary: state?.summary,
      revision: state?.revision ?? 0,
      lastSeq: index.last?.seq ?? 0,
      lastPosition: index.last?.position ?? 0,
      ids: index.ids,
      firstLoggedSeq: index.firstSeq,
    };
    if (state !== undefined && state.summary.state === ConversationState.CONVERSATION_STATE_WAITING) {
      // A crash may have come between storing the state and publishing its event; the publish is
      // de-duplicated by version, so repeating it is safe.
      await this.events.publish(
        eventOf(
          state.summary,
          ConversationEventType.CONVERSATION_EVENT_TYPE_OPENED,
          ConversationState.CONVERSATION_STATE_UNSPECIFIED,
          undefined,
          '',
          '',
        ),
      );
    }
    this.live.set(key, c);
    this.evictIdle();
    return c;
  }

  private evictIdle(): void {
    if (this.live.size <= this.opts.maxLiveConversations) return;
    for (const key of this.live.keys()) {
      if (this.live.size <= this.opts.maxLiveConversations) break;
      this.live.delete(key);
    }
  }

  private ack(m: UnifiedMessage, seq: number, duplicate: boolean, c: LiveConversation): AppendAck {
    return {
      conversationId: m.conversationId,
      clientMsgId: m.clientMsgId,
      seq,
      duplicate,
      acceptedAtMs: m.acceptedAtMs,
      state: c.summary?.state ?? ConversationState.CONVERSATION_STATE_UNSPECIFIED,
    };
  }
}

function keyOf(tenantId: string, conversationId: string): string {
  return `${tenantId}.${conversationId}`;
}

function reasonOf(command: LifecycleCommand): string {
  return command.kind === 'close' || command.kind === 'requeue' || command.kind === 'enqueue'
    ? command.reason
    : '';
}

function eventOf(
  s: ConversationSummary,
  type: ConversationEventType,
  fromState: ConversationState,
  actor: Actor | undefined,
  reason: string,
  firstMessagePreview: string,
): ConversationEvent {
  return {
    type,
    tenantId: s.tenantId,
    conversationId: s.conversationId,
    state: s.state,
    visitorId: s.visitorId,
    agentId: s.agentId,
    lastSeq: s.lastSeq,
    atMs: s.updatedAtMs,
    channel: s.channel,
    actor:
      actor === undefined || actor === SYSTEM_ACTOR
        ? undefined
        : { role: actor.role, id: actor.id, displayName: actor.displayName },
    reason,
    version: s.version,
    conversation: s,
    fromState,
    firstMessagePreview,
  };
}
