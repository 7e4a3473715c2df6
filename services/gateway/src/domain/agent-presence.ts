import type { AgentPresence } from '@switchboard/proto';

/**
 * Counts each agent's console sockets on this gateway (several tabs count once) and says what to
 * announce: online when the first socket opens, offline when the last one closes, and a heartbeat for
 * everyone online.
 */
export class AgentPresenceTracker {
  private readonly sockets = new Map<string, { tenantId: string; agentId: string; count: number }>();

  constructor(
    private readonly gatewayId: string,
    private readonly now: () => number,
  ) {}

  /** Returns the presence to publish when this socket made the agent newly online. */
  connect(tenantId: string, agentId: string): AgentPresence {
    const key = `${tenantId}.${agentId}`;
    const entry = this.sockets.get(key) ?? { tenantId, agentId, count: 0 };
    entry.count++;
    this.sockets.set(key, entry);
    return this.presence(entry, true);
  }

  /** Returns the presence to publish after a socket closed (offline when it was the last one). */
  disconnect(tenantId: string, agentId: string): AgentPresence {
    const key = `${tenantId}.${agentId}`;
    const entry = this.sockets.get(key);
    if (entry === undefined) return this.presence({ tenantId, agentId, count: 0 }, false);
    entry.count--;
    if (entry.count <= 0) this.sockets.delete(key);
    return this.presence(entry, entry.count > 0);
  }

  heartbeats(): AgentPresence[] {
    return [...this.sockets.values()].map((e) => this.presence(e, true));
  }

  private presence(e: { tenantId: string; agentId: string; count: number }, online: boolean): AgentPresence {
    return {
      tenantId: e.tenantId,
      agentId: e.agentId,
      online,
      sockets: Math.max(e.count, 0),
      gatewayId: this.gatewayId,
      atMs: this.now(),
    };
  }
}
