import { ErrorCode, type SubjectCatalog } from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import type { KV, KvEntry } from 'nats';
import type { ReadMarkStore } from '../domain/ports';

const MAX_CONFLICTS = 5;

/**
 * Read marks in NATS KV (`catalog.buckets.readMarks`, key `<tenant>.<conversation>.<participant>`), the
 * value a decimal seq. Raised by compare-and-set on the key's revision, so two gateways writing the same
 * participant's mark can only move it forward.
 */
export class KvReadMarkStore implements ReadMarkStore {
  constructor(
    private readonly kv: KV,
    private readonly catalog: SubjectCatalog,
  ) {}

  async get(tenantId: string, conversationId: string, participantId: string): Promise<number> {
    const entry = await this.guard(() =>
      this.kv.get(this.catalog.readMarkKey(tenantId, conversationId, participantId)),
    );
    return valueOf(entry);
  }

  async advance(tenantId: string, conversationId: string, participantId: string, seq: number): Promise<void> {
    const key = this.catalog.readMarkKey(tenantId, conversationId, participantId);
    const value = new TextEncoder().encode(String(seq));
    for (let attempt = 0; ; attempt++) {
      const entry = await this.guard(() => this.kv.get(key));
      if (valueOf(entry) >= seq) return;
      try {
        if (entry === null) await this.kv.create(key, value);
        else await this.kv.update(key, value, entry.revision);
        return;
      } catch (err) {
        const conflict = /wrong last sequence|key exists/i.test(String(err));
        if (!conflict || attempt >= MAX_CONFLICTS) throw unavailable(err);
      }
    }
  }

  private async guard<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      throw unavailable(err);
    }
  }
}

function valueOf(entry: KvEntry | null): number {
  if (entry === null || entry.operation !== 'PUT') return 0;
  const n = Number(new TextDecoder().decode(entry.value));
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

function unavailable(cause: unknown): SwitchboardError {
  return new SwitchboardError(ErrorCode.ERROR_CODE_UNAVAILABLE, 'the read mark store is unavailable', true, {
    cause,
  });
}
