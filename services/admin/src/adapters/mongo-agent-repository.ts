import { agentRoleFromJSON, agentRoleToJSON, type Agent } from '@switchboard/proto';
import type { Collection, Db } from 'mongodb';
import type { AgentRepository, StoredAgent } from '../domain/ports';
import { Collections, isDuplicateKey, storeCall, type AgentDoc } from './mongo';

/** Everything but the credential: what any read that leaves this service may select. */
const PUBLIC_FIELDS = {
  _id: 1,
  tenant_id: 1,
  email: 1,
  display_name: 1,
  role: 1,
  max_concurrent: 1,
  created_at: 1,
  updated_at: 1,
  group_ids: 1,
  skills: 1,
  languages: 1,
} as const;

export function agentFromDoc(doc: Omit<AgentDoc, 'password_hash'>): Agent {
  return {
    id: doc._id,
    tenantId: doc.tenant_id,
    email: doc.email,
    displayName: doc.display_name,
    role: agentRoleFromJSON(doc.role),
    maxConcurrent: doc.max_concurrent,
    createdAtMs: doc.created_at.getTime(),
    updatedAtMs: doc.updated_at.getTime(),
    groupIds: doc.group_ids ?? [],
    skills: doc.skills ?? [],
    languages: doc.languages ?? [],
  };
}

export function agentToPublicDoc(agent: Agent): Omit<AgentDoc, 'password_hash'> {
  return {
    _id: agent.id,
    tenant_id: agent.tenantId,
    email: agent.email,
    display_name: agent.displayName,
    role: agentRoleToJSON(agent.role),
    max_concurrent: agent.maxConcurrent,
    created_at: new Date(agent.createdAtMs),
    updated_at: new Date(agent.updatedAtMs),
    group_ids: agent.groupIds,
    skills: agent.skills,
    languages: agent.languages,
  };
}

/** `agents`: _id = agent id, unique (tenant_id, email). */
export class MongoAgentRepository implements AgentRepository {
  private readonly collection: Collection<AgentDoc>;

  constructor(db: Db) {
    this.collection = db.collection<AgentDoc>(Collections.agents);
  }

  findByEmail(tenantId: string, email: string): Promise<StoredAgent | undefined> {
    return storeCall('agents.findByEmail', async () => {
      const doc = await this.collection.findOne({ tenant_id: tenantId, email });
      return doc === null ? undefined : { agent: agentFromDoc(doc), passwordHash: doc.password_hash };
    });
  }

  findById(tenantId: string, agentId: string): Promise<Agent | undefined> {
    return storeCall('agents.findById', async () => {
      const doc = await this.collection.findOne(
        { _id: agentId, tenant_id: tenantId },
        { projection: PUBLIC_FIELDS },
      );
      return doc === null ? undefined : agentFromDoc(doc);
    });
  }

  list(tenantId: string): Promise<Agent[]> {
    return storeCall('agents.list', async () => {
      const docs = await this.collection
        .find({ tenant_id: tenantId }, { projection: PUBLIC_FIELDS })
        .sort({ email: 1 })
        .toArray();
      return docs.map(agentFromDoc);
    });
  }

  insert(stored: StoredAgent): Promise<'inserted' | 'duplicate'> {
    return storeCall('agents.insert', async () => {
      try {
        await this.collection.insertOne({
          ...agentToPublicDoc(stored.agent),
          password_hash: stored.passwordHash,
        });
        return 'inserted';
      } catch (err) {
        if (isDuplicateKey(err)) return 'duplicate';
        throw err;
      }
    });
  }

  update(stored: StoredAgent): Promise<void> {
    const doc = agentToPublicDoc(stored.agent);
    return storeCall('agents.update', async () => {
      await this.collection.updateOne(
        { _id: doc._id, tenant_id: doc.tenant_id },
        {
          $set: {
            email: doc.email,
            display_name: doc.display_name,
            role: doc.role,
            max_concurrent: doc.max_concurrent,
            updated_at: doc.updated_at,
            group_ids: doc.group_ids ?? [],
            skills: doc.skills ?? [],
            languages: doc.languages ?? [],
            password_hash: stored.passwordHash,
          },
        },
      );
    });
  }

  count(tenantId: string): Promise<number> {
    return storeCall('agents.count', () => this.collection.countDocuments({ tenant_id: tenantId }));
  }
}
