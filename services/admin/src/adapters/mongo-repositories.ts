import type { Db } from 'mongodb';
import { MongoAgentRepository } from './mongo-agent-repository';
import { MongoCannedReplyRepository } from './mongo-canned-reply-repository';
import { MongoConfigChangeLog } from './mongo-config-change-log';
import { MongoConversationRepository } from './mongo-conversation-repository';
import { MongoGroupRepository } from './mongo-group-repository';
import { MongoTenantRepository } from './mongo-tenant-repository';
import { MongoWidgetKeyRepository } from './mongo-widget-key-repository';

export interface MongoRepositories {
  readonly tenants: MongoTenantRepository;
  readonly agents: MongoAgentRepository;
  readonly widgetKeys: MongoWidgetKeyRepository;
  readonly groups: MongoGroupRepository;
  readonly cannedReplies: MongoCannedReplyRepository;
  readonly conversations: MongoConversationRepository;
  readonly changes: MongoConfigChangeLog;
}

/** Every repository over one database; shared by the service and the seed tool. */
export function createMongoRepositories(db: Db): MongoRepositories {
  return {
    tenants: new MongoTenantRepository(db),
    agents: new MongoAgentRepository(db),
    widgetKeys: new MongoWidgetKeyRepository(db),
    groups: new MongoGroupRepository(db),
    cannedReplies: new MongoCannedReplyRepository(db),
    conversations: new MongoConversationRepository(db),
    changes: new MongoConfigChangeLog(db),
  };
}
