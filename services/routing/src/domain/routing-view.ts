import type {
  AgentPresence,
  AgentStatusRecord,
  ConversationEvent,
  UnifiedMessage,
  WatchResponse,
} from '@switchboard/proto';
import { AgentPresenceBook } from './agent-presence';
import { ConversationBook, type ApplyResult } from './conversation-book';
import { RoutingStats, type StatRecord } from './stats';
import { TenantDirectory, type TenantConfigSnapshot } from './tenant-directory';

export interface EventApplied {
  readonly view: ApplyResult;
  readonly stats: StatRecord[];
}

/**
 * Everything routing knows, folded from its inputs: lifecycle events (conversations and scores), gateway
 * presence, agents' chosen status and admin configuration. Pure: time comes in as arguments.
 */
export class RoutingView {
  readonly conversations = new ConversationBook();
  readonly presence: AgentPresenceBook;
  readonly config = new TenantDirectory();
  readonly stats = new RoutingStats();

  constructor(presenceTtlMs: number) {
    this.presence = new AgentPresenceBook(presenceTtlMs);
  }

  applyEvent(e: ConversationEvent, streamSeq: number, nowMs: number): EventApplied {
    const view = this.conversations.apply(e, nowMs);
    const tenantId = view.conversation?.summary.tenantId ?? e.conversation?.tenantId ?? e.tenantId;
    if (tenantId !== '') this.config.see(tenantId);
    return { view, stats: this.stats.onEvent(e, streamSeq, view.outcome) };
  }

  /** A stored message (live subject): restarts the idle clock and feeds response times. */
  applyMessage(m: UnifiedMessage, nowMs: number): StatRecord[] {
    const c = this.conversations.touch(m.tenantId, m.conversationId, nowMs);
    if (c === undefined) return [];
    return this.stats.onMessage(m, c.summary);
  }

  applyPresence(p: AgentPresence, nowMs: number): void {
    this.config.see(p.tenantId);
    this.presence.applyPresence(p, nowMs);
  }

  applyStatus(tenantId: string, agentId: string, record: AgentStatusRecord | undefined): void {
    this.presence.applyStatus(tenantId, agentId, record);
  }

  applyConfigChange(c: WatchResponse): void {
    this.config.applyChange(c);
  }

  applyTenantSnapshot(tenantId: string, s: TenantConfigSnapshot): void {
    this.config.applySnapshot(tenantId, s);
  }
}
