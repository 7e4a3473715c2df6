import type { LeaseView } from './lease-plan';
import {
  PartitionOwnership,
  type LeaseStore,
  type LeaseValue,
  type OwnershipClock,
  type PartitionListener,
} from './partition-ownership';
import { ConflictError } from './ports';

/** One shared in-memory lease bucket with revisions, like NATS KV. */
class MemoryLeaseBucket {
  private rev = 0;
  readonly leases = new Map<number, LeaseView>();
  readonly instances = new Map<string, number>();
  down = false;

  storeFor(): LeaseStore {
    return {
      leases: () => this.leases,
      instances: () => this.instances,
      heartbeat: (id, _started, expiresAtMs) => {
        if (this.down) return Promise.reject(new Error('nats down'));
        this.instances.set(id, expiresAtMs);
        return Promise.resolve();
      },
      write: (p: number, lease: LeaseValue, revision: number | undefined) => {
        if (this.down) return Promise.reject(new Error('nats down'));
        const cur = this.leases.get(p);
        if ((cur?.revision ?? undefined) !== revision) return Promise.reject(new ConflictError('moved'));
        const next = ++this.rev;
        this.leases.set(p, { owner: lease.owner, expiresAtMs: lease.expiresAtMs, revision: next });
        return Promise.resolve(next);
      },
      release: (p: number, revision: number) => {
        if (this.down) return Promise.reject(new Error('nats down'));
        if (this.leases.get(p)?.revision !== revision) return Promise.reject(new ConflictError('moved'));
        this.leases.set(p, { owner: '', expiresAtMs: 0, revision: ++this.rev });
        return Promise.resolve();
      },
      removeInstance: (id) => {
        this.instances.delete(id);
        return Promise.resolve();
      },
    };
  }
}

class Recorder implements PartitionListener {
  readonly serving = new Set<number>();
  readonly events: string[] = [];
  acquired(p: number): Promise<void> {
    this.serving.add(p);
    this.events.push(`+${p}`);
    return Promise.resolve();
  }
  lost(p: number, reason: string): Promise<void> {
    this.serving.delete(p);
    this.events.push(`-${p}:${reason}`);
    return Promise.resolve();
  }
}

const clock = { wall: 1_000_000, mono: 0 };
const sharedClock: OwnershipClock = { wallMs: () => clock.wall, monoMs: () => clock.mono };
const quietLog = { info: () => undefined, warn: () => undefined };

function advance(ms: number): void {
  clock.wall += ms;
  clock.mono += ms;
}

function instance(bucket: MemoryLeaseBucket, id: string, c: OwnershipClock = sharedClock) {
  const listener = new Recorder();
  const ownership = new PartitionOwnership(
    bucket.storeFor(),
    listener,
    c,
    { instanceId: id, totalPartitions: 8, leaseTtlMs: 4000, renewEveryMs: 1000, safetyMarginMs: 500 },
    quietLog,
  );
  return { ownership, listener };
}

test('PartitionOwnership - a lone instance owns every partition and renews them', async () => {
  const bucket = new MemoryLeaseBucket();
  const a = instance(bucket, 'a');
  await a.ownership.tick();
  expect(a.ownership.ownedPartitions()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  expect([...a.listener.serving].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  advance(3000);
  await a.ownership.tick();
  advance(3000);
  expect(a.ownership.owns(3)).toBe(true);
});

test('PartitionOwnership - a second instance gets half after the first hands them over', async () => {
  const bucket = new MemoryLeaseBucket();
  const a = instance(bucket, 'a');
  const b = instance(bucket, 'b');
  await a.ownership.tick();
  await b.ownership.tick(); // b is live now, but everything is leased
  expect(b.ownership.ownedCount).toBe(0);
  await a.ownership.tick(); // a sees b and hands over 4..7
  expect(a.ownership.ownedPartitions()).toEqual([0, 1, 2, 3]);
  expect(a.listener.events).toContain('-7:rebalance');
  await b.ownership.tick();
  expect(b.ownership.ownedPartitions()).toEqual([4, 5, 6, 7]);
  for (let p = 0; p < 8; p++) expect(a.ownership.owns(p) !== b.ownership.owns(p)).toBe(true);
});

test('PartitionOwnership - when the owner dies, the other takes over once the lease expired', async () => {
  const bucket = new MemoryLeaseBucket();
  const a = instance(bucket, 'a');
  const b = instance(bucket, 'b');
  await a.ownership.tick();
  await b.ownership.tick();
  await a.ownership.tick();
  await b.ownership.tick();
  // a is killed: it never ticks again.
  advance(2000);
  await b.ownership.tick();
  expect(b.ownership.ownedCount).toBe(4);
  advance(2500); // a's leases (4 s) and heartbeat have expired
  await b.ownership.tick();
  expect(b.ownership.ownedPartitions()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
});

test('PartitionOwnership - a paused owner stops serving at its deadline and cannot renew after a takeover', async () => {
  const bucket = new MemoryLeaseBucket();
  const a = instance(bucket, 'a');
  await a.ownership.tick();
  advance(3600); // a is paused past ttl - margin: it must consider itself no owner any more
  expect(a.ownership.owns(0)).toBe(false);
  const b = instance(bucket, 'b');
  advance(500);
  await b.ownership.tick();
  expect(b.ownership.ownedCount).toBe(8);
  await a.ownership.tick(); // a wakes up: its renewals lose the compare-and-set
  expect(a.ownership.ownedCount).toBe(0);
  expect(a.listener.events.filter((e) => e.endsWith(':taken'))).toHaveLength(8);
  expect(a.listener.serving.size).toBe(0);
});

test('PartitionOwnership - an owner cut off from NATS stops serving once the lease may have expired', async () => {
  const bucket = new MemoryLeaseBucket();
  const a = instance(bucket, 'a');
  await a.ownership.tick();
  bucket.down = true;
  advance(1000);
  await a.ownership.tick();
  expect(a.ownership.ownedCount).toBe(8); // still within the lease
  advance(3000);
  await a.ownership.tick();
  expect(a.ownership.ownedCount).toBe(0);
  expect(a.listener.events).toContain('-0:expired');
});

test('PartitionOwnership - stop hands everything over at once', async () => {
  const bucket = new MemoryLeaseBucket();
  const a = instance(bucket, 'a');
  const b = instance(bucket, 'b');
  await a.ownership.tick();
  await a.ownership.stop();
  expect(a.listener.serving.size).toBe(0);
  await b.ownership.tick();
  expect(b.ownership.ownedCount).toBe(8);
});
