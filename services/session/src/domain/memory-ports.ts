import { ConversationSummary, type ConversationEvent, type UnifiedMessage } from '@switchboard/proto';
import {
  ConflictError,
  type AppendResult,
  type ConversationIndex,
  type ConversationLog,
  type HistoryLookup,
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
  /** Messages with a seq below this are treated as trimmed by retention (index() does not see them). */
  trimmedBelow = 1;

  async index(t: string, c: string): Promise<ConversationIndex> {
    const ids = new Map<string, number>();
    let firstSeq: number | undefined;
    for (const m of this.messages) {
      if (m.tenantId !== t || m.conversationId !== c || m.seq < this.trimmedBelow) continue;
      firstSeq ??= m.seq;
      ids.set(m.clientMsgId, m.seq);
    }
    const last = await this.last(t, c);
    return { last, ids, firstSeq: firstSeq ?? (last?.seq ?? 0) + 1 };
  }

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

  /** Simulates JetStream's de-duplication window passing: the log itself no longer knows old ids. */
  forgetDedupWindow(): void {
    this.ids.clear();
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

/** History that holds whatever the test put in it. */
export class MemoryHistory implements HistoryLookup {
  readonly seqs = new Map<string, number>();
  failing = false;
  lookups = 0;

  findSeq(t: string, c: string, clientMsgId: string): Promise<number | undefined> {
    this.lookups++;
    if (this.failing) return Promise.reject(new Error('history down (fake)'));
    return Promise.resolve(this.seqs.get(`${t}.${c}.${clientMsgId}`));
  }
}
