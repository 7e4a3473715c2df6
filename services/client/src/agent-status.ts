import { AgentStatus } from '@switchboard/proto/wire';

/** An agent's status as the SDK reports it. `offline` is what others see when no console is open. */
export type AgentStatusName = 'online' | 'away' | 'offline';

/** What an agent may choose with setStatus(). */
export type SelectableAgentStatus = 'online' | 'away';

/** The SDK name of a wire AgentStatus; undefined for UNSPECIFIED (visitors) and values from a newer gateway. */
export function agentStatusName(status: AgentStatus): AgentStatusName | undefined {
  switch (status) {
    case AgentStatus.AGENT_STATUS_ONLINE:
      return 'online';
    case AgentStatus.AGENT_STATUS_AWAY:
      return 'away';
    case AgentStatus.AGENT_STATUS_OFFLINE:
      return 'offline';
    case AgentStatus.AGENT_STATUS_UNSPECIFIED:
    case AgentStatus.UNRECOGNIZED:
      return undefined;
  }
}

/** The wire AgentStatus for a status an agent chooses. */
export function agentStatusValue(status: SelectableAgentStatus): AgentStatus {
  return status === 'online' ? AgentStatus.AGENT_STATUS_ONLINE : AgentStatus.AGENT_STATUS_AWAY;
}
