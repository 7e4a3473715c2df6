/**
 * Which session partitions an instance should take or give up, decided from a snapshot of the lease table.
 * Pure: the partition owner (partition-ownership.ts) feeds it what the lease bucket says and applies the plan
 * with compare-and-set writes, so a wrong or stale snapshot can cost a retry but never a second owner.
 */

/** One partition's lease as last seen in the bucket. */
export interface LeaseView {
  readonly owner: string;
  readonly expiresAtMs: number;
  /** The bucket revision the lease was read at; the next write must name it. */
  readonly revision: number;
}

export interface PlanInput {
  readonly self: string;
  /** Wall-clock now, in the same clock leases' expiresAtMs were written with. */
  readonly nowMs: number;
  readonly totalPartitions: number;
  readonly leases: ReadonlyMap<number, LeaseView>;
  /** Live session instances (their heartbeat has not expired), by id; may or may not include self. */
  readonly instances: ReadonlyMap<string, number>;
  /** Partitions this instance serves right now. */
  readonly owned: ReadonlySet<number>;
}

export interface Plan {
  /** Partitions to take: unleased, expired, or leased to self from an earlier life of this instance. */
  readonly acquire: readonly number[];
  /** Partitions to hand over: this instance holds more than its fair share. */
  readonly release: readonly number[];
}

/** How many live instances there are, counting self even before its own heartbeat is visible. */
export function liveInstances(self: string, nowMs: number, instances: ReadonlyMap<string, number>): number {
  let n = 0;
  let selfSeen = false;
  for (const [id, expiresAtMs] of instances) {
    if (expiresAtMs <= nowMs) continue;
    n++;
    if (id === self) selfSeen = true;
  }
  return selfSeen ? n : n + 1;
}

/** Each instance's target: the partitions divided evenly, rounded up so that every partition has room. */
export function fairShare(totalPartitions: number, live: number): number {
  return Math.ceil(totalPartitions / Math.max(1, live));
}

export function planLeases(input: PlanInput): Plan {
  const fair = fairShare(input.totalPartitions, liveInstances(input.self, input.nowMs, input.instances));
  const owned = [...input.owned].sort((a, b) => a - b);
  if (owned.length > fair) {
    // Give up the highest-numbered ones so that every instance converges on the same split.
    return { acquire: [], release: owned.slice(fair) };
  }
  const acquire: number[] = [];
  for (let p = 0; p < input.totalPartitions && owned.length + acquire.length < fair; p++) {
    if (input.owned.has(p)) continue;
    const lease = input.leases.get(p);
    if (lease === undefined || lease.expiresAtMs <= input.nowMs || lease.owner === input.self)
      acquire.push(p);
  }
  return { acquire, release: [] };
}
