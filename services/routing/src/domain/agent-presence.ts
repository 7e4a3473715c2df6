import { AgentStatus, type AgentPresence, type AgentStatusRecord } from '@switchboard/proto';

interface AgentLiveness {
  /** gateway id → when it last reported sockets of this agent (this process's clock). */
  readonly gateways: Map<string, number>;
  status: AgentStatus;
}

/**
 * Who is online (docs/lifecycle.md §4.1): some gateway reported console sockets within the TTL and the
 * agent's chosen status is not away. Heartbeats are timed with this process's clock, not the gateway's.
 */
export class AgentPresenceBook {
  private readonly byTenant = new Map<string, Map<string, AgentLiveness>>();

  constructor(private readonly ttlMs: number) {}

  applyPresence(p: AgentPresence, nowMs: number): void {
    const a = this.agent(p.tenantId, p.agentId);
    if (p.online && p.sockets > 0) a.gateways.set(p.gatewayId, nowMs);
    else a.gateways.delete(p.gatewayId);
  }

  applyStatus(tenantId: string, agentId: string, record: AgentStatusRecord | undefined): void {
    this.agent(tenantId, agentId).status = record?.status ?? AgentStatus.AGENT_STATUS_UNSPECIFIED;
  }

  status(tenantId: string, agentId: string): AgentStatus {
    return this.byTenant.get(tenantId)?.get(agentId)?.status ?? AgentStatus.AGENT_STATUS_UNSPECIFIED;
  }

  /** Some gateway reported sockets within the TTL (whatever the chosen status). */
  connected(tenantId: string, agentId: string, nowMs: number): boolean {
    const a = this.byTenant.get(tenantId)?.get(agentId);
    if (a === undefined) return false;
    for (const [gateway, seenAt] of a.gateways) {
      if (nowMs - seenAt <= this.ttlMs) return true;
      a.gateways.delete(gateway);
    }
    return false;
  }

  isOnline(tenantId: string, agentId: string, nowMs: number): boolean {
    return (
      this.status(tenantId, agentId) !== AgentStatus.AGENT_STATUS_AWAY &&
      this.connected(tenantId, agentId, nowMs)
    );
  }

  /** Agents of a tenant this book has heard of (presence or status). */
  agentsOf(tenantId: string): Iterable<string> {
    return this.byTenant.get(tenantId)?.keys() ?? [];
  }

  tenants(): Iterable<string> {
    return this.byTenant.keys();
  }

  private agent(tenantId: string, agentId: string): AgentLiveness {
    let t = this.byTenant.get(tenantId);
    if (t === undefined) {
      t = new Map();
      this.byTenant.set(tenantId, t);
    }
    let a = t.get(agentId);
    if (a === undefined) {
      a = { gateways: new Map(), status: AgentStatus.AGENT_STATUS_UNSPECIFIED };
      t.set(agentId, a);
    }
    return a;
  }
}
