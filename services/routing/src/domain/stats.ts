import {
  ConversationEventType,
  MessageKind,
  ParticipantRole,
  type AgentStats,
  type ConversationEvent,
  type ConversationSummary,
  type GroupStats,
  type StickyAgent,
  type UnifiedMessage,
} from '@switchboard/proto';

/** Weight of the newest sample in every exponentially weighted mean routing keeps. */
export const EWMA_ALPHA = 0.2;

export function ewma(avg: number, samples: number, sample: number): number {
  return samples === 0 ? sample : avg + EWMA_ALPHA * (sample - avg);
}

/** A stats record that changed and must be written to SB_ROUTING. */
export type StatRecord =
  | { readonly kind: 'agent'; readonly stats: AgentStats }
  | { readonly kind: 'group'; readonly stats: GroupStats }
  | {
      readonly kind: 'sticky';
      readonly tenantId: string;
      readonly visitorId: string;
      readonly sticky: StickyAgent;
    };

export function emptyAgentStats(tenantId: string, agentId: string): AgentStats {
  return {
    tenantId,
    agentId,
    avgResponseMs: 0,
    responseSamples: 0,
    csatCount: 0,
    csatSum: 0,
    lastAssignedAtMs: 0,
    csatThroughEventSeq: 0,
  };
}

/** How an event changed the conversation view; handle time counts only a close the view saw happen. */
export type ViewOutcome = 'stale' | 'put' | 'closed' | 'ignored';

/**
 * Scores from outcomes (docs/lifecycle.md §4.6): first-response time per agent from live messages, CSAT
 * from `rated` events (deduplicated by SB_EVENTS stream seq), handle time per group from `closed` events,
 * each agent's last assignment, and each visitor's last agent (sticky). All of it is mirrored in KV.
 */
export class RoutingStats {
  private readonly agents = new Map<string, AgentStats>();
  private readonly groups = new Map<string, GroupStats>();
  private readonly sticky = new Map<string, StickyAgent>();
  /** conversation key → when the oldest visitor message without an agent reply was accepted. */
  private readonly awaitingReply = new Map<string, number>();

  loadAgent(s: AgentStats): void {
    this.agents.set(key(s.tenantId, s.agentId), s);
  }

  loadGroup(s: GroupStats): void {
    this.groups.set(key(s.tenantId, s.groupId), s);
  }

  loadSticky(tenantId: string, visitorId: string, s: StickyAgent): void {
    this.sticky.set(key(tenantId, visitorId), s);
  }

  agent(tenantId: string, agentId: string): AgentStats {
    return this.agents.get(key(tenantId, agentId)) ?? emptyAgentStats(tenantId, agentId);
  }

  /** The group's average handle time, or undefined before it has samples. */
  avgHandleMs(tenantId: string, groupId: string): number | undefined {
    const g = this.groups.get(key(tenantId, groupId));
    return g !== undefined && g.samples > 0 ? g.avgHandleMs : undefined;
  }

  group(tenantId: string, groupId: string): GroupStats | undefined {
    return this.groups.get(key(tenantId, groupId));
  }

  stickyAgent(tenantId: string, visitorId: string): StickyAgent | undefined {
    return visitorId === '' ? undefined : this.sticky.get(key(tenantId, visitorId));
  }

  /** Folds one lifecycle event (stream seq `seq`); returns the records that changed. */
  onEvent(e: ConversationEvent, seq: number, outcome: ViewOutcome): StatRecord[] {
    const c = e.conversation;
    if (c === undefined) return [];
    const T = ConversationEventType;
    switch (e.type) {
      case T.CONVERSATION_EVENT_TYPE_ASSIGNED:
        return this.assigned(c.tenantId, c.agentId, c.assignedAtMs > 0 ? c.assignedAtMs : e.atMs);
      case T.CONVERSATION_EVENT_TYPE_ACCEPTED: {
        const at = c.acceptedAtMs > 0 ? c.acceptedAtMs : e.atMs;
        const changed = this.assigned(c.tenantId, c.agentId, at);
        if (c.visitorId !== '' && c.agentId !== '') {
          const prev = this.sticky.get(key(c.tenantId, c.visitorId));
          if (prev === undefined || prev.agentId !== c.agentId || prev.atMs < at) {
            const sticky = { agentId: c.agentId, atMs: Math.max(at, prev?.atMs ?? 0) };
            this.sticky.set(key(c.tenantId, c.visitorId), sticky);
            changed.push({ kind: 'sticky', tenantId: c.tenantId, visitorId: c.visitorId, sticky });
          }
        }
        return changed;
      }
      case T.CONVERSATION_EVENT_TYPE_CLOSED:
        this.awaitingReply.delete(key(c.tenantId, c.conversationId));
        return outcome === 'closed' ? this.handled(c) : [];
      case T.CONVERSATION_EVENT_TYPE_RATED:
        return this.rated(c, seq);
      case T.CONVERSATION_EVENT_TYPE_UNSPECIFIED:
      case T.CONVERSATION_EVENT_TYPE_OPENED:
      case T.CONVERSATION_EVENT_TYPE_BOT_STARTED:
      case T.CONVERSATION_EVENT_TYPE_QUEUED:
      case T.CONVERSATION_EVENT_TYPE_REQUEUED:
      case T.CONVERSATION_EVENT_TYPE_TRANSFER_REQUESTED:
      case T.CONVERSATION_EVENT_TYPE_TAKEN_OVER:
      case T.CONVERSATION_EVENT_TYPE_REOPENED:
      case T.CONVERSATION_EVENT_TYPE_LABELED:
      case T.UNRECOGNIZED:
        return [];
    }
  }

