import { ConversationSummary, ErrorCode, type SubjectCatalog } from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import type { KV } from 'nats';
import { ConflictError, type ConversationStateStore, type StoredState } from '../domain/ports';

/** Conversation lifecycle state in a NATS KV bucket; revisions give compare-and-set. */
export class KvConversationStateStore implements ConversationStateStore {
  constructor(
    private readonly kv: KV,
    private readonly catalog: SubjectCatalog,
  ) {}

  async get(tenantId: string, conversationId: string): Promise<StoredState | undefined> {
    const entry = await this.guard(() =>
      this.kv.get(this.catalog.conversationStateKey(tenantId, conversationId)),
    );
    if (entry === null || entry.operation !== 'PUT') return undefined;
    return { summary: ConversationSummary.decode(entry.value), revision: entry.revision };
  }

  create(summary: ConversationSummary): Promise<number> {
    return this.guard(() => this.kv.create(this.key(summary), ConversationSummary.encode(summary).finish()));
  }

  update(summary: ConversationSummary, revision: number): Promise<number> {
    return this.guard(() =>
      this.kv.update(this.key(summary), ConversationSummary.encode(summary).finish(), revision),
    );
  }

  private key(s: ConversationSummary): string {
    return this.catalog.conversationStateKey(s.tenantId, s.conversationId);
  }

  private async guard<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      if (/wrong last sequence|key exists/i.test(String(err))) {
        throw new ConflictError('conversation state changed since it was read', { cause: err });
      }
      throw new SwitchboardError(ErrorCode.ERROR_CODE_UNAVAILABLE, 'conversation state store failed', true, {
        cause: err,
      });
    }
  }
}
