import { ConversationState, ConversationSummary, type ConversationEvent } from '@switchboard/proto';
import type { ViewOutcome } from './stats';

/** One open conversation as routing sees it. */
export interface TrackedConversation {
  readonly summary: ConversationSummary;
  /** The visitor's first message (OPENED's preview), kept while routing may still need it for rules. */
  readonly firstMessagePreview: string;
  /** The last lifecycle event applied: the record mirrored in SB_ROUTING. */
  readonly record: ConversationEvent;
  /** Last message or state change seen by this process (the idle clock restarts with the process). */
  activityAtMs: number;
}

export type MirrorChange =
  | { readonly kind: 'put'; readonly record: ConversationEvent }
  | { readonly kind: 'delete'; readonly tenantId: string; readonly conversationId: string };

export interface ApplyResult {
  readonly outcome: ViewOutcome;
  /** What to write to the mirror; undefined when nothing changed. */
  readonly mirror: MirrorChange | undefined;
  readonly conversation: TrackedConversation | undefined;
}

/**
 * The open conversations, folded from lifecycle events by `version` (a stale or repeated event changes
 * nothing), so the same events applied again — after a restart, over a loaded mirror — give the same view.
 */
export class ConversationBook {
  private readonly byTenant = new Map<string, Map<string, TrackedConversation>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(tenantId: string, conversationId: string): TrackedConversation | undefined {
    return this.byTenant.get(tenantId)?.get(conversationId);
  }

  tenants(): IterableIterator<string> {
    return this.byTenant.keys();
  }

  ofTenant(tenantId: string): Iterable<TrackedConversation> {
    return this.byTenant.get(tenantId)?.values() ?? [];
  }

  all(): Iterable<TrackedConversation> {
    const tenants = this.byTenant;
    return (function* () {
      for (const m of tenants.values()) yield* m.values();
    })();
  }

  /** Restores a record from the mirror (at start, before the event stream). */
  load(record: ConversationEvent, nowMs: number): void {
    const summary = summaryOf(record);
    if (summary.state === ConversationState.CONVERSATION_STATE_CLOSED) return;
    const existing = this.get(summary.tenantId, summary.conversationId);
    if (existing !== undefined && existing.summary.version >= summary.version) return;
    this.set({ summary, firstMessagePreview: record.firstMessagePreview, record, activityAtMs: nowMs });
  }

  apply(e: ConversationEvent, nowMs: number): ApplyResult {
    const summary = summaryOf(e);
    const existing = this.get(summary.tenantId, summary.conversationId);
    if (existing !== undefined && existing.summary.version >= summary.version) {
      return { outcome: 'stale', mirror: undefined, conversation: existing };
    }
    if (summary.state === ConversationState.CONVERSATION_STATE_CLOSED) {
      if (existing === undefined) return { outcome: 'ignored', mirror: undefined, conversation: undefined };
      this.remove(summary.tenantId, summary.conversationId);
      return {
        outcome: 'closed',
        mirror: { kind: 'delete', tenantId: summary.tenantId, conversationId: summary.conversationId },
        conversation: undefined,
      };
    }
    const preview =
      summary.state === ConversationState.CONVERSATION_STATE_WAITING
        ? e.firstMessagePreview !== ''
          ? e.firstMessagePreview
          : (existing?.firstMessagePreview ?? '')
        : '';
    const record: ConversationEvent = { ...e, conversation: summary, firstMessagePreview: preview };
    const tracked: TrackedConversation = {
      summary,
      firstMessagePreview: preview,
      record,
      activityAtMs: Math.max(nowMs, existing?.activityAtMs ?? 0),
    };
    this.set(tracked);
    return { outcome: 'put', mirror: { kind: 'put', record }, conversation: tracked };
  }

  /** A message of an open conversation restarts its idle clock. */
  touch(tenantId: string, conversationId: string, nowMs: number): TrackedConversation | undefined {
    const c = this.get(tenantId, conversationId);
    if (c !== undefined && c.activityAtMs < nowMs) c.activityAtMs = nowMs;
    return c;
  }

  private set(c: TrackedConversation): void {
    let m = this.byTenant.get(c.summary.tenantId);
    if (m === undefined) {
      m = new Map();
      this.byTenant.set(c.summary.tenantId, m);
    }
    if (!m.has(c.summary.conversationId)) this.count++;
    m.set(c.summary.conversationId, c);
  }

  private remove(tenantId: string, conversationId: string): void {
    const m = this.byTenant.get(tenantId);
    if (m?.delete(conversationId) === true) {
      this.count--;
      if (m.size === 0) this.byTenant.delete(tenantId);
    }
  }
}

/** The event's conversation record; events written before records were attached get a minimal one. */
export function summaryOf(e: ConversationEvent): ConversationSummary {
  if (e.conversation !== undefined) return e.conversation;
  return ConversationSummary.fromPartial({
    tenantId: e.tenantId,
    conversationId: e.conversationId,
    state: e.state,
    visitorId: e.visitorId,
    agentId: e.agentId,
    lastSeq: e.lastSeq,
    openedAtMs: e.atMs,
    updatedAtMs: e.atMs,
    channel: e.channel,
    version: e.version,
    queuedAtMs: e.atMs,
    assignedAtMs: e.atMs,
  });
}
