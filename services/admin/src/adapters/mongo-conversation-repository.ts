import {
  channelFromJSON,
  channelToJSON,
  ConversationState,
  conversationStateFromJSON,
  conversationStateToJSON,
  type ConversationSummary,
} from '@switchboard/proto';
import type { Collection, Db, Filter } from 'mongodb';
import type { ConversationFilter, ConversationRepository } from '../domain/ports';
import { Collections, isDuplicateKey, storeCall, type ConversationDoc } from './mongo';

export function conversationDocId(tenantId: string, conversationId: string): string {
  return `${tenantId}:${conversationId}`;
}

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
  };
}

export function conversationToDoc(c: ConversationSummary): ConversationDoc {
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