  /**
   * A stored message of an open conversation: a visitor message starts the reply clock (if not running), the
   * next agent text stops it and counts for that agent, from the later of the visitor message and the offer.
   */
  onMessage(m: UnifiedMessage, conversation: ConversationSummary): StatRecord[] {
    if (m.kind === MessageKind.MESSAGE_KIND_NOTE || m.kind === MessageKind.MESSAGE_KIND_REDACTED) return [];
    const k = key(m.tenantId, m.conversationId);
    const role = m.sender?.role;
    if (role === ParticipantRole.PARTICIPANT_ROLE_VISITOR) {
      if (!this.awaitingReply.has(k)) this.awaitingReply.set(k, m.acceptedAtMs);
      return [];
    }
    if (role !== ParticipantRole.PARTICIPANT_ROLE_AGENT || m.sender === undefined || m.sender.id === '')
      return [];
    const since = this.awaitingReply.get(k);
    if (since === undefined) return [];
    this.awaitingReply.delete(k);
    const from = Math.max(since, conversation.agentId === m.sender.id ? conversation.assignedAtMs : 0);
    const sample = Math.max(0, m.acceptedAtMs - from);
    const s = this.agent(m.tenantId, m.sender.id);
    const next: AgentStats = {
      ...s,
      avgResponseMs: ewma(s.avgResponseMs, s.responseSamples, sample),
      responseSamples: s.responseSamples + 1,
    };
    this.agents.set(key(m.tenantId, m.sender.id), next);
    return [{ kind: 'agent', stats: next }];
  }

  /** Forgets per-conversation clocks of a conversation routing no longer tracks. */
  forgetConversation(tenantId: string, conversationId: string): void {
    this.awaitingReply.delete(key(tenantId, conversationId));
  }

  /** The response clocks running (for tests and metrics). */
  get runningReplyClocks(): number {
    return this.awaitingReply.size;
  }

  private assigned(tenantId: string, agentId: string, atMs: number): StatRecord[] {
    if (agentId === '') return [];
    const s = this.agent(tenantId, agentId);
    if (s.lastAssignedAtMs >= atMs) return [];
    const next = { ...s, lastAssignedAtMs: atMs };
    this.agents.set(key(tenantId, agentId), next);
    return [{ kind: 'agent', stats: next }];
  }

  private handled(c: ConversationSummary): StatRecord[] {
    if (c.groupId === '' || c.acceptedAtMs <= 0 || c.closedAtMs < c.acceptedAtMs) return [];
    const k = key(c.tenantId, c.groupId);
    const g = this.groups.get(k) ?? { tenantId: c.tenantId, groupId: c.groupId, avgHandleMs: 0, samples: 0 };
    const next: GroupStats = {
      ...g,
      avgHandleMs: ewma(g.avgHandleMs, g.samples, c.closedAtMs - c.acceptedAtMs),
      samples: g.samples + 1,
    };
    this.groups.set(k, next);
    return [{ kind: 'group', stats: next }];
  }

  private rated(c: ConversationSummary, seq: number): StatRecord[] {
    const csat = c.csat;
    if (csat === undefined || csat.agentId === '' || csat.score < 1 || csat.score > 5) return [];
    const s = this.agent(c.tenantId, csat.agentId);
    if (seq <= s.csatThroughEventSeq) return [];
    const next: AgentStats = {
      ...s,
      csatSum: s.csatSum + csat.score,
      csatCount: s.csatCount + 1,
      csatThroughEventSeq: seq,
    };
    this.agents.set(key(c.tenantId, csat.agentId), next);
    return [{ kind: 'agent', stats: next }];
  }
}

function key(tenantId: string, id: string): string {
  return `${tenantId}\u0000${id}`;
}
