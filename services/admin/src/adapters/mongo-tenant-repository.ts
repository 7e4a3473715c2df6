import type { Tenant } from '@switchboard/proto';
import type { Collection, Db } from 'mongodb';
import type { TenantRepository } from '../domain/ports';
import { Collections, storeCall, type TenantDoc } from './mongo';

export function tenantFromDoc(doc: TenantDoc): Tenant {
  return {
    id: doc._id,
    name: doc.name,
    createdAtMs: doc.created_at.getTime(),
    updatedAtMs: doc.updated_at.getTime(),
  };
}

export function tenantToDoc(tenant: Tenant): TenantDoc {
  return {
    _id: tenant.id,
    name: tenant.name,
    created_at: new Date(tenant.createdAtMs),
    updated_at: new Date(tenant.updatedAtMs),
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

  count(): Promise<number> {
    return storeCall('tenants.count', () => this.collection.countDocuments({}));
  }
}
