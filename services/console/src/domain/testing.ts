import type { ConversationRecord } from './records';

/** A record with every field defaulted, for tests. */
export function record(over: Partial<ConversationRecord> & { id: string }): ConversationRecord {
  return {
    state: 'chatting',
    visitorId: `v-${over.id}`,
    agentId: '',
    agentName: '',
    groupId: 'general',
    channel: 'web_widget',
    lastSeq: 0,
    version: 1,
    priority: 0,
    labels: [],
    previousAgentId: '',
    transferToAgentId: '',
    openedAtMs: 0,
    updatedAtMs: 0,
    queuedAtMs: 0,
    assignedAtMs: 0,
    acceptedAtMs: 0,
    closedAtMs: 0,
    visitor: undefined,
    csat: undefined,
    ...over,
  };
}
