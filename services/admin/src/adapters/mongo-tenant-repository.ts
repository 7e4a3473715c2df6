import { TenantSettings, type Tenant } from '@switchboard/proto';
import type { Collection, Db } from 'mongodb';
import type { TenantRepository } from '../domain/ports';
import { Collections, storeCall, type ProtoJsonDoc, type TenantDoc } from './mongo';

/** Settings are stored in their protobuf JSON form, so a field added to TenantSettings needs no migration. */
export function settingsToDoc(settings: TenantSettings): ProtoJsonDoc {
  return TenantSettings.toJSON(settings) as ProtoJsonDoc;
}

export function tenantFromDoc(doc: TenantDoc): Tenant {
  return {
    id: doc._id,
    name: doc.name,
    createdAtMs: doc.created_at.getTime(),
    updatedAtMs: doc.updated_at.getTime(),
    settings:
      doc.settings === undefined || doc.settings === null ? undefined : TenantSettings.fromJSON(doc.settings),
  };
}

export function tenantToDoc(tenant: Tenant): TenantDoc {
  return {
    _id: tenant.id,
    name: tenant.name,
    created_at: new Date(tenant.createdAtMs),
    updated_at: new Date(tenant.updatedAtMs),
    settings: tenant.settings === undefined ? null : settingsToDoc(tenant.settings),
  };
}

/** `tenants`: one document per tenant, _id = tenant id. */
export class MongoTenantRepository implements TenantRepository {
  private readonly collection: Collection<TenantDoc>;

  constructor(db: Db) {
    this.collection = db.collection<TenantDoc>(Collections.tenants);
  }

  findById(tenantId: string): Promise<Tenant | undefined> {
    return storeCall('tenants.find', async () => {
      const doc = await this.collection.findOne({ _id: tenantId });
      return doc === null ? undefined : tenantFromDoc(doc);
    });
  }

  save(tenant: Tenant): Promise<void> {
    const doc = tenantToDoc(tenant);
    return storeCall('tenants.save', async () => {
      // Settings have their own write (saveSettings), so a rename never overwrites a settings update.
      await this.collection.updateOne(
        { _id: doc._id },
        {
          $set: { name: doc.name, updated_at: doc.updated_at },
          $setOnInsert: { created_at: doc.created_at },
        },
        { upsert: true },
      );
    });
  }

  saveSettings(tenantId: string, settings: TenantSettings, updatedAtMs: number): Promise<boolean> {
    return storeCall('tenants.saveSettings', async () => {
      const result = await this.collection.updateOne(
        { _id: tenantId },
        { $set: { settings: settingsToDoc(settings), updated_at: new Date(updatedAtMs) } },
      );
      return result.matchedCount === 1;
    });
  }

  count(): Promise<number> {
    return storeCall('tenants.count', () => this.collection.countDocuments({}));
  }
}
