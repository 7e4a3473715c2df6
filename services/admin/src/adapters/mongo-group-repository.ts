import { BusinessHours, type Group } from '@switchboard/proto';
import type { Collection, Db } from 'mongodb';
import type { GroupRepository } from '../domain/ports';
import { Collections, isDuplicateKey, storeCall, type GroupDoc, type ProtoJsonDoc } from './mongo';

export function groupDocId(tenantId: string, groupId: string): string {
  return `${tenantId}:${groupId}`;
}

export function groupFromDoc(doc: GroupDoc): Group {
  return {
    id: doc.group_id,
    tenantId: doc.tenant_id,
    name: doc.name,
    skills: doc.skills,
    languages: doc.languages,
    manualPick: doc.manual_pick,
    maxConcurrentPerAgent: doc.max_concurrent_per_agent,
    businessHours: doc.business_hours === null ? undefined : BusinessHours.fromJSON(doc.business_hours),
    createdAtMs: doc.created_at.getTime(),
    updatedAtMs: doc.updated_at.getTime(),
  };
}

export function groupToDoc(group: Group): GroupDoc {
  return {
    _id: groupDocId(group.tenantId, group.id),
    tenant_id: group.tenantId,
    group_id: group.id,
    name: group.name,
    skills: group.skills,
    languages: group.languages,
    manual_pick: group.manualPick,
    max_concurrent_per_agent: group.maxConcurrentPerAgent,
    business_hours:
      group.businessHours === undefined ? null : (BusinessHours.toJSON(group.businessHours) as ProtoJsonDoc),
    created_at: new Date(group.createdAtMs),
    updated_at: new Date(group.updatedAtMs),
  };
}

/** `groups`: _id = `tenant:group`, since group ids (`general`, `sales`) repeat across tenants. */
export class MongoGroupRepository implements GroupRepository {
  private readonly collection: Collection<GroupDoc>;

  constructor(db: Db) {
    this.collection = db.collection<GroupDoc>(Collections.groups);
  }

  find(tenantId: string, groupId: string): Promise<Group | undefined> {
    return storeCall('groups.find', async () => {
      const doc = await this.collection.findOne({ _id: groupDocId(tenantId, groupId), tenant_id: tenantId });
      return doc === null ? undefined : groupFromDoc(doc);
    });
  }

  list(tenantId: string): Promise<Group[]> {
    return storeCall('groups.list', async () => {
      const docs = await this.collection.find({ tenant_id: tenantId }).sort({ group_id: 1 }).toArray();
      return docs.map(groupFromDoc);
    });
  }

  insert(group: Group): Promise<'inserted' | 'duplicate'> {
    return storeCall('groups.insert', async () => {
      try {
        await this.collection.insertOne(groupToDoc(group));
        return 'inserted';
      } catch (err) {
        if (isDuplicateKey(err)) return 'duplicate';
        throw err;
      }
    });
  }

  save(group: Group): Promise<void> {
    const { _id, created_at, ...fields } = groupToDoc(group);
    return storeCall('groups.save', async () => {
      await this.collection.updateOne(
        { _id, tenant_id: fields.tenant_id },
        { $set: fields, $setOnInsert: { created_at } },
        { upsert: true },
      );
    });
  }

  delete(tenantId: string, groupId: string): Promise<boolean> {
    return storeCall('groups.delete', async () => {
      const result = await this.collection.deleteOne({
        _id: groupDocId(tenantId, groupId),
        tenant_id: tenantId,
      });
      return result.deletedCount === 1;
    });
  }
}
