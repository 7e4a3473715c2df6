import { PartitionLease, SessionInstance, type SubjectCatalog } from '@switchboard/proto';
import type { Logger } from '@switchboard/shared';
import type { KV, KvEntry } from 'nats';
import type { LeaseView } from '../domain/lease-plan';
import type { LeaseStore, LeaseValue } from '../domain/partition-ownership';
import { ConflictError } from '../domain/ports';

/**
 * The lease table in NATS KV bucket SB_SESSION_LEASES: `p<P>` → PartitionLease, `i.<instance>` →
 * SessionInstance. A watch keeps an in-memory mirror for planning; every write is a CAS on the revision.
 */
export class KvLeaseStore implements LeaseStore {
  private readonly leaseMap = new Map<number, LeaseView>();
  private readonly instanceMap = new Map<string, number>();
  private stopWatch: (() => void) | undefined;

  private constructor(
    private readonly kv: KV,
    private readonly catalog: SubjectCatalog,
    private readonly log: Logger,
  ) {}

  /** Opens the mirror; resolves once the bucket's current contents are loaded. */
  static async open(kv: KV, catalog: SubjectCatalog, logger: Logger): Promise<KvLeaseStore> {
    const store = new KvLeaseStore(kv, catalog, logger.child({ component: 'leases' }));
    await store.watch();
    return store;
  }

  private async watch(): Promise<void> {
    let initialized!: () => void;
    const ready = new Promise<void>((resolve) => {
      initialized = resolve;
    });
    const iter = await this.kv.watch({
      key: '>',
      initializedFn: () => {
        initialized();
      },
    });
    this.stopWatch = () => {
      iter.stop();
    };
    void (async () => {
      for await (const e of iter) this.apply(e);
    })().catch((err: unknown) => {
      this.log.error({ err }, 'lease watch ended');
    });
    await ready;
  }

  private apply(e: KvEntry): void {
    const deleted = e.operation !== 'PUT';
    const prefix = this.catalog.sessionInstancePrefix();
    try {
      if (e.key.startsWith(prefix)) {
        const id = e.key.slice(prefix.length);
        if (deleted) this.instanceMap.delete(id);
        else this.instanceMap.set(id, SessionInstance.decode(e.value).expiresAtMs);
        return;
      }
      const p = partitionOfKey(e.key);
      if (p === undefined) return;
      if (deleted) {
        // The next writer must name the delete marker's revision.
        this.leaseMap.set(p, { owner: '', expiresAtMs: 0, revision: e.revision });
        return;
      }
      const lease = PartitionLease.decode(e.value);
      this.leaseMap.set(p, { owner: lease.owner, expiresAtMs: lease.expiresAtMs, revision: e.revision });
    } catch (err) {
      this.log.warn({ err, key: e.key }, 'ignoring an undecodable lease entry');
    }
  }

  leases(): ReadonlyMap<number, LeaseView> {
    return this.leaseMap;
  }

  instances(): ReadonlyMap<string, number> {
    return this.instanceMap;
  }

  async heartbeat(instanceId: string, startedAtMs: number, expiresAtMs: number): Promise<void> {
    await this.kv.put(
      this.catalog.sessionInstanceKey(instanceId),
      SessionInstance.encode({ instanceId, startedAtMs, expiresAtMs }).finish(),
    );
  }

  async write(partition: number, lease: LeaseValue, revision: number | undefined): Promise<number> {
    const key = this.catalog.partitionLeaseKey(partition);
    const data = PartitionLease.encode(lease).finish();
    try {
      return revision === undefined
        ? await this.kv.create(key, data)
        : await this.kv.update(key, data, revision);
    } catch (err) {
      if (isCasFailure(err)) throw new ConflictError(`lease ${key} moved on`, { cause: err });
      throw err;
    }
  }

  async release(partition: number, revision: number): Promise<void> {
    try {
      await this.kv.delete(this.catalog.partitionLeaseKey(partition), { previousSeq: revision });
    } catch (err) {
      if (isCasFailure(err)) throw new ConflictError('lease moved on', { cause: err });
      throw err;
    }
  }

  async removeInstance(instanceId: string): Promise<void> {
    await this.kv.delete(this.catalog.sessionInstanceKey(instanceId));
  }

  close(): void {
    this.stopWatch?.();
  }
}

function partitionOfKey(key: string): number | undefined {
  const m = /^p(\d+)$/.exec(key);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/** JetStream's answer to a compare-and-set that lost: "wrong last sequence" (10071) or "key exists". */
function isCasFailure(err: unknown): boolean {
  return /wrong last sequence|key exists/i.test(String(err));
}
