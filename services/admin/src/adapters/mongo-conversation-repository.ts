import {
  channelFromJSON,
  channelToJSON,
  ConversationState,
  conversationStateFromJSON,
  conversationStateToJSON,
  type ConversationSummary,
  type Csat,
  type VisitorContext,
} from '@switchboard/proto';
import type { Collection, Db, Filter } from 'mongodb';
import type { ConversationFilter, ConversationRepository } from '../domain/ports';
import {
  Collections,
  isDuplicateKey,
  storeCall,
  type ConversationDoc,
  type CsatDoc,
  type VisitorContextDoc,
} from './mongo';

export function conversationDocId(tenantId: string, conversationId: string): string {
  return `${tenantId}:${conversationId}`;
}

const dateOrNull = (ms: number): Date | null => (ms === 0 ? null : new Date(ms));
const msOf = (d: Date | null | undefined): number => d?.getTime() ?? 0;

function visitorContextToDoc(c: VisitorContext): VisitorContextDoc {
  return {
    page_url: c.pageUrl,
    referrer: c.referrer,
    user_agent: c.userAgent,
    language: c.language,
    name: c.name,
    email: c.email,
    group_id: c.groupId,
    fields: Object.entries(c.fields).map(([key, value]) => ({ key, value })),
  };
}

function visitorContextFromDoc(d: VisitorContextDoc): VisitorContext {
  const fields: Record<string, string> = {};
  for (const { key, value } of d.fields) fields[key] = value;
  return {
    pageUrl: d.page_url,
    referrer: d.referrer,
    userAgent: d.user_agent,
    language: d.language,
    name: d.name,
    email: d.email,
    groupId: d.group_id,
    fields,
  };
}

function csatToDoc(c: Csat): CsatDoc {
  return { score: c.score, comment: c.comment, at: new Date(c.atMs), agent_id: c.agentId };
}

function csatFromDoc(d: CsatDoc): Csat {
  return { score: d.score, comment: d.comment, atMs: d.at.getTime(), agentId: d.agent_id };
}

/** Documents projected before events carried the whole record lack the newer fields: they read as defaults. */
export function conversationFromDoc(doc: ConversationDoc): ConversationSummary {
  return {
    tenantId: doc.tenant_id,
    conversationId: doc.conversation_id,
    state: conversationStateFromJSON(doc.state),
    visitorId: doc.visitor_id,
    agentId: doc.agent_id,
    lastSeq: doc.last_seq,
    openedAtMs: doc.opened_at.getTime(),
    updatedAtMs: doc.updated_at.getTime(),
    channel: channelFromJSON(doc.channel),
    version: doc.version,
    groupId: doc.group_id ?? '',
    priority: doc.priority ?? 0,
    labels: doc.labels ?? [],
    previousAgentId: doc.previous_agent_id ?? '',
    transferToAgentId: doc.transfer_to_agent_id ?? '',
    queuedAtMs: msOf(doc.queued_at),
    assignedAtMs: msOf(doc.assigned_at),
    acceptedAtMs: msOf(doc.accepted_at),
    closedAtMs: msOf(doc.closed_at),
    reopenUntilMs: msOf(doc.reopen_until),
    reopenCount: doc.reopen_count ?? 0,
    visitorContext: doc.visitor_context ? visitorContextFromDoc(doc.visitor_context) : undefined,
    csat: doc.csat ? csatFromDoc(doc.csat) : undefined,
    declinedAgentIds: doc.declined_agent_ids ?? [],
    agentDisplayName: doc.agent_display_name ?? '',
  };
}

/** Every field, absent messages as null, so a $set of the whole document also clears them (a reopen clears csat). */
export function conversationToDoc(c: ConversationSummary): Required<ConversationDoc> {
  return {
    _id: conversationDocId(c.tenantId, c.conversationId),
    tenant_id: c.tenantId,
    conversation_id: c.conversationId,
    state: conversationStateToJSON(c.state),
    visitor_id: c.visitorId,
    agent_id: c.agentId,
    last_seq: c.lastSeq,
    opened_at: new Date(c.openedAtMs),
    updated_at: new Date(c.updatedAtMs),
    channel: channelToJSON(c.channel),
    version: c.version,
    group_id: c.groupId,
    priority: c.priority,
    labels: c.labels,
    previous_agent_id: c.previousAgentId,
    transfer_to_agent_id: c.transferToAgentId,
    queued_at: dateOrNull(c.queuedAtMs),
    assigned_at: dateOrNull(c.assignedAtMs),
    accepted_at: dateOrNull(c.acceptedAtMs),
    closed_at: dateOrNull(c.closedAtMs),
    reopen_until: dateOrNull(c.reopenUntilMs),
    reopen_count: c.reopenCount,
    visitor_context: c.visitorContext === undefined ? null : visitorContextToDoc(c.visitorContext),
    csat: c.csat === undefined ? null : csatToDoc(c.csat),
    declined_agent_ids: c.declinedAgentIds,
    agent_display_name: c.agentDisplayName,
  };
}

const CLOSED = conversationStateToJSON(ConversationState.CONVERSATION_STATE_CLOSED);

/** `conversations`: the metadata projection of conversation lifecycle events. */
export class MongoConversationRepository implements ConversationRepository {
  private readonly collection: Collection<ConversationDoc>;

  constructor(db: Db) {
    this.collection = db.collection<ConversationDoc>(Collections.conversations);
  }

  find(tenantId: string, conversationId: string): Promise<ConversationSummary | undefined> {
    return storeCall('conversations.find', async () => {
      const doc = await this.collection.findOne({
        _id: conversationDocId(tenantId, conversationId),
        tenant_id: tenantId,
      });
      return doc === null ? undefined : conversationFromDoc(doc);
    });
  }

  list(tenantId: string, filter: ConversationFilter): Promise<ConversationSummary[]> {
    const query: Filter<ConversationDoc> = { tenant_id: tenantId };
    if (filter.agentId !== undefined) query.agent_id = filter.agentId;
    if (filter.visitorId !== undefined) query.visitor_id = filter.visitorId;
    if (filter.openOnly) query.state = { $ne: CLOSED };
    return storeCall('conversations.list', async () => {
      const docs = await this.collection
        .find(query)
        .sort({ updated_at: -1, _id: 1 })
        .limit(filter.limit)
        .toArray();
      return docs.map(conversationFromDoc);
    });
  }

  /**
   * A conditional update, then an insert when there was nothing to update. Either losing to a newer
   * version (no match, then a duplicate _id) means the stored document is at least as new.
   */
  saveIfNewer(summary: ConversationSummary): Promise<boolean> {
    const doc = conversationToDoc(summary);
    return storeCall('conversations.saveIfNewer', async () => {
      const { _id, ...fields } = doc;
      const updated = await this.collection.updateOne(
        { _id, tenant_id: doc.tenant_id, version: { $lt: doc.version } },
        { $set: fields },
      );
      if (updated.matchedCount === 1) return true;
      try {
        await this.collection.insertOne(doc);
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    });
  }
}
