import { ConversationSummary, type ConversationEvent, type UnifiedMessage } from '@switchboard/proto';
import {
  ConflictError,
  type AppendResult,
  type ConversationLog,
  type ConversationStateStore,
  type EventPublisher,
  type LastMessage,
  type StoredState,
} from './ports';

/** In-memory stand-ins for the session's ports, used by unit tests. */
export class MemoryStateStore implements ConversationStateStore {
  readonly entries = new Map<string, StoredState>();
  private rev = 0;

  get(t: string, c: string): Promise<StoredState | undefined> {
    return Promise.resolve(this.entries.get(`${t}.${c}`));
  }

  create(s: ConversationSummary): Promise<number> {
    const k = `${s.tenantId}.${s.conversationId}`;
    if (this.entries.has(k)) return Promise.reject(new ConflictError('exists'));
    this.entries.set(k, { summary: ConversationSummary.fromPartial(s), revision: ++this.rev });
    return Promise.resolve(this.rev);
  }

  update(s: ConversationSummary, revision: number): Promise<number> {
    const k = `${s.tenantId}.${s.conversationId}`;
    if (this.entries.get(k)?.revision !== revision) return Promise.reject(new ConflictError('moved'));
    this.entries.set(k, { summary: ConversationSummary.fromPartial(s), revision: ++this.rev });
    return Promise.resolve(this.rev);
  }
}

export class MemoryLog implements ConversationLog {
  readonly messages: UnifiedMessage[] = [];
  private readonly ids = new Map<string, number>();
  /** When set, the next append fails with this error. */
  failNext: Error | undefined;

  last(t: string, c: string): Promise<LastMessage | undefined> {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const m = this.messages[i];
      if (m !== undefined && m.tenantId === t && m.conversationId === c)
        return Promise.resolve({ seq: m.seq, position: i + 1 });
    }
    return Promise.resolve(undefined);
  }

  async append(m: UnifiedMessage, expected: number): Promise<AppendResult> {
    if (this.failNext !== undefined) {
      const e = this.failNext;
      this.failNext = undefined;
      throw e;
    }
    const id = `${m.tenantId}.${m.conversationId}.${m.clientMsgId}`;
    const dup = this.ids.get(id);
    if (dup !== undefined) return { position: dup, duplicate: true };
    const last = await this.last(m.tenantId, m.conversationId);
    if ((last?.position ?? 0) !== expected) throw new ConflictError('wrong last sequence');
    this.messages.push(m);
    this.ids.set(id, this.messages.length);
    return { position: this.messages.length, duplicate: false };
  }

  seqAt(position: number): Promise<number> {
    const m = this.messages[position - 1];
    if (m === undefined) return Promise.reject(new Error('no message'));
    return Promise.resolve(m.seq);
  }

  /** Simulates another writer appending behind the owner's back. */
  appendForeign(m: UnifiedMessage): void {
    this.messages.push(m);
  }
}

export class MemoryEvents implements EventPublisher {
  readonly published: ConversationEvent[] = [];
  publish(e: ConversationEvent): Promise<void> {
    this.published.push(e);
    return Promise.resolve();
  }
}
