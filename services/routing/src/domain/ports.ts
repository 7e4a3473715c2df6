import type {
  AgentStats,
  ConversationEvent,
  ConversationSignal,
  ConversationSummary,
  GroupStats,
  QueueSnapshot,
  StickyAgent,
} from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import type { MirrorChange } from './conversation-book';
import type { RoutingCommand } from './planner';
import type { StatRecord } from './stats';
import type { TenantConfigSnapshot } from './tenant-directory';

/** Lifecycle commands to the conversation's session partition owner. */
export interface SessionCommands {
  /**
   * Resolves to the conversation after the command. Throws a SwitchboardError with session's code, or a
   * SessionNoAnswerError when nobody answered (the command may or may not have been applied).
   */
  send(command: RoutingCommand): Promise<ConversationSummary>;
}

/** Session did not answer in time: the command's fate is unknown. */
export class SessionNoAnswerError extends SwitchboardError {}

/** What routing mirrored in its KV bucket: open conversations and scores. */
export interface StoredRouting {
  readonly conversations: readonly ConversationEvent[];
  readonly agentStats: readonly AgentStats[];
  readonly groupStats: readonly GroupStats[];
  readonly sticky: readonly {
    readonly tenantId: string;
    readonly visitorId: string;
    readonly sticky: StickyAgent;
  }[];
}

/** Routing's rebuildable state (KV bucket SB_ROUTING in production). */
export interface RoutingStore {
  load(): Promise<StoredRouting>;
  /** Resolves once the change (or a newer one of the same conversation) is durable. */
  writeConversation(change: MirrorChange): Promise<void>;
  /** Resolves once whatever was written for the conversation so far is durable. */
  conversationDurable(tenantId: string, conversationId: string): Promise<void>;
  /** `urgent`: written now (before an event is acknowledged); otherwise coalesced. Resolves once durable. */
  writeStats(records: readonly StatRecord[], urgent: boolean): Promise<void>;
}

/** Ephemeral notices: conversation signals and queue snapshots (core NATS). */
export interface SignalPublisher {
  signal(s: ConversationSignal): void;
  snapshot(s: QueueSnapshot): void;
}

/** Admin's configuration of one tenant. */
export interface ConfigSource {
  loadTenant(tenantId: string): Promise<TenantConfigSnapshot>;
}

export interface Clock {
  now(): number;
}

/** The structured log lines the domain writes (a pino logger fits). */
export interface RoutingLog {
  info(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
  debug(fields: object, msg: string): void;
}
