/**
 * The one place NATS subjects, stream names and header names are spelled. Every service, test and tool
 * builds subjects through a SubjectCatalog; no subject string is written anywhere else.
 *
 * A catalog has a namespace: '' in production (subjects start with `sb.v1.`, streams are `SB_CONV`, ...),
 * and a unique one per test (subjects `t7.sb.v1.`, streams `T7_SB_CONV`) so tests can share one server.
 */
import { ConversationEventType } from '../gen/switchboard/v1/conversation.pb';

/** Headers Switchboard sets on NATS messages. */
export const Headers = {
  /** JetStream de-duplication id: `<conversation>:<client_msg_id>`. */
  msgId: 'Nats-Msg-Id',
  /** The per-conversation seq of a message in SB_CONV. */
  seq: 'Sb-Seq',
  /** The sender's client_msg_id of a message in SB_CONV (read headers-only to rebuild de-duplication). */
  clientMsgId: 'Sb-Client-Msg-Id',
  /** The session instance that wrote a message in SB_CONV, for audits of ownership changes. */
  writer: 'Sb-Writer',
  /** The typed error code on a NATS reply that failed. */
  errorCode: 'Sb-Error-Code',
  /** W3C trace context. */
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

/** True when `s` can be used as one subject token (tenant ids, conversation ids, agent ids). */
export function isSubjectToken(s: string): boolean {
  return TOKEN.test(s);
}

/** Thrown when an id that must become a subject token contains characters NATS treats specially. */
export class InvalidSubjectTokenError extends Error {
  override readonly name = 'InvalidSubjectTokenError';
  constructor(
    readonly what: string,
    readonly value: string,
  ) {
    super(`${what} must match ${TOKEN.source}, got ${JSON.stringify(value.slice(0, 80))}`);
  }
}

function token(what: string, value: string): string {
  if (!TOKEN.test(value)) throw new InvalidSubjectTokenError(what, value);
  return value;
}

/** The event-type suffix used on sb.v1.events.<tenant>.<type>. */
export function conversationEventName(type: ConversationEventType): string {
  const T = ConversationEventType;
  switch (type) {
    case T.CONVERSATION_EVENT_TYPE_OPENED:
      return 'conversation.opened';
    case T.CONVERSATION_EVENT_TYPE_ASSIGNED:
      return 'conversation.assigned';
    case T.CONVERSATION_EVENT_TYPE_CLOSED:
      return 'conversation.closed';
    case T.CONVERSATION_EVENT_TYPE_BOT_STARTED:
      return 'conversation.bot_started';
    case T.CONVERSATION_EVENT_TYPE_QUEUED:
      return 'conversation.queued';
    case T.CONVERSATION_EVENT_TYPE_ACCEPTED:
      return 'conversation.accepted';
    case T.CONVERSATION_EVENT_TYPE_REQUEUED:
      return 'conversation.requeued';
    case T.CONVERSATION_EVENT_TYPE_TRANSFER_REQUESTED:
      return 'conversation.transfer_requested';
    case T.CONVERSATION_EVENT_TYPE_TAKEN_OVER:
      return 'conversation.taken_over';
    case T.CONVERSATION_EVENT_TYPE_REOPENED:
      return 'conversation.reopened';
    case T.CONVERSATION_EVENT_TYPE_LABELED:
      return 'conversation.labeled';
    case T.CONVERSATION_EVENT_TYPE_RATED:
      return 'conversation.rated';
    case ConversationEventType.CONVERSATION_EVENT_TYPE_UNSPECIFIED:
    case ConversationEventType.UNRECOGNIZED:
      throw new Error(`conversation event type ${type} has no subject`);
  }
}

export interface StreamNames {
  /** Every conversation message, subject per conversation. The durability point. */
  readonly conv: string;
  /** The public, versioned event catalog. */
  readonly events: string;
}

export interface BucketNames {
  /** KV: each conversation's lifecycle state, key `<tenant>.<conversation>`. */
  readonly conversationState: string;
  /** KV: session partition leases (`p<P>`) and live session instances (`i.<instance>`). */
  readonly sessionLeases: string;
  /** KV: each participant's read mark, key `<tenant>.<conversation>.<participant>`. */
  readonly readMarks: string;
  /** KV: each agent's chosen status (AgentStatusRecord), key `<tenant>.<agent>`. */
  readonly agentStatus: string;
  /**
   * KV: routing's rebuildable state: open conversations (`conv.<tenant>.<conversation>`), agent stats
   * (`stats.<tenant>.<agent>`), group stats (`group.<tenant>.<group>`), sticky agents
   * (`sticky.<tenant>.<visitor>`).
   */
  readonly routing: string;
}

export class SubjectCatalog {
  readonly root: string;
  readonly streams: StreamNames;
  readonly buckets: BucketNames;

  constructor(readonly namespace = '') {
    if (namespace !== '' && !/^[a-z0-9]{1,32}$/.test(namespace)) {
      throw new InvalidSubjectTokenError('subject namespace', namespace);
    }
    this.root = namespace === '' ? 'sb.v1' : `${namespace}.sb.v1`;
    const p = namespace === '' ? '' : `${namespace.toUpperCase()}_`;
    this.streams = { conv: `${p}SB_CONV`, events: `${p}SB_EVENTS` };
    this.buckets = {
      conversationState: `${p}SB_CONV_STATE`,
      sessionLeases: `${p}SB_SESSION_LEASES`,
      readMarks: `${p}SB_READ_MARKS`,
      agentStatus: `${p}SB_AGENT_STATUS`,
      routing: `${p}SB_ROUTING`,
    };
  }

  /** Key of partition p's lease in the sessionLeases bucket. */
  partitionLeaseKey(partition: number): string {
    return `p${partitionToken(partition)}`;
  }

  /** Key of a live session instance in the sessionLeases bucket. */
  sessionInstanceKey(instanceId: string): string {
    return `i.${token('instance id', instanceId)}`;
  }

  /** Key prefix of every live session instance in the sessionLeases bucket. */
  sessionInstancePrefix(): string {
    return 'i.';
  }

  /** Key of a participant's read mark in the readMarks bucket. */
  readMarkKey(tenantId: string, conversationId: string, participantId: string): string {
    return `${this.conversationStateKey(tenantId, conversationId)}.${token('participant id', participantId)}`;
  }

  /** Key of an agent's status in the agentStatus bucket. */
  agentStatusKey(tenantId: string, agentId: string): string {
    return `${token('tenant id', tenantId)}.${token('agent id', agentId)}`;
  }

  /** Key of an open conversation in the routing bucket. */
  routingConversationKey(tenantId: string, conversationId: string): string {
    return `conv.${this.conversationStateKey(tenantId, conversationId)}`;
  }

  /** Key of an agent's routing stats in the routing bucket. */
  routingAgentStatsKey(tenantId: string, agentId: string): string {
    return `stats.${this.agentStatusKey(tenantId, agentId)}`;
  }

  /** Key of a group's handle-time stats in the routing bucket. */
  routingGroupStatsKey(tenantId: string, groupId: string): string {
    return `group.${token('tenant id', tenantId)}.${token('group id', groupId)}`;
  }

  /** Key of a visitor's last agent in the routing bucket. */
  routingStickyKey(tenantId: string, visitorId: string): string {
    return `sticky.${token('tenant id', tenantId)}.${token('visitor id', visitorId)}`;
  }

  /** Key of a conversation in the conversationState bucket. */
  conversationStateKey(tenantId: string, conversationId: string): string {
    return `${token('tenant id', tenantId)}.${token('conversation id', conversationId)}`;
  }

  /** SB_CONV: one conversation's messages. */
  conversation(tenantId: string, conversationId: string): string {
    return `${this.root}.conv.${token('tenant id', tenantId)}.${token('conversation id', conversationId)}`;
  }

  /** SB_CONV's subject filter. */
  conversationsAll(): string {
    return `${this.root}.conv.>`;
  }

  /**
   * Core: one conversation's messages as SB_CONV republishes them, only after they are stored. Live
   * delivery listens here, never on the stream subject itself: a publish the stream rejects (a stale
   * writer, a fenced retry) still reaches plain subscribers of the stream subject.
   */
  liveConversation(tenantId: string, conversationId: string): string {
    return `${this.root}.live.${token('tenant id', tenantId)}.${token('conversation id', conversationId)}`;
  }

  /** SB_CONV's republish destination for every conversation. */
  liveConversationsAll(): string {
    return `${this.root}.live.>`;
  }

  /** SB_EVENTS: a conversation lifecycle event. */
  conversationEvent(tenantId: string, type: ConversationEventType): string {
    return `${this.root}.events.${token('tenant id', tenantId)}.${conversationEventName(type)}`;
  }

  /** One tenant's conversation lifecycle events. */
  conversationEventsOfTenant(tenantId: string): string {
    return `${this.root}.events.${token('tenant id', tenantId)}.conversation.*`;
  }

  /** Every tenant's conversation lifecycle events. */
  conversationEventsAll(): string {
    return `${this.root}.events.*.conversation.*`;
  }

  /** SB_EVENTS's subject filter. */
  eventsAll(): string {
    return `${this.root}.events.>`;
  }

  /** Request/reply: append a message on session partition p. */
  sessionAppend(partition: number): string {
    return `${this.root}.session.p${partitionToken(partition)}.append`;
  }

  /** Request/reply: a lifecycle command on session partition p. */
  sessionCommand(partition: number): string {
    return `${this.root}.session.p${partitionToken(partition)}.command`;
  }

  /** Core: ephemeral signals of one conversation (typing, read receipts, queue status, idle warning). */
  conversationSignals(tenantId: string, conversationId: string): string {
    return `${this.root}.signal.${token('tenant id', tenantId)}.${token('conversation id', conversationId)}`;
  }

  /** Core: a tenant's queue snapshots, for agents' consoles. */
  queue(tenantId: string): string {
    return `${this.root}.queue.${token('tenant id', tenantId)}`;
  }

  /** Request/reply: an agent picks a queued conversation (served by routing). */
  routingPick(): string {
    return `${this.root}.routing.pick`;
  }

  /** Core: gateways' agent presence heartbeats for a tenant. */
  presence(tenantId: string): string {
    return `${this.root}.presence.${token('tenant id', tenantId)}`;
  }

  presenceAll(): string {
    return `${this.root}.presence.*`;
  }

  /** Core: admin announces that the config change log has grown. */
  configChanged(): string {
    return `${this.root}.config.changed`;
  }
}

function partitionToken(p: number): number {
  if (!Number.isInteger(p) || p < 0) throw new InvalidSubjectTokenError('partition', String(p));
  return p;
}
