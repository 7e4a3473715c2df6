import {
  AgentRole,
  Channel,
  ConversationEventType,
  ConversationState,
  ErrorCode,
  type Agent,
  type AgentPresence,
  type ConversationEvent,
  type ConversationSignal,
  type ConversationSummary,
  type Group,
  type QueueSnapshot,
  type Tenant,
  type TenantSettings,
} from '@switchboard/proto';
import { createLogger, SwitchboardError, type Logger } from '@switchboard/shared';
import type { MirrorChange } from '../domain/conversation-book';
import type { RoutingCommand } from '../domain/planner';
import type {
  ConfigSource,
  RoutingStore,
  SessionCommands,
  SignalPublisher,
  StoredRouting,
} from '../domain/ports';
import type { StatRecord } from '../domain/stats';
import type { TenantConfigSnapshot } from '../domain/tenant-directory';

/** Builders and in-memory fakes shared by the unit tests. */

export const silentLogger: Logger = createLogger('routing-test', 'silent');

export const T = 't1';

export function summary(over: Partial<ConversationSummary> = {}): ConversationSummary {
  return {
    tenantId: T,
    conversationId: 'c1',
    state: ConversationState.CONVERSATION_STATE_QUEUED,
    visitorId: 'v1',
    agentId: '',
    lastSeq: 1,
    openedAtMs: 1000,
    updatedAtMs: 1000,
    channel: Channel.CHANNEL_WEB_WIDGET,
    version: 1,
    groupId: 'general',
    priority: 0,
    labels: [],
    previousAgentId: '',
    transferToAgentId: '',
    queuedAtMs: 1000,
    assignedAtMs: 0,
    acceptedAtMs: 0,
    closedAtMs: 0,
    reopenUntilMs: 0,
    reopenCount: 0,
    visitorContext: undefined,
    csat: undefined,
    declinedAgentIds: [],
    agentDisplayName: '',
    ...over,
  };
}

const typeOfState: Record<number, ConversationEventType> = {
  [ConversationState.CONVERSATION_STATE_WAITING]: ConversationEventType.CONVERSATION_EVENT_TYPE_OPENED,
  [ConversationState.CONVERSATION_STATE_QUEUED]: ConversationEventType.CONVERSATION_EVENT_TYPE_QUEUED,
  [ConversationState.CONVERSATION_STATE_ASSIGNED]: ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED,
  [ConversationState.CONVERSATION_STATE_CHATTING]: ConversationEventType.CONVERSATION_EVENT_TYPE_ACCEPTED,
  [ConversationState.CONVERSATION_STATE_TRANSFERRING]:
    ConversationEventType.CONVERSATION_EVENT_TYPE_TRANSFER_REQUESTED,
  [ConversationState.CONVERSATION_STATE_CLOSED]: ConversationEventType.CONVERSATION_EVENT_TYPE_CLOSED,
  [ConversationState.CONVERSATION_STATE_BOT]: ConversationEventType.CONVERSATION_EVENT_TYPE_BOT_STARTED,
};

/** A lifecycle event carrying `c` (type inferred from the state unless given). */
export function event(c: ConversationSummary, over: Partial<ConversationEvent> = {}): ConversationEvent {
  return {
    type: typeOfState[c.state] ?? ConversationEventType.CONVERSATION_EVENT_TYPE_LABELED,
    tenantId: c.tenantId,
    conversationId: c.conversationId,
    state: c.state,
    visitorId: c.visitorId,
    agentId: c.agentId,
    lastSeq: c.lastSeq,
    atMs: c.updatedAtMs,
    channel: c.channel,
    actor: undefined,
    reason: '',
    version: c.version,
    conversation: c,
    fromState: ConversationState.CONVERSATION_STATE_UNSPECIFIED,
    firstMessagePreview: '',
    ...over,
  };
}

export function agent(id: string, over: Partial<Agent> = {}): Agent {
  return {
    id,
    tenantId: T,
    email: `${id}@example.test`,
    displayName: id.toUpperCase(),
    role: AgentRole.AGENT_ROLE_AGENT,
    maxConcurrent: 0,
    createdAtMs: 1,
    updatedAtMs: 1,
    groupIds: [],
    skills: [],
    languages: [],
    ...over,
  };
}

