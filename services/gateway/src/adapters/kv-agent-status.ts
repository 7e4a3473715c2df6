import { AgentStatus, AgentStatusRecord, type SubjectCatalog } from '@switchboard/proto';
import { decodeOrBadFrame } from '@switchboard/shared';
import type { KV } from 'nats';

/** Agents' chosen status (online / away), shared by every gateway and watched by routing. */
export interface AgentStatusStore {
  /** ONLINE when the agent never chose. */
  get(tenantId: string, agentId: string): Promise<AgentStatus>;
  set(tenantId: string, agentId: string, status: AgentStatus): Promise<void>;
}

/** In NATS KV (`catalog.buckets.agentStatus`, key `<tenant>.<agent>`, value AgentStatusRecord). */
export class KvAgentStatusStore implements AgentStatusStore {
  constructor(
    private readonly kv: KV,
    private readonly catalog: SubjectCatalog,
    private readonly now: () => number = Date.now,
  ) {}

  async get(tenantId: string, agentId: string): Promise<AgentStatus> {
    const entry = await this.kv.get(this.catalog.agentStatusKey(tenantId, agentId));
    if (entry === null || entry.operation !== 'PUT' || entry.value.byteLength === 0)
      return AgentStatus.AGENT_STATUS_ONLINE;
    const record = decodeOrBadFrame('agent status', () => AgentStatusRecord.decode(entry.value));
    return record.status === AgentStatus.AGENT_STATUS_UNSPECIFIED
      ? AgentStatus.AGENT_STATUS_ONLINE
      : record.status;
  }

  async set(tenantId: string, agentId: string, status: AgentStatus): Promise<void> {
    await this.kv.put(
      this.catalog.agentStatusKey(tenantId, agentId),
      AgentStatusRecord.encode({ tenantId, agentId, status, atMs: this.now() }).finish(),
    );
  }
}
