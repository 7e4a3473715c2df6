import type { CannedReply } from '@switchboard/proto';
import type { Collection, Db } from 'mongodb';
import type { CannedReplyRepository } from '../domain/ports';
import { Collections, isDuplicateKey, storeCall, type CannedReplyDoc } from './mongo';

export function cannedReplyDocId(tenantId: string, replyId: string): string {
  return `${tenantId}:${replyId}`;
}

export function cannedReplyFromDoc(doc: CannedReplyDoc): CannedReply {
  return {
    id: doc.reply_id,
    tenantId: doc.tenant_id,
    agentId: doc.agent_id,
    shortcut: doc.shortcut,
    text: doc.text,
    createdAtMs: doc.created_at.getTime(),
    updatedAtMs: doc.updated_at.getTime(),
  };
}

export function cannedReplyToDoc(reply: CannedReply): CannedReplyDoc {
  return {
    _id: cannedReplyDocId(reply.tenantId, reply.id),
    tenant_id: reply.tenantId,
    reply_id: reply.id,
    agent_id: reply.agentId,
    shortcut: reply.shortcut,
    text: reply.text,
    created_at: new Date(reply.createdAtMs),
    updated_at: new Date(reply.updatedAtMs),
  };
}

/** `canned_replies`: _id = `tenant:reply`; the unique index makes a shortcut unique per owner. */
export class MongoCannedReplyRepository implements CannedReplyRepository {
  private readonly collection: Collection<CannedReplyDoc>;

  constructor(db: Db) {
    this.collection = db.collection<CannedReplyDoc>(Collections.cannedReplies);
  }

  find(tenantId: string, replyId: string): Promise<CannedReply | undefined> {
    return storeCall('canned_replies.find', async () => {
      const doc = await this.collection.findOne({
        _id: cannedReplyDocId(tenantId, replyId),
        tenant_id: tenantId,
      });
      return doc === null ? undefined : cannedReplyFromDoc(doc);
    });
  }

  findByShortcut(tenantId: string, agentId: string, shortcut: string): Promise<CannedReply | undefined> {
    return storeCall('canned_replies.findByShortcut', async () => {
      const doc = await this.collection.findOne({ tenant_id: tenantId, agent_id: agentId, shortcut });
      return doc === null ? undefined : cannedReplyFromDoc(doc);
    });
  }

  list(tenantId: string, owners: readonly string[]): Promise<CannedReply[]> {
    return storeCall('canned_replies.list', async () => {
      const docs = await this.collection
        .find({ tenant_id: tenantId, agent_id: { $in: [...owners] } })
        .sort({ shortcut: 1, _id: 1 })
        .toArray();
      return docs.map(cannedReplyFromDoc);
    });
  }

  save(reply: CannedReply): Promise<'saved' | 'duplicate'> {
    const { _id, created_at, ...fields } = cannedReplyToDoc(reply);
    return storeCall('canned_replies.save', async () => {
      try {
        await this.collection.updateOne(
          { _id, tenant_id: fields.tenant_id },
          { $set: fields, $setOnInsert: { created_at } },
          { upsert: true },
        );
        return 'saved';
      } catch (err) {
        if (isDuplicateKey(err)) return 'duplicate';
        throw err;
      }
    });
  }

  delete(tenantId: string, replyId: string): Promise<boolean> {
    return storeCall('canned_replies.delete', async () => {
      const result = await this.collection.deleteOne({
        _id: cannedReplyDocId(tenantId, replyId),
        tenant_id: tenantId,
      });
      return result.deletedCount === 1;
    });
  }
}
