import {
  ConfigEntity,
  configEntityFromJSON,
  configEntityToJSON,
  configOpFromJSON,
  configOpToJSON,
} from '@switchboard/proto';
import type { Collection, Db, Filter } from 'mongodb';
import type { ConfigChange, ConfigChangeLog, RevisionMark } from '../domain/ports';
import { agentFromDoc, agentToPublicDoc } from './mongo-agent-repository';
import { cannedReplyFromDoc, cannedReplyToDoc } from './mongo-canned-reply-repository';
import { groupFromDoc, groupToDoc } from './mongo-group-repository';
import { tenantFromDoc, tenantToDoc } from './mongo-tenant-repository';
import { widgetKeyFromDoc, widgetKeyToDoc } from './mongo-widget-key-repository';
import {
  Collections,
  isDuplicateKey,
  storeCall,
  type AgentDoc,
  type CannedReplyDoc,
  type ConfigChangeDoc,
  type CounterDoc,
  type GroupDoc,
  type TenantDoc,
  type WidgetKeyDoc,
} from './mongo';

export const REVISION_COUNTER = 'config_revision';

type ChangeValue = ConfigChange['value'];

/** The change's value in the record's own document shape; agents never carry their password hash. */
function valueToDoc(value: ChangeValue): Record<string, unknown> | null {
  switch (value?.$case) {
    case undefined:
      return null;
    case 'tenant':
      return { ...tenantToDoc(value.value) };
    case 'agent':
      return { ...agentToPublicDoc(value.value) };
    case 'widgetKey':
      return { ...widgetKeyToDoc(value.value) };
    case 'group':
      return { ...groupToDoc(value.value) };
    case 'cannedReply':
      return { ...cannedReplyToDoc(value.value) };
  }
}

function valueFromDoc(entity: ConfigEntity, value: Record<string, unknown> | null): ChangeValue {
  if (value === null) return undefined;
  switch (entity) {
    case ConfigEntity.CONFIG_ENTITY_TENANT:
      return { $case: 'tenant', value: tenantFromDoc(value as unknown as TenantDoc) };
    case ConfigEntity.CONFIG_ENTITY_AGENT:
      return { $case: 'agent', value: agentFromDoc(value as unknown as Omit<AgentDoc, 'password_hash'>) };
    case ConfigEntity.CONFIG_ENTITY_WIDGET_KEY:
      return { $case: 'widgetKey', value: widgetKeyFromDoc(value as unknown as WidgetKeyDoc) };
    case ConfigEntity.CONFIG_ENTITY_GROUP:
      return { $case: 'group', value: groupFromDoc(value as unknown as GroupDoc) };
    case ConfigEntity.CONFIG_ENTITY_CANNED_REPLY:
      return { $case: 'cannedReply', value: cannedReplyFromDoc(value as unknown as CannedReplyDoc) };
    case ConfigEntity.CONFIG_ENTITY_UNSPECIFIED:
    case ConfigEntity.UNRECOGNIZED:
      return undefined;
  }
}

export function changeFromDoc(doc: ConfigChangeDoc): ConfigChange {
  const entity = configEntityFromJSON(doc.entity);
  return {
    revision: doc.revision,
    tenantId: doc.tenant_id,
    entity,
    entityId: doc.entity_id,
    op: configOpFromJSON(doc.op),
    atMs: doc.at.getTime(),
    value: valueFromDoc(entity, doc.value),
  };
}

/**
 * `config_changes` plus the `counters` document that hands out revisions. A revision is taken with
 * findOneAndUpdate($inc, upsert) and then inserted, so readers can briefly see a hole (see ConfigWatch).
 */
export class MongoConfigChangeLog implements ConfigChangeLog {
  private readonly changes: Collection<ConfigChangeDoc>;
  private readonly counters: Collection<CounterDoc>;

  constructor(db: Db) {
    this.changes = db.collection<ConfigChangeDoc>(Collections.configChanges);
    this.counters = db.collection<CounterDoc>(Collections.counters);
  }

  append(change: Omit<ConfigChange, 'revision'>): Promise<ConfigChange> {
    return storeCall('config_changes.append', async () => {
      const revision = await this.nextRevision();
      const doc: ConfigChangeDoc = {
        revision,
        tenant_id: change.tenantId,
        entity: configEntityToJSON(change.entity),
        entity_id: change.entityId,
        op: configOpToJSON(change.op),
        at: new Date(change.atMs),
        value: valueToDoc(change.value),
      };
      await this.changes.insertOne(doc);
      return { ...change, revision };
    });
  }

  revisionsAfter(after: number, limit: number): Promise<RevisionMark[]> {
    return storeCall('config_changes.revisions', async () => {
      const docs = await this.changes
        .find({ revision: { $gt: after } }, { projection: { _id: 0, revision: 1, at: 1 } })
        .sort({ revision: 1 })
        .limit(limit)
        .toArray();
      return docs.map((d) => ({ revision: d.revision, atMs: d.at.getTime() }));
    });
  }

  changesBetween(
    tenantId: string | undefined,
    after: number,
    upTo: number,
    limit: number,
  ): Promise<ConfigChange[]> {
    const query: Filter<ConfigChangeDoc> = { revision: { $gt: after, $lte: upTo } };
    if (tenantId !== undefined) query.tenant_id = tenantId;
    return storeCall('config_changes.between', async () => {
      const docs = await this.changes.find(query).sort({ revision: 1 }).limit(limit).toArray();
      return docs.map(changeFromDoc);
    });
  }

  private async nextRevision(): Promise<number> {
    // Two first-ever upserts can race on MongoDB; the loser gets E11000 and simply retries.
    for (let attempt = 0; ; attempt++) {
      try {
        const counter = await this.counters.findOneAndUpdate(
          { _id: REVISION_COUNTER },
          { $inc: { value: 1 } },
          { upsert: true, returnDocument: 'after' },
        );
        if (counter === null) throw new Error('revision counter upsert returned no document');
        return counter.value;
      } catch (err) {
        if (attempt === 0 && isDuplicateKey(err)) continue;
        throw err;
      }
    }
  }
}
