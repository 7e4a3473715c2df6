import {
  ConversationEventType,
  ErrorCode,
  type AgentPresence,
  type ConversationEvent,
} from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';

/** Sends lifecycle commands to the session partition owner. */
export interface SessionCommands {
  assign(tenantId: string, conversationId: string, agentId: string): Promise<void>;
}

interface AgentState {
  lastSeenMs: number;
  online: boolean;
  readonly conversations: Set<string>;
  lastAssignedMs: number;
}

interface TenantState {
  readonly agents: Map<string, AgentState>;
  /** Conversations waiting for an agent, oldest first. */
  readonly waiting: Map<string, number>;
}

export interface DispatcherOptions {
  /** An agent whose gateway has not reported it for this long counts as offline. */
  readonly presenceTtlMs: number;
  /** Conversations per agent at most (the real per-agent capacity comes with the routing issue). */
  readonly maxConversationsPerAgent: number;
}

export type AssignOutcome = 'assigned' | 'gone' | 'retry';

/**
 * Skeleton routing: a new conversation goes to the online agent of its tenant with the fewest open
 * conversations (ties: longest since their last assignment), or waits until an agent comes online.
 * All state is a fold of lifecycle events and presence heartbeats, so a restart rebuilds it.
 */
export class Dispatcher {
  private readonly tenants = new Map<string, TenantState>();
  private readonly busy = new Set<string>();

  constructor(
    private readonly commands: SessionCommands,
    private readonly opts: DispatcherOptions,
    private readonly now: () => number,
    private readonly onError: (err: unknown, tenantId: string, conversationId: string) => void,
  ) {}

  /** Folds one lifecycle event into the state; returns the tenant to dispatch for. */
  applyEvent(e: ConversationEvent): string {
    const t = this.tenant(e.tenantId);
    switch (e.type) {
      case ConversationEventType.CONVERSATION_EVENT_TYPE_OPENED:
        if (!t.waiting.has(e.conversationId)) t.waiting.set(e.conversationId, e.atMs);
        break;
      case ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED:
        t.waiting.delete(e.conversationId);
        this.agent(t, e.agentId).conversations.add(e.conversationId);
        break;
      case ConversationEventType.CONVERSATION_EVENT_TYPE_CLOSED:
        t.waiting.delete(e.conversationId);
        for (const a of t.agents.values()) a.conversations.delete(e.conversationId);
        break;
      case ConversationEventType.CONVERSATION_EVENT_TYPE_UNSPECIFIED:
      case ConversationEventType.UNRECOGNIZED:
        break;
    }
    return e.tenantId;
  }

  applyPresence(p: AgentPresence): string {
    const a = this.agent(this.tenant(p.tenantId), p.agentId);
    a.online = p.online;
    a.lastSeenMs = this.now();
    return p.tenantId;
  }

  tenantsWithWaiting(): string[] {
    return [...this.tenants].filter(([, t]) => t.waiting.size > 0).map(([id]) => id);
  }

  waitingCount(tenantId: string): number {
    return this.tenants.get(tenantId)?.waiting.size ?? 0;
  }

  /** The agent that would get the next conversation, if any. */
  pickAgent(tenantId: string): string | undefined {
    const t = this.tenants.get(tenantId);
    if (t === undefined) return undefined;
    const now = this.now();
    let best: [string, AgentState] | undefined;
    for (const entry of t.agents) {
      const a = entry[1];
      if (!a.online || now - a.lastSeenMs > this.opts.presenceTtlMs) continue;
      if (a.conversations.size >= this.opts.maxConversationsPerAgent) continue;
      if (
        best === undefined ||
        a.conversations.size < best[1].conversations.size ||
        (a.conversations.size === best[1].conversations.size && a.lastAssignedMs < best[1].lastAssignedMs)
      ) {
        best = entry;
      }
    }
    return best?.[0];
  }

  /** Assigns waiting conversations of a tenant while agents have room. One dispatch per tenant at a time. */
  async dispatch(tenantId: string): Promise<void> {
    if (this.busy.has(tenantId)) return;
    this.busy.add(tenantId);
    try {
      const t = this.tenant(tenantId);
      for (const conversationId of [...t.waiting.keys()]) {
        const agentId = this.pickAgent(tenantId);
        if (agentId === undefined) return;
        const outcome = await this.assign(tenantId, conversationId, agentId);
        if (outcome === 'retry') return;
        t.waiting.delete(conversationId);
        if (outcome === 'assigned') {
          const a = this.agent(t, agentId);
          a.conversations.add(conversationId);
          a.lastAssignedMs = this.now();
        }
      }
    } finally {
      this.busy.delete(tenantId);
    }
  }

  private async assign(tenantId: string, conversationId: string, agentId: string): Promise<AssignOutcome> {
    try {
      await this.commands.assign(tenantId, conversationId, agentId);
      return 'assigned';
    } catch (err) {
      if (
        err instanceof SwitchboardError &&
        (err.code === ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION || err.code === ErrorCode.ERROR_CODE_NOT_FOUND)
      ) {
        // Assigned or closed meanwhile: nothing to do for it.
        return 'gone';
      }
      this.onError(err, tenantId, conversationId);
      return 'retry';
    }
  }

  private tenant(id: string): TenantState {
    let t = this.tenants.get(id);
    if (t === undefined) {
      t = { agents: new Map(), waiting: new Map() };
      this.tenants.set(id, t);
    }
    return t;
  }

  private agent(t: TenantState, id: string): AgentState {
    let a = t.agents.get(id);
    if (a === undefined) {
      a = { lastSeenMs: 0, online: false, conversations: new Set(), lastAssignedMs: 0 };
      t.agents.set(id, a);
    }
    return a;
  }
}
