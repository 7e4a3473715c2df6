import { createLogger, type Logger } from '@switchboard/shared';
import { StoreUnavailableError } from '../domain/errors';
import type {
  DeliveryHandle,
  HistoryQuery,
  SearchQuery,
  MessageRow,
  MessageStore,
  PipelineMetrics,
} from '../domain/ports';

/** In-memory fakes shared by the unit tests. */

export const silentLogger: Logger = createLogger('persistence-test', 'silent');

export function row(seq: number, overrides: Partial<MessageRow> = {}): MessageRow {
  return {
    tenant_id: 't1',
    conversation_id: 'c1',
    seq,
    client_msg_id: `m${seq}`,
    sender_role: 'PARTICIPANT_ROLE_VISITOR',
    sender_id: 'v1',
    sender_name: 'Visitor',
    channel: 'CHANNEL_WEB_WIDGET',
    kind: 'MESSAGE_KIND_TEXT',
    text: `hello ${seq}`,
    client_sent_at_ms: 1_700_000_000_000 + seq,
    accepted_at_ms: 1_700_000_000_500 + seq,
    accepted_at: 1_700_000_000,
    metadata_keys: [],
    metadata_values: [],
    ...overrides,
  };
}

export class RecordingHandle implements DeliveryHandle {
  acks = 0;
  naks = 0;
  progress = 0;
  ack(): void {
    this.acks += 1;
  }
  nak(): void {
    this.naks += 1;
  }
  inProgress(): void {
    this.progress += 1;
  }
}

/** A store kept in memory; `failNext` makes the next inserts fail as if ClickHouse were down. */
export class MemoryStore implements MessageStore {
  readonly batches: MessageRow[][] = [];
  failNext = 0;
  /** When set, inserts wait for this promise before storing. */
  gate: Promise<void> | undefined;
  insertCalls = 0;

  async insert(rows: readonly MessageRow[]): Promise<void> {
    this.insertCalls += 1;
    if (this.gate !== undefined) await this.gate;
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new StoreUnavailableError('ClickHouse unavailable (fake)');
    }
    this.batches.push([...rows]);
  }

  list(q: HistoryQuery): Promise<MessageRow[]> {
    const bySeq = new Map<number, MessageRow>();
    for (const r of this.batches.flat()) {
      if (r.tenant_id === q.tenantId && r.conversation_id === q.conversationId && r.seq > q.afterSeq)
        bySeq.set(r.seq, r);
    }
    return Promise.resolve([...bySeq.values()].sort((a, b) => a.seq - b.seq).slice(0, q.maxRows));
  }

  findByClientMsgId(
    tenantId: string,
    conversationId: string,
    clientMsgId: string,
  ): Promise<MessageRow | undefined> {
    return Promise.resolve(
      this.batches
        .flat()
        .find(
          (r) =>
            r.tenant_id === tenantId &&
            r.conversation_id === conversationId &&
            r.client_msg_id === clientMsgId,
        ),
    );
  }

  search(q: SearchQuery): Promise<MessageRow[]> {
    const rows = new Map<string, MessageRow>();
    for (const r of this.batches.flat()) rows.set(`${r.tenant_id}/${r.conversation_id}/${r.seq}`, r);
    const all = [...rows.values()].filter((r) => r.tenant_id === q.tenantId);
    const wrote = new Set(all.filter((r) => r.sender_id === q.participantId).map((r) => r.conversation_id));
    const needle = q.text.toLowerCase();
    return Promise.resolve(
      all
        .filter(
          (r) =>
            r.text.toLowerCase().includes(needle) &&
            (q.conversationId === undefined || r.conversation_id === q.conversationId) &&
            (q.participantId === undefined || wrote.has(r.conversation_id)),
        )
        .sort((a, b) => b.accepted_at_ms - a.accepted_at_ms)
        .slice(0, q.maxRows),
    );
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }
}

export class CountingMetrics implements PipelineMetrics {
  rows = 0;
  batches = 0;
  failures = 0;
  poison = 0;
  batchInserted(rows: number): void {
    this.rows += rows;
    this.batches += 1;
  }
  insertFailed(): void {
    this.failures += 1;
  }
  poisonMessage(): void {
    this.poison += 1;
  }
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Polls `condition` until it holds or `timeoutMs` passes; the way tests wait, instead of sleeping. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
