import type { WidgetKey } from '@switchboard/proto';
import type { Collection, Db } from 'mongodb';
import type { WidgetKeyRepository } from '../domain/ports';
import { Collections, isDuplicateKey, storeCall, type WidgetKeyDoc } from './mongo';

export function widgetKeyFromDoc(doc: WidgetKeyDoc): WidgetKey {
  return { key: doc._id, tenantId: doc.tenant_id, name: doc.name, createdAtMs: doc.created_at.getTime() };
}

export function widgetKeyToDoc(widgetKey: WidgetKey): WidgetKeyDoc {
  return {
    _id: widgetKey.key,
    tenant_id: widgetKey.tenantId,
    name: widgetKey.name,
    created_at: new Date(widgetKey.createdAtMs),
  };
}

/** `widget_keys`: _id = the public key, so a key belongs to exactly one tenant. */
export class MongoWidgetKeyRepository implements WidgetKeyRepository {
  private readonly collection: Collection<WidgetKeyDoc>;

  constructor(db: Db) {
    this.collection = db.collection<WidgetKeyDoc>(Collections.widgetKeys);
  }

  // The one lookup not scoped by tenant: the key is what identifies the tenant.
  find(key: string): Promise<WidgetKey | undefined> {
    return storeCall('widget_keys.find', async () => {
      const doc = await this.collection.findOne({ _id: key });
      return doc === null ? undefined : widgetKeyFromDoc(doc);
    });
  }

  save(widgetKey: WidgetKey): Promise<'saved' | 'taken'> {
    const doc = widgetKeyToDoc(widgetKey);
    return storeCall('widget_keys.save', async () => {
      try {
        // Filtering on tenant_id too: another tenant's key makes the upsert insert a duplicate _id.
        await this.collection.updateOne(
          { _id: doc._id, tenant_id: doc.tenant_id },
          { $set: { name: doc.name }, $setOnInsert: { created_at: doc.created_at } },
          { upsert: true },
        );
        return 'saved';
      } catch (err) {
        if (isDuplicateKey(err)) return 'taken';
        throw err;
      }
    });
  }

  list(tenantId: string): Promise<WidgetKey[]> {
    return storeCall('widget_keys.list', async () => {
      const docs = await this.collection.find({ tenant_id: tenantId }).sort({ _id: 1 }).toArray();
      return docs.map(widgetKeyFromDoc);
    });
  }
}