export function group(id: string, over: Partial<Group> = {}): Group {
  return {
    id,
    tenantId: T,
    name: id,
    skills: [],
    languages: [],
    manualPick: false,
    maxConcurrentPerAgent: 0,
    businessHours: undefined,
    createdAtMs: 1,
    updatedAtMs: 1,
    ...over,
  };
}

export function settings(over: Partial<TenantSettings> = {}): TenantSettings {
  return {
    weights: undefined,
    businessHours: undefined,
    rules: [],
    defaultGroupId: '',
    acceptTimeoutS: 0,
    idleCloseS: 0,
    idleWarningS: 0,
    reopenWindowS: 0,
    defaultMaxConcurrent: 0,
    widget: undefined,
    idleCloseDisabled: false,
    reopenDisabled: false,
    ...over,
  };
}

export function tenant(s: Partial<TenantSettings> = {}, id = T): Tenant {
  return { id, name: id, createdAtMs: 1, updatedAtMs: 1, settings: settings(s) };
}

export function snapshot(
  agents: Agent[],
  groups: Group[] = [],
  s: Partial<TenantSettings> = {},
): TenantConfigSnapshot {
  return { tenant: tenant(s), agents, groups };
}

export function presence(agentId: string, online = true, gatewayId = 'g1', tenantId = T): AgentPresence {
  return { tenantId, agentId, online, sockets: online ? 1 : 0, gatewayId, atMs: 0 };
}

/** A session that answers every command as told, recording them. */
export class FakeSession implements SessionCommands {
  readonly sent: RoutingCommand[] = [];
  /** Answer for the next commands; default: applied at version 100 + n. */
  answer: (cmd: RoutingCommand) => Promise<ConversationSummary> = (cmd) =>
    Promise.resolve(
      summary({
        tenantId: cmd.tenantId,
        conversationId: cmd.conversationId,
        version: 100 + this.sent.length,
      }),
    );

  send(command: RoutingCommand): Promise<ConversationSummary> {
    this.sent.push(command);
    return this.answer(command);
  }

  refuseAll(code = ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION): void {
    this.answer = () => Promise.reject(new SwitchboardError(code, 'refused'));
  }
}

export class MemoryStore implements RoutingStore {
  readonly conversations = new Map<string, ConversationEvent>();
  readonly stats: { record: StatRecord; urgent: boolean }[] = [];
  stored: StoredRouting = { conversations: [], agentStats: [], groupStats: [], sticky: [] };

  load(): Promise<StoredRouting> {
    return Promise.resolve(this.stored);
  }

  writeConversation(change: MirrorChange): Promise<void> {
    if (change.kind === 'put') {
      const c = change.record.conversation;
      this.conversations.set(`${c?.tenantId}.${c?.conversationId}`, change.record);
    } else {
      this.conversations.delete(`${change.tenantId}.${change.conversationId}`);
    }
    return Promise.resolve();
  }

  conversationDurable(): Promise<void> {
    return Promise.resolve();
  }

  writeStats(records: readonly StatRecord[], urgent: boolean): Promise<void> {
    for (const record of records) this.stats.push({ record, urgent });
    return Promise.resolve();
  }
}

export class RecordingPublisher implements SignalPublisher {
  readonly signals: ConversationSignal[] = [];
  readonly snapshots: QueueSnapshot[] = [];
  signal(s: ConversationSignal): void {
    this.signals.push(s);
  }
  snapshot(s: QueueSnapshot): void {
    this.snapshots.push(s);
  }
}

export class FakeConfig implements ConfigSource {
  readonly tenants = new Map<string, TenantConfigSnapshot>();
  calls: string[] = [];
  fail = false;
  loadTenant(tenantId: string): Promise<TenantConfigSnapshot> {
    this.calls.push(tenantId);
    if (this.fail)
      return Promise.reject(new SwitchboardError(ErrorCode.ERROR_CODE_UNAVAILABLE, 'down', true));
    return Promise.resolve(this.tenants.get(tenantId) ?? { tenant: undefined, agents: [], groups: [] });
  }
}

/** A clock the test moves. */
export class ManualClock {
  constructor(public ms = 1_700_000_000_000) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): number {
    this.ms += ms;
    return this.ms;
  }
}
